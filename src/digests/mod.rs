//! Following accounts and e-mail digests (issue 14): each person chooses a daily
//! or weekly digest (or none) of what changed on the accounts they follow — KPIs
//! turning red, the client's validations and contests, negative words, overdue
//! requests and plan actions, reviews coming up.
//!
//! A digest is built from the feed's own queries (`feed::events_in` with
//! `feed::DIGEST_ACTIONS`, and `feed::attention::items`), with the feed's client
//! scope for client users, so it lists exactly what the notifications page lists
//! and never anything unshared. The daily pass (`requests::daily`) sends the
//! digests due that day, each recorded in `digests_sent` in the same transaction
//! as its queued e-mail: never two for one person and period.

pub mod follow;
pub mod rules;
pub mod settings;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;

use crate::authz;
use crate::error::AppError;
use crate::feed::{self, EventRow, Window, attention};
use crate::i18n::{Locale, format};
use crate::jobs::OutgoingMail;
use crate::state::AppState;
use crate::users::User;
use rules::DigestFrequency;

/// What one digest holds.
#[derive(Debug, Default)]
pub struct Digest {
    /// The feed's events of the period, newest first.
    pub events: Vec<EventRow>,
    /// What needs attention (`feed::attention`).
    pub items: Vec<attention::Item>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.items.is_empty()
    }
}

/// Midnight of `day` in the organisation's time zone, as an instant.
pub fn start_of(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The most events one digest lists (the rest are on the notifications page).
const MAX_EVENTS: i64 = 200;

/// The digest of `user` for the days `[from, until)`, as of `today`.
pub async fn build(
    conn: &mut PgConnection,
    user: &User,
    tz: Tz,
    (from, until): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> sqlx::Result<Digest> {
    let accounts = follow::followed(&mut *conn, user).await?;
    if accounts.is_empty() {
        return Ok(Digest::default());
    }
    let client = authz::is_client(user);
    let (from, until) = (start_of(tz, from), start_of(tz, until));
    let window = Window {
        accounts: Some(&accounts),
        client,
        from: Some(from),
        until: Some(until),
        only: Some(feed::DIGEST_ACTIONS),
    };
    let events = feed::events_in(&mut *conn, &window, MAX_EVENTS).await?;
    let scope = attention::Scope {
        accounts: &accounts,
        client,
        user_id: user.id,
        today,
        from,
        until,
    };
    let items = attention::items(&mut *conn, &scope).await?;
    Ok(Digest { events, items })
}

/// Sends the digests due on `today`, each once; how many were queued. Without a
/// mail server nothing is recorded (nothing could be sent).
pub async fn send_due(
    state: &AppState,
    conn: &mut PgConnection,
    today: NaiveDate,
) -> Result<usize, AppError> {
    if !state.jobs.mails() {
        return Ok(0);
    }
    let tz = crate::i18n::zone::current(&state.db).await?;
    let site = crate::requests::mails::site(&state.config);
    let wanted: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, digest FROM users WHERE active AND digest <> 'off' ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let mut sent = 0;
    for (id, frequency) in wanted {
        let Some(frequency) = DigestFrequency::parse(&frequency) else {
            continue;
        };
        let Some(period) = rules::period(frequency, today) else {
            continue;
        };
        let Some(user) = crate::users::find(&mut *conn, id).await? else {
            continue;
        };
        let digest = build(&mut *conn, &user, tz, period, today).await?;
        if digest.is_empty() {
            continue;
        }
        let claimed: Option<i32> = sqlx::query_scalar(
            "INSERT INTO digests_sent (user_id, period_from, period_until, frequency, items) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, period_from) DO NOTHING RETURNING 1",
        )
        .bind(user.id)
        .bind(period.0)
        .bind(period.1)
        .bind(frequency.code())
        .bind((digest.events.len() + digest.items.len()) as i32)
        .fetch_optional(&mut *conn)
        .await?;
        if claimed.is_none() {
            continue;
        }
        let locale = crate::requests::mails::locale_of(user.locale.as_deref());
        let mail = compose(locale, site.as_deref(), &user, period, &digest);
        state.jobs.send_mail(&mut *conn, &mail).await?;
        sent += 1;
    }
    Ok(sent)
}

fn link(site: Option<&str>, path: &str) -> String {
    format!("{}{path}", site.unwrap_or_default())
}

/// The e-mail, in `locale`, with a direct link on every line.
pub fn compose(
    locale: Locale,
    site: Option<&str>,
    user: &User,
    (from, until): (NaiveDate, NaiveDate),
    digest: &Digest,
) -> OutgoingMail {
    let portal = authz::is_client(user);
    let last = until.pred_opt().unwrap_or(until);
    let period = if last == from {
        format::date(locale, from)
    } else {
        locale.t_args(
            "digest-mail-period",
            &[
                ("from", format::date(locale, from).into()),
                ("until", format::date(locale, last).into()),
            ],
        )
    };
    let events = digest
        .events
        .iter()
        .map(|e| {
            let (text, href) = feed::words(locale, e, portal);
            let account = e.account_name.clone().unwrap_or_default();
            match href {
                Some(h) => format!("- {account} · {text}\n  {}", link(site, &h)),
                None => format!("- {account} · {text}"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let items = digest
        .items
        .iter()
        .map(|i| {
            let text = locale.t_args(
                &i.key(),
                &[
                    ("title", i.title(locale).to_owned().into()),
                    ("day", format::date(locale, i.day).into()),
                ],
            );
            format!(
                "- {} · {text}\n  {}",
                i.account_name,
                link(site, &i.link(portal))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let none = locale.t("digest-mail-nothing");
    OutgoingMail {
        kind: "digest".into(),
        to_name: user.name.clone(),
        to_email: user.email.clone(),
        subject: locale.t_args("digest-mail-subject", &[("period", period.clone().into())]),
        body: locale.t_args(
            "digest-mail-body",
            &[
                ("name", user.name.clone().into()),
                ("period", period.into()),
                (
                    "events",
                    if events.is_empty() {
                        none.clone()
                    } else {
                        events
                    }
                    .into(),
                ),
                ("items", if items.is_empty() { none } else { items }.into()),
                ("all", link(site, "/notifications").into()),
                ("settings", link(site, "/me/digest").into()),
            ],
        ),
    }
}
