//! One person: the page (facts, conflicts, follow-ups, offers, contacts, history) and the form
//! that makes or edits a person.

use faltlogg_core::fold::RecordState;
use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{self, field, Person, PersonDraft};
use faltlogg_core::record::{Agency, Coded, FieldId, Kind, Record, Value, ARCHIVED};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::offers::offer_card;
use super::Screen;
use crate::components::{
    card_list, check_box, check_box_text, facts, input_field, note_field, use_form, Banner, Card,
    ErrorSummary, Field,
};
use crate::i18n::{agency_msg, follow_up_status_msg, kind_msg, use_i18n, I18n, Msg};
use crate::state::records::{edit, save_all, set, use_records};
use crate::state::use_app;
use crate::time::{date_time, today};

/// The words for a person's field, for conflicts and the history.
fn field_msg(field: FieldId) -> Msg {
    match field {
        field::ALIAS => Msg::Alias,
        field::BIRTH_YEAR => Msg::BirthYear,
        field::AREA => Msg::AreaOptional,
        field::CONSENT | field::CONSENT_DATE | field::CONSENT_SCOPE => Msg::ConsentGiven,
        field::RISK => Msg::Risk,
        field::NOTE => Msg::Note,
        _ => Msg::Archived,
    }
}

/// A field's value in words, as a conflict shows its choices.
fn value_words(i18n: I18n, value: &Value) -> String {
    match value {
        Value::Empty => i18n.t(Msg::NotShown).to_string(),
        Value::Bool(b) => i18n.t(if *b { Msg::Yes } else { Msg::No }).to_string(),
        Value::Int(n) => n.to_string(),
        Value::Text(t) => t.clone(),
        Value::Id(_) | Value::Ids(_) => i18n.t(Msg::Changed).to_string(),
    }
}

/// What the person page shows, recomputed when the records change.
#[derive(Clone, PartialEq)]
struct Page {
    file: person::PersonFile,
    /// Fields in conflict, each with its candidate values.
    conflicts: Vec<(FieldId, Vec<Value>)>,
    history: Vec<faltlogg_core::fold::HistoryEntry>,
}

#[component]
pub fn PersonPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let page = Memo::new(move |_| {
        records.with(|f| {
            let file = person::file(f, id)?;
            let state: &RecordState = f.state(Kind::Person, id)?;
            let conflicts = state
                .conflicts()
                .map(|(field, s)| (field, s.writes().map(|w| w.value.clone()).collect()))
                .collect();
            Some(Page {
                file,
                conflicts,
                history: state.history().to_vec(),
            })
        })
    });
    move || {
        let Some(Page {
            file,
            conflicts,
            history,
        }) = page.get()
        else {
            return Either::Left(view! { <p class="empty">{i18n.t(Msg::NotFound)}</p> });
        };
        let today = today();
        let person = file.person;
        // Every action on this page is one change, saved by the same button code.
        let mut actions: Vec<Action> = Vec::new();
        for (field, values) in conflicts {
            let what = i18n.t(field_msg(field));
            for (n, value) in values.into_iter().enumerate() {
                actions.push(Action {
                    id: format!("pick-{field}-{n}"),
                    label: format!(
                        "{what}: {} {}",
                        i18n.t(Msg::ChooseThis),
                        value_words(i18n, &value)
                    ),
                    class: "secondary conflict",
                    change: Some(set(ctx, Kind::Person, id, vec![(field, value)])),
                });
            }
        }
        let picks = actions.len();
        for f in file
            .follow_ups
            .iter()
            .filter(|f| f.status == follow_up::Status::Planned)
        {
            let due = f.due.map(|d| d.iso()).unwrap_or_default();
            for (to, msg, class) in [
                (
                    follow_up::Status::Done,
                    Msg::MarkDone,
                    "secondary mark-done",
                ),
                (
                    follow_up::Status::Missed,
                    Msg::MarkMissed,
                    "secondary mark-missed",
                ),
            ] {
                actions.push(Action {
                    id: String::new(),
                    label: format!("{} {due}: {}", i18n.t(Msg::DueOn), i18n.t(msg)),
                    class,
                    change: f
                        .close(to, "", today)
                        .ok()
                        .and_then(|closed| edit(ctx, Some(f), &closed)),
                });
            }
        }
        let follow_up_cards = file
            .follow_ups
            .into_iter()
            .map(|f| follow_up_card(i18n, f, today))
            .collect();
        let consent = if person.consent.given {
            let scope: Vec<&str> = person
                .consent
                .scope
                .iter()
                .map(|a| i18n.t(agency_msg(*a)))
                .collect();
            let date = person.consent.date.map(|d| d.iso()).unwrap_or_default();
            format!("{} {date} {}", i18n.t(Msg::Yes), scope.join(", "))
        } else {
            i18n.t(Msg::No).to_string()
        };
        let archive = Action {
            id: "archive-person".into(),
            label: i18n.t(Msg::Archive).into(),
            class: "link",
            change: Some(set(
                ctx,
                Kind::Person,
                id,
                vec![(ARCHIVED, Value::Bool(true))],
            )),
        };
        let mut conflict_actions = actions;
        let follow_up_actions = conflict_actions.split_off(picks);
        Either::Right(view! {
            <Banner msg=ctx.notice()/>
            <Banner msg=form.problem warning=true/>
            {(!conflict_actions.is_empty()).then(|| view! {
                <div class="conflict" role="group" aria-label=i18n.t(Msg::Conflict)>
                    <p>{i18n.t(Msg::Conflict)}</p>
                    {conflict_actions.into_iter().map(|a| action_button(form, a)).collect_view()}
                </div>
            })}
            <h2 class="section" id="person-alias">{person.alias}</h2>
            {facts(vec![
                (Msg::BirthYear, person.birth_year.map(|y| y.to_string()).unwrap_or_default(), ""),
                (Msg::AreaOptional, person.area, ""),
                (Msg::ConsentGiven, consent, "person-consent"),
                (Msg::Risk, i18n.t(if person.risk { Msg::Yes } else { Msg::No }).to_string(), ""),
            ])}
            {(!person.note.is_empty()).then(|| view! { <p class="note">{person.note}</p> })}
            <div class="actions">
                <a class="button secondary" id="edit-person" href=Screen::edit_person(id)>{i18n.t(Msg::EditPerson)}</a>
                {action_button(form, archive)}
            </div>
            <h2 class="section">{i18n.t(Msg::FollowUpsHeading)}</h2>
            {card_list("person-follow-ups", follow_up_cards)}
            <div class="planned">{follow_up_actions.into_iter().map(|a| action_button(form, a)).collect_view()}</div>
            <h2 class="section">{i18n.t(Msg::OffersHeading)}</h2>
            {card_list("person-offers", file.offers.iter().map(|o| offer_card(i18n, o)).collect())}
            <div class="actions">
                <a class="button secondary" id="new-offer" href=Screen::new_offer(id)>{i18n.t(Msg::NewOffer)}</a>
                <a class="button secondary" id="new-follow-up" href=Screen::new_follow_up(id)>{i18n.t(Msg::NewFollowUp)}</a>
            </div>
            <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
            {card_list("person-contacts", file.contacts.iter().map(|c| contact_card(i18n, c)).collect())}
            <h2 class="section">{i18n.t(Msg::History)}</h2>
            {card_list("person-history", history_cards(i18n, history))}
        })
    }
}

/// A button that saves one change (or, where the change could not be made, says so).
struct Action {
    id: String,
    label: String,
    class: &'static str,
    change: Option<faltlogg_core::change::Change>,
}

fn action_button(form: crate::components::FormState, action: Action) -> impl IntoView {
    let ctx = use_app();
    let Action {
        id,
        label,
        class,
        change,
    } = action;
    view! {
        <button type="button" class=class id=(!id.is_empty()).then_some(id) disabled=form.busy()
            on:click=move |_| match change.clone() {
                Some(change) => form.run(save_all(ctx, vec![change])),
                None => form.problem.set(Some(Msg::ErrIllegalStep)),
            }>
            {label}
        </button>
    }
}

fn follow_up_card(i18n: I18n, f: FollowUp, today: faltlogg_core::record::date::Date) -> Card {
    let mut badges = vec![i18n.t(follow_up_status_msg(f.status))];
    if f.overdue(today) {
        badges.push(i18n.t(Msg::Overdue));
    }
    Card {
        title: format!(
            "{} {}",
            i18n.t(Msg::DueOn),
            f.due.map(|d| d.iso()).unwrap_or_default()
        ),
        lines: vec![f.assigned],
        badges,
        note: f.outcome,
        ..Card::default()
    }
}

/// A contact as a card: kind, when, where, note; a tap opens it for editing.
pub fn contact_card(i18n: I18n, contact: &Contact) -> Card {
    Card {
        href: Some(Screen::edit_contact(contact.id)),
        title: i18n.t(kind_msg(contact.kind)).to_string(),
        lines: vec![format!(
            "{} · {}",
            date_time(contact.occurred_at_ms),
            contact.area
        )],
        badges: if contact.safety_concern {
            vec![i18n.t(Msg::SafetyConcern)]
        } else {
            Vec::new()
        },
        note: contact.note.clone(),
    }
}

/// Who changed what, and when: the record's history, newest first.
fn history_cards(i18n: I18n, entries: Vec<faltlogg_core::fold::HistoryEntry>) -> Vec<Card> {
    let first = entries.first().map(|e| e.stamp);
    entries
        .into_iter()
        .rev()
        .map(|e| {
            let what = if Some(e.stamp) == first {
                Msg::Created
            } else {
                Msg::Changed
            };
            let mut fields: Vec<&str> = (1..=field::NOTE)
                .filter(|f| e.wrote(*f))
                .map(|f| i18n.t(field_msg(f)))
                .collect();
            fields.dedup();
            Card {
                title: format!(
                    "{} · {}",
                    date_time(e.stamp.hlc.wall_ms as i64),
                    i18n.t(what)
                ),
                lines: vec![fields.join(", ")],
                ..Card::default()
            }
        })
        .collect()
}

/// A new person (`id` is `None`) or an edit of one.
#[component]
pub fn PersonForm(id: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let navigate = use_navigate();
    let before: Option<Person> = id.and_then(|id| records.with_untracked(|f| f.get(id)));
    let draft = before.as_ref().map(PersonDraft::of).unwrap_or_default();
    let alias = RwSignal::new(draft.alias);
    let birth_year = RwSignal::new(draft.birth_year);
    let area = RwSignal::new(draft.area);
    let consent = RwSignal::new(draft.consent_given);
    let consent_date = RwSignal::new(draft.consent_date);
    let scope: Vec<(Agency, RwSignal<bool>)> = Agency::ALL
        .iter()
        .map(|&a| (a, RwSignal::new(draft.consent_scope.contains(&a))))
        .collect();
    let risk = RwSignal::new(draft.risk);
    let note = RwSignal::new(draft.note);
    let all_groups: Vec<(Uuid, String, RwSignal<bool>)> = records.with_untracked(|f| {
        f.live::<Group>()
            .map(|g| (g.id, g.alias, RwSignal::new(draft.groups.contains(&g.id))))
            .collect()
    });
    // Groups archived since stay as they were.
    let kept_groups: Vec<Uuid> = draft
        .groups
        .iter()
        .copied()
        .filter(|g| !all_groups.iter().any(|(id, _, _)| id == g))
        .collect();
    let group_choices = all_groups.clone();
    // Set once the worker has seen the likely-duplicate warning and chose to save anyway.
    let duplicate_ok = RwSignal::new(false);
    let warn_duplicate = RwSignal::new(None::<Msg>);

    let chosen = scope.clone();
    let save = move || {
        let draft = PersonDraft {
            alias: alias.get_untracked(),
            birth_year: birth_year.get_untracked(),
            area: area.get_untracked(),
            groups: kept_groups
                .iter()
                .copied()
                .chain(
                    all_groups
                        .iter()
                        .filter(|(_, _, on)| on.get_untracked())
                        .map(|(id, _, _)| *id),
                )
                .collect(),
            consent_given: consent.get_untracked(),
            consent_date: consent_date.get_untracked(),
            consent_scope: chosen
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(a, _)| *a)
                .collect(),
            risk: risk.get_untracked(),
            note: note.get_untracked(),
        };
        let new_id = id.unwrap_or_else(|| ids::new_v7(crate::time::now_ms() as u64, &mut OsRng));
        let person = match draft.validate(new_id, today()) {
            Err(errors) => return form.show_errors(errors),
            Ok(p) => p,
        };
        form.set_errors.set(Vec::new());
        let duplicate = records.with_untracked(|f| {
            f.live::<Person>()
                .any(|other| person.likely_same_as(&other))
        });
        if duplicate && !duplicate_ok.get_untracked() {
            warn_duplicate.set(Some(Msg::LikelyDuplicate));
            return;
        }
        let navigate = navigate.clone();
        let changes = edit(ctx, before.as_ref(), &person).into_iter().collect();
        form.run(async move {
            save_all(ctx, changes).await?;
            ctx.say(Msg::PersonSaved);
            navigate(&Screen::person(person.id()), Default::default());
            Ok(())
        });
    };
    let save_anyway = save.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save();
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        {move || warn_duplicate.get().map(|m| {
            let save_anyway = save_anyway.clone();
            view! {
                <div class="banner warning" role="alert">
                    <p>{i18n.t(m)}</p>
                    <button type="button" class="secondary" id="save-anyway" on:click=move |_| {
                        duplicate_ok.set(true);
                        save_anyway();
                    }>{i18n.t(Msg::SaveAnyway)}</button>
                </div>
            }
        })}
        <form on:submit=submit novalidate autocomplete="off">
            {input_field(form, Field::new("alias", Msg::Alias, "text", alias).hint(Msg::AliasHint).capitalize())}
            {input_field(form, Field::new("birth-year", Msg::BirthYear, "text", birth_year).numeric())}
            {input_field(form, Field::new("area", Msg::AreaOptional, "text", area).hint(Msg::AreaHint).capitalize())}
            {(!group_choices.is_empty()).then(|| view! {
                <fieldset class="choices" id="person-groups">
                    <legend>{i18n.t(Msg::GroupsOfPerson)}</legend>
                    {group_choices.into_iter().map(|(id, alias, on)| check_box_text(format!("group-{id}"), alias, on)).collect_view()}
                </fieldset>
            })}
            {check_box("consent", Msg::ConsentGiven, consent)}
            {move || consent.get().then(|| {
                let scope = scope.clone();
                view! {
                    {input_field(form, Field::new("consent-date", Msg::ConsentDate, "text", consent_date).hint(Msg::DateHint).numeric())}
                    <fieldset class="choices">
                        <legend>{i18n.t(Msg::ConsentScope)}</legend>
                        {scope.into_iter().map(|(a, on)| check_box(&format!("scope-{}", a.code()), agency_msg(a), on)).collect_view()}
                    </fieldset>
                }
            })}
            {check_box("risk", Msg::Risk, risk)}
            {note_field(form, "note", Msg::Note, note)}
            <div class="actions">
                <button type="submit" class="primary" id="save-person" disabled=form.busy()>{i18n.t(Msg::SavePerson)}</button>
                <a href=Screen::PERSONS class="button secondary">{i18n.t(Msg::Cancel)}</a>
            </div>
        </form>
    }
}
