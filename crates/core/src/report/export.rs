//! The team's records as rows for a CSV file: one file per kind of record, a column per
//! field, for the coordinator who must answer a request or move the team to another system.
//! Unlike the partnership report these rows are the records themselves, in plaintext: the app
//! asks before it writes them to the device (see the PWA's More screen).
//!
//! A reference to a person or a group shows its alias (a spreadsheet reader cannot follow an
//! id), and every row starts with the record's own id, so rows of different files can still
//! be matched (a contact's persons, a follow-up's link). Archived records are left out, as
//! the app does not show them either. Words (column heads, choices, yes and no, times of day
//! in the phone's zone) come from the app through [`Words`], so this module knows no language.

use uuid::Uuid;

use crate::fold::Fold;
use crate::record::date::Date;
use crate::record::{coded, codes_of, Agency, Coded, FieldId, Fields, Kind, Value};
use crate::record::{contact, follow_up, group, person, support_offer};

/// A column of the record's own id (not a field).
pub const ID: FieldId = FieldId::MAX;

/// What a field holds, and so how its cell is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Text as typed.
    Text,
    /// A number as it is (a birth year).
    Number,
    /// A moment, in Unix ms: a date and time of day in the phone's zone.
    Time,
    /// A calendar date, in days.
    Day,
    Flag,
    /// One choice, by its code.
    Choice,
    /// Several partner agencies.
    Agencies,
    /// A person or a group: its alias.
    Alias,
    /// Several persons or groups: their aliases.
    Aliases,
    /// Another record's id.
    Link,
}

/// A choice as the app words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    ContactKind(contact::ContactKind),
    Message(contact::Message),
    Agency(Agency),
    Category(support_offer::Category),
    OfferStatus(support_offer::Status),
    FollowUpStatus(follow_up::Status),
}

/// The app's words for what the rows show.
pub trait Words {
    /// The head of a field's column ([`ID`] for the id's).
    fn head(&self, kind: Kind, field: FieldId) -> String;
    fn choice(&self, choice: Choice) -> String;
    fn yes_no(&self, yes: bool) -> String;
    /// A moment as a date and time of day where the phone is.
    fn time(&self, ms: i64) -> String;
}

/// A kind's columns, in the order of its form.
fn columns(kind: Kind) -> &'static [(FieldId, Shape)] {
    use Shape::*;
    match kind {
        Kind::Person => {
            use person::field::*;
            &[
                (ALIAS, Text),
                (BIRTH_YEAR, Number),
                (AREA, Text),
                (GROUPS, Aliases),
                (CONSENT, Flag),
                (CONSENT_DATE, Day),
                (CONSENT_SCOPE, Agencies),
                (RISK, Flag),
                (NOTE, Text),
            ]
        }
        Kind::Group => {
            use group::field::*;
            &[(ALIAS, Text), (AREA, Text), (NOTE, Text)]
        }
        Kind::Contact => {
            use contact::field::*;
            &[
                (OCCURRED_AT, Time),
                (KIND, Choice),
                (AREA, Text),
                (PERSONS, Aliases),
                (WORKERS, Text),
                (AGENCIES, Agencies),
                (MESSAGE, Choice),
                (SAFETY_CONCERN, Flag),
                (NOTE, Text),
            ]
        }
        Kind::SupportOffer => {
            use support_offer::field::*;
            &[
                (PERSON, Alias),
                (CATEGORY, Choice),
                (PROVIDER, Text),
                (STATUS, Choice),
                (OFFERED_ON, Day),
                (ACCEPTED_ON, Day),
                (STARTED_ON, Day),
                (ENDED_ON, Day),
                (END_REASON, Text),
                (NOTE, Text),
            ]
        }
        Kind::FollowUp => {
            use follow_up::field::*;
            &[
                (PERSON, Alias),
                (DUE, Day),
                (ASSIGNED, Text),
                (LINK, Link),
                (STATUS, Choice),
                (OUTCOME, Text),
                (CLOSED_ON, Day),
            ]
        }
    }
}

/// The choice a field's code stands for, if it is one the app knows.
fn choice(kind: Kind, field: FieldId, value: &Value) -> Option<Choice> {
    Some(match (kind, field) {
        (Kind::Contact, contact::field::KIND) => Choice::ContactKind(coded(value)?),
        (Kind::Contact, _) => Choice::Message(coded(value)?),
        (Kind::SupportOffer, support_offer::field::CATEGORY) => Choice::Category(coded(value)?),
        (Kind::SupportOffer, _) => Choice::OfferStatus(coded(value)?),
        _ => Choice::FollowUpStatus(coded(value)?),
    })
}

/// The kind's records as rows: a head row in the app's words, then one row per record that
/// is not archived, oldest first.
pub fn rows(fold: &Fold, kind: Kind, words: &dyn Words) -> Vec<Vec<String>> {
    let columns = columns(kind);
    let mut head = vec![words.head(kind, ID)];
    head.extend(columns.iter().map(|&(field, _)| words.head(kind, field)));
    let alias = |id: &Uuid| {
        [Kind::Person, Kind::Group]
            .into_iter()
            .find_map(|k| fold.state(k, *id))
            .map(|s| s.value(person::field::ALIAS).as_text().to_string())
            .unwrap_or_default()
    };
    let mut rows = vec![head];
    for (id, state) in fold.states(kind).filter(|(_, s)| !s.archived()) {
        let mut row = vec![id.to_string()];
        for &(field, shape) in columns {
            let value = state.value(field);
            row.push(match shape {
                Shape::Text => value.as_text().to_string(),
                Shape::Number => value.as_int().map(|n| n.to_string()).unwrap_or_default(),
                Shape::Time => value.as_int().map(|ms| words.time(ms)).unwrap_or_default(),
                Shape::Day => value
                    .as_int()
                    .map(|d| Date(d as i32).iso())
                    .unwrap_or_default(),
                Shape::Flag => words.yes_no(value.as_bool()),
                Shape::Choice => choice(kind, field, value)
                    .map(|c| words.choice(c))
                    .unwrap_or_default(),
                Shape::Agencies => list(
                    codes_of::<Agency>(value)
                        .into_iter()
                        .map(|a| words.choice(Choice::Agency(a))),
                ),
                Shape::Alias => value.as_id().map(|id| alias(&id)).unwrap_or_default(),
                Shape::Aliases => list(value.as_ids().iter().map(alias)),
                Shape::Link => value.as_id().map(|id| id.to_string()).unwrap_or_default(),
            });
        }
        rows.push(row);
    }
    rows
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The file's name for a kind's records on `day`, in ASCII (every file system takes it).
pub fn file_name(kind: Kind, day: Date) -> String {
    format!("faltlogg-{}-{}.csv", kind.code(), day.iso())
}

/// Kinds by a code for the app's choice of which to export.
impl Coded for Kind {
    const ALL: &'static [Kind] = &Kind::ALL;
    fn code(self) -> &'static str {
        match self {
            Kind::Person => "persons",
            Kind::Group => "groups",
            Kind::Contact => "contacts",
            Kind::SupportOffer => "support-offers",
            Kind::FollowUp => "follow-ups",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::create;
    use crate::record::contact::{Contact, ContactKind, Message};
    use crate::record::follow_up::FollowUp;
    use crate::record::group::Group;
    use crate::record::person::{Consent, Person};
    use crate::record::support_offer::{Category, Status, SupportOffer};
    use crate::report::csv;

    /// Swedish words for the heads and choices, made from the codes so the test sees which
    /// field each column is.
    struct Swedish;

    impl Words for Swedish {
        fn head(&self, kind: Kind, field: FieldId) -> String {
            match field {
                ID => "Id".into(),
                f => format!("{}:{f}", kind.code()),
            }
        }
        fn choice(&self, choice: Choice) -> String {
            match choice {
                Choice::ContactKind(k) => format!("typ {}", k.code()),
                Choice::Message(m) => format!("budskap {}", m.code()),
                Choice::Agency(a) => format!("myndighet {}", a.code()),
                Choice::Category(c) => format!("stöd {}", c.code()),
                Choice::OfferStatus(s) => format!("läge {}", s.code()),
                Choice::FollowUpStatus(s) => format!("uppföljning {}", s.code()),
            }
        }
        fn yes_no(&self, yes: bool) -> String {
            if yes { "Ja" } else { "Nej" }.into()
        }
        fn time(&self, ms: i64) -> String {
            format!("kl {ms}")
        }
    }

    fn team() -> Fold {
        let device = Uuid::from_u128(0xd);
        let mut fold = Fold::default();
        let norr = Group {
            id: Uuid::from_u128(0x900),
            alias: "Norr; Söder".into(),
            area: "Väst".into(),
            note: String::new(),
        };
        fold.apply_next(device, create(&norr));
        for (id, alias, note) in [
            (1, "Åsa", "Sa \"hej\"\noch gick"),
            (2, "Örjan", "=1+1"),
            (3, "Gömd", ""),
        ] {
            fold.apply_next(
                device,
                create(&Person {
                    id: Uuid::from_u128(id),
                    alias: alias.into(),
                    birth_year: Some(2008),
                    area: "Öster".into(),
                    groups: vec![norr.id],
                    consent: Consent {
                        given: true,
                        date: Some(Date(20_500)),
                        scope: vec![Agency::Police, Agency::School],
                    },
                    risk: false,
                    note: note.into(),
                }),
            );
        }
        let hidden = fold.archive(Kind::Person, Uuid::from_u128(3), true, device);
        fold.apply_next(device, hidden);
        let mut met = Contact::simple(
            Uuid::from_u128(0x10),
            1_796_245_200_000,
            "Väst",
            ContactKind::CustomNotification,
            "Möttes vid torget",
        );
        met.persons = vec![Uuid::from_u128(1), Uuid::from_u128(2)];
        met.message = Message::Delivered;
        fold.apply_next(device, create(&met));
        fold.apply_next(
            device,
            create(&SupportOffer {
                id: Uuid::from_u128(0x20),
                person: Some(Uuid::from_u128(1)),
                category: Category::Work,
                provider: "Arbetsförmedlingen".into(),
                status: Status::Started,
                offered_on: Some(Date(20_500)),
                accepted_on: Some(Date(20_501)),
                started_on: Some(Date(20_510)),
                ended_on: None,
                end_reason: String::new(),
                note: String::new(),
            }),
        );
        fold.apply_next(
            device,
            create(&FollowUp {
                id: Uuid::from_u128(0x30),
                person: Some(Uuid::from_u128(2)),
                due: Some(Date(20_520)),
                assigned: "Ali".into(),
                link: Some(Uuid::from_u128(0x10)),
                status: follow_up::Status::Planned,
                outcome: String::new(),
                closed_on: None,
            }),
        );
        fold
    }

    /// Written as CSV and read back, as a spreadsheet would.
    fn exported(fold: &Fold, kind: Kind) -> Vec<Vec<String>> {
        let rows = rows(fold, kind, &Swedish);
        let text = csv::write(&rows);
        assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
        csv::read(&text)
    }

    #[test]
    fn each_kind_comes_back_from_csv_with_its_columns_and_swedish_letters_intact() {
        let fold = team();
        let persons = exported(&fold, Kind::Person);
        assert_eq!(
            persons[0],
            [
                "Id",
                "persons:1",
                "persons:2",
                "persons:3",
                "persons:4",
                "persons:5",
                "persons:6",
                "persons:7",
                "persons:8",
                "persons:9"
            ]
        );
        assert_eq!(
            persons.len(),
            3,
            "the head and two persons: the archived one is left out"
        );
        let first = |id: &str| Uuid::from_u128(u128::from_str_radix(id, 16).unwrap()).to_string();
        assert_eq!(
            persons[1],
            [
                first("1").as_str(),
                "Åsa",
                "2008",
                "Öster",
                "Norr; Söder",
                "Ja",
                Date(20_500).iso().as_str(),
                "myndighet police, myndighet school",
                "Nej",
                "Sa \"hej\"\noch gick"
            ]
        );
        // A formula typed as a note is defused for the spreadsheet.
        assert_eq!(persons[2][9], "'=1+1");

        let contacts = exported(&fold, Kind::Contact);
        assert_eq!(contacts.len(), 2);
        assert_eq!(
            contacts[1][1..],
            [
                "kl 1796245200000",
                "typ custom-notification",
                "Väst",
                "Åsa, Örjan",
                "",
                "",
                "budskap delivered",
                "Nej",
                "Möttes vid torget"
            ]
        );
        let offers = exported(&fold, Kind::SupportOffer);
        assert_eq!(
            offers[1][1..5],
            ["Åsa", "stöd work", "Arbetsförmedlingen", "läge started"]
        );
        assert_eq!(offers[1][7], Date(20_510).iso());
        assert_eq!(offers[1][8], "", "not ended: an empty cell");
        let follow_ups = exported(&fold, Kind::FollowUp);
        assert_eq!(
            follow_ups[1][1..6],
            [
                "Örjan",
                Date(20_520).iso().as_str(),
                "Ali",
                first("10").as_str(),
                "uppföljning planned"
            ]
        );
        let groups = exported(&fold, Kind::Group);
        assert_eq!(groups[1][1..], ["Norr; Söder", "Väst", ""]);
        // Every row as long as its head.
        for kind in Kind::ALL {
            let rows = exported(&fold, kind);
            assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{kind:?}");
        }
    }

    #[test]
    fn a_team_with_no_records_gets_the_head_row_alone_and_file_names_are_plain() {
        let rows = rows(&Fold::default(), Kind::Contact, &Swedish);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), 10);
        assert_eq!(
            file_name(Kind::SupportOffer, Date::from_ymd(2026, 12, 2).unwrap()),
            "faltlogg-support-offers-2026-12-02.csv"
        );
    }
}
