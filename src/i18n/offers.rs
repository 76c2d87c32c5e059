//! Support offers: categories and the steps of an offer.

use faltlogg_core::record::support_offer::{self, Category};

use super::Msg;

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! offers_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
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
    ] $($rest)* } };
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
