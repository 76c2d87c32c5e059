//! Fältlogg's shared core: the domain types, the crypto, the envelope and the wire types of the
//! sync protocol, shared by the PWA (compiled to wasm32) and the coordination server.
//!
//! Invariant: this crate does no I/O. No network, no files, no clock and no operating-system
//! randomness: callers pass the time and a cryptographically secure RNG in. That keeps every
//! function here deterministic under test and identical in the browser and on the server.

pub mod api;
pub mod b64;
pub mod change;
pub mod check_in;
pub mod crypto;
pub mod envelope;
pub mod fold;
pub mod hlc;
pub mod ids;
pub mod local;
pub mod record;
pub mod report;
pub mod sync;

pub use rand_core::{CryptoRng, RngCore};

/// A cryptographically secure random number generator, passed in by the caller.
pub trait Csprng: RngCore + CryptoRng {}
impl<T: RngCore + CryptoRng> Csprng for T {}
