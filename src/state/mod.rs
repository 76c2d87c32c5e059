//! The app's shared state ([`AppCtx`], one context) and the flows that change it, one module
//! per concern:
//! - `session`: sign in, passphrase, unlock, lock, erase;
//! - `enrol`: the device's enrolment, its team keys, and the coordinator's device list;
//! - `syncing`: the background sync and the counts the top bar shows;
//! - `records`: saving changes to records, and the record hooks screens read;
//! - `check_ins`: the lone-worker check-in;
//! - `erasure`: erasing a person (crypto-shredding), by hand and by the retention period;
//! - `errors`: every failure mapped to words ([`Msg`]).
//!
//! Screens call these; they never talk to storage or the server themselves, and they read the
//! state only through the accessors here (no signal is set from a screen).

mod check_ins;
mod drafts;
mod enrol;
mod erasure;
mod errors;
pub mod records;
mod session;
mod syncing;
mod team;

pub use check_ins::{check_in, is_overdue, push_turned_on, turn_on_push};
pub use drafts::{clear as clear_draft, load as load_draft, save as save_draft};
pub use enrol::{approve_device, confirm_pairing, ensure_enrolled, revoke_device, team_devices};
pub use erasure::{erasure, may_erase};
pub use errors::storage_msg;
pub use session::{choose_passphrase, erase_device, lock, quick_exit, set_duress, sign_in, unlock};
pub use syncing::{spawn_sync, spawn_sync_when_due, sync_task};
pub use team::{save_team_settings, team_events};

/// After this many changes folded in since the last snapshot, a new one is written.
const SNAPSHOT_EVERY: usize = 100;

/// A flow that is awaited or spawned from more than one place, boxed. An `async fn`'s state
/// machine may be inlined into every caller that awaits it; behind a box the wasm holds one
/// copy. Measure before boxing: `ensure_enrolled` (three callers) saved 2.9 KB brotli, while
/// boxing the sync's flows made the wasm larger. The cost is one allocation a call.
pub type Task<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

use std::collections::BTreeSet;

use faltlogg_core::api::{CheckIn, Role, SignInResponse};
use faltlogg_core::crypto::device::DevicePublicKeys;
use faltlogg_core::crypto::identity::TeamIdentityKey;
use faltlogg_core::crypto::SymmetricKey;
use faltlogg_core::fold::Fold;
use leptos::prelude::*;
use uuid::Uuid;

use crate::i18n::Msg;
use crate::journal::Counters;
use crate::vault::{self, OpenVault, VaultContents};

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
    /// The team's open check-ins, as the server said at the last sync that reached it.
    pub check_ins: Vec<CheckIn>,
}

#[derive(Clone, Copy)]
pub struct AppCtx {
    phase: RwSignal<Phase>,
    /// The open vault, only while unlocked.
    vault: RwSignal<Option<OpenVault>>,
    /// A sign-in waiting for its passphrase (in memory only).
    pending_sign_in: RwSignal<Option<SignInResponse>>,
    records: RwSignal<Fold>,
    /// Whether the records have been read from the device since the last unlock.
    records_loaded: RwSignal<bool>,
    sync: RwSignal<SyncState>,
    /// A short confirmation shown once ("The contact is saved").
    notice: RwSignal<Option<Msg>>,
    update_ready: RwSignal<bool>,
    /// The team identity the server names, until this new device pins it: the worker
    /// confirms the pairing code first (`enrol::confirm_pairing`).
    named_identity: RwSignal<Option<TeamIdentityKey>>,
    /// Where the device's journal stands, until it locks.
    journal: StoredValue<JournalState>,
}

/// Where the device's journal stands while unlocked. One stored value rather than three: each
/// kind of stored value costs the wasm its own code.
#[derive(Default)]
struct JournalState {
    /// This device's place in its own history, read from storage at the first save after
    /// unlocking.
    counters: Option<Counters>,
    /// The envelopes folded into `records`, and how many came since the last snapshot.
    covered: BTreeSet<Uuid>,
    since_snapshot: usize,
    /// The team's devices as the last sync fetched them (`faltlogg_core::sync::Senders`).
    senders: faltlogg_core::sync::Senders,
    /// Syncs failed in a row for want of the server, and when the next try is due.
    backoff: faltlogg_core::sync::Backoff,
    retry_at_ms: i64,
    /// A sync was asked for while one ran: another follows it.
    sync_again: bool,
}

pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

impl AppCtx {
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
            records: RwSignal::new(Fold::default()),
            records_loaded: RwSignal::new(false),
            sync: RwSignal::new(SyncState::default()),
            notice: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            named_identity: RwSignal::new(None),
            journal: StoredValue::new(JournalState::default()),
        }
    }

    /// The phase, tracked.
    pub fn phase(self) -> Phase {
        self.phase.get()
    }

    pub fn unlocked_untracked(self) -> bool {
        self.phase.get_untracked() == Phase::Unlocked
    }

    /// Whether the records are loaded since the last unlock, tracked.
    pub fn records_loaded(self) -> bool {
        self.records_loaded.get()
    }

    /// The sync state, tracked.
    pub fn sync(self) -> ReadSignal<SyncState> {
        self.sync.read_only()
    }

    /// Why the last contact with the server (or the storage it fed) failed, if it did.
    pub fn sync_problem(self) -> Signal<Option<Msg>> {
        Signal::derive(move || self.sync.with(|s| s.problem))
    }

    /// The one-off confirmation, for a banner.
    pub fn notice(self) -> RwSignal<Option<Msg>> {
        self.notice
    }

    /// The alert about check-ins gone overdue, tracked: for a coordinator, anyone's; for a
    /// worker, their own. Worked out again at every sync, so one goes overdue on the screen
    /// within a sync's interval even while the server cannot be reached; a memo, so the banner
    /// is drawn again only when it changes, not at every save.
    pub fn check_in_alert(self) -> Signal<Option<Msg>> {
        let alert = Memo::new(move |_| {
            let coordinator = self.is_coordinator();
            let me = self.device_id();
            let now = crate::time::now_ms();
            self.sync.with(|s| {
                let overdue = |c: &&CheckIn| check_ins::is_overdue(c, now);
                if s.check_ins
                    .iter()
                    .filter(overdue)
                    .any(|c| Some(c.device) == me)
                {
                    Some(Msg::OwnCheckInOverdue)
                } else if coordinator && s.check_ins.iter().any(|c| overdue(&c)) {
                    Some(Msg::CheckInOverdueAlert)
                } else {
                    None
                }
            })
        });
        alert.into()
    }

    pub fn say(self, msg: Msg) {
        self.notice.set(Some(msg));
    }

    pub fn update_ready(self) -> ReadSignal<bool> {
        self.update_ready.read_only()
    }

    /// The service worker installed a new version.
    pub fn set_update_ready(self, ready: bool) {
        self.update_ready.set(ready);
    }

    /// Whether this device holds a team key and so can record and sync.
    pub fn approved(self) -> bool {
        self.vault.with(|v| {
            v.as_ref().is_some_and(|v| {
                v.contents.device.is_some() && v.contents.current_team_key().is_some()
            })
        })
    }

    pub fn is_coordinator(self) -> bool {
        self.vault.with(|v| {
            v.as_ref()
                .is_some_and(|v| v.contents.user.role == Role::Coordinator)
        })
    }

    pub fn is_coordinator_untracked(self) -> bool {
        untrack(|| self.is_coordinator())
    }

    /// The signed-in user's name, tracked.
    pub fn username(self) -> Option<String> {
        self.vault
            .with(|v| v.as_ref().map(|v| v.contents.user.username.clone()))
    }

    pub fn username_untracked(self) -> Option<String> {
        self.vault
            .with_untracked(|v| v.as_ref().map(|v| v.contents.user.username.clone()))
    }

    /// This device's id, once enrolled.
    pub fn device_id(self) -> Option<uuid::Uuid> {
        self.vault
            .with_untracked(|v| v.as_ref().and_then(|v| v.contents.device))
    }

    /// This device's pairing code (compared at approval), tracked, and whether the worker
    /// has confirmed it: made of the identity it pinned, or, until it has, of the one the
    /// server names. Once enrolled, so the code shown is the one to compare.
    pub fn pairing(self) -> Option<(String, bool)> {
        let named = self.named_identity.get();
        self.vault.with(|v| {
            let contents = &v.as_ref()?.contents;
            contents.device?;
            let keys = contents.secrets.public();
            match (contents.team_identity, named) {
                (Some(pinned), _) => Some((pinned.pairing_code(&keys), true)),
                (None, Some(named)) => Some((named.pairing_code(&keys), false)),
                // A team from before identities compares the device's fingerprint.
                (None, None) => Some((keys.fingerprint(), true)),
            }
        })
    }

    /// The pairing code of a device with `keys`, as this device computes it: with the team
    /// identity it trusts, so that a code that matches the other phone's proves both sides.
    pub fn pairing_code(self, keys: &DevicePublicKeys) -> String {
        self.vault.with_untracked(|v| match v {
            Some(v) => pairing_code(&v.contents, keys),
            None => keys.fingerprint(),
        })
    }

    /// The key of what this device keeps for itself (snapshot, drafts), while unlocked.
    pub(crate) fn storage_key(self) -> Option<SymmetricKey> {
        self.vault
            .with_untracked(|v| v.as_ref().map(|v| v.contents.secrets.storage_key()))
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
        open.save().map_err(errors::vault_msg)?;
        self.vault.set(Some(open));
        Ok(())
    }
}

/// The code for `keys` under the team identity `contents` trusts; a team from before
/// identities compares the device's own fingerprint, as it always did.
fn pairing_code(contents: &VaultContents, keys: &DevicePublicKeys) -> String {
    match contents.team_identity {
        Some(identity) => identity.pairing_code(keys),
        None => keys.fingerprint(),
    }
}
