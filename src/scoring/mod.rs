//! The balanced scorecard arithmetic. Pure functions: the queries load the
//! numbers, this module turns them into attainments, statuses and scores, and
//! explains how the overall score moved. The help page quotes these formulas.
//!
//! # Formulas
//!
//! - **Attainment** of a value `v` against a non-zero target `t`:
//!   `a = 1 + s·(v − t)/|t|`, with `s = +1` when higher is better and `s = −1`
//!   when lower is better, clamped to `[0, 1.5]`. For a positive target and a
//!   higher-is-better KPI this is simply `v/t`; the general form also handles
//!   negative targets (an NPS of −10) and a value of 0 for a lower-is-better KPI
//!   (0 complaints against a target of 4 is 200 %, capped at 150 %).
//!   A target of 0 or a non-finite number gives no attainment.
//! - **Status (RAG)** of a KPI: green if `p = a·100 ≥ G` (`green_from`), amber if
//!   `p ≥ A` (`amber_from`), red otherwise (thresholds are attainment percentages,
//!   set per KPI, `0 < A ≤ G`).
//! - **Score bands**: a score in `[0, 70)` reads red, `[70, 90)` amber, `[90, 100]`
//!   green ([`band`]: the one rule every page uses for a universe, the account and
//!   the portfolio).
//! - **KPI score**: the attainment interpolated across the KPI's *own* thresholds,
//!   so that a green KPI scores in the green band, an amber one in the amber band,
//!   a red one in the red band ([`kpi_score`]):
//!   - `p < A`: `70·p/A` (red: 0 at p = 0, towards 70 at the amber threshold);
//!   - `A ≤ p < G`: `70 + 20·(p − A)/(G − A)` (amber);
//!   - `p ≥ G`: `90 + 10·min(1, (p − G)/(100 − G))` when `G < 100`, and `100` when
//!     `G ≥ 100` (green: 90 at the green threshold, 100 from 100 % attainment on).
//!     Beating a target never scores above 100, so over-performance cannot
//!     hide under-performance elsewhere.
//! - **Stale**: the latest value's period ended more than `freshness_months`
//!   whole months before the as-of date (see [`crate::period::months_between`]).
//!   A stale KPI, or one with no value, is **left out** of every score and flagged
//!   (status "stale" or "none"): an old or absent figure is never silently counted.
//!   A stale KPI keeps the status its last value had ([`KpiResult::last_rag`]).
//! - **Universe score** = weighted mean of the scores of its fresh KPIs (KPI
//!   weights); none if the universe has no fresh KPI (with a weight above 0).
//!   A mean lies between its smallest and largest term, and the bands are
//!   ordered: a universe's status always lies between its worst and best fresh
//!   KPI (all amber ⇒ amber, all green ⇒ green), and a red KPI carrying at least a
//!   third of its universe's weight keeps the universe out of green.
//! - **Overall score** = weighted mean of the universe scores, over the universes
//!   that have a score (universe weights; a universe without a weight weighs 1,
//!   a weight of 0 leaves it out); none if no universe has a score.
//! - Hence each fresh KPI has an **effective weight**
//!   `ew_k = (W_u/ΣW)·(w_k/Σw)`, the sums running over the scored universes and
//!   over the fresh KPIs of the KPI's universe, and `overall = Σ ew_k·score_k`.
//! - Scores are **shown rounded down** ([`shown`]): 89.6 reads 89 and amber, never
//!   "90" in amber.
//! - **Explanation** of a change of the overall score between two scorecards:
//!   the contribution of KPI k is `ew_k(after)·score_k(after) − ew_k(before)·score_k(before)`
//!   (a KPI missing from one side counts 0 there). The contributions add up to
//!   `overall(after) − overall(before)`: a KPI moves the score by improving, by
//!   worsening, by going stale, or by coming back.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{Direction, Universe};
use crate::period;

#[cfg(test)]
mod tests;

/// A KPI's status. `Stale` and `None` (no usable value) are statuses too, so that
/// a missing figure is shown as such instead of as red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Green,
    Amber,
    Red,
    Stale,
    None,
}

impl Rag {
    /// "green" | "amber" | "red" | "stale" | "none": CSS modifiers and CSV cells.
    pub fn code(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
            Rag::Stale => "stale",
            Rag::None => "none",
        }
    }

    /// Translation key of the status name: "rag-green" … "rag-none".
    pub fn label_key(self) -> &'static str {
        match self {
            Rag::Green => "rag-green",
            Rag::Amber => "rag-amber",
            Rag::Red => "rag-red",
            Rag::Stale => "rag-stale",
            Rag::None => "rag-none",
        }
    }
}

/// Status thresholds as attainment percentages (e.g. green from 95, amber from 80).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub green_from: f64,
    pub amber_from: f64,
}

/// `a = 1 + s·(v − t)/|t|` clamped to `[0, 1.5]`, `s = +1` (higher better) or
/// `−1` (lower better); equivalently `v/t` when `s·t > 0` and `2 − v/t` otherwise.
/// `None` when `t == 0` or either number is not finite.
pub fn attainment(value: f64, target: f64, direction: Direction) -> Option<f64> {
    if !value.is_finite() || !target.is_finite() || target == 0.0 {
        return None;
    }
    // 1 + s·(v − t)/|t| is v/t when s and t have the same sign and 2 − v/t
    // otherwise; computed that way it has a single rounding (90/100 gives exactly 0.9).
    // v/t may overflow to ±∞ for extreme inputs: the clamp then gives 0 or 1.5.
    let ratio = value / target;
    let a = match (direction, target > 0.0) {
        (Direction::HigherBetter, true) | (Direction::LowerBetter, false) => ratio,
        (Direction::HigherBetter, false) | (Direction::LowerBetter, true) => 2.0 - ratio,
    };
    Some(a.clamp(0.0, 1.5))
}

/// Green if `a·100 ≥ green_from`, amber if `a·100 ≥ amber_from`, red otherwise.
pub fn rag(attainment: f64, t: Thresholds) -> Rag {
    let pct = attainment * 100.0;
    if pct >= t.green_from {
        Rag::Green
    } else if pct >= t.amber_from {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// A score from this value on reads amber (below it: red).
pub const AMBER_BAND: f64 = 70.0;
/// A score from this value on reads green.
pub const GREEN_BAND: f64 = 90.0;

/// The status band of a score: green from [`GREEN_BAND`], amber from
/// [`AMBER_BAND`], red below, `Rag::None` without a score (or NaN). The one rule
/// for universes, accounts and portfolios.
pub fn band(score: Option<f64>) -> Rag {
    match score {
        Some(s) if s >= GREEN_BAND => Rag::Green,
        Some(s) if s >= AMBER_BAND => Rag::Amber,
        Some(s) if !s.is_nan() => Rag::Red,
        _ => Rag::None,
    }
}

/// A score as it is printed: rounded down to a whole point, so that the number
/// shown never reaches a band its status does not have (89.6 reads 89, amber).
pub fn shown(score: f64) -> f64 {
    score.floor()
}

/// The KPI score of an attainment against the KPI's own thresholds (module
/// documentation): red attainments score in `[0, 70)`, amber in `[70, 90)`,
/// green in `[90, 100]`, increasing with the attainment. The band always agrees
/// with [`rag`]. Thresholds that are not positive are read as 0+ (every
/// attainment above them), an amber threshold above the green one as the green
/// one. NaN stays NaN.
pub fn kpi_score(attainment: f64, t: Thresholds) -> f64 {
    if attainment.is_nan() {
        return f64::NAN;
    }
    let p = attainment.clamp(0.0, 1.5) * 100.0;
    let g = if t.green_from.is_finite() {
        t.green_from.max(0.0)
    } else {
        f64::MAX
    };
    let a = if t.amber_from.is_finite() {
        t.amber_from.clamp(0.0, g)
    } else {
        g
    };
    // Band by band, with the same comparisons as `rag`, each result kept inside
    // its band (a division can round up to the next band's lower limit).
    let below = |limit: f64| {
        if limit > 0.0 {
            limit - limit * f64::EPSILON
        } else {
            limit
        }
    };
    if p >= g {
        if g >= 100.0 {
            100.0
        } else {
            let x = ((p - g) / (100.0 - g)).min(1.0);
            (GREEN_BAND + (100.0 - GREEN_BAND) * x).clamp(GREEN_BAND, 100.0)
        }
    } else if p >= a {
        // Here a ≤ p < g, so g − a > 0.
        let x = (p - a) / (g - a);
        (AMBER_BAND + (GREEN_BAND - AMBER_BAND) * x).clamp(AMBER_BAND, below(GREEN_BAND))
    } else {
        // Here 0 ≤ p < a, so a > 0.
        (AMBER_BAND * p / a).clamp(0.0, below(AMBER_BAND))
    }
}

/// `months_between(period_end, as_of) > freshness_months`.
pub fn is_stale(period_end: NaiveDate, as_of: NaiveDate, freshness_months: u32) -> bool {
    period::months_between(period_end, as_of) > freshness_months
}

/// A KPI's latest value with the target of its period.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub period_end: NaiveDate,
    pub value: f64,
    pub target: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KpiInput {
    pub id: i64,
    pub universe: Universe,
    /// Relative weight within its universe; 0, negative or non-finite counts as 0.
    pub weight: f64,
    pub direction: Direction,
    pub thresholds: Thresholds,
    pub freshness_months: u32,
    /// The latest value on or before the as-of date.
    pub latest: Option<Observation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiResult {
    pub id: i64,
    pub universe: Universe,
    pub rag: Rag,
    /// The status the latest value has against its thresholds, also when it is
    /// stale ("stale · was amber"); `None` with no value or a target of 0.
    pub last_rag: Option<Rag>,
    /// The latest value's attainment, also for a stale value (shown greyed);
    /// `None` with no value or a target of 0.
    pub attainment: Option<f64>,
    /// `Some` only for a fresh KPI with an attainment: exactly the KPIs that count.
    pub score: Option<f64>,
    pub stale: bool,
    /// `ew_k`; 0 for a KPI that does not count.
    pub effective_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniverseResult {
    pub universe: Universe,
    pub score: Option<f64>,
    /// Normalised share of the overall score (`W_u/ΣW`), 0 when the universe does not count.
    pub weight: f64,
    /// KPIs with a score.
    pub fresh: usize,
    pub stale: usize,
    /// KPIs with no value, or a value that cannot be scored (target 0).
    pub missing: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub overall: Option<f64>,
    /// Always the five universes, in `Universe::ALL` order.
    pub universes: Vec<UniverseResult>,
    /// Same order as the input. (Absent from the portfolio's stored summaries.)
    #[serde(default)]
    pub kpis: Vec<KpiResult>,
}

impl Scorecard {
    pub fn kpi(&self, id: i64) -> Option<&KpiResult> {
        self.kpis.iter().find(|k| k.id == id)
    }

    /// The result of a universe. Panics only on a hand-built `Scorecard` that
    /// lacks it; [`score`] always includes all five.
    pub fn universe(&self, u: Universe) -> &UniverseResult {
        self.universes
            .iter()
            .find(|r| r.universe == u)
            .expect("a scorecard lists every universe")
    }
}

/// A weight as the formulas use it: anything not a positive finite number is 0.
fn usable(weight: f64) -> f64 {
    if weight.is_finite() && weight > 0.0 {
        weight
    } else {
        0.0
    }
}

/// Weighted mean of `(weight, score)` pairs with positive weights, kept within
/// the scores' range (rounding could otherwise step a hair outside it).
fn weighted_mean(items: impl Iterator<Item = (f64, f64)> + Clone) -> Option<(f64, f64)> {
    let total: f64 = items.clone().map(|(w, _)| w).sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let sum: f64 = items.clone().map(|(w, s)| w * s).sum();
    let (lo, hi) = items.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, s)| {
        (lo.min(s), hi.max(s))
    });
    Some(((sum / total).clamp(lo, hi), total))
}

/// Status, attainment and score of one KPI, before weighting.
fn evaluate(k: &KpiInput, as_of: NaiveDate) -> KpiResult {
    let (rag, attainment, score, stale) = match &k.latest {
        None => (Rag::None, None, None, false),
        Some(obs) => {
            let a = attainment(obs.value, obs.target, k.direction);
            if is_stale(obs.period_end, as_of, k.freshness_months) {
                (Rag::Stale, a, None, true)
            } else {
                match a {
                    Some(a) => (
                        rag(a, k.thresholds),
                        Some(a),
                        Some(kpi_score(a, k.thresholds)),
                        false,
                    ),
                    None => (Rag::None, None, None, false),
                }
            }
        }
    };
    KpiResult {
        id: k.id,
        universe: k.universe,
        last_rag: attainment.map(|a| self::rag(a, k.thresholds)),
        rag,
        attainment,
        score,
        stale,
        effective_weight: 0.0,
    }
}

/// Scores a scorecard as of a date (see the module documentation for the formulas).
///
/// `universe_weights` may list a universe more than once: the last weight wins.
/// A universe that is not listed weighs 1, so pass all five when weights are
/// percentages.
pub fn score(
    kpis: &[KpiInput],
    universe_weights: &[(Universe, f64)],
    as_of: NaiveDate,
) -> Scorecard {
    let mut results: Vec<KpiResult> = kpis.iter().map(|k| evaluate(k, as_of)).collect();

    // Per universe: the weighted mean of its fresh KPIs, and the KPI-weight sum Σw.
    let mut universes: Vec<(UniverseResult, f64, f64)> = Universe::ALL
        .iter()
        .map(|&u| {
            let members = || {
                kpis.iter()
                    .zip(&results)
                    .filter(move |(k, _)| k.universe == u)
            };
            let scored = members().filter_map(|(k, r)| r.score.map(|s| (usable(k.weight), s)));
            let (score, kpi_weight_sum) = match weighted_mean(scored.filter(|(w, _)| *w > 0.0)) {
                Some((s, total)) => (Some(s), total),
                None => (None, 0.0),
            };
            let given = universe_weights
                .iter()
                .rev()
                .find(|(wu, _)| *wu == u)
                .map_or(1.0, |(_, w)| usable(*w));
            let result = UniverseResult {
                universe: u,
                score,
                weight: 0.0,
                fresh: members().filter(|(_, r)| r.score.is_some()).count(),
                stale: members().filter(|(_, r)| r.stale).count(),
                missing: members().filter(|(_, r)| r.rag == Rag::None).count(),
                total: members().count(),
            };
            (
                result,
                if score.is_some() { given } else { 0.0 },
                kpi_weight_sum,
            )
        })
        .collect();

    let overall = weighted_mean(
        universes
            .iter()
            .filter(|(_, w, _)| *w > 0.0)
            .filter_map(|(r, w, _)| r.score.map(|s| (*w, s))),
    );
    if let Some((_, total_w)) = overall {
        for (r, w, _) in &mut universes {
            r.weight = *w / total_w;
        }
        for (k, r) in kpis.iter().zip(&mut results) {
            if r.score.is_none() {
                continue;
            }
            let (u, _, kpi_weight_sum) = universes
                .iter()
                .find(|(u, _, _)| u.universe == k.universe)
                .expect("every universe is listed");
            if *kpi_weight_sum > 0.0 {
                r.effective_weight = u.weight * usable(k.weight) / kpi_weight_sum;
            }
        }
    }

    Scorecard {
        overall: overall.map(|(s, _)| s),
        universes: universes.into_iter().map(|(r, _, _)| r).collect(),
        kpis: results,
    }
}

/// One KPI's share of a change of the overall score, in points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub id: i64,
    pub before_score: Option<f64>,
    pub after_score: Option<f64>,
    pub before_rag: Rag,
    pub after_rag: Rag,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `after − before` when both exist.
    pub delta: Option<f64>,
    /// Largest first (by absolute value); contributions under 1e-9 point are dropped.
    pub contributions: Vec<Contribution>,
}

/// Splits `overall(after) − overall(before)` into per-KPI contributions
/// `ew_k(after)·score_k(after) − ew_k(before)·score_k(before)`, over every KPI id
/// found in either scorecard. When only one side has an overall score the
/// contributions add up to that side's score (signed), and `delta` is `None`.
pub fn explain(before: &Scorecard, after: &Scorecard) -> Explanation {
    // The weighted score of an id; summed in case a caller repeats an id, so that
    // the contributions still add up to the delta.
    let term = |sc: &Scorecard, id: i64| -> f64 {
        sc.kpis
            .iter()
            .filter(|k| k.id == id)
            .filter_map(|k| k.score.map(|s| k.effective_weight * s))
            .sum()
    };
    let mut ids: Vec<i64> = Vec::new();
    for k in after.kpis.iter().chain(&before.kpis) {
        if !ids.contains(&k.id) {
            ids.push(k.id);
        }
    }
    let mut contributions: Vec<Contribution> = ids
        .into_iter()
        .map(|id| {
            let b = before.kpi(id);
            let a = after.kpi(id);
            Contribution {
                id,
                before_score: b.and_then(|k| k.score),
                after_score: a.and_then(|k| k.score),
                before_rag: b.map_or(Rag::None, |k| k.rag),
                after_rag: a.map_or(Rag::None, |k| k.rag),
                points: term(after, id) - term(before, id),
            }
        })
        .filter(|c| c.points.abs() >= 1e-9)
        .collect();
    // Stable: equal contributions keep the after scorecard's order.
    contributions.sort_by(|x, y| y.points.abs().total_cmp(&x.points.abs()));
    Explanation {
        before: before.overall,
        after: after.overall,
        delta: before.overall.zip(after.overall).map(|(b, a)| a - b),
        contributions,
    }
}

/// Universe weights typed as percentages: each in 0..=100 and adding up to 100
/// (± 0.01). `Err` gives the translation key: "weight-out-of-range" | "weights-not-100".
pub fn check_universe_weights(weights: &[(Universe, f64)]) -> Result<(), &'static str> {
    if weights.iter().any(|(_, w)| !(0.0..=100.0).contains(w)) {
        return Err("weight-out-of-range");
    }
    let sum: f64 = weights.iter().map(|(_, w)| w).sum();
    if (sum - 100.0).abs() > 0.01 {
        return Err("weights-not-100");
    }
    Ok(())
}

/// KPI thresholds: both positive (and finite) with `amber_from ≤ green_from`.
/// `Err("thresholds-invalid")` otherwise.
pub fn check_thresholds(t: Thresholds) -> Result<(), &'static str> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if positive(t.green_from) && positive(t.amber_from) && t.amber_from <= t.green_from {
        Ok(())
    } else {
        Err("thresholds-invalid")
    }
}
