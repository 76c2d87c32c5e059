//! One module per screen, and the route table of the unlocked app.
//!
//! The routes are flat and fixed, so the app matches the path itself ([`Screen::at`]) inside
//! leptos_router's `<Router>`, which still owns the history, the link clicks and
//! `use_location`/`use_navigate`. Measured on 2026-11-25: `<Routes>` with three `<Route>`s cost
//! 29 KB brotli of wasm for its general matcher (nested routes, params, transitions), 15 % of the
//! whole app's budget, for a job a `match` on three strings does.

pub mod more;
pub mod new_contact;
pub mod passphrase;
pub mod pending;
pub mod sign_in;
pub mod today;
pub mod unlock;

use crate::i18n::Msg;

/// A screen behind the bottom navigation, found from the location's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Today,
    NewContact,
    More,
    NotFound,
}

impl Screen {
    pub const TODAY: &'static str = "/";
    pub const NEW_CONTACT: &'static str = "/contacts/new";
    pub const MORE: &'static str = "/more";

    pub fn at(path: &str) -> Screen {
        match path.trim_end_matches('/') {
            "" => Screen::Today,
            Self::NEW_CONTACT => Screen::NewContact,
            Self::MORE => Screen::More,
            _ => Screen::NotFound,
        }
    }

    /// The title in the top bar.
    pub fn title(self) -> Msg {
        match self {
            Screen::Today => Msg::TodayTitle,
            Screen::NewContact => Msg::NewContactTitle,
            Screen::More => Msg::MoreTitle,
            Screen::NotFound => Msg::NotFoundTitle,
        }
    }

    /// The bottom-navigation tab this screen belongs to: a new contact is started from Today.
    pub fn tab(self) -> Screen {
        match self {
            Screen::NewContact => Screen::Today,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Screen;

    #[test]
    fn paths_find_their_screens() {
        assert_eq!(Screen::at(Screen::TODAY), Screen::Today);
        assert_eq!(Screen::at(Screen::NEW_CONTACT), Screen::NewContact);
        assert_eq!(Screen::at("/contacts/new/"), Screen::NewContact);
        assert_eq!(Screen::at(Screen::MORE), Screen::More);
        assert_eq!(Screen::at("/persons"), Screen::NotFound);
        assert_eq!(Screen::at("/more/x"), Screen::NotFound);
        assert_eq!(Screen::NewContact.tab(), Screen::Today);
        assert_eq!(Screen::More.tab(), Screen::More);
    }
}
