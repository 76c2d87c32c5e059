//! The JSON API under `/api`. See `faltlogg_core::api` for the table of endpoints.

mod devices;
mod envelopes;
mod session;

use axum::extract::rejection::JsonRejection;
use axum::routing::{get, post};
use axum::{Json, Router};
use faltlogg_core::api::{ErrorCode, Health};

use crate::error::{ApiResult, Failure};
use crate::AppState;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/session", post(session::sign_in))
        .route("/devices", post(devices::enrol).get(devices::list))
        .route("/devices/me", get(devices::me))
        .route("/devices/{id}/approve", post(devices::approve))
        .route("/envelopes", post(envelopes::push).get(envelopes::pull))
        .fallback(|| async {
            Failure::new(
                axum::http::StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint",
            )
        })
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Unwraps a JSON body, turning axum's rejection into the API's error shape.
fn body<T>(json: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    json.map(|Json(v)| v).map_err(Failure::from)
}
