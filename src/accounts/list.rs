//! `/accounts`: the accounts a user may open, with each one's balanced score and
//! status, as a table and as CSV.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::{self, AccountSummary};
use crate::auth::extract::AccountsUser;
use crate::error::AppResult;
use crate::portfolio::data;
use crate::scoring;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

/// An account as the list shows it: the account and its balanced score now.
pub struct Listed {
    pub account: AccountSummary,
    /// `None` when no KPI is fresh.
    pub score: Option<f64>,
    /// The score as printed (rounded down) or "—".
    pub score_text: String,
    /// green | amber | red | none (`scoring::band`).
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
pub struct ListPage {
    pub ui: Ui,
    pub title_key: &'static str,
    pub accounts: Vec<Listed>,
    /// The next business reviews of these accounts (`reviews::upcoming`).
    pub upcoming: Vec<crate::reviews::Upcoming>,
}

impl ListPage {
    pub fn review_kind(&self, code: &str) -> String {
        self.ui.t(&crate::reviews::model::ReviewKind::parse(code)
            .unwrap_or(crate::reviews::model::ReviewKind::Qbr)
            .label_key())
    }
}

/// The visible accounts with their scores: the portfolio's bulk figures, a fixed
/// number of queries whatever the number of accounts, scored by `scoring` like
/// every scorecard.
async fn listed(state: &AppState, user: &crate::users::User, ui: &Ui) -> AppResult<Vec<Listed>> {
    let all = accounts::visible_to(&state.db, user).await?;
    let settings = data::settings(&state.db).await?;
    let (mut figures, _pending) = data::figures(&state.db, &all, &settings).await?;
    Ok(all
        .into_iter()
        .map(|account| {
            let score = figures.remove(&account.id).and_then(|f| f.now.overall);
            let status = scoring::band(score).code();
            Listed {
                score,
                score_text: score
                    .map(|s| ui.num(scoring::shown(s), 0))
                    .unwrap_or_else(|| "—".into()),
                status,
                status_label: ui.t(&format!("status-{status}")),
                account,
            }
        })
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let accounts = listed(&state, &user, &ui).await?;
    let ids: Vec<i64> = accounts.iter().map(|l| l.account.id).collect();
    let upcoming = crate::reviews::upcoming(&state.db, &ids, state.clock.today(), 5).await?;
    let title_key = if crate::authz::owns_accounts(&user) {
        "accounts-mine-title"
    } else {
        "accounts-title"
    };
    render(&ListPage {
        ui,
        title_key,
        accounts,
        upcoming,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let accounts = listed(&state, &user, &ui).await?;
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
        t("overall-score"),
        t("col-status"),
    ])?;
    for l in &accounts {
        let a = &l.account;
        out.row(&[
            a.name.clone(),
            a.slug.clone(),
            a.industry.clone(),
            a.country.clone(),
            t(a.tier.label_key()),
            a.stage.to_string(),
            a.owner_name.clone().unwrap_or_default(),
            a.updated_at.to_rfc3339(),
            // The same number as the page, unformatted: rounded down, no separator.
            l.score
                .map(|s| scoring::shown(s).to_string())
                .unwrap_or_default(),
            l.status_label.clone(),
        ])?;
    }
    out.finish("accounts.csv")
}
