//! `/portal`: what a client user sees — their account's shared scorecard, its KPI
//! pages and the account team. The account always comes from the session, never
//! from the URL, and every query is limited in SQL to shared KPIs (see
//! `kpis::shared_for_account`), so there is nothing to guess and nothing to leak.

pub mod validate;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account, team};
use crate::auth::extract::ClientUser;
use crate::error::{AppError, AppResult};
use crate::kpis;
use crate::period::Period;
use crate::scorecard::kpi_page::ClientEntry;
use crate::scorecard::page::{Arrangement, PeriodQuery, PortalInfo, ViewQuery, month_from};
use crate::scorecard::{self, Board, kpi_page};
use crate::sharing;
use crate::state::AppState;
use crate::users::User;
use crate::values;
use crate::values::entry::{self, ValueForm};
use crate::web::context::RequestCtx;
use crate::web::csv::CsvResponse;
use crate::web::layout::Ui;
use crate::web::render_status;
use crate::web::{flash, see_other};
use axum::Form;

/// The client user's account; a client without one (impossible by constraint) gets 404.
async fn own_account(state: &AppState, user: &User) -> AppResult<Account> {
    let id = user.account_id.ok_or(AppError::NotFound)?;
    accounts::find_unchecked(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the client ticked and why it was refused, when the page is shown again.
#[derive(Default)]
/// Also carries the rows' arrangement (`?sort=`, `?only=`), to keep
/// `show_with` under clippy's argument limit.
struct Refusal<'a> {
    checked: &'a [i64],
    error: Option<String>,
    arrangement: Arrangement,
}

async fn show(
    state: &AppState,
    ui: Ui,
    account: Account,
    month: Period,
    preview: bool,
    arrangement: Arrangement,
) -> AppResult<Response> {
    show_with(
        state,
        ui,
        account,
        month,
        preview,
        Refusal {
            arrangement,
            ..Refusal::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn show_with(
    state: &AppState,
    ui: Ui,
    account: Account,
    month: Period,
    preview: bool,
    refusal: Refusal<'_>,
    status: StatusCode,
) -> AppResult<Response> {
    let team = team::members(&state.db, account.id).await?;
    let id = account.id;
    let next_step = validate::next_step(
        &state.db,
        &ui,
        id,
        account.stage,
        preview,
        refusal.checked,
        refusal.error,
    )
    .await?;
    let loaded =
        scorecard::load_page(&state.db, account, month, scorecard::Audience::Client).await?;
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
    page.portal = Some(PortalInfo {
        team,
        preview,
        next_step,
    });
    page.arrange(refusal.arrangement);
    render_status(status, &page)
}

/// The portal shown again with 422 after a refused "validate these values".
async fn refused(
    state: &AppState,
    ui: Ui,
    account: Account,
    checked: &[i64],
    key: &str,
) -> AppResult<Response> {
    let error = Some(ui.t(key));
    let month = crate::scorecard::current_month();
    show_with(
        state,
        ui,
        account,
        month,
        false,
        Refusal {
            checked,
            error,
            arrangement: Arrangement::default(),
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn page(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
    Query(view): Query<ViewQuery>,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    show(
        &state,
        ui,
        account,
        month_from(&q)?,
        false,
        Arrangement::from_query(&view),
    )
    .await
}

/// `/accounts/{id}/as-client`: the KAM sees exactly what the client sees.
pub async fn preview(
    State(state): State<AppState>,
    VisibleAccount { user: _, account }: VisibleAccount,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
    Query(view): Query<ViewQuery>,
) -> AppResult<Response> {
    let _id = account.id;
    show(
        &state,
        ui,
        account,
        month_from(&q)?,
        true,
        Arrangement::from_query(&view),
    )
    .await
}

pub async fn kpi(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Path(kpi_id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    kpi_view(
        &state,
        ui,
        account,
        kpi_id,
        q.period.as_deref(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The portal's KPI page; `entry` carries what the client typed when it was refused.
#[allow(clippy::too_many_arguments)]
pub async fn kpi_view(
    state: &AppState,
    ui: Ui,
    account: Account,
    kpi_id: i64,
    period: Option<&str>,
    entry: Option<ClientEntry>,
    refused_target: Option<crate::scorecard::kpi_page::TargetRefusal>,
    status: StatusCode,
) -> AppResult<Response> {
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
        period,
        crate::evaluation::Viewer {
            side: crate::evaluation::rules::Side::Client,
            can_edit: false,
        },
    )
    .await?;
    let targets = crate::sharing::targets::view(
        &state.db,
        &ui,
        &account,
        &kpi,
        crate::evaluation::rules::Side::Client,
        true,
        refused_target,
    )
    .await?;
    let can_enter = sharing::client_can_enter_values(account.stage, kpi.visibility);
    let default_period = Period::containing(kpi.frequency, chrono::Utc::now().date_naive())
        .prev()
        .code();
    let mut page = kpi_page::build(ui, account, kpi, &vals, &history, &overrides, false);
    page.base = "/portal".into();
    page.evaluation = evaluation;
    page.targets = targets;
    if can_enter {
        page.client_entry = Some(entry.unwrap_or(ClientEntry {
            period: default_period,
            value: String::new(),
            comment: String::new(),
            error: None,
        }));
    }
    render_status(status, &page)
}

/// `POST /portal/kpis/{kpi_id}/values`: at stage 4, client users enter values of
/// joint KPIs themselves — one scorecard, fed by both sides.
pub async fn enter_value(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(kpi_id): Path<i64>,
    Form(form): Form<ValueForm>,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    let kpi = kpis::find_shared(&state.db, account.id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !sharing::client_can_enter_values(account.stage, kpi.visibility) {
        return Err(AppError::Forbidden);
    }
    let refused = |ui: &Ui, key: &str| ClientEntry {
        period: crate::web::input::visible(&form.period),
        value: crate::web::input::visible(&form.value),
        comment: crate::web::input::visible(&form.comment),
        error: Some(ui.t(key)),
    };
    let checked = match entry::check(&kpi, &form) {
        Ok(c) => c,
        Err((_, key)) => {
            let e = refused(&ui, key);
            return kpi_view(
                &state,
                ui,
                account,
                kpi_id,
                None,
                Some(e),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let saved = values::save(
        &mut tx,
        &kpi,
        &values::NewValue {
            period: checked.period.start,
            value: checked.value,
            comment: &checked.comment,
            source: "client",
            expected_version: None,
            check_version: false,
        },
        &ctx.actor(),
    )
    .await?;
    if matches!(
        saved,
        values::Saved::Locked | values::Saved::CommentRequired
    ) {
        drop(tx);
        let mut e = refused(&ui, "value-comment-required");
        if saved == values::Saved::Locked {
            e.error = Some(values::locked_message(
                ui.locale,
                &kpi,
                checked.period.start,
            ));
        }
        return kpi_view(
            &state,
            ui,
            account,
            kpi_id,
            None,
            Some(e),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    crate::db::commit(tx).await?;
    let key = if saved == values::Saved::Unchanged {
        "value-unchanged"
    } else {
        "value-saved"
    };
    flash::push(&ctx.session, flash::Kind::Success, key).await?;
    Ok(see_other(&format!("/portal/kpis/{kpi_id}")))
}

pub async fn csv(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> AppResult<CsvResponse> {
    let account = own_account(&state, &user).await?;
    let month = month_from(&q)?;
    let loaded =
        scorecard::load_page(&state.db, account, month, scorecard::Audience::Client).await?;
    scorecard::csv::write(&ui, &Board::build(&loaded, month))
}

/// `/accounts/{id}/as-client/scorecard.csv`: the preview's CSV link gives exactly
/// what the client's own CSV gives.
pub async fn preview_csv(
    State(state): State<AppState>,
    VisibleAccount { user: _, account }: VisibleAccount,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> AppResult<CsvResponse> {
    let _id = account.id;
    let month = month_from(&q)?;
    let loaded =
        scorecard::load_page(&state.db, account, month, scorecard::Audience::Client).await?;
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
