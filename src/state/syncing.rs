//! The background sync, and the counts the top bar shows.

use faltlogg_core::api::{CheckInList, ErrorCode, Revocation};
use faltlogg_core::local::Snapshot;
use faltlogg_core::sync::Backoff;
use leptos::prelude::*;
use rand_core::RngCore;
use wasm_bindgen::JsValue;

use super::errors::{storage_msg, sync_msg};
use super::AppCtx;
use crate::api::{self, CallError};
use crate::i18n::Msg;
use crate::idb::{self, META, OUTBOX, QUARANTINE};
use crate::journal;
use crate::rng::PhoneRng;
use crate::sync::{self, SyncError};
use crate::time::now_ms;

/// Starts a sync in the background.
#[inline(never)]
pub fn spawn_sync(ctx: AppCtx) {
    leptos::task::spawn_local(sync_task(ctx));
}

/// A sync, boxed: awaited where the worker asked for it and waits (More's button), spawned
/// elsewhere, with one copy of its state machine in the wasm.
pub fn sync_task(ctx: AppCtx) -> super::Task<()> {
    Box::pin(sync_now(ctx))
}

/// The periodic sync: skipped while a failed one waits for its retry ([`retry_later`]).
pub fn spawn_sync_when_due(ctx: AppCtx) {
    if ctx.journal.with_value(|j| now_ms() >= j.retry_at_ms) {
        spawn_sync(ctx);
    }
}

/// Whether a failed sync may go through later by itself: the server was not reached, or was
/// busy or failing. Not a refusal that needs the worker (signed out, revoked, clock ahead).
fn passes_by_itself(e: &SyncError) -> bool {
    match e {
        SyncError::Api(CallError::Offline | CallError::Unexpected | CallError::Busy(..)) => true,
        SyncError::Api(CallError::Rejected(body)) => matches!(
            body.error,
            ErrorCode::Unavailable | ErrorCode::Internal | ErrorCode::TooManyRequests
        ),
        _ => false,
    }
}

/// After a sync that failed for want of the server: another try after an exponential backoff
/// with full jitter (`faltlogg_core::sync::Backoff`: a team's phones back after the same outage
/// do not all call at once), and never sooner than a busy server asked (`Retry-After`).
fn retry_later(ctx: AppCtx, e: &SyncError) {
    let asked_ms = match e {
        SyncError::Api(CallError::Busy(_, seconds)) => Some(u64::from(*seconds) * 1000),
        _ => None,
    };
    let wait = ctx
        .journal
        .try_update_value(|j| {
            let wait = j.backoff.failed(PhoneRng.next_u64(), asked_ms);
            j.retry_at_ms = now_ms() + wait as i64;
            wait
        })
        .unwrap_or(Backoff::MAX_MS);
    leptos::task::spawn_local(async move {
        crate::time::sleep(wait as i32).await;
        // A later failure moved the retry on: its own timer will fire.
        spawn_sync_when_due(ctx);
    });
}

/// Starts a sync in a task of its own, once what is queued now (the next screen drawing after
/// a save) has run: the worker sees the saved record first, and the sync follows at once.
pub fn spawn_sync_soon(ctx: AppCtx) {
    leptos::task::spawn_local(async move {
        crate::time::sleep(0).await;
        // Spawned, not awaited: the sync's state machine stays in one place in the wasm.
        spawn_sync(ctx);
    });
}

/// Reloads the view and the counts from the device alone: the snapshot, then the envelopes it
/// does not hold yet.
pub(super) fn refresh_local(ctx: AppCtx) -> super::Task<()> {
    Box::pin(refresh_local_now(ctx))
}

async fn refresh_local_now(ctx: AppCtx) {
    let (Some(contents), Some(storage)) = (ctx.contents(), ctx.storage_key()) else {
        return;
    };
    match journal::load(&contents.team_keys, &storage).await {
        Ok(loaded) => {
            ctx.records.set(loaded.fold);
            ctx.journal.update_value(|j| {
                j.covered = loaded.covered;
                j.since_snapshot = loaded.fresh;
            });
            snapshot_if_due(ctx).await;
        }
        Err(e) => ctx.sync.update(|s| s.problem = Some(storage_msg(e))),
    }
    // Shown even when reading failed: the problem is on the screen, and new work can be saved.
    ctx.records_loaded.set(true);
    refresh_counts(ctx).await;
}

/// Notes envelopes folded into the records since they were loaded.
pub(super) fn covered(ctx: AppCtx, ids: impl IntoIterator<Item = uuid::Uuid>) {
    ctx.journal.update_value(|j| {
        for id in ids {
            j.since_snapshot += usize::from(j.covered.insert(id));
        }
    });
}

/// Writes a new snapshot once enough has changed since the last. A failure costs only speed
/// at the next unlock (the envelopes are the truth), so it is not shown.
pub(super) async fn snapshot_if_due(ctx: AppCtx) {
    if ctx.journal.with_value(|j| j.since_snapshot) < super::SNAPSHOT_EVERY {
        return;
    }
    let Some(storage) = ctx.storage_key() else {
        return;
    };
    let Ok((generation, old_chunks)) = journal::next_snapshot().await else {
        return;
    };
    let (head, chunks, since) = ctx.journal.with_value(|j| {
        let (head, chunks) = ctx.records.with_untracked(|fold| {
            Snapshot::seal_parts(fold, &j.covered, &storage, generation, &mut PhoneRng)
        });
        (head, chunks, j.since_snapshot)
    });
    if journal::store_snapshot(head, chunks, old_chunks)
        .await
        .is_ok()
    {
        // What came in while it was written counts towards the next one.
        ctx.journal
            .update_value(|j| j.since_snapshot = j.since_snapshot.saturating_sub(since));
    }
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

/// Pushes the outbox and pulls the team's changes. Safe to call at any time: a call while one
/// runs asks for another right after it (a record saved meanwhile is sent then, not at the
/// next periodic sync, and the counts are read after it), and a failure leaves everything
/// stored as it was.
async fn sync_now(ctx: AppCtx) {
    if ctx.sync.with_untracked(|s| s.running) {
        ctx.journal.update_value(|j| j.sync_again = true);
        return;
    }
    sync_once(ctx).await;
    let again = ctx
        .journal
        .try_update_value(|j| std::mem::take(&mut j.sync_again))
        .unwrap_or(false);
    if again {
        // Not while a failed sync waits for its retry: the backoff holds for this one too.
        spawn_sync_when_due(ctx);
    }
}

async fn sync_once(ctx: AppCtx) {
    if !ctx.approved() {
        return;
    }
    let Some(contents) = ctx.contents() else {
        return;
    };
    // The browser knows it is offline: nothing to try (reading a long outbox only to fail
    // would slow every save made offline), and the `online` event or Background Sync (boot.js)
    // starts the next one.
    if !leptos::prelude::window().navigator().on_line() {
        ctx.sync.update(|s| s.problem = Some(Msg::Offline));
        return;
    }
    ctx.sync.update(|s| s.running = true);
    let mut sweep = false;
    let mut keyring = ctx.records.with_untracked(|f| f.keyring().clone());
    // The team's devices as last fetched: fetched again only for a sender not seen yet.
    let mut senders = ctx.journal.with_value(|j| j.senders.clone());
    let result = async {
        let report = sync::sync(&contents, &mut senders, &mut keyring).await?;
        // The team's check-ins ride along: a failure here is a failure to reach the server.
        let check_ins: CheckInList = api::get("/api/check-ins", &contents.token).await?;
        Ok::<_, SyncError>((report, check_ins.check_ins))
    }
    .await;
    ctx.journal.update_value(|j| {
        j.senders = senders;
        if result.is_ok() {
            j.backoff.succeeded();
            // Nothing failed waits for a retry now.
            j.retry_at_ms = 0;
        }
    });
    match result {
        Ok((report, check_ins)) => {
            // Person keys this pull stored envelopes under: if this phone erased one while
            // the pull ran (its keyring was copied before), those envelopes go again below.
            let mut erased = report.erased;
            if !report.changes.is_empty() {
                covered(ctx, report.changes.iter().map(|(h, _)| h.id));
                ctx.records.update(|fold| {
                    for (header, change) in report.changes {
                        let key = header.scope.erasable_key();
                        fold.apply_envelope(&header, change);
                        if let Some(k) = key.filter(|&k| fold.keyring().is_erased(k)) {
                            erased.push(k);
                        }
                    }
                });
            }
            let dropped = if erased.is_empty() {
                snapshot_if_due(ctx).await;
                Ok(())
            } else {
                super::erasure::drop_local(ctx, erased).await
            };
            let held = report.held_by_clock;
            sweep = !held && !report.needs_key;
            if !held {
                let now = now_ms();
                let stamp = async {
                    let tx = idb::transaction(&[META], true).await?;
                    idb::put_value(&tx, META, "last_sync_ms", &JsValue::from_f64(now as f64))?;
                    idb::committed(&tx).await
                };
                let _ = stamp.await;
            }
            ctx.sync.update(|s| {
                s.problem = if held {
                    Some(Msg::ClockAhead)
                } else if let Err(msg) = dropped {
                    Some(msg)
                } else if report.refused > 0 {
                    Some(Msg::OwnChangesRefused)
                } else if report.set_aside > 0 {
                    Some(Msg::BadEnvelopes)
                } else {
                    None
                };
                s.completed += 1;
                s.check_ins = check_ins;
            });
            if report.needs_key {
                // The team key was rotated: collect the new one (its enrolment call starts
                // the next sync, which pulls on from where this one stopped).
                refresh_counts(ctx).await;
                ctx.sync.update(|s| s.running = false);
                let _ = super::enrol::ensure_enrolled(ctx).await;
                return;
            }
        }
        Err(e) if sync_msg(&e) == Msg::DeviceRevoked => {
            ctx.sync.update(|s| s.running = false);
            removed_from_team(ctx).await;
            return;
        }
        Err(e) => {
            if passes_by_itself(&e) {
                retry_later(ctx, &e);
            }
            ctx.sync.update(|s| s.problem = Some(sync_msg(&e)))
        }
    }
    refresh_counts(ctx).await;
    ctx.sync.update(|s| s.running = false);
    if sweep {
        super::erasure::erase_expired(ctx);
    }
}

/// This device was revoked. It hands over what it stamped before (the server takes those
/// changes from a revoked device, and no later ones), then erases its data and says why. If
/// the server cannot be reached, nothing is wiped: the hand-over waits for the next try.
pub async fn removed_from_team(ctx: AppCtx) {
    let Some(contents) = ctx.contents() else {
        return;
    };
    // Wiped only once everything stamped before the revocation is handed over: the outbox
    // sent, or the server refusing what comes after.
    match sync::push(&contents).await {
        Ok(report) if report.held_by_clock => {
            ctx.sync.update(|s| s.problem = Some(Msg::ClockAhead));
            return;
        }
        Ok(_) => {}
        Err(e) if sync_msg(&e) == Msg::DeviceRevoked => {}
        Err(e) => {
            ctx.sync.update(|s| s.problem = Some(sync_msg(&e)));
            return;
        }
    }
    // Only a revocation the team identity signed erases the phone: a server that merely says
    // "revoked" gets the message shown, and nothing is wiped.
    let revocation: Result<Revocation, _> =
        api::get("/api/devices/me/revocation", &contents.token).await;
    let signed = match (revocation, contents.team_identity, contents.device) {
        (Ok(r), Some(identity), Some(device)) => identity
            .verify_revocation(contents.user.team, device, r.at_ms, &r.signature)
            .is_ok(),
        _ => false,
    };
    if !signed {
        ctx.sync.update(|s| s.problem = Some(Msg::DeviceRevoked));
        return;
    }
    wipe_removed(ctx).await;
}

async fn wipe_removed(ctx: AppCtx) {
    super::session::erase_device(ctx).await;
    ctx.notice.set(Some(Msg::RemovedFromTeam));
}
