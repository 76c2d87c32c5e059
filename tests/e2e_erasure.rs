//! End to end, erasure by crypto-shredding: a coordinator erases a person on one phone; the
//! server deletes every envelope under the person's key and another phone drops the person;
//! a contact the person shared with someone else stays, without them; a worker may erase only
//! the persons they recorded; and the team's retention period erases a person left alone too
//! long. Real Chromium against the real server, as in `e2e.rs` (same prerequisites).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use faltlogg_core::fold::create;
use faltlogg_core::record::contact::{Contact, ContactKind};
use faltlogg_core::record::person::Person;
use support::{Browser, Server};
use uuid::Uuid;

const PASSWORD: &str = "erasure-admin-password";
const WORKER_PASSWORD: &str = "ali's long password";
const PASSPHRASE: &str = "a passphrase for erasure";
const MONTH_MS: u64 = 2_629_746_000;

fn person(id: u128, alias: &str) -> Person {
    Person {
        id: Uuid::from_u128(id),
        alias: alias.into(),
        birth_year: None,
        area: String::new(),
        groups: Vec::new(),
        consent: Default::default(),
        risk: false,
        note: String::new(),
    }
}

fn contact_with(id: u128, persons: &[u128], note: &str, at_ms: u64) -> Contact {
    Contact {
        persons: persons.iter().map(|&p| Uuid::from_u128(p)).collect(),
        ..Contact::simple(
            Uuid::from_u128(id),
            at_ms as i64,
            "Centrum",
            ContactKind::StreetEncounter,
            note,
        )
    }
}

fn body_has(text: &str) -> String {
    format!("document.body.innerText.includes('{text}')")
}

/// Each person key on the server with how many envelopes it holds, and the keys erased.
async fn scopes(db: &std::path::Path) -> (Vec<(String, i64)>, Vec<String>) {
    use sqlx::Connection as _;
    let mut conn = support::open_db(db).await;
    // One read transaction, so both answers are of one moment: read apart, an erasure that
    // commits between them shows its key erased and its envelopes still held.
    let mut snapshot = conn.begin().await.unwrap();
    let held = sqlx::query_as(
        "SELECT scope_key, COUNT(*) FROM envelopes WHERE scope_key IS NOT NULL GROUP BY scope_key",
    )
    .fetch_all(&mut *snapshot)
    .await
    .unwrap();
    let erased = sqlx::query_scalar("SELECT key_id FROM erasures")
        .fetch_all(&mut *snapshot)
        .await
        .unwrap();
    snapshot.rollback().await.unwrap();
    (held, erased)
}

/// How many envelopes the phone holds (or queues) name person key `key` in their header.
async fn phone_holds_key(phone: &Browser, key: &str) -> u64 {
    let key = Uuid::parse_str(key).unwrap();
    let bytes: Vec<u8> = key.as_bytes().to_vec();
    let script = "const done = arguments[arguments.length - 1]; const key = arguments[0]; \
        const req = indexedDB.open('faltlogg'); \
        req.onsuccess = () => { const db = req.result; let found = 0; let left = 2; \
          for (const store of ['envelopes', 'outbox']) { \
            const all = db.transaction(store).objectStore(store).getAll(); \
            all.onsuccess = () => { for (const v of all.result) { \
              const b = new Uint8Array(v instanceof ArrayBuffer ? v : v.buffer || v); \
              outer: for (let i = 0; i + key.length <= b.length; i++) { \
                for (let j = 0; j < key.length; j++) { if (b[i + j] !== key[j]) continue outer; } \
                found++; break; } } \
              if (--left === 0) { db.close(); done(found); } }; } };";
    phone
        .driver()
        .execute_async(script, vec![serde_json::json!(bytes)])
        .await
        .unwrap()
        .json()
        .as_u64()
        .expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_person_is_gone_from_every_phone_and_the_server_and_retention_erases_by_itself() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    server.add_worker("ali", WORKER_PASSWORD);
    // The team's first device (the coordinator's, here a test device) records three persons:
    // Radera (with a contact of their own and one shared with Kvar), Kvar, and Gammal, left
    // alone for eight months.
    let mut first = support::Device::enrol(&url, "admin", PASSWORD).await;
    assert!(first.hold_team_key().await, "a fresh team");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    first
        .push_changes(vec![
            create(&person(1, "Radera-Mig")),
            create(&person(2, "Kvar-Kvar")),
            create(&contact_with(3, &[1], "only-radera-note", now - 60_000)),
            create(&contact_with(4, &[1, 2], "shared-note", now - 60_000)),
        ])
        .await;
    let eight_months_ago = now - 8 * MONTH_MS;
    first
        .push_changes_at(
            vec![
                create(&person(5, "Gammal-Gammal")),
                create(&contact_with(6, &[5], "old-note", eight_months_ago)),
            ],
            eight_months_ago,
        )
        .await;
    let (before, _) = scopes(&server.db_path()).await;
    assert_eq!(before.len(), 3, "a key for each person: {before:?}");

    let (coordinator, worker) = support::two_phones(
        &chromedriver,
        work.path(),
        &url,
        &first,
        (PASSWORD, "en"),
        ("ali", WORKER_PASSWORD, "sv"),
        PASSPHRASE,
    )
    .await;

    // The worker may erase a person they recorded, not one the coordinator recorded.
    worker.goto_in_app("/persons/new").await;
    worker
        .wait(
            "document.getElementById('alias') !== null",
            "the person form",
        )
        .await;
    worker.fill("alias", "Egen-Person").await;
    worker.click("save-person").await;
    worker
        .wait(
            "document.getElementById('erase-person-link') !== null",
            "the erase link on the worker's own person",
        )
        .await;
    worker
        .goto_in_app(&format!("/persons/{}", Uuid::from_u128(1)))
        .await;
    worker
        .wait(&body_has("Radera-Mig"), "the coordinator's person")
        .await;
    assert!(
        worker
            .driver()
            .execute(
                "return document.getElementById('erase-person-link') === null",
                vec![]
            )
            .await
            .unwrap()
            .json()
            .as_bool()
            .unwrap(),
        "no erase link for a person the worker did not record"
    );
    worker
        .goto_in_app(&format!("/persons/{}/erase", Uuid::from_u128(1)))
        .await;
    worker
        .wait(&body_has("Sidan finns inte"), "the erase screen refused")
        .await;

    // The coordinator erases Radera: a reason is required, then a confirmation.
    coordinator
        .goto_in_app(&format!("/persons/{}", Uuid::from_u128(1)))
        .await;
    coordinator.click("erase-person-link").await;
    coordinator
        .wait(
            "document.getElementById('erase-reason') !== null",
            "the erase screen",
        )
        .await;
    coordinator.assert_accessible("the erase screen").await;
    coordinator.click("erase-person").await;
    coordinator
        .wait(
            &body_has("Choose a reason for the erasure."),
            "the missing reason",
        )
        .await;
    coordinator.choose("erase-reason", "asked").await;
    coordinator.click("erase-person").await;
    coordinator.accept_dialog().await;
    coordinator
        .wait(&body_has("The person is erased."), "the erasure confirmed")
        .await;
    coordinator
        .wait(
            &format!("!{}", body_has("Radera-Mig")),
            "Radera gone from the list",
        )
        .await;
    coordinator
        .wait(&body_has("Kvar-Kvar"), "Kvar still listed")
        .await;

    // On the server: every envelope under Radera's key is gone, and the key is marked erased.
    let start = std::time::Instant::now();
    let erased_key = loop {
        let (held, erased) = scopes(&server.db_path()).await;
        if let [key] = erased.as_slice() {
            assert!(
                held.iter().all(|(k, _)| k != key),
                "no envelope left under the erased key"
            );
            let had = before.iter().find(|(k, _)| k == key).expect("a known key");
            assert!(had.1 >= 3, "the key, the person and their contact: {had:?}");
            assert_eq!(
                held.len(),
                3,
                "Kvar's, Gammal's and the worker's person's keys"
            );
            break key.clone();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the erasure never reached the server"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(
        phone_holds_key(&coordinator, &erased_key).await,
        1,
        "only the erasure itself names the key"
    );

    // The worker's phone drops Radera at its next sync; the shared contact stays, with Kvar.
    assert!(
        phone_holds_key(&worker, &erased_key).await >= 3,
        "the key, the person and their contact, before"
    );
    worker.sync_now().await;
    worker
        .goto_in_app(&format!("/persons/{}", Uuid::from_u128(2)))
        .await;
    worker
        .wait(&body_has("Kvar-Kvar"), "Kvar's page on the worker's phone")
        .await;
    worker
        .wait(&body_has("shared-note"), "the shared contact, kept")
        .await;
    worker.goto_in_app("/persons").await;
    worker
        .wait(&body_has("Kvar-Kvar"), "the worker's list")
        .await;
    worker
        .wait(&format!("!{}", body_has("Radera-Mig")), "Radera-Mig gone")
        .await;
    assert_eq!(
        phone_holds_key(&worker, &erased_key).await,
        1,
        "dropped from the worker's phone, but for the erasure"
    );
    // After a reload (from the device's storage, not memory) Radera stays gone.
    worker.reload().await;
    worker
        .wait(
            "document.getElementById('passphrase') !== null",
            "the lock screen",
        )
        .await;
    worker.fill("passphrase", PASSPHRASE).await;
    worker.submit_form().await;
    worker
        .wait("document.getElementById('sync-state') !== null", "unlocked")
        .await;
    worker.goto_in_app("/persons").await;
    worker
        .wait(&body_has("Kvar-Kvar"), "the list after a reload")
        .await;
    worker
        .wait(&format!("!{}", body_has("Radera-Mig")), "Radera-Mig gone")
        .await;

    // The coordinator sets a retention period of six months: at the next sync, Gammal (eight
    // months without activity) is erased by itself, and no one else.
    coordinator.goto_in_app("/more").await;
    coordinator.choose("retention", "6").await;
    coordinator.click("save-phone-settings").await;
    coordinator
        .wait(&body_has("Saved."), "the settings saved")
        .await;
    coordinator.sync_now().await;
    let start = std::time::Instant::now();
    loop {
        let (held, erased) = scopes(&server.db_path()).await;
        if erased.len() == 2 {
            assert_eq!(held.len(), 2, "Kvar's and the worker's person's keys stay");
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the retention erasure never reached the server"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    coordinator.goto_in_app("/persons").await;
    coordinator
        .wait(&body_has("Kvar-Kvar"), "the list after retention")
        .await;
    coordinator
        .wait(
            &format!("!{}", body_has("Gammal-Gammal")),
            "Gammal-Gammal gone",
        )
        .await;
    // Both erasures are in the team's security events, by the coordinator's phone.
    coordinator.goto_in_app("/more").await;
    coordinator
        .wait(&body_has("Erased a person"), "the erasures in the events")
        .await;
    worker.quit().await;
    coordinator.quit().await;
}
