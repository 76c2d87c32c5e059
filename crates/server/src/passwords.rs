//! Worker account passwords: Argon2id with the `argon2` crate's defaults (19 MiB, 2 passes,
//! 1 lane: OWASP's recommended minimum), hashed and checked off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

use argon2::Argon2;
use rand_core::OsRng;

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id with default parameters accepts any password")
        .to_string()
}

/// Checks `password` against `hash`. With no hash (unknown user) it checks against a dummy
/// hash anyway, so that both cases take the same time.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.as_deref().unwrap_or(&DUMMY);
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

/// Made once per process, on the first unknown username: one per blocking thread would cost
/// a second hash now and then, and give the difference away.
static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not a password anyone has"));
