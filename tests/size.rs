//! The size ceiling: the whole PWA (wasm + JS + CSS, brotli q11) within 260 KB, the limit
//! for the app with every screen. Needs the release build in dist/ (`trunk build`).
//!
//! Issue 7 set a tighter budget of 190 KB for the first screens. The build does not meet it
//! yet (see BENCHMARKS.md, `pwa_brotli_kb`), so this test guards the hard ceiling and the
//! benchmark reports the figure against 190; when the app fits, the constant moves to 190.

#![cfg(not(target_arch = "wasm32"))]

mod support;

/// KB of 1024 bytes.
const CEILING_KB: f64 = 260.0;

#[test]
fn the_pwa_fits_its_transfer_ceiling() {
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
        total <= CEILING_KB,
        "the PWA is {total:.1} KB brotli, over the {CEILING_KB} KB ceiling:\n{}",
        detail.join("\n")
    );
}
