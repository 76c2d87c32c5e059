//! The size budget: the whole PWA (wasm + JS + CSS + the HTML shell, brotli q11) within
//! 260 KB, the ceiling for the app with every screen, and issue 13's budget with the
//! coordinator's workspace in. Needs the release build in dist/ (`trunk build`).
//!
//! Measured 230.9 KB (2026-12-01), after the PWA dropped its JSON codec for postcard
//! (about 22 KB; docs/api.md) and its enrolment flow was boxed (`state::Task`, 2.9 KB); 253.6
//! KB with the team identity, revocation, the phone's guard and erasure (issue 12); 246.1 KB
//! (2026-12-02, fc13410) once More and the waiting screen were drawn from blocks, within
//! issue 12's own 250 KB; 257.9 KB with the partnership report (issue 13: its figures and
//! suppression 14 KB of wasm code, its screen and table 12 KB, before compression); 259.6 KB
//! with issue 14's sync engine, 235.9 KB once the release build went to the pinned nightly
//! with the standard library rebuilt and panics trapping at once (scripts/setup.sh
//! `build_pwa`, 2026-12-03); 243.9 KB with batch verification and the standard library at
//! `opt-level = 3`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

/// KB of 1024 bytes.
const BUDGET_KB: f64 = 260.0;

#[test]
fn the_pwa_fits_its_transfer_budget() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
    let sizes = support::size::brotli_sizes(&dist);
    assert!(
        sizes.iter().any(|(name, _)| name.ends_with(".wasm")),
        "no wasm in dist/"
    );
    let total = support::size::total_kb(&sizes);
    let detail: Vec<String> = sizes
        .iter()
        .map(|(name, n)| format!("{name}: {n} B"))
        .collect();
    assert!(
        total <= BUDGET_KB,
        "the PWA is {total:.1} KB brotli, over the {BUDGET_KB} KB budget:\n{}",
        detail.join("\n")
    );
}
