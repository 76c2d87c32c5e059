//! End to end, accessibility across the app in real Chromium against the real server: every
//! screen, filled with a record of every kind, under axe-core's WCAG 2.1 AA checks in both
//! languages and colour schemes and at 320 px, and the daily flows by keyboard alone. Apart
//! from `e2e_records.rs` so that `scripts/test.sh` runs the two side by side. Same
//! prerequisites as `e2e.rs`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{shows, Phone, ONE_BROWSER_AT_A_TIME};

/// With no signal, a record of every kind is made on the phone; they wait in the outbox and
/// reach the server when it is back. Then every screen, filled with those records, passes axe
/// in Swedish and English, each in the light and the dark colour scheme, and at 320 px wide
/// neither scrolls sideways nor has a control smaller than 44 × 44 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_is_made_offline_and_every_screen_passes_axe_in_both_languages_and_schemes() {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut phone = Phone::on_today("sv").await;
    let port = phone.server.port;
    phone.server.stop();
    let b = &phone.browser;

    phone.open("/groups/new").await;
    b.fill("alias", "Östra gänget").await;
    b.fill("area", "Öster").await;
    b.click("save-group").await;
    b.wait(&shows("group-alias", "Östra gänget"), "the group, offline")
        .await;
    let group = phone.path().await;
    let person = phone.new_person("Noor", "2006", "Öster").await;
    phone.open(&format!("{person}/offers/new")).await;
    b.choose("category", "work").await;
    b.fill("offered-on", "2026-11-02").await;
    b.click("save-offer").await;
    b.wait(&shows("person-offers", "Arbete"), "the offer, offline")
        .await;
    phone.open(&format!("{person}/follow-ups/new")).await;
    b.fill("due", "2099-03-01").await;
    b.click("save-follow-up").await;
    b.wait(
        &shows("person-follow-ups", "2099-03-01"),
        "the follow-up, offline",
    )
    .await;
    phone.open("/contacts/new").await;
    b.fill("area", "Öster").await;
    b.choose("kind", "home").await;
    b.fill("note", "Hembesök, offline").await;
    b.click("save-contact").await;
    b.wait(
        &shows("contacts", "Hembesök, offline"),
        "the contact, offline",
    )
    .await;
    assert_eq!(
        phone.waiting().await,
        "6",
        "one change per record, and the new person's key before it, queued"
    );

    // Signal again: all five reach the server.
    phone.server =
        support::Server::start(phone.work.path(), Some(port), support::PHONE_PASSWORD).await;
    b.sync_now().await;
    assert_eq!(phone.waiting().await, "0", "the outbox is empty");

    let href = |css: &'static str| async move {
        b.wait(&format!("document.querySelector('{css}') !== null"), css)
            .await;
        b.driver()
            .execute(
                "return document.querySelector(arguments[0]).getAttribute('href')",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap()
            .json()
            .as_str()
            .unwrap()
            .to_string()
    };
    phone.open("/").await;
    let contact = href("#contacts a.card").await;
    phone.open(&person).await;
    let offer = href("#person-offers a.card").await;
    let screens: Vec<(String, &str)> = vec![
        ("/".into(), "#new-contact"),
        ("/contacts/new".into(), "#save-contact"),
        (contact, "#save-contact"),
        ("/persons".into(), "#persons"),
        ("/persons/new".into(), "#save-person"),
        (person.clone(), "#person-alias"),
        (format!("{person}/edit"), "#save-person"),
        (format!("{person}/offers/new"), "#save-offer"),
        (offer, "#save-step"),
        (format!("{person}/follow-ups/new"), "#save-follow-up"),
        ("/groups".into(), "#groups"),
        ("/groups/new".into(), "#save-group"),
        (group.clone(), "#group-alias"),
        (format!("{group}/edit"), "#save-group"),
        ("/more".into(), "#sync-now"),
        ("/caseload".into(), "#case-workers"),
        ("/caseload/quiet/30".into(), "#case-line"),
        ("/dashboard".into(), "figure.chart"),
        ("/report/2026-01-01/2026-01-31".into(), "table.figures"),
        ("/no-such-screen".into(), "a#not-found[href='/']"),
    ];
    for lang in ["sv", "en"] {
        if lang == "en" {
            phone.open("/more").await;
            b.click_css("button[lang='en']").await;
            b.wait("document.documentElement.lang === 'en'", "English")
                .await;
        }
        for (path, ready) in &screens {
            phone.open(path).await;
            b.wait(&format!("document.querySelector({ready:?}) !== null"), path)
                .await;
            b.assert_accessible_in_both_schemes(&format!("{path} in {lang}"))
                .await;
            b.assert_reflows_with_large_targets(&format!("{path} in {lang}"))
                .await;
        }
    }
    // The lock screen, in both languages.
    b.click_css("header .icon-button").await;
    for lang in ["en", "sv"] {
        b.click_css(&format!("button[lang='{lang}']")).await;
        b.wait(
            &format!("document.documentElement.lang === '{lang}' && document.getElementById('passphrase') !== null"),
            "the unlock screen",
        )
        .await;
        b.assert_accessible_in_both_schemes(&format!("the unlock screen in {lang}"))
            .await;
    }
    phone.quit().await;
}

/// The daily flows by keyboard alone (Tab, typing, Enter, Space; no pointer): a person made, an
/// offer made and taken a step, a follow-up planned and marked done, and a contact with the
/// person logged from Today. Every control reached shows where the focus is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_flows_work_by_keyboard_alone_with_the_focus_always_visible() {
    use thirtyfour::Key;
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let phone = Phone::on_today("en").await;
    let b = &phone.browser;
    async fn press(b: &support::Browser, css: &str, key: Key) {
        b.tab_to(css).await;
        b.keys(key).await;
    }
    async fn type_into(b: &support::Browser, css: &str, text: &str) {
        b.tab_to(css).await;
        b.keys(text).await;
    }

    // A person, from the bottom navigation.
    press(b, "nav a[href='/persons']", Key::Enter).await;
    press(b, "#new-person", Key::Enter).await;
    type_into(b, "#alias", "Kim").await;
    type_into(b, "#birth-year", "2008").await;
    type_into(b, "#area", "Väst").await;
    press(b, "#save-person", Key::Enter).await;
    b.wait(&shows("person-alias", "Kim"), "the person, by keyboard")
        .await;
    let person = phone.path().await;
    let id = person.trim_start_matches("/persons/").to_string();

    // An offer, then its next step.
    press(b, "#new-offer", Key::Enter).await;
    type_into(b, "#category", "Hous").await;
    press(b, "#save-offer", Key::Enter).await;
    b.wait(&shows("person-offers", "Housing · Offered"), "the offer")
        .await;
    press(b, "#person-offers a.card", Key::Enter).await;
    press(b, "#save-step", Key::Enter).await;
    b.wait(
        "document.querySelector('main').textContent.includes('Accepted')",
        "the offer accepted",
    )
    .await;

    // A follow-up, saved with Enter in its field, then marked done.
    phone.open(&person).await;
    press(b, "#new-follow-up", Key::Enter).await;
    b.tab_to("#due").await;
    b.driver()
        .execute(
            "document.getElementById('due').select(); return true;",
            vec![],
        )
        .await
        .unwrap();
    b.keys("2099-05-01").await;
    b.keys(Key::Enter).await;
    b.wait(&shows("person-follow-ups", "2099-05-01"), "the follow-up")
        .await;
    press(b, ".mark-done", Key::Enter).await;
    b.wait(
        "[...document.querySelectorAll('#person-follow-ups .badge')].some(p => p.textContent === 'Done')",
        "marked done",
    )
    .await;

    // A contact with Kim, from Today.
    phone.open("/").await;
    press(b, "#new-contact", Key::Enter).await;
    type_into(b, "#kind", "Phone").await;
    type_into(b, "#area", "Väst").await;
    type_into(b, "#person-search", "kim").await;
    press(b, &format!("#person-{id}"), Key::Space).await;
    press(b, "#save-contact", Key::Enter).await;
    b.wait(&shows("contacts", "Phone"), "the contact on Today")
        .await;
    assert_eq!(phone.path().await, "/");
    phone.open(&person).await;
    b.wait(&shows("person-contacts", "Phone"), "the contact with Kim")
        .await;
    phone.quit().await;
}
