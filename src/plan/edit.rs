//! Objectives and risks edited after creation: the same checks as when they
//! were added (`check.rs`), a refusal re-renders the plan page with the edited
//! item's form, 422 and what was typed; the change and its audit row (before and
//! after) in one transaction. A closed plan's items are not found.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use super::check::{self, Fields};
use super::forms::{back, kpi_ids, refuse, staff_ids};
use crate::accounts::{Account, editable};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::flash;
use crate::web::layout::Ui;

/// The plan of an item (`table`: account_objectives or plan_risks) of this
/// account whose plan is not closed.
async fn open_plan_of(
    state: &AppState,
    table: &str,
    account_id: i64,
    item_id: i64,
) -> AppResult<Option<i64>> {
    let plan: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT i.plan_id FROM {table} i JOIN account_plans p ON p.id = i.plan_id \
         WHERE i.id = $1 AND i.account_id = $2 AND p.status <> 'closed'"
    ))
    .bind(item_id)
    .bind(account_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(plan)
}

/// The objective edited in full (title, side, owner, dates, target, KPIs,
/// status and override, sharing); called by `forms::update_objective`.
pub async fn objective(
    state: &AppState,
    ctx: &RequestCtx,
    ui: Ui,
    account: Account,
    objective_id: i64,
    f: Fields,
) -> AppResult<Response> {
    let id = account.id;
    let plan = open_plan_of(state, "account_objectives", id, objective_id).await?;
    let input = match check::objective(&f, &staff_ids(state).await?, &kpi_ids(state, id).await?) {
        Ok(i) => i,
        Err(e) => return refuse(state, ui, account, plan, "objective", f, e).await,
    };
    if plan.is_none() {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin().await?;
    let before: serde_json::Value = sqlx::query_scalar(
        "SELECT to_jsonb(o) - 'created_at' - 'updated_at' \
             || jsonb_build_object('kpis', (SELECT coalesce(jsonb_agg(kpi_id ORDER BY kpi_id), '[]') \
                                            FROM objective_kpis WHERE objective_id = o.id)) \
         FROM account_objectives o WHERE o.id = $1 AND o.account_id = $2 FOR UPDATE",
    )
    .bind(objective_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE account_objectives SET title = $3, side = $4, owner_id = $5, starts = $6, due = $7, \
         target_note = $8, status = $9, status_override = $10, override_reason = $11, shared = $12 \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(objective_id)
    .bind(id)
    .bind(&input.title)
    .bind(&input.side)
    .bind(input.owner_id)
    .bind(input.starts)
    .bind(input.due)
    .bind(&input.target_note)
    .bind(&input.status)
    .bind(&input.status_override)
    .bind(&input.override_reason)
    .bind(input.shared)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM objective_kpis WHERE objective_id = $1 AND NOT (kpi_id = ANY($2))")
        .bind(objective_id)
        .bind(&input.kpis)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO objective_kpis (objective_id, account_id, kpi_id) \
         SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING",
    )
    .bind(objective_id)
    .bind(id)
    .bind(&input.kpis)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanObjectiveUpdated)
            .on("plan_objective", objective_id)
            .account(Some(id))
            .before(before)
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-objective-saved").await?;
    Ok(back(id, "#objectives"))
}

/// `POST /accounts/{id}/plan/risks/{risk_id}`: a risk edited in full.
pub async fn risk(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, risk_id)): Path<(i64, i64)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let f = Fields(posted);
    // The form is checked first: what was typed comes back even for a risk
    // that is gone; a valid form about no risk of this open plan is not found.
    let plan = open_plan_of(&state, "plan_risks", id, risk_id).await?;
    let input = match check::risk(&f, &staff_ids(&state).await?) {
        Ok(i) => i,
        Err(e) => return refuse(&state, ui, account, plan, "risk", f, e).await,
    };
    if plan.is_none() {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin().await?;
    let before: serde_json::Value = sqlx::query_scalar(
        "SELECT to_jsonb(r) - 'created_at' - 'updated_at' FROM plan_risks r \
         WHERE r.id = $1 AND r.account_id = $2 FOR UPDATE",
    )
    .bind(risk_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE plan_risks SET title = $3, owner_id = $4, mitigation = $5, level = $6, shared = $7 \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(risk_id)
    .bind(id)
    .bind(&input.title)
    .bind(input.owner_id)
    .bind(&input.mitigation)
    .bind(&input.level)
    .bind(input.shared)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PlanRiskUpdated)
            .on("plan_risk", risk_id)
            .account(Some(id))
            .before(before)
            .after(&input),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "plan-risk-saved").await?;
    Ok(back(id, "#risks"))
}
