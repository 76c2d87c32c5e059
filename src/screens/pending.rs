use leptos::prelude::*;

use crate::components::{use_form, Button};
use crate::i18n::{use_i18n, Msg};
use crate::screens::sign_in::SyncProblem;
use crate::state::{self, use_app};
use crate::ui::{render, Block};

/// How often a waiting device asks whether it has been approved.
const POLL_MS: u64 = 10_000;

/// Shown until a coordinator approves this device and seals the team key to it.
#[component]
pub fn Pending() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let pairing = move || ctx.pairing();
    let code = Signal::derive(move || pairing().map(|(code, _)| code).unwrap_or_default());
    let confirmed = move || pairing().is_some_and(|(_, confirmed)| confirmed);
    // This phone trusts its team only once the worker has seen the same code on the
    // coordinator's phone: a server cannot approve it past that comparison.
    let codes_match = Button::new(
        "codes-match",
        i18n.t(Msg::CodesMatch),
        "primary",
        move |form| form.run(state::confirm_pairing(ctx)),
    );
    let check = Button::new(
        "check-approval",
        i18n.t(Msg::CheckAgain),
        "primary",
        move |form| {
            form.run(async move {
                state::ensure_enrolled(ctx).await?;
                if ctx.approved() {
                    Ok(())
                } else {
                    Err(Msg::StillPending)
                }
            })
        },
    );
    let lock = Button::new("lock-pending", i18n.t(Msg::Lock), "secondary", move |_| {
        state::lock(ctx)
    });
    let said = Signal::derive(move || {
        if confirmed() {
            i18n.t(Msg::CodesConfirmed).into()
        } else {
            String::new()
        }
    });
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
            {render(form, vec![
                Block::Para(i18n.t(Msg::PendingIntro).into(), ""),
                Block::Para(i18n.t(Msg::Fingerprint).into(), "label"),
                Block::LiveText("fingerprint", code),
                Block::Banner(form.problem.into(), false),
            ])}
            <SyncProblem/>
            {render(form, vec![
                Block::Button(codes_match, Some(Signal::derive(move || pairing().is_none_or(|(_, c)| c)))),
                Block::LiveText("codes-confirmed", said),
                Block::Button(check, Some(Signal::derive(move || !confirmed()))),
                Block::Button(lock, None),
            ])}
        </main>
    }
}
