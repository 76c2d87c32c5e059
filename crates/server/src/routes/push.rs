//! Web Push for the check-in's alert (`crate::push`): the server's key, and a coordinator's
//! browser saying where it takes pushes.

use axum::extract::State;
use axum::http::StatusCode;
use faltlogg_core::api::{PushKey, PushSubscription};

use crate::auth::Session;
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, push, AppState};

/// The key a browser subscribes with.
pub async fn key(State(state): State<AppState>, session: Session) -> ApiResult<Reply<PushKey>> {
    session.approved_device(&state).await?;
    let pusher = state.pusher().await?;
    Ok(ok(PushKey {
        key: pusher.public_key().to_vec(),
    }))
}

/// Keeps where this coordinator device's browser takes pushes. The endpoint must be on one of
/// the push services the server may post to, and the keys usable, or nothing is kept.
pub async fn set(
    State(state): State<AppState>,
    session: Session,
    Body(subscription): Body<PushSubscription>,
) -> ApiResult<StatusCode> {
    session.require_coordinator()?;
    let device = session.approved_device(&state).await?;
    if subscription.endpoint.len() > PushSubscription::MAX_ENDPOINT
        || !push::allowed(&state.config.push.services, &subscription.endpoint)
    {
        return Err(HttpError::malformed(
            "the endpoint is not on a push service this server may post to",
        ));
    }
    if p256::PublicKey::from_sec1_bytes(&subscription.p256dh).is_err()
        || subscription.p256dh.len() != 65
        || subscription.auth.len() != 16
    {
        return Err(HttpError::malformed(
            "p256dh must be an uncompressed P-256 point and auth 16 bytes",
        ));
    }
    state
        .store
        .set_push_subscription(session.user.team, device.info.id, &subscription, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgets this device's push subscription. Also when it had none.
pub async fn end(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    let device = session.approved_device(&state).await?;
    state.store.end_push_subscription(device.info.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
