//! The partnership report (coordinators): a period's figures, counted on this phone from the
//! records it holds, with small counts suppressed (`faltlogg_core::report`). Printable (the
//! print style sheet lays it out on A4) and downloadable as CSV. The period is in the path,
//! so a report can be opened again, reloaded and printed from its own address.

use faltlogg_core::record::date::Date;
use faltlogg_core::report::{
    csv, persons_in_scope,
    tables::{days_text, shown_text},
    tally, Period, PeriodError, Report, DEFAULT_THRESHOLD,
};
use leptos::prelude::*;

use super::Screen;
use crate::components::{use_form, Button, Field, FormState};
use crate::guard::Guard;
use crate::i18n::{line_words, median_msg, topic_msg, use_i18n, I18n, Msg};
use crate::state::records::use_records;
use crate::time::{local_date, today};
use crate::ui::{form_screen, Block, FigureTable, Saving};

/// The report screen: the period's form, and under it the report of the period in the path.
#[component]
pub fn ReportPage(period: Option<(Date, Date)>) -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let (from, to) = period.unwrap_or_else(last_month);
    let from_text = RwSignal::new(from.iso());
    let to_text = RwSignal::new(to.iso());
    // Checks the fields: shows their problems, gives the period when it may be reported.
    let check = move || {
        let (from, to) = (
            Date::parse(&from_text.get_untracked()),
            Date::parse(&to_text.get_untracked()),
        );
        let mut errors = Vec::new();
        if from.is_none() {
            errors.push(("report-from", Msg::ErrDateFormat));
        }
        if to.is_none() {
            errors.push(("report-to", Msg::ErrDateFormat));
        }
        let checked = from
            .zip(to)
            .map(|(from, to)| Period::checked(from, to, today()));
        match checked {
            Some(Err(PeriodError::Empty)) => errors.push(("report-to", Msg::PeriodEmpty)),
            Some(Err(_)) => errors.push(("report-from", Msg::PeriodFuture)),
            _ => {}
        }
        form.set_errors.set(errors);
        checked.and_then(Result::ok)
    };
    // Nothing to save: the report of the period opens at its own address.
    let submit = move || {
        check().map(|p| Saving {
            changes: Vec::new(),
            said: None,
            then: Screen::report(p.from, p.to),
        })
    };
    let date = |id, label, value| {
        Block::Input(
            Field::new(id, label, "text", value)
                .hint(Msg::DateHint)
                .numeric(),
        )
    };
    let mut blocks = vec![
        Block::Para(i18n.t(Msg::ReportIntro).into(), ""),
        date("report-from", Msg::ReportFrom, from_text),
        date("report-to", Msg::ReportTo, to_text),
        Block::Submit(Msg::ShowReport, "show-report"),
    ];
    // A period in the path that cannot be reported (typed by hand) shows the form, with why.
    if let Some(report) = period.and_then(|_| check()).and_then(make_report) {
        blocks.extend(report_blocks(i18n, &report));
    }
    // A form like every other (one copy of the form's drawing code in the wasm): its draft
    // keeps a period typed but not yet shown.
    form_screen(
        form,
        "report".into(),
        blocks,
        Screen::MORE.into(),
        Box::new(submit),
    )
}

/// The last whole month: what a monthly report is usually about.
fn last_month() -> (Date, Date) {
    let (y, m, _) = today().ymd();
    let (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    Period::month(y, m).map_or((today(), today()), |p| (p.from, p.to))
}

fn make_report(period: Period) -> Option<Report> {
    let records = use_records();
    let today = today();
    records.with_untracked(|fold| {
        let figures = tally(fold, &[period], today, &local_date).remove(0);
        let scope = persons_in_scope(fold, period.to, &local_date);
        // The team's threshold, as the phone last heard it; the default if out of range (the
        // server refuses one, so only a hand-edited guard could hold it).
        let threshold = u32::from(Guard::load().settings.report_threshold);
        Report::new(&figures, &scope, threshold)
            .or_else(|_| Report::new(&figures, &scope, DEFAULT_THRESHOLD))
            .ok()
    })
}

fn report_blocks(i18n: I18n, report: &Report) -> Vec<Block> {
    let words = |line: &_| line_words(i18n, line);
    let period = format!(
        "{}: {} – {}",
        i18n.t(Msg::ReportPeriod),
        report.period.from.iso(),
        report.period.to.iso()
    );
    let mut blocks = vec![Block::Title(period, "report-period")];
    for table in &report.tables {
        blocks.push(Block::Table(FigureTable {
            caption: i18n.t(topic_msg(table.topic)).into(),
            columns: table.columns.iter().map(words).collect(),
            rows: table
                .rows
                .iter()
                .map(|row| {
                    let cells = row.cells.iter().map(|&c| shown_text(report.shown(c)));
                    (words(&row.line), cells.collect())
                })
                .collect(),
        }));
    }
    let too_few = i18n.t(Msg::TooFewToShow);
    let decimal = i18n.decimal_mark();
    blocks.push(Block::Facts(
        report
            .medians
            .iter()
            .map(|(of, days)| {
                let value = days.map_or_else(|| too_few.to_string(), |d| days_text(d, decimal));
                (median_msg(*of), value, "")
            })
            .collect(),
    ));
    let rows = report.text_rows(
        &words,
        &|topic| i18n.t(topic_msg(topic)).into(),
        &|of| i18n.t(median_msg(of)).into(),
        too_few,
        decimal,
    );
    let name = format!(
        "faltlogg-{}-{}.csv",
        report.period.from.iso(),
        report.period.to.iso()
    );
    let text = csv::write(&rows);
    blocks.push(Block::Button(
        Button::new(
            "download-csv",
            i18n.t(Msg::DownloadCsv),
            "secondary",
            move |_: FormState| {
                if confirm(i18n.t(Msg::CsvWarning)) {
                    download(&name, &text);
                }
            },
        ),
        None,
    ));
    blocks.push(Block::Button(
        Button::new(
            "print-report",
            i18n.t(Msg::PrintReport),
            "secondary",
            |_: FormState| {
                let _ = window().print();
            },
        ),
        None,
    ));
    blocks
}

pub(super) fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

/// Saves `text` as a file named `name`: a link to it as a `data:` address, clicked. The text
/// never leaves the phone.
pub(super) fn download(name: &str, text: &str) {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    );
    let Ok(link) = document().create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", name);
    if let Some(link) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&link) {
        link.click();
    }
}
