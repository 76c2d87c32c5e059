//! The phone's randomness: the browser's `crypto.getRandomValues`.

use std::num::NonZeroU32;

use rand_core::{CryptoRng, RngCore};

/// Web Crypto's random numbers, asked for directly. rand_core's `OsRng` goes through getrandom,
/// which carries a Node.js fallback and formats its error when it panics (every platform's
/// error texts): 0.7 KB of brotli in the wasm for a browser that has Web Crypto anyway (the
/// app needs it: a secure context).
#[derive(Clone, Copy, Debug, Default)]
pub struct PhoneRng;

/// `getRandomValues` fills at most this many bytes a call.
const MOST_PER_CALL: usize = 65_536;

fn fill(dest: &mut [u8]) -> Result<(), rand_core::Error> {
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| {
            dest.chunks_mut(MOST_PER_CALL)
                .all(|chunk| crypto.get_random_values_with_u8_array(chunk).is_ok())
        });
    filled
        .then_some(())
        .ok_or(rand_core::Error::from(UNAVAILABLE))
}

const UNAVAILABLE: NonZeroU32 = match NonZeroU32::new(rand_core::Error::CUSTOM_START) {
    Some(code) => code,
    None => panic!("CUSTOM_START is not zero"),
};

impl RngCore for PhoneRng {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // No randomness, no keys, nonces or ids: nothing can safely go on.
        if fill(dest).is_err() {
            panic!("crypto.getRandomValues failed");
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        fill(dest)
    }
}

impl CryptoRng for PhoneRng {}
