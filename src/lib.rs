//! Fältlogg, the PWA: an offline-first field log for GVI outreach work. Compiled to wasm32
//! and served by the coordination server. See ARCHITECTURE.md for the map.
//!
//! Invariant: nothing readable is stored on the device. Records live in IndexedDB only as
//! envelopes sealed with the team key; the keys live in localStorage only inside the vault
//! sealed with the worker's passphrase.

pub mod api;
pub mod app;
pub mod components;
pub mod fresh;
pub mod guard;
pub mod i18n;
pub mod idb;
pub mod journal;
pub mod rng;
pub mod screens;
pub mod state;
pub mod sync;
pub mod time;
pub mod ui;
pub mod vault;
