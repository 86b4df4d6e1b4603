//! The daily pass, a background job (queue `daily`, scheduled every morning):
//! creates the requests of periods that have just closed (each KPI with an owner,
//! due five working days after the period's end) and sends the reminders the day
//! calls for. Idempotent: requests are one per KPI and period, reminders one per
//! request and kind, each written in the same transaction as its e-mail's task,
//! so two passes (two instances, a retry) never send anything twice.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, Postgres, Transaction};
use underway::Task;
use underway::task::{Error as TaskError, Result as TaskResult};

use crate::authz;
use crate::domain::Frequency;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::period::Period;
use crate::requests::mails::{self, About, Item};
use crate::requests::rules::{self, Reminder};
use crate::requests::store::{self, NewRequest};
use crate::state::AppState;

/// The job's input: the day to run for (None: the app clock's today).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DailyInput {
    #[serde(default)]
    pub day: Option<NaiveDate>,
}

pub struct DailyTask {
    pub state: AppState,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub requests_created: usize,
    pub reminders_sent: usize,
}

impl Task for DailyTask {
    type Input = DailyInput;
    type Output = ();

    async fn execute(
        &self,
        mut tx: Transaction<'_, Postgres>,
        input: DailyInput,
    ) -> TaskResult<()> {
        let today = input.day.unwrap_or_else(|| self.state.clock.today());
        let done = run(&self.state, &mut tx, today)
            .await
            .map_err(|e| TaskError::Retryable(format!("{e:?}")))?;
        // The digests due today, in the same transaction (each recorded with its mail).
        let digests = crate::digests::send_due(&self.state, &mut tx, today)
            .await
            .map_err(|e| TaskError::Retryable(format!("{e:?}")))?;
        crate::db::commit(tx).await?;
        tracing::info!(
            requests = done.requests_created,
            reminders = done.reminders_sent,
            digests,
            %today,
            "daily pass of data requests"
        );
        Ok(())
    }

    fn timeout(&self) -> jiff::Span {
        jiff::Span::new().minutes(10)
    }

    fn ttl(&self) -> jiff::Span {
        jiff::Span::new().days(7)
    }
}

/// The pass, on the caller's transaction.
pub async fn run(
    state: &AppState,
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<Summary, AppError> {
    let requests_created = schedule(state, conn, today).await?;
    let reminders_sent = remind(state, conn, today).await?;
    // Plan actions past due: a webhook event each, once (`webhooks::settle` at commit).
    crate::webhooks::note_overdue(conn, today).await?;
    Ok(Summary {
        requests_created,
        reminders_sent,
    })
}

#[derive(sqlx::FromRow)]
struct Owned {
    kpi_id: i64,
    account_id: i64,
    account_name: String,
    name_fr: String,
    name_en: String,
    frequency: Frequency,
    owner_id: i64,
    owner_name: String,
    owner_email: String,
    owner_locale: Option<String>,
}

/// A request the pass created: the KPI, its period, its due date.
type Created<'a> = (&'a Owned, Period, NaiveDate);

/// Creates the requests of each KPI's last closed period, while it is not yet due
/// (a KPI given an owner in mid-month is not asked for months long gone), unless
/// the value is already there.
async fn schedule(
    state: &AppState,
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let owned: Vec<Owned> = sqlx::query_as(&format!(
        "SELECT k.id AS kpi_id, a.id AS account_id, a.name AS account_name, k.name_fr, k.name_en, \
                k.frequency, u.id AS owner_id, u.name AS owner_name, u.email::text AS owner_email, \
                u.locale AS owner_locale \
         FROM account_kpis k JOIN accounts a ON a.id = k.account_id JOIN users u ON u.id = k.owner_id \
         WHERE {} ORDER BY a.id, k.universe, k.position, k.id",
        authz::ASKABLE_OWNER_SQL
    ))
    .fetch_all(&mut *conn)
    .await?;
    let site = mails::site(&state.config);
    // (owner, account) → the new requests, for one e-mail each.
    let mut created: BTreeMap<(i64, i64), Vec<Created<'_>>> = BTreeMap::new();
    for k in &owned {
        let period = Period::containing(k.frequency, today).prev();
        let due = rules::default_due(&period);
        if today > due {
            continue;
        }
        let has_value: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM kpi_values WHERE account_kpi_id = $1 AND period = $2)",
        )
        .bind(k.kpi_id)
        .bind(period.start)
        .fetch_one(&mut *conn)
        .await?;
        if has_value {
            continue;
        }
        let new = NewRequest {
            kpi_id: k.kpi_id,
            period: period.start,
            owner_id: k.owner_id,
            requested_by: None,
            due_on: due,
            note: "",
        };
        if store::insert(&mut *conn, &new).await?.is_some() {
            created
                .entry((k.owner_id, k.account_id))
                .or_default()
                .push((k, period, due));
        }
    }
    let count = created.values().map(Vec::len).sum();
    if state.jobs.mails() {
        for list in created.values() {
            let (first, _, due) = list[0];
            let locale = mails::locale_of(first.owner_locale.as_deref());
            let items: Vec<Item> = list
                .iter()
                .map(|(k, p, _)| Item {
                    kpi: name(locale, &k.name_fr, &k.name_en),
                    period: p.label(locale),
                })
                .collect();
            let mail = mails::request(
                locale,
                site.as_deref(),
                &first.owner_name,
                &first.owner_email,
                "Boussole",
                &first.account_name,
                &items,
                due,
                "",
            );
            state.jobs.send_mail(&mut *conn, &mail).await?;
        }
    }
    Ok(count)
}

fn name(locale: Locale, fr: &str, en: &str) -> String {
    match locale {
        Locale::Fr => fr.to_owned(),
        Locale::En => en.to_owned(),
    }
}

/// Sends the reminders the day calls for, each once. Without a mail server
/// nothing is recorded (nothing could be sent; the inbox still lists the request).
async fn remind(
    state: &AppState,
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<usize, AppError> {
    if !state.jobs.mails() {
        return Ok(0);
    }
    let site = mails::site(&state.config);
    let open = store::all_open(&mut *conn).await?;
    let mut sent = 0;
    for r in &open {
        for kind in rules::reminders(r.due_on, today) {
            // Who hears of it, unless they turned reminders off.
            let to = match kind {
                Reminder::Escalation => match (&r.kam_id, &r.kam_name, &r.kam_email) {
                    (Some(id), Some(n), Some(e)) if r.kam_reminders_off != Some(true) => {
                        (*id, n.as_str(), e.as_str(), r.kam_locale.as_deref())
                    }
                    _ => continue,
                },
                _ if r.owner_reminders_off => continue,
                _ => (
                    r.owner_id,
                    r.owner_name.as_str(),
                    r.owner_email.as_str(),
                    r.owner_locale.as_deref(),
                ),
            };
            let first: Option<i32> = sqlx::query_scalar(
                "INSERT INTO data_request_reminders (request_id, kind, sent_to) VALUES ($1, $2, $3) \
                 ON CONFLICT (request_id, kind) DO NOTHING RETURNING 1",
            )
            .bind(r.id)
            .bind(kind.code())
            .bind(to.0)
            .fetch_optional(&mut *conn)
            .await?;
            if first.is_none() {
                continue;
            }
            let locale = mails::locale_of(to.3);
            let period = Period::from_start(r.frequency, r.period)
                .unwrap_or_else(|| Period::containing(r.frequency, r.period));
            let about = About {
                request_id: r.id,
                account_id: r.account_id,
                account: &r.account_name,
                kpi: name(locale, &r.name_fr, &r.name_en),
                period: period.label(locale),
                month_code: Period::containing(Frequency::Monthly, period.closing_month()).code(),
                due_on: r.due_on,
                owner_name: &r.owner_name,
            };
            let mail = mails::reminder(kind, locale, site.as_deref(), to.1, to.2, &about);
            state.jobs.send_mail(&mut *conn, &mail).await?;
            sent += 1;
        }
    }
    Ok(sent)
}
