//! Persons: the list, its filters, the person page, conflicts and history.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! persons_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
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
        ErasePerson => "Radera personen", "Erase the person";
        EraseExplain => "Personen och allt som registrerats om hen raderas, på alla telefoner och på servern. Det går inte att ångra. Kontakter där fler personer var med finns kvar, utan personen.", "The person and everything recorded about them is erased, on every phone and on the server. It cannot be undone. Contacts with other persons stay, without this person.";
        EraseReason => "Skäl", "Reason";
        ChooseReason => "Välj skäl", "Choose a reason";
        EraseReasonMissing => "Välj ett skäl till raderingen.", "Choose a reason for the erasure.";
        EraseAsked => "Personen har begärt radering", "The person asked to be erased";
        EraseNotNeeded => "Behövs inte längre i arbetet", "No longer needed for the work";
        EraseMistake => "Registrerad av misstag", "Recorded by mistake";
        EraseRetention => "Gallringstiden har gått ut", "The retention period has passed";
        EraseConfirm => "Radera personen och allt om hen, överallt? Det går inte att ångra.", "Erase this person and everything about them, everywhere? This cannot be undone.";
        PersonErased => "Personen är raderad.", "The person is erased.";
        CannotErase => "Personen registrerades innan radering fanns och kan inte raderas i appen. Kontakta den som driver servern.", "This person was recorded before erasure existed and cannot be erased in the app. Contact whoever runs the server.";
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
    ] $($rest)* } };
}

/// The words for a reason to erase a person.
pub fn erasure_reason_msg(reason: faltlogg_core::crypto::person::ErasureReason) -> super::Msg {
    use faltlogg_core::crypto::person::ErasureReason::*;
    match reason {
        Asked => super::Msg::EraseAsked,
        NotNeeded => super::Msg::EraseNotNeeded,
        Mistake => super::Msg::EraseMistake,
        Retention => super::Msg::EraseRetention,
    }
}
