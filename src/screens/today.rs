use leptos::either::Either;
use leptos::prelude::*;

use crate::components::{Banner, Icon, IconSvg};
use crate::i18n::{kind_msg, use_i18n, Msg};
use crate::state::use_app;
use crate::time::date_time;

/// Today: the newest contacts first, and the one primary action, a new contact.
#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    view! {
        <Banner msg=ctx.notice/>
        <Banner msg=ctx.sync_problem() warning=true/>
        <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
        {move || {
            let contacts = ctx.records.with(|r| r.contacts_newest_first());
            if contacts.is_empty() {
                return Either::Left(view! { <p class="empty">{i18n.t(Msg::NoContacts)}</p> });
            }
            Either::Right(view! {
                <ul class="cards" id="contacts">
                    {contacts.into_iter().map(|contact| view! {
                        <li class="card">
                            <p class="card-title">{i18n.t(kind_msg(contact.kind))}</p>
                            <p class="muted">{date_time(contact.occurred_at_ms)} " · " {contact.area}</p>
                            {(!contact.note.is_empty()).then(|| view! { <p class="note">{contact.note}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            })
        }}
        <div class="actions sticky">
            <a href=super::Screen::NEW_CONTACT class="button primary" id="new-contact">
                <IconSvg icon=Icon::Plus/>
                <span>{i18n.t(Msg::NewContact)}</span>
            </a>
        </div>
    }
}
