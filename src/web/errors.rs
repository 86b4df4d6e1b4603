//! Turns error responses into pages in the user's language (or JSON for API
//! clients), whatever produced them: a handler's AppError, the router's 404/405,
//! a panic, a timeout.

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::audit;
use crate::error::ErrorMarker;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    ui: Ui,
    status: u16,
    title: String,
    message: String,
}

pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<RequestCtx>().cloned();
    let method = req.method().as_str().to_owned();
    let json = wants_json(req.headers(), req.uri().path());
    let htmx = req.headers().contains_key("hx-request");
    let path = req.uri().path().to_owned();
    let here = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let method_is_get = req.method() == axum::http::Method::GET;

    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let marker = response.extensions().get::<ErrorMarker>().copied();
    if let (Some(m), Some(c)) = (marker, ctx.as_ref()) {
        audit_refusal(&state, c, status, m.message_key, &method, &here).await;
    }
    // A page that rendered itself (a form with errors, the login page) stays as is.
    if marker.is_none() && response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let key = marker.map(|m| m.message_key).unwrap_or(default_key(status));

    if status == StatusCode::UNAUTHORIZED && !json {
        let login = if method_is_get {
            format!("/login?next={}", urlencode(&here))
        } else {
            "/login".to_owned()
        };
        if htmx {
            let mut r = StatusCode::OK.into_response();
            if let Ok(v) = HeaderValue::from_str(&login) {
                r.headers_mut().insert("hx-redirect", v);
            }
            return r;
        }
        return Redirect::to(&login).into_response();
    }

    let locale = ctx.as_ref().map(|c| c.locale).unwrap_or_default();
    let keep = keep_headers(response.headers());
    if path.starts_with("/api/") {
        // An unknown API path reaches the pages' fallback: still a problem document.
        let mut out = crate::api::problem::bare(locale, status, key, &path);
        out.headers_mut().extend(keep);
        return out;
    }
    let mut out = if json {
        let body =
            serde_json::json!({ "error": { "status": status.as_u16(), "message": locale.t(key) } });
        (status, Json(body)).into_response()
    } else {
        match page(ctx, status, key, &path, here).await {
            Some(html) => (status, Html(html)).into_response(),
            None => (status, locale.t(key)).into_response(),
        }
    };
    out.headers_mut().extend(keep);
    out
}

async fn page(
    ctx: Option<RequestCtx>,
    status: StatusCode,
    key: &str,
    path: &str,
    here: String,
) -> Option<String> {
    let ctx = ctx?;
    let ui = Ui::build(&ctx, path, here).await.ok()?;
    let title = ui.t(&format!("error-title-{}", status.as_u16()));
    let title = if title.starts_with("error-title-") {
        ui.t("error-title-generic")
    } else {
        title
    };
    let page = ErrorPage {
        message: ui.t(key),
        title,
        status: status.as_u16(),
        ui,
    };
    page.render().ok()
}

/// Every refused access by a signed-in user — 403 for a page outside their role,
/// 404 for something that does not exist *for them* (ids reveal nothing, but the
/// attempt is on record) — goes to the audit trail, in one place so no handler
/// can forget. CSRF refusals have their own audit row already.
async fn audit_refusal(
    state: &AppState,
    ctx: &RequestCtx,
    status: StatusCode,
    key: &str,
    method: &str,
    path: &str,
) {
    let refused =
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) && key != "error-csrf";
    if !refused || ctx.user.is_none() {
        return;
    }
    tracing::warn!(%status, path, "access refused");
    let entry = audit::Entry::new(audit::Action::SecurityAccessRefused).after(serde_json::json!({
        "method": method, "path": path, "status": status.as_u16(),
    }));
    if let Err(e) = audit::record(&state.db, &ctx.actor(), entry).await {
        tracing::error!(error = %e, "could not audit a refused access");
    }
}

fn keep_headers(h: &HeaderMap) -> HeaderMap {
    let mut keep = HeaderMap::new();
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = h.get(&name) {
            keep.insert(name, v.clone());
        }
    }
    keep
}

fn default_key(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::METHOD_NOT_ALLOWED => "error-method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "error-form-too-large",
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => "error-unavailable",
        s if s.is_server_error() => "error-internal",
        _ => "error-bad-request",
    }
}

/// JSON for the API and for clients that ask for it and not for HTML.
fn wants_json(headers: &HeaderMap, path: &str) -> bool {
    if path.starts_with("/api/") {
        return true;
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Template)]
#[template(path = "errors/bare.html")]
struct BarePage {
    lang: &'static str,
    status: u16,
    title: String,
    message: String,
    code_label: String,
    retry_label: String,
    here: String,
}

/// The outermost layer of the pages: an error answered before the request context
/// existed (the session could not be loaded because the database is down) or after
/// it (the session layer's own failures) has no body yet. Dress it in a page in the
/// language the browser asks for (or JSON), so that no error ever goes out empty;
/// a 503 always says when to come back.
pub async fn dress_bare(req: Request, next: Next) -> Response {
    let json = wants_json(req.headers(), req.uri().path());
    let path = req.uri().path().to_owned();
    let locale = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::i18n::Locale::from_accept_language)
        .unwrap_or_default();
    let here = req
        .uri()
        .path_and_query()
        .filter(|_| req.method() == axum::http::Method::GET)
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".into());

    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let key = response
        .extensions()
        .get::<ErrorMarker>()
        .map(|m| m.message_key)
        .unwrap_or(default_key(status));
    let mut keep = keep_headers(response.headers());
    if status == StatusCode::SERVICE_UNAVAILABLE && !keep.contains_key(header::RETRY_AFTER) {
        keep.insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
        );
    }
    if path.starts_with("/api/") {
        let mut out = crate::api::problem::bare(locale, status, key, &path);
        out.headers_mut().extend(keep);
        return out;
    }
    let mut out = if json {
        let body =
            serde_json::json!({ "error": { "status": status.as_u16(), "message": locale.t(key) } });
        (status, Json(body)).into_response()
    } else {
        let title = if locale.has(&format!("error-title-{}", status.as_u16())) {
            locale.t(&format!("error-title-{}", status.as_u16()))
        } else {
            locale.t("error-title-generic")
        };
        let page = BarePage {
            lang: locale.code(),
            status: status.as_u16(),
            title,
            message: locale.t(key),
            code_label: locale.t("error-code"),
            retry_label: locale.t("error-retry"),
            here,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, locale.t(key)).into_response(),
        }
    };
    out.headers_mut().extend(keep);
    out
}

/// Used by the panic-catching layer: a plain 500 that `render` then dresses.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    crate::error::AppError::internal(anyhow::anyhow!("panic")).into_response()
}
