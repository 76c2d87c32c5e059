//! README screenshots (`cargo run --example screenshots`, after `trunk build` and
//! `cargo build -p faltlogg-server`): a phone-sized window (412 × 915 CSS px), Swedish, the
//! light scheme and one dark, with a synthetic team seeded through the real API
//! (`tests/support/seed.rs`) and received by the phone's own sync. Writes docs/screenshots/.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use faltlogg_core::record::date::Date;
    use support::seed::{synthetic, Counts};
    use support::{Browser, Chromedriver, Device, Server};

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let chromedriver = Chromedriver::start().await;
    for (scheme, flags) in [
        ("light", vec![]),
        ("dark", vec!["--blink-settings=preferredColorScheme=0"]),
    ] {
        // A team of its own for each: a seeding device makes the key and sends the records.
        let work = tempfile::tempdir().unwrap();
        let server = Server::start(work.path(), None, "screenshot-password").await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        let mut seeder = Device::enrol(&url, "admin", "screenshot-password").await;
        assert!(seeder.hold_team_key().await);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        seeder
            .push_changes(synthetic(
                Counts::about(400),
                now,
                Date::from_unix_ms(now, 60),
                7,
            ))
            .await;
        let browser =
            Browser::open_with(&chromedriver, &work.path().join(scheme), "sv", &flags).await;
        browser.phone_screen(412, 915, 1.0).await;
        browser.goto(&url).await;
        if scheme == "light" {
            browser.screenshot(&out.join("sign-in.png")).await;
        }
        browser.sign_in("admin", "screenshot-password").await;
        browser.choose_passphrase("en bra lösenfras").await;
        browser
            .wait("document.getElementById('fingerprint') !== null", "waiting")
            .await;
        browser.click("codes-match").await;
        // The phone shows its code before its enrolment reaches the server: ask until it has.
        while seeder.approve_pending().await == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        browser
            .wait_long(
                "document.querySelector('#contacts .card') !== null && Number(document.getElementById('sync-state').dataset.syncs) >= 1",
                "the team's records",
                120,
            )
            .await;
        browser
            .screenshot(&out.join(format!("today-{scheme}.png")))
            .await;
        if scheme == "light" {
            browser.goto_in_app("/persons").await;
            browser
                .wait(
                    "document.querySelector('#persons .card') !== null",
                    "persons",
                )
                .await;
            browser.screenshot(&out.join("persons.png")).await;
            browser.click_css("#persons a.card").await;
            browser
                .wait(
                    "document.getElementById('person-alias') !== null",
                    "a person",
                )
                .await;
            browser.screenshot(&out.join("person.png")).await;
            browser.goto_in_app("/contacts/new").await;
            browser
                .wait("document.getElementById('note') !== null", "the form")
                .await;
            browser.screenshot(&out.join("new-contact.png")).await;
            // WCAG reflow: the narrowest phones, and 200 % zoom on a 640 px one, are 320 CSS px.
            browser.phone_screen(320, 640, 2.0).await;
            browser.screenshot(&out.join("new-contact-320.png")).await;
            browser.goto_in_app("/").await;
            browser.screenshot(&out.join("today-320.png")).await;
        }
        browser.quit().await;
        drop(server);
    }
    println!("screenshots written to {}", out.display());
}
