//! Who may call what: every endpoint × every kind of caller, and teams kept apart.
//!
//! The callers: no credentials, a token the server never issued, a coordinator of another
//! team, a pending device, a revoked device, a worker, a coordinator. There is no admin caller:
//! the operator acts through `faltlogg-server admin` on the server's machine, and there is no
//! admin API to call (`tests/admin.rs`).

mod support;

use faltlogg_core::api::*;
use faltlogg_core::crypto::TeamKey;
use faltlogg_server::config::SignInLimits;
use faltlogg_server::db::Store;
use rand_core::OsRng;
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use support::*;

const WORKER_PASSWORD: &str = "a worker's password";

struct Caller {
    name: &'static str,
    /// `None`: no `Authorization` header at all.
    token: Option<String>,
    /// A second session of the same account, for signing one out.
    spare: Option<String>,
    device: Option<Device>,
}

/// One row of the matrix: what each caller gets, in the order of `callers`.
struct Row {
    method: Method,
    path: String,
    /// The body each caller sends (its own envelope, its own keys).
    body: fn(&mut Caller, &Context) -> Option<serde_json::Value>,
    expected: [(u16, Option<ErrorCode>); 7],
    /// Whether the spare token is the one sent.
    spare: bool,
}

struct Context {
    team_a: Founded,
    /// A pending device of team A that the coordinator revokes.
    doomed: Device,
    team_b_key: TeamKey,
    target: Device,
}

async fn make_account(store: &Arc<dyn Store>, team: &str, username: &str, role: Role) {
    let hash = faltlogg_server::passwords::hash(WORKER_PASSWORD);
    store
        .create_user(team, username, &hash, role, faltlogg_server::now_ms())
        .await
        .unwrap();
}

async fn revoke(server: &TestServer, device: &Device) {
    // Straight in the database: the matrix needs a revoked caller, not a signed revocation
    // (which `api.rs` tests through `POST /api/devices/{id}/revoke`).
    server
        .sql(&format!(
            "UPDATE devices SET status = 'revoked' WHERE id = '{}'",
            device.me.device.id
        ))
        .await;
}

/// A browser's push subscription on Google's push service, with fresh keys.
fn push_subscription(_: &mut Caller, _: &Context) -> Option<serde_json::Value> {
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let browser = p256::SecretKey::random(&mut OsRng);
    Some(
        serde_json::to_value(PushSubscription {
            endpoint: "https://fcm.googleapis.com/fcm/send/a-test".into(),
            p256dh: browser
                .public_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec(),
            auth: vec![1; 16],
        })
        .unwrap(),
    )
}

fn push_own(caller: &mut Caller, context: &Context) -> Option<serde_json::Value> {
    let key = if caller.name == "other team" {
        &context.team_b_key
    } else {
        &context.team_a.key
    };
    let device = caller.device.as_mut()?;
    let envelope = device.contact_envelope(key, caller.name);
    Some(
        serde_json::to_value(PushRequest {
            envelopes: vec![wire(&envelope)],
        })
        .unwrap(),
    )
}

fn enrol_own(caller: &mut Caller, _: &Context) -> Option<serde_json::Value> {
    let secrets = match &caller.device {
        Some(d) => d.secrets.clone(),
        None => faltlogg_core::crypto::device::DeviceSecrets::generate(&mut OsRng),
    };
    let token = caller.token.clone().unwrap_or_default();
    Some(serde_json::to_value(EnrolRequest::new(&secrets, &token)).unwrap())
}

fn approve_target(_: &mut Caller, context: &Context) -> Option<serde_json::Value> {
    let target = &context.target;
    let identity = &context.team_a.identity;
    let keys = &target.me.device.keys;
    let request = ApproveRequest {
        grants: vec![context.team_a.grant(target.team, &target.me.device)],
        admission: identity.admit(target.team, target.me.device.id, keys),
    };
    Some(serde_json::to_value(request).unwrap())
}

fn revoke_doomed(_: &mut Caller, context: &Context) -> Option<serde_json::Value> {
    let doomed = &context.doomed;
    let at_ms = faltlogg_server::now_ms();
    let request = RevokeRequest {
        revocation: Revocation {
            at_ms,
            signature: context
                .team_a
                .identity
                .revoke(doomed.team, doomed.me.device.id, at_ms),
        },
        grants: Vec::new(),
    };
    Some(serde_json::to_value(request).unwrap())
}

/// Each team's coordinator sets its own idle time: 7 minutes for team B, 9 for team A.
fn team_settings(caller: &mut Caller, _: &Context) -> Option<serde_json::Value> {
    let minutes = if caller.name == "other team" { 7 } else { 9 };
    Some(
        serde_json::to_value(TeamSettings {
            idle_lock_minutes: minutes,
            ..TeamSettings::default()
        })
        .unwrap(),
    )
}

fn check_in_soon(_: &mut Caller, _: &Context) -> Option<serde_json::Value> {
    let request = CheckInRequest {
        until_ms: faltlogg_server::now_ms() + 3_600_000,
    };
    Some(serde_json::to_value(request).unwrap())
}

fn nothing(_: &mut Caller, _: &Context) -> Option<serde_json::Value> {
    None
}

#[tokio::test]
async fn every_endpoint_refuses_every_caller_it_should_and_teams_stay_apart() {
    let server = TestServer::start_with(|config| {
        config.sign_in_limits = SignInLimits {
            per_account: u32::MAX,
            per_address: u32::MAX,
            ..SignInLimits::default()
        }
    })
    .await;
    let store = server.store.clone();
    let coordinator = server.device().await;
    let team_a = found_team(&server, &coordinator).await;
    for (username, role) in [
        ("worker", Role::Worker),
        ("pending", Role::Worker),
        ("revoked", Role::Worker),
        ("target", Role::Worker),
        ("doomed", Role::Worker),
    ] {
        make_account(&store, "Demo", username, role).await;
    }
    let hash = faltlogg_server::passwords::hash(WORKER_PASSWORD);
    store
        .create_team_with_coordinator("Södermalm", "other", &hash, faltlogg_server::now_ms())
        .await
        .unwrap();
    let worker = server.device_as("worker", WORKER_PASSWORD).await;
    approve(&server, &coordinator, &worker, &team_a).await;
    let pending = server.device_as("pending", WORKER_PASSWORD).await;
    let revoked = server.device_as("revoked", WORKER_PASSWORD).await;
    approve(&server, &coordinator, &revoked, &team_a).await;
    revoke(&server, &revoked).await;
    let target = server.device_as("target", WORKER_PASSWORD).await;
    let doomed = server.device_as("doomed", WORKER_PASSWORD).await;
    let other = server.device_as("other", WORKER_PASSWORD).await;
    assert_eq!(
        other.me.device.status,
        DeviceStatus::Approved,
        "team B's first device"
    );
    let team_b = found_team(&server, &other).await;
    let team_b_key = team_b.key.clone();

    let spare = |username: &'static str, password: &'static str| {
        let server = &server;
        async move {
            let session: SignInResponse = server
                .sign_in_as(username, password)
                .await
                .json()
                .await
                .unwrap();
            Some(session.token)
        }
    };
    let with_device = |name, device: Device, spare| Caller {
        name,
        token: Some(device.token.clone()),
        spare,
        device: Some(device),
    };
    let mut callers = [
        Caller {
            name: "no credentials",
            token: None,
            spare: None,
            device: None,
        },
        Caller {
            name: "bad token",
            token: Some("not-a-token-the-server-made".into()),
            spare: Some("not-a-token-the-server-made".into()),
            device: None,
        },
        with_device("other team", other, spare("other", WORKER_PASSWORD).await),
        with_device("pending", pending, spare("pending", WORKER_PASSWORD).await),
        with_device("revoked", revoked, spare("revoked", WORKER_PASSWORD).await),
        with_device("worker", worker, spare("worker", WORKER_PASSWORD).await),
        // Last: its approval of the target changes the target's state.
        with_device("coordinator", coordinator, spare("admin", PASSWORD).await),
    ];
    let context = Context {
        team_a,
        doomed,
        team_b_key,
        target,
    };

    use ErrorCode::*;
    let ok = (200, None);
    let expired = (401, Some(SessionExpired));
    let not_approved = (403, Some(DeviceNotApproved));
    let gone = (403, Some(DeviceRevoked));
    // A device's own check-in: any approved device of any team, no one else.
    let own_check_in = [
        expired,
        expired,
        (204, None),
        not_approved,
        gone,
        (204, None),
        (204, None),
    ];
    let signed_out = (204, None);
    // The "revoked" caller was revoked in the database, without a signed revocation: it has
    // none to show.
    let revoked_by_sql = (404, Some(NotFound));
    let rows = [
        Row {
            method: Method::GET,
            path: "/api/health".into(),
            body: nothing,
            expected: [ok; 7],
            spare: false,
        },
        Row {
            method: Method::POST,
            path: "/api/devices".into(),
            body: enrol_own,
            expected: [expired, expired, ok, ok, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/devices/me".into(),
            body: nothing,
            expected: [expired, expired, ok, ok, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/devices/me/revocation".into(),
            body: nothing,
            expected: [
                expired,
                expired,
                (404, Some(NotFound)),
                (404, Some(NotFound)),
                revoked_by_sql,
                (404, Some(NotFound)),
                (404, Some(NotFound)),
            ],
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/devices".into(),
            body: nothing,
            expected: [expired, expired, ok, not_approved, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::POST,
            path: format!("/api/devices/{}/approve", context.target.me.device.id),
            body: approve_target,
            expected: [
                expired,
                expired,
                (404, Some(NotFound)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                ok,
            ],
            spare: false,
        },
        Row {
            method: Method::POST,
            path: format!("/api/devices/{}/revoke", context.doomed.me.device.id),
            body: revoke_doomed,
            expected: [
                expired,
                expired,
                (404, Some(NotFound)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                ok,
            ],
            spare: false,
        },
        Row {
            method: Method::PUT,
            path: "/api/team/settings".into(),
            body: team_settings,
            expected: [
                expired,
                expired,
                (204, None),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (204, None),
            ],
            spare: false,
        },
        Row {
            method: Method::POST,
            path: "/api/envelopes".into(),
            body: push_own,
            expected: [expired, expired, ok, not_approved, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/envelopes?after=0".into(),
            body: nothing,
            expected: [expired, expired, ok, not_approved, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::PUT,
            path: "/api/check-in".into(),
            body: check_in_soon,
            expected: own_check_in,
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/check-ins".into(),
            body: nothing,
            expected: [expired, expired, ok, not_approved, gone, ok, ok],
            spare: false,
        },
        Row {
            method: Method::DELETE,
            path: "/api/check-in".into(),
            body: nothing,
            expected: own_check_in,
            spare: false,
        },
        Row {
            method: Method::GET,
            path: "/api/push/key".into(),
            body: nothing,
            expected: [expired, expired, ok, not_approved, gone, ok, ok],
            spare: false,
        },
        // A browser's push subscription: coordinators' approved devices only.
        Row {
            method: Method::PUT,
            path: "/api/push/subscription".into(),
            body: push_subscription,
            expected: [
                expired,
                expired,
                (204, None),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (204, None),
            ],
            spare: false,
        },
        Row {
            method: Method::DELETE,
            path: "/api/push/subscription".into(),
            body: nothing,
            expected: own_check_in,
            spare: false,
        },
        Row {
            method: Method::DELETE,
            path: "/api/session".into(),
            body: nothing,
            expected: [
                expired, expired, signed_out, signed_out, signed_out, signed_out, signed_out,
            ],
            spare: true,
        },
        Row {
            method: Method::GET,
            path: "/api/team/events".into(),
            body: nothing,
            expected: [
                expired,
                expired,
                ok,
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                (403, Some(Forbidden)),
                ok,
            ],
            spare: false,
        },
        // Last: it ends every session of the caller's account.
        Row {
            method: Method::DELETE,
            path: "/api/sessions".into(),
            body: nothing,
            expected: [
                expired, expired, signed_out, signed_out, signed_out, signed_out, signed_out,
            ],
            spare: false,
        },
    ];

    let mut failures = Vec::new();
    let mut pulled = std::collections::HashMap::new();
    let mut listed = std::collections::HashMap::new();
    let mut events = std::collections::HashMap::new();
    let mut out = std::collections::HashMap::new();
    for row in &rows {
        for (caller, expected) in callers.iter_mut().zip(row.expected) {
            let mut request = server
                .http
                .request(row.method.clone(), format!("{}{}", server.url, row.path));
            let token = if row.spare {
                &caller.spare
            } else {
                &caller.token
            };
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = (row.body)(caller, &context) {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap();
            let code = serde_json::from_slice::<ErrorBody>(&bytes)
                .ok()
                .map(|e| e.error);
            if (status, code) != expected {
                failures.push(format!(
                    "{} {} as {}: got {status} {code:?}, expected {expected:?}",
                    row.method, row.path, caller.name
                ));
            }
            if status == 200 && row.path.starts_with("/api/envelopes?") {
                let page: PullResponse = serde_json::from_slice(&bytes).unwrap();
                pulled.insert(caller.name, page);
            }
            if status == 200 && row.path == "/api/check-ins" {
                let list: CheckInList = serde_json::from_slice(&bytes).unwrap();
                out.insert(caller.name, list);
            }
            if status == 200 && row.path == "/api/team/events" {
                let page: AuditPage = serde_json::from_slice(&bytes).unwrap();
                events.insert(caller.name, page);
            }
            if status == 200 && row.path == "/api/devices" && row.method == Method::GET {
                let list: DeviceList = serde_json::from_slice(&bytes).unwrap();
                listed.insert(caller.name, list);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Teams stay apart: each sees its own devices and envelopes, never the other's.
    let other_team = pulled["other team"].envelopes.clone();
    assert_eq!(other_team.len(), 1, "team B holds its one envelope");
    let team_a = &pulled["coordinator"].envelopes;
    assert_eq!(
        team_a.len(),
        2,
        "team A holds the worker's and the coordinator's"
    );
    for envelope in team_a {
        assert!(other_team.iter().all(|o| o.envelope != envelope.envelope));
        let team = envelope.envelope.decode().unwrap().header.team;
        assert_eq!(team, context.target.team);
    }
    // Each team has the settings its own coordinator set.
    for (caller, minutes) in [(&callers[6], 9), (&callers[2], 7)] {
        let store_team = caller.device.as_ref().unwrap().team;
        let settings = store.team_settings(store_team).await.unwrap();
        assert_eq!(settings.idle_lock_minutes, minutes, "{}", caller.name);
    }
    // Each team's events are its own: team B's name only its coordinator.
    assert!(events["other team"]
        .events
        .iter()
        .all(|e| e.username.as_deref() == Some("other")));
    assert!(events["coordinator"]
        .events
        .iter()
        .all(|e| e.username.as_deref() != Some("other")));
    // Each team sees its own check-ins: the worker's and the coordinator's, or the other's.
    let names = |caller: &str| -> Vec<String> {
        let mut names: Vec<String> = out[caller]
            .check_ins
            .iter()
            .map(|c| c.username.clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("other team"), ["other"]);
    assert_eq!(names("coordinator"), ["admin", "worker"]);
    assert_eq!(names("worker"), names("coordinator"));
    let b_devices = &listed["other team"].devices;
    assert_eq!(b_devices.len(), 1);
    assert_eq!(b_devices[0].username, "other");
    assert!(listed["coordinator"]
        .devices
        .iter()
        .all(|d| d.username != "other"));
}

/// A device of one team cannot write into another: an envelope that names the other team is
/// refused, even sealed with a key of the other team's epoch.
#[tokio::test]
async fn a_device_cannot_push_into_another_team() {
    let server = TestServer::start(faltlogg_server::Config::DEFAULT_SESSION_TTL_MS).await;
    let store = server.store.clone();
    let coordinator = server.device().await;
    let team = found_team(&server, &coordinator).await;
    let key = team.key.clone();
    let hash = faltlogg_server::passwords::hash(WORKER_PASSWORD);
    store
        .create_team_with_coordinator("Södermalm", "other", &hash, faltlogg_server::now_ms())
        .await
        .unwrap();
    let mut other = server.device_as("other", WORKER_PASSWORD).await;
    // The other team's device writes an envelope naming team A.
    other.team = coordinator.team;
    let envelope = other.contact_envelope(&key, "intruder");
    let push = PushRequest {
        envelopes: vec![wire(&envelope)],
    };
    let (status, error) = error_of(server.post(&other, "/api/envelopes", &push).await).await;
    assert_eq!(
        (status, error.error, error.index),
        (StatusCode::FORBIDDEN, ErrorCode::WrongOrigin, Some(0))
    );
    assert!(server.pull(&coordinator, 0).await.envelopes.is_empty());
}

/// Envelope ids are unique per team: the same id in another team is another envelope, and
/// a push learns nothing of the other team's.
#[tokio::test]
async fn the_same_envelope_id_in_two_teams_is_two_envelopes() {
    let server = TestServer::start(faltlogg_server::Config::DEFAULT_SESSION_TTL_MS).await;
    let store = server.store.clone();
    let mut a = server.device().await;
    let team_a = found_team(&server, &a).await;
    let hash = faltlogg_server::passwords::hash(WORKER_PASSWORD);
    store
        .create_team_with_coordinator("Södermalm", "other", &hash, faltlogg_server::now_ms())
        .await
        .unwrap();
    let mut b = server.device_as("other", WORKER_PASSWORD).await;
    let team_b = found_team(&server, &b).await;
    let id = faltlogg_core::ids::new_v7(1_700_000_000_000, &mut OsRng);
    for (device, team) in [(&mut a, &team_a), (&mut b, &team_b)] {
        let envelope = device.envelope_with_id(&team.key, "same id", id);
        let push = PushRequest {
            envelopes: vec![wire(&envelope)],
        };
        let response = server.post(device, "/api/envelopes", &push).await;
        assert_eq!(response.status(), StatusCode::OK);
        let pushed: PushResponse = response.json().await.unwrap();
        assert_eq!(pushed.results, vec![PushResult { id, seq: 1 }]);
    }
    assert_eq!(server.pull(&a, 0).await.envelopes.len(), 1);
    assert_eq!(server.pull(&b, 0).await.envelopes.len(), 1);
}
