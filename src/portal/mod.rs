//! `/portal`: what a client user sees. The account always comes from the session,
//! never from the URL, so there is nothing to guess.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::{self, AccountSummary};
use crate::auth::extract::ClientUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "portal/index.html")]
pub struct PortalPage {
    pub ui: Ui,
    pub account: AccountSummary,
}

pub async fn page(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
) -> AppResult<Response> {
    let account = accounts::of_client(&state.db, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&PortalPage { ui, account })
}
