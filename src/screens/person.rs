//! One person: the page (facts, conflicts, follow-ups, offers, contacts, history) and the form
//! that makes or edits a person.

use crate::rng::PhoneRng;
use faltlogg_core::crypto::person::ErasureReason;
use faltlogg_core::fold::RecordState;
use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{self, field, Person, PersonDraft};
use faltlogg_core::record::{Agency, Coded, FieldId, Kind, Value, ARCHIVED};
use leptos::prelude::*;
use uuid::Uuid;

use super::offers::offer_card;
use super::Screen;
use crate::components::{use_form, Card, Field};
use crate::i18n::{
    agency_msg, erasure_reason_msg, follow_up_status_msg, kind_msg, use_i18n, I18n, Msg,
};
use crate::state::records::{edit, set, use_records};
use crate::state::{self, use_app};
use crate::time::{date_time, today};
use crate::ui::{check, form_screen, render, save_button, Block, Saving, Select};

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
            return render(
                form,
                vec![Block::Para(i18n.t(Msg::NotFound).into(), "empty")],
            );
        };
        let today = today();
        let person = file.person;
        let mut blocks = vec![
            Block::Banner(ctx.notice().into(), false),
            Block::Banner(form.problem.into(), true),
        ];
        // Each value of a field edited on two phones at once, and a button to keep it.
        for (field, values) in conflicts {
            let what = i18n.t(field_msg(field));
            blocks.push(Block::Para(
                format!("{what}: {}", i18n.t(Msg::Conflict)),
                "conflict",
            ));
            for (n, value) in values.into_iter().enumerate() {
                blocks.push(save_button(
                    format!("pick-{field}-{n}"),
                    format!("{} {}", i18n.t(Msg::ChooseThis), value_words(i18n, &value)),
                    "secondary",
                    Some(set(ctx, Kind::Person, id, vec![(field, value)])),
                ));
            }
        }
        let yes_no = |b: bool| i18n.t(if b { Msg::Yes } else { Msg::No }).to_string();
        let consent = if person.consent.given {
            let scope: Vec<&str> = person
                .consent
                .scope
                .iter()
                .map(|a| i18n.t(agency_msg(*a)))
                .collect();
            let date = person.consent.date.map(|d| d.iso()).unwrap_or_default();
            format!("{} {date} {}", yes_no(true), scope.join(", "))
        } else {
            yes_no(false)
        };
        let groups: Vec<&str> = file.groups.iter().map(|g| g.alias.as_str()).collect();
        blocks.extend([
            Block::Title(person.alias.clone(), "person-alias"),
            Block::Facts(vec![
                (
                    Msg::BirthYear,
                    person.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                    "",
                ),
                (Msg::AreaOptional, person.area.clone(), ""),
                (Msg::GroupsOfPerson, groups.join(", "), ""),
                (Msg::ConsentGiven, consent, "person-consent"),
                (Msg::Risk, yes_no(person.risk), ""),
            ]),
            Block::Para(person.note.clone(), "note"),
            Block::Link(
                Screen::edit_person(id),
                Msg::EditPerson,
                "edit-person",
                false,
            ),
            save_button(
                "archive-person".into(),
                i18n.t(Msg::Archive).into(),
                "link",
                Some(set(
                    ctx,
                    Kind::Person,
                    id,
                    vec![(ARCHIVED, Value::Bool(true))],
                )),
            ),
            Block::Heading(Msg::FollowUpsHeading),
        ]);
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
                blocks.push(save_button(
                    String::new(),
                    format!("{} {due}: {}", i18n.t(Msg::DueOn), i18n.t(msg)),
                    class,
                    f.close(to, "", today)
                        .ok()
                        .and_then(|closed| edit(ctx, Some(f), &closed)),
                ));
            }
        }
        blocks.extend([
            Block::Cards(
                "person-follow-ups",
                file.follow_ups
                    .into_iter()
                    .map(|f| follow_up_card(i18n, f, today))
                    .collect(),
            ),
            Block::Link(
                Screen::new_follow_up(id),
                Msg::NewFollowUp,
                "new-follow-up",
                false,
            ),
            Block::Heading(Msg::OffersHeading),
            Block::Cards(
                "person-offers",
                file.offers.iter().map(|o| offer_card(i18n, o)).collect(),
            ),
            Block::Link(Screen::new_offer(id), Msg::NewOffer, "new-offer", false),
            Block::Heading(Msg::ContactsHeading),
            Block::Cards(
                "person-contacts",
                file.contacts
                    .iter()
                    .map(|c| contact_card(i18n, c))
                    .collect(),
            ),
            Block::Heading(Msg::History),
            Block::Cards("person-history", history_cards(i18n, history)),
        ]);
        if state::may_erase(ctx, id) {
            blocks.push(Block::Link(
                Screen::erase_person(id),
                Msg::ErasePerson,
                "erase-person-link",
                false,
            ));
        }
        render(form, blocks)
    }
}

/// Erasing a person: a reason, a confirmation, then everything about the person is gone, on
/// this phone at once and everywhere else as the erasure reaches it.
#[component]
pub fn ErasePerson(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let reason = RwSignal::new(String::new());
    let submit = move || {
        let chosen = ErasureReason::CHOSEN
            .into_iter()
            .find(|r| erasure_code(*r) == reason.get_untracked());
        let Some(chosen) = chosen else {
            form.set_errors
                .set(vec![("erase-reason", Msg::EraseReasonMissing)]);
            return None;
        };
        let changes = match state::erasure(ctx, id, chosen) {
            Ok(changes) => changes,
            Err(msg) => {
                form.problem.set(Some(msg));
                return None;
            }
        };
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t(Msg::EraseConfirm)).ok())
            .unwrap_or(false);
        confirmed.then(|| Saving {
            changes,
            said: Some(Msg::PersonErased),
            then: Screen::PERSONS.into(),
        })
    };
    let blocks = vec![
        Block::Para(i18n.t(Msg::EraseExplain).into(), ""),
        Block::Select(Select {
            id: "erase-reason",
            label: Msg::EraseReason,
            options: ErasureReason::CHOSEN
                .iter()
                .map(|r| (erasure_code(*r), i18n.t(erasure_reason_msg(*r))))
                .collect(),
            placeholder: Some(Msg::ChooseReason),
            value: reason,
        }),
        Block::Submit(Msg::ErasePerson, "erase-person"),
    ];
    form_screen(
        form,
        format!("erase:{id}"),
        blocks,
        Screen::person(id),
        Box::new(submit),
    )
}

/// The stable code of a reason, for the choice's value.
fn erasure_code(reason: ErasureReason) -> &'static str {
    match reason {
        ErasureReason::Asked => "asked",
        ErasureReason::NotNeeded => "not-needed",
        ErasureReason::Mistake => "mistake",
        ErasureReason::Retention => "retention",
    }
}

pub fn follow_up_card(i18n: I18n, f: FollowUp, today: faltlogg_core::record::date::Date) -> Card {
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
        ..Card::default()
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
    let groups: Vec<(Uuid, String, RwSignal<bool>)> = records.with_untracked(|f| {
        f.live::<Group>()
            .map(|g| (g.id, g.alias, RwSignal::new(draft.groups.contains(&g.id))))
            .collect()
    });
    // Groups archived since stay as they were.
    let kept_groups: Vec<Uuid> = draft
        .groups
        .iter()
        .copied()
        .filter(|g| !groups.iter().any(|(id, _, _)| id == g))
        .collect();
    // Set once the worker has seen the likely-duplicate warning: the next save goes ahead.
    let warned = RwSignal::new(false);
    let new_id = id.unwrap_or_else(|| ids::new_v7(crate::time::now_ms() as u64, &mut PhoneRng));
    let chosen = scope.clone();
    let member_of = groups.clone();
    let submit = move || {
        let draft = PersonDraft {
            alias: alias.get_untracked(),
            birth_year: birth_year.get_untracked(),
            area: area.get_untracked(),
            groups: kept_groups
                .iter()
                .copied()
                .chain(
                    member_of
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
        let person = match draft.validate(new_id, today()) {
            Err(errors) => {
                form.show_errors(errors);
                return None;
            }
            Ok(p) => p,
        };
        let duplicate = records.with_untracked(|f| {
            f.live::<Person>()
                .any(|other| person.likely_same_as(&other))
        });
        if duplicate && !warned.get_untracked() {
            warned.set(true);
            form.set_errors.set(Vec::new());
            form.problem.set(Some(Msg::LikelyDuplicate));
            return None;
        }
        Some(Saving {
            changes: edit(ctx, before.as_ref(), &person).into_iter().collect(),
            said: Some(Msg::PersonSaved),
            then: Screen::person(new_id),
        })
    };
    let mut blocks = vec![
        Block::Input(
            Field::new("alias", Msg::Alias, "text", alias)
                .hint(Msg::AliasHint)
                .capitalize(),
        ),
        Block::Input(Field::new("birth-year", Msg::BirthYear, "text", birth_year).numeric()),
        Block::Input(
            Field::new("area", Msg::AreaOptional, "text", area)
                .hint(Msg::AreaHint)
                .capitalize(),
        ),
    ];
    if !groups.is_empty() {
        blocks.push(Block::Checks(
            Some(Msg::GroupsOfPerson),
            groups
                .into_iter()
                .map(|(id, alias, on)| (format!("group-{id}"), alias, on))
                .collect(),
            None,
        ));
    }
    blocks.extend([
        check("consent", Msg::ConsentGiven, consent),
        Block::Input(
            Field::new("consent-date", Msg::ConsentDate, "text", consent_date)
                .hint(Msg::DateHint)
                .numeric()
                .shown_when(consent),
        ),
        Block::Checks(
            Some(Msg::ConsentScope),
            scope
                .into_iter()
                .map(|(a, on)| {
                    (
                        format!("scope-{}", a.code()),
                        i18n.t(agency_msg(a)).to_string(),
                        on,
                    )
                })
                .collect(),
            Some(consent),
        ),
        check("risk", Msg::Risk, risk),
        Block::Note("note", Msg::Note, note),
        Block::Submit(Msg::SavePerson, "save-person"),
    ]);
    let key = format!("person:{}", id.map_or("new".into(), |i| i.to_string()));
    form_screen(form, key, blocks, Screen::PERSONS.into(), Box::new(submit))
}
