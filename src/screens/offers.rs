//! Support offers: a new offer for a person, and each offer's card on the person page with its
//! next step (accept, start, complete, decline, drop out), dated and, when it ends early, with a
//! reason. Steps the lifecycle does not allow are never offered, and refused if sent anyway.

use faltlogg_core::ids;
use faltlogg_core::record::date::Date;
use faltlogg_core::record::person::Person;
use faltlogg_core::record::support_offer::{Category, OfferDraft, Status, SupportOffer};
use faltlogg_core::record::Coded;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::Screen;
use crate::components::{
    card_list, input_field, note_field, select_field, use_form, Banner, Card, ErrorSummary, Field,
};
use crate::i18n::{category_msg, offer_status_msg, use_i18n, I18n, Msg};
use crate::state::records::{edit, save_all, use_records};
use crate::state::use_app;
use crate::time::today;

#[component]
pub fn NewOffer(person: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let navigate = use_navigate();
    let category = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let offered_on = RwSignal::new(today().iso());
    let note = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let draft = OfferDraft {
            person: Some(person),
            category: Category::from_code(&category.get_untracked()),
            provider: provider.get_untracked(),
            offered_on: offered_on.get_untracked(),
            note: note.get_untracked(),
        };
        let id = ids::new_v7(crate::time::now_ms() as u64, &mut OsRng);
        let exists = |p| records.with_untracked(|f| f.get::<Person>(p).is_some());
        let offer = match draft.validate(id, today(), exists) {
            Err(errors) => return form.show_errors(errors),
            Ok(o) => o,
        };
        form.set_errors.set(Vec::new());
        let navigate = navigate.clone();
        let changes = edit(ctx, None, &offer).into_iter().collect();
        form.run(async move {
            save_all(ctx, changes).await?;
            ctx.say(Msg::Saved);
            navigate(&Screen::person(person), Default::default());
            Ok(())
        });
    };
    let categories = Category::ALL
        .iter()
        .map(|&c| (c.code(), i18n.t(category_msg(c))))
        .collect();
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off">
            {select_field(form, "category".into(), "category", Msg::Category, categories, Some(Msg::ChooseCategory), category)}
            {input_field(form, Field::new("provider", Msg::Provider, "text", provider).capitalize())}
            {input_field(form, Field::new("offered-on", Msg::OfferedOn, "text", offered_on).hint(Msg::DateHint).numeric())}
            {note_field(form, "note", Msg::Note, note)}
            <div class="actions">
                <button type="submit" class="primary" id="save-offer" disabled=form.busy()>{i18n.t(Msg::SaveOffer)}</button>
                <a href=Screen::person(person) class="button secondary">{i18n.t(Msg::Cancel)}</a>
            </div>
        </form>
    }
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

/// One offer: its steps so far, and a form for the next one. Only the steps the lifecycle
/// allows are offered; a refused step (sent anyway) gets its message.
#[component]
pub fn OfferPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let offer = Memo::new(move |_| records.with(|f| f.get::<SupportOffer>(id)));
    move || match offer.get() {
        None => Either::Left(view! { <p class="empty">{i18n.t(Msg::NotFound)}</p> }),
        Some(offer) => Either::Right(view! {
            <Banner msg=use_app().notice()/>
            {card_list("offer", vec![offer_card(i18n, &offer)])}
            {offer.person.map(|p| view! { <a class="button secondary" href=Screen::person(p)>{i18n.t(Msg::PersonTitle)}</a> })}
            {offer.status.is_open().then(|| step_form(offer.clone()))}
        }),
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
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let step = Status::from_code(&to.get_untracked()).unwrap_or(offer.status);
        match offer.step(
            step,
            Date::parse(&on.get_untracked()),
            &reason.get_untracked(),
            today(),
        ) {
            Err(errors) => form.show_errors(errors),
            Ok(next) => {
                form.set_errors.set(Vec::new());
                let changes = edit(ctx, Some(&offer), &next).into_iter().collect();
                form.run(async move {
                    save_all(ctx, changes).await?;
                    ctx.say(Msg::Saved);
                    Ok(())
                });
            }
        }
    };
    let options = steps
        .iter()
        .map(|&s| (s.code(), i18n.t(offer_status_msg(s))))
        .collect();
    view! {
        <h2 class="section">{i18n.t(Msg::NextStep)}</h2>
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off">
            {select_field(form, "status".into(), "status", Msg::NextStep, options, None, to)}
            {input_field(form, Field::new("step-date", Msg::StepDate, "text", on).hint(Msg::DateHint).numeric())}
            {input_field(form, Field::new("reason", Msg::Reason, "text", reason).hint(Msg::ReasonHint))}
            <button type="submit" class="primary" id="save-step" disabled=form.busy()>{i18n.t(Msg::SaveStep)}</button>
        </form>
    }
}
