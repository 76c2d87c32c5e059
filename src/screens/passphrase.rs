use std::rc::Rc;

use faltlogg_core::crypto::vault::{check_new_passphrase, PassphraseError};
use leptos::prelude::*;

use crate::components::{simple_form, use_form, Field};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

#[component]
pub fn ChoosePassphrase() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let submit = move || {
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
    let fields = vec![
        Field::new("passphrase", Msg::Passphrase, "password", passphrase).hint(Msg::PassphraseHint),
        Field::new(
            "passphrase-repeat",
            Msg::PassphraseRepeat,
            "password",
            repeated,
        ),
    ];
    view! {
        <h1>{i18n.t(Msg::PassphraseTitle)}</h1>
        <p>{i18n.t(Msg::PassphraseIntro)}</p>
        {simple_form(form, fields, Msg::PassphraseSave, Rc::new(submit))}
    }
}
