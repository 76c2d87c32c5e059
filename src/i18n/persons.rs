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
