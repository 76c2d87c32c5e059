use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::{Banner, Icon, IconSvg};
use crate::i18n::{kind_msg, use_i18n, Msg};
use crate::state::use_app;
use crate::time::date_time;

/// Today: the newest contacts first, and the one primary action, a new contact.
#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let contacts = Memo::new(move |_| ctx.records.with(|r| r.contacts_newest_first()));
    let problem = Signal::derive(move || ctx.sync.with(|s| s.problem));
    view! {
        <Banner msg=ctx.notice/>
        <Banner msg=problem warning=true/>
        <h2 class="section">{i18n.t(Msg::ContactsHeading)}</h2>
        <Show
            when=move || !contacts.with(Vec::is_empty)
            fallback=move || view! { <p class="empty">{i18n.t(Msg::NoContacts)}</p> }
        >
            <ul class="cards" id="contacts">
                <For each=move || contacts.get() key=|c| (c.id, c.note.len(), c.occurred_at_ms) let(contact)>
                    <li class="card">
                        <p class="card-title">{i18n.t(kind_msg(contact.kind))}</p>
                        <p class="muted">{date_time(contact.occurred_at_ms)} " · " {contact.area.clone()}</p>
                        {(!contact.note.is_empty()).then(|| view! { <p class="note">{contact.note.clone()}</p> })}
                    </li>
                </For>
            </ul>
        </Show>
        <div class="actions sticky">
            <A href="/contacts/new" attr:class="button primary" attr:id="new-contact">
                <IconSvg icon=Icon::Plus/>
                <span>{i18n.t(Msg::NewContact)}</span>
            </A>
        </div>
    }
}
