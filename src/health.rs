//! Liveness and readiness for load balancers and orchestrators.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// How long `/readyz` waits for the database: a load balancer's probe must get an
/// answer, not a timeout, and a database slower than this is as good as down.
pub const READINESS_TIMEOUT: Duration = Duration::from_millis(900);

/// Set once the process has been asked to stop: from then on `/readyz` says "not
/// ready" so load balancers send no new requests while in-flight ones finish. One
/// process, one flag: it is process-wide on purpose.
static DRAINING: AtomicBool = AtomicBool::new(false);

pub fn start_draining() {
    DRAINING.store(true, Ordering::SeqCst);
}

pub fn is_draining() -> bool {
    DRAINING.load(Ordering::SeqCst)
}

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready = not stopping, and the database answers within `READINESS_TIMEOUT`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if is_draining() {
        return not_ready("shutting down");
    }
    let check = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.db);
    match tokio::time::timeout(READINESS_TIMEOUT, check).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            not_ready("database unavailable")
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            not_ready("database unavailable")
        }
    }
}

fn not_ready(why: &'static str) -> Response {
    let mut r = (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
    );
    r
}
