use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::components::{field_error, use_form, Banner, ErrorSummary, LanguageSwitch};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

/// Sign-in form: on the first screen of a new device, and again in More when a session has
/// expired (`again`), where it keeps the device and its data.
#[component]
pub fn SignInForm(#[prop(optional)] again: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let username = RwSignal::new(
        ctx.vault
            .with_untracked(|v| v.as_ref().map(|v| v.contents.user.username.clone()))
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (u, p) = (
            username.get_untracked().trim().to_string(),
            password.get_untracked(),
        );
        let mut errors = Vec::new();
        if u.is_empty() {
            errors.push(("username", Msg::UsernameMissing));
        }
        if p.is_empty() {
            errors.push(("password", Msg::PasswordMissing));
        }
        let ok = errors.is_empty();
        form.set_errors.set(errors);
        if ok {
            form.run(async move {
                state::sign_in(ctx, u, p).await?;
                password.set(String::new());
                Ok(())
            });
        }
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=submit novalidate>
            <div class="field">
                <label for="username">{i18n.t(Msg::Username)}</label>
                {field_error(form.errors, "username")}
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
                    spellcheck="false" readonly=again aria-invalid=form.invalid("username") bind:value=username/>
            </div>
            <div class="field">
                <label for="password">{i18n.t(Msg::Password)}</label>
                {field_error(form.errors, "password")}
                <input id="password" name="password" type="password" autocomplete="current-password"
                    aria-invalid=form.invalid("password") bind:value=password/>
            </div>
            <button type="submit" class="primary" disabled=form.busy()>
                {form.label(i18n.t(Msg::SignInButton))}
            </button>
        </form>
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="gate" id="main">
            <h1>{i18n.t(Msg::SignInTitle)}</h1>
            <p>{i18n.t(Msg::SignInIntro)}</p>
            <SignInForm/>
            <LanguageSwitch/>
        </main>
    }
}
