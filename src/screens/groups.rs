//! Groups: the list, a group's page (members and their recent contacts) and its form.

use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::group::{Group, GroupDraft};
use faltlogg_core::record::person::Person;
use faltlogg_core::record::text::fold_case;
use faltlogg_core::record::{order_by_number, order_by_text};
use leptos::prelude::*;
use rand_core::OsRng;
use uuid::Uuid;

use super::person::contact_card;
use super::Screen;
use crate::components::{card_memo, use_form, Card, Field};
use crate::i18n::{use_i18n, Msg};
use crate::state::records::{edit, use_records};
use crate::state::use_app;
use crate::ui::{form_screen, render, Block, Saving};

#[component]
pub fn Groups() -> impl IntoView {
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
    render(
        use_form(),
        vec![
            Block::Input(Field::new(
                "group-search",
                Msg::GroupsSearch,
                "search",
                query,
            )),
            Block::LiveCards("groups", found.into(), Msg::NoGroups),
            Block::Link(Screen::NEW_GROUP.into(), Msg::NewGroup, "new-group", true),
        ],
    )
}

/// How many of the members' newest contacts a group page lists.
const GROUP_CONTACTS: usize = 10;

#[component]
pub fn GroupPage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records();
    let form = use_form();
    let page = Memo::new(move |_| {
        records.with(|f| {
            let group: Group = f.get(id)?;
            let members: Vec<Person> = order_by_text(
                f.live::<Person>()
                    .filter(|p| p.groups.contains(&id))
                    .collect(),
                |p| fold_case(&p.alias),
            );
            let contacts: Vec<Card> = order_by_number(
                f.live::<Contact>()
                    .filter(|c| c.persons.iter().any(|p| members.iter().any(|m| m.id == *p)))
                    .collect(),
                |c| c.occurred_at_ms,
                true,
            )
            .iter()
            .take(GROUP_CONTACTS)
            .map(|c| contact_card(i18n, c))
            .collect();
            let members = members
                .into_iter()
                .map(|p| Card {
                    href: Some(Screen::person(p.id)),
                    title: p.alias,
                    ..Card::default()
                })
                .collect();
            Some((group, members, contacts))
        })
    });
    move || {
        let blocks = match page.get() {
            None => vec![Block::Para(i18n.t(Msg::NotFound).into(), "empty")],
            Some((group, members, contacts)) => vec![
                Block::Banner(use_app().notice().into(), false),
                Block::Title(group.alias, "group-alias"),
                Block::Para(group.area, "muted"),
                Block::Para(group.note, "note"),
                Block::Link(Screen::edit_group(id), Msg::EditGroup, "edit-group", false),
                Block::Heading(Msg::Members),
                Block::Cards("group-members", members),
                Block::Heading(Msg::ContactsHeading),
                Block::Cards("group-contacts", contacts),
            ],
        };
        render(form, blocks)
    }
}

/// A new group (`id` is `None`) or an edit of one.
#[component]
pub fn GroupForm(id: Option<Uuid>) -> impl IntoView {
    let ctx = use_app();
    let records = use_records();
    let form = use_form();
    let before: Option<Group> = id.and_then(|id| records.with_untracked(|f| f.get(id)));
    let draft = before.as_ref().map(GroupDraft::of).unwrap_or_default();
    let alias = RwSignal::new(draft.alias);
    let area = RwSignal::new(draft.area);
    let note = RwSignal::new(draft.note);
    let new_id = id.unwrap_or_else(|| ids::new_v7(crate::time::now_ms() as u64, &mut OsRng));
    let submit = move || {
        let draft = GroupDraft {
            alias: alias.get_untracked(),
            area: area.get_untracked(),
            note: note.get_untracked(),
        };
        match draft.validate(new_id) {
            Err(errors) => {
                form.show_errors(errors);
                None
            }
            Ok(group) => Some(Saving {
                changes: edit(ctx, before.as_ref(), &group).into_iter().collect(),
                said: Msg::Saved,
                then: Screen::group(new_id),
            }),
        }
    };
    let blocks = vec![
        Block::Input(Field::new("alias", Msg::GroupAlias, "text", alias).capitalize()),
        Block::Input(
            Field::new("area", Msg::AreaOptional, "text", area)
                .hint(Msg::AreaHint)
                .capitalize(),
        ),
        Block::Note("note", Msg::Note, note),
        Block::Submit(Msg::SaveGroup, "save-group"),
    ];
    let key = format!("group:{}", id.map_or("new".into(), |i| i.to_string()));
    form_screen(form, key, blocks, Screen::GROUPS.into(), Box::new(submit))
}
