//! The layout context every page carries: user, role, locale, CSRF token, flash
//! messages and navigation. Built by an extractor so handlers just ask for it.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::error::AppError;
use crate::i18n::{Locale, format};
use crate::state::AppState;
use crate::users::{Role, User};
use crate::web::context::RequestCtx;
use crate::web::{csrf, flash};

pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub current: bool,
}

pub struct Ui {
    pub locale: Locale,
    pub user: Option<Arc<User>>,
    pub csrf: String,
    pub flashes: Vec<flash::Flash>,
    /// Path and query of this page, to come back to after a language switch.
    pub here: String,
    pub nav: Vec<NavItem>,
    /// Unread events for the notifications badge (KAMs and client users).
    pub unread: i64,
    /// The organisation's time zone: every date-time is shown in it.
    pub tz: Tz,
}

impl Ui {
    pub async fn build(ctx: &RequestCtx, path: &str, here: String) -> Result<Self, AppError> {
        let csrf = csrf::token(&ctx.session).await?;
        let flashes = flash::take(&ctx.session).await?;
        let nav = ctx
            .user
            .as_ref()
            .map(|u| nav_for(u.role, path))
            .unwrap_or_default();
        Ok(Self {
            locale: ctx.locale,
            user: ctx.user.clone(),
            csrf,
            flashes,
            here,
            nav,
            unread: 0,
            tz: crate::i18n::zone::DEFAULT,
        })
    }

    /// A layout context without a session (the API): what shared view code needs
    /// to word and format figures in `locale`, in the organisation's time zone.
    pub fn plain(locale: Locale, user: Arc<User>, tz: Tz) -> Self {
        Self {
            locale,
            user: Some(user),
            csrf: String::new(),
            flashes: Vec::new(),
            here: String::new(),
            nav: Vec::new(),
            unread: 0,
            tz,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    /// A one-use token for a form that creates something (see `web::once`).
    pub fn form_token(&self) -> String {
        crate::web::once::new_token()
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.locale.code() == code
    }

    pub fn role_label(&self) -> String {
        self.user
            .as_ref()
            .map(|u| self.t(u.role.label_key()))
            .unwrap_or_default()
    }

    pub fn num(&self, v: f64, decimals: usize) -> String {
        format::number(self.locale, v, decimals)
    }

    pub fn money(&self, v: &Decimal) -> String {
        format::money(self.locale, *v)
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        format::date(self.locale, *d)
    }

    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        format::datetime(self.locale, *t, self.tz)
    }

    /// The day a timestamp falls on in the organisation's time zone.
    pub fn date_of(&self, t: &DateTime<Utc>) -> String {
        format::date(self.locale, t.with_timezone(&self.tz).date_naive())
    }

    pub fn role_name(&self, role: &Role) -> String {
        self.t(role.label_key())
    }
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = RequestCtx::from_request_parts(parts, state).await?;
        let here = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let mut ui = Ui::build(&ctx, parts.uri.path(), here).await?;
        ui.tz = crate::i18n::zone::current(&state.db).await?;
        if let Some(user) = &ctx.user {
            ui.unread = crate::feed::unread(&state.db, user).await?;
        }
        Ok(ui)
    }
}

/// The navigation of each role: only what the role may open.
fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    crate::authz::menu(role)
        .iter()
        .map(|(href, label_key)| NavItem {
            href,
            label_key,
            current: path == *href || path.starts_with(&format!("{href}/")),
        })
        .collect()
}
