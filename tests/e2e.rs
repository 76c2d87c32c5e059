//! End to end, in real Chromium against the real server: one contact recorded offline,
//! encrypted at rest, synced as ciphertext, and read on a second, approved device.
//!
//! Needs the built PWA (`trunk build` → dist/) and the server binary (`cargo build -p
//! faltlogg-server`); `scripts/test.sh` builds both first. Runs chromedriver and Chromium from
//! Debian's packages.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::Duration;

use support::{contains_text, scan_dir, Browser, Server};

const PASSWORD: &str = "e2e-admin-password";
const PASSPHRASE_A: &str = "correct horse battery";
const PASSPHRASE_B: &str = "another good passphrase";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_recorded_offline_reaches_a_second_device_and_nothing_leaks() {
    let work = tempfile::tempdir().unwrap();
    let marker = format!("MARKER{}", uuid_like());
    let control = format!("CONTROL{}", uuid_like());
    let chromedriver = support::Chromedriver::start().await;

    // A coordinator's phone signs in while the server runs; its first device makes the team key.
    let mut server = Server::start(work.path(), None, PASSWORD).await;
    let port = server.port;
    let url = format!("http://127.0.0.1:{port}/");
    let profile_a = work.path().join("profile-a");
    let a = Browser::open(&chromedriver, &profile_a, "sv").await;
    a.goto(&url).await;
    a.wait(
        "document.getElementById('username') !== null",
        "the sign-in screen",
    )
    .await;
    a.assert_accessible("the sign-in screen").await;
    // A wrong password gets a clear message and no way further.
    a.sign_in("admin", "wrong password").await;
    a.wait(
        "document.body.innerText.includes('Fel användarnamn eller lösenord')",
        "the wrong-password message",
    )
    .await;
    a.sign_in("admin", PASSWORD).await;
    a.wait(
        "document.getElementById('passphrase-repeat') !== null",
        "the passphrase screen",
    )
    .await;
    a.assert_accessible("the passphrase screen").await;
    a.choose_passphrase(PASSPHRASE_A).await;
    a.wait(
        "document.getElementById('new-contact') !== null",
        "the Today screen",
    )
    .await;
    a.assert_accessible("the Today screen").await;
    a.wait_async(
        "navigator.serviceWorker.ready.then(r => caches.keys()).then(k => done(k.length > 0))",
        "the service worker to be ready with its cache",
    )
    .await;
    // Background Sync: when the network goes, the app asks to be woken once it is back, and
    // the service worker's sync event reaches the page. (Chromium's own network stays up under
    // the emulation, so the event fires at once.)
    a.driver()
        .execute(
            "window.addEventListener('faltlogg-sync', () => { window.woken = true; }); return true;",
            vec![],
        )
        .await
        .unwrap();
    a.set_offline(true).await;
    a.wait(
        "window.woken === true",
        "the service worker's Background Sync event in the page",
    )
    .await;
    a.set_offline(false).await;
    // The page is in Swedish: the browser prefers it.
    a.wait("document.documentElement.lang === 'sv'", "Swedish")
        .await;

    // The server goes away. The worker records a contact anyway.
    server.stop();
    a.click("new-contact").await;
    a.wait(
        "document.getElementById('note') !== null",
        "the contact form",
    )
    .await;
    // Saving an empty form: an error summary that links to each field, nothing saved.
    a.click("save-contact").await;
    a.wait(
        "document.querySelector('.error-summary a[href=\"#area\"]') !== null",
        "the error summary",
    )
    .await;
    a.wait(
        "document.activeElement?.classList.contains('error-summary')",
        "focus on the error summary",
    )
    .await;
    a.assert_accessible("the contact form with errors").await;
    a.fill("area", "Centrum").await;
    a.choose("kind", "custom-notification").await;
    a.fill("note", &format!("Pratade länge. {marker}")).await;
    a.click("save-contact").await;
    a.wait(
        &format!("(document.getElementById('contacts')||{{}}).textContent?.includes('{marker}')"),
        "the saved contact",
    )
    .await;
    a.wait(
        "document.getElementById('sync-state').dataset.waiting === '1'",
        "one change waiting",
    )
    .await;

    // Reload with the server still down: the shell comes from the service worker, the app is
    // locked, and after unlocking the contact is still there.
    a.reload().await;
    a.wait(
        "document.getElementById('passphrase') !== null",
        "the unlock screen, offline",
    )
    .await;
    a.fill("passphrase", PASSPHRASE_A).await;
    a.submit_form().await;
    a.wait(
        &format!("(document.getElementById('contacts')||{{}}).textContent?.includes('{marker}')"),
        "the contact after an offline reload",
    )
    .await;

    // A positive control: text the page stores in the clear must be found by the scan below.
    a.wait_async(
        &format!(
            "localStorage.setItem('control', '{control}');
             const r = indexedDB.open('control-db', 1);
             r.onupgradeneeded = () => r.result.createObjectStore('s');
             r.onsuccess = () => {{ const tx = r.result.transaction('s', 'readwrite');
               tx.objectStore('s').put('{control} '.repeat(200), 'k'); tx.oncomplete = () => done(true); }};"
        ),
        "the control values to be stored",
    )
    .await;
    a.quit().await;

    // The whole profile on disk: the control is there, the marker is not.
    let found = scan_dir(&profile_a, &[&marker, &control]);
    assert!(
        found.contains(&control),
        "the scan must see what the page stored in the clear"
    );
    assert!(
        !found.contains(&marker),
        "the note's text is on disk in the first profile"
    );

    // The server is back; the same phone unlocks and its outbox empties.
    let mut server = Server::start(work.path(), Some(port), PASSWORD).await;
    let a = Browser::open(&chromedriver, &profile_a, "sv").await;
    a.goto(&url).await;
    a.fill("passphrase", PASSPHRASE_A).await;
    a.submit_form().await;
    a.wait(
        "document.getElementById('sync-state')?.dataset.syncs !== '0' && document.getElementById('sync-state')?.dataset.waiting === '0'",
        "a successful sync that emptied the outbox",
    )
    .await;

    // The server holds ciphertext only: not in the database, its WAL, or the log.
    for file in server.files() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !contains_text(&bytes, &marker),
            "the marker is in {}",
            file.display()
        );
    }
    // The control: the same scan finds what is stored in the clear. In the database file or
    // its WAL, whichever holds it now: when SQLite checkpoints depends on the machine's pace.
    assert!(
        server
            .files()
            .iter()
            .any(|file| contains_text(&std::fs::read(file).unwrap_or_default(), "admin")),
        "the scan reads the real database"
    );

    // A new version is published while the phone is in use: it installs in the background,
    // the app says so, and updating keeps what is on the phone.
    let sw = server.dist_path().join("sw.js");
    let published = std::fs::read_to_string(&sw)
        .unwrap()
        .replace("const VERSION = '", "const VERSION = 'next-");
    std::fs::write(&sw, published).unwrap();
    let _ = std::fs::remove_file(server.dist_path().join("sw.js.br"));
    a.wait_async(
        "navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => done(true))",
        "the update check",
    )
    .await;
    a.wait(
        "document.getElementById('apply-update')?.hidden === false",
        "the update notice",
    )
    .await;
    a.click("apply-update").await;
    a.wait(
        "document.getElementById('passphrase') !== null",
        "the updated app, locked",
    )
    .await;
    a.fill("passphrase", PASSPHRASE_A).await;
    a.submit_form().await;
    a.wait(
        &format!("(document.getElementById('contacts')||{{}}).textContent?.includes('{marker}')"),
        "the contact after the update",
    )
    .await;
    a.wait_async(
        "caches.keys().then(k => done(k.length === 1 && k[0].includes('next-')))",
        "only the new version's cache",
    )
    .await;

    // A second phone of the team enrols and waits; the coordinator compares codes and approves.
    let profile_b = work.path().join("profile-b");
    let b = Browser::open(&chromedriver, &profile_b, "en").await;
    b.goto(&url).await;
    b.sign_in("admin", PASSWORD).await;
    b.choose_passphrase(PASSPHRASE_B).await;
    b.wait(
        "(document.getElementById('fingerprint')||{}).textContent?.length === 19",
        "the pending screen",
    )
    .await;
    let code = b.text("fingerprint").await;
    // Both sides compare: the new phone confirms the code it shows is the coordinator's.
    b.click("codes-match").await;
    b.assert_accessible("the waiting screen").await;

    // In-app navigation: a page load would lock the app, as it should.
    a.click_css("nav a[href='/more']").await;
    a.wait(
        &format!("(document.getElementById('devices')||{{}}).textContent?.includes('{code}')"),
        "the pending device in the list",
    )
    .await;
    a.assert_accessible("the More screen with a pending device")
        .await;
    a.click_css("#devices .approve").await;
    a.wait(
        "document.querySelector('#devices .approve') === null",
        "the approval",
    )
    .await;

    // The second phone gets the team key and shows the contact.
    b.wait(
        &format!("(document.getElementById('contacts')||{{}}).textContent?.includes('{marker}')"),
        "the contact on the second phone",
    )
    .await;
    b.wait("document.documentElement.lang === 'en'", "English")
        .await;

    // A third device of the team (driven over HTTP with the core crate) sends one envelope
    // that no member can open, then a good one. The second phone sets the first aside and
    // still shows the second.
    let mut c = support::Device::enrol(&url, "admin", PASSWORD).await;
    a.check_devices_again().await;
    a.wait(
        "document.querySelector('#devices .approve') !== null",
        "the third device, pending",
    )
    .await;
    a.click_css("#devices .approve").await;
    a.wait(
        "document.querySelector('#devices .approve') === null",
        "the third approval",
    )
    .await;
    c.collect_team_key().await;
    let second_marker = format!("SECOND{}", uuid_like());
    c.push_unreadable_then(&second_marker).await;
    b.click_css("nav a[href='/more']").await;
    b.click("sync-now").await;
    b.wait(
        "document.body.innerText.includes('set aside')",
        "the unreadable change set aside",
    )
    .await;
    b.click_css("nav a[href='/']").await;
    b.wait(
        &format!(
            "(document.getElementById('contacts')||{{}}).textContent?.includes('{second_marker}')"
        ),
        "the good change after the bad one",
    )
    .await;

    // A change stamped two days ahead, which the server refuses from a device, passed on by
    // a server that does not check: the phone sets it aside too, and takes what follows.
    let ahead_marker = format!("AHEAD{}", uuid_like());
    let third_marker = format!("THIRD{}", uuid_like());
    c.plant_stamped_ahead_then(&server.db_path(), &ahead_marker, &third_marker)
        .await;
    b.click_css("nav a[href='/more']").await;
    b.click("sync-now").await;
    b.wait(
        "document.body.innerText.includes('2 set aside')",
        "the change from the future set aside",
    )
    .await;
    b.click_css("nav a[href='/']").await;
    b.wait(
        &format!(
            "(document.getElementById('contacts')||{{}}).textContent?.includes('{third_marker}')"
        ),
        "the good change after the one from the future",
    )
    .await;
    let shown = b.text("contacts").await;
    assert!(
        !shown.contains(&ahead_marker),
        "a change stamped two days ahead was taken in"
    );

    // The coordinator removes the third device: the team key moves to epoch 2. The second
    // phone, unlocked all along, meets a change of the new epoch at its next sync: it
    // collects its new key and shows the change, rather than setting it aside.
    let c_code = c.pairing_code().await;
    a.click_css("nav a[href='/more']").await;
    a.check_devices_again().await;
    a.wait(
        &format!("(document.getElementById('devices')||{{}}).textContent?.includes('{c_code}')"),
        "the third device in the list",
    )
    .await;
    a.driver()
        .execute(
            "window.confirm = () => true;
             [...document.querySelectorAll('#devices li')]
               .find(card => card.textContent.includes(arguments[0]))
               .querySelector('.revoke').click();",
            vec![serde_json::json!(c_code)],
        )
        .await
        .unwrap();
    a.wait(
        "document.body.innerText.includes('Enheten är borttagen')",
        "the third device removed",
    )
    .await;
    let epoch_two = format!("EPOCH2{}", uuid_like());
    a.click_css("nav a[href='/']").await;
    a.click("new-contact").await;
    a.fill("area", "Centrum").await;
    a.choose("kind", "street").await;
    a.fill("note", &epoch_two).await;
    a.click("save-contact").await;
    let sent = std::time::Instant::now();
    while support::newest_envelope(&server.db_path()).await.0 != 2 {
        assert!(
            sent.elapsed() < Duration::from_secs(30),
            "no change of epoch 2 sent"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    b.click_css("nav a[href='/more']").await;
    b.click("sync-now").await;
    b.click_css("nav a[href='/']").await;
    b.wait(
        &format!(
            "(document.getElementById('contacts')||{{}}).textContent?.includes('{epoch_two}')"
        ),
        "the change of the new epoch on the second phone",
    )
    .await;

    a.quit().await;
    b.quit().await;
    server.stop();
    let log = std::fs::read(server.log_path()).unwrap();
    assert!(
        !contains_text(&log, &marker),
        "the marker is in the server log"
    );
    assert!(
        contains_text(&log, "envelopes pushed"),
        "the log is the server's"
    );
    drop(tokio::time::sleep(Duration::ZERO));
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:x}", nanos, std::process::id())
}
