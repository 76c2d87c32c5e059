//! The browser's side of the sync engine (`faltlogg_core::sync`): the server over `fetch`
//! ([`Server`]) and this phone's IndexedDB ([`Phone`]). The protocol (batches, what a reply
//! means, which envelopes count) is the core's, the same code the native client and its tests
//! run; what is here only moves bytes.

use faltlogg_core::api::{
    DeviceInfo, DeviceList, PullResponse, PushRequest, PushResponse, PULL_SKIP_OWN, PUSH_PARTIAL,
};
use faltlogg_core::crypto::person::Keyring;
use faltlogg_core::sync::{
    self as engine, Failure, Queued, Report, Senders, Settled, Taken, Trust,
};
use wasm_bindgen::JsValue;

use crate::api::{self, CallError};
use crate::idb::{self, Landing, StorageError, ENVELOPES, META, OUTBOX, QUARANTINE};
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

impl From<engine::SyncError<CallError, StorageError>> for SyncError {
    fn from(e: engine::SyncError<CallError, StorageError>) -> Self {
        match e {
            engine::SyncError::Server(Failure::Refused(body)) => {
                SyncError::Api(CallError::Rejected(body))
            }
            engine::SyncError::Server(Failure::Unreached(e)) => SyncError::Api(e),
            engine::SyncError::Storage(e) => SyncError::Storage(e),
        }
    }
}

/// The coordination server, called with this device's session.
struct Server<'a> {
    token: &'a str,
}

/// A refusal for the engine, which needs only its body; a busy server's stays whole, as not
/// reached, so that the sync can wait as long as the server asked.
fn failure(e: CallError) -> Failure<CallError> {
    match e {
        CallError::Rejected(body) => Failure::Refused(body),
        e => Failure::Unreached(e),
    }
}

impl engine::Transport for Server<'_> {
    type Error = CallError;

    async fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure<CallError>> {
        let path = format!("/api/envelopes?{PUSH_PARTIAL}");
        api::post(&path, Some(self.token), request)
            .await
            .map_err(failure)
    }

    async fn pull(&mut self, after: i64) -> Result<PullResponse, Failure<CallError>> {
        let path = format!("/api/envelopes?after={after}&{PULL_SKIP_OWN}");
        api::get(&path, self.token).await.map_err(failure)
    }

    async fn devices(&mut self) -> Result<Vec<DeviceInfo>, Failure<CallError>> {
        let list: DeviceList = api::get("/api/devices", self.token)
            .await
            .map_err(failure)?;
        Ok(list.devices)
    }
}

/// This phone's storage: the outbox (keyed by the envelope's UUIDv7, so in time order), the
/// envelopes it holds, quarantine, and the pull cursor in `meta`.
#[derive(Default)]
struct Phone {
    /// The last write's commit, not waited for yet: the engine sends the next batch or checks
    /// the next page meanwhile (a page's commit was about 30 ms of a phone's pull, waited out
    /// 20 times for 10,000 envelopes). Every write waits for it first, so one that failed
    /// stops the sync before anything after it is written: a page's cursor never passes a
    /// page that was not stored.
    landing: Option<Landing>,
}

impl Phone {
    async fn last_write_landed(&mut self) -> Result<(), StorageError> {
        match self.landing.take() {
            Some(landing) => landing.landed().await,
            None => Ok(()),
        }
    }
}

impl engine::Local for Phone {
    type Key = String;
    type Error = StorageError;

    async fn outbox(&mut self) -> Result<Vec<Queued<String>>, StorageError> {
        Ok(idb::all_bytes(OUTBOX)
            .await?
            .into_iter()
            .map(|(key, bytes)| Queued { key, bytes })
            .collect())
    }

    /// The envelopes sent leave the outbox (each was stored here when it was saved, so its
    /// number is not needed: the server leaves this phone's own out of its pulls); the ones
    /// the server refused for themselves move to quarantine. One transaction; a batch is the
    /// oldest of the outbox, so it usually leaves in one range delete (`idb::delete_keys`).
    async fn settle(&mut self, settled: &Settled<String>) -> Result<(), StorageError> {
        self.last_write_landed().await?;
        let mut leaving: Vec<String> = settled.sent.iter().map(|(key, _)| key.clone()).collect();
        leaving.extend(
            settled
                .set_aside
                .iter()
                .map(|(queued, _)| queued.key.clone()),
        );
        leaving.sort_unstable();
        let tx = idb::transaction(&[OUTBOX, QUARANTINE], true).await?;
        idb::delete_keys(&tx, OUTBOX, &leaving).await?;
        idb::write(&tx, || {
            settled.set_aside.iter().try_for_each(|(queued, _)| {
                let key = format!("push:{}", queued.key);
                idb::put_bytes(&tx, QUARANTINE, &key, &queued.bytes)
            })
        })?;
        self.landing = Some(Landing::watch(&tx));
        Ok(())
    }

    async fn cursor(&mut self) -> Result<i64, StorageError> {
        let tx = idb::transaction(&[META], false).await?;
        Ok(idb::get(&tx, META, "pull_after")
            .await?
            .as_f64()
            .unwrap_or(0.0) as i64)
    }

    /// A page's envelopes and the cursor past them, in one transaction.
    async fn take_in(&mut self, taken: &[Taken<'_>], cursor: i64) -> Result<(), StorageError> {
        self.last_write_landed().await?;
        let tx = idb::transaction(&[ENVELOPES, QUARANTINE, META], true).await?;
        idb::write(&tx, || {
            for t in taken {
                match t.opened {
                    Some(id) => idb::put_bytes(&tx, ENVELOPES, &id.to_string(), t.bytes)?,
                    None => idb::put_bytes(&tx, QUARANTINE, &format!("pull:{}", t.seq), t.bytes)?,
                }
            }
            idb::put_value(&tx, META, "pull_after", &JsValue::from_f64(cursor as f64))
        })?;
        self.landing = Some(Landing::watch(&tx));
        Ok(())
    }

    async fn landed(&mut self) -> Result<(), StorageError> {
        self.last_write_landed().await
    }
}

/// Sends everything in the outbox, oldest first, in batches under the server's limits.
pub async fn push(vault: &VaultContents) -> Result<Report, SyncError> {
    let mut report = Report::default();
    let mut server = Server {
        token: &vault.token,
    };
    engine::push_all(&mut server, &mut Phone::default(), &mut report).await?;
    Ok(report)
}

/// Pushes the outbox, then pulls what the team's other devices sent, checked against the team
/// identity this phone pinned and its clock, and opened with the team keys and `keyring`
/// (kept up to date with the keys and erasures that come in). `senders` is the team's devices
/// as last fetched, kept between syncs while the phone is unlocked.
pub async fn sync(
    vault: &VaultContents,
    senders: &mut Senders,
    keyring: &mut Keyring,
) -> Result<Report, SyncError> {
    let trust = Trust {
        team: vault.user.team,
        me: vault.device,
        identity: vault.team_identity,
        team_keys: &vault.team_keys,
        now_ms: crate::time::now_ms().max(0) as u64,
    };
    let mut server = Server {
        token: &vault.token,
    };
    Ok(engine::sync(&mut server, &mut Phone::default(), &trust, senders, keyring).await?)
}
