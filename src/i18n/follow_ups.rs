//! Follow-ups: due, overdue, done and missed.

use faltlogg_core::record::follow_up;

use super::Msg;

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! follow_ups_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
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
        NewFollowUp => "Ny uppföljning", "New follow-up";
        Due => "Senast", "Due by";
        Assigned => "Ansvarig", "Assigned to";
        SaveFollowUp => "Spara uppföljningen", "Save the follow-up";
    ] $($rest)* } };
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
