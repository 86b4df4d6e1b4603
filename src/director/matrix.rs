//! GE-McKinsey key account selection: each account gets an attractiveness
//! score (how much the account is worth to us) and a strength score (how well
//! placed we are with it), both on the 1–5 scale, then a cell in the 3×3 grid.
//!
//! Criteria are weighted per axis (integer weights summing to 100, so a
//! director reads them as percentages) and are either rated by the KAM (1–5) or
//! derived from a KPI through a linear map chosen by the director.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// An axis holds at most this many criteria: beyond five, weights get too thin
/// to mean anything and the rating form gets too long to fill honestly.
pub const MAX_CRITERIA_PER_AXIS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Attractiveness,
    Strength,
}

impl Axis {
    pub const ALL: [Axis; 2] = [Axis::Attractiveness, Axis::Strength];

    pub fn code(self) -> &'static str {
        match self {
            Axis::Attractiveness => "attractiveness",
            Axis::Strength => "strength",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// The KAM rates the criterion from 1 to 5.
    Rating,
    /// A KPI value: `low` maps to 1, `high` to 5, linear between, clamped
    /// outside. `low > high` means lower values are better.
    Kpi { low: f64, high: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: i64,
    pub axis: Axis,
    pub name: String,
    pub weight: u32,
    pub source: Source,
}

/// What is wrong with a set of criteria, with the data for a plain message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum CriteriaError {
    Empty {
        axis: Axis,
    },
    TooMany {
        axis: Axis,
        count: usize,
        max: usize,
    },
    WeightOutOfRange {
        id: i64,
        weight: u32,
    },
    WeightsDoNotAddUp {
        axis: Axis,
        total: u32,
    },
    EmptyName {
        id: i64,
    },
    DuplicateName {
        axis: Axis,
        name: String,
    },
    DuplicateId {
        id: i64,
    },
    /// `low == high` (or not finite): the KPI cannot be mapped onto 1–5.
    KpiRangeEmpty {
        id: i64,
    },
}

/// Checks the whole set and reports every problem at once, so the director
/// fixes the form in one pass.
pub fn validate(criteria: &[Criterion]) -> Result<(), Vec<CriteriaError>> {
    let mut errors = Vec::new();
    let mut ids = HashSet::new();
    for c in criteria {
        if !ids.insert(c.id) {
            errors.push(CriteriaError::DuplicateId { id: c.id });
        }
        if c.name.trim().is_empty() {
            errors.push(CriteriaError::EmptyName { id: c.id });
        }
        if !(1..=100).contains(&c.weight) {
            errors.push(CriteriaError::WeightOutOfRange {
                id: c.id,
                weight: c.weight,
            });
        }
        if let Source::Kpi { low, high } = c.source
            && (low == high || !low.is_finite() || !high.is_finite())
        {
            errors.push(CriteriaError::KpiRangeEmpty { id: c.id });
        }
    }
    for axis in Axis::ALL {
        let on_axis: Vec<&Criterion> = criteria.iter().filter(|c| c.axis == axis).collect();
        match on_axis.len() {
            0 => errors.push(CriteriaError::Empty { axis }),
            n if n > MAX_CRITERIA_PER_AXIS => errors.push(CriteriaError::TooMany {
                axis,
                count: n,
                max: MAX_CRITERIA_PER_AXIS,
            }),
            _ => {}
        }
        let total = on_axis.iter().fold(0u32, |t, c| t.saturating_add(c.weight));
        if !on_axis.is_empty() && total != 100 {
            errors.push(CriteriaError::WeightsDoNotAddUp { axis, total });
        }
        // Case and surrounding spaces do not make two criteria different to a reader.
        let mut names = HashSet::new();
        for c in &on_axis {
            let key = c.name.trim().to_lowercase();
            if !key.is_empty() && !names.insert(key) {
                errors.push(CriteriaError::DuplicateName {
                    axis,
                    name: c.name.trim().to_string(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A KAM rating is an integer from 1 to 5.
pub fn rating_valid(r: i32) -> bool {
    (1..=5).contains(&r)
}

/// Maps a KPI value onto 1–5: `low` → 1, `high` → 5, linear between and
/// clamped outside; with `low > high` the same formula inverts the direction.
pub fn kpi_to_scale(value: f64, low: f64, high: f64) -> f64 {
    let t = ((value - low) / (high - low)).clamp(0.0, 1.0);
    1.0 + 4.0 * t
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisScore {
    /// Weighted mean on the 1–5 scale.
    pub score: f64,
    /// Criteria of the axis without a usable input, in the given order.
    pub missing: Vec<i64>,
}

/// Weighted mean of the axis's criteria that have an input (a 1–5 rating or a
/// raw KPI value, by criterion id). The weights of the present criteria are
/// re-normalised, so a missing criterion neither counts as 0 nor drags the
/// score down; the caller shows `missing` so the gap stays visible. A rating
/// outside 1–5 or a non-finite value counts as missing. None if nothing usable.
pub fn axis_score(
    criteria: &[Criterion],
    inputs: &HashMap<i64, f64>,
    axis: Axis,
) -> Option<AxisScore> {
    let (mut sum, mut weights) = (0.0, 0.0);
    let mut missing = Vec::new();
    for c in criteria.iter().filter(|c| c.axis == axis) {
        let scaled = inputs
            .get(&c.id)
            .copied()
            .filter(|v| v.is_finite())
            .and_then(|v| match c.source {
                Source::Rating => (1.0..=5.0).contains(&v).then_some(v),
                Source::Kpi { low, high } => (low != high).then(|| kpi_to_scale(v, low, high)),
            });
        match scaled {
            Some(s) => {
                sum += f64::from(c.weight) * s;
                weights += f64::from(c.weight);
            }
            None => missing.push(c.id),
        }
    }
    (weights > 0.0).then(|| AxisScore {
        score: sum / weights,
        missing,
    })
}

/// Thirds of the 1–5 scale (width 4/3 each): Low below 7/3, Medium below 11/3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Medium,
    High,
}

const LOW_BELOW: f64 = 1.0 + 4.0 / 3.0;
const MEDIUM_BELOW: f64 = 1.0 + 8.0 / 3.0;

impl Band {
    /// NaN falls into Low: an unknown score must never look like a strong one.
    pub fn from_score(score: f64) -> Band {
        if score >= MEDIUM_BELOW {
            Band::High
        } else if score >= LOW_BELOW {
            Band::Medium
        } else {
            Band::Low
        }
    }

    fn rank(self) -> u8 {
        self as u8
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }
}

/// The usual GE reading of a cell, ordered from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    Harvest,
    Selective,
    InvestGrow,
}

impl Reading {
    pub fn code(self) -> &'static str {
        match self {
            Reading::InvestGrow => "invest",
            Reading::Selective => "selective",
            Reading::Harvest => "harvest",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cell {
    pub attractiveness: Band,
    pub strength: Band,
}

impl Cell {
    pub fn from_scores(attractiveness: f64, strength: f64) -> Cell {
        Cell {
            attractiveness: Band::from_score(attractiveness),
            strength: Band::from_score(strength),
        }
    }

    /// With Low/Medium/High counted 0/1/2, the band sum splits the grid along
    /// its anti-diagonals: 3–4 are the top-left three (invest & grow), 2 the
    /// diagonal (selective), 0–1 the bottom-right three (harvest).
    pub fn reading(self) -> Reading {
        match self.attractiveness.rank() + self.strength.rank() {
            3.. => Reading::InvestGrow,
            2 => Reading::Selective,
            _ => Reading::Harvest,
        }
    }

    /// (row, col) for drawing in the classic orientation: row 0 is high
    /// attractiveness (top), col 0 is high strength (left).
    pub fn index(self) -> (usize, usize) {
        (
            2 - usize::from(self.attractiveness.rank()),
            2 - usize::from(self.strength.rank()),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Same,
}

/// How an account moved since the previous assessment. Scores are
/// `(attractiveness, strength)`, the order of [`Cell`]'s fields.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// Change of attractiveness (the vertical axis); None without a previous point.
    pub d_attractiveness: Option<f64>,
    /// Change of strength (the horizontal axis); None without a previous point.
    pub d_strength: Option<f64>,
    pub from: Option<Cell>,
    pub to: Cell,
    pub cell_changed: bool,
    /// Up when the new cell's reading is better (harvest < selective < invest).
    pub direction: Direction,
}

pub fn movement(prev: Option<(f64, f64)>, now: (f64, f64)) -> Movement {
    let to = Cell::from_scores(now.0, now.1);
    let from = prev.map(|(a, s)| Cell::from_scores(a, s));
    let direction = match from.map(|f| to.reading().cmp(&f.reading())) {
        Some(std::cmp::Ordering::Greater) => Direction::Up,
        Some(std::cmp::Ordering::Less) => Direction::Down,
        _ => Direction::Same,
    };
    Movement {
        d_attractiveness: prev.map(|p| now.0 - p.0),
        d_strength: prev.map(|p| now.1 - p.1),
        from,
        to,
        cell_changed: from.is_some_and(|f| f != to),
        direction,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPlacement {
    pub id: i64,
    pub tier_is_key: bool,
    pub kam: Option<i64>,
    pub cell: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "warning")]
pub enum Warning {
    TooManyKeyAccounts {
        count: usize,
        max: usize,
    },
    /// `fair_share` is the mean number of key accounts per KAM of the portfolio.
    KamOverloaded {
        kam: i64,
        count: usize,
        fair_share: f64,
    },
    KeyAccountWithoutKam {
        id: i64,
    },
    /// Key account sitting in a harvest cell: is the tier still deserved?
    KeyAccountPlacedLow {
        id: i64,
    },
    /// Not key, but in an invest cell: a candidate for the key tier.
    Candidate {
        id: i64,
    },
}

impl Warning {
    pub fn code(&self) -> &'static str {
        match self {
            Warning::TooManyKeyAccounts { .. } => "too_many_key_accounts",
            Warning::KamOverloaded { .. } => "kam_overloaded",
            Warning::KeyAccountWithoutKam { .. } => "key_account_without_kam",
            Warning::KeyAccountPlacedLow { .. } => "key_account_placed_low",
            Warning::Candidate { .. } => "candidate",
        }
    }
}

/// Multiple of the fair share used when the caller's `kam_share` is unusable.
pub const DEFAULT_KAM_SHARE: f64 = 1.5;

/// Portfolio checks, in display order: portfolio size, KAM load (heaviest
/// first), then per-account suggestions by id.
///
/// KAM load rule: the fair share is the number of key accounts that have a KAM
/// divided by the number of KAMs owning any account in the list (a KAM with only
/// non-key accounts is spare capacity, so counts). A KAM is overloaded when
/// their key accounts exceed `kam_share` × fair share *and* exceed the fair
/// share by more than one whole account; without the second condition a tiny
/// portfolio (2 key accounts against an average of 1) would already raise an
/// alarm. A `kam_share` below 1 (which would flag average KAMs) is raised to 1;
/// a non-finite one means [`DEFAULT_KAM_SHARE`]. Key accounts without a KAM are
/// left out of the load and reported on their own.
pub fn warnings(
    accounts: &[AccountPlacement],
    max_key_accounts: usize,
    kam_share: f64,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let key: Vec<&AccountPlacement> = accounts.iter().filter(|a| a.tier_is_key).collect();
    if key.len() > max_key_accounts {
        out.push(Warning::TooManyKeyAccounts {
            count: key.len(),
            max: max_key_accounts,
        });
    }

    let share = if kam_share.is_finite() {
        kam_share.max(1.0)
    } else {
        DEFAULT_KAM_SHARE
    };
    let kams: HashSet<i64> = accounts.iter().filter_map(|a| a.kam).collect();
    let mut load: HashMap<i64, usize> = HashMap::new();
    for kam in key.iter().filter_map(|a| a.kam) {
        *load.entry(kam).or_default() += 1;
    }
    if !kams.is_empty() {
        let fair_share = load.values().sum::<usize>() as f64 / kams.len() as f64;
        let mut heavy: Vec<(i64, usize)> = load
            .into_iter()
            .filter(|&(_, n)| {
                let n = n as f64;
                n > share * fair_share && n > fair_share + 1.0
            })
            .collect();
        heavy.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out.extend(
            heavy
                .into_iter()
                .map(|(kam, count)| Warning::KamOverloaded {
                    kam,
                    count,
                    fair_share,
                }),
        );
    }

    let mut sorted: Vec<&AccountPlacement> = accounts.iter().collect();
    sorted.sort_by_key(|a| a.id);
    out.extend(
        sorted
            .iter()
            .filter(|a| a.tier_is_key && a.kam.is_none())
            .map(|a| Warning::KeyAccountWithoutKam { id: a.id }),
    );
    for a in &sorted {
        match (a.tier_is_key, a.cell.reading()) {
            (true, Reading::Harvest) => out.push(Warning::KeyAccountPlacedLow { id: a.id }),
            (false, Reading::InvestGrow) => out.push(Warning::Candidate { id: a.id }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
