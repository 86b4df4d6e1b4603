//! `/help/scoring`: the formulas, in words people can check.

use askama::Template;
use axum::response::Response;

use crate::auth::extract::AnyUser;
use crate::error::AppResult;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "scorecard/help.html")]
pub struct HelpPage {
    pub ui: Ui,
}

pub async fn page(_user: AnyUser, ui: Ui) -> AppResult<Response> {
    render(&HelpPage { ui })
}
