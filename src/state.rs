//! The app's shared state (one context, [`AppCtx`]) and the flows that change it: sign-in,
//! passphrase, unlock, enrolment, saving and syncing. Components call these; they never talk
//! to storage or the server themselves.

use faltlogg_core::api::{EnrolRequest, ErrorCode, MyDevice, SignInRequest, SignInResponse};
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::envelope::Change;
use faltlogg_core::fold::Records;
use leptos::prelude::*;
use rand_core::OsRng;
use wasm_bindgen::JsValue;

use crate::api::{self, ApiFailure};
use crate::i18n::Msg;
use crate::idb::{self, StorageError, META, OUTBOX, QUARANTINE};
use crate::records::{self, SaveError};
use crate::sync::{self, SyncError};
use crate::time::{after_next_paint, now_ms};
use crate::vault::{self, OpenVault, VaultContents, VaultError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    SignedOut,
    /// Signed in; the worker now chooses the passphrase that will seal the vault.
    ChoosePassphrase,
    Locked,
    Unlocked,
}

/// What the top bar and the More screen say about sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub waiting: u32,
    pub set_aside: u32,
    pub last_sent_ms: Option<i64>,
    pub running: bool,
    /// Syncs that finished without a problem since the app started.
    pub completed: u32,
    /// Why the last sync did not finish, in words for the user.
    pub problem: Option<Msg>,
}

#[derive(Clone, Copy)]
pub struct AppCtx {
    pub phase: RwSignal<Phase>,
    /// The open vault, only while unlocked.
    pub vault: RwSignal<Option<OpenVault>>,
    /// A sign-in waiting for its passphrase (in memory only).
    pub pending_sign_in: RwSignal<Option<SignInResponse>>,
    pub records: RwSignal<Records>,
    pub sync: RwSignal<SyncState>,
    /// A short confirmation shown once ("The contact is saved").
    pub notice: RwSignal<Option<Msg>>,
    pub update_ready: RwSignal<bool>,
}

pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

impl AppCtx {
    /// Why the last contact with the server (or the storage it fed) failed, if it did.
    pub fn sync_problem(self) -> Signal<Option<Msg>> {
        Signal::derive(move || self.sync.with(|s| s.problem))
    }

    /// The state at start-up: locked if this device has a vault, signed out if not.
    pub fn from_device() -> AppCtx {
        AppCtx {
            phase: RwSignal::new(if vault::exists() {
                Phase::Locked
            } else {
                Phase::SignedOut
            }),
            vault: RwSignal::new(None),
            pending_sign_in: RwSignal::new(None),
            records: RwSignal::new(Records::default()),
            sync: RwSignal::new(SyncState::default()),
            notice: RwSignal::new(None),
            update_ready: RwSignal::new(false),
        }
    }

    /// Whether this device holds a team key and so can record and sync.
    pub fn approved(self) -> bool {
        self.vault.with(|v| {
            v.as_ref().is_some_and(|v| {
                v.contents.device.is_some() && v.contents.current_team_key().is_some()
            })
        })
    }

    fn contents(self) -> Option<VaultContents> {
        self.vault
            .with_untracked(|v| v.as_ref().map(|v| v.contents.clone()))
    }

    /// Changes the open vault's contents and seals the result to storage.
    fn update_vault(self, change: impl FnOnce(&mut VaultContents)) -> Result<(), Msg> {
        let Some(mut open) = self.vault.get_untracked() else {
            return Ok(());
        };
        change(&mut open.contents);
        open.save().map_err(vault_msg)?;
        self.vault.set(Some(open));
        Ok(())
    }
}

pub fn api_msg(failure: &ApiFailure) -> Msg {
    match failure {
        ApiFailure::Offline => Msg::Offline,
        ApiFailure::Rejected(e) => match e.error {
            ErrorCode::SessionExpired => Msg::SessionExpired,
            ErrorCode::InvalidCredentials => Msg::WrongCredentials,
            ErrorCode::DeviceRevoked => Msg::DeviceRevoked,
            _ => Msg::ServerError,
        },
        ApiFailure::Unexpected => Msg::ServerError,
    }
}

pub fn storage_msg(e: StorageError) -> Msg {
    match e {
        StorageError::Quota => Msg::QuotaExceeded,
        StorageError::Failed => Msg::StorageError,
    }
}

fn vault_msg(e: VaultError) -> Msg {
    match e {
        VaultError::WrongPassphrase => Msg::WrongPassphrase,
        VaultError::Unreadable => Msg::VaultUnreadable,
        VaultError::Storage(s) => storage_msg(s),
    }
}

fn sync_msg(e: &SyncError) -> Msg {
    match e {
        SyncError::Api(a) => api_msg(a),
        SyncError::Storage(s) => storage_msg(*s),
    }
}

/// Step 1: sign in while online. Nothing is stored until a passphrase is chosen.
pub async fn sign_in(ctx: AppCtx, username: String, password: String) -> Result<(), Msg> {
    let request = SignInRequest { username, password };
    let response: SignInResponse = api::post("/api/session", None, &request)
        .await
        .map_err(|e| api_msg(&e))?;
    if ctx.phase.get_untracked() == Phase::Unlocked {
        // Signing in again after the session expired: keep the device, replace the token.
        ctx.update_vault(|v| v.token = response.token)?;
        ctx.sync.update(|s| s.problem = None);
        leptos::task::spawn_local(after_unlock(ctx));
    } else {
        ctx.pending_sign_in.set(Some(response));
        ctx.phase.set(Phase::ChoosePassphrase);
    }
    Ok(())
}

/// Step 2: the passphrase. The device keys are made and sealed into the vault before the
/// device enrols, so nothing the server learns about this device is ever lost locally.
pub async fn choose_passphrase(ctx: AppCtx, passphrase: String) -> Result<(), Msg> {
    let Some(signed_in) = ctx.pending_sign_in.get_untracked() else {
        ctx.phase.set(Phase::SignedOut);
        return Ok(());
    };
    let contents = VaultContents {
        user: signed_in.user,
        token: signed_in.token,
        device: None,
        secrets: DeviceSecrets::generate(&mut OsRng),
        team_keys: Vec::new(),
    };
    after_next_paint().await;
    let open = OpenVault::create(&passphrase, contents).map_err(vault_msg)?;
    ctx.pending_sign_in.set(None);
    ctx.vault.set(Some(open));
    ctx.phase.set(Phase::Unlocked);
    leptos::task::spawn_local(after_unlock(ctx));
    Ok(())
}

pub async fn unlock(ctx: AppCtx, passphrase: String) -> Result<(), Msg> {
    after_next_paint().await;
    let open = OpenVault::unlock(&passphrase).map_err(vault_msg)?;
    ctx.vault.set(Some(open));
    ctx.phase.set(Phase::Unlocked);
    leptos::task::spawn_local(after_unlock(ctx));
    Ok(())
}

pub fn lock(ctx: AppCtx) {
    ctx.vault.set(None);
    ctx.records.set(Records::default());
    ctx.notice.set(None);
    records::forget();
    if vault::exists() {
        ctx.phase.set(Phase::Locked);
    } else {
        ctx.phase.set(Phase::SignedOut);
    }
}

/// Signs out and erases everything this app keeps on the device.
/// The vault goes first: without it nothing in IndexedDB can be opened, even if deleting the
/// database has to wait for another tab of the app to close.
pub async fn erase_device(ctx: AppCtx) {
    vault::erase();
    // With the vault gone, lock() leaves the app signed out.
    lock(ctx);
    ctx.sync.set(SyncState::default());
    let _ = idb::erase().await;
}

/// After unlocking: show what is on the device at once, then reach for the server.
async fn after_unlock(ctx: AppCtx) {
    refresh_local(ctx).await;
    if ensure_enrolled(ctx).await.is_ok() {
        // Spawned, not awaited: one copy of the sync state machine in the wasm, not two.
        spawn_sync(ctx);
    }
}

/// Reloads the view and the counts from the device alone.
async fn refresh_local(ctx: AppCtx) {
    let Some(contents) = ctx.contents() else {
        return;
    };
    match records::load(&contents.team_keys).await {
        Ok(records) => ctx.records.set(records),
        Err(e) => ctx.sync.update(|s| s.problem = Some(storage_msg(e))),
    }
    refresh_counts(ctx).await;
}

async fn refresh_counts(ctx: AppCtx) {
    let waiting = idb::count(OUTBOX).await.unwrap_or(0);
    let set_aside = idb::count(QUARANTINE).await.unwrap_or(0);
    let last = async {
        let tx = idb::transaction(&[META], false).await?;
        idb::get(&tx, META, "last_sync_ms").await
    };
    let last_sent_ms = last.await.ok().and_then(|v| v.as_f64()).map(|v| v as i64);
    ctx.sync.update(|s| {
        s.waiting = waiting;
        s.set_aside = set_aside;
        s.last_sent_ms = last_sent_ms;
    });
}

/// Enrols the device if it is not yet, and collects team keys sealed to it. A failure, from
/// the server or from the phone's storage, is also shown as the sync problem: callers in the
/// background drop the result.
pub async fn ensure_enrolled(ctx: AppCtx) -> Result<(), Msg> {
    let result = enrol(ctx).await;
    if let Err(msg) = result {
        ctx.sync.update(|s| s.problem = Some(msg));
    }
    result
}

async fn enrol(ctx: AppCtx) -> Result<(), Msg> {
    let Some(contents) = ctx.contents() else {
        return Ok(());
    };
    // Enrolling the same keys again is how a device rebinds itself to a new session (after
    // its sign-in expired) and learns its status and sealed keys: one call for every case.
    let request = EnrolRequest::new(&contents.secrets, &contents.token);
    let result: Result<MyDevice, ApiFailure> =
        api::post("/api/devices", Some(&contents.token), &request).await;
    let me = result.map_err(|e| api_msg(&e))?;
    ctx.sync.update(|s| s.problem = None);
    let mut new_keys: Vec<TeamKey> = Vec::new();
    let held = |epoch: u32| contents.team_keys.iter().any(|k| k.epoch == epoch);
    if me.make_team_key && me.team_epoch > 0 && !held(me.team_epoch) {
        new_keys.push(TeamKey {
            epoch: me.team_epoch,
            key: SymmetricKey::generate(&mut OsRng),
        });
    }
    for sealed_key in &me.sealed_team_keys {
        if held(sealed_key.epoch) {
            continue;
        }
        // A sealed key that does not open is not ours to use. It is skipped, and the device
        // stays waiting (see docs/security.md, known defects: approval cannot be repeated yet).
        if let Ok(key) = sealed_key.open(contents.user.team, &contents.secrets) {
            new_keys.push(key);
        }
    }
    if contents.device != Some(me.device.id) || !new_keys.is_empty() {
        let approved_now = !new_keys.is_empty();
        ctx.update_vault(|v| {
            v.device = Some(me.device.id);
            v.team_keys.extend(new_keys);
        })?;
        // Only a new key can open records not shown yet.
        if approved_now {
            refresh_local(ctx).await;
            spawn_sync(ctx);
        }
    }
    Ok(())
}

/// Starts a sync in the background.
#[inline(never)]
pub fn spawn_sync(ctx: AppCtx) {
    leptos::task::spawn_local(sync_now(ctx));
}

/// Pushes the outbox and pulls the team's changes. Safe to call at any time: a second call
/// while one runs does nothing, and a failure leaves everything stored as it was.
async fn sync_now(ctx: AppCtx) {
    if ctx.sync.with_untracked(|s| s.running) || !ctx.approved() {
        return;
    }
    let Some(contents) = ctx.contents() else {
        return;
    };
    ctx.sync.update(|s| s.running = true);
    let result = async {
        sync::push(&contents).await?;
        let pulled = sync::pull(&contents).await?;
        Ok::<_, SyncError>(pulled)
    }
    .await;
    match result {
        Ok(pulled) => {
            ctx.records.update(|r| {
                for (header, change) in pulled.changes {
                    records::observe(header.hlc);
                    r.apply(&header, change);
                }
            });
            let now = now_ms();
            let stamp = async {
                let tx = idb::transaction(&[META], true).await?;
                idb::put_value(&tx, META, "last_sync_ms", &JsValue::from_f64(now as f64))?;
                idb::committed(&tx).await
            };
            let _ = stamp.await;
            ctx.sync.update(|s| {
                s.problem = if pulled.set_aside > 0 {
                    Some(Msg::BadEnvelopes)
                } else {
                    None
                };
                s.completed += 1;
            });
        }
        Err(e) => {
            // On revocation too, what is unsent stays in the outbox as ciphertext: nothing is
            // wiped before the hand-over protocol exists (see docs/security.md).
            ctx.sync.update(|s| s.problem = Some(sync_msg(&e)));
        }
    }
    refresh_counts(ctx).await;
    ctx.sync.update(|s| s.running = false);
}

/// Saves a new contact on the device, then tries to send it.
pub async fn save_change(ctx: AppCtx, change: Change) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let envelope = records::save(&change, &contents)
        .await
        .map_err(|e| match e {
            SaveError::NoTeamKey => Msg::StillPending,
            // Said of this contact, which the worker still sees in the form.
            SaveError::Storage(StorageError::Quota) => Msg::ContactNotSavedFull,
            SaveError::Storage(s) => storage_msg(s),
        })?;
    ctx.records.update(|r| r.apply(&envelope.header, change));
    ctx.sync.update(|s| s.waiting += 1);
    spawn_sync(ctx);
    Ok(())
}

/// The team's devices, for the coordinator's approval list.
pub async fn team_devices(ctx: AppCtx) -> Result<Vec<faltlogg_core::api::DeviceInfo>, Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let list: faltlogg_core::api::DeviceList = api::get("/api/devices", &contents.token)
        .await
        .map_err(|e| api_msg(&e))?;
    Ok(list.devices)
}

/// Approves a pending device by sealing the current team key to its exchange key. The person
/// approving has compared the fingerprint shown on both phones before calling this.
pub async fn approve_device(
    ctx: AppCtx,
    device: faltlogg_core::api::DeviceInfo,
) -> Result<(), Msg> {
    use faltlogg_core::api::{ApproveRequest, DeviceInfo, SealedTeamKey};
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let key = contents.current_team_key().ok_or(Msg::StillPending)?;
    let request = ApproveRequest {
        sealed_team_key: SealedTeamKey::seal(
            contents.user.team,
            key,
            &device.keys.exchange,
            &mut OsRng,
        ),
    };
    let _: DeviceInfo = api::post(
        &format!("/api/devices/{}/approve", device.id),
        Some(&contents.token),
        &request,
    )
    .await
    .map_err(|e| api_msg(&e))?;
    Ok(())
}
