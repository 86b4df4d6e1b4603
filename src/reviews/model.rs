//! Business reviews, pure: the kinds of meeting, the client's fiscal calendar
//! (quarters from `accounts.fiscal_start_month`), the proposed next date (two
//! weeks after the quarter — or the fiscal year — ends) and the review form's
//! validation. No I/O: the handlers pass in what the choices must come from.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::plan::check::{Errors, Fields};

crate::domain::vocab!(
    /// What kind of meeting a review is.
    ReviewKind, [], {
        Qbr => "qbr",
        Steering => "steering",
        Annual => "annual",
    }
);

/// Days after the covered period's end a review is proposed (the cadence).
pub const DAYS_AFTER_PERIOD: u64 = 14;
pub const TITLE_MAX: usize = 200;
pub const AGENDA_MAX: usize = 4000;
pub const MINUTES_MAX: usize = 8000;
pub const DECISION_MAX: usize = 500;
pub const COMMENT_MAX: usize = 2000;

/// The fiscal quarter containing `day`, first and last day, for a fiscal year
/// starting in `start_month` (1: calendar quarters).
pub fn fiscal_quarter(day: NaiveDate, start_month: u32) -> (NaiveDate, NaiveDate) {
    let start_month = start_month.clamp(1, 12);
    // Months since the fiscal year's start, 0..12.
    let offset = (day.month() + 12 - start_month) % 12;
    let first_month0 = offset / 3 * 3;
    let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).expect("first of a month")
        - Months::new(offset - first_month0);
    let last = first + Months::new(3) - Days::new(1);
    (first, last)
}

/// The fiscal year containing `day`.
pub fn fiscal_year(day: NaiveDate, start_month: u32) -> (NaiveDate, NaiveDate) {
    let year = crate::plan::model::period_year(day, start_month);
    crate::plan::model::period(year, start_month).expect("a valid fiscal year")
}

/// The next review the calendar proposes after `today`: the first period (a
/// fiscal quarter, or the fiscal year for an annual review) whose end plus
/// `DAYS_AFTER_PERIOD` falls after today, with that date. Returns
/// (date, period_start, period_end).
pub fn proposed(
    today: NaiveDate,
    start_month: u32,
    kind: ReviewKind,
) -> (NaiveDate, NaiveDate, NaiveDate) {
    let period_of = |d: NaiveDate| match kind {
        ReviewKind::Annual => fiscal_year(d, start_month),
        ReviewKind::Qbr | ReviewKind::Steering => fiscal_quarter(d, start_month),
    };
    // The period that ended last (before today's), then the following ones.
    let (current_start, _) = period_of(today);
    let mut period = period_of(current_start - Days::new(1));
    loop {
        let date = period.1 + Days::new(DAYS_AFTER_PERIOD);
        if date > today {
            return (date, period.0, period.1);
        }
        period = period_of(period.1 + Days::new(1));
    }
}

/// A review as typed: kept to show again on refusal.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub period_start: String,
    pub period_end: String,
    pub agenda: String,
    pub decisions_sought: String,
    /// `u:<id>` or `c:<id>` of the ticked participants.
    pub participants: Vec<String>,
}

impl ReviewInput {
    pub fn from_fields(f: &Fields) -> Self {
        ReviewInput {
            kind: f.get("kind"),
            title: f.get("title"),
            held_on: f.get("held_on"),
            period_start: f.get("period_start"),
            period_end: f.get("period_end"),
            agenda: f.get("agenda"),
            decisions_sought: f.get("decisions_sought"),
            participants: f.all("participant"),
        }
    }

    pub fn ticks(&self, value: &str) -> bool {
        self.participants.iter().any(|p| p == value)
    }
}

/// A review checked, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub kind: ReviewKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub agenda: String,
    pub decisions_sought: String,
    pub users: Vec<i64>,
    pub contacts: Vec<i64>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Validates a review. `allowed`: the `u:`/`c:` values this account offers (its
/// team's users, its own contacts); `earliest`: the first acceptable meeting
/// date (today for a new review; a review being edited keeps its own date).
pub fn check(i: &ReviewInput, allowed: &[String], earliest: NaiveDate) -> Result<Checked, Errors> {
    let mut e: Errors = Vec::new();
    let kind = ReviewKind::parse(&i.kind);
    if kind.is_none() {
        e.push(("kind", "kpi-choose-from-list"));
    }
    let title = i.title.trim().to_owned();
    if title.is_empty() {
        e.push(("title", "field-required"));
    } else if title.chars().count() > TITLE_MAX {
        e.push(("title", "plan-error-too-long"));
    }
    let held_on = match date(&i.held_on) {
        None => {
            e.push(("held_on", "date-invalid"));
            None
        }
        Some(d) if d < earliest => {
            e.push(("held_on", "review-error-past"));
            None
        }
        Some(d) => Some(d),
    };
    let (start, end) = (date(&i.period_start), date(&i.period_end));
    if start.is_none() {
        e.push(("period_start", "date-invalid"));
    }
    match (start, end) {
        (_, None) => e.push(("period_end", "date-invalid")),
        (Some(s), Some(x)) if x < s => e.push(("period_end", "review-error-period")),
        _ => {}
    }
    if i.agenda.chars().count() > AGENDA_MAX {
        e.push(("agenda", "plan-error-too-long"));
    }
    if i.decisions_sought.chars().count() > AGENDA_MAX {
        e.push(("decisions_sought", "plan-error-too-long"));
    }
    let mut users = Vec::new();
    let mut contacts = Vec::new();
    for p in &i.participants {
        let p = p.trim();
        match crate::plan::check::Owner::parse(p) {
            Some(owner) if allowed.iter().any(|a| a == p) => match owner {
                crate::plan::check::Owner::User(id) => users.push(id),
                crate::plan::check::Owner::Contact(id) => contacts.push(id),
            },
            _ => {
                e.push(("participants", "review-error-participant"));
                break;
            }
        }
    }
    users.sort_unstable();
    users.dedup();
    contacts.sort_unstable();
    contacts.dedup();
    match (kind, held_on, start, end) {
        (Some(kind), Some(held_on), Some(period_start), Some(period_end)) if e.is_empty() => {
            Ok(Checked {
                kind,
                title,
                held_on,
                period_start,
                period_end,
                agenda: i.agenda.trim().to_owned(),
                decisions_sought: i.decisions_sought.trim().to_owned(),
                users,
                contacts,
            })
        }
        _ => Err(e),
    }
}

/// The non-empty lines of a text (agenda items, decisions sought).
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_quarters_and_fiscal_quarters() {
        assert_eq!(
            fiscal_quarter(d(2026, 12, 7), 1),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        // A fiscal year from April: Q3 is October–December, Q4 January–March.
        assert_eq!(
            fiscal_quarter(d(2026, 12, 7), 4),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(
            fiscal_quarter(d(2027, 2, 1), 4),
            (d(2027, 1, 1), d(2027, 3, 31))
        );
        // From July: August is in the first quarter (July–September).
        assert_eq!(
            fiscal_quarter(d(2026, 8, 15), 7),
            (d(2026, 7, 1), d(2026, 9, 30))
        );
        // From February: January belongs to the last quarter, November–January.
        assert_eq!(
            fiscal_quarter(d(2027, 1, 10), 2),
            (d(2026, 11, 1), d(2027, 1, 31))
        );
    }

    #[test]
    fn the_next_review_is_two_weeks_after_a_quarter_ends() {
        // Early December: Q3 ended 30 September, its review (14 October) is past;
        // the next is 14 January for the quarter ending 31 December.
        assert_eq!(
            proposed(d(2026, 12, 7), 1, ReviewKind::Qbr),
            (d(2027, 1, 14), d(2026, 10, 1), d(2026, 12, 31))
        );
        // On 5 January, the review of the quarter just ended is still ahead.
        assert_eq!(
            proposed(d(2027, 1, 5), 1, ReviewKind::Qbr),
            (d(2027, 1, 14), d(2026, 10, 1), d(2026, 12, 31))
        );
        // A fiscal year from February: quarters end in January, April, July, October.
        assert_eq!(
            proposed(d(2026, 12, 7), 2, ReviewKind::Steering),
            (d(2027, 2, 14), d(2026, 11, 1), d(2027, 1, 31))
        );
        // Annual: two weeks after the fiscal year ends.
        assert_eq!(
            proposed(d(2026, 12, 7), 4, ReviewKind::Annual),
            (d(2027, 4, 14), d(2026, 4, 1), d(2027, 3, 31))
        );
    }

    fn input() -> ReviewInput {
        ReviewInput {
            kind: "qbr".into(),
            title: "QBR T4".into(),
            held_on: "2027-01-14".into(),
            period_start: "2026-10-01".into(),
            period_end: "2026-12-31".into(),
            agenda: "Scores\nPlan".into(),
            decisions_sought: String::new(),
            participants: vec!["u:1".into(), "c:7".into()],
        }
    }

    #[test]
    fn a_review_is_checked() {
        let allowed = vec!["u:1".to_owned(), "c:7".to_owned()];
        let ok = check(&input(), &allowed, d(2026, 12, 7)).unwrap();
        assert_eq!((ok.users, ok.contacts), (vec![1], vec![7]));
        // A new meeting in the past.
        let e = check(&input(), &allowed, d(2027, 2, 1)).unwrap_err();
        assert!(e.contains(&("held_on", "review-error-past")));
        // A contact the account does not offer (another account's).
        let mut other = input();
        other.participants.push("c:99".into());
        let e = check(&other, &allowed, d(2026, 12, 7)).unwrap_err();
        assert!(e.contains(&("participants", "review-error-participant")));
        // A period that ends before it starts.
        let mut back = input();
        back.period_end = "2026-09-01".into();
        let e = check(&back, &allowed, d(2026, 12, 7)).unwrap_err();
        assert!(e.contains(&("period_end", "review-error-period")));
    }

    #[test]
    fn lines_drop_bullets_and_blanks() {
        assert_eq!(lines("- a\n\n• b \n c"), vec!["a", "b", "c"]);
    }
}
