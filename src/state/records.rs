//! Saving changes to records, and what screens read of them.

use crate::rng::PhoneRng;
use faltlogg_core::change::Change;
use faltlogg_core::crypto::person::PersonKey;
use faltlogg_core::fold::Fold;
use faltlogg_core::record::date::Date;
use faltlogg_core::record::person::Person;
use faltlogg_core::record::{FieldError, Kind, Record};
use leptos::prelude::*;
use uuid::Uuid;

use super::errors::storage_msg;
use super::{syncing, use_app, AppCtx};
use crate::i18n::Msg;
use crate::idb::StorageError;
use crate::journal::{self, SaveError};

/// Saves a change on the device (sealed, stored and queued at once), shows it, then tries to
/// send it. A person's record is sealed under the person's key; a new person gets a key first,
/// saved (and sent) before the person, so every device holds it when the person arrives.
pub async fn save(ctx: AppCtx, change: Change) -> Result<(), Msg> {
    let new_key = match change.record() {
        Some((Kind::Person, id)) => ctx.records.with_untracked(|f| {
            (f.state(Kind::Person, id).is_none() && f.keyring().of_person(id).is_none())
                .then(|| Change::PersonKey(PersonKey::generate(id, &mut PhoneRng)))
        }),
        _ => None,
    };
    for change in new_key.into_iter().chain([change]) {
        let contents = ctx.contents().ok_or(Msg::StorageError)?;
        let before = match ctx.journal.with_value(|j| j.counters) {
            Some(c) => c,
            None => journal::counters().await.map_err(storage_msg)?,
        };
        let (seen, person) = ctx
            .records
            .with_untracked(|f| (f.max_hlc(), f.key_for(&change).cloned()));
        let (envelope, next) = journal::save(&change, &contents, before, seen, person.as_ref())
            .await
            .map_err(|e| match e {
                SaveError::NoTeamKey => Msg::StillPending,
                // Said of this record, which the worker still sees in the form.
                SaveError::Storage(StorageError::Quota)
                    if change.record().is_some_and(|(k, _)| k == Kind::Contact) =>
                {
                    Msg::ContactNotSavedFull
                }
                SaveError::Storage(StorageError::Quota) => Msg::RecordNotSavedFull,
                SaveError::Storage(s) => storage_msg(s),
            })?;
        ctx.journal.update_value(|j| j.counters = Some(next));
        syncing::covered(ctx, [envelope.header.id]);
        let erased = match change {
            Change::Erase { key, .. } => Some(key),
            _ => None,
        };
        ctx.records
            .update(|r| r.apply_envelope(&envelope.header, change));
        ctx.sync.update(|s| s.waiting += 1);
        if let Some(key) = erased {
            super::erasure::drop_local(ctx, vec![key]).await?;
        }
    }
    syncing::spawn_sync_soon(ctx);
    Ok(())
}

/// Saves changes one after the other; the first failure stops (and is what the worker sees).
/// Not generic, and boxed (`super::Task`), so one copy of the saving code serves every form,
/// button and erasure.
pub fn save_all(ctx: AppCtx, changes: Vec<Change>) -> super::Task<Result<(), Msg>> {
    Box::pin(async move {
        for change in changes {
            save(ctx, change).await?;
        }
        Ok(())
    })
}

/// The change that turns `before` into `after` (only the fields that differ), or `None` when
/// nothing changed. Made now, from the records as shown, so it sees what the worker saw.
pub fn edit<T: Record>(ctx: AppCtx, before: Option<&T>, after: &T) -> Option<Change> {
    let device = ctx.device_id().unwrap_or_default();
    ctx.records
        .with_untracked(|f| f.edit(before, after, device))
}

/// Saves a new record that belongs to `person` (a support offer, a follow-up) once
/// `validate` accepts it: it gets the new record's id, today and a check that a person is on
/// this phone. Its problems are shown on `form`; or the record is saved and the person's page
/// opens.
pub fn new_of_person<T: Record>(
    ctx: AppCtx,
    form: crate::components::FormState,
    person: Uuid,
    validate: impl FnOnce(Uuid, Date, &dyn Fn(Uuid) -> bool) -> Result<T, Vec<FieldError>>,
) -> Option<crate::ui::Saving> {
    let id = faltlogg_core::ids::new_v7(crate::time::now_ms() as u64, &mut PhoneRng);
    let exists = |p| ctx.records.with_untracked(|f| f.get::<Person>(p).is_some());
    match validate(id, crate::time::today(), &exists) {
        Err(errors) => {
            form.show_errors(errors);
            None
        }
        Ok(record) => Some(crate::ui::Saving {
            changes: edit(ctx, None, &record).into_iter().collect(),
            said: Some(Msg::Saved),
            then: crate::screens::Screen::person(person),
        }),
    }
}

/// The change that sets `fields` of a record: also how a conflict is resolved, with the
/// chosen value written over every current one.
pub fn set(
    ctx: AppCtx,
    kind: Kind,
    id: Uuid,
    fields: Vec<(faltlogg_core::record::FieldId, faltlogg_core::record::Value)>,
) -> Change {
    let device = ctx.device_id().unwrap_or_default();
    ctx.records
        .with_untracked(|f| f.set(kind, id, fields, device))
}

/// The records as merged on this device, for screens to read (tracked).
#[derive(Clone, Copy)]
pub struct UseRecordsReturn(ReadSignal<Fold>);

impl UseRecordsReturn {
    /// Reads the fold, tracked: wrap in a `Memo` for anything costly.
    pub fn with<R>(self, f: impl FnOnce(&Fold) -> R) -> R {
        self.0.with(f)
    }

    pub fn with_untracked<R>(self, f: impl FnOnce(&Fold) -> R) -> R {
        self.0.with_untracked(f)
    }
}

pub fn use_records() -> UseRecordsReturn {
    UseRecordsReturn(use_app().records.read_only())
}
