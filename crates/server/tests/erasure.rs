//! Erasure by crypto-shredding, on the server: an erasure deletes every envelope of its person
//! key (found by key id, never by anything about the person) in the transaction that stores
//! it, drops whatever comes later under that key, and is in the team's security events.

mod support;

use faltlogg_core::api::*;
use faltlogg_core::change::Change;
use faltlogg_core::crypto::person::{ErasureReason, PersonKey};
use faltlogg_core::envelope::{Envelope, Scope};
use faltlogg_core::fold::Fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::record::support_offer::field as offer;
use faltlogg_core::record::{Kind, Value};
use faltlogg_server::Config;
use rand_core::OsRng;
use reqwest::StatusCode;
use support::*;
use uuid::Uuid;

fn person(id: Uuid, alias: &str) -> Change {
    Fold::default().set(
        Kind::Person,
        id,
        vec![(
            faltlogg_core::record::person::field::ALIAS,
            Value::text(alias),
        )],
        Uuid::nil(),
    )
}

async fn push(server: &TestServer, device: &Device, envelopes: &[&Envelope]) -> Vec<i64> {
    let request = PushRequest {
        envelopes: envelopes.iter().map(|e| wire(e)).collect(),
    };
    let response = server.post(device, "/api/envelopes", &request).await;
    let status = response.status();
    let body = response.bytes().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let pushed: PushResponse = serde_json::from_slice(&body).unwrap();
    pushed.results.into_iter().map(|r| r.seq).collect()
}

/// The ids of every envelope row in the database file, read straight from it.
async fn stored_ids(server: &TestServer) -> Vec<String> {
    server
        .sql_texts("SELECT CAST(id AS TEXT) FROM envelopes ORDER BY seq")
        .await
}

#[tokio::test]
async fn an_erasure_deletes_every_envelope_of_its_key_and_drops_later_ones() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let mut second = server.device().await;
    approve(&server, &first, &second, &team).await;
    let key = &team.key;
    let (p, q) = (Uuid::new_v4(), Uuid::new_v4());
    let (p_key, q_key) = (
        PersonKey::generate(p, &mut OsRng),
        PersonKey::generate(q, &mut OsRng),
    );
    let mut hlc = Hlc::default().tick(1_700_000_000_000);
    let mut seal = |device: &mut Device, change: Change, person: Option<&PersonKey>| {
        hlc = hlc.tick(1_700_000_000_000);
        device.seal(&change, (key, person), ids::for_stamp(hlc, &mut OsRng), hlc)
    };
    let p_key_env = seal(&mut first, Change::PersonKey(p_key.clone()), None);
    let p_env = seal(&mut first, person(p, "marker-p"), Some(&p_key));
    let q_key_env = seal(&mut first, Change::PersonKey(q_key.clone()), None);
    let q_env = seal(&mut first, person(q, "marker-q"), Some(&q_key));
    let group_change = Fold::default().set(
        Kind::Group,
        Uuid::new_v4(),
        vec![(1, Value::text("marker-group"))],
        Uuid::nil(),
    );
    let group = seal(&mut first, group_change, None);
    push(
        &server,
        &first,
        &[&p_key_env, &p_env, &q_key_env, &q_env, &group],
    )
    .await;
    // The other phone adds an offer for P under P's key.
    let offer_change = Fold::default().set(
        Kind::SupportOffer,
        Uuid::new_v4(),
        vec![(offer::PERSON, Value::Id(p))],
        Uuid::nil(),
    );
    let offer = seal(&mut second, offer_change.clone(), Some(&p_key));
    push(&server, &second, &[&offer]).await;

    let erase = seal(
        &mut first,
        Change::Erase {
            key: p_key.id,
            reason: ErasureReason::Asked,
        },
        None,
    );
    assert_eq!(erase.header.scope, Scope::Erase(p_key.id));
    let seqs = push(&server, &first, &[&erase]).await;
    assert!(seqs[0] > 0);

    // On the server: P's key, P and P's offer are gone; Q, the group and the erasure stay.
    let ids = stored_ids(&server).await;
    let expected: Vec<String> = [&q_key_env, &q_env, &group, &erase]
        .iter()
        .map(|e| e.header.id.to_string())
        .collect();
    assert_eq!(ids, expected);
    let pulled = server.pull(&second, 0).await;
    assert_eq!(pulled.envelopes.len(), 4);

    // A phone that was offline sends an edit of P, and P's key again: dropped, seq 0, and
    // nothing is stored. An erasure repeated is the same erasure.
    let late = seal(&mut second, offer_change, Some(&p_key));
    assert_eq!(push(&server, &second, &[&late]).await, vec![0]);
    assert_eq!(push(&server, &first, &[&p_key_env]).await, vec![0]);
    assert_eq!(push(&server, &first, &[&erase]).await, seqs);
    assert_eq!(stored_ids(&server).await.len(), 4);

    // Who erased and when, in the team's events; nothing of whom.
    let response = server.get(&first, "/api/team/events").await;
    let body = response.text().await.unwrap();
    assert!(!body.contains(&p.to_string()) && !body.contains(&p_key.id.to_string()));
    let page: AuditPage = serde_json::from_str(&body).unwrap();
    let erased: Vec<&AuditEvent> = page
        .events
        .iter()
        .filter(|e| e.kind == AuditKind::Erased)
        .collect();
    assert_eq!(erased.len(), 2, "the erasure and its repeat");
    assert_eq!(erased[0].device, Some(first.me.device.id));
}

#[tokio::test]
async fn erasing_in_one_team_touches_nothing_of_another() {
    let server = TestServer::start(Config::DEFAULT_SESSION_TTL_MS).await;
    let mut first = server.device().await;
    let team = found_team(&server, &first).await;
    let p = Uuid::new_v4();
    let p_key = PersonKey::generate(p, &mut OsRng);
    let hlc = Hlc::default().tick(1_700_000_000_000);
    let key_env = first.seal(
        &Change::PersonKey(p_key.clone()),
        (&team.key, None),
        ids::for_stamp(hlc, &mut OsRng),
        hlc,
    );
    push(&server, &first, &[&key_env]).await;
    // Another team's device erases the same key id: its own team's erasure, nothing here.
    let store = server.store.clone();
    let hash = faltlogg_server::passwords::hash("another-teams-password");
    store
        .create_team_with_coordinator("Andra", "other", &hash, faltlogg_server::now_ms())
        .await
        .unwrap();
    let mut stranger = server.device_as("other", "another-teams-password").await;
    let other = found_team(&server, &stranger).await;
    let hlc = hlc.tick(1_700_000_000_001);
    let erase = stranger.seal(
        &Change::Erase {
            key: p_key.id,
            reason: ErasureReason::Mistake,
        },
        (&other.key, None),
        ids::for_stamp(hlc, &mut OsRng),
        hlc,
    );
    push(&server, &stranger, &[&erase]).await;
    assert_eq!(server.pull(&first, 0).await.envelopes.len(), 1);
}
