//! `/accounts`: the accounts a user may open, as a table and as CSV.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::{self, AccountSummary};
use crate::auth::extract::AccountsUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::users::Role;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "accounts/list.html")]
pub struct ListPage {
    pub ui: Ui,
    pub title_key: &'static str,
    pub accounts: Vec<AccountSummary>,
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let accounts = accounts::visible_to(&state.db, &user).await?;
    let title_key = if user.role == Role::Kam {
        "accounts-mine-title"
    } else {
        "accounts-title"
    };
    render(&ListPage {
        ui,
        title_key,
        accounts,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let accounts = accounts::visible_to(&state.db, &user).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("col-account"),
        t("col-code"),
        t("col-industry"),
        t("col-country"),
        t("col-tier"),
        t("col-stage"),
        t("col-owner"),
        t("col-updated"),
    ])?;
    for a in &accounts {
        out.row(&[
            a.name.clone(),
            a.slug.clone(),
            a.industry.clone(),
            a.country.clone(),
            t(a.tier.label_key()),
            a.stage.to_string(),
            a.owner_name.clone().unwrap_or_default(),
            a.updated_at.to_rfc3339(),
        ])?;
    }
    out.finish("accounts.csv")
}
