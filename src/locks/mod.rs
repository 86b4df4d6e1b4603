//! Period locks: a KAM or director closes an account's month (typically after a
//! business review). A value whose period ends in a locked month cannot change, on
//! any path: the value page and the inline edit, the CSV import, the portal, a
//! contest accepted. Each path asks [`is_locked`] first to say so in the user's
//! words; a trigger (migration 0020) refuses it anyway. Unlocking needs a reason;
//! both are audited.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;

use crate::accounts::Account;
use crate::accounts::editable;
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::domain::Frequency;
use crate::error::{AppError, AppResult};
use crate::period::Period;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// Longest reason or note kept (the column's CHECK says the same).
pub const MAX_TEXT: usize = 500;

/// Whether the value of `kpi`'s period starting on `period` is in a locked month.
pub async fn is_locked(
    db: impl PgExecutor<'_>,
    account_id: i64,
    frequency: Frequency,
    period: NaiveDate,
) -> sqlx::Result<bool> {
    let month = Period::from_start(frequency, period)
        .unwrap_or_else(|| Period::containing(frequency, period))
        .closing_month();
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM period_locks WHERE account_id = $1 AND month = $2)",
    )
    .bind(account_id)
    .bind(month)
    .fetch_one(db)
    .await
}

/// Every locked month of the accounts given (for the import's check), as
/// (account, month) pairs.
pub async fn locked_months(
    db: impl PgExecutor<'_>,
    account_ids: &[i64],
) -> sqlx::Result<Vec<(i64, NaiveDate)>> {
    sqlx::query_as("SELECT account_id, month FROM period_locks WHERE account_id = ANY($1)")
        .bind(account_ids)
        .fetch_all(db)
        .await
}

/// Whether a database error is the lock trigger's refusal.
pub fn is_lock_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.constraint() == Some("period_locked"))
}

#[derive(sqlx::FromRow)]
pub struct LockRow {
    pub month: NaiveDate,
    pub locked_by_name: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl LockRow {
    pub fn code(&self) -> String {
        self.month.format("%Y-%m").to_string()
    }
}

async fn list(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<LockRow>> {
    sqlx::query_as(
        "SELECT l.month, u.name AS locked_by_name, l.note, l.created_at \
         FROM period_locks l LEFT JOIN users u ON u.id = l.locked_by \
         WHERE l.account_id = $1 ORDER BY l.month DESC",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct LockForm {
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UnlockForm {
    #[serde(default)]
    pub reason: String,
}

#[derive(Template)]
#[template(path = "locks/page.html")]
pub struct LocksPage {
    pub ui: Ui,
    pub account: Account,
    pub locks: Vec<LockRow>,
    pub form: LockForm,
    pub error: Option<String>,
    /// The month whose unlock form had a problem, its reason kept.
    pub unlock_month: String,
    pub unlock_reason: String,
    pub unlock_error: Option<String>,
}

impl LocksPage {
    pub fn month_label(&self, month: &NaiveDate) -> String {
        Period::containing(Frequency::Monthly, *month).label(self.ui.locale)
    }
}

async fn page_for(state: &AppState, ui: Ui, account: Account) -> AppResult<LocksPage> {
    let locks = list(&state.db, account.id).await?;
    // Suggest the previous month: the one a review has just closed.
    let previous = Period::containing(Frequency::Monthly, state.clock.today()).prev();
    Ok(LocksPage {
        ui,
        account,
        locks,
        form: LockForm {
            month: previous.code(),
            note: String::new(),
        },
        error: None,
        unlock_month: String::new(),
        unlock_reason: String::new(),
        unlock_error: None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    render(&page_for(&state, ui, account).await?)
}

/// Checks a free text: trimmed, no control characters, not too long.
fn text(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if crate::web::input::has_forbidden(t) {
        Err("error-control-characters")
    } else if t.chars().count() > MAX_TEXT {
        Err("lock-text-too-long")
    } else {
        Ok(t.to_owned())
    }
}

pub async fn lock(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(form): Form<LockForm>,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let month = Period::parse(Frequency::Monthly, &form.month);
    let note = text(&form.note);
    let problem = match (&month, &note) {
        (Err(_), _) => Some("lock-month-invalid"),
        (_, Err(k)) => Some(*k),
        _ => None,
    };
    let (Ok(month), Ok(note), None) = (month, note, problem) else {
        let mut p = page_for(&state, ui, account).await?;
        p.error = problem.map(|k| p.ui.t(k));
        p.form = LockForm {
            month: crate::web::input::visible(&form.month),
            note: crate::web::input::visible(&form.note),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO period_locks (account_id, month, locked_by, note) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, month) DO NOTHING",
    )
    .bind(account.id)
    .bind(month.start)
    .bind(user.id)
    .bind(&note)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        drop(tx);
        flash::push(&ctx.session, flash::Kind::Info, "lock-already").await?;
        return Ok(see_other(&format!("/accounts/{id}/locks")));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PeriodLocked)
            .on("period_lock", format!("{}:{}", account.id, month.code()))
            .account(Some(account.id))
            .after(serde_json::json!({ "month": month.code(), "note": note })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "lock-done").await?;
    Ok(see_other(&format!("/accounts/{id}/locks")))
}

pub async fn unlock(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, month)): Path<(i64, String)>,
    Form(form): Form<UnlockForm>,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let month = Period::parse(Frequency::Monthly, &month).map_err(|_| AppError::NotFound)?;
    let reason = match text(&form.reason) {
        Ok(r) if r.is_empty() => Err("unlock-reason-required"),
        other => other,
    };
    let reason = match reason {
        Ok(r) => r,
        Err(key) => {
            let mut p = page_for(&state, ui, account).await?;
            p.unlock_month = month.code();
            p.unlock_reason = crate::web::input::visible(&form.reason);
            p.unlock_error = Some(p.ui.t(key));
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    let removed: Option<(String,)> = sqlx::query_as(
        "DELETE FROM period_locks WHERE account_id = $1 AND month = $2 RETURNING note",
    )
    .bind(account.id)
    .bind(month.start)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((note,)) = removed else {
        drop(tx);
        flash::push(&ctx.session, flash::Kind::Info, "unlock-not-locked").await?;
        return Ok(see_other(&format!("/accounts/{id}/locks")));
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::PeriodUnlocked)
            .on("period_lock", format!("{}:{}", account.id, month.code()))
            .account(Some(account.id))
            .before(serde_json::json!({ "month": month.code(), "note": note }))
            .after(serde_json::json!({ "reason": reason })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "unlock-done").await?;
    Ok(see_other(&format!("/accounts/{id}/locks")))
}
