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
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            // Logged inside the request's span, so the route and user are attached.
            tracing::error!(error = ?e, "internal error");
        }
        let mut response = self.status().into_response();
        if let AppError::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        }
        response.extensions_mut().insert(ErrorMarker {
            message_key: self.message_key(),
        });
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
