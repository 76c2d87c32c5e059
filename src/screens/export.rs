//! The team's records as CSV, on More for coordinators: one kind of record a file, written on
//! this phone from the records it holds, after a warning that the file is plaintext.

use faltlogg_core::record::{Coded, FieldId, Kind};
use faltlogg_core::report::csv;
use faltlogg_core::report::export::{file_name, rows, Choice, Words};
use leptos::prelude::*;

use super::report::{confirm, download};
use crate::components::{Button, FormState};
use crate::i18n::{self, use_i18n, I18n, Msg};
use crate::state::records::use_records;
use crate::time::{date_time, today};
use crate::ui::{Block, Select};

/// The app's words for a file of records, in the language in use.
struct AppWords(I18n);

impl Words for AppWords {
    fn head(&self, kind: Kind, field: FieldId) -> String {
        self.0.t(i18n::column_msg(kind, field)).into()
    }

    fn choice(&self, choice: Choice) -> String {
        self.0
            .t(match choice {
                Choice::ContactKind(k) => i18n::kind_msg(k),
                Choice::Message(m) => i18n::message_msg(m),
                Choice::Agency(a) => i18n::agency_msg(a),
                Choice::Category(c) => i18n::category_msg(c),
                Choice::OfferStatus(s) => i18n::offer_status_msg(s),
                Choice::FollowUpStatus(s) => i18n::follow_up_status_msg(s),
            })
            .into()
    }

    fn yes_no(&self, yes: bool) -> String {
        self.0.t(if yes { Msg::Yes } else { Msg::No }).into()
    }

    fn time(&self, ms: i64) -> String {
        date_time(ms)
    }
}

/// The kinds as the choice names them.
fn kind_msg(kind: Kind) -> Msg {
    match kind {
        Kind::Person => Msg::NavPersons,
        Kind::Group => Msg::NavGroups,
        Kind::Contact => Msg::ContactsHeading,
        Kind::SupportOffer => Msg::OffersHeading,
        Kind::FollowUp => Msg::FollowUpsHeading,
    }
}

/// The section: which records, and the button that writes them, once the warning is
/// accepted.
pub fn export_blocks() -> Vec<Block> {
    let i18n = use_i18n();
    let chosen = RwSignal::new(Kind::Contact.code().to_string());
    let export = move |_: FormState| {
        let kind = Kind::from_code(&chosen.get_untracked()).unwrap_or(Kind::Contact);
        if confirm(i18n.t(Msg::ExportWarning)) {
            let text =
                use_records().with_untracked(|f| csv::write(&rows(f, kind, &AppWords(i18n))));
            download(&file_name(kind, today()), &text);
        }
    };
    vec![
        Block::Heading(Msg::ExportHeading),
        Block::Select(Select {
            id: "export-kind",
            label: Msg::ExportKind,
            options: Kind::ALL
                .iter()
                .map(|&k| (k.code(), i18n.t(kind_msg(k))))
                .collect(),
            placeholder: None,
            value: chosen,
        }),
        Block::Button(
            Button::new("export-csv", i18n.t(Msg::ExportButton), "secondary", export),
            None,
        ),
    ]
}
