//! Network depth of an account: how many people we really talk to, in how
//! many functions, and whether that includes the people who decide.
//!
//! A relationship carried by one buyer is fragile (the buyer leaves, the
//! account leaves); breadth across functions and engaged decision makers is
//! what a key account plan aims for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A contact counts as engaged if the last engagement is at most this many days
/// old: half a year, so a half-yearly business review keeps a contact engaged.
pub const ENGAGED_WITHIN_DAYS: i64 = 183;

pub use super::vocab::{Attitude, Influence};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    /// Free text (purchasing, R&D, finance…); compared trimmed and case-insensitively.
    pub function: String,
    pub influence: Influence,
    pub attitude: Attitude,
    pub last_engaged: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Depth {
    /// Contacts engaged within [`ENGAGED_WITHIN_DAYS`] of `today`.
    pub engaged: usize,
    /// Distinct non-empty functions among engaged contacts.
    pub functions_covered: usize,
    pub decision_makers_engaged: usize,
    pub total: usize,
    /// All detractors, engaged or not: a dormant detractor still votes.
    pub detractors: usize,
    /// Engaged champions: a champion we no longer talk to champions nothing.
    pub champions_engaged: usize,
}

/// Whether the contact was engaged in the window ending `today` (inclusive).
/// A date after `today` is not an engagement: it is a planned meeting, or a
/// typo, and counting it would flatter the network.
pub fn is_engaged(contact: &Contact, today: NaiveDate) -> bool {
    contact
        .last_engaged
        .is_some_and(|d| (0..=ENGAGED_WITHIN_DAYS).contains(&(today - d).num_days()))
}

pub fn depth(contacts: &[Contact], today: NaiveDate) -> Depth {
    let engaged: Vec<&Contact> = contacts.iter().filter(|c| is_engaged(c, today)).collect();
    let functions: HashSet<String> = engaged
        .iter()
        .map(|c| c.function.trim().to_lowercase())
        .filter(|f| !f.is_empty())
        .collect();
    Depth {
        engaged: engaged.len(),
        functions_covered: functions.len(),
        decision_makers_engaged: engaged
            .iter()
            .filter(|c| c.influence == Influence::DecisionMaker)
            .count(),
        total: contacts.len(),
        detractors: contacts
            .iter()
            .filter(|c| c.attitude == Attitude::Detractor)
            .count(),
        champions_engaged: engaged
            .iter()
            .filter(|c| c.attitude == Attitude::Champion)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn contact(
        id: i64,
        function: &str,
        influence: Influence,
        attitude: Attitude,
        last: Option<NaiveDate>,
    ) -> Contact {
        Contact {
            id,
            function: function.into(),
            influence,
            attitude,
            last_engaged: last,
        }
    }

    #[test]
    fn engagement_window_is_183_days_inclusive() {
        let today = day(2025, 7, 1);
        let c = |d| contact(1, "x", Influence::User, Attitude::Neutral, Some(d));
        assert!(is_engaged(&c(today), today));
        assert!(is_engaged(&c(day(2024, 12, 30)), today)); // 183 days
        assert!(!is_engaged(&c(day(2024, 12, 29)), today)); // 184 days
        assert!(!is_engaged(&c(day(2025, 7, 2)), today), "future");
        assert!(!is_engaged(
            &contact(1, "x", Influence::User, Attitude::Neutral, None),
            today
        ));
    }

    #[test]
    fn depth_counts() {
        use Attitude::*;
        use Influence::*;
        let today = day(2025, 3, 31);
        let recent = Some(day(2025, 2, 1));
        let old = Some(day(2023, 1, 1));
        let contacts = [
            contact(1, "Purchasing", DecisionMaker, Champion, recent),
            contact(2, " purchasing ", User, Supporter, recent),
            contact(3, "R&D", Influencer, Detractor, recent),
            contact(4, "Finance", DecisionMaker, Champion, old),
            contact(5, "", User, Neutral, recent),
            contact(6, "Quality", Influencer, Detractor, None),
        ];
        assert_eq!(
            depth(&contacts, today),
            Depth {
                engaged: 4,
                functions_covered: 2, // purchasing, r&d; empty ignored
                decision_makers_engaged: 1,
                total: 6,
                detractors: 2,
                champions_engaged: 1,
            }
        );
    }

    #[test]
    fn empty_network() {
        let d = depth(&[], day(2025, 1, 1));
        assert_eq!((d.total, d.engaged, d.functions_covered), (0, 0, 0));
    }

    proptest! {
        #[test]
        fn counts_are_nested(
            raw in prop::collection::vec((0u8..4, 0u8..3, 0u8..4, prop::option::of(-30i64..400)), 0..40)
        ) {
            let today = day(2025, 6, 15);
            let contacts: Vec<Contact> = raw.iter().enumerate().map(|(i, &(f, inf, att, ago))| Contact {
                id: i as i64,
                function: ["Sales", "R&D", "Finance", " "][f as usize].into(),
                influence: [Influence::DecisionMaker, Influence::Influencer, Influence::User][inf as usize],
                attitude: [Attitude::Champion, Attitude::Supporter, Attitude::Neutral, Attitude::Detractor][att as usize],
                last_engaged: ago.map(|a| today - chrono::Duration::days(a)),
            }).collect();
            let d = depth(&contacts, today);
            prop_assert!(d.engaged <= d.total && d.detractors <= d.total);
            prop_assert!(d.functions_covered <= d.engaged.min(3));
            prop_assert!(d.decision_makers_engaged <= d.engaged && d.champions_engaged <= d.engaged);
        }
    }
}
