//! `/admin/jobs`: what the background jobs are doing. Pending, running, failing
//! (with the last error and when the next attempt is due), failed for good, and
//! those that succeeded after a retry. Read straight from underway's tables.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::auth::extract::AdminUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

/// A job's state as admins read it (never by colour alone: each has its words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Pending,
    Running,
    /// Failed at least once, another attempt is due.
    Retrying,
    /// Out of attempts (or failed for a reason no retry can fix).
    Failed,
    /// Succeeded after one or more failed attempts.
    Retried,
}

impl Shown {
    /// From underway's state and the attempts made. A plain succeeded job (first
    /// time) is not listed, nor is a cancelled one.
    pub fn of(state: &str, attempts: i64) -> Option<Shown> {
        match (state, attempts) {
            ("pending", 0) => Some(Shown::Pending),
            ("pending", _) => Some(Shown::Retrying),
            ("in_progress", _) => Some(Shown::Running),
            ("failed", _) => Some(Shown::Failed),
            ("succeeded", n) if n > 1 => Some(Shown::Retried),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Shown::Pending => "job-state-pending",
            Shown::Running => "job-state-running",
            Shown::Retrying => "job-state-retrying",
            Shown::Failed => "job-state-failed",
            Shown::Retried => "job-state-retried",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Shown::Pending | Shown::Running => "badge--none",
            Shown::Retrying => "badge--amber",
            Shown::Failed => "badge--red",
            Shown::Retried => "badge--green",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Shown::Pending => "pending",
            Shown::Running => "running",
            Shown::Retrying => "retrying",
            Shown::Failed => "failed",
            Shown::Retried => "retried",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: uuid::Uuid,
    queue: String,
    state: String,
    kind: Option<String>,
    recipient: Option<String>,
    attempts: i64,
    max_attempts: i32,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub struct JobLine {
    pub id: String,
    pub queue: String,
    pub shown: Shown,
    /// What the job is for (a mail's kind), never its content.
    pub what: String,
    pub recipient: String,
    pub attempts: i64,
    pub max_attempts: i32,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    /// When it runs (pending) or is retried (retrying).
    pub next_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The last 500 jobs worth an admin's look, newest change first.
pub async fn lines(db: &sqlx::PgPool) -> sqlx::Result<Vec<JobLine>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.task_queue_name AS queue, t.state::text AS state, \
                t.input->>'kind' AS kind, t.input->>'to_email' AS recipient, \
                (SELECT count(*) FROM underway.task_attempt a \
                  WHERE a.task_id = t.id AND a.task_queue_name = t.task_queue_name) AS attempts, \
                (t.retry_policy).max_attempts AS max_attempts, \
                (SELECT a.error_message FROM underway.task_attempt a \
                  WHERE a.task_id = t.id AND a.task_queue_name = t.task_queue_name \
                    AND a.error_message IS NOT NULL \
                  ORDER BY a.attempt_number DESC LIMIT 1) AS last_error, \
                t.created_at, t.created_at + t.delay AS due_at, t.updated_at \
         FROM underway.task t \
         WHERE t.state IN ('pending', 'in_progress', 'failed') \
            OR (t.state = 'succeeded' AND EXISTS (SELECT 1 FROM underway.task_attempt a \
                  WHERE a.task_id = t.id AND a.task_queue_name = t.task_queue_name \
                    AND a.error_message IS NOT NULL)) \
         ORDER BY t.updated_at DESC, t.id LIMIT 500",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let shown = Shown::of(&r.state, r.attempts)?;
            Some(JobLine {
                id: r.id.to_string(),
                shown,
                what: r.kind.unwrap_or_else(|| r.queue.clone()),
                queue: r.queue,
                recipient: r.recipient.unwrap_or_default(),
                attempts: r.attempts,
                max_attempts: r.max_attempts,
                last_error: r.last_error.unwrap_or_default(),
                created_at: r.created_at,
                next_at: matches!(shown, Shown::Pending | Shown::Retrying).then_some(r.due_at),
                updated_at: r.updated_at,
            })
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
pub struct JobsPage {
    pub ui: Ui,
    pub jobs: Vec<JobLine>,
    pub mails: bool,
}

impl JobsPage {
    /// Each state with its label and how many jobs are in it.
    pub fn counts(&self) -> Vec<(&'static str, &'static str, usize)> {
        [
            Shown::Pending,
            Shown::Running,
            Shown::Retrying,
            Shown::Failed,
            Shown::Retried,
        ]
        .into_iter()
        .map(|s| {
            let n = self.jobs.iter().filter(|j| j.shown == s).count();
            (s.code(), s.key(), n)
        })
        .collect()
    }
}

pub async fn page(State(state): State<AppState>, _admin: AdminUser, ui: Ui) -> AppResult<Response> {
    let jobs = lines(&state.db).await?;
    render(&JobsPage {
        ui,
        jobs,
        mails: state.jobs.mails(),
    })
}

pub async fn csv(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let jobs = lines(&state.db).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("job-col-id"),
        t("job-col-queue"),
        t("job-col-what"),
        t("job-col-recipient"),
        t("col-status"),
        t("job-col-attempts"),
        t("job-col-next"),
        t("job-col-error"),
        t("job-col-created"),
        t("job-col-updated"),
    ])?;
    for j in &jobs {
        out.row(&[
            j.id.clone(),
            j.queue.clone(),
            j.what.clone(),
            j.recipient.clone(),
            ui.t(j.shown.key()),
            format!("{}/{}", j.attempts, j.max_attempts),
            j.next_at.map(|d| d.to_rfc3339()).unwrap_or_default(),
            j.last_error.clone(),
            j.created_at.to_rfc3339(),
            j.updated_at.to_rfc3339(),
        ])?;
    }
    out.finish("jobs.csv")
}
