//! `/inbox`: data requests addressed to an internal contributor. The scorecard
//! issue fills it; the page exists so every role has a home.

use askama::Template;
use axum::response::Response;

use crate::auth::extract::InboxUser;
use crate::error::AppResult;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "inbox/index.html")]
pub struct InboxPage {
    pub ui: Ui,
}

pub async fn page(InboxUser(_user): InboxUser, ui: Ui) -> AppResult<Response> {
    render(&InboxPage { ui })
}
