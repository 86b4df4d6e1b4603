//! The plan's writes. Each validates the whole form first (a refusal re-renders
//! the plan page with 422, the messages and what was typed, and writes nothing),
//! then writes the change and its audit row in one transaction.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;

use super::check::{self, Errors, Fields};
use super::{Plan, model};
use crate::accounts::{Account, editable};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::forecast;
use crate::kpis;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, see_other};

type Posted = Form<Vec<(String, String)>>;

pub(super) fn back(account_id: i64, anchor: &str) -> Response {
    see_other(&format!("/accounts/{account_id}/plan{anchor}"))
}

/// The plan named by the form's `plan` field, of this account and not closed.
async fn open_plan(state: &AppState, account_id: i64, f: &Fields) -> AppResult<Plan> {
    let id: i64 = f
        .get("plan")
        .trim()
        .parse()
        .map_err(|_| AppError::Unprocessable("plan-error-no-plan"))?;
    let plan = super::find(&state.db, account_id, id)
        .await?
        .ok_or(AppError::Unprocessable("plan-error-no-plan"))?;
    if plan.status == "closed" {
        return Err(AppError::Unprocessable("plan-error-closed"));
    }
    Ok(plan)
}

pub(super) async fn refuse(
    state: &AppState,
    ui: Ui,
    account: Account,
    plan: Option<i64>,
    form: &'static str,
    fields: Fields,
    errors: Errors,
) -> AppResult<Response> {
    super::page::refused(state, ui, account, plan, form, fields, errors).await
}

/// `POST /accounts/{id}/plan`: a new plan for a (fiscal) year. It starts from the
/// open objectives and actions of the account's latest earlier plan.
pub async fn create(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    let mut errors: Errors = Vec::new();
    let year = f
        .get("year")
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.push(("year", "plan-error-year"));
    }
    let month = f
        .get("fiscal_start_month")
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m));
    if month.is_none() {
        errors.push(("fiscal_start_month", "kpi-choose-from-list"));
    }
    let period = year.zip(month).and_then(|(y, m)| model::period(y, m));
    if let Some((start, end)) = period {
        // Periods of one account never overlap (a fiscal start month changed
        // between two plans must not make two plans cover the same months).
        let taken: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM account_plans WHERE account_id = $1 \
             AND daterange(period_start, period_end, '[]') && daterange($2, $3, '[]'))",
        )
        .bind(id)
        .bind(start)
        .bind(end)
        .fetch_one(&state.db)
        .await?;
        if taken {
            errors.push(("year", "plan-error-exists"));
        }
    }
    let (Some((start, end)), Some(month)) = (period.filter(|_| errors.is_empty()), month) else {
        return refuse(&state, ui, account, None, "create", f, errors).await;
    };
    let mut tx = state.db.begin().await?;
    let previous: Option<(i64, i32)> = sqlx::query_as(
        "SELECT id, version FROM account_plans WHERE account_id = $1 AND period_start < $2 \
         ORDER BY period_start DESC LIMIT 1",
    )
    .bind(id)
    .bind(start)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE accounts SET fiscal_start_month = $2 WHERE id = $1 AND fiscal_start_month <> $2",
    )
    .bind(id)
    .bind(month as i16)
    .execute(&mut *tx)
    .await?;
    let snapshot = super::snapshot_now(&mut *tx, id).await?;
    let plan_id: i64 = sqlx::query_scalar(
        "INSERT INTO account_plans (account_id, period_start, period_end, version, snapshot, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .bind(previous.map(|p| p.1 + 1).unwrap_or(1))
    .bind(sqlx::types::Json(&snapshot))
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    let carried = match previous {
        Some((prev, _)) => carry_forward(&mut tx, id, prev, plan_id, start).await?,
        None => (0, 0),
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanCreated)
            .on("account_plan", plan_id)
            .account(Some(id))
            .after(serde_json::json!({
                "period_start": start, "period_end": end, "fiscal_start_month": month,
                "carried_objectives": carried.0, "carried_actions": carried.1,
            })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-created").await?;
    Ok(back(id, ""))
}

/// Copies the open objectives (not done) and open actions of plan `from` into
/// plan `to`, with their KPI links; returns how many of each.
async fn carry_forward(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    from: i64,
    to: i64,
    start: chrono::NaiveDate,
) -> sqlx::Result<(u64, u64)> {
    // (old id, new id), so actions keep their objective.
    let pairs: Vec<(i64, i64)> = sqlx::query_as(
        "INSERT INTO account_objectives (account_id, plan_id, title, kpi_code, due, status, innovation, side, \
             owner_id, starts, target_note, shared, status_override, override_reason, carried_from) \
         SELECT o.account_id, $3, o.title, o.kpi_code, greatest(o.due, $4), o.status, o.innovation, o.side, \
                o.owner_id, least(o.starts, greatest(o.due, $4)), o.target_note, o.shared, o.status_override, \
                o.override_reason, o.id \
         FROM account_objectives o JOIN objective_status s ON s.id = o.id \
         WHERE o.plan_id = $1 AND o.account_id = $2 AND s.status <> 'done' ORDER BY o.id \
         RETURNING carried_from, id",
    )
    .bind(from)
    .bind(account_id)
    .bind(to)
    .bind(start)
    .fetch_all(&mut *tx)
    .await?;
    let (old, new): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
    sqlx::query(
        "INSERT INTO objective_kpis (objective_id, account_id, kpi_id) \
         SELECT m.new, ok.account_id, ok.kpi_id FROM objective_kpis ok \
         JOIN unnest($1::bigint[], $2::bigint[]) AS m(old, new) ON m.old = ok.objective_id",
    )
    .bind(&old)
    .bind(&new)
    .execute(&mut *tx)
    .await?;
    let actions: Vec<(i64, i64)> = sqlx::query_as(
        "INSERT INTO plan_actions (account_id, plan_id, objective_id, title, notes, owner_user_id, \
             owner_contact_id, starts, due, status, shared, created_by, carried_from) \
         SELECT s.account_id, $3, m.new, s.title, s.notes, s.owner_user_id, s.owner_contact_id, s.starts, \
                s.due, s.status, s.shared, s.created_by, s.id \
         FROM plan_actions s LEFT JOIN unnest($4::bigint[], $5::bigint[]) AS m(old, new) ON m.old = s.objective_id \
         WHERE s.plan_id = $1 AND s.account_id = $2 AND s.status IN ('open', 'in_progress') ORDER BY s.id \
         RETURNING carried_from, id",
    )
    .bind(from)
    .bind(account_id)
    .bind(to)
    .bind(&old)
    .bind(&new)
    .fetch_all(&mut *tx)
    .await?;
    let (aold, anew): (Vec<i64>, Vec<i64>) = actions.iter().copied().unzip();
    // The forecast stored when the action started stays the one to judge it by.
    sqlx::query(
        "INSERT INTO action_kpis (action_id, account_id, kpi_id, baseline_period, baseline_value, forecast, \
             forecast_rmse) \
         SELECT m.new, ak.account_id, ak.kpi_id, ak.baseline_period, ak.baseline_value, ak.forecast, \
                ak.forecast_rmse \
         FROM action_kpis ak JOIN unnest($1::bigint[], $2::bigint[]) AS m(old, new) ON m.old = ak.action_id",
    )
    .bind(&aold)
    .bind(&anew)
    .execute(&mut *tx)
    .await?;
    Ok((pairs.len() as u64, actions.len() as u64))
}

/// `POST /accounts/{id}/plan/context`: status and the client's context.
pub async fn save_context(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    let input = match check::context(&f) {
        Ok(i) => i,
        Err(e) => {
            let plan = f.get("plan").parse().ok();
            return refuse(&state, ui, account, plan, "context", f, e).await;
        }
    };
    let plan = open_plan(&state, id, &f).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE account_plans SET status = $3, priorities = $4, challenges = $5, competitors = $6, \
         strengths = $7, weaknesses = $8, opportunities = $9, threats = $10, context_shared = $11 \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(plan.id)
    .bind(id)
    .bind(&input.status)
    .bind(&input.priorities)
    .bind(&input.challenges)
    .bind(&input.competitors)
    .bind(&input.strengths)
    .bind(&input.weaknesses)
    .bind(&input.opportunities)
    .bind(&input.threats)
    .bind(input.context_shared)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanUpdated)
            .on("account_plan", plan.id)
            .account(Some(id))
            .before(serde_json::json!({ "status": plan.status }))
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-saved").await?;
    Ok(back(id, "#context"))
}

/// The account's KPI ids (what an objective or action may link to).
pub(super) async fn kpi_ids(state: &AppState, account_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM account_kpis WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(&state.db)
        .await
}

pub(super) async fn staff_ids(state: &AppState) -> sqlx::Result<Vec<i64>> {
    Ok(super::staff_options(&state.db)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// `POST /accounts/{id}/plan/objectives`: a new objective.
pub async fn add_objective(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    let input = match check::objective(&f, &staff_ids(&state).await?, &kpi_ids(&state, id).await?) {
        Ok(i) => i,
        Err(e) => {
            let plan = f.get("plan").parse().ok();
            return refuse(&state, ui, account, plan, "objective", f, e).await;
        }
    };
    let plan = open_plan(&state, id, &f).await?;
    let mut tx = state.db.begin().await?;
    let oid: i64 = sqlx::query_scalar(
        "INSERT INTO account_objectives (account_id, plan_id, title, due, status, side, owner_id, starts, \
             target_note, status_override, override_reason, shared) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(id)
    .bind(plan.id)
    .bind(&input.title)
    .bind(input.due)
    .bind(&input.status)
    .bind(&input.side)
    .bind(input.owner_id)
    .bind(input.starts)
    .bind(&input.target_note)
    .bind(&input.status_override)
    .bind(&input.override_reason)
    .bind(input.shared)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO objective_kpis (objective_id, account_id, kpi_id) SELECT $1, $2, unnest($3::bigint[])",
    )
    .bind(oid)
    .bind(id)
    .bind(&input.kpis)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanObjectiveCreated)
            .on("plan_objective", oid)
            .account(Some(id))
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-objective-saved").await?;
    Ok(back(id, "#objectives"))
}

/// `POST /accounts/{id}/plan/objectives/{objective_id}`: the status set by hand,
/// or an override of the proposed status with its reason (empty: no override);
/// when the form carries a title, the objective edited in full (`edit.rs`).
pub async fn update_objective(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, objective_id)): Path<(i64, i64)>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    if f.0.iter().any(|(k, _)| k == "title") {
        return super::edit::objective(&state, &ctx, ui, account, objective_id, f).await;
    }
    let status = f.get("status");
    if !model::OBJECTIVE_STATUSES.contains(&status.as_str()) {
        return Err(AppError::Unprocessable("kpi-choose-from-list"));
    }
    let ov = f.get("status_override");
    let reason = f.get("override_reason").trim().to_owned();
    let status_override = match ov.as_str() {
        "" => None,
        s if model::OBJECTIVE_STATUSES.contains(&s) => Some(s.to_owned()),
        _ => return Err(AppError::Unprocessable("kpi-choose-from-list")),
    };
    if status_override.is_some()
        && (reason.is_empty() || reason.chars().count() > model::REASON_MAX)
    {
        return Err(AppError::Unprocessable("plan-error-reason"));
    }
    let mut tx = state.db.begin().await?;
    let before: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT o.status, o.status_override FROM account_objectives o JOIN account_plans p ON p.id = o.plan_id \
         WHERE o.id = $1 AND o.account_id = $2 AND p.status <> 'closed' FOR UPDATE OF o",
    )
    .bind(objective_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else {
        return Err(AppError::NotFound);
    };
    sqlx::query(
        "UPDATE account_objectives SET status = $3, status_override = $4, override_reason = $5 \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(objective_id)
    .bind(id)
    .bind(&status)
    .bind(&status_override)
    .bind(status_override.as_ref().map(|_| reason.clone()))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanObjectiveUpdated)
            .on("plan_objective", objective_id)
            .account(Some(id))
            .before(serde_json::json!({ "status": before.0, "status_override": before.1 }))
            .after(serde_json::json!({ "status": status, "status_override": status_override, "reason": reason })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-objective-saved").await?;
    Ok(back(id, "#objectives"))
}

/// The last value of a KPI and the Holt forecast after it, as the KPI page
/// computes it: what "did it work?" will compare the action's effect with.
async fn forecast_at_creation(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    kpi_id: i64,
) -> sqlx::Result<Baseline> {
    let Some(kpi) = kpis::find(&mut *tx, account_id, kpi_id).await? else {
        return Ok(Baseline::default());
    };
    let vals = crate::values::for_kpi(&mut *tx, kpi_id).await?;
    let (_, observed) = crate::scorecard::kpi_page::observed_series(&kpi, &vals);
    let last = vals.last();
    let fc = forecast::holt(&observed, model::ACTION_FORECAST_STEPS);
    Ok(Baseline {
        period: last.map(|v| v.period),
        value: last.map(|v| v.value),
        forecast: fc
            .as_ref()
            .map(|f| f.points.iter().map(|p| p.value).collect())
            .unwrap_or_default(),
        rmse: fc.map(|f| f.rmse),
    })
}

/// What an action's KPI stood at when the action was created.
#[derive(Debug, Default)]
pub struct Baseline {
    pub period: Option<chrono::NaiveDate>,
    pub value: Option<f64>,
    pub forecast: Vec<f64>,
    pub rmse: Option<f64>,
}

/// Stores an action's KPIs with their baseline and forecast (the demo uses it too).
pub async fn link_action_kpis(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    action_id: i64,
    kpis: &[i64],
) -> sqlx::Result<()> {
    for &kpi_id in kpis {
        let b = forecast_at_creation(&mut *tx, account_id, kpi_id).await?;
        sqlx::query(
            "INSERT INTO action_kpis (action_id, account_id, kpi_id, baseline_period, baseline_value, \
             forecast, forecast_rmse) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(action_id)
        .bind(account_id)
        .bind(kpi_id)
        .bind(b.period)
        .bind(b.value)
        .bind(&b.forecast)
        .bind(b.rmse)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// An action form checked against what this account and plan offer: the plan's
/// objectives, the account's possible owners and KPIs (creation and edit alike;
/// an empty start date is today).
async fn checked_action(
    state: &AppState,
    account_id: i64,
    plan: Option<i64>,
    f: &Fields,
) -> AppResult<Result<check::ActionInput, Errors>> {
    let objective_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM account_objectives WHERE account_id = $1 AND plan_id = $2",
    )
    .bind(account_id)
    .bind(plan)
    .fetch_all(&state.db)
    .await?;
    let owners: Vec<String> = super::owner_options(&state.db, account_id)
        .await?
        .into_iter()
        .map(|o| o.value)
        .collect();
    let kpis = kpi_ids(state, account_id).await?;
    Ok(check::action(
        f,
        &owners,
        &objective_ids,
        &kpis,
        Utc::now().date_naive(),
    ))
}

/// Writes a checked action into a plan of the account, with its KPIs' baseline
/// and its audit row, in the caller's transaction; returns its id. The plan page
/// and a business review's decision (`reviews::record`) both create actions here.
pub async fn insert_action(
    tx: &mut sqlx::PgConnection,
    actor: &audit::Actor,
    account_id: i64,
    plan_id: i64,
    input: &check::ActionInput,
    created_by: i64,
) -> sqlx::Result<i64> {
    let aid: i64 = sqlx::query_scalar(
        "INSERT INTO plan_actions (account_id, plan_id, objective_id, title, notes, owner_user_id, owner_contact_id, \
             starts, due, shared, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(account_id)
    .bind(plan_id)
    .bind(input.objective_id)
    .bind(&input.title)
    .bind(&input.notes)
    .bind(input.owner.user())
    .bind(input.owner.contact())
    .bind(input.starts)
    .bind(input.due)
    .bind(input.shared)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    link_action_kpis(&mut *tx, account_id, aid, &input.kpis).await?;
    audit::record(
        &mut *tx,
        actor,
        audit::Entry::new(audit::Action::PlanActionCreated)
            .on("plan_action", aid)
            .account(Some(account_id))
            .after(input),
    )
    .await?;
    Ok(aid)
}

/// `POST /accounts/{id}/plan/actions`: a new action of the mutual action plan.
pub async fn add_action(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    let plan = f.get("plan").trim().parse::<i64>().ok();
    let input = match checked_action(&state, id, plan, &f).await? {
        Ok(i) => i,
        Err(e) => return refuse(&state, ui, account, plan, "action", f, e).await,
    };
    let plan = open_plan(&state, id, &f).await?;
    let mut tx = state.db.begin().await?;
    insert_action(&mut tx, &ctx.actor(), id, plan.id, &input, user.id).await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-action-saved").await?;
    Ok(back(id, "#actions"))
}

/// Sets an action's status (staff, or a client user on their own action: the
/// caller has checked who may), audited; `false` if no such action.
pub async fn set_action_status(
    state: &AppState,
    ctx: &RequestCtx,
    account_id: i64,
    action_id: i64,
    status: &str,
    only_owner: Option<i64>,
) -> AppResult<bool> {
    let mut tx = state.db.begin().await?;
    let before: Option<String> = sqlx::query_scalar(
        "SELECT x.status FROM plan_actions x JOIN account_plans p ON p.id = x.plan_id \
         WHERE x.id = $1 AND x.account_id = $2 AND p.status <> 'closed' \
           AND ($3::bigint IS NULL OR (x.shared AND x.owner_user_id = $3)) FOR UPDATE OF x",
    )
    .bind(action_id)
    .bind(account_id)
    .bind(only_owner)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE plan_actions SET status = $3, \
         done_on = CASE WHEN $3 = 'done' THEN coalesce(done_on, greatest(current_date, starts)) END \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(action_id)
    .bind(account_id)
    .bind(status)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanActionUpdated)
            .on("plan_action", action_id)
            .account(Some(account_id))
            .before(serde_json::json!({ "status": before }))
            .after(serde_json::json!({ "status": status })),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(true)
}

/// `POST /accounts/{id}/plan/actions/{action_id}`: a new status, or (when the
/// form carries a title) the action edited in full. A linked KPI kept keeps the
/// forecast stored when it was first linked; a newly linked one gets today's.
pub async fn update_action(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, action_id)): Path<(i64, i64)>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    if f.0.iter().all(|(k, _)| k != "title") {
        let status = check::action_status(&f)
            .map_err(|_| AppError::Unprocessable("kpi-choose-from-list"))?;
        if !set_action_status(&state, &ctx, id, action_id, &status, None).await? {
            return Err(AppError::NotFound);
        }
        flash::push(&ctx.session, flash::Kind::Success, "plan-action-saved").await?;
        return Ok(back(id, "#actions"));
    }
    let plan: Option<i64> = sqlx::query_scalar(
        "SELECT x.plan_id FROM plan_actions x JOIN account_plans p ON p.id = x.plan_id \
         WHERE x.id = $1 AND x.account_id = $2 AND p.status <> 'closed'",
    )
    .bind(action_id)
    .bind(id)
    .fetch_optional(&state.db)
    .await?;
    let Some(plan) = plan else {
        return Err(AppError::NotFound);
    };
    let input = match checked_action(&state, id, Some(plan), &f).await? {
        Ok(i) => i,
        Err(e) => return refuse(&state, ui, account, Some(plan), "action", f, e).await,
    };
    let mut tx = state.db.begin().await?;
    let before: serde_json::Value = sqlx::query_scalar(
        "SELECT to_jsonb(x) - 'created_at' - 'updated_at' FROM plan_actions x WHERE id = $1 FOR UPDATE",
    )
    .bind(action_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE plan_actions SET title = $3, notes = $4, objective_id = $5, owner_user_id = $6, \
         owner_contact_id = $7, starts = $8, due = $9, shared = $10 WHERE id = $1 AND account_id = $2",
    )
    .bind(action_id)
    .bind(id)
    .bind(&input.title)
    .bind(&input.notes)
    .bind(input.objective_id)
    .bind(input.owner.user())
    .bind(input.owner.contact())
    .bind(input.starts)
    .bind(input.due)
    .bind(input.shared)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM action_kpis WHERE action_id = $1 AND NOT (kpi_id = ANY($2))")
        .bind(action_id)
        .bind(&input.kpis)
        .execute(&mut *tx)
        .await?;
    let linked: Vec<i64> =
        sqlx::query_scalar("SELECT kpi_id FROM action_kpis WHERE action_id = $1")
            .bind(action_id)
            .fetch_all(&mut *tx)
            .await?;
    let new: Vec<i64> = input
        .kpis
        .iter()
        .copied()
        .filter(|k| !linked.contains(k))
        .collect();
    link_action_kpis(&mut tx, id, action_id, &new).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanActionUpdated)
            .on("plan_action", action_id)
            .account(Some(id))
            .before(before)
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-action-saved").await?;
    Ok(back(id, "#actions"))
}

/// `POST /accounts/{id}/plan/risks`: a new risk (internal unless shared).
pub async fn add_risk(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    let input = match check::risk(&f, &staff_ids(&state).await?) {
        Ok(i) => i,
        Err(e) => {
            let plan = f.get("plan").parse().ok();
            return refuse(&state, ui, account, plan, "risk", f, e).await;
        }
    };
    let plan = open_plan(&state, id, &f).await?;
    let mut tx = state.db.begin().await?;
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO plan_risks (account_id, plan_id, title, owner_id, mitigation, level, shared) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id)
    .bind(plan.id)
    .bind(&input.title)
    .bind(input.owner_id)
    .bind(&input.mitigation)
    .bind(&input.level)
    .bind(input.shared)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanRiskCreated)
            .on("plan_risk", rid)
            .account(Some(id))
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-risk-saved").await?;
    Ok(back(id, "#risks"))
}

/// `POST /accounts/{id}/plan/close`: freezes the plan as it reads now.
pub async fn close(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    Path(id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    editable(&state, &user, id).await?;
    let f = Fields(posted);
    if f.get("confirm") != "yes" {
        return Err(AppError::Unprocessable("plan-error-confirm"));
    }
    let plan = open_plan(&state, id, &f).await?;
    let mut frozen = super::contents(&state.db, &plan, super::Scope::Everything).await?;
    frozen.snapshot = super::snapshot_now(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    let n = sqlx::query(
        "UPDATE account_plans SET status = 'closed', closed_at = now(), frozen = $3 \
         WHERE id = $1 AND account_id = $2 AND status <> 'closed'",
    )
    .bind(plan.id)
    .bind(id)
    .bind(sqlx::types::Json(&frozen))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::Unprocessable("plan-error-closed"));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanClosed)
            .on("account_plan", plan.id)
            .account(Some(id))
            .before(serde_json::json!({ "status": plan.status }))
            .after(serde_json::json!({ "status": "closed" })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-closed").await?;
    Ok(see_other(&format!("/accounts/{id}/plan?plan={}", plan.id)))
}
