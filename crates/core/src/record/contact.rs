//! A contact (*kontakt*): one encounter between outreach workers and young people.

use uuid::Uuid;

use super::text::{self, optional_line, required_line};
use super::{coded, codes_of, codes_value, Agency, Coded, FieldError, FieldId, Fields, Kind};
use super::{Problem, Problems, Record, Value};

/// How far in the future a contact's time may be: a phone's clock may run a little fast.
pub const FUTURE_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// The contact's field numbers (part of the stored format).
pub mod field {
    use crate::record::FieldId;
    pub const OCCURRED_AT: FieldId = 1;
    pub const AREA: FieldId = 2;
    pub const KIND: FieldId = 3;
    pub const NOTE: FieldId = 4;
    pub const PERSONS: FieldId = 5;
    pub const WORKERS: FieldId = 6;
    pub const AGENCIES: FieldId = 7;
    pub const MESSAGE: FieldId = 8;
    pub const SAFETY_CONCERN: FieldId = 9;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ContactKind {
    StreetEncounter,
    HomeVisit,
    Phone,
    /// *Personligt budskap*: the GVI message delivered to one person.
    CustomNotification,
    /// *Budskapsmöte*: the GVI message delivered at a group meeting.
    CallIn,
    HospitalVisit,
    School,
    PrisonVisit,
    Other,
}

impl Coded for ContactKind {
    const ALL: &'static [ContactKind] = &[
        ContactKind::StreetEncounter,
        ContactKind::HomeVisit,
        ContactKind::Phone,
        ContactKind::CustomNotification,
        ContactKind::CallIn,
        ContactKind::HospitalVisit,
        ContactKind::School,
        ContactKind::PrisonVisit,
        ContactKind::Other,
    ];

    fn code(self) -> &'static str {
        match self {
            ContactKind::StreetEncounter => "street",
            ContactKind::HomeVisit => "home",
            ContactKind::Phone => "phone",
            ContactKind::CustomNotification => "custom-notification",
            ContactKind::CallIn => "call-in",
            ContactKind::HospitalVisit => "hospital",
            ContactKind::School => "school",
            ContactKind::PrisonVisit => "prison",
            ContactKind::Other => "other",
        }
    }
}

/// Whether the GVI message was delivered. A custom notification often finds nobody home: the
/// attempt counts too, so it has a value of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Message {
    #[default]
    NotDelivered,
    Attempted,
    Delivered,
}

impl Coded for Message {
    const ALL: &'static [Message] = &[
        Message::NotDelivered,
        Message::Attempted,
        Message::Delivered,
    ];
    fn code(self) -> &'static str {
        match self {
            Message::NotDelivered => "no",
            Message::Attempted => "attempted",
            Message::Delivered => "delivered",
        }
    }
}

/// A contact as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: Uuid,
    /// When it happened, Unix milliseconds.
    pub occurred_at_ms: i64,
    /// A coarse area from the team's list, or free text; never an address.
    pub area: String,
    pub kind: ContactKind,
    pub persons: Vec<Uuid>,
    /// The workers present, as the team writes them (initials or first names).
    pub workers: String,
    pub agencies: Vec<Agency>,
    pub message: Message,
    pub safety_concern: bool,
    pub note: String,
}

impl Record for Contact {
    const KIND: Kind = Kind::Contact;

    fn id(&self) -> Uuid {
        self.id
    }

    fn from_fields(id: Uuid, f: &impl Fields) -> Contact {
        Contact {
            id,
            occurred_at_ms: f.value(field::OCCURRED_AT).as_int().unwrap_or(0),
            area: f.value(field::AREA).as_text().to_string(),
            kind: coded(f.value(field::KIND)).unwrap_or(ContactKind::Other),
            persons: f.value(field::PERSONS).as_ids().to_vec(),
            workers: f.value(field::WORKERS).as_text().to_string(),
            agencies: codes_of(f.value(field::AGENCIES)),
            message: coded(f.value(field::MESSAGE)).unwrap_or_default(),
            safety_concern: f.value(field::SAFETY_CONCERN).as_bool(),
            note: f.value(field::NOTE).as_text().to_string(),
        }
    }

    fn to_fields(&self) -> Vec<(FieldId, Value)> {
        vec![
            (field::OCCURRED_AT, Value::Int(self.occurred_at_ms)),
            (field::AREA, Value::text(&self.area)),
            (field::KIND, Value::text(self.kind.code())),
            (field::PERSONS, Value::Ids(self.persons.clone())),
            (field::WORKERS, Value::text(&self.workers)),
            (field::AGENCIES, codes_value(&self.agencies)),
            (field::MESSAGE, Value::text(self.message.code())),
            (field::SAFETY_CONCERN, Value::Bool(self.safety_concern)),
            (field::NOTE, Value::text(&self.note)),
        ]
    }
}

impl Contact {
    /// A contact with only when, where, kind and note set (tests, seeding, demos).
    pub fn simple(
        id: Uuid,
        occurred_at_ms: i64,
        area: &str,
        kind: ContactKind,
        note: &str,
    ) -> Contact {
        Contact {
            id,
            occurred_at_ms,
            area: area.to_string(),
            kind,
            persons: Vec::new(),
            workers: String::new(),
            agencies: Vec::new(),
            message: Message::NotDelivered,
            safety_concern: false,
            note: note.to_string(),
        }
    }
}

/// What the form holds before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub occurred_at_ms: Option<i64>,
    pub area: String,
    pub kind: Option<ContactKind>,
    pub persons: Vec<Uuid>,
    pub workers: String,
    pub agencies: Vec<Agency>,
    pub message: Message,
    pub safety_concern: bool,
    pub note: String,
}

impl ContactDraft {
    /// The form filled in from a saved contact, for editing.
    pub fn of(c: &Contact) -> ContactDraft {
        ContactDraft {
            occurred_at_ms: Some(c.occurred_at_ms),
            area: c.area.clone(),
            kind: Some(c.kind),
            persons: c.persons.clone(),
            workers: c.workers.clone(),
            agencies: c.agencies.clone(),
            message: c.message,
            safety_concern: c.safety_concern,
            note: c.note.clone(),
        }
    }

    /// Checks the draft and, if it is whole, makes the contact. Every problem is reported at
    /// its field, not only the first. `person_exists` says whether a person id is known here.
    pub fn validate(
        &self,
        id: Uuid,
        now_ms: i64,
        person_exists: impl Fn(Uuid) -> bool,
    ) -> Result<Contact, Vec<FieldError>> {
        let mut p = Problems::default();
        match self.occurred_at_ms {
            None => p.add("occurred-date", Problem::Missing),
            Some(t) if t > now_ms + FUTURE_TOLERANCE_MS => {
                p.add("occurred-date", Problem::InFuture)
            }
            Some(_) => {}
        }
        let area = p.text("area", &self.area, required_line);
        if self.kind.is_none() {
            p.add("kind", Problem::Missing);
        }
        if self.message == Message::Attempted && self.kind != Some(ContactKind::CustomNotification)
        {
            p.add("message", Problem::AttemptOnlyForNotification);
        }
        if !self.persons.iter().all(|&id| person_exists(id)) {
            p.add("persons", Problem::UnknownRecord);
        }
        let workers = p.text("workers", &self.workers, optional_line);
        let note = p.text("note", &self.note, text::note);
        let mut persons = self.persons.clone();
        persons.dedup();
        p.into_result(Contact {
            id,
            occurred_at_ms: self.occurred_at_ms.unwrap_or(0),
            area,
            kind: self.kind.unwrap_or(ContactKind::Other),
            persons,
            workers,
            agencies: self.agencies.clone(),
            message: self.message,
            safety_concern: self.safety_concern,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{codes_round_trip, fields_round_trip};
    use crate::record::text::NOTE_MAX;

    fn draft() -> ContactDraft {
        ContactDraft {
            occurred_at_ms: Some(1_000),
            area: "  Centrum ".into(),
            kind: Some(ContactKind::CallIn),
            note: " ok ".into(),
            ..ContactDraft::default()
        }
    }

    #[test]
    fn a_whole_draft_becomes_a_contact_with_trimmed_text_and_round_trips_through_fields() {
        let contact = draft().validate(Uuid::nil(), 2_000, |_| true).unwrap();
        assert_eq!(contact.area, "Centrum");
        assert_eq!(contact.note, "ok");
        fields_round_trip(&contact);
        assert_eq!(
            ContactDraft::of(&contact).validate(Uuid::nil(), 2_000, |_| true),
            Ok(contact)
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let bad = ContactDraft {
            occurred_at_ms: Some(10 * FUTURE_TOLERANCE_MS),
            area: " ".into(),
            kind: None,
            message: Message::Attempted,
            persons: vec![Uuid::from_u128(9)],
            note: "x".repeat(NOTE_MAX + 1),
            ..ContactDraft::default()
        };
        let errors = bad.validate(Uuid::nil(), 0, |_| false).unwrap_err();
        let found: Vec<(&str, Problem)> = errors.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            found,
            [
                ("occurred-date", Problem::InFuture),
                ("area", Problem::Missing),
                ("kind", Problem::Missing),
                ("message", Problem::AttemptOnlyForNotification),
                ("persons", Problem::UnknownRecord),
                ("note", Problem::TooLong),
            ]
        );
        let missing_time = ContactDraft {
            occurred_at_ms: None,
            ..draft()
        };
        assert_eq!(
            missing_time.validate(Uuid::nil(), 0, |_| true).unwrap_err()[0].problem,
            Problem::Missing
        );
    }

    #[test]
    fn an_attempt_is_allowed_for_a_custom_notification() {
        let d = ContactDraft {
            kind: Some(ContactKind::CustomNotification),
            message: Message::Attempted,
            ..draft()
        };
        assert_eq!(
            d.validate(Uuid::nil(), 2_000, |_| true).unwrap().message,
            Message::Attempted
        );
    }

    #[test]
    fn kind_and_message_codes_round_trip() {
        codes_round_trip::<ContactKind>();
        codes_round_trip::<Message>();
    }
}
