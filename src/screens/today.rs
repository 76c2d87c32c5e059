//! Today: what is overdue or due, who of the team is working alone (and this worker's own
//! check-in), the one primary action (a new contact), and the newest contacts.

use faltlogg_core::check_in::check_in_end;
use faltlogg_core::record::contact::{self, Contact};
use faltlogg_core::record::follow_up::FollowUp;
use faltlogg_core::record::order_by_number;
use faltlogg_core::record::person::Person;
use leptos::prelude::*;

use super::person::contact_card;
use super::Screen;
use crate::components::{card_memo, use_form, Button, Card, Field, FormState};
use crate::i18n::{check_in_msg, use_i18n, Msg};
use crate::state::records::use_records;
use crate::state::{self, use_app, AppCtx};
use crate::time::{clock, now_ms, today, utc_offset_minutes};
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
    let form = use_form();
    let mut blocks = vec![
        Block::Banner(ctx.notice().into(), false),
        Block::Banner(ctx.sync_problem(), true),
        Block::Heading(Msg::FollowUpsHeading),
        Block::LiveCards("due-follow-ups", due.into(), Msg::NoFollowUpsToday),
    ];
    blocks.extend(check_in_blocks(ctx, form));
    blocks.extend([
        Block::Heading(Msg::ContactsHeading),
        Block::Heading(Msg::ContactsHeading),
        Block::LiveCards("contacts", recent.into(), Msg::NoContacts),
        Block::Link(
            Screen::NEW_CONTACT.into(),
            Msg::NewContact,
            "new-contact",
            true,
        ),
    ]);
    render(form, blocks)
}

/// Working alone: the team's open check-ins (soonest end first, as the server lists them),
/// and this worker's own: an end to type, check in, check out.
fn check_in_blocks(ctx: AppCtx, form: FormState) -> Vec<Block> {
    let i18n = use_i18n();
    let me = ctx.device_id();
    // Memos, not derived signals: the sync state changes with every save and sync, and the
    // list and the button are drawn again only when what they show changes.
    let team = card_memo(Box::new(move || {
        let now = now_ms();
        ctx.sync().with(|s| {
            s.check_ins
                .iter()
                .map(|c| Card {
                    title: c.username.clone(),
                    lines: vec![format!("{} {}", i18n.t(Msg::OutUntil), clock(c.until_ms))],
                    badges: state::is_overdue(c, now)
                        .then(|| i18n.t(Msg::Overdue))
                        .into_iter()
                        .collect(),
                    ..Card::default()
                })
                .collect()
        })
    }));
    let out = Memo::new(move |_| {
        !ctx.sync()
            .with(|s| s.check_ins.iter().any(|c| Some(c.device) == me))
    });
    let until = RwSignal::new(String::new());
    let start = move |form: FormState| {
        let now = now_ms();
        match check_in_end(&until.get_untracked(), now, utc_offset_minutes(now)) {
            Ok(end) => {
                form.set_errors.set(Vec::new());
                form.run(state::check_in(ctx, Some(end)));
            }
            Err(e) => form.set_errors.set(vec![(UNTIL, check_in_msg(e))]),
        }
    };
    let end = move |form: FormState| form.run(state::check_in(ctx, None));
    vec![
        Block::Heading(Msg::CheckInHeading),
        Block::LiveCards("check-ins", team.into(), Msg::NoCheckIns),
        Block::Banner(form.problem.into(), true),
        Block::Input(
            Field::new(UNTIL, Msg::CheckInUntil, "text", until)
                .hint(Msg::CheckInHint)
                .numeric(),
        ),
        Block::Button(
            Button::new(
                "start-check-in",
                i18n.t(Msg::StartCheckIn),
                "secondary",
                start,
            ),
            None,
        ),
        Block::Button(
            Button::new("end-check-in", i18n.t(Msg::EndCheckIn), "secondary", end),
            Some(out.into()),
        ),
    ]
}

/// The check-in's end field.
const UNTIL: &str = "check-in-until";
