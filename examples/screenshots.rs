//! README screenshots (`cargo run --example screenshots`, after `trunk build` and
//! `cargo build -p faltlogg-server`): a phone-sized window (412 × 915 CSS px), Swedish,
//! synthetic data, the light scheme and one dark. Writes docs/screenshots/*.png.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use support::{Browser, Chromedriver, Server};
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let chromedriver = Chromedriver::start().await;
    for (scheme, flags) in [
        ("light", vec![]),
        ("dark", vec!["--blink-settings=preferredColorScheme=0"]),
    ] {
        // A team of its own for each, so each phone is the coordinator's first.
        let work = tempfile::tempdir().unwrap();
        let server = Server::start(work.path(), None, "screenshot-password").await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        let browser =
            Browser::open_with(&chromedriver, &work.path().join(scheme), "sv", &flags).await;
        browser.phone_screen(412, 915, 1.0).await;
        browser.goto(&url).await;
        if scheme == "light" {
            browser.screenshot(&out.join("sign-in.png")).await;
        }
        browser.sign_in("admin", "screenshot-password").await;
        browser.fill("passphrase", "en bra lösenfras").await;
        browser.fill("passphrase-repeat", "en bra lösenfras").await;
        browser.submit_form().await;
        let synthetic = [
            (
                "Centrum",
                "street",
                "Samtal vid torget. Intresserad av jobbstöd, ny kontakt på fredag.",
            ),
            (
                "Skälby",
                "custom-notification",
                "Budskapet framfört. Mamma närvarande.",
            ),
            ("Jakobsberg", "phone", ""),
        ];
        for (area, kind, note) in synthetic {
            browser.click("new-contact").await;
            browser.fill("area", area).await;
            browser.choose("kind", kind).await;
            browser.fill("note", note).await;
            browser.click("save-contact").await;
            browser
                .wait("document.getElementById('contacts') !== null", "the list")
                .await;
        }
        browser
            .wait(
                "document.getElementById('sync-state').dataset.waiting === '0'",
                "sync",
            )
            .await;
        browser
            .screenshot(&out.join(format!("today-{scheme}.png")))
            .await;
        if scheme == "light" {
            browser.click("new-contact").await;
            browser
                .wait("document.getElementById('note') !== null", "the form")
                .await;
            browser.screenshot(&out.join("new-contact.png")).await;
            // WCAG reflow: the narrowest phones, and 200 % zoom on a 640 px one, are 320 CSS px.
            browser.phone_screen(320, 640, 2.0).await;
            browser.screenshot(&out.join("new-contact-320.png")).await;
            browser.click_css("nav a[href='/']").await;
            browser.screenshot(&out.join("today-320.png")).await;
        }
        browser.quit().await;
        drop(server);
    }
    println!("screenshots written to {}", out.display());
}
