//! The portfolio's numbers, in bulk: a fixed handful of queries whatever the
//! number of accounts (no scorecard load per account), then the pure `scoring`
//! module per account on the rows already in memory.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::accounts::AccountSummary;
use crate::director::clv::{self, Clv, ClvInputs, YearFigures};
use crate::domain::{DataDomain, Direction, Frequency, Universe};
use crate::i18n::format::Share;
use crate::period::Period;
use crate::scoring::{self, KpiInput, Observation, Scorecard, Thresholds};

/// One KPI with its latest value now and at the end of the previous month.
struct KpiLatest {
    id: i64,
    account_id: i64,
    code: String,
    universe: Universe,
    weight: f64,
    direction: Direction,
    frequency: Frequency,
    domain: DataDomain,
    green_from: f64,
    amber_from: f64,
    freshness_months: i32,
    now_period: Option<NaiveDate>,
    now_value: Option<f64>,
    now_target: Option<f64>,
    prev_period: Option<NaiveDate>,
    prev_value: Option<f64>,
    prev_target: Option<f64>,
}

/// The director's settings (one row).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Settings {
    pub max_key_accounts: i32,
    pub kam_share: f64,
    pub retention_probability: f64,
    pub discount_rate: f64,
    pub horizon_years: i32,
    pub updated_at: DateTime<Utc>,
}

impl Settings {
    /// The yearly retention probability (stored as a fraction).
    pub fn retention(&self) -> Share {
        Share::new(self.retention_probability)
    }

    /// The yearly discount rate (stored as a fraction).
    pub fn discount(&self) -> Share {
        Share::new(self.discount_rate)
    }
}

pub async fn settings(db: &PgPool) -> sqlx::Result<Settings> {
    sqlx::query_as(
        "SELECT max_key_accounts, kam_share::float8 AS kam_share, \
                retention_probability::float8 AS retention_probability, \
                discount_rate::float8 AS discount_rate, horizon_years, updated_at \
         FROM director_settings WHERE id = 1",
    )
    .fetch_one(db)
    .await
}

/// Everything the portfolio shows about one account.
pub struct Figures {
    pub now: Scorecard,
    pub before: Scorecard,
    pub nps: Option<f64>,
    /// Revenue of the last 12 months (KPI `revenue`) and its growth on the 12 before.
    pub revenue: Option<f64>,
    pub growth: Option<Share>,
    pub clv: Option<Clv>,
    /// Fresh KPIs / all KPIs.
    pub fresh: usize,
    pub kpis: usize,
    /// Client-domain KPIs and how many of them are fresh.
    pub client_kpis: usize,
    pub client_fresh: usize,
    /// Values of shared KPIs over the last 12 months, how many validated, contested.
    pub shared_values: i64,
    pub validated: i64,
    pub contested: i64,
    /// Contested values waiting more than `CONTEST_WAIT_DAYS`.
    pub contested_old: i64,
    pub last_review: Option<NaiveDate>,
}

impl Figures {
    /// Fresh KPIs among all the account's KPIs.
    pub fn fresh_share(&self) -> Option<Share> {
        Share::of(self.fresh as f64, self.kpis as f64)
    }

    /// Validated values among the shared values of the last 12 months.
    pub fn validated_share(&self) -> Option<Share> {
        Share::of(self.validated as f64, self.shared_values as f64)
    }
}

/// A contest answered later than this is "waiting too long".
pub const CONTEST_WAIT_DAYS: i32 = 14;

/// Each KPI (one row) with its latest value on or before the as-of date (`n`),
/// and its latest value on or before the end of last month as it was known when
/// this month began (`b`: recorded before `$4`, with the number its history had
/// then), the same rule as the scorecard's "before" side (`scorecard::known_at`).
const LATEST_SQL: &str = "SELECT k.id, k.account_id, k.code, k.universe, k.weight::float8 AS weight, k.direction, \
        k.frequency, k.domain, k.green_from::float8 AS green_from, k.amber_from::float8 AS amber_from, \
        k.freshness_months, n.period, n.value, n.target, \
        b.period AS prev_period, b.value AS prev_value, b.target AS prev_target \
 FROM account_kpis k \
 LEFT JOIN LATERAL (SELECT v.period, v.value::float8 AS value, COALESCE(t.target, k.target)::float8 AS target \
     FROM kpi_values v LEFT JOIN kpi_targets t ON t.account_kpi_id = k.id AND t.period = v.period \
     WHERE v.account_kpi_id = k.id AND v.period <= $2 ORDER BY v.period DESC LIMIT 1) n ON true \
 LEFT JOIN LATERAL (SELECT v.period, \
            COALESCE((SELECT h.after_value FROM kpi_value_history h \
                      WHERE h.account_kpi_id = v.account_kpi_id AND h.period = v.period AND h.changed_at < $4 \
                      ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), v.value)::float8 AS value, \
            COALESCE(t.target, k.target)::float8 AS target \
     FROM kpi_values v LEFT JOIN kpi_targets t ON t.account_kpi_id = k.id AND t.period = v.period \
     WHERE v.account_kpi_id = k.id AND v.period <= $3 AND v.created_at < $4 \
     ORDER BY v.period DESC LIMIT 1) b ON true \
 WHERE k.account_id = ANY($1) ORDER BY k.account_id, k.id";

/// A row of `LATEST_SQL`.
#[derive(sqlx::FromRow)]
struct LatestRow {
    id: i64,
    account_id: i64,
    code: String,
    universe: Universe,
    weight: f64,
    direction: Direction,
    frequency: Frequency,
    domain: DataDomain,
    green_from: f64,
    amber_from: f64,
    freshness_months: i32,
    period: Option<NaiveDate>,
    value: Option<f64>,
    target: Option<f64>,
    prev_period: Option<NaiveDate>,
    prev_value: Option<f64>,
    prev_target: Option<f64>,
}

/// One `KpiLatest` per row (one row per KPI).
fn fold_latest(rows: Vec<LatestRow>) -> Vec<KpiLatest> {
    rows.into_iter()
        .map(|r| {
            let value = r
                .period
                .zip(r.value)
                .zip(r.target)
                .map(|((p, v), t)| (p, v, t));
            let prev = r
                .prev_period
                .zip(r.prev_value)
                .zip(r.prev_target)
                .map(|((p, v), t)| (p, v, t));
            KpiLatest {
                id: r.id,
                account_id: r.account_id,
                code: r.code,
                universe: r.universe,
                weight: r.weight,
                direction: r.direction,
                frequency: r.frequency,
                domain: r.domain,
                green_from: r.green_from,
                amber_from: r.amber_from,
                freshness_months: r.freshness_months,
                now_period: value.map(|v| v.0),
                now_value: value.map(|v| v.1),
                now_target: value.map(|v| v.2),
                prev_period: prev.map(|v| v.0),
                prev_value: prev.map(|v| v.1),
                prev_target: prev.map(|v| v.2),
            }
        })
        .collect()
}

fn input(k: &KpiLatest, now: bool) -> KpiInput {
    let (period, value, target) = if now {
        (k.now_period, k.now_value, k.now_target)
    } else {
        (k.prev_period, k.prev_value, k.prev_target)
    };
    KpiInput {
        id: k.id,
        universe: k.universe,
        weight: k.weight,
        direction: k.direction,
        thresholds: Thresholds {
            green_from: k.green_from,
            amber_from: k.amber_from,
        },
        freshness_months: k.freshness_months.max(0) as u32,
        latest: match (period, value, target) {
            (Some(p), Some(value), Some(target)) => {
                Period::from_start(k.frequency, p).map(|p| Observation {
                    period_end: p.end(),
                    value,
                    target,
                })
            }
            _ => None,
        },
    }
}

/// The figures of every given account, as of `as_of` (trend against `prev_as_of`).
pub async fn figures(
    db: &PgPool,
    accounts: &[AccountSummary],
    as_of: NaiveDate,
    prev_as_of: NaiveDate,
    settings: &Settings,
) -> sqlx::Result<HashMap<i64, Figures>> {
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let year_ago = as_of - chrono::Months::new(12);
    let two_years_ago = as_of - chrono::Months::new(24);
    let (kpis, weights, revenue, validation, reviews, financials, acquisition) = tokio::try_join!(
        sqlx::query_as::<_, LatestRow>(LATEST_SQL)
            .bind(&ids)
            .bind(as_of)
            .bind(prev_as_of)
            // The month began the day after the end of the previous one.
            .bind((prev_as_of + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN).and_utc())
            .fetch_all(db),
        sqlx::query_as::<_, (i64, Universe, f64)>(
            "SELECT account_id, universe, weight::float8 FROM universe_weights WHERE account_id = ANY($1)"
        )
        .bind(&ids)
        .fetch_all(db),
        sqlx::query_as::<_, (i64, Option<f64>, Option<f64>, i64, i64)>(
            "SELECT k.account_id, \
                    sum(v.value) FILTER (WHERE v.period > $2)::float8, \
                    sum(v.value) FILTER (WHERE v.period <= $2)::float8, \
                    count(*) FILTER (WHERE v.period > $2), count(*) FILTER (WHERE v.period <= $2) \
             FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
             WHERE k.account_id = ANY($1) AND k.code = 'revenue' AND v.period > $3 AND v.period <= $4 \
             GROUP BY k.account_id"
        )
        .bind(&ids)
        .bind(year_ago)
        .bind(two_years_ago)
        .bind(as_of)
        .fetch_all(db),
        sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
            "SELECT k.account_id, count(*), \
                    count(*) FILTER (WHERE v.validation = 'validated'), \
                    count(*) FILTER (WHERE v.validation = 'contested'), \
                    count(*) FILTER (WHERE v.validation = 'contested' \
                                     AND COALESCE(v.validation_at, v.updated_at) < now() - make_interval(days => $3)) \
             FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
             WHERE k.account_id = ANY($1) AND k.visibility <> 'internal' AND v.period > $2 \
             GROUP BY k.account_id"
        )
        .bind(&ids)
        .bind(year_ago)
        .bind(CONTEST_WAIT_DAYS)
        .fetch_all(db),
        sqlx::query_as::<_, (i64, NaiveDate)>(
            "SELECT account_id, max(held_on) FROM business_reviews WHERE account_id = ANY($1) GROUP BY account_id"
        )
        .bind(&ids)
        .fetch_all(db),
        financials(db, &ids),
        sqlx::query_as::<_, (i64, f64)>(
            "SELECT id, acquisition_cost::float8 FROM accounts WHERE id = ANY($1)"
        )
        .bind(&ids)
        .fetch_all(db),
    )?;

    let mut by_account: HashMap<i64, Vec<KpiLatest>> = HashMap::new();
    for k in fold_latest(kpis) {
        by_account.entry(k.account_id).or_default().push(k);
    }
    let mut weights_of: HashMap<i64, Vec<(Universe, f64)>> = HashMap::new();
    for (a, u, w) in weights {
        weights_of.entry(a).or_default().push((u, w));
    }
    let revenue: HashMap<i64, (Option<f64>, Option<f64>, i64, i64)> = revenue
        .into_iter()
        .map(|(a, cur, prev, nc, np)| (a, (cur, prev, nc, np)))
        .collect();
    let validation: HashMap<i64, (i64, i64, i64, i64)> = validation
        .into_iter()
        .map(|(a, n, v, c, o)| (a, (n, v, c, o)))
        .collect();
    let reviews: HashMap<i64, NaiveDate> = reviews.into_iter().collect();
    let acquisition: HashMap<i64, f64> = acquisition.into_iter().collect();

    let empty = Vec::new();
    let mut out = HashMap::new();
    for a in accounts {
        let kpis = by_account.get(&a.id).unwrap_or(&empty);
        let weights = weights_of.get(&a.id).cloned().unwrap_or_default();
        let now_inputs: Vec<KpiInput> = kpis.iter().map(|k| input(k, true)).collect();
        let prev_inputs: Vec<KpiInput> = kpis.iter().map(|k| input(k, false)).collect();
        let now = scoring::score(&now_inputs, &weights, as_of);
        let before = scoring::score(&prev_inputs, &weights, prev_as_of);
        let fresh_ids: Vec<i64> = now
            .kpis
            .iter()
            .filter(|k| k.score.is_some())
            .map(|k| k.id)
            .collect();
        let client: Vec<&KpiLatest> = kpis
            .iter()
            .filter(|k| k.domain == DataDomain::Client)
            .collect();
        let nps = kpis
            .iter()
            .find(|k| k.code == "nps")
            .and_then(|k| k.now_value);
        let (revenue, growth) = match revenue.get(&a.id) {
            Some((Some(cur), prev, nc, np)) => {
                // Monthly means, so that a month not yet entered does not count as a fall.
                let growth = prev
                    .filter(|p| *p > 0.0 && *np > 0 && *nc > 0)
                    .map(|p| Share::new((cur / *nc as f64) / (p / *np as f64) - 1.0));
                (Some(*cur), growth)
            }
            _ => (None, None),
        };
        let (shared_values, validated, contested, contested_old) =
            validation.get(&a.id).copied().unwrap_or((0, 0, 0, 0));
        let clv = financials
            .get(&a.id)
            .and_then(|years| clv_of(years, acquisition.get(&a.id).copied(), settings));
        out.insert(
            a.id,
            Figures {
                fresh: fresh_ids.len(),
                kpis: kpis.len(),
                client_kpis: client.len(),
                client_fresh: client.iter().filter(|k| fresh_ids.contains(&k.id)).count(),
                now,
                before,
                nps,
                revenue,
                growth,
                clv,
                shared_values,
                validated,
                contested,
                contested_old,
                last_review: reviews.get(&a.id).copied(),
            },
        );
    }
    Ok(out)
}

/// Yearly booked figures of the accounts, by account, oldest year first.
pub async fn financials(db: &PgPool, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<YearFigures>>> {
    let rows: Vec<(i64, i32, f64, f64, f64)> = sqlx::query_as(
        "SELECT account_id, year, revenue::float8, gross_margin::float8, retention_cost::float8 \
         FROM account_financials WHERE account_id = ANY($1) ORDER BY account_id, year",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    let mut out: HashMap<i64, Vec<YearFigures>> = HashMap::new();
    for (a, year, revenue, margin, retention_cost) in rows {
        out.entry(a).or_default().push(YearFigures {
            year,
            revenue,
            margin,
            retention_cost,
        });
    }
    Ok(out)
}

/// The CLV inputs of an account under the director's settings.
pub fn clv_inputs(years: &[YearFigures], acquisition: f64, s: &Settings) -> ClvInputs {
    ClvInputs {
        yearly: years.to_vec(),
        acquisition_cost: acquisition,
        retention_probability: s.retention_probability,
        discount_rate: s.discount_rate,
        horizon_years: s.horizon_years.max(1) as u32,
    }
}

fn clv_of(years: &[YearFigures], acquisition: Option<f64>, s: &Settings) -> Option<Clv> {
    clv::clv(&clv_inputs(years, acquisition.unwrap_or(0.0), s)).ok()
}

/// The as-of dates of the portfolio: today, and the end of the previous month.
pub fn as_of_dates() -> (NaiveDate, NaiveDate) {
    let today = Utc::now().date_naive();
    let month = Period::containing(Frequency::Monthly, today);
    (today, month.prev().end())
}
