//! Changing an account's stage in the KAM pyramid: a reason is required, lowering
//! it restricts what is shared (and says how much), and every change is kept.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::accounts::Account;
use crate::accounts::EditableAccount;
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::sharing::{self, MAX_STAGE, MIN_STAGE};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StageChange {
    pub from_stage: i16,
    pub to_stage: i16,
    pub reason: String,
    pub kpis_restricted: i32,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub struct StageOption {
    pub stage: i16,
    pub name_key: String,
    pub description_key: String,
    pub current: bool,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "sharing/stage.html")]
pub struct StagePage {
    pub ui: Ui,
    pub account: Account,
    pub options: Vec<StageOption>,
    pub reason: String,
    pub error_field: &'static str,
    pub error: Option<String>,
    pub history: Vec<StageChange>,
    pub universes: Vec<super::universe::UniverseSharing>,
    /// The visibilities the current stage allows: (code, label).
    pub visibilities: Vec<(&'static str, String)>,
}

async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    chosen: i16,
    reason: String,
    error: Option<(&'static str, &'static str)>,
) -> AppResult<StagePage> {
    let history: Vec<StageChange> = sqlx::query_as(
        "SELECT s.from_stage, s.to_stage, s.reason, s.kpis_restricted, u.name AS changed_by_name, s.changed_at \
         FROM stage_changes s LEFT JOIN users u ON u.id = s.changed_by \
         WHERE s.account_id = $1 ORDER BY s.changed_at DESC",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let options = (MIN_STAGE..=MAX_STAGE)
        .map(|stage| {
            let (name_key, description_key) = sharing::stage_keys(stage);
            StageOption {
                stage,
                name_key,
                description_key,
                current: stage == account.stage,
                chosen: stage == chosen,
            }
        })
        .collect();
    let universes = super::universe::summary(&state.db, &ui, account.id).await?;
    let visibilities = crate::domain::Visibility::ALL
        .iter()
        .filter(|v| sharing::allowed(account.stage, **v))
        .map(|v| (v.code(), ui.t(&v.label_key())))
        .collect();
    let (error_field, error) = match error {
        Some((field, key)) => (field, Some(ui.t(key))),
        None => ("", None),
    };
    Ok(StagePage {
        ui,
        account,
        options,
        reason,
        error_field,
        error,
        history,
        universes,
        visibilities,
    })
}

pub async fn show(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    let stage = account.stage;
    render(&page(&state, ui, account, stage, String::new(), None).await?)
}

#[derive(Deserialize)]
pub struct StageForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    reason: String,
}

pub async fn change(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<StageForm>,
) -> AppResult<Response> {
    let id = account.id;
    let reason = form.reason.trim().to_owned();
    let stage = form
        .stage
        .parse::<i16>()
        .ok()
        .filter(|s| (MIN_STAGE..=MAX_STAGE).contains(s));
    let problem = match stage {
        None => Some(("stage", "stage-choose")),
        Some(s) if s == account.stage => Some(("stage", "stage-unchanged")),
        _ if reason.chars().count() < 3 => Some(("reason", "stage-reason-required")),
        _ if reason.chars().count() > 2000 => Some(("reason", "field-too-long")),
        _ => None,
    };
    let Some(to) = stage.filter(|_| problem.is_none()) else {
        let chosen = stage.unwrap_or(account.stage);
        let p = page(&state, ui, account, chosen, form.reason, problem).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };

    let mut tx = state.db.begin().await?;
    // Lock the account row so two stage changes cannot interleave.
    let from: i16 = sqlx::query_scalar("SELECT stage FROM accounts WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if from != account.stage {
        return Err(AppError::Conflict("stage-changed-meanwhile"));
    }
    // Restrict what the new stage no longer allows, before lowering the stage
    // (the database refuses a stage below what is shared).
    let max = sharing::max_visibility(to);
    let restricted: Vec<(i64, String)> = sqlx::query_as(
        "UPDATE account_kpis SET visibility = $2 \
         WHERE account_id = $1 AND (visibility = 'joint' AND $2 <> 'joint' OR visibility = 'shared' AND $2 = 'internal') \
         RETURNING id, code",
    )
    .bind(id)
    .bind(max)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("UPDATE accounts SET stage = $2 WHERE id = $1")
        .bind(id)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO stage_changes (account_id, from_stage, to_stage, reason, kpis_restricted, changed_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(&reason)
    .bind(restricted.len() as i32)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountStageChanged)
            .on("account", id)
            .account(Some(id))
            .before(serde_json::json!({ "stage": from }))
            .after(serde_json::json!({
                "stage": to, "reason": reason,
                "kpis_restricted": restricted.iter().map(|(_, c)| c).collect::<Vec<_>>(),
            })),
    )
    .await?;
    crate::db::commit(tx).await?;
    let message = if restricted.is_empty() {
        ui.t("stage-changed")
    } else {
        ui.locale.t_args(
            "stage-changed-restricted",
            &[("count", (restricted.len() as i64).into())],
        )
    };
    flash::push_text(&ctx.session, flash::Kind::Success, &message).await?;
    Ok(see_other(&format!("/accounts/{id}")))
}
