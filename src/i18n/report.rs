//! The coordinator's figures: the partnership report.

use faltlogg_core::report::{FollowUpState, Line, MedianOf, Topic};

use super::{category_msg, follow_up_status_msg, kind_msg, offer_status_msg, I18n, Msg};

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! report_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        TeamWorkHeading => "Teamets arbete", "The team's work";
        ThresholdLabel => "Minsta antal som visas i en rapport (mindre visas som \"<\")", "Smallest count a report shows (smaller ones show as \"<\")";
        ReportTitle => "Rapport till samverkan", "Partnership report";
        ReportIntro => "Siffrorna räknas på den här telefonen; servern ser dem aldrig. Små antal visas som \"<\" och tröskeln, och en summa som skulle avslöja ett sådant döljs också, så att ingen kan pekas ut.", "The figures are counted on this phone; the server never sees them. Small counts show as \"<\" and the threshold, and a total that would give one away is hidden too, so that no one can be picked out.";
        ReportFrom => "Från och med", "From";
        ReportTo => "Till och med", "To";
        ShowReport => "Visa rapporten", "Show the report";
        PeriodEmpty => "Perioden slutar innan den börjar.", "The period ends before it starts.";
        PeriodFuture => "Perioden har inte börjat än.", "The period has not begun yet.";
        ReportPeriod => "Period", "Period";
        PrintReport => "Skriv ut", "Print";
        DownloadCsv => "Ladda ner som CSV", "Download as CSV";
        CsvWarning => "Filen blir okrypterad på den här enheten. Den innehåller bara summor, men spara den bara där teamets regler tillåter. Fortsätta?", "The file will be unencrypted on this device. It holds only totals, but keep it only where the team's rules allow. Go on?";
        TopicContacts => "Kontakter efter typ", "Contacts by kind";
        TopicNotifications => "Personliga budskap", "Custom notifications";
        TopicReach => "Personer", "Persons";
        TopicOffers => "Stödinsatser erbjudna i perioden, efter typ och läge nu", "Support offers made in the period, by kind and status now";
        TopicFollowUps => "Uppföljningar med datum i perioden", "Follow-ups due in the period";
        TopicPersons => "Personer i målgruppen efter grupp", "Persons in scope by group";
        LineCount => "Antal", "Number";
        LineTotal => "Totalt", "Total";
        LineDelivered => "Framförda", "Delivered";
        LineNotDelivered => "Försökta, ej framförda", "Attempted, not delivered";
        LinePersonsMet => "Personer som mötts", "Persons met";
        LinePersonsReached => "Personer som fått budskapet", "Persons who had the message";
        LineCallIn => "Deltagare på budskapsmöten", "Call-in participants";
        LineAreaTotal => "totalt", "in all";
        LineNoArea => "Utan område", "No area";
        LineSeveralGroups => "I flera grupper", "In several groups";
        LineNoGroup => "Utan grupp", "In no group";
        MedianToOffer => "Median, dagar från första kontakt till erbjudande", "Median days from first contact to offer";
        MedianToStart => "Median, dagar från erbjudande till start", "Median days from offer to start";
        TopicCallIns => "Budskapsmöten", "Call-ins";
        TopicFunnel => "Stödinsatser efter hur långt de kommit", "Support offers by how far they got";
        TopicMedians => "Mediantider i dagar", "Median times in days";
        LineAttempted => "Försökta", "Attempted";
        DashboardTitle => "Översikt", "Dashboard";
        DashboardIntro => "De senaste tolv månaderna, månad för månad, räknat på den här telefonen. Antalen är exakta: översikten stannar i teamet. Varje diagram finns också som tabell.", "The last twelve months, month by month, counted on this phone. The counts are exact: the dashboard stays within the team. Each chart is also a table.";
        WholeSpan => "Hela perioden", "Whole period";
        AsTable => "Visa som tabell", "Show as a table";
        TopicFunnelByCategory => "Stödinsatser under hela perioden, efter typ och hur långt de kommit", "Support offers over the whole period, by kind and how far they got";
        CaseloadTitle => "Ärenden", "Caseload";
        CaseloadTeamIntro => "Teamets personer och det som är öppet. Öppna en rad för att se vilka det gäller.", "The team's persons and what is open. Open a line to see who it is.";
        CaseloadOwnIntro => "Personer som du har registrerat och uppföljningar på ditt namn. Öppna en rad för att se vilka det gäller.", "Persons you recorded and follow-ups in your name. Open a line to see who it is.";
        ByWorker => "Personer per arbetare (telefon)", "Persons by worker (phone)";
        MyPersons => "Mina personer", "My persons";
        ByArea => "Personer per område", "Persons by area";
        ByGroup => "Personer per grupp", "Persons by group";
        OpenOffersHeading => "Öppna stödinsatser", "Open support offers";
        OverdueHeading => "Försenade uppföljningar", "Overdue follow-ups";
        DueWeekHeading => "Uppföljningar de närmaste sju dagarna", "Follow-ups in the next seven days";
        QuietHeading => "Ingen kontakt på länge", "No contact for a while";
        QuietDays => "Ingen kontakt på minst (dagar)", "No contact for at least (days)";
        NoneListed => "Inga.", "None.";
        Phone => "Telefon", "Phone";
        NotListedHere => "till, som inte visas här. Sök under Personer.", "more, not shown here. Search under Persons.";
        NoOneAssigned => "Ingen ansvarig", "No one assigned";
        TooFewToShow => "För få för att visas", "Too few to show";
    ] $($rest)* } };
}

/// A table's title.
pub fn topic_msg(topic: Topic) -> Msg {
    match topic {
        Topic::Contacts => Msg::TopicContacts,
        Topic::Notifications => Msg::TopicNotifications,
        Topic::Reach => Msg::TopicReach,
        Topic::Offers => Msg::TopicOffers,
        Topic::FollowUps => Msg::TopicFollowUps,
        Topic::Persons => Msg::TopicPersons,
        Topic::CallIns => Msg::TopicCallIns,
        Topic::Funnel => Msg::TopicFunnel,
        Topic::Medians => Msg::TopicMedians,
    }
}

pub fn median_msg(of: MedianOf) -> Msg {
    match of {
        MedianOf::ContactToOffer => Msg::MedianToOffer,
        MedianOf::OfferToStart => Msg::MedianToStart,
    }
}

/// A row's or column's heading in words.
pub fn line_words(i18n: I18n, line: &Line) -> String {
    use faltlogg_core::record::follow_up::Status as F;
    let msg = match line {
        Line::Count => Msg::LineCount,
        Line::Total => Msg::LineTotal,
        Line::Kind(k) => kind_msg(*k),
        Line::Attempted => Msg::LineAttempted,
        Line::Delivered => Msg::LineDelivered,
        Line::NotDelivered => Msg::LineNotDelivered,
        Line::PersonsMet => Msg::LinePersonsMet,
        Line::PersonsReached => Msg::LinePersonsReached,
        Line::CallInParticipants => Msg::LineCallIn,
        Line::Category(c) => category_msg(*c),
        Line::Status(s) => offer_status_msg(*s),
        Line::FollowUp(state) => match state {
            FollowUpState::Done => follow_up_status_msg(F::Done),
            FollowUpState::Missed => follow_up_status_msg(F::Missed),
            FollowUpState::Cancelled => follow_up_status_msg(F::Cancelled),
            FollowUpState::Overdue => Msg::Overdue,
            FollowUpState::Planned => follow_up_status_msg(F::Planned),
        },
        Line::Group(alias) => return alias.clone(),
        Line::Area(area) if area.is_empty() => Msg::LineNoArea,
        Line::Area(area) => return format!("{area}, {}", i18n.t(Msg::LineAreaTotal)),
        Line::SeveralGroups => Msg::LineSeveralGroups,
        Line::NoGroup => Msg::LineNoGroup,
        Line::Median(of) => median_msg(*of),
    };
    i18n.t(msg).to_string()
}
