//! Queries of key-account selection: criteria, versioned ratings, KPI inputs.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{PgExecutor, PgPool};

use crate::director::matrix::{Axis, Criterion, Source};

/// A criterion as stored, with the KPI code of a quantitative one.
#[derive(Debug, Clone)]
pub struct StoredCriterion {
    pub criterion: Criterion,
    pub kpi_code: Option<String>,
}

/// id, axis, name, weight, source, KPI code, low, high.
type CriterionRow = (
    i64,
    String,
    String,
    i32,
    String,
    Option<String>,
    Option<f64>,
    Option<f64>,
);
/// account, rating id, rated on, criterion, input.
type VersionRow = (i64, i64, NaiveDate, Option<i64>, Option<f64>);

pub async fn criteria(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<StoredCriterion>> {
    let rows: Vec<CriterionRow> = sqlx::query_as(
        "SELECT id, axis, name, weight, source, kpi_code, low::float8, high::float8 \
             FROM selection_criteria ORDER BY axis, position, id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, axis, name, weight, source, kpi_code, low, high)| {
            let source = match (source.as_str(), low, high) {
                ("kpi", Some(low), Some(high)) => Source::Kpi { low, high },
                _ => Source::Rating,
            };
            StoredCriterion {
                criterion: Criterion {
                    id,
                    axis: if axis == "strength" {
                        Axis::Strength
                    } else {
                        Axis::Attractiveness
                    },
                    name,
                    weight: weight.max(0) as u32,
                    source,
                },
                kpi_code,
            }
        })
        .collect())
}

/// One rating version of an account: its date and inputs by criterion.
#[derive(Debug, Clone)]
pub struct Version {
    pub rated_on: NaiveDate,
    pub inputs: HashMap<i64, f64>,
}

/// The latest two versions of each account's rating (newest first).
pub async fn latest_versions(db: &PgPool, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<Version>>> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "WITH r AS (SELECT id, account_id, rated_on, \
                           row_number() OVER (PARTITION BY account_id ORDER BY rated_on DESC) AS n \
                    FROM selection_ratings WHERE account_id = ANY($1)) \
         SELECT r.account_id, r.id, r.rated_on, s.criterion_id, \
                COALESCE(s.rating::float8, s.kpi_value::float8) \
         FROM r LEFT JOIN selection_scores s ON s.rating_id = r.id \
         WHERE r.n <= 2 ORDER BY r.account_id, r.rated_on DESC",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    let mut out: HashMap<i64, Vec<(i64, Version)>> = HashMap::new();
    for (account, rating, rated_on, criterion, value) in rows {
        let versions = out.entry(account).or_default();
        if versions.last().map(|(id, _)| *id) != Some(rating) {
            versions.push((
                rating,
                Version {
                    rated_on,
                    inputs: HashMap::new(),
                },
            ));
        }
        if let (Some(c), Some(v), Some((_, ver))) = (criterion, value, versions.last_mut()) {
            ver.inputs.insert(c, v);
        }
    }
    Ok(out
        .into_iter()
        .map(|(a, v)| (a, v.into_iter().map(|(_, v)| v).collect()))
        .collect())
}

/// The latest value of each given KPI code of an account (for quantitative criteria).
pub async fn kpi_values(
    db: impl PgExecutor<'_>,
    account_id: i64,
    codes: &[String],
) -> sqlx::Result<HashMap<String, f64>> {
    let rows: Vec<(String, f64)> = sqlx::query_as(
        "SELECT DISTINCT ON (k.code) k.code, v.value::float8 \
         FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
         WHERE k.account_id = $1 AND k.code = ANY($2) AND v.period <= current_date \
         ORDER BY k.code, v.period DESC",
    )
    .bind(account_id)
    .bind(codes)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}
