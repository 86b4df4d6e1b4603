//! The mail task: one message, sent through the configured transport. An SMTP
//! server that refuses or times out fails the attempt, which is retried with
//! backoff; `/admin/jobs` shows the error and the next try.
//!
//! Delivery is at least once: a process that dies between the server's "250 OK"
//! and the task's commit sends the message again on retry. Reminders avoid
//! duplicates before that point (one task per reminder, see `requests::reminders`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::{Postgres, Transaction};
use underway::Task;
use underway::task::{Error as TaskError, Result as TaskResult, RetryPolicy};

use crate::mail::{Mail, Mailer};

/// What is queued: the message, already written in the recipient's language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutgoingMail {
    /// What the message is for (`invitation`, `survey`, `reminder`…): shown to
    /// admins, who never see the body (it may hold a personal link).
    pub kind: String,
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

pub struct MailTask {
    pub(super) mailer: Option<Arc<Mailer>>,
}

/// Six attempts over about an hour: 1, 2, 4, 8, 16 minutes apart at most.
pub fn retry() -> RetryPolicy {
    RetryPolicy::builder()
        .max_attempts(6)
        .initial_interval_ms(60_000)
        .max_interval_ms(16 * 60_000)
        .backoff_coefficient(2.0)
        .build()
}

impl Task for MailTask {
    type Input = OutgoingMail;
    type Output = ();

    async fn execute(
        &self,
        tx: Transaction<'_, Postgres>,
        input: Self::Input,
    ) -> TaskResult<Self::Output> {
        // Nothing to write: release the savepoint we were given.
        crate::db::commit(tx).await?;
        let Some(mailer) = &self.mailer else {
            return Err(TaskError::Fatal("no mail server is configured".into()));
        };
        let mail = Mail {
            to_name: &input.to_name,
            to_email: &input.to_email,
            subject: &input.subject,
            body: &input.body,
        };
        mailer.send(&mail).await.map_err(TaskError::Retryable)
    }

    fn retry_policy(&self) -> RetryPolicy {
        retry()
    }

    fn timeout(&self) -> jiff::Span {
        // lettre's own SMTP timeout is a minute; past that the attempt failed.
        jiff::Span::new().seconds(90)
    }

    fn ttl(&self) -> jiff::Span {
        jiff::Span::new().days(7)
    }
}
