//! The lone-worker check-in. A worker's phone says when its worker expects to be back; the
//! server keeps that and the device, nothing else (never where, or with whom), and tells the
//! team who is out, until when, and whose time has passed. Overdue is worked out when asked,
//! from the time alone, so no process has to stay awake for it: every coordinator's phone that
//! asks, now or when next opened, hears of it.

use axum::extract::State;
use axum::http::StatusCode;
use faltlogg_core::api::{CheckInList, CheckInRequest};

use crate::auth::Session;
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, AppState};

/// Starts this device's check-in, or moves its end. The end must be ahead, and at most
/// `CheckInRequest::LONGEST_MS` ahead.
pub async fn set(
    State(state): State<AppState>,
    session: Session,
    Body(request): Body<CheckInRequest>,
) -> ApiResult<StatusCode> {
    let device = session.approved_device(&state).await?;
    let now = now_ms();
    if request.until_ms <= now {
        return Err(HttpError::malformed("the check-in's end has passed"));
    }
    if request.until_ms - now > CheckInRequest::LONGEST_MS {
        return Err(HttpError::malformed(
            "the check-in's end is more than 16 hours ahead",
        ));
    }
    state
        .store
        .set_check_in(session.user.team, device.info.id, request.until_ms, now)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks this device out. Checking out when not checked in is not an error: a phone whose
/// first answer was lost asks again.
pub async fn end(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    let device = session.approved_device(&state).await?;
    state.store.end_check_in(device.info.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's open check-ins, for every approved device of the team.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<Reply<CheckInList>> {
    session.approved_device(&state).await?;
    let check_ins = state
        .store
        .team_check_ins(session.user.team, now_ms())
        .await?;
    Ok(ok(CheckInList { check_ins }))
}
