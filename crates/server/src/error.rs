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
            e @ (StoreError::Exists | StoreError::NotFound | StoreError::Unusable(_)) => {
                HttpError::internal("unexpected store error", &e)
            }
            StoreError::StateChanged => HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::Forbidden,
                "the device is no longer pending",
            ),
            StoreError::Database(e) => HttpError::internal("database error", &e),
        }
    }
}

pub type ApiResult<T> = Result<T, HttpError>;
