//! The record model: every kind of record (person, group, contact, support offer, follow-up) is
//! a set of numbered fields, and a change sets some of them. The fold ([`crate::fold`]) merges
//! changes field by field without knowing any kind; each kind lives in its own module with its
//! typed view, its form's validation and its rules.
//!
//! Adding a kind means: a variant of [`Kind`], a module with a struct that implements
//! [`Record`], and its screens. The envelope, the fold, the server and sync do not change.

pub mod contact;
pub mod date;
pub mod follow_up;
pub mod group;
pub mod person;
pub mod support_offer;
pub mod text;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a record is. Part of every change, so the fold keeps kinds apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Person,
    Group,
    Contact,
    SupportOffer,
    FollowUp,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Person,
        Kind::Group,
        Kind::Contact,
        Kind::SupportOffer,
        Kind::FollowUp,
    ];

    /// Index into per-kind tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A field's number within its kind. Numbers are part of the stored format: never reuse one.
pub type FieldId = u8;

/// Field 0 of every kind: archived records are hidden but kept (erasure is a later, deliberate
/// action of its own).
pub const ARCHIVED: FieldId = 0;

/// One field's value as a change carries it. The fold never looks inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// Not set, or cleared.
    Empty,
    Bool(bool),
    /// A number: a time in Unix ms, a date in days, a year.
    Int(i64),
    /// Free text, or the stable code of a choice.
    Text(String),
    /// A reference to another record.
    Id(Uuid),
    /// References to other records (persons met, a person's groups).
    Ids(Vec<Uuid>),
}

impl Value {
    pub fn text(s: &str) -> Value {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_string())
        }
    }

    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub fn as_id(&self) -> Option<Uuid> {
        match self {
            Value::Id(id) => Some(*id),
            _ => None,
        }
    }

    pub fn as_ids(&self) -> &[Uuid] {
        match self {
            Value::Ids(ids) => ids,
            _ => &[],
        }
    }
}

/// Read access to a record's current fields, as the fold has merged them.
pub trait Fields {
    /// The value shown for `field` (where there is a conflict, the one with the greatest
    /// stamp), or [`Value::Empty`].
    fn value(&self, field: FieldId) -> &Value;
}

/// A kind of record, with a typed view over its fields.
pub trait Record: Sized + Clone + PartialEq {
    const KIND: Kind;
    fn id(&self) -> Uuid;
    /// The typed record from its merged fields; missing fields take their defaults.
    fn from_fields(id: Uuid, fields: &impl Fields) -> Self;
    /// Every field of the record (not `ARCHIVED`), for a new record and for working out what
    /// an edit changed.
    fn to_fields(&self) -> Vec<(FieldId, Value)>;
}

/// The fields of `after` that differ from `before` (all of them for a new record).
pub fn changed_fields<T: Record>(before: Option<&T>, after: &T) -> Vec<(FieldId, Value)> {
    let old = before.map(Record::to_fields).unwrap_or_default();
    after
        .to_fields()
        .into_iter()
        .filter(|(field, value)| {
            let was = old.iter().find(|(f, _)| f == field).map(|(_, v)| v);
            match was {
                Some(v) => v != value,
                None => *value != Value::Empty,
            }
        })
        .collect()
}

/// A choice that is stored by a stable code (a contact's kind, a support category).
pub trait Coded: Sized + Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// A choice field read from its stored code.
pub fn coded<T: Coded>(value: &Value) -> Option<T> {
    T::from_code(value.as_text())
}

/// Orders records by a number (a time, a date), greatest first when `greatest_first`, ties in
/// the order given. Every list of records is ordered through here or [`order_by_text`]: each
/// generic sort instantiated for another type costs the wasm several KB.
pub fn order_by_number<T>(items: Vec<T>, key: impl Fn(&T) -> i64, greatest_first: bool) -> Vec<T> {
    let mut keys: Vec<(i64, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let k = key(t);
            // `!k` reverses the order of every i64 without overflow.
            (if greatest_first { !k } else { k }, i as u32)
        })
        .collect();
    sort_number_keys(&mut keys);
    permute(items, keys.iter().map(|(_, i)| *i))
}

/// Orders records by a text (already case-folded where that matters), ties in the order given.
pub fn order_by_text<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut keys: Vec<(String, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (key(t), i as u32))
        .collect();
    sort_text_keys(&mut keys);
    permute(items, keys.iter().map(|(_, i)| *i))
}

#[inline(never)]
fn sort_number_keys(keys: &mut [(i64, u32)]) {
    keys.sort_unstable();
}

#[inline(never)]
fn sort_text_keys(keys: &mut [(String, u32)]) {
    keys.sort_unstable();
}

fn permute<T>(items: Vec<T>, order: impl Iterator<Item = u32>) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .map(|i| slots[i as usize].take().expect("each index once"))
        .collect()
}

/// A partner agency (*samverkanspart*): present at a contact, or named in a person's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Agency {
    SocialServices,
    Police,
    PrisonProbation,
    School,
    Health,
    Other,
}

impl Coded for Agency {
    const ALL: &'static [Agency] = &[
        Agency::SocialServices,
        Agency::Police,
        Agency::PrisonProbation,
        Agency::School,
        Agency::Health,
        Agency::Other,
    ];
    fn code(self) -> &'static str {
        match self {
            Agency::SocialServices => "social",
            Agency::Police => "police",
            Agency::PrisonProbation => "prison-probation",
            Agency::School => "school",
            Agency::Health => "health",
            Agency::Other => "other",
        }
    }
}

/// A set of choices stored as one field: their codes, comma-separated, in `ALL`'s order.
pub fn codes_value<T: Coded>(set: &[T]) -> Value {
    let codes: Vec<&str> = T::ALL
        .iter()
        .filter(|c| set.contains(c))
        .map(|c| c.code())
        .collect();
    Value::text(&codes.join(","))
}

/// The set of choices stored by [`codes_value`]; unknown codes are skipped.
pub fn codes_of<T: Coded>(value: &Value) -> Vec<T> {
    value
        .as_text()
        .split(',')
        .filter_map(T::from_code)
        .collect()
}

/// What is wrong with one field of a form. The app words it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Missing,
    TooLong,
    /// Control characters or bidirectional overrides.
    Invalid,
    /// A date or time after now where it cannot be.
    InFuture,
    /// A date before today where only today or later makes sense (a new follow-up's due date).
    InPast,
    /// A birth year outside the plausible range.
    OutOfRange,
    /// Something shaped like a personal identity number: never stored.
    IdentityNumber,
    /// A date before the step it follows (a support offer started before it was accepted).
    BeforePrevious,
    /// "Attempted" is only for custom notifications.
    AttemptOnlyForNotification,
    /// A step the lifecycle does not allow from the current status.
    IllegalStep,
    /// A record this one refers to does not exist (a person that was never synced here).
    UnknownRecord,
}

/// A problem tied to the form field it belongs to (the field's element id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

/// Collects a form's problems, so every one is reported at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        self.0.push(FieldError { field, problem });
    }

    /// Checks a text field with `rule`, records a problem, and gives the clean text.
    pub fn text(
        &mut self,
        field: &'static str,
        raw: &str,
        rule: fn(&str) -> Result<String, text::TextError>,
    ) -> String {
        match rule(raw) {
            Ok(clean) => {
                if text::looks_like_identity_number(&clean) {
                    self.add(field, Problem::IdentityNumber);
                }
                clean
            }
            Err(e) => {
                self.add(
                    field,
                    match e {
                        text::TextError::Missing => Problem::Missing,
                        text::TextError::TooLong => Problem::TooLong,
                        text::TextError::Invalid => Problem::Invalid,
                    },
                );
                String::new()
            }
        }
    }

    /// `Ok(value)` when nothing was found wrong.
    pub fn into_result<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A record's fields read back as the same record.
    pub fn fields_round_trip<T: Record + core::fmt::Debug>(record: &T) {
        struct Map(Vec<(FieldId, Value)>);
        impl Fields for Map {
            fn value(&self, field: FieldId) -> &Value {
                self.0
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or(&Value::Empty, |(_, v)| v)
            }
        }
        assert_eq!(
            &T::from_fields(record.id(), &Map(record.to_fields())),
            record
        );
        assert!(changed_fields(Some(record), record).is_empty());
    }

    /// Every code of a choice round-trips and codes are unique.
    pub fn codes_round_trip<T: Coded + core::fmt::Debug>() {
        for &c in T::ALL {
            assert_eq!(T::from_code(c.code()), Some(c));
            assert_eq!(T::ALL.iter().filter(|o| o.code() == c.code()).count(), 1);
        }
        assert_eq!(T::from_code("nope"), None);
    }

    #[test]
    fn ordering_is_by_key_and_stable_for_ties() {
        let items = vec![
            (3, "c"),
            (1, "a"),
            (3, "b"),
            (i64::MIN, "min"),
            (i64::MAX, "max"),
        ];
        let up: Vec<&str> = order_by_number(items.clone(), |x| x.0, false)
            .iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(up, ["min", "a", "c", "b", "max"]);
        let down: Vec<&str> = order_by_number(items.clone(), |x| x.0, true)
            .iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(down, ["max", "c", "b", "a", "min"]);
        let by_text: Vec<&str> = order_by_text(items, |x| x.1.to_string())
            .iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(by_text, ["a", "b", "c", "max", "min"]);
    }

    #[test]
    fn agency_sets_round_trip_in_a_fixed_order() {
        codes_round_trip::<Agency>();
        let set = [Agency::Police, Agency::SocialServices];
        let value = codes_value(&set);
        assert_eq!(value.as_text(), "social,police");
        assert_eq!(
            codes_of::<Agency>(&value),
            [Agency::SocialServices, Agency::Police]
        );
        assert_eq!(codes_value::<Agency>(&[]), Value::Empty);
        assert!(codes_of::<Agency>(&Value::text("police,bogus")) == [Agency::Police]);
    }

    #[test]
    fn identity_numbers_are_a_problem_in_any_text_field() {
        let mut p = Problems::default();
        assert_eq!(
            p.text("note", "ring 19811218-9876", text::note),
            "ring 19811218-9876"
        );
        assert_eq!(
            p.0,
            [FieldError {
                field: "note",
                problem: Problem::IdentityNumber
            }]
        );
    }

    #[test]
    fn empty_text_is_empty_and_values_read_back() {
        assert_eq!(Value::text(""), Value::Empty);
        assert_eq!(Value::text("a").as_text(), "a");
        assert_eq!(Value::Int(3).as_int(), Some(3));
        assert_eq!(Value::Empty.as_int(), None);
        assert!(Value::Bool(true).as_bool());
        assert!(Value::Empty.as_ids().is_empty());
    }
}
