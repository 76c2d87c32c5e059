//! Problems with a form field, and what every form shares.

use faltlogg_core::record::{FieldError, Problem};

use super::Msg;

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! forms_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
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
    ] $($rest)* } };
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
