//! The change: what one envelope carries. A change sets some fields of one record; the stamp
//! (the envelope header's HLC and device) says when and where it was made.
//!
//! To tell a later edit from a concurrent one, every field write carries what its device had
//! seen of that field: for each *other* device, the HLC of the newest write to the field that
//! was merged on the writing device when the edit was made (a version vector without the
//! writer's own entry, which is the stamp itself). See [`crate::fold`] for how it is used.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::record::contact::ContactKind;
use crate::record::{FieldId, Kind, Value};

/// Where and when a write was made: the envelope header's HLC and device. Ordered by HLC, ties
/// broken by device id, so every device picks the same winner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: Uuid,
}

/// One field set by a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldWrite {
    pub field: FieldId,
    pub value: Value,
    /// For each other device, the newest HLC of its writes to this field that the writer had
    /// merged. Empty on a new record.
    pub seen: Vec<(Uuid, Hlc)>,
}

/// One immutable change to one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The walking skeleton's whole-contact change, still read so that contacts saved before
    /// field-level changes keep opening. Nothing writes it any more. Its place (the first
    /// variant) is part of the stored format.
    PutContact(LegacyContact),
    /// Sets fields of one record; the first change to a record id creates it.
    Set {
        kind: Kind,
        record: Uuid,
        writes: Vec<FieldWrite>,
    },
}

/// A contact as the skeleton stored it, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyContact {
    pub id: Uuid,
    pub occurred_at_ms: i64,
    pub area: String,
    pub kind: ContactKind,
    pub note: String,
}

impl Change {
    /// The record this change is about.
    pub fn record(&self) -> (Kind, Uuid) {
        match self {
            Change::PutContact(c) => (Kind::Contact, c.id),
            Change::Set { kind, record, .. } => (*kind, *record),
        }
    }

    /// The change as field writes, the legacy form included.
    pub fn into_writes(self) -> (Kind, Uuid, Vec<FieldWrite>) {
        match self {
            Change::Set {
                kind,
                record,
                writes,
            } => (kind, record, writes),
            Change::PutContact(c) => {
                use crate::record::contact::field;
                let write = |field, value| FieldWrite {
                    field,
                    value,
                    seen: Vec::new(),
                };
                let writes = vec![
                    write(field::OCCURRED_AT, Value::Int(c.occurred_at_ms)),
                    write(field::AREA, Value::text(&c.area)),
                    write(field::KIND, Value::text(crate::record::Coded::code(c.kind))),
                    write(field::NOTE, Value::text(&c.note)),
                ];
                (Kind::Contact, c.id, writes)
            }
        }
    }
}
