//! KPI values: one per KPI and period, every change kept in the history and the
//! audit trail, concurrent edits detected by version.

pub mod csv_import;
pub mod entry;
pub mod import;

use crate::authz::CLIENT_SEES_SQL as CLIENT_SEES;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};

use crate::audit;
use crate::kpis::AccountKpi;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ValueRow {
    pub value_id: i64,
    pub account_kpi_id: i64,
    pub period: NaiveDate,
    pub value: f64,
    pub comment: String,
    pub source: String,
    pub entered_by_name: Option<String>,
    pub version: i32,
    /// The client's verdict on the value (meaningful for shared KPIs).
    pub validation: crate::evaluation::rules::Status,
    pub updated_at: DateTime<Utc>,
}

const VALUE_COLUMNS: &str = "v.id AS value_id, v.validation, v.account_kpi_id, v.period, v.value::float8 AS value, v.comment, v.source, \
                             u.name AS entered_by_name, v.version, v.updated_at";

/// Every value of an account's KPIs up to `until` (inclusive), in one query: the
/// scorecard needs the latest value and a sparkline's worth for each KPI.
pub async fn for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
    until: NaiveDate,
) -> sqlx::Result<Vec<ValueRow>> {
    sqlx::query_as(&format!(
        "SELECT {VALUE_COLUMNS} FROM kpi_values v LEFT JOIN users u ON u.id = v.entered_by \
         WHERE v.account_kpi_id IN (SELECT id FROM account_kpis WHERE account_id = $1) AND v.period <= $2 \
         ORDER BY v.account_kpi_id, v.period"
    ))
    .bind(account_id)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Values of the account's shared KPIs only (see `kpis::shared_for_account`).
pub async fn shared_for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
    until: NaiveDate,
) -> sqlx::Result<Vec<ValueRow>> {
    sqlx::query_as(&format!(
        "SELECT {VALUE_COLUMNS} FROM kpi_values v LEFT JOIN users u ON u.id = v.entered_by \
         WHERE v.account_kpi_id IN (SELECT k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
                                    WHERE k.account_id = $1 AND {CLIENT_SEES}) \
           AND v.period <= $2 \
         ORDER BY v.account_kpi_id, v.period"
    ))
    .bind(account_id)
    .bind(until)
    .fetch_all(db)
    .await
}

/// The latest `per_kpi` values of each of the account's KPIs up to `until` (only
/// the shared KPIs' when `shared`), ordered by KPI then period: the scorecard page
/// shows the latest value and a sparkline, and reads its scores from the stored
/// state, so it needs no older history. One index walk per KPI.
pub async fn recent_for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
    until: NaiveDate,
    shared: bool,
    per_kpi: i64,
) -> sqlx::Result<Vec<ValueRow>> {
    sqlx::query_as(&format!(
        "SELECT {VALUE_COLUMNS} FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         CROSS JOIN LATERAL (SELECT * FROM kpi_values x WHERE x.account_kpi_id = k.id AND x.period <= $2 \
                             ORDER BY x.period DESC LIMIT $4) v \
         LEFT JOIN users u ON u.id = v.entered_by \
         WHERE k.account_id = $1 AND (NOT $3 OR ({CLIENT_SEES})) \
         ORDER BY v.account_kpi_id, v.period"
    ))
    .bind(account_id)
    .bind(until)
    .bind(shared)
    .bind(per_kpi)
    .fetch_all(db)
    .await
}

pub async fn for_kpi(db: impl PgExecutor<'_>, kpi_id: i64) -> sqlx::Result<Vec<ValueRow>> {
    sqlx::query_as(&format!(
        "SELECT {VALUE_COLUMNS} FROM kpi_values v LEFT JOIN users u ON u.id = v.entered_by \
         WHERE v.account_kpi_id = $1 ORDER BY v.period"
    ))
    .bind(kpi_id)
    .fetch_all(db)
    .await
}

pub async fn one(
    db: impl PgExecutor<'_>,
    kpi_id: i64,
    period: NaiveDate,
) -> sqlx::Result<Option<ValueRow>> {
    sqlx::query_as(&format!(
        "SELECT {VALUE_COLUMNS} FROM kpi_values v LEFT JOIN users u ON u.id = v.entered_by \
         WHERE v.account_kpi_id = $1 AND v.period = $2"
    ))
    .bind(kpi_id)
    .bind(period)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct HistoryRow {
    pub period: NaiveDate,
    pub before_value: Option<f64>,
    pub after_value: f64,
    pub before_comment: Option<String>,
    pub after_comment: String,
    pub source: String,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub async fn history(db: impl PgExecutor<'_>, kpi_id: i64) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as(
        "SELECT h.period, h.before_value::float8 AS before_value, h.after_value::float8 AS after_value, \
                h.before_comment, h.after_comment, h.source, u.name AS changed_by_name, h.changed_at \
         FROM kpi_value_history h LEFT JOIN users u ON u.id = h.changed_by \
         WHERE h.account_kpi_id = $1 ORDER BY h.changed_at DESC, h.id DESC",
    )
    .bind(kpi_id)
    .fetch_all(db)
    .await
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
    /// Same value and comment as stored: nothing written.
    Unchanged,
    /// Someone changed it since the form was loaded: nothing written.
    Conflict,
    /// The period is locked (`locks`): nothing written.
    Locked,
    /// The KPI asks for a comment with a red value and there is none: nothing written.
    CommentRequired,
}

/// Whether `value` for `period` has the status red, as the scorecard shows it
/// (`scoring::attainment` against the period's target, `scoring::rag` across the
/// KPI's thresholds).
pub async fn is_red(
    db: impl sqlx::PgExecutor<'_>,
    kpi: &AccountKpi,
    period: NaiveDate,
    value: f64,
) -> sqlx::Result<bool> {
    let target: Option<f64> = sqlx::query_scalar(
        "SELECT target::float8 FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2",
    )
    .bind(kpi.id)
    .bind(period)
    .fetch_optional(db)
    .await?;
    let thresholds = crate::scoring::Thresholds {
        green_from: kpi.green_from,
        amber_from: kpi.amber_from,
    };
    Ok(
        crate::scoring::attainment(value, target.unwrap_or(kpi.target), kpi.direction)
            .is_some_and(|a| crate::scoring::rag(a, thresholds) == crate::scoring::Rag::Red),
    )
}

/// Whether a value must carry a comment it lacks (the KPI's setting, a red value).
pub async fn lacks_required_comment(
    db: impl sqlx::PgExecutor<'_>,
    kpi: &AccountKpi,
    period: NaiveDate,
    value: Decimal,
    comment: &str,
) -> sqlx::Result<bool> {
    if !kpi.comment_when_red || !comment.trim().is_empty() {
        return Ok(false);
    }
    let v: f64 = value.to_string().parse().unwrap_or(0.0);
    is_red(db, kpi, period, v).await
}

pub struct NewValue<'a> {
    pub period: NaiveDate,
    pub value: Decimal,
    pub comment: &'a str,
    pub source: &'a str,
    /// The version the user started from: None = "I saw no value"; Some(v) = "I saw version v".
    pub expected_version: Option<i32>,
    /// CSV imports do not know versions: they overwrite, but still keep history.
    pub check_version: bool,
}

/// The message for a value refused because its period is locked, naming the month.
pub fn locked_message(locale: crate::i18n::Locale, kpi: &AccountKpi, period: NaiveDate) -> String {
    let month = crate::period::Period::from_start(kpi.frequency, period)
        .unwrap_or_else(|| crate::period::Period::containing(kpi.frequency, period))
        .closing_month();
    let label =
        crate::period::Period::containing(crate::domain::Frequency::Monthly, month).label(locale);
    locale.t_args("value-locked", &[("month", label.into())])
}

/// Saves a value inside the caller's transaction, with its history row and audit row.
pub async fn save(
    tx: &mut PgConnection,
    kpi: &AccountKpi,
    v: &NewValue<'_>,
    actor: &audit::Actor,
) -> sqlx::Result<Saved> {
    if crate::locks::is_locked(&mut *tx, kpi.account_id, kpi.frequency, v.period).await? {
        return Ok(Saved::Locked);
    }
    if lacks_required_comment(&mut *tx, kpi, v.period, v.value, v.comment).await? {
        return Ok(Saved::CommentRequired);
    }
    let current: Option<(Decimal, String, i32)> = sqlx::query_as(
        "SELECT value, comment, version FROM kpi_values WHERE account_kpi_id = $1 AND period = $2 FOR UPDATE",
    )
    .bind(kpi.id)
    .bind(v.period)
    .fetch_optional(&mut *tx)
    .await?;

    let outcome = match current {
        None => {
            if v.check_version && v.expected_version.is_some() {
                // They edited a value that has since been deleted: do not resurrect it silently.
                return Ok(Saved::Conflict);
            }
            let inserted = sqlx::query(
                "INSERT INTO kpi_values (account_kpi_id, period, value, comment, source, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_kpi_id, period) DO NOTHING",
            )
            .bind(kpi.id)
            .bind(v.period)
            .bind(v.value)
            .bind(v.comment)
            .bind(v.source)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                // Someone created it between our read and our write.
                return Ok(Saved::Conflict);
            }
            record(tx, kpi, v, None, None, actor).await?;
            Saved::Created
        }
        Some((value, comment, version)) => {
            if v.check_version && v.expected_version != Some(version) {
                return Ok(Saved::Conflict);
            }
            if value == v.value && comment == v.comment {
                return Ok(Saved::Unchanged);
            }
            sqlx::query(
                "UPDATE kpi_values SET value = $3, comment = $4, source = $5, entered_by = $6, version = version + 1, \
                        validation = 'awaiting', validation_at = NULL, validation_by = NULL \
                 WHERE account_kpi_id = $1 AND period = $2",
            )
            .bind(kpi.id)
            .bind(v.period)
            .bind(v.value)
            .bind(v.comment)
            .bind(v.source)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
            record(tx, kpi, v, Some(value), Some(comment), actor).await?;
            Saved::Updated
        }
    };
    Ok(outcome)
}

async fn record(
    tx: &mut PgConnection,
    kpi: &AccountKpi,
    v: &NewValue<'_>,
    before_value: Option<Decimal>,
    before_comment: Option<String>,
    actor: &audit::Actor,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO kpi_value_history (account_kpi_id, period, before_value, after_value, before_comment, \
                                        after_comment, source, changed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(kpi.id)
    .bind(v.period)
    .bind(before_value)
    .bind(v.value)
    .bind(&before_comment)
    .bind(v.comment)
    .bind(v.source)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    let before = before_value
        .map(|b| serde_json::json!({ "value": b.to_string(), "comment": before_comment }));
    audit::record(
        &mut *tx,
        actor,
        audit::Entry {
            action: if before.is_some() {
                audit::Action::KpiValueUpdated
            } else {
                audit::Action::KpiValueCreated
            },
            entity: Some("kpi_value"),
            entity_id: Some(format!("{}:{}", kpi.id, v.period)),
            account_id: Some(kpi.account_id),
            before,
            after: Some(serde_json::json!({
                "kpi": kpi.code, "period": v.period, "value": v.value.to_string(),
                "comment": v.comment, "source": v.source,
            })),
        },
    )
    .await
}
