//! The API's request parsing, through the real application (`faltlogg_server::app`) on a real
//! SQLite file, as a signed-in coordinator's approved device: any method, endpoint, query,
//! content type and body gets an answer, never a panic and never a 500 (an internal error is
//! a bug: bad input is the caller's 4xx).
//!
//! The input: a byte for the method, one for the endpoint, one for the content type, then the
//! query string up to the first zero byte, then the body.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_server::db::sqlite::SqliteStore;
use faltlogg_server::db::Store;
use faltlogg_server::{app, auth, bootstrap, AppState, Config};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct Setup {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    _dir: tempfile::TempDir,
}

/// Every endpoint but signing in and out: one hashes a password (slow, and counted against
/// the limits), the other ends the session the rest needs.
const PATHS: &[&str] = &[
    "/api/health",
    "/api/devices",
    "/api/devices/me",
    "/api/devices/me/revocation",
    "/api/devices/00000000-0000-0000-0000-000000000000/approve",
    "/api/devices/not-an-id/revoke",
    "/api/team/identity",
    "/api/team/settings",
    "/api/team/events",
    "/api/envelopes",
    "/api/check-in",
    "/api/check-ins",
    "/api/push/key",
    "/api/push/subscription",
    "/api/nowhere",
];

const METHODS: &[Method] = &[Method::GET, Method::POST, Method::PUT, Method::DELETE];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/vnd.faltlogg.v2+postcard",
    "text/plain",
];

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (app, token) = runtime.block_on(async {
            let store = SqliteStore::open(&dir.path().join("fuzz.sqlite3"))
                .await
                .unwrap();
            let (user, _) = bootstrap::ensure_admin(&store, Some("fuzz-password".into()))
                .await
                .unwrap()
                .unwrap();
            let (token, hash) = auth::new_token();
            let now = faltlogg_server::now_ms();
            store
                .create_session(&hash, user.id, now, now + 86_400_000)
                .await
                .unwrap();
            let keys = DeviceSecrets::generate(&mut rand_core::OsRng).public();
            store.enrol_device(&hash, &user, &keys, now).await.unwrap();
            let state = AppState::new(
                std::sync::Arc::new(store),
                Config::new(dir.path().join("dist")),
            );
            (app(state), token)
        });
        Setup {
            runtime,
            app,
            token,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let [method, path, content_type, rest @ ..] = data else {
        return;
    };
    let setup = setup();
    let (query, body) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let mut uri = PATHS[*path as usize % PATHS.len()].to_string();
    if !query.is_empty() {
        uri = format!("{uri}?{query}");
    }
    let Ok(request) = Request::builder()
        .method(METHODS[*method as usize % METHODS.len()].clone())
        .uri(uri)
        .header("authorization", format!("Bearer {}", setup.token))
        .header(
            "content-type",
            CONTENT_TYPES[*content_type as usize % CONTENT_TYPES.len()],
        )
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    let response = setup
        .runtime
        .block_on(setup.app.clone().oneshot(request))
        .unwrap();
    assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
});
