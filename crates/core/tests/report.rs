//! The partnership report, on random small teams:
//! - its figures equal figures counted here, independently, from the same records, for
//!   several kinds of period;
//! - no figure it shows is under the threshold, and no hidden figure can be worked out from
//!   the shown ones: for each hidden count, another team's true counts, differing in it, give
//!   exactly the same report (the sums that tie the figures are read from the tables' layout
//!   here, not from the report's own bookkeeping).
//!
//! - the dashboard's series are the months' and the span's records counted here, and its
//!   months cover the span, the last cut at today.
//!
//! CI runs 2,000 cases each. A longer run:
//! `PROPTEST_CASES=200000 cargo test --release -p faltlogg-core --test report`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use faltlogg_core::change::Stamp;
use faltlogg_core::fold::{create, Fold};
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::record::contact::{Contact, ContactKind, Message};
use faltlogg_core::record::date::Date;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{Consent, Person};
use faltlogg_core::record::support_offer::{Category, Status, SupportOffer};
use faltlogg_core::record::Coded;
use faltlogg_core::report::{
    dashboard::{dashboard, STAGES},
    persons_in_scope, tally, CellId, FollowUpState, Line, Period, Report, Shown, Topic,
};
use proptest::prelude::*;
use uuid::Uuid;

/// Day 0 of the generated teams: 2025-01-01.
fn day0() -> Date {
    Date::from_ymd(2025, 1, 1).unwrap()
}

/// Contacts happen at noon UTC; the team's "local date" here is the UTC date.
fn utc_date(ms: i64) -> Date {
    Date::from_unix_ms(ms, 0)
}

#[derive(Debug, Clone)]
struct Team {
    groups: Vec<Group>,
    persons: Vec<Person>,
    contacts: Vec<Contact>,
    offers: Vec<SupportOffer>,
    follow_ups: Vec<FollowUp>,
}

/// A UUIDv7 made on day 0 + `day` (persons are recorded at different times), unique by
/// `(kind, n)`.
fn id(day: u64, n: u64, kind: u64) -> Uuid {
    let ms = (day0().0 as u64 + day) * 86_400_000;
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&(kind * 1_000_003 + n).to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

fn team() -> impl Strategy<Value = Team> {
    let groups = prop::collection::vec((0usize..3, 0usize..3), 0..4);
    (groups, 0usize..14).prop_flat_map(|(groups, n_persons)| {
        let n_groups = groups.len();
        let persons = prop::collection::vec(
            (0u64..700, prop::collection::vec(0..n_groups.max(1), 0..3)),
            n_persons,
        );
        let pick = move || prop::collection::vec(0..n_persons.max(1), 0..4);
        let contacts = prop::collection::vec((0i64..700, 0usize..9, 0usize..3, pick()), 0..40);
        let offers = prop::collection::vec(
            (
                0..n_persons.max(1),
                0usize..12,
                0usize..6,
                0i32..700,
                0i32..60,
                0i32..60,
            ),
            0..30,
        );
        let follow_ups = prop::collection::vec((0..n_persons.max(1), 0usize..4, 0i32..700), 0..25);
        (Just(groups), persons, contacts, offers, follow_ups).prop_map(
            move |(groups, persons, contacts, offers, follow_ups)| {
                let areas = ["Väst", "Östra", ""];
                let aliases = ["Norr", "Åsen", "Bäcken"];
                let groups: Vec<Group> = groups
                    .iter()
                    .enumerate()
                    .map(|(i, &(area, alias))| Group {
                        id: id(0, i as u64, 1),
                        alias: aliases[alias].into(),
                        area: areas[area].into(),
                        note: String::new(),
                    })
                    .collect();
                let persons: Vec<Person> = persons
                    .iter()
                    .enumerate()
                    .map(|(i, (recorded, gs))| Person {
                        id: id(*recorded, i as u64, 2),
                        alias: format!("P{i}"),
                        birth_year: None,
                        area: String::new(),
                        groups: gs
                            .iter()
                            .filter(|&&g| g < groups.len())
                            .map(|&g| groups[g].id)
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect(),
                        consent: Consent::default(),
                        risk: false,
                        note: String::new(),
                    })
                    .collect();
                let person = |i: usize| persons.get(i).map(|p| p.id);
                let contacts = contacts
                    .iter()
                    .enumerate()
                    .map(|(i, (day, kind, message, met))| Contact {
                        id: id(0, i as u64, 3),
                        occurred_at_ms: (i64::from(day0().0) + day) * 86_400_000 + 43_200_000,
                        area: String::new(),
                        kind: ContactKind::ALL[*kind],
                        persons: met
                            .iter()
                            .filter_map(|&p| person(p))
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect(),
                        workers: String::new(),
                        agencies: Vec::new(),
                        message: Message::ALL[*message],
                        safety_concern: false,
                        note: String::new(),
                    })
                    .collect();
                let offers = offers
                    .iter()
                    .enumerate()
                    .map(|(i, &(p, category, status, day, to_accept, to_start))| {
                        let status = Status::ALL[status];
                        let offered = day0().add_days(day);
                        let accepted = matches!(
                            status,
                            Status::Accepted
                                | Status::Started
                                | Status::Completed
                                | Status::DroppedOut
                        )
                        .then(|| offered.add_days(to_accept));
                        let started = matches!(status, Status::Started | Status::Completed)
                            .then(|| offered.add_days(to_accept + to_start));
                        SupportOffer {
                            id: id(0, i as u64, 4),
                            person: person(p),
                            category: Category::ALL[category],
                            provider: String::new(),
                            status,
                            offered_on: Some(offered),
                            accepted_on: accepted,
                            started_on: started,
                            ended_on: None,
                            end_reason: String::new(),
                            note: String::new(),
                        }
                    })
                    .collect();
                let follow_ups = follow_ups
                    .iter()
                    .enumerate()
                    .map(|(i, &(p, status, day))| FollowUp {
                        id: id(0, i as u64, 5),
                        person: person(p),
                        due: Some(day0().add_days(day)),
                        assigned: String::new(),
                        link: None,
                        status: follow_up::Status::ALL[status],
                        outcome: String::new(),
                        closed_on: None,
                    })
                    .collect();
                Team {
                    groups,
                    persons,
                    contacts,
                    offers,
                    follow_ups,
                }
            },
        )
    })
}

fn fold_of(team: &Team) -> Fold {
    let mut fold = Fold::default();
    let mut n = 0u64;
    let mut add = |fold: &mut Fold, change| {
        n += 1;
        let stamp = Stamp {
            hlc: Hlc {
                wall_ms: 1_700_000_000_000 + n,
                counter: 0,
            },
            device: Uuid::from_u128(1),
        };
        fold.apply(stamp, change);
    };
    for g in &team.groups {
        add(&mut fold, create(g));
    }
    for p in &team.persons {
        add(&mut fold, create(p));
    }
    for c in &team.contacts {
        add(&mut fold, create(c));
    }
    for o in &team.offers {
        add(&mut fold, create(o));
    }
    for f in &team.follow_ups {
        add(&mut fold, create(f));
    }
    fold
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (2025i32..2027, 1u32..13).prop_map(|(y, m)| Period::month(y, m).unwrap()),
        (2025i32..2027, 1u32..5).prop_map(|(y, q)| Period::quarter(y, q).unwrap()),
        (2025i32..2027).prop_map(|y| Period::year(y).unwrap()),
        (0i32..700, 0i32..200).prop_map(|(from, len)| Period {
            from: day0().add_days(from),
            to: day0().add_days(from + len),
        }),
    ]
}

fn median(mut v: Vec<i32>) -> Option<f64> {
    v.sort();
    let n = v.len();
    if n == 0 {
        None
    } else if n % 2 == 1 {
        Some(v[n / 2] as f64)
    } else {
        Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0)
    }
}

/// The report's median (doubled, in integers) in days.
fn halve(sorted: &[i32]) -> Option<f64> {
    faltlogg_core::report::figures::doubled_median(sorted).map(|d| d as f64 / 2.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(2000)
    ))]

    /// Counted here from the records as generated, not through the fold's reading of them.
    #[test]
    fn the_figures_are_the_records_counted(team in team(), period in period(), today in 0i32..800) {
        let today = day0().add_days(today);
        let fold = fold_of(&team);
        let got = tally(&fold, &[period], today, &utc_date).remove(0);

        let in_period: Vec<&Contact> = team
            .contacts
            .iter()
            .filter(|c| period.contains(utc_date(c.occurred_at_ms)))
            .collect();
        for &kind in ContactKind::ALL {
            let n = in_period.iter().filter(|c| c.kind == kind).count() as u32;
            prop_assert_eq!(got.contacts[ContactKind::ALL.iter().position(|&k| k == kind).unwrap()], n);
        }
        let cn = |c: &&&Contact| c.kind == ContactKind::CustomNotification;
        prop_assert_eq!(got.attempted(), in_period.iter().filter(cn).count() as u32);
        let delivered: Vec<&&Contact> = in_period.iter().filter(cn).filter(|c| c.message == Message::Delivered).collect();
        prop_assert_eq!(got.delivered, delivered.len() as u32);
        let distinct = |cs: &mut dyn Iterator<Item = &&Contact>| {
            cs.flat_map(|c| c.persons.iter().copied()).collect::<BTreeSet<Uuid>>().len() as u32
        };
        prop_assert_eq!(got.persons_met, distinct(&mut in_period.iter()));
        prop_assert_eq!(got.persons_reached, distinct(&mut delivered.iter().copied()));
        prop_assert_eq!(
            got.call_in_participants,
            distinct(&mut in_period.iter().filter(|c| c.kind == ContactKind::CallIn))
        );

        let offered: Vec<&SupportOffer> = team.offers.iter().filter(|o| period.contains(o.offered_on.unwrap())).collect();
        for (r, &category) in Category::ALL.iter().enumerate() {
            for (c, &status) in Status::ALL.iter().enumerate() {
                let n = offered.iter().filter(|o| o.category == category && o.status == status).count() as u32;
                prop_assert_eq!(got.offers[r][c], n);
            }
            let of_category: Vec<&&SupportOffer> = offered.iter().filter(|o| o.category == category).collect();
            let accepted = of_category.iter().filter(|o| o.accepted_on.is_some() || o.status == Status::Accepted).count() as u32;
            let started = of_category.iter().filter(|o| o.started_on.is_some()).count() as u32;
            let completed = of_category.iter().filter(|o| o.status == Status::Completed).count() as u32;
            prop_assert_eq!(got.funnel[r], [accepted, started, completed]);
        }
        let first_contact = |p: Uuid| team.contacts.iter().filter(|c| c.persons.contains(&p)).map(|c| utc_date(c.occurred_at_ms)).min();
        let to_offer: Vec<i32> = offered
            .iter()
            .filter_map(|o| {
                let first = first_contact(o.person?)?;
                let offered = o.offered_on?;
                (first <= offered).then(|| offered.0 - first.0)
            })
            .collect();
        prop_assert_eq!(halve(&got.days_to_offer), median(to_offer));
        let to_start: Vec<i32> = offered.iter().filter_map(|o| Some(o.started_on?.0 - o.offered_on?.0)).collect();
        prop_assert_eq!(halve(&got.days_to_start), median(to_start));

        let due: Vec<&FollowUp> = team.follow_ups.iter().filter(|f| period.contains(f.due.unwrap())).collect();
        let state = |f: &FollowUp| match f.status {
            follow_up::Status::Done => FollowUpState::Done,
            follow_up::Status::Missed => FollowUpState::Missed,
            follow_up::Status::Cancelled => FollowUpState::Cancelled,
            follow_up::Status::Planned if f.due.unwrap() < today => FollowUpState::Overdue,
            follow_up::Status::Planned => FollowUpState::Planned,
        };
        for (i, s) in FollowUpState::ALL.iter().enumerate() {
            prop_assert_eq!(got.follow_ups[i], due.iter().filter(|f| state(f) == *s).count() as u32);
        }

        let scope = persons_in_scope(&fold, period.to, &utc_date);
        let recorded = |p: &Person| utc_date(ids::unix_ms(p.id).unwrap() as i64);
        let persons: Vec<&Person> = team.persons.iter().filter(|p| recorded(p) <= period.to).collect();
        prop_assert_eq!(scope.total(), persons.len() as u32);
        prop_assert_eq!(scope.several_groups, persons.iter().filter(|p| p.groups.len() > 1).count() as u32);
        prop_assert_eq!(scope.no_group, persons.iter().filter(|p| p.groups.is_empty()).count() as u32);
        for g in &team.groups {
            let n = persons.iter().filter(|p| p.groups == [g.id]).count() as u32;
            let listed: u32 = scope
                .by_area
                .iter()
                .filter(|(area, _)| area.to_lowercase() == g.area.to_lowercase())
                .flat_map(|(_, groups)| groups.iter().filter(|(alias, _)| *alias == g.alias).map(|(_, n)| *n))
                .sum();
            // Groups with one name and area are listed apart; together they hold their persons.
            let same: u32 = team
                .groups
                .iter()
                .filter(|h| h.alias == g.alias && h.area == g.area)
                .map(|h| persons.iter().filter(|p| p.groups == [h.id]).count() as u32)
                .sum();
            prop_assert!(n <= same);
            prop_assert_eq!(listed, same);
        }
    }

    /// Each month's and the span's figures, counted here from the records as generated.
    #[test]
    fn the_dashboard_is_the_records_counted_by_month_and_over_the_span(
        team in team(), months in 1u32..15, today in 0i32..800,
    ) {
        let today = day0().add_days(today);
        let board = dashboard(&fold_of(&team), months, today, &utc_date);
        prop_assert_eq!(board.months.len() as u32, months);
        prop_assert_eq!(board.months[0].from, board.span.from);
        prop_assert_eq!(board.span.from.ymd().2, 1);
        prop_assert_eq!(board.months.last().unwrap().to, today);
        for pair in board.months.windows(2) {
            prop_assert_eq!(pair[0].to.add_days(1), pair[1].from);
        }
        let periods: Vec<Period> = board.months.iter().copied().chain([board.span]).collect();
        let value = |topic: Topic, line: &Line, at: usize| {
            let chart = board.charts.iter().find(|c| c.topic == topic).unwrap();
            let series = chart.series.iter().find(|s| s.line == *line).unwrap();
            series.months.get(at).copied().unwrap_or(series.span)
        };
        for (at, period) in periods.iter().enumerate() {
            let contacts: Vec<&Contact> = team
                .contacts
                .iter()
                .filter(|c| period.contains(utc_date(c.occurred_at_ms)))
                .collect();
            for &kind in ContactKind::ALL {
                let n = contacts.iter().filter(|c| c.kind == kind).count() as u32;
                prop_assert_eq!(value(Topic::Contacts, &Line::Kind(kind), at), Some(n));
            }
            let delivered = contacts
                .iter()
                .filter(|c| c.kind == ContactKind::CustomNotification && c.message == Message::Delivered)
                .count() as u32;
            prop_assert_eq!(value(Topic::Notifications, &Line::Delivered, at), Some(delivered));
            let met: BTreeSet<Uuid> = contacts.iter().flat_map(|c| c.persons.iter().copied()).collect();
            prop_assert_eq!(value(Topic::Reach, &Line::PersonsMet, at), Some(met.len() as u32));
            let offered: Vec<&SupportOffer> = team
                .offers
                .iter()
                .filter(|o| period.contains(o.offered_on.unwrap()))
                .collect();
            let got = |status| value(Topic::Funnel, &Line::Status(status), at);
            prop_assert_eq!(got(Status::Offered), Some(offered.len() as u32));
            let started = offered.iter().filter(|o| o.started_on.is_some()).count() as u32;
            prop_assert_eq!(got(Status::Started), Some(started));
            let dropped = offered.iter().filter(|o| o.status == Status::DroppedOut).count() as u32;
            prop_assert_eq!(got(Status::DroppedOut), Some(dropped));
            let overdue = team
                .follow_ups
                .iter()
                .filter(|f| period.contains(f.due.unwrap()))
                .filter(|f| f.status == follow_up::Status::Planned && f.due.unwrap() < today)
                .count() as u32;
            prop_assert_eq!(value(Topic::FollowUps, &Line::FollowUp(FollowUpState::Overdue), at), Some(overdue));
        }
        // The funnel by category is the span's offers, stage by stage.
        for (category, stages) in &board.funnel_by_category {
            for (i, &stage) in STAGES.iter().enumerate() {
                let total = value(Topic::Funnel, &Line::Status(stage), board.months.len());
                prop_assert!(stages[i] <= total.unwrap());
            }
            let offered = team
                .offers
                .iter()
                .filter(|o| o.category == *category && board.span.contains(o.offered_on.unwrap()))
                .count() as u32;
            prop_assert_eq!(stages[0], offered);
        }
    }

    #[test]
    fn no_shown_figure_is_small_and_no_hidden_one_can_be_worked_out(
        team in team(),
        period in period(),
        threshold in 3u32..9,
    ) {
        let fold = fold_of(&team);
        let today = day0().add_days(800);
        let t = tally(&fold, &[period], today, &utc_date).remove(0);
        let scope = persons_in_scope(&fold, period.to, &utc_date);
        let report = Report::new(&t, &scope, threshold).unwrap();
        check_report(&report)?;
    }
}

/// The sums a reader sees in the tables: a Total column sums its row, a Total row sums the
/// rows above it (a group's row counts in its area's row, not again in the total), an area's
/// row sums the groups above it, and the notifications' total is the contacts' custom
/// notifications.
fn sums_in_layout(report: &Report) -> Vec<(CellId, Vec<CellId>)> {
    let mut sums = Vec::new();
    let table = |topic| report.tables.iter().find(|t| t.topic == topic).unwrap();
    for t in &report.tables {
        if t.columns.last() == Some(&Line::Total) {
            for row in &t.rows {
                let (total, parts) = row.cells.split_last().unwrap();
                sums.push((*total, parts.to_vec()));
            }
        }
        let mut groups = Vec::new();
        let mut above: Vec<&[CellId]> = Vec::new();
        for row in &t.rows {
            match &row.line {
                Line::Group(_) => groups.push(row.cells[0]),
                Line::Area(_) => {
                    sums.push((row.cells[0], std::mem::take(&mut groups)));
                    above.push(&row.cells);
                }
                Line::Total => {
                    for col in 0..row.cells.len() {
                        sums.push((row.cells[col], above.iter().map(|r| r[col]).collect()));
                    }
                }
                _ => above.push(&row.cells),
            }
        }
    }
    let cell = |topic, line: Line| {
        table(topic)
            .rows
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .cells[0]
    };
    sums.push((
        cell(Topic::Notifications, Line::Total),
        vec![cell(
            Topic::Contacts,
            Line::Kind(ContactKind::CustomNotification),
        )],
    ));
    sums
}

fn check_report(report: &Report) -> Result<(), TestCaseError> {
    let threshold = report.threshold;
    let sums = sums_in_layout(report);
    let cells: BTreeSet<CellId> = report
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter().copied()))
        .collect();
    // The sums hold on the true counts: the layout says what the figures are.
    for (total, parts) in &sums {
        let sum: u32 = parts.iter().map(|&p| report.value(p)).sum();
        prop_assert_eq!(
            report.value(*total),
            sum,
            "a sum in the layout does not hold"
        );
    }
    let hidden = |c: CellId| matches!(report.shown(c), Shown::Under(_));
    for &c in &cells {
        match report.shown(c) {
            Shown::Count(n) => {
                prop_assert!(n == 0 || n >= threshold, "shown under the threshold: {}", n);
                prop_assert_eq!(n, report.value(c));
            }
            Shown::Under(t) => prop_assert_eq!(t, threshold),
        }
    }
    // Each hidden leaf moved by one (staying under the threshold, above 0), every sum
    // recomputed: no shown figure may move. Each hidden total must move with some leaf.
    let totals: BTreeSet<CellId> = sums.iter().map(|(t, _)| *t).collect();
    let mut moved: BTreeSet<CellId> = BTreeSet::new();
    for &leaf in cells.iter().filter(|c| !totals.contains(c) && hidden(**c)) {
        let v = report.value(leaf) as i64;
        let step = if v + 1 < i64::from(threshold) { 1 } else { -1 };
        prop_assert!(v + step >= 1, "a hidden count with nowhere to move: {}", v);
        let mut delta: BTreeMap<CellId, i64> = BTreeMap::from([(leaf, step)]);
        let mut changed = true;
        while changed {
            changed = false;
            for (total, parts) in &sums {
                let d: i64 = parts
                    .iter()
                    .map(|p| delta.get(p).copied().unwrap_or(0))
                    .sum();
                let now = delta.get(total).copied().unwrap_or(0);
                if now != d {
                    prop_assert!(
                        !delta.contains_key(total),
                        "two sums disagree on a total: the hidden count is pinned"
                    );
                    delta.insert(*total, d);
                    changed = true;
                }
            }
        }
        for (&c, &d) in &delta {
            if d != 0 {
                prop_assert!(
                    hidden(c),
                    "a hidden count ({}) can be worked out from a shown figure",
                    v
                );
                moved.insert(c);
            }
        }
    }
    for &c in cells.iter().filter(|c| hidden(**c)) {
        prop_assert!(
            moved.contains(&c),
            "a hidden total that no hidden count moves"
        );
    }
    Ok(())
}

#[test]
fn an_empty_team_reports_zeros_not_blanks() {
    let fold = Fold::default();
    let period = Period::month(2026, 1).unwrap();
    let t = tally(&fold, &[period], day0(), &utc_date).remove(0);
    let report = Report::new(&t, &persons_in_scope(&fold, period.to, &utc_date), 5).unwrap();
    for table in &report.tables {
        for row in &table.rows {
            for &c in &row.cells {
                assert_eq!(report.shown(c), Shown::Count(0));
            }
        }
    }
    assert!(report.medians.iter().all(|(_, m)| m.is_none()));
}

#[test]
fn a_threshold_out_of_range_is_refused() {
    let fold = Fold::default();
    let period = Period::month(2026, 1).unwrap();
    let t = tally(&fold, &[period], day0(), &utc_date).remove(0);
    let scope = persons_in_scope(&fold, period.to, &utc_date);
    for bad in [0, 1, 2, 21] {
        assert!(Report::new(&t, &scope, bad).is_err(), "threshold {bad}");
    }
}
