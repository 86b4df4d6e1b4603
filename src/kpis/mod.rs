//! An account's KPIs and the library they come from.

pub mod add;
pub mod check;
pub mod library;
pub mod settings;
pub mod template;
pub mod units;
pub mod weights;

use crate::authz::CLIENT_SEES_SQL as CLIENT_SEES;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe, Visibility};
use crate::i18n::Locale;

/// An account's KPI. Numbers are read as f64: they feed the scoring arithmetic and
/// the display; values are written as exact decimals (see `values::save`).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AccountKpi {
    pub id: i64,
    pub account_id: i64,
    pub template_id: Option<i64>,
    pub code: String,
    pub universe: Universe,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub unit: Unit,
    pub direction: Direction,
    pub frequency: Frequency,
    pub domain: DataDomain,
    pub target: f64,
    pub green_from: f64,
    pub amber_from: f64,
    pub weight: f64,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub freshness_months: i32,
    pub visibility: Visibility,
    pub position: i32,
    pub updated_at: DateTime<Utc>,
    /// A value whose status is red is refused without a comment.
    pub comment_when_red: bool,
}

impl AccountKpi {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::En => &self.name_en,
        }
    }

    pub fn description(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.description_fr,
            Locale::En => &self.description_en,
        }
    }
}

const KPI_COLUMNS: &str = "k.id, k.account_id, k.template_id, k.code, k.universe, k.name_fr, k.name_en, \
     k.description_fr, k.description_en, k.unit, k.direction, k.frequency, k.domain, \
     k.target::float8 AS target, k.green_from::float8 AS green_from, k.amber_from::float8 AS amber_from, \
     k.weight::float8 AS weight, k.owner_id, o.name AS owner_name, k.freshness_months, k.visibility, \
     k.position, k.updated_at, k.comment_when_red";

pub async fn for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<AccountKpi>> {
    sqlx::query_as(&format!(
        "SELECT {KPI_COLUMNS} FROM account_kpis k LEFT JOIN users o ON o.id = k.owner_id \
         WHERE k.account_id = $1 ORDER BY k.universe, k.position, k.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// The KPIs a client user of the account may see: shared or joint, and only from
/// stage 2 of the pyramid. Scoped here, in SQL, so the portal cannot over-fetch.
pub async fn shared_for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<AccountKpi>> {
    sqlx::query_as(&format!(
        "SELECT {KPI_COLUMNS} FROM account_kpis k LEFT JOIN users o ON o.id = k.owner_id \
         JOIN accounts a ON a.id = k.account_id \
         WHERE k.account_id = $1 AND {CLIENT_SEES} \
         ORDER BY k.universe, k.position, k.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// One shared KPI of the account, for the portal.
pub async fn find_shared(
    db: impl PgExecutor<'_>,
    account_id: i64,
    kpi_id: i64,
) -> sqlx::Result<Option<AccountKpi>> {
    sqlx::query_as(&format!(
        "SELECT {KPI_COLUMNS} FROM account_kpis k LEFT JOIN users o ON o.id = k.owner_id \
         JOIN accounts a ON a.id = k.account_id \
         WHERE k.account_id = $1 AND k.id = $2 AND {CLIENT_SEES}"
    ))
    .bind(account_id)
    .bind(kpi_id)
    .fetch_optional(db)
    .await
}

/// A KPI of that account (the account id is part of the lookup, so a KPI id from
/// another account finds nothing).
pub async fn find(
    db: impl PgExecutor<'_>,
    account_id: i64,
    kpi_id: i64,
) -> sqlx::Result<Option<AccountKpi>> {
    sqlx::query_as(&format!(
        "SELECT {KPI_COLUMNS} FROM account_kpis k LEFT JOIN users o ON o.id = k.owner_id \
         WHERE k.account_id = $1 AND k.id = $2"
    ))
    .bind(account_id)
    .bind(kpi_id)
    .fetch_optional(db)
    .await
}

/// Per-period targets of an account's KPIs: (kpi id, period start, target).
pub async fn target_overrides(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<(i64, NaiveDate, f64)>> {
    sqlx::query_as(
        "SELECT t.account_kpi_id, t.period, t.target::float8 FROM kpi_targets t \
         JOIN account_kpis k ON k.id = t.account_kpi_id WHERE k.account_id = $1",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

pub async fn universe_weights(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<(Universe, f64)>> {
    sqlx::query_as("SELECT universe, weight::float8 FROM universe_weights WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(db)
        .await
}

/// The target that applies to a period: its override, else the KPI's default.
pub fn target_for(kpi: &AccountKpi, period: NaiveDate, overrides: &[(i64, NaiveDate, f64)]) -> f64 {
    overrides
        .iter()
        .find(|(id, p, _)| *id == kpi.id && *p == period)
        .map(|(_, _, t)| *t)
        .unwrap_or(kpi.target)
}
