//! The caseload: who is in the team's care, what is open, and what needs attention now. Each
//! line keeps the ids of the records behind it, so a screen can lead to them. Counted on the
//! device from the records it holds, like the report; unlike the report it names records, so
//! it stays in the app and is never exported.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::fold::Fold;
use crate::record::contact::Contact;
use crate::record::date::Date;
use crate::record::follow_up::{self, FollowUp};
use crate::record::group::Group;
use crate::record::person::Person;
use crate::record::support_offer::{Status, SupportOffer};
use crate::record::text::fold_case;
use crate::record::{order_by_text, Coded, Kind};

/// Whose caseload: the team's (coordinators), or one worker's: the persons their devices
/// recorded (every phone they have used, so a new phone keeps their caseload) and the
/// follow-ups assigned to their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    Team,
    Worker { devices: Vec<Uuid>, name: String },
}

/// A line of the caseload: what it is, and the records behind it. One type for every kind of
/// line (rather than a key type each) keeps the wasm to one copy of the code that builds,
/// sorts and draws them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLine {
    /// The line's words as the records have them: an area, a group's alias, a name a
    /// follow-up is assigned to, an offer status's code; empty for a device (a screen names
    /// its user).
    pub key: String,
    /// The device or the group the line is about.
    pub about: Option<Uuid>,
    pub ids: Vec<Uuid>,
}

impl CaseLine {
    fn new(key: String, about: Option<Uuid>, id: Uuid) -> CaseLine {
        CaseLine {
            key,
            about,
            ids: vec![id],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caseload {
    /// Live persons by the device that recorded them (a screen names its user).
    pub by_device: Vec<CaseLine>,
    /// Live persons by area, alphabetical, one line per area whatever its case (an empty area:
    /// none recorded).
    pub by_area: Vec<CaseLine>,
    /// Live persons by group (a person in two groups is on both lines), by alias.
    pub by_group: Vec<CaseLine>,
    /// Open offers (offered, accepted, started) by status: the offers' ids.
    pub open_offers: Vec<CaseLine>,
    /// Planned follow-ups by the name they are assigned to, alphabetical: those overdue.
    pub overdue: Vec<CaseLine>,
    /// The same: those due from today to six days on.
    pub due_this_week: Vec<CaseLine>,
    /// Persons with no contact in the last `quiet_days` days, or none ever.
    pub quiet: Vec<Uuid>,
    /// Persons whose consent is not recorded as given.
    pub consent_missing: Vec<Uuid>,
}

/// Adds `id` to the line keyed `key`, making the line if it is new.
fn add(lines: &mut Vec<CaseLine>, key: String, about: Option<Uuid>, id: Uuid) {
    match lines.iter_mut().find(|l| l.key == key && l.about == about) {
        Some(line) => line.ids.push(id),
        None => lines.push(CaseLine::new(key, about, id)),
    }
}

/// The caseload as of `today`. `local_date` gives a contact's calendar day.
pub fn caseload(
    fold: &Fold,
    whose: &Whose,
    today: Date,
    quiet_days: i32,
    local_date: &dyn Fn(i64) -> Date,
) -> Caseload {
    let mut load = Caseload::default();
    let groups: Vec<Group> = fold.live::<Group>().collect();
    let mine = |id: Uuid| match whose {
        Whose::Team => true,
        Whose::Worker { devices, .. } => fold
            .state(Kind::Person, id)
            .and_then(|s| s.made_by())
            .is_some_and(|d| devices.contains(&d)),
    };
    let persons: Vec<Person> = fold.live::<Person>().filter(|p| mine(p.id)).collect();
    // Where each person is in `persons`: a walk along them per contact, offer and follow-up
    // would be quadratic in a team of tens of thousands of records.
    let mut at: BTreeMap<Uuid, usize> = BTreeMap::new();
    at.extend(persons.iter().enumerate().map(|(i, p)| (p.id, i)));
    let held = |id: Option<Uuid>| id.is_some_and(|id| at.contains_key(&id));
    // Each person's newest contact day, in the persons' order.
    let mut last_contact: Vec<Option<Date>> = vec![None; persons.len()];
    for c in fold.live::<Contact>() {
        let day = local_date(c.occurred_at_ms);
        for i in c.persons.iter().filter_map(|p| at.get(p)) {
            last_contact[*i] = last_contact[*i].max(Some(day));
        }
    }
    let cutoff = today.add_days(-quiet_days);
    for (p, last) in persons.iter().zip(last_contact) {
        if let Some(device) = fold.state(Kind::Person, p.id).and_then(|s| s.made_by()) {
            add(&mut load.by_device, String::new(), Some(device), p.id);
        }
        // One line per area in any case ("Väst", "väst "), named as first written.
        let area = p.area.trim();
        match load
            .by_area
            .iter_mut()
            .find(|l| fold_case(&l.key) == fold_case(area))
        {
            Some(line) => line.ids.push(p.id),
            None => add(&mut load.by_area, area.to_string(), None, p.id),
        }
        for g in groups.iter().filter(|g| p.groups.contains(&g.id)) {
            add(&mut load.by_group, g.alias.clone(), Some(g.id), p.id);
        }
        if last.is_none_or(|d| d < cutoff) {
            load.quiet.push(p.id);
        }
        if !p.consent.given {
            load.consent_missing.push(p.id);
        }
    }
    for o in fold.live::<SupportOffer>() {
        if o.status.is_open() && held(o.person) {
            add(&mut load.open_offers, o.status.code().into(), None, o.id);
        }
    }
    // In the order of the offer's steps, not of first appearance.
    load.open_offers = Status::ALL
        .iter()
        .filter_map(|s| load.open_offers.iter().find(|l| l.key == s.code()).cloned())
        .collect();
    let week_end = today.add_days(6);
    for f in fold.live::<FollowUp>() {
        let assigned = f.assigned.trim().to_string();
        let theirs = match whose {
            Whose::Team => held(f.person),
            Whose::Worker { name, .. } => fold_case(&assigned) == fold_case(name.trim()),
        };
        if !theirs || f.status != follow_up::Status::Planned {
            continue;
        }
        match f.due {
            Some(due) if due < today => add(&mut load.overdue, assigned, None, f.id),
            Some(due) if due <= week_end => add(&mut load.due_this_week, assigned, None, f.id),
            _ => {}
        }
    }
    load.by_area = order_by_text(load.by_area, |l| fold_case(&l.key));
    load.by_group = order_by_text(load.by_group, |l| fold_case(&l.key));
    load.overdue = order_by_text(load.overdue, |l| fold_case(&l.key));
    load.due_this_week = order_by_text(load.due_this_week, |l| fold_case(&l.key));
    load
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::create;
    use crate::record::contact::ContactKind;
    use crate::record::person::Consent;
    use crate::record::support_offer::Category;

    const ALI: Uuid = Uuid::from_u128(0xa11);
    const BEA: Uuid = Uuid::from_u128(0xbea);

    fn day(n: i32) -> Date {
        Date::from_ymd(2026, 3, 1).unwrap().add_days(n)
    }

    fn noon(n: i32) -> i64 {
        i64::from(day(n).0) * 86_400_000 + 43_200_000
    }

    fn person(n: u128, area: &str, groups: &[Uuid], consent: bool) -> Person {
        Person {
            id: Uuid::from_u128(n),
            alias: format!("P{n}"),
            birth_year: None,
            area: area.into(),
            groups: groups.to_vec(),
            consent: Consent {
                given: consent,
                ..Consent::default()
            },
            risk: false,
            note: String::new(),
        }
    }

    fn follow_up(
        n: u128,
        person: u128,
        due: i32,
        assigned: &str,
        status: follow_up::Status,
    ) -> FollowUp {
        FollowUp {
            id: Uuid::from_u128(n),
            person: Some(Uuid::from_u128(person)),
            due: Some(day(due)),
            assigned: assigned.into(),
            link: None,
            status,
            outcome: String::new(),
            closed_on: None,
        }
    }

    /// Ali's phone records persons 1 and 2, Bea's person 3; group Norr holds 1 and 3.
    fn team() -> Fold {
        let mut fold = Fold::default();
        let norr = Group {
            id: Uuid::from_u128(0x900),
            alias: "Norr".into(),
            area: "Väst".into(),
            note: String::new(),
        };
        fold.apply_next(ALI, create(&norr));
        fold.apply_next(ALI, create(&person(1, "Väst", &[norr.id], true)));
        fold.apply_next(ALI, create(&person(2, "Öster", &[], false)));
        fold.apply_next(BEA, create(&person(3, "väst ", &[norr.id], false)));
        // Person 1 was met yesterday; person 2 forty days ago; person 3 never.
        for (id, at, met) in [(0x10, -1, 1), (0x11, -40, 2)] {
            let mut c = Contact::simple(
                Uuid::from_u128(id),
                noon(at),
                "Väst",
                ContactKind::Phone,
                "",
            );
            c.persons = vec![Uuid::from_u128(met)];
            fold.apply_next(ALI, create(&c));
        }
        for (id, person, status) in [
            (0x20, 1, Status::Accepted),
            (0x21, 3, Status::Offered),
            (0x22, 2, Status::Completed),
        ] {
            let offer = SupportOffer {
                id: Uuid::from_u128(id),
                person: Some(Uuid::from_u128(person)),
                category: Category::Work,
                provider: String::new(),
                status,
                offered_on: Some(day(-10)),
                accepted_on: None,
                started_on: None,
                ended_on: None,
                end_reason: String::new(),
                note: String::new(),
            };
            fold.apply_next(ALI, create(&offer));
        }
        use follow_up::Status::*;
        for f in [
            follow_up(0x30, 1, -2, "Ali", Planned),
            follow_up(0x31, 3, 3, "Bea", Planned),
            follow_up(0x32, 2, 6, "ali ", Planned),
            follow_up(0x33, 2, 7, "Ali", Planned),
            follow_up(0x34, 1, -5, "Ali", Done),
        ] {
            fold.apply_next(ALI, create(&f));
        }
        fold
    }

    fn ids(ns: &[u128]) -> Vec<Uuid> {
        ns.iter().map(|&n| Uuid::from_u128(n)).collect()
    }

    #[test]
    fn the_team_s_caseload_leads_to_the_records_behind_each_line() {
        let load = caseload(&team(), &Whose::Team, day(0), 30, &|ms| {
            Date::from_unix_ms(ms, 0)
        });
        assert_eq!(
            load.by_device,
            [
                CaseLine {
                    key: String::new(),
                    about: Some(ALI),
                    ids: ids(&[1, 2])
                },
                CaseLine {
                    key: String::new(),
                    about: Some(BEA),
                    ids: ids(&[3])
                }
            ]
        );
        // One line per area whatever its case, named as first written; alphabetical.
        let areas: Vec<(&str, usize)> = load
            .by_area
            .iter()
            .map(|l| (l.key.as_str(), l.ids.len()))
            .collect();
        assert_eq!(areas, [("Väst", 2), ("Öster", 1)]);
        assert_eq!(load.by_group.len(), 1);
        assert_eq!(load.by_group[0].ids, ids(&[1, 3]));
        assert_eq!(load.by_group[0].about, Some(Uuid::from_u128(0x900)));
        assert_eq!(
            load.open_offers,
            [
                CaseLine::new("offered".into(), None, Uuid::from_u128(0x21)),
                CaseLine::new("accepted".into(), None, Uuid::from_u128(0x20)),
            ]
        );
        assert_eq!(
            load.overdue,
            [CaseLine::new("Ali".into(), None, Uuid::from_u128(0x30))]
        );
        let week: Vec<(&str, Vec<Uuid>)> = load
            .due_this_week
            .iter()
            .map(|l| (l.key.as_str(), l.ids.clone()))
            .collect();
        assert_eq!(week, [("ali", ids(&[0x32])), ("Bea", ids(&[0x31]))]);
        assert_eq!(load.quiet, ids(&[2, 3]), "met 40 days ago, and never");
        assert_eq!(load.consent_missing, ids(&[2, 3]));
    }

    #[test]
    fn a_worker_sees_the_persons_they_recorded_and_the_follow_ups_assigned_to_them() {
        let bea = Whose::Worker {
            devices: vec![BEA],
            name: "bea".into(),
        };
        let load = caseload(&team(), &bea, day(0), 30, &|ms| Date::from_unix_ms(ms, 0));
        assert_eq!(
            load.by_device,
            [CaseLine::new(String::new(), Some(BEA), Uuid::from_u128(3))]
        );
        assert_eq!(
            load.open_offers,
            [CaseLine::new("offered".into(), None, Uuid::from_u128(0x21))]
        );
        assert!(load.overdue.is_empty());
        assert_eq!(
            load.due_this_week,
            [CaseLine::new("Bea".into(), None, Uuid::from_u128(0x31))]
        );
        assert_eq!(load.quiet, ids(&[3]));
    }
}
