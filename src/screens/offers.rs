//! Support offers: a new offer for a person, and an offer's page with its next step (accept,
//! start, complete, decline, drop out), dated and, when it ends early, with a reason. Steps
//! the lifecycle does not allow are never offered, and refused if sent anyway.

use crate::fresh::Fresh;
use faltlogg_core::record::date::Date;
use faltlogg_core::record::support_offer::{Category, OfferDraft, Status, SupportOffer};
use faltlogg_core::record::Coded;
use leptos::prelude::*;
use uuid::Uuid;

use super::Screen;
use crate::components::{use_form, Card, Field};
use crate::i18n::{category_msg, offer_status_msg, use_i18n, I18n, Msg};
use crate::state::records::{edit, new_of_person, use_records};
use crate::state::use_app;
use crate::time::today;
use crate::ui::{form_screen, render, Block, Saving, Select};

#[component]
pub fn NewOffer(person: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let category = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let offered_on = RwSignal::new(today().iso());
    let note = RwSignal::new(String::new());
    let submit = move || {
        let draft = OfferDraft {
            person: Some(person),
            category: Category::from_code(&category.get_untracked()),
            provider: provider.get_untracked(),
            offered_on: offered_on.get_untracked(),
            note: note.get_untracked(),
        };
        new_of_person(ctx, form, person, |id, today, exists| {
            draft.validate(id, today, exists)
        })
    };
    let blocks = vec![
        Block::Select(Select {
            id: "category",
            label: Msg::Category,
            options: Category::ALL
                .iter()
                .map(|&c| (c.code(), i18n.t(category_msg(c))))
                .collect(),
            placeholder: Some(Msg::ChooseCategory),
            value: category,
        }),
        Block::Input(Field::new("provider", Msg::Provider, "text", provider).capitalize()),
        Block::Input(
            Field::new("offered-on", Msg::OfferedOn, "text", offered_on)
                .hint(Msg::DateHint)
                .numeric(),
        ),
        Block::Note("note", Msg::Note, note),
        Block::Submit(Msg::SaveOffer, "save-offer"),
    ];
    form_screen(
        form,
        format!("offer:new:{person}"),
        blocks,
        Screen::person(person),
        Box::new(submit),
    )
}

/// An offer as a card on the person page; a tap opens its page.
pub fn offer_card(i18n: I18n, offer: &SupportOffer) -> Card {
    Card {
        href: Some(Screen::offer(offer.id)),
        title: format!(
            "{} · {}",
            i18n.t(category_msg(offer.category)),
            i18n.t(offer_status_msg(offer.status))
        ),
        lines: vec![offer.provider.clone(), step_dates(i18n, offer)],
        note: offer.end_reason.clone(),
        ..Card::default()
    }
}

/// "Offered 2026-11-01 · Accepted 2026-11-05 …": each step taken, with its date.
fn step_dates(i18n: I18n, offer: &SupportOffer) -> String {
    [
        (Msg::StatusOffered, offer.offered_on),
        (Msg::StatusAccepted, offer.accepted_on),
        (Msg::StatusStarted, offer.started_on),
        (offer_status_msg(offer.status), offer.ended_on),
    ]
    .into_iter()
    .filter_map(|(m, d)| Some(format!("{} {}", i18n.t(m), d?.iso())))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// One offer: its steps so far, and a form for the next one.
#[component]
pub fn OfferPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let offer = Memo::new(move |_| records.with(|f| f.get::<SupportOffer>(id)));
    move || {
        Fresh(match offer.get() {
            None => leptos::either::Either::Left(render(
                use_form(),
                vec![Block::Para(i18n.t(Msg::NotFound).into(), "empty")],
            )),
            Some(offer) => leptos::either::Either::Right(step_form(offer)),
        })
    }
}

fn step_form(offer: SupportOffer) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let steps = offer.status.next();
    let to = RwSignal::new(
        steps
            .first()
            .map(|s| s.code().to_string())
            .unwrap_or_default(),
    );
    let on = RwSignal::new(today().iso());
    let reason = RwSignal::new(String::new());
    let back = offer
        .person
        .map(Screen::person)
        .unwrap_or_else(|| Screen::PERSONS.into());
    let card = offer_card(i18n, &offer);
    let id = offer.id;
    let submit = move || {
        let step = Status::from_code(&to.get_untracked()).unwrap_or(offer.status);
        match offer.step(
            step,
            Date::parse(&on.get_untracked()),
            &reason.get_untracked(),
            today(),
        ) {
            Err(errors) => {
                form.show_errors(errors);
                None
            }
            Ok(next) => Some(Saving {
                changes: edit(ctx, Some(&offer), &next).into_iter().collect(),
                said: Some(Msg::Saved),
                // Stay: the page shows the offer's new status and its next step.
                then: String::new(),
            }),
        }
    };
    let mut blocks = vec![
        Block::Banner(ctx.notice().into(), false),
        Block::Cards("offer", vec![card]),
    ];
    if steps.is_empty() {
        blocks.push(Block::Link(back, Msg::PersonTitle, "", false));
        return leptos::either::Either::Left(render(form, blocks));
    }
    {
        blocks.extend([
            Block::Heading(Msg::NextStep),
            Block::Select(Select {
                id: "status",
                label: Msg::NextStep,
                options: steps
                    .iter()
                    .map(|&s| (s.code(), i18n.t(offer_status_msg(s))))
                    .collect(),
                placeholder: None,
                value: to,
            }),
            Block::Input(
                Field::new("step-date", Msg::StepDate, "text", on)
                    .hint(Msg::DateHint)
                    .numeric(),
            ),
            Block::Input(Field::new("reason", Msg::Reason, "text", reason).hint(Msg::ReasonHint)),
            Block::Submit(Msg::SaveStep, "save-step"),
        ]);
    }
    leptos::either::Either::Right(form_screen(
        form,
        format!("offer:{id}"),
        blocks,
        back,
        Box::new(submit),
    ))
}
