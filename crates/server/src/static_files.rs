//! Serving the built PWA: hashed assets cached for a year, everything else (the shell, the
//! service worker, the manifest) revalidated on every load, deep links answered with the
//! shell, and strict security headers on every response, the API's included.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::{ServeDir, ServeFile};

/// No inline script, no eval beyond compiling our own wasm, nothing from other origins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
     font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn service(dist: &Path) -> ServeDir<ServeFile> {
    let shell = ServeFile::new(dist.join("index.html")).precompressed_br();
    ServeDir::new(dist).precompressed_br().fallback(shell)
}

/// Trunk names built assets `name-<16 hex digits>[_bg].ext`: their contents never change.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let cache = if path.starts_with("/api/") {
        None
    } else if is_hashed_asset(path) {
        Some(HeaderValue::from_static(
            "public, max-age=31536000, immutable",
        ))
    } else {
        Some(HeaderValue::from_static("no-cache"))
    };
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let Some(cache) = cache {
        h.insert(header::CACHE_CONTROL, cache);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/faltlogg-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
    }
}
