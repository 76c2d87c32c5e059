//! The PWA's transfer size: every wasm, JavaScript, CSS and HTML file of the built app (the
//! HTML shell carries the stylesheet inline), each compressed with brotli at quality 11 as the
//! server sends it.

use std::path::Path;

/// The brotli size in bytes of each counted file in `dist`, largest first.
pub fn brotli_sizes(dist: &Path) -> Vec<(String, usize)> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist)
        .expect("dist/ exists: run `trunk build`")
        .flatten()
    {
        let path = entry.path();
        let counted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js" | "css" | "html")
        );
        if !counted {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).unwrap();
        sizes.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            out.len(),
        ));
    }
    sizes.sort_by_key(|s| std::cmp::Reverse(s.1));
    sizes
}

/// The total in KB (1024 bytes).
pub fn total_kb(sizes: &[(String, usize)]) -> f64 {
    sizes.iter().map(|(_, n)| *n).sum::<usize>() as f64 / 1024.0
}
