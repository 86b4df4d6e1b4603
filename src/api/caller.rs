//! Who is calling the API: `Authorization: Bearer <secret>` → the token → its user.
//! The token acts as that user (role, accounts, client rules all from `authz` and
//! the queries the pages use); it can only narrow them (read-only scope, account
//! limit). Refusals: 401 for a missing, unknown, expired or revoked token or an
//! inactive user; 429 with Retry-After past the per-token rate.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{StatusCode, header, request::Parts};
use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};

use super::problem::Problem;
use super::token::{self, Token};
use crate::audit::Actor;
use crate::authz::{self, Area};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::users::{self, User};

/// One GCRA bucket per token id, in this process (each instance limits on its own:
/// N instances allow N times the rate, which the README says).
pub struct Limiter(
    RateLimiter<i64, governor::state::keyed::DefaultKeyedStateStore<i64>, DefaultClock>,
);

impl Limiter {
    pub fn new(per_minute: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        let burst = NonZeroU32::new((per_minute / 10).max(10).min(per_minute)).expect("at least 1");
        Self(RateLimiter::keyed(
            Quota::per_minute(rate).allow_burst(burst),
        ))
    }

    /// None if the token may go on, else the seconds to wait.
    pub fn check(&self, token_id: i64) -> Option<u64> {
        match self.0.check_key(&token_id) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Some(wait.as_secs() + 1)
            }
        }
    }
}

#[derive(Clone)]
pub struct Caller {
    pub token: Token,
    pub user: Arc<User>,
    pub locale: Locale,
    pub ip: Option<IpAddr>,
}

impl Caller {
    /// The audit trail's actor: the user, and the token the change came through.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            email: Some(self.user.email.clone()),
            ip: self.ip,
            token_id: Some(self.token.id),
        }
    }

    /// Writes need the token's write scope (403: the token, not the resource, lacks it).
    pub fn require_write(&self) -> Result<(), Problem> {
        if self.token.can_write {
            Ok(())
        } else {
            Err(Problem::new(StatusCode::FORBIDDEN, "api-scope-write"))
        }
    }

    /// The role family decides, as for the pages (`authz::allows`).
    pub fn require(&self, area: Area) -> Result<(), Problem> {
        if authz::allows(self.user.role, area) {
            Ok(())
        } else {
            Err(Problem::new(StatusCode::FORBIDDEN, "error-forbidden"))
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim())
        .filter(|s| !s.is_empty() && s.len() <= 200)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let unauthorized = |key| Problem::new(StatusCode::UNAUTHORIZED, key);
        let secret = bearer(parts).ok_or_else(|| unauthorized("api-token-missing"))?;
        let t = token::find_by_secret(&state.db, secret)
            .await?
            .ok_or_else(|| unauthorized("api-token-invalid"))?;
        let now = Utc::now();
        if !t.alive(now) {
            return Err(unauthorized(if t.revoked_at.is_some() {
                "api-token-revoked"
            } else {
                "api-token-expired"
            }));
        }
        let user = users::find(&state.db, t.user_id)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| unauthorized("api-token-invalid"))?;
        if let Some(wait) = state.api_limiter.check(t.id) {
            let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "api-rate-limited")
                .arg("seconds", wait);
            p.retry_after = Some(wait);
            return Err(p);
        }
        token::touch(&state.db, &t, now).await?;
        tracing::Span::current().record("user_id", user.id);
        let locale = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Locale::from_accept_language)
            .or_else(|| user.locale())
            .unwrap_or_default();
        let ip = client_ip(parts, state.config.trust_proxy);
        Ok(Caller {
            token: t,
            user: Arc::new(user),
            locale,
            ip,
        })
    }
}

fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_past_its_burst_waits_and_others_do_not() {
        let l = Limiter::new(60);
        for _ in 0..10 {
            assert_eq!(l.check(1), None);
        }
        let wait = l.check(1).expect("the eleventh request in a row waits");
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(l.check(2), None, "another token has its own bucket");
    }
}
