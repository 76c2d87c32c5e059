//! The coordinator's dashboard: the last months' figures month by month and over the whole
//! span, as series that a screen draws as bar charts and as tables. It stays on the
//! coordinator's screen, inside the team, so unlike the partnership report it shows exact
//! counts: nothing is suppressed.
//!
//! "Cumulative" is the whole span's figure, counted over the span: distinct persons are
//! counted once in it however many months they were met in, so it is not always the sum of
//! the months; a median is the median of all the span's offers.

use super::figures::{doubled_median, index, tally, FollowUpState, Tally};
use super::period::Period;
use super::tables::{Line, MedianOf, Topic};
use crate::fold::Fold;
use crate::record::contact::ContactKind;
use crate::record::date::Date;
use crate::record::support_offer::{Category, Status};
use crate::record::Coded;

/// What a chart's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// Days, doubled (`tables::days_text` writes them): a median may end in a half.
    HalfDays,
}

/// One line of a chart: a value for each month (`None`: nothing to give, as a median of no
/// offers), and the span's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub line: Line,
    pub months: Vec<Option<u32>>,
    pub span: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub topic: Topic,
    pub unit: Unit,
    pub series: Vec<Series>,
}

/// The offer funnel's stages, named as the statuses (in their order): offers that got as far
/// as each step, and those that ended early.
pub const STAGES: &[Status] = <Status as Coded>::ALL;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// The whole span: from the first day of the first month to today.
    pub span: Period,
    /// The months, the last cut at today.
    pub months: Vec<Period>,
    pub charts: Vec<Chart>,
    /// The span's offers by category (`Category::ALL`), at each of `STAGES`.
    pub funnel_by_category: Vec<(Category, [u32; 6])>,
}

/// How far each offer of a category got, in `STAGES` order.
fn stages(t: &Tally, row: usize) -> [u32; 6] {
    let offers = &t.offers[row];
    let [accepted, started, completed] = t.funnel[row];
    [
        offers.iter().sum(),
        accepted,
        started,
        completed,
        offers[index(Status::Declined)],
        offers[index(Status::DroppedOut)],
    ]
}

/// The dashboard of the `months` calendar months up to and including today's.
pub fn dashboard(
    fold: &Fold,
    months: u32,
    today: Date,
    local_date: &dyn Fn(i64) -> Date,
) -> Dashboard {
    let (mut y, mut m, _) = today.ymd();
    for _ in 1..months.max(1) {
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    let from = Period::month(y, m).map_or(today, |p| p.from);
    let span = Period { from, to: today };
    let month_list = span.months();
    let tallies = tally(fold, &month_list, today, local_date);
    // Distinct persons and medians over the span cannot be added up from the months: the
    // span is counted on its own.
    let whole = tally(fold, &[span], today, local_date).remove(0);
    let series = |line, of: &dyn Fn(&Tally) -> Option<u32>| Series {
        line,
        months: tallies.iter().map(of).collect(),
        span: of(&whole),
    };
    let count = |topic, series| Chart {
        topic,
        unit: Unit::Count,
        series,
    };
    let funnel_total = |stage: usize| {
        move |t: &Tally| {
            Some(
                (0..Category::ALL.len())
                    .map(|row| stages(t, row)[stage])
                    .sum(),
            )
        }
    };
    let median = |days: &[i32]| doubled_median(days).and_then(|d| u32::try_from(d).ok());
    let charts = vec![
        count(
            Topic::Contacts,
            ContactKind::ALL
                .iter()
                .map(|&kind| series(Line::Kind(kind), &|t| Some(t.contacts[index(kind)])))
                .collect(),
        ),
        count(
            Topic::Notifications,
            vec![
                series(Line::Attempted, &|t| Some(t.attempted())),
                series(Line::Delivered, &|t| Some(t.delivered)),
            ],
        ),
        count(
            Topic::Reach,
            vec![
                series(Line::PersonsMet, &|t| Some(t.persons_met)),
                series(Line::PersonsReached, &|t| Some(t.persons_reached)),
            ],
        ),
        count(
            Topic::CallIns,
            vec![
                series(Line::Kind(ContactKind::CallIn), &|t| Some(t.call_ins())),
                series(Line::CallInParticipants, &|t| Some(t.call_in_participants)),
            ],
        ),
        count(
            Topic::Funnel,
            STAGES
                .iter()
                .enumerate()
                .map(|(i, &s)| series(Line::Status(s), &funnel_total(i)))
                .collect(),
        ),
        Chart {
            topic: Topic::Medians,
            unit: Unit::HalfDays,
            series: vec![
                series(Line::Median(MedianOf::ContactToOffer), &|t| {
                    median(&t.days_to_offer)
                }),
                series(Line::Median(MedianOf::OfferToStart), &|t| {
                    median(&t.days_to_start)
                }),
            ],
        },
        count(
            Topic::FollowUps,
            [
                FollowUpState::Done,
                FollowUpState::Missed,
                FollowUpState::Overdue,
            ]
            .iter()
            .map(|&state| {
                let at = FollowUpState::ALL
                    .iter()
                    .position(|&s| s == state)
                    .unwrap_or(0);
                series(Line::FollowUp(state), &|t| Some(t.follow_ups[at]))
            })
            .collect(),
        ),
    ];
    let funnel_by_category = Category::ALL
        .iter()
        .enumerate()
        .map(|(row, &c)| (c, stages(&whole, row)))
        .collect();
    Dashboard {
        span,
        months: month_list,
        charts,
        funnel_by_category,
    }
}

/// The bars of one series as an SVG path in a box `10 × n` wide and 40 high: a bar 7 wide
/// per month, its height in proportion to `max` (a value above 0 is never drawn flat), on a
/// baseline. One path per series keeps a chart to a few elements, whatever the months.
pub fn bars_path(values: &[Option<u32>], max: u32) -> String {
    let width = 10 * values.len();
    let mut d = format!("M0 39.5h{width}v.5h-{width}z");
    for (i, v) in values.iter().enumerate() {
        let v = u64::from(v.unwrap_or(0));
        if v == 0 || max == 0 {
            continue;
        }
        // In tenths of a unit, rounded, at least one unit high: no float formatting.
        let tenths = (v * 390 + u64::from(max) / 2) / u64::from(max);
        let tenths = tenths.clamp(10, 390);
        d.push_str(&format!(
            "M{} 39.5v-{}.{}h7v{}.{}z",
            10 * i + 1,
            tenths / 10,
            tenths % 10,
            tenths / 10,
            tenths % 10
        ));
    }
    d
}

/// The largest value of a chart: its bars share one scale, so they can be compared.
pub fn chart_max(chart: &Chart) -> u32 {
    chart
        .series
        .iter()
        .flat_map(|s| s.months.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion_on_a_baseline_and_never_flat_above_zero() {
        assert_eq!(bars_path(&[], 5), "M0 39.5h0v.5h-0z");
        assert_eq!(
            bars_path(&[Some(4), None, Some(0), Some(1), Some(100)], 4),
            "M0 39.5h50v.5h-50zM1 39.5v-39.0h7v39.0zM31 39.5v-9.8h7v9.8zM41 39.5v-39.0h7v39.0z"
        );
        // A tiny value against a large one still shows as one unit.
        assert!(bars_path(&[Some(1), Some(1000)], 1000).contains("M1 39.5v-1.0h7v1.0z"));
        assert_eq!(bars_path(&[Some(0)], 0), "M0 39.5h10v.5h-10z");
    }
}
