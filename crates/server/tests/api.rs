//! Black-box tests of the coordination server's API: a real server on a free port with a fresh
//! SQLite file, driven over HTTP with the same core types and crypto that the PWA uses.
//! Abuse (limits, timeouts, floods) is in `abuse.rs`.

mod support;

use faltlogg_core::api::*;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::fold::Fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::record::contact::Contact;
use faltlogg_server::Config;
use rand_core::OsRng;
use reqwest::StatusCode;
use serde_json::json;
use support::*;
use uuid::Uuid;

#[tokio::test]
async fn sign_in_refuses_wrong_passwords_and_unknown_users_alike() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let health: Health = server
        .http
        .get(format!("{}/api/health", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.status, "ok");

    let (status, error) = error_of(server.sign_in("wrong").await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials)
    );
    let unknown = server
        .http
        .post(format!("{}/api/session", server.url))
        .json(&json!({ "username": "nobody", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(unknown).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials)
    );
    assert_eq!(server.sign_in(PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_push_is_stored_once_and_repeating_it_changes_nothing() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    assert_eq!(first.me.device.status, DeviceStatus::Approved);
    let team = found_team(&server, &first).await;
    let team_key = team.key.clone();
    let envelope = first.contact_envelope(&team_key, "marker-7f3a");
    let push = PushRequest {
        envelopes: vec![wire(&envelope)],
    };
    let pushed: PushResponse = server
        .post(&first, "/api/envelopes", &push)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pushed.results,
        vec![PushResult {
            id: envelope.header.id,
            seq: 1
        }]
    );
    let again: PushResponse = server
        .post(&first, "/api/envelopes", &push)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again, pushed,
        "a repeated push is a no-op with the same sequence number"
    );
    assert_eq!(server.pull(&first, 0).await.envelopes.len(), 1);
}

#[tokio::test]
async fn a_partial_push_stores_the_good_envelopes_and_names_each_bad_one() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let key = team.key.clone();
    let stored = first.contact_envelope(&key, "stored before");
    server
        .post(
            &first,
            "/api/envelopes",
            &PushRequest {
                envelopes: vec![wire(&stored)],
            },
        )
        .await;
    let good = first.contact_envelope(&key, "good");
    let mut forged = first.contact_envelope(&key, "forged");
    forged.signature[0] ^= 1;
    // Another envelope under the stored one's id: a conflict, found by the store.
    let conflict = first.envelope_with_id(&key, "other bytes", stored.header.id);
    let ahead = first.envelope_stamped(
        &key,
        "tomorrow",
        ids::new_v7(1_700_000_000_000, &mut OsRng),
        Hlc {
            wall_ms: faltlogg_server::now_ms() as u64 + 2 * 24 * 60 * 60 * 1000,
            counter: 0,
        },
    );
    let also_good = first.contact_envelope(&key, "also good");
    let mut envelopes: Vec<WireEnvelope> = [&good, &forged, &conflict, &ahead, &also_good]
        .map(wire)
        .to_vec();
    envelopes.insert(2, WireEnvelope(b"not an envelope".to_vec()));
    let push = PushRequest { envelopes };
    // Without asking: the first bad one refuses the batch, and nothing is stored.
    let (status, body) = error_of(server.post(&first, "/api/envelopes", &push).await).await;
    assert_eq!(
        (status, body.error, body.index),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            Some(1)
        )
    );
    assert_eq!(server.pull(&first, 0).await.envelopes.len(), 1);
    // Asked: the good ones stored in order, each bad one named once, by its place.
    let response = server
        .post(&first, &format!("/api/envelopes?{PUSH_PARTIAL}"), &push)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let pushed: PushResponse = response.json().await.unwrap();
    assert_eq!(
        pushed.results,
        [
            PushResult {
                id: good.header.id,
                seq: 2
            },
            PushResult {
                id: also_good.header.id,
                seq: 3
            },
        ]
    );
    assert_eq!(
        pushed.refused,
        [
            Refusal {
                index: 1,
                error: ErrorCode::BadSignature
            },
            Refusal {
                index: 2,
                error: ErrorCode::BadEnvelope
            },
            Refusal {
                index: 3,
                error: ErrorCode::EnvelopeConflict
            },
            Refusal {
                index: 4,
                error: ErrorCode::ClockAhead
            },
        ]
    );
    let pulled = server.pull(&first, 0).await;
    assert_eq!(pulled.envelopes.len(), 3);
    assert_eq!(
        pulled.envelopes[0].envelope.0,
        wire(&stored).0,
        "the stored one kept as it was"
    );
    // All refused: no error, nothing stored.
    let push = PushRequest {
        envelopes: vec![wire(&forged)],
    };
    let pushed: PushResponse = server
        .post(&first, &format!("/api/envelopes?{PUSH_PARTIAL}"), &push)
        .await
        .json()
        .await
        .unwrap();
    assert!(pushed.results.is_empty());
    assert_eq!(pushed.refused.len(), 1);
}

#[tokio::test]
async fn a_pull_can_leave_out_the_caller_s_own_envelopes_and_a_future_cursor_gets_nothing() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let mut second = server.device().await;
    approve(&server, &first, &second, &team).await;
    let key = team.key.clone();
    let push = |device: &mut Device, note: &str| PushRequest {
        envelopes: vec![wire(&device.contact_envelope(&key, note))],
    };
    let mine = push(&mut first, "mine");
    let theirs = push(&mut second, "theirs");
    let mine_again = push(&mut first, "mine again");
    server.post(&first, "/api/envelopes", &mine).await;
    server.post(&second, "/api/envelopes", &theirs).await;
    server.post(&first, "/api/envelopes", &mine_again).await;
    let page: PullResponse = server
        .get(&first, &format!("/api/envelopes?after=0&{PULL_SKIP_OWN}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.envelopes.len(), 1);
    assert_eq!(page.envelopes[0].seq, 2);
    assert_eq!(page.envelopes[0].envelope, theirs.envelopes[0]);
    assert_eq!(
        page.last, 3,
        "the cursor moves past the caller's own, at the end too"
    );
    assert!(!page.more);
    // Paged: a page of only its own envelopes is empty, and moves on.
    let page: PullResponse = server
        .get(
            &first,
            &format!("/api/envelopes?after=0&limit=1&{PULL_SKIP_OWN}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(page.envelopes.is_empty());
    assert_eq!((page.last, page.more), (1, true));
    // Without asking, everything, as before.
    let page = server.pull(&first, 0).await;
    assert_eq!(page.envelopes.len(), 3);
    assert_eq!(page.last, 3);
    // A cursor from the future: nothing, and the cursor stays where the device had it.
    let page = server.pull(&second, 1_000).await;
    assert!(page.envelopes.is_empty() && !page.more);
    assert_eq!(page.last, 1_000);
}

#[tokio::test]
async fn a_device_waiting_for_approval_can_neither_push_nor_pull() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let first = server.device().await;
    let team = found_team(&server, &first).await;
    let team_key = team.key.clone();
    let mut second = server.device().await;
    assert!(!second.me.make_team_key);
    assert_eq!(second.me.device.status, DeviceStatus::Pending);
    let early = second.contact_envelope(&team_key, "x");
    let push = PushRequest {
        envelopes: vec![wire(&early)],
    };
    let (status, error) = error_of(server.post(&second, "/api/envelopes", &push).await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::FORBIDDEN, ErrorCode::DeviceNotApproved)
    );
    let (_, error) = error_of(server.get(&second, "/api/envelopes?after=0").await).await;
    assert_eq!(error.error, ErrorCode::DeviceNotApproved);
    assert!(server.pull(&first, 0).await.envelopes.is_empty());
}

#[tokio::test]
async fn a_contact_travels_as_ciphertext_from_one_device_to_an_approved_second() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let team_key = team.key.clone();
    let envelope = first.contact_envelope(&team_key, "marker-7f3a");
    let push = PushRequest {
        envelopes: vec![wire(&envelope)],
    };
    assert_eq!(
        server.post(&first, "/api/envelopes", &push).await.status(),
        StatusCode::OK
    );
    let second = server.device().await;
    approve(&server, &first, &second, &team).await;

    // The second device opens its sealed key and reads the contact.
    let me: MyDevice = server
        .get(&second, "/api/devices/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.device.status, DeviceStatus::Approved);
    // Signed by the team identity it pins, for this device; with the identity, since the
    // account is a coordinator.
    let pinned = team.identity.public();
    assert_eq!(me.team_identity, Some(pinned));
    let grant = &me.sealed_team_keys[0];
    grant
        .verify(
            second.team,
            second.me.device.id,
            &second.secrets.public().exchange,
            &pinned,
        )
        .unwrap();
    let (received_key, identity) = grant.open(second.team, &second.secrets).unwrap();
    assert_eq!(received_key, team_key);
    assert_eq!(identity.map(|i| i.public()), Some(pinned));
    assert!(
        me.sealed_team_keys[0]
            .open(Uuid::new_v4(), &second.secrets)
            .is_err(),
        "bound to its team"
    );
    assert!(
        me.sealed_team_keys[0]
            .open(second.team, &first.secrets)
            .is_err(),
        "only for its device"
    );
    let pulled = server.pull(&second, 0).await;
    assert!(!pulled.more);
    let got = &pulled.envelopes[0];
    let envelope = got.envelope.decode().unwrap();
    envelope.verify(&first.secrets.public()).unwrap();
    let mut view = Fold::default();
    let change = envelope.open(&[received_key], None).unwrap();
    let (_, id) = change.record().unwrap();
    view.apply(envelope.header.stamp(), change);
    assert_eq!(view.get::<Contact>(id).unwrap().note, "marker-7f3a");
    assert!(server.pull(&second, got.seq).await.envelopes.is_empty());
}

/// After its session expires, a device signs in again and enrols the same keys: it gets the
/// same device back, still approved, not a new pending one.
#[tokio::test]
async fn enrolling_the_same_keys_again_gives_back_the_same_approved_device() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let team_key = team.key.clone();
    let push = PushRequest {
        envelopes: vec![wire(&first.contact_envelope(&team_key, "x"))],
    };
    server.post(&first, "/api/envelopes", &push).await;
    let second = server.device().await;
    approve(&server, &first, &second, &team).await;

    let session: SignInResponse = server.sign_in(PASSWORD).await.json().await.unwrap();
    let again = Device {
        token: session.token,
        team: second.team,
        secrets: second.secrets.clone(),
        me: second.me.clone(),
        seq: 0,
    };
    let me: MyDevice = server
        .post(
            &again,
            "/api/devices",
            &enrol_request(&second.secrets, &again.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me.device.id, me.device.status),
        (second.me.device.id, DeviceStatus::Approved)
    );
    assert!(!me.make_team_key);
    assert_eq!(server.pull(&again, 0).await.envelopes.len(), 1);
}

#[tokio::test]
async fn bad_input_gets_a_json_4xx_and_nothing_is_stored() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut device = server.device().await;
    let key = TeamKey {
        epoch: 1,
        key: SymmetricKey::generate(&mut OsRng),
    };
    let url = format!("{}/api/envelopes", server.url);

    // Malformed JSON.
    let response = server
        .post_raw(
            &device,
            "/api/envelopes",
            "application/json",
            "{\"envelopes\": [",
        )
        .await;
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest)
    );

    // An oversize body.
    let huge = format!(
        "{{\"envelopes\": [], \"pad\": \"{}\"}}",
        "a".repeat(MAX_BODY_BYTES + 1)
    );
    let response = server
        .post_raw(&device, "/api/envelopes", "application/json", huge)
        .await;
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
    );

    // Too many envelopes at once.
    let many: Vec<_> = (0..=MAX_PUSH_BATCH)
        .map(|_| wire(&device.contact_envelope(&key, "x")))
        .collect();
    let (status, error) = error_of(
        server
            .post(&device, "/api/envelopes", &PushRequest { envelopes: many })
            .await,
    )
    .await;
    assert_eq!(
        (status, error.error),
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BatchTooLarge)
    );

    // One changed byte in the second envelope: the whole batch is refused and named.
    let good = device.contact_envelope(&key, "good");
    let mut tampered = device.contact_envelope(&key, "tampered");
    tampered.ciphertext[3] ^= 1;
    let (status, error) = error_of(
        server
            .post(
                &device,
                "/api/envelopes",
                &PushRequest {
                    envelopes: vec![wire(&good), wire(&tampered)],
                },
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, error.error, error.index),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            Some(1)
        )
    );
    assert!(
        server.pull(&device, 0).await.envelopes.is_empty(),
        "nothing of a refused batch is stored"
    );

    // Another device's name in the header.
    let mut foreign = device.contact_envelope(&key, "x");
    foreign.header.device = Uuid::new_v4();
    let (status, error) = error_of(
        server
            .post(
                &device,
                "/api/envelopes",
                &PushRequest {
                    envelopes: vec![wire(&foreign)],
                },
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, error.error),
        (StatusCode::FORBIDDEN, ErrorCode::WrongOrigin)
    );

    // Same id, other bytes.
    assert_eq!(
        server
            .post(
                &device,
                "/api/envelopes",
                &PushRequest {
                    envelopes: vec![wire(&good)]
                }
            )
            .await
            .status(),
        StatusCode::OK
    );
    let twin = device.envelope_with_id(&key, "other", good.header.id);
    let (status, error) = error_of(
        server
            .post(
                &device,
                "/api/envelopes",
                &PushRequest {
                    envelopes: vec![wire(&twin)],
                },
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, error.error, error.index),
        (StatusCode::CONFLICT, ErrorCode::EnvelopeConflict, Some(0))
    );

    // No session, a made-up session, bad query, bad keys, unknown endpoint.
    let response = server.http.get(&url).send().await.unwrap();
    assert_eq!(error_of(response).await.1.error, ErrorCode::SessionExpired);
    let response = server
        .http
        .get(&url)
        .bearer_auth("made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.1.error, ErrorCode::SessionExpired);
    assert_eq!(
        error_of(server.get(&device, "/api/envelopes?after=minus-one").await)
            .await
            .1
            .error,
        ErrorCode::MalformedRequest
    );
    let stolen = DeviceSecrets::generate(&mut OsRng);
    let proof_for_another_session = enrol_request(&stolen, "some other token");
    assert_eq!(
        error_of(
            server
                .post(&device, "/api/devices", &proof_for_another_session)
                .await
        )
        .await
        .1
        .error,
        ErrorCode::BadSignature
    );
    let bad_keys = json!({ "keys": { "signing": faltlogg_core::b64::encode(&[0; 32]), "exchange": faltlogg_core::b64::encode(&[0; 32]) }, "proof": faltlogg_core::b64::encode(&[0; 64]) });
    assert_eq!(
        error_of(server.post(&device, "/api/devices", &bad_keys).await)
            .await
            .1
            .error,
        ErrorCode::MalformedRequest
    );
    assert_eq!(
        error_of(server.get(&device, "/api/nope").await).await.0,
        StatusCode::NOT_FOUND
    );

    // And the server keeps serving: exactly the one good envelope is there.
    let pulled = server.pull(&device, 0).await;
    assert_eq!(pulled.envelopes.len(), 1);
    assert_eq!(pulled.envelopes[0].envelope, wire(&good));

    // Bytes that are no envelope at all.
    let junk = PushRequest {
        envelopes: vec![WireEnvelope(vec![1, 2, 3])],
    };
    let (status, error) = error_of(server.post(&device, "/api/envelopes", &junk).await).await;
    assert_eq!(
        (status, error.error, error.index),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadEnvelope,
            Some(0)
        )
    );
}

#[tokio::test]
async fn an_expired_session_is_told_to_sign_in_again() {
    let server = TestServer::start(1).await;
    let session: SignInResponse = server.sign_in(PASSWORD).await.json().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let response = server
        .http
        .get(format!("{}/api/devices/me", server.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired)
    );
}

/// Sends `body` in postcard and asks for a postcard reply, as the PWA does.
async fn postcard_call(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = server
        .http
        .request(method, format!("{}{path}", server.url))
        .header("accept", POSTCARD_MEDIA_TYPE);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", POSTCARD_MEDIA_TYPE)
            .body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let media_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    (status, media_type, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_pwa_speaks_postcard_both_ways_replies_and_errors_alike() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let media = Some(POSTCARD_MEDIA_TYPE.to_string());
    let sign_in = |password: &str| {
        postcard::to_allocvec(&SignInRequest {
            username: "admin".into(),
            password: password.into(),
        })
        .unwrap()
    };

    // A refusal comes back in postcard too, `index` and all.
    let (status, media_type, bytes) = postcard_call(
        &server,
        reqwest::Method::POST,
        "/api/session",
        None,
        Some(sign_in("wrong password")),
    )
    .await;
    assert_eq!((status, &media_type), (StatusCode::UNAUTHORIZED, &media));
    let error: ErrorBody = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(
        (error.error, error.index),
        (ErrorCode::InvalidCredentials, None)
    );

    let (status, media_type, bytes) = postcard_call(
        &server,
        reqwest::Method::POST,
        "/api/session",
        None,
        Some(sign_in(PASSWORD)),
    )
    .await;
    assert_eq!((status, &media_type), (StatusCode::OK, &media));
    let session: SignInResponse = postcard::from_bytes(&bytes).unwrap();

    let secrets = DeviceSecrets::generate(&mut OsRng);
    let enrol = postcard::to_allocvec(&enrol_request(&secrets, &session.token)).unwrap();
    let (status, _, bytes) = postcard_call(
        &server,
        reqwest::Method::POST,
        "/api/devices",
        Some(&session.token),
        Some(enrol),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let me: MyDevice = postcard::from_bytes(&bytes).unwrap();
    let mut device = Device {
        token: session.token.clone(),
        team: session.user.team,
        secrets,
        me,
        seq: 0,
    };
    let key = TeamKey {
        epoch: device.me.team_epoch,
        key: SymmetricKey::generate(&mut OsRng),
    };
    let envelope = device.contact_envelope(&key, "x");
    let push = PushRequest {
        envelopes: vec![wire(&envelope)],
    };
    let (status, _, bytes) = postcard_call(
        &server,
        reqwest::Method::POST,
        "/api/envelopes",
        Some(&device.token),
        Some(postcard::to_allocvec(&push).unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let pushed: PushResponse = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(pushed.results[0].id, envelope.header.id);

    // What was pushed in postcard is pulled the same in postcard and in JSON.
    let (status, media_type, bytes) = postcard_call(
        &server,
        reqwest::Method::GET,
        "/api/envelopes?after=0",
        Some(&device.token),
        None,
    )
    .await;
    assert_eq!((status, &media_type), (StatusCode::OK, &media));
    let pulled: PullResponse = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(pulled.envelopes[0].envelope, wire(&envelope));
    assert_eq!(server.pull(&device, 0).await, pulled);

    // Bytes that are not the request's shape, and a body of another type, are refused.
    let (status, _, bytes) = postcard_call(
        &server,
        reqwest::Method::POST,
        "/api/envelopes",
        Some(&device.token),
        Some(vec![0xff; 3]),
    )
    .await;
    let error: ErrorBody = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(
        (status, error.error),
        (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest)
    );
    let response = server
        .post_raw(
            &device,
            "/api/envelopes",
            "text/plain",
            "{\"envelopes\": []}",
        )
        .await;
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.error),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::MalformedRequest
        )
    );
    assert_eq!(server.pull(&device, 0).await.envelopes.len(), 1);

    // An app of another API version (an installed app older than the server) is told so in
    // JSON, which every version reads: 406 for what it asks for, 415 for what it sends.
    let old = "application/vnd.faltlogg.v1+postcard";
    let response = server
        .http
        .get(format!("{}/api/envelopes?after=0", server.url))
        .bearer_auth(&device.token)
        .header("accept", old)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, StatusCode::NOT_ACCEPTABLE);
    let response = server
        .post_raw(&device, "/api/envelopes", old, vec![0u8])
        .await;
    assert_eq!(
        error_of(response).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(server.pull(&device, 0).await.envelopes.len(), 1);
}

async fn delete(server: &TestServer, path: &str, token: &str) -> reqwest::Response {
    server
        .http
        .delete(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signing_out_ends_a_session_and_everywhere_ends_every_one() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let session: SignInResponse = server.sign_in(PASSWORD).await.json().await.unwrap();
        tokens.push(session.token);
    }
    let status_with = |token: &str| {
        let request = server
            .http
            .get(format!("{}/api/devices/me", server.url))
            .bearer_auth(token)
            .send();
        async move { error_of(request.await.unwrap()).await }
    };
    // Signed in, without a device: refused for that, not for the session.
    assert_eq!(
        status_with(&tokens[0]).await.1.error,
        ErrorCode::UnknownDevice
    );

    assert_eq!(
        delete(&server, "/api/session", &tokens[0]).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_with(&tokens[0]).await,
        (
            StatusCode::UNAUTHORIZED,
            status_with("no such token").await.1
        )
    );
    assert_eq!(
        status_with(&tokens[1]).await.1.error,
        ErrorCode::UnknownDevice
    );

    assert_eq!(
        delete(&server, "/api/sessions", &tokens[1]).await.status(),
        StatusCode::NO_CONTENT
    );
    for token in &tokens {
        let (status, error) = status_with(token).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired)
        );
    }
    // Signing out twice, or without a session, is the same 401.
    let (status, error) = error_of(delete(&server, "/api/session", &tokens[0]).await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired)
    );
}

#[tokio::test]
async fn a_team_has_one_identity_and_an_approval_must_be_signed_by_it() {
    use faltlogg_core::crypto::identity::TeamIdentity;
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let first = server.device().await;
    let team = found_team(&server, &first).await;
    let put = |request: TeamIdentityRequest| {
        let (server, first) = (&server, &first);
        async move { server.put_json(first, "/api/team/identity", &request).await }
    };
    let admitted_by = |identity: &TeamIdentity| TeamIdentityRequest {
        identity: identity.public(),
        admissions: vec![Admission {
            device: first.me.device.id,
            signature: identity.admit(first.team, first.me.device.id, &first.secrets.public()),
        }],
    };
    // The same identity again: a retry, answered alike.
    assert_eq!(
        put(admitted_by(&team.identity)).await.status(),
        StatusCode::NO_CONTENT
    );
    // Another one: refused, and the first stays.
    let server_s_own = TeamIdentity::generate(&mut OsRng);
    let (status, error) = error_of(put(admitted_by(&server_s_own)).await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::CONFLICT, ErrorCode::IdentityConflict)
    );
    // An admission the identity did not sign.
    let mut forged = admitted_by(&team.identity);
    forged.admissions[0].signature =
        server_s_own.admit(first.team, first.me.device.id, &first.secrets.public());
    let (status, error) = error_of(put(forged).await).await;
    assert_eq!(
        (status, error.error, error.index),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            Some(0)
        )
    );

    // An approval whose grant or admission another identity signed is refused, and the
    // device stays pending.
    let second = server.device().await;
    let keys = second.secrets.public();
    let id = second.me.device.id;
    let grant = |by: &TeamIdentity| {
        SealedTeamKey::grant(by, first.team, id, &keys, &team.key, true, &mut OsRng)
    };
    let path = format!("/api/devices/{id}/approve");
    for request in [
        ApproveRequest {
            grants: vec![grant(&server_s_own)],
            admission: team.identity.admit(first.team, id, &keys),
        },
        ApproveRequest {
            grants: vec![grant(&team.identity)],
            admission: server_s_own.admit(first.team, id, &keys),
        },
        ApproveRequest {
            grants: vec![SealedTeamKey {
                signature: None,
                ..grant(&team.identity)
            }],
            admission: team.identity.admit(first.team, id, &keys),
        },
    ] {
        let (status, error) = error_of(server.post(&first, &path, &request).await).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadSignature)
        );
    }
    let me: MyDevice = server
        .get(&second, "/api/devices/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.device.status, DeviceStatus::Pending);
    assert!(me.sealed_team_keys.is_empty());
    approve(&server, &first, &second, &team).await;
    let list: DeviceList = server
        .get(&first, "/api/devices")
        .await
        .json()
        .await
        .unwrap();
    let pinned = team.identity.public();
    for device in &list.devices {
        let admission = device.admission.expect("every approved device is admitted");
        pinned
            .verify_admission(first.team, device.id, &device.keys, &admission)
            .unwrap();
    }
}

/// Revokes `target` as `coordinator`, with the next epoch granted to `others` (each a listed
/// device), as of `at_ms`.
fn revoke_request(
    team: &Founded,
    team_id: Uuid,
    target: Uuid,
    at_ms: i64,
    next: &TeamKey,
    others: &[DeviceInfo],
) -> RevokeRequest {
    let rotated = Founded {
        key: next.clone(),
        identity: team.identity.clone(),
    };
    RevokeRequest {
        revocation: Revocation {
            at_ms,
            signature: team.identity.revoke(team_id, target, at_ms),
        },
        grants: others
            .iter()
            .map(|d| DeviceGrant {
                device: d.id,
                grant: rotated.grant(team_id, d),
            })
            .collect(),
    }
}

#[tokio::test]
async fn a_revoked_device_is_refused_at_once_hands_over_what_came_before_and_loses_the_key() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let mut lost = server.device().await;
    approve(&server, &first, &lost, &team).await;
    let kept = server.device().await;
    approve(&server, &first, &kept, &team).await;
    let list: DeviceList = server
        .get(&first, "/api/devices")
        .await
        .json()
        .await
        .unwrap();
    let listed = |d: &Device| {
        list.devices
            .iter()
            .find(|l| l.id == d.me.device.id)
            .unwrap()
            .clone()
    };
    let others = [listed(&first), listed(&kept)];
    let next = TeamKey {
        epoch: 2,
        key: SymmetricKey::generate(&mut OsRng),
    };
    let at_ms = faltlogg_server::now_ms();
    let path = format!("/api/devices/{}/revoke", lost.me.device.id);

    // Bad input first: nothing changes.
    let server_s_own = faltlogg_core::crypto::identity::TeamIdentity::generate(&mut OsRng);
    let mut forged = revoke_request(&team, first.team, lost.me.device.id, at_ms, &next, &others);
    forged.revocation.signature = server_s_own.revoke(first.team, lost.me.device.id, at_ms);
    let mut missing = revoke_request(&team, first.team, lost.me.device.id, at_ms, &next, &others);
    missing.grants.pop();
    let stale = revoke_request(
        &team,
        first.team,
        lost.me.device.id,
        at_ms,
        &TeamKey {
            epoch: 1,
            ..next.clone()
        },
        &others,
    );
    let itself = revoke_request(&team, first.team, first.me.device.id, at_ms, &next, &others);
    let own_path = format!("/api/devices/{}/revoke", first.me.device.id);
    for (path, request, expected) in [
        (
            &path,
            &forged,
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadSignature),
        ),
        (
            &path,
            &missing,
            (StatusCode::CONFLICT, ErrorCode::Forbidden),
        ),
        (&path, &stale, (StatusCode::CONFLICT, ErrorCode::Forbidden)),
        (
            &own_path,
            &itself,
            (StatusCode::CONFLICT, ErrorCode::Forbidden),
        ),
    ] {
        let (status, error) = error_of(server.post(&first, path, request).await).await;
        assert_eq!((status, error.error), expected, "{}", error.message);
    }
    assert_eq!(
        server.pull(&lost, 0).await.envelopes.len(),
        0,
        "still approved"
    );

    let request = revoke_request(&team, first.team, lost.me.device.id, at_ms, &next, &others);
    let revoked: DeviceInfo = server
        .post(&first, &path, &request)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked.status, DeviceStatus::Revoked);
    let (status, error) = error_of(server.post(&first, &path, &request).await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::CONFLICT, ErrorCode::Forbidden),
        "revoking twice"
    );

    // It may read its own revocation, signed, to check before it erases itself.
    let shown: Revocation = server
        .get(&lost, "/api/devices/me/revocation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown, request.revocation);
    // Refused at once, whatever else it asks.
    for path in ["/api/devices/me", "/api/devices", "/api/envelopes?after=0"] {
        let (status, error) = error_of(server.get(&lost, path).await).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked),
            "{path}"
        );
    }
    // It hands over what it stamped before the revocation; what it stamped after is refused.
    let before = lost.envelope_stamped(
        &team.key,
        "made before",
        ids::new_v7(at_ms as u64 - 1, &mut OsRng),
        Hlc {
            wall_ms: at_ms as u64 - 1,
            counter: 0,
        },
    );
    let after = lost.envelope_stamped(
        &team.key,
        "made after",
        ids::new_v7(at_ms as u64 + 1, &mut OsRng),
        Hlc {
            wall_ms: at_ms as u64 + 1,
            counter: 0,
        },
    );
    let push = |envelopes: Vec<WireEnvelope>| PushRequest { envelopes };
    let (status, error) = error_of(
        server
            .post(
                &lost,
                "/api/envelopes",
                &push(vec![wire(&before), wire(&after)]),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, error.error, error.index),
        (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked, Some(1))
    );
    let handed_over = server
        .post(&lost, "/api/envelopes", &push(vec![wire(&before)]))
        .await;
    assert_eq!(handed_over.status(), StatusCode::OK);

    // The others hold the next epoch, granted by the identity; the revoked device has none.
    let me: MyDevice = server
        .get(&kept, "/api/devices/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.team_epoch, 2);
    let grant = me.sealed_team_keys.iter().find(|g| g.epoch == 2).unwrap();
    let (opened, _) = grant.open(kept.team, &kept.secrets).unwrap();
    assert_eq!(opened, next);
    // The list carries the revocation, signed: every device can refuse what it stamps later.
    let list: DeviceList = server
        .get(&first, "/api/devices")
        .await
        .json()
        .await
        .unwrap();
    let shown = list
        .devices
        .iter()
        .find(|d| d.id == lost.me.device.id)
        .unwrap();
    let revocation = shown.revocation.expect("the revocation is listed");
    team.identity
        .public()
        .verify_revocation(
            first.team,
            shown.id,
            revocation.at_ms,
            &revocation.signature,
        )
        .unwrap();
    // The coordinator writes under the new epoch, and the kept device pulls it.
    let under_next = first.contact_envelope(&next, "after the rotation");
    let pushed = server
        .post(&first, "/api/envelopes", &push(vec![wire(&under_next)]))
        .await;
    assert_eq!(pushed.status(), StatusCode::OK);
    assert_eq!(server.pull(&kept, 0).await.envelopes.len(), 2);
}

#[tokio::test]
async fn a_coordinator_sets_the_team_s_phone_settings_within_bounds() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let first = server.device().await;
    assert_eq!(first.me.settings, TeamSettings::default());
    let put = |settings: serde_json::Value| {
        let request = server
            .http
            .put(format!("{}/api/team/settings", server.url))
            .bearer_auth(&first.token)
            .json(&settings)
            .send();
        async move { request.await.unwrap() }
    };
    for bad in [
        json!({ "idle_lock_minutes": 0, "wipe_after_failures": null, "retention_months": 24, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 16, "wipe_after_failures": null, "retention_months": 24, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": 2, "retention_months": 24, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": 21, "retention_months": 24, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 300, "wipe_after_failures": null, "retention_months": 24, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": null, "retention_months": 0, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": null, "retention_months": 121, "report_threshold": 5 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": null }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": null, "retention_months": 24, "report_threshold": 2 }),
        json!({ "idle_lock_minutes": 5, "wipe_after_failures": null, "retention_months": 24, "report_threshold": 21 }),
    ] {
        let (status, error) = error_of(put(bad.clone()).await).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest),
            "{bad}"
        );
    }
    let response =
        put(json!({ "idle_lock_minutes": 2, "wipe_after_failures": 10, "retention_months": 36, "report_threshold": 10 }))
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let me: MyDevice = server
        .get(&first, "/api/devices/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me.settings,
        TeamSettings {
            idle_lock_minutes: 2,
            wipe_after_failures: Some(10),
            retention_months: 36,
            report_threshold: 10,
        }
    );
}

#[tokio::test]
async fn the_team_s_security_events_say_who_when_and_which_device_never_what() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let first = server.device().await;
    let team = found_team(&server, &first).await;
    let typed = "a-password-typed-wrong-7f3a";
    assert_eq!(
        server.sign_in(typed).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let stranger = server.sign_in_as("nobody-by-this-name", typed).await;
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
    let second = server.device().await;
    approve(&server, &first, &second, &team).await;
    let response = server
        .http
        .put(format!("{}/api/team/settings", server.url))
        .bearer_auth(&first.token)
        .json(&TeamSettings::default())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let response = server.get(&first, "/api/team/events").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(!body.contains(typed) && !body.contains("nobody-by-this-name"));
    let page: AuditPage = serde_json::from_str(&body).unwrap();
    assert!(!page.more);
    let kinds: Vec<AuditKind> = page.events.iter().rev().map(|e| e.kind).collect();
    use AuditKind::*;
    assert_eq!(
        kinds,
        [
            SignedIn,
            Enrolled,
            IdentitySet,
            SignInFailed,
            SignedIn,
            Enrolled,
            Approved,
            SettingsChanged
        ]
    );
    let approved = &page.events[1];
    assert_eq!(
        (
            approved.username.as_deref(),
            approved.device,
            approved.target
        ),
        (
            Some("admin"),
            Some(first.me.device.id),
            Some(second.me.device.id)
        )
    );
    assert!(page
        .events
        .windows(2)
        .all(|w| w[0].id > w[1].id && w[0].at_ms >= w[1].at_ms));
    // Older ones, a page at a time.
    let older: AuditPage = server
        .get(
            &first,
            &format!("/api/team/events?before={}", page.events[2].id),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(older.events, page.events[3..].to_vec());
}

#[tokio::test]
async fn a_check_in_holds_only_who_and_until_when_goes_overdue_by_itself_and_ends_on_check_out() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let first = server.device().await;
    found_team(&server, &first).await;
    let put = |until_ms: i64| {
        let (server, first) = (&server, &first);
        async move {
            server
                .put_json(first, "/api/check-in", &json!({ "until_ms": until_ms }))
                .await
        }
    };
    let list = || async {
        let list: CheckInList = server
            .get(&first, "/api/check-ins")
            .await
            .json()
            .await
            .unwrap();
        list.check_ins
    };
    let now = faltlogg_server::now_ms();
    // An end that has passed, or more than 16 hours ahead, is refused; nothing is stored.
    for bad in [now - 60_000, now + CheckInRequest::LONGEST_MS + 60_000] {
        let (status, error) = error_of(put(bad).await).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest)
        );
    }
    assert!(list().await.is_empty());
    // Out for an hour: the team sees who and until when, and it is not overdue.
    assert_eq!(put(now + 3_600_000).await.status(), StatusCode::NO_CONTENT);
    let open = list().await;
    assert_eq!(open.len(), 1);
    assert_eq!(
        (
            open[0].device,
            open[0].username.as_str(),
            open[0].until_ms,
            open[0].overdue
        ),
        (first.me.device.id, "admin", now + 3_600_000, false)
    );
    // Moved to end in a moment, then past it: overdue, though no one touched it since.
    let soon = faltlogg_server::now_ms() + 1_500;
    assert_eq!(put(soon).await.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
    let open = list().await;
    assert_eq!((open[0].until_ms, open[0].overdue), (soon, true));
    assert!(
        open[0].started_ms <= now + 1_000,
        "the start stays the first one"
    );
    // The stored row holds the device, the times and whether the coordinators were pushed,
    // and nothing else.
    let columns = server.columns("check_ins").await;
    assert_eq!(
        columns,
        ["device_id", "team_id", "started_at", "until_at", "alerted"]
    );
    // Checked out: gone; checking out again is no error.
    for _ in 0..2 {
        let response = server.delete(&first, "/api/check-in").await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    assert!(list().await.is_empty());
}

/// A push as the push service got it: its path, headers and body.
type Push = (String, reqwest::header::HeaderMap, Vec<u8>);
type Pushes = std::sync::Arc<std::sync::Mutex<Vec<Push>>>;

/// A push service of the test's own on a free port, standing in for Google's or Mozilla's
/// (which this machine cannot reach): it keeps every push it gets and answers `status`.
struct PushService {
    url: String,
    pushes: Pushes,
    status: std::sync::Arc<std::sync::atomic::AtomicU16>,
}

impl PushService {
    async fn start() -> PushService {
        use axum::extract::{Request, State};
        type Shared = (Pushes, std::sync::Arc<std::sync::atomic::AtomicU16>);
        let pushes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let status = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(201));
        let take = |State((pushes, status)): State<Shared>, request: Request| async move {
            let path = request.uri().path().to_string();
            let headers = request.headers().clone();
            let body = axum::body::to_bytes(request.into_body(), 1 << 16)
                .await
                .unwrap()
                .to_vec();
            pushes.lock().unwrap().push((path, headers, body));
            axum::http::StatusCode::from_u16(status.load(std::sync::atomic::Ordering::SeqCst))
                .unwrap()
        };
        let app = axum::Router::new()
            .fallback(take)
            .with_state((pushes.clone(), status.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        PushService {
            url,
            pushes,
            status,
        }
    }

    fn count(&self) -> usize {
        self.pushes.lock().unwrap().len()
    }

    /// Waits up to five seconds for the `n`th push.
    async fn wait_for(&self, n: usize) {
        for _ in 0..50 {
            if self.count() >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("push {n} did not come; {} came", self.count());
    }
}

#[tokio::test]
async fn an_overdue_check_in_is_pushed_once_to_each_coordinator_browser_encrypted_and_signed() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine as _;
    use p256::ecdsa::signature::Verifier as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;

    let service = PushService::start().await;
    let services = vec![service.url.clone()];
    let server = TestServer::start_with(|config| {
        config.push.services = services;
        config.push.every = std::time::Duration::from_millis(200);
    })
    .await;
    let first = server.device().await;
    found_team(&server, &first).await;

    // The server's key, and the coordinator's browser subscribing with it.
    let key: PushKey = server
        .get(&first, "/api/push/key")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(key.key.len(), 65, "an uncompressed P-256 point");
    let vapid = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.key).unwrap();
    let browser = p256::SecretKey::random(&mut OsRng);
    let auth = [7u8; 16];
    let subscription = |endpoint: String| PushSubscription {
        endpoint,
        p256dh: browser
            .public_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
        auth: auth.to_vec(),
    };
    let subscribe = |body: PushSubscription| {
        let (server, first) = (&server, &first);
        async move {
            server
                .put_json(first, "/api/push/subscription", &body)
                .await
        }
    };
    // An endpoint off the push services, or keys that are not keys: refused, nothing kept.
    let elsewhere = subscription("http://127.0.0.1:1/internal".into());
    let mut bad_key = subscription(format!("{}/push/a", service.url));
    bad_key.p256dh[10] ^= 0xff;
    let mut short_auth = subscription(format!("{}/push/a", service.url));
    short_auth.auth.pop();
    for bad in [elsewhere, bad_key, short_auth] {
        let (status, error) = error_of(subscribe(bad).await).await;
        assert_eq!(
            (status, error.error),
            (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest)
        );
    }
    let endpoint = format!("{}/push/coordinator", service.url);
    assert_eq!(
        subscribe(subscription(endpoint.clone())).await.status(),
        StatusCode::NO_CONTENT
    );

    // A check-in that ends in a moment, with no check-out: one push.
    let check_in = |until_ms: i64| {
        let (server, first) = (&server, &first);
        async move {
            server
                .put_json(first, "/api/check-in", &json!({ "until_ms": until_ms }))
                .await
        }
    };
    let until = faltlogg_server::now_ms() + 800;
    assert_eq!(check_in(until).await.status(), StatusCode::NO_CONTENT);
    service.wait_for(1).await;
    assert!(
        faltlogg_server::now_ms() >= until,
        "not pushed before the end"
    );
    let (path, headers, body) = service.pushes.lock().unwrap()[0].clone();
    assert_eq!(path, "/push/coordinator");
    assert_eq!(headers["content-encoding"], "aes128gcm");
    assert!(headers.contains_key("ttl"));
    // It says only that a check-in is overdue, readable by the browser's key alone.
    let plain = web_push_native::decrypt(
        body.clone(),
        &browser,
        &web_push_native::Auth::clone_from_slice(&auth),
    )
    .unwrap();
    assert_eq!(plain, faltlogg_server::push::PAYLOAD);
    let other = p256::SecretKey::random(&mut OsRng);
    assert!(web_push_native::decrypt(
        body,
        &other,
        &web_push_native::Auth::clone_from_slice(&auth)
    )
    .is_err());
    // Signed by the server's key for the push service's origin (VAPID).
    let authorization = headers["authorization"].to_str().unwrap();
    let (token, k) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=…, k=…");
    assert_eq!(B64.decode(k).unwrap(), key.key);
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value = serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let claims: serde_json::Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["aud"], service.url.as_str());
    let exp = claims["exp"].as_i64().unwrap();
    let now_s = faltlogg_server::now_ms() / 1000;
    assert!(exp > now_s && exp <= now_s + 24 * 3600, "{exp}");
    let signature = p256::ecdsa::Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
    vapid
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the server's signature");

    // Once: later looks push nothing more.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(service.count(), 1);

    // Moved to a new end, it is pushed again when that passes; the browser has unsubscribed
    // meanwhile (410), so the server forgets the subscription.
    service
        .status
        .store(410, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        check_in(faltlogg_server::now_ms() + 500).await.status(),
        StatusCode::NO_CONTENT
    );
    service.wait_for(2).await;
    let mut left = 1;
    for _ in 0..20 {
        left = server
            .sql_count("SELECT count(*) FROM push_subscriptions")
            .await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "a subscription the browser gave up is forgotten");
    // Turned off from the phone: also when there is nothing to turn off.
    let response = server.delete(&first, "/api/push/subscription").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}
