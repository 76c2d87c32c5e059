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
use crate::hlc::Hlc;
use crate::record::{
    changed_fields, order_by_number, FieldId, Fields, Kind, Record, Value, ARCHIVED,
};

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
}

impl Fold {
    /// Applies one change made at `stamp`. Repeats are no-ops; order does not matter.
    pub fn apply(&mut self, stamp: Stamp, change: Change) {
        let (kind, record, writes) = change.into_writes();
        self.max_hlc = self.max_hlc.max(stamp.hlc);
        self.kinds[kind.index()]
            .entry(record)
            .or_default()
            .apply(stamp, writes);
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
}
