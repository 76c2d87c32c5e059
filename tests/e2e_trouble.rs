//! End to end, when things go wrong on the phone: the sign-in expires, the phone's storage is
//! full, the passphrase is wrong, the clock is ahead, the server refuses a change, the server
//! cannot be reached or is slow to reach, the server lies. Each gets a clear message in the worker's language, and nothing already saved is
//! lost. Real Chromium against the real server, as in `e2e.rs` (same prerequisites).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{Browser, Server};

const PASSWORD: &str = "trouble-admin-password";
const PASSPHRASE: &str = "a passphrase for trouble";

/// The team's first phone (the coordinator `admin`'s), in `lang`, after its first sync.
async fn first_phone(
    chromedriver: &support::Chromedriver,
    work: &std::path::Path,
    url: &str,
    lang: &str,
) -> Browser {
    let phone = Browser::open(chromedriver, &work.join("profile"), lang).await;
    phone.goto(url).await;
    phone.sign_in("admin", PASSWORD).await;
    phone.choose_passphrase(PASSPHRASE).await;
    phone
        .wait(
            "Number(document.getElementById('sync-state')?.dataset.syncs) >= 1",
            "the first sync",
        )
        .await;
    phone
}

fn shows_contact(note: &str) -> String {
    format!("(document.getElementById('contacts')||{{}}).textContent?.includes('{note}')")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_trouble_on_the_phone_gets_its_message_and_loses_nothing() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let mut server = Server::start(work.path(), None, PASSWORD).await;
    let origin = format!("http://127.0.0.1:{}", server.port);
    let phone = first_phone(&chromedriver, work.path(), &format!("{origin}/"), "sv").await;

    // The sign-in expires on the server (as after the session lifetime), and the worker
    // records a contact: it is saved on the phone, and the sync that follows is refused.
    expire_sessions(&server).await;
    save_contact(&phone, "Centrum", "first-note-kept").await;
    phone
        .wait(&shows_contact("first-note-kept"), "the saved contact")
        .await;
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "document.body.innerText.includes('Inloggningen har gått ut')",
            "the session-expired message, in Swedish",
        )
        .await;
    assert_waiting(&phone, 1, "the contact still waiting").await;
    phone
        .assert_accessible("More, with the sign-in expired")
        .await;
    // Signing in again, right there, keeps the device and its data and sends what waited.
    phone.fill("password", PASSWORD).await;
    phone.submit_form().await;
    assert_waiting(&phone, 0, "the waiting contact sent after signing in again").await;
    phone
        .wait(
            "!document.body.innerText.includes('Inloggningen har gått ut')",
            "the message gone",
        )
        .await;

    // The phone's storage is full: saving fails with a message, the form keeps what was
    // typed, and what was saved before is still there. With space again, the same save works.
    set_quota(&phone, &origin, Some(1000)).await;
    phone.click_css("nav a[href='/']").await;
    save_contact(&phone, "Norr", "second-note-typed").await;
    phone
        .wait(
            "document.body.innerText.includes('Telefonens lagring är full. Kontakten sparades inte.')",
            "the storage-full message, in Swedish",
        )
        .await;
    // Nothing was half-written: the outbox holds no new change, now.
    let waiting = phone.driver().execute(WAITING, vec![]).await.unwrap();
    assert_eq!(waiting.json(), "0", "a change queued that was not stored");
    phone
        .wait(
            "document.getElementById('note').value === 'second-note-typed'",
            "the typed note kept in the form",
        )
        .await;
    phone
        .assert_accessible("the contact form, storage full")
        .await;
    set_quota(&phone, &origin, None).await;
    phone.click("save-contact").await;
    phone
        .wait(
            &shows_contact("second-note-typed"),
            "the contact saved with space again",
        )
        .await;
    phone
        .wait(
            &shows_contact("first-note-kept"),
            "the first contact still there",
        )
        .await;

    // A wrong passphrase: a message, and the right one opens everything as it was.
    phone.reload().await;
    phone.fill("passphrase", "not the passphrase").await;
    phone.submit_form().await;
    phone
        .wait(
            "document.body.innerText.includes('Fel lösenfras')",
            "the wrong-passphrase message, in Swedish",
        )
        .await;
    phone.fill("passphrase", PASSPHRASE).await;
    phone.submit_form().await;
    phone
        .wait(
            &shows_contact("second-note-typed"),
            "the contacts after unlocking",
        )
        .await;
    // Unlocking starts a sync; it must be over before the server goes, or it would be the
    // one to fail (or succeed) instead of the one asked for below.
    phone
        .wait(
            "Number(document.getElementById('sync-state').dataset.syncs) >= 1",
            "the sync after unlocking",
        )
        .await;

    // A change of this phone's that the server refuses for itself (its bytes changed on the
    // phone after it was saved offline): set aside on the phone, not lost, and the phone
    // says that it did not reach the team, not that something from the server was unreadable.
    phone.set_offline(true).await;
    save_contact(&phone, "Väst", "refused-note").await;
    phone
        .wait(&shows_contact("refused-note"), "the contact saved offline")
        .await;
    let changed = phone
        .driver()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('faltlogg');
             open.onsuccess = () => {
                 const store = open.result.transaction('outbox', 'readwrite').objectStore('outbox');
                 const keys = store.getAllKeys();
                 keys.onsuccess = () => {
                     if (keys.result.length !== 1) { open.result.close(); return done(-1); }
                     const get = store.get(keys.result[0]);
                     get.onsuccess = () => {
                         const bytes = new Uint8Array(get.result);
                         bytes[bytes.length - 1] ^= 1;
                         store.put(bytes, keys.result[0]).onsuccess = () => {
                             open.result.close();
                             done(1);
                         };
                     };
                 };
             };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        changed.json(),
        1,
        "one change waiting, its last byte flipped"
    );
    phone.set_offline(false).await;
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "document.body.innerText.includes('Servern tog inte emot några av telefonens ändringar')",
            "the refused-change message, in Swedish",
        )
        .await;
    assert_waiting(&phone, 0, "the refused change out of the outbox").await;
    phone
        .wait(
            "document.body.innerText.includes('1 satt åt sidan')",
            "the refused change counted as set aside",
        )
        .await;
    phone.assert_accessible("More, a change refused").await;
    phone.click_css("nav a[href='/']").await;

    // The phone's clock is an hour ahead: a contact saved now is stamped an hour ahead, the
    // server refuses it, and the phone says why and keeps it waiting; nothing more is set
    // aside.
    phone
        .driver()
        .execute(
            "const real = Date.now; window.realNow = real; Date.now = () => real.call(Date) + 3600000;",
            vec![],
        )
        .await
        .unwrap();
    save_contact(&phone, "Syd", "clock-ahead-note").await;
    phone
        .wait(&shows_contact("clock-ahead-note"), "the contact saved")
        .await;
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "document.getElementById('sync-now')?.disabled === false",
            "the sync button ready",
        )
        .await;
    phone.click("sync-now").await;
    phone
        .wait(
            "document.body.innerText.includes('Telefonens klocka går före')",
            "the clock-ahead message, in Swedish",
        )
        .await;
    assert_waiting(&phone, 1, "the contact kept waiting").await;
    assert!(
        phone.text("main").await.contains("1 satt åt sidan"),
        "the held change set aside as well"
    );
    phone.assert_accessible("More, the clock ahead").await;

    // The server cannot be reached: a sync says so, and nothing changes on the phone.
    server.stop();
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "document.getElementById('sync-now')?.disabled === false",
            "the sync button ready",
        )
        .await;
    phone.click("sync-now").await;
    phone
        .wait(
            "document.body.innerText.includes('Ingen anslutning')",
            "the no-connection message, in Swedish",
        )
        .await;
    phone.click_css("nav a[href='/']").await;
    phone
        .wait(&shows_contact("first-note-kept"), "the contacts, offline")
        .await;

    // The server back: the phone tries again by itself (its backoff's retry or its periodic
    // sync), with no tap, and the no-connection message goes.
    let syncs = phone.driver().execute(SYNCS, vec![]).await.unwrap();
    let syncs = syncs.json().as_f64().unwrap();
    let port = server.port;
    let _server = Server::start(work.path(), Some(port), PASSWORD).await;
    phone
        .wait_long(
            &format!("{} > {syncs}", SYNCS.trim_start_matches("return ")),
            "a sync by itself once the server is back",
            40,
        )
        .await;
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "!document.body.innerText.includes('Ingen anslutning')",
            "the no-connection message gone",
        )
        .await;

    phone.quit().await;
}

/// On a slow connection, a contact saved while a sync runs is sent by a sync that follows that
/// one at once, not left waiting for the next periodic sync (every 30 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_saved_while_a_sync_runs_is_sent_right_after_it() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let phone = first_phone(&chromedriver, work.path(), &url, "sv").await;
    // Out of signal: the first contact waits; the second is typed but not saved yet.
    phone.set_offline(true).await;
    save_contact(&phone, "Norr", "saved-before-the-sync").await;
    phone
        .wait(
            &shows_contact("saved-before-the-sync"),
            "the first contact saved",
        )
        .await;
    phone.click("new-contact").await;
    phone.fill("area", "Söder").await;
    phone.choose("kind", "street").await;
    phone.fill("note", "saved-while-it-runs").await;
    // The second is saved as soon as the sync shows; the page's clock notes when each sync
    // ends.
    phone
        .driver()
        .execute(
            "const state = document.getElementById('sync-state');
             const before = Number(state.dataset.syncs);
             window.syncEnds = [];
             new MutationObserver(() => {
                 if (window.savedAt === undefined && state.textContent.includes('Synkar')) {
                     window.savedAt = performance.now();
                     document.getElementById('save-contact').click();
                 }
                 while (window.syncEnds.length < Number(state.dataset.syncs) - before) {
                     window.syncEnds.push(performance.now());
                 }
             }).observe(state, { attributes: true, childList: true, subtree: true, characterData: true });
             return true;",
            vec![],
        )
        .await
        .unwrap();
    // Back, on a slow connection: the `online` event starts the sync.
    phone.set_latency(700).await;
    phone
        .wait_long("window.syncEnds.length >= 2", "a second sync", 60)
        .await;
    assert_waiting(&phone, 0, "both contacts sent").await;
    let times = phone
        .driver()
        .execute(
            "return [window.savedAt, window.syncEnds[0], window.syncEnds[1]]",
            vec![],
        )
        .await
        .unwrap();
    let times: Vec<f64> = serde_json::from_value(times.json().clone()).unwrap();
    let (first, second) = (times[1] - times[0], times[2] - times[1]);
    // Both syncs make the same three calls (push, pull, check-ins); without the follow-up the
    // second would wait for the periodic one, 0 to 30 s later.
    assert!(
        second < first + 1_500.0,
        "the second sync came {second:.0} ms after the first ended, which took {first:.0} ms"
    );
    phone.click_css("nav a[href='/']").await;
    phone
        .wait(
            &shows_contact("saved-while-it-runs"),
            "the second contact listed",
        )
        .await;
    phone.quit().await;
}

const SYNCS: &str = "return Number(document.getElementById('sync-state').dataset.syncs)";

/// The phone's storage is full when a week's changes come in, three pages of them: the sync
/// stops with the storage-full message and keeps nothing it could not store whole, though
/// the phone checks the next page while the last one commits (a commit that fails is found
/// by the next page's write, or at the end). With space again, the next sync brings in every
/// change, none twice, none lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_that_fills_the_phone_stops_and_the_next_one_loses_nothing() {
    use faltlogg_core::record::date::Date;
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let origin = url.trim_end_matches('/').to_string();
    let mut first = support::Device::enrol(&url, "admin", PASSWORD).await;
    assert!(first.hold_team_key().await, "a fresh team");
    let phone = support::approved_phone(
        &chromedriver,
        &work.path().join("phone"),
        &url,
        ("admin", PASSWORD, "sv"),
        PASSPHRASE,
        &first,
    )
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // Full before the changes come: the phone syncs by itself too (every 30 s while open).
    set_quota(&phone, &origin, Some(1000)).await;
    let counts = support::seed::Counts::about(1_000);
    first
        .push_changes(support::seed::synthetic(
            counts,
            now,
            Date::from_unix_ms(now, 60),
            14,
        ))
        .await;
    let mut db = support::open_db(&server.db_path()).await;
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM envelopes")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(sent > 1_000, "three pages of 500: {sent}");

    phone.goto_in_app("/more").await;
    phone.click("sync-now").await;
    phone
        .wait(
            "document.body.innerText.includes('Telefonens lagring är full. Inget du redan sparat går förlorat.')",
            "the storage-full message of a sync, in Swedish",
        )
        .await;
    assert_eq!(stored_envelopes(&phone).await, 0, "a page kept in part");
    phone.assert_accessible("More, storage full").await;

    set_quota(&phone, &origin, None).await;
    phone.sync_now().await;
    phone
        .wait(
            "!document.body.innerText.includes('Telefonens lagring är full')",
            "the storage-full message gone",
        )
        .await;
    assert_eq!(stored_envelopes(&phone).await, sent, "every change, once");
    phone.quit().await;
}

/// How many envelopes the phone's IndexedDB holds.
async fn stored_envelopes(phone: &Browser) -> i64 {
    const COUNT: &str = r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open('faltlogg');
        open.onerror = () => done(-1);
        open.onsuccess = () => {
            const db = open.result;
            const count = db.transaction('envelopes').objectStore('envelopes').count();
            count.onsuccess = () => { db.close(); done(count.result); };
            count.onerror = () => { db.close(); done(-1); };
        };
    "#;
    let count = phone.driver().execute_async(COUNT, vec![]).await.unwrap();
    count.json().as_i64().unwrap()
}

/// A server that lies (its database in an attacker's hands): it lists a team device with keys
/// the team never admitted and relays a change signed with them, then grants the phone a key
/// of a new epoch under an identity of its own. The phone refuses both and says so, and keeps
/// encrypting under the team's real key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_forges_a_device_a_key_or_an_epoch_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let phone = first_phone(&chromedriver, work.path(), &url, "sv").await;

    // A second device of the team, approved on the phone after comparing codes.
    let mut second = support::Device::enrol(&url, "admin", PASSWORD).await;
    let code = second.pairing_code().await;
    phone.click_css("nav a[href='/more']").await;
    phone.check_devices_again().await;
    phone
        .wait(
            &format!("(document.getElementById('devices')||{{}}).textContent?.includes('{code}')"),
            "the second device, with the code it shows",
        )
        .await;
    phone.click_css("#devices .approve").await;
    phone
        .wait(
            "document.querySelector('#devices .approve') === null",
            "the approval",
        )
        .await;
    second.collect_team_key().await;

    // The server lists that device with keys of its own making, and relays a change signed
    // with them (sealed under the real team key, as an insider could): set aside, not shown.
    second
        .plant_under_swapped_keys(&server.db_path(), "SWAPPED-KEYS-NOTE")
        .await;
    phone.click("sync-now").await;
    phone
        .wait(
            "document.body.innerText.includes('1 satt åt sidan')",
            "the change from unadmitted keys set aside",
        )
        .await;
    phone.click_css("nav a[href='/']").await;
    assert!(
        !phone.text("main").await.contains("SWAPPED-KEYS-NOTE"),
        "a change signed with keys the team never admitted was taken in"
    );

    // The server grants the phone a key of a new epoch under an identity of its own.
    let (team, phone_device): (String, String) =
        sqlx::query_as("SELECT team_id, id FROM devices ORDER BY enrolled_at LIMIT 1")
            .fetch_one(&mut support::open_db(&server.db_path()).await)
            .await
            .unwrap();
    support::forge_grant(
        &server.db_path(),
        team.parse().unwrap(),
        phone_device.parse().unwrap(),
    )
    .await;
    phone.reload().await;
    phone.fill("passphrase", PASSPHRASE).await;
    phone.submit_form().await;
    phone
        .wait(
            "document.body.innerText.includes('Servern skickade en nyckel eller en enhet som ditt team inte har godkänt')",
            "the forged key refused, in Swedish",
        )
        .await;
    phone.assert_accessible("Today, a forged key refused").await;
    // What the phone records next is under the team's real key (epoch 1), not the forged one.
    save_contact(&phone, "Väst", "after-the-forgery").await;
    phone
        .wait(&shows_contact("after-the-forgery"), "the contact saved")
        .await;
    phone.click_css("nav a[href='/more']").await;
    phone
        .wait(
            "document.getElementById('sync-now')?.disabled === false",
            "the sync button ready",
        )
        .await;
    phone.click("sync-now").await;
    assert_waiting(&phone, 0, "the contact sent").await;
    support::wait_for_envelopes(&server.db_path(), 2).await;
    let (epoch, device) = support::newest_envelope(&server.db_path()).await;
    assert_eq!(
        (epoch, device.to_string()),
        (1, phone_device),
        "the phone's newest change is not under the team's real key"
    );
    phone.quit().await;
}

/// A worker's phone is removed from the team while it holds a change it has not sent: the
/// coordinator's phone revokes it and the team key moves to a new epoch; when the worker's
/// phone is back online it hands over the change it made before, then erases itself and
/// says why. The coordinator's phone receives the handed-over change; the removed phone
/// never held the new key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_phone_hands_over_then_erases_itself_and_the_key_moves_on() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    server.add_worker("ali", "ali's long password");
    let coordinator = Browser::open(&chromedriver, &work.path().join("a"), "en").await;
    coordinator.goto(&url).await;
    coordinator.sign_in("admin", PASSWORD).await;
    coordinator.choose_passphrase(PASSPHRASE).await;
    let worker = Browser::open(&chromedriver, &work.path().join("b"), "sv").await;
    worker.goto(&url).await;
    worker.sign_in("ali", "ali's long password").await;
    worker.choose_passphrase(PASSPHRASE).await;
    worker
        .wait(
            "(document.getElementById('fingerprint')||{}).textContent?.length === 19",
            "the worker's phone waiting",
        )
        .await;
    let code = worker.text("fingerprint").await;
    worker.click("codes-match").await;
    coordinator.click_css("nav a[href='/more']").await;
    coordinator.check_devices_again().await;
    coordinator
        .wait(
            &format!("(document.getElementById('devices')||{{}}).textContent?.includes('{code}')"),
            "the worker's phone, with the same code",
        )
        .await;
    coordinator.click_css("#devices .approve").await;
    worker
        .wait(
            "document.getElementById('new-contact') !== null",
            "the worker's phone approved",
        )
        .await;

    // Out of signal, the worker records a contact; meanwhile the phone is removed.
    worker.set_offline(true).await;
    save_contact(&worker, "Norr", "handed-over-note").await;
    worker
        .wait(&shows_contact("handed-over-note"), "the worker's contact")
        .await;
    assert_waiting(&worker, 1, "the contact waiting on the worker's phone").await;
    coordinator.check_devices_again().await;
    coordinator
        .wait(
            "document.querySelectorAll('#devices .revoke').length === 1",
            "the worker's phone, removable",
        )
        .await;
    coordinator.click_css("#devices .revoke").await;
    coordinator.accept_dialog().await;
    coordinator
        .wait(
            "document.body.innerText.includes('The device is removed and the team key has been replaced.')",
            "the removal done",
        )
        .await;
    coordinator
        .assert_accessible("More, after removing a device")
        .await;
    // The coordinator writes under the new key.
    coordinator.click_css("nav a[href='/']").await;
    save_contact(&coordinator, "Syd", "after-the-removal").await;
    coordinator
        .wait(
            &shows_contact("after-the-removal"),
            "the coordinator's contact",
        )
        .await;
    support::wait_for_envelopes(&server.db_path(), 1).await;
    let (epoch, _) = support::newest_envelope(&server.db_path()).await;
    assert_eq!(epoch, 2, "the coordinator writes under the new epoch");

    // Back in signal, the phone syncs by itself: it hands over its contact, then erases
    // itself.
    worker.set_offline(false).await;
    worker
        .wait(
            "document.body.innerText.includes('Den här telefonen har tagits bort från teamet')",
            "the removal explained, in Swedish",
        )
        .await;
    worker.assert_accessible("Sign in, after the removal").await;
    worker
        .wait_async(
            "done(localStorage.getItem('faltlogg.vault') === null)",
            "the vault erased",
        )
        .await;
    let start = std::time::Instant::now();
    loop {
        let gone = worker
            .driver()
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 indexedDB.databases().then(d => done(!d.some(x => x.name === 'faltlogg')))",
                vec![],
            )
            .await
            .unwrap();
        if gone.json() == &serde_json::Value::Bool(true) {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the records were not erased"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The coordinator's phone takes the handed-over contact in.
    coordinator.click_css("nav a[href='/more']").await;
    coordinator.click("sync-now").await;
    coordinator.click_css("nav a[href='/']").await;
    coordinator
        .wait(
            &shows_contact("handed-over-note"),
            "the handed-over contact on the coordinator's phone",
        )
        .await;
    // The coordinator reads it all in the team's security events: who, which device, never
    // what was written.
    coordinator.click_css("nav a[href='/more']").await;
    for event in [
        "Removed a device from the team",
        "A removed device handed over its changes",
        "Approved a device",
    ] {
        coordinator
            .wait(
                &format!(
                    "(document.getElementById('events')||{{}}).textContent?.includes('{event}')"
                ),
                event,
            )
            .await;
    }
    assert!(!coordinator
        .text("events")
        .await
        .contains("handed-over-note"));
    coordinator
        .assert_accessible("More, with the security events")
        .await;
    // The removed phone was never granted the new key.
    let mut db = support::open_db(&server.db_path()).await;
    let granted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sealed_team_keys k JOIN devices d ON d.id = k.device_id \
         WHERE d.status = 'revoked' AND k.epoch = 2",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(granted, 0);
    coordinator.quit().await;
    worker.quit().await;
}

/// Moves the page's clock `ms` ahead of the real one (until the next page load).
async fn clock_ahead(phone: &Browser, ms: u64) {
    phone
        .driver()
        .execute(
            &format!(
                "if (!window.realNow) window.realNow = Date.now; \
                 Date.now = () => window.realNow.call(Date) + {ms};"
            ),
            vec![],
        )
        .await
        .unwrap();
}

/// The phone in the hands of someone else: it locks when it shows again after the team's idle
/// time, a quick exit leaves an empty page and a locked app behind it, wrong passphrases wait
/// longer and longer, and at the team's limit the phone erases itself and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_locks_when_idle_exits_at_once_and_erases_after_wrong_passphrases() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let phone = first_phone(&chromedriver, work.path(), &url, "sv").await;

    // The coordinator sets the team's phones: lock after 1 minute, erase after 5 wrong.
    phone.click_css("nav a[href='/more']").await;
    phone.choose("idle-lock", "1").await;
    phone.choose("wipe-after", "5").await;
    phone.click("save-phone-settings").await;
    phone
        .wait(
            "document.body.innerText.includes('Varje telefon får inställningarna')",
            "the settings saved",
        )
        .await;
    phone.assert_accessible("More, the team's phones").await;
    phone.click_css("nav a[href='/']").await;
    save_contact(&phone, "Öst", "seen-only-when-unlocked").await;
    phone
        .wait(&shows_contact("seen-only-when-unlocked"), "the contact")
        .await;

    // Two minutes later the phone comes out of a pocket: locked before anything shows.
    clock_ahead(&phone, 2 * 60_000).await;
    phone
        .driver()
        .execute(
            "document.dispatchEvent(new Event('visibilitychange'))",
            vec![],
        )
        .await
        .unwrap();
    phone
        .wait(
            "document.getElementById('passphrase') !== null",
            "locked on showing again",
        )
        .await;
    assert!(!phone.text("main").await.contains("seen-only-when-unlocked"));
    phone.fill("passphrase", PASSPHRASE).await;
    phone.submit_form().await;
    phone
        .wait(&shows_contact("seen-only-when-unlocked"), "unlocked again")
        .await;

    // Quick exit: an empty page; going back finds the app locked.
    phone.click("quick-exit").await;
    phone
        .wait_long("document.URL === 'about:blank'", "the empty page", 10)
        .await;
    phone.driver().back().await.unwrap();
    phone
        .wait(
            "document.getElementById('passphrase') !== null",
            "the app locked behind the quick exit",
        )
        .await;
    assert!(!phone.text("main").await.contains("seen-only-when-unlocked"));

    // Wrong passphrases: three are only wrong, the fourth makes the next one wait.
    let wrong = |n: u32| {
        let phone = &phone;
        async move {
            phone.fill("passphrase", &format!("wrong guess {n}")).await;
            phone.submit_form().await;
        }
    };
    for n in 0..3 {
        wrong(n).await;
        phone
            .wait(
                "document.body.innerText.includes('Fel lösenfras. Försök igen.')",
                "a wrong passphrase",
            )
            .await;
    }
    wrong(3).await;
    phone
        .wait(
            "document.body.innerText.includes('Vänta en stund')",
            "a wait after four wrong",
        )
        .await;
    phone
        .assert_accessible("Unlock, waiting after wrong passphrases")
        .await;
    // Even the right one waits.
    phone.fill("passphrase", PASSPHRASE).await;
    phone.submit_form().await;
    phone
        .wait(
            "document.body.innerText.includes('Vänta en stund')",
            "the right passphrase waits too",
        )
        .await;
    // After the wait, the fifth wrong one erases the phone, as the team set.
    clock_ahead(&phone, 60_000).await;
    wrong(4).await;
    phone
        .wait(
            "document.body.innerText.includes('Enligt teamets inställning har appens data på telefonen raderats')",
            "erased after five wrong, in Swedish",
        )
        .await;
    phone
        .wait_async(
            "done(localStorage.getItem('faltlogg.vault') === null)",
            "the vault erased",
        )
        .await;
    phone
        .assert_accessible("Sign in, after the phone erased itself")
        .await;
    phone.quit().await;
}

/// Forced to unlock, the worker enters the duress passphrase: everything on the phone is
/// erased at once and the app shows a fresh sign-in, with no word of what happened. What the
/// phone had sent stays with the team.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duress_passphrase_erases_the_phone_and_shows_a_fresh_app() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let phone = first_phone(&chromedriver, work.path(), &url, "en").await;
    save_contact(&phone, "Väst", "sent-before-duress").await;
    phone
        .wait(&shows_contact("sent-before-duress"), "the contact")
        .await;
    support::wait_for_envelopes(&server.db_path(), 1).await;

    phone.click_css("nav a[href='/more']").await;
    // The passphrase itself cannot be the duress one.
    phone.fill("duress", PASSPHRASE).await;
    phone.fill("duress-repeat", PASSPHRASE).await;
    phone
        .click_css("form:has(#duress) button[type=submit]")
        .await;
    phone
        .wait(
            "document.body.innerText.includes('The duress passphrase must differ from your passphrase.')",
            "the same passphrase refused",
        )
        .await;
    phone.fill("duress", "forced open by someone").await;
    phone.fill("duress-repeat", "forced open by someone").await;
    phone
        .click_css("form:has(#duress) button[type=submit]")
        .await;
    phone
        .wait(
            "!!(document.getElementById('duress-set')||{}).textContent",
            "the duress passphrase saved",
        )
        .await;
    phone.assert_accessible("More, the duress passphrase").await;

    phone.reload().await;
    phone.fill("passphrase", "forced open by someone").await;
    phone.submit_form().await;
    phone
        .wait(
            "document.getElementById('username') !== null",
            "a fresh sign-in",
        )
        .await;
    let shown = phone.text("main").await;
    assert!(
        !shown.contains("sent-before-duress") && !shown.contains("erased"),
        "{shown}"
    );
    phone
        .wait_async(
            "done(localStorage.getItem('faltlogg.vault') === null \
               && localStorage.getItem('faltlogg.duress') === null)",
            "the vault and the duress check erased",
        )
        .await;
    phone.quit().await;
}

/// How many changes the top bar counts as waiting to be sent.
const WAITING: &str = "return document.getElementById('sync-state').dataset.waiting";

/// Waits until the top bar counts `n` changes waiting to be sent.
async fn assert_waiting(phone: &Browser, n: u32, what: &str) {
    let expression = format!("(() => {{ {WAITING} }})() === '{n}'");
    phone.wait(&expression, what).await;
}

async fn save_contact(phone: &Browser, area: &str, note: &str) {
    phone.click("new-contact").await;
    phone.fill("area", area).await;
    phone.choose("kind", "street").await;
    phone.fill("note", note).await;
    phone.click("save-contact").await;
}

/// Ends every session in the server's database, as their expiry time passing would.
async fn expire_sessions(server: &Server) {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(server.db_path());
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
        .await
        .unwrap();
    let ended = sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&mut db)
        .await
        .unwrap();
    assert!(ended.rows_affected() > 0, "no session to expire");
}

/// Writes 4 KB into a database of its own and says how that went: "stored" or the error's name.
const PROBE_WRITE: &str = r#"
    const done = arguments[arguments.length - 1];
    const open = indexedDB.open('quota-probe', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('probe');
    open.onerror = () => done(open.error ? open.error.name : 'open failed');
    open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction('probe', 'readwrite');
        tx.objectStore('probe').put(new Uint8Array(4096), Math.random());
        tx.oncomplete = () => { db.close(); done('stored'); };
        tx.onabort = () => { db.close(); done(tx.error ? tx.error.name : 'aborted'); };
    };
"#;

/// Sets the origin's storage quota in bytes through the DevTools protocol (`None`: the
/// browser's own again), and waits until IndexedDB acts on it. A quota below what the origin
/// already uses (the service worker's cache alone is larger) refuses every write.
async fn set_quota(phone: &Browser, origin: &str, bytes: Option<u64>) {
    let mut params = serde_json::json!({ "origin": origin });
    if let Some(bytes) = bytes {
        params["quotaSize"] = bytes.into();
    }
    phone
        .driver()
        .cdp()
        .send_raw("Storage.overrideQuotaForOrigin", params)
        .await
        .unwrap();
    // IndexedDB learns the new quota a moment later (it caches the space left): a probe
    // database in the same origin shows when writes are refused, or allowed again.
    let want = if bytes.is_some() {
        "QuotaExceededError"
    } else {
        "stored"
    };
    let start = std::time::Instant::now();
    loop {
        let outcome = phone
            .driver()
            .execute_async(PROBE_WRITE, vec![])
            .await
            .unwrap();
        if outcome.json() == want {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "storage never reached {want}: {:?}",
            outcome.json()
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
