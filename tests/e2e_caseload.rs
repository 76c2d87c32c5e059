//! End to end, the coordinator's workspace: the team's caseload on a coordinator's phone, a
//! worker's own on the worker's, each line folding open onto its records; the dashboard's
//! charts and tables for the coordinator only; axe on both screens. Real Chromium against the
//! real server, as in `e2e.rs` (same prerequisites).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use faltlogg_core::fold::create;
use faltlogg_core::record::contact::{Contact, ContactKind};
use faltlogg_core::record::date::Date;
use faltlogg_core::record::follow_up::{self, FollowUp};
use faltlogg_core::record::group::Group;
use faltlogg_core::record::person::{Consent, Person};
use faltlogg_core::record::support_offer::{Category, Status, SupportOffer};
use faltlogg_core::record::Coded;
use support::{Browser, Server};
use uuid::Uuid;

const PASSWORD: &str = "caseload-admin-password";
const WORKER_PASSWORD: &str = "anna's long password";
const PASSPHRASE: &str = "a passphrase for the caseload";
const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Today in UTC, and `n` days from it (the browser runs in UTC here too).
fn day(n: i32) -> Date {
    Date::from_unix_ms(now_ms(), 0).add_days(n)
}

fn person(n: u128, alias: &str, area: &str, groups: &[Uuid], consent: bool) -> Person {
    Person {
        id: Uuid::from_u128(0x100 + n),
        alias: alias.into(),
        birth_year: None,
        area: area.into(),
        groups: groups.to_vec(),
        consent: Consent {
            given: consent,
            date: consent.then(|| day(-30)),
            ..Consent::default()
        },
        risk: false,
        note: String::new(),
    }
}

fn follow_up(n: u128, person: u128, due: i32, assigned: &str) -> FollowUp {
    FollowUp {
        id: Uuid::from_u128(0x300 + n),
        person: Some(Uuid::from_u128(0x100 + person)),
        due: Some(day(due)),
        assigned: assigned.into(),
        link: None,
        status: follow_up::Status::Planned,
        outcome: String::new(),
        closed_on: None,
    }
}

/// The caseload's lines (the cards' titles), in order.
const LINES: &str = "return [...document.querySelectorAll('.card-title')].map(s => s.textContent)";

async fn lines(phone: &Browser) -> Vec<String> {
    let got = phone.driver().execute(LINES, vec![]).await.unwrap();
    serde_json::from_value(got.json().clone()).unwrap()
}

/// True once a card reads `text`.
fn shows_line(text: &str) -> String {
    format!("[...document.querySelectorAll('.card-title')].some(s => s.textContent === '{text}')")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseload_is_the_team_s_for_a_coordinator_and_a_worker_s_own_for_a_worker() {
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let mut server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    server.add_worker("anna", WORKER_PASSWORD);
    let mut first = support::Device::enrol(&url, "admin", PASSWORD).await;
    assert!(first.hold_team_key().await, "a fresh team");
    let mut anna = support::Device::enrol(&url, "anna", WORKER_PASSWORD).await;
    assert_eq!(first.approve_pending().await, 1);
    anna.collect_team_key().await;

    // The coordinator's device records Cecilia (in group Norr, area Väst, consent given), met
    // twenty days ago, with an accepted offer and a follow-up in three days for Bo; Anna's
    // records Adam (Öster) and Berit (no area), and a follow-up with Adam five days overdue.
    let norr = Group {
        id: Uuid::from_u128(0x900),
        alias: "Norr".into(),
        area: "Väst".into(),
        note: String::new(),
    };
    let mut met = Contact::simple(
        Uuid::from_u128(0x200),
        now_ms() - 20 * DAY_MS,
        "Väst",
        ContactKind::StreetEncounter,
        "",
    );
    met.persons = vec![Uuid::from_u128(0x101)];
    let offer = SupportOffer {
        id: Uuid::from_u128(0x400),
        person: Some(Uuid::from_u128(0x101)),
        category: Category::Work,
        provider: String::new(),
        status: Status::Accepted,
        offered_on: Some(day(-10)),
        accepted_on: Some(day(-8)),
        started_on: None,
        ended_on: None,
        end_reason: String::new(),
        note: String::new(),
    };
    first
        .push_changes(vec![
            create(&norr),
            create(&person(1, "Cecilia", "Väst", &[norr.id], true)),
            create(&met),
            create(&offer),
            create(&follow_up(1, 1, 3, "Bo")),
        ])
        .await;
    anna.push_changes(vec![
        create(&person(2, "Adam", "Öster", &[], false)),
        create(&person(3, "Berit", "", &[], false)),
        create(&follow_up(2, 2, -5, "anna")),
    ])
    .await;

    let coordinator = support::approved_phone(
        &chromedriver,
        &work.path().join("c"),
        &url,
        ("admin", PASSWORD, "sv"),
        PASSPHRASE,
        &first,
    )
    .await;
    coordinator.goto_in_app("/more").await;
    coordinator.click("caseload-link").await;
    // The phones are named by their users once the server has said who they are.
    coordinator
        .wait(&shows_line("anna: 2"), "Anna's persons, by her name")
        .await;
    let got = lines(&coordinator).await;
    for line in [
        "admin: 1",
        "anna: 2",
        "Utan område: 1",
        "Väst: 1",
        "Öster: 1",
        "Norr: 1",
        "Accepterad: 1",
        "anna: 1",
        "Bo: 1",
        "Ingen kontakt på minst (dagar) 30: 2",
        "Samtycke saknas: 2",
    ] {
        assert!(got.iter().any(|l| l == line), "{line} in {got:?}");
    }
    coordinator.assert_accessible("the team's caseload").await;
    // Fewer days without contact: Cecilia, met twenty days ago, is quiet too.
    coordinator.choose("quiet-days", "14").await;
    coordinator
        .wait(
            &shows_line("Ingen kontakt på minst (dagar) 14: 3"),
            "three persons quiet for fourteen days",
        )
        .await;
    // A line leads to its records, and a record to its page.
    coordinator
        .click_css("#case-workers a.card[href='/caseload/workers/1']")
        .await;
    coordinator
        .wait(
            "document.getElementById('case-line')?.textContent === 'anna: 2'",
            "Anna's line",
        )
        .await;
    let mut titles = lines(&coordinator).await;
    titles.sort();
    assert_eq!(titles, ["Adam · Öster", "Berit"]);
    coordinator
        .assert_accessible("a line of the caseload")
        .await;
    coordinator
        .click_css("#case-records a.card[href*='/persons/']")
        .await;
    coordinator
        .wait(
            "location.pathname.startsWith('/persons/')",
            "a person's page from the caseload",
        )
        .await;
    // A line's page is its own address: quiet for fourteen days, opened directly.
    coordinator.goto_in_app("/caseload/quiet/14").await;
    coordinator
        .wait(
            "document.getElementById('case-line')?.textContent === 'Ingen kontakt på minst (dagar) 14: 3'",
            "the quiet persons' page",
        )
        .await;

    // The dashboard: seven charts, each with its table; the street encounter in the whole
    // period's column; the accepted offer in the funnel.
    coordinator.goto_in_app("/more").await;
    coordinator.click("dashboard-link").await;
    coordinator
        .wait(
            "document.querySelectorAll('figure.chart').length === 7",
            "the dashboard's charts",
        )
        .await;
    let figures = coordinator
        .driver()
        .execute(
            "const table = c => [...document.querySelectorAll('table.figures')]
                 .find(t => t.caption.textContent === c);
             const row = (c, r) => [...table(c).rows].find(x => x.cells[0].textContent === r);
             const last = (c, r) => { const x = row(c, r); return x.cells[x.cells.length - 1].textContent; };
             return [table('Kontakter efter typ').rows[0].cells.length,
                     last('Kontakter efter typ', 'Möte på gatan'),
                     last('Stödinsatser efter hur långt de kommit', 'Erbjuden'),
                     last('Stödinsatser efter hur långt de kommit', 'Accepterad'),
                     last('Stödinsatser efter hur långt de kommit', 'Påbörjad'),
                     last('Mediantider i dagar', 'Median, dagar från första kontakt till erbjudande'),
                     document.querySelectorAll('figure.chart svg path').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        figures.json(),
        &serde_json::json!([14, "1", "1", "1", "0", "10", ContactKind::ALL.len() + 17]),
        "13 columns and the row heads; the counts; a bar path per series"
    );
    coordinator.assert_accessible("the dashboard").await;
    coordinator.quit().await;

    // Anna's phone: her own persons and the follow-up in her name, nothing of Bo's; no
    // dashboard.
    let worker = support::approved_phone(
        &chromedriver,
        &work.path().join("w"),
        &url,
        ("anna", WORKER_PASSWORD, "en"),
        PASSPHRASE,
        &first,
    )
    .await;
    worker.goto_in_app("/more").await;
    assert!(
        !worker
            .driver()
            .execute("return !!document.getElementById('dashboard-link')", vec![])
            .await
            .unwrap()
            .json()
            .as_bool()
            .unwrap(),
        "no dashboard for a worker"
    );
    worker.click("caseload-link").await;
    worker
        .wait(&shows_line("My persons: 2"), "Anna's own persons")
        .await;
    let got = lines(&worker).await;
    assert!(got.iter().any(|l| l == "anna: 1"), "{got:?}");
    assert!(!got.iter().any(|l| l.starts_with("Bo")), "{got:?}");
    assert!(!got.iter().any(|l| l.starts_with("admin")), "{got:?}");
    worker.assert_accessible("a worker's caseload").await;
    worker.goto_in_app("/dashboard").await;
    worker
        .wait(
            "!document.querySelector('figure.chart') && !!document.querySelector('main a[href=\"/\"]')",
            "the dashboard is not found for a worker",
        )
        .await;
    worker.quit().await;
    server.stop();
}

/// The banner of the check-in alert (a warning banner: the app has no other while all is well).
const ALERT: &str =
    "[...document.querySelectorAll('.banner.warning')].map(b => b.textContent).join('|')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_that_goes_overdue_alerts_the_coordinator_s_open_phone_and_the_next_one_opened()
{
    let work = tempfile::tempdir().unwrap();
    let chromedriver = support::Chromedriver::start().await;
    let mut server = Server::start(work.path(), None, PASSWORD).await;
    let url = format!("http://127.0.0.1:{}/", server.port);
    server.add_worker("anna", WORKER_PASSWORD);
    let mut first = support::Device::enrol(&url, "admin", PASSWORD).await;
    assert!(first.hold_team_key().await, "a fresh team");

    let (coordinator, worker) = support::two_phones(
        &chromedriver,
        work.path(),
        &url,
        &first,
        (PASSWORD, "sv"),
        ("anna", WORKER_PASSWORD, "en"),
        PASSPHRASE,
    )
    .await;
    coordinator
        .wait(
            "document.querySelector('#check-ins') === null && document.body.innerText.includes('Ingen i teamet är ute ensam')",
            "nobody out",
        )
        .await;

    // Bad ends get their reason at the field, and nothing is sent.
    let error = |text: &str| {
        format!("document.getElementById('check-in-until-error')?.textContent.includes({text:?})")
    };
    worker.fill("check-in-until", "25:00").await;
    worker.click("start-check-in").await;
    worker
        .wait(&error("Enter a time, for example 23:30."), "not a time")
        .await;
    // The browser runs in UTC, as this test does.
    let hh_mm = |ms: i64| {
        let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    worker
        .fill("check-in-until", &hh_mm(now_ms() - 30 * 60_000))
        .await;
    worker.click("start-check-in").await;
    worker
        .wait(&error("That time has passed."), "a time gone by")
        .await;

    // Anna goes out until the next full minute at least half a minute away.
    let until = (now_ms() + 90_000).div_euclid(60_000) * 60_000;
    worker.fill("check-in-until", &hh_mm(until)).await;
    worker.click("start-check-in").await;
    worker
        .wait(
            "document.body.innerText.includes('You are checked in.')",
            "checked in",
        )
        .await;
    let out_until = format!("Out until {}", hh_mm(until));
    worker
        .wait(
            &format!(
                "document.querySelector('#check-ins .card-title')?.textContent === 'anna' && document.querySelector('#check-ins').innerText.includes({out_until:?})"
            ),
            "Anna's own check-in in the team's list",
        )
        .await;
    assert!(
        now_ms() < until,
        "the check-in is still open while it is checked"
    );
    worker.assert_accessible("Today, checked in").await;

    // The coordinator's phone, open on Today, sees her out, and then, with no word from her,
    // the alert, from its own sync in the background.
    coordinator.sync_now().await;
    coordinator.goto_in_app("/").await;
    coordinator
        .wait(
            &format!(
                "document.querySelector('#check-ins')?.innerText.includes({:?})",
                format!("Ute till {}", hh_mm(until))
            ),
            "Anna out, on the coordinator's phone",
        )
        .await;
    let alert = "En kollega ute ensam har inte checkat ut i tid.";
    coordinator
        .wait_long(
            &format!("({ALERT}).includes({alert:?})"),
            "the alert on the open phone",
            150,
        )
        .await;
    coordinator
        .wait(
            "document.querySelector('#check-ins .badge')?.textContent === 'Försenad'",
            "the check-in marked overdue",
        )
        .await;
    coordinator
        .assert_accessible("Today with a check-in overdue")
        .await;
    // Anna's phone says her time has passed.
    worker
        .wait_long(
            &format!("({ALERT}).includes('Your time working alone has passed.')"),
            "the worker's own alert",
            60,
        )
        .await;

    // A coordinator's phone opened later hears of it from the server at once.
    coordinator.reload().await;
    coordinator
        .wait(
            "document.getElementById('passphrase') !== null",
            "the lock screen",
        )
        .await;
    coordinator.fill("passphrase", PASSPHRASE).await;
    coordinator.submit_form().await;
    coordinator
        .wait(
            &format!("({ALERT}).includes({alert:?})"),
            "the alert after opening the app",
        )
        .await;

    // Anna checks out: the alert goes, on both phones.
    worker.click("end-check-in").await;
    worker
        .wait(
            "document.body.innerText.includes('You are checked out.') && !document.querySelector('#check-ins')",
            "checked out",
        )
        .await;
    worker
        .wait(&format!("({ALERT}) === ''"), "no alert on Anna's phone")
        .await;
    coordinator.sync_now().await;
    coordinator
        .wait(&format!("({ALERT}) === ''"), "no alert after the check-out")
        .await;

    // Alerts while the app is closed (Web Push): headless Chromium has no push service to
    // subscribe with, so turning them on must end in words (denied, or not possible here),
    // never a hang. The pushes themselves are tested against the server (crates/server/tests).
    coordinator.click("push-on").await;
    coordinator
        .wait(
            "['Telefonen tillåter inte notiser', 'Den här webbläsaren kan inte larma', 'Larm kunde inte slås på', 'Larm är på']
                .some(t => document.body.innerText.includes(t))",
            "an answer to turning alerts on",
        )
        .await;
    coordinator
        .assert_accessible("More with alerts when the app is closed")
        .await;
    coordinator.quit().await;
    worker.quit().await;
    server.stop();
}
