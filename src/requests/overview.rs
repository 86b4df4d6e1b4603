//! `/requests`: completion of the month's data requests across the accounts the
//! viewer sees (directors: every account; KAMs: theirs), per account and per owner.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::extract::PortfolioUser;
use crate::authz;
use crate::error::AppResult;
use crate::requests::account::MonthQuery;
use crate::requests::rules::Status;
use crate::requests::store;
use crate::requests::{Completion, RequestView, completion, month_of, view};
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "requests/overview.html")]
pub struct OverviewPage {
    pub ui: Ui,
    pub month_code: String,
    pub month_label: String,
    pub prev_code: String,
    pub next_code: String,
    pub by_account: Vec<Completion>,
    pub by_owner: Vec<Completion>,
    pub total: Completion,
    pub statuses: [Status; 4],
    /// Missing values first: what needs chasing.
    pub missing: Vec<RequestView>,
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let today = state.clock.today();
    let month = month_of(q.period.as_deref(), today);
    let rows = store::closing_in(&state.db, month.start, authz::member_filter(&user), None).await?;
    let (by_account, total) = completion(&rows, today, |r| &r.account_name, ui.t("request-total"));
    let (mut by_owner, _) = completion(&rows, today, |r| &r.owner_name, String::new());
    by_owner.sort_by(|a, b| a.label.cmp(&b.label));
    let missing = rows
        .iter()
        .filter(|r| r.status(today) == Status::Missing)
        .map(|r| view(&ui, r, today))
        .collect();
    render(&OverviewPage {
        month_code: month.code(),
        month_label: month.label(ui.locale),
        prev_code: month.prev().code(),
        next_code: month.next().code(),
        by_account,
        by_owner,
        total,
        statuses: Status::ALL,
        missing,
        ui,
    })
}

/// Every request of the month the viewer sees, one line each.
pub async fn csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<MonthQuery>,
) -> AppResult<CsvResponse> {
    let today = state.clock.today();
    let month = month_of(q.period.as_deref(), today);
    let rows = store::closing_in(&state.db, month.start, authz::member_filter(&user), None).await?;
    let mut out = Csv::new(&super::csv_header(ui.locale))?;
    for r in &rows {
        out.row(&super::csv_row(&ui, &view(&ui, r, today)))?;
    }
    out.finish(&format!("requests-{}.csv", month.code()))
}
