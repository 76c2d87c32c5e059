//! The API's one error type: every failure becomes a status code and an [`ErrorBody`] body
//! (in the format the request accepts, see `wire`).
//! Internal errors are logged here and answered with a generic message, never echoed.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use faltlogg_core::api::{ErrorBody, ErrorCode};

use crate::db::StoreError;
use crate::wire::Reply;

/// An error reply: a status and the [`ErrorBody`] that travels with it.
#[derive(Debug)]
pub struct HttpError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds for a `Retry-After` header (with `429`).
    pub retry_after_s: Option<u64>,
}

impl HttpError {
    pub fn new(status: StatusCode, error: ErrorCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            body: ErrorBody {
                error,
                message: message.into(),
                index: None,
            },
            retry_after_s: None,
        }
    }

    /// Too many attempts: try again after `wait` (rounded up to whole seconds).
    pub fn too_many(wait: std::time::Duration) -> Self {
        HttpError {
            retry_after_s: Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)),
            ..HttpError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                "too many attempts: wait and try again",
            )
        }
    }

    pub fn at(mut self, index: usize) -> Self {
        self.body.index = Some(index);
        self
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        HttpError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedRequest,
            message,
        )
    }

    pub fn forbidden(error: ErrorCode, message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::FORBIDDEN, error, message)
    }

    /// The device waits for a coordinator's approval.
    pub fn not_approved() -> Self {
        HttpError::forbidden(ErrorCode::DeviceNotApproved, "device not approved yet")
    }

    /// The device was revoked: it may do nothing more with the server (but hand over what
    /// it stamped before).
    pub fn revoked() -> Self {
        HttpError::forbidden(ErrorCode::DeviceRevoked, "device revoked")
    }

    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Self {
        // The detail goes to the operator's log; the client learns only that it failed.
        tracing::error!(%error, "{context}");
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut response = Reply(self.status, self.body).into_response();
        if let Some(seconds) = self.retry_after_s {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for HttpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::EnvelopeConflict { index } => HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::EnvelopeConflict,
                "an envelope with this id already exists with other contents",
            )
            .at(index),
            StoreError::AlreadyEnrolled => HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyEnrolled,
                "this session already has a device",
            ),
            // The operator's commands only; no route makes these.
            e @ (StoreError::Exists
            | StoreError::NotFound
            | StoreError::Unusable(_)
            | StoreError::NotEmpty
            | StoreError::Backup(_)) => HttpError::internal("unexpected store error", &e),
            StoreError::StateChanged => HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::Forbidden,
                "the device is no longer pending",
            ),
            StoreError::Database(e) if unavailable(&e) => {
                tracing::error!(error = %e, "database unavailable");
                HttpError {
                    retry_after_s: Some(UNAVAILABLE_RETRY_S),
                    ..HttpError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        ErrorCode::Unavailable,
                        "the server cannot store or read now: try again later",
                    )
                }
            }
            StoreError::Database(e) => HttpError::internal("database error", &e),
        }
    }
}

pub type ApiResult<T> = Result<T, HttpError>;

/// Seconds a client waits before trying again when the database is unavailable.
const UNAVAILABLE_RETRY_S: u64 = 5;

/// Whether a database error is the database being out of reach or unable to write (not a
/// fault of the request or of ours): the client is to try again later, and nothing was
/// half-written (every change is one transaction).
fn unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Busy, locked, read-only, I/O error, disk full, cannot open: primary codes,
                // and extended ones by their low byte.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
            } else {
                // PostgreSQL: disk full, out of memory, too many connections, read-only
                // transaction, shutting down, cannot connect now.
                matches!(
                    code.as_ref(),
                    "53100" | "53200" | "53300" | "25006" | "57P01" | "57P03"
                )
            }
        }
        _ => false,
    }
}
