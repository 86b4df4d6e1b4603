//! The one error type. Handlers return `Result<_, AppError>`; the response carries
//! only a status and a marker, and `web::errors::render` turns it into a page in the
//! user's language (or JSON for API clients). Internal details go to the log only.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without a valid CSRF token or from another site.
    #[error("csrf check failed")]
    CsrfRefused,
    #[error("unauthorized")]
    Unauthorized,
    /// A request the user can fix; the string is a translation key.
    #[error("unprocessable: {0}")]
    Unprocessable(&'static str),
    /// Someone else changed the thing first; the string is a translation key.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests (retry after {retry_after}s)")]
    TooManyRequests { retry_after: u64 },
    /// The database does not answer (outage, restart, pool exhausted): 503 with
    /// Retry-After, so clients and load balancers come back instead of giving up.
    #[error("database unavailable")]
    Unavailable,
    /// Too many heavy pages in flight (`web::limit`): 503 with a short Retry-After,
    /// rather than letting them take every database connection.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error renderer needs to know, left in the response's extensions.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMarker {
    pub message_key: &'static str,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRefused => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error-not-found",
            AppError::Forbidden => "error-forbidden",
            AppError::CsrfRefused => "error-csrf",
            AppError::Unauthorized => "error-unauthorized",
            AppError::Unprocessable(key) | AppError::Conflict(key) => key,
            AppError::TooManyRequests { .. } => "error-too-many-requests",
            AppError::Unavailable => "error-db-unavailable",
            AppError::Busy => "error-unavailable",
            AppError::Internal(_) => "error-internal",
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if crate::db::is_unavailable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        use tower_sessions::session::Error as E;
        use tower_sessions::session_store::Error as S;
        match e {
            // The store is PostgreSQL: a backend failure is the database not answering
            // (decode/encode failures stay internal errors).
            E::Store(S::Backend(msg)) => {
                tracing::warn!(error = %msg, "session store unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // A database error that reached here through anyhow is still an outage, not a bug.
        let this = match self {
            AppError::Internal(e) if db_unavailable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => other,
        };
        if let AppError::Internal(e) = &this {
            // Logged inside the request's span, so the route and user are attached.
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = this.status().into_response();
        match this {
            AppError::TooManyRequests { retry_after } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            }
            AppError::Unavailable => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            }
            AppError::Busy => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(BUSY_RETRY_AFTER_SECONDS),
                );
            }
            _ => {}
        }
        response.extensions_mut().insert(ErrorMarker {
            message_key: this.message_key(),
        });
        response
    }
}

/// What a client should wait before retrying during a database outage: PostgreSQL
/// restarts in seconds, and the pool reconnects on the next request.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// What a client should wait when the heavy pages are all taken: they take tenths of
/// a second each, so a turn comes quickly.
pub const BUSY_RETRY_AFTER_SECONDS: u64 = 2;

fn db_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(crate::db::is_unavailable)
            || matches!(
                cause.downcast_ref::<tower_sessions::session::Error>(),
                Some(tower_sessions::session::Error::Store(
                    tower_sessions::session_store::Error::Backend(_)
                ))
            )
    })
}

pub type AppResult<T> = Result<T, AppError>;
