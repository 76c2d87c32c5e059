//! The contact form. A new contact is built for one hand and one minute: the time is now, the area is the last one
//! used, persons come from recent contacts and a search, and a follow-up can be planned from
//! the same form. From Today it takes five taps: *New contact*, the kind (two on a phone's
//! picker), a recent person, *Save*. The same form edits a saved contact: only the fields
//! that changed are written, so an edit on another phone to other fields is kept.

use crate::rng::PhoneRng;
use faltlogg_core::fold::Fold;
use faltlogg_core::ids;
use faltlogg_core::record::contact::{self, Contact, ContactDraft, ContactKind, Message};
use faltlogg_core::record::date::Date;
use faltlogg_core::record::follow_up::FollowUpDraft;
use faltlogg_core::record::person::Person;
use faltlogg_core::record::{Agency, Coded, FieldError, Problem};
use leptos::prelude::*;
use uuid::Uuid;

use super::Screen;
use crate::components::{use_form, Field};
use crate::i18n::{agency_msg, kind_msg, message_msg, use_i18n, Msg};
use crate::state::records::{edit, use_records};
use crate::state::use_app;
use crate::time::{clock, local_date, local_ms, now_ms, parse_clock, today};
use crate::ui::{check, form_screen, Block, Saving, Select};

/// The area of the newest contact, to start the next one with.
fn last_area(fold: &Fold) -> String {
    fold.newest_first::<Contact>(contact::field::OCCURRED_AT)
        .next()
        .map(|c| c.area)
        .unwrap_or_default()
}

/// A new contact (`id` is `None`) or an edit of a saved one.
#[component]
pub fn ContactForm(id: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let before: Option<Contact> = id.and_then(|id| records.with_untracked(|f| f.get(id)));
    let draft = match &before {
        Some(c) => ContactDraft::of(c),
        None => ContactDraft {
            occurred_at_ms: Some(now_ms()),
            area: records.with_untracked(last_area),
            ..ContactDraft::default()
        },
    };
    let at = draft.occurred_at_ms.unwrap_or_else(now_ms);
    let date = RwSignal::new(local_date(at).iso());
    let time = RwSignal::new(clock(at));
    let area = RwSignal::new(draft.area);
    let kind = RwSignal::new(draft.kind.map(|k| k.code().to_string()).unwrap_or_default());
    let persons = RwSignal::new(draft.persons);
    let message = RwSignal::new(draft.message.code().to_string());
    let workers = RwSignal::new(draft.workers);
    let agencies: Vec<(Agency, RwSignal<bool>)> = Agency::ALL
        .iter()
        .map(|&a| (a, RwSignal::new(draft.agencies.contains(&a))))
        .collect();
    let safety = RwSignal::new(draft.safety_concern);
    let note = RwSignal::new(draft.note);
    let follow_up_due = RwSignal::new(String::new());

    let chosen_agencies = agencies.clone();
    let submit = move || {
        let now = now_ms();
        let mut errors: Vec<FieldError> = Vec::new();
        let day = Date::parse(&date.get_untracked());
        if day.is_none() {
            errors.push(FieldError {
                field: "occurred-date",
                problem: Problem::Invalid,
            });
        }
        let hm = parse_clock(&time.get_untracked());
        if hm.is_none() {
            errors.push(FieldError {
                field: "occurred-time",
                problem: Problem::Invalid,
            });
        }
        let draft = ContactDraft {
            occurred_at_ms: day.zip(hm).map(|(d, hm)| local_ms(d, hm)),
            area: area.get_untracked(),
            kind: ContactKind::from_code(&kind.get_untracked()),
            persons: persons.get_untracked(),
            workers: workers.get_untracked(),
            agencies: chosen_agencies
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(a, _)| *a)
                .collect(),
            message: Message::from_code(&message.get_untracked()).unwrap_or_default(),
            safety_concern: safety.get_untracked(),
            note: note.get_untracked(),
        };
        let exists = |id| records.with_untracked(|f| f.get::<Person>(id).is_some());
        let contact_id = id.unwrap_or_else(|| ids::new_v7(now as u64, &mut PhoneRng));
        let contact = draft.validate(contact_id, now, exists);
        // A planned follow-up per person met, assigned to whoever logs the contact.
        let due = follow_up_due.get_untracked();
        let mut follow_ups = Vec::new();
        if !due.trim().is_empty() {
            if draft.persons.is_empty() {
                errors.push(FieldError {
                    field: "follow-up-due",
                    problem: Problem::Missing,
                });
            }
            for &person in &draft.persons {
                let plan = FollowUpDraft {
                    person: Some(person),
                    due: due.clone(),
                    assigned: ctx.username().unwrap_or_default(),
                    link: Some(contact_id),
                };
                match plan.validate(ids::new_v7(now as u64, &mut PhoneRng), today(), exists) {
                    Ok(f) => follow_ups.push(f),
                    Err(e) => {
                        errors.extend(e.into_iter().map(|e| FieldError {
                            field: "follow-up-due",
                            ..e
                        }));
                        break;
                    }
                }
            }
        }
        let contact = match contact {
            Err(e) => {
                errors.splice(0..0, e);
                None
            }
            Ok(c) => Some(c),
        };
        let Some(contact) = contact.filter(|_| errors.is_empty()) else {
            errors.dedup_by_key(|e| e.field);
            form.show_errors(errors);
            return None;
        };
        let changes = edit(ctx, before.as_ref(), &contact)
            .into_iter()
            .chain(follow_ups.iter().filter_map(|f| edit(ctx, None, f)))
            .collect();
        Some(Saving {
            changes,
            said: Some(Msg::ContactSaved),
            then: Screen::TODAY.into(),
        })
    };
    let kinds = ContactKind::ALL
        .iter()
        .map(|&k| (k.code(), i18n.t(kind_msg(k))))
        .collect();
    let messages = Message::ALL
        .iter()
        .map(|&m| (m.code(), i18n.t(message_msg(m))))
        .collect();
    let mut blocks = vec![
        Block::Input(
            Field::new("occurred-date", Msg::Date, "text", date)
                .hint(Msg::DateHint)
                .numeric(),
        ),
        Block::Input(
            Field::new("occurred-time", Msg::Time, "text", time)
                .hint(Msg::TimeHint)
                .numeric(),
        ),
        Block::Select(Select {
            id: "kind",
            label: Msg::Kind,
            options: kinds,
            placeholder: Some(Msg::ChooseKind),
            value: kind,
        }),
        Block::Picker(persons),
        Block::Input(
            Field::new("area", Msg::Area, "text", area)
                .hint(Msg::AreaHint)
                .capitalize(),
        ),
        Block::Select(Select {
            id: "message",
            label: Msg::Message,
            options: messages,
            placeholder: None,
            value: message,
        }),
        check("safety-concern", Msg::SafetyConcern, safety),
        Block::Input(Field::new("workers", Msg::Workers, "text", workers).capitalize()),
        Block::Checks(
            Some(Msg::Agencies),
            agencies
                .into_iter()
                .map(|(a, on)| {
                    (
                        format!("agency-{}", a.code()),
                        i18n.t(agency_msg(a)).to_string(),
                        on,
                    )
                })
                .collect(),
            None,
        ),
        Block::Note("note", Msg::Note, note),
    ];
    if id.is_none() {
        blocks.push(Block::Input(
            Field::new("follow-up-due", Msg::FollowUpDue, "text", follow_up_due)
                .hint(Msg::FollowUpDueHint)
                .numeric(),
        ));
    }
    blocks.push(Block::Submit(Msg::SaveContact, "save-contact"));
    let key = format!("contact:{}", id.map_or("new".into(), |i| i.to_string()));
    form_screen(form, key, blocks, Screen::TODAY.into(), Box::new(submit))
}
