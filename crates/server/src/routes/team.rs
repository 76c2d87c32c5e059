//! The team as a whole: its identity, its phones' settings, its security events.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use faltlogg_core::api::{
    AuditKind, AuditPage, ErrorCode, TeamIdentityRequest, TeamSettings, AUDIT_PAGE,
};
use serde::Deserialize;

use crate::audit::{self, Event};
use crate::auth::Session;
use crate::db::StoreError;
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::AppState;

/// The team's identity, sent once by the coordinator device that made it, with its admission
/// of every approved device, its own included. The same identity again is a no-op (a client
/// whose reply was lost calls again); another one is refused: a team has one identity.
pub async fn set_team_identity(
    State(state): State<AppState>,
    session: Session,
    Body(request): Body<TeamIdentityRequest>,
) -> ApiResult<StatusCode> {
    session.require_coordinator()?;
    let caller = session.approved_device(&state).await?;
    if !request.identity.is_valid() {
        return Err(HttpError::malformed("invalid identity key"));
    }
    if !request
        .admissions
        .iter()
        .any(|a| a.device == caller.info.id)
    {
        return Err(HttpError::malformed(
            "the admissions must include the calling device",
        ));
    }
    let team = session.user.team;
    for (index, admission) in request.admissions.iter().enumerate() {
        let device = state.store.device(admission.device).await?;
        let Some(device) = device.filter(|d| d.team == team) else {
            return Err(HttpError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such device in this team",
            )
            .at(index));
        };
        request
            .identity
            .verify_admission(
                team,
                device.info.id,
                &device.info.keys,
                &admission.signature,
            )
            .map_err(|_| {
                HttpError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::BadSignature,
                    "the admission is not signed by this identity",
                )
                .at(index)
            })?;
    }
    match state
        .store
        .set_team_identity(team, &request.identity, &request.admissions)
        .await
    {
        Ok(()) => {}
        Err(StoreError::StateChanged) => {
            return Err(HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::IdentityConflict,
                "the team already has another identity",
            ))
        }
        Err(StoreError::NotFound) => {
            return Err(HttpError::new(
                StatusCode::CONFLICT,
                ErrorCode::Forbidden,
                "an admitted device is not approved",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(device = %caller.info.id, admitted = request.admissions.len(), "team identity set");
    let event = Event::new(team, AuditKind::IdentitySet).by(session.user.id, Some(caller.info.id));
    audit::record(state.store.as_ref(), event).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A coordinator sets what the team's phones do: the idle time before they lock, and whether
/// they erase their data after a number of wrong passphrases. Phones take it at their next
/// enrolment call (every unlock, and every 10 s while waiting).
pub async fn set_team_settings(
    State(state): State<AppState>,
    session: Session,
    Body(settings): Body<TeamSettings>,
) -> ApiResult<StatusCode> {
    session.require_coordinator()?;
    let caller = session.approved_device(&state).await?;
    if !settings.is_valid() {
        return Err(HttpError::malformed(
            "idle_lock_minutes must be 1 to 15, wipe_after_failures 5 to 20 or null, retention_months 1 to 120, report_threshold 3 to 20",
        ));
    }
    state
        .store
        .set_team_settings(session.user.team, &settings)
        .await?;
    tracing::info!(device = %caller.info.id, "team settings changed");
    let event = Event::new(session.user.team, AuditKind::SettingsChanged)
        .by(session.user.id, Some(caller.info.id));
    audit::record(state.store.as_ref(), event).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct EventsQuery {
    before: Option<i64>,
}

/// The team's security events, newest first, a page at a time (`before`: the last id seen).
pub async fn events(
    State(state): State<AppState>,
    session: Session,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> ApiResult<Reply<AuditPage>> {
    let Query(query) = query.map_err(|r| HttpError::malformed(r.body_text()))?;
    session.require_coordinator()?;
    session.approved_device(&state).await?;
    let mut events = state
        .store
        .team_events(session.user.team, query.before, AUDIT_PAGE + 1)
        .await?;
    let more = events.len() > AUDIT_PAGE;
    events.truncate(AUDIT_PAGE);
    Ok(ok(AuditPage { events, more }))
}
