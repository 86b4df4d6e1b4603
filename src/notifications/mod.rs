//! The activity feed of an account, the client's feed in the portal, and the
//! notifications page with its "mark as read": the events of `feed`, worded.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};

use crate::accounts::VisibleAccount;
use crate::audit::Action;
use crate::auth::extract::{AnyUser, ClientUser};
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::feed::{EventRow, events, scope, user_seen};
use crate::i18n::Locale;
use crate::period::Period;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, see_other};

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
    // Only feed actions are selected; an unknown code would show its raw key.
    let key = Action::parse(&e.action)
        .map(Action::feed_key)
        .unwrap_or_else(|| e.action.clone());
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
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let id = account.id;
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
