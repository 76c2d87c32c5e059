//! End to end, the partnership report: a coordinator's phone counts a seeded month from the
//! records it holds, shows small counts as "<5" and hides the totals that would give them
//! away, refuses a period that ends before it starts or has not begun, passes axe, prints
//! the figures alone, and downloads them as CSV that Swedish Excel opens (read back here); and
//! the team's records themselves as CSV from More, behind a warning.
//! Real Chromium against the real server, as in `e2e.rs` (same prerequisites).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use faltlogg_core::fold::create;
use faltlogg_core::record::contact::{Contact, ContactKind, Message};
use faltlogg_core::record::date::Date;
use faltlogg_core::record::person::Person;
use faltlogg_core::report::csv;
use support::Server;
use uuid::Uuid;

const PASSWORD: &str = "report-admin-password";
const PASSPHRASE: &str = "a passphrase for the report";

fn person(n: u128) -> Person {
    Person {
        id: Uuid::from_u128(0x100 + n),
        alias: format!("Person {n}"),
        birth_year: None,
        area: String::new(),
        groups: Vec::new(),
        consent: Default::default(),
        risk: false,
        note: String::new(),
    }
}

/// A contact at noon UTC on `day` of October 2026 (the report's month) or, with a negative
/// day, of September.
fn contact(n: u128, day: i32, kind: ContactKind, message: Message, persons: &[u128]) -> Contact {
    let date = Date::from_ymd(2026, 10, 1).unwrap().add_days(day - 1);
    Contact {
        persons: persons
            .iter()
            .map(|&p| Uuid::from_u128(0x100 + p))
            .collect(),
        message,
        ..Contact::simple(
            Uuid::from_u128(0x1000 + n),
            i64::from(date.0) * 86_400_000 + 43_200_000,
            "Väst",
            kind,
            "",
        )
    }
}

/// The text of the cell in the row headed `row` of the table captioned `caption`.
fn cell(caption: &str, row: &str) -> String {
    format!(
        "(() => {{ const t = [...document.querySelectorAll('table.figures')]
             .find(t => t.caption.textContent === '{caption}');
           const r = t && [...t.rows].find(r => r.cells[0].textContent === '{row}');
           return r ? r.cells[r.cells.length - 1].textContent : null; }})()"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reports_a_month_with_small_counts_hidden_prints_it_and_downloads_csv() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let mut server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    let mut first = support::Device::enrol(&url, "admin", PASSWORD).await;
    assert!(first.hold_team_key().await, "a fresh team");
    // October 2026: six custom notifications delivered (to six persons), two that found
    // nobody, seven street encounters, one call-in with five persons; and in September three
    // street encounters, outside the month.
    let mut changes: Vec<_> = (1..=7).map(|n| create(&person(n))).collect();
    let mut n = 0;
    let mut add = |day, kind, message, persons: &[u128]| {
        n += 1;
        create(&contact(n, day, kind, message, persons))
    };
    use ContactKind::*;
    for p in 1..=6 {
        changes.push(add(p as i32, CustomNotification, Message::Delivered, &[p]));
    }
    for day in [10, 11] {
        changes.push(add(day, CustomNotification, Message::Attempted, &[7]));
    }
    for day in 12..=18 {
        changes.push(add(day, StreetEncounter, Message::NotDelivered, &[1]));
    }
    changes.push(add(20, CallIn, Message::Delivered, &[1, 2, 3, 4, 5]));
    for day in [-1, -2, -3] {
        changes.push(add(day, StreetEncounter, Message::NotDelivered, &[2]));
    }
    first.push_changes(changes).await;

    let phone = support::approved_phone(
        &chromedriver,
        &work.path().join("c"),
        &url,
        ("admin", PASSWORD, "sv"),
        PASSPHRASE,
        &first,
    )
    .await;
    phone.goto_in_app("/more").await;
    phone.click("report-link").await;

    // Bad input: a period that ends before it starts, and one that has not begun.
    phone.fill("report-from", "2026-10-31").await;
    phone.fill("report-to", "2026-10-01").await;
    phone.submit_form().await;
    phone
        .wait(
            "document.body.innerText.includes('Perioden slutar innan den börjar.')",
            "the empty period refused, in Swedish",
        )
        .await;
    phone.fill("report-from", "2099-01-01").await;
    phone.fill("report-to", "2099-01-31").await;
    phone.submit_form().await;
    phone
        .wait(
            "document.body.innerText.includes('Perioden har inte börjat än.')",
            "the future period refused",
        )
        .await;
    assert_eq!(
        phone.driver().current_url().await.unwrap().path(),
        "/report",
        "a refused period shows no report"
    );

    phone.fill("report-from", "2026-10-01").await;
    phone.fill("report-to", "2026-10-31").await;
    phone.submit_form().await;
    phone
        .wait(
            &format!("{} === '7'", cell("Kontakter efter typ", "Möte på gatan")),
            "the street encounters",
        )
        .await;
    let expect = [
        ("Kontakter efter typ", "Personligt budskap", "<5"),
        ("Kontakter efter typ", "Budskapsmöte", "<5"),
        ("Kontakter efter typ", "Totalt", "<5"),
        ("Personliga budskap", "Framförda", "6"),
        ("Personliga budskap", "Försökta, ej framförda", "<5"),
        ("Personliga budskap", "Totalt", "<5"),
        ("Personer", "Personer som fått budskapet", "6"),
        ("Personer", "Deltagare på budskapsmöten", "5"),
        ("Personer", "Personer som mötts", "7"),
    ];
    for (caption, row, value) in expect {
        let got = phone
            .driver()
            .execute(&format!("return {}", cell(caption, row)), vec![])
            .await
            .unwrap();
        assert_eq!(got.json().as_str(), Some(value), "{caption} / {row}");
    }
    phone.assert_accessible("the partnership report").await;

    // On paper: the figures alone.
    phone
        .driver()
        .cdp()
        .send_raw(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "media": "print" }),
        )
        .await
        .unwrap();
    let printed = phone
        .driver()
        .execute(
            "const shown = e => e && getComputedStyle(e).display !== 'none';
             return [shown(document.querySelector('.top-bar')), shown(document.querySelector('.bottom-nav')),
                     shown(document.querySelector('.field')), shown(document.querySelector('table.figures'))];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        printed.json(),
        &serde_json::json!([false, false, false, true]),
        "printed: bars, navigation and fields hidden, the figures shown"
    );
    phone
        .driver()
        .cdp()
        .send_raw(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "media": "" }),
        )
        .await
        .unwrap();

    // The CSV: the download link's address is caught before Chromium saves it.
    let text = downloaded(&phone, "download-csv").await;
    let rows = csv::read(&text);
    assert_eq!(
        rows[0],
        ["Kontakter efter typ", "Antal"],
        "the header, in Swedish"
    );
    assert!(rows.contains(&vec!["Möte på gatan".to_string(), "7".to_string()]));
    assert!(rows.contains(&vec![
        "Försökta, ej framförda".to_string(),
        "<5".to_string()
    ]));
    assert!(
        !text.contains("Person 1"),
        "no alias leaves the team in a report"
    );

    // The team's records, on More: the contacts as Swedish Excel opens them, one row each,
    // the heads in Swedish, the persons met by alias.
    phone.goto_in_app("/more").await;
    phone.choose("export-kind", "contacts").await;
    let text = downloaded(&phone, "export-csv").await;
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let rows = csv::read(&text);
    assert_eq!(
        rows[0][..5],
        ["Id", "Tidpunkt", "Typ av kontakt", "Område", "Personer"],
        "the heads, in Swedish"
    );
    assert_eq!(rows.len(), 1 + 19, "the head and every contact");
    let call_in = Uuid::from_u128(0x1000 + 16).to_string();
    let row = rows
        .iter()
        .find(|r| r[0] == call_in)
        .expect("the call-in's row");
    assert_eq!(
        row[1..5],
        [
            "2026-10-20 12:00",
            "Budskapsmöte",
            "Väst",
            "Person 1, Person 2, Person 3, Person 4, Person 5"
        ]
    );
    assert_eq!(row[7], "Framfört", "the message, in words");
    phone
        .assert_accessible("More with the records' export")
        .await;

    // The team's threshold, set to 10 on More: the six delivered now show as "<10".
    phone.goto_in_app("/more").await;
    phone
        .driver()
        .execute(
            "const s = document.getElementById('report-threshold');
             s.value = '10'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    phone.click("save-phone-settings").await;
    phone
        .wait(
            "document.body.innerText.includes('Sparat. Varje telefon får inställningarna')",
            "the settings saved",
        )
        .await;
    phone.goto_in_app("/report/2026-10-01/2026-10-31").await;
    phone
        .wait(
            &format!("{} === '<10'", cell("Personliga budskap", "Framförda")),
            "the team's threshold applied",
        )
        .await;
    phone.quit().await;
    server.stop();
}

/// Clicks the button `id` that downloads a file, accepting its warning, and gives the file's
/// text, caught from the download link's `data:` address before Chromium saves it.
async fn downloaded(phone: &support::Browser, id: &str) -> String {
    phone
        .driver()
        .execute(
            "window.confirm = () => true;
             window.caught = undefined;
             const click = HTMLElement.prototype.click;
             HTMLElement.prototype.click = function () {
                 window.caught = this.getAttribute('href');
                 HTMLElement.prototype.click = click;
             };",
            vec![],
        )
        .await
        .unwrap();
    phone.click(id).await;
    phone
        .wait("typeof window.caught === 'string'", "the file")
        .await;
    let href = phone
        .driver()
        .execute(
            "return decodeURIComponent(window.caught.split(',').slice(1).join(','))",
            vec![],
        )
        .await
        .unwrap();
    href.json().as_str().unwrap().to_string()
}
