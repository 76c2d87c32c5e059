//! A device's view of the records is the fold of every change it holds, merged field by field.
//!
//! Each field is a multi-value register. A write *saw* another write to the same field when its
//! device had merged that write before making it: same device and an earlier stamp, or the
//! writer's `seen` entry for the other device reaches the other write's HLC (and the stamp is
//! later, which a device's clock guarantees once it has observed the other write). A field keeps
//! every write that no other held write saw:
//! - one write: the field's value;
//! - several: concurrent edits, a **conflict**. The record shows the value with the greatest
//!   stamp (HLC, then device id) and keeps the others until a person picks one. Picking is an
//!   ordinary write that saw them all.
//!
//! "Saw" is a partial order between honest devices' writes, so the kept set is the set of
//! maximal writes, whatever the order or repetition of delivery: every device that holds the
//! same changes shows the same state, and a concurrent edit is never dropped without a conflict
//! (`tests/fold_properties.rs` checks both on random histories).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::change::{Change, FieldWrite, Stamp};
use crate::crypto::person::{Keyring, PersonKey};
use crate::envelope::{EnvelopeHeader, Scope};
use crate::hlc::Hlc;
use crate::record::{
    changed_fields, order_by_number, FieldId, Fields, Kind, Record, Value, ARCHIVED,
};
use crate::record::{contact, follow_up, support_offer};

/// One write to a field that is still current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    pub stamp: Stamp,
    pub value: Value,
    seen: Vec<(Uuid, Hlc)>,
}

impl Write {
    /// Whether this write's device had merged `other` when it made this one.
    fn saw(&self, other: &Write) -> bool {
        other.stamp < self.stamp
            && (other.stamp.device == self.stamp.device
                || self
                    .seen
                    .iter()
                    .any(|&(device, hlc)| device == other.stamp.device && hlc >= other.stamp.hlc))
    }
}

/// A field's current writes: one, or several in conflict. The first has the greatest stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldState {
    current: Write,
    /// Concurrent writes, greatest stamp first; empty unless in conflict.
    others: Vec<Write>,
}

impl FieldState {
    pub fn value(&self) -> &Value {
        &self.current.value
    }

    pub fn in_conflict(&self) -> bool {
        !self.others.is_empty()
    }

    /// Every current write, greatest stamp first: the choices of a conflict.
    pub fn writes(&self) -> impl Iterator<Item = &Write> {
        core::iter::once(&self.current).chain(&self.others)
    }

    fn merge(&mut self, incoming: Write) {
        if self
            .writes()
            .any(|w| w.stamp == incoming.stamp || w.saw(&incoming))
        {
            return; // a repeat, or already superseded here
        }
        let old = core::mem::replace(
            &mut self.current,
            Write {
                stamp: incoming.stamp,
                value: Value::Empty,
                seen: Vec::new(),
            },
        );
        // Kept greatest stamp first; the few writes of a field are placed, not sorted.
        let mut kept: Vec<Write> = core::iter::once(old)
            .chain(self.others.drain(..))
            .filter(|w| !incoming.saw(w))
            .collect();
        let at = kept
            .iter()
            .position(|w| w.stamp < incoming.stamp)
            .unwrap_or(kept.len());
        kept.insert(at, incoming);
        let mut kept = kept.into_iter();
        self.current = kept.next().expect("the incoming write is kept");
        self.others = kept.collect();
    }
}

/// One entry of a record's history: who changed which fields, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub stamp: Stamp,
    /// Bit `n` set: field `n` was written.
    pub fields: u64,
}

impl HistoryEntry {
    pub fn wrote(&self, field: FieldId) -> bool {
        field < 64 && self.fields & (1 << field) != 0
    }
}

/// One record as merged: its fields and its history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordState {
    /// Sorted by field id.
    fields: Vec<(FieldId, FieldState)>,
    /// Oldest first, one entry per change.
    history: Vec<HistoryEntry>,
    /// The person key the record is under, from its first change sealed under one (`None`:
    /// the team key). Fixed for the record's life: its edits are sealed under it too.
    scope: Option<Uuid>,
}

static EMPTY: Value = Value::Empty;

impl Fields for RecordState {
    fn value(&self, field: FieldId) -> &Value {
        self.field(field).map_or(&EMPTY, FieldState::value)
    }
}

impl RecordState {
    pub fn field(&self, field: FieldId) -> Option<&FieldState> {
        self.fields
            .binary_search_by_key(&field, |(f, _)| *f)
            .ok()
            .map(|i| &self.fields[i].1)
    }

    pub fn archived(&self) -> bool {
        self.value(ARCHIVED).as_bool()
    }

    /// The fields in conflict, in field order.
    pub fn conflicts(&self) -> impl Iterator<Item = (FieldId, &FieldState)> {
        self.fields
            .iter()
            .filter(|(_, s)| s.in_conflict())
            .map(|(f, s)| (*f, s))
    }

    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// The person key the record is under, if any.
    pub fn scope(&self) -> Option<Uuid> {
        self.scope
    }

    /// The device that made the record (its earliest change).
    pub fn made_by(&self) -> Option<Uuid> {
        self.history.first().map(|h| h.stamp.device)
    }

    /// When the record last changed, in Unix ms by its writer's clock.
    pub fn last_changed_ms(&self) -> u64 {
        self.history.last().map_or(0, |h| h.stamp.hlc.wall_ms)
    }

    fn apply(&mut self, stamp: Stamp, writes: Vec<FieldWrite>) {
        let at = match self.history.binary_search_by_key(&stamp, |h| h.stamp) {
            Ok(_) => return, // this change is here already
            Err(at) => at,
        };
        let mut mask = 0u64;
        for w in writes {
            if w.field < 64 {
                mask |= 1 << w.field;
            }
            let write = Write {
                stamp,
                value: w.value,
                seen: w.seen,
            };
            match self.fields.binary_search_by_key(&w.field, |(f, _)| *f) {
                Ok(i) => self.fields[i].1.merge(write),
                Err(i) => self.fields.insert(
                    i,
                    (
                        w.field,
                        FieldState {
                            current: write,
                            others: Vec::new(),
                        },
                    ),
                ),
            }
        }
        self.history.insert(
            at,
            HistoryEntry {
                stamp,
                fields: mask,
            },
        );
    }

    /// What a new write to `field` by `device` has seen: every current write's device and
    /// what it had seen in turn, newest per device, the writer's own entry left out.
    fn seen_for(&self, field: FieldId, device: Uuid) -> Vec<(Uuid, Hlc)> {
        let mut seen: Vec<(Uuid, Hlc)> = Vec::new();
        let Some(state) = self.field(field) else {
            return seen;
        };
        for w in state.writes() {
            let entries =
                core::iter::once((w.stamp.device, w.stamp.hlc)).chain(w.seen.iter().copied());
            for (d, hlc) in entries.filter(|(d, _)| *d != device) {
                match seen.iter_mut().find(|(s, _)| *s == d) {
                    Some((_, h)) => *h = (*h).max(hlc),
                    None => seen.push((d, hlc)),
                }
            }
        }
        seen
    }
}

/// The change that creates `record`: every field that is set, nothing seen before it.
pub fn create<T: Record>(record: &T) -> Change {
    Fold::default()
        .edit(None, record, Uuid::nil())
        .unwrap_or_else(|| Fold::default().archive(T::KIND, record.id(), false, Uuid::nil()))
}

/// Every record this device holds, merged: the fold of all its changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    kinds: [BTreeMap<Uuid, RecordState>; 5],
    /// The greatest HLC of any change applied: a new local change must be stamped after it.
    max_hlc: Hlc,
    /// The person keys, and which are erased.
    keyring: Keyring,
}

impl Fold {
    /// Applies one change made at `stamp`. Repeats are no-ops; order does not matter.
    pub fn apply(&mut self, stamp: Stamp, change: Change) {
        self.apply_in(Scope::Team, stamp, change);
    }

    /// Folds in the change an envelope carried, in the envelope's scope.
    pub fn apply_envelope(&mut self, header: &EnvelopeHeader, change: Change) {
        self.apply_in(header.scope, header.stamp(), change);
    }

    /// Folds in `change`, sealed in `scope`: a person key is kept, an erasure destroys its key
    /// and every record under it, and a record change under an erased key is dropped.
    pub fn apply_in(&mut self, scope: Scope, stamp: Stamp, change: Change) {
        self.max_hlc = self.max_hlc.max(stamp.hlc);
        let person = scope.person_key();
        match change {
            Change::PersonKey(key) => self.keyring.insert(key),
            Change::Erase { key, .. } => self.erase(key),
            _ if person.is_some_and(|k| self.keyring.is_erased(k)) => {}
            change => {
                let Some((kind, record, writes)) = change.into_writes() else {
                    return;
                };
                let state = self.kinds[kind.index()].entry(record).or_default();
                state.scope = state.scope.or(person);
                state.apply(stamp, writes);
            }
        }
    }

    /// Destroys person key `key` and drops every record under it. The maps are built again
    /// rather than removed from: erasing is rare, and the wasm then carries no removal code.
    fn erase(&mut self, key: Uuid) {
        self.keyring.erase(key);
        for records in &mut self.kinds {
            let mut kept = BTreeMap::new();
            for (id, state) in core::mem::take(records) {
                if state.scope != Some(key) {
                    kept.insert(id, state);
                }
            }
            *records = kept;
        }
    }

    /// The persons with a key whose last activity is before `cutoff_ms`: the newest change to
    /// any record under their key, or to a contact (under the team key) that names them.
    /// Persons from before person keys are never due: they can only be erased by hand.
    pub fn inactive_persons(&self, cutoff_ms: u64) -> Vec<Uuid> {
        // The newest change under each key, by the key's place in the keyring.
        let mut last = vec![0u64; self.keyring.len()];
        let mut seen = |key: Option<Uuid>, at: u64| {
            if let Some(Ok(i)) = key.map(|k| self.keyring.position(k)) {
                last[i] = last[i].max(at);
            }
        };
        for records in &self.kinds {
            for state in records.values() {
                seen(state.scope, state.last_changed_ms());
            }
        }
        for (_, contact) in self
            .states(Kind::Contact)
            .filter(|(_, s)| s.scope.is_none())
        {
            for &person in contact.value(contact::field::PERSONS).as_ids() {
                let key = self.state(Kind::Person, person).and_then(|p| p.scope);
                seen(key, contact.last_changed_ms());
            }
        }
        self.states(Kind::Person)
            .filter(|(_, s)| {
                let at = s.scope.and_then(|k| self.keyring.position(k).ok());
                at.is_some_and(|i| last[i] < cutoff_ms)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// The person keys held here.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The person key a change is to be sealed under: the record's own for an edit; for a new
    /// record, its person's (the person itself, the person of a support offer or follow-up,
    /// the one person met at a contact). `None`: the team key (groups, contacts with several
    /// persons or none, and records from before person keys).
    pub fn key_for(&self, change: &Change) -> Option<&PersonKey> {
        let (kind, id) = change.record()?;
        if let Some(state) = self.state(kind, id) {
            return self.keyring.get(state.scope?);
        }
        let Change::Set { writes, .. } = change else {
            return None;
        };
        let value = |field| writes.iter().find(|w| w.field == field).map(|w| &w.value);
        let person = match kind {
            Kind::Person => Some(id),
            Kind::SupportOffer => value(support_offer::field::PERSON).and_then(Value::as_id),
            Kind::FollowUp => value(follow_up::field::PERSON).and_then(Value::as_id),
            Kind::Contact => match value(contact::field::PERSONS).map(Value::as_ids) {
                Some(&[one]) => Some(one),
                _ => None,
            },
            Kind::Group => None,
        }?;
        self.keyring.of_person(person)
    }

    /// The greatest HLC applied so far.
    pub fn max_hlc(&self) -> Hlc {
        self.max_hlc
    }

    pub fn state(&self, kind: Kind, id: Uuid) -> Option<&RecordState> {
        self.kinds[kind.index()].get(&id)
    }

    /// Every record of a kind with its state, archived ones included, oldest id first.
    pub fn states(&self, kind: Kind) -> impl DoubleEndedIterator<Item = (Uuid, &RecordState)> {
        self.kinds[kind.index()].iter().map(|(id, s)| (*id, s))
    }

    /// How many records of a kind are held (archived ones included).
    pub fn count(&self, kind: Kind) -> usize {
        self.kinds[kind.index()].len()
    }

    pub fn get<T: Record>(&self, id: Uuid) -> Option<T> {
        self.state(T::KIND, id).map(|s| T::from_fields(id, s))
    }

    /// Every record of a kind that is not archived, oldest id first.
    pub fn live<T: Record>(&self) -> impl DoubleEndedIterator<Item = T> + '_ {
        self.states(T::KIND)
            .filter(|(_, s)| !s.archived())
            .map(|(id, s)| T::from_fields(id, s))
    }

    /// The live records of `T`, greatest `key` first (an `Int` field, such as a contact's
    /// time); among equal keys the one made later comes first (ids are UUIDv7, in time order).
    /// The order is found from that one field of each record, and a record is built only when
    /// the iterator reaches it: taking the newest few of tens of thousands stays cheap.
    pub fn newest_first<T: Record>(&self, key: FieldId) -> impl Iterator<Item = T> + '_ {
        let states: Vec<(Uuid, &RecordState)> = self
            .states(T::KIND)
            .rev()
            .filter(|(_, s)| !s.archived())
            .collect();
        order_by_number(states, |(_, s)| s.value(key).as_int().unwrap_or(0), true)
            .into_iter()
            .map(|(id, s)| T::from_fields(id, s))
    }

    /// The change that turns `before` (as shown) into `after`, made by `device`: only the fields
    /// that differ, each stamped as having seen every current write to it. `None` when nothing
    /// changed.
    pub fn edit<T: Record>(&self, before: Option<&T>, after: &T, device: Uuid) -> Option<Change> {
        let fields = changed_fields(before, after);
        (!fields.is_empty()).then(|| self.set(T::KIND, after.id(), fields, device))
    }

    /// The change that sets `fields` of a record, seeing every current write to them. This is
    /// also how a conflict is resolved: the chosen value, written over all the candidates.
    pub fn set(&self, kind: Kind, id: Uuid, fields: Vec<(FieldId, Value)>, device: Uuid) -> Change {
        let state = self.state(kind, id);
        let writes = fields
            .into_iter()
            .map(|(field, value)| FieldWrite {
                field,
                value,
                seen: state.map(|s| s.seen_for(field, device)).unwrap_or_default(),
            })
            .collect();
        Change::Set {
            kind,
            record: id,
            writes,
        }
    }

    /// Archives (or brings back) a record.
    pub fn archive(&self, kind: Kind, id: Uuid, archived: bool, device: Uuid) -> Change {
        self.set(kind, id, vec![(ARCHIVED, Value::Bool(archived))], device)
    }
}

/// For tests that write a history in order.
#[cfg(test)]
impl Fold {
    /// Applies `change` as `device`'s, stamped a millisecond after the latest change folded
    /// in (and after 1 s from the epoch).
    pub(crate) fn apply_next(&mut self, device: Uuid, change: Change) {
        let hlc = Hlc {
            wall_ms: self.max_hlc.wall_ms.max(1_000) + 1,
            counter: 0,
        };
        self.apply(Stamp { hlc, device }, change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::contact::field::{AREA, NOTE};

    fn stamp(device: u128, wall: u64) -> Stamp {
        Stamp {
            hlc: Hlc {
                wall_ms: wall,
                counter: 0,
            },
            device: Uuid::from_u128(device),
        }
    }

    const R: Uuid = Uuid::from_u128(100);

    fn text(fold: &Fold, field: FieldId) -> String {
        fold.state(Kind::Contact, R)
            .unwrap()
            .value(field)
            .as_text()
            .to_string()
    }

    fn put(fold: &Fold, device: u128, field: FieldId, value: &str) -> Change {
        fold.set(
            Kind::Contact,
            R,
            vec![(field, Value::text(value))],
            Uuid::from_u128(device),
        )
    }

    #[test]
    fn newest_first_orders_by_the_key_then_by_when_made_and_skips_the_archived() {
        use crate::record::contact::{field::OCCURRED_AT, Contact, ContactKind};
        let mut fold = Fold::default();
        // (id, time): ids 1..=4 in the order made; 2 and 3 share a time.
        for (n, at) in [(1u128, 500), (2, 900), (3, 900), (4, 100)] {
            let contact =
                Contact::simple(Uuid::from_u128(n), at, "Centrum", ContactKind::Phone, "x");
            fold.apply(stamp(1, n as u64), create(&contact));
        }
        let order = |fold: &Fold| -> Vec<u128> {
            fold.newest_first::<Contact>(OCCURRED_AT)
                .map(|c| c.id.as_u128())
                .collect()
        };
        assert_eq!(order(&fold), vec![3, 2, 1, 4]);
        let archive = fold.archive(Kind::Contact, Uuid::from_u128(2), true, Uuid::from_u128(1));
        fold.apply(stamp(1, 9), archive);
        assert_eq!(order(&fold), vec![3, 1, 4]);
        let newest: Vec<_> = fold.newest_first::<Contact>(OCCURRED_AT).take(1).collect();
        assert_eq!(newest[0].occurred_at_ms, 900);
    }

    #[test]
    fn a_later_edit_replaces_and_different_fields_both_stay() {
        let mut a = Fold::default();
        let create = put(&a, 1, AREA, "Centrum");
        a.apply(stamp(1, 10), create.clone());
        let mut b = a.clone();
        // B edits the area after seeing A's; A edits the note: different fields, no conflict.
        let area = put(&b, 2, AREA, "Skälby");
        b.apply(stamp(2, 20), area.clone());
        let note = put(&a, 1, NOTE, "ok");
        a.apply(stamp(1, 15), note.clone());
        a.apply(stamp(2, 20), area);
        b.apply(stamp(1, 15), note);
        assert_eq!(a, b);
        assert_eq!(text(&a, AREA), "Skälby");
        assert_eq!(text(&a, NOTE), "ok");
        assert_eq!(a.state(Kind::Contact, R).unwrap().conflicts().count(), 0);
        assert_eq!(a.state(Kind::Contact, R).unwrap().history().len(), 3);
    }

    #[test]
    fn concurrent_edits_of_one_field_are_kept_until_resolved() {
        let mut a = Fold::default();
        a.apply(stamp(1, 10), put(&a, 1, AREA, "Centrum"));
        let mut b = a.clone();
        let from_a = put(&a, 1, AREA, "Norr");
        let from_b = put(&b, 2, AREA, "Söder");
        a.apply(stamp(1, 30), from_a.clone());
        b.apply(stamp(2, 20), from_b.clone());
        a.apply(stamp(2, 20), from_b);
        b.apply(stamp(1, 30), from_a);
        assert_eq!(a, b);
        let state = a.state(Kind::Contact, R).unwrap();
        let field = state.field(AREA).unwrap();
        assert!(field.in_conflict());
        // The shown value is the greatest stamp's; both are offered.
        assert_eq!(field.value().as_text(), "Norr");
        let choices: Vec<&str> = field.writes().map(|w| w.value.as_text()).collect();
        assert_eq!(choices, ["Norr", "Söder"]);
        // B picks "Söder": a write that saw both ends the conflict everywhere.
        let pick = put(&b, 2, AREA, "Söder");
        b.apply(stamp(2, 40), pick.clone());
        a.apply(stamp(2, 40), pick);
        assert_eq!(a, b);
        assert!(!a
            .state(Kind::Contact, R)
            .unwrap()
            .field(AREA)
            .unwrap()
            .in_conflict());
        assert_eq!(text(&a, AREA), "Söder");
    }

    #[test]
    fn a_write_stamped_before_what_it_claims_to_have_seen_does_not_supersede_it() {
        let mut a = Fold::default();
        a.apply(stamp(1, 50), put(&a, 1, AREA, "Norr"));
        // Device 2's clock lags: its edit saw device 1's write but is stamped earlier. The
        // device must stamp after `max_hlc`; one that does not leaves a conflict, not a loss.
        let lagging = put(&a, 2, AREA, "Söder");
        assert!(a.max_hlc() >= stamp(1, 50).hlc);
        a.apply(stamp(2, 40), lagging);
        assert!(a
            .state(Kind::Contact, R)
            .unwrap()
            .field(AREA)
            .unwrap()
            .in_conflict());
    }

    #[test]
    fn repeats_are_no_ops_and_archiving_hides() {
        let mut a = Fold::default();
        let create = put(&a, 1, AREA, "Centrum");
        a.apply(stamp(1, 10), create.clone());
        let once = a.clone();
        a.apply(stamp(1, 10), create);
        assert_eq!(a, once);
        let archive = a.archive(Kind::Contact, R, true, Uuid::from_u128(1));
        a.apply(stamp(1, 11), archive);
        assert!(a.state(Kind::Contact, R).unwrap().archived());
        assert_eq!(a.count(Kind::Contact), 1);
    }

    /// Erasure by crypto-shredding, as the fold sees it: what a person key covers goes, what
    /// the team key covers stays, and nothing of the person comes back.
    #[test]
    fn erasing_a_person_key_drops_every_record_under_it_and_keeps_it_out() {
        use crate::crypto::person::ErasureReason;
        use crate::record::{contact, follow_up, support_offer};
        use rand_core::OsRng;
        let device = Uuid::from_u128(1);
        let (p, q) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let mut fold = Fold::default();
        let key = PersonKey::generate(p, &mut OsRng);
        fold.apply_in(
            Scope::Key(key.id),
            stamp(1, 1),
            Change::PersonKey(key.clone()),
        );
        let new = |fold: &Fold, kind, id: u128, fields| {
            fold.set(kind, Uuid::from_u128(id), fields, device)
        };
        let records = [
            new(&fold, Kind::Person, 10, vec![(1, Value::text("P"))]),
            new(&fold, Kind::Person, 11, vec![(1, Value::text("Q"))]),
            new(
                &fold,
                Kind::SupportOffer,
                20,
                vec![(support_offer::field::PERSON, Value::Id(p))],
            ),
            new(
                &fold,
                Kind::FollowUp,
                21,
                vec![(follow_up::field::PERSON, Value::Id(p))],
            ),
            new(
                &fold,
                Kind::Contact,
                22,
                vec![(contact::field::PERSONS, Value::Ids(vec![p]))],
            ),
            new(
                &fold,
                Kind::Contact,
                23,
                vec![(contact::field::PERSONS, Value::Ids(vec![p, q]))],
            ),
            new(&fold, Kind::Group, 24, vec![(1, Value::text("G"))]),
        ];
        let scoped: Vec<Option<Uuid>> = records
            .iter()
            .map(|c| fold.key_for(c).map(|k| k.id))
            .collect();
        let k = Some(key.id);
        assert_eq!(scoped, [k, None, k, k, k, None, None]);
        for (n, change) in records.into_iter().enumerate() {
            let scope = fold
                .key_for(&change)
                .map_or(Scope::Team, |k| Scope::Person(k.id));
            fold.apply_in(scope, stamp(1, 10 + n as u64), change);
        }
        // An edit stays under the record's key, whatever it changes.
        let edit = fold.set(
            Kind::Contact,
            Uuid::from_u128(22),
            vec![(contact::field::PERSONS, Value::Ids(vec![p, q]))],
            device,
        );
        assert_eq!(fold.key_for(&edit).map(|k| k.id), k);
        let state = fold.state(Kind::Person, p).unwrap();
        assert_eq!(
            (state.made_by(), state.last_changed_ms()),
            (Some(device), 10)
        );

        let erase = Change::Erase {
            key: key.id,
            reason: ErasureReason::Asked,
        };
        fold.apply_in(Scope::Erase(key.id), stamp(2, 50), erase);
        let left: Vec<u128> = Kind::ALL
            .iter()
            .flat_map(|&kind| {
                fold.states(kind)
                    .map(|(id, _)| id.as_u128())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            left,
            [11, 24, 23],
            "Q, the group and the contact with Q stay"
        );
        assert!(fold.keyring().get(key.id).is_none() && fold.keyring().is_erased(key.id));
        // A late edit from a phone that was offline, and the key arriving again: dropped.
        let late = fold.set(Kind::Person, p, vec![(1, Value::text("P2"))], device);
        fold.apply_in(Scope::Person(key.id), stamp(3, 60), late);
        fold.apply_in(
            Scope::Key(key.id),
            stamp(1, 1),
            Change::PersonKey(key.clone()),
        );
        assert!(fold.state(Kind::Person, p).is_none());
        assert!(fold.keyring().get(key.id).is_none());
    }
}
