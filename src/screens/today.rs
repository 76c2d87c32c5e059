//! Today: what is overdue or due, the one primary action (a new contact), and the newest
//! contacts.

use faltlogg_core::record::contact::{self, Contact};
use faltlogg_core::record::follow_up::FollowUp;
use faltlogg_core::record::order_by_number;
use faltlogg_core::record::person::Person;
use leptos::prelude::*;

use super::person::contact_card;
use super::Screen;
use crate::components::{card_memo, use_form, Card};
use crate::i18n::{use_i18n, Msg};
use crate::state::records::use_records;
use crate::state::use_app;
use crate::time::today;
use crate::ui::{render, Block};

/// How many of the newest contacts Today lists: about two phone screens. Older ones are on
/// each person's page; a shorter list keeps Today quick to draw after every save.
const RECENT: usize = 10;

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let day = today();
    // Overdue first (oldest due first), then due today.
    let due = card_memo(Box::new(move || {
        records.with(|f| {
            let list: Vec<FollowUp> = f
                .live::<FollowUp>()
                .filter(|x| x.overdue(day) || x.due_today(day))
                .collect();
            order_by_number(list, |x| x.due.map_or(0, |d| d.0.into()), false)
                .into_iter()
                .map(|x| Card {
                    href: x.person.map(Screen::person),
                    title: x
                        .person
                        .and_then(|p| f.get::<Person>(p))
                        .map(|p| p.alias)
                        .unwrap_or_default(),
                    badges: vec![i18n.t(if x.overdue(day) {
                        Msg::Overdue
                    } else {
                        Msg::DueToday
                    })],
                    lines: vec![format!(
                        "{} {} · {}",
                        i18n.t(Msg::DueOn),
                        x.due.map(|d| d.iso()).unwrap_or_default(),
                        x.assigned
                    )],
                    ..Card::default()
                })
                .collect()
        })
    }));
    // Newest first; among contacts of the same minute, the one made last.
    let recent = card_memo(Box::new(move || {
        records.with(|f| {
            f.newest_first::<Contact>(contact::field::OCCURRED_AT)
                .take(RECENT)
                .map(|c| contact_card(i18n, &c))
                .collect()
        })
    }));
    render(
        use_form(),
        vec![
            Block::Banner(ctx.notice().into(), false),
            Block::Banner(ctx.sync_problem(), true),
            Block::Heading(Msg::FollowUpsHeading),
            Block::LiveCards("due-follow-ups", due.into(), Msg::NoFollowUpsToday),
            Block::Heading(Msg::ContactsHeading),
            Block::LiveCards("contacts", recent.into(), Msg::NoContacts),
            Block::Link(
                Screen::NEW_CONTACT.into(),
                Msg::NewContact,
                "new-contact",
                true,
            ),
        ],
    )
}
