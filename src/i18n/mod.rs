//! Every word the user sees, in Swedish and English. Components ask for a [`Msg`]; nothing
//! user-facing is written in a component. Swedish is the default when the browser prefers it.

use leptos::prelude::*;

// The messages live by domain, one file each. Each file defines a macro that adds its list to
// the ones before it and hands them on; `collect!` starts the chain and the last link makes
// the one `Msg` enum and its `text` function. So a screen's words sit in a file of their own,
// and every message still has both languages in one place (and in one test).
#[macro_use]
mod shell;
#[macro_use]
mod contacts;
#[macro_use]
mod forms;
#[macro_use]
mod persons;
#[macro_use]
mod follow_ups;
#[macro_use]
mod offers;
#[macro_use]
mod groups;
#[macro_use]
mod device;
#[macro_use]
mod report;
#[macro_use]
mod check_ins;
#[macro_use]
mod export;

pub use check_ins::check_in_msg;
pub use contacts::{agency_msg, kind_msg, message_msg};
pub use device::audit_kind_msg;
pub use export::column_msg;
pub use follow_ups::follow_up_status_msg;
pub use forms::problem_msg;
pub use offers::{category_msg, offer_status_msg};
pub use persons::erasure_reason_msg;
pub use report::{line_words, median_msg, topic_msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Sv,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name for itself, shown in the switch whatever the current language,
    /// so a reader finds their language even in a screen they cannot read.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Sv => "Svenska",
            Lang::En => "English",
        }
    }

    /// The first of the browser's preferred languages that we speak; Swedish otherwise.
    pub fn from_browser() -> Lang {
        let languages = web_sys::window()
            .map(|w| w.navigator().languages())
            .unwrap_or_default();
        languages
            .iter()
            .filter_map(|l| l.as_string())
            .find_map(|l| Lang::from_code(l.get(..2).unwrap_or("")))
            .unwrap_or(Lang::Sv)
    }
}

/// The language in use, shared through context.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

impl I18n {
    /// The text for `msg` in the current language, as a plain string. Not reactive on purpose:
    /// a reactive closure per string costs wasm size, so a language change re-renders the
    /// whole app instead (see `app::App`), and components show static text.
    pub fn t(self, msg: Msg) -> &'static str {
        text(self.0.get_untracked(), msg)
    }

    /// The language's decimal mark: "12,5" in Swedish, "12.5" in English.
    pub fn decimal_mark(self) -> char {
        match self.0.get_untracked() {
            Lang::Sv => ',',
            Lang::En => '.',
        }
    }

    /// The current language, tracked.
    pub fn lang(self) -> Lang {
        self.0.get()
    }
}

macro_rules! messages {
    ([$($name:ident => $sv:literal, $en:literal;)*]) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        pub fn text(lang: Lang, msg: Msg) -> &'static str {
            match lang {
                Lang::Sv => match msg { $(Msg::$name => $sv),* },
                Lang::En => match msg { $(Msg::$name => $en),* },
            }
        }

        #[cfg(test)]
        pub const ALL: &[Msg] = &[$(Msg::$name),*];
    };
}

/// Walks the domains' macros, gathering their messages, then makes them one enum.
macro_rules! collect {
    ([$($acc:tt)*] $next:ident $($rest:ident)*) => { $next! { collect [$($acc)*] $($rest)* } };
    ([$($acc:tt)*]) => { messages! { [$($acc)*] } };
}

collect! {
    [] shell_messages contacts_messages forms_messages persons_messages follow_ups_messages
    offers_messages groups_messages device_messages report_messages check_ins_messages
    export_messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        for &msg in ALL {
            assert!(!text(Lang::Sv, msg).is_empty(), "{msg:?}");
            assert!(!text(Lang::En, msg).is_empty(), "{msg:?}");
        }
    }
}
