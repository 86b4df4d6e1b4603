//! The account scorecard: loads an account's KPIs, targets, weights and values in a
//! handful of queries, then builds the board (scores, statuses, trends,
//! triangulation) with the pure `scoring` module.

pub mod csv;
pub mod help;
pub mod kpi_page;
pub mod page;
pub mod state;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::accounts::Account;
use crate::domain::{DataDomain, Frequency, Universe};
use crate::kpis::{self, AccountKpi};
use crate::period::Period;
use crate::scoring::{self, Explanation, KpiInput, Observation, Scorecard, Thresholds};
use crate::values::{self, ValueRow};

/// Sparklines show this many periods.
pub const SPARK_PERIODS: usize = 12;

/// Everything the scorecard needs from the database, fetched once.
pub struct Loaded {
    pub account: Account,
    pub kpis: Vec<AccountKpi>,
    /// All values up to the as-of date, ordered by KPI then period.
    pub values: Vec<ValueRow>,
    pub overrides: Vec<(i64, NaiveDate, f64)>,
    pub weights: Vec<(Universe, f64)>,
    /// The values as they stood when the as-of month began (recorded before it,
    /// with the number they had then), ordered by KPI then period: the "before"
    /// side of "what moved the score".
    pub known_before: Vec<Known>,
    /// The stored scores (`state`) when the page reads them instead of computing:
    /// then `values` holds only the recent ones and `weights`, `known_before` are empty.
    pub stored: Option<Scores>,
}

/// A value as it was known at a moment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Known {
    pub account_kpi_id: i64,
    pub period: NaiveDate,
    pub value: f64,
}

/// The values of an account's KPIs recorded before `moment`, each with the number
/// it had then (the last change of its history made before `moment`; the stored
/// number when its history says nothing, as for values never edited).
async fn known_at(
    db: &mut PgConnection,
    account_id: i64,
    until: NaiveDate,
    moment: DateTime<Utc>,
) -> sqlx::Result<Vec<Known>> {
    sqlx::query_as(
        "SELECT v.account_kpi_id, v.period, \
                COALESCE((SELECT h.after_value FROM kpi_value_history h \
                          WHERE h.account_kpi_id = v.account_kpi_id AND h.period = v.period \
                            AND h.changed_at < $3 \
                          ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), v.value)::float8 AS value \
         FROM kpi_values v \
         WHERE v.account_kpi_id IN (SELECT id FROM account_kpis WHERE account_id = $1) \
           AND v.period <= $2 AND v.created_at < $3 \
         ORDER BY v.account_kpi_id, v.period",
    )
    .bind(account_id)
    .bind(until)
    .bind(moment)
    .fetch_all(db)
    .await
}

/// The moment the month containing `until` began (UTC): the "before" scorecard
/// counts what had been recorded by then.
fn month_began(until: NaiveDate) -> DateTime<Utc> {
    Period::containing(Frequency::Monthly, until)
        .start
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// Who a board is built for: staff see every KPI; the account's client users see
/// the shared and joint KPIs from stage 2 on, and only those enter their scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Internal,
    Client,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Internal, Audience::Client];

    /// As stored in `scorecard_state.audience`.
    pub fn code(self) -> &'static str {
        match self {
            Audience::Internal => "internal",
            Audience::Client => "client",
        }
    }
}

/// Everything needed to compute the scores as of `until`, read on one connection
/// (the state's recomputation runs inside the writer's transaction): KPIs, every
/// value up to `until`, target overrides, universe weights, values as known when
/// the month began. Internal KPIs never enter a client's scores, so no score shown
/// in the portal can leak them.
#[tracing::instrument(level = "debug", skip(conn, account), fields(account_id = account.id))]
pub async fn load_on(
    conn: &mut PgConnection,
    account: Account,
    until: NaiveDate,
    audience: Audience,
) -> sqlx::Result<Loaded> {
    let kpis = match audience {
        Audience::Internal => kpis::for_account(&mut *conn, account.id).await?,
        Audience::Client => kpis::shared_for_account(&mut *conn, account.id).await?,
    };
    let values = match audience {
        Audience::Internal => values::for_account(&mut *conn, account.id, until).await?,
        Audience::Client => values::shared_for_account(&mut *conn, account.id, until).await?,
    };
    let overrides = kpis::target_overrides(&mut *conn, account.id).await?;
    let weights = kpis::universe_weights(&mut *conn, account.id).await?;
    let known_before = known_at(&mut *conn, account.id, until, month_began(until)).await?;
    let shown: Vec<i64> = kpis.iter().map(|k| k.id).collect();
    Ok(Loaded {
        account,
        overrides: overrides
            .into_iter()
            .filter(|(id, _, _)| shown.contains(id))
            .collect(),
        known_before: known_before
            .into_iter()
            .filter(|v| shown.contains(&v.account_kpi_id))
            .collect(),
        kpis,
        values,
        weights,
        stored: None,
    })
}

/// The same scores from far fewer rows, for the state's recomputation inside a
/// writer's transaction: each KPI's latest value up to `as_of`, and its latest
/// value up to the end of last month as known when this month began. Equal to
/// `load_on` for `Scores::compute` of the month containing `as_of` (the state's
/// property test checks it after random writes).
pub async fn load_latest(
    conn: &mut PgConnection,
    account: Account,
    as_of: NaiveDate,
    audience: Audience,
) -> sqlx::Result<Loaded> {
    let shared = audience == Audience::Client;
    let kpis = match audience {
        Audience::Internal => kpis::for_account(&mut *conn, account.id).await?,
        Audience::Client => kpis::shared_for_account(&mut *conn, account.id).await?,
    };
    let values = values::recent_for_account(&mut *conn, account.id, as_of, shared, 1).await?;
    let overrides = kpis::target_overrides(&mut *conn, account.id).await?;
    let weights = kpis::universe_weights(&mut *conn, account.id).await?;
    let prev_as_of = Period::containing(Frequency::Monthly, as_of).prev().end();
    let known_before: Vec<Known> = sqlx::query_as(
        "SELECT k.id AS account_kpi_id, b.period, b.value FROM account_kpis k \
         CROSS JOIN LATERAL (SELECT v.period, \
                COALESCE((SELECT h.after_value FROM kpi_value_history h \
                          WHERE h.account_kpi_id = v.account_kpi_id AND h.period = v.period \
                            AND h.changed_at < $3 \
                          ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), v.value)::float8 AS value \
             FROM kpi_values v WHERE v.account_kpi_id = k.id AND v.period <= $2 AND v.created_at < $3 \
             ORDER BY v.period DESC LIMIT 1) b \
         WHERE k.account_id = $1 ORDER BY k.id",
    )
    .bind(account.id)
    .bind(prev_as_of)
    .bind(month_began(as_of))
    .fetch_all(&mut *conn)
    .await?;
    let shown: Vec<i64> = kpis.iter().map(|k| k.id).collect();
    Ok(Loaded {
        account,
        overrides: overrides
            .into_iter()
            .filter(|(id, _, _)| shown.contains(id))
            .collect(),
        known_before: known_before
            .into_iter()
            .filter(|v| shown.contains(&v.account_kpi_id))
            .collect(),
        kpis,
        values,
        weights,
        stored: None,
    })
}

/// What a scorecard page needs for `month`. For the current month the scores are
/// the stored state (`state`), brought up to date first if a write left it behind,
/// and only the recent values are read (the latest and a sparkline's worth per
/// KPI); an earlier month is history, computed from the values as they were.
#[tracing::instrument(level = "debug", skip(db, account), fields(account_id = account.id))]
pub async fn load_page(
    db: &PgPool,
    account: Account,
    month: Period,
    audience: Audience,
) -> sqlx::Result<Loaded> {
    let until = as_of(month);
    if month == current_month() {
        state::bring_up_to_date(db, &[account.id]).await?;
        let (kpis, values, overrides, stored) = tokio::try_join!(
            async {
                match audience {
                    Audience::Internal => kpis::for_account(db, account.id).await,
                    Audience::Client => kpis::shared_for_account(db, account.id).await,
                }
            },
            values::recent_for_account(
                db,
                account.id,
                until,
                audience == Audience::Client,
                SPARK_PERIODS as i64 + 1
            ),
            kpis::target_overrides(db, account.id),
            state::scores(db, account.id, audience, until),
        )?;
        if let Some(stored) = stored {
            let shown: Vec<i64> = kpis.iter().map(|k| k.id).collect();
            return Ok(Loaded {
                account,
                overrides: overrides
                    .into_iter()
                    .filter(|(id, _, _)| shown.contains(id))
                    .collect(),
                kpis,
                values,
                weights: Vec::new(),
                known_before: Vec::new(),
                stored: Some(stored),
            });
        }
    }
    let mut conn = db.acquire().await?;
    load_on(&mut conn, account, until, audience).await
}

/// The scores of a board: now, as known when the month began, and what moved
/// between the two. Pure; the one computation behind the stored state and the
/// history views.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    pub now: Scorecard,
    pub before: Scorecard,
    pub explanation: Explanation,
}

impl Scores {
    pub fn compute(loaded: &Loaded, month: Period) -> Scores {
        let as_of = as_of(month);
        let prev_as_of = month.prev().end();
        let now = scoring::score(&inputs(loaded, as_of), &loaded.weights, as_of);
        let before = scoring::score(
            &inputs_known(loaded, prev_as_of),
            &loaded.weights,
            prev_as_of,
        );
        let explanation = scoring::explain(&before, &now);
        Scores {
            now,
            before,
            explanation,
        }
    }
}

/// The as-of date for a month: its last day, or today for the current month.
pub fn as_of(month: Period) -> NaiveDate {
    let today = Utc::now().date_naive();
    if month.start <= today && today <= month.end() {
        today
    } else {
        month.end()
    }
}

/// The month shown by default: the current one.
pub fn current_month() -> Period {
    Period::containing(Frequency::Monthly, Utc::now().date_naive())
}

pub struct Row<'a> {
    pub kpi: &'a AccountKpi,
    /// The latest value on or before the as-of date.
    pub latest: Option<&'a ValueRow>,
    pub latest_period: Option<Period>,
    /// The target of the latest value's period.
    pub target: f64,
    /// The period a new value would be entered for (the one containing the as-of date).
    pub entry_period: Period,
    /// The stored value of the entry period, if any (its version guards edits).
    pub entry_value: Option<&'a ValueRow>,
    /// The last SPARK_PERIODS periods' values, oldest first.
    pub spark: Vec<Option<f64>>,
}

pub struct Board<'a> {
    pub loaded: &'a Loaded,
    pub as_of: NaiveDate,
    pub month: Period,
    pub now: Scorecard,
    /// The scorecard as it stood at the end of the previous month: as of that
    /// day, with the values recorded by then. (Choosing values by period alone
    /// counted a value of the current quarter, typed this month, on both sides,
    /// so "what moved the score" missed it.)
    pub before: Scorecard,
    pub explanation: Explanation,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Board<'a> {
    pub fn build(loaded: &'a Loaded, month: Period) -> Self {
        let as_of = as_of(month);
        let rows: Vec<Row> = loaded.kpis.iter().map(|k| row(loaded, k, as_of)).collect();
        let Scores {
            now,
            before,
            explanation,
        } = match &loaded.stored {
            Some(stored) => stored.clone(),
            None => Scores::compute(loaded, month),
        };
        Board {
            loaded,
            as_of,
            month,
            now,
            before,
            explanation,
            rows,
        }
    }

    pub fn kpi(&self, id: i64) -> Option<&AccountKpi> {
        self.loaded.kpis.iter().find(|k| k.id == id)
    }

    /// Fresh / total KPIs per data domain, for the triangulation panel.
    pub fn triangulation(&self) -> Vec<(DataDomain, usize, usize)> {
        DataDomain::ALL
            .iter()
            .map(|d| {
                let of_domain: Vec<&Row> =
                    self.rows.iter().filter(|r| r.kpi.domain == *d).collect();
                let fresh = of_domain
                    .iter()
                    .filter(|r| self.now.kpi(r.kpi.id).is_some_and(|k| k.score.is_some()))
                    .count();
                (*d, fresh, of_domain.len())
            })
            .collect()
    }
}

fn values_of(loaded: &Loaded, kpi_id: i64) -> &[ValueRow] {
    // Values are ordered by KPI id, so each KPI's values are one contiguous run.
    let start = loaded.values.partition_point(|v| v.account_kpi_id < kpi_id);
    let end = loaded
        .values
        .partition_point(|v| v.account_kpi_id <= kpi_id);
    &loaded.values[start..end]
}

fn row<'a>(loaded: &'a Loaded, kpi: &'a AccountKpi, as_of: NaiveDate) -> Row<'a> {
    let values = values_of(loaded, kpi.id);
    let latest = values.iter().rev().find(|v| v.period <= as_of);
    let latest_period = latest.and_then(|v| Period::from_start(kpi.frequency, v.period));
    let target = kpis::target_for(
        kpi,
        latest.map(|v| v.period).unwrap_or(as_of),
        &loaded.overrides,
    );
    let entry_period = Period::containing(kpi.frequency, as_of);
    let entry_value = values.iter().find(|v| v.period == entry_period.start);
    let spark = entry_period
        .last_n(SPARK_PERIODS)
        .iter()
        .map(|p| values.iter().find(|v| v.period == p.start).map(|v| v.value))
        .collect();
    Row {
        kpi,
        latest,
        latest_period,
        target,
        entry_period,
        entry_value,
        spark,
    }
}

/// The scoring inputs as of a date: each KPI's latest value on or before it.
pub fn inputs(loaded: &Loaded, as_of: NaiveDate) -> Vec<KpiInput> {
    scoring_inputs(loaded, |id| {
        values_of(loaded, id)
            .iter()
            .rev()
            .find(|v| v.period <= as_of)
            .map(|v| (v.period, v.value))
    })
}

/// The same from the values known when the month began (`Loaded::known_before`).
pub fn inputs_known(loaded: &Loaded, as_of: NaiveDate) -> Vec<KpiInput> {
    let known = &loaded.known_before;
    scoring_inputs(loaded, |id| {
        let start = known.partition_point(|v| v.account_kpi_id < id);
        let end = known.partition_point(|v| v.account_kpi_id <= id);
        known[start..end]
            .iter()
            .rev()
            .find(|v| v.period <= as_of)
            .map(|v| (v.period, v.value))
    })
}

/// Each KPI with the (period, value) `latest` gives it.
fn scoring_inputs(
    loaded: &Loaded,
    latest: impl Fn(i64) -> Option<(NaiveDate, f64)>,
) -> Vec<KpiInput> {
    loaded
        .kpis
        .iter()
        .map(|k| {
            let latest = latest(k.id);
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
                latest: latest.and_then(|(period, value)| {
                    Period::from_start(k.frequency, period).map(|p| Observation {
                        period_end: p.end(),
                        value,
                        target: kpis::target_for(k, period, &loaded.overrides),
                    })
                }),
            }
        })
        .collect()
}

/// Months since a date, for "updated N months ago" stamps.
pub fn months_ago(date: NaiveDate, as_of: NaiveDate) -> i32 {
    (as_of.year() - date.year()) * 12 + as_of.month() as i32 - date.month() as i32
}
