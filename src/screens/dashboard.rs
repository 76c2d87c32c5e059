//! The dashboard (coordinators): the last twelve months of the team's work as bar charts,
//! each also a table, counted on this phone (`faltlogg_core::report::dashboard`). Exact
//! counts: it stays on the coordinator's screen. What leaves the team is the report.

use faltlogg_core::report::dashboard::{bars_path, chart_max, dashboard, Unit, STAGES};
use faltlogg_core::report::tables::days_text;
use faltlogg_core::report::Line;
use leptos::prelude::*;

use crate::components::use_form;
use crate::i18n::{category_msg, line_words, topic_msg, use_i18n, Msg};
use crate::state::records::use_records;
use crate::time::{local_date, today};
use crate::ui::{render, Block, FigureTable};

/// How many calendar months the dashboard shows, this one included.
pub const MONTHS: u32 = 12;

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let decimal = i18n.decimal_mark();
    // Counted once as the screen opens: a sync while it is read does not move the bars.
    let board = use_records().with_untracked(|fold| dashboard(fold, MONTHS, today(), &local_date));
    let mut columns: Vec<String> = board
        .months
        .iter()
        .map(|m| {
            let (y, m, _) = m.from.ymd();
            format!("{y}-{m:02}")
        })
        .collect();
    columns.push(i18n.t(Msg::WholeSpan).into());
    let mut blocks = vec![Block::Para(i18n.t(Msg::DashboardIntro).into(), "")];
    for chart in &board.charts {
        let max = chart_max(chart);
        let text = |v: Option<u32>| match (v, chart.unit) {
            (None, _) => "–".to_string(),
            (Some(n), Unit::Count) => n.to_string(),
            (Some(d), Unit::HalfDays) => days_text(i64::from(d), decimal),
        };
        let rows = chart
            .series
            .iter()
            .map(|s| {
                let cells = s.months.iter().chain([&s.span]).map(|v| text(*v));
                (line_words(i18n, &s.line), cells.collect())
            })
            .collect();
        let bars = chart
            .series
            .iter()
            .map(|s| bars_path(&s.months, max))
            .collect();
        let table = FigureTable {
            caption: i18n.t(topic_msg(chart.topic)).into(),
            columns: columns.clone(),
            rows,
        };
        blocks.push(Block::Chart(table, bars));
    }
    blocks.push(Block::Table(FigureTable {
        caption: i18n.t(Msg::TopicFunnelByCategory).into(),
        columns: STAGES
            .iter()
            .map(|&s| line_words(i18n, &Line::Status(s)))
            .collect(),
        rows: board
            .funnel_by_category
            .iter()
            .map(|(c, stages)| {
                let cells = stages.iter().map(u32::to_string).collect();
                (i18n.t(category_msg(*c)).to_string(), cells)
            })
            .collect(),
    }));
    render(use_form(), blocks)
}
