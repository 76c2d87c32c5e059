//! The lone-worker check-in: going out alone, coming back, and the alert when someone does not.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! check_ins_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        CheckInHeading => "Ute ensam", "Working alone";
        CheckInUntil => "Ute till (tt:mm)", "Out until (hh:mm)";
        CheckInHint => "Teamet ser bara att du är ute och till när. Har du inte checkat ut i tid larmas samordnarna.", "The team sees only that you are out and until when. If you have not checked out in time, the coordinators are alerted.";
        StartCheckIn => "Checka in", "Check in";
        EndCheckIn => "Checka ut: jag är tillbaka", "Check out: I am back";
        CheckedIn => "Du är incheckad.", "You are checked in.";
        CheckedOut => "Du är utcheckad.", "You are checked out.";
        NoCheckIns => "Ingen i teamet är ute ensam just nu.", "Nobody in the team is working alone right now.";
        OutUntil => "Ute till", "Out until";
        CheckInFormat => "Skriv en tid, till exempel 23:30.", "Enter a time, for example 23:30.";
        CheckInPast => "Den tiden har redan varit.", "That time has passed.";
        CheckInTooFar => "Högst 16 timmar framåt.", "At most 16 hours ahead.";
        CheckInOffline => "Ingen anslutning: incheckningen gick inte iväg. Säg till teamet på annat sätt.", "No connection: the check-in was not sent. Tell the team another way.";
        CheckInOverdueAlert => "En kollega ute ensam har inte checkat ut i tid. Se Idag.", "A colleague working alone has not checked out in time. See Today.";
        PushHeading => "Larm när appen är stängd", "Alerts when the app is closed";
        PushIntro => "Telefonen visar en notis när någon som är ute ensam inte har checkat ut i tid, även när appen är stängd. Notisen säger inte vem.", "This phone shows a notification when someone working alone has not checked out in time, even when the app is closed. The notification does not say who.";
        PushTurnOn => "Slå på larm på den här telefonen", "Turn on alerts on this phone";
        PushOn => "Larm är på för den här telefonen.", "Alerts are on for this phone.";
        PushDenied => "Telefonen tillåter inte notiser från appen. Ändra det i webbläsarens inställningar.", "The phone does not allow notifications from the app. Change that in the browser's settings.";
        PushUnsupported => "Den här webbläsaren kan inte larma när appen är stängd. Larmet i appen fungerar ändå.", "This browser cannot alert while the app is closed. The alert in the app still works.";
        PushFailed => "Larm kunde inte slås på. Larmet i appen fungerar ändå.", "Alerts could not be turned on. The alert in the app still works.";
        PushTitle => "Fältlogg: ute ensam", "Fältlogg: working alone";
        OwnCheckInOverdue => "Din tid ute ensam har gått ut. Checka ut eller checka in till senare.", "Your time working alone has passed. Check out, or check in until later.";
    ] $($rest)* } };
}

use faltlogg_core::check_in::CheckInError;

use super::Msg;

/// Why a check-in's end cannot be used, in words.
pub fn check_in_msg(e: CheckInError) -> Msg {
    match e {
        CheckInError::Format => Msg::CheckInFormat,
        CheckInError::Past => Msg::CheckInPast,
        CheckInError::TooFar => Msg::CheckInTooFar,
    }
}
