//! A contact (*kontakt*): one encounter between outreach workers and young people.
//! This is the first record kind; persons, groups, support offers and follow-ups follow it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest area name, in characters. Areas are coarse ("Centrum", "Skälby"), never addresses.
pub const AREA_MAX_CHARS: usize = 60;
/// Longest note, in characters. Notes are kept short on purpose: minimise what is recorded.
pub const NOTE_MAX_CHARS: usize = 2000;
/// How far in the future a contact's time may be: a phone's clock may run a little fast.
pub const FUTURE_TOLERANCE_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl ContactKind {
    pub const ALL: [ContactKind; 8] = [
        ContactKind::StreetEncounter,
        ContactKind::HomeVisit,
        ContactKind::Phone,
        ContactKind::CustomNotification,
        ContactKind::CallIn,
        ContactKind::HospitalVisit,
        ContactKind::School,
        ContactKind::PrisonVisit,
    ];

    /// A stable code for forms and URLs.
    pub fn code(self) -> &'static str {
        match self {
            ContactKind::StreetEncounter => "street",
            ContactKind::HomeVisit => "home",
            ContactKind::Phone => "phone",
            ContactKind::CustomNotification => "custom-notification",
            ContactKind::CallIn => "call-in",
            ContactKind::HospitalVisit => "hospital",
            ContactKind::School => "school",
            ContactKind::PrisonVisit => "prison",
        }
    }

    pub fn from_code(code: &str) -> Option<ContactKind> {
        ContactKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A saved contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    /// When it happened, Unix milliseconds.
    pub occurred_at_ms: i64,
    pub area: String,
    pub kind: ContactKind,
    pub note: String,
}

/// What the form holds before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub occurred_at_ms: Option<i64>,
    pub area: String,
    pub kind: Option<ContactKind>,
    pub note: String,
}

/// One problem with a draft, tied to its field so the form can show it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactError {
    OccurredAtMissing,
    OccurredAtInFuture,
    AreaMissing,
    AreaTooLong,
    KindMissing,
    NoteTooLong,
}

impl ContactError {
    /// The form field this error belongs to (its element id).
    pub fn field(self) -> &'static str {
        match self {
            ContactError::OccurredAtMissing | ContactError::OccurredAtInFuture => "occurred-at",
            ContactError::AreaMissing | ContactError::AreaTooLong => "area",
            ContactError::KindMissing => "kind",
            ContactError::NoteTooLong => "note",
        }
    }
}

impl ContactDraft {
    /// Checks the draft and, if it is whole, makes the contact. Every problem is reported,
    /// not only the first, so the form can show them all at once.
    pub fn validate(&self, id: Uuid, now_ms: i64) -> Result<Contact, Vec<ContactError>> {
        let mut errors = Vec::new();
        match self.occurred_at_ms {
            None => errors.push(ContactError::OccurredAtMissing),
            Some(t) if t > now_ms + FUTURE_TOLERANCE_MS => {
                errors.push(ContactError::OccurredAtInFuture)
            }
            Some(_) => {}
        }
        let area = self.area.trim();
        if area.is_empty() {
            errors.push(ContactError::AreaMissing);
        } else if area.chars().count() > AREA_MAX_CHARS {
            errors.push(ContactError::AreaTooLong);
        }
        if self.kind.is_none() {
            errors.push(ContactError::KindMissing);
        }
        let note = self.note.trim();
        if note.chars().count() > NOTE_MAX_CHARS {
            errors.push(ContactError::NoteTooLong);
        }
        match (errors.is_empty(), self.occurred_at_ms, self.kind) {
            (true, Some(occurred_at_ms), Some(kind)) => Ok(Contact {
                id,
                occurred_at_ms,
                area: area.to_string(),
                kind,
                note: note.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_draft_becomes_a_contact_with_trimmed_text() {
        let draft = ContactDraft {
            occurred_at_ms: Some(1_000),
            area: "  Centrum ".into(),
            kind: Some(ContactKind::CallIn),
            note: " ok ".into(),
        };
        let contact = draft.validate(Uuid::nil(), 2_000).unwrap();
        assert_eq!(contact.area, "Centrum");
        assert_eq!(contact.note, "ok");
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let draft = ContactDraft {
            occurred_at_ms: Some(10 * FUTURE_TOLERANCE_MS),
            area: " ".into(),
            kind: None,
            note: "x".repeat(NOTE_MAX_CHARS + 1),
        };
        let errors = draft.validate(Uuid::nil(), 0).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ContactError::OccurredAtInFuture,
                ContactError::AreaMissing,
                ContactError::KindMissing,
                ContactError::NoteTooLong
            ]
        );
        assert_eq!(errors[1].field(), "area");
        let long_area = ContactDraft {
            area: "å".repeat(AREA_MAX_CHARS + 1),
            ..draft
        };
        assert!(long_area
            .validate(Uuid::nil(), 0)
            .unwrap_err()
            .contains(&ContactError::AreaTooLong));
    }

    #[test]
    fn kind_codes_round_trip() {
        for kind in ContactKind::ALL {
            assert_eq!(ContactKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ContactKind::from_code("nope"), None);
    }
}
