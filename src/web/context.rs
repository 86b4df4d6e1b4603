//! The request context: who is asking, from where, in which language. Computed once
//! per request by `middleware` and read by extractors, layout and error pages.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use tower_sessions::Session;

use crate::audit::Actor;
use crate::auth::keys;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::users::{self, User};

#[derive(Clone)]
pub struct RequestCtx {
    pub user: Option<Arc<User>>,
    pub locale: Locale,
    pub ip: Option<IpAddr>,
    pub session: Session,
}

impl RequestCtx {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.as_ref().map(|u| u.id),
            email: self.user.as_ref().map(|u| u.email.clone()),
            ip: self.ip,
            token_id: None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("request context middleware missing"))
            })
    }
}

/// Loads the session's user (dropping dead sessions), the client address and the
/// locale, and leaves them in the request's extensions.
pub async fn middleware(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let session = req
        .extensions()
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("session layer missing")))?;

    let user = current_user(&state, &session).await?;
    crate::web::session_store::keep_alive(&session).await?;
    if let Some(u) = &user {
        tracing::Span::current().record("user_id", u.id);
    }
    let ip = client_ip(&req, state.config.trust_proxy);
    let locale = resolve_locale(user.as_deref(), &session, req.headers()).await;

    req.extensions_mut().insert(RequestCtx {
        user,
        locale,
        ip,
        session,
    });
    Ok(next.run(req).await)
}

async fn current_user(state: &AppState, session: &Session) -> Result<Option<Arc<User>>, AppError> {
    let Some(uid) = session.get::<i64>(keys::USER_ID).await? else {
        return Ok(None);
    };
    let auth_at = session.get::<i64>(keys::AUTH_AT).await?.unwrap_or(0);
    let user = users::find(&state.db, uid).await?;
    let max_age_micros = state.config.session_max_hours * 3_600_000_000;
    let now = Utc::now().timestamp_micros();
    let alive = user.as_ref().is_some_and(|u| {
        u.active
            && auth_at >= u.sessions_valid_after.timestamp_micros()
            && now - auth_at <= max_age_micros
    });
    if alive {
        Ok(user.map(Arc::new))
    } else {
        // Revoked, deactivated, password changed, or too old: end it for good.
        session.flush().await?;
        Ok(None)
    }
}

fn client_ip(req: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The user's choice, else the anonymous visitor's choice, else the browser's
/// Accept-Language, else French.
async fn resolve_locale(user: Option<&User>, session: &Session, headers: &HeaderMap) -> Locale {
    if let Some(l) = user.and_then(User::locale) {
        return l;
    }
    if let Ok(Some(code)) = session.get::<String>(keys::LANG).await
        && let Some(l) = Locale::parse(&code)
    {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}
