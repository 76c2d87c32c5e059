//! Serving the built PWA: hashed assets cached for a year, everything else (the shell, the
//! service worker, the manifest) revalidated on every load, deep links answered with the
//! shell, and strict security headers on every response, the API's included.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};

/// The Content-Security-Policy for the build in `dist`: no inline script, no eval beyond
/// compiling our own wasm, nothing from other origins. The one inline thing allowed is the
/// stylesheet that index.html carries (so that the launch screen paints as soon as the page
/// arrives, without waiting for a second request), by its hash. The policy follows the built
/// index.html: when a new build replaces it, the next response carries the new hash, with no
/// restart.
#[derive(Clone)]
pub struct ContentSecurityPolicy {
    shell: Arc<PathBuf>,
    /// The policy, and the modification time of the index.html it was made from.
    current: Arc<Mutex<(Option<SystemTime>, HeaderValue)>>,
}

impl ContentSecurityPolicy {
    pub fn for_dist(dist: &Path) -> ContentSecurityPolicy {
        let shell = dist.join("index.html");
        let current = (modified(&shell), policy_for(&shell));
        ContentSecurityPolicy {
            shell: Arc::new(shell),
            current: Arc::new(Mutex::new(current)),
        }
    }

    /// The policy for the index.html on disk now: one `stat` per response, a read and a hash
    /// only after a new build.
    fn header(&self) -> HeaderValue {
        let now = modified(&self.shell);
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != now {
            *current = (now, policy_for(&self.shell));
        }
        current.1.clone()
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn policy_for(shell: &Path) -> HeaderValue {
    let html = std::fs::read_to_string(shell).unwrap_or_default();
    let hashes: String = inline_styles(&html)
        .map(|css| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(css))))
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'{hashes}; \
         img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("a policy of ASCII text")
}

/// The contents of each `<style>` element, as the browser hashes them. Trunk writes them as
/// plain `<style>` tags, without attributes.
fn inline_styles(html: &str) -> impl Iterator<Item = &str> {
    html.split("<style>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</style>").map(|(css, _)| css))
}

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

pub async fn headers(
    State(csp): State<ContentSecurityPolicy>,
    request: Request,
    next: Next,
) -> Response {
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
    h.insert(header::CONTENT_SECURITY_POLICY, csp.header());
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
    use super::{inline_styles, is_hashed_asset};

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/faltlogg-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
    }

    #[test]
    fn inline_styles_are_found_for_their_hashes() {
        let html = "<head><style>a{b:c}</style><link><style>\n:root{}\n</style></head>";
        let styles: Vec<&str> = inline_styles(html).collect();
        assert_eq!(styles, ["a{b:c}", "\n:root{}\n"]);
        assert_eq!(inline_styles("<p>no style</p><style>unclosed").count(), 0);
    }
}
