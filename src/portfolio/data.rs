//! The portfolio's numbers, in bulk: a fixed handful of queries whatever the
//! number of accounts. Scores are read from the stored scorecard state
//! (`scorecard::state`), never recomputed here.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::accounts::AccountSummary;
use crate::director::clv::{self, Clv, ClvInputs, YearFigures};
use crate::domain::Frequency;
use crate::i18n::format::Share;
use crate::period::Period;
use crate::scorecard::state;
use crate::scoring::Scorecard;

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
    /// The latest review held (today included): a future review is not "held".
    pub last_review: Option<NaiveDate>,
    /// The next review planned (`reviews`), shown beside the last one.
    pub next_review: Option<NaiveDate>,
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
pub use crate::scorecard::state::CONTEST_WAIT_DAYS;

/// The figures of every given account, read from the stored scorecard state
/// (brought up to date first: see `scorecard::state::bring_up_to_date`), plus the
/// reviews and booked financials, in a fixed handful of queries. The second value
/// counts the accounts still being recomputed (shown as such by the pages).
#[tracing::instrument(level = "debug", skip_all, fields(accounts = accounts.len()))]
pub async fn figures(
    db: &PgPool,
    accounts: &[AccountSummary],
    settings: &Settings,
) -> sqlx::Result<(HashMap<i64, Figures>, usize)> {
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let pending = state::bring_up_to_date(db, &ids).await?;
    let (summaries, reviews, financials, acquisition) = tokio::try_join!(
        state::summaries(db, &ids),
        sqlx::query_as::<_, (i64, Option<NaiveDate>, Option<NaiveDate>)>(
            "SELECT account_id, max(held_on) FILTER (WHERE held_on <= current_date), \
                    min(held_on) FILTER (WHERE held_on > current_date) \
             FROM business_reviews WHERE account_id = ANY($1) GROUP BY account_id"
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
    let reviews: HashMap<i64, (Option<NaiveDate>, Option<NaiveDate>)> =
        reviews.into_iter().map(|(a, l, n)| (a, (l, n))).collect();
    let acquisition: HashMap<i64, f64> = acquisition.into_iter().collect();

    let mut out = HashMap::new();
    for a in accounts {
        // An account with no state yet (being recomputed) is left out of the
        // figures rather than shown with made-up ones.
        let Some(s) = summaries.get(&a.id) else {
            continue;
        };
        // Monthly means, so that a month not yet entered does not count as a fall.
        let growth = match (s.revenue, s.revenue_prev) {
            (Some(cur), Some(prev)) if prev > 0.0 && s.revenue_n > 0 && s.revenue_prev_n > 0 => {
                Some(Share::new(
                    (cur / s.revenue_n as f64) / (prev / s.revenue_prev_n as f64) - 1.0,
                ))
            }
            _ => None,
        };
        let clv = financials
            .get(&a.id)
            .and_then(|years| clv_of(years, acquisition.get(&a.id).copied(), settings));
        out.insert(
            a.id,
            Figures {
                fresh: s.fresh,
                kpis: s.kpis,
                client_kpis: s.client_kpis,
                client_fresh: s.client_fresh,
                now: s.now.clone(),
                before: s.before.clone(),
                nps: s.nps,
                revenue: s.revenue,
                growth,
                clv,
                shared_values: s.shared_values,
                validated: s.validated,
                contested: s.contested,
                contested_old: s.contested_old,
                last_review: reviews.get(&a.id).and_then(|r| r.0),
                next_review: reviews.get(&a.id).and_then(|r| r.1),
            },
        );
    }
    Ok((out, pending))
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
