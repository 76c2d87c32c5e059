//! Groups: the list, a group's page (members and their recent contacts) and its form.

use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::group::{Group, GroupDraft};
use faltlogg_core::record::person::Person;
use faltlogg_core::record::text::fold_case;
use faltlogg_core::record::{order_by_number, order_by_text};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use rand_core::OsRng;
use uuid::Uuid;

use super::person::contact_card;
use super::Screen;
use crate::components::{
    card_list, card_memo, cards_or, input_field, note_field, use_form, Banner, Card, ErrorSummary,
    Field, Icon, IconSvg,
};
use crate::i18n::{use_i18n, Msg};
use crate::state::records::{edit, save_all, use_records};
use crate::state::use_app;

#[component]
pub fn Groups() -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let query = RwSignal::new(String::new());
    let found = card_memo(Box::new(move || {
        let q = fold_case(query.get().trim());
        records.with(|f| {
            let groups =
                order_by_text(f.live::<Group>().filter(|g| g.matches(&q)).collect(), |g| {
                    fold_case(&g.alias)
                });
            groups
                .into_iter()
                .map(|g| Card {
                    href: Some(Screen::group(g.id)),
                    title: g.alias,
                    lines: vec![g.area],
                    ..Card::default()
                })
                .collect()
        })
    }));
    view! {
        <div class="field">
            <label for="group-search">{i18n.t(Msg::GroupsSearch)}</label>
            <input id="group-search" type="search" autocomplete="off" spellcheck="false" bind:value=query/>
        </div>
        {cards_or("groups", found, Msg::NoGroups)}
        <div class="actions sticky">
            <a href=Screen::NEW_GROUP class="button primary" id="new-group">
                <IconSvg icon=Icon::Plus/>
                <span>{i18n.t(Msg::NewGroup)}</span>
            </a>
        </div>
    }
}

/// How many of the members' newest contacts a group page lists.
const GROUP_CONTACTS: usize = 10;

#[component]
pub fn GroupPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let page = Memo::new(move |_| {
        records.with(|f| {
            let group: Group = f.get(id)?;
            let members: Vec<Person> = order_by_text(
                f.live::<Person>()
                    .filter(|p| p.groups.contains(&id))
                    .collect(),
                |p| fold_case(&p.alias),
            );
            let mut contacts = order_by_number(
                f.live::<Contact>()
                    .filter(|c| c.persons.iter().any(|p| members.iter().any(|m| m.id == *p)))
                    .collect(),
                |c| c.occurred_at_ms,
                true,
            );
            contacts.truncate(GROUP_CONTACTS);
            Some((group, members, contacts))
        })
    });
    view! {
        <Banner msg=use_app().notice()/>
        {move || match page.get() {
            None => Either::Left(view! { <p class="empty">{i18n.t(Msg::NotFound)}</p> }),
            Some((group, members, contacts)) => Either::Right(view! {
                <h2 class="section" id="group-alias">{group.alias}</h2>
                <p class="muted">{group.area}</p>
                {(!group.note.is_empty()).then(|| view! { <p class="note">{group.note}</p> })}
                <a class="button secondary" id="edit-group" href=Screen::edit_group(id)>{i18n.t(Msg::EditPerson)}</a>
                <h2 class="section">{i18n.t(Msg::Members)}</h2>
                {card_list("group-members", members.into_iter().map(|p| Card {
                    href: Some(Screen::person(p.id)),
                    title: p.alias,
                    ..Card::default()
                }).collect())}
                <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
                {card_list("group-contacts", contacts.iter().map(|c| contact_card(i18n, c)).collect())}
            }),
        }}
    }
}

/// A new group (`id` is `None`) or an edit of one.
#[component]
pub fn GroupForm(id: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let navigate = use_navigate();
    let before: Option<Group> = id.and_then(|id| records.with_untracked(|f| f.get(id)));
    let draft = before.as_ref().map(GroupDraft::of).unwrap_or_default();
    let alias = RwSignal::new(draft.alias);
    let area = RwSignal::new(draft.area);
    let note = RwSignal::new(draft.note);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let draft = GroupDraft {
            alias: alias.get_untracked(),
            area: area.get_untracked(),
            note: note.get_untracked(),
        };
        let new_id = id.unwrap_or_else(|| ids::new_v7(crate::time::now_ms() as u64, &mut OsRng));
        let group = match draft.validate(new_id) {
            Err(errors) => return form.show_errors(errors),
            Ok(g) => g,
        };
        form.set_errors.set(Vec::new());
        let navigate = navigate.clone();
        let changes = edit(ctx, before.as_ref(), &group).into_iter().collect();
        form.run(async move {
            save_all(ctx, changes).await?;
            ctx.say(Msg::Saved);
            navigate(&Screen::group(new_id), Default::default());
            Ok(())
        });
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate autocomplete="off">
            {input_field(form, Field::new("alias", Msg::GroupAlias, "text", alias).capitalize())}
            {input_field(form, Field::new("area", Msg::AreaOptional, "text", area).hint(Msg::AreaHint).capitalize())}
            {note_field(form, "note", Msg::Note, note)}
            <div class="actions">
                <button type="submit" class="primary" id="save-group" disabled=form.busy()>{i18n.t(Msg::SaveGroup)}</button>
                <a href=Screen::GROUPS class="button secondary">{i18n.t(Msg::Cancel)}</a>
            </div>
        </form>
    }
}
