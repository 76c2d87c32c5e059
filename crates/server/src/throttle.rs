//! Sign-in attempts, counted per account and per client address, refused with `429` and
//! `Retry-After` once either has had too many in a window. Checked before the password is
//! hashed, so a refused attempt costs no Argon2 work.
//!
//! Every attempt counts until it succeeds: a flood of parallel guesses is counted as it
//! arrives, not after its hashes finish. A success forgets the account's count (its owner
//! is back) but not the address's, so one good account cannot be used to reset the count of
//! an address that guesses at others. The counters live in memory: a restart forgets them,
//! which costs an attacker a restart per window, and the server holds no state to migrate.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderName;

use crate::AppState;

/// How many sign-in attempts an account and an address get per window.
#[derive(Clone, Copy, Debug)]
pub struct SignInLimits {
    pub window: Duration,
    /// Attempts on one account, from anywhere: ten wrong guesses in a quarter of an hour is
    /// more than a worker who mistypes makes, and far too few to guess a password.
    pub per_account: u32,
    /// Attempts from one address, on any account: a team's phones behind one municipal NAT
    /// sign in a few times a day each.
    pub per_address: u32,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            window: Duration::from_secs(15 * 60),
            per_account: 10,
            per_address: 50,
        }
    }
}

/// Where a request came from: the TCP peer, or, behind a proxy the operator names, the
/// address that proxy puts in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ClientAddress>().copied();
        let forwarded = state
            .config
            .client_ip_header
            .as_ref()
            .and_then(|name| from_header(parts, name));
        // Without a socket (a test calling `app()` directly) every request shares one address.
        Ok(forwarded
            .or(peer)
            .unwrap_or(ClientAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// The last address in the header: a proxy appends the address it saw to what the client
/// sent, so only the last one is the proxy's word.
fn from_header(parts: &Parts, name: &HeaderName) -> Option<ClientAddress> {
    let value = parts.headers.get_all(name).iter().next_back()?;
    let last = value.to_str().ok()?.rsplit(',').next()?.trim();
    last.parse().ok().map(ClientAddress)
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

struct Window {
    started: Instant,
    attempts: u32,
}

/// The counters. Bounded: past [`Throttle::MAX_TRACKED`] keys, windows that have ended are
/// dropped, then the oldest.
pub struct Throttle {
    limits: SignInLimits,
    windows: Mutex<HashMap<Key, Window>>,
}

/// An admitted attempt; tell the throttle if it succeeded.
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    account: Key,
    address: Key,
}

impl Throttle {
    const MAX_TRACKED: usize = 100_000;
    /// Usernames are counted by their first characters: the key stays small whatever is sent.
    const KEY_CHARS: usize = 64;

    pub fn new(limits: SignInLimits) -> Throttle {
        Throttle {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt on `username` from `address`, or says how long to wait.
    pub fn admit(&self, username: &str, address: ClientAddress) -> Result<Attempt<'_>, Duration> {
        let now = Instant::now();
        let account = Key::Account(username.chars().take(Self::KEY_CHARS).collect());
        let address = Key::Address(address.0);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for (key, limit) in [
            (&account, self.limits.per_account),
            (&address, self.limits.per_address),
        ] {
            if let Some(w) = windows.get(key) {
                let ends = w.started + self.limits.window;
                if ends > now && w.attempts >= limit {
                    wait = wait.max(ends - now);
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        if windows.len() + 2 > Self::MAX_TRACKED {
            self.make_room(&mut windows, now);
        }
        for key in [&account, &address] {
            let w = windows.entry(key.clone()).or_insert(Window {
                started: now,
                attempts: 0,
            });
            if w.started + self.limits.window <= now {
                *w = Window {
                    started: now,
                    attempts: 0,
                };
            }
            w.attempts += 1;
        }
        Ok(Attempt {
            throttle: self,
            account,
            address,
        })
    }

    fn make_room(&self, windows: &mut HashMap<Key, Window>, now: Instant) {
        windows.retain(|_, w| w.started + self.limits.window > now);
        if windows.len() + 2 > Self::MAX_TRACKED {
            let mut starts: Vec<Instant> = windows.values().map(|w| w.started).collect();
            starts.sort_unstable();
            let cut = starts[starts.len() / 2];
            windows.retain(|_, w| w.started > cut);
        }
    }
}

impl Attempt<'_> {
    /// The password was right: the account's count starts again, and this attempt no longer
    /// counts against the address.
    pub fn succeeded(self) {
        let mut windows = self
            .throttle
            .windows
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        windows.remove(&self.account);
        if let Some(w) = windows.get_mut(&self.address) {
            w.attempts = w.attempts.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(last: u8) -> ClientAddress {
        ClientAddress(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)))
    }

    fn limits(per_account: u32, per_address: u32) -> SignInLimits {
        SignInLimits {
            window: Duration::from_secs(60),
            per_account,
            per_address,
        }
    }

    #[test]
    fn an_account_is_refused_after_its_limit_from_any_address() {
        let throttle = Throttle::new(limits(3, 100));
        for i in 0..3 {
            assert!(throttle.admit("eva", at(i)).is_ok());
        }
        let wait = throttle.admit("eva", at(9)).err().expect("refused");
        assert!(wait > Duration::from_secs(58) && wait <= Duration::from_secs(60));
        assert!(
            throttle.admit("other", at(9)).is_ok(),
            "others still get in"
        );
    }

    #[test]
    fn an_address_is_refused_after_its_limit_on_any_account() {
        let throttle = Throttle::new(limits(100, 3));
        for name in ["a", "b", "c"] {
            assert!(throttle.admit(name, at(1)).is_ok());
        }
        assert!(throttle.admit("d", at(1)).is_err());
        assert!(throttle.admit("d", at(2)).is_ok());
    }

    #[test]
    fn a_success_clears_the_account_but_not_the_address() {
        let throttle = Throttle::new(limits(2, 3));
        throttle.admit("eva", at(1)).unwrap();
        throttle.admit("eva", at(1)).unwrap().succeeded();
        // The account starts again; the address has one attempt counted.
        throttle.admit("eva", at(1)).unwrap();
        throttle.admit("eva", at(1)).unwrap();
        assert!(
            throttle.admit("eva", at(2)).is_err(),
            "account at its limit"
        );
        assert!(throttle.admit("bo", at(1)).is_err(), "address at its limit");
    }

    #[test]
    fn a_window_that_has_ended_counts_from_zero() {
        let throttle = Throttle::new(SignInLimits {
            window: Duration::from_millis(30),
            per_account: 1,
            per_address: 1,
        });
        throttle.admit("eva", at(1)).unwrap();
        assert!(throttle.admit("eva", at(1)).is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(throttle.admit("eva", at(1)).is_ok());
    }

    #[test]
    fn the_counters_stay_bounded_whatever_is_sent() {
        let throttle = Throttle::new(limits(5, u32::MAX));
        for i in 0..(Throttle::MAX_TRACKED + 10) {
            let _ = throttle.admit(&format!("name-{i}-{}", "x".repeat(500)), at(1));
        }
        let windows = throttle.windows.lock().unwrap();
        assert!(windows.len() <= Throttle::MAX_TRACKED);
        assert!(windows.keys().all(|k| match k {
            Key::Account(name) => name.chars().count() <= Throttle::KEY_CHARS,
            Key::Address(_) => true,
        }));
    }

    #[test]
    fn a_proxy_s_header_gives_its_last_address() {
        let name = HeaderName::from_static("x-forwarded-for");
        let (mut parts, _) = axum::http::Request::new(()).into_parts();
        parts
            .headers
            .insert(&name, "203.0.113.9, 10.0.0.7".parse().unwrap());
        assert_eq!(from_header(&parts, &name), Some(at(7)));
        parts
            .headers
            .insert(&name, "not an address".parse().unwrap());
        assert_eq!(from_header(&parts, &name), None);
    }
}
