use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::components::{field_error, use_form, Banner, ErrorSummary, LanguageSwitch};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

#[component]
pub fn Unlock() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let p = passphrase.get_untracked();
        if p.is_empty() {
            form.set_errors
                .set(vec![("passphrase", Msg::WrongPassphrase)]);
            return;
        }
        form.set_errors.set(Vec::new());
        form.run(async move {
            let result = state::unlock(ctx, p).await;
            passphrase.set(String::new());
            result
        });
    };
    let erase = move |_| {
        let confirmed = window()
            .confirm_with_message(i18n.t(Msg::ForgetConfirm))
            .unwrap_or(false);
        if confirmed {
            leptos::task::spawn_local(state::erase_device(ctx));
        }
    };
    view! {
        <main class="gate" id="main">
            <h1>{i18n.t(Msg::UnlockTitle)}</h1>
            <p>{i18n.t(Msg::UnlockIntro)}</p>
            <ErrorSummary errors=form.errors/>
            <Banner msg=form.problem warning=true/>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="passphrase">{i18n.t(Msg::Passphrase)}</label>
                    {field_error(form.errors, "passphrase")}
                    <input id="passphrase" type="password" autocomplete="off" autofocus
                        aria-invalid=form.invalid("passphrase") bind:value=passphrase/>
                </div>
                <button type="submit" class="primary" disabled=form.busy()>
                    {form.label(i18n.t(Msg::UnlockButton))}
                </button>
            </form>
            <LanguageSwitch/>
            <button type="button" class="link danger" on:click=erase>{i18n.t(Msg::ForgetDevice)}</button>
        </main>
    }
}
