//! The API under `/api`, in JSON or postcard (`crate::wire`). See `faltlogg_core::api` for the table of endpoints.

mod check_ins;
mod devices;
mod envelopes;
mod push;
mod session;
mod team;

use axum::routing::{delete, get, post, put};
use axum::Router;
use faltlogg_core::api::{ErrorCode, Health};

use crate::error::HttpError;
use crate::wire::{ok, Reply};
use crate::AppState;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/sessions", delete(session::sign_out_everywhere))
        .route("/devices", post(devices::enrol).get(devices::list))
        .route("/devices/me", get(devices::me))
        .route("/devices/me/revocation", get(devices::my_revocation))
        .route("/devices/{id}/approve", post(devices::approve))
        .route("/devices/{id}/revoke", post(devices::revoke))
        .route("/team/identity", put(team::set_team_identity))
        .route("/team/settings", put(team::set_team_settings))
        .route("/team/events", get(team::events))
        .route("/envelopes", post(envelopes::push).get(envelopes::pull))
        .route("/check-in", put(check_ins::set).delete(check_ins::end))
        .route("/check-ins", get(check_ins::list))
        .route("/push/key", get(push::key))
        .route("/push/subscription", put(push::set).delete(push::end))
        .fallback(no_such_endpoint)
}

pub async fn no_such_endpoint() -> HttpError {
    HttpError::new(
        axum::http::StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such endpoint",
    )
}

async fn health() -> Reply<Health> {
    ok(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
