//! Control characters are refused where input is parsed, once, for every route.
//!
//! PostgreSQL refuses a NUL byte in text (every such request used to end in a
//! 500), other C0 controls have no business in a name or a comment, and the
//! bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) let a name
//! display as something else. Tab, line feed and carriage return stay allowed.
//!
//! The middleware reads the decoded path, the query string and urlencoded form
//! bodies, and answers a 422 page in the user's language (through
//! `web::errors::render`) before any handler or query runs. Multipart uploads
//! (the CSV import) are checked cell by cell by their parser, which names the row
//! and column. A few form handlers check their own fields (see `CHECKED_BY_HANDLER`).

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// The translation key of the refusal.
pub const MESSAGE_KEY: &str = "error-control-characters";
/// The same limit as the CSRF check's: a bigger form is not ours.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// A character refused in any text a user sends.
pub fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// True when `s` holds a refused character.
pub fn has_forbidden(s: &str) -> bool {
    s.chars().any(is_forbidden)
}

/// `s` with every refused character replaced by U+FFFD, to show it back safely.
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// True when urlencoded `bytes` decode to a name or value with a refused character.
fn urlencoded_has_forbidden(bytes: &[u8]) -> bool {
    url::form_urlencoded::parse(bytes).any(|(k, v)| has_forbidden(&k) || has_forbidden(&v))
}

fn is_urlencoded(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// Forms whose handlers check control characters themselves: the login form, so
/// that the attempt is counted by the throttle; the value entry forms (staff and
/// portal), so that they are shown again with the message *and* the user's input.
const CHECKED_BY_HANDLER: &[&str] = &[
    "/login",
    "/accounts/{id}/kpis/{kpi_id}/values",
    "/portal/kpis/{kpi_id}/values",
];

fn checks_itself(req: &Request) -> bool {
    req.method() == Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|m| CHECKED_BY_HANDLER.contains(&m.as_str()))
}

pub async fn refuse_control_characters(req: Request, next: Next) -> Result<Response, AppError> {
    // Path segments are decoded the same way as query values (`%00` → NUL).
    let path_bad = urlencoded_has_forbidden(req.uri().path().as_bytes());
    let query_bad = req
        .uri()
        .query()
        .is_some_and(|q| urlencoded_has_forbidden(q.as_bytes()));
    if path_bad || query_bad {
        return Err(AppError::Unprocessable(MESSAGE_KEY));
    }
    if !is_urlencoded(&req) || checks_itself(&req) {
        return Ok(next.run(req).await);
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::Unprocessable("error-form-too-large"))?;
    if urlencoded_has_forbidden(&bytes) {
        tracing::warn!(path = %parts.uri.path(), "refused a form with control characters");
        return Err(AppError::Unprocessable(MESSAGE_KEY));
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_controls_and_bidi_overrides_only() {
        for bad in [
            "a\0b",
            "\u{1}",
            "\u{1b}[31m",
            "abc\u{202E}fdp.exe",
            "\u{2066}x\u{2069}",
        ] {
            assert!(has_forbidden(bad), "{bad:?}");
        }
        for good in [
            "Lumière\tRetail",
            "two\nlines\r\n",
            "Ölçü — 12,5 %",
            "שלום",
            "",
        ] {
            assert!(!has_forbidden(good), "{good:?}");
        }
        assert_eq!(visible("a\0b"), "a\u{FFFD}b");
    }

    #[test]
    fn decodes_before_checking() {
        assert!(urlencoded_has_forbidden(b"q=%00"));
        assert!(urlencoded_has_forbidden(b"name=a%E2%80%AEb"));
        assert!(urlencoded_has_forbidden(b"%01=x"));
        assert!(!urlencoded_has_forbidden(
            b"q=caf%C3%A9+cr%C3%A8me&b=%0D%0A"
        ));
        assert!(urlencoded_has_forbidden(b"/survey/abc%00"));
    }
}
