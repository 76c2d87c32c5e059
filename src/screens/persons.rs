//! Persons: the searchable list, and the person picker of the contact form.

use faltlogg_core::fold::Fold;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::order_by_number;
use faltlogg_core::record::person::{rows, PersonFilter, PersonRow};
use faltlogg_core::record::text::fold_case;
use leptos::prelude::*;
use uuid::Uuid;

use super::Screen;
use crate::components::{field_error, use_form, Card, Field, FormState};
use crate::i18n::{use_i18n, I18n, Msg};
use crate::state::records::use_records;
use crate::time::today;
use crate::ui::{render, Block};

/// How many rows a list shows at once; a search narrows it.
const SHOWN: usize = 50;

/// The person rows, recomputed only when the records change.
fn use_person_rows() -> Memo<Vec<PersonRow>> {
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

#[component]
pub fn Persons() -> impl IntoView {
    let i18n = use_i18n();
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
                .map(|row| Card {
                    href: Some(Screen::person(row.person.id)),
                    title: label(row),
                    badges: badges(i18n, row),
                    ..Card::default()
                })
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
    render(
        use_form(),
        vec![
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
            Block::LiveCards("persons", cards, Msg::NoPersonsFound),
            Block::Link(
                Screen::NEW_PERSON.into(),
                Msg::NewPerson,
                "new-person",
                true,
            ),
        ],
    )
}

/// The persons of the newest contacts, most recent first: who a worker usually meets again.
fn recent_persons(fold: &Fold, limit: usize) -> Vec<Uuid> {
    let contacts = order_by_number(fold.live::<Contact>().collect(), |c| c.occurred_at_ms, true);
    let mut recent = Vec::new();
    for id in contacts.iter().flat_map(|c| c.persons.iter().copied()) {
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
    let offered = Memo::new(move |_| {
        let folded = fold_case(query.get().trim());
        let chosen = selected.get();
        all.with(|rows| {
            let mut shown: Vec<&PersonRow> = rows
                .iter()
                .filter(|r| chosen.contains(&r.person.id))
                .collect();
            for id in &recent {
                if let Some(r) = rows.iter().find(|r| r.person.id == *id) {
                    if !chosen.contains(id) {
                        shown.push(r);
                    }
                }
            }
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
    });
    let toggle = move |id: Uuid, on: bool| {
        selected.update(|s| {
            s.retain(|x| *x != id);
            if on {
                s.push(id);
            }
        })
    };
    view! {
        <fieldset class="choices" id="persons">
            <legend>{i18n.t(Msg::PersonsMet)}</legend>
            {field_error(form.errors, "persons")}
            {move || offered.get().into_iter().map(|(id, text)| {
                let element_id = format!("person-{id}");
                view! {
                    <label class="check" for=element_id.clone()>
                        <input type="checkbox" id=element_id.clone() prop:checked=move || selected.with(|s| s.contains(&id))
                            on:change=move |ev| toggle(id, event_target_checked(&ev))/>
                        <span>{text}</span>
                    </label>
                }
            }).collect_view()}
            <label for="person-search">{i18n.t(Msg::PersonsSearch)}</label>
            <input id="person-search" type="search" autocomplete="off" spellcheck="false" bind:value=query/>
            {move || (!query.with(|q| q.trim().is_empty()) && offered.with(Vec::is_empty)).then(|| view! {
                <p class="muted">{i18n.t(Msg::NoPersonsFound)}</p>
            })}
        </fieldset>
    }
}
