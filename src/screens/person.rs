//! One person: the page (facts, conflicts, follow-ups, offers, contacts, history) and the form
//! that makes or edits a person.

use faltlogg_core::fold::RecordState;
use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{self, field, Person, PersonDraft};
use faltlogg_core::record::{Agency, Coded, FieldId, Kind, Record, Value};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::offers::offer_card;
use super::Screen;
use crate::components::{
    check_box, check_box_text, input_field, note_field, use_form, Banner, ErrorSummary, Field,
};
use crate::i18n::{agency_msg, follow_up_status_msg, kind_msg, use_i18n, I18n, Msg};
use crate::state::records::{save_fields, save_record, use_records};
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

#[component]
pub fn PersonPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let file = Memo::new(move |_| records.with(|f| person::file(f, id)));
    view! {
        <Banner msg=use_app().notice()/>
        {move || match file.get() {
            None => Either::Left(view! { <p class="empty">{i18n.t(Msg::NotFound)}</p> }),
            Some(file) => Either::Right(view! {
                <Conflicts id/>
                <Facts person=file.person.clone()/>
                <FollowUps list=file.follow_ups/>
                <section>
                    <h2 class="section">{i18n.t(Msg::OffersHeading)}</h2>
                    <ul class="cards" id="person-offers">
                        {file.offers.into_iter().map(offer_card).collect_view()}
                    </ul>
                </section>
                <div class="actions">
                    <a class="button secondary" id="new-offer" href=Screen::new_offer(id)>{i18n.t(Msg::NewOffer)}</a>
                    <a class="button secondary" id="new-follow-up" href=Screen::new_follow_up(id)>{i18n.t(Msg::NewFollowUp)}</a>
                </div>
                <section>
                    <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
                    <ul class="cards" id="person-contacts">
                        {file.contacts.into_iter().map(contact_card).collect_view()}
                    </ul>
                </section>
                <History id/>
            }),
        }}
    }
}

#[component]
fn Facts(person: Person) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let yes_no = move |b: bool| i18n.t(if b { Msg::Yes } else { Msg::No });
    let scope: Vec<&str> = person
        .consent
        .scope
        .iter()
        .map(|a| i18n.t(agency_msg(*a)))
        .collect();
    let consent = if person.consent.given {
        format!(
            "{} {} {}",
            yes_no(true),
            person.consent.date.map(|d| d.iso()).unwrap_or_default(),
            scope.join(", ")
        )
    } else {
        yes_no(false).to_string()
    };
    let id = person.id;
    let archived = RwSignal::new(false);
    let archive = move |_| {
        form.run(async move {
            save_fields(
                ctx,
                Kind::Person,
                id,
                vec![(faltlogg_core::record::ARCHIVED, Value::Bool(true))],
            )
            .await?;
            archived.set(true);
            Ok(())
        })
    };
    view! {
        <Banner msg=form.problem warning=true/>
        <h2 class="section" id="person-alias">{person.alias.clone()}</h2>
        <dl class="facts">
            <dt>{i18n.t(Msg::BirthYear)}</dt><dd>{person.birth_year.map(|y| y.to_string()).unwrap_or_else(|| i18n.t(Msg::NotShown).to_string())}</dd>
            <dt>{i18n.t(Msg::AreaOptional)}</dt><dd>{person.area.clone()}</dd>
            <dt>{i18n.t(Msg::ConsentGiven)}</dt><dd id="person-consent">{consent}</dd>
            <dt>{i18n.t(Msg::Risk)}</dt><dd>{yes_no(person.risk)}</dd>
        </dl>
        {(!person.note.is_empty()).then(|| view! { <p class="note">{person.note.clone()}</p> })}
        <div class="actions">
            <a class="button secondary" id="edit-person" href=Screen::edit_person(id)>{i18n.t(Msg::EditPerson)}</a>
            {move || (!archived.get()).then(|| view! {
                <button type="button" class="link" id="archive-person" disabled=form.busy() on:click=archive>{i18n.t(Msg::Archive)}</button>
            })}
        </div>
    }
}

/// Every field edited on two phones at once: both values, and a button to pick one.
#[component]
fn Conflicts(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let conflicts = Memo::new(move |_| {
        records.with(|f| {
            f.state(Kind::Person, id)
                .map(|s| {
                    s.conflicts()
                        .map(|(field, state)| {
                            (
                                field,
                                state.writes().map(|w| w.value.clone()).collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let pick = move |field: FieldId, value: Value| {
        form.run(async move { save_fields(ctx, Kind::Person, id, vec![(field, value)]).await })
    };
    view! {
        <Banner msg=form.problem warning=true/>
        {move || conflicts.get().into_iter().map(|(field, values)| view! {
            <div class="conflict" role="group" aria-label=i18n.t(field_msg(field))>
                <p><strong>{i18n.t(field_msg(field))}</strong> ": " {i18n.t(Msg::Conflict)}</p>
                {values.into_iter().enumerate().map(|(n, value)| {
                    let words = value_words(i18n, &value);
                    view! {
                        <button type="button" class="secondary" id=format!("pick-{field}-{n}")
                            disabled=form.busy() on:click=move |_| pick(field, value.clone())>
                            {i18n.t(Msg::ChooseThis)} ": " {words}
                        </button>
                    }
                }).collect_view()}
            </div>
        }).collect_view()}
    }
}

#[component]
fn FollowUps(list: Vec<FollowUp>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let today = today();
    let close = move |f: FollowUp, to: follow_up::Status| {
        form.run(async move {
            let closed = f.close(to, "", today).map_err(|_| Msg::ErrIllegalStep)?;
            save_record(ctx, Some(f), closed).await
        })
    };
    view! {
        <section>
            <h2 class="section">{i18n.t(Msg::FollowUpsHeading)}</h2>
            <Banner msg=form.problem warning=true/>
            <ul class="cards" id="person-follow-ups">
                {list.into_iter().map(|f| {
                    let due = f.due.map(|d| d.iso()).unwrap_or_default();
                    let overdue = f.overdue(today);
                    let planned = f.status == follow_up::Status::Planned;
                    let (done, missed) = (f.clone(), f.clone());
                    view! {
                        <li class="card">
                            <p class="card-title">{i18n.t(Msg::DueOn)} " " {due} " · " {f.assigned.clone()}</p>
                            <p class="muted">{i18n.t(follow_up_status_msg(f.status))}</p>
                            {overdue.then(|| view! { <p class="badges"><span class="badge">{i18n.t(Msg::Overdue)}</span></p> })}
                            {planned.then(|| view! {
                                <div class="row">
                                    <button type="button" class="secondary mark-done" disabled=form.busy()
                                        on:click=move |_| close(done.clone(), follow_up::Status::Done)>{i18n.t(Msg::MarkDone)}</button>
                                    <button type="button" class="secondary mark-missed" disabled=form.busy()
                                        on:click=move |_| close(missed.clone(), follow_up::Status::Missed)>{i18n.t(Msg::MarkMissed)}</button>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A contact as a card: kind, when, where, note, and a link to edit it.
pub fn contact_card(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="card">
            <p class="card-title">{i18n.t(kind_msg(contact.kind))}</p>
            <p class="muted">{date_time(contact.occurred_at_ms)} " · " {contact.area}</p>
            {contact.safety_concern.then(|| view! { <p class="badges"><span class="badge">{i18n.t(Msg::SafetyConcern)}</span></p> })}
            {(!contact.note.is_empty()).then(|| view! { <p class="note">{contact.note}</p> })}
            <a class="edit-contact" href=Screen::edit_contact(contact.id)>{i18n.t(Msg::EditContact)}</a>
        </li>
    }
}

/// Who changed what, and when: the record's history, newest first.
#[component]
fn History(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let entries = Memo::new(move |_| {
        records.with(|f| {
            f.state(Kind::Person, id)
                .map(|s: &RecordState| s.history().to_vec())
                .unwrap_or_default()
        })
    });
    view! {
        <section>
            <h2 class="section">{i18n.t(Msg::History)}</h2>
            <ul class="cards" id="person-history">
                {move || {
                    let list = entries.get();
                    let first = list.first().map(|e| e.stamp);
                    list.into_iter().rev().map(|e| {
                        let what = if Some(e.stamp) == first { Msg::Created } else { Msg::Changed };
                        let mut fields: Vec<&str> = (1..=field::NOTE).filter(|f| e.wrote(*f)).map(|f| i18n.t(field_msg(f))).collect();
                        fields.dedup();
                        view! {
                            <li class="card">
                                <p class="muted">{date_time(e.stamp.hlc.wall_ms as i64)} " · " {i18n.t(what)}</p>
                                <p>{fields.join(", ")}</p>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </section>
    }
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
        let before = before.clone();
        form.run(async move {
            save_record(ctx, before, person.clone()).await?;
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
                        {scope.into_iter().map(|(a, on)| check_box(format!("scope-{}", a.code()), agency_msg(a), on)).collect_view()}
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
