//! The period a report or a dashboard covers: whole days, both ends included.

use crate::record::date::Date;

/// From `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period cannot be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    /// It ends before it starts.
    Empty,
    /// It starts after today: nothing can have happened in it yet.
    Future,
    /// A date that does not exist (a month 13, a year out of range).
    Invalid,
}

impl Period {
    /// A period that may be reported on `today`. It may end after today (this month, so far):
    /// then its figures are those up to today.
    pub fn checked(from: Date, to: Date, today: Date) -> Result<Period, PeriodError> {
        if to < from {
            Err(PeriodError::Empty)
        } else if from > today {
            Err(PeriodError::Future)
        } else {
            Ok(Period { from, to })
        }
    }

    /// A calendar month (1–12).
    pub fn month(year: i32, month: u32) -> Result<Period, PeriodError> {
        let from = Date::from_ymd(year, month, 1).ok_or(PeriodError::Invalid)?;
        let next = if month == 12 {
            Date::from_ymd(year + 1, 1, 1)
        } else {
            Date::from_ymd(year, month + 1, 1)
        };
        Ok(Period {
            from,
            to: next.ok_or(PeriodError::Invalid)?.add_days(-1),
        })
    }

    /// A calendar quarter (1–4).
    pub fn quarter(year: i32, quarter: u32) -> Result<Period, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::Invalid);
        }
        let first = Period::month(year, quarter * 3 - 2)?;
        let last = Period::month(year, quarter * 3)?;
        Ok(Period {
            from: first.from,
            to: last.to,
        })
    }

    /// A calendar year.
    pub fn year(year: i32) -> Result<Period, PeriodError> {
        Ok(Period {
            from: Date::from_ymd(year, 1, 1).ok_or(PeriodError::Invalid)?,
            to: Date::from_ymd(year, 12, 31).ok_or(PeriodError::Invalid)?,
        })
    }

    pub fn contains(self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// The calendar months this period touches, each cut to the period: the dashboard's
    /// columns.
    pub fn months(self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut from = self.from;
        while from <= self.to {
            let (y, m, _) = from.ymd();
            let Ok(month) = Period::month(y, m) else {
                break;
            };
            let to = month.to.min(self.to);
            months.push(Period { from, to });
            from = to.add_days(1);
        }
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn calendar_periods_cover_whole_months() {
        assert_eq!(
            Period::month(2024, 2).unwrap(),
            Period {
                from: d("2024-02-01"),
                to: d("2024-02-29")
            }
        );
        assert_eq!(Period::month(2025, 12).unwrap().to, d("2025-12-31"));
        assert_eq!(
            Period::quarter(2025, 2).unwrap(),
            Period {
                from: d("2025-04-01"),
                to: d("2025-06-30")
            }
        );
        assert_eq!(Period::year(2025).unwrap().to, d("2025-12-31"));
        assert_eq!(Period::month(2025, 13), Err(PeriodError::Invalid));
        assert_eq!(Period::quarter(2025, 5), Err(PeriodError::Invalid));
    }

    #[test]
    fn a_period_must_have_begun_and_must_not_end_before_it_starts() {
        let today = d("2026-03-10");
        assert_eq!(
            Period::checked(d("2026-03-02"), d("2026-03-01"), today),
            Err(PeriodError::Empty)
        );
        assert_eq!(
            Period::checked(d("2026-03-11"), d("2026-03-20"), today),
            Err(PeriodError::Future)
        );
        // This month so far is a period.
        assert!(Period::checked(d("2026-03-01"), d("2026-03-31"), today).is_ok());
    }

    #[test]
    fn months_cut_a_period_at_month_ends() {
        let months = Period {
            from: d("2025-11-15"),
            to: d("2026-01-10"),
        }
        .months();
        let ends: Vec<(String, String)> =
            months.iter().map(|p| (p.from.iso(), p.to.iso())).collect();
        assert_eq!(
            ends,
            [
                ("2025-11-15".into(), "2025-11-30".into()),
                ("2025-12-01".into(), "2025-12-31".into()),
                ("2026-01-01".into(), "2026-01-10".into()),
            ]
        );
    }
}
