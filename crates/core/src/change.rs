//! The change: what one envelope carries. A change sets some fields of one record; the stamp
//! (the envelope header's HLC and device) says when and where it was made.
//!
//! To tell a later edit from a concurrent one, every field write carries what its device had
//! seen of that field: for each *other* device, the HLC of the newest write to the field that
//! was merged on the writing device when the edit was made (a version vector without the
//! writer's own entry, which is the stamp itself). See [`crate::fold`] for how it is used.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto::person::{ErasureReason, PersonKey};
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
    /// A person's key, made with the person (envelope scope [`Scope::Key`]).
    ///
    /// [`Scope::Key`]: crate::envelope::Scope::Key
    PersonKey(PersonKey),
    /// Erases a person: destroys the key and every record under it, everywhere (envelope
    /// scope [`Scope::Erase`]).
    ///
    /// [`Scope::Erase`]: crate::envelope::Scope::Erase
    Erase { key: Uuid, reason: ErasureReason },
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
    /// The record this change sets fields of, if it does.
    pub fn record(&self) -> Option<(Kind, Uuid)> {
        match self {
            Change::PutContact(c) => Some((Kind::Contact, c.id)),
            Change::Set { kind, record, .. } => Some((*kind, *record)),
            Change::PersonKey(_) | Change::Erase { .. } => None,
        }
    }

    /// The change as field writes, the legacy form included; `None` for a key or an erasure.
    pub fn into_writes(self) -> Option<(Kind, Uuid, Vec<FieldWrite>)> {
        Some(match self {
            Change::Set {
                kind,
                record,
                writes,
            } => (kind, record, writes),
            Change::PersonKey(_) | Change::Erase { .. } => return None,
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
        })
    }
}
