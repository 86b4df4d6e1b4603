//! KPI periods: a month, a quarter or a year, identified by its first day.
//!
//! Codes are what people type and what URLs and CSV files carry:
//! monthly `2026-09`, quarterly `2026-Q3`, yearly `2026`. Storing the first day
//! (rather than the code) keeps periods sortable and comparable in SQL.

use chrono::{Datelike, NaiveDate};

use crate::domain::Frequency;
use crate::i18n::Locale;
use crate::i18n::format;

/// Years accepted in typed codes. Wide enough for any business history or plan,
/// narrow enough that a typo such as "20266" is refused rather than stored.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// One period of a KPI: `start` is always the first day of a month, quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub frequency: Frequency,
    pub start: NaiveDate,
}

/// Why a typed period code was refused. `Display` and [`PeriodError::key`] give
/// the translation key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not a period code at all (or a month 13, a year out of range…).
    #[error("period-invalid")]
    Invalid,
    /// A valid code, but of another frequency (a month typed for a quarterly KPI).
    #[error("period-wrong-frequency")]
    WrongFrequency,
}

impl PeriodError {
    /// The translation key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            PeriodError::Invalid => "period-invalid",
            PeriodError::WrongFrequency => "period-wrong-frequency",
        }
    }
}

/// Translation key of the code pattern to show next to a period input
/// ("period-format-monthly" | "period-format-quarterly" | "period-format-yearly").
pub fn format_hint(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Monthly => "period-format-monthly",
        Frequency::Quarterly => "period-format-quarterly",
        Frequency::Yearly => "period-format-yearly",
    }
}

/// Length of a period in months.
fn months_in(frequency: Frequency) -> i64 {
    match frequency {
        Frequency::Monthly => 1,
        Frequency::Quarterly => 3,
        Frequency::Yearly => 12,
    }
}

/// Months since year 0 of a date's month: makes period arithmetic plain integer arithmetic.
fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The first day of the month with the given index. Saturates at the limits of
/// `NaiveDate` (about ±262,000 years) so that `offset` never panics.
fn month_start(index: i64) -> NaiveDate {
    let lo = month_index(NaiveDate::MIN);
    let hi = month_index(NaiveDate::MAX);
    let index = index.clamp(lo, hi);
    let year = index.div_euclid(12) as i32;
    let month = index.rem_euclid(12) as u32 + 1;
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// Parses `min_len..=max_len` ASCII digits and nothing else (`str::parse` would also accept a sign).
fn digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Recognises a code of any frequency, so that `parse` can tell "not a period"
/// from "a period of the wrong kind".
fn recognise(code: &str) -> Option<Period> {
    let (year, rest) = match code.split_once('-') {
        Some((y, r)) => (y, Some(r)),
        None => (code, None),
    };
    let year = digits(year, 4, 4)? as i32;
    if !YEARS.contains(&year) {
        return None;
    }
    let (frequency, month) = match rest {
        None => (Frequency::Yearly, 1),
        Some(r) => match r.strip_prefix(['Q', 'q']) {
            Some(q) => match digits(q, 1, 1)? {
                q @ 1..=4 => (Frequency::Quarterly, (q - 1) * 3 + 1),
                _ => return None,
            },
            None => match digits(r, 1, 2)? {
                m @ 1..=12 => (Frequency::Monthly, m),
                _ => return None,
            },
        },
    };
    Some(Period {
        frequency,
        start: NaiveDate::from_ymd_opt(year, month, 1)?,
    })
}

impl Period {
    /// Parses a typed code (surrounding spaces ignored): `2026-09` or `2026-9`
    /// (monthly), `2026-Q3` or `2026-q3` (quarterly), `2026` (yearly); years 1900 to 2200.
    /// A valid code of another frequency is `WrongFrequency`, so that the form can
    /// say which shape it expects instead of just "invalid".
    pub fn parse(frequency: Frequency, code: &str) -> Result<Period, PeriodError> {
        let period = recognise(code.trim()).ok_or(PeriodError::Invalid)?;
        if period.frequency == frequency {
            Ok(period)
        } else {
            Err(PeriodError::WrongFrequency)
        }
    }

    /// The period of this frequency that contains `date`.
    pub fn containing(frequency: Frequency, date: NaiveDate) -> Period {
        let index = month_index(date);
        let k = months_in(frequency);
        // Quarters and years are aligned on January: floor the month index to a multiple.
        let start = month_start(index.div_euclid(k) * k);
        Period { frequency, start }
    }

    /// The period starting on `start`; `None` unless `start` is the first day of
    /// such a period (a database row with a misaligned date is refused, not rounded).
    pub fn from_start(frequency: Frequency, start: NaiveDate) -> Option<Period> {
        let p = Period::containing(frequency, start);
        (p.start == start).then_some(p)
    }

    /// The code: `2026-09`, `2026-Q3` or `2026`.
    pub fn code(&self) -> String {
        let y = self.start.year();
        match self.frequency {
            Frequency::Monthly => format!("{y:04}-{:02}", self.start.month()),
            Frequency::Quarterly => format!("{y:04}-Q{}", self.start.month0() / 3 + 1),
            Frequency::Yearly => format!("{y:04}"),
        }
    }

    /// The first day of the month in which the period ends: the month a lock
    /// must cover for the period's value to be locked (`locks`, and the SQL
    /// function `period_closing_month` of migration 0020).
    pub fn closing_month(&self) -> NaiveDate {
        let end = self.end();
        NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end)
    }

    /// The last day of the period.
    pub fn end(&self) -> NaiveDate {
        let next = month_start(month_index(self.start) + months_in(self.frequency));
        next.pred_opt().unwrap_or(next)
    }

    pub fn next(&self) -> Period {
        self.offset(1)
    }

    pub fn prev(&self) -> Period {
        self.offset(-1)
    }

    /// The period `n` periods later (earlier when `n` is negative).
    pub fn offset(&self, n: i32) -> Period {
        self.offset_by(i64::from(n))
    }

    fn offset_by(&self, n: i64) -> Period {
        let index =
            month_index(self.start).saturating_add(n.saturating_mul(months_in(self.frequency)));
        // Re-align after saturating at the calendar's limits.
        Period::containing(self.frequency, month_start(index))
    }

    /// The name shown to people: "sept. 2026" / "Sep 2026", "T3 2026" / "Q3 2026", "2026".
    pub fn label(&self, locale: Locale) -> String {
        let y = self.start.year();
        match self.frequency {
            Frequency::Monthly => format::month(locale, self.start),
            Frequency::Quarterly => {
                // French says "trimestre": T1…T4.
                let letter = match locale {
                    Locale::Fr => 'T',
                    Locale::En => 'Q',
                };
                format!("{letter}{} {y}", self.start.month0() / 3 + 1)
            }
            Frequency::Yearly => format!("{y}"),
        }
    }

    /// The `n` periods ending with this one, oldest first (empty when `n` is 0).
    pub fn last_n(self, n: usize) -> Vec<Period> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        (0..n).rev().map(|back| self.offset_by(-back)).collect()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

/// Whole months from the end of `period_end`'s month to `as_of`
/// (0 if `as_of` is in the same month or earlier).
///
/// The end of a month is the first day of the next one, so with a September value:
/// as of any day of October → 0, as of 1–30 November → 1 (October has gone by),
/// as of 1 December → 2. Formula: `max(0, month(as_of) − month(period_end) − 1)`
/// counting months since year 0.
pub fn months_between(period_end: NaiveDate, as_of: NaiveDate) -> u32 {
    let diff = month_index(as_of) - month_index(period_end) - 1;
    u32::try_from(diff.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(f: Frequency, y: i32, m: u32) -> Period {
        Period {
            frequency: f,
            start: d(y, m, 1),
        }
    }

    use Frequency::{Monthly, Quarterly, Yearly};

    #[test]
    fn parses_each_frequency() {
        assert_eq!(Period::parse(Monthly, "2026-09"), Ok(p(Monthly, 2026, 9)));
        assert_eq!(Period::parse(Monthly, " 2026-9 "), Ok(p(Monthly, 2026, 9)));
        assert_eq!(
            Period::parse(Quarterly, "2026-Q3"),
            Ok(p(Quarterly, 2026, 7))
        );
        assert_eq!(
            Period::parse(Quarterly, "2026-q1"),
            Ok(p(Quarterly, 2026, 1))
        );
        assert_eq!(Period::parse(Yearly, "2026"), Ok(p(Yearly, 2026, 1)));
        assert_eq!(Period::parse(Yearly, "1900"), Ok(p(Yearly, 1900, 1)));
        assert_eq!(Period::parse(Yearly, "2200"), Ok(p(Yearly, 2200, 1)));
    }

    #[test]
    fn a_code_of_another_frequency_is_wrong_frequency() {
        assert_eq!(
            Period::parse(Quarterly, "2026-09"),
            Err(PeriodError::WrongFrequency)
        );
        assert_eq!(
            Period::parse(Monthly, "2026"),
            Err(PeriodError::WrongFrequency)
        );
        assert_eq!(
            Period::parse(Monthly, "2026-Q3"),
            Err(PeriodError::WrongFrequency)
        );
        assert_eq!(
            Period::parse(Yearly, "2026-01"),
            Err(PeriodError::WrongFrequency)
        );
    }

    #[test]
    fn garbage_is_invalid() {
        for code in [
            "",
            " ",
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-Q",
            "26-09",
            "2026-009",
            "2026-+9",
            "+2026",
            "1899",
            "2201",
            "2026-09-01",
            "abcd",
            "2026-",
            "-2026",
            "２０２６",
        ] {
            assert_eq!(
                Period::parse(Monthly, code),
                Err(PeriodError::Invalid),
                "{code:?}"
            );
        }
        assert_eq!(
            Period::parse(Quarterly, "2026-13"),
            Err(PeriodError::Invalid)
        );
    }

    #[test]
    fn error_keys_are_translation_keys() {
        assert_eq!(PeriodError::Invalid.key(), "period-invalid");
        assert_eq!(PeriodError::WrongFrequency.key(), "period-wrong-frequency");
        assert_eq!(PeriodError::Invalid.to_string(), "period-invalid");
        assert_eq!(
            PeriodError::WrongFrequency.to_string(),
            PeriodError::WrongFrequency.key()
        );
    }

    #[test]
    fn format_hints_are_translation_keys() {
        assert_eq!(format_hint(Monthly), "period-format-monthly");
        assert_eq!(format_hint(Quarterly), "period-format-quarterly");
        assert_eq!(format_hint(Yearly), "period-format-yearly");
    }

    #[test]
    fn containing_aligns_on_the_first_day() {
        assert_eq!(
            Period::containing(Monthly, d(2026, 9, 17)),
            p(Monthly, 2026, 9)
        );
        assert_eq!(
            Period::containing(Quarterly, d(2026, 9, 30)),
            p(Quarterly, 2026, 7)
        );
        assert_eq!(
            Period::containing(Quarterly, d(2026, 10, 1)),
            p(Quarterly, 2026, 10)
        );
        assert_eq!(
            Period::containing(Quarterly, d(2026, 3, 31)),
            p(Quarterly, 2026, 1)
        );
        assert_eq!(
            Period::containing(Yearly, d(2026, 12, 31)),
            p(Yearly, 2026, 1)
        );
    }

    #[test]
    fn from_start_requires_a_first_day() {
        assert_eq!(
            Period::from_start(Monthly, d(2026, 9, 1)),
            Some(p(Monthly, 2026, 9))
        );
        assert_eq!(Period::from_start(Monthly, d(2026, 9, 2)), None);
        assert_eq!(
            Period::from_start(Quarterly, d(2026, 7, 1)),
            Some(p(Quarterly, 2026, 7))
        );
        assert_eq!(Period::from_start(Quarterly, d(2026, 8, 1)), None);
        assert_eq!(
            Period::from_start(Yearly, d(2026, 1, 1)),
            Some(p(Yearly, 2026, 1))
        );
        assert_eq!(Period::from_start(Yearly, d(2026, 2, 1)), None);
    }

    #[test]
    fn codes_round_trip() {
        assert_eq!(p(Monthly, 2026, 9).code(), "2026-09");
        assert_eq!(p(Quarterly, 2026, 10).code(), "2026-Q4");
        assert_eq!(p(Yearly, 2026, 1).code(), "2026");
        assert_eq!(p(Monthly, 2026, 1).to_string(), "2026-01");
        let mut month = p(Monthly, 1999, 1);
        for _ in 0..40 {
            assert_eq!(Period::parse(Monthly, &month.code()), Ok(month));
            month = month.next();
        }
        for q in p(Quarterly, 2027, 10).last_n(9) {
            assert_eq!(Period::parse(Quarterly, &q.code()), Ok(q));
        }
    }

    #[test]
    fn ends_are_last_days() {
        assert_eq!(p(Monthly, 2026, 2).end(), d(2026, 2, 28));
        assert_eq!(p(Monthly, 2028, 2).end(), d(2028, 2, 29));
        assert_eq!(p(Monthly, 2026, 12).end(), d(2026, 12, 31));
        assert_eq!(p(Quarterly, 2026, 7).end(), d(2026, 9, 30));
        assert_eq!(p(Quarterly, 2026, 10).end(), d(2026, 12, 31));
        assert_eq!(p(Yearly, 2026, 1).end(), d(2026, 12, 31));
    }

    #[test]
    fn next_prev_and_offset_cross_years() {
        assert_eq!(p(Monthly, 2026, 12).next(), p(Monthly, 2027, 1));
        assert_eq!(p(Monthly, 2026, 1).prev(), p(Monthly, 2025, 12));
        assert_eq!(p(Quarterly, 2026, 10).next(), p(Quarterly, 2027, 1));
        assert_eq!(p(Quarterly, 2026, 1).prev(), p(Quarterly, 2025, 10));
        assert_eq!(p(Yearly, 2026, 1).next(), p(Yearly, 2027, 1));
        assert_eq!(p(Monthly, 2026, 9).offset(-21), p(Monthly, 2024, 12));
        assert_eq!(p(Quarterly, 2026, 7).offset(6), p(Quarterly, 2028, 1));
        assert_eq!(p(Yearly, 2026, 1).offset(0), p(Yearly, 2026, 1));
        // Absurd offsets saturate instead of panicking.
        let far = p(Monthly, 2026, 9).offset(i32::MAX);
        assert_eq!(far.start.day(), 1);
        let far = p(Yearly, 2026, 1).offset(i32::MIN);
        assert_eq!(Period::from_start(Yearly, far.start), Some(far));
    }

    #[test]
    fn labels_follow_the_locale() {
        assert_eq!(p(Monthly, 2026, 9).label(Locale::En), "Sep 2026");
        assert_eq!(p(Monthly, 2026, 9).label(Locale::Fr), "sept. 2026");
        assert_eq!(p(Quarterly, 2026, 7).label(Locale::Fr), "T3 2026");
        assert_eq!(p(Quarterly, 2026, 7).label(Locale::En), "Q3 2026");
        assert_eq!(p(Yearly, 2026, 1).label(Locale::Fr), "2026");
    }

    #[test]
    fn last_n_is_oldest_first_and_ends_with_self() {
        let sep = p(Monthly, 2026, 2);
        assert_eq!(
            sep.last_n(3),
            vec![
                p(Monthly, 2025, 12),
                p(Monthly, 2026, 1),
                p(Monthly, 2026, 2)
            ]
        );
        assert_eq!(sep.last_n(1), vec![sep]);
        assert!(sep.last_n(0).is_empty());
        assert_eq!(
            p(Quarterly, 2026, 1).last_n(2),
            vec![p(Quarterly, 2025, 10), p(Quarterly, 2026, 1)]
        );
    }

    #[test]
    fn months_between_counts_whole_months_after_the_period() {
        let sep_end = d(2026, 9, 30);
        assert_eq!(months_between(sep_end, d(2026, 9, 30)), 0);
        assert_eq!(months_between(sep_end, d(2026, 8, 1)), 0);
        assert_eq!(months_between(sep_end, d(2026, 10, 31)), 0);
        assert_eq!(months_between(sep_end, d(2026, 11, 1)), 1);
        assert_eq!(months_between(sep_end, d(2026, 11, 30)), 1);
        assert_eq!(months_between(sep_end, d(2026, 12, 1)), 2);
        assert_eq!(months_between(sep_end, d(2027, 10, 1)), 12);
        // Only the month of period_end matters.
        assert_eq!(months_between(d(2026, 9, 15), d(2026, 12, 1)), 2);
        assert_eq!(months_between(d(2025, 12, 31), d(2026, 2, 1)), 1);
    }
}
