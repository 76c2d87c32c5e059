//! Calendar dates without a time zone, as the forms' `<input type="date">` gives them
//! (`YYYY-MM-DD`): days since 1970-01-01 in the proleptic Gregorian calendar. The device
//! works out today's date in its own time zone and passes it in; the core has no clock.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date(pub i32);

impl Date {
    /// The date of a civil year, month (1–12) and day (1–31), if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i32::from(month <= 2);
        (year, month, day)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Parses `YYYY-MM-DD`, the form of `<input type="date">`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year = parts.next()?;
        let (month, day) = (parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let num = |p: &str| {
            p.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| p.parse().ok())?
        };
        Date::from_ymd(num(year)? as i32, num(month)?, num(day)?)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The date of a Unix time in ms, at a time zone `offset_minutes` east of UTC.
    pub fn from_unix_ms(ms: i64, offset_minutes: i32) -> Date {
        let local = ms + i64::from(offset_minutes) * 60_000;
        Date(local.div_euclid(86_400_000) as i32)
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a time of day, `HH:MM` (or `H:MM`, `HH.MM`, `HHMM`), into hours and minutes: a
/// contact's time, a check-in's end.
pub fn parse_clock(value: &str) -> Option<(u32, u32)> {
    let v = value.trim();
    let (h, m) = match v.split_once(['.', ':']) {
        Some(parts) => parts,
        None if v.len() == 4 => v.split_at(2),
        None => return None,
    };
    let num = |p: &str| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())?
    };
    let (h, m) = (num(h)?, num(m)?);
    (h < 24 && m < 60 && m.to_string().len() <= 2).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(Date::from_ymd(2000, 3, 1), Some(Date(11_017)));
        assert_eq!(Date::parse("2026-12-01").unwrap().iso(), "2026-12-01");
        assert_eq!(Date::from_unix_ms(1_764_547_200_000, 0).iso(), "2025-12-01");
        // 23:30 UTC on 30 November is already 1 December in Stockholm (UTC+1).
        let ms = Date::from_ymd(2026, 11, 30).unwrap().0 as i64 * 86_400_000 + 84_600_000;
        assert_eq!(Date::from_unix_ms(ms, 60).iso(), "2026-12-01");
        assert_eq!(Date::from_unix_ms(ms, 0).iso(), "2026-11-30");
    }

    #[test]
    fn every_day_round_trips_and_bad_dates_are_refused() {
        for n in -800_000..800_000 {
            let (y, m, d) = Date(n).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(n)));
        }
        for bad in [
            "2026-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-1",
            "20240101",
            "",
            "abcd-ef-gh",
            "2024-04-31",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }
}
