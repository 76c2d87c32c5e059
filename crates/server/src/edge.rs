//! What every request passes first: bounds on the request target (before routing and before
//! the request log), and on the time a request may take.
//!
//! A path longer than any the app makes is refused with 414, and a path segment longer than
//! a file name can be is 404 at once: the file system would fail on it (ENAMETOOLONG) and the
//! static files would answer 500. Neither reply echoes the path, and the request log never
//! sees it.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use faltlogg_core::api::ErrorCode;

use crate::error::HttpError;

/// Path and query, in bytes. The longest the app makes is well under 200
/// (`/api/envelopes?after=<seq>`, `/persons/<uuid>/follow-ups/new`).
pub const MAX_TARGET_BYTES: usize = 2048;
/// One path segment: the longest file name most file systems allow.
pub const MAX_SEGMENT_BYTES: usize = 255;

pub async fn bound_target(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let target = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > MAX_TARGET_BYTES {
        tracing::info!(bytes = target, "request target too long");
        return HttpError::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::TargetTooLong,
            "request target too long",
        )
        .into_response();
    }
    if uri.path().split('/').any(|s| s.len() > MAX_SEGMENT_BYTES) {
        return HttpError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such page")
            .into_response();
    }
    next.run(request).await
}

/// A request whose response has not begun within `limit` (a body that trickles in, work that
/// hangs) is answered `408`. Dropping the handler's future rolls back any transaction it had
/// open.
pub async fn limit_time(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::info!(seconds = limit.as_secs(), "request timed out");
            HttpError::new(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::Timeout,
                "the request took too long",
            )
            .into_response()
        }
    }
}
