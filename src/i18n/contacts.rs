//! Today and the contact form: kinds of contact, persons met, the GVI message, agencies.

use faltlogg_core::record::contact::{ContactKind, Message};
use faltlogg_core::record::Agency;

use super::Msg;

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! contacts_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        TodayTitle => "Idag", "Today";
        NotFoundTitle => "Sidan finns inte", "Page not found";
        NewContact => "Ny kontakt", "New contact";
        NoContacts => "Inga kontakter ännu. Ny kontakt?", "No contacts yet. New contact?";
        ContactSaved => "Kontakten är sparad.", "The contact is saved.";
        ContactsHeading => "Kontakter", "Contacts";
        NewContactTitle => "Ny kontakt", "New contact";
        Area => "Område", "Area";
        AreaHint => "Ett grovt område, till exempel en stadsdel. Aldrig en adress.", "A coarse area, such as a district. Never an address.";
        Kind => "Typ av kontakt", "Kind of contact";
        ChooseKind => "Välj typ", "Choose a kind";
        Note => "Anteckning (valfritt)", "Note (optional)";
        NoteHint => "Skriv bara det som behövs.", "Write only what is needed.";
        SaveContact => "Spara kontakten", "Save the contact";
        Cancel => "Avbryt", "Cancel";
        ErrOccurredAtMissing => "Ange när kontakten skedde.", "Enter when the contact happened.";
        ErrAreaMissing => "Ange ett område.", "Enter an area.";
        ErrNoteTooLong => "Anteckningen får ha högst 2 000 tecken.", "The note can have at most 2,000 characters.";
        KindStreet => "Möte på gatan", "Street encounter";
        KindHome => "Hembesök", "Home visit";
        KindPhone => "Telefon", "Phone";
        KindCustomNotification => "Personligt budskap", "Custom notification";
        KindCallIn => "Budskapsmöte", "Call-in";
        KindHospital => "Sjukhus / akuten", "Hospital / ER visit";
        KindSchool => "Skola", "School";
        KindPrison => "Anstaltsbesök", "Prison visit";
        KindOther => "Annat", "Other";
        Date => "Datum", "Date";
        DateHint => "ÅÅÅÅ-MM-DD", "YYYY-MM-DD";
        Time => "Klockslag", "Time";
        TimeHint => "TT:MM, 24 timmar", "HH:MM, 24-hour";
        PersonsMet => "Personer du träffade (valfritt)", "Persons you met (optional)";
        PersonsSearch => "Sök person", "Search for a person";
        NoPersonsFound => "Ingen person hittades.", "No person found.";
        Message => "GVI-budskapet", "The GVI message";
        MessageNo => "Inte framfört", "Not delivered";
        MessageAttempted => "Försökt (personligt budskap)", "Attempted (custom notification)";
        MessageDelivered => "Framfört", "Delivered";
        SafetyConcern => "Oro för säkerheten", "Safety concern";
        Workers => "Medarbetare som var med (valfritt)", "Workers present (optional)";
        Agencies => "Samverkansparter som var med", "Partner agencies present";
        AgencySocial => "Socialtjänsten", "Social services";
        AgencyPolice => "Polisen", "Police";
        AgencyPrisonProbation => "Kriminalvården", "Prison and Probation Service";
        AgencySchool => "Skolan", "School";
        AgencyHealth => "Hälso- och sjukvården", "Health care";
        AgencyOther => "Annan", "Other";
        FollowUpDue => "Uppföljning senast (valfritt)", "Follow up by (optional)";
        FollowUpDueHint => "Ett datum planerar en uppföljning med personerna ovan.", "A date plans a follow-up with the persons above.";
    ] $($rest)* } };
}

/// The words for a kind of contact.
pub fn kind_msg(kind: ContactKind) -> Msg {
    use ContactKind as K;
    match kind {
        K::StreetEncounter => Msg::KindStreet,
        K::HomeVisit => Msg::KindHome,
        K::Phone => Msg::KindPhone,
        K::CustomNotification => Msg::KindCustomNotification,
        K::CallIn => Msg::KindCallIn,
        K::HospitalVisit => Msg::KindHospital,
        K::School => Msg::KindSchool,
        K::PrisonVisit => Msg::KindPrison,
        K::Other => Msg::KindOther,
    }
}

pub fn agency_msg(agency: Agency) -> Msg {
    match agency {
        Agency::SocialServices => Msg::AgencySocial,
        Agency::Police => Msg::AgencyPolice,
        Agency::PrisonProbation => Msg::AgencyPrisonProbation,
        Agency::School => Msg::AgencySchool,
        Agency::Health => Msg::AgencyHealth,
        Agency::Other => Msg::AgencyOther,
    }
}

pub fn message_msg(message: Message) -> Msg {
    match message {
        Message::NotDelivered => Msg::MessageNo,
        Message::Attempted => Msg::MessageAttempted,
        Message::Delivered => Msg::MessageDelivered,
    }
}
