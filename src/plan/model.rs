//! The plan's vocabulary and arithmetic, pure: periods of a (fiscal) year, percent
//! complete, overdue, the path to green of a KPI and the verdict of "did it work?".
//! No I/O here; the handlers read what they need and call these.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::Direction;
use crate::forecast::ForecastPoint;
use crate::i18n::format::Percent;
use crate::scoring::{self, Rag, Thresholds};

/// Longest free text of the client's context and notes (characters).
pub const TEXT_MAX: usize = 4000;
/// Longest title of an objective, action or risk.
pub const TITLE_MAX: usize = 200;
/// Longest reason of a status override, mitigation note… (characters).
pub const REASON_MAX: usize = 500;
/// How far the path to green looks ahead (periods of the KPI's frequency).
pub const GREEN_HORIZON: usize = 24;
/// How many forecast steps an action stores for "did it work?".
pub const ACTION_FORECAST_STEPS: usize = 6;

pub const PLAN_STATUSES: &[&str] = &["draft", "active", "closed"];
pub const OBJECTIVE_STATUSES: &[&str] = &["on_track", "at_risk", "off_track", "done"];
pub const ACTION_STATUSES: &[&str] = &["open", "in_progress", "done", "cancelled"];
pub const SIDES: &[&str] = &["client", "ours"];
pub const RISK_LEVELS: &[&str] = &["low", "medium", "high"];

/// The first and last day of the plan period that starts in `year` at the
/// client's fiscal start month (1: the calendar year).
pub fn period(year: i32, start_month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, start_month.clamp(1, 12), 1)?;
    let next = NaiveDate::from_ymd_opt(year + 1, start_month.clamp(1, 12), 1)?;
    Some((start, next.pred_opt()?))
}

/// The year in which the period containing `day` starts.
pub fn period_year(day: NaiveDate, start_month: u32) -> i32 {
    if day.month() >= start_month {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The badge colour of an objective or action status (never shown alone: the
/// status is always written beside it).
pub fn badge(status: &str) -> &'static str {
    match status {
        "on_track" | "done" => "green",
        "at_risk" | "in_progress" => "amber",
        "off_track" => "red",
        _ => "none",
    }
}

/// An open or in-progress action past its due date.
pub fn is_overdue(status: &str, due: NaiveDate, today: NaiveDate) -> bool {
    matches!(status, "open" | "in_progress") && due < today
}

/// Whether an action is still to be done (the "open action" of the alerts).
pub fn is_open(status: &str) -> bool {
    matches!(status, "open" | "in_progress")
}

/// Share of done actions among those not cancelled; `None` with none to count.
pub fn percent_complete<'a>(statuses: impl IntoIterator<Item = &'a str>) -> Option<Percent> {
    let (mut done, mut counted) = (0usize, 0usize);
    for s in statuses {
        if s != "cancelled" {
            counted += 1;
            done += usize::from(s == "done");
        }
    }
    (counted > 0).then(|| Percent::new(100.0 * done as f64 / counted as f64))
}

/// The objective status a KPI status proposes (the same rule as the SQL view
/// `objective_status`, which is what pages read; this one is for the tests and
/// for explaining it).
pub fn proposed_from(rag: Rag) -> Option<&'static str> {
    match rag {
        Rag::Red => Some("off_track"),
        Rag::Amber => Some("at_risk"),
        Rag::Green => Some("on_track"),
        Rag::Stale | Rag::None => None,
    }
}

/// When a red or amber KPI gets to green at today's pace.
#[derive(Debug, Clone, PartialEq)]
pub enum PathToGreen {
    /// The forecast reaches green at this step (1 = the period after the last value).
    At { step: usize, value: f64 },
    /// Not within the horizon at this pace.
    NotAtThisPace,
    /// Too few values to forecast.
    NoForecast,
}

/// The first forecast step whose value is green against that period's target,
/// by the scoring module's own rule (attainment against the thresholds).
pub fn path_to_green(
    points: Option<&[ForecastPoint]>,
    target_at: impl Fn(usize) -> f64,
    direction: Direction,
    thresholds: Thresholds,
) -> PathToGreen {
    let Some(points) = points else {
        return PathToGreen::NoForecast;
    };
    for p in points {
        let green = scoring::attainment(p.value, target_at(p.step), direction)
            .is_some_and(|a| scoring::rag(a, thresholds) == Rag::Green);
        if green {
            return PathToGreen::At {
                step: p.step,
                value: p.value,
            };
        }
    }
    PathToGreen::NotAtThisPace
}

/// The gap between a value and the nearest green value, in the KPI's unit
/// (positive: how much it must rise; negative: fall), for a target and thresholds.
pub fn gap_to_green(value: f64, target: f64, direction: Direction, t: Thresholds) -> f64 {
    let share = t.green_from / 100.0;
    let green = match direction {
        Direction::HigherBetter => target * share,
        // Attainment of a lower-is-better KPI is target / value.
        Direction::LowerBetter => {
            if share > 0.0 {
                target / share
            } else {
                target
            }
        }
    };
    green - value
}

/// "Did it work?" for one KPI of a done action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Better than the forecast made at creation, by more than its typical error.
    Moved,
    NoVisibleEffect,
    /// No value yet after the action started, or nothing to compare with.
    TooEarly,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Moved => "moved",
            Verdict::NoVisibleEffect => "no_visible_effect",
            Verdict::TooEarly => "too_early",
        }
    }
}

/// What the numbers say: the mean of the values after the action (as many as the
/// stored forecast covers) against the mean of the forecast for the same periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub verdict: Verdict,
    pub actual: Option<f64>,
    pub expected: Option<f64>,
    pub periods: usize,
}

/// `after`: values of the periods after the baseline, in order; `forecast`: the
/// forecast stored at creation for the same periods; `tolerance`: the forecast's
/// typical error (a difference smaller than this is not visible).
pub fn effect(after: &[f64], forecast: &[f64], tolerance: f64, direction: Direction) -> Effect {
    let n = after.len().min(forecast.len());
    if n == 0 {
        return Effect {
            verdict: Verdict::TooEarly,
            actual: None,
            expected: None,
            periods: 0,
        };
    }
    let actual = after[..n].iter().sum::<f64>() / n as f64;
    let expected = forecast[..n].iter().sum::<f64>() / n as f64;
    let better = match direction {
        Direction::HigherBetter => actual - expected,
        Direction::LowerBetter => expected - actual,
    };
    Effect {
        verdict: if better > tolerance.abs() {
            Verdict::Moved
        } else {
            Verdict::NoVisibleEffect
        },
        actual: Some(actual),
        expected: Some(expected),
        periods: n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_fiscal_year_runs_from_its_start_month() {
        assert_eq!(period(2026, 1), Some((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(period(2026, 4), Some((d(2026, 4, 1), d(2027, 3, 31))));
        assert_eq!(period_year(d(2027, 2, 10), 4), 2026);
        assert_eq!(period_year(d(2027, 4, 1), 4), 2027);
    }

    #[test]
    fn percent_complete_leaves_cancelled_actions_out() {
        let p = percent_complete(["done", "open", "cancelled", "in_progress"]).unwrap();
        assert!((p.value() - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(percent_complete(["cancelled"]), None);
    }

    #[test]
    fn only_unfinished_actions_are_overdue() {
        let today = d(2026, 6, 1);
        assert!(is_overdue("open", d(2026, 5, 31), today));
        assert!(!is_overdue("open", today, today));
        assert!(!is_overdue("done", d(2026, 1, 1), today));
        assert!(!is_overdue("cancelled", d(2026, 1, 1), today));
    }

    fn points(values: &[f64]) -> Vec<ForecastPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| ForecastPoint {
                step: i + 1,
                value: v,
                low: v,
                high: v,
            })
            .collect()
    }

    #[test]
    fn path_to_green_is_the_first_green_forecast_step() {
        let t = Thresholds {
            green_from: 100.0,
            amber_from: 90.0,
        };
        let p = points(&[80.0, 90.0, 100.0, 110.0]);
        assert_eq!(
            path_to_green(Some(&p), |_| 100.0, Direction::HigherBetter, t),
            PathToGreen::At {
                step: 3,
                value: 100.0
            }
        );
        let falling = points(&[80.0, 70.0]);
        assert_eq!(
            path_to_green(Some(&falling), |_| 100.0, Direction::HigherBetter, t),
            PathToGreen::NotAtThisPace
        );
        assert_eq!(
            path_to_green(None, |_| 100.0, Direction::HigherBetter, t),
            PathToGreen::NoForecast
        );
    }

    #[test]
    fn the_gap_to_green_is_in_the_kpis_unit() {
        let t = Thresholds {
            green_from: 95.0,
            amber_from: 80.0,
        };
        assert!((gap_to_green(80.0, 100.0, Direction::HigherBetter, t) - 15.0).abs() < 1e-9);
        // Lower is better: green from 95 % attainment means at most target / 0.95.
        let g = gap_to_green(12.0, 9.5, Direction::LowerBetter, t);
        assert!((g - (10.0 - 12.0)).abs() < 1e-9);
    }

    #[test]
    fn an_effect_beyond_the_forecast_error_is_a_move() {
        let e = effect(
            &[90.0, 94.0],
            &[85.0, 86.0, 87.0],
            2.0,
            Direction::HigherBetter,
        );
        assert_eq!(e.verdict, Verdict::Moved);
        assert_eq!(e.periods, 2);
        assert_eq!(e.actual, Some(92.0));
        assert_eq!(e.expected, Some(85.5));
        let dud = effect(&[85.0, 87.0], &[85.0, 86.0], 2.0, Direction::HigherBetter);
        assert_eq!(dud.verdict, Verdict::NoVisibleEffect);
        let early = effect(&[], &[85.0], 2.0, Direction::HigherBetter);
        assert_eq!(early.verdict, Verdict::TooEarly);
        // Lower is better: falling below the forecast is the improvement.
        let lower = effect(&[5.0], &[9.0], 1.0, Direction::LowerBetter);
        assert_eq!(lower.verdict, Verdict::Moved);
    }
}
