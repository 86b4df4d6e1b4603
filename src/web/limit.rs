//! A concurrency limit for the heavy pages: those that read every account (the
//! portfolio, drivers, selection, capabilities, the account list, their CSVs).
//!
//! Each of them holds a database connection for tenths of a second or more; without a
//! limit, a few directors reloading them would take the whole pool, and every other
//! request would wait out the pool's acquire timeout and fail. So at most
//! `config.heavy_pages` of them run at once (a quarter of the pool by default); one
//! past that waits `config.heavy_wait` for a turn, then is answered 503 with
//! Retry-After (a page in the user's language, through `AppError`), never a 500.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;
use crate::state::AppState;

/// Route layer of the heavy pages in `routes.rs`.
pub async fn heavy(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let turn = tokio::time::timeout(state.config.heavy_wait, state.heavy.clone().acquire_owned());
    let Ok(Ok(permit)) = turn.await else {
        tracing::warn!(
            in_flight = state.config.heavy_pages,
            "heavy pages at capacity: answered 503"
        );
        return Err(AppError::Busy);
    };
    // Handlers render their whole body before returning, so the turn covers the work.
    let response = next.run(req).await;
    drop(permit);
    Ok(response)
}
