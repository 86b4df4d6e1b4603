//! Cross-site request forgery protection for every state-changing request.
//!
//! Two independent checks, both in one middleware so no route can forget them:
//! 1. Fetch metadata / Origin: a browser says where a request comes from; anything
//!    but same-origin is refused.
//! 2. A per-session synchronizer token, sent as the `_csrf` form field, the
//!    `X-CSRF-Token` header (htmx), or the `_csrf` query parameter (multipart uploads,
//!    whose bodies we do not buffer here).
//!
//! Written here rather than taken from a crate: the crates on offer use a cookie
//! double-submit and leave each handler to verify, which is exactly the check a new
//! route forgets. This way protection is the default.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tower_sessions::Session;

use crate::audit;
use crate::auth::keys;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::context::RequestCtx;

pub const FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";
/// Forms larger than this are not ours (uploads use multipart and the query token).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(keys::CSRF).await? {
        return Ok(t);
    }
    let t = new_token();
    session.insert(keys::CSRF, &t).await?;
    Ok(t)
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub async fn protect(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    let ctx = req.extensions().get::<RequestCtx>().cloned();
    let Some(ctx) = ctx else {
        return Err(AppError::internal(anyhow::anyhow!(
            "request context missing"
        )));
    };
    if !same_origin(req.headers(), state.config.public_url.as_ref()) {
        return refuse(&state, &ctx, &req_summary(&req), "cross-origin").await;
    }
    let expected = ctx.session.get::<String>(keys::CSRF).await?;
    let (req, provided) = provided_token(req).await?;
    let ok = match (expected, provided) {
        (Some(e), Some(p)) => constant_time_eq(e.as_bytes(), p.as_bytes()),
        _ => false,
    };
    if !ok {
        return refuse(&state, &ctx, &req_summary(&req), "bad-token").await;
    }
    Ok(next.run(req).await)
}

/// Method and path: what the audit row says of a refused request.
fn req_summary(req: &Request) -> (String, String) {
    (
        req.method().as_str().to_owned(),
        req.uri().path().to_owned(),
    )
}

async fn refuse(
    state: &AppState,
    ctx: &RequestCtx,
    req: &(String, String),
    why: &str,
) -> Result<Response, AppError> {
    let (method, path) = req;
    tracing::warn!(reason = why, path = %path, "CSRF check refused a request");
    audit::record(
        &state.db,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SecurityCsrfRefused).after(serde_json::json!({
            "method": method,
            "path": path,
            "reason": why,
        })),
    )
    .await?;
    Err(AppError::CsrfRefused)
}

/// True unless the browser tells us the request comes from another site.
fn same_origin(headers: &HeaderMap, public_url: Option<&url::Url>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Non-browser clients send no Origin; the token check still applies.
        return true;
    };
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    let origin_host = match origin.port_or_known_default() {
        Some(p) => format!("{}:{p}", origin.host_str().unwrap_or_default()),
        None => origin.host_str().unwrap_or_default().to_owned(),
    };
    let expected = match public_url {
        Some(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or_default(),
            u.port_or_known_default().unwrap_or(80)
        ),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if host.contains(':') {
                host.to_owned()
            } else {
                format!("{host}:{}", origin.port_or_known_default().unwrap_or(80))
            }
        }
    };
    origin_host.eq_ignore_ascii_case(&expected)
}

async fn provided_token(req: Request) -> Result<(Request, Option<String>), AppError> {
    if let Some(t) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let t = t.to_owned();
        return Ok((req, Some(t)));
    }
    if let Some(q) = req.uri().query()
        && let Some(t) = form_value(q.as_bytes(), FIELD)
    {
        return Ok((req, Some(t)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, None));
    }
    // Read the form to find the token, then hand the same bytes to the handler.
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::Unprocessable("error-form-too-large"))?;
    let token = form_value(&bytes, FIELD);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn fetch_metadata_wins() {
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            None
        ));
    }

    #[test]
    fn origin_must_match_host_or_public_url() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(same_origin(&h, None));
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!same_origin(&h, None));
        let public = url::Url::parse("https://boussole.example.com").unwrap();
        let h = headers(&[
            ("origin", "https://boussole.example.com"),
            ("host", "internal:8080"),
        ]);
        assert!(same_origin(&h, Some(&public)));
        assert!(same_origin(&headers(&[]), None));
    }

    #[test]
    fn finds_the_token_in_a_form() {
        assert_eq!(
            form_value(b"a=1&_csrf=abc&b=2", FIELD).as_deref(),
            Some("abc")
        );
        assert_eq!(form_value(b"a=1", FIELD), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
