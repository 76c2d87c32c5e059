//! The PWA as the server serves it: caching by kind of file, deep links, security headers.
//! Calls `app()` directly, without a socket.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use faltlogg_server::db::sqlite::SqliteStore;
use faltlogg_server::{app, AppState, Config};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

async fn app_for(dir: &std::path::Path) -> axum::Router {
    let store = Arc::new(SqliteStore::open(&dir.join("db.sqlite3")).await.unwrap());
    app(AppState::new(store, Config::new(dir.join("dist"))))
}

async fn get(dir: &std::path::Path, path: &str) -> axum::response::Response {
    get_from(app_for(dir).await, path).await
}

async fn get_from(app: axum::Router, path: &str) -> axum::response::Response {
    app.oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn style_hash(css: &str) -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(css)))
}

fn header_of(response: &axum::response::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn assets_shell_and_api_are_cached_as_they_should_be() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><link as=fetch href=/faltlogg-0123456789abcdef_bg.wasm rel=preload>\
         <title>shell</title><style>body{margin:0}</style>",
    )
    .unwrap();
    std::fs::write(dist.join("sw.js"), "// worker").unwrap();
    std::fs::write(dist.join("faltlogg-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();

    let asset = get(dir.path(), "/faltlogg-0123456789abcdef_bg.wasm").await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        header_of(&asset, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header_of(&asset, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(
        header_of(&asset, header::LINK),
        "",
        "only the page preloads"
    );

    for path in ["/", "/sw.js", "/contacts/new"] {
        let response = get(dir.path(), path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        let csp = header_of(&response, header::CONTENT_SECURITY_POLICY);
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        // The shell's one inline stylesheet is allowed by its hash, and nothing else inline.
        let hash = style_hash("body{margin:0}");
        assert!(csp.contains(&format!("style-src 'self' {hash};")), "{csp}");
        // The page asks for the wasm as its headers arrive; the worker script does not.
        let link = header_of(&response, header::LINK);
        if path == "/sw.js" {
            assert_eq!(link, "", "{path}");
        } else {
            assert!(
                link.starts_with("</faltlogg-0123456789abcdef_bg.wasm>; rel=preload; as=fetch"),
                "{path}: {link}"
            );
        }
    }
    let deep = get(dir.path(), "/contacts/new").await;
    let body = axum::body::to_bytes(deep.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&body).contains("<title>shell</title>"),
        "deep links get the shell"
    );

    let api = get(dir.path(), "/api/health").await;
    assert_eq!(header_of(&api, header::CACHE_CONTROL), "no-store");
    assert_eq!(header_of(&api, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}

#[tokio::test]
async fn a_new_build_brings_the_hash_of_its_style_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let shell = dist.join("index.html");
    std::fs::write(&shell, "<style>a{color:red}</style>").unwrap();
    let app = app_for(dir.path()).await;
    let before = get_from(app.clone(), "/").await;
    assert!(
        header_of(&before, header::CONTENT_SECURITY_POLICY).contains(&style_hash("a{color:red}"))
    );

    std::fs::write(&shell, "<style>a{color:blue}</style>").unwrap();
    // A later modification time, whatever the file system's clock resolution.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
    std::fs::File::options()
        .write(true)
        .open(&shell)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let after = get_from(app, "/").await;
    let csp = header_of(&after, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains(&style_hash("a{color:blue}")), "{csp}");
    assert!(!csp.contains(&style_hash("a{color:red}")), "{csp}");
}

/// A dist/ with a shell and one directory, as trunk builds it.
fn built(dir: &std::path::Path) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(dist.join("icons")).unwrap();
    std::fs::write(dist.join("index.html"), "<title>shell</title>").unwrap();
    std::fs::write(dist.join("icons/icon-192.png"), b"png").unwrap();
}

async fn json_error(response: axum::response::Response) -> (StatusCode, serde_json::Value) {
    let status = response.status();
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/json"
    );
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_api_root_is_the_api_s_json_404_not_the_app() {
    let dir = tempfile::tempdir().unwrap();
    built(dir.path());
    for path in ["/api/", "/api", "/api/no-such-thing"] {
        let (status, body) = json_error(get(dir.path(), path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn no_path_is_redirected_least_of_all_to_another_host() {
    let dir = tempfile::tempdir().unwrap();
    built(dir.path());
    // `//icons/` in a Location header is the host `icons` to a browser.
    for path in ["//icons", "/icons", "//icons/", "/icons/"] {
        let response = get(dir.path(), path).await;
        assert!(
            !response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(header_of(&response, header::LOCATION), "", "{path}");
    }
    let icon = get(dir.path(), "/icons/icon-192.png").await;
    assert_eq!(icon.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_path_out_of_bounds_is_refused_in_json_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    built(dir.path());
    let marker = "overlong";
    // A segment longer than a file name may be: not found, not a 500 from the file system.
    let segment = marker.repeat(40);
    for path in [format!("/{segment}"), format!("/api/{segment}")] {
        let (status, body) = json_error(get(dir.path(), &path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.to_string().contains(marker), "{body}");
    }
    // A target longer than any the app makes, in the path or in the query.
    let long = marker.repeat(300);
    for path in [format!("/{long}"), format!("/api/envelopes?after={long}")] {
        let (status, body) = json_error(get(dir.path(), &path).await).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG);
        assert_eq!(body["error"], "target_too_long");
        assert!(!body.to_string().contains(marker), "{body}");
    }
    // A long path that is within bounds is still a deep link into the app.
    let within = "/persons/".to_string() + &"a".repeat(200);
    assert_eq!(get(dir.path(), &within).await.status(), StatusCode::OK);
}
