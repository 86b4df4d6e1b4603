//! Reading the run's figures: latency percentiles and whether every acknowledged write is in the database exactly once.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::*;

/// The p-th percentile (nearest rank) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Lost (acknowledged, absent), duplicated (present more than once) and unacknowledged
/// but present, given the markers acknowledged and the count of each marker found.
pub fn reconcile(
    acknowledged: &[String],
    refused: &[String],
    found: &HashMap<String, i64>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let lost = acknowledged
        .iter()
        .filter(|m| found.get(*m).copied().unwrap_or(0) == 0)
        .cloned()
        .collect();
    let duplicated = found
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(m, _)| m.clone())
        .collect();
    let ghost = refused
        .iter()
        .filter(|m| found.get(*m).copied().unwrap_or(0) > 0)
        .cloned()
        .collect();
    (lost, duplicated, ghost)
}

#[derive(Default)]
pub(super) struct Tally {
    pub(super) latencies: BTreeMap<Kind, Vec<Duration>>,
    pub(super) statuses: BTreeMap<(Kind, u16), usize>,
    pub(super) transport_errors: usize,
    pub(super) acknowledged: Vec<(Kind, String)>,
    pub(super) refused: Vec<(Kind, String)>,
    /// Answered, but the next page neither confirmed nor refused (see `Outcome`).
    pub(super) unconfirmed: Vec<(Kind, String)>,
    /// The value each acknowledged CSV row carried, by its marker.
    pub(super) imported: HashMap<String, i64>,
}

impl Tally {
    pub(super) fn record(&mut self, kind: Kind, status: u16, took: Duration) {
        self.latencies.entry(kind).or_default().push(took);
        *self.statuses.entry((kind, status)).or_default() += 1;
    }
}
