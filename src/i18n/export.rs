//! The team's records as CSV: the section on More, and the files' column heads.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! export_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        ExportHeading => "Teamets uppgifter som CSV", "The team's records as CSV";
        ExportKind => "Vilka uppgifter", "Which records";
        ExportButton => "Ladda ner uppgifterna", "Download the records";
        ExportWarning => "Filen blir okrypterad på den här enheten och innehåller uppgifter om personer. Spara den bara där teamets regler tillåter. Fortsätta?", "The file will be unencrypted on this device and holds records about persons. Keep it only where the team's rules allow. Go on?";
        ColId => "Id", "Id";
        ColAlias => "Alias", "Alias";
        ColBirthYear => "Födelseår", "Birth year";
        ColGroups => "Grupper", "Groups";
        ColConsent => "Samtycke", "Consent";
        ColWhen => "Tidpunkt", "When";
        ColPersons => "Personer", "Persons";
        ColWorkers => "Medarbetare", "Workers";
        ColAgencies => "Samverkansparter", "Partner agencies";
        ColProvider => "Utförare", "Provider";
        ColStatus => "Läge", "Status";
        ColAcceptedOn => "Accepterad datum", "Accepted on";
        ColStartedOn => "Påbörjad datum", "Started on";
        ColEndedOn => "Avslutad datum", "Ended on";
        ColLink => "Hör till (id)", "Belongs to (id)";
        ColOutcome => "Utfall", "Outcome";
        ColClosedOn => "Stängd datum", "Closed on";
        ColNote => "Anteckning", "Note";
    ] $($rest)* } };
}

use faltlogg_core::record::{contact, follow_up, group, person, support_offer, FieldId, Kind};
use faltlogg_core::report::export::ID;

use super::Msg;

/// The head of a field's column in a CSV file of records.
pub fn column_msg(kind: Kind, field: FieldId) -> Msg {
    match (kind, field) {
        (_, ID) => Msg::ColId,
        (Kind::Person | Kind::Group, person::field::ALIAS) => Msg::ColAlias,
        (Kind::Person, person::field::BIRTH_YEAR) => Msg::ColBirthYear,
        (Kind::Person, person::field::AREA)
        | (Kind::Group, group::field::AREA)
        | (Kind::Contact, contact::field::AREA) => Msg::Area,
        (Kind::Person, person::field::GROUPS) => Msg::ColGroups,
        (Kind::Person, person::field::CONSENT) => Msg::ColConsent,
        (Kind::Person, person::field::CONSENT_DATE) => Msg::ConsentDate,
        (Kind::Person, person::field::CONSENT_SCOPE) => Msg::ConsentScope,
        (Kind::Person, person::field::RISK) => Msg::Risk,
        (Kind::Contact, contact::field::OCCURRED_AT) => Msg::ColWhen,
        (Kind::Contact, contact::field::KIND) => Msg::Kind,
        (Kind::Contact, contact::field::PERSONS) => Msg::ColPersons,
        (Kind::Contact, contact::field::WORKERS) => Msg::ColWorkers,
        (Kind::Contact, contact::field::AGENCIES) => Msg::ColAgencies,
        (Kind::Contact, contact::field::MESSAGE) => Msg::Message,
        (Kind::Contact, contact::field::SAFETY_CONCERN) => Msg::SafetyConcern,
        (Kind::SupportOffer, support_offer::field::PERSON)
        | (Kind::FollowUp, follow_up::field::PERSON) => Msg::PersonTitle,
        (Kind::SupportOffer, support_offer::field::CATEGORY) => Msg::Category,
        (Kind::SupportOffer, support_offer::field::PROVIDER) => Msg::ColProvider,
        (Kind::SupportOffer, support_offer::field::STATUS)
        | (Kind::FollowUp, follow_up::field::STATUS) => Msg::ColStatus,
        (Kind::SupportOffer, support_offer::field::OFFERED_ON) => Msg::OfferedOn,
        (Kind::SupportOffer, support_offer::field::ACCEPTED_ON) => Msg::ColAcceptedOn,
        (Kind::SupportOffer, support_offer::field::STARTED_ON) => Msg::ColStartedOn,
        (Kind::SupportOffer, support_offer::field::ENDED_ON) => Msg::ColEndedOn,
        (Kind::SupportOffer, support_offer::field::END_REASON) => Msg::Reason,
        (Kind::FollowUp, follow_up::field::DUE) => Msg::Due,
        (Kind::FollowUp, follow_up::field::ASSIGNED) => Msg::Assigned,
        (Kind::FollowUp, follow_up::field::LINK) => Msg::ColLink,
        (Kind::FollowUp, follow_up::field::OUTCOME) => Msg::ColOutcome,
        (Kind::FollowUp, follow_up::field::CLOSED_ON) => Msg::ColClosedOn,
        (Kind::Person, person::field::NOTE)
        | (Kind::Group, group::field::NOTE)
        | (Kind::Contact, contact::field::NOTE)
        | (Kind::SupportOffer, support_offer::field::NOTE) => Msg::ColNote,
        // Not a column of any file (the test below holds every column to a head of its own).
        _ => Msg::ColId,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{text, Lang};
    use super::*;
    use faltlogg_core::fold::Fold;
    use faltlogg_core::report::export::{rows, Choice, Words};

    struct Heads;

    impl Words for Heads {
        fn head(&self, kind: Kind, field: FieldId) -> String {
            text(Lang::Sv, column_msg(kind, field)).into()
        }
        fn choice(&self, _: Choice) -> String {
            String::new()
        }
        fn yes_no(&self, _: bool) -> String {
            String::new()
        }
        fn time(&self, _: i64) -> String {
            String::new()
        }
    }

    #[test]
    fn every_column_of_every_kind_has_a_head_of_its_own() {
        for kind in Kind::ALL {
            let mut heads = rows(&Fold::default(), kind, &Heads).remove(0);
            let n = heads.len();
            heads.sort();
            heads.dedup();
            assert_eq!(heads.len(), n, "{kind:?}: {heads:?}");
        }
    }
}
