//! Keeping everyone informed: the events of the audit trail that are news, and
//! to whom. Each side sees only the events about what it may see — for client
//! users the filter is in SQL: events about shared KPIs of their own account, and
//! stage changes (without the internal reason), and changes to the plan's
//! objectives and actions shared with them. The pages are in `notifications`;
//! this module knows nothing of the web, so the page layout can count unread
//! events without a cycle.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::audit::Action;
use crate::authz::{
    self, CLIENT_SEES_PLAN_EVENT_SQL as CLIENT_SEES_PLAN, CLIENT_SEES_SQL as CLIENT_SEES,
};
use crate::domain::Frequency;
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
    let actions = codes(if client { CLIENT_ACTIONS } else { FEED_ACTIONS });
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
         ORDER BY l.id DESC LIMIT $4"
    ))
    .bind(accounts)
    .bind(&actions)
    .bind(client)
    .bind(limit)
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
