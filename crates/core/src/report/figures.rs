//! Counting a team's records over periods in one pass: the figures behind the dashboard and
//! the partnership report. Exact counts: they stay on the coordinator's device until
//! `tables.rs` makes a report of them, with small counts suppressed.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::period::Period;
use crate::fold::Fold;
use crate::record::contact::{Contact, ContactKind, Message};
use crate::record::date::Date;
use crate::record::follow_up::{self, FollowUp};
use crate::record::group::Group;
use crate::record::person::Person;
use crate::record::support_offer::{Category, Status, SupportOffer};
use crate::record::{order_by_number, order_by_text, Coded};

/// Where a follow-up due in a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    Done,
    Missed,
    Cancelled,
    /// Planned, and its day has passed.
    Overdue,
    /// Planned, due today or later.
    Planned,
}

impl FollowUpState {
    pub const ALL: [FollowUpState; 5] = [
        FollowUpState::Done,
        FollowUpState::Missed,
        FollowUpState::Cancelled,
        FollowUpState::Overdue,
        FollowUpState::Planned,
    ];

    fn of(f: &FollowUp, today: Date) -> FollowUpState {
        match f.status {
            follow_up::Status::Done => FollowUpState::Done,
            follow_up::Status::Missed => FollowUpState::Missed,
            follow_up::Status::Cancelled => FollowUpState::Cancelled,
            follow_up::Status::Planned if f.overdue(today) => FollowUpState::Overdue,
            follow_up::Status::Planned => FollowUpState::Planned,
        }
    }
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub period: Period,
    /// Contacts that happened in the period, by kind (`ContactKind::ALL` order). Custom
    /// notifications *attempted* are all contacts of that kind: an attempt that found nobody
    /// counts, as GVI programmes count it.
    pub contacts: Vec<u32>,
    /// Custom notifications whose message was delivered.
    pub delivered: u32,
    /// Distinct persons met in any contact.
    pub persons_met: u32,
    /// Distinct persons who had the message delivered in a custom notification.
    pub persons_reached: u32,
    /// Distinct persons at call-ins.
    pub call_in_participants: u32,
    /// Offers made in the period (by their offered date), by category (`Category::ALL`) and
    /// the status they have now (`Status::ALL`).
    pub offers: Vec<Vec<u32>>,
    /// Of those offers, by category, how many got as far as accepted, started and completed.
    pub funnel: Vec<[u32; 3]>,
    /// Follow-ups due in the period, by state (`FollowUpState::ALL`).
    pub follow_ups: [u32; 5],
    /// For each offer made in the period to a person met before: days from the person's first
    /// contact to the offer, ascending.
    pub days_to_offer: Vec<i32>,
    /// For each offer made in the period and started: days from offer to start, ascending.
    pub days_to_start: Vec<i32>,
}

impl Tally {
    fn empty(period: Period) -> Tally {
        Tally {
            period,
            contacts: vec![0; ContactKind::ALL.len()],
            delivered: 0,
            persons_met: 0,
            persons_reached: 0,
            call_in_participants: 0,
            offers: vec![vec![0; Status::ALL.len()]; Category::ALL.len()],
            funnel: vec![[0; 3]; Category::ALL.len()],
            follow_ups: [0; 5],
            days_to_offer: Vec::new(),
            days_to_start: Vec::new(),
        }
    }

    /// Custom notifications attempted (delivered or not).
    pub fn attempted(&self) -> u32 {
        self.contacts[index(ContactKind::CustomNotification)]
    }

    /// Call-ins held.
    pub fn call_ins(&self) -> u32 {
        self.contacts[index(ContactKind::CallIn)]
    }
}

/// The position of a code in its `ALL` list.
pub fn index<T: Coded>(value: T) -> usize {
    T::ALL.iter().position(|&v| v == value).unwrap_or(0)
}

/// Twice the median of ascending values: twice the middle one, or the sum of the middle two.
/// Doubled, so a median of whole days is exact in integers: the wasm carries no float
/// formatting (12 KB) for one decimal.
pub fn doubled_median(sorted: &[i32]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(2 * i64::from(sorted[n / 2])),
        _ => Some(i64::from(sorted[n / 2 - 1]) + i64::from(sorted[n / 2])),
    }
}

/// The figures of each of `periods` (ascending, not overlapping), from one pass over the
/// records. `local_date` gives the calendar day of a contact's time where the team works;
/// `today` decides what is overdue.
pub fn tally(
    fold: &Fold,
    periods: &[Period],
    today: Date,
    local_date: &dyn Fn(i64) -> Date,
) -> Vec<Tally> {
    let mut tallies: Vec<Tally> = periods.iter().map(|&p| Tally::empty(p)).collect();
    let bucket = |day: Date| {
        let i = periods.partition_point(|p| p.to < day);
        (i < periods.len() && periods[i].contains(day)).then_some(i)
    };
    let mut met = vec![BTreeSet::new(); periods.len()];
    let mut reached = vec![BTreeSet::new(); periods.len()];
    let mut called_in = vec![BTreeSet::new(); periods.len()];
    // Each person's first contact, ever: where the time to an offer starts.
    let mut first_contact: BTreeMap<Uuid, Date> = BTreeMap::new();
    for c in fold.live::<Contact>() {
        let day = local_date(c.occurred_at_ms);
        for &p in &c.persons {
            let first = first_contact.entry(p).or_insert(day);
            *first = (*first).min(day);
        }
        let Some(i) = bucket(day) else {
            continue;
        };
        let t = &mut tallies[i];
        t.contacts[index(c.kind)] += 1;
        met[i].extend(c.persons.iter().copied());
        match c.kind {
            ContactKind::CustomNotification if c.message == Message::Delivered => {
                t.delivered += 1;
                reached[i].extend(c.persons.iter().copied());
            }
            ContactKind::CallIn => called_in[i].extend(c.persons.iter().copied()),
            _ => {}
        }
    }
    for (i, t) in tallies.iter_mut().enumerate() {
        t.persons_met = met[i].len() as u32;
        t.persons_reached = reached[i].len() as u32;
        t.call_in_participants = called_in[i].len() as u32;
    }
    for o in fold.live::<SupportOffer>() {
        let Some(offered) = o.offered_on else {
            continue;
        };
        let Some(i) = bucket(offered) else {
            continue;
        };
        let t = &mut tallies[i];
        let (row, status) = (index(o.category), o.status);
        t.offers[row][index(status)] += 1;
        let accepted = o.accepted_on.is_some()
            || matches!(
                status,
                Status::Accepted | Status::Started | Status::Completed
            );
        let started =
            o.started_on.is_some() || matches!(status, Status::Started | Status::Completed);
        for (stage, reached) in [accepted, started, status == Status::Completed]
            .into_iter()
            .enumerate()
        {
            t.funnel[row][stage] += u32::from(reached);
        }
        if let Some(first) = o.person.and_then(|p| first_contact.get(&p)) {
            if *first <= offered {
                t.days_to_offer.push(offered.0 - first.0);
            }
        }
        if let Some(start) = o.started_on.filter(|s| *s >= offered) {
            t.days_to_start.push(start.0 - offered.0);
        }
    }
    for f in fold.live::<FollowUp>() {
        if let Some(i) = f.due.and_then(bucket) {
            let state = FollowUpState::of(&f, today);
            let at = FollowUpState::ALL
                .iter()
                .position(|&s| s == state)
                .unwrap_or(0);
            tallies[i].follow_ups[at] += 1;
        }
    }
    // Through the sort every list of records uses: a sort of its own would cost 3 KB.
    let ascending = |days: Vec<i32>| order_by_number(days, |d| i64::from(*d), false);
    for t in &mut tallies {
        t.days_to_offer = ascending(std::mem::take(&mut t.days_to_offer));
        t.days_to_start = ascending(std::mem::take(&mut t.days_to_start));
    }
    tallies
}

/// The persons in scope (identified group members): live persons recorded by `until`, each
/// counted once, under their group, or as in several groups, or in none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonsInScope {
    /// By the group's area, then the group: `(area, [(group alias, persons)])`, both in
    /// alphabetical order.
    pub by_area: Vec<(String, Vec<(String, u32)>)>,
    pub several_groups: u32,
    pub no_group: u32,
}

impl PersonsInScope {
    pub fn total(&self) -> u32 {
        let grouped: u32 = self
            .by_area
            .iter()
            .flat_map(|(_, groups)| groups.iter().map(|(_, n)| n))
            .sum();
        grouped + self.several_groups + self.no_group
    }
}

pub fn persons_in_scope(
    fold: &Fold,
    until: Date,
    local_date: &dyn Fn(i64) -> Date,
) -> PersonsInScope {
    use crate::record::text::fold_case;
    // Every group, even with no one in it now, by area and then alias. A team has a handful
    // of groups, so a person's are found by a walk along them.
    let groups = order_by_text(fold.live::<Group>().collect(), |g: &Group| {
        format!("{}\u{0}{}", fold_case(&g.area), fold_case(&g.alias))
    });
    let mut counts = vec![0u32; groups.len()];
    let mut scope = PersonsInScope::default();
    for p in fold.live::<Person>() {
        let recorded = crate::ids::unix_ms(p.id).map(|ms| local_date(ms as i64));
        if recorded.is_some_and(|d| d > until) {
            continue;
        }
        let mut theirs = p
            .groups
            .iter()
            .filter_map(|id| groups.iter().position(|g| g.id == *id));
        match (theirs.next(), theirs.next()) {
            (None, _) => scope.no_group += 1,
            (Some(i), None) => counts[i] += 1,
            _ => scope.several_groups += 1,
        }
    }
    for (g, n) in groups.into_iter().zip(counts) {
        match scope.by_area.last_mut() {
            Some((area, list)) if fold_case(area) == fold_case(&g.area) => list.push((g.alias, n)),
            _ => scope.by_area.push((g.area, vec![(g.alias, n)])),
        }
    }
    scope
}
