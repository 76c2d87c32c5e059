use leptos::prelude::*;

use crate::components::{use_form, Banner};
use crate::i18n::{use_i18n, Msg};
use crate::screens::sign_in::SyncProblem;
use crate::state::{self, use_app};

/// How often a waiting device asks whether it has been approved.
const POLL_MS: u64 = 10_000;

/// Shown until a coordinator approves this device and seals the team key to it.
#[component]
pub fn Pending() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let pairing = move || ctx.pairing();
    let code = move || pairing().map(|(code, _)| code);
    let confirmed = move || pairing().is_some_and(|(_, confirmed)| confirmed);
    let unconfirmed = move || pairing().is_some_and(|(_, confirmed)| !confirmed);
    let confirm = move || form.run(state::confirm_pairing(ctx));
    let check = move || {
        form.run(async move {
            state::ensure_enrolled(ctx).await?;
            if ctx.approved() {
                Ok(())
            } else {
                Err(Msg::StillPending)
            }
        })
    };
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !form.working.get_untracked() {
                leptos::task::spawn_local(async move {
                    let _ = state::ensure_enrolled(ctx).await;
                });
            }
        },
        std::time::Duration::from_millis(POLL_MS),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <main class="gate" id="main">
            <h1>{i18n.t(Msg::PendingTitle)}</h1>
            <p>{i18n.t(Msg::PendingIntro)}</p>
            <p class="label">{i18n.t(Msg::Fingerprint)}</p>
            <p class="fingerprint" id="fingerprint">{code}</p>
            <Banner msg=form.problem/>
            <SyncProblem/>
            // This phone trusts its team only once the worker has seen the same code on the
            // coordinator's phone: a server cannot approve it past that comparison.
            {move || unconfirmed().then(|| view! {
                <button type="button" class="primary" id="codes-match" disabled=form.busy() on:click=move |_| confirm()>
                    {i18n.t(Msg::CodesMatch)}
                </button>
            })}
            {move || confirmed().then(|| view! {
                <p class="muted" id="codes-confirmed">{i18n.t(Msg::CodesConfirmed)}</p>
                <button type="button" class="primary" disabled=form.busy() on:click=move |_| check()>
                    {i18n.t(Msg::CheckAgain)}
                </button>
            })}
            <button type="button" class="secondary" on:click=move |_| state::lock(ctx)>{i18n.t(Msg::Lock)}</button>
        </main>
    }
}
