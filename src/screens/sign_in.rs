use std::rc::Rc;

use crate::fresh::Fresh;
use leptos::prelude::*;

use crate::components::{simple_form, use_form, Banner, Field, LanguageSwitch};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

/// Sign-in form: on the first screen of a new device, and again in More when a session has
/// expired (`again`), where it keeps the device and its data.
#[component]
pub fn SignInForm(#[prop(optional)] again: bool) -> impl IntoView {
    let ctx = use_app();
    let form = use_form();
    let known = ctx.username_untracked();
    let username = RwSignal::new(known.unwrap_or_default());
    let password = RwSignal::new(String::new());
    let submit = move || {
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
    let fields = vec![
        Field::new("username", Msg::Username, "text", username)
            .autocomplete("username")
            .readonly(again),
        Field::new("password", Msg::Password, "password", password)
            .autocomplete("current-password"),
    ];
    simple_form(form, fields, Msg::SignInButton, Rc::new(submit))
}

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    view! {
        <h1>{i18n.t(Msg::SignInTitle)}</h1>
        // Why a phone came back here by itself (removed from its team, and erased).
        <Banner msg=ctx.notice()/>
        <p>{i18n.t(Msg::SignInIntro)}</p>
        <SignInForm/>
        <LanguageSwitch/>
    }
}

/// Why the last sync failed, and after an expired sign-in the form to sign in again, which
/// keeps this device, its keys and its data. On More and on the waiting screen.
#[component]
pub fn SyncProblem() -> impl IntoView {
    let problem = use_app().sync_problem();
    view! {
        <Banner msg=problem warning=true/>
        {move || Fresh((problem.get() == Some(Msg::SessionExpired)).then(|| view! { <SignInForm again=true/> }))}
    }
}
