use axum::extract::State;
use axum::http::StatusCode;
use faltlogg_core::api::{AuditKind, ErrorCode, SignInRequest, SignInResponse};

use crate::audit::{self, Event};
use crate::auth::{new_token, Session};
use crate::error::{ApiResult, HttpError};
use crate::throttle::ClientAddress;
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, passwords, AppState};

/// Signs in with username and password. The reply and timing are the same for an unknown
/// user and a wrong password, so the endpoint does not reveal which accounts exist. Too many
/// attempts on an account or from an address get `429` before any password is hashed
/// (`crate::throttle`).
pub async fn sign_in(
    State(state): State<AppState>,
    address: ClientAddress,
    Body(request): Body<SignInRequest>,
) -> ApiResult<Reply<SignInResponse>> {
    let username = request.username.trim();
    let attempt = state
        .throttle
        .admit(state.store.as_ref(), username, address)
        .await?
        .map_err(|wait| {
            tracing::warn!(address = %address.0, "sign-in refused: too many attempts");
            HttpError::too_many(wait)
        })?;
    let credentials = state.store.user_credentials(username).await?;
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let valid = passwords::verify(request.password, hash).await;
    if !valid {
        // For the operator: which account, if it exists; never what was typed (a username
        // field sometimes holds a password).
        match &credentials {
            Some(c) => {
                tracing::warn!(user = %c.user.id, "failed sign-in: wrong password");
                let event = Event::new(c.user.team, AuditKind::SignInFailed).by(c.user.id, None);
                audit::record(state.store.as_ref(), event).await;
            }
            None => tracing::warn!("failed sign-in: no such account"),
        }
    }
    let (Some(credentials), true) = (credentials, valid) else {
        return Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
            "wrong username or password",
        ));
    };
    attempt.succeeded(state.store.as_ref()).await?;
    let (token, hash) = new_token();
    let now = now_ms();
    let expires_at_ms = now + state.config.session_ttl_ms;
    state
        .store
        .create_session(&hash, credentials.user.id, now, expires_at_ms)
        .await?;
    tracing::info!(user = %credentials.user.id, "signed in");
    let event =
        Event::new(credentials.user.team, AuditKind::SignedIn).by(credentials.user.id, None);
    audit::record(state.store.as_ref(), event).await;
    Ok(ok(SignInResponse {
        token,
        expires_at_ms,
        user: credentials.user,
    }))
}

/// Signs this session out: its token stops working at once. The device stays enrolled; signing
/// in again and enrolling the same keys binds it to the new session.
pub async fn sign_out(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    state.store.delete_session(&session.token_hash).await?;
    tracing::info!(user = %session.user.id, "signed out");
    signed_out(&state, &session).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out every session of the caller's account, on every device (a phone left behind
/// while still signed in, a password that may have been seen).
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<StatusCode> {
    let ended = state.store.delete_user_sessions(session.user.id).await?;
    tracing::info!(user = %session.user.id, sessions = ended, "signed out everywhere");
    signed_out(&state, &session).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn signed_out(state: &AppState, session: &Session) {
    let event =
        Event::new(session.user.team, AuditKind::SignedOut).by(session.user.id, session.device);
    audit::record(state.store.as_ref(), event).await;
}
