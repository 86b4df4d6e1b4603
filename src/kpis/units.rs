//! What each unit allows and how it reads, in each locale. Pure.

use crate::domain::Unit;
use crate::i18n::{Locale, format};

/// Values outside these bounds are typing mistakes, refused with a message.
pub fn range(unit: Unit) -> (f64, f64) {
    match unit {
        // Growth rates can be negative and exceed 100 %; shares cannot, but a
        // single "percent" unit serves both, so the bound is the wider one.
        Unit::Percent => (-100.0, 1000.0),
        Unit::Eur => (-1e12, 1e12),
        Unit::Count => (0.0, 1e9),
        Unit::Days | Unit::Hours => (0.0, 100_000.0),
        Unit::Score => (0.0, 100.0),
        Unit::Ratio => (-1000.0, 1000.0),
        // NPS and other net scores.
        Unit::Points => (-100.0, 100.0),
    }
}

/// Checks a typed value against its unit; Err is a translation key.
pub fn check(unit: Unit, value: f64) -> Result<(), &'static str> {
    let (lo, hi) = range(unit);
    if !value.is_finite() || value < lo || value > hi {
        return Err("value-out-of-range");
    }
    if unit == Unit::Count && value.fract() != 0.0 {
        return Err("value-whole-number");
    }
    Ok(())
}

/// A value as people read it: "12,5 %", "1 234 €", "3,5 j", "+32".
pub fn display(unit: Unit, value: f64, locale: Locale) -> String {
    match unit {
        // A KPI in the percent unit stores percent (95 is 95 %).
        Unit::Percent => format::percent(locale, format::Percent::new(value), 1),
        Unit::Eur => format::money(
            locale,
            rust_decimal::Decimal::from_f64_retain(value.round()).unwrap_or_default(),
        ),
        Unit::Count => format::number(locale, value, 0),
        Unit::Days => format!(
            "{}{}",
            format::number(locale, value, 1),
            suffix(locale, "d")
        ),
        Unit::Hours => format!(
            "{}{}",
            format::number(locale, value, 1),
            suffix(locale, "h")
        ),
        Unit::Score | Unit::Ratio => format::number(locale, value, 2),
        Unit::Points => {
            let n = format::number(locale, value, 0);
            if value > 0.0 { format!("+{n}") } else { n }
        }
    }
}

fn suffix(locale: Locale, what: &str) -> &'static str {
    match (locale, what) {
        (Locale::Fr, "d") => "\u{A0}j",
        (Locale::En, "d") => "\u{A0}d",
        _ => "\u{A0}h",
    }
}

/// The unit's short name for headers and form hints (a translation key).
pub fn label_key(unit: Unit) -> String {
    unit.label_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_catch_typos() {
        assert_eq!(check(Unit::Points, 140.0), Err("value-out-of-range"));
        assert_eq!(check(Unit::Points, -40.0), Ok(()));
        assert_eq!(check(Unit::Count, 3.5), Err("value-whole-number"));
        assert_eq!(check(Unit::Percent, f64::NAN), Err("value-out-of-range"));
        assert_eq!(check(Unit::Eur, -25_000.0), Ok(()));
    }

    #[test]
    fn values_read_naturally() {
        assert_eq!(display(Unit::Percent, 12.5, Locale::Fr), "12,5\u{202F}%");
        assert_eq!(display(Unit::Percent, 12.5, Locale::En), "12.5%");
        assert_eq!(display(Unit::Eur, 1234.4, Locale::En), "€1,234");
        assert_eq!(display(Unit::Points, 32.0, Locale::En), "+32");
        assert_eq!(display(Unit::Days, 3.5, Locale::Fr), "3,5\u{A0}j");
    }
}
