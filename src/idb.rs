//! A small IndexedDB layer over web-sys: what the app keeps on the device. Everything stored
//! here is ciphertext (envelopes) or non-secret bookkeeping (counters, sync cursor).
//!
//! Stores (out-of-line string keys):
//! - `envelopes`: every envelope this device holds (own and pulled), as postcard bytes;
//! - `outbox`: envelopes not yet accepted by the server, same bytes;
//! - `quarantine`: envelopes that failed to verify or decrypt, set aside under a key that says
//!   which way they came (`push:<id>`, `pull:<seq>`), never deleted by the app;
//! - `meta`: counters and the pull cursor;
//! - `snapshot` (since version 2): the folded records sealed under the device's storage key, in
//!   chunks (`head`, `chunk:<n>`), so unlocking need not read every envelope;
//! - `drafts` (since version 2): forms being typed, sealed the same way, by form.
//!
//! A schema change is a new version whose upgrade only adds: stores are never changed in place.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

pub const DB_NAME: &str = "faltlogg";
const DB_VERSION: u32 = 2;
pub const ENVELOPES: &str = "envelopes";
pub const OUTBOX: &str = "outbox";
pub const QUARANTINE: &str = "quarantine";
pub const META: &str = "meta";
pub const SNAPSHOT: &str = "snapshot";
pub const DRAFTS: &str = "drafts";
/// Version 1 had the first four; version 2 added `snapshot` and `drafts`. The upgrade makes
/// whichever are missing, so it serves every older version.
const STORES: [&str; 6] = [ENVELOPES, OUTBOX, QUARANTINE, META, SNAPSHOT, DRAFTS];

/// Why the device's storage failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageError {
    /// The browser refused to store more (storage full or quota reached).
    Quota,
    /// Anything else: storage unavailable, blocked, or a corrupt value.
    Failed,
}

impl StorageError {
    pub fn from_js(value: &JsValue) -> StorageError {
        let name = value
            .dyn_ref::<web_sys::DomException>()
            .map(|e| e.name())
            .unwrap_or_default();
        if name == "QuotaExceededError" {
            StorageError::Quota
        } else {
            StorageError::Failed
        }
    }
}

// The page's one connection to its database: a handle to the outside world, like a
// connection pool, not app state (nothing a screen reads or reacts to lives here). It is a
// thread-local rather than a context value because journal, sync and the tests reach storage
// outside any reactive owner; `erase` closes and forgets it.
thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Wraps one-shot IndexedDB callbacks in a promise. One function serves every outcome, so it
/// frees itself after the first call and nothing leaks.
fn settle(
    register: impl FnOnce(&Function),
    outcome: impl FnOnce(web_sys::Event) -> Result<JsValue, JsValue> + 'static,
) -> JsFuture {
    let mut register = Some(register);
    let mut outcome = Some(outcome);
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let outcome = outcome.take().expect("the executor runs once");
        let callback = Closure::once_into_js(move |event: web_sys::Event| {
            let _ = match outcome(event) {
                Ok(v) => resolve.call1(&JsValue::NULL, &v),
                Err(e) => reject.call1(&JsValue::NULL, &e),
            };
        });
        (register.take().expect("the executor runs once"))(callback.unchecked_ref());
    });
    JsFuture::from(promise)
}

async fn request(req: IdbRequest) -> Result<JsValue, StorageError> {
    // Issued together with others, it may have finished before anyone waited for it.
    if req.ready_state() == web_sys::IdbRequestReadyState::Done {
        return match req.error() {
            Ok(None) => req.result().map_err(|e| StorageError::from_js(&e)),
            Ok(Some(e)) => Err(StorageError::from_js(&e.into())),
            Err(e) => Err(StorageError::from_js(&e)),
        };
    }
    let r = req.clone();
    settle(
        |f| {
            req.set_onsuccess(Some(f));
            req.set_onerror(Some(f));
        },
        move |_| match r.error() {
            Ok(None) => r.result(),
            Ok(Some(e)) => Err(e.into()),
            Err(e) => Err(e),
        },
    )
    .await
    .map_err(|e| StorageError::from_js(&e))
}

/// Waits until a transaction has committed. A write is durable only after this.
pub async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    Landing::watch(tx).landed().await
}

/// A transaction's commit, watched from the moment it is made: waiting for it can come later,
/// while other work goes on (the sync's next page is checked meanwhile).
pub struct Landing(JsFuture);

impl Landing {
    /// Watches `tx` from now; its requests must all be issued, or it may commit before them.
    pub fn watch(tx: &IdbTransaction) -> Landing {
        let t = tx.clone();
        Landing(settle(
            |f| {
                tx.set_oncomplete(Some(f));
                tx.set_onerror(Some(f));
                tx.set_onabort(Some(f));
            },
            // Only "complete" means committed: "abort" may carry no error at all.
            move |event| match (event.type_().as_str(), t.error()) {
                ("complete", _) => Ok(JsValue::UNDEFINED),
                (_, Some(e)) => Err(e.into()),
                (_, None) => Err(JsValue::from_str("transaction aborted")),
            },
        ))
    }

    /// Waits until it has committed, or says why not.
    pub async fn landed(self) -> Result<(), StorageError> {
        self.0
            .await
            .map(|_| ())
            .map_err(|e| StorageError::from_js(&e))
    }
}

async fn open_db() -> Result<IdbDatabase, StorageError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(StorageError::Failed)?;
    let open: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| StorageError::from_js(&e))?;
    let o = open.clone();
    let upgrade = Closure::once_into_js(move |_event: JsValue| {
        if let Ok(db) = o.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            let existing = db.object_store_names();
            for store in STORES {
                if !existing.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = request(open.into()).await?;
    db.dyn_into::<IdbDatabase>()
        .map_err(|_| StorageError::Failed)
}

/// The open database, opened once per page.
pub async fn db() -> Result<IdbDatabase, StorageError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = open_db().await?;
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// A transaction over `stores`, read-write when `write`.
pub async fn transaction(stores: &[&str], write: bool) -> Result<IdbTransaction, StorageError> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let mode = if write {
        IdbTransactionMode::Readwrite
    } else {
        IdbTransactionMode::Readonly
    };
    db().await?
        .transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| StorageError::from_js(&e))
}

/// Issues a transaction's writes, and aborts the transaction if one of them is refused as it
/// is issued (the browser throws at once for a store outside the transaction, a bad key or a
/// closed database, rather than failing the request later). Without the abort, the writes
/// issued before it would still commit: a record stored but not queued, a page of envelopes
/// without its cursor. With it, the transaction lands whole or not at all.
pub fn write(
    tx: &IdbTransaction,
    writes: impl FnOnce() -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let written = writes();
    if written.is_err() {
        let _ = tx.abort();
    }
    written
}

/// Queues a put of bytes under `key`; it lands when the transaction commits.
pub fn put_bytes(
    tx: &IdbTransaction,
    store: &str,
    key: &str,
    bytes: &[u8],
) -> Result<(), StorageError> {
    let value = Uint8Array::from(bytes);
    tx.object_store(store)
        .and_then(|s| s.put_with_key(&value, &JsValue::from_str(key)))
        .map(|_| ())
        .map_err(|e| StorageError::from_js(&e))
}

pub fn put_value(
    tx: &IdbTransaction,
    store: &str,
    key: &str,
    value: &JsValue,
) -> Result<(), StorageError> {
    tx.object_store(store)
        .and_then(|s| s.put_with_key(value, &JsValue::from_str(key)))
        .map(|_| ())
        .map_err(|e| StorageError::from_js(&e))
}

/// Deletes `keys` (in key order) from `store` within `tx`, aborting it if the browser refuses.
/// When the range from the first key to the last holds exactly these keys, read in the same
/// transaction so that nothing can come between, it goes in one range delete; otherwise one
/// delete each. Deleting key by key is what a phone's push of thousands waited for: 10,000
/// outbox entries in 20 transactions took 1,571 ms one by one and 234 ms as checked ranges
/// (Chromium 156, 2026-12-03).
pub async fn delete_keys(
    tx: &IdbTransaction,
    store: &str,
    keys: &[String],
) -> Result<(), StorageError> {
    let deleted = async {
        let object_store = tx
            .object_store(store)
            .map_err(|e| StorageError::from_js(&e))?;
        let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
            return Ok(());
        };
        if keys.len() > 1 {
            let range =
                web_sys::IdbKeyRange::bound(&JsValue::from_str(first), &JsValue::from_str(last))
                    .map_err(|e| StorageError::from_js(&e))?;
            let held = object_store
                .get_all_keys_with_key(&range)
                .map_err(|e| StorageError::from_js(&e))?;
            let held: Array = request(held).await?.unchecked_into();
            let exactly = held.length() as usize == keys.len()
                && held
                    .iter()
                    .zip(keys)
                    .all(|(h, k)| h.as_string().as_ref() == Some(k));
            if exactly {
                return object_store
                    .delete(&range)
                    .map(|_| ())
                    .map_err(|e| StorageError::from_js(&e));
            }
        }
        keys.iter().try_for_each(|key| delete(tx, store, key))
    };
    let deleted = deleted.await;
    if deleted.is_err() {
        let _ = tx.abort();
    }
    deleted
}

pub fn delete(tx: &IdbTransaction, store: &str, key: &str) -> Result<(), StorageError> {
    tx.object_store(store)
        .and_then(|s| s.delete(&JsValue::from_str(key)))
        .map(|_| ())
        .map_err(|e| StorageError::from_js(&e))
}

pub async fn get(tx: &IdbTransaction, store: &str, key: &str) -> Result<JsValue, StorageError> {
    let req = tx
        .object_store(store)
        .and_then(|s| s.get(&JsValue::from_str(key)))
        .map_err(|e| StorageError::from_js(&e))?;
    request(req).await
}

/// Every `(key, bytes)` pair of a store, in key order.
pub async fn all_bytes(store: &str) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    let tx = transaction(&[store], false).await?;
    let object_store = tx
        .object_store(store)
        .map_err(|e| StorageError::from_js(&e))?;
    let keys = object_store
        .get_all_keys()
        .map_err(|e| StorageError::from_js(&e))?;
    let values = object_store
        .get_all()
        .map_err(|e| StorageError::from_js(&e))?;
    let keys: Array = request(keys).await?.unchecked_into();
    let values: Array = request(values).await?.unchecked_into();
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(k, v)| Some((k.as_string()?, v.dyn_into::<Uint8Array>().ok()?.to_vec())))
        .collect())
}

/// Every key of a store, in key order, without reading the values.
pub async fn keys(store: &str) -> Result<Vec<String>, StorageError> {
    let tx = transaction(&[store], false).await?;
    let req = tx
        .object_store(store)
        .and_then(|s| s.get_all_keys())
        .map_err(|e| StorageError::from_js(&e))?;
    let keys: Array = request(req).await?.unchecked_into();
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// The bytes stored under each of `keys` (in one transaction, all requests at once); a key
/// with nothing stored is left out.
pub async fn get_bytes_many(
    store: &str,
    keys: &[String],
) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let tx = transaction(&[store], false).await?;
    let object_store = tx
        .object_store(store)
        .map_err(|e| StorageError::from_js(&e))?;
    let requests: Vec<IdbRequest> = keys
        .iter()
        .map(|k| object_store.get(&JsValue::from_str(k)))
        .collect::<Result<_, _>>()
        .map_err(|e| StorageError::from_js(&e))?;
    let mut out = Vec::with_capacity(keys.len());
    for (key, req) in keys.iter().zip(requests) {
        if let Ok(bytes) = request(req).await?.dyn_into::<Uint8Array>() {
            out.push((key.clone(), bytes.to_vec()));
        }
    }
    Ok(out)
}

/// The bytes under `key`, if any.
pub async fn get_bytes(store: &str, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
    Ok(get_bytes_many(store, &[key.to_string()])
        .await?
        .pop()
        .map(|(_, b)| b))
}

/// How many entries a store holds.
pub async fn count(store: &str) -> Result<u32, StorageError> {
    let tx = transaction(&[store], false).await?;
    let req = tx
        .object_store(store)
        .and_then(|s| s.count())
        .map_err(|e| StorageError::from_js(&e))?;
    Ok(request(req).await?.as_f64().unwrap_or(0.0) as u32)
}

/// Closes and deletes the whole database (signing out and erasing the device).
pub async fn erase() -> Result<(), StorageError> {
    if let Some(db) = DB.with(|d| d.borrow_mut().take()) {
        db.close();
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(StorageError::Failed)?;
    let req = factory
        .delete_database(DB_NAME)
        .map_err(|e| StorageError::from_js(&e))?;
    request(req.into()).await.map(|_| ())
}
