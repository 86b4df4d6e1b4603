//! The account team: internal people working on the account, with their function.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::accounts::EditableAccount;
use crate::audit;
use crate::domain::TeamFunction;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::{flash, see_other};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub function: TeamFunction,
}

pub async fn members(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email::text AS email, t.function \
         FROM account_team t JOIN users u ON u.id = t.user_id \
         WHERE t.account_id = $1 ORDER BY t.function, lower(u.name)",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Internal users who could join a team (never client users).
pub async fn candidates(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM users WHERE role <> 'client' AND active ORDER BY lower(name)",
    )
    .fetch_all(db)
    .await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    function: String,
}

pub async fn add(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    Form(form): Form<AddForm>,
) -> AppResult<Response> {
    let id = account.id;
    let back = format!("/accounts/{id}/edit#team");
    let function = TeamFunction::parse(&form.function);
    let member = form.user_id.parse::<i64>().ok();
    let (Some(function), Some(member)) = (function, member) else {
        flash::push(
            &ctx.session,
            flash::Kind::Error,
            "team-choose-person-and-function",
        )
        .await?;
        return Ok(see_other(&back));
    };
    let mut tx = state.db.begin().await?;
    // Only internal, active users; the INSERT selects them so a forged id adds nobody.
    let added = sqlx::query(
        "INSERT INTO account_team (account_id, user_id, function) \
         SELECT $1, id, $3 FROM users WHERE id = $2 AND role <> 'client' AND active \
         ON CONFLICT (account_id, user_id) DO UPDATE SET function = EXCLUDED.function",
    )
    .bind(account.id)
    .bind(member)
    .bind(function)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AppError::Unprocessable("team-choose-person-and-function"));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountTeamMemberSet)
            .on("account", account.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "user_id": member, "function": function })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "team-updated").await?;
    Ok(see_other(&back))
}

pub async fn remove(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    Path((id, member)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let before: Option<TeamFunction> = sqlx::query_scalar(
        "DELETE FROM account_team WHERE account_id = $1 AND user_id = $2 RETURNING function",
    )
    .bind(account.id)
    .bind(member)
    .fetch_optional(&mut *tx)
    .await?;
    if before.is_some() {
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::AccountTeamMemberRemoved)
                .on("account", account.id)
                .account(Some(account.id))
                .before(serde_json::json!({ "user_id": member, "function": before })),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "team-updated").await?;
    Ok(see_other(&format!("/accounts/{id}/edit#team")))
}
