//! The lone-worker check-in's end as a worker types it: a time of day, "23:30", taken as the
//! next such time that makes sense (at 22:00, "01:30" is after midnight), or refused with a
//! reason the app can say in words.

use crate::api::CheckInRequest;
use crate::record::date::parse_clock;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// A time this much before now is a slip ("21:30" typed at 22:00), not tomorrow's.
const PAST_GRACE_MS: i64 = 2 * 60 * MINUTE_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInError {
    /// Not a time of day (`HH:MM`, `HH.MM` or `HHMM`).
    Format,
    /// The time has passed.
    Past,
    /// Further ahead than `CheckInRequest::LONGEST_MS`.
    TooFar,
}

/// The end of a check-in typed as `text` at `now_ms`, where the phone's local time is
/// `offset_minutes` ahead of UTC.
pub fn check_in_end(text: &str, now_ms: i64, offset_minutes: i32) -> Result<i64, CheckInError> {
    let (h, m) = parse_clock(text).ok_or(CheckInError::Format)?;
    let at = i64::from(h) * 60 + i64::from(m);
    let offset = i64::from(offset_minutes) * MINUTE_MS;
    let local_now = now_ms + offset;
    let midnight = local_now.div_euclid(DAY_MS) * DAY_MS;
    let mut end = midnight + at * MINUTE_MS - offset;
    if end <= now_ms {
        if now_ms - end <= PAST_GRACE_MS {
            return Err(CheckInError::Past);
        }
        end += DAY_MS;
    }
    if end - now_ms > CheckInRequest::LONGEST_MS {
        return Err(CheckInError::TooFar);
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-02 22:00 in Stockholm (UTC+1).
    const NOW: i64 = 1_796_245_200_000;

    #[test]
    fn a_time_is_the_next_one_that_makes_sense() {
        let at = |t| check_in_end(t, NOW, 60);
        assert_eq!(at("23:30"), Ok(NOW + 90 * MINUTE_MS));
        assert_eq!(at("23.30"), Ok(NOW + 90 * MINUTE_MS));
        assert_eq!(at("2330"), Ok(NOW + 90 * MINUTE_MS));
        assert_eq!(at(" 22:01 "), Ok(NOW + MINUTE_MS));
        // After midnight.
        assert_eq!(at("1:30"), Ok(NOW + 210 * MINUTE_MS));
        // Tomorrow morning, within the longest check-in.
        assert_eq!(at("08:00"), Ok(NOW + 10 * 60 * MINUTE_MS));
    }

    #[test]
    fn a_time_just_passed_or_too_far_or_not_a_time_is_refused() {
        let at = |t| check_in_end(t, NOW, 60);
        assert_eq!(at("22:00"), Err(CheckInError::Past));
        assert_eq!(at("21:30"), Err(CheckInError::Past));
        assert_eq!(at("20:00"), Err(CheckInError::Past));
        // 19:59 is not a slip of two hours: it is tomorrow's, too far ahead.
        assert_eq!(at("19:59"), Err(CheckInError::TooFar));
        assert_eq!(at("15:00"), Err(CheckInError::TooFar));
        for bad in [
            "", "23", "24:00", "23:60", "2:345", "abc", "23:3o", "123:00", "-1:00",
        ] {
            assert_eq!(at(bad), Err(CheckInError::Format), "{bad:?}");
        }
    }

    #[test]
    fn the_time_zone_decides_the_day() {
        // 22:00 in Stockholm is 21:00 UTC: "21:30" typed in UTC is half an hour ahead.
        assert_eq!(check_in_end("21:30", NOW, 0), Ok(NOW + 30 * MINUTE_MS));
    }
}
