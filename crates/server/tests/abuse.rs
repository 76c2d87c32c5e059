//! The server under abuse: sign-in floods and guessing, slow and silent clients, clocks set
//! ahead, races on one session. Each test failed on the code before its fix.

mod support;

use std::sync::Arc;

use faltlogg_core::api::*;
use faltlogg_core::hlc::{Hlc, MAX_SKEW_MS};
use faltlogg_core::ids;
use faltlogg_server::config::{SignInLimits, Timeouts};
use faltlogg_server::Config;
use rand_core::OsRng;
use reqwest::StatusCode;
use serde_json::json;
use support::*;

/// A server whose timeouts are short enough to wait for in a test.
async fn impatient_server() -> TestServer {
    TestServer::start_with(|config| {
        config.timeouts = Timeouts {
            header: std::time::Duration::from_millis(300),
            request: std::time::Duration::from_millis(500),
        }
    })
    .await
}

/// Everything the server sends on `stream` until it closes it, or `None` if it is still open
/// after three seconds.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        stream.read_to_end(&mut received),
    )
    .await
    .ok()?;
    // A reset counts as closed as well.
    let _ = read;
    Some(String::from_utf8_lossy(&received).into_owned())
}

async fn connect(server: &TestServer) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(server.url.trim_start_matches("http://"))
        .await
        .unwrap()
}

#[tokio::test]
async fn silent_connections_are_closed_after_the_header_timeout() {
    let server = impatient_server().await;
    // Many at once, as a slowloris would open them; each says nothing.
    let mut silent = Vec::new();
    for _ in 0..100 {
        silent.push(connect(&server).await);
    }
    for stream in &mut silent {
        assert!(
            read_until_closed(stream).await.is_some(),
            "a silent connection is still open"
        );
    }
    // One that sends half a header is closed too.
    let mut half = connect(&server).await;
    tokio::io::AsyncWriteExt::write_all(&mut half, b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(read_until_closed(&mut half).await.is_some());
    // And the server still answers.
    let health = server
        .http
        .get(format!("{}/api/health", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_its_last_response() {
    let server = impatient_server().await;
    let mut stream = connect(&server).await;
    tokio::io::AsyncWriteExt::write_all(
        &mut stream,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
    )
    .await
    .unwrap();
    let received = read_until_closed(&mut stream)
        .await
        .expect("the idle connection is still open");
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
}

#[tokio::test]
async fn a_body_that_trickles_in_is_answered_408_in_json() {
    let server = impatient_server().await;
    let mut stream = connect(&server).await;
    // A sign-in that promises 100 bytes and sends ten.
    tokio::io::AsyncWriteExt::write_all(
        &mut stream,
        b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"username",
    )
    .await
    .unwrap();
    let received = read_until_closed(&mut stream)
        .await
        .expect("the slow request is still open");
    assert!(received.starts_with("HTTP/1.1 408"), "{received}");
    assert!(received.contains("\"error\":\"timeout\""), "{received}");
    let health = server
        .http
        .get(format!("{}/api/health", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

/// The process's peak resident memory since the last reset, in MB (Linux).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kb / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_passwords_is_hashed_a_few_at_a_time() {
    // No attempt limits here: this is about the hashing that attempts under them still cost.
    let server = TestServer::start_with(|config| {
        config.sign_in_limits = SignInLimits {
            per_account: u32::MAX,
            per_address: u32::MAX,
            ..SignInLimits::default()
        }
    })
    .await;
    // Start the peak from now (clear_refs 5 resets it to the current size).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = peak_rss_mb();
    let server = Arc::new(server);
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..100 {
        let server = server.clone();
        attempts.spawn(async move { server.sign_in(&format!("wrong {i}")).await.status() });
    }
    while let Some(status) = attempts.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::UNAUTHORIZED);
    }
    // 19 MiB per check: unbounded, 100 at once came to about 2 GB.
    let grown = peak_rss_mb() - before;
    assert!(
        grown < 300.0,
        "100 wrong sign-ins grew the peak memory by {grown:.0} MB"
    );
    // The right password still works afterwards.
    assert_eq!(server.sign_in(PASSWORD).await.status(), StatusCode::OK);
}

/// A server that counts sign-ins by the `X-Forwarded-For` a test sends, as behind a proxy.
async fn guarded_server(per_account: u32, per_address: u32) -> TestServer {
    TestServer::start_with(|config| {
        config.sign_in_limits = SignInLimits {
            per_account,
            per_address,
            ..SignInLimits::default()
        };
        config.client_ip_header = Some("x-forwarded-for".parse().unwrap());
    })
    .await
}

async fn sign_in_from(
    server: &TestServer,
    address: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    server
        .http
        .post(format!("{}/api/session", server.url))
        .header("x-forwarded-for", address)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The `Retry-After` of a 429, which must be there and within the 15-minute window.
async fn refused_for(response: reqwest::Response) -> u64 {
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests)
    );
    let seconds = retry_after.expect("a Retry-After in seconds");
    assert!((1..=15 * 60).contains(&seconds), "Retry-After {seconds}");
    seconds
}

#[tokio::test]
async fn guessing_at_one_account_is_refused_from_every_address() {
    let server = guarded_server(3, 100).await;
    for i in 0..3 {
        let response = sign_in_from(&server, &format!("198.51.100.{i}"), "admin", "guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    refused_for(sign_in_from(&server, "198.51.100.9", "admin", "guess").await).await;
    // Locked for the window, even with the right password: a guess would otherwise show.
    refused_for(sign_in_from(&server, "203.0.113.5", "admin", PASSWORD).await).await;
    // Other accounts are not affected.
    let other = sign_in_from(&server, "198.51.100.9", "someone-else", "guess").await;
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guessing_from_one_address_is_refused_on_every_account() {
    let server = guarded_server(100, 3).await;
    for name in ["anna", "bo", "admin"] {
        let response = sign_in_from(&server, "198.51.100.7", name, "guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    refused_for(sign_in_from(&server, "198.51.100.7", "cecilia", "guess").await).await;
    // The account itself is not locked: its owner elsewhere gets in.
    let owner = sign_in_from(&server, "203.0.113.5", "admin", PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_header_naming_an_address_is_ignored_unless_the_operator_trusts_it() {
    let server = TestServer::start_with(|config| {
        config.sign_in_limits = SignInLimits {
            per_account: 100,
            per_address: 2,
            ..SignInLimits::default()
        };
    })
    .await;
    // A client that writes a new address into each request is still one peer.
    for i in 0..2 {
        let response = sign_in_from(&server, &format!("192.0.2.{i}"), "x", "guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    refused_for(sign_in_from(&server, "192.0.2.77", "x", "guess").await).await;
}

#[tokio::test]
async fn a_change_stamped_far_ahead_of_the_server_s_clock_is_refused() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut device = server.device().await;
    let team = found_team(&server, &device).await;
    let key = team.key.clone();
    let now = faltlogg_server::now_ms() as u64;
    let stamped = |device: &mut Device, wall_ms| {
        let id = ids::new_v7(now, &mut OsRng);
        let hlc = Hlc {
            wall_ms,
            counter: 0,
        };
        PushRequest {
            envelopes: vec![wire(&device.envelope_stamped(&key, "ahead", id, hlc))],
        }
    };
    for wall_ms in [u64::MAX, now + MAX_SKEW_MS + 60_000] {
        let push = stamped(&mut device, wall_ms);
        let (status, error) = error_of(server.post(&device, "/api/envelopes", &push).await).await;
        assert_eq!(
            (status, error.error, error.index),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ClockAhead,
                Some(0)
            )
        );
    }
    assert!(server.pull(&device, 0).await.envelopes.is_empty());
    // A clock a few minutes fast is within the skew.
    let push = stamped(&mut device, now + 3 * 60_000);
    let response = server.post(&device, "/api/envelopes", &push).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.pull(&device, 0).await.envelopes.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_enrolments_on_one_session_make_one_device() {
    let server = Arc::new(TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await);
    let session: SignInResponse = server.sign_in(PASSWORD).await.json().await.unwrap();
    let mut enrolments = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (server, token) = (server.clone(), session.token.clone());
        enrolments.spawn(async move {
            let secrets = faltlogg_core::crypto::device::DeviceSecrets::generate(&mut OsRng);
            let response = server
                .http
                .post(format!("{}/api/devices", server.url))
                .bearer_auth(&token)
                .json(&enrol_request(&secrets, &token))
                .send()
                .await
                .unwrap();
            match response.status() {
                StatusCode::OK => None,
                _ => Some(error_of(response).await),
            }
        });
    }
    let mut enrolled = 0;
    while let Some(outcome) = enrolments.join_next().await {
        match outcome.unwrap() {
            None => enrolled += 1,
            Some((status, error)) => assert_eq!(
                (status, error.error),
                (StatusCode::CONFLICT, ErrorCode::AlreadyEnrolled)
            ),
        }
    }
    assert_eq!(enrolled, 1);
    let list: DeviceList = server
        .http
        .get(format!("{}/api/devices", server.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.devices.len(), 1, "one device for one session");
}
