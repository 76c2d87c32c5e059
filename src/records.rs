//! Records on the device: saving a change (sealed, stored and queued in one transaction) and
//! reading every held envelope back into the in-memory view.

use std::cell::Cell;

use faltlogg_core::crypto::TeamKey;
use faltlogg_core::envelope::{Change, Envelope, EnvelopeError, Origin};
use faltlogg_core::fold::Records;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use rand_core::OsRng;
use wasm_bindgen::JsValue;

use crate::idb::{self, StorageError, ENVELOPES, META, OUTBOX};
use crate::time::now_ms;
use crate::vault::VaultContents;

/// This device's place in its own history, persisted in `meta` with every change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    pub device_seq: u64,
    pub hlc: Hlc,
}

thread_local! {
    static COUNTERS: Cell<Option<Counters>> = const { Cell::new(None) };
}

fn meta_number(value: JsValue) -> u64 {
    value.as_f64().unwrap_or(0.0) as u64
}

async fn counters() -> Result<Counters, StorageError> {
    if let Some(c) = COUNTERS.with(Cell::get) {
        return Ok(c);
    }
    let tx = idb::transaction(&[META], false).await?;
    let device_seq = meta_number(idb::get(&tx, META, "device_seq").await?);
    let wall_ms = meta_number(idb::get(&tx, META, "hlc_wall").await?);
    let counter = meta_number(idb::get(&tx, META, "hlc_counter").await?) as u32;
    let c = Counters {
        device_seq,
        hlc: Hlc { wall_ms, counter },
    };
    COUNTERS.with(|cell| cell.set(Some(c)));
    Ok(c)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// The device has no team key yet (not approved).
    NoTeamKey,
    Storage(StorageError),
}

/// Seals `change` and stores it with its outbox entry and the advanced counters, all in one
/// transaction: either everything is on the device afterwards, or nothing is.
pub async fn save(change: &Change, vault: &VaultContents) -> Result<Envelope, SaveError> {
    let (Some(key), Some(device)) = (vault.current_team_key(), vault.device) else {
        return Err(SaveError::NoTeamKey);
    };
    let before = counters().await.map_err(SaveError::Storage)?;
    let now = now_ms() as u64;
    let next = Counters {
        device_seq: before.device_seq + 1,
        hlc: before.hlc.tick(now),
    };
    let origin = Origin {
        team: vault.user.team,
        device,
        device_seq: next.device_seq,
        hlc: next.hlc,
    };
    let envelope = Envelope::seal(
        change,
        ids::new_v7(now, &mut OsRng),
        origin,
        key,
        &vault.secrets,
        &mut OsRng,
    )
    .map_err(|_| SaveError::Storage(StorageError::Failed))?;
    let id = envelope.header.id.to_string();
    let bytes = envelope.to_bytes();
    let write = async {
        let tx = idb::transaction(&[ENVELOPES, OUTBOX, META], true).await?;
        idb::put_bytes(&tx, ENVELOPES, &id, &bytes)?;
        idb::put_bytes(&tx, OUTBOX, &id, &bytes)?;
        idb::put_value(
            &tx,
            META,
            "device_seq",
            &JsValue::from_f64(next.device_seq as f64),
        )?;
        idb::put_value(
            &tx,
            META,
            "hlc_wall",
            &JsValue::from_f64(next.hlc.wall_ms as f64),
        )?;
        idb::put_value(
            &tx,
            META,
            "hlc_counter",
            &JsValue::from_f64(next.hlc.counter as f64),
        )?;
        idb::committed(&tx).await
    };
    write.await.map_err(SaveError::Storage)?;
    COUNTERS.with(|cell| cell.set(Some(next)));
    Ok(envelope)
}

/// Moves the local clock past a remote change, so later local edits sort after it.
pub fn observe(remote: Hlc) {
    COUNTERS.with(|cell| {
        if let Some(mut c) = cell.get() {
            c.hlc = c.hlc.observe(remote, now_ms() as u64);
            cell.set(Some(c));
        }
    });
}

/// Opens one stored envelope.
fn open(bytes: &[u8], keys: &[TeamKey]) -> Result<(Envelope, Change), EnvelopeError> {
    let envelope = Envelope::from_bytes(bytes)?;
    let change = envelope.open(keys)?;
    Ok((envelope, change))
}

/// Reads every envelope held on the device into the in-memory view. Envelopes that do not
/// open (a key not held yet) are skipped here, never deleted.
pub async fn load(keys: &[TeamKey]) -> Result<Records, StorageError> {
    let mut records = Records::default();
    for (_, bytes) in idb::all_bytes(ENVELOPES).await? {
        if let Ok((envelope, change)) = open(&bytes, keys) {
            records.apply(&envelope.header, change);
        }
    }
    Ok(records)
}

/// Forgets the in-memory counters (on lock or erase); they are read again from storage.
pub fn forget() {
    COUNTERS.with(|cell| cell.set(None));
}
