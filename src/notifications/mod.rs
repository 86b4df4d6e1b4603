//! The activity feed of an account, the client's feed in the portal, and the
//! notifications page with its "mark as read": the events of `feed`, worded.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::accounts::VisibleAccount;
use crate::auth::extract::{AnyUser, ClientUser};
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::feed::{EventRow, attention, events, scope, user_seen, words};
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
    let (text, link) = words(ui.locale, e, portal);
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
    /// `/notifications` only: what needs attention on the followed accounts, the
    /// same items as the digest (`feed::attention`).
    pub attention: Option<Vec<ItemView>>,
}

pub struct ItemView {
    pub kind: String,
    pub text: String,
    pub account_name: String,
    pub link: String,
}

/// What needs attention on the accounts `user` follows, as the digest says it:
/// overdue as of the app's today, negative words of the last seven days.
async fn attention_of(
    state: &AppState,
    ui: &Ui,
    user: &crate::users::User,
) -> AppResult<Vec<ItemView>> {
    let accounts = crate::digests::follow::followed(&state.db, user).await?;
    let client = authz::is_client(user);
    let until = Utc::now();
    let scope = attention::Scope {
        accounts: &accounts,
        client,
        user_id: user.id,
        today: state.clock.today(),
        from: until - chrono::Duration::days(7),
        until,
    };
    let items = attention::items(&state.db, &scope).await?;
    Ok(items
        .iter()
        .map(|i| ItemView {
            kind: i.kind.clone(),
            text: ui.locale.t_args(
                &i.key(),
                &[
                    ("title", i.title(ui.locale).to_owned().into()),
                    ("day", ui.date(&i.day).into()),
                ],
            ),
            account_name: i.account_name.clone(),
            link: i.link(client),
        })
        .collect())
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
        attention: None,
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
        attention: None,
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
    let attention = Some(attention_of(&state, &ui, &user).await?);
    render(&FeedPage {
        ui,
        title,
        events,
        show_account: !client,
        mark_read: true,
        attention,
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
