//! Prometheus metrics: requests by matched route and status (count and latency),
//! the database pool, login throttling.
//!
//! Recorded through the `metrics` facade and rendered by `metrics-exporter-prometheus`
//! (the metrics-rs project: maintained, used widely, no background thread or HTTP
//! server of its own with the features we take). `/metrics` is never open to the
//! world by default: it is served either on a listen address of its own
//! (BOUSSOLE_METRICS_LISTEN, e.g. a private interface) or on the main address behind
//! a bearer token (BOUSSOLE_METRICS_TOKEN); with neither, it answers 404.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

use crate::state::AppState;

pub const REQUESTS: &str = "boussole_http_requests_total";
pub const DURATION: &str = "boussole_http_request_duration_seconds";
pub const POOL_CONNECTIONS: &str = "boussole_db_pool_connections";
pub const POOL_MAX: &str = "boussole_db_pool_max_connections";
pub const LOGIN_ATTEMPTS: &str = "boussole_login_attempts_total";
pub const LOGIN_THROTTLED: &str = "boussole_login_throttled_total";

/// Latency buckets in seconds: pages take milliseconds, the director's heaviest pages
/// seconds, and the timeout layer stops everything at 60.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use (the `metrics` facade has one
/// recorder per process; every app built in this process reports to it).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)
            .expect("non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
        }
        handle
    })
}

/// Counts and times every request by method, matched route (the pattern, e.g.
/// `/accounts/{id}`, never the raw path, so the number of series stays bounded) and
/// status.
pub async fn track(req: Request, next: Next) -> Response {
    handle();
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// The Prometheus text: pool gauges are read now, the rest was recorded as it happened.
pub fn render(state: &AppState) -> String {
    let handle = handle();
    let size = state.db.size();
    let idle = state.db.num_idle() as u32;
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!(POOL_MAX).set(f64::from(state.db.options().get_max_connections()));
    handle.render()
}

/// `/metrics` on the main address: only with the configured bearer token; 404 when no
/// token is configured (the endpoint does not exist), 401 for a wrong or missing one.
pub async fn scrape_with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared as digests: equal-length values, so the comparison time says nothing
    // about how much of the token was right.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a valid bearer token is required\n",
        )
            .into_response();
    }
    exposition(&state)
}

/// `/metrics` on its own listen address (BOUSSOLE_METRICS_LISTEN): no token, the
/// address is the protection.
pub async fn scrape_open(State(state): State<AppState>) -> Response {
    exposition(&state)
}

fn exposition(state: &AppState) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(state),
    )
        .into_response()
}

/// The router served on BOUSSOLE_METRICS_LISTEN.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape_open))
        .with_state(state)
}
