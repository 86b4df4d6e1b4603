//! Import runs (`import_runs`): a checked file being written, its progress, and
//! what it did. `GET /import/{id}` shows one to the user who started it (and to
//! admins), refreshing itself every 2 seconds while it runs: no JavaScript needed.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::auth::extract::AccountsUser;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::state::AppState;
use crate::values::csv_import::ValidRow;
use crate::web::layout::Ui;
use crate::web::render;

/// A run still "running" that has not moved for this long was cut short (the
/// server stopped mid-way): its transaction was rolled back with the connection.
const STALE_MINUTES: i32 = 10;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub status: String,
    pub rows_total: i32,
    pub rows_done: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub error: Option<String>,
    /// Running, but silent for [`STALE_MINUTES`].
    pub stale: bool,
}

/// What an import did, row by row counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Records a run about to write `rows` (already checked); returns its id.
pub async fn start(
    db: impl PgExecutor<'_>,
    user_id: i64,
    file_name: &str,
    rows: &[ValidRow],
) -> sqlx::Result<i64> {
    let accounts: Vec<i64> = rows
        .iter()
        .map(|r| r.account_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    sqlx::query_scalar(
        "INSERT INTO import_runs (user_id, file_name, rows_total, account_ids) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(file_name)
    .bind(count(rows.len()))
    .bind(&accounts)
    .fetch_one(db)
    .await
}

/// Rows written so far (from outside the import's transaction, so it shows).
pub async fn progress(db: &PgPool, id: i64, rows_done: usize) -> sqlx::Result<()> {
    sqlx::query("UPDATE import_runs SET rows_done = $2 WHERE id = $1 AND status = 'running'")
        .bind(id)
        .bind(count(rows_done))
        .execute(db)
        .await
        .map(|_| ())
}

/// Done, with its counts: inside the import's transaction, so "done" and the
/// values commit together.
pub async fn finish(db: &mut PgConnection, id: i64, c: Counts) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_runs SET status = 'done', rows_done = rows_total, created = $2, updated = $3, \
                unchanged = $4, finished_at = now() \
         WHERE id = $1",
    )
    .bind(id)
    .bind(count(c.created))
    .bind(count(c.updated))
    .bind(count(c.unchanged))
    .execute(db)
    .await
    .map(|_| ())
}

/// Failed: nothing of it was kept; `key` says why, in the user's words.
pub async fn fail(db: &PgPool, id: i64, key: &'static str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_runs SET status = 'failed', error = $2, finished_at = now() \
         WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(key)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Run>> {
    sqlx::query_as(
        "SELECT id, user_id, file_name, status, rows_total, rows_done, created, updated, unchanged, error, \
                status = 'running' AND updated_at < now() - make_interval(mins => $2) AS stale \
         FROM import_runs WHERE id = $1",
    )
    .bind(id)
    .bind(STALE_MINUTES)
    .fetch_optional(db)
    .await
}

/// Row counts are at most `csv_import::MAX_ROWS`: they fit.
fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// "file.csv: 12 values added, 3 updated, 0 unchanged." — the result of an import.
pub fn summary(locale: Locale, file: &str, c: Counts) -> String {
    // Numbers to choose the plural, texts to show ("20 000" in French).
    let text = |n: usize| format::number(locale, n as f64, 0).into();
    locale.t_args(
        "import-done",
        &[
            ("file", file.to_owned().into()),
            ("created", c.created.into()),
            ("updated", c.updated.into()),
            ("unchanged", c.unchanged.into()),
            ("created_text", text(c.created)),
            ("updated_text", text(c.updated)),
            ("unchanged_text", text(c.unchanged)),
        ],
    )
}

#[derive(Template)]
#[template(path = "values/import_run.html")]
pub struct RunPage {
    pub ui: Ui,
    pub title: String,
    /// running, done, failed or interrupted (`data-status`, for tests and styles).
    pub status: &'static str,
    pub rows_done: i32,
    pub rows_total: i32,
    /// "12 000 of 1 000 000 rows written (1 %)."
    pub progress: String,
    pub summary: Option<String>,
    pub error: Option<String>,
}

impl RunPage {
    pub fn running(&self) -> bool {
        self.status == "running"
    }
}

/// `GET /import/{id}`: how far the run got, or what it did.
pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    Path(id): Path<i64>,
    ui: Ui,
) -> AppResult<Response> {
    let run = find(&state.db, id)
        .await?
        .filter(|r| authz::may_see_import_run(user.role, user.id, r.user_id))
        .ok_or(AppError::NotFound)?;
    let locale = ui.locale;
    let n = |v: i32| format::number(locale, f64::from(v), 0);
    let percent = if run.rows_total > 0 {
        i64::from(run.rows_done) * 100 / i64::from(run.rows_total)
    } else {
        100
    };
    let status = match (run.status.as_str(), run.stale) {
        ("running", true) => "interrupted",
        ("running", false) => "running",
        ("done", _) => "done",
        _ => "failed",
    };
    let counts = Counts {
        created: usize::try_from(run.created).unwrap_or_default(),
        updated: usize::try_from(run.updated).unwrap_or_default(),
        unchanged: usize::try_from(run.unchanged).unwrap_or_default(),
    };
    let page = RunPage {
        title: locale.t_args(
            "import-run-title",
            &[("file", run.file_name.clone().into())],
        ),
        status,
        rows_done: run.rows_done,
        rows_total: run.rows_total,
        progress: locale.t_args(
            "import-run-progress",
            &[
                ("done", n(run.rows_done).into()),
                ("total", n(run.rows_total).into()),
                ("percent", percent.into()),
            ],
        ),
        summary: (status == "done").then(|| summary(locale, &run.file_name, counts)),
        error: match status {
            "interrupted" => Some(locale.t("import-run-interrupted")),
            "failed" => Some(locale.t(run.error.as_deref().unwrap_or("import-failed"))),
            _ => None,
        },
        ui,
    };
    render(&page)
}
