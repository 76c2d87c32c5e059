//! Support offers: a new offer for a person, and each offer's card on the person page with its
//! next step (accept, start, complete, decline, drop out), dated and, when it ends early, with a
//! reason. Steps the lifecycle does not allow are never offered, and refused if sent anyway.

use faltlogg_core::ids;
use faltlogg_core::record::date::Date;
use faltlogg_core::record::person::Person;
use faltlogg_core::record::support_offer::{Category, OfferDraft, Status, SupportOffer};
use faltlogg_core::record::Coded;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::Screen;
use crate::components::{
    field_error, input_field, note_field, use_form, Banner, ErrorSummary, Field,
};
use crate::i18n::{category_msg, offer_status_msg, use_i18n, Msg};
use crate::state::records::{save_record, use_records};
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
        form.run(async move {
            save_record(ctx, None, offer).await?;
            ctx.say(Msg::Saved);
            navigate(&Screen::person(person), Default::default());
            Ok(())
        });
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off">
            <div class="field">
                <label for="category">{i18n.t(Msg::Category)}</label>
                {field_error(form.errors, "category")}
                <select id="category" aria-invalid=form.invalid("category") prop:value=move || category.get()
                    on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Msg::ChooseCategory)}</option>
                    {Category::ALL.iter().map(|&c| view! { <option value=c.code()>{i18n.t(category_msg(c))}</option> }).collect_view()}
                </select>
            </div>
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

/// One offer on the person page: its status and dates, and a form for the next step.
pub fn offer_card(offer: SupportOffer) -> impl IntoView {
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
    let id = offer.id;
    let dates: Vec<(Msg, Date)> = [
        (Msg::StatusOffered, offer.offered_on),
        (Msg::StatusAccepted, offer.accepted_on),
        (Msg::StatusStarted, offer.started_on),
        (offer_status_msg(offer.status), offer.ended_on),
    ]
    .into_iter()
    .filter_map(|(m, d)| Some((m, d?)))
    .collect();
    let current = offer.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let step = Status::from_code(&to.get_untracked()).unwrap_or(current.status);
        let next = current.step(
            step,
            Date::parse(&on.get_untracked()),
            &reason.get_untracked(),
            today(),
        );
        match next {
            Err(errors) => form.show_errors(errors),
            Ok(next) => {
                form.set_errors.set(Vec::new());
                let before = current.clone();
                form.run(async move {
                    save_record(ctx, Some(before), next).await?;
                    ctx.say(Msg::Saved);
                    Ok(())
                });
            }
        }
    };
    let needs_reason = move || Status::from_code(&to.get()).is_some_and(Status::needs_reason);
    view! {
        <li class="card offer" id=format!("offer-{id}")>
            <p class="card-title">{i18n.t(category_msg(offer.category))} " · " {i18n.t(offer_status_msg(offer.status))}</p>
            <p class="muted">{offer.provider.clone()}</p>
            <p class="muted">{dates.into_iter().map(|(m, d)| format!("{} {}", i18n.t(m), d.iso())).collect::<Vec<_>>().join(" · ")}</p>
            {(!offer.end_reason.is_empty()).then(|| view! { <p class="note">{offer.end_reason.clone()}</p> })}
            {(!steps.is_empty()).then(|| view! {
                <form class="step" on:submit=submit novalidate autocomplete="off">
                    <Banner msg=form.problem warning=true/>
                    <div class="field">
                        <label for=format!("step-{id}")>{i18n.t(Msg::NextStep)}</label>
                        {field_error(form.errors, "status")}
                        <select id=format!("step-{id}") class="step-status" prop:value=move || to.get()
                            on:change=move |ev| to.set(event_target_value(&ev))>
                            {steps.iter().map(|&s| view! { <option value=s.code()>{i18n.t(offer_status_msg(s))}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=format!("step-date-{id}")>{i18n.t(Msg::StepDate)}</label>
                        <p class="hint">{i18n.t(Msg::DateHint)}</p>
                        {field_error(form.errors, "step-date")}
                        <input id=format!("step-date-{id}") class="step-date" type="text" inputmode="numeric" autocomplete="off"
                            spellcheck="false" aria-invalid=form.invalid("step-date") bind:value=on/>
                    </div>
                    {move || needs_reason().then(|| view! {
                        <div class="field">
                            <label for=format!("step-reason-{id}")>{i18n.t(Msg::Reason)}</label>
                            {field_error(form.errors, "reason")}
                            <input id=format!("step-reason-{id}") class="step-reason" type="text" autocomplete="off"
                                spellcheck="false" aria-invalid=form.invalid("reason") bind:value=reason/>
                        </div>
                    })}
                    <button type="submit" class="secondary save-step" disabled=form.busy()>{i18n.t(Msg::SaveStep)}</button>
                </form>
            })}
        </li>
    }
}
