//! Erasing a person by crypto-shredding, by hand or when the team's retention period has
//! passed (docs/security.md, "Erasure requested, or retention expires").
//!
//! An erasure is a change like any other: sealed, stored and queued at once, so it works
//! offline. On this device it destroys the person key and drops every record and envelope
//! under it at once (`records::save` calls [`drop_local`]); the server deletes the envelopes
//! when the change reaches it; every other device does the same as this one when it pulls the
//! change.

use faltlogg_core::change::Change;
use faltlogg_core::crypto::person::ErasureReason;
use faltlogg_core::record::{contact, Fields, Kind, Value};
use leptos::prelude::*;
use uuid::Uuid;

use super::errors::storage_msg;
use super::{records, syncing, AppCtx};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::journal;

/// Whether this device may erase `person`: a coordinator's, or the one that recorded the
/// person (the worker who holds the case). Other devices apply any erasure their team's
/// identity admitted the sender of: the server cannot tell who holds a case, and a worker
/// must not be able to keep a person the team erased.
/// Read untracked: the screen that asks draws once.
pub fn may_erase(ctx: AppCtx, person: Uuid) -> bool {
    let coordinator = ctx.is_coordinator_untracked();
    ctx.records.with_untracked(|f| {
        f.state(Kind::Person, person)
            .is_some_and(|s| coordinator || s.made_by() == ctx.device_id())
    })
}

/// The changes that erase `person`: the person taken off contacts that also name others
/// (those stay, under the team key), then the erasure itself, which drops everything under
/// the person's key when it is saved (`records::save`).
pub fn erasure(ctx: AppCtx, person: Uuid, reason: ErasureReason) -> Result<Vec<Change>, Msg> {
    let device = ctx.device_id().unwrap_or_default();
    ctx.records.with_untracked(|f| {
        // A person recorded before person keys has none: nothing the server could find.
        let key = f.keyring().of_person(person).ok_or(Msg::CannotErase)?.id;
        let mut changes: Vec<Change> = f
            .states(Kind::Contact)
            .filter(|(_, s)| s.scope().is_none())
            .filter_map(|(id, s)| {
                let persons = s.value(contact::field::PERSONS).as_ids();
                persons.contains(&person).then(|| {
                    let others = persons.iter().copied().filter(|&p| p != person).collect();
                    f.set(
                        Kind::Contact,
                        id,
                        vec![(contact::field::PERSONS, Value::Ids(others))],
                        device,
                    )
                })
            })
            .collect();
        changes.push(Change::Erase { key, reason });
        Ok(changes)
    })
}

/// Drops the envelopes of the erased keys from this device, and writes a snapshot without
/// their records.
pub(super) fn drop_local(ctx: AppCtx, erased: Vec<Uuid>) -> super::Task<Result<(), Msg>> {
    Box::pin(async move {
        journal::drop_erased(&erased).await.map_err(storage_msg)?;
        ctx.journal
            .update_value(|j| j.since_snapshot = super::SNAPSHOT_EVERY);
        syncing::snapshot_if_due(ctx).await;
        Ok(())
    })
}

/// On a coordinator's device, after a sync that the server's clock did not hold back, starts
/// erasing every person without activity for the team's retention period. Only there: a
/// coordinator answers for the team's records. "Now" is this phone's clock, but never more than a day
/// past the newest change held here (which the server accepted within minutes of its own
/// clock), so a phone whose clock runs years ahead erases nothing early. A failure is tried
/// again after the next sync.
pub(super) fn erase_expired(ctx: AppCtx) {
    if !ctx.is_coordinator_untracked() {
        return;
    }
    let due = ctx.records.with_untracked(|f| {
        let newest = f.max_hlc().wall_ms as i64 + 86_400_000;
        let cutoff = crate::time::now_ms().min(newest) - Guard::load().settings.retention_ms();
        f.inactive_persons(cutoff.max(0) as u64)
    });
    let changes: Vec<Change> = due
        .into_iter()
        .filter_map(|person| erasure(ctx, person, ErasureReason::Retention).ok())
        .flatten()
        .collect();
    if !changes.is_empty() {
        leptos::task::spawn_local(async move {
            let _ = records::save_all(ctx, changes).await;
        });
    }
}
