//! Groups: the list, a group's page (members and their recent contacts) and its form.

use crate::rng::PhoneRng;
use faltlogg_core::ids;
use faltlogg_core::record::group::{Group, GroupDraft};
use faltlogg_core::record::order_by_text;
use faltlogg_core::record::text::fold_case;
use leptos::prelude::*;
use uuid::Uuid;

use super::Screen;
use crate::components::{card_memo, use_form, Card, Field};
use crate::i18n::Msg;
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
    let new_id = id.unwrap_or_else(|| ids::new_v7(crate::time::now_ms() as u64, &mut PhoneRng));
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
                said: Some(Msg::Saved),
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
