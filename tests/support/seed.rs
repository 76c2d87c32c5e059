//! Realistic synthetic records, made with the real core (typed records → field changes) and
//! sent through the real API by a team device (`support::Device`), so a phone receives them by
//! its own sync. Swedish-style aliases and areas; no real people. Used by `examples/seed.rs`,
//! the benchmark and the screenshots.

use faltlogg_core::change::Change;
use faltlogg_core::fold::create;
use faltlogg_core::record::contact::{Contact, ContactKind, Message};
use faltlogg_core::record::date::Date;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{Consent, Person};
use faltlogg_core::record::support_offer::{Category, Status, SupportOffer};
use faltlogg_core::record::{Agency, Coded};
use uuid::Uuid;

const NAMES: &[&str] = &[
    "Ali", "Mohammed", "Kalle", "Erik", "Noah", "Elias", "Omar", "Liam", "Hugo", "Adam", "Yusuf",
    "Leo", "Isak", "Amir", "Ibrahim", "Oscar", "Samir", "Ahmed", "Lucas", "William", "Nils",
    "Filip", "Malik", "Jonas", "Hamza", "Viktor", "Abdi", "Emil", "Karim", "Alva", "Sara", "Ella",
    "Nora", "Maja", "Yasmin", "Leyla",
];
const INITIALS: &str = "ABDEFGHIJKLMNOPRSTVY";
const AREAS: &[&str] = &[
    "Centrum",
    "Skälby",
    "Jakobsberg",
    "Viksjö",
    "Kallhäll",
    "Barkarby",
    "Görväln",
    "Stäket",
    "Kungsängen",
    "Bro",
    "Tibble",
    "Norrviken",
];
const GROUPS: &[&str] = &[
    "Norra gänget",
    "Torget",
    "Blocket",
    "Västra",
    "Parken",
    "Stationen",
    "Tunneln",
    "Backen",
];
const NOTES: &[&str] = &[
    "Pratade en stund, lugnt.",
    "Vill ha hjälp med jobb.",
    "Orolig för en kompis.",
    "Tog emot budskapet.",
    "Kort samtal, följer upp.",
    "",
];

/// How many of each kind a seed makes.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub persons: usize,
    pub groups: usize,
    pub contacts: usize,
    pub offers: usize,
    pub follow_ups: usize,
}

impl Counts {
    /// At least `total` records (and at most a few more) in a realistic mix: per person three
    /// contacts, half an offer and half a follow-up; a group per 25 persons. That is 5 + 1/25
    /// = 126/25 records per person.
    pub fn about(total: usize) -> Counts {
        let persons = (total * 25).div_ceil(126).max(1);
        Counts {
            persons,
            groups: (persons / 25).max(1),
            contacts: persons * 3,
            offers: persons / 2,
            follow_ups: persons / 2,
        }
    }

    pub fn total(&self) -> usize {
        self.persons + self.groups + self.contacts + self.offers + self.follow_ups
    }
}

/// A small deterministic generator: the same seed gives the same team.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn id(n: usize, kind: u128) -> Uuid {
    // Time-ordered like the app's UUIDv7, and unique per kind and number.
    Uuid::from_u128((0x0190_0000_0000_7000_8000_0000_0000_0000u128) | (kind << 40) | n as u128)
}

/// The changes that create a synthetic team's records, as of `now_ms` and `today`.
pub fn synthetic(counts: Counts, now_ms: i64, today: Date, seed: u64) -> Vec<Change> {
    let mut dice = Dice(seed | 1);
    let mut changes = Vec::with_capacity(counts.total());
    let groups: Vec<Uuid> = (0..counts.groups).map(|n| id(n, 1)).collect();
    for (n, &g) in groups.iter().enumerate() {
        let alias = match n / GROUPS.len() {
            0 => GROUPS[n].to_string(),
            k => format!("{} {}", GROUPS[n % GROUPS.len()], k + 1),
        };
        changes.push(create(&Group {
            id: g,
            alias,
            area: dice.pick(AREAS).to_string(),
            note: String::new(),
        }));
    }
    let persons: Vec<Uuid> = (0..counts.persons).map(|n| id(n, 2)).collect();
    for &p in &persons {
        let given = dice.chance(60);
        let alias = format!(
            "{} {}.",
            dice.pick(NAMES),
            INITIALS.as_bytes()[dice.below(INITIALS.len())] as char
        );
        changes.push(create(&Person {
            id: p,
            alias,
            birth_year: Some(today.year() - 14 - dice.below(12) as i32),
            area: dice.pick(AREAS).to_string(),
            groups: if dice.chance(70) {
                vec![*dice.pick(&groups)]
            } else {
                Vec::new()
            },
            consent: Consent {
                given,
                date: given.then(|| today.add_days(-(dice.below(300) as i32))),
                scope: if given {
                    vec![Agency::SocialServices, Agency::School]
                } else {
                    Vec::new()
                },
            },
            risk: dice.chance(10),
            note: String::new(),
        }));
    }
    const DAY: i64 = 86_400_000;
    for n in 0..counts.contacts {
        let kind = *dice.pick(ContactKind::ALL);
        let met = vec![*dice.pick(&persons)];
        changes.push(create(&Contact {
            id: id(n, 3),
            occurred_at_ms: now_ms
                - dice.below(365) as i64 * DAY
                - dice.below(20) as i64 * 3_600_000,
            area: dice.pick(AREAS).to_string(),
            kind,
            persons: met,
            workers: String::new(),
            agencies: if dice.chance(20) {
                vec![Agency::Police]
            } else {
                Vec::new()
            },
            message: match kind {
                ContactKind::CustomNotification if dice.chance(40) => Message::Attempted,
                ContactKind::CustomNotification | ContactKind::CallIn => Message::Delivered,
                _ => Message::NotDelivered,
            },
            safety_concern: dice.chance(5),
            note: dice.pick(NOTES).to_string(),
        }));
    }
    for n in 0..counts.offers {
        let offered = today.add_days(-(30 + dice.below(300) as i32));
        let status = *dice.pick(Status::ALL);
        let step = |d: i32| Some(offered.add_days(d));
        let reached = |s: Status| match s {
            Status::Offered => 0,
            Status::Accepted | Status::Declined => 1,
            Status::Started => 2,
            Status::Completed | Status::DroppedOut => 3,
        };
        let r = reached(status);
        changes.push(create(&SupportOffer {
            id: id(n, 4),
            person: Some(*dice.pick(&persons)),
            category: *dice.pick(Category::ALL),
            provider: String::new(),
            status,
            offered_on: Some(offered),
            accepted_on: (r >= 1 && status != Status::Declined).then(|| offered.add_days(3)),
            started_on: (r >= 2).then(|| offered.add_days(10)),
            ended_on: (!status.is_open()).then(|| step(20)).flatten(),
            end_reason: if status.needs_reason() {
                "Flyttade".into()
            } else {
                String::new()
            },
            note: String::new(),
        }));
    }
    for n in 0..counts.follow_ups {
        let due = today.add_days(dice.below(40) as i32 - 10);
        let status = if due < today && dice.chance(70) {
            *dice.pick(&[follow_up::Status::Done, follow_up::Status::Missed])
        } else {
            follow_up::Status::Planned
        };
        changes.push(create(&FollowUp {
            id: id(n, 5),
            person: Some(*dice.pick(&persons)),
            due: Some(due),
            assigned: dice.pick(&["Sara", "Johan", "Amina", "admin"]).to_string(),
            link: None,
            status,
            outcome: String::new(),
            closed_on: (status != follow_up::Status::Planned).then_some(due),
        }));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn about_gives_at_least_the_total_asked_for_and_barely_more() {
        for total in [1, 400, 4_580, 50_000, 100_000] {
            let made = Counts::about(total).total();
            assert!(
                (total..total + 8).contains(&made),
                "{total} asked, {made} made"
            );
        }
    }
}
