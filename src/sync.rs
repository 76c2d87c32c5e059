//! Sync with the coordination server: push the outbox, then pull what the team's other
//! devices sent. One bad envelope is set aside in `quarantine` and never blocks the rest.

use std::collections::VecDeque;

use faltlogg_core::api::{
    fits_in_push, DeviceInfo, DeviceList, ErrorCode, PullResponse, PushRequest, PushResponse,
    WireEnvelope, MAX_PUSH_BATCH,
};
use faltlogg_core::change::Change;
use faltlogg_core::crypto::person::Keyring;
use faltlogg_core::envelope::{Envelope, EnvelopeHeader};
use faltlogg_core::hlc::DEVICE_MAX_SKEW_MS;
use wasm_bindgen::JsValue;

use crate::api::{self, CallError};
use crate::idb::{self, StorageError, ENVELOPES, META, OUTBOX, QUARANTINE};
use crate::vault::VaultContents;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    Api(CallError),
    Storage(StorageError),
}

impl From<CallError> for SyncError {
    fn from(e: CallError) -> Self {
        SyncError::Api(e)
    }
}

impl From<StorageError> for SyncError {
    fn from(e: StorageError) -> Self {
        SyncError::Storage(e)
    }
}

/// Moves an envelope the server refused from the outbox to quarantine, in one transaction.
async fn set_aside(id: &str, bytes: &[u8]) -> Result<(), StorageError> {
    let tx = idb::transaction(&[OUTBOX, QUARANTINE], true).await?;
    idb::put_bytes(&tx, QUARANTINE, &format!("push:{id}"), bytes)?;
    idb::delete(&tx, OUTBOX, id)?;
    idb::committed(&tx).await
}

/// How a push ended, when the server was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    All,
    /// The server refused a change stamped ahead of its clock: this phone's clock is ahead.
    /// What is left stays in the outbox, to be sent once the clock is right; a pull may still
    /// bring the team's changes in.
    HeldByClock,
}

/// Sends everything in the outbox, oldest first, in batches under the server's limits.
pub async fn push(vault: &VaultContents) -> Result<Pushed, SyncError> {
    // Oldest first: outbox keys are UUIDv7, which sort by time.
    let mut queue: VecDeque<(String, Vec<u8>)> = idb::all_bytes(OUTBOX).await?.into();
    while !queue.is_empty() {
        let mut batch = Vec::new();
        let mut size = 64;
        while let Some((_, next)) = queue.front() {
            if batch.len() == MAX_PUSH_BATCH
                || (!batch.is_empty() && !fits_in_push(size, next.len()))
            {
                break;
            }
            size += next.len() * 4 / 3 + 512;
            batch.push(queue.pop_front().expect("front exists"));
        }
        let request = PushRequest {
            envelopes: batch
                .iter()
                .map(|(_, bytes)| WireEnvelope(bytes.clone()))
                .collect(),
        };
        // The reply's sequence numbers are not needed here: the pull brings every envelope.
        // (It is still read as its type: postcard cannot skip a value it does not know.)
        match api::post::<_, PushResponse>("/api/envelopes", Some(&vault.token), &request).await {
            Ok(_) => {
                let tx = idb::transaction(&[OUTBOX], true).await?;
                for (id, _) in &batch {
                    idb::delete(&tx, OUTBOX, id)?;
                }
                idb::committed(&tx).await?;
            }
            Err(CallError::Rejected(e))
                if faltlogg_core::sync::refuses_for_good(e.error)
                    && e.index.is_some_and(|i| i < batch.len()) =>
            {
                let (id, bad) = batch.remove(e.index.expect("checked"));
                set_aside(&id, &bad).await?;
                for item in batch.into_iter().rev() {
                    queue.push_front(item);
                }
            }
            Err(CallError::Rejected(e)) if e.error == ErrorCode::ClockAhead => {
                return Ok(Pushed::HeldByClock)
            }
            // Revoked: the server takes what was stamped before the revocation (the batch up
            // to `index`, oldest first), and nothing after.
            Err(CallError::Rejected(e))
                if e.error == ErrorCode::DeviceRevoked && e.index.is_some_and(|i| i > 0) =>
            {
                let before = e.index.expect("checked").min(batch.len());
                batch.truncate(before);
                queue.clear();
                for item in batch.into_iter().rev() {
                    queue.push_front(item);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Pushed::All)
}

/// Whether a change `device` stamped at `hlc_ms` counts: it must be admitted by the team
/// identity this device trusts, and not stamped after a revocation that identity signed.
fn counts(vault: &VaultContents, device: &DeviceInfo, hlc_ms: u64) -> bool {
    let revoked_before = device.revocation.is_some_and(|r| {
        vault.team_identity.is_some_and(|identity| {
            identity
                .verify_revocation(vault.user.team, device.id, r.at_ms, &r.signature)
                .is_ok()
        }) && hlc_ms > r.at_ms.max(0) as u64
    });
    admitted(vault, device) && !revoked_before
}

/// Whether the team identity this device trusts admitted `device` with its listed keys. A
/// device of a team from before identities (none pinned) takes the list as it is.
fn admitted(vault: &VaultContents, device: &DeviceInfo) -> bool {
    match vault.team_identity {
        Some(identity) => device.admission.is_some_and(|signature| {
            identity
                .verify_admission(vault.user.team, device.id, &device.keys, &signature)
                .is_ok()
        }),
        None => true,
    }
}

/// What a pull brought: the changes that opened, and how many were set aside.
#[derive(Default)]
pub struct Pulled {
    pub changes: Vec<(EnvelopeHeader, Change)>,
    pub set_aside: usize,
    /// The pull stopped before a change of a key epoch this device does not hold yet (the
    /// team key was rotated): collect the new key (enrol), then pull again from there.
    pub needs_key: bool,
    /// Person keys erased by changes in this pull: their envelopes are to be dropped here.
    pub erased: Vec<uuid::Uuid>,
}

/// Fetches the team's envelopes after the stored cursor, checks each against its sender's
/// public key and this phone's clock (a day's leeway: `DEVICE_MAX_SKEW_MS`), opens it with
/// the team keys and the person keys of `keyring` (kept up to date with the keys and
/// erasures the pull brings), and stores it. An envelope of an erased person is dropped
/// unread. The cursor moves past every envelope, opened, dropped or set aside, in the same
/// transaction that stores them.
pub async fn pull(vault: &VaultContents, keyring: &mut Keyring) -> Result<Pulled, SyncError> {
    let mut pulled = Pulled::default();
    // The team's devices, fetched when an envelope names one not seen yet.
    let mut senders: Option<Vec<DeviceInfo>> = None;
    // Read once: each page's transaction stores the cursor it moves on to.
    let mut after = {
        let tx = idb::transaction(&[META], false).await?;
        idb::get(&tx, META, "pull_after")
            .await?
            .as_f64()
            .unwrap_or(0.0) as i64
    };
    let now = crate::time::now_ms().max(0) as u64;
    loop {
        let page: PullResponse =
            api::get(&format!("/api/envelopes?after={after}"), &vault.token).await?;
        let envelopes: Vec<(i64, Option<Envelope>)> = page
            .envelopes
            .iter()
            .map(|p| (p.seq, p.envelope.decode().ok()))
            .collect();
        let known = |senders: &Option<Vec<DeviceInfo>>, e: &Envelope| {
            senders
                .as_ref()
                .is_some_and(|s| s.iter().any(|d| d.id == e.header.device))
        };
        if envelopes
            .iter()
            .any(|(_, e)| e.as_ref().is_some_and(|e| !known(&senders, e)))
        {
            let list: DeviceList = api::get("/api/devices", &vault.token).await?;
            senders = Some(list.devices);
        }
        // A sender counts only if the team identity this device pinned admitted it with
        // these keys: the server's list alone is not enough (docs/security.md).
        let sender_keys = |device, hlc_ms| {
            senders
                .as_ref()
                .and_then(|s| s.iter().find(|d| d.id == device))
                .filter(|d| counts(vault, d, hlc_ms))
                .map(|d| &d.keys)
        };
        let tx = idb::transaction(&[ENVELOPES, QUARANTINE, META], true).await?;
        let mut last = after;
        let newest_held = vault.current_team_key().map_or(0, |k| k.epoch);
        for ((seq, envelope), wire) in envelopes.into_iter().zip(&page.envelopes) {
            // Not set aside: the key is on its way. The cursor stays before it.
            if envelope
                .as_ref()
                .is_some_and(|e| e.header.epoch > newest_held)
            {
                pulled.needs_key = true;
                break;
            }
            let erased = envelope.as_ref().is_some_and(|e| {
                e.header
                    .scope
                    .erasable_key()
                    .is_some_and(|k| keyring.is_erased(k))
            });
            if erased {
                last = seq;
                continue;
            }
            let opened = envelope.and_then(|envelope| {
                let keys = sender_keys(envelope.header.device, envelope.header.hlc.wall_ms)
                    .filter(|_| envelope.header.team == vault.user.team)?;
                // A stamp from far ahead would order after every later edit: the server
                // refuses such pushes, so one here came past it.
                if envelope.header.hlc.is_ahead_of(now, DEVICE_MAX_SKEW_MS) {
                    return None;
                }
                envelope.verify(keys).ok()?;
                let change = envelope
                    .open(&vault.team_keys, keyring.for_envelope(&envelope.header))
                    .ok()?;
                Some((envelope, change))
            });
            match opened {
                Some((envelope, change)) => {
                    match &change {
                        Change::PersonKey(key) => keyring.insert(key.clone()),
                        Change::Erase { key, .. } => {
                            keyring.erase(*key);
                            pulled.erased.push(*key);
                        }
                        _ => {}
                    }
                    idb::put_bytes(
                        &tx,
                        ENVELOPES,
                        &envelope.header.id.to_string(),
                        &wire.envelope.0,
                    )?;
                    pulled.changes.push((envelope.header, change));
                }
                None => {
                    idb::put_bytes(&tx, QUARANTINE, &format!("pull:{seq}"), &wire.envelope.0)?;
                    pulled.set_aside += 1;
                }
            }
            last = seq;
        }
        idb::put_value(&tx, META, "pull_after", &JsValue::from_f64(last as f64))?;
        idb::committed(&tx).await?;
        after = last;
        if pulled.needs_key || !page.more || page.envelopes.is_empty() {
            return Ok(pulled);
        }
    }
}
