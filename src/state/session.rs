//! Sign in, choose a passphrase, unlock, lock and erase.

use crate::rng::PhoneRng;
use faltlogg_core::api::{SignInRequest, SignInResponse};
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::fold::Fold;

use leptos::prelude::*;

use super::errors::{api_msg, vault_msg};
use super::{enrol, syncing, AppCtx, Phase, SyncState};
use crate::api;
use crate::guard::{AfterFailure, Guard};
use crate::i18n::Msg;
use crate::idb;
use crate::time::{after_next_paint, now_ms};
use crate::vault::{self, OpenVault, VaultContents, VaultError};

/// Step 1: sign in while online. Nothing is stored until a passphrase is chosen.
pub async fn sign_in(ctx: AppCtx, username: String, password: String) -> Result<(), Msg> {
    let request = SignInRequest { username, password };
    let response: SignInResponse = api::post("/api/session", None, &request)
        .await
        .map_err(|e| api_msg(&e))?;
    if ctx.unlocked_untracked() {
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
        secrets: DeviceSecrets::generate(&mut PhoneRng),
        team_keys: Vec::new(),
        team_identity: None,
        identity_secret: None,
    };
    after_next_paint().await;
    let open = OpenVault::create(&passphrase, contents).map_err(vault_msg)?;
    ctx.pending_sign_in.set(None);
    ctx.vault.set(Some(open));
    ctx.phase.set(Phase::Unlocked);
    leptos::task::spawn_local(after_unlock(ctx));
    Ok(())
}

/// Unlocks with `passphrase`. Wrong ones in a row first wait longer and longer, and, if the
/// team set a limit, erase the phone at that count (`crate::guard`).
pub async fn unlock(ctx: AppCtx, passphrase: String) -> Result<(), Msg> {
    let mut guard = Guard::load();
    after_next_paint().await;
    // The duress passphrase works whatever the wait: it is typed when someone forces it.
    if guard.wait_left_ms(now_ms()).is_some() {
        if vault::is_duress(&passphrase) {
            erase_device(ctx).await;
            return Ok(());
        }
        return Err(Msg::WaitBeforeRetry);
    }
    let open = match OpenVault::unlock(&passphrase) {
        Ok(open) => open,
        Err(VaultError::WrongPassphrase) => {
            // The duress passphrase: everything on the phone is erased at once, unsent work
            // included, and the app starts as a fresh install does. No message: someone
            // watching sees an app that was never used here (docs/security.md).
            if vault::is_duress(&passphrase) {
                erase_device(ctx).await;
                return Ok(());
            }
            let after = guard.failed(now_ms());
            guard.save();
            return match after {
                AfterFailure::TryAgain => Err(Msg::WrongPassphrase),
                AfterFailure::Wait(_) => Err(Msg::WaitBeforeRetry),
                AfterFailure::Erase => {
                    erase_device(ctx).await;
                    ctx.notice.set(Some(Msg::ErasedAfterFailures));
                    Ok(())
                }
            };
        }
        Err(e) => return Err(vault_msg(e)),
    };
    guard.succeeded();
    guard.save();
    ctx.vault.set(Some(open));
    ctx.phase.set(Phase::Unlocked);
    leptos::task::spawn_local(after_unlock(ctx));
    Ok(())
}

/// Sets the duress passphrase: not the passphrase (checked by trying it on the vault), and
/// a passphrase by the same rules.
pub async fn set_duress(passphrase: String) -> Result<(), Msg> {
    after_next_paint().await;
    if OpenVault::unlock(&passphrase).is_ok() {
        return Err(Msg::DuressSame);
    }
    // The form's own line ("A duress passphrase is set") confirms it, beside the form.
    vault::set_duress(&passphrase).map_err(vault_msg)
}

/// One tap, when someone looks over the worker's shoulder: locks (every secret and all
/// plaintext leave memory) and replaces the page with an empty one. Back returns to the
/// app locked, as every fresh load is.
pub fn quick_exit(ctx: AppCtx) {
    lock(ctx);
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace("about:blank");
    }
}

/// Drops every secret and all plaintext from memory.
pub fn lock(ctx: AppCtx) {
    ctx.vault.set(None);
    ctx.records.set(Fold::default());
    ctx.records_loaded.set(false);
    ctx.notice.set(None);
    ctx.journal.set_value(Default::default());
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
    Guard::erase();
    // With the vault gone, lock() leaves the app signed out.
    lock(ctx);
    ctx.sync.set(SyncState::default());
    let _ = idb::erase().await;
}

/// After unlocking: show what is on the device at once, then reach for the server.
pub(super) async fn after_unlock(ctx: AppCtx) {
    syncing::refresh_local(ctx).await;
    if enrol::ensure_enrolled(ctx).await.is_ok() {
        // Spawned, not awaited: one copy of the sync state machine in the wasm, not two.
        syncing::spawn_sync(ctx);
    }
}
