//! Data requests in the database: reading them for the pages, the inbox and the
//! daily pass, and creating them (one per KPI and period, whoever asks first).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::authz;
use crate::domain::Frequency;
use crate::i18n::Locale;
use crate::period::Period;
use crate::requests::rules::Status;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub kpi_id: i64,
    pub name_fr: String,
    pub name_en: String,
    pub frequency: Frequency,
    pub period: NaiveDate,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub note: String,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub requested_by_name: Option<String>,
}

impl RequestRow {
    pub fn status(&self, today: NaiveDate) -> Status {
        Status::of(
            self.fulfilled_at.map(|t| t.date_naive()),
            self.due_on,
            today,
        )
    }

    pub fn kpi_name(&self, locale: Locale) -> String {
        match locale {
            Locale::Fr => self.name_fr.clone(),
            Locale::En => self.name_en.clone(),
        }
    }

    pub fn period(&self) -> Period {
        Period::from_start(self.frequency, self.period)
            .unwrap_or_else(|| Period::containing(self.frequency, self.period))
    }
}

const SELECT: &str = "SELECT r.id, a.id AS account_id, a.name AS account_name, k.id AS kpi_id, \
        k.name_fr, k.name_en, k.frequency, r.period, r.owner_id, o.name AS owner_name, r.due_on, \
        r.note, r.fulfilled_at, rb.name AS requested_by_name \
    FROM data_requests r JOIN account_kpis k ON k.id = r.account_kpi_id \
    JOIN accounts a ON a.id = k.account_id JOIN users o ON o.id = r.owner_id \
    LEFT JOIN users rb ON rb.id = r.requested_by";

/// The requests for periods closing in `month`, of the accounts the viewer sees
/// (`member`: `authz::member_filter`), of one account when given.
pub async fn closing_in(
    db: impl PgExecutor<'_>,
    month: NaiveDate,
    member: Option<i64>,
    account: Option<i64>,
) -> sqlx::Result<Vec<RequestRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE period_closing_month(k.frequency, r.period) = $1 \
           AND ($3::bigint IS NULL OR a.id = $3) AND {} \
         ORDER BY lower(a.name), a.id, r.due_on, k.universe, k.position, k.id",
        authz::sees_account_sql(2)
    ))
    .bind(month)
    .bind(member)
    .bind(account)
    .fetch_all(db)
    .await
}

/// A person's open requests, soonest due first (the inbox).
pub async fn open_for_owner(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<RequestRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.owner_id = $1 AND r.fulfilled_at IS NULL \
         ORDER BY r.due_on, lower(a.name), k.universe, k.position, k.id"
    ))
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Every open request (the daily pass's reminders), with what a reminder needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenRequest {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub name_fr: String,
    pub name_en: String,
    pub frequency: Frequency,
    pub period: NaiveDate,
    pub due_on: NaiveDate,
    pub owner_id: i64,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_locale: Option<String>,
    pub owner_reminders_off: bool,
    pub kam_id: Option<i64>,
    pub kam_name: Option<String>,
    pub kam_email: Option<String>,
    pub kam_locale: Option<String>,
    pub kam_reminders_off: Option<bool>,
}

pub async fn all_open(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<OpenRequest>> {
    sqlx::query_as(
        "SELECT r.id, a.id AS account_id, a.name AS account_name, k.name_fr, k.name_en, k.frequency, \
                r.period, r.due_on, o.id AS owner_id, o.name AS owner_name, o.email::text AS owner_email, \
                o.locale AS owner_locale, o.reminders_off AS owner_reminders_off, \
                m.id AS kam_id, m.name AS kam_name, m.email::text AS kam_email, m.locale AS kam_locale, \
                m.reminders_off AS kam_reminders_off \
         FROM data_requests r JOIN account_kpis k ON k.id = r.account_kpi_id \
         JOIN accounts a ON a.id = k.account_id JOIN users o ON o.id = r.owner_id \
         LEFT JOIN users m ON m.id = a.owner_id AND m.active \
         WHERE r.fulfilled_at IS NULL AND o.active ORDER BY r.id",
    )
    .fetch_all(db)
    .await
}

/// A KPI of an account as the request form shows it, with its owner.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KpiOwner {
    pub id: i64,
    pub name_fr: String,
    pub name_en: String,
    pub frequency: Frequency,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// Whether the owner may be asked (`authz::ASKABLE_OWNER_SQL`).
    pub askable: Option<bool>,
}

impl KpiOwner {
    pub fn name(&self, locale: Locale) -> String {
        match locale {
            Locale::Fr => self.name_fr.clone(),
            Locale::En => self.name_en.clone(),
        }
    }
}

pub async fn kpi_owners(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<KpiOwner>> {
    sqlx::query_as(&format!(
        "SELECT k.id, k.name_fr, k.name_en, k.frequency, k.owner_id, u.name AS owner_name, \
                u.email::text AS owner_email, {} AS askable \
         FROM account_kpis k LEFT JOIN users u ON u.id = k.owner_id \
         WHERE k.account_id = $1 ORDER BY k.universe, k.position, k.id",
        authz::ASKABLE_OWNER_SQL
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// (KPI, period start) pairs of the account that already have a value, and those
/// already requested.
pub async fn taken(
    db: &sqlx::PgPool,
    account_id: i64,
) -> sqlx::Result<(HashSet<(i64, NaiveDate)>, HashSet<(i64, NaiveDate)>)> {
    let values: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT v.account_kpi_id, v.period FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.account_id = $1",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let requests: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT r.account_kpi_id, r.period FROM data_requests r JOIN account_kpis k ON k.id = r.account_kpi_id \
         WHERE k.account_id = $1",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok((values.into_iter().collect(), requests.into_iter().collect()))
}

/// A request to create.
pub struct NewRequest<'a> {
    pub kpi_id: i64,
    pub period: NaiveDate,
    pub owner_id: i64,
    /// None: the daily schedule.
    pub requested_by: Option<i64>,
    pub due_on: NaiveDate,
    pub note: &'a str,
}

/// Creates a request unless one exists for the KPI and period (then None).
pub async fn insert(conn: &mut PgConnection, r: &NewRequest<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO data_requests (account_kpi_id, period, owner_id, requested_by, due_on, note) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_kpi_id, period) DO NOTHING RETURNING id",
    )
    .bind(r.kpi_id)
    .bind(r.period)
    .bind(r.owner_id)
    .bind(r.requested_by)
    .bind(r.due_on)
    .bind(r.note)
    .fetch_optional(conn)
    .await
}
