//! The app around the screens: navigation, signing in, the passphrase, unlocking and waiting for approval.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! shell_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        NotFound => "Sidan finns inte. Till Idag", "This page does not exist. Go to Today";
        NavToday => "Idag", "Today";
        NavMore => "Mer", "More";
        MainNav => "Huvudmeny", "Main menu";
        Lock => "Lås", "Lock";
        QuickExit => "Stäng snabbt", "Quick exit";
        Language => "Språk", "Language";
        ErrorSummaryTitle => "Det finns ett problem", "There is a problem";
        SignInTitle => "Logga in", "Sign in";
        SignInIntro => "Logga in en gång medan du är uppkopplad. Sedan fungerar appen utan nät.", "Sign in once while online. After that the app works without a connection.";
        Username => "Användarnamn", "Username";
        Password => "Lösenord", "Password";
        SignInButton => "Logga in", "Sign in";
        WrongCredentials => "Fel användarnamn eller lösenord. Försök igen.", "Wrong username or password. Try again.";
        TooManyAttempts => "För många inloggningsförsök. Vänta en kvart och försök igen.", "Too many sign-in attempts. Wait a quarter of an hour and try again.";
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
        WaitBeforeRetry => "För många fel lösenfraser i rad. Vänta en stund och försök sedan igen.", "Too many wrong passphrases in a row. Wait a while, then try again.";
        ErasedAfterFailures => "För många fel lösenfraser i rad. Enligt teamets inställning har appens data på telefonen raderats. Logga in igen.", "Too many wrong passphrases in a row. As the team has set, the app's data on this phone has been erased. Sign in again.";
        ForgetDevice => "Logga ut och radera data på telefonen", "Sign out and erase data on this phone";
        ForgetConfirm => "Allt som inte har skickats försvinner. Radera ändå?", "Anything not yet sent will be lost. Erase anyway?";
        PendingTitle => "Väntar på godkännande", "Waiting for approval";
        PendingIntro => "Be din samordnare godkänna den här telefonen. Jämför koden nedan med den som samordnaren ser.", "Ask your coordinator to approve this phone. Compare the code below with the one your coordinator sees.";
        CodesMatch => "Koden stämmer med samordnarens", "The code matches the coordinator's";
        CodesConfirmed => "Bekräftad. Väntar på att samordnaren godkänner telefonen.", "Confirmed. Waiting for the coordinator to approve this phone.";
        Fingerprint => "Telefonens kod", "This phone's code";
        CheckAgain => "Kontrollera igen", "Check again";
        StillPending => "Inte godkänd än.", "Not approved yet.";
    ] $($rest)* } };
}
