//! Sign-in attempts, counted per account and per client address, refused with `429` and
//! `Retry-After` once either has had too many in a window. Checked before the password is
//! hashed, so a refused attempt costs no Argon2 work.
//!
//! Every attempt counts until it succeeds: a flood of parallel guesses is counted as it
//! arrives, not after its hashes finish. A success forgets the account's count (its owner
//! is back) but not the address's, so one good account cannot be used to reset the count of
//! an address that guesses at others. The counters are in the database
//! ([`Store::count_sign_in`]): several servers on one database count together, and a
//! restart forgets nothing. Windows that have ended are deleted at the next sign-in, so the
//! table holds one window's attempts at most.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderName;

use crate::db::{Store, StoreResult};
use crate::{now_ms, AppState};

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

/// The limits, and the keys attempts are counted under.
pub struct Throttle {
    limits: SignInLimits,
}

/// An admitted attempt; tell the throttle if it succeeded.
pub struct Attempt {
    account: String,
    address: String,
}

impl Throttle {
    /// Usernames are counted by their first characters: the key stays small whatever is sent.
    const KEY_CHARS: usize = 64;

    pub fn new(limits: SignInLimits) -> Throttle {
        Throttle { limits }
    }

    /// Counts an attempt on `username` from `address`, or says how long to wait.
    pub async fn admit(
        &self,
        store: &dyn Store,
        username: &str,
        address: ClientAddress,
    ) -> StoreResult<Result<Attempt, Duration>> {
        let attempt = Attempt {
            account: format!(
                "a:{}",
                username.chars().take(Self::KEY_CHARS).collect::<String>()
            ),
            address: format!("i:{}", address.0),
        };
        let window_ms = i64::try_from(self.limits.window.as_millis()).unwrap_or(i64::MAX);
        let keys = [
            (attempt.account.as_str(), self.limits.per_account),
            (attempt.address.as_str(), self.limits.per_address),
        ];
        Ok(
            match store.count_sign_in(&keys, window_ms, now_ms()).await? {
                None => Ok(attempt),
                Some(wait_ms) => Err(Duration::from_millis(wait_ms.max(1) as u64)),
            },
        )
    }
}

impl Attempt {
    /// The password was right: the account's count starts again, and this attempt no longer
    /// counts against the address.
    pub async fn succeeded(self, store: &dyn Store) -> StoreResult<()> {
        store.sign_in_succeeded(&self.account, &self.address).await
    }
}

/// How long, in ms, until an attempt may be counted: 0 if none of `windows` (each its start,
/// attempts and limit) is live and at its limit, else until the latest of those ends.
pub(crate) fn wait_ms(windows: &[(i64, i64, u32)], window_ms: i64, now_ms: i64) -> i64 {
    windows
        .iter()
        .filter(|(started, attempts, limit)| {
            started.saturating_add(window_ms) > now_ms && *attempts >= i64::from(*limit)
        })
        .map(|(started, _, _)| started.saturating_add(window_ms) - now_ms)
        .max()
        .unwrap_or(0)
        .max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(last: u8) -> ClientAddress {
        ClientAddress(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)))
    }

    #[test]
    fn the_wait_is_until_the_latest_full_window_ends() {
        assert_eq!(wait_ms(&[], 60_000, 1_000), 0);
        assert_eq!(wait_ms(&[(0, 9, 10), (0, 49, 50)], 60_000, 1_000), 0);
        assert_eq!(wait_ms(&[(0, 10, 10), (0, 49, 50)], 60_000, 1_000), 59_000);
        assert_eq!(
            wait_ms(&[(0, 10, 10), (30_000, 50, 50)], 60_000, 1_000),
            89_000
        );
        assert_eq!(wait_ms(&[(0, 10, 10)], 60_000, 60_000), 0, "ended");
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
