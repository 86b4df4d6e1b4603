//! The `webhooks` task: one event to one subscription. The body is
//! `{"id", "type", "created_at", "data"}`, signed (`sign`), POSTed with a timeout
//! and without following redirects; each attempt writes a row of the delivery log
//! (status code or error, attempt number, time). A 2xx answer ends it; anything
//! else is retried with backoff, up to eight attempts over about an hour.
//!
//! The subscription is read again at each attempt: a deleted or paused
//! subscription, or one whose user was deactivated, receives nothing more.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Postgres, Transaction};
use underway::Task;
use underway::task::{Error as TaskError, Result as TaskResult, RetryPolicy};
use uuid::Uuid;

use super::{Event, sign};

/// What is queued: the event as its subscriber may see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub subscription_id: i64,
    pub event_id: Uuid,
    pub event: Event,
    pub created_at: DateTime<Utc>,
    pub data: Value,
}

impl Delivery {
    pub fn new(subscription_id: i64, event: Event, at: DateTime<Utc>, data: Value) -> Self {
        Self {
            subscription_id,
            event_id: Uuid::new_v4(),
            event,
            created_at: at,
            data,
        }
    }

    /// The JSON body sent (and signed).
    pub fn body(&self) -> String {
        serde_json::json!({
            "id": self.event_id,
            "type": self.event.code(),
            "created_at": self.created_at,
            "data": self.data,
        })
        .to_string()
    }
}

pub struct DeliverTask {
    client: reqwest::Client,
}

/// Eight attempts: 30 s, 1, 2, 4, 8, 16, 30 minutes apart at most.
pub fn retry() -> RetryPolicy {
    RetryPolicy::builder()
        .max_attempts(8)
        .initial_interval_ms(30_000)
        .max_interval_ms(30 * 60_000)
        .backoff_coefficient(2.0)
        .build()
}

impl DeliverTask {
    /// The task as workers run it.
    pub fn new(timeout: Duration) -> Self {
        Self {
            client: client(timeout),
        }
    }

    /// The task as `settle` enqueues it: only its policies matter there.
    pub(super) fn for_enqueue() -> Self {
        Self {
            client: reqwest::Client::new(),
        }
    }
}

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        // A receiver answers; it does not send us elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Boussole-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct Target {
    url: String,
    secret: String,
}

/// What one attempt gave.
pub struct Outcome {
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sends `d` to `url`, signed with `secret`, now.
pub async fn send(client: &reqwest::Client, url: &str, secret: &str, d: &Delivery) -> Outcome {
    let body = d.body();
    let signature = sign::header(secret, Utc::now().timestamp(), body.as_bytes());
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(sign::HEADER, signature)
        .header("Boussole-Event", d.event.code())
        .header("Boussole-Delivery", d.event_id.to_string())
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let status = r.status().as_u16();
            Outcome {
                status: Some(status),
                error: (!r.status().is_success())
                    .then(|| r.status().canonical_reason().unwrap_or("").to_owned()),
            }
        }
        Err(e) => Outcome {
            status: None,
            error: Some(if e.is_timeout() {
                "timed out".to_owned()
            } else if e.is_connect() {
                "connection refused or unreachable".to_owned()
            } else {
                e.to_string().chars().take(500).collect()
            }),
        },
    }
}

impl Task for DeliverTask {
    type Input = Delivery;
    type Output = ();

    async fn execute(
        &self,
        mut tx: Transaction<'_, Postgres>,
        input: Self::Input,
    ) -> TaskResult<Self::Output> {
        let target: Option<Target> = sqlx::query_as(
            "SELECT s.url, s.secret FROM webhook_subscriptions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.deleted_at IS NULL AND u.active \
               AND (s.active OR $2 = 'test')",
        )
        .bind(input.subscription_id)
        .bind(input.event.code())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(target) = target else {
            // Deleted or paused since: nothing to send.
            crate::db::commit(tx).await?;
            return Ok(());
        };
        let started = Instant::now();
        let outcome = send(&self.client, &target.url, &target.secret, &input).await;
        let ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
        sqlx::query(
            "INSERT INTO webhook_deliveries (subscription_id, event_id, event, attempt, status_code, error, duration_ms) \
             SELECT $1, $2, $3, count(*) + 1, $4, $5, $6 FROM webhook_deliveries \
             WHERE subscription_id = $1 AND event_id = $2",
        )
        .bind(input.subscription_id)
        .bind(input.event_id)
        .bind(input.event.code())
        .bind(outcome.status.map(|s| s as i16))
        .bind(outcome.error.as_deref())
        .bind(ms)
        .execute(&mut *tx)
        .await?;
        // The log row stays whatever the outcome (underway records the failure in
        // its own transaction, around this one).
        crate::db::commit(tx).await?;
        if outcome.ok() {
            Ok(())
        } else {
            Err(TaskError::Retryable(match outcome.status {
                Some(s) => format!("HTTP {s}"),
                None => outcome.error.unwrap_or_default(),
            }))
        }
    }

    fn retry_policy(&self) -> RetryPolicy {
        retry()
    }

    fn timeout(&self) -> jiff::Span {
        // The HTTP timeout is at most a minute (`--webhook-timeout`).
        jiff::Span::new().seconds(90)
    }

    fn ttl(&self) -> jiff::Span {
        jiff::Span::new().days(7)
    }
}
