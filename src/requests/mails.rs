//! The e-mails of data requests, written in the recipient's language with a direct
//! link: the request itself, the owner's reminders, the KAM's escalation. Pure
//! composition; queued by the caller (`jobs::Jobs::send_mail`).

use chrono::NaiveDate;

use crate::config::Config;
use crate::i18n::{Locale, format};
use crate::jobs::OutgoingMail;
use crate::requests::rules::Reminder;

/// The address links start with: the public URL, or in the demo the listen
/// address; None otherwise (the e-mail then names the page without a link).
pub fn site(config: &Config) -> Option<String> {
    match &config.public_url {
        Some(u) => Some(u.as_str().trim_end_matches('/').to_owned()),
        None if config.links_from_host => Some(format!("http://{}", config.listen)),
        None => None,
    }
}

fn link(site: Option<&str>, path: &str) -> String {
    format!("{}{path}", site.unwrap_or_default())
}

pub fn locale_of(code: Option<&str>) -> Locale {
    code.and_then(Locale::parse).unwrap_or(Locale::Fr)
}

/// One line per KPI asked for: "- On-time delivery (November 2026)".
pub struct Item {
    pub kpi: String,
    pub period: String,
}

/// The request, to its owner: every KPI asked of them on one account at once.
#[allow(clippy::too_many_arguments)]
pub fn request(
    locale: Locale,
    site: Option<&str>,
    to_name: &str,
    to_email: &str,
    asked_by: &str,
    account: &str,
    items: &[Item],
    due_on: NaiveDate,
    note: &str,
) -> OutgoingMail {
    let list = items
        .iter()
        .map(|i| format!("- {} ({})", i.kpi, i.period))
        .collect::<Vec<_>>()
        .join("\n");
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("\n« {note} »\n")
    };
    OutgoingMail {
        kind: "request".into(),
        to_name: to_name.to_owned(),
        to_email: to_email.to_owned(),
        subject: locale.t_args(
            "request-mail-subject",
            &[("account", account.to_owned().into())],
        ),
        body: locale.t_args(
            "request-mail-body",
            &[
                ("name", to_name.to_owned().into()),
                ("asked_by", asked_by.to_owned().into()),
                ("account", account.to_owned().into()),
                ("items", list.into()),
                ("due", format::date(locale, due_on).into()),
                ("note", note.into()),
                ("link", link(site, "/inbox").into()),
                ("settings", link(site, "/me/reminders").into()),
            ],
        ),
    }
}

/// What a reminder is about.
pub struct About<'a> {
    pub request_id: i64,
    pub account_id: i64,
    pub account: &'a str,
    pub kpi: String,
    pub period: String,
    pub month_code: String,
    pub due_on: NaiveDate,
    pub owner_name: &'a str,
}

/// A reminder to the owner (before, on, after the due date) or the escalation to
/// the KAM, in `locale`.
pub fn reminder(
    kind: Reminder,
    locale: Locale,
    site: Option<&str>,
    to_name: &str,
    to_email: &str,
    about: &About<'_>,
) -> OutgoingMail {
    let key = kind.code();
    let target = match kind {
        Reminder::Escalation => link(
            site,
            &format!(
                "/accounts/{}/requests?period={}",
                about.account_id, about.month_code
            ),
        ),
        _ => link(site, &format!("/inbox#request-{}", about.request_id)),
    };
    let args = [
        ("name", to_name.to_owned().into()),
        ("owner", about.owner_name.to_owned().into()),
        ("account", about.account.to_owned().into()),
        ("kpi", about.kpi.clone().into()),
        ("period", about.period.clone().into()),
        ("due", format::date(locale, about.due_on).into()),
        ("link", target.into()),
        ("settings", link(site, "/me/reminders").into()),
    ];
    OutgoingMail {
        kind: format!("reminder-{key}"),
        to_name: to_name.to_owned(),
        to_email: to_email.to_owned(),
        subject: locale.t_args(&format!("reminder-{key}-subject"), &args),
        body: locale.t_args(&format!("reminder-{key}-body"), &args),
    }
}
