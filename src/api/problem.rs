//! RFC 9457 problem details: every API error, whoever produced it (a handler's
//! `Problem` or `AppError`, the router's 404/405, the body limit's 413, a panic, a
//! timeout), leaves as `application/problem+json` in the caller's language
//! (`Accept-Language`). Handlers say *what* went wrong (a message key, and for a
//! batch which item and field); `dress` words it, in one place.

use std::sync::Arc;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{AppError, ErrorMarker};
use crate::i18n::Locale;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One thing wrong in the request: which item of a batch (0-based), which field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    pub field: String,
    /// The message key, stable across languages (`value-not-a-number`).
    pub code: String,
    /// The message in the caller's language.
    #[serde(default)]
    pub detail: String,
}

/// What went wrong, before it is worded.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    /// Raw detail from a parser (serde's message on malformed JSON), appended.
    pub parser: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            key,
            args: Vec::new(),
            errors: Vec::new(),
            retry_after: None,
            parser: None,
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error-not-found")
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn field(mut self, item: Option<usize>, field: &str, key: &'static str) -> Self {
        self.errors.push(FieldError {
            item,
            field: field.to_owned(),
            code: key.to_owned(),
            detail: String::new(),
        });
        self
    }
}

/// The problem carried in the response until `dress` words it.
#[derive(Clone)]
struct Marker(Arc<Problem>);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s.max(1)));
        }
        r.extensions_mut().insert(Marker(Arc::new(self)));
        r
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        // AppError renders itself (logging internal errors, Retry-After); `dress`
        // reads its marker. Keep only what a problem needs here.
        let status = e.status();
        let r = e.into_response();
        let key = r
            .extensions()
            .get::<ErrorMarker>()
            .map(|m| m.message_key)
            .unwrap_or("error-internal");
        let mut p = Problem::new(status, key);
        p.retry_after = r
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        p
    }
}

impl From<sqlx::Error> for Problem {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

pub type ApiResult<T> = Result<T, Problem>;

/// The body of a problem response (for the OpenAPI document, and what tests read).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// A URI reference naming the kind of problem (`/api/docs#value-not-a-number`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub instance: String,
    /// The code of `type`, for programs: the message key.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn locale_of(req: &Request) -> Locale {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

fn default_key(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::UNAUTHORIZED => "api-token-missing",
        StatusCode::METHOD_NOT_ALLOWED => "error-method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "api-body-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "api-not-json",
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => "error-unavailable",
        s if s.is_server_error() => "error-internal",
        _ => "error-bad-request",
    }
}

/// The words of a problem in `locale`.
pub fn body(locale: Locale, p: &Problem, instance: &str) -> ProblemBody {
    let args: Vec<(
        &'static str,
        fluent_templates::fluent_bundle::FluentValue<'_>,
    )> = p.args.iter().map(|(k, v)| (*k, v.clone().into())).collect();
    let mut detail = locale.t_args(p.key, &args);
    if let Some(extra) = &p.parser {
        detail = format!("{detail} ({extra})");
    }
    let title_key = format!("error-title-{}", p.status.as_u16());
    let title = if locale.has(&title_key) {
        locale.t(&title_key)
    } else {
        locale.t("error-title-generic")
    };
    ProblemBody {
        kind: format!("/api/docs#{}", p.key),
        title,
        status: p.status.as_u16(),
        detail,
        instance: instance.to_owned(),
        code: p.key.to_owned(),
        errors: p
            .errors
            .iter()
            .map(|e| FieldError {
                // A parser's own words (not translated) follow the message.
                detail: if e.detail.is_empty() {
                    locale.t(&e.code)
                } else {
                    format!("{} ({})", locale.t(&e.code), e.detail)
                },
                ..e.clone()
            })
            .collect(),
    }
}

/// A problem response from a status and a message key (the pages' error layers
/// use it for `/api/…` paths the router does not know).
pub fn bare(locale: Locale, status: StatusCode, key: &'static str, instance: &str) -> Response {
    finish(locale, status, &Problem::new(status, key), instance)
}

fn finish(locale: Locale, status: StatusCode, p: &Problem, instance: &str) -> Response {
    let mut out = (status, Json(body(locale, p, instance))).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    out.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.code()),
    );
    out
}

/// The API's error layer: any error response without a body becomes a problem.
pub async fn dress(req: Request, next: Next) -> Response {
    let locale = locale_of(&req);
    let instance = req.uri().path().to_owned();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let problem = if let Some(Marker(p)) = response.extensions().get::<Marker>() {
        (**p).clone()
    } else if let Some(m) = response.extensions().get::<ErrorMarker>() {
        Problem::new(status, m.message_key)
    } else {
        // The router's 404/405, the body limit's 413, an extractor's own rejection
        // (text/plain): reworded, keeping the status.
        Problem::new(status, default_key(status))
    };
    let mut keep = axum::http::HeaderMap::new();
    for name in [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE] {
        if let Some(v) = response.headers().get(&name) {
            keep.insert(name, v.clone());
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE && !keep.contains_key(header::RETRY_AFTER) {
        keep.insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
        );
    }
    if status == StatusCode::UNAUTHORIZED && !keep.contains_key(header::WWW_AUTHENTICATE) {
        keep.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"boussole\""),
        );
    }
    let mut out = finish(locale, status, &problem, &instance);
    out.headers_mut().extend(keep);
    out
}
