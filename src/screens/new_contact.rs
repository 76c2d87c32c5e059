use faltlogg_core::contact::{ContactDraft, ContactError, ContactKind};
use faltlogg_core::envelope::Change;
use faltlogg_core::ids;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;

use crate::components::{field_error, input_field, use_form, Banner, ErrorSummary, Field};
use crate::i18n::{kind_msg, use_i18n, Msg};
use crate::state::{self, use_app};
use crate::time::{from_local_input, now_ms, to_local_input};

fn error_msg(e: ContactError) -> Msg {
    match e {
        ContactError::OccurredAtMissing => Msg::ErrOccurredAtMissing,
        ContactError::OccurredAtInFuture => Msg::ErrOccurredAtInFuture,
        ContactError::AreaMissing => Msg::ErrAreaMissing,
        ContactError::AreaTooLong => Msg::ErrAreaTooLong,
        ContactError::KindMissing => Msg::ErrKindMissing,
        ContactError::NoteTooLong => Msg::ErrNoteTooLong,
    }
}

/// A new contact, in one short form: when (now), area (the last one used), kind, note.
#[component]
pub fn NewContact() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let navigate = use_navigate();
    // The last confirmation belongs to the last save, not to this form.
    ctx.notice.set(None);
    let last_area = ctx
        .records
        .with_untracked(|r| r.contacts_newest_first().first().map(|c| c.area.clone()));
    let occurred_at = RwSignal::new(to_local_input(now_ms()));
    let area = RwSignal::new(last_area.unwrap_or_default());
    let kind = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let draft = ContactDraft {
            occurred_at_ms: from_local_input(&occurred_at.get_untracked()),
            area: area.get_untracked(),
            kind: ContactKind::from_code(&kind.get_untracked()),
            note: note.get_untracked(),
        };
        let now = now_ms();
        match draft.validate(ids::new_v7(now as u64, &mut OsRng), now) {
            Err(errors) => form.set_errors.set(
                errors
                    .into_iter()
                    .map(|e| (e.field(), error_msg(e)))
                    .collect(),
            ),
            Ok(contact) => {
                form.set_errors.set(Vec::new());
                let navigate = navigate.clone();
                form.run(async move {
                    state::save_change(ctx, Change::PutContact(contact)).await?;
                    // Clear the typed text at once, so no form state keeps it.
                    note.set(String::new());
                    ctx.notice.set(Some(Msg::ContactSaved));
                    navigate(super::Screen::TODAY, Default::default());
                    Ok(())
                });
            }
        }
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off" class="contact-form">
            {input_field(form, Field::new("occurred-at", Msg::When, "datetime-local", occurred_at))}
            {input_field(form, Field::new("area", Msg::Area, "text", area).hint(Msg::AreaHint).capitalize())}
            <div class="field">
                <label for="kind">{i18n.t(Msg::Kind)}</label>
                {field_error(form.errors, "kind")}
                <select id="kind" aria-invalid=form.invalid("kind") prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Msg::ChooseKind)}</option>
                    {ContactKind::ALL.into_iter().map(|k| view! {
                        <option value=k.code()>{i18n.t(kind_msg(k))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="note">{i18n.t(Msg::Note)}</label>
                <p class="hint" id="note-hint">{i18n.t(Msg::NoteHint)}</p>
                {field_error(form.errors, "note")}
                <textarea id="note" rows="4" autocomplete="off" aria-describedby="note-hint"
                    aria-invalid=form.invalid("note") bind:value=note></textarea>
            </div>
            <div class="actions">
                <button type="submit" class="primary" id="save-contact" disabled=form.busy()>
                    {i18n.t(Msg::SaveContact)}
                </button>
                <a href=super::Screen::TODAY class="button secondary">{i18n.t(Msg::Cancel)}</a>
            </div>
        </form>
    }
}
