//! The size budget: the whole PWA (wasm + JS + CSS, brotli q11) within 190 KB.
//! Needs the release build in dist/ (`trunk build`).

#![cfg(not(target_arch = "wasm32"))]

mod support;

/// Issue 7's budget, in KB of 1024 bytes. The ceiling for the whole app is 260 KB.
const BUDGET_KB: f64 = 190.0;

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
        "the PWA is {total:.1} KB brotli, over its {BUDGET_KB} KB budget:\n{}",
        detail.join("\n")
    );
}
