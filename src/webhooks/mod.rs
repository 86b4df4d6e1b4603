//! Signed webhooks: a user subscribes a URL to events; each event is delivered as
//! a signed JSON POST by the job runner, retried with backoff, every attempt logged.
//!
//! - Events come from the writes themselves, in their transaction: a trigger on
//!   `audit_log` (migration 0025) puts value, contest, answer and survey events in
//!   `webhook_outbox`; the scorecard state puts "KPI turned red" there when it
//!   recomputes (`note_turned_red`); the daily pass puts overdue actions
//!   (`note_overdue`). `db::commit` calls [`settle`] before committing: the
//!   transaction's outbox rows become one `webhooks` task per subscription that may
//!   see them. A rolled-back write leaves no outbox row, so it sends nothing.
//! - What a subscription may receive is what its user may see, by the pages' own
//!   functions (`accounts::find_visible`, `kpis::find_shared`, `authz`): a payload
//!   about an account, KPI or action its user cannot open is never built for it.
//!   Payloads carry ids, codes, numbers and statuses — never free text (comments,
//!   contest messages, verbatims), which a receiver reads through the API if its
//!   token may.
//! - `sign`: the signature; `deliver`: the task; `page`: `/settings/webhooks`.

pub mod deliver;
pub mod page;
pub mod sign;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use tokio::sync::OnceCell;
use underway::Queue;

use crate::authz;
use crate::domain::vocab;
use crate::users::User;
pub use deliver::{DeliverTask, Delivery};

pub const QUEUE: &str = "webhooks";

vocab!(
    /// What a subscription listens to.
    Event, [], {
        ValueRecorded => "value.recorded",
        KpiTurnedRed => "kpi.turned_red",
        ValueContested => "value.contested",
        EvaluationAnswered => "evaluation.answered",
        SurveyAnswered => "survey.answered",
        ActionOverdue => "action.overdue",
        Test => "test",
    }
);

impl Event {
    /// The events a subscription can choose (not `test`: the "send test event"
    /// button's, always delivered).
    pub const SUBSCRIBABLE: &'static [Event] = &[
        Event::ValueRecorded,
        Event::KpiTurnedRed,
        Event::ValueContested,
        Event::EvaluationAnswered,
        Event::SurveyAnswered,
        Event::ActionOverdue,
    ];
}

/// The process's handle on the `webhooks` queue for [`settle`], which only has the
/// caller's transaction: underway's `enqueue` writes through the executor it is
/// given, the queue's own pool being used by workers alone, so one handle serves
/// every database this process writes to (each has the queue's row: `init` runs in
/// `db::migrate`, hence in the test template).
static ENQUEUER: OnceCell<Queue<DeliverTask>> = OnceCell::const_new();

/// Records the `webhooks` queue in this database and keeps a handle for `settle`.
pub async fn init(pool: &PgPool) -> Result<(), underway::queue::Error> {
    let queue = Queue::builder()
        .name(QUEUE)
        .pool(pool.clone())
        .build()
        .await?;
    let _ = ENQUEUER.set(queue);
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    event: String,
    account_id: Option<i64>,
    kpi_id: Option<i64>,
    entity_id: Option<i64>,
    period: Option<NaiveDate>,
    data: Value,
    at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Listener {
    subscription_id: i64,
    user_id: i64,
}

/// Turns this transaction's outbox rows into deliveries, in the transaction.
/// Without a queue handle yet (a process that never migrated nor started jobs),
/// the rows stay for the next `settle` of this database.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn settle(tx: &mut PgConnection) -> sqlx::Result<()> {
    let Some(queue) = ENQUEUER.get() else {
        return Ok(());
    };
    // Ours (written by this transaction), and any left by a transaction that
    // committed without settling; never one another settle holds.
    let rows: Vec<OutboxRow> = sqlx::query_as(
        "DELETE FROM webhook_outbox WHERE id IN \
           (SELECT id FROM webhook_outbox ORDER BY id FOR UPDATE SKIP LOCKED) \
         RETURNING id, event, account_id, kpi_id, entity_id, period, data, at",
    )
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut rows = rows;
    rows.sort_by_key(|r| r.id);
    let mut users: HashMap<i64, Option<User>> = HashMap::new();
    let mut deliveries = Vec::new();
    for row in rows {
        let Some(event) = Event::parse(&row.event) else {
            continue;
        };
        let listeners: Vec<Listener> = sqlx::query_as(
            "SELECT id AS subscription_id, user_id FROM webhook_subscriptions \
             WHERE active AND deleted_at IS NULL AND $1 = ANY (events) ORDER BY id",
        )
        .bind(event.code())
        .fetch_all(&mut *tx)
        .await?;
        for l in listeners {
            if let std::collections::hash_map::Entry::Vacant(e) = users.entry(l.user_id) {
                e.insert(crate::users::find(&mut *tx, l.user_id).await?);
            }
            let Some(user) = users[&l.user_id].as_ref().filter(|u| u.active) else {
                continue;
            };
            if let Some(data) = payload_for(tx, user, event, &row).await? {
                deliveries.push(Delivery::new(l.subscription_id, event, row.at, data));
            }
        }
    }
    if deliveries.is_empty() {
        return Ok(());
    }
    queue
        .enqueue_multi(&mut *tx, &DeliverTask::for_enqueue(), &deliveries)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("webhook queue: {e}")))?;
    Ok(())
}

/// The event's `data` as `user` may see it, or None when they may not see it.
async fn payload_for(
    tx: &mut PgConnection,
    user: &User,
    event: Event,
    row: &OutboxRow,
) -> sqlx::Result<Option<Value>> {
    let Some(account_id) = row.account_id else {
        return Ok(None);
    };
    let client = authz::is_client(user);
    // The account, by the pages' rule for this user.
    let account = if client {
        match user.account_id {
            Some(own) if own == account_id => {
                crate::accounts::find_unchecked(&mut *tx, own).await?
            }
            _ => None,
        }
    } else {
        crate::accounts::find_visible(&mut *tx, user, account_id).await?
    };
    let Some(account) = account else {
        return Ok(None);
    };
    if client && !authz::client_receives_webhook(event.code(), account.stage) {
        return Ok(None);
    }
    let account_json = json!({ "id": account.id, "slug": account.slug, "name": account.name });
    let mut data = json!({ "account": account_json });
    if let Some(kpi_id) = row.kpi_id {
        // A client sees the portal's KPIs only (`authz::CLIENT_SEES_SQL`).
        let kpi = if client {
            crate::kpis::find_shared(&mut *tx, account.id, kpi_id).await?
        } else {
            crate::kpis::find(&mut *tx, account.id, kpi_id).await?
        };
        let Some(kpi) = kpi else {
            return Ok(None);
        };
        data["kpi"] = json!({
            "id": kpi.id, "code": kpi.code, "name_fr": kpi.name_fr, "name_en": kpi.name_en,
        });
        if let Some(p) = row.period {
            data["period"] = json!(
                crate::period::Period::from_start(kpi.frequency, p)
                    .map(|p| p.code())
                    .unwrap_or_else(|| p.to_string())
            );
        }
    }
    // Only numbers, codes and statuses from the event's own data (no free text).
    let keep: &[&str] = match event {
        Event::ValueRecorded => &["value", "source"],
        Event::ValueContested | Event::EvaluationAnswered => {
            &["validation", "side", "proposed_value", "accepted_value"]
        }
        Event::KpiTurnedRed => &["attainment", "score", "was"],
        Event::SurveyAnswered => &["nps", "satisfaction"],
        Event::ActionOverdue => &["due", "status", "shared"],
        Event::Test => &[],
    };
    for k in keep {
        if let Some(v) = row.data.get(*k).filter(|v| !v.is_null()) {
            data[*k] = v.clone();
        }
    }
    match event {
        Event::SurveyAnswered => data["response_id"] = json!(row.entity_id),
        Event::ActionOverdue => {
            // A client sees a shared action only (the portal's plan).
            let shared = row.data.get("shared").and_then(Value::as_bool) == Some(true);
            if client && !shared {
                return Ok(None);
            }
            data["action_id"] = json!(row.entity_id);
        }
        _ => {}
    }
    Ok(Some(data))
}

/// Writes a "KPI turned red" event for each KPI of `account_id` whose status is
/// red now and was not in the state stored before (the internal audience, which
/// holds every KPI; clients receive it for shared KPIs only).
pub async fn note_turned_red(
    conn: &mut PgConnection,
    account_id: i64,
    before: Option<&crate::scoring::Scorecard>,
    now: &crate::scoring::Scorecard,
) -> sqlx::Result<()> {
    use crate::scoring::Rag;
    let Some(before) = before else {
        return Ok(());
    };
    let turned: Vec<&crate::scoring::KpiResult> = now
        .kpis
        .iter()
        .filter(|k| k.rag == Rag::Red)
        .filter(|k| before.kpi(k.id).is_some_and(|b| b.rag != Rag::Red))
        .collect();
    if turned.is_empty() || !listened(&mut *conn, Event::KpiTurnedRed).await? {
        return Ok(());
    }
    for k in turned {
        let was = before
            .kpi(k.id)
            .map(|b| format!("{:?}", b.rag).to_lowercase());
        sqlx::query(
            "INSERT INTO webhook_outbox (event, account_id, kpi_id, data) VALUES ($1, $2, $3, $4)",
        )
        .bind(Event::KpiTurnedRed.code())
        .bind(account_id)
        .bind(k.id)
        .bind(json!({ "attainment": k.attainment, "score": k.score, "was": was }))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn listened(conn: &mut PgConnection, event: Event) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions \
                        WHERE active AND deleted_at IS NULL AND $1 = ANY (events))",
    )
    .bind(event.code())
    .fetch_one(conn)
    .await
}

/// The daily pass: each open action past its due date, once (the day after it at
/// the earliest; an action more than a week late when webhooks were set up is not
/// announced).
pub async fn note_overdue(conn: &mut PgConnection, today: NaiveDate) -> sqlx::Result<u64> {
    if !listened(&mut *conn, Event::ActionOverdue).await? {
        return Ok(0);
    }
    let done = sqlx::query(
        "WITH due AS ( \
            INSERT INTO webhook_overdue_sent (action_id) \
            SELECT id FROM plan_actions \
            WHERE status IN ('open', 'in_progress') AND due < $1 AND due >= $1 - 7 \
            ON CONFLICT DO NOTHING RETURNING action_id) \
         INSERT INTO webhook_outbox (event, account_id, entity_id, data) \
         SELECT $2, p.account_id, p.id, \
                jsonb_build_object('due', p.due, 'status', p.status, 'shared', p.shared) \
         FROM plan_actions p JOIN due ON due.action_id = p.id",
    )
    .bind(today)
    .bind(Event::ActionOverdue.code())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
