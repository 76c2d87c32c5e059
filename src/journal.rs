//! The device's journal of changes: saving one (sealed, stored and queued in one transaction)
//! and reading every held envelope back into the fold. The counters that place a change in this
//! device's history are kept by the caller (`state`), not here.

use faltlogg_core::change::Change;
use std::collections::BTreeSet;

use crate::rng::PhoneRng;
use faltlogg_core::crypto::person::PersonKey;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::envelope::{Envelope, EnvelopeError, Origin};
use faltlogg_core::fold::Fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::local::{Snapshot, SnapshotHead};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use crate::idb::{self, StorageError, ENVELOPES, META, OUTBOX, SNAPSHOT};
use crate::time::now_ms;
use crate::vault::VaultContents;

/// This device's place in its own history, persisted in `meta` with every change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    pub device_seq: u64,
    pub hlc: Hlc,
}

fn meta_number(value: JsValue) -> u64 {
    value.as_f64().unwrap_or(0.0) as u64
}

/// The counters as stored, read once per unlock.
pub async fn counters() -> Result<Counters, StorageError> {
    let tx = idb::transaction(&[META], false).await?;
    let device_seq = meta_number(idb::get(&tx, META, "device_seq").await?);
    let wall_ms = meta_number(idb::get(&tx, META, "hlc_wall").await?);
    let counter = meta_number(idb::get(&tx, META, "hlc_counter").await?) as u32;
    Ok(Counters {
        device_seq,
        hlc: Hlc { wall_ms, counter },
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// The device has no team key yet (not approved).
    NoTeamKey,
    Storage(StorageError),
}

/// Seals `change` and stores it with its outbox entry and the advanced counters, all in one
/// transaction: either everything is on the device afterwards, or nothing is. The change is
/// stamped after `before` and after `seen` (the greatest HLC merged here), so that an edit sorts
/// after every write it saw, whatever this phone's clock says. Gives the envelope and the new
/// counters.
pub async fn save(
    change: &Change,
    vault: &VaultContents,
    before: Counters,
    seen: Hlc,
    person: Option<&PersonKey>,
) -> Result<(Envelope, Counters), SaveError> {
    let (Some(key), Some(device)) = (vault.current_team_key(), vault.device) else {
        return Err(SaveError::NoTeamKey);
    };
    let now = now_ms() as u64;
    let next = Counters {
        device_seq: before.device_seq + 1,
        hlc: before.hlc.max(seen).tick(now),
    };
    let origin = Origin {
        team: vault.user.team,
        device,
        device_seq: next.device_seq,
        hlc: next.hlc,
    };
    let envelope = Envelope::seal(
        change,
        ids::for_stamp(next.hlc, &mut PhoneRng),
        origin,
        (key, person),
        &vault.secrets,
        &mut PhoneRng,
    )
    .map_err(|_| SaveError::Storage(StorageError::Failed))?;
    let id = envelope.header.id.to_string();
    let bytes = envelope.to_bytes();
    let write = async {
        let tx = idb::transaction(&[ENVELOPES, OUTBOX, META], true).await?;
        idb::write(&tx, || {
            idb::put_bytes(&tx, ENVELOPES, &id, &bytes)?;
            idb::put_bytes(&tx, OUTBOX, &id, &bytes)?;
            let number = |n: u64| JsValue::from_f64(n as f64);
            idb::put_value(&tx, META, "device_seq", &number(next.device_seq))?;
            idb::put_value(&tx, META, "hlc_wall", &number(next.hlc.wall_ms))?;
            idb::put_value(&tx, META, "hlc_counter", &number(next.hlc.counter.into()))
        })?;
        idb::committed(&tx).await
    };
    write.await.map_err(SaveError::Storage)?;
    Ok((envelope, next))
}

/// Opens one stored envelope, a person's record with the person key the fold holds.
fn open(bytes: &[u8], keys: &[TeamKey], fold: &Fold) -> Result<(Envelope, Change), EnvelopeError> {
    let envelope = Envelope::from_bytes(bytes)?;
    let change = envelope.open(keys, fold.keyring().for_envelope(&envelope.header))?;
    Ok((envelope, change))
}

/// Deletes every envelope of the erased person keys `erased` from the device (held and
/// queued), and the snapshot (which still holds their records), in one transaction. A
/// person's unsent edits go too: the person is erased everywhere, and the server would drop
/// them. The caller writes a new snapshot; until it does, unlocking folds the envelopes.
pub async fn drop_erased(erased: &[Uuid]) -> Result<(), StorageError> {
    let mut doomed = Vec::new();
    for store in [ENVELOPES, OUTBOX] {
        for (id, bytes) in idb::all_bytes(store).await? {
            let key = Envelope::from_bytes(&bytes)
                .ok()
                .and_then(|e| e.header.scope.erasable_key());
            if key.is_some_and(|k| erased.contains(&k)) {
                doomed.push((store, id));
            }
        }
    }
    let snapshot = idb::keys(SNAPSHOT).await?;
    let tx = idb::transaction(&[ENVELOPES, OUTBOX, SNAPSHOT], true).await?;
    idb::write(&tx, || {
        for (store, id) in &doomed {
            idb::delete(&tx, store, id)?;
        }
        for key in &snapshot {
            idb::delete(&tx, SNAPSHOT, key)?;
        }
        Ok(())
    })?;
    idb::committed(&tx).await
}

/// The records as loaded: the fold, the envelopes in it, and how many of them the snapshot did
/// not have yet.
pub struct Loaded {
    pub fold: Fold,
    pub covered: BTreeSet<Uuid>,
    pub fresh: usize,
}

/// Reads the device's records: the snapshot (a few large values), then only the envelopes it
/// does not cover. Envelopes that do not open (a key not held yet) are skipped here, never
/// deleted, and stay uncovered so a later load folds them in. A snapshot that does not open is
/// ignored: everything is folded from the envelopes again.
pub async fn load(keys: &[TeamKey], storage: &SymmetricKey) -> Result<Loaded, StorageError> {
    let Snapshot {
        mut fold,
        mut covered,
    } = read_snapshot(storage).await.unwrap_or_default();
    let missing: Vec<String> = idb::keys(ENVELOPES)
        .await?
        .into_iter()
        .filter(|k| k.parse::<Uuid>().map_or(true, |id| !covered.contains(&id)))
        .collect();
    let mut fresh = 0;
    for (_, bytes) in idb::get_bytes_many(ENVELOPES, &missing).await? {
        if let Ok((envelope, change)) = open(&bytes, keys, &fold) {
            fold.apply_envelope(&envelope.header, change);
            covered.insert(envelope.header.id);
            fresh += 1;
        }
    }
    Ok(Loaded {
        fold,
        covered,
        fresh,
    })
}

async fn read_snapshot(storage: &SymmetricKey) -> Option<Snapshot> {
    let head: SnapshotHead =
        postcard::from_bytes(&idb::get_bytes(SNAPSHOT, "head").await.ok()??).ok()?;
    let names: Vec<String> = (0..head.chunks).map(|i| format!("chunk:{i}")).collect();
    let chunks = idb::get_bytes_many(SNAPSHOT, &names).await.ok()?;
    let chunks: Vec<Vec<u8>> = chunks.into_iter().map(|(_, b)| b).collect();
    Snapshot::open(storage, head, &chunks).ok()
}

/// The generation the next snapshot gets, and how many chunks the current one has.
pub async fn next_snapshot() -> Result<(u64, u32), StorageError> {
    let old = match idb::get_bytes(SNAPSHOT, "head").await? {
        Some(bytes) => postcard::from_bytes::<SnapshotHead>(&bytes).ok(),
        None => None,
    };
    Ok(old.map_or((1, 0), |h| (h.generation + 1, h.chunks)))
}

/// Stores a sealed snapshot in one transaction, replacing the old one (of `old_chunks`
/// chunks) whole: a crash leaves either the old snapshot or the new one.
pub async fn store_snapshot(
    head: SnapshotHead,
    chunks: Vec<Vec<u8>>,
    old_chunks: u32,
) -> Result<(), StorageError> {
    let head_bytes = postcard::to_allocvec(&head).map_err(|_| StorageError::Failed)?;
    let tx = idb::transaction(&[SNAPSHOT], true).await?;
    idb::write(&tx, || {
        for (i, chunk) in chunks.iter().enumerate() {
            idb::put_bytes(&tx, SNAPSHOT, &format!("chunk:{i}"), chunk)?;
        }
        for stale in head.chunks..old_chunks {
            idb::delete(&tx, SNAPSHOT, &format!("chunk:{stale}"))?;
        }
        idb::put_bytes(&tx, SNAPSHOT, "head", &head_bytes)
    })?;
    idb::committed(&tx).await
}
