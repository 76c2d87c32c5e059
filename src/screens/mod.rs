//! One module per screen, and the route table of the unlocked app.
//!
//! The routes are flat and fixed, so the app matches the path itself ([`Screen::at`]) inside
//! leptos_router's `<Router>`, which still owns the history, the link clicks and
//! `use_location`/`use_navigate`. Measured on 2026-11-25: `<Routes>` with three `<Route>`s cost
//! 29 KB brotli of wasm for its general matcher (nested routes, params, transitions), 15 % of the
//! whole app's budget, for a job a `match` on three strings does.

pub mod caseload;
pub mod contact_form;
pub mod dashboard;
pub mod export;
pub mod follow_ups;
pub mod groups;
pub mod more;
pub mod offers;
pub mod passphrase;
pub mod pending;
pub mod person;
pub mod persons;
pub mod report;
pub mod sign_in;
pub mod today;
pub mod unlock;

use faltlogg_core::record::date::Date;
use uuid::Uuid;

use crate::i18n::Msg;
use caseload::CaseList;

/// A screen of the unlocked app, found from the location's path. Every screen has its own URL,
/// so Back, reload and deep links work. Paths carry record ids (random UUIDs), never names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Today,
    NewContact,
    EditContact(Uuid),
    Persons,
    NewPerson,
    Person(Uuid),
    EditPerson(Uuid),
    /// A new support offer for a person.
    NewOffer(Uuid),
    /// A support offer and its next step.
    Offer(Uuid),
    /// A new follow-up with a person.
    NewFollowUp(Uuid),
    /// Erasing a person.
    ErasePerson(Uuid),
    Groups,
    NewGroup,
    Group(Uuid),
    EditGroup(Uuid),
    More,
    /// The partnership report (coordinators): the form alone, or the report of a period
    /// (from, to).
    Report(Option<(Date, Date)>),
    /// The caseload: the team's (coordinators) or the worker's own; its summary, or one
    /// line's page (a list and the line's place in it; for persons not met lately, the days).
    Caseload(Option<(CaseList, u32)>),
    /// The dashboard's charts (coordinators).
    Dashboard,
    NotFound,
}

impl Screen {
    pub const TODAY: &'static str = "/";
    pub const NEW_CONTACT: &'static str = "/contacts/new";
    pub const PERSONS: &'static str = "/persons";
    pub const NEW_PERSON: &'static str = "/persons/new";
    pub const GROUPS: &'static str = "/groups";
    pub const NEW_GROUP: &'static str = "/groups/new";
    pub const MORE: &'static str = "/more";
    pub const REPORT: &'static str = "/report";
    pub const CASELOAD: &'static str = "/caseload";
    pub const DASHBOARD: &'static str = "/dashboard";

    pub fn at(path: &str) -> Screen {
        let path = path.trim_end_matches('/');
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        let with_id =
            |id: &str, screen: fn(Uuid) -> Screen| id.parse().map_or(Screen::NotFound, screen);
        match parts.as_slice() {
            [] | [""] => Screen::Today,
            ["contacts", "new"] => Screen::NewContact,
            ["contacts", id, "edit"] => with_id(id, Screen::EditContact),
            ["persons"] => Screen::Persons,
            ["persons", "new"] => Screen::NewPerson,
            ["persons", id] => with_id(id, Screen::Person),
            ["persons", id, "edit"] => with_id(id, Screen::EditPerson),
            ["persons", id, "offers", "new"] => with_id(id, Screen::NewOffer),
            ["offers", id] => with_id(id, Screen::Offer),
            ["persons", id, "follow-ups", "new"] => with_id(id, Screen::NewFollowUp),
            ["persons", id, "erase"] => with_id(id, Screen::ErasePerson),
            ["groups"] => Screen::Groups,
            ["groups", "new"] => Screen::NewGroup,
            ["groups", id] => with_id(id, Screen::Group),
            ["groups", id, "edit"] => with_id(id, Screen::EditGroup),
            ["more"] => Screen::More,
            ["report"] => Screen::Report(None),
            ["caseload"] => Screen::Caseload(None),
            ["caseload", list, n] => match (CaseList::from_code(list), n.parse()) {
                (Some(list), Ok(n)) => Screen::Caseload(Some((list, n))),
                _ => Screen::NotFound,
            },
            ["dashboard"] => Screen::Dashboard,
            ["report", from, to] => match (Date::parse(from), Date::parse(to)) {
                (Some(from), Some(to)) => Screen::Report(Some((from, to))),
                _ => Screen::NotFound,
            },
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

    pub fn new_offer(person: Uuid) -> String {
        format!("/persons/{person}/offers/new")
    }

    pub fn offer(id: Uuid) -> String {
        format!("/offers/{id}")
    }

    pub fn new_follow_up(person: Uuid) -> String {
        format!("/persons/{person}/follow-ups/new")
    }

    pub fn erase_person(id: Uuid) -> String {
        format!("/persons/{id}/erase")
    }

    /// A line of the caseload: its list, and its place in it (for `Quiet`, the days).
    pub fn case_line(list: CaseList, n: usize) -> String {
        format!("/caseload/{}/{n}", list.code())
    }

    /// The report of a period.
    pub fn report(from: Date, to: Date) -> String {
        format!("/report/{}/{}", from.iso(), to.iso())
    }

    pub fn edit_contact(id: Uuid) -> String {
        format!("/contacts/{id}/edit")
    }

    pub fn group(id: Uuid) -> String {
        format!("/groups/{id}")
    }

    pub fn edit_group(id: Uuid) -> String {
        format!("/groups/{id}/edit")
    }

    /// The title in the top bar (and the document's title): never a name.
    pub fn title(self) -> Msg {
        match self {
            Screen::Today => Msg::TodayTitle,
            Screen::NewContact => Msg::NewContactTitle,
            Screen::EditContact(_) => Msg::EditContact,
            Screen::Persons => Msg::PersonsTitle,
            Screen::NewPerson => Msg::NewPerson,
            Screen::Person(_) => Msg::PersonTitle,
            Screen::EditPerson(_) => Msg::EditPerson,
            Screen::NewOffer(_) => Msg::NewOffer,
            Screen::Offer(_) => Msg::OfferTitle,
            Screen::NewFollowUp(_) => Msg::NewFollowUp,
            Screen::ErasePerson(_) => Msg::ErasePerson,
            Screen::Groups => Msg::GroupsTitle,
            Screen::NewGroup => Msg::NewGroup,
            Screen::Group(_) => Msg::GroupTitle,
            Screen::EditGroup(_) => Msg::EditGroup,
            Screen::More => Msg::MoreTitle,
            Screen::Report(_) => Msg::ReportTitle,
            Screen::Caseload(_) => Msg::CaseloadTitle,
            Screen::Dashboard => Msg::DashboardTitle,
            Screen::NotFound => Msg::NotFoundTitle,
        }
    }

    /// The bottom-navigation tab this screen belongs to.
    pub fn tab(self) -> Screen {
        match self {
            Screen::NewContact | Screen::EditContact(_) => Screen::Today,
            Screen::NewPerson
            | Screen::Person(_)
            | Screen::EditPerson(_)
            | Screen::NewOffer(_)
            | Screen::Offer(_)
            | Screen::NewFollowUp(_)
            | Screen::ErasePerson(_) => Screen::Persons,
            Screen::NewGroup | Screen::Group(_) | Screen::EditGroup(_) => Screen::Groups,
            Screen::Report(_) | Screen::Caseload(_) | Screen::Dashboard => Screen::More,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{caseload::CaseList, Screen};
    use faltlogg_core::record::date::Date;
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
        assert_eq!(Screen::at(&Screen::new_offer(id)), Screen::NewOffer(id));
        assert_eq!(
            Screen::at(&Screen::new_follow_up(id)),
            Screen::NewFollowUp(id)
        );
        assert_eq!(
            Screen::at(&Screen::erase_person(id)),
            Screen::ErasePerson(id)
        );
        assert_eq!(Screen::ErasePerson(id).tab(), Screen::Persons);
        assert_eq!(
            Screen::at(&Screen::edit_contact(id)),
            Screen::EditContact(id)
        );
        assert_eq!(Screen::at(Screen::GROUPS), Screen::Groups);
        assert_eq!(Screen::at(Screen::NEW_GROUP), Screen::NewGroup);
        assert_eq!(Screen::at(&Screen::group(id)), Screen::Group(id));
        assert_eq!(Screen::at(&Screen::edit_group(id)), Screen::EditGroup(id));
        assert_eq!(Screen::Group(id).tab(), Screen::Groups);
        assert_eq!(Screen::NewOffer(id).tab(), Screen::Persons);
        assert_eq!(Screen::at("/persons/not-an-id"), Screen::NotFound);
        assert_eq!(Screen::at("/more/x"), Screen::NotFound);
        assert_eq!(Screen::NewContact.tab(), Screen::Today);
        assert_eq!(Screen::Person(id).tab(), Screen::Persons);
        assert_eq!(Screen::More.tab(), Screen::More);
        let (from, to) = (
            Date::from_ymd(2026, 1, 1).unwrap(),
            Date::from_ymd(2026, 3, 31).unwrap(),
        );
        assert_eq!(
            Screen::at(&Screen::report(from, to)),
            Screen::Report(Some((from, to)))
        );
        assert_eq!(Screen::at(Screen::REPORT), Screen::Report(None));
        assert_eq!(
            Screen::at("/report/2026-02-30/2026-03-01"),
            Screen::NotFound
        );
        assert_eq!(Screen::Report(None).tab(), Screen::More);
        assert_eq!(Screen::at(Screen::CASELOAD), Screen::Caseload(None));
        assert_eq!(
            Screen::at(&Screen::case_line(CaseList::Quiet, 14)),
            Screen::Caseload(Some((CaseList::Quiet, 14)))
        );
        assert_eq!(
            Screen::at(&Screen::case_line(CaseList::Workers, 0)),
            Screen::Caseload(Some((CaseList::Workers, 0)))
        );
        assert_eq!(Screen::at("/caseload/nothing/0"), Screen::NotFound);
        assert_eq!(Screen::at("/caseload/areas/x"), Screen::NotFound);
        assert_eq!(Screen::at(Screen::DASHBOARD), Screen::Dashboard);
        assert_eq!(Screen::Caseload(None).tab(), Screen::More);
        assert_eq!(Screen::Dashboard.tab(), Screen::More);
    }
}
