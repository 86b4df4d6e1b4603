//! The range a measure can take, so that a forecast band never promises the
//! impossible (a share above 100 % or below 0, a negative count). Pure.

use crate::domain::Unit;

/// The range of a KPI's values, `None` when the unit has no natural bound
/// (money, ratios). One `percent` unit serves both shares and growth rates:
/// a percent KPI is read as a share (0–100 %) unless its code names a growth
/// or one of its values has ever left 0–100.
pub fn unit_bounds(unit: Unit, code: &str, observed: &[f64]) -> Option<(f64, f64)> {
    match unit {
        Unit::Percent => {
            let growth = code.contains("growth") || code.contains("premium");
            let inside = observed.iter().all(|v| (0.0..=100.0).contains(v));
            (!growth && inside).then_some((0.0, 100.0))
        }
        Unit::Score => Some((0.0, 100.0)),
        Unit::Points => Some((-100.0, 100.0)),
        Unit::Count | Unit::Days | Unit::Hours => Some((0.0, f64::MAX)),
        Unit::Eur | Unit::Ratio => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_bounded_and_growth_is_not() {
        assert_eq!(
            unit_bounds(Unit::Percent, "otif", &[96.0, 99.5]),
            Some((0.0, 100.0))
        );
        assert_eq!(unit_bounds(Unit::Percent, "revenue_growth", &[4.0]), None);
        assert_eq!(unit_bounds(Unit::Percent, "custom", &[-3.0, 12.0]), None);
        assert_eq!(unit_bounds(Unit::Percent, "custom", &[120.0]), None);
        assert_eq!(unit_bounds(Unit::Points, "nps", &[]), Some((-100.0, 100.0)));
        assert_eq!(unit_bounds(Unit::Count, "x", &[]).map(|b| b.0), Some(0.0));
        assert_eq!(unit_bounds(Unit::Eur, "revenue", &[1.0]), None);
    }
}
