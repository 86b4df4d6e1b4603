//! The pairs behind the drivers, in SQL. Each value of the outcome (at its library
//! frequency, of the last three years) is paired with the mean of each other KPI of the
//! same account over the same period.
//!
//! The means come from `kpi_period_means` (migration 0016: one row per KPI of an account
//! and quarter or year, kept by triggers in the same transaction as the values), so a
//! request reads one row per pair instead of every value of three years. A monthly
//! outcome reads the values themselves (a month's mean of a monthly KPI is its value), the
//! way every outcome did before; [`Source::Values`] is also what the rollups are tested
//! against.

use chrono::NaiveDate;
use sqlx::PgExecutor;

use crate::director::correlation::Observation;

/// Where the KPIs' period means come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `kpi_period_means` (quarterly and yearly outcomes).
    Rollups,
    /// `avg(value)` over the values, per request.
    Values,
}

/// One KPI's pairs across accounts, ordered by account then period.
pub type Series = (String, Vec<Observation>);

/// The period a pair spans: the outcome's frequency in the library (quarterly if the
/// outcome is not in the library), as `date_trunc` names it.
pub async fn grain(db: impl PgExecutor<'_>, outcome: &str) -> sqlx::Result<&'static str> {
    let frequency: Option<String> =
        sqlx::query_scalar("SELECT frequency::text FROM kpi_templates WHERE code = $1")
            .bind(outcome)
            .fetch_optional(db)
            .await?;
    Ok(match frequency.as_deref() {
        Some("monthly") => "month",
        Some("yearly") => "year",
        _ => "quarter",
    })
}

/// The source that serves a grain: rollups exist for quarters and years.
pub fn source_for(grain: &str) -> Source {
    if grain == "month" {
        Source::Values
    } else {
        Source::Rollups
    }
}

fn frequency_of(grain: &str) -> &'static str {
    match grain {
        "month" => "monthly",
        "year" => "yearly",
        _ => "quarterly",
    }
}

/// `o`: the outcome's values. `x`: per account, KPI code and period, the KPI's mean.
/// Parameters: $1 outcome code, $2 outcome frequency, $3 since, $4 accounts (NULL: all),
/// $5 one KPI code (NULL: all), $6 grain.
fn with_clause(source: Source) -> String {
    let outcome = "o AS (SELECT k.account_id, v.period, v.value::float8 AS y \
                   FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
                   WHERE k.code = $1 AND k.frequency::text = $2 AND v.period >= $3 \
                     AND ($4::bigint[] IS NULL OR k.account_id = ANY($4)))";
    let means = match source {
        // Periods before `since` are left out either way: their outcome value is.
        Source::Rollups => {
            "x AS (SELECT k.account_id, k.code, m.period AS bucket, m.mean AS x \
             FROM account_kpis k JOIN kpi_period_means m ON m.account_kpi_id = k.id \
             WHERE m.grain = $6 AND m.period >= $3 AND k.code <> $1 \
               AND ($5::text IS NULL OR k.code = $5) \
               AND ($4::bigint[] IS NULL OR k.account_id = ANY($4)))"
        }
        Source::Values => {
            "x AS (SELECT k.account_id, k.code, date_trunc($6, v.period)::date AS bucket, \
                          avg(v.value)::float8 AS x \
             FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
             WHERE k.account_id IN (SELECT DISTINCT account_id FROM o) AND k.code <> $1 \
               AND ($5::text IS NULL OR k.code = $5) AND v.period >= $3 \
             GROUP BY 1, 2, 3)"
        }
    };
    format!("WITH {outcome}, {means} ")
}

/// Every KPI's pairs with the outcome, by code. `accounts`: the viewer's accounts
/// (`None`: all). One row per KPI code, the pairs as arrays (a few hundred thousand
/// pairs at 500 accounts would otherwise be as many rows, each with its code).
pub async fn series(
    db: impl PgExecutor<'_>,
    outcome: &str,
    grain: &str,
    since: NaiveDate,
    accounts: Option<&[i64]>,
    source: Source,
) -> sqlx::Result<Vec<Series>> {
    // The order of the pairs is the one the page always used (code, account, period):
    // the correlation's sums are then added in the same order, to the same last bit.
    let sql = format!(
        "{}SELECT x.code, \
                array_agg(o.account_id ORDER BY o.account_id, o.period) AS accounts, \
                array_agg(x.x ORDER BY o.account_id, o.period) AS xs, \
                array_agg(o.y ORDER BY o.account_id, o.period) AS ys \
         FROM o JOIN x ON x.account_id = o.account_id AND x.bucket = o.period \
         GROUP BY x.code ORDER BY x.code",
        with_clause(source)
    );
    let rows: Vec<SeriesRow> = sqlx::query_as(&sql)
        .bind(outcome)
        .bind(frequency_of(grain))
        .bind(since)
        .bind(accounts)
        .bind(None::<&str>)
        .bind(grain)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let obs = r
                .accounts
                .into_iter()
                .zip(r.xs)
                .zip(r.ys)
                .map(|((account, x), y)| Observation { account, x, y })
                .collect();
            (r.code, obs)
        })
        .collect())
}

/// One KPI's pairs, as arrays in the same order.
#[derive(sqlx::FromRow)]
struct SeriesRow {
    code: String,
    accounts: Vec<i64>,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// One pair of a scatter plot, with its account's name.
#[derive(sqlx::FromRow)]
pub struct Pair {
    pub account_id: i64,
    pub account_name: String,
    pub period: NaiveDate,
    pub x: f64,
    pub y: f64,
}

/// One KPI's pairs with the outcome, for its scatter plot and data table.
pub async fn scatter(
    db: impl PgExecutor<'_>,
    outcome: &str,
    grain: &str,
    since: NaiveDate,
    accounts: Option<&[i64]>,
    code: &str,
) -> sqlx::Result<Vec<Pair>> {
    let sql = format!(
        "{}SELECT o.account_id, a.name AS account_name, o.period, x.x, o.y \
         FROM o JOIN x ON x.account_id = o.account_id AND x.bucket = o.period \
         JOIN accounts a ON a.id = o.account_id \
         ORDER BY o.account_id, o.period",
        with_clause(source_for(grain))
    );
    sqlx::query_as(&sql)
        .bind(outcome)
        .bind(frequency_of(grain))
        .bind(since)
        .bind(accounts)
        .bind(code)
        .bind(grain)
        .fetch_all(db)
        .await
}
