//! Worker account passwords: Argon2id with the `argon2` crate's defaults (19 MiB, 2 passes,
//! 1 lane: OWASP's recommended minimum), hashed and checked off the async threads, at most
//! [`MAX_CONCURRENT`] at a time: each check holds 19 MiB, and 100 wrong passwords at once
//! took the server from 130 MB to about 2 GB before. Further checks wait their turn (and a
//! flood meets the request timeout, 408).

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Block, Params, Version};
use std::sync::{Arc, LazyLock, Mutex};

use tokio::sync::Semaphore;

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
    let Ok(permit) = HASHING.clone().acquire_owned().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        // Held until the hash is done, even if the request that asked has gone (timed out).
        let _permit = permit;
        let known = hash.is_some();
        let hash = hash.as_deref().unwrap_or(&DUMMY);
        // A permit guarantees a free buffer, or room to make one.
        let mut memory = lock_pool().pop().unwrap_or_default();
        let matches = matches(password.as_bytes(), hash, &mut memory);
        lock_pool().push(memory);
        matches && known
    })
    .await
    .unwrap_or(false)
}

/// Whether `password` gives the Argon2id hash in `phc`, computed in `memory` (grown to the
/// hash's cost if needed) rather than in a fresh allocation: the allocator keeps freed 19 MiB
/// blocks in per-thread arenas, and checks spread over many blocking threads kept about
/// 20 of them (386 MB) after a flood even with two at a time.
fn matches(password: &[u8], phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params);
    if argon2
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..blocks])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|out| out == expected)
}

fn lock_pool() -> std::sync::MutexGuard<'static, Vec<Vec<Block>>> {
    MEMORY.lock().unwrap_or_else(|e| e.into_inner())
}

/// One Argon2 working memory per permit, made on first use and kept.
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Made once per process, on the first unknown username: one per blocking thread would cost
/// a second hash now and then, and give the difference away.
static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not a password anyone has"));

/// Password checks that may run at once: the cores, at most four (19 MiB each).
static MAX_CONCURRENT: LazyLock<usize> =
    LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4)));

static HASHING: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(*MAX_CONCURRENT)));

/// A new password: 16 random bytes as base64url, 22 characters, 128 bits.
pub fn random_password() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    faltlogg_core::b64::encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::{hash, matches};

    #[test]
    fn a_hash_matches_its_password_only_and_other_hashes_never() {
        let phc = hash("correct horse");
        let mut memory = Vec::new();
        assert!(matches(b"correct horse", &phc, &mut memory));
        assert!(!matches(b"correct horsf", &phc, &mut memory));
        // The working memory is kept and reused at the hash's cost (19 MiB by default).
        assert_eq!(memory.len(), argon2::Params::default().block_count());
        assert!(matches(b"correct horse", &phc, &mut memory));
        // Not Argon2id, or not a hash at all: no match, no panic.
        assert!(!matches(
            b"correct horse",
            &phc.replace("argon2id", "argon2i"),
            &mut memory
        ));
        assert!(!matches(b"x", "", &mut memory));
        assert!(!matches(
            b"x",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
            &mut memory
        ));
    }
}
