//! A person (*person*): pseudonymous, by alias or initials, never by personal identity number.

use uuid::Uuid;

use super::contact::Contact;
use super::date::Date;
use super::follow_up::FollowUp;
use super::group::Group;
use super::support_offer::SupportOffer;
use super::text::{self, fold_case, optional_line, required_line};
use super::{
    codes_of, codes_value, order_by_number, order_by_text, Agency, FieldError, FieldId, Fields,
    Kind, Problem, Problems,
};
use super::{Record, Value};
use crate::fold::Fold;

/// The person's field numbers (part of the stored format).
pub mod field {
    use crate::record::FieldId;
    pub const ALIAS: FieldId = 1;
    pub const BIRTH_YEAR: FieldId = 2;
    pub const AREA: FieldId = 3;
    pub const GROUPS: FieldId = 4;
    pub const CONSENT: FieldId = 5;
    pub const CONSENT_DATE: FieldId = 6;
    pub const CONSENT_SCOPE: FieldId = 7;
    pub const RISK: FieldId = 8;
    pub const NOTE: FieldId = 9;
}

/// The youngest and oldest ages a birth year may give: GVI works with young people and adults
/// in violent groups; a year outside this is a typing error.
pub const MIN_AGE: i32 = 8;
pub const MAX_AGE: i32 = 80;

/// Consent to share with partner agencies: given or not, when, and to whom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consent {
    pub given: bool,
    pub date: Option<Date>,
    /// The agencies that may be told.
    pub scope: Vec<Agency>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub alias: String,
    pub birth_year: Option<i32>,
    pub area: String,
    /// The groups the person belongs to. A group's members are the persons naming it here.
    pub groups: Vec<Uuid>,
    pub consent: Consent,
    pub risk: bool,
    pub note: String,
}

impl Record for Person {
    const KIND: Kind = Kind::Person;

    fn id(&self) -> Uuid {
        self.id
    }

    fn from_fields(id: Uuid, f: &impl Fields) -> Person {
        Person {
            id,
            alias: f.value(field::ALIAS).as_text().to_string(),
            birth_year: f.value(field::BIRTH_YEAR).as_int().map(|y| y as i32),
            area: f.value(field::AREA).as_text().to_string(),
            groups: f.value(field::GROUPS).as_ids().to_vec(),
            consent: Consent {
                given: f.value(field::CONSENT).as_bool(),
                date: f
                    .value(field::CONSENT_DATE)
                    .as_int()
                    .map(|d| Date(d as i32)),
                scope: codes_of(f.value(field::CONSENT_SCOPE)),
            },
            risk: f.value(field::RISK).as_bool(),
            note: f.value(field::NOTE).as_text().to_string(),
        }
    }

    fn to_fields(&self) -> Vec<(FieldId, Value)> {
        let int = |n: Option<i64>| n.map_or(Value::Empty, Value::Int);
        vec![
            (field::ALIAS, Value::text(&self.alias)),
            (field::BIRTH_YEAR, int(self.birth_year.map(i64::from))),
            (field::AREA, Value::text(&self.area)),
            (field::GROUPS, Value::Ids(self.groups.clone())),
            (field::CONSENT, Value::Bool(self.consent.given)),
            (
                field::CONSENT_DATE,
                int(self.consent.date.map(|d| i64::from(d.0))),
            ),
            (field::CONSENT_SCOPE, codes_value(&self.consent.scope)),
            (field::RISK, Value::Bool(self.risk)),
            (field::NOTE, Value::text(&self.note)),
        ]
    }
}

impl Person {
    /// Whether this could be the same person as `other`: same alias (any case), birth year and
    /// area. Two records of one person split the history, so the form warns before saving.
    pub fn likely_same_as(&self, other: &Person) -> bool {
        self.id != other.id
            && self.birth_year == other.birth_year
            && fold_case(&self.alias) == fold_case(&other.alias)
            && fold_case(&self.area) == fold_case(&other.area)
    }

    /// Whether a search (already case-folded) matches the alias or the area.
    pub fn matches(&self, folded_query: &str) -> bool {
        fold_case(&self.alias).contains(folded_query)
            || fold_case(&self.area).contains(folded_query)
    }
}

/// One line of the persons list: the person, what a search matches against, and the badges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub person: Person,
    /// Alias, area and group aliases, case-folded, for search.
    pub search_text: String,
    pub open_offer: bool,
    pub overdue_follow_up: bool,
}

/// What the persons list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFilter {
    /// Matched against alias, area and groups, in any case.
    pub query: String,
    pub open_offer: bool,
    pub overdue_follow_up: bool,
    pub consent_missing: bool,
    /// Only members of this group.
    pub group: Option<Uuid>,
}

impl PersonRow {
    pub fn consent_missing(&self) -> bool {
        !self.person.consent.given
    }

    pub fn matches(&self, filter: &PersonFilter, folded_query: &str) -> bool {
        (!filter.open_offer || self.open_offer)
            && (!filter.overdue_follow_up || self.overdue_follow_up)
            && (!filter.consent_missing || self.consent_missing())
            && filter.group.is_none_or(|g| self.person.groups.contains(&g))
            && (folded_query.is_empty() || self.search_text.contains(folded_query))
    }
}

/// Every live person as a list row, by alias. One pass over offers and follow-ups, so the
/// list and its search stay fast with tens of thousands of records.
pub fn rows(fold: &Fold, today: Date) -> Vec<PersonRow> {
    use std::collections::{BTreeMap, BTreeSet};
    // Filled by `extend`, not `collect`: collecting into a B-tree sorts first, and each
    // sorted type costs the wasm its own copy of the sort (about 2 KB).
    let mut open = BTreeSet::new();
    open.extend(
        fold.live::<SupportOffer>()
            .filter(|o| o.status.is_open())
            .filter_map(|o| o.person),
    );
    let mut overdue = BTreeSet::new();
    overdue.extend(
        fold.live::<FollowUp>()
            .filter(|f| f.overdue(today))
            .filter_map(|f| f.person),
    );
    let mut groups = BTreeMap::new();
    groups.extend(fold.live::<Group>().map(|g| (g.id, fold_case(&g.alias))));
    let rows: Vec<PersonRow> = fold
        .live::<Person>()
        .map(|person| {
            let mut search_text = fold_case(&person.alias);
            search_text.push('\n');
            search_text.push_str(&fold_case(&person.area));
            for g in person.groups.iter().filter_map(|g| groups.get(g)) {
                search_text.push('\n');
                search_text.push_str(g);
            }
            PersonRow {
                open_offer: open.contains(&person.id),
                overdue_follow_up: overdue.contains(&person.id),
                search_text,
                person,
            }
        })
        .collect();
    order_by_text(rows, |r| r.search_text.clone())
}

/// Everything about one person, for the person page: newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFile {
    pub person: Person,
    pub groups: Vec<Group>,
    pub contacts: Vec<Contact>,
    pub offers: Vec<SupportOffer>,
    pub follow_ups: Vec<FollowUp>,
}

/// The person's file, or `None` for an id not held here.
pub fn file(fold: &Fold, id: Uuid) -> Option<PersonFile> {
    let person: Person = fold.get(id)?;
    let groups = person.groups.iter().filter_map(|g| fold.get(*g)).collect();
    let contacts = order_by_number(
        // Newest made first among contacts of the same minute.
        fold.live::<Contact>()
            .rev()
            .filter(|c| c.persons.contains(&id))
            .collect(),
        |c| c.occurred_at_ms,
        true,
    );
    let offers = order_by_number(
        fold.live::<SupportOffer>()
            .filter(|o| o.person == Some(id))
            .collect(),
        |o| o.last_step_on().map_or(i64::MIN, |d| d.0.into()),
        true,
    );
    let follow_ups = order_by_number(
        fold.live::<FollowUp>()
            .filter(|f| f.person == Some(id))
            .collect(),
        |f| f.due.map_or(i64::MIN, |d| d.0.into()),
        true,
    );
    Some(PersonFile {
        person,
        groups,
        contacts,
        offers,
        follow_ups,
    })
}

/// What the person form holds before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDraft {
    pub alias: String,
    /// As typed.
    pub birth_year: String,
    pub area: String,
    pub groups: Vec<Uuid>,
    pub consent_given: bool,
    /// As `<input type="date">` gives it.
    pub consent_date: String,
    pub consent_scope: Vec<Agency>,
    pub risk: bool,
    pub note: String,
}

impl PersonDraft {
    pub fn of(p: &Person) -> PersonDraft {
        PersonDraft {
            alias: p.alias.clone(),
            birth_year: p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            area: p.area.clone(),
            groups: p.groups.clone(),
            consent_given: p.consent.given,
            consent_date: p.consent.date.map(Date::iso).unwrap_or_default(),
            consent_scope: p.consent.scope.clone(),
            risk: p.risk,
            note: p.note.clone(),
        }
    }

    /// Checks the draft against `today` (the device's local date) and makes the person.
    pub fn validate(&self, id: Uuid, today: Date) -> Result<Person, Vec<FieldError>> {
        let mut p = Problems::default();
        let alias = p.text("alias", &self.alias, required_line);
        let year = self.birth_year.trim();
        let birth_year = if year.is_empty() {
            None
        } else {
            let range = today.year() - MAX_AGE..=today.year() - MIN_AGE;
            match year.parse::<i32>() {
                Ok(y) if range.contains(&y) => Some(y),
                _ => {
                    p.add("birth-year", Problem::OutOfRange);
                    None
                }
            }
        };
        let area = p.text("area", &self.area, optional_line);
        let consent = if self.consent_given {
            let date = match Date::parse(&self.consent_date) {
                None if self.consent_date.trim().is_empty() => {
                    p.add("consent-date", Problem::Missing);
                    None
                }
                None => {
                    p.add("consent-date", Problem::Invalid);
                    None
                }
                Some(d) if d > today => {
                    p.add("consent-date", Problem::InFuture);
                    None
                }
                Some(d) => Some(d),
            };
            Consent {
                given: true,
                date,
                scope: self.consent_scope.clone(),
            }
        } else {
            Consent::default()
        };
        let note = p.text("note", &self.note, text::note);
        p.into_result(Person {
            id,
            alias,
            birth_year,
            area,
            groups: self.groups.clone(),
            consent,
            risk: self.risk,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::fields_round_trip;

    fn today() -> Date {
        Date::parse("2026-12-01").unwrap()
    }

    fn draft() -> PersonDraft {
        PersonDraft {
            alias: " Kalle K ".into(),
            birth_year: "2008".into(),
            area: "Skälby".into(),
            consent_given: true,
            consent_date: "2026-11-30".into(),
            consent_scope: vec![Agency::School],
            ..PersonDraft::default()
        }
    }

    #[test]
    fn a_whole_draft_becomes_a_person_and_round_trips() {
        let person = draft().validate(Uuid::from_u128(1), today()).unwrap();
        assert_eq!(person.alias, "Kalle K");
        assert_eq!(person.birth_year, Some(2008));
        assert_eq!(person.consent.date, Date::parse("2026-11-30"));
        fields_round_trip(&person);
        assert_eq!(
            PersonDraft::of(&person).validate(person.id, today()),
            Ok(person)
        );
    }

    #[test]
    fn bad_input_is_reported_at_each_field() {
        let bad = PersonDraft {
            alias: "811218-9876".into(),
            birth_year: "1890".into(),
            consent_date: "2027-01-01".into(),
            note: "a\u{202E}b".into(),
            ..draft()
        };
        let found: Vec<(&str, Problem)> = bad
            .validate(Uuid::nil(), today())
            .unwrap_err()
            .iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(
            found,
            [
                ("alias", Problem::IdentityNumber),
                ("birth-year", Problem::OutOfRange),
                ("consent-date", Problem::InFuture),
                ("note", Problem::Invalid),
            ]
        );
        for year in ["2019", "abc", "1945", "-5"] {
            let d = PersonDraft {
                birth_year: year.into(),
                ..draft()
            };
            assert!(d.validate(Uuid::nil(), today()).is_err(), "{year}");
        }
        for year in ["2018", "1946", " 2000 ", ""] {
            let d = PersonDraft {
                birth_year: year.into(),
                ..draft()
            };
            assert!(d.validate(Uuid::nil(), today()).is_ok(), "{year}");
        }
        let no_date = PersonDraft {
            consent_date: String::new(),
            ..draft()
        };
        assert_eq!(
            no_date.validate(Uuid::nil(), today()).unwrap_err()[0].problem,
            Problem::Missing
        );
        // Without consent, a leftover date or scope is not kept.
        let no_consent = PersonDraft {
            consent_given: false,
            ..draft()
        };
        assert_eq!(
            no_consent.validate(Uuid::nil(), today()).unwrap().consent,
            Consent::default()
        );
    }

    #[test]
    fn rows_carry_badges_and_search_groups_and_the_file_gathers_the_person() {
        use crate::change::Stamp;
        use crate::fold::create;
        use crate::hlc::Hlc;
        use crate::record::contact::ContactKind;
        use crate::record::follow_up::FollowUpDraft;
        use crate::record::group::GroupDraft;
        use crate::record::support_offer::{Category, OfferDraft};
        let mut fold = Fold::default();
        let mut n = 0;
        let mut add = |fold: &mut Fold, change| {
            n += 1;
            let stamp = Stamp {
                hlc: Hlc {
                    wall_ms: n,
                    counter: 0,
                },
                device: Uuid::from_u128(1),
            };
            fold.apply(stamp, change);
        };
        let group = GroupDraft {
            alias: "Norra gänget".into(),
            ..GroupDraft::default()
        }
        .validate(Uuid::from_u128(50))
        .unwrap();
        add(&mut fold, create(&group));
        let mut kalle = draft().validate(Uuid::from_u128(1), today()).unwrap();
        kalle.groups = vec![group.id];
        let anna = PersonDraft {
            alias: "Anna".into(),
            consent_given: false,
            ..draft()
        }
        .validate(Uuid::from_u128(2), today())
        .unwrap();
        add(&mut fold, create(&kalle));
        add(&mut fold, create(&anna));
        let offer = OfferDraft {
            person: Some(kalle.id),
            category: Some(Category::Work),
            offered_on: "2026-11-01".into(),
            ..OfferDraft::default()
        }
        .validate(Uuid::from_u128(10), today(), |_| true)
        .unwrap();
        add(&mut fold, create(&offer));
        let follow_up = FollowUpDraft {
            person: Some(anna.id),
            due: "2026-12-01".into(),
            assigned: "Sara".into(),
            link: None,
        }
        .validate(Uuid::from_u128(11), today(), |_| true)
        .unwrap();
        add(&mut fold, create(&follow_up));
        let mut contact =
            Contact::simple(Uuid::from_u128(12), 5, "Centrum", ContactKind::Phone, "");
        contact.persons = vec![kalle.id];
        add(&mut fold, create(&contact));

        let later = Date::parse("2026-12-05").unwrap();
        let rows = rows(&fold, later);
        assert_eq!(
            rows.iter()
                .map(|r| r.person.alias.as_str())
                .collect::<Vec<_>>(),
            ["Anna", "Kalle K"]
        );
        assert!(rows[1].open_offer && !rows[1].overdue_follow_up && !rows[1].consent_missing());
        assert!(!rows[0].open_offer && rows[0].overdue_follow_up && rows[0].consent_missing());
        let by = |filter: PersonFilter| -> Vec<Uuid> {
            let q = fold_case(&filter.query);
            rows.iter()
                .filter(|r| r.matches(&filter, &q))
                .map(|r| r.person.id)
                .collect()
        };
        assert_eq!(
            by(PersonFilter {
                query: "NORRA".into(),
                ..Default::default()
            }),
            [kalle.id]
        );
        assert_eq!(
            by(PersonFilter {
                open_offer: true,
                ..Default::default()
            }),
            [kalle.id]
        );
        assert_eq!(
            by(PersonFilter {
                overdue_follow_up: true,
                ..Default::default()
            }),
            [anna.id]
        );
        assert_eq!(
            by(PersonFilter {
                consent_missing: true,
                ..Default::default()
            }),
            [anna.id]
        );
        assert_eq!(by(PersonFilter::default()).len(), 2);
        assert_eq!(
            by(PersonFilter {
                group: Some(group.id),
                ..Default::default()
            }),
            [kalle.id]
        );

        let kalles = file(&fold, kalle.id).unwrap();
        assert_eq!(
            (
                kalles.contacts.len(),
                kalles.offers.len(),
                kalles.follow_ups.len()
            ),
            (1, 1, 0)
        );
        assert_eq!(kalles.groups[0].alias, "Norra gänget");
        assert!(file(&fold, Uuid::from_u128(99)).is_none());
    }

    #[test]
    fn likely_duplicates_match_alias_in_any_case_year_and_area() {
        let a = draft().validate(Uuid::from_u128(1), today()).unwrap();
        let mut b = PersonDraft {
            alias: "KALLE k".into(),
            area: "SKÄLBY".into(),
            ..draft()
        }
        .validate(Uuid::from_u128(2), today())
        .unwrap();
        assert!(a.likely_same_as(&b));
        assert!(!a.likely_same_as(&a));
        b.birth_year = Some(2007);
        assert!(!a.likely_same_as(&b));
        assert!(a.matches("kalle") && a.matches("skäl") && !a.matches("nord"));
    }
}
