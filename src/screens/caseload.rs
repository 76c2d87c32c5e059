//! The caseload: the team's for a coordinator, a worker's own for a worker
//! (`faltlogg_core::report::caseload`). Each line folds open onto the records behind it, as
//! the same cards the persons list and the person page show.

use std::collections::BTreeMap;

use faltlogg_core::api::DeviceInfo;
use faltlogg_core::record::follow_up::FollowUp;
use faltlogg_core::record::person::PersonRow;
use faltlogg_core::record::support_offer::{Status, SupportOffer};
use faltlogg_core::record::Coded;
use faltlogg_core::report::caseload::{caseload, CaseLine, Whose};
use leptos::prelude::*;
use uuid::Uuid;

use super::offers::offer_card;
use super::person::follow_up_card;
use super::persons::{person_card, use_person_rows};
use super::Screen;
use crate::components::{use_form, Card};
use crate::i18n::{offer_status_msg, use_i18n, Msg};
use crate::state::records::use_records;
use crate::state::{team_devices, use_app};
use crate::time::{local_date, today};
use crate::ui::{render, Block, Select};

/// The choices of "no contact for at least … days"; the first is where the screen opens.
const QUIET_DAYS: [&str; 4] = ["30", "14", "60", "90"];

#[component]
pub fn Caseload() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let records = use_records();
    let rows = use_person_rows();
    let team = ctx.is_coordinator_untracked();
    let me = ctx.username_untracked().unwrap_or_default();
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
    let head = vec![
        Block::Para(
            i18n.t(if team {
                Msg::CaseloadTeamIntro
            } else {
                Msg::CaseloadOwnIntro
            })
            .into(),
            "",
        ),
        Block::Select(Select {
            id: "quiet-days",
            label: Msg::QuietDays,
            options: QUIET_DAYS.iter().map(|d| (*d, *d)).collect(),
            placeholder: None,
            value: quiet,
        }),
    ];
    let lines = move || {
        let today = today();
        let days = quiet.get().parse().unwrap_or(30);
        let rows = rows.get();
        // Inserted one by one: collecting would sort them first, with a sort of its own.
        let mut by_id: BTreeMap<Uuid, &PersonRow> = BTreeMap::new();
        for r in &rows {
            by_id.insert(r.person.id, r);
        }
        let persons = |ids: &[Uuid]| -> Vec<Card> {
            ids.iter()
                .filter_map(|id| by_id.get(id))
                .map(|row| person_card(i18n, row))
                .collect()
        };
        let alias = |person: Option<Uuid>| {
            person
                .and_then(|p| by_id.get(&p))
                .map(|r| r.person.alias.clone())
                .unwrap_or_default()
        };
        let whose = if team {
            Whose::Team
        } else {
            let mut mine: Vec<Uuid> = devices.with(|list| {
                list.iter()
                    .filter(|d| d.username == me)
                    .map(|d| d.id)
                    .collect()
            });
            mine.extend(ctx.device_id());
            Whose::Worker {
                devices: mine,
                name: me.clone(),
            }
        };
        records.with(|fold| {
            let load = caseload(fold, &whose, today, days, &local_date);
            let offers = |ids: &[Uuid]| -> Vec<Card> {
                ids.iter()
                    .filter_map(|id| fold.get::<SupportOffer>(*id))
                    .map(|o| {
                        let mut card = offer_card(i18n, &o);
                        card.lines.insert(0, alias(o.person));
                        card
                    })
                    .collect()
            };
            let follow_ups = |ids: &[Uuid]| -> Vec<Card> {
                ids.iter()
                    .filter_map(|id| fold.get::<FollowUp>(*id))
                    .map(|f| {
                        let person = f.person;
                        let mut card = follow_up_card(i18n, f, today);
                        card.lines.insert(0, alias(person));
                        card.href = person.map(Screen::person);
                        card
                    })
                    .collect()
            };
            let name = |device: &Uuid| {
                devices.with(|list| {
                    list.iter()
                        .find(|d| d.id == *device)
                        .map(|d| d.username.clone())
                })
            };
            let device_words = |line: &CaseLine| {
                let device = &line.about.unwrap_or_default();
                name(device).unwrap_or_else(|| {
                    let id = device.simple().to_string();
                    format!("{} {}", i18n.t(Msg::Phone), &id[..8])
                })
            };
            let or_none = |text: String, empty: Msg| {
                if text.is_empty() {
                    i18n.t(empty).to_string()
                } else {
                    text
                }
            };
            let mine: Vec<Uuid> = load.by_device.iter().flat_map(|l| l.ids.clone()).collect();
            let by_worker = if team {
                (
                    Msg::ByWorker,
                    each(&load.by_device, &device_words, &persons),
                )
            } else {
                let all = vec![(i18n.t(Msg::MyPersons).into(), persons(&mine))];
                (Msg::MyPersons, all)
            };
            let assigned = |l: &CaseLine| or_none(l.key.clone(), Msg::NoOneAssigned);
            let quiet_words = format!("{} {days}", i18n.t(Msg::QuietDays));
            let no_consent = i18n.t(Msg::FilterNoConsent).to_string();
            let sections = [
                by_worker,
                (
                    Msg::ByArea,
                    each(
                        &load.by_area,
                        &|l: &CaseLine| or_none(l.key.clone(), Msg::LineNoArea),
                        &persons,
                    ),
                ),
                (
                    Msg::ByGroup,
                    each(&load.by_group, &|l: &CaseLine| l.key.clone(), &persons),
                ),
                (
                    Msg::OpenOffersHeading,
                    each(
                        &load.open_offers,
                        &|l: &CaseLine| {
                            Status::from_code(&l.key)
                                .map(|s| i18n.t(offer_status_msg(s)).to_string())
                                .unwrap_or_default()
                        },
                        &offers,
                    ),
                ),
                (
                    Msg::OverdueHeading,
                    each(&load.overdue, &assigned, &follow_ups),
                ),
                (
                    Msg::DueWeekHeading,
                    each(&load.due_this_week, &assigned, &follow_ups),
                ),
                (Msg::QuietHeading, vec![(quiet_words, persons(&load.quiet))]),
                (
                    Msg::FilterNoConsent,
                    vec![(no_consent, persons(&load.consent_missing))],
                ),
            ];
            // Every section a heading, then a folded line for each line, or "None".
            let mut blocks = Vec::new();
            for (heading, lines) in sections {
                blocks.push(Block::Heading(heading));
                if lines.is_empty() {
                    blocks.push(Block::Para(i18n.t(Msg::NoneListed).into(), "muted"));
                }
                for (words, cards) in lines {
                    blocks.push(Block::Folded(format!("{words}: {}", cards.len()), cards));
                }
            }
            render(form, blocks)
        })
    };
    view! {
        {render(form, head)}
        {lines}
    }
}

/// Each line in words, with the cards of its records.
fn each(
    lines: &[CaseLine],
    words: &dyn Fn(&CaseLine) -> String,
    cards: &dyn Fn(&[Uuid]) -> Vec<Card>,
) -> Vec<(String, Vec<Card>)> {
    lines.iter().map(|l| (words(l), cards(&l.ids))).collect()
}
