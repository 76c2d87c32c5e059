//! The partnership report: a period's figures as tables, with small counts suppressed
//! (`suppress.rs`). Every sum in it is over the same leaves, so suppression's argument holds:
//! custom notifications are split into delivered and not delivered, and that split is the
//! contacts table's custom-notification row; the persons are counted once each, under their
//! group, and each area's row is the sum of its groups.

use super::figures::{doubled_median, index, FollowUpState, PersonsInScope, Tally};
use super::period::Period;
use super::suppress::{CellId, Sheet, Shown, THRESHOLDS};
use crate::record::contact::ContactKind;
use crate::record::support_offer::{Category, Status};
use crate::record::Coded;

/// What a table is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Contacts,
    Notifications,
    Reach,
    Offers,
    FollowUps,
    Persons,
    /// The dashboard's: call-ins held and their participants.
    CallIns,
    /// The dashboard's: offers by how far they got.
    Funnel,
    /// The dashboard's: the medians, in days.
    Medians,
}

/// A row's or a column's heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The one column of a list of counts.
    Count,
    Total,
    Kind(ContactKind),
    /// Custom notifications attempted, delivered or not (the dashboard's).
    Attempted,
    Delivered,
    NotDelivered,
    PersonsMet,
    PersonsReached,
    CallInParticipants,
    Category(Category),
    Status(Status),
    FollowUp(FollowUpState),
    /// A group, by its alias.
    Group(String),
    /// The sum of the groups of an area (empty: groups with no area).
    Area(String),
    SeveralGroups,
    NoGroup,
    Median(MedianOf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: Line,
    pub cells: Vec<CellId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub topic: Topic,
    pub columns: Vec<Line>,
    pub rows: Vec<Row>,
}

/// A median the report gives, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedianOf {
    /// From a person's first contact to an offer.
    ContactToOffer,
    /// From an offer to its start.
    OfferToStart,
}

/// Why a report cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportError {
    /// The threshold is outside `THRESHOLDS`.
    Threshold,
}

/// A period's report, ready to show, print or export.
#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub threshold: u32,
    pub tables: Vec<Table>,
    /// Each median in days, doubled (`days_text` writes it), over at least `threshold`
    /// offers; `None` when there are fewer (too few to show).
    pub medians: Vec<(MedianOf, Option<i64>)>,
    sheet: Sheet,
    shown: Vec<Shown>,
}

impl Report {
    pub fn new(
        tally: &Tally,
        persons: &PersonsInScope,
        threshold: u32,
    ) -> Result<Report, ReportError> {
        if !THRESHOLDS.contains(&threshold) {
            return Err(ReportError::Threshold);
        }
        let mut s = Sheet::default();
        let list = |topic, rows| Table {
            topic,
            columns: vec![Line::Count],
            rows,
        };
        let row = |line, cell| Row {
            line,
            cells: vec![cell],
        };

        // Custom notifications, delivered or not: two leaves, their sum the contacts row.
        let delivered = s.leaf(tally.delivered);
        let not_delivered = s.leaf(tally.attempted() - tally.delivered);
        let attempted = s.sum(vec![delivered, not_delivered]);
        let mut rows = Vec::new();
        for &kind in ContactKind::ALL {
            let cell = if kind == ContactKind::CustomNotification {
                attempted
            } else {
                s.leaf(tally.contacts[index(kind)])
            };
            rows.push(row(Line::Kind(kind), cell));
        }
        let total = s.sum(rows.iter().map(|r| r.cells[0]).collect());
        rows.push(row(Line::Total, total));
        let contacts = list(Topic::Contacts, rows);
        let notifications = list(
            Topic::Notifications,
            vec![
                row(Line::Delivered, delivered),
                row(Line::NotDelivered, not_delivered),
                row(Line::Total, attempted),
            ],
        );
        // Distinct persons: no sums (one person may be in several).
        let reach = list(
            Topic::Reach,
            vec![
                row(Line::PersonsMet, s.leaf(tally.persons_met)),
                row(Line::PersonsReached, s.leaf(tally.persons_reached)),
                row(Line::CallInParticipants, s.leaf(tally.call_in_participants)),
            ],
        );

        // Offers: category by status, with the totals of each row and column.
        let mut rows = Vec::new();
        for (i, &category) in Category::ALL.iter().enumerate() {
            let mut cells: Vec<CellId> = tally.offers[i].iter().map(|&n| s.leaf(n)).collect();
            cells.push(s.sum(cells.clone()));
            rows.push(Row {
                line: Line::Category(category),
                cells,
            });
        }
        let mut totals: Vec<CellId> = (0..Status::ALL.len())
            .map(|col| s.sum(rows.iter().map(|r| r.cells[col]).collect()))
            .collect();
        let grand = s.sum(rows.iter().map(|r| r.cells[Status::ALL.len()]).collect());
        s.also_sum(grand, totals.clone());
        totals.push(grand);
        rows.push(Row {
            line: Line::Total,
            cells: totals,
        });
        let mut columns: Vec<Line> = Status::ALL.iter().map(|&st| Line::Status(st)).collect();
        columns.push(Line::Total);
        let offers = Table {
            topic: Topic::Offers,
            columns,
            rows,
        };

        let mut rows: Vec<Row> = FollowUpState::ALL
            .iter()
            .zip(tally.follow_ups)
            .map(|(&state, n)| row(Line::FollowUp(state), s.leaf(n)))
            .collect();
        let total = s.sum(rows.iter().map(|r| r.cells[0]).collect());
        rows.push(row(Line::Total, total));
        let follow_ups = list(Topic::FollowUps, rows);

        // Persons: each group, then its area's sum; then the persons in several groups or
        // none; then all of them.
        let mut rows = Vec::new();
        let mut parts = Vec::new();
        for (area, groups) in &persons.by_area {
            let cells: Vec<CellId> = groups.iter().map(|(_, n)| s.leaf(*n)).collect();
            for ((alias, _), &cell) in groups.iter().zip(&cells) {
                rows.push(row(Line::Group(alias.clone()), cell));
            }
            let sum = s.sum(cells);
            parts.push(sum);
            rows.push(row(Line::Area(area.clone()), sum));
        }
        for (line, n) in [
            (Line::SeveralGroups, persons.several_groups),
            (Line::NoGroup, persons.no_group),
        ] {
            let cell = s.leaf(n);
            parts.push(cell);
            rows.push(row(line, cell));
        }
        let total = s.sum(parts);
        rows.push(row(Line::Total, total));
        let persons = list(Topic::Persons, rows);

        let shown_median = |days: &[i32]| {
            if days.len() >= threshold as usize {
                doubled_median(days)
            } else {
                None
            }
        };
        let shown = s.publish(threshold);
        Ok(Report {
            period: tally.period,
            threshold,
            tables: vec![contacts, notifications, reach, offers, follow_ups, persons],
            medians: vec![
                (MedianOf::ContactToOffer, shown_median(&tally.days_to_offer)),
                (MedianOf::OfferToStart, shown_median(&tally.days_to_start)),
            ],
            sheet: s,
            shown,
        })
    }

    /// What the report shows of a figure.
    pub fn shown(&self, cell: CellId) -> Shown {
        self.shown[self.sheet_index(cell)]
    }

    /// The exact count behind a figure: for the coordinator's own screens, never for a
    /// report that leaves the team.
    pub fn value(&self, cell: CellId) -> u32 {
        self.sheet.value(cell)
    }

    /// The figures and their sums.
    pub fn sheet(&self) -> &Sheet {
        &self.sheet
    }

    fn sheet_index(&self, cell: CellId) -> usize {
        self.sheet.index(cell)
    }

    /// The report as rows of text, for CSV: each table under its title, a header row, its
    /// rows, and an empty row; then the medians. `words` names a line, `topic` a table,
    /// `median` a median, `too_few` what stands for one that is not shown, and `decimal` is
    /// the language's decimal mark.
    pub fn text_rows(
        &self,
        words: &dyn Fn(&Line) -> String,
        topic: &dyn Fn(Topic) -> String,
        median: &dyn Fn(MedianOf) -> String,
        too_few: &str,
        decimal: char,
    ) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for table in &self.tables {
            let mut header = vec![topic(table.topic)];
            header.extend(table.columns.iter().map(words));
            out.push(header);
            for row in &table.rows {
                let mut line = vec![words(&row.line)];
                line.extend(row.cells.iter().map(|&c| shown_text(self.shown(c))));
                out.push(line);
            }
            out.push(Vec::new());
        }
        for (of, days) in &self.medians {
            let value = days.map_or_else(|| too_few.to_string(), |d| days_text(d, decimal));
            out.push(vec![median(*of), value]);
        }
        out
    }
}

/// A shown figure as text: the count, or "<5".
pub fn shown_text(shown: Shown) -> String {
    match shown {
        Shown::Count(n) => n.to_string(),
        Shown::Under(t) => format!("<{t}"),
    }
}

/// Doubled days as days with at most one decimal: "12", "12,5" (with `decimal` ',').
pub fn days_text(doubled: i64, decimal: char) -> String {
    let days = doubled.div_euclid(2);
    if doubled % 2 == 0 {
        days.to_string()
    } else {
        format!("{days}{decimal}5")
    }
}

#[cfg(test)]
mod tests {
    use super::days_text;

    #[test]
    fn half_days_are_written_with_the_languages_decimal_mark() {
        assert_eq!(days_text(24, ','), "12");
        assert_eq!(days_text(25, ','), "12,5");
        assert_eq!(days_text(25, '.'), "12.5");
        assert_eq!(days_text(0, ','), "0");
    }
}
