//! "What drives the relationship": which KPIs move with an outcome (NPS,
//! satisfaction, revenue growth) across accounts and periods.
//!
//! Why Spearman: KPI scales are heterogeneous (percentages, counts, 1–5 ratings)
//! and relationships are monotone rather than linear; a rank correlation is
//! robust to one huge account and can be explained as "accounts that rank high on
//! X tend to rank high on Y".
//!
//! # Honest interval
//!
//! Pairs are account-periods, and several periods of one account are not
//! independent: an account that is large this quarter was large last quarter.
//! Counting every pair as a new observation would give a falsely narrow interval.
//! We shrink the sample to an effective size with a design effect (Kish), using
//! the form known for a correlation between two clustered variables (as
//! Dutilleul's correction for autocorrelated series):
//!
//! `deff = 1 + (m − 1)·ICCx·ICCy`, `n_eff = n_pairs / deff`
//!
//! - `ICCx`, `ICCy`: intra-account correlation of the ranks of X and of Y (one-way
//!   ANOVA estimator, clamped to 0..1). Only the part of X *and* Y that is stable
//!   within an account duplicates information; if either varies freely from period
//!   to period, the periods are genuinely new evidence.
//! - `m = Σ mᵢ² / n_pairs`, Kish's size for unequal clusters, so one account with
//!   40 periods among accounts with 2 counts as the near-duplicate it is.
//!
//! Sanity anchors: one pair per account gives `n_eff = n_pairs`; every account
//! repeating the same pair k times gives `n_eff = n_accounts` (copies add nothing).
//!
//! The interval is then Fisher's z with the Bonett–Wright standard error for
//! Spearman, `tanh(atanh ρ ± z·√((1 + ρ²/2)/(n_eff − 3)))`, clamped to [−1, 1].

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Fewer distinct accounts than this and we refuse to estimate anything.
pub const MIN_ACCOUNTS: usize = 5;
/// Fewer account-period pairs than this and we refuse to estimate anything.
pub const MIN_PAIRS: usize = 8;
/// Below this many accounts a result is at most "weak": a handful of accounts
/// cannot speak for a portfolio, whatever the periods say.
const WEAK_BELOW_ACCOUNTS: usize = 8;
/// An interval wider than this says little about the strength of the link.
const MAX_CI_WIDTH: f64 = 0.8;
/// |ρ| from which a well-supported link is called "strong".
const STRONG_RHO: f64 = 0.5;
/// Confidence level used by [`rank_drivers`] and when a caller gives a level outside (0, 1).
pub const DEFAULT_LEVEL: f64 = 0.95;

/// One account-period pair: the KPI value `x` and the outcome `y`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub account: i64,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    Strong,
    Moderate,
    Weak,
    /// Never inside a [`Driver`]: it labels a [`NotEnoughData`] for display.
    Insufficient,
}

impl Evidence {
    pub fn code(self) -> &'static str {
        match self {
            Evidence::Strong => "strong",
            Evidence::Moderate => "moderate",
            Evidence::Weak => "weak",
            Evidence::Insufficient => "insufficient",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub rho: f64,
    pub n_pairs: usize,
    pub n_accounts: usize,
    /// Sample size the interval was computed with (see the module doc).
    pub n_effective: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub evidence: Evidence,
}

/// Why there is no estimate, so the UI can say it in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    TooFewAccounts,
    TooFewPairs,
    /// The KPI has the same value everywhere: nothing to correlate.
    KpiConstant,
    OutcomeConstant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotEnoughData {
    pub reason: Shortfall,
    pub n_pairs: usize,
    pub n_accounts: usize,
    pub min_pairs: usize,
    pub min_accounts: usize,
}

impl NotEnoughData {
    pub fn evidence(&self) -> Evidence {
        Evidence::Insufficient
    }
}

/// Ranks starting at 1; tied values share the mean of the ranks they span.
/// NaN sorts last (each NaN its own rank): callers should drop non-finite values.
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && xs[order[j]] == xs[order[i]] {
            j += 1;
        }
        // Sorted positions i..j hold ranks i+1..=j, whose mean is (i+1+j)/2.
        let shared = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            out[k] = shared;
        }
        i = j;
    }
    out
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn is_constant(v: &[f64]) -> bool {
    v.iter().all(|&x| x == v[0])
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ma, mb) = (mean(a), mean(b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        return None;
    }
    // Rounding can push a perfect correlation a hair past ±1.
    Some((sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's ρ (Pearson on average ranks, exact with ties). None when the
/// lengths differ, n < 3, or a side is constant.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 3 || is_constant(xs) || is_constant(ys) {
        return None;
    }
    pearson(&ranks(xs), &ranks(ys))
}

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error < 1.2e-9, ample for interval bounds shown with 2 decimals).
/// Returns ±∞ at 0 and 1, NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    // Tails: rational function in sqrt(-2 ln p); symmetric for the upper tail.
    let tail = |p: f64| {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p < P_LOW {
        tail(p)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail(1.0 - p)
    }
}

/// Intra-class correlation (one-way ANOVA estimator for unequal groups), clamped
/// to 0..1 because a negative estimate means "no clustering" for our purpose.
fn icc(values: &[f64], group: &[usize], sizes: &[usize]) -> f64 {
    let (n, k) = (values.len() as f64, sizes.len() as f64);
    if sizes.len() < 2 || values.len() <= sizes.len() {
        return 0.0; // all singletons: clustering cannot matter (m = 1)
    }
    let grand = mean(values);
    let mut sums = vec![0.0; sizes.len()];
    for (v, &g) in values.iter().zip(group) {
        sums[g] += v;
    }
    let means: Vec<f64> = sums.iter().zip(sizes).map(|(s, &m)| s / m as f64).collect();
    let ssb: f64 = means
        .iter()
        .zip(sizes)
        .map(|(mu, &m)| m as f64 * (mu - grand).powi(2))
        .sum();
    let ssw: f64 = values
        .iter()
        .zip(group)
        .map(|(v, &g)| (v - means[g]).powi(2))
        .sum();
    let (msb, msw) = (ssb / (k - 1.0), ssw / (n - k));
    let m0 = (n - sizes.iter().map(|&m| (m * m) as f64).sum::<f64>() / n) / (k - 1.0);
    let denom = msb + (m0 - 1.0) * msw;
    if denom <= 0.0 {
        return 0.0;
    }
    ((msb - msw) / denom).clamp(0.0, 1.0)
}

fn evidence(rho: f64, ci_low: f64, ci_high: f64, n_accounts: usize) -> Evidence {
    let crosses_zero = ci_low <= 0.0 && ci_high >= 0.0;
    if crosses_zero || ci_high - ci_low > MAX_CI_WIDTH || n_accounts < WEAK_BELOW_ACCOUNTS {
        Evidence::Weak
    } else if rho.abs() >= STRONG_RHO {
        Evidence::Strong
    } else {
        Evidence::Moderate
    }
}

/// Correlation of `x` with `y` over account-period pairs, with an interval that
/// accounts for repeated periods of one account (see the module doc). Pairs with
/// a non-finite value are ignored. A `level` outside (0, 1) means [`DEFAULT_LEVEL`].
pub fn drive(obs: &[Observation], level: f64) -> Result<Driver, NotEnoughData> {
    let obs: Vec<&Observation> = obs
        .iter()
        .filter(|o| o.x.is_finite() && o.y.is_finite())
        .collect();
    // Dense account indices in first-seen order, for the ANOVA.
    let mut index: HashMap<i64, usize> = HashMap::new();
    let group: Vec<usize> = obs
        .iter()
        .map(|o| {
            let next = index.len();
            *index.entry(o.account).or_insert(next)
        })
        .collect();
    let (n_pairs, n_accounts) = (obs.len(), index.len());
    let short = |reason| NotEnoughData {
        reason,
        n_pairs,
        n_accounts,
        min_pairs: MIN_PAIRS,
        min_accounts: MIN_ACCOUNTS,
    };
    if n_accounts < MIN_ACCOUNTS {
        return Err(short(Shortfall::TooFewAccounts));
    }
    if n_pairs < MIN_PAIRS {
        return Err(short(Shortfall::TooFewPairs));
    }
    let xs: Vec<f64> = obs.iter().map(|o| o.x).collect();
    let ys: Vec<f64> = obs.iter().map(|o| o.y).collect();
    if is_constant(&xs) {
        return Err(short(Shortfall::KpiConstant));
    }
    if is_constant(&ys) {
        return Err(short(Shortfall::OutcomeConstant));
    }
    let (rx, ry) = (ranks(&xs), ranks(&ys));
    let rho = pearson(&rx, &ry).expect("non-constant sides have non-constant ranks");

    let mut sizes = vec![0usize; n_accounts];
    for &g in &group {
        sizes[g] += 1;
    }
    let m = sizes.iter().map(|&s| (s * s) as f64).sum::<f64>() / n_pairs as f64;
    let deff = 1.0 + (m - 1.0) * icc(&rx, &group, &sizes) * icc(&ry, &group, &sizes);
    let n_effective = n_pairs as f64 / deff;

    let level = if level > 0.0 && level < 1.0 {
        level
    } else {
        DEFAULT_LEVEL
    };
    let (ci_low, ci_high) = if n_effective <= 3.0 {
        // Too little independent information for any interval: say "anything".
        (-1.0, 1.0)
    } else {
        let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
        let se = ((1.0 + rho * rho / 2.0) / (n_effective - 3.0)).sqrt();
        let centre = rho.atanh(); // ±∞ for ρ = ±1: the interval collapses onto ρ
        let lo = (centre - z * se).tanh().clamp(-1.0, 1.0);
        let hi = (centre + z * se).tanh().clamp(-1.0, 1.0);
        (lo, hi)
    };
    Ok(Driver {
        rho,
        n_pairs,
        n_accounts,
        n_effective,
        ci_low,
        ci_high,
        evidence: evidence(rho, ci_low, ci_high, n_accounts),
    })
}

/// How far the interval's bound nearest zero stays from zero (0 if it crosses).
fn margin_from_zero(d: &Driver) -> f64 {
    if d.ci_low > 0.0 {
        d.ci_low
    } else if d.ci_high < 0.0 {
        -d.ci_high
    } else {
        0.0
    }
}

/// [`rank_drivers`]' result: the estimates, ranked, and the refusals.
pub type Ranked<K> = (Vec<(K, Driver)>, Vec<(K, NotEnoughData)>);

/// Runs [`drive`] at 95 % for each candidate KPI. Estimates come sorted with
/// non-weak evidence first, then by |ρ| descending, then by how far the interval
/// stays from zero; the refused ones keep the input order.
pub fn rank_drivers<K>(items: Vec<(K, Vec<Observation>)>) -> Ranked<K> {
    let mut found = Vec::new();
    let mut refused = Vec::new();
    for (key, obs) in items {
        match drive(&obs, DEFAULT_LEVEL) {
            Ok(d) => found.push((key, d)),
            Err(e) => refused.push((key, e)),
        }
    }
    found.sort_by(|(_, a), (_, b)| {
        let weak = |d: &Driver| d.evidence == Evidence::Weak;
        weak(a)
            .cmp(&weak(b))
            .then(b.rho.abs().total_cmp(&a.rho.abs()))
            .then(margin_from_zero(b).total_cmp(&margin_from_zero(a)))
    });
    (found, refused)
}

#[cfg(test)]
mod tests;
