//! Every word the user sees, in Swedish and English. Components ask for a [`Msg`]; nothing
//! user-facing is written in a component. Swedish is the default when the browser prefers it.

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
    When => "När", "When";
    Area => "Område", "Area";
    AreaHint => "Ett grovt område, till exempel en stadsdel. Aldrig en adress.", "A coarse area, such as a district. Never an address.";
    Kind => "Typ av kontakt", "Kind of contact";
    ChooseKind => "Välj typ", "Choose a kind";
    Note => "Anteckning (valfritt)", "Note (optional)";
    NoteHint => "Skriv bara det som behövs.", "Write only what is needed.";
    SaveContact => "Spara kontakten", "Save the contact";
    Cancel => "Avbryt", "Cancel";
    ErrOccurredAtMissing => "Ange när kontakten skedde.", "Enter when the contact happened.";
    ErrOccurredAtInFuture => "Tiden kan inte vara i framtiden.", "The time cannot be in the future.";
    ErrAreaMissing => "Ange ett område.", "Enter an area.";
    ErrAreaTooLong => "Området får ha högst 60 tecken.", "The area can have at most 60 characters.";
    ErrKindMissing => "Välj typ av kontakt.", "Choose a kind of contact.";
    ErrNoteTooLong => "Anteckningen får ha högst 2 000 tecken.", "The note can have at most 2,000 characters.";

    KindStreet => "Möte på gatan", "Street encounter";
    KindHome => "Hembesök", "Home visit";
    KindPhone => "Telefon", "Phone";
    KindCustomNotification => "Personligt budskap", "Custom notification";
    KindCallIn => "Budskapsmöte", "Call-in";
    KindHospital => "Sjukhus / akuten", "Hospital / ER visit";
    KindSchool => "Skola", "School";
    KindPrison => "Anstaltsbesök", "Prison visit";

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
pub fn kind_msg(kind: faltlogg_core::contact::ContactKind) -> Msg {
    use faltlogg_core::contact::ContactKind as K;
    match kind {
        K::StreetEncounter => Msg::KindStreet,
        K::HomeVisit => Msg::KindHome,
        K::Phone => Msg::KindPhone,
        K::CustomNotification => Msg::KindCustomNotification,
        K::CallIn => Msg::KindCallIn,
        K::HospitalVisit => Msg::KindHospital,
        K::School => Msg::KindSchool,
        K::PrisonVisit => Msg::KindPrison,
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
