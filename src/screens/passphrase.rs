use faltlogg_core::crypto::vault::{check_new_passphrase, PassphraseError};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::components::{field_error, use_form, Banner, ErrorSummary};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

#[component]
pub fn ChoosePassphrase() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let p = passphrase.get_untracked();
        match check_new_passphrase(&p, &repeated.get_untracked()) {
            Err(PassphraseError::TooShort) => form
                .set_errors
                .set(vec![("passphrase", Msg::PassphraseTooShort)]),
            Err(PassphraseError::Mismatch) => form
                .set_errors
                .set(vec![("passphrase-repeat", Msg::PassphraseMismatch)]),
            Ok(()) => {
                form.set_errors.set(Vec::new());
                form.run(state::choose_passphrase(ctx, p));
            }
        }
    };
    view! {
        <main class="gate" id="main">
            <h1>{i18n.t(Msg::PassphraseTitle)}</h1>
            <p>{i18n.t(Msg::PassphraseIntro)}</p>
            <ErrorSummary errors=form.errors/>
            <Banner msg=form.problem warning=true/>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="passphrase">{i18n.t(Msg::Passphrase)}</label>
                    <p class="hint" id="passphrase-hint">{i18n.t(Msg::PassphraseHint)}</p>
                    {field_error(form.errors, "passphrase")}
                    <input id="passphrase" type="password" autocomplete="off" aria-describedby="passphrase-hint"
                        aria-invalid=form.invalid("passphrase") bind:value=passphrase/>
                </div>
                <div class="field">
                    <label for="passphrase-repeat">{i18n.t(Msg::PassphraseRepeat)}</label>
                    {field_error(form.errors, "passphrase-repeat")}
                    <input id="passphrase-repeat" type="password" autocomplete="off"
                        aria-invalid=form.invalid("passphrase-repeat") bind:value=repeated/>
                </div>
                <button type="submit" class="primary" disabled=form.busy()>
                    {form.label(i18n.t(Msg::PassphraseSave))}
                </button>
            </form>
        </main>
    }
}
