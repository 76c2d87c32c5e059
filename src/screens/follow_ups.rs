//! A new follow-up for a person: due today or later, assigned to a worker (the one signed in,
//! unless changed).

use faltlogg_core::ids;
use faltlogg_core::record::follow_up::FollowUpDraft;
use faltlogg_core::record::person::Person;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::Screen;
use crate::components::{input_field, use_form, Banner, ErrorSummary, Field};
use crate::i18n::{use_i18n, Msg};
use crate::state::records::{edit, save_all, use_records};
use crate::state::use_app;
use crate::time::today;

#[component]
pub fn NewFollowUp(person: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let navigate = use_navigate();
    let due = RwSignal::new(today().add_days(7).iso());
    let assigned = RwSignal::new(ctx.username_untracked().unwrap_or_default());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let draft = FollowUpDraft {
            person: Some(person),
            due: due.get_untracked(),
            assigned: assigned.get_untracked(),
            link: None,
        };
        let id = ids::new_v7(crate::time::now_ms() as u64, &mut OsRng);
        let exists = |p| records.with_untracked(|f| f.get::<Person>(p).is_some());
        let follow_up = match draft.validate(id, today(), exists) {
            Err(errors) => return form.show_errors(errors),
            Ok(f) => f,
        };
        form.set_errors.set(Vec::new());
        let navigate = navigate.clone();
        let changes = edit(ctx, None, &follow_up).into_iter().collect();
        form.run(async move {
            save_all(ctx, changes).await?;
            ctx.say(Msg::Saved);
            navigate(&Screen::person(person), Default::default());
            Ok(())
        });
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off">
            {input_field(form, Field::new("due", Msg::Due, "text", due).hint(Msg::DateHint).numeric())}
            {input_field(form, Field::new("assigned", Msg::Assigned, "text", assigned).capitalize())}
            <div class="actions">
                <button type="submit" class="primary" id="save-follow-up" disabled=form.busy()>{i18n.t(Msg::SaveFollowUp)}</button>
                <a href=Screen::person(person) class="button secondary">{i18n.t(Msg::Cancel)}</a>
            </div>
        </form>
    }
}
