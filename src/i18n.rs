//! Every word the user sees, in Swedish and English. Components ask for a [`Msg`]; nothing
//! user-facing is written in a component. Swedish is the default when the browser prefers it.

use faltlogg_core::record::contact::{ContactKind, Message};
use faltlogg_core::record::support_offer::{self, Category};
use faltlogg_core::record::{follow_up, Agency, FieldError, Problem};
use leptos::prelude::*;

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

    /// The current language, tracked.
    pub fn lang(self) -> Lang {
        self.0.get()
    }
}

macro_rules! messages {
    ($($name:ident => $sv:literal, $en:literal;)*) => {
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

messages! {
    NotFound => "Sidan finns inte. Till Idag", "This page does not exist. Go to Today";
    NavToday => "Idag", "Today";
    NavMore => "Mer", "More";
    MainNav => "Huvudmeny", "Main menu";
    Lock => "Lås", "Lock";
    Language => "Språk", "Language";
    ErrorSummaryTitle => "Det finns ett problem", "There is a problem";

    SignInTitle => "Logga in", "Sign in";
    SignInIntro => "Logga in en gång medan du är uppkopplad. Sedan fungerar appen utan nät.", "Sign in once while online. After that the app works without a connection.";
    Username => "Användarnamn", "Username";
    Password => "Lösenord", "Password";
    SignInButton => "Logga in", "Sign in";
    WrongCredentials => "Fel användarnamn eller lösenord. Försök igen.", "Wrong username or password. Try again.";
    UsernameMissing => "Skriv ditt användarnamn.", "Enter your username.";
    PasswordMissing => "Skriv ditt lösenord.", "Enter your password.";

    PassphraseTitle => "Välj en lösenfras", "Choose a passphrase";
    PassphraseIntro => "Lösenfrasen låser upp appen på den här telefonen. Allt du sparar krypteras med den. Den kan inte återställas.", "The passphrase unlocks the app on this phone. Everything you save is encrypted with it. It cannot be recovered.";
    Passphrase => "Lösenfras", "Passphrase";
    PassphraseHint => "Minst 8 tecken. Några ord i rad är lätta att minnas.", "At least 8 characters. A few words in a row are easy to remember.";
    PassphraseRepeat => "Skriv lösenfrasen igen", "Enter the passphrase again";
    PassphraseSave => "Spara och fortsätt", "Save and continue";
    PassphraseTooShort => "Lösenfrasen måste ha minst 8 tecken.", "The passphrase must have at least 8 characters.";
    PassphraseMismatch => "Lösenfraserna är inte lika.", "The passphrases do not match.";
    Working => "Vänta …", "Please wait …";

    UnlockTitle => "Lås upp", "Unlock";
    UnlockIntro => "Appen är låst. Skriv din lösenfras.", "The app is locked. Enter your passphrase.";
    UnlockButton => "Lås upp", "Unlock";
    WrongPassphrase => "Fel lösenfras. Försök igen.", "Wrong passphrase. Try again.";
    ForgetDevice => "Logga ut och radera data på telefonen", "Sign out and erase data on this phone";
    ForgetConfirm => "Allt som inte har skickats försvinner. Radera ändå?", "Anything not yet sent will be lost. Erase anyway?";

    PendingTitle => "Väntar på godkännande", "Waiting for approval";
    PendingIntro => "Be din samordnare godkänna den här telefonen. Jämför koden nedan med den som samordnaren ser.", "Ask your coordinator to approve this phone. Compare the code below with the one your coordinator sees.";
    Fingerprint => "Telefonens kod", "This phone's code";
    CheckAgain => "Kontrollera igen", "Check again";
    StillPending => "Inte godkänd än.", "Not approved yet.";

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

    ErrMissing => "Fyll i det här fältet.", "Fill in this field.";
    ErrChoose => "Välj ett alternativ.", "Choose an option.";
    ErrTooLong => "Högst 60 tecken.", "At most 60 characters.";
    ErrInvalidText => "Texten har osynliga styrtecken som inte kan sparas. Skriv om den.", "The text has invisible control characters that cannot be saved. Type it again.";
    ErrDateFormat => "Skriv datumet som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD.";
    ErrTimeFormat => "Skriv tiden som TT:MM.", "Write the time as HH:MM.";
    ErrInFuture => "Kan inte vara i framtiden.", "Cannot be in the future.";
    ErrDueInPast => "Datumet har redan passerat. Välj idag eller senare.", "That date has passed. Choose today or later.";
    ErrBirthYear => "Skriv ett födelseår med fyra siffror, för en person som är 8–80 år.", "Enter a birth year of four digits, for a person aged 8–80.";
    ErrIdentityNumber => "Det liknar ett personnummer. Personnummer sparas aldrig: skriv ett alias eller initialer.", "That looks like a personal identity number. Those are never stored: write an alias or initials.";
    ErrBeforePrevious => "Datumet kan inte vara före föregående steg.", "The date cannot be before the previous step.";
    ErrAttemptOnly => "”Försökt” gäller bara personligt budskap.", "“Attempted” is only for a custom notification.";
    ErrIllegalStep => "Det steget går inte från nuvarande status.", "That step is not possible from the current status.";
    ErrUnknownRecord => "Det finns inte på den här telefonen.", "That is not on this phone.";
    Saved => "Sparat.", "Saved.";

    NavPersons => "Personer", "Persons";
    PersonsTitle => "Personer", "Persons";
    PersonTitle => "Person", "Person";
    NewPerson => "Ny person", "New person";
    EditPerson => "Ändra", "Edit";
    NoPersons => "Inga personer ännu. Ny person?", "No persons yet. New person?";
    Alias => "Alias eller initialer", "Alias or initials";
    AliasHint => "Aldrig personnummer eller fullständigt namn.", "Never an identity number or a full name.";
    BirthYear => "Födelseår (valfritt)", "Birth year (optional)";
    AreaOptional => "Område (valfritt)", "Area (optional)";
    ConsentGiven => "Samtycke till att dela med samverkansparter", "Consent to share with partner agencies";
    ConsentDate => "Datum för samtycke", "Date of consent";
    ConsentScope => "Samtycket gäller", "The consent covers";
    Risk => "Förhöjd risk", "Elevated risk";
    SavePerson => "Spara personen", "Save the person";
    PersonSaved => "Personen är sparad.", "The person is saved.";
    LikelyDuplicate => "Det finns redan en person med samma alias, födelseår och område. Spara ändå?", "There is already a person with the same alias, birth year and area. Save anyway?";
    FilterOpenOffer => "Öppen insats", "Open offer";
    FilterOverdue => "Uppföljning försenad", "Follow-up overdue";
    FilterNoConsent => "Samtycke saknas", "Consent missing";
    Filters => "Visa bara", "Show only";
    History => "Ändringar", "Changes";
    Changed => "ändrade", "changed";
    Created => "skapade", "created";
    Conflict => "Konflikt: två ändringar gjordes samtidigt. Välj vilken som gäller.", "Conflict: two changes were made at the same time. Choose which applies.";
    ChooseThis => "Välj den här", "Choose this";
    Archive => "Arkivera", "Archive";
    Archived => "Arkiverad", "Archived";
    Yes => "Ja", "Yes";
    No => "Nej", "No";
    NotShown => "–", "–";

    FollowUpsHeading => "Uppföljningar", "Follow-ups";
    NoFollowUpsToday => "Inga uppföljningar idag. Ny kontakt?", "No follow-ups today. New contact?";
    Overdue => "Försenad", "Overdue";
    DueToday => "Idag", "Today";
    DueOn => "senast", "by";
    FollowUpPlanned => "Planerad", "Planned";
    FollowUpDone => "Gjord", "Done";
    FollowUpMissed => "Missad", "Missed";
    FollowUpCancelled => "Inställd", "Cancelled";
    MarkDone => "Gjord", "Done";
    MarkMissed => "Missad", "Missed";
    OffersHeading => "Stödinsatser", "Support offers";
    NewOffer => "Ny stödinsats", "New support offer";
    OfferTitle => "Stödinsats", "Support offer";
    Category => "Typ av stöd", "Kind of support";
    ChooseCategory => "Välj typ", "Choose a kind";
    Provider => "Utförare (valfritt)", "Provider (optional)";
    OfferedOn => "Erbjuden datum", "Offered on";
    SaveOffer => "Spara stödinsatsen", "Save the support offer";
    NextStep => "Nästa steg", "Next step";
    StepDate => "Datum för steget", "Date of the step";
    Reason => "Anledning", "Reason";
    ReasonHint => "Behövs om stödet avböjs eller avbryts.", "Needed if the support is declined or dropped out of.";
    SaveStep => "Spara steget", "Save the step";
    StatusOffered => "Erbjuden", "Offered";
    StatusAccepted => "Accepterad", "Accepted";
    StatusStarted => "Påbörjad", "Started";
    StatusCompleted => "Avslutad", "Completed";
    StatusDeclined => "Avböjd", "Declined";
    StatusDroppedOut => "Avbruten", "Dropped out";
    CatWork => "Arbete", "Work";
    CatEducation => "Utbildning", "Education";
    CatHousing => "Boende", "Housing";
    CatSubstanceUse => "Missbruksvård", "Substance use treatment";
    CatMentalHealth => "Psykisk hälsa", "Mental health";
    CatFamily => "Familjestöd", "Family support";
    CatExit => "Avhopparverksamhet", "Exit programme";
    CatProtection => "Skydd / omflyttning", "Protection or relocation";
    CatDebt => "Skuld / ekonomi", "Debt and finances";
    CatDrivingLicence => "Körkort", "Driving licence";
    CatLeisure => "Fritid", "Leisure and sport";
    CatLegal => "Juridiskt stöd", "Legal help";

    NewFollowUp => "Ny uppföljning", "New follow-up";
    Due => "Senast", "Due by";
    Assigned => "Ansvarig", "Assigned to";
    SaveFollowUp => "Spara uppföljningen", "Save the follow-up";

    NavGroups => "Grupper", "Groups";
    GroupsTitle => "Grupper", "Groups";
    GroupTitle => "Grupp", "Group";
    NewGroup => "Ny grupp", "New group";
    EditGroup => "Ändra grupp", "Edit group";
    GroupsSearch => "Sök grupp", "Search for a group";
    NoGroups => "Inga grupper. Ny grupp?", "No groups. New group?";
    GroupAlias => "Gruppens namn eller alias", "The group's name or alias";
    SaveGroup => "Spara gruppen", "Save the group";
    Members => "Medlemmar", "Members";
    GroupsOfPerson => "Grupper (valfritt)", "Groups (optional)";
    EditContact => "Ändra kontakt", "Edit contact";

    MoreTitle => "Mer", "More";
    SyncHeading => "Synkning", "Sync";
    SyncNow => "Synka nu", "Sync now";
    Syncing => "Synkar …", "Syncing …";
    AllSent => "Allt skickat", "All sent";
    NothingSentYet => "Inget skickat än", "Nothing sent yet";
    OneWaiting => "1 ändring väntar", "1 change waiting";
    ManyWaiting => "ändringar väntar", "changes waiting";
    SetAside => "satt åt sidan", "set aside";
    LastSent => "Senast skickat", "Last sent";
    Offline => "Ingen anslutning. Det du sparar finns kvar på telefonen och skickas när du är uppkopplad.", "No connection. What you save stays on this phone and is sent when you are online.";
    SessionExpired => "Inloggningen har gått ut. Logga in igen för att synka; inget sparat går förlorat.", "Your sign-in has expired. Sign in again to sync; nothing saved is lost.";
    DeviceRevoked => "Den här telefonen är inte längre godkänd. Kontakta din samordnare.", "This phone is no longer approved. Contact your coordinator.";
    ServerError => "Servern svarade med ett fel. Försök igen om en stund; inget sparat går förlorat.", "The server answered with an error. Try again in a while; nothing saved is lost.";
    QuotaExceeded => "Telefonens lagring är full. Inget du redan sparat går förlorat. Frigör utrymme och försök igen.", "The phone's storage is full. Nothing you have saved is lost. Free some space and try again.";
    RecordNotSavedFull => "Telefonens lagring är full. Inget sparades. Frigör utrymme och försök igen.", "The phone's storage is full. Nothing was saved. Free some space and try again.";
    ContactNotSavedFull => "Telefonens lagring är full. Kontakten sparades inte. Frigör utrymme och försök igen.", "The phone's storage is full. The contact was not saved. Free some space and try again.";
    StorageError => "Kunde inte spara på telefonen. Försök igen.", "Could not save on this phone. Try again.";
    VaultUnreadable => "Appens data på telefonen går inte att läsa. Logga ut och radera data på telefonen, och logga sedan in igen.", "The app's data on this phone cannot be read. Sign out and erase the data on this phone, then sign in again.";
    BadEnvelopes => "Några ändringar från servern kunde inte läsas och har satts åt sidan.", "Some changes from the server could not be read and were set aside.";

    DevicesHeading => "Enheter", "Devices";
    DevicesIntro => "Godkänn en ny telefon först när koden stämmer med den som visas på telefonen.", "Approve a new phone only when the code matches the one shown on that phone.";
    ApproveDevice => "Godkänn enhet", "Approve device";
    StatusPending => "Väntar", "Pending";
    StatusApproved => "Godkänd", "Approved";
    StatusRevoked => "Spärrad", "Revoked";
    ThisDevice => "Den här telefonen", "This phone";
    Approved => "Enheten är godkänd.", "The device is approved.";

    UpdateReady => "En ny version är klar.", "A new version is ready.";
    UpdateNow => "Uppdatera", "Update";
    AboutHeading => "Om Fältlogg", "About Fältlogg";
    AboutText => "Allt du sparar krypteras på telefonen. Servern ser aldrig innehållet.", "Everything you save is encrypted on the phone. The server never sees the contents.";
    SignedInAs => "Inloggad som", "Signed in as";
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

pub fn follow_up_status_msg(status: follow_up::Status) -> Msg {
    use follow_up::Status as S;
    match status {
        S::Planned => Msg::FollowUpPlanned,
        S::Done => Msg::FollowUpDone,
        S::Missed => Msg::FollowUpMissed,
        S::Cancelled => Msg::FollowUpCancelled,
    }
}

pub fn category_msg(c: Category) -> Msg {
    use Category as C;
    match c {
        C::Work => Msg::CatWork,
        C::Education => Msg::CatEducation,
        C::Housing => Msg::CatHousing,
        C::SubstanceUse => Msg::CatSubstanceUse,
        C::MentalHealth => Msg::CatMentalHealth,
        C::FamilySupport => Msg::CatFamily,
        C::ExitProgramme => Msg::CatExit,
        C::Protection => Msg::CatProtection,
        C::DebtFinances => Msg::CatDebt,
        C::DrivingLicence => Msg::CatDrivingLicence,
        C::Leisure => Msg::CatLeisure,
        C::Legal => Msg::CatLegal,
    }
}

pub fn offer_status_msg(s: support_offer::Status) -> Msg {
    use support_offer::Status as S;
    match s {
        S::Offered => Msg::StatusOffered,
        S::Accepted => Msg::StatusAccepted,
        S::Started => Msg::StatusStarted,
        S::Completed => Msg::StatusCompleted,
        S::Declined => Msg::StatusDeclined,
        S::DroppedOut => Msg::StatusDroppedOut,
    }
}

/// The words for a problem with a form field: specific where the field says more.
pub fn problem_msg(e: FieldError) -> Msg {
    let date_field = matches!(
        e.field,
        "occurred-date" | "consent-date" | "due" | "offered-on" | "step-date"
    );
    match (e.field, e.problem) {
        ("occurred-date", Problem::Missing) => Msg::ErrOccurredAtMissing,
        ("area", Problem::Missing) => Msg::ErrAreaMissing,
        ("kind", Problem::Missing) | ("category", Problem::Missing) => Msg::ErrChoose,
        ("note", Problem::TooLong) => Msg::ErrNoteTooLong,
        ("occurred-time", _) => Msg::ErrTimeFormat,
        ("birth-year", _) => Msg::ErrBirthYear,
        (_, Problem::Invalid) if date_field => Msg::ErrDateFormat,
        (_, Problem::Missing) => Msg::ErrMissing,
        (_, Problem::TooLong) => Msg::ErrTooLong,
        (_, Problem::Invalid) => Msg::ErrInvalidText,
        (_, Problem::InFuture) => Msg::ErrInFuture,
        (_, Problem::InPast) => Msg::ErrDueInPast,
        (_, Problem::OutOfRange) => Msg::ErrBirthYear,
        (_, Problem::IdentityNumber) => Msg::ErrIdentityNumber,
        (_, Problem::BeforePrevious) => Msg::ErrBeforePrevious,
        (_, Problem::AttemptOnlyForNotification) => Msg::ErrAttemptOnly,
        (_, Problem::IllegalStep) => Msg::ErrIllegalStep,
        (_, Problem::UnknownRecord) => Msg::ErrUnknownRecord,
    }
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
