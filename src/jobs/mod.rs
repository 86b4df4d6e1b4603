//! Background jobs, kept in PostgreSQL by the `underway` crate (its tables live in
//! the `underway` schema, created by `db::migrate` right after our migrations).
//!
//! Why underway: it is built on sqlx 0.8 and tokio like us (one sqlx in the build),
//! keeps every task as a row (`FOR UPDATE SKIP LOCKED` plus an advisory lock per
//! task, so with several `serve` instances on one database each task runs once),
//! retries with exponential backoff, and schedules with cron expressions (one
//! scheduler per queue, elected by an advisory lock).
//!
//! A task is enqueued in the caller's transaction, so a page's write and the work
//! it asks for commit together: a page never waits for a mail server, and a
//! rolled-back write sends nothing.
//!
//! Queues: `mail` (one message per task, retried on SMTP failure), `daily`
//! (the daily pass of data requests and reminders, `requests::daily`) and
//! `webhooks` (one signed delivery per task, `webhooks::deliver`).

pub mod admin;
pub mod mail;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use underway::{Queue, Scheduler, Worker, ZonedSchedule};

use crate::error::AppError;
use crate::mail::Mailer;
use crate::requests::daily::{DailyInput, DailyTask};
use crate::state::AppState;
use crate::webhooks::{DeliverTask, Delivery};
pub use mail::{MailTask, OutgoingMail};

pub const MAIL_QUEUE: &str = "mail";
pub const DAILY_QUEUE: &str = "daily";
/// When the daily pass runs, in the organisation's time zone (cron, with seconds).
pub const DAILY_AT: &str = "0 0 6 * * *";

/// The app's handle on its queues. Cheap to share (`Arc` in `AppState`).
pub struct Jobs {
    db: PgPool,
    mailer: Option<Arc<Mailer>>,
    mail: OnceCell<Arc<Queue<MailTask>>>,
    daily: OnceCell<Arc<Queue<DailyTask>>>,
    webhooks: OnceCell<Arc<Queue<DeliverTask>>>,
    webhook_timeout: Duration,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("job queue: {e}"))
}

impl Jobs {
    pub fn new(db: PgPool, mailer: Option<Arc<Mailer>>, webhook_timeout: Duration) -> Self {
        Self {
            db,
            mailer,
            mail: OnceCell::new(),
            daily: OnceCell::new(),
            webhooks: OnceCell::new(),
            webhook_timeout,
        }
    }

    pub fn webhook_task(&self) -> DeliverTask {
        DeliverTask::new(self.webhook_timeout)
    }

    /// The webhook deliveries' queue (building it also gives `webhooks::settle`
    /// its handle, for a process that did not migrate).
    pub async fn webhooks_queue(&self) -> Result<Arc<Queue<DeliverTask>>, AppError> {
        self.webhooks
            .get_or_try_init(|| async {
                crate::webhooks::init(&self.db).await?;
                Queue::builder()
                    .name(crate::webhooks::QUEUE)
                    .pool(self.db.clone())
                    .build()
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
            .map_err(internal)
    }

    /// Queues one delivery in the caller's transaction (the "send test event"
    /// button; events of writes are queued by `webhooks::settle`).
    pub async fn send_webhook(
        &self,
        conn: &mut PgConnection,
        delivery: &Delivery,
    ) -> Result<(), AppError> {
        let queue = self.webhooks_queue().await?;
        queue
            .enqueue(&mut *conn, &self.webhook_task(), delivery)
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// Whether e-mail can be sent at all (a mail server is configured).
    pub fn mails(&self) -> bool {
        self.mailer.is_some()
    }

    pub fn mail_task(&self) -> MailTask {
        MailTask {
            mailer: self.mailer.clone(),
        }
    }

    /// The mail queue; building it records the queue's row once per process.
    pub async fn mail_queue(&self) -> Result<Arc<Queue<MailTask>>, AppError> {
        self.mail
            .get_or_try_init(|| async {
                Queue::builder()
                    .name(MAIL_QUEUE)
                    .pool(self.db.clone())
                    .build()
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
            .map_err(internal)
    }

    /// The daily pass's queue.
    pub async fn daily_queue(&self) -> Result<Arc<Queue<DailyTask>>, AppError> {
        self.daily
            .get_or_try_init(|| async {
                Queue::builder()
                    .name(DAILY_QUEUE)
                    .pool(self.db.clone())
                    .build()
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
            .map_err(internal)
    }

    /// Queues one e-mail in the caller's transaction: it is sent once the
    /// transaction commits, by whichever instance's worker takes it first.
    pub async fn send_mail(
        &self,
        conn: &mut PgConnection,
        mail: &OutgoingMail,
    ) -> Result<(), AppError> {
        let queue = self.mail_queue().await?;
        queue
            .enqueue(&mut *conn, &self.mail_task(), mail)
            .await
            .map_err(internal)?;
        Ok(())
    }
}

/// Queues a daily pass now (for `day`, or the clock's today when it runs).
pub async fn enqueue_daily(state: &AppState, day: Option<NaiveDate>) -> Result<(), AppError> {
    let queue = state.jobs.daily_queue().await?;
    queue
        .enqueue(&state.db, &daily_task(state), &DailyInput { day })
        .await
        .map_err(internal)?;
    Ok(())
}

fn daily_task(state: &AppState) -> DailyTask {
    DailyTask {
        state: state.clone(),
    }
}

/// Runs every task that is due now, on this process, until none is left (the daily
/// passes first, then the mail they queued); the number run. What the workers of
/// `serve` do continuously; tests and one-shot commands call it instead of waiting.
pub async fn run_due(state: &AppState) -> Result<usize, AppError> {
    let daily = Worker::new(state.jobs.daily_queue().await?, daily_task(state));
    let mail = Worker::new(state.jobs.mail_queue().await?, state.jobs.mail_task());
    let hooks = Worker::new(
        state.jobs.webhooks_queue().await?,
        state.jobs.webhook_task(),
    );
    let mut ran = 0;
    loop {
        let mut any = false;
        while daily.process_next_task().await.map_err(internal)?.is_some() {
            ran += 1;
            any = true;
        }
        while mail.process_next_task().await.map_err(internal)?.is_some() {
            ran += 1;
            any = true;
        }
        while hooks.process_next_task().await.map_err(internal)?.is_some() {
            ran += 1;
            any = true;
        }
        if !any {
            return Ok(ran);
        }
    }
}

/// The workers of `serve`: each waits for new tasks (LISTEN/NOTIFY, plus a
/// poll), runs them, and restarts after an error (e.g. a database outage).
pub fn start(state: &AppState) -> Vec<JoinHandle<()>> {
    {
        let jobs = state.jobs.clone();
        let mail = tokio::spawn(async move {
            loop {
                match jobs.mail_queue().await {
                    Ok(queue) => {
                        let worker = Worker::new(queue, jobs.mail_task());
                        if let Err(e) = worker.run_every(jiff_seconds(5)).await {
                            tracing::warn!(error = %e, "mail worker stopped; restarting");
                        }
                    }
                    Err(e) => tracing::warn!(error = ?e, "mail queue unavailable"),
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        // Finished tasks are kept for their time to live (a week for mail, so admins
        // see what was sent), then deleted.
        let db = state.db.clone();
        let sweep = tokio::spawn(async move {
            let mut hourly = tokio::time::interval(Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                if let Err(e) = underway::queue::run_deletion(&db).await {
                    tracing::warn!(error = %e, "expired jobs not deleted this hour");
                }
            }
        });
        let daily = tokio::spawn(daily_worker(state.clone()));
        let scheduler = tokio::spawn(daily_scheduler(state.clone()));
        let hooks = tokio::spawn(webhooks_worker(state.clone()));
        vec![mail, sweep, daily, scheduler, hooks]
    }
}

async fn daily_worker(state: AppState) {
    loop {
        match state.jobs.daily_queue().await {
            Ok(queue) => {
                let worker = Worker::new(queue, daily_task(&state));
                if let Err(e) = worker.run_every(jiff_seconds(30)).await {
                    tracing::warn!(error = %e, "daily worker stopped; restarting");
                }
            }
            Err(e) => tracing::warn!(error = ?e, "daily queue unavailable"),
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}

/// Delivers webhooks as they are queued (several at once: one slow receiver must
/// not hold the others back).
async fn webhooks_worker(state: AppState) {
    loop {
        match state.jobs.webhooks_queue().await {
            Ok(queue) => {
                let mut worker = Worker::new(queue, state.jobs.webhook_task());
                worker.set_concurrency_limit(4);
                if let Err(e) = worker.run_every(jiff_seconds(2)).await {
                    tracing::warn!(error = %e, "webhooks worker stopped; restarting");
                }
            }
            Err(e) => tracing::warn!(error = ?e, "webhooks queue unavailable"),
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// Enqueues the daily pass every morning. Every instance runs this loop; one
/// holds the scheduler's advisory lock, the others retry every minute, so one
/// takes over when that instance stops.
async fn daily_scheduler(state: AppState) {
    loop {
        let tz = crate::timezone::current(&state.db)
            .await
            .map(|tz| tz.name().to_owned())
            .unwrap_or_else(|_| "Europe/Paris".to_owned());
        let outcome = async {
            let queue = state
                .jobs
                .daily_queue()
                .await
                .map_err(|e| format!("{e:?}"))?;
            let schedule = ZonedSchedule::new(DAILY_AT, &tz).map_err(|e| e.to_string())?;
            queue
                .schedule(&state.db, &schedule, &DailyInput::default())
                .await
                .map_err(|e| e.to_string())?;
            let scheduler = Scheduler::new(queue, daily_task(&state));
            scheduler.run().await.map_err(|e| e.to_string())
        }
        .await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "daily schedule not running; retrying");
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

fn jiff_seconds(s: i64) -> jiff::Span {
    jiff::Span::new().seconds(s)
}
