//! Fills a team with realistic synthetic records through the real client code, for demos,
//! screenshots and the benchmark:
//!
//! ```text
//! cargo run --example seed -- --url http://127.0.0.1:8080/ --user admin --records 5000 --approve-for 600
//! ```
//!
//! It signs in as a device of `--user` (password from `FALTLOGG_SEED_PASSWORD`, or a prompt;
//! never on the command line). On a fresh server it is the team's first coordinator device and
//! makes the team key; otherwise it waits until a coordinator approves it (it prints its
//! code). It seals about `--records` records (persons, groups, contacts, support offers,
//! follow-ups; Swedish-style aliases, no real people) and sends them. With `--approve-for N`
//! it then approves, for N seconds, every phone of the team that signs in, so the phone
//! receives the records by its own sync. Nothing it prints names a record.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use std::time::{Duration, Instant};

    use faltlogg_core::record::date::Date;
    use support::seed::{synthetic, Counts};

    let mut url = "http://127.0.0.1:8080/".to_string();
    let mut user = "admin".to_string();
    let mut records = 1000usize;
    let mut approve_for = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--url" => url = value(),
            "--user" => user = value(),
            "--records" => {
                records = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--records takes a number"))
            }
            "--approve-for" => {
                approve_for = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--approve-for takes seconds"))
            }
            _ => usage(&format!("unknown argument {arg}")),
        }
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    let password = std::env::var("FALTLOGG_SEED_PASSWORD").unwrap_or_else(|_| {
        eprint!("Password for {user}: ");
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .expect("a password on standard input");
        line.trim_end_matches(['\r', '\n']).to_string()
    });

    let mut device = support::Device::enrol(&url, &user, &password).await;
    let waited = Instant::now();
    while !device.hold_team_key().await {
        if waited.elapsed().as_secs() == 0 {
            eprintln!(
                "Waiting for a coordinator to approve this device, code {}",
                device.pairing_code().await
            );
        }
        assert!(
            waited.elapsed() < Duration::from_secs(600),
            "not approved within 10 minutes"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let counts = Counts::about(records);
    let started = Instant::now();
    device
        .push_changes(synthetic(counts, now, Date::from_unix_ms(now, 60), 2026))
        .await;
    eprintln!(
        "Sent {} records ({} persons, {} groups, {} contacts, {} offers, {} follow-ups) in {:.1} s",
        counts.total(),
        counts.persons,
        counts.groups,
        counts.contacts,
        counts.offers,
        counts.follow_ups,
        started.elapsed().as_secs_f64()
    );
    let until = Instant::now() + Duration::from_secs(approve_for);
    while Instant::now() < until {
        let n = device.approve_pending().await;
        if n > 0 {
            eprintln!("Approved {n} device(s)");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: cargo run --example seed -- [--url URL] [--user NAME] [--records N] [--approve-for SECONDS]\n(the password comes from FALTLOGG_SEED_PASSWORD or standard input)"
    );
    std::process::exit(2)
}
