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
pub mod person;
pub mod persons;
pub mod sign_in;
pub mod today;
pub mod unlock;

use uuid::Uuid;

use crate::i18n::Msg;

/// A screen of the unlocked app, found from the location's path. Every screen has its own URL,
/// so Back, reload and deep links work. Paths carry record ids (random UUIDs), never names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Today,
    NewContact,
    Persons,
    NewPerson,
    Person(Uuid),
    EditPerson(Uuid),
    More,
    NotFound,
}

impl Screen {
    pub const TODAY: &'static str = "/";
    pub const NEW_CONTACT: &'static str = "/contacts/new";
    pub const PERSONS: &'static str = "/persons";
    pub const NEW_PERSON: &'static str = "/persons/new";
    pub const MORE: &'static str = "/more";

    pub fn at(path: &str) -> Screen {
        let path = path.trim_end_matches('/');
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        match parts.as_slice() {
            [] | [""] => Screen::Today,
            ["contacts", "new"] => Screen::NewContact,
            ["persons"] => Screen::Persons,
            ["persons", "new"] => Screen::NewPerson,
            ["persons", id] => id.parse().map_or(Screen::NotFound, Screen::Person),
            ["persons", id, "edit"] => id.parse().map_or(Screen::NotFound, Screen::EditPerson),
            ["more"] => Screen::More,
            _ => Screen::NotFound,
        }
    }

    /// The path of a person's page.
    pub fn person(id: Uuid) -> String {
        format!("/persons/{id}")
    }

    pub fn edit_person(id: Uuid) -> String {
        format!("/persons/{id}/edit")
    }

    /// The title in the top bar (and the document's title): never a name.
    pub fn title(self) -> Msg {
        match self {
            Screen::Today => Msg::TodayTitle,
            Screen::NewContact => Msg::NewContactTitle,
            Screen::Persons => Msg::PersonsTitle,
            Screen::NewPerson => Msg::NewPerson,
            Screen::Person(_) => Msg::PersonTitle,
            Screen::EditPerson(_) => Msg::EditPerson,
            Screen::More => Msg::MoreTitle,
            Screen::NotFound => Msg::NotFoundTitle,
        }
    }

    /// The bottom-navigation tab this screen belongs to.
    pub fn tab(self) -> Screen {
        match self {
            Screen::NewContact => Screen::Today,
            Screen::NewPerson | Screen::Person(_) | Screen::EditPerson(_) => Screen::Persons,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Screen;
    use uuid::Uuid;

    #[test]
    fn paths_find_their_screens() {
        let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        assert_eq!(Screen::at(Screen::TODAY), Screen::Today);
        assert_eq!(Screen::at(Screen::NEW_CONTACT), Screen::NewContact);
        assert_eq!(Screen::at("/contacts/new/"), Screen::NewContact);
        assert_eq!(Screen::at(Screen::MORE), Screen::More);
        assert_eq!(Screen::at(Screen::PERSONS), Screen::Persons);
        assert_eq!(Screen::at(Screen::NEW_PERSON), Screen::NewPerson);
        assert_eq!(Screen::at(&Screen::person(id)), Screen::Person(id));
        assert_eq!(Screen::at(&Screen::edit_person(id)), Screen::EditPerson(id));
        assert_eq!(Screen::at("/persons/not-an-id"), Screen::NotFound);
        assert_eq!(Screen::at("/more/x"), Screen::NotFound);
        assert_eq!(Screen::NewContact.tab(), Screen::Today);
        assert_eq!(Screen::Person(id).tab(), Screen::Persons);
        assert_eq!(Screen::More.tab(), Screen::More);
    }
}
