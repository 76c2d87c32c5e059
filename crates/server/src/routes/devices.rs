use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use faltlogg_core::api::{
    enrol_proof_message, ApproveRequest, AuditKind, DeviceInfo, DeviceList, DeviceStatus,
    EnrolRequest, ErrorCode, MyDevice, Revocation, RevokeRequest,
};
use faltlogg_core::hlc::MAX_SKEW_MS;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::Session;
use crate::db::{DeviceRow, StoreError};
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, AppState};

/// Enrols the calling device. The same keys again return the same device, bound to this
/// session: a client whose reply was lost, or whose session expired, simply calls again.
pub async fn enrol(
    State(state): State<AppState>,
    session: Session,
    Body(request): Body<EnrolRequest>,
) -> ApiResult<Reply<MyDevice>> {
    if !request.keys.is_valid() {
        return Err(HttpError::malformed("invalid device public keys"));
    }
    let proof = enrol_proof_message(&session.token_hash);
    if request.keys.verify(&proof, &request.proof).is_err() {
        return Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            "the enrolment proof does not verify against the device's key",
        ));
    }
    if session.device.is_some() {
        // A session enrols one device; the same keys again are a retry and answered alike.
        let existing = session.device_any_status(&state).await?;
        if existing.info.keys != request.keys {
            return Err(HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::AlreadyEnrolled,
                "this session already has a device",
            ));
        }
    }
    let now = now_ms();
    let (device, make_team_key) = state
        .store
        .enrol_device(&session.token_hash, &session.user, &request.keys, now)
        .await?;
    if device.info.enrolled_at_ms == now {
        let event = Event::new(session.user.team, AuditKind::Enrolled);
        audit::record(
            state.store.as_ref(),
            event.by(session.user.id, Some(device.info.id)),
        )
        .await;
    }
    let reply = my_device(&state, device.info, make_team_key, session.user.team).await?;
    tracing::info!(device = %reply.device.id, user = %session.user.id, bootstrap = make_team_key, "device enrolled");
    Ok(ok(reply))
}

/// What a device learns about itself; a revoked device learns only that it is revoked.
async fn my_device(
    state: &AppState,
    device: DeviceInfo,
    make_team_key: bool,
    team: Uuid,
) -> ApiResult<MyDevice> {
    if device.status == DeviceStatus::Revoked {
        return Err(HttpError::revoked());
    }
    Ok(MyDevice {
        sealed_team_keys: state.store.sealed_team_keys(device.id).await?,
        team_epoch: state.store.team_epoch(team).await?,
        team_identity: state.store.team_identity(team).await?,
        settings: state.store.team_settings(team).await?,
        device,
        make_team_key,
    })
}

pub async fn me(State(state): State<AppState>, session: Session) -> ApiResult<Reply<MyDevice>> {
    let device = session.device_any_status(&state).await?;
    Ok(ok(
        my_device(&state, device.info, false, session.user.team).await?
    ))
}

/// The calling device's own revocation, signed by the team identity: a revoked phone checks
/// it against the identity it pinned before it erases itself, so that a server cannot make a
/// phone wipe its unsent work by saying "revoked".
pub async fn my_revocation(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<Reply<Revocation>> {
    let device = session.device_any_status(&state).await?;
    device.info.revocation.map(ok).ok_or_else(|| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "this device is not revoked",
        )
    })
}

/// The team's devices with their public keys: a coordinator approves from this list, and
/// every device checks the signatures of pulled envelopes against it.
pub async fn list(State(state): State<AppState>, session: Session) -> ApiResult<Reply<DeviceList>> {
    session.approved_device(&state).await?;
    Ok(ok(DeviceList {
        devices: state.store.team_devices(session.user.team).await?,
    }))
}

/// A coordinator's device approves a pending device by handing over the team key, sealed to
/// the new device's X25519 key. The server stores the sealed copy and cannot open it.
pub async fn approve(
    State(state): State<AppState>,
    session: Session,
    id: Result<Path<String>, PathRejection>,
    Body(request): Body<ApproveRequest>,
) -> ApiResult<Reply<DeviceInfo>> {
    let target = device_id(id)?;
    session.require_coordinator()?;
    let approver = session.approved_device(&state).await?;
    let device = team_device(&state, session.user.team, target).await?;
    if device.info.status != DeviceStatus::Pending {
        return Err(HttpError::new(
            StatusCode::CONFLICT,
            ErrorCode::Forbidden,
            "the device is not pending",
        ));
    }
    let epoch = state.store.team_epoch(session.user.team).await?;
    let mut epochs: Vec<u32> = request.grants.iter().map(|g| g.epoch).collect();
    epochs.sort_unstable();
    epochs.dedup();
    if epochs.len() != request.grants.len()
        || epochs.last() != Some(&epoch)
        || epochs.first() == Some(&0)
    {
        return Err(HttpError::malformed(
            "the grants must be one per epoch, up to the team's current one",
        ));
    }
    // The devices check both signatures against the identity they pinned; checking them here
    // against the one the server holds turns a mistake into a clear error now, not a device
    // that waits for a key it will refuse.
    let identity = state
        .store
        .team_identity(session.user.team)
        .await?
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::Forbidden,
                "the team has no identity yet",
            )
        })?;
    let team = session.user.team;
    let keys = &device.info.keys;
    let bad = |what: &str| {
        HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            format!("the {what} is not signed by the team's identity"),
        )
    };
    identity
        .verify_admission(team, target, keys, &request.admission)
        .map_err(|_| bad("admission"))?;
    for grant in &request.grants {
        grant
            .verify(team, target, &keys.exchange, &identity)
            .map_err(|_| bad("grant"))?;
    }
    state
        .store
        .approve_device(
            target,
            &request.grants,
            &request.admission,
            approver.info.id,
            now_ms(),
        )
        .await?;
    tracing::info!(device = %target, by = %approver.info.id, "device approved");
    let event = Event::new(session.user.team, AuditKind::Approved);
    audit::record(
        state.store.as_ref(),
        event.by(session.user.id, Some(approver.info.id)).on(target),
    )
    .await;
    Ok(ok(DeviceInfo {
        status: DeviceStatus::Approved,
        admission: Some(request.admission),
        ..device.info
    }))
}

/// A coordinator's device revokes another device of the team: the server refuses it at once
/// (but takes what it stamped before `at_ms`, handed over), and, if it was approved, the team
/// moves to the next epoch, granted to every other approved device.
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    id: Result<Path<String>, PathRejection>,
    Body(request): Body<RevokeRequest>,
) -> ApiResult<Reply<DeviceInfo>> {
    let target = device_id(id)?;
    session.require_coordinator()?;
    let revoker = session.approved_device(&state).await?;
    let team = session.user.team;
    let device = team_device(&state, team, target).await?;
    let conflict = |message: &str| {
        HttpError::new(
            StatusCode::CONFLICT,
            ErrorCode::Forbidden,
            message.to_string(),
        )
    };
    if target == revoker.info.id {
        return Err(conflict("a device cannot revoke itself"));
    }
    if device.info.status == DeviceStatus::Revoked {
        return Err(conflict("the device is already revoked"));
    }
    let identity = state
        .store
        .team_identity(team)
        .await?
        .ok_or_else(|| conflict("the team has no identity yet"))?;
    let revocation = request.revocation;
    let now = now_ms();
    if revocation.at_ms > now + MAX_SKEW_MS as i64 {
        return Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ClockAhead,
            "revoked as of a time ahead of the server's clock",
        ));
    }
    let bad = |message: &str| {
        HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            message.to_string(),
        )
    };
    identity
        .verify_revocation(team, target, revocation.at_ms, &revocation.signature)
        .map_err(|_| bad("the revocation is not signed by the team's identity"))?;
    for (index, grant) in request.grants.iter().enumerate() {
        let holder = team_device(&state, team, grant.device)
            .await
            .map_err(|e| e.at(index))?;
        grant
            .grant
            .verify(team, grant.device, &holder.info.keys.exchange, &identity)
            .map_err(|_| bad("the grant is not signed by the team's identity").at(index))?;
    }
    match state
        .store
        .revoke_device(
            team,
            target,
            &revocation,
            &request.grants,
            revoker.info.id,
            now,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::StateChanged) => {
            return Err(conflict(
                "the grants must be of the next epoch, for every other approved device",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(device = %target, by = %revoker.info.id, rotated = !request.grants.is_empty(), "device revoked");
    let event = Event::new(team, AuditKind::Revoked);
    audit::record(
        state.store.as_ref(),
        event.by(session.user.id, Some(revoker.info.id)).on(target),
    )
    .await;
    Ok(ok(DeviceInfo {
        status: DeviceStatus::Revoked,
        revocation: Some(revocation),
        ..device.info
    }))
}

/// The `{id}` of a path: any id that is not a UUID, bad percent-encoding included, gets the
/// API's JSON error.
fn device_id(id: Result<Path<String>, PathRejection>) -> Result<Uuid, HttpError> {
    id.ok()
        .and_then(|Path(id)| Uuid::parse_str(&id).ok())
        .ok_or_else(|| HttpError::malformed("device id is not a UUID"))
}

/// A device of `team`; any other (another team's included) is the same 404.
async fn team_device(state: &AppState, team: Uuid, id: Uuid) -> Result<DeviceRow, HttpError> {
    state
        .store
        .device(id)
        .await?
        .filter(|d| d.team == team)
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such device in this team",
            )
        })
}
