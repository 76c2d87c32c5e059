//! The caseload: the team's for a coordinator, a worker's own for a worker
//! (`faltlogg_core::report::caseload`). The summary lists each section's lines with their
//! counts; a line leads to its own page (`/caseload/<list>/<n>`), with the records behind
//! it as the same cards the persons list and the person page show.
//!
//! A line's records are drawn only on its page, and at most [`SHOWN`] of them: a team of
//! 10,000 persons would otherwise put every person on the summary several times over.

use std::collections::BTreeMap;

use faltlogg_core::api::DeviceInfo;
use faltlogg_core::record::follow_up::FollowUp;
use faltlogg_core::record::person::PersonRow;
use faltlogg_core::record::support_offer::{Status, SupportOffer};
use faltlogg_core::record::Coded;
use faltlogg_core::report::caseload::{caseload, CaseLine, Caseload as Load, Whose};
use leptos::prelude::*;
use uuid::Uuid;

use super::offers::offer_card;
use super::person::follow_up_card;
use super::persons::{person_card, use_person_rows};
use super::Screen;
use crate::components::{use_form, Card};
use crate::i18n::{offer_status_msg, use_i18n, I18n, Msg};
use crate::state::records::use_records;
use crate::state::{team_devices, use_app, AppCtx};
use crate::time::{local_date, today};
use crate::ui::{render, Block, Select};

/// The choices of "no contact for at least … days"; the first is where the screen opens.
const QUIET_DAYS: [&str; 4] = ["30", "14", "60", "90"];

/// How many records a line's page shows; the rest are counted.
const SHOWN: usize = 100;

/// A section of the caseload, as its path names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseList {
    /// Persons by the worker (phone) that recorded them; a worker's own: all of them.
    Workers,
    Areas,
    Groups,
    Offers,
    Overdue,
    Week,
    /// Persons with no contact in the path's number of days.
    Quiet,
    Consent,
}

impl CaseList {
    /// Each list, its code in paths, and the element id of its cards on the summary.
    const ALL: [(CaseList, &'static str, &'static str); 8] = [
        (CaseList::Workers, "workers", "case-workers"),
        (CaseList::Areas, "areas", "case-areas"),
        (CaseList::Groups, "groups", "case-groups"),
        (CaseList::Offers, "offers", "case-offers"),
        (CaseList::Overdue, "overdue", "case-overdue"),
        (CaseList::Week, "week", "case-week"),
        (CaseList::Quiet, "quiet", "case-quiet"),
        (CaseList::Consent, "consent", "case-consent"),
    ];

    fn names(self) -> (&'static str, &'static str) {
        CaseList::ALL
            .iter()
            .find(|(l, _, _)| *l == self)
            .map_or(("", ""), |(_, code, id)| (code, id))
    }

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn from_code(code: &str) -> Option<CaseList> {
        CaseList::ALL
            .iter()
            .find(|(_, c, _)| *c == code)
            .map(|(l, _, _)| *l)
    }
}

/// One section: what it lists, its heading, and its lines as words and ids.
type Section = (CaseList, Msg, Vec<(String, Vec<Uuid>)>);

/// The caseload's summary (`line` is `None`), or the page of one line: a section and the
/// line's place in it (for `Quiet`, the number of days).
#[component]
pub fn Caseload(line: Option<(CaseList, u32)>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let records = use_records();
    let rows = use_person_rows();
    let team = ctx.is_coordinator_untracked();
    // The team's phones and their users, asked of the server when online: they name the
    // phones in "by worker", and a worker's caseload holds what any of their phones recorded.
    // Offline, a phone is shown by the start of its id, and a worker's caseload is this
    // phone's.
    let devices = RwSignal::new(Vec::<DeviceInfo>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = team_devices(ctx).await {
            devices.set(list);
        }
    });
    let quiet = RwSignal::new(QUIET_DAYS[0].to_string());
    let mut head = Vec::new();
    if line.is_none() {
        let intro = if team {
            Msg::CaseloadTeamIntro
        } else {
            Msg::CaseloadOwnIntro
        };
        head.push(Block::Para(i18n.t(intro).into(), ""));
        head.push(Block::Select(Select {
            id: "quiet-days",
            label: Msg::QuietDays,
            options: QUIET_DAYS.iter().map(|d| (*d, *d)).collect(),
            placeholder: None,
            value: quiet,
        }));
    }
    let body = move || {
        let today = today();
        let days = match line {
            Some((CaseList::Quiet, days)) => days as i32,
            _ => quiet.get().parse().unwrap_or(30),
        };
        let list = devices.get();
        let rows = rows.get();
        records.with(|fold| {
            let whose = whose(ctx, team, &list);
            let load = caseload(fold, &whose, today, days, &local_date);
            let sections = sections(i18n, team, &load, &list, days);
            let blocks = match line {
                None => summary(i18n, sections, days),
                Some((of, n)) => {
                    let at = if of == CaseList::Quiet { 0 } else { n as usize };
                    let found = sections
                        .into_iter()
                        .find(|(list, _, _)| *list == of)
                        .and_then(|(_, _, mut lines)| {
                            (at < lines.len()).then(|| lines.swap_remove(at))
                        });
                    match found {
                        Some((words, ids)) => {
                            // Inserted one by one: collecting would sort them first, with a
                            // sort of its own.
                            let mut by_id: BTreeMap<Uuid, &PersonRow> = BTreeMap::new();
                            for r in &rows {
                                by_id.insert(r.person.id, r);
                            }
                            let alias = |person: Option<Uuid>| {
                                person
                                    .and_then(|p| by_id.get(&p))
                                    .map(|r| r.person.alias.clone())
                                    .unwrap_or_default()
                            };
                            let shown = &ids[..ids.len().min(SHOWN)];
                            let mut cards: Vec<Card> = match of {
                                CaseList::Offers => shown
                                    .iter()
                                    .filter_map(|id| fold.get::<SupportOffer>(*id))
                                    .map(|o| {
                                        let mut card = offer_card(i18n, &o);
                                        card.lines.insert(0, alias(o.person));
                                        card
                                    })
                                    .collect(),
                                CaseList::Overdue | CaseList::Week => shown
                                    .iter()
                                    .filter_map(|id| fold.get::<FollowUp>(*id))
                                    .map(|f| {
                                        let person = f.person;
                                        let mut card = follow_up_card(i18n, f, today);
                                        card.lines.insert(0, alias(person));
                                        card.href = person.map(Screen::person);
                                        card
                                    })
                                    .collect(),
                                _ => shown
                                    .iter()
                                    .filter_map(|id| by_id.get(id))
                                    .map(|row| person_card(i18n, row))
                                    .collect(),
                            };
                            if ids.len() > SHOWN {
                                cards.push(Card {
                                    title: format!(
                                        "+{} {}",
                                        ids.len() - SHOWN,
                                        i18n.t(Msg::NotListedHere)
                                    ),
                                    ..Card::default()
                                });
                            }
                            vec![
                                Block::Title(format!("{words}: {}", ids.len()), "case-line"),
                                Block::Cards("case-records", cards),
                                Block::Link(
                                    Screen::CASELOAD.into(),
                                    Msg::CaseloadTitle,
                                    "caseload-back",
                                    false,
                                ),
                            ]
                        }
                        None => vec![Block::Para(i18n.t(Msg::NotFound).into(), "empty")],
                    }
                }
            };
            render(form, blocks)
        })
    };
    view! {
        {render(form, head)}
        {body}
    }
}

/// Whose caseload this phone shows: the team's to a coordinator; to a worker, what their
/// phones recorded (those the server listed under their name, and this one).
fn whose(ctx: AppCtx, team: bool, devices: &[DeviceInfo]) -> Whose {
    if team {
        return Whose::Team;
    }
    let me = ctx.username_untracked().unwrap_or_default();
    let mut mine: Vec<Uuid> = devices
        .iter()
        .filter(|d| d.username == me)
        .map(|d| d.id)
        .collect();
    mine.extend(ctx.device_id());
    Whose::Worker {
        devices: mine,
        name: me,
    }
}

/// The caseload's sections, each line in words.
fn sections(
    i18n: I18n,
    team: bool,
    load: &Load,
    devices: &[DeviceInfo],
    days: i32,
) -> Vec<Section> {
    let words = |lines: &[CaseLine], words: &dyn Fn(&CaseLine) -> String| {
        lines
            .iter()
            .map(|l| (words(l), l.ids.clone()))
            .collect::<Vec<_>>()
    };
    let or = |text: &str, empty: Msg| {
        if text.is_empty() {
            i18n.t(empty).to_string()
        } else {
            text.to_string()
        }
    };
    let device_words = |line: &CaseLine| {
        let device = line.about.unwrap_or_default();
        devices
            .iter()
            .find(|d| d.id == device)
            .map(|d| d.username.clone())
            .unwrap_or_else(|| {
                let id = device.simple().to_string();
                format!("{} {}", i18n.t(Msg::Phone), &id[..8])
            })
    };
    let workers = if team {
        (Msg::ByWorker, words(&load.by_device, &device_words))
    } else {
        let mine = load.by_device.iter().flat_map(|l| l.ids.clone()).collect();
        (Msg::MyPersons, vec![(i18n.t(Msg::MyPersons).into(), mine)])
    };
    let assigned = |l: &CaseLine| or(&l.key, Msg::NoOneAssigned);
    let status = |l: &CaseLine| {
        Status::from_code(&l.key)
            .map(|s| i18n.t(offer_status_msg(s)).to_string())
            .unwrap_or_default()
    };
    vec![
        (CaseList::Workers, workers.0, workers.1),
        (
            CaseList::Areas,
            Msg::ByArea,
            words(&load.by_area, &|l| or(&l.key, Msg::LineNoArea)),
        ),
        (
            CaseList::Groups,
            Msg::ByGroup,
            words(&load.by_group, &|l| l.key.clone()),
        ),
        (
            CaseList::Offers,
            Msg::OpenOffersHeading,
            words(&load.open_offers, &status),
        ),
        (
            CaseList::Overdue,
            Msg::OverdueHeading,
            words(&load.overdue, &assigned),
        ),
        (
            CaseList::Week,
            Msg::DueWeekHeading,
            words(&load.due_this_week, &assigned),
        ),
        (
            CaseList::Quiet,
            Msg::QuietHeading,
            vec![(
                format!("{} {days}", i18n.t(Msg::QuietDays)),
                load.quiet.clone(),
            )],
        ),
        (
            CaseList::Consent,
            Msg::FilterNoConsent,
            vec![(
                i18n.t(Msg::FilterNoConsent).into(),
                load.consent_missing.clone(),
            )],
        ),
    ]
}

/// Every section a heading, then a card for each line with its count, leading to the line's
/// page; or "None".
fn summary(i18n: I18n, sections: Vec<Section>, days: i32) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (list, heading, lines) in sections {
        blocks.push(Block::Heading(heading));
        if lines.is_empty() {
            blocks.push(Block::Para(i18n.t(Msg::NoneListed).into(), "muted"));
            continue;
        }
        let cards = lines
            .into_iter()
            .enumerate()
            .map(|(n, (words, ids))| {
                let n = if list == CaseList::Quiet {
                    days as usize
                } else {
                    n
                };
                Card {
                    href: Some(Screen::case_line(list, n)),
                    title: format!("{words}: {}", ids.len()),
                    ..Card::default()
                }
            })
            .collect();
        blocks.push(Block::Cards(list.names().1, cards));
    }
    blocks
}
