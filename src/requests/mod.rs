//! Data requests (issue 14): a KPI's owner is asked for its value for a period, by
//! a due date, by the KAM (`/accounts/{id}/requests`) or by the daily schedule
//! (`daily`). The inbox lists open requests by due date and answering there (any
//! saved value, in fact) fulfils the request. Completion per account and for the
//! director (`/requests`): on time, late, missing, open, per owner. Reminders and
//! the KAM's escalation go by e-mail through the job queue.

pub mod account;
pub mod daily;
pub mod mails;
pub mod overview;
pub mod rules;
pub mod settings;
pub mod store;

use chrono::NaiveDate;

use crate::domain::Frequency;
use crate::i18n::Locale;
use crate::period::Period;
use crate::web::layout::Ui;
use rules::Status;
use store::RequestRow;

/// The month a page shows: `?period=YYYY-MM`, else the previous month (the one
/// whose figures are being collected).
pub fn month_of(query: Option<&str>, today: NaiveDate) -> Period {
    query
        .and_then(|q| Period::parse(Frequency::Monthly, q).ok())
        .unwrap_or_else(|| Period::containing(Frequency::Monthly, today).prev())
}

/// One line of a completion table: someone's (or an account's) requests by status.
pub struct Completion {
    pub label: String,
    /// In `Status::ALL` order: on time, late, missing, open.
    pub counts: [usize; 4],
}

impl Completion {
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    pub fn count(&self, s: &Status) -> usize {
        Status::ALL
            .iter()
            .position(|x| x == s)
            .map(|i| self.counts[i])
            .unwrap_or(0)
    }
}

/// Completion lines grouped by `key` (label), in the order first met, plus the total.
pub fn completion<'a>(
    rows: &'a [RequestRow],
    today: NaiveDate,
    key: impl Fn(&'a RequestRow) -> &'a str,
    total_label: String,
) -> (Vec<Completion>, Completion) {
    let mut lines: Vec<(String, Vec<Status>)> = Vec::new();
    for r in rows {
        let k = key(r);
        let s = r.status(today);
        match lines.iter_mut().find(|(l, _)| l == k) {
            Some((_, v)) => v.push(s),
            None => lines.push((k.to_owned(), vec![s])),
        }
    }
    let all: Vec<Status> = rows.iter().map(|r| r.status(today)).collect();
    (
        lines
            .into_iter()
            .map(|(label, v)| Completion {
                label,
                counts: rules::counts(&v),
            })
            .collect(),
        Completion {
            label: total_label,
            counts: rules::counts(&all),
        },
    )
}

/// A request as the tables show it.
pub struct RequestView {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub kpi_id: i64,
    pub kpi: String,
    pub period_code: String,
    pub period_label: String,
    pub owner: String,
    pub due: String,
    pub due_iso: String,
    pub status: Status,
    pub answered: Option<String>,
    pub requested_by: String,
    pub note: String,
}

pub fn view(ui: &Ui, r: &RequestRow, today: NaiveDate) -> RequestView {
    let period = r.period();
    RequestView {
        id: r.id,
        account_id: r.account_id,
        account_name: r.account_name.clone(),
        kpi_id: r.kpi_id,
        kpi: r.kpi_name(ui.locale),
        period_code: period.code(),
        period_label: period.label(ui.locale),
        owner: r.owner_name.clone(),
        due: ui.date(&r.due_on),
        due_iso: r.due_on.to_string(),
        status: r.status(today),
        answered: r.fulfilled_at.as_ref().map(|t| ui.datetime(t)),
        requested_by: r
            .requested_by_name
            .clone()
            .unwrap_or_else(|| ui.t("request-by-schedule")),
        note: r.note.clone(),
    }
}

/// The CSV header of request tables, and a row (same values as the page).
pub fn csv_header(locale: Locale) -> Vec<String> {
    [
        "col-account",
        "col-kpi",
        "request-col-period",
        "request-col-owner",
        "request-col-due",
        "col-status",
        "request-col-answered",
        "request-col-by",
        "request-col-note",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect()
}

pub fn csv_row(ui: &Ui, v: &RequestView) -> Vec<String> {
    vec![
        v.account_name.clone(),
        v.kpi.clone(),
        v.period_code.clone(),
        v.owner.clone(),
        v.due_iso.clone(),
        ui.t(v.status.key()),
        v.answered.clone().unwrap_or_default(),
        v.requested_by.clone(),
        v.note.clone(),
    ]
}
