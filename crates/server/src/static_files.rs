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

/// The headers that follow the build in `dist`, read from its index.html:
///
/// - The Content-Security-Policy: no inline script, no eval beyond compiling our own wasm,
///   nothing from other origins. The one inline thing allowed is the stylesheet that
///   index.html carries (so that the launch screen paints as soon as the page arrives, without
///   waiting for a second request), by its hash.
/// - A `Link` preload of the wasm on the shell: the browser asks for it as soon as the
///   response's headers arrive, instead of after parsing the page (with Slow 4G and a 4×
///   slower CPU the request left 40–55 ms earlier, 2026-12-01). The page's own `<link
///   rel=preload>` stays, for a shell served by the service worker without these headers.
///   Only the wasm: the JS glue's preload carries an integrity hash that a header preload
///   cannot, and Chrome then fetches it twice.
///
/// When a new build replaces index.html, the next response carries its headers, with no
/// restart.
#[derive(Clone)]
pub struct ShellHeaders {
    shell: Arc<PathBuf>,
    /// The headers, and the index.html they were made from (modification time and length).
    current: Arc<Mutex<(Option<Stamp>, Derived)>>,
}

#[derive(Clone)]
struct Derived {
    csp: HeaderValue,
    preload: Option<HeaderValue>,
}

/// What tells one build's index.html from the next: modification time and length (a copy
/// that keeps times, or a coarse clock, still changes the length with the stylesheet).
type Stamp = (SystemTime, u64);

impl ShellHeaders {
    pub fn for_dist(dist: &Path) -> ShellHeaders {
        let headers = ShellHeaders {
            shell: Arc::new(dist.join("index.html")),
            current: Arc::new(Mutex::new((
                None,
                Derived {
                    csp: policy(""),
                    preload: None,
                },
            ))),
        };
        headers.derived();
        headers
    }

    /// The headers for the index.html on disk now: one `stat` per response, a read and a
    /// hash only after a new build. A shell that cannot be read (a deploy half done) keeps the
    /// headers it had, and is read again on the next response.
    fn derived(&self) -> Derived {
        let stamp = std::fs::metadata(&*self.shell)
            .and_then(|m| Ok((m.modified()?, m.len())))
            .ok();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if stamp.is_some() && current.0 != stamp {
            match std::fs::read_to_string(&*self.shell) {
                Ok(html) => {
                    let hashes = style_hashes(&html);
                    if html.contains("<style") && hashes.is_empty() {
                        tracing::warn!("index.html has a <style> the policy cannot allow");
                    }
                    let styles = hashes.matches(" 'sha256-").count();
                    let preload = wasm_preload(&html);
                    tracing::info!(styles, preload = preload.is_some(), "headers for the shell");
                    *current = (
                        stamp,
                        Derived {
                            csp: policy(&hashes),
                            preload,
                        },
                    );
                }
                Err(e) => tracing::warn!(error = %e, "index.html cannot be read"),
            }
        }
        current.1.clone()
    }
}

fn policy(style_hashes: &str) -> HeaderValue {
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
         style-src 'self'{style_hashes}; img-src 'self'; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("a policy of ASCII text")
}

/// `'sha256-…'` sources, each after a space, for every inline stylesheet of `html`.
fn style_hashes(html: &str) -> String {
    inline_styles(html)
        .map(|css| {
            // The HTML parser turns CR LF and lone CR into LF before the browser hashes.
            let css = css.replace("\r\n", "\n").replace('\r', "\n");
            format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(css)))
        })
        .collect()
}

/// The text of each `<style>` element (with or without attributes), as the page holds it.
fn inline_styles(html: &str) -> impl Iterator<Item = &str> {
    html.split("<style").skip(1).filter_map(|rest| {
        let (tag, rest) = rest.split_once('>')?;
        // `<styles>` or `<style-x>` are other elements.
        if !(tag.is_empty() || tag.starts_with(char::is_whitespace)) {
            return None;
        }
        rest.split_once("</style>").map(|(css, _)| css)
    })
}

/// The `Link` header that preloads the wasm the page preloads (`<link rel=preload as=fetch
/// href=/….wasm>`, quoted or not, as trunk's minified output writes it), if there is one
/// with a plain same-origin path.
fn wasm_preload(html: &str) -> Option<HeaderValue> {
    html.split("<link").skip(1).find_map(|rest| {
        let tag = rest.split('>').next()?;
        let attribute = |name: &str| {
            let at = tag.find(&format!(" {name}="))? + name.len() + 2;
            let value = &tag[at..];
            let value = match value.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next()?,
                None => value.split(char::is_whitespace).next()?,
            };
            Some(value.trim_end_matches('/'))
        };
        let href = attribute("href")?;
        let plain = href.starts_with('/')
            && !href.starts_with("//")
            && href
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
        if !(attribute("rel")? == "preload"
            && attribute("as")? == "fetch"
            && href.ends_with(".wasm")
            && plain)
        {
            return None;
        }
        let link = format!(
            "<{href}>; rel=preload; as=fetch; crossorigin=anonymous; type=\"application/wasm\""
        );
        HeaderValue::from_str(&link).ok()
    })
}

/// The built files, and the shell for every other path (deep links). Never a redirect: a
/// directory without its trailing slash would be redirected to `<path>/`, and for `//icons`
/// that is `//icons/`, which a browser reads as another host.
pub fn service(dist: &Path) -> ServeDir<ServeFile> {
    let shell = ServeFile::new(dist.join("index.html")).precompressed_br();
    ServeDir::new(dist)
        .precompressed_br()
        .append_index_html_on_directories(false)
        .fallback(shell)
}

/// Trunk names built assets `name-<16 hex digits>[_bg].ext`: their contents never change.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn headers(State(shell): State<ShellHeaders>, request: Request, next: Next) -> Response {
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
    let derived = shell.derived();
    let h = response.headers_mut();
    if let Some(cache) = cache {
        h.insert(header::CACHE_CONTROL, cache);
    }
    let is_page = h
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if let (true, Some(preload)) = (is_page, derived.preload) {
        h.insert(header::LINK, preload);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, derived.csp);
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
    use super::{inline_styles, is_hashed_asset, style_hashes, wasm_preload};

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
        let html = "<head><style>a{b:c}</style><link><style nonce=\"x\">\n:root{}\n</style></head>";
        let styles: Vec<&str> = inline_styles(html).collect();
        assert_eq!(styles, ["a{b:c}", "\n:root{}\n"]);
        assert_eq!(inline_styles("<p>no style</p><style>unclosed").count(), 0);
        assert_eq!(inline_styles("<styles>a</style>").count(), 0);
        // Line ends as the browser sees them after parsing.
        assert_eq!(
            style_hashes("<style>a\r\nb</style>"),
            style_hashes("<style>a\nb</style>")
        );
    }

    #[test]
    fn the_wasm_preload_is_found_quoted_or_minified() {
        let link = |html: &str| wasm_preload(html).map(|v| v.to_str().unwrap().to_string());
        let expected = Some(
            "</app-0123456789abcdef_bg.wasm>; rel=preload; as=fetch; crossorigin=anonymous; \
             type=\"application/wasm\""
                .to_string(),
        );
        let minified = "<meta charset=utf-8><link crossorigin href=/app.js rel=modulepreload>\
            <link as=fetch crossorigin href=/app-0123456789abcdef_bg.wasm integrity=sha384-x \
            rel=preload type=application/wasm><title>x</title>";
        assert_eq!(link(minified), expected);
        let quoted = "<link rel=\"preload\" href=\"/app-0123456789abcdef_bg.wasm\" \
            crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\">";
        assert_eq!(link(quoted), expected);
        // No preload, another kind, another origin, or a path that would break the header.
        assert_eq!(link("<link href=/manifest.webmanifest rel=manifest>"), None);
        assert_eq!(link("<link as=script href=/a.wasm rel=preload>"), None);
        assert_eq!(
            link("<link as=fetch href=//evil.example/a.wasm rel=preload>"),
            None
        );
        assert_eq!(
            link("<link as=fetch href=\"/a b>.wasm\" rel=preload>"),
            None
        );
        assert_eq!(
            link("<link as=fetch href=\"/a,\r\n.wasm\" rel=preload>"),
            None
        );
    }
}
