//! The drivers' ranking, computed once per outcome and kept until a value changes.
//!
//! Invalidation comes from the database, since several `serve` processes may share one:
//! `value_generation` (migration 0016) is bumped by triggers, in the writing transaction,
//! whenever a value, an account KPI's code or frequency, or the library's frequency
//! changes. Each request reads it (one query over 64 rows) and reuses the ranking computed
//! at that generation or a later one.
//!
//! Single flight: identical requests arriving together wait for the one computation in
//! progress instead of each running it (32 directors at once cost one computation, and
//! hold no database connection while they wait). If it fails or its request is dropped,
//! the next waiter runs it.
//!
//! Only locale-independent statistics are cached; names and formatting are per request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::pairs;
use crate::director::correlation::{self, Ranked};
use crate::error::{AppError, AppResult};

/// Drivers found and refused, by KPI code (as `correlation::rank_drivers` returns them).
pub type Ranking = Ranked<String>;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    outcome: &'static str,
    /// First period considered (three years back): the ranking also changes with the date.
    since: NaiveDate,
    /// The viewer's accounts; `None`: all of them (directors and admins share one entry).
    accounts: Option<Arc<[i64]>>,
}

struct Slot {
    generation: i64,
    ranking: OnceCell<Arc<Ranking>>,
}

/// Past this many entries (outcomes × distinct account scopes), the cache starts over.
const MAX_ENTRIES: usize = 64;

#[derive(Default)]
pub struct Cache {
    slots: Mutex<HashMap<Key, Arc<Slot>>>,
    /// Rankings computed (not served from the cache) since start.
    computed: AtomicU64,
}

/// What the drivers read, as of now: changes whenever it does (never goes back).
pub async fn generation(db: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT coalesce(sum(bumps), 0)::int8 FROM value_generation")
        .fetch_one(db)
        .await
}

impl Cache {
    /// The ranking of the drivers of `outcome` over `accounts` (`None`: all), from the
    /// cache when nothing it depends on changed since it was computed.
    pub async fn ranking(
        &self,
        db: &PgPool,
        outcome: &'static str,
        since: NaiveDate,
        accounts: Option<Vec<i64>>,
    ) -> AppResult<Arc<Ranking>> {
        let generation = generation(db).await?;
        let key = Key {
            outcome,
            since,
            accounts: accounts.map(Arc::from),
        };
        let slot = self.slot(&key, generation);
        let ranking = slot
            .ranking
            .get_or_try_init(|| async {
                self.computed.fetch_add(1, Ordering::Relaxed);
                compute(db, key.clone()).await
            })
            .await?;
        Ok(ranking.clone())
    }

    /// How many rankings were computed rather than served from the cache.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// The entry for `key`, replaced by an empty one if it was computed before
    /// `generation` (one computed at a later generation is fresher still: kept).
    fn slot(&self, key: &Key, generation: i64) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = slots.get(key)
            && slot.generation >= generation
        {
            return slot.clone();
        }
        slots.retain(|k, s| s.generation >= generation && k.since == key.since);
        if slots.len() >= MAX_ENTRIES {
            slots.clear();
        }
        let slot = Arc::new(Slot {
            generation,
            ranking: OnceCell::new(),
        });
        slots.insert(key.clone(), slot.clone());
        slot
    }
}

async fn compute(db: &PgPool, key: Key) -> AppResult<Arc<Ranking>> {
    let grain = pairs::grain(db, key.outcome).await?;
    let series = pairs::series(
        db,
        key.outcome,
        grain,
        key.since,
        key.accounts.as_deref(),
        pairs::source_for(grain),
    )
    .await?;
    // Ranks and intervals over a few hundred thousand pairs: off the async workers.
    let ranking = tokio::task::spawn_blocking(move || correlation::rank_drivers(series))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("ranking the drivers: {e}")))?;
    Ok(Arc::new(ranking))
}
