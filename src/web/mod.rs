//! The web plumbing shared by every feature: request context, layout, CSRF,
//! security headers, error pages, static files.

pub mod context;
pub mod csrf;
pub mod csv;
pub mod errors;
pub mod flash;
pub mod input;
pub mod layout;
pub mod limit;
pub mod once;
pub mod security;
pub mod session_store;
pub mod static_files;

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::AppResult;

/// Renders a page template into an HTML response.
pub fn render(t: &impl Template) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// Renders with a status other than 200 (422 for a form with errors, 401…).
pub fn render_status(status: axum::http::StatusCode, t: &impl Template) -> AppResult<Response> {
    Ok((status, Html(t.render()?)).into_response())
}

/// The redirect after a successful POST: 303 so the browser follows with GET.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
