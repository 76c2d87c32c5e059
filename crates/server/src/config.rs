use std::path::PathBuf;

/// What the server needs to know, from the command line or the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the built PWA is (trunk's `dist/`).
    pub dist_dir: PathBuf,
    /// How long a sign-in lasts. Workers sign in once while online; the device then works
    /// offline for weeks, so this is long, and the local vault is what guards the phone.
    pub session_ttl_ms: i64,
}

impl Config {
    pub const DEFAULT_SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
}
