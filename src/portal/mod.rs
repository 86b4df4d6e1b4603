//! `/portal`: what a client user sees — their account's shared scorecard, its KPI
//! pages and the account team. The account always comes from the session, never
//! from the URL, and every query is limited in SQL to shared KPIs (see
//! `kpis::shared_for_account`), so there is nothing to guess and nothing to leak.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::accounts::{self, Account, team};
use crate::auth::extract::{AccountsUser, ClientUser};
use crate::error::{AppError, AppResult};
use crate::kpis;
use crate::period::Period;
use crate::scorecard::page::{PeriodQuery, PortalInfo, month_from};
use crate::scorecard::{self, Board, kpi_page};
use crate::state::AppState;
use crate::users::User;
use crate::values;
use crate::web::csv::CsvResponse;
use crate::web::layout::Ui;
use crate::web::render_status;

/// The client user's account; a client without one (impossible by constraint) gets 404.
async fn own_account(state: &AppState, user: &User) -> AppResult<Account> {
    let id = user.account_id.ok_or(AppError::NotFound)?;
    accounts::find_unchecked(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    state: &AppState,
    ui: Ui,
    account: Account,
    month: Period,
    preview: bool,
) -> AppResult<Response> {
    let team = team::members(&state.db, account.id).await?;
    let id = account.id;
    let loaded = scorecard::load_shared(&state.db, account, scorecard::as_of(month)).await?;
    let board = Board::build(&loaded, month);
    let mut page = scorecard::page::build(ui, &board, false, None);
    page.nothing_shared = loaded.kpis.is_empty();
    if preview {
        page.base = format!("/accounts/{id}/as-client");
        page.kpi_base = format!("/accounts/{id}");
    } else {
        page.base = "/portal".into();
        page.kpi_base = "/portal".into();
    }
    page.portal = Some(PortalInfo { team, preview });
    render_status(StatusCode::OK, &page)
}

pub async fn page(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    show(&state, ui, account, month_from(&q)?, false).await
}

/// `/accounts/{id}/as-client`: the KAM sees exactly what the client sees.
pub async fn preview(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    show(&state, ui, account, month_from(&q)?, true).await
}

pub async fn kpi(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Path(kpi_id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    let kpi = kpis::find_shared(&state.db, account.id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (vals, history, overrides) = tokio::try_join!(
        values::for_kpi(&state.db, kpi.id),
        values::history(&state.db, kpi.id),
        kpis::target_overrides(&state.db, account.id),
    )?;
    let overrides: Vec<_> = overrides
        .into_iter()
        .filter(|(id, _, _)| *id == kpi.id)
        .collect();
    let evaluation = crate::evaluation::view(
        &state.db,
        &ui,
        &account,
        &kpi,
        &vals,
        q.period.as_deref(),
        crate::evaluation::Viewer {
            side: crate::evaluation::rules::Side::Client,
            can_edit: false,
        },
    )
    .await?;
    let mut page = kpi_page::build(ui, account, kpi, &vals, &history, &overrides, false);
    page.base = "/portal".into();
    page.evaluation = evaluation;
    render_status(StatusCode::OK, &page)
}

pub async fn csv(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> AppResult<CsvResponse> {
    let account = own_account(&state, &user).await?;
    let month = month_from(&q)?;
    let loaded = scorecard::load_shared(&state.db, account, scorecard::as_of(month)).await?;
    scorecard::csv::write(&ui, &Board::build(&loaded, month))
}

pub async fn kpi_csv(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Path(kpi_id): Path<i64>,
) -> AppResult<CsvResponse> {
    let account = own_account(&state, &user).await?;
    let kpi = kpis::find_shared(&state.db, account.id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    kpi_page::history_csv(&state, &ui, &kpi).await
}
