//! Today: what is overdue or due, the one primary action (a new contact), and the newest
//! contacts.

use faltlogg_core::record::contact::Contact;
use faltlogg_core::record::follow_up::FollowUp;
use faltlogg_core::record::person::Person;
use leptos::either::Either;
use leptos::prelude::*;

use super::person::contact_card;
use super::Screen;
use crate::components::{Banner, Icon, IconSvg};
use crate::i18n::{use_i18n, Msg};
use crate::state::records::use_records;
use crate::state::use_app;
use crate::time::today;

/// How many of the newest contacts Today lists.
const RECENT: usize = 20;

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let records = use_records();
    let day = today();
    // Overdue first (oldest due first), then due today.
    let due = Memo::new(move |_| {
        records.with(|f| {
            let mut list: Vec<(FollowUp, String)> = f
                .live::<FollowUp>()
                .filter(|x| x.overdue(day) || x.due_today(day))
                .map(|x| {
                    let alias = x
                        .person
                        .and_then(|p| f.get::<Person>(p))
                        .map(|p| p.alias)
                        .unwrap_or_default();
                    (x, alias)
                })
                .collect();
            list.sort_by_key(|(x, _)| x.due);
            list
        })
    });
    let recent = Memo::new(move |_| {
        records.with(|f| {
            let mut contacts: Vec<Contact> = f.live::<Contact>().collect();
            contacts.sort_by(|a, b| {
                b.occurred_at_ms
                    .cmp(&a.occurred_at_ms)
                    .then(b.id.cmp(&a.id))
            });
            contacts.truncate(RECENT);
            contacts
        })
    });
    view! {
        <Banner msg=ctx.notice()/>
        <Banner msg=ctx.sync_problem() warning=true/>
        <h2 class="section">{i18n.t(Msg::FollowUpsHeading)}</h2>
        {move || {
            let list = due.get();
            if list.is_empty() {
                return Either::Left(view! { <p class="empty">{i18n.t(Msg::NoFollowUpsToday)}</p> });
            }
            Either::Right(view! {
                <ul class="cards" id="due-follow-ups">
                    {list.into_iter().map(|(f, alias)| {
                        let when = if f.overdue(day) { Msg::Overdue } else { Msg::DueToday };
                        let href = f.person.map(Screen::person).unwrap_or_default();
                        view! {
                            <li>
                                <a class="card" href=href>
                                    <p class="card-title">{alias}</p>
                                    <p class="badges"><span class="badge">{i18n.t(when)}</span></p>
                                    <p class="muted">{i18n.t(Msg::DueOn)} " " {f.due.map(|d| d.iso())} " · " {f.assigned}</p>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
        <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
        {move || {
            let contacts = recent.get();
            if contacts.is_empty() {
                return Either::Left(view! { <p class="empty">{i18n.t(Msg::NoContacts)}</p> });
            }
            Either::Right(view! {
                <ul class="cards" id="contacts">
                    {contacts.into_iter().map(contact_card).collect_view()}
                </ul>
            })
        }}
        <div class="actions sticky">
            <a href=Screen::NEW_CONTACT class="button primary" id="new-contact">
                <IconSvg icon=Icon::Plus/>
                <span>{i18n.t(Msg::NewContact)}</span>
            </a>
        </div>
    }
}
