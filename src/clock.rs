//! The one place time-dependent rules read "today" from (data requests, due dates,
//! reminders). In production it is the calendar; a test sets it, so no test sleeps
//! or depends on the day it runs.

use std::sync::RwLock;

use chrono::{NaiveDate, Utc};

#[derive(Debug, Default)]
pub struct Clock {
    fixed: RwLock<Option<NaiveDate>>,
}

impl Clock {
    /// Today's date (UTC), or the date a test set.
    pub fn today(&self) -> NaiveDate {
        self.fixed
            .read()
            .ok()
            .and_then(|f| *f)
            .unwrap_or_else(|| Utc::now().date_naive())
    }

    /// Fixes "today" (tests, and a demo that must look the same any day).
    pub fn set_today(&self, day: NaiveDate) {
        if let Ok(mut f) = self.fixed.write() {
            *f = Some(day);
        }
    }
}
