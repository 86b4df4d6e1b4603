//! Numbers, money and dates the way each locale writes them. Pure functions.
//!
//! Hand-written rather than pulling ICU in: we need two locales and four shapes,
//! and ICU's data would triple the binary. The rules follow CLDR: French groups
//! thousands with a narrow no-break space (U+202F) and writes the euro after the
//! amount with a no-break space; English groups with commas and puts € first.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Locale;

const NNBSP: char = '\u{202F}';
const NBSP: char = '\u{00A0}';

/// `value` with at most `max_decimals` decimals (trailing zeros dropped).
pub fn number(locale: Locale, value: f64, max_decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let fixed = format!("{:.*}", max_decimals, value.abs());
    let (int_part, frac_part) = match fixed.split_once('.') {
        Some((i, f)) => (i.to_owned(), f.trim_end_matches('0').to_owned()),
        None => (fixed.clone(), String::new()),
    };
    let negative = value < 0.0 && (int_part.chars().any(|c| c != '0') || !frac_part.is_empty());
    let (group, decimal) = separators(locale);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group_digits(&int_part, group));
    if !frac_part.is_empty() {
        out.push(decimal);
        out.push_str(&frac_part);
    }
    out
}

/// A decimal with exactly `decimals` decimals (used for money).
pub fn fixed(locale: Locale, value: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, value.abs());
    let (int_part, frac_part) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let (group, decimal) = separators(locale);
    let mut out = String::new();
    if value < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group_digits(int_part, group));
    if !frac_part.is_empty() {
        out.push(decimal);
        out.push_str(frac_part);
    }
    out
}

/// Euros: whole euros when the amount is large, cents otherwise.
pub fn money(locale: Locale, amount: Decimal) -> String {
    let v = amount.to_f64().unwrap_or(0.0);
    let decimals = if v.abs() >= 10_000.0 || amount.fract().is_zero() {
        0
    } else {
        2
    };
    let digits = fixed(locale, v, decimals);
    match locale {
        Locale::Fr => format!("{digits}{NBSP}€"),
        Locale::En => match digits.strip_prefix('-') {
            Some(rest) => format!("-€{rest}"),
            None => format!("€{digits}"),
        },
    }
}

/// A fraction: 0.82 is 82 %. Shares of a whole lie in [0, 1]; a growth rate or an
/// attainment is a fraction too and may leave that range (−0.05, 1.2).
///
/// Fractions and percentages are different types so that printing a fraction as
/// if it were already in percent ("0,82 %" for 82 %) cannot compile (issue 10).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Share(f64);

/// A number already in percent: 12.5 is 12.5 %.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Share {
    pub const fn new(fraction: f64) -> Self {
        Share(fraction)
    }

    /// `part / whole`, or `None` when there is no whole.
    pub fn of(part: f64, whole: f64) -> Option<Self> {
        (whole != 0.0).then(|| Share(part / whole))
    }

    pub const fn fraction(self) -> f64 {
        self.0
    }

    pub fn percent(self) -> Percent {
        Percent(self.0 * 100.0)
    }

    /// The CSV's spelling: a plain number in percent with `decimals` decimals
    /// (the page prints the same value, rounded as it rounds).
    pub fn csv(self, decimals: usize) -> String {
        self.percent().csv(decimals)
    }
}

impl Percent {
    pub const fn new(percent: f64) -> Self {
        Percent(percent)
    }

    pub const fn value(self) -> f64 {
        self.0
    }

    pub fn share(self) -> Share {
        Share(self.0 / 100.0)
    }

    /// The CSV's spelling: a plain number with `decimals` decimals.
    pub fn csv(self, decimals: usize) -> String {
        format!("{:.*}", decimals, self.0)
    }
}

/// A percentage ("12,5 %" / "12.5%").
pub fn percent(locale: Locale, value: Percent, max_decimals: usize) -> String {
    let n = number(locale, value.0, max_decimals);
    match locale {
        Locale::Fr => format!("{n}{NNBSP}%"),
        Locale::En => format!("{n}%"),
    }
}

/// A fraction as a percentage (0.125 → "12,5 %" / "12.5%").
pub fn share(locale: Locale, value: Share, max_decimals: usize) -> String {
    percent(locale, value.percent(), max_decimals)
}

/// A date as people write it: "23 nov. 2026" / "23 Nov 2026".
pub fn date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::Fr => d
            .format_localized("%-d %b %Y", chrono::Locale::fr_FR)
            .to_string(),
        Locale::En => d
            .format_localized("%-d %b %Y", chrono::Locale::en_GB)
            .to_string(),
    }
}

/// A timestamp with minutes in the organisation's time zone `tz`, for "last
/// updated" stamps.
pub fn datetime(locale: Locale, t: DateTime<Utc>, tz: Tz) -> String {
    let t = t.with_timezone(&tz);
    match locale {
        Locale::Fr => t
            .format_localized("%-d %b %Y à %H:%M", chrono::Locale::fr_FR)
            .to_string(),
        Locale::En => t
            .format_localized("%-d %b %Y, %H:%M", chrono::Locale::en_GB)
            .to_string(),
    }
}

/// A month period: "sept. 2026" / "Sep 2026".
pub fn month(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::Fr => d
            .format_localized("%b %Y", chrono::Locale::fr_FR)
            .to_string(),
        Locale::En => d
            .format_localized("%b %Y", chrono::Locale::en_GB)
            .to_string(),
    }
}

/// Parses a number typed by a person: accepts "12,5" and "12.5", spaces (also
/// no-break ones) as thousands separators, and a leading minus or plus.
pub fn parse_number(input: &str) -> Option<f64> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| ![' ', NBSP, NNBSP, '\u{2009}', '\''].contains(c))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    // With both separators present, the last one is the decimal mark.
    let normalised = match (cleaned.rfind(','), cleaned.rfind('.')) {
        (Some(c), Some(d)) if c > d => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        (Some(_), None) if cleaned.matches(',').count() == 1 => cleaned.replace(',', "."),
        (Some(_), None) => return None,
        _ => cleaned,
    };
    if !normalised
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
    {
        return None;
    }
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::Fr => (NNBSP, ','),
        Locale::En => (',', '.'),
    }
}

fn group_digits(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    let len = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn french_numbers_use_narrow_spaces_and_commas() {
        assert_eq!(number(Locale::Fr, 1234.5, 2), "1\u{202F}234,5");
        assert_eq!(number(Locale::Fr, 1234567.0, 0), "1\u{202F}234\u{202F}567");
        assert_eq!(number(Locale::En, 1234.5, 2), "1,234.5");
        assert_eq!(number(Locale::En, -0.001, 2), "0");
        assert_eq!(number(Locale::En, -12.25, 1), "-12.2");
    }

    #[test]
    fn money_follows_the_locale() {
        assert_eq!(money(Locale::Fr, dec!(1234.5)), "1\u{202F}234,50\u{A0}€");
        assert_eq!(money(Locale::En, dec!(1234.5)), "€1,234.50");
        assert_eq!(
            money(Locale::Fr, dec!(2500000)),
            "2\u{202F}500\u{202F}000\u{A0}€"
        );
        assert_eq!(money(Locale::En, dec!(-42)), "-€42");
    }

    #[test]
    fn percent_and_dates() {
        assert_eq!(percent(Locale::Fr, Percent::new(12.5), 1), "12,5\u{202F}%");
        assert_eq!(percent(Locale::En, Percent::new(12.5), 1), "12.5%");
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date(Locale::En, d), "23 Nov 2026");
        assert!(date(Locale::Fr, d).starts_with("23 nov"));
    }

    #[test]
    fn shares_are_fractions_and_read_as_percentages() {
        // The demo portfolio's figures of issue 10: 100 % fresh, 82 % validated, 16.5 % growth.
        assert_eq!(share(Locale::Fr, Share::new(1.0), 0), "100\u{202F}%");
        assert_eq!(share(Locale::Fr, Share::new(0.82), 0), "82\u{202F}%");
        assert_eq!(share(Locale::Fr, Share::new(0.165), 1), "16,5\u{202F}%");
        assert_eq!(share(Locale::En, Share::new(0.165), 1), "16.5%");
        assert_eq!(share(Locale::En, Share::new(-0.052), 1), "-5.2%");
        assert_eq!(share(Locale::Fr, Share::new(0.8), 1), "80\u{202F}%");
        // The CSV writes the same value in percent.
        assert_eq!(Share::new(0.165).csv(1), "16.5");
        assert_eq!(Share::new(0.82).csv(0), "82");
        assert_eq!(Percent::new(82.0).share(), Share::new(0.82));
        assert_eq!(Share::of(41.0, 50.0), Some(Share::new(0.82)));
        assert_eq!(Share::of(1.0, 0.0), None);
        // A percent already in percent is not multiplied again.
        assert_eq!(percent(Locale::En, Percent::new(82.0), 0), "82%");
        assert_eq!(Percent::new(95.0).csv(1), "95.0");
    }

    #[test]
    fn times_are_shown_in_the_organisations_zone() {
        use chrono::TimeZone;
        // 23:30 UTC on a winter evening is half past midnight the next day in Paris.
        let t = Utc.with_ymd_and_hms(2026, 1, 14, 23, 30, 0).unwrap();
        assert_eq!(
            datetime(Locale::Fr, t, Tz::Europe__Paris),
            "15 janv. 2026 à 00:30"
        );
        assert_eq!(
            datetime(Locale::En, t, Tz::Europe__Paris),
            "15 Jan 2026, 00:30"
        );
        assert_eq!(datetime(Locale::En, t, Tz::UTC), "14 Jan 2026, 23:30");
        // Summer time: two hours ahead.
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap();
        assert_eq!(
            datetime(Locale::En, summer, Tz::Europe__Paris),
            "1 Jul 2026, 10:00"
        );
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1\u{202F}234,5"), Some(1234.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1,2,3"), None);
        assert_eq!(parse_number("NaN"), None);
    }
}
