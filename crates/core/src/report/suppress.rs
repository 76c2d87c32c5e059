//! Small-cell suppression for figures that leave the team.
//!
//! The rule, and why it is safe:
//! - A count from 1 to `threshold - 1` is shown as "under the threshold" (primary
//!   suppression). A zero is shown: it points at no one, and a report of an empty month must
//!   say 0, not hide it.
//! - A total is shown only when every part of it is shown (a total "cascades": the sum of the
//!   row, of the column, of the whole table). So no shown total, minus shown parts, leaves a
//!   hidden part to be worked out.
//!
//! Every total of a report is a sum of *leaves*, counts that are no sum themselves (a table's
//! inner cells). Change any hidden leaf to any value from 1 to `threshold - 1`, recompute every
//! total, and every shown figure stays the same: each total that the change touches is itself
//! hidden. So a reader of the report learns of a hidden leaf only that it is under the
//! threshold, and of a hidden total only a range as wide as its hidden leaves allow. This
//! needs the threshold to be at least 3 (with 2, "under 2" would mean exactly 1) and the
//! report's sums to share their leaves; `tables.rs` keeps to that, and
//! `tests/report_suppression.rs` checks it over random teams.

/// The smallest and largest threshold a team may set (`TeamSettings::REPORT_THRESHOLD`), and
/// the default.
pub const THRESHOLDS: std::ops::RangeInclusive<u32> = 3..=20;
pub const DEFAULT_THRESHOLD: u32 = 5;

/// One figure of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId(u32);

/// A figure as a report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Count(u32),
    /// Under the threshold (shown as "<5").
    Under(u32),
}

/// Counts and the sums that tie them together.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    values: Vec<u32>,
    sums: Vec<(CellId, Vec<CellId>)>,
}

impl Sheet {
    /// A count that is no sum.
    pub fn leaf(&mut self, value: u32) -> CellId {
        self.values.push(value);
        CellId(self.values.len() as u32 - 1)
    }

    /// The sum of `parts`, as a new figure.
    pub fn sum(&mut self, parts: Vec<CellId>) -> CellId {
        let total = self.leaf(parts.iter().map(|&p| self.value(p)).sum());
        self.sums.push((total, parts));
        total
    }

    /// Says that `total` is also the sum of `parts` (a table's grand total: of its rows, and
    /// of its columns).
    pub fn also_sum(&mut self, total: CellId, parts: Vec<CellId>) {
        debug_assert_eq!(
            self.value(total),
            parts.iter().map(|&p| self.value(p)).sum::<u32>()
        );
        self.sums.push((total, parts));
    }

    pub fn value(&self, cell: CellId) -> u32 {
        self.values[self.index(cell)]
    }

    /// Where a figure is in what `publish` gives.
    pub fn index(&self, cell: CellId) -> usize {
        cell.0 as usize
    }

    /// Every figure, by index.
    pub fn cells(&self) -> impl Iterator<Item = CellId> {
        (0..self.values.len() as u32).map(CellId)
    }

    /// Every sum, as `(total, parts)`.
    pub fn sums(&self) -> &[(CellId, Vec<CellId>)] {
        &self.sums
    }

    /// What a report published with `threshold` shows of each figure, by `CellId`.
    pub fn publish(&self, threshold: u32) -> Vec<Shown> {
        let mut hidden: Vec<bool> = self
            .values
            .iter()
            .map(|&v| v > 0 && v < threshold)
            .collect();
        // Until nothing changes: a total with a hidden part is hidden.
        let mut changed = true;
        while changed {
            changed = false;
            for (total, parts) in &self.sums {
                let t = total.0 as usize;
                if !hidden[t] && parts.iter().any(|p| hidden[p.0 as usize]) {
                    hidden[t] = true;
                    changed = true;
                }
            }
        }
        self.values
            .iter()
            .zip(hidden)
            .map(|(&v, h)| {
                if h {
                    Shown::Under(threshold)
                } else {
                    Shown::Count(v)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_team_setting_allows_exactly_the_thresholds_a_report_takes() {
        let setting = crate::api::TeamSettings::REPORT_THRESHOLD;
        assert_eq!(u32::from(*setting.start()), *THRESHOLDS.start());
        assert_eq!(u32::from(*setting.end()), *THRESHOLDS.end());
    }

    #[test]
    fn small_counts_are_hidden_and_so_is_every_total_over_them() {
        let mut s = Sheet::default();
        let a = s.leaf(7);
        let b = s.leaf(2);
        let c = s.leaf(0);
        let row = s.sum(vec![a, b, c]);
        let d = s.leaf(9);
        let all = s.sum(vec![row, d]);
        let shown = s.publish(5);
        let at = |c: CellId| shown[c.0 as usize];
        assert_eq!(at(a), Shown::Count(7));
        assert_eq!(at(b), Shown::Under(5));
        assert_eq!(at(c), Shown::Count(0), "a zero points at no one");
        assert_eq!(at(row), Shown::Under(5), "9 - 7 would give the 2");
        assert_eq!(at(all), Shown::Under(5), "18 - 9 - 7 would give the 2");
        assert_eq!(at(d), Shown::Count(9));
    }

    #[test]
    fn a_total_hidden_through_one_of_its_sums_is_hidden() {
        // 13 = 6 + 7 = 3 + 10: shown through the first sum, the total would give the 3.
        let mut s = Sheet::default();
        let (a, b) = (s.leaf(6), s.leaf(7));
        let total = s.sum(vec![a, b]);
        let (c, d) = (s.leaf(3), s.leaf(10));
        s.also_sum(total, vec![c, d]);
        let shown = s.publish(5);
        assert_eq!(shown[total.0 as usize], Shown::Under(5));
        assert_eq!(shown[a.0 as usize], Shown::Count(6));
    }
}
