//! Keeping everyone informed: the events of the audit trail that are news, and
//! to whom. Each side sees only the events about what it may see — for client
//! users the filter is in SQL: events about shared KPIs of their own account, and
//! stage changes (without the internal reason), and changes to the plan's
//! objectives and actions shared with them. The pages are in `notifications`;
//! this module knows nothing of the web, so the page layout can count unread
//! events without a cycle.

pub mod attention;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::audit::Action;
use crate::authz::{
    self, CLIENT_SEES_PLAN_EVENT_SQL as CLIENT_SEES_PLAN, CLIENT_SEES_SQL as CLIENT_SEES,
};
use crate::domain::Frequency;
use crate::i18n::Locale;
use crate::period::Period;
use crate::users::User;

/// The actions that make the feed, in both sides' interest.
pub const FEED_ACTIONS: &[Action] = &[
    Action::KpiValueCreated,
    Action::KpiValueUpdated,
    Action::KpiValueValidated,
    Action::KpiValueContested,
    Action::KpiValueProposalAccepted,
    Action::KpiValueKept,
    Action::KpiValueCommented,
    Action::AccountKpiCreated,
    Action::AccountKpiUpdated,
    Action::KpiTargetSet,
    Action::AccountKpiVisibilityChanged,
    Action::KpiTargetProposed,
    Action::KpiTargetAgreed,
    Action::KpiTargetDeclined,
    Action::AccountStageChanged,
    Action::ClientJoined,
    Action::PlanCreated,
    Action::PlanUpdated,
    Action::PlanClosed,
    Action::PlanObjectiveCreated,
    Action::PlanObjectiveUpdated,
    Action::PlanActionCreated,
    Action::PlanActionUpdated,
    Action::PlanRiskCreated,
    Action::PlanRiskUpdated,
    Action::WhitespaceCellSet,
    Action::WhitespaceImported,
    Action::WhitespaceAxisAdded,
    Action::KpiTurnedRed,
];

/// The feed events a digest reports (`digests`): a KPI turning red, the client's
/// validations and contests and how they were settled. A subset of the feed, read
/// through the same query, so the e-mail and the notifications cannot disagree.
pub const DIGEST_ACTIONS: &[Action] = &[
    Action::KpiTurnedRed,
    Action::KpiValueValidated,
    Action::KpiValueContested,
    Action::KpiValueProposalAccepted,
    Action::KpiValueKept,
];

/// Actions a client may see at all (KPI events are further limited to shared KPIs).
const CLIENT_ACTIONS: &[Action] = &[
    Action::KpiValueCreated,
    Action::KpiValueUpdated,
    Action::KpiValueValidated,
    Action::KpiValueContested,
    Action::KpiValueProposalAccepted,
    Action::KpiValueKept,
    Action::KpiValueCommented,
    Action::KpiTargetSet,
    Action::AccountKpiVisibilityChanged,
    Action::KpiTargetProposed,
    Action::KpiTargetAgreed,
    Action::KpiTargetDeclined,
    Action::AccountStageChanged,
    Action::KpiTurnedRed,
    // Shared plan items only (`CLIENT_SEES_PLAN`).
    Action::PlanObjectiveCreated,
    Action::PlanObjectiveUpdated,
    Action::PlanActionCreated,
    Action::PlanActionUpdated,
];

fn codes(actions: &[Action]) -> Vec<&'static str> {
    actions.iter().map(|a| a.code()).collect()
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub who: Option<String>,
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub kpi_id: Option<i64>,
    pub name_fr: Option<String>,
    pub name_en: Option<String>,
    pub frequency: Option<Frequency>,
    pub period: Option<String>,
    pub stage: Option<i32>,
}

/// Events of the accounts in `accounts` (None: every account), newest first. With
/// `client`, only what a client user may see.
pub async fn events(
    db: impl PgExecutor<'_>,
    accounts: Option<&[i64]>,
    client: bool,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    events_in(db, &Window::all(accounts, client), limit).await
}

/// Which events a query reads: accounts, audience, time and kinds.
pub struct Window<'a> {
    /// None: every account.
    pub accounts: Option<&'a [i64]>,
    /// Only what a client user of the account may see.
    pub client: bool,
    /// `[from, until)`; None: unbounded.
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only these actions (they must be feed actions); None: the whole feed.
    pub only: Option<&'a [Action]>,
}

impl<'a> Window<'a> {
    pub fn all(accounts: Option<&'a [i64]>, client: bool) -> Self {
        Window {
            accounts,
            client,
            from: None,
            until: None,
            only: None,
        }
    }
}

/// The feed's one query: events in `w`, newest first. The pages, the unread
/// badge's scope and the digests all read it.
pub async fn events_in(
    db: impl PgExecutor<'_>,
    w: &Window<'_>,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    let feed = if w.client {
        CLIENT_ACTIONS
    } else {
        FEED_ACTIONS
    };
    let actions: Vec<&str> = match w.only {
        Some(only) => feed
            .iter()
            .filter(|a| only.contains(a))
            .map(|a| a.code())
            .collect(),
        None => codes(feed),
    };
    sqlx::query_as(&format!(
        "SELECT l.id, l.at, l.action, coalesce(u.name, l.actor_email) AS who, l.account_id, a.name AS account_name, \
                k.id AS kpi_id, k.name_fr, k.name_en, k.frequency, \
                CASE WHEN l.entity = 'kpi_value' THEN split_part(l.entity_id, ':', 2) END AS period, \
                (l.after ->> 'stage')::int AS stage \
         FROM audit_log l \
         LEFT JOIN users u ON u.id = l.actor_id \
         LEFT JOIN accounts a ON a.id = l.account_id \
         LEFT JOIN account_kpis k ON k.id = CASE \
              WHEN l.entity = 'kpi_value' THEN nullif(split_part(l.entity_id, ':', 1), '')::bigint \
              WHEN l.entity = 'account_kpi' THEN l.entity_id::bigint END \
         WHERE l.account_id IS NOT NULL \
           AND ($1::bigint[] IS NULL OR l.account_id = ANY($1)) \
           AND l.action = ANY($2) \
           AND (NOT $3 OR l.action = 'account.stage_changed' \
                OR (k.id IS NOT NULL AND {CLIENT_SEES}) OR ({CLIENT_SEES_PLAN})) \
           AND ($5::timestamptz IS NULL OR l.at >= $5) \
           AND ($6::timestamptz IS NULL OR l.at < $6) \
         ORDER BY l.id DESC LIMIT $4"
    ))
    .bind(w.accounts)
    .bind(&actions)
    .bind(w.client)
    .bind(limit)
    .bind(w.from)
    .bind(w.until)
    .fetch_all(db)
    .await
}

pub async fn scope(db: impl PgExecutor<'_>, user: &User) -> sqlx::Result<Option<Vec<i64>>> {
    if authz::is_client(user) {
        return Ok(Some(user.account_id.into_iter().collect()));
    }
    match authz::member_filter(user) {
        None => Ok(None),
        filter => sqlx::query_scalar(&format!(
            "SELECT id FROM accounts a WHERE {}",
            authz::sees_account_sql(1)
        ))
        .bind(filter)
        .fetch_all(db)
        .await
        .map(Some),
    }
}

/// Unread events for the navigation badge (others' actions since the user last read).
pub async fn unread(db: &sqlx::PgPool, user: &User) -> sqlx::Result<i64> {
    if !authz::follows_feed(user) {
        return Ok(0);
    }
    let scope = scope(db, user).await?;
    let client = authz::is_client(user);
    let actions = codes(if client { CLIENT_ACTIONS } else { FEED_ACTIONS });
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM audit_log l \
         LEFT JOIN accounts a ON a.id = l.account_id \
         LEFT JOIN account_kpis k ON k.id = CASE \
              WHEN l.entity = 'kpi_value' THEN nullif(split_part(l.entity_id, ':', 1), '')::bigint \
              WHEN l.entity = 'account_kpi' THEN l.entity_id::bigint END \
         WHERE l.account_id = ANY($1) AND l.action = ANY($2) AND l.at > $3 \
           AND l.actor_id IS DISTINCT FROM $4 \
           AND (NOT $5 OR l.action = 'account.stage_changed' \
                OR (k.id IS NOT NULL AND {CLIENT_SEES}) OR ({CLIENT_SEES_PLAN}))"
    ))
    .bind(scope.unwrap_or_default())
    .bind(&actions)
    .bind(user_seen(db, user.id).await?)
    .bind(user.id)
    .bind(client)
    .fetch_one(db)
    .await
}

pub async fn user_seen(db: &sqlx::PgPool, id: i64) -> sqlx::Result<DateTime<Utc>> {
    sqlx::query_scalar("SELECT feed_seen_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

/// An event in words, in `locale`, and the page it links to (the portal's pages
/// for a client user): the notifications and the digests word it the same way.
pub fn words(locale: Locale, e: &EventRow, portal: bool) -> (String, Option<String>) {
    let kpi = match locale {
        Locale::Fr => e.name_fr.clone(),
        Locale::En => e.name_en.clone(),
    }
    .unwrap_or_default();
    let period = match (e.frequency, e.period.as_deref()) {
        (Some(f), Some(p)) => NaiveDate::parse_from_str(p, "%Y-%m-%d")
            .ok()
            .and_then(|d| Period::from_start(f, d))
            .map(|p| p.label(locale))
            .unwrap_or_default(),
        _ => String::new(),
    };
    // Only feed actions are selected; an unknown code would show its raw key.
    let key = Action::parse(&e.action)
        .map(Action::feed_key)
        .unwrap_or_else(|| e.action.clone());
    let text = locale.t_args(
        &key,
        &[
            (
                "who",
                e.who.clone().unwrap_or_else(|| "Boussole".into()).into(),
            ),
            ("kpi", kpi.into()),
            ("period", period.into()),
            ("stage", i64::from(e.stage.unwrap_or(0)).into()),
        ],
    );
    let link = match (e.kpi_id, e.account_id) {
        (Some(k), _) if portal => Some(format!("/portal/kpis/{k}")),
        (Some(k), Some(a)) => Some(format!("/accounts/{a}/kpis/{k}")),
        (None, Some(a)) if !portal => Some(format!("/accounts/{a}")),
        _ => None,
    };
    (text, link)
}
