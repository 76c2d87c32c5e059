use std::rc::Rc;

use leptos::prelude::*;

use crate::components::{simple_form, use_form, Field, LanguageSwitch};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

#[component]
pub fn Unlock() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let submit = move || {
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
    let fields = vec![Field::new(
        "passphrase",
        Msg::Passphrase,
        "password",
        passphrase,
    )];
    view! {
        <h1>{i18n.t(Msg::UnlockTitle)}</h1>
        <p>{i18n.t(Msg::UnlockIntro)}</p>
        {simple_form(form, fields, Msg::UnlockButton, Rc::new(submit))}
        <LanguageSwitch/>
        <button type="button" class="link danger" on:click=erase>{i18n.t(Msg::ForgetDevice)}</button>
    }
}
