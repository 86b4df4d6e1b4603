//! Keeping everyone informed: an activity feed per account and in-app
//! notifications, both read from the audit trail. Each side sees only the events
//! about what it may see — for client users the filter is in SQL: events about
//! shared KPIs of their own account, and stage changes (without the internal reason).

use crate::authz;
use crate::sharing::CLIENT_SEES_SQL as CLIENT_SEES;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::accounts;
use crate::auth::extract::{AccountsUser, AnyUser, ClientUser};
use crate::domain::Frequency;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::period::Period;
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, see_other};

/// The actions that make the feed, in both sides' interest.
pub const FEED_ACTIONS: &[&str] = &[
    "kpi_value.created",
    "kpi_value.updated",
    "kpi_value.validated",
    "kpi_value.contested",
    "kpi_value.proposal_accepted",
    "kpi_value.kept",
    "kpi_value.commented",
    "account_kpi.created",
    "account_kpi.updated",
    "kpi_target.set",
    "account_kpi.visibility_changed",
    "kpi_target.proposed",
    "kpi_target.agreed",
    "kpi_target.declined",
    "account.stage_changed",
    "client.joined",
    "plan.created",
    "plan.updated",
    "plan.closed",
    "plan_objective.created",
    "plan_objective.updated",
    "plan_action.created",
    "plan_action.updated",
    "plan_risk.created",
];

/// Actions a client may see at all (KPI events are further limited to shared KPIs).
const CLIENT_ACTIONS: &[&str] = &[
    "kpi_value.created",
    "kpi_value.updated",
    "kpi_value.validated",
    "kpi_value.contested",
    "kpi_value.proposal_accepted",
    "kpi_value.kept",
    "kpi_value.commented",
    "kpi_target.set",
    "account_kpi.visibility_changed",
    "kpi_target.proposed",
    "kpi_target.agreed",
    "kpi_target.declined",
    "account.stage_changed",
];

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
    let actions: Vec<&str> = if client {
        CLIENT_ACTIONS.to_vec()
    } else {
        FEED_ACTIONS.to_vec()
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
                OR (k.id IS NOT NULL AND {CLIENT_SEES})) \
         ORDER BY l.id DESC LIMIT $4"
    ))
    .bind(accounts)
    .bind(&actions)
    .bind(client)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub struct EventView {
    pub id: i64,
    pub when: String,
    pub text: String,
    pub account_name: String,
    pub link: Option<String>,
    pub unread: bool,
}

pub fn view(ui: &Ui, e: &EventRow, portal: bool, seen: DateTime<Utc>) -> EventView {
    let locale = ui.locale;
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
    let key = format!("feed-{}", e.action.replace(['.', '_'], "-"));
    let text = ui.locale.t_args(
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
    EventView {
        id: e.id,
        when: ui.datetime(&e.at),
        text,
        account_name: e.account_name.clone().unwrap_or_default(),
        link,
        unread: e.at > seen,
    }
}

/// The accounts whose events reach a user: a client's own account; a KAM's
/// accounts; everything for directors and admins (None); nothing for contributors.
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
    let actions: Vec<&str> = if client {
        CLIENT_ACTIONS.to_vec()
    } else {
        FEED_ACTIONS.to_vec()
    };
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM audit_log l \
         LEFT JOIN accounts a ON a.id = l.account_id \
         LEFT JOIN account_kpis k ON k.id = CASE \
              WHEN l.entity = 'kpi_value' THEN nullif(split_part(l.entity_id, ':', 1), '')::bigint \
              WHEN l.entity = 'account_kpi' THEN l.entity_id::bigint END \
         WHERE l.account_id = ANY($1) AND l.action = ANY($2) AND l.at > $3 \
           AND l.actor_id IS DISTINCT FROM $4 \
           AND (NOT $5 OR l.action = 'account.stage_changed' \
                OR (k.id IS NOT NULL AND {CLIENT_SEES}))"
    ))
    .bind(scope.unwrap_or_default())
    .bind(&actions)
    .bind(user_seen(db, user.id).await?)
    .bind(user.id)
    .bind(client)
    .fetch_one(db)
    .await
}

async fn user_seen(db: &sqlx::PgPool, id: i64) -> sqlx::Result<DateTime<Utc>> {
    sqlx::query_scalar("SELECT feed_seen_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

#[derive(Template)]
#[template(path = "feed/feed.html")]
pub struct FeedPage {
    pub ui: Ui,
    pub title: String,
    pub events: Vec<EventView>,
    pub show_account: bool,
    pub mark_read: bool,
}

/// `/accounts/{id}/activity`: everything that happened on an account.
pub async fn account(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = events(&state.db, Some(&[id]), false, 200).await?;
    let seen = user_seen(&state.db, user.id).await?;
    let events = rows.iter().map(|e| view(&ui, e, false, seen)).collect();
    let title = format!("{} — {}", ui.t("feed-title"), account.name);
    render(&FeedPage {
        ui,
        title,
        events,
        show_account: false,
        mark_read: false,
    })
}

/// `/portal/activity`: the client's side of their account's feed.
pub async fn portal(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
) -> AppResult<Response> {
    let id = user.account_id.ok_or(AppError::NotFound)?;
    let rows = events(&state.db, Some(&[id]), true, 200).await?;
    let seen = user_seen(&state.db, user.id).await?;
    let events = rows.iter().map(|e| view(&ui, e, true, seen)).collect();
    let title = ui.t("feed-title");
    render(&FeedPage {
        ui,
        title,
        events,
        show_account: false,
        mark_read: true,
    })
}

/// `/notifications`: recent events on every account of the user, unread first marked.
pub async fn notifications(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
) -> AppResult<Response> {
    let scope = scope(&state.db, &user).await?;
    let client = authz::is_client(&user);
    let rows = events(&state.db, scope.as_deref(), client, 100).await?;
    let seen = user_seen(&state.db, user.id).await?;
    let events = rows.iter().map(|e| view(&ui, e, client, seen)).collect();
    let title = ui.t("notifications-title");
    render(&FeedPage {
        ui,
        title,
        events,
        show_account: !client,
        mark_read: true,
    })
}

/// `POST /notifications/read`: everything so far is read.
pub async fn mark_read(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
) -> AppResult<Response> {
    sqlx::query("UPDATE users SET feed_seen_at = now() WHERE id = $1")
        .bind(user.id)
        .execute(&state.db)
        .await?;
    flash::push(&ctx.session, flash::Kind::Info, "notifications-marked").await?;
    Ok(see_other("/notifications"))
}
