//! The API's one error type: every failure becomes a status code and an [`ApiError`] body
//! (in the format the request accepts, see `wire`).
//! Internal errors are logged here and answered with a generic message, never echoed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use faltlogg_core::api::{ApiError, ErrorCode};

use crate::db::StoreError;
use crate::wire::Reply;

#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub body: ApiError,
}

impl Failure {
    pub fn new(status: StatusCode, error: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            body: ApiError {
                error,
                message: message.into(),
                index: None,
            },
        }
    }

    pub fn at(mut self, index: usize) -> Self {
        self.body.index = Some(index);
        self
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedRequest,
            message,
        )
    }

    pub fn forbidden(error: ErrorCode, message: impl Into<String>) -> Self {
        Failure::new(StatusCode::FORBIDDEN, error, message)
    }

    /// The device was revoked: it may do nothing more with the server.
    pub fn revoked() -> Self {
        Failure::forbidden(ErrorCode::DeviceRevoked, "device revoked")
    }

    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Self {
        // The detail goes to the operator's log; the client learns only that it failed.
        tracing::error!(%error, "{context}");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        Reply(self.status, self.body).into_response()
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::EnvelopeConflict { index } => Failure::new(
                StatusCode::CONFLICT,
                ErrorCode::EnvelopeConflict,
                "an envelope with this id already exists with other contents",
            )
            .at(index),
            StoreError::StateChanged => Failure::new(
                StatusCode::CONFLICT,
                ErrorCode::Forbidden,
                "the device is no longer pending",
            ),
            StoreError::Database(e) => Failure::internal("database error", &e),
        }
    }
}

pub type ApiResult<T> = Result<T, Failure>;
