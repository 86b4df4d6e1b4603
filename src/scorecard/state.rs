//! The computed scorecard state: each account's scores as of today, for staff and
//! for its client users, stored in `scorecard_state` so that every page, CSV and
//! alert reads one value (see migration 0015 for the tables and triggers).
//!
//! How it stays true:
//! - triggers mark an account dirty in the transaction that changes what its
//!   scores depend on; `db::commit` calls [`settle`], which recomputes the
//!   accounts this transaction marked, before it commits. The dirty row's lock
//!   serialises writers of one account, so each recomputation reads what the
//!   previous writer committed;
//! - a state is for one day (staleness depends on the date): a state of an
//!   earlier day, or an account left dirty by a write that deferred, is
//!   recomputed by [`bring_up_to_date`] when a page needs it, and by the
//!   [`keeper`] in the background;
//! - [`rebuild_all`] (`boussole rebuild-scores`) recomputes every account from
//!   the raw values; a test checks that it changes nothing after random writes.
//!
//! The numbers themselves are defined in `scoring` only; this module stores them.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use crate::accounts;
use crate::domain::DataDomain;
use crate::scorecard::{self, Audience, Loaded, Scores};
use crate::scoring::Scorecard;

/// A page recomputes at most this many out-of-date accounts before answering;
/// the keeper does the rest, and the page says they are being recomputed.
const INLINE_REFRESH_LIMIT: usize = 100;

/// How often the keeper looks for out-of-date accounts.
const KEEPER_PERIOD: Duration = Duration::from_secs(30);

/// A contest answered later than this is "waiting too long" (days).
pub const CONTEST_WAIT_DAYS: i32 = 14;

/// The day a state is computed for: the scorecard's as-of date of the current month.
pub fn today() -> NaiveDate {
    scorecard::as_of(scorecard::current_month())
}

/// Recomputes, inside the caller's transaction, the state of every account this
/// transaction marked dirty. `db::commit` calls it just before committing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn settle(tx: &mut PgConnection) -> sqlx::Result<()> {
    // `_if_assigned`: a transaction that wrote nothing has no id and marked nothing.
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM scorecard_dirty WHERE marked_by = pg_current_xact_id_if_assigned() \
         RETURNING account_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    ids.sort_unstable();
    let as_of = today();
    for id in ids {
        refresh(tx, id, as_of).await?;
    }
    Ok(())
}

/// Recomputes one account's state (both audiences) as of `as_of` on the caller's
/// connection. An account that no longer exists has no state (cascade).
#[tracing::instrument(level = "debug", skip(conn))]
async fn refresh(conn: &mut PgConnection, account_id: i64, as_of: NaiveDate) -> sqlx::Result<()> {
    let Some(account) = accounts::find_unchecked(&mut *conn, account_id).await? else {
        return Ok(());
    };
    let month = crate::period::Period::containing(crate::domain::Frequency::Monthly, as_of);
    let internal =
        scorecard::load_latest(&mut *conn, account.clone(), as_of, Audience::Internal).await?;
    let client = scorecard::load_latest(&mut *conn, account, as_of, Audience::Client).await?;
    let revenue: (Option<f64>, Option<f64>, i64, i64) = sqlx::query_as(
        "SELECT sum(v.value) FILTER (WHERE v.period > $2)::float8, \
                sum(v.value) FILTER (WHERE v.period <= $2)::float8, \
                count(*) FILTER (WHERE v.period > $2), count(*) FILTER (WHERE v.period <= $2) \
         FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
         WHERE k.account_id = $1 AND k.code = 'revenue' AND v.period > $3 AND v.period <= $4",
    )
    .bind(account_id)
    .bind(as_of - chrono::Months::new(12))
    .bind(as_of - chrono::Months::new(24))
    .bind(as_of)
    .fetch_one(&mut *conn)
    .await?;
    let (shared_values, validated, contested, contested_old): (i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT count(*), \
                    count(*) FILTER (WHERE v.validation = 'validated'), \
                    count(*) FILTER (WHERE v.validation = 'contested'), \
                    count(*) FILTER (WHERE v.validation = 'contested' \
                                     AND COALESCE(v.validation_at, v.updated_at) < now() - make_interval(days => $3)) \
             FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
             WHERE k.account_id = $1 AND k.visibility <> 'internal' AND v.period > $2",
        )
        .bind(account_id)
        .bind(as_of - chrono::Months::new(12))
        .bind(CONTEST_WAIT_DAYS)
        .fetch_one(&mut *conn)
        .await?;
    let validation = [shared_values, validated, contested, contested_old];
    let staff = Scores::compute(&internal, month);
    let stored: Option<Json<crate::scoring::Scorecard>> = sqlx::query_scalar(
        "SELECT now FROM scorecard_state WHERE account_id = $1 AND audience = 'internal'",
    )
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    crate::webhooks::note_turned_red(conn, account_id, stored.as_ref().map(|j| &j.0), &staff.now)
        .await?;
    let counts = Counts::of(&internal, &staff.now, as_of, revenue);
    let theirs = Scores::compute(&client, month);
    for (audience, scores) in [(Audience::Internal, &staff), (Audience::Client, &theirs)] {
        upsert(
            conn, account_id, audience, as_of, scores, &counts, validation,
        )
        .await?;
    }
    Ok(())
}

/// The figures the portfolio shows beside the scores, from the internal load.
struct Counts {
    kpis: i32,
    fresh: i32,
    client_kpis: i32,
    client_fresh: i32,
    nps: Option<f64>,
    revenue: Option<f64>,
    revenue_prev: Option<f64>,
    revenue_n: i32,
    revenue_prev_n: i32,
}

impl Counts {
    fn of(
        loaded: &Loaded,
        now: &Scorecard,
        as_of: NaiveDate,
        revenue: (Option<f64>, Option<f64>, i64, i64),
    ) -> Counts {
        let fresh = |id: i64| now.kpi(id).is_some_and(|k| k.score.is_some());
        // `loaded` holds each KPI's latest value up to as_of (`load_latest`).
        let latest = |id: i64| {
            loaded
                .values
                .iter()
                .filter(|v| v.account_kpi_id == id && v.period <= as_of)
                .max_by_key(|v| v.period)
                .map(|v| v.value)
        };
        let client: Vec<i64> = loaded
            .kpis
            .iter()
            .filter(|k| k.domain == DataDomain::Client)
            .map(|k| k.id)
            .collect();
        let nps = loaded
            .kpis
            .iter()
            .find(|k| k.code == "nps")
            .and_then(|k| latest(k.id));
        Counts {
            kpis: loaded.kpis.len() as i32,
            fresh: loaded.kpis.iter().filter(|k| fresh(k.id)).count() as i32,
            client_kpis: client.len() as i32,
            client_fresh: client.iter().filter(|id| fresh(**id)).count() as i32,
            nps,
            revenue: revenue.0,
            revenue_prev: revenue.1,
            revenue_n: revenue.2 as i32,
            revenue_prev_n: revenue.3 as i32,
        }
    }
}

async fn upsert(
    conn: &mut PgConnection,
    account_id: i64,
    audience: Audience,
    as_of: NaiveDate,
    scores: &Scores,
    c: &Counts,
    [shared_values, validated, contested, contested_old]: [i64; 4],
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO scorecard_state (account_id, audience, as_of, overall, before_overall, now, before, \
                explanation, kpis, fresh, client_kpis, client_fresh, nps, revenue, revenue_prev, revenue_n, \
                revenue_prev_n, shared_values, validated, contested, contested_old, computed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, now()) \
         ON CONFLICT (account_id, audience) DO UPDATE SET as_of = $3, overall = $4, before_overall = $5, \
                now = $6, before = $7, explanation = $8, kpis = $9, fresh = $10, client_kpis = $11, \
                client_fresh = $12, nps = $13, revenue = $14, revenue_prev = $15, revenue_n = $16, \
                revenue_prev_n = $17, shared_values = $18, validated = $19, contested = $20, \
                contested_old = $21, computed_at = now()",
    )
    .bind(account_id)
    .bind(audience.code())
    .bind(as_of)
    .bind(scores.now.overall)
    .bind(scores.before.overall)
    .bind(Json(&scores.now))
    .bind(Json(&scores.before))
    .bind(Json(&scores.explanation))
    .bind(c.kpis)
    .bind(c.fresh)
    .bind(c.client_kpis)
    .bind(c.client_fresh)
    .bind(c.nps)
    .bind(c.revenue)
    .bind(c.revenue_prev)
    .bind(c.revenue_n)
    .bind(c.revenue_prev_n)
    .bind(shared_values as i32)
    .bind(validated as i32)
    .bind(contested as i32)
    .bind(contested_old as i32)
    .execute(conn)
    .await?;
    Ok(())
}

/// Recomputes one account in a transaction of its own. Marking it dirty first
/// takes the same row lock as a writer's trigger, so a concurrent write either
/// waits for this recomputation or is seen by it: the state is never overwritten
/// with one computed before a write that committed.
pub async fn refresh_alone(db: &PgPool, account_id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("SELECT scorecard_mark(ARRAY[$1::bigint])")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    settle(&mut tx).await?;
    tx.commit().await
}

/// The accounts among `ids` whose state is missing, of an earlier day, or marked
/// dirty by a write that committed without recomputing it.
async fn out_of_date(db: &PgPool, ids: Option<&[i64]>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT a.id FROM accounts a \
         LEFT JOIN scorecard_state s ON s.account_id = a.id AND s.audience = 'internal' \
         WHERE ($1::bigint[] IS NULL OR a.id = ANY($1)) \
           AND (s.account_id IS NULL OR s.as_of <> $2 \
                OR EXISTS (SELECT 1 FROM scorecard_dirty d WHERE d.account_id = a.id)) \
         ORDER BY a.id",
    )
    .bind(ids)
    .bind(today())
    .fetch_all(db)
    .await
}

/// Brings the state of `ids` up to date before a page reads it, up to
/// `INLINE_REFRESH_LIMIT` accounts; returns how many are still being recomputed
/// (left to the keeper), which the page says.
#[tracing::instrument(level = "debug", skip_all, fields(accounts = ids.len()))]
pub async fn bring_up_to_date(db: &PgPool, ids: &[i64]) -> sqlx::Result<usize> {
    let due = out_of_date(db, Some(ids)).await?;
    let left = due.len().saturating_sub(INLINE_REFRESH_LIMIT);
    for id in due.into_iter().take(INLINE_REFRESH_LIMIT) {
        refresh_alone(db, id).await?;
    }
    Ok(left)
}

/// Recomputes every account from its raw values, four at a time; returns how many.
#[tracing::instrument(level = "info", skip_all)]
pub async fn rebuild_all(db: &PgPool) -> sqlx::Result<usize> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id")
        .fetch_all(db)
        .await?;
    let total = ids.len();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in ids.chunks(total.div_ceil(4).max(1)) {
        let (db, chunk) = (db.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for id in chunk {
                refresh_alone(&db, id).await?;
            }
            Ok::<(), sqlx::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("rebuild task panicked")?;
    }
    Ok(total)
}

/// Runs for the life of the server: every `KEEPER_PERIOD`, recomputes the
/// accounts whose state is out of date (a new day, a deferred bulk write).
/// Several servers sharing a database may run it together: the dirty-row lock
/// makes a second recomputation of the same account wait, never disagree.
pub async fn keeper(db: PgPool) {
    loop {
        match out_of_date(&db, None).await {
            Ok(due) => {
                for id in due {
                    if let Err(e) = refresh_alone(&db, id).await {
                        tracing::warn!(account_id = id, error = %e, "scorecard state not recomputed");
                        break;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "scorecard keeper could not read the state"),
        }
        tokio::time::sleep(KEEPER_PERIOD).await;
    }
}

/// The stored scores of an account as of `as_of`, if up to date.
pub async fn scores(
    db: &PgPool,
    account_id: i64,
    audience: Audience,
    as_of: NaiveDate,
) -> sqlx::Result<Option<Scores>> {
    let row: Option<(
        Json<Scorecard>,
        Json<Scorecard>,
        Json<crate::scoring::Explanation>,
    )> = sqlx::query_as(
        "SELECT now, before, explanation FROM scorecard_state \
             WHERE account_id = $1 AND audience = $2 AND as_of = $3 \
               AND NOT EXISTS (SELECT 1 FROM scorecard_dirty d WHERE d.account_id = $1)",
    )
    .bind(account_id)
    .bind(audience.code())
    .bind(as_of)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(now, before, explanation)| Scores {
        now: now.0,
        before: before.0,
        explanation: explanation.0,
    }))
}

/// What the portfolio reads of one account's state (staff audience).
#[derive(Debug, Clone)]
pub struct Summary {
    /// Overall and universe scores; `kpis` left empty (not read).
    pub now: Scorecard,
    pub before: Scorecard,
    pub kpis: usize,
    pub fresh: usize,
    pub client_kpis: usize,
    pub client_fresh: usize,
    pub nps: Option<f64>,
    pub revenue: Option<f64>,
    pub revenue_prev: Option<f64>,
    pub revenue_n: i64,
    pub revenue_prev_n: i64,
    pub shared_values: i64,
    pub validated: i64,
    pub contested: i64,
    pub contested_old: i64,
    pub as_of: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    account_id: i64,
    now: Json<Scorecard>,
    before: Json<Scorecard>,
    kpis: i32,
    fresh: i32,
    client_kpis: i32,
    client_fresh: i32,
    nps: Option<f64>,
    revenue: Option<f64>,
    revenue_prev: Option<f64>,
    revenue_n: i32,
    revenue_prev_n: i32,
    shared_values: i32,
    validated: i32,
    contested: i32,
    contested_old: i32,
    as_of: NaiveDate,
}

/// The summaries of `ids`, in one query (the per-KPI detail is not read).
#[tracing::instrument(level = "debug", skip_all, fields(accounts = ids.len()))]
pub async fn summaries(db: &PgPool, ids: &[i64]) -> sqlx::Result<HashMap<i64, Summary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT account_id, now - 'kpis' AS now, before - 'kpis' AS before, kpis, fresh, client_kpis, \
                client_fresh, nps, revenue, revenue_prev, revenue_n, revenue_prev_n, shared_values, \
                validated, contested, contested_old, as_of \
         FROM scorecard_state WHERE audience = 'internal' AND account_id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.account_id,
                Summary {
                    now: r.now.0,
                    before: r.before.0,
                    kpis: r.kpis as usize,
                    fresh: r.fresh as usize,
                    client_kpis: r.client_kpis as usize,
                    client_fresh: r.client_fresh as usize,
                    nps: r.nps,
                    revenue: r.revenue,
                    revenue_prev: r.revenue_prev,
                    revenue_n: r.revenue_n.into(),
                    revenue_prev_n: r.revenue_prev_n.into(),
                    shared_values: r.shared_values.into(),
                    validated: r.validated.into(),
                    contested: r.contested.into(),
                    contested_old: r.contested_old.into(),
                    as_of: r.as_of,
                },
            )
        })
        .collect())
}

/// Every stored state row as text, in a fixed order: what the rebuild test compares.
pub async fn snapshot(db: &PgPool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT concat_ws('|', account_id, audience, as_of, overall, before_overall, now::text, \
                before::text, explanation::text, kpis, fresh, client_kpis, client_fresh, nps, revenue, \
                revenue_prev, revenue_n, revenue_prev_n, shared_values, validated, contested, contested_old) \
         FROM scorecard_state ORDER BY account_id, audience",
    )
    .fetch_all(db)
    .await
}

/// Today's scores computed from the account's whole history (`load_on`), the way
/// the history views compute an earlier month: what the stored state, computed
/// from the latest values only, must equal (the property test checks it).
pub async fn scores_from_history(
    db: &PgPool,
    account_id: i64,
    audience: Audience,
) -> sqlx::Result<Option<Scores>> {
    let mut conn = db.acquire().await?;
    let Some(account) = accounts::find_unchecked(&mut *conn, account_id).await? else {
        return Ok(None);
    };
    let as_of = today();
    let loaded = scorecard::load_on(&mut conn, account, as_of, audience).await?;
    Ok(Some(Scores::compute(
        &loaded,
        crate::period::Period::containing(crate::domain::Frequency::Monthly, as_of),
    )))
}
