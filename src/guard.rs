//! The phone's guard: what the team set for its phones (the idle time before the app locks,
//! and the wrong passphrases after which it erases itself) and the count of wrong passphrases
//! in a row. Kept beside the vault in localStorage (key `faltlogg.guard`), in the clear: it
//! must be read while the app is locked, and it holds no record, name or key.
//!
//! What stops guessing is Argon2id's cost per guess on a copy of the vault; someone with the
//! phone's storage can reset this count. The guard answers the person at the screen: a wait
//! that doubles after a few wrong passphrases, and, if the team wants it, an erased phone.

use faltlogg_core::api::TeamSettings;
use gloo_storage::{LocalStorage, Storage};

const KEY: &str = "faltlogg.guard";
/// Wrong passphrases in a row before the first wait: a worker who mistypes is not slowed.
const FREE_TRIES: u32 = 3;
const FIRST_WAIT_MS: i64 = 30_000;
const LONGEST_WAIT_MS: i64 = 15 * 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Guard {
    pub settings: TeamSettings,
    failures: u32,
    wait_until_ms: i64,
}

/// What a wrong passphrase leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    TryAgain,
    /// Wait this long before the next try.
    Wait(i64),
    /// The team's limit is reached: erase the phone.
    Erase,
}

impl Guard {
    pub fn load() -> Guard {
        LocalStorage::raw()
            .get_item(KEY)
            .ok()
            .flatten()
            .and_then(|text| Guard::parse(&text))
            .unwrap_or_default()
    }

    pub fn save(&self) {
        let _ = LocalStorage::raw().set_item(KEY, &self.to_text());
    }

    pub fn erase() {
        LocalStorage::delete(KEY);
    }

    /// `v1 <idle minutes> <wipe after, 0 for never> <failures> <wait until> <retention months>
    /// <report threshold>`: no codec needed. A line without the last fields (from before
    /// them) takes their defaults.
    fn to_text(self) -> String {
        format!(
            "v1 {} {} {} {} {} {}",
            self.settings.idle_lock_minutes,
            self.settings.wipe_after_failures.unwrap_or(0),
            self.failures,
            self.wait_until_ms,
            self.settings.retention_months,
            self.settings.report_threshold
        )
    }

    fn parse(text: &str) -> Option<Guard> {
        let mut parts = text.split(' ');
        if parts.next()? != "v1" {
            return None;
        }
        // One integer parser for every field (a smaller wasm than one per type).
        let mut number = || parts.next()?.parse::<i64>().ok();
        let idle = u8::try_from(number()?).ok()?;
        let wipe = u8::try_from(number()?).ok()?;
        let failures = u32::try_from(number()?).ok()?;
        let wait_until_ms = number()?;
        let defaults = TeamSettings::default();
        let mut later = |default: u8| number().map_or(Some(default), |n| u8::try_from(n).ok());
        let retention = later(defaults.retention_months)?;
        let threshold = later(defaults.report_threshold)?;
        let settings = TeamSettings {
            idle_lock_minutes: idle,
            wipe_after_failures: (wipe > 0).then_some(wipe),
            retention_months: retention,
            report_threshold: threshold,
        };
        let guard = Guard {
            settings: if settings.is_valid() {
                settings
            } else {
                TeamSettings::default()
            },
            failures,
            wait_until_ms,
        };
        Some(guard)
    }

    pub fn idle_lock_ms(&self) -> i64 {
        i64::from(self.settings.idle_lock_minutes) * 60_000
    }

    /// How long until the next try is allowed, if it is not yet.
    pub fn wait_left_ms(&self, now_ms: i64) -> Option<i64> {
        (self.wait_until_ms > now_ms).then(|| self.wait_until_ms - now_ms)
    }

    pub fn failed(&mut self, now_ms: i64) -> AfterFailure {
        self.failures = self.failures.saturating_add(1);
        if self
            .settings
            .wipe_after_failures
            .is_some_and(|n| self.failures >= u32::from(n))
        {
            return AfterFailure::Erase;
        }
        if self.failures <= FREE_TRIES {
            return AfterFailure::TryAgain;
        }
        let doublings = (self.failures - FREE_TRIES - 1).min(10);
        let wait = (FIRST_WAIT_MS << doublings).min(LONGEST_WAIT_MS);
        self.wait_until_ms = now_ms + wait;
        AfterFailure::Wait(wait)
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.wait_until_ms = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_passphrases_wait_longer_and_longer_after_a_few() {
        let mut guard = Guard::default();
        for _ in 0..FREE_TRIES {
            assert_eq!(guard.failed(0), AfterFailure::TryAgain);
        }
        assert_eq!(guard.failed(1_000), AfterFailure::Wait(30_000));
        assert_eq!(guard.wait_left_ms(1_000), Some(30_000));
        assert_eq!(guard.wait_left_ms(31_000), None);
        assert_eq!(guard.failed(31_000), AfterFailure::Wait(60_000));
        for _ in 0..20 {
            guard.failed(0);
        }
        assert_eq!(guard.failed(0), AfterFailure::Wait(LONGEST_WAIT_MS));
        guard.succeeded();
        assert_eq!(guard.failed(0), AfterFailure::TryAgain);
    }

    #[test]
    fn a_team_limit_erases_at_its_count() {
        let mut guard = Guard {
            settings: TeamSettings {
                wipe_after_failures: Some(5),
                ..TeamSettings::default()
            },
            ..Guard::default()
        };
        let verdicts: Vec<AfterFailure> = (0..5).map(|_| guard.failed(0)).collect();
        assert_eq!(verdicts[4], AfterFailure::Erase);
        assert!(!verdicts[..4].contains(&AfterFailure::Erase));
    }

    #[test]
    fn it_reads_back_what_it_writes_and_ignores_anything_else() {
        let mut guard = Guard {
            settings: TeamSettings {
                idle_lock_minutes: 2,
                wipe_after_failures: Some(10),
                retention_months: 36,
                report_threshold: 10,
            },
            ..Guard::default()
        };
        guard.failed(0);
        assert_eq!(Guard::parse(&guard.to_text()), Some(guard));
        let before_retention = Guard::parse("v1 2 10 0 0").unwrap();
        assert_eq!(before_retention.settings.retention_months, 24);
        assert_eq!(before_retention.settings.report_threshold, 5);
        let before_threshold = Guard::parse("v1 2 10 0 0 36").unwrap();
        assert_eq!(before_threshold.settings.retention_months, 36);
        assert_eq!(before_threshold.settings.report_threshold, 5);
        assert_eq!(Guard::parse("v2 1 2 3 4"), None);
        assert_eq!(Guard::parse("v1 x"), None);
        // Out of bounds (edited by hand): the defaults, not a lock after 0 minutes.
        let edited = Guard::parse("v1 0 1 0 0").unwrap();
        assert_eq!(edited.settings, TeamSettings::default());
    }
}
