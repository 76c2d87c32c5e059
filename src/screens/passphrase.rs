use std::rc::Rc;

use faltlogg_core::crypto::vault::{check_new_passphrase, PassphraseError};
use leptos::prelude::*;

use crate::components::{simple_form, use_form, Field};
use crate::i18n::{use_i18n, Msg};
use crate::state::{self, use_app};

/// What is wrong with a new passphrase and its repetition, at the fields `ids` (the
/// passphrase's, the repetition's); nothing when it may be used.
pub fn new_passphrase_problems(
    passphrase: &str,
    repeated: &str,
    ids: [&'static str; 2],
) -> Vec<(&'static str, Msg)> {
    match check_new_passphrase(passphrase, repeated) {
        Err(PassphraseError::TooShort) => vec![(ids[0], Msg::PassphraseTooShort)],
        Err(PassphraseError::Mismatch) => vec![(ids[1], Msg::PassphraseMismatch)],
        Ok(()) => Vec::new(),
    }
}

#[component]
pub fn ChoosePassphrase() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let submit = move || {
        let p = passphrase.get_untracked();
        let problems = new_passphrase_problems(
            &p,
            &repeated.get_untracked(),
            ["passphrase", "passphrase-repeat"],
        );
        let ok = problems.is_empty();
        form.set_errors.set(problems);
        if ok {
            form.run(state::choose_passphrase(ctx, p));
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
