use axum::extract::State;
use axum::http::StatusCode;
use faltlogg_core::api::{ErrorCode, SignInRequest, SignInResponse};

use crate::auth::new_token;
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, passwords, AppState};

/// Signs in with username and password. The reply and timing are the same for an unknown
/// user and a wrong password, so the endpoint does not reveal which accounts exist.
pub async fn sign_in(
    State(state): State<AppState>,
    Body(request): Body<SignInRequest>,
) -> ApiResult<Reply<SignInResponse>> {
    let credentials = state
        .store
        .user_credentials(request.username.trim())
        .await?;
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let valid = passwords::verify(request.password, hash).await;
    if !valid {
        // For the operator: which account, if it exists; never what was typed (a username
        // field sometimes holds a password).
        match &credentials {
            Some(c) => tracing::warn!(user = %c.user.id, "failed sign-in: wrong password"),
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
    let (token, hash) = new_token();
    let now = now_ms();
    let expires_at_ms = now + state.config.session_ttl_ms;
    state
        .store
        .create_session(&hash, credentials.user.id, now, expires_at_ms)
        .await?;
    tracing::info!(user = %credentials.user.id, "signed in");
    Ok(ok(SignInResponse {
        token,
        expires_at_ms,
        user: credentials.user,
    }))
}
