//! The rules of data requests, pure: when a value is due, what state a request is
//! in on a given day, which reminders a day calls for. No I/O; the pages, the CSV,
//! the daily pass and the completion counts all read them from here.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::period::Period;

/// A scheduled request is due this many working days after its period ends.
pub const WORKING_DAYS_AFTER_PERIOD: u32 = 5;
/// The owner is reminded this many days before the due date.
pub const REMIND_DAYS_BEFORE: u64 = 2;
/// The KAM is told once a request is this many days late.
pub const ESCALATE_AFTER_DAYS: u64 = 3;

/// `n` working days (Monday to Friday) after `day`.
pub fn working_days_after(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

/// The default due date of a period's value: five working days after it ends.
pub fn default_due(period: &Period) -> NaiveDate {
    working_days_after(period.end(), WORKING_DAYS_AFTER_PERIOD)
}

/// Where a request stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Not answered, not due yet (or due today).
    Open,
    /// Not answered and past its due date: the value is missing.
    Missing,
    /// Answered on or before the due date.
    OnTime,
    /// Answered after the due date.
    Late,
}

impl Status {
    pub fn of(fulfilled_on: Option<NaiveDate>, due_on: NaiveDate, today: NaiveDate) -> Status {
        match fulfilled_on {
            Some(d) if d <= due_on => Status::OnTime,
            Some(_) => Status::Late,
            None if today > due_on => Status::Missing,
            None => Status::Open,
        }
    }

    pub const ALL: [Status; 4] = [Status::OnTime, Status::Late, Status::Missing, Status::Open];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Missing => "missing",
            Status::OnTime => "on_time",
            Status::Late => "late",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "request-status-open",
            Status::Missing => "request-status-missing",
            Status::OnTime => "request-status-on-time",
            Status::Late => "request-status-late",
        }
    }

    /// The badge (with its own shape per status: never colour alone).
    pub fn badge(self) -> &'static str {
        match self {
            Status::Open => "badge--info",
            Status::Missing => "badge--red",
            Status::OnTime => "badge--green",
            Status::Late => "badge--amber",
        }
    }
}

/// A reminder of a request; each is sent at most once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// To the owner, a couple of days before the due date.
    Before,
    /// To the owner, on the due date.
    Due,
    /// To the owner, once late.
    Late,
    /// To the KAM, once the request is `ESCALATE_AFTER_DAYS` late.
    Escalation,
}

impl Reminder {
    pub fn code(self) -> &'static str {
        match self {
            Reminder::Before => "before",
            Reminder::Due => "due",
            Reminder::Late => "late",
            Reminder::Escalation => "escalation",
        }
    }
}

/// The reminders an open request calls for on `today`. A day the daily pass
/// missed is not made up with a burst: the owner gets the one that fits today.
pub fn reminders(due_on: NaiveDate, today: NaiveDate) -> Vec<Reminder> {
    let mut out = Vec::new();
    let before_from = due_on
        .checked_sub_days(Days::new(REMIND_DAYS_BEFORE))
        .unwrap_or(due_on);
    if today >= before_from && today < due_on {
        out.push(Reminder::Before);
    } else if today == due_on {
        out.push(Reminder::Due);
    } else if today > due_on {
        out.push(Reminder::Late);
        let escalate_from = due_on
            .checked_add_days(Days::new(ESCALATE_AFTER_DAYS))
            .unwrap_or(due_on);
        if today >= escalate_from {
            out.push(Reminder::Escalation);
        }
    }
    out
}

/// Why a request cannot be made (translation keys), checked before writing.
pub fn check_due(period: &Period, due_on: NaiveDate) -> Result<(), &'static str> {
    if due_on <= period.end() {
        Err("request-due-before-period-end")
    } else {
        Ok(())
    }
}

/// The month's counts of each status, in `Status::ALL` order.
pub fn counts<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> [usize; 4] {
    let mut c = [0; 4];
    for s in statuses {
        if let Some(i) = Status::ALL.iter().position(|x| x == s) {
            c[i] += 1;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Frequency;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn five_working_days_after_month_end_skip_weekends() {
        // November 2026 ends on a Monday: due the next Monday.
        let nov = Period::parse(Frequency::Monthly, "2026-11").unwrap();
        assert_eq!(default_due(&nov), d(2026, 12, 7));
        // October 2026 ends on a Saturday: Mon..Fri of the next week.
        let oct = Period::parse(Frequency::Monthly, "2026-10").unwrap();
        assert_eq!(default_due(&oct), d(2026, 11, 6));
    }

    #[test]
    fn statuses_on_a_day() {
        let due = d(2026, 12, 7);
        assert_eq!(Status::of(None, due, d(2026, 12, 7)), Status::Open);
        assert_eq!(Status::of(None, due, d(2026, 12, 8)), Status::Missing);
        assert_eq!(Status::of(Some(due), due, d(2026, 12, 20)), Status::OnTime);
        assert_eq!(
            Status::of(Some(d(2026, 12, 8)), due, d(2026, 12, 8)),
            Status::Late
        );
    }

    #[test]
    fn reminders_before_on_and_after_the_due_date_then_escalation() {
        let due = d(2026, 12, 7);
        assert!(reminders(due, d(2026, 12, 4)).is_empty());
        assert_eq!(reminders(due, d(2026, 12, 5)), vec![Reminder::Before]);
        assert_eq!(reminders(due, d(2026, 12, 6)), vec![Reminder::Before]);
        assert_eq!(reminders(due, d(2026, 12, 7)), vec![Reminder::Due]);
        assert_eq!(reminders(due, d(2026, 12, 8)), vec![Reminder::Late]);
        assert_eq!(
            reminders(due, d(2026, 12, 10)),
            vec![Reminder::Late, Reminder::Escalation]
        );
    }

    #[test]
    fn a_due_date_must_be_after_the_period() {
        let nov = Period::parse(Frequency::Monthly, "2026-11").unwrap();
        assert!(check_due(&nov, d(2026, 11, 30)).is_err());
        assert!(check_due(&nov, d(2026, 11, 15)).is_err());
        assert!(check_due(&nov, d(2026, 12, 1)).is_ok());
    }
}
