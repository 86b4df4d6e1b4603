//! A KPI template of the library: the record and its queries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe};
use crate::i18n::Locale;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct KpiTemplate {
    pub id: i64,
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
    pub default_target: Option<f64>,
    pub green_from: f64,
    pub amber_from: f64,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

impl KpiTemplate {
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

const TEMPLATE_COLUMNS: &str = "t.id, t.code, t.universe, t.name_fr, t.name_en, t.description_fr, \
     t.description_en, t.unit, t.direction, t.frequency, t.domain, \
     t.default_target::float8 AS default_target, t.green_from::float8 AS green_from, \
     t.amber_from::float8 AS amber_from, t.active, t.updated_at";

/// Every template, by universe then in library order.
pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t ORDER BY t.universe, t.id"
    ))
    .fetch_all(db)
    .await
}

/// Active templates that the account does not use yet (by template or by code).
pub async fn available_for(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t \
         WHERE t.active AND NOT EXISTS (SELECT 1 FROM account_kpis k \
               WHERE k.account_id = $1 AND (k.code = t.code OR k.template_id = t.id)) \
         ORDER BY t.universe, t.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}
