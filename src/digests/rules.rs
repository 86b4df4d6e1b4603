//! Which period a digest covers on a given day (pure): a daily digest, every
//! morning, covers the day before; a weekly one, on Mondays, the seven days
//! before. Periods are days of the organisation's time zone, `[from, until)`.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::domain::vocab;

vocab!(
    /// How often a person wants a digest.
    DigestFrequency, [], {
        Off => "off",
        Daily => "daily",
        Weekly => "weekly",
    }
);

/// The day of the week weekly digests go out.
pub const WEEKLY_ON: Weekday = Weekday::Mon;

/// The days a digest sent on `today` covers, or None when none is due today.
pub fn period(frequency: DigestFrequency, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let back = |n| today.checked_sub_days(Days::new(n));
    match frequency {
        DigestFrequency::Off => None,
        DigestFrequency::Daily => Some((back(1)?, today)),
        DigestFrequency::Weekly if today.weekday() == WEEKLY_ON => Some((back(7)?, today)),
        DigestFrequency::Weekly => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn daily_covers_yesterday_weekly_the_week_before_monday() {
        // 2026-12-07 is a Monday.
        assert_eq!(
            period(DigestFrequency::Daily, d(2026, 12, 9)),
            Some((d(2026, 12, 8), d(2026, 12, 9)))
        );
        assert_eq!(
            period(DigestFrequency::Weekly, d(2026, 12, 7)),
            Some((d(2026, 11, 30), d(2026, 12, 7)))
        );
        for day in 8..=13 {
            assert_eq!(period(DigestFrequency::Weekly, d(2026, 12, day)), None);
        }
        assert_eq!(period(DigestFrequency::Off, d(2026, 12, 7)), None);
    }
}
