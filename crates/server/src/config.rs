use std::path::PathBuf;
use std::time::Duration;

use axum::http::HeaderName;

pub use crate::throttle::SignInLimits;

/// What the server needs to know, from the command line or the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the built PWA is (trunk's `dist/`).
    pub dist_dir: PathBuf,
    /// How long a sign-in lasts. Workers sign in once while online; the device then works
    /// offline for weeks, so this is long, and the local vault is what guards the phone.
    pub session_ttl_ms: i64,
    pub timeouts: Timeouts,
    pub sign_in_limits: SignInLimits,
    /// Behind a reverse proxy, the header in which it names the client's address (for
    /// example `X-Forwarded-For`); the per-address sign-in limit counts by it. Unset, the
    /// TCP peer counts, and any such header is ignored: a client could write anything there.
    pub client_ip_header: Option<HeaderName>,
    /// Web Push for the check-in's alert: which push services, how often.
    pub push: crate::push::PushConfig,
}

impl Config {
    /// The defaults for everything but where the PWA is.
    pub fn new(dist_dir: PathBuf) -> Config {
        Config {
            dist_dir,
            session_ttl_ms: Config::DEFAULT_SESSION_TTL_MS,
            timeouts: Timeouts::default(),
            sign_in_limits: SignInLimits::default(),
            client_ip_header: None,
            push: Default::default(),
        }
    }
}

/// How long a client may keep the server waiting. Phones on one bar of signal are slow, but
/// never this slow; a client that is, holds a connection and a task that others need.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// From a connection's start, or the end of its last response (keep-alive), to the whole
    /// header of the next request; then the connection is closed. A request's header is well
    /// under 2 KB.
    pub header: Duration,
    /// From a request's header to its response's header: reading the body (at most 1 MiB),
    /// and the work. Then `408`, and nothing of the request is stored (every write is one
    /// transaction). The response body (the wasm, 670 KB) may take longer to send.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(10),
            request: Duration::from_secs(60),
        }
    }
}

impl Config {
    pub const DEFAULT_SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
}
