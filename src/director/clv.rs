//! Customer lifetime value of a key account: what the relationship has earned
//! so far (nominal) plus what it can be expected to earn over a horizon
//! (discounted, weighted by the probability the account stays).
//!
//! # Method
//!
//! - `historical = Σ margin − acquisition_cost − Σ retention_cost`, in nominal
//!   money: past figures are booked results, not forecasts, so they are not
//!   re-discounted.
//! - `base` = mean of `margin − retention_cost` over the last (up to) 3 years: one
//!   year alone is too noisy, older years describe a different account.
//! - `projected = Σ_{t=1..H} base · rᵗ / (1 + d)ᵗ`: year t is earned only if the
//!   account is still there (probability rᵗ with a constant yearly retention r),
//!   and money earned in t years is worth `1/(1+d)ᵗ` today.
//!
//! A negative base (the account costs more to keep than it earns) gives a
//! negative projection on purpose: that is the signal the director needs.

use serde::{Deserialize, Serialize};

/// Number of most recent years averaged for the base annual net margin.
const BASE_YEARS: usize = 3;
/// Horizon cap: beyond 30 years, r^t and discounting make terms negligible and
/// any projection is fiction.
pub const MAX_HORIZON_YEARS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i32,
    pub revenue: f64,
    /// Gross margin amount (money, not a rate).
    pub margin: f64,
    pub retention_cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvInputs {
    pub yearly: Vec<YearFigures>,
    pub acquisition_cost: f64,
    /// Probability the account stays one more year, 0..=1.
    pub retention_probability: f64,
    /// Yearly discount rate, e.g. 0.08; 0 ≤ d < 1.
    pub discount_rate: f64,
    pub horizon_years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clv {
    pub historical: f64,
    pub projected: f64,
    pub total: f64,
    pub base_annual_net_margin: f64,
    /// Calendar span from the first to the last year with figures, inclusive.
    pub years_of_relationship: u32,
    /// (t, expected discounted value of year t), t = 1..=horizon.
    pub per_year: Vec<(u32, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum ClvError {
    NoYears,
    RetentionOutOfRange {
        value: f64,
    },
    DiscountOutOfRange {
        value: f64,
    },
    HorizonOutOfRange {
        value: u32,
        max: u32,
    },
    /// Two rows for the same year would be counted twice.
    DuplicateYear {
        year: i32,
    },
    /// A NaN or infinite amount (in that year's row, or the acquisition cost when `year` is None).
    NotFinite {
        year: Option<i32>,
    },
}

fn check(inputs: &ClvInputs) -> Vec<ClvError> {
    let mut errors = Vec::new();
    if inputs.yearly.is_empty() {
        errors.push(ClvError::NoYears);
    }
    let r = inputs.retention_probability;
    if !(0.0..=1.0).contains(&r) {
        errors.push(ClvError::RetentionOutOfRange { value: r });
    }
    let d = inputs.discount_rate;
    if !(0.0..1.0).contains(&d) {
        errors.push(ClvError::DiscountOutOfRange { value: d });
    }
    if !(1..=MAX_HORIZON_YEARS).contains(&inputs.horizon_years) {
        errors.push(ClvError::HorizonOutOfRange {
            value: inputs.horizon_years,
            max: MAX_HORIZON_YEARS,
        });
    }
    if !inputs.acquisition_cost.is_finite() {
        errors.push(ClvError::NotFinite { year: None });
    }
    let mut seen = std::collections::HashSet::new();
    for y in &inputs.yearly {
        if !seen.insert(y.year) {
            errors.push(ClvError::DuplicateYear { year: y.year });
        }
        if ![y.revenue, y.margin, y.retention_cost]
            .iter()
            .all(|v| v.is_finite())
        {
            errors.push(ClvError::NotFinite { year: Some(y.year) });
        }
    }
    errors
}

/// Computes the CLV, or every validation problem at once.
pub fn clv(inputs: &ClvInputs) -> Result<Clv, Vec<ClvError>> {
    let errors = check(inputs);
    if !errors.is_empty() {
        return Err(errors);
    }
    // Rows may come in any order; "last years" means the latest calendar years.
    let mut years = inputs.yearly.clone();
    years.sort_by_key(|y| y.year);

    let historical = years
        .iter()
        .map(|y| y.margin - y.retention_cost)
        .sum::<f64>()
        - inputs.acquisition_cost;
    let recent = &years[years.len().saturating_sub(BASE_YEARS)..];
    let base = recent
        .iter()
        .map(|y| y.margin - y.retention_cost)
        .sum::<f64>()
        / recent.len() as f64;

    let (r, d) = (inputs.retention_probability, inputs.discount_rate);
    let per_year: Vec<(u32, f64)> = (1..=inputs.horizon_years)
        .map(|t| {
            let t_i = t as i32; // ≤ 30 after validation
            (t, base * r.powi(t_i) / (1.0 + d).powi(t_i))
        })
        .collect();
    let projected = per_year.iter().map(|(_, v)| v).sum::<f64>();
    let span = i64::from(years[years.len() - 1].year) - i64::from(years[0].year) + 1;

    Ok(Clv {
        historical,
        projected,
        total: historical + projected,
        base_annual_net_margin: base,
        years_of_relationship: u32::try_from(span).unwrap_or(u32::MAX),
        per_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn year(year: i32, margin: f64, retention_cost: f64) -> YearFigures {
        YearFigures {
            year,
            revenue: margin * 4.0,
            margin,
            retention_cost,
        }
    }

    fn sample() -> ClvInputs {
        ClvInputs {
            // Deliberately unsorted.
            yearly: vec![
                year(2024, 150.0, 30.0),
                year(2021, 80.0, 10.0),
                year(2022, 100.0, 20.0),
                year(2023, 120.0, 30.0),
            ],
            acquisition_cost: 50.0,
            retention_probability: 0.8,
            discount_rate: 0.08,
            horizon_years: 2,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_computed_example() {
        let c = clv(&sample()).unwrap();
        // Σ margin 450 − acquisition 50 − Σ retention 90 = 310.
        assert!(close(c.historical, 310.0));
        // Last three years net: 80, 90, 120 → 290/3; 2021 is left out.
        let base = 290.0 / 3.0;
        assert!(close(c.base_annual_net_margin, base));
        let y1 = base * 0.8 / 1.08; // 71.6049…
        let y2 = base * 0.64 / 1.1664; // 53.0407…
        assert!(close(c.per_year[0].1, y1) && close(c.per_year[1].1, y2));
        assert_eq!(c.per_year.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2]);
        assert!(close(c.projected, y1 + y2));
        assert!((c.projected - 124.645_633_287).abs() < 1e-6);
        assert!(close(c.total, 310.0 + y1 + y2));
        assert_eq!(c.years_of_relationship, 4);
    }

    #[test]
    fn short_history_uses_what_there_is() {
        let inputs = ClvInputs {
            yearly: vec![year(2020, 100.0, 40.0)],
            horizon_years: 1,
            ..sample()
        };
        let c = clv(&inputs).unwrap();
        assert!(close(c.base_annual_net_margin, 60.0));
        assert!(close(c.projected, 60.0 * 0.8 / 1.08));
        assert!(close(c.historical, 10.0));
        assert_eq!(c.years_of_relationship, 1);
    }

    #[test]
    fn edge_rates() {
        let no_retention = ClvInputs {
            retention_probability: 0.0,
            ..sample()
        };
        assert_eq!(clv(&no_retention).unwrap().projected, 0.0);
        // r = 1, d = 0: every year is worth the base.
        let flat = ClvInputs {
            retention_probability: 1.0,
            discount_rate: 0.0,
            horizon_years: 5,
            ..sample()
        };
        assert!(close(clv(&flat).unwrap().projected, 5.0 * 290.0 / 3.0));
    }

    #[test]
    fn loss_making_account_projects_a_loss() {
        let inputs = ClvInputs {
            yearly: vec![year(2024, 10.0, 40.0)],
            ..sample()
        };
        assert!(clv(&inputs).unwrap().projected < 0.0);
    }

    #[test]
    fn validation_reports_everything() {
        let bad = ClvInputs {
            yearly: vec![],
            acquisition_cost: f64::NAN,
            retention_probability: 1.2,
            discount_rate: 1.0,
            horizon_years: 0,
        };
        assert_eq!(
            clv(&bad).unwrap_err(),
            vec![
                ClvError::NoYears,
                ClvError::RetentionOutOfRange { value: 1.2 },
                ClvError::DiscountOutOfRange { value: 1.0 },
                ClvError::HorizonOutOfRange { value: 0, max: 30 },
                ClvError::NotFinite { year: None },
            ]
        );
        let mut dup = sample();
        dup.yearly.push(year(2022, f64::INFINITY, 0.0));
        assert_eq!(
            clv(&dup).unwrap_err(),
            vec![
                ClvError::DuplicateYear { year: 2022 },
                ClvError::NotFinite { year: Some(2022) }
            ]
        );
        assert!(
            clv(&ClvInputs {
                horizon_years: 31,
                ..sample()
            })
            .is_err()
        );
        assert!(
            clv(&ClvInputs {
                discount_rate: -0.01,
                ..sample()
            })
            .is_err()
        );
        assert!(
            clv(&ClvInputs {
                retention_probability: f64::NAN,
                ..sample()
            })
            .is_err()
        );
        assert!(
            clv(&ClvInputs {
                horizon_years: 30,
                ..sample()
            })
            .is_ok()
        );
    }

    proptest! {
        #[test]
        fn projection_grows_with_retention_and_shrinks_with_discount(
            r1 in 0.0f64..=1.0, r2 in 0.0f64..=1.0, d1 in 0.0f64..0.99, d2 in 0.0f64..0.99, h in 1u32..=30
        ) {
            let at = |r, d| clv(&ClvInputs { retention_probability: r, discount_rate: d, horizon_years: h, ..sample() }).unwrap();
            let (lo_r, hi_r) = if r1 <= r2 { (r1, r2) } else { (r2, r1) };
            let (lo_d, hi_d) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
            // The sample's base is positive.
            prop_assert!(at(lo_r, 0.08).projected <= at(hi_r, 0.08).projected + 1e-9);
            prop_assert!(at(0.8, hi_d).projected <= at(0.8, lo_d).projected + 1e-9);
            let c = at(r1, d1);
            prop_assert!(close(c.total, c.historical + c.projected));
            prop_assert_eq!(c.per_year.len(), h as usize);
            // Never more than the undiscounted, certain-retention bound.
            prop_assert!(c.projected <= f64::from(h) * c.base_annual_net_margin + 1e-9);
        }
    }
}
