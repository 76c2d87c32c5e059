use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use faltlogg_core::api::{
    AuditKind, DeviceStatus, ErrorCode, PullResponse, PulledEnvelope, PushRequest, PushResponse,
    PushResult, Refusal, WireEnvelope, MAX_PULL_BATCH, MAX_PUSH_BATCH,
};
use faltlogg_core::crypto::device::Verifier;
use faltlogg_core::envelope::{Envelope, Scope};
use faltlogg_core::hlc::MAX_SKEW_MS;
use serde::Deserialize;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::Session;
use crate::db::{NewEnvelope, StoreError};
use crate::error::{ApiResult, HttpError};
use crate::wire::{ok, Body, Reply};
use crate::{now_ms, AppState};

#[derive(Deserialize)]
pub struct PushQuery {
    /// Store the good envelopes and name the bad ones (`api::PUSH_PARTIAL`), rather than
    /// refusing the batch at the first bad one.
    #[serde(default)]
    partial: bool,
}

/// Stores a batch of envelopes from the calling device. Each must name this team and this
/// device, be of a known epoch, carry this device's valid signature, and be stamped no further
/// ahead of the server's clock than `MAX_SKEW_MS`. An erasure deletes its person key's
/// envelopes as it is stored (`Store::push_envelopes`); any approved device may send one: who
/// holds a case is inside the records, which the server cannot read.
///
/// By default all or none: on the first bad one the reply names its `index`, so the client
/// can set it aside. With `?partial=true` the good ones are stored, in one transaction, and
/// the reply names each bad one and why (`PushResponse::refused`).
pub async fn push(
    State(state): State<AppState>,
    session: Session,
    query: Result<Query<PushQuery>, QueryRejection>,
    Body(request): Body<PushRequest>,
) -> ApiResult<Reply<PushResponse>> {
    let Query(query) = query.map_err(|r| HttpError::malformed(r.body_text()))?;
    // A revoked device may still hand over what it stamped before its revocation.
    let device = session.device_any_status(&state).await?;
    let revoked_at = match (device.info.status, device.info.revocation) {
        (DeviceStatus::Approved, _) => None,
        (DeviceStatus::Revoked, Some(revocation)) => Some(revocation.at_ms.max(0) as u64),
        (DeviceStatus::Revoked, None) => return Err(HttpError::revoked()),
        (DeviceStatus::Pending, _) => return Err(HttpError::not_approved()),
    };
    if request.envelopes.len() > MAX_PUSH_BATCH {
        return Err(HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BatchTooLarge,
            format!("at most {MAX_PUSH_BATCH} envelopes per push"),
        ));
    }
    let epoch = state.store.team_epoch(session.user.team).await?;
    let now = now_ms();
    let verifier = device
        .info
        .keys
        .verifier()
        .map_err(|_| HttpError::internal("a device's stored key", &"not an Ed25519 key"))?;
    let gate = Gate {
        team: session.user.team,
        device: device.info.id,
        verifier,
        revoked_at,
        epoch,
        now_ms: now,
    };
    let checked = tokio::task::spawn_blocking(move || gate.check_all(&request.envelopes))
        .await
        .map_err(|e| HttpError::internal("checking a push", &e))?;
    let mut batch = Vec::with_capacity(checked.len());
    // Each stored envelope's place in the request.
    let mut places = Vec::with_capacity(checked.len());
    let mut refused = Vec::new();
    for (index, checked) in checked.into_iter().enumerate() {
        match checked {
            Ok(envelope) => {
                batch.push(envelope);
                places.push(index);
            }
            Err(e) if query.partial => refused.push(Refusal {
                index: index as u32,
                error: e.body.error,
            }),
            Err(e) => return Err(e.at(index)),
        }
    }
    let seqs = loop {
        match state
            .store
            .push_envelopes(session.user.team, &batch, now)
            .await
        {
            Ok(seqs) => break seqs,
            // Found before anything is written: the rest go again without it.
            Err(StoreError::EnvelopeConflict { index }) if query.partial => {
                refused.push(Refusal {
                    index: places.remove(index) as u32,
                    error: ErrorCode::EnvelopeConflict,
                });
                batch.remove(index);
            }
            Err(StoreError::EnvelopeConflict { index }) => {
                return Err(StoreError::EnvelopeConflict { index }.into())
            }
            Err(e) => return Err(e.into()),
        }
    };
    refused.sort_by_key(|r| r.index);
    tracing::info!(device = %device.info.id, count = batch.len(), refused = refused.len(), "envelopes pushed");
    if revoked_at.is_some() && !batch.is_empty() {
        let event = Event::new(session.user.team, AuditKind::HandedOver)
            .by(session.user.id, Some(device.info.id));
        audit::record(state.store.as_ref(), event).await;
    }
    // Who erased, and when; never whom (the server does not know).
    for _ in batch.iter().filter(|e| matches!(e.scope, Scope::Erase(_))) {
        let event = Event::new(session.user.team, AuditKind::Erased)
            .by(session.user.id, Some(device.info.id));
        audit::record(state.store.as_ref(), event).await;
    }
    let results = batch
        .iter()
        .zip(seqs)
        .map(|(e, seq)| PushResult { id: e.id, seq })
        .collect();
    Ok(ok(PushResponse { results, refused }))
}

/// What a pushed envelope must match: its team, its device and the device's key, the
/// team's epoch, and the server's clock.
#[derive(Clone, Copy)]
struct Gate {
    team: Uuid,
    device: Uuid,
    verifier: Verifier,
    /// For a revoked device: when, in its clock's milliseconds.
    revoked_at: Option<u64>,
    epoch: u32,
    now_ms: i64,
}

/// Envelopes a thread checks at least: fewer are not worth another thread.
const PER_THREAD: usize = 16;

impl Gate {
    /// Each envelope decoded and checked, in order. The signatures are most of a push's
    /// work: a batch is shared among the machine's cores, and each share's signatures are
    /// checked together.
    fn check_all(&self, envelopes: &[WireEnvelope]) -> Vec<Result<NewEnvelope, HttpError>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = cores.min(envelopes.len() / PER_THREAD).max(1);
        if threads == 1 {
            return self.check_part(envelopes);
        }
        let chunk = envelopes.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = envelopes
                .chunks(chunk)
                .map(|part| scope.spawn(move || self.check_part(part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().expect("checking does not panic"))
                .collect()
        })
    }

    /// Checks a share of a batch: each envelope's header, then the signatures of those that
    /// pass together ([`Envelope::verify_all`]: about twice as fast here as one by one, the
    /// same check every device makes on a pull). Then the clock.
    fn check_part(&self, part: &[WireEnvelope]) -> Vec<Result<NewEnvelope, HttpError>> {
        let mut checked: Vec<Result<Envelope, HttpError>> =
            part.iter().map(|w| self.check_header(w)).collect();
        let headed: Vec<(usize, (&Envelope, &Verifier))> = checked
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, (e.as_ref().ok()?, &self.verifier))))
            .collect();
        let pairs: Vec<(&Envelope, &Verifier)> = headed.iter().map(|(_, pair)| *pair).collect();
        let bad: Vec<usize> = headed
            .iter()
            .zip(Envelope::verify_all(&pairs))
            .filter(|(_, verified)| verified.is_err())
            .map(|((i, _), _)| *i)
            .collect();
        for i in bad {
            checked[i] = Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadSignature,
                "signature does not verify",
            ));
        }
        checked
            .into_iter()
            .map(|envelope| self.accept(envelope?))
            .collect()
    }

    /// An envelope decoded, of this team, device and a known epoch, well formed, and (for a
    /// revoked device) stamped before its revocation.
    fn check_header(&self, wire: &WireEnvelope) -> Result<Envelope, HttpError> {
        let unprocessable =
            |code, message: &str| HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
        let envelope = wire
            .decode()
            .map_err(|_| unprocessable(ErrorCode::BadEnvelope, "envelope is malformed"))?;
        // Before the clock bound: a revoked device's hand-over ends at its revocation, which
        // is never far ahead, so its clock cannot hold back what came before.
        if self
            .revoked_at
            .is_some_and(|at| envelope.header.hlc.wall_ms > at)
        {
            return Err(HttpError::revoked());
        }
        if envelope.header.team != self.team || envelope.header.device != self.device {
            return Err(HttpError::forbidden(
                ErrorCode::WrongOrigin,
                "envelope names another team or device",
            ));
        }
        if envelope.header.epoch == 0 || envelope.header.epoch > self.epoch {
            return Err(unprocessable(ErrorCode::BadEnvelope, "unknown key epoch"));
        }
        envelope
            .check_shape()
            .map_err(|_| unprocessable(ErrorCode::BadEnvelope, "envelope is malformed"))?;
        Ok(envelope)
    }

    /// A signed envelope, once the clock allows it: ready to store.
    fn accept(&self, envelope: Envelope) -> Result<NewEnvelope, HttpError> {
        // After the signature: only the device itself can have stamped it so.
        if envelope
            .header
            .hlc
            .is_ahead_of(self.now_ms.max(0) as u64, MAX_SKEW_MS)
        {
            return Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ClockAhead,
                "stamped too far ahead of the server's clock",
            ));
        }
        Ok(NewEnvelope {
            id: envelope.header.id,
            device: self.device,
            bytes: envelope.to_bytes(),
            scope: envelope.header.scope,
        })
    }
}

#[derive(Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    after: i64,
    limit: Option<usize>,
    /// Leave out the caller's own envelopes (`api::PULL_SKIP_OWN`): it holds them already.
    #[serde(default)]
    skip_own: bool,
}

/// The team's envelopes after sequence number `after`, oldest first.
pub async fn pull(
    State(state): State<AppState>,
    session: Session,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> ApiResult<Reply<PullResponse>> {
    let Query(query) = query.map_err(|r| HttpError::malformed(r.body_text()))?;
    let device = session.approved_device(&state).await?;
    let limit = query
        .limit
        .unwrap_or(MAX_PULL_BATCH)
        .clamp(1, MAX_PULL_BATCH);
    let skip = query.skip_own.then_some(device.info.id);
    let mut rows = state
        .store
        .pull_envelopes(session.user.team, query.after, limit + 1, skip)
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    // A cursor from the future (another server's, a restored database's) gets nothing and
    // stays where it is: the device's own cursor is never moved back.
    let last = rows.last().map_or(query.after, |(seq, _)| *seq);
    let envelopes = rows
        .into_iter()
        .filter_map(|(seq, bytes)| {
            Some(PulledEnvelope {
                seq,
                envelope: WireEnvelope(bytes?),
            })
        })
        .collect();
    Ok(ok(PullResponse {
        envelopes,
        more,
        last,
    }))
}
