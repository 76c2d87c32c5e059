//! End to end, the field records in real Chromium against the real server: one test per
//! flow, each on a fresh phone (`support::Phone`). Same prerequisites as `e2e.rs`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{shows, Phone, ONE_BROWSER_AT_A_TIME};

/// Persons: bad input is refused with its message, a likely duplicate is warned about, an edit
/// keeps the rest, and search and filters find the right ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persons_are_made_checked_edited_searched_and_filtered() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("sv").await;
    let b = &phone.browser;
    phone.open("/persons/new").await;
    b.wait(
        "document.getElementById('alias') !== null",
        "the person form",
    )
    .await;
    // A personal identity number and an impossible birth year: both refused, nothing saved.
    b.fill("alias", "811218-9876").await;
    b.fill("birth-year", "1890").await;
    b.click("save-person").await;
    b.wait(
        "document.querySelector('.error-summary a[href=\"#alias\"]') !== null && document.querySelector('.error-summary a[href=\"#birth-year\"]') !== null",
        "both errors in the summary",
    )
    .await;
    b.wait(
        "document.body.innerText.includes('liknar ett personnummer')",
        "the identity-number message",
    )
    .await;
    b.assert_accessible("the person form with errors").await;
    assert_eq!(phone.path().await, "/persons/new", "still on the form");
    assert_eq!(phone.waiting().await, "0", "nothing saved");
    // Emoji and right-to-left text are fine.
    b.fill("alias", "Kalle 🙂 كريم").await;
    b.fill("birth-year", "2008").await;
    b.fill("area", "Skälby").await;
    b.click("consent").await;
    b.fill("consent-date", "2026-11-30").await;
    b.click("scope-school").await;
    b.click("save-person").await;
    b.wait(&shows("person-alias", "Kalle 🙂 كريم"), "the person page")
        .await;
    b.assert_accessible("the person page").await;
    let kalle = phone.path().await;

    // The same alias, year and area again: a warning first, then saved on purpose.
    phone.open("/persons/new").await;
    b.fill("alias", "KALLE 🙂 كريم").await;
    b.fill("birth-year", "2008").await;
    b.fill("area", "skälby").await;
    b.click("save-person").await;
    b.wait(
        "document.body.innerText.includes('samma alias, födelseår och område')",
        "the duplicate warning",
    )
    .await;
    assert_eq!(phone.path().await, "/persons/new");
    // Saving again, having seen the warning, saves.
    b.click("save-person").await;
    b.wait(
        "document.getElementById('person-alias') !== null",
        "the second person's page",
    )
    .await;
    assert_ne!(phone.path().await, kalle);

    phone.new_person("Anna", "2006", "Centrum").await;

    // An edit changes the birth year and keeps the consent.
    phone.open(&format!("{kalle}/edit")).await;
    b.wait(
        "document.getElementById('birth-year')?.value === '2008'",
        "the edit form, filled in",
    )
    .await;
    b.fill("birth-year", "2007").await;
    b.click("save-person").await;
    b.wait(&shows("person-consent", "2026-11-30"), "the consent kept")
        .await;
    b.wait(
        "document.body.innerText.includes('2007')",
        "the new birth year",
    )
    .await;
    b.wait(
        &shows("person-history", "ändrade"),
        "the change in the history",
    )
    .await;

    // Search by alias or area, in any case; filter by missing consent.
    phone.open("/persons").await;
    b.wait(&shows("persons-count", "3 / 3"), "all three").await;
    b.assert_accessible("the persons list").await;
    b.fill("person-search", "CENTR").await;
    b.wait(&shows("persons-count", "1 / 1"), "the search by area")
        .await;
    b.wait(&shows("persons", "Anna"), "Anna found").await;
    b.fill("person-search", " ").await;
    b.click("filter-no-consent").await;
    b.wait(&shows("persons-count", "2 / 2"), "the two without consent")
        .await;
    b.wait(
        "!document.getElementById('persons').textContent.includes('2007')",
        "Kalle filtered out",
    )
    .await;
    phone.quit().await;
}

/// Quick capture: from Today, a contact with a person met before takes five taps (the kind's
/// native picker counts as two), with a follow-up planned on the same form. Back returns to
/// Today inside the app, and a deep link opens its screen again after a reload and unlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_with_a_known_person_takes_five_taps_and_every_screen_has_its_address() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("sv").await;
    let b = &phone.browser;
    let person = phone.new_person("Mo", "2009", "Norr").await;
    let id = person.trim_start_matches("/persons/").to_string();

    // The first contact with Mo: found by search.
    phone.open("/").await;
    b.click("new-contact").await;
    assert_eq!(phone.path().await, "/contacts/new");
    b.fill("area", "Norr").await;
    b.choose("kind", "street").await;
    b.fill("person-search", "mo").await;
    b.click(&format!("person-{id}")).await;
    b.fill("follow-up-due", "2020-01-01").await;
    b.click("save-contact").await;
    b.wait(
        "document.querySelector('.error-summary a[href=\"#follow-up-due\"]') !== null",
        "a follow-up in the past refused",
    )
    .await;
    b.fill("follow-up-due", "2099-06-01").await;
    b.click("save-contact").await;
    b.wait(&shows("contacts", "Norr"), "the first contact on Today")
        .await;

    // The second: five taps, everything else by default. The form's time is now, in 24-hour
    // Swedish form whatever the browser's locale.
    let mut taps = 0;
    b.click("new-contact").await;
    taps += 1;
    b.wait(
        "/^\\d{2}:\\d{2}$/.test(document.getElementById('occurred-time').value)",
        "the time as HH:MM",
    )
    .await;
    b.wait(
        "/^\\d{4}-\\d{2}-\\d{2}$/.test(document.getElementById('occurred-date').value)",
        "the date as YYYY-MM-DD",
    )
    .await;
    b.wait(
        "document.getElementById('area').value === 'Norr'",
        "the last area remembered",
    )
    .await;
    b.choose("kind", "phone").await;
    taps += 2;
    b.click(&format!("person-{id}")).await;
    taps += 1;
    b.click("save-contact").await;
    taps += 1;
    b.wait(
        "document.querySelectorAll('#contacts .card').length === 2",
        "the second contact",
    )
    .await;
    assert!(taps <= 5, "{taps} taps");
    assert_eq!(phone.path().await, "/");

    // A follow-up planned from the contact form appears on the person page, assigned to me.
    b.click("new-contact").await;
    b.choose("kind", "home").await;
    b.click(&format!("person-{id}")).await;
    let due = "2099-12-31";
    b.fill("follow-up-due", due).await;
    b.click("save-contact").await;
    b.wait(
        "document.querySelectorAll('#contacts .card').length === 3",
        "the third contact",
    )
    .await;
    phone.open(&person).await;
    b.wait(&shows("person-follow-ups", due), "the planned follow-up")
        .await;
    b.wait(
        &shows("person-follow-ups", "admin"),
        "assigned to the worker",
    )
    .await;
    b.wait(
        "document.querySelectorAll('#person-contacts .card').length === 3",
        "the timeline",
    )
    .await;

    // Back from the contact form returns to Today, inside the app.
    phone.open("/").await;
    b.click("new-contact").await;
    b.wait(
        "document.getElementById('save-contact') !== null",
        "the form",
    )
    .await;
    b.driver().back().await.unwrap();
    b.wait(
        "document.getElementById('new-contact') !== null",
        "Today again after Back",
    )
    .await;
    assert_eq!(phone.path().await, "/");

    // A reload on a person's page locks the app; unlocking opens that page again.
    phone.open(&person).await;
    b.wait(
        "document.getElementById('person-alias') !== null",
        "the person page",
    )
    .await;
    b.reload().await;
    phone.unlock().await;
    b.wait(
        &shows("person-alias", "Mo"),
        "the same page after unlocking",
    )
    .await;
    assert_eq!(phone.path().await, person);
    // An unknown address says so, with a way back.
    phone
        .open("/persons/00000000-0000-0000-0000-000000000000")
        .await;
    b.wait(
        "document.body.innerText.includes('Sidan finns inte')",
        "not found",
    )
    .await;
    phone.quit().await;
}

/// A support offer from offered to completed, each step dated; steps out of order, dates
/// before the last step and an early end without a reason are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_support_offer_goes_through_its_lifecycle() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("en").await;
    let b = &phone.browser;
    let person = phone.new_person("Sam", "2005", "Söder").await;
    b.click("new-offer").await;
    b.click("save-offer").await;
    b.wait(
        "document.querySelector('.error-summary a[href=\"#category\"]') !== null",
        "the category missing",
    )
    .await;
    b.choose("category", "housing").await;
    b.fill("provider", "Bostadsbolaget").await;
    b.fill("offered-on", "2026-11-01").await;
    b.click("save-offer").await;
    b.wait(
        &shows("person-offers", "Housing · Offered"),
        "the offer on the person page",
    )
    .await;
    b.assert_accessible("the person page with an open offer")
        .await;

    b.click_css("#person-offers a.card").await;
    b.wait(
        "document.getElementById('save-step') !== null",
        "the offer's page",
    )
    .await;
    b.assert_accessible("the offer page").await;
    let step = |to: &'static str, date: &'static str, reason: &'static str| async move {
        b.driver()
            .execute(
                "const s = document.getElementById('status'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));
                 for (const [id, v] of [['step-date', arguments[1]], ['reason', arguments[2]]]) {
                   const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input'));
                 }
                 return true;",
                vec![serde_json::json!(to), serde_json::json!(date), serde_json::json!(reason)],
            )
            .await
            .unwrap();
        b.click("save-step").await;
    };
    // Before the offer was made: refused.
    step("accepted", "2026-10-01", "").await;
    b.wait(
        "document.body.innerText.includes('cannot be before the previous step')",
        "a date before the offer",
    )
    .await;
    step("accepted", "2026-11-05", "").await;
    b.wait(&shows("offer", "Housing · Accepted"), "accepted")
        .await;
    // Declining is not a step from accepted: it is not offered, and refused if sent anyway.
    step("declined", "2026-11-06", "").await;
    b.wait(
        "document.body.innerText.includes('not possible from the current status')",
        "an illegal step",
    )
    .await;
    // Dropping out needs a reason.
    step("dropped-out", "2026-11-06", "").await;
    b.wait(
        "document.querySelector('.error-summary a[href=\"#reason\"]') !== null",
        "the reason missing",
    )
    .await;
    step("started", "2026-11-10", "").await;
    b.wait(&shows("offer", "Housing · Started"), "started")
        .await;
    step("completed", "2026-11-30", "").await;
    b.wait(&shows("offer", "Housing · Completed"), "completed")
        .await;
    b.wait(&shows("offer", "Accepted 2026-11-05"), "each step dated")
        .await;
    b.wait(
        "document.getElementById('save-step') === null",
        "no step after the end",
    )
    .await;
    phone.open(&person).await;
    b.wait(
        &shows("person-offers", "Housing · Completed"),
        "on the person page",
    )
    .await;
    assert_eq!(phone.path().await, person);
    phone.quit().await;
}

/// Follow-ups: one is done, another missed, and an overdue one shows first on Today.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_are_done_or_missed_and_due_ones_show_on_today() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("en").await;
    let b = &phone.browser;
    let person = phone.new_person("Lo", "2004", "Väst").await;
    for due in ["2099-01-01", "2099-02-01"] {
        phone.open(&format!("{person}/follow-ups/new")).await;
        b.fill("due", due).await;
        b.click("save-follow-up").await;
        b.wait(&shows("person-follow-ups", due), "the follow-up")
            .await;
    }
    b.click_css(".mark-done").await;
    b.wait(
        "document.querySelectorAll('.mark-done').length === 1 && [...document.querySelectorAll('#person-follow-ups .badge')].some(p => p.textContent === 'Done')",
        "one done",
    )
    .await;
    b.click_css(".mark-missed").await;
    b.wait(
        "document.querySelectorAll('.mark-done').length === 0 && [...document.querySelectorAll('#person-follow-ups .badge')].some(p => p.textContent === 'Missed')",
        "one missed",
    )
    .await;
    // Due today: on Today, with the person.
    phone.open(&format!("{person}/follow-ups/new")).await;
    b.driver()
        .execute("const d = document.getElementById('due'); const t = new Date(); d.value = t.getFullYear() + '-' + String(t.getMonth() + 1).padStart(2, '0') + '-' + String(t.getDate()).padStart(2, '0'); d.dispatchEvent(new Event('input')); return true;", vec![])
        .await
        .unwrap();
    b.click("save-follow-up").await;
    b.wait(&shows("person-follow-ups", "Planned"), "planned for today")
        .await;
    phone.open("/").await;
    b.wait(&shows("due-follow-ups", "Lo"), "due today, on Today")
        .await;
    b.assert_accessible("Today with a follow-up due").await;
    phone.quit().await;
}

/// Groups: made, joined from the person form, and the group page lists the members.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_lists_the_persons_who_belong_to_it() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("sv").await;
    let b = &phone.browser;
    phone.open("/groups").await;
    b.click("new-group").await;
    b.click("save-group").await;
    b.wait(
        "document.querySelector('.error-summary a[href=\"#alias\"]') !== null",
        "the name missing",
    )
    .await;
    b.fill("alias", "Norra gänget").await;
    b.fill("area", "Norr").await;
    b.click("save-group").await;
    b.wait(&shows("group-alias", "Norra gänget"), "the group page")
        .await;
    let person = phone.new_person("Ali", "2007", "Norr").await;
    phone.open(&format!("{person}/edit")).await;
    b.wait(
        "document.querySelector(\"input[id^='group-']\") !== null",
        "the group to join",
    )
    .await;
    b.click_css("input[id^='group-']").await;
    b.click("save-person").await;
    b.wait(&shows("person-alias", "Ali"), "saved").await;
    phone.open("/groups").await;
    b.click_css("#groups a.card").await;
    b.wait(
        &shows("group-members", "Ali"),
        "the member on the group page",
    )
    .await;
    b.assert_accessible("the group page").await;
    // Searching persons by the group's name finds the member.
    phone.open("/persons").await;
    b.fill("person-search", "norra").await;
    b.wait(&shows("persons", "Ali"), "found by group").await;
    phone.quit().await;
}

/// A draft survives a reload (and the lock it brings), and every text typed into any record or
/// draft is on the phone's disk and the server's only as ciphertext: the profile (IndexedDB,
/// LevelDB blocks decoded), the server's database, its WAL and its log are scanned for each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_survive_a_reload_and_no_field_is_readable_at_rest() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("sv").await;
    let b = &phone.browser;
    let unique = format!("{:x}", std::process::id() as u64 * 7919 + 13);
    let marker = |field: &str| format!("M{field}{unique}");
    let (alias, area, note) = (marker("alias"), marker("area"), marker("note"));
    let person = phone.new_person(&alias, "2007", &area).await;
    phone.open(&format!("{person}/edit")).await;
    b.fill("note", &note).await;
    b.click("save-person").await;
    b.wait(&shows("person-alias", &alias), "saved").await;
    // A contact with every text field filled in.
    let (workers, contact_note, contact_area) =
        (marker("workers"), marker("cnote"), marker("carea"));
    phone.open("/contacts/new").await;
    b.choose("kind", "home").await;
    b.fill("area", &contact_area).await;
    b.fill("workers", &workers).await;
    b.fill("note", &contact_note).await;
    b.click("save-contact").await;
    b.wait(&shows("contacts", &contact_area), "the contact")
        .await;
    // An offer with a provider, ended early with a reason.
    let (provider, reason) = (marker("provider"), marker("reason"));
    phone.open(&format!("{person}/offers/new")).await;
    b.choose("category", "work").await;
    b.fill("provider", &provider).await;
    b.click("save-offer").await;
    b.wait(&shows("person-offers", &provider), "the offer")
        .await;
    b.click_css("#person-offers a.card").await;
    b.wait(
        "document.getElementById('save-step') !== null",
        "the offer page",
    )
    .await;
    b.choose("status", "declined").await;
    b.fill("reason", &reason).await;
    b.click("save-step").await;
    b.wait(&shows("offer", &reason), "declined with its reason")
        .await;
    // A group.
    let group = marker("group");
    phone.open("/groups/new").await;
    b.fill("alias", &group).await;
    b.click("save-group").await;
    b.wait(&shows("group-alias", &group), "the group").await;

    // A draft: typed, not saved, then the page reloads.
    let draft = marker("draft");
    phone.open("/contacts/new").await;
    b.fill("note", &draft).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    b.reload().await;
    phone.unlock().await;
    b.wait(
        &format!("document.getElementById('note')?.value === {draft:?}"),
        "the draft restored after reload and unlock",
    )
    .await;
    assert_eq!(phone.path().await, "/contacts/new");
    b.wait(
        "document.getElementById('sync-state')?.dataset.waiting === '0'",
        "everything sent",
    )
    .await;

    let markers = [
        &alias,
        &area,
        &note,
        &workers,
        &contact_note,
        &contact_area,
        &provider,
        &reason,
        &group,
        &draft,
    ];
    let texts: Vec<&str> = markers.iter().map(|m| m.as_str()).collect();
    // The server's files while it runs (the WAL holds the newest writes).
    for file in phone.server.files() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for m in &texts {
            assert!(
                !support::contains_text(&bytes, m),
                "{m} is in {}",
                file.display()
            );
        }
    }
    // A control the page stores in the clear: the scan must find it, or it proves nothing.
    let control = marker("control");
    b.driver()
        .execute(
            "localStorage.setItem('control', arguments[0]); return true;",
            vec![serde_json::json!(control)],
        )
        .await
        .unwrap();
    let server_files = phone.server.files();
    let profile = phone.work.path().join("profile");
    let support::Phone {
        browser,
        work,
        server,
        chromedriver,
        ..
    } = phone;
    // Chromium writes its profile out as it quits.
    browser.quit().await;
    let mut with_control = texts.clone();
    with_control.push(&control);
    let on_phone = support::scan_dir(&profile, &with_control);
    assert_eq!(
        on_phone,
        std::slice::from_ref(&control),
        "readable on the phone's disk"
    );
    assert!(
        server_files
            .iter()
            .any(|f| support::contains_text(&std::fs::read(f).unwrap_or_default(), "admin")),
        "the scan reads the real database (or its WAL)"
    );
    drop((server, chromedriver, work));
}

/// Two phones of the team edit the same field of a person without signal. Neither edit is
/// lost: both show the conflict with both values, a worker picks one, and both phones then
/// agree on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_made_on_two_phones_is_shown_and_resolved() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut a = Phone::on_today("sv").await;
    let port = a.server.port;
    // The second phone: same team, approved on the first after comparing codes.
    let b = support::Browser::open(&a.chromedriver, &a.work.path().join("profile-b"), "sv").await;
    b.goto(&a.url).await;
    b.sign_in("admin", support::PHONE_PASSWORD).await;
    b.choose_passphrase("the second phone's passphrase").await;
    b.wait(
        "(document.getElementById('fingerprint')||{}).textContent?.length === 19",
        "waiting",
    )
    .await;
    b.click("codes-match").await;
    a.open("/more").await;
    // The second phone shows its code before its enrolment reaches the server: ask again
    // until the list has it, as a coordinator would.
    let asked = std::time::Instant::now();
    loop {
        a.browser.check_devices_again().await;
        let listed = a
            .browser
            .driver()
            .execute(
                "return document.querySelector('#devices .approve') !== null",
                vec![],
            )
            .await
            .unwrap();
        if listed.json() == &serde_json::Value::Bool(true) {
            break;
        }
        assert!(
            asked.elapsed().as_secs() < 30,
            "the pending phone never listed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    a.browser.click_css("#devices .approve").await;
    b.wait(
        "document.getElementById('new-contact') !== null",
        "the second phone approved",
    )
    .await;

    let person = a.new_person("Konflikt K", "2006", "Norr").await;
    a.browser.sync_now().await;
    b.sync_now().await;
    b.goto_in_app(&person).await;
    b.wait(
        &shows("person-alias", "Konflikt K"),
        "the person on the second phone",
    )
    .await;

    // No signal: both change the area.
    a.server.stop();
    for (browser, area) in [(&a.browser, "Söder"), (&b, "Väst")] {
        browser.goto_in_app(&format!("{person}/edit")).await;
        browser
            .wait(
                "document.getElementById('area')?.value === 'Norr'",
                "the edit form",
            )
            .await;
        browser.fill("area", area).await;
        browser.click("save-person").await;
        browser
            .wait(
                "document.getElementById('person-alias') !== null",
                "saved offline",
            )
            .await;
    }
    // Signal again: both sync, each learns of the other's edit.
    a.server = support::Server::start(a.work.path(), Some(port), support::PHONE_PASSWORD).await;
    a.browser.sync_now().await;
    b.sync_now().await;
    a.browser.sync_now().await;
    for browser in [&a.browser, &b] {
        browser.goto_in_app(&person).await;
        browser
            .wait(
                "document.getElementById('pick-3-0') !== null && document.getElementById('pick-3-1') !== null",
                "the conflict with both values",
            )
            .await;
        browser
            .wait(
                "document.body.innerText.includes('Söder') && document.body.innerText.includes('Väst')",
                "both values offered",
            )
            .await;
    }
    a.browser
        .assert_accessible("a person page with a conflict")
        .await;
    // The first phone picks the second phone's value.
    a.browser
        .driver()
        .execute(
            "[...document.querySelectorAll('button[id^=pick-3-]')].find(b => b.textContent.includes('Väst')).click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    a.browser
        .wait(
            "document.getElementById('pick-3-0') === null",
            "the conflict resolved here",
        )
        .await;
    a.browser.sync_now().await;
    b.sync_now().await;
    b.goto_in_app(&person).await;
    b.wait("document.getElementById('person-alias') !== null && document.getElementById('pick-3-0') === null", "resolved there too").await;
    b.wait(
        "document.querySelector('dl.facts').textContent.includes('Väst')",
        "the chosen value",
    )
    .await;
    b.quit().await;
    a.quit().await;
}
