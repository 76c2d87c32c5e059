//! Who is calling: bearer session tokens, and the device bound to the session.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use faltlogg_core::api::{DeviceStatus, ErrorCode, Role, UserInfo};
use rand_core::{OsRng, RngCore};

use crate::db::DeviceRow;
use crate::error::HttpError;
use crate::{now_ms, AppState};

/// A new random session token (256 bits, base64url) and the hash that is stored.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = faltlogg_core::b64::encode(&bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> Vec<u8> {
    faltlogg_core::api::token_hash(token).to_vec()
}

/// A signed-in caller.
pub struct Session {
    pub token_hash: Vec<u8>,
    pub user: UserInfo,
    pub device: Option<uuid::Uuid>,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let expired = || {
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::SessionExpired,
                "sign in again",
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(expired)?;
        let token_hash = hash_token(token);
        let row = state
            .store
            .session(&token_hash, now_ms())
            .await?
            .ok_or_else(expired)?;
        Ok(Session {
            token_hash,
            user: row.user,
            device: row.device,
        })
    }
}

impl Session {
    /// The session's device, which must exist, belong to the caller's team and be approved.
    pub async fn approved_device(&self, state: &AppState) -> Result<DeviceRow, HttpError> {
        let device = self.device_any_status(state).await?;
        match device.info.status {
            DeviceStatus::Approved => Ok(device),
            DeviceStatus::Pending => Err(HttpError::not_approved()),
            DeviceStatus::Revoked => Err(HttpError::revoked()),
        }
    }

    /// The session's device in whatever state it is.
    pub async fn device_any_status(&self, state: &AppState) -> Result<DeviceRow, HttpError> {
        let unknown = || {
            HttpError::forbidden(
                ErrorCode::UnknownDevice,
                "no enrolled device for this session",
            )
        };
        let id = self.device.ok_or_else(unknown)?;
        let device = state.store.device(id).await?.ok_or_else(unknown)?;
        if device.team != self.user.team || device.user != self.user.id {
            return Err(unknown());
        }
        Ok(device)
    }

    pub fn require_coordinator(&self) -> Result<(), HttpError> {
        if self.user.role == Role::Coordinator {
            Ok(())
        } else {
            Err(HttpError::forbidden(
                ErrorCode::Forbidden,
                "coordinators only",
            ))
        }
    }
}
