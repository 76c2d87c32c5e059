//! More: sync state, what went wrong, devices, updates and about.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! device_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
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
        ForgedTrust => "Servern skickade en nyckel eller en enhet som ditt team inte har godkänt. Den togs inte emot. Berätta för din samordnare.", "The server sent a key or a device that your team has not approved. It was refused. Tell your coordinator.";
        ClockAhead => "Telefonens klocka går före. Ställ in tid och datum automatiskt i telefonens inställningar; ändringarna väntar kvar och skickas när klockan stämmer.", "This phone's clock is ahead. Set the date and time automatically in the phone's settings; the changes wait here and are sent once the clock is right.";
        ServerError => "Servern svarade med ett fel. Försök igen om en stund; inget sparat går förlorat.", "The server answered with an error. Try again in a while; nothing saved is lost.";
        AppOutdated => "Appen är äldre än servern och kan inte synka. Ladda om sidan för att uppdatera den; inget sparat går förlorat.", "This app is older than the server and cannot sync. Reload the page to update it; nothing saved is lost.";
        QuotaExceeded => "Telefonens lagring är full. Inget du redan sparat går förlorat. Frigör utrymme och försök igen.", "The phone's storage is full. Nothing you have saved is lost. Free some space and try again.";
        RecordNotSavedFull => "Telefonens lagring är full. Inget sparades. Frigör utrymme och försök igen.", "The phone's storage is full. Nothing was saved. Free some space and try again.";
        ContactNotSavedFull => "Telefonens lagring är full. Kontakten sparades inte. Frigör utrymme och försök igen.", "The phone's storage is full. The contact was not saved. Free some space and try again.";
        StorageError => "Kunde inte spara på telefonen. Försök igen.", "Could not save on this phone. Try again.";
        VaultUnreadable => "Appens data på telefonen går inte att läsa. Logga ut och radera data på telefonen, och logga sedan in igen.", "The app's data on this phone cannot be read. Sign out and erase the data on this phone, then sign in again.";
        BadEnvelopes => "Några ändringar från servern kunde inte läsas och har satts åt sidan.", "Some changes from the server could not be read and were set aside.";
        OwnChangesRefused => "Servern tog inte emot några av telefonens ändringar, så teamet har inte fått dem. De har satts åt sidan och finns kvar på telefonen. Berätta för din samordnare.", "The server did not accept some of this phone's changes, so the team has not received them. They were set aside and are kept on this phone. Tell your coordinator.";
        DevicesHeading => "Enheter", "Devices";
        DevicesIntro => "Godkänn en ny telefon först när koden stämmer med den som visas på telefonen.", "Approve a new phone only when the code matches the one shown on that phone.";
        RevokeDevice => "Ta bort från teamet", "Remove from the team";
        RevokeConfirm => "Ta bort enheten från teamet? Den kan inte längre synka och teamets nyckel byts ut. Det den sparat innan lämnas över när den når servern, sedan raderas den.", "Remove this device from the team? It can no longer sync, and the team key is replaced. What it saved before is handed over when it reaches the server; then it is erased.";
        RevokedDone => "Enheten är borttagen och teamets nyckel är utbytt.", "The device is removed and the team key has been replaced.";
        RemovedFromTeam => "Den här telefonen har tagits bort från teamet av en samordnare. Det som sparats före borttagningen har lämnats över, och appens data på telefonen har raderats.", "A coordinator has removed this phone from the team. What was saved before the removal has been handed over, and the app's data on this phone has been erased.";
        PhoneSettingsHeading => "Teamets telefoner", "The team's phones";
        IdleLockLabel => "Lås appen efter så här många minuter utan användning", "Lock the app after this many minutes without use";
        WipeAfterLabel => "Radera appens data efter så här många fel lösenfraser i rad", "Erase the app's data after this many wrong passphrases in a row";
        WipeNever => "Aldrig", "Never";
        SaveSettings => "Spara inställningarna", "Save the settings";
        SettingsSaved => "Sparat. Varje telefon får inställningarna nästa gång den låses upp eller synkar.", "Saved. Each phone takes the settings the next time it is unlocked or syncs.";
        EventsHeading => "Säkerhetshändelser", "Security events";
        EventsIntro => "Vem, när och med vilken enhet. Aldrig vad som skrevs.", "Who, when and with which device. Never what was written.";
        OlderEvents => "Visa äldre", "Show older";
        NoEvents => "Inga händelser än.", "No events yet.";
        EventSignedIn => "Loggade in", "Signed in";
        EventSignInFailed => "Fel lösenord vid inloggning", "Wrong password at sign-in";
        EventSignedOut => "Loggade ut", "Signed out";
        EventEnrolled => "Ny enhet anmäld", "New device enrolled";
        EventApproved => "Godkände en enhet", "Approved a device";
        EventRevoked => "Tog bort en enhet från teamet", "Removed a device from the team";
        EventHandedOver => "En borttagen enhet lämnade över sina ändringar", "A removed device handed over its changes";
        EventIdentitySet => "Teamets identitet skapades", "The team's identity was made";
        EventSettingsChanged => "Ändrade telefonernas inställningar", "Changed the phones' settings";
        EventAccountAdded => "Konto skapat", "Account added";
        EventAccountDisabled => "Konto avstängt", "Account disabled";
        EventAccountEnabled => "Konto öppnat igen", "Account enabled";
        EventPasswordReset => "Nytt lösenord satt", "Password reset";
        EventErased => "Raderade en person", "Erased a person";
        RetentionLabel => "Radera en person efter så här många månader utan aktivitet", "Erase a person after this many months without activity";
        DeviceShort => "enhet", "device";
        DuressHeading => "Nödlösenfras", "Duress passphrase";
        DuressIntro => "Tvingas du låsa upp: skriv nödlösenfrasen. Då raderas allt i appen på telefonen direkt, även det som inte har skickats.", "If you are forced to unlock, enter the duress passphrase: everything in the app on this phone is erased at once, unsent work included.";
        DuressPassphrase => "Nödlösenfras", "Duress passphrase";
        DuressRepeat => "Skriv nödlösenfrasen igen", "Enter the duress passphrase again";
        DuressSave => "Spara nödlösenfrasen", "Save the duress passphrase";
        DuressSame => "Nödlösenfrasen måste skilja sig från din lösenfras.", "The duress passphrase must differ from your passphrase.";
        DuressIsSet => "En nödlösenfras är satt. En ny ersätter den.", "A duress passphrase is set. A new one replaces it.";
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
    ] $($rest)* } };
}

/// The words for a kind of security event.
pub fn audit_kind_msg(kind: faltlogg_core::api::AuditKind) -> super::Msg {
    use super::Msg;
    use faltlogg_core::api::AuditKind::*;
    match kind {
        SignedIn => Msg::EventSignedIn,
        SignInFailed => Msg::EventSignInFailed,
        SignedOut => Msg::EventSignedOut,
        Enrolled => Msg::EventEnrolled,
        Approved => Msg::EventApproved,
        Revoked => Msg::EventRevoked,
        HandedOver => Msg::EventHandedOver,
        IdentitySet => Msg::EventIdentitySet,
        SettingsChanged => Msg::EventSettingsChanged,
        AccountAdded => Msg::EventAccountAdded,
        AccountDisabled => Msg::EventAccountDisabled,
        AccountEnabled => Msg::EventAccountEnabled,
        PasswordReset => Msg::EventPasswordReset,
        Erased => Msg::EventErased,
    }
}
