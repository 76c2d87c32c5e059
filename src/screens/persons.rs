//! Persons: the searchable list, and the person picker of the contact form.

use faltlogg_core::fold::Fold;
use faltlogg_core::record::contact::{self, Contact};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{rows, Person, PersonFilter, PersonRow};
use faltlogg_core::record::text::fold_case;
use std::rc::Rc;

use crate::fresh::Fresh;
use leptos::prelude::*;
use uuid::Uuid;

use super::person::contact_card;
use super::Screen;
use crate::components::{card_memo, field_error, toggle_box, use_form, Card, Field, FormState};
use crate::i18n::{use_i18n, I18n, Msg};
use crate::state::records::use_records;
use crate::state::use_app;
use crate::time::today;
use crate::ui::{render, Block};

/// How many rows a list shows at once; a search narrows it.
const SHOWN: usize = 50;

/// The person rows, recomputed only when the records change.
pub fn use_person_rows() -> Memo<Vec<PersonRow>> {
    let records = use_records();
    Memo::new(move |_| records.with(|f| rows(f, today())))
}

/// "Kalle K · 2008 · Skälby": what tells one person from another, never more.
fn label(row: &PersonRow) -> String {
    let p = &row.person;
    let mut label = p.alias.clone();
    if let Some(year) = p.birth_year {
        label.push_str(&format!(" · {year}"));
    }
    if !p.area.is_empty() {
        label.push_str(" · ");
        label.push_str(&p.area);
    }
    label
}

fn badges(i18n: I18n, row: &PersonRow) -> Vec<&'static str> {
    [
        (row.overdue_follow_up, Msg::FilterOverdue),
        (row.open_offer, Msg::FilterOpenOffer),
        (row.consent_missing(), Msg::FilterNoConsent),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, m)| i18n.t(m))
    .collect()
}

/// A person as a card: what tells them apart, and badges for what needs doing; a tap opens
/// their page.
pub fn person_card(i18n: I18n, row: &PersonRow) -> Card {
    Card {
        href: Some(Screen::person(row.person.id)),
        title: label(row),
        badges: badges(i18n, row),
        ..Card::default()
    }
}

/// The persons list; with `group`, the group's page: its members, with the same search and
/// filters, and the members' newest contacts.
#[component]
pub fn Persons(group: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let all = use_person_rows();
    let query = RwSignal::new(String::new());
    let open_offer = RwSignal::new(false);
    let overdue = RwSignal::new(false);
    let no_consent = RwSignal::new(false);
    // The cards shown (at most SHOWN) and how many match.
    let found = Memo::new(move |_| {
        let filter = PersonFilter {
            query: query.get(),
            open_offer: open_offer.get(),
            overdue_follow_up: overdue.get(),
            consent_missing: no_consent.get(),
            group,
        };
        let folded = fold_case(filter.query.trim());
        all.with(|rows| {
            let matching: Vec<&PersonRow> = rows
                .iter()
                .filter(|r| r.matches(&filter, &folded))
                .collect();
            let cards: Vec<Card> = matching
                .iter()
                .take(SHOWN)
                .map(|row| person_card(i18n, row))
                .collect();
            (cards, matching.len())
        })
    });
    let count =
        Signal::derive(move || found.with(|(shown, total)| format!("{} / {total}", shown.len())));
    let cards = Signal::derive(move || found.with(|(shown, _)| shown.clone()));
    let filters = [
        ("filter-overdue", Msg::FilterOverdue, overdue),
        ("filter-open-offer", Msg::FilterOpenOffer, open_offer),
        ("filter-no-consent", Msg::FilterNoConsent, no_consent),
    ];
    // The confirmation of what led here (a person erased, a group saved).
    let mut blocks = vec![Block::Banner(use_app().notice().into(), false)];
    if let Some(id) = group {
        let Some(g) = records.with_untracked(|f| f.get::<Group>(id)) else {
            return render(
                use_form(),
                vec![Block::Para(i18n.t(Msg::NotFound).into(), "empty")],
            );
        };
        // The members' newest contacts.
        let contacts = card_memo(Box::new(move || {
            records.with(|f| {
                let members: Vec<Uuid> = f
                    .live::<Person>()
                    .filter(|p| p.groups.contains(&id))
                    .map(|p| p.id)
                    .collect();
                f.newest_first::<Contact>(contact::field::OCCURRED_AT)
                    .filter(|c| c.persons.iter().any(|p| members.contains(p)))
                    .take(GROUP_CONTACTS)
                    .map(|c| contact_card(i18n, &c))
                    .collect()
            })
        }));
        blocks.extend([
            Block::Title(g.alias, "group-alias"),
            Block::Para(g.area, "muted"),
            Block::Para(g.note, "note"),
            Block::Link(Screen::edit_group(id), Msg::EditGroup, "edit-group", false),
            Block::Heading(Msg::ContactsHeading),
            Block::LiveCards("group-contacts", contacts.into(), Msg::NoContacts),
            Block::Heading(Msg::Members),
        ]);
    }
    blocks.extend([
        Block::Input(Field::new(
            "person-search",
            Msg::PersonsSearch,
            "search",
            query,
        )),
        Block::Checks(
            Some(Msg::Filters),
            filters
                .into_iter()
                .map(|(id, m, on)| (id.to_string(), i18n.t(m).to_string(), on))
                .collect(),
            None,
        ),
        Block::LiveText("persons-count", count),
        Block::LiveCards(
            if group.is_some() {
                "group-members"
            } else {
                "persons"
            },
            cards,
            Msg::NoPersonsFound,
        ),
    ]);
    if group.is_none() {
        blocks.push(Block::Link(
            Screen::NEW_PERSON.into(),
            Msg::NewPerson,
            "new-person",
            true,
        ));
    }
    render(use_form(), blocks)
}

/// How many of the members' newest contacts a group page lists.
const GROUP_CONTACTS: usize = 10;

/// The persons of the newest contacts, most recent first: who a worker usually meets again.
fn recent_persons(fold: &Fold, limit: usize) -> Vec<Uuid> {
    let mut recent = Vec::new();
    let contacts = fold.newest_first::<Contact>(contact::field::OCCURRED_AT);
    for id in contacts.flat_map(|c| c.persons) {
        if !recent.contains(&id) {
            recent.push(id);
            if recent.len() == limit {
                break;
            }
        }
    }
    recent
}

/// Choosing persons for a contact: those chosen, recent ones, and a search over the rest. Each
/// is a checkbox (`person-<id>`), so one tap picks a recent person.
#[component]
pub fn PersonPicker(form: FormState, selected: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let all = use_person_rows();
    let recent = records.with_untracked(|f| recent_persons(f, 6));
    let query = RwSignal::new(String::new());
    // Those chosen, then recent ones, then (while searching) up to 8 matches.
    let offered = move || {
        let folded = fold_case(query.get().trim());
        let chosen = selected.get();
        all.with(|rows| {
            let by_id = |id: &Uuid| rows.iter().find(|r| r.person.id == *id);
            let mut shown: Vec<&PersonRow> = chosen.iter().filter_map(by_id).collect();
            shown.extend(
                recent
                    .iter()
                    .filter(|id| !chosen.contains(id))
                    .filter_map(by_id),
            );
            if !folded.is_empty() {
                let filter = PersonFilter::default();
                shown.extend(
                    rows.iter()
                        .filter(|r| {
                            !chosen.contains(&r.person.id) && !recent.contains(&r.person.id)
                        })
                        .filter(|r| r.matches(&filter, &folded))
                        .take(8),
                );
            }
            shown
                .into_iter()
                .map(|r| (r.person.id, label(r)))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <fieldset class="choices" id="persons">
            <legend>{i18n.t(Msg::PersonsMet)}</legend>
            {field_error(form.errors, "persons")}
            {move || Fresh(offered().into_iter().map(|(id, text)| {
                let checked = Signal::derive(move || selected.with(|s| s.contains(&id)));
                let set = Rc::new(move |on: bool| selected.update(|s| {
                    s.retain(|x| *x != id);
                    if on {
                        s.push(id);
                    }
                }));
                toggle_box(format!("person-{id}"), text, checked, set)
            }).collect_view())}
            <label for="person-search">{i18n.t(Msg::PersonsSearch)}</label>
            <input id="person-search" type="search" autocomplete="off" spellcheck="false" bind:value=query/>
        </fieldset>
    }
}
