//! The device's journal of changes: saving one (sealed, stored and queued in one transaction)
//! and reading every held envelope back into the fold. The counters that place a change in this
//! device's history are kept by the caller (`state`), not here.

use faltlogg_core::change::Change;
use faltlogg_core::crypto::TeamKey;
use faltlogg_core::envelope::{Envelope, EnvelopeError, Origin};
use faltlogg_core::fold::Fold;
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
    Ok((envelope, next))
}

/// Opens one stored envelope.
fn open(bytes: &[u8], keys: &[TeamKey]) -> Result<(Envelope, Change), EnvelopeError> {
    let envelope = Envelope::from_bytes(bytes)?;
    let change = envelope.open(keys)?;
    Ok((envelope, change))
}

/// Reads every envelope held on the device into the fold. Envelopes that do not open (a key
/// not held yet) are skipped here, never deleted.
pub async fn load(keys: &[TeamKey]) -> Result<Fold, StorageError> {
    let mut fold = Fold::default();
    for (_, bytes) in idb::all_bytes(ENVELOPES).await? {
        if let Ok((envelope, change)) = open(&bytes, keys) {
            fold.apply(envelope.header.stamp(), change);
        }
    }
    Ok(fold)
}
