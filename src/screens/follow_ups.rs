//! A new follow-up for a person: due today or later, assigned to a worker (the one signed in,
//! unless changed).

use faltlogg_core::record::follow_up::FollowUpDraft;
use leptos::prelude::*;
use uuid::Uuid;

use super::Screen;
use crate::components::{use_form, Field};
use crate::i18n::Msg;
use crate::state::records::new_of_person;
use crate::state::use_app;
use crate::time::today;
use crate::ui::{form_screen, Block};

#[component]
pub fn NewFollowUp(person: Uuid) -> impl IntoView {
    let ctx = use_app();
    let form = use_form();
    let due = RwSignal::new(today().add_days(7).iso());
    let assigned = RwSignal::new(ctx.username_untracked().unwrap_or_default());
    let submit = move || {
        let draft = FollowUpDraft {
            person: Some(person),
            due: due.get_untracked(),
            assigned: assigned.get_untracked(),
            link: None,
        };
        new_of_person(ctx, form, person, |id, today, exists| {
            draft.validate(id, today, exists)
        })
    };
    let blocks = vec![
        Block::Input(
            Field::new("due", Msg::Due, "text", due)
                .hint(Msg::DateHint)
                .numeric(),
        ),
        Block::Input(Field::new("assigned", Msg::Assigned, "text", assigned).capitalize()),
        Block::Submit(Msg::SaveFollowUp, "save-follow-up"),
    ];
    form_screen(
        form,
        format!("follow-up:new:{person}"),
        blocks,
        Screen::person(person),
        Box::new(submit),
    )
}
