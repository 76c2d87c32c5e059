//! Groups: the list, the group page and the form.

/// This domain's messages, handed on to the next (see `collect!` in `i18n/mod.rs`).
macro_rules! groups_messages {
    ($then:ident [$($acc:tt)*] $($rest:ident)*) => { $then! { [$($acc)*
        NavGroups => "Grupper", "Groups";
        GroupsTitle => "Grupper", "Groups";
        GroupTitle => "Grupp", "Group";
        NewGroup => "Ny grupp", "New group";
        EditGroup => "Ändra grupp", "Edit group";
        GroupsSearch => "Sök grupp", "Search for a group";
        NoGroups => "Inga grupper. Ny grupp?", "No groups. New group?";
        GroupAlias => "Gruppens namn eller alias", "The group's name or alias";
        SaveGroup => "Spara gruppen", "Save the group";
        Members => "Medlemmar", "Members";
        GroupsOfPerson => "Grupper (valfritt)", "Groups (optional)";
        EditContact => "Ändra kontakt", "Edit contact";
    ] $($rest)* } };
}
