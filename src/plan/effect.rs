//! "Did it work?": for each done action linked to KPIs, the values after the
//! action set against the forecast stored when it was created, and a verdict
//! (`model::effect`). So the team learns which actions move which indicators.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::model::{self, Verdict};
use crate::domain::{Direction, Frequency};
use crate::i18n::Locale;
use crate::kpis::units;
use crate::period::Period;

/// A difference smaller than this share of the forecast is no visible effect,
/// even when the forecast's own error is smaller (a perfectly fitted line).
const MIN_TOLERANCE: f64 = 0.02;

/// One KPI of one done action, with the numbers shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EffectRow {
    pub action_id: i64,
    pub action_title: String,
    pub kpi_id: i64,
    pub name_fr: String,
    pub name_en: String,
    pub unit: crate::domain::Unit,
    /// The last value when the action was created.
    pub before: Option<f64>,
    /// Mean of the values after it, and of the forecast for the same periods.
    pub actual: Option<f64>,
    pub expected: Option<f64>,
    pub periods: usize,
    pub verdict: Verdict,
}

impl EffectRow {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::En => &self.name_en,
        }
    }

    /// A value of this row in the KPI's unit, or "—".
    pub fn show(&self, v: Option<f64>, locale: Locale) -> String {
        v.map(|v| units::display(self.unit, v, locale))
            .unwrap_or_else(|| "—".into())
    }
}

#[derive(sqlx::FromRow)]
struct Link {
    action_id: i64,
    title: String,
    kpi_id: i64,
    name_fr: String,
    name_en: String,
    unit: crate::domain::Unit,
    direction: Direction,
    frequency: Frequency,
    baseline_period: Option<NaiveDate>,
    baseline_value: Option<f64>,
    forecast: Vec<f64>,
    forecast_rmse: Option<f64>,
}

/// The verdict of one KPI: step k of the stored forecast is the k-th period after
/// the baseline, set against the value of that period where there is one.
pub fn judge(
    frequency: Frequency,
    direction: Direction,
    baseline_period: Option<NaiveDate>,
    forecast: &[f64],
    rmse: Option<f64>,
    values: &[(NaiveDate, f64)],
) -> model::Effect {
    let (mut after, mut expected) = (Vec::new(), Vec::new());
    if let Some(base) = baseline_period.and_then(|p| Period::from_start(frequency, p)) {
        for (k, f) in forecast.iter().enumerate() {
            let period = base.offset(k as i32 + 1).start;
            if let Some((_, v)) = values.iter().find(|(p, _)| *p == period) {
                after.push(*v);
                expected.push(*f);
            }
        }
    }
    let mean = expected.iter().sum::<f64>() / expected.len().max(1) as f64;
    let tolerance = rmse.unwrap_or(0.0).max(mean.abs() * MIN_TOLERANCE);
    model::effect(&after, &expected, tolerance, direction)
}

/// The effects of the plan's done actions (staff: every KPI; clients get none).
pub async fn for_plan(db: &PgPool, plan_id: i64) -> sqlx::Result<Vec<EffectRow>> {
    let links: Vec<Link> = sqlx::query_as(
        "SELECT x.id AS action_id, x.title, k.id AS kpi_id, k.name_fr, k.name_en, k.unit, k.direction, k.frequency, \
                ak.baseline_period, ak.baseline_value, ak.forecast, ak.forecast_rmse \
         FROM plan_actions x JOIN action_kpis ak ON ak.action_id = x.id \
         JOIN account_kpis k ON k.id = ak.kpi_id \
         WHERE x.plan_id = $1 AND x.status = 'done' ORDER BY x.done_on DESC, x.id, k.position, k.id",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await?;
    let ids: Vec<i64> = links.iter().map(|l| l.kpi_id).collect();
    let values: Vec<(i64, NaiveDate, f64)> = sqlx::query_as(
        "SELECT account_kpi_id, period, value::float8 FROM kpi_values WHERE account_kpi_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    Ok(links
        .into_iter()
        .map(|l| {
            let kpi_values: Vec<(NaiveDate, f64)> = values
                .iter()
                .filter(|(id, _, _)| *id == l.kpi_id)
                .map(|(_, p, v)| (*p, *v))
                .collect();
            let e = judge(
                l.frequency,
                l.direction,
                l.baseline_period,
                &l.forecast,
                l.forecast_rmse,
                &kpi_values,
            );
            EffectRow {
                action_id: l.action_id,
                action_title: l.title,
                kpi_id: l.kpi_id,
                name_fr: l.name_fr,
                name_en: l.name_en,
                unit: l.unit,
                before: l.baseline_value,
                actual: e.actual,
                expected: e.expected,
                periods: e.periods,
                verdict: e.verdict,
            }
        })
        .collect())
}
