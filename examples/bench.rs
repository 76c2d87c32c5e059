//! The benchmark command (`scripts/bench.sh` runs it): prints one JSON object per figure,
//! `{"name", "value", "unit", "budget"}`, and writes BENCHMARKS.md.
//!
//! - `pwa_brotli_kb`: wasm + JS + CSS + the HTML shell (which carries the stylesheet) of dist/,
//!   brotli q11, KB of 1024 bytes.
//! - `lcp_cold_ms`: Largest Contentful Paint of a cold load under Lighthouse's mobile settings
//!   (Slow 4G, 4× CPU), median of 5, against the real server on loopback. The LCP element is
//!   the launch screen of index.html, painted before the wasm arrives.
//! - `interactive_cold_ms`: from the same runs, Lighthouse's Time to Interactive: when the
//!   first real screen (sign in) is rendered and answers input, so that the launch screen
//!   cannot hide a slow app. Under these settings it is almost all download, and linear in
//!   the wasm's size (Lighthouse's network records, 2026-12-01): the page ~0.6 s (one 562 ms
//!   round trip), the wasm's own round trip, the wasm at ~184 KB/s shared with the glue,
//!   manifest and icons, then ~0.1–0.25 s to start and draw. So ≈ 1.2 s + KB / 180 + 0.15 s.
//!   The CPU share moves with the host: the skeleton's build (5ca6623, the same wasm byte for
//!   byte) gave 2339 and 2408 ms on 2026-11-25 and a median of 2562 ms (2392–2680, 5 runs) on
//!   2026-12-01, beside 2688 ms for this app's build in the same hour.
//! - `cpu_benchmark_index`: Lighthouse's `benchmarkIndex` of the host during those runs,
//!   median (higher is faster). Read the cold figures of two days against it: on one VM it
//!   ranged 583–1738 within an hour.
//!
//! Lighthouse runs with `--throttling-method=devtools`: Slow 4G and the 4× CPU slowdown are
//! applied to the real load. Its default, simulation, replays the trace of an unthrottled load,
//! and on loopback the whole wasm arrives within ~50 ms of the page: the app then replaces the
//! launch screen before Chrome has reported its paint, and the simulation charges the wasm's
//! download to the LCP (the median swung between 0.8 s and 2.0 s from run to run). Applied
//! throttling keeps the order of events a phone on a slow network sees.
//! - `save_contact_ms`: from pressing save to the contact being stored in IndexedDB and shown,
//!   median of 50, in headless Chromium; `save_contact_throttled_ms` the same with the CPU
//!   slowed 4× (DevTools), median of 20.
//! - `interactive_warm_ms`: a returning worker's start on the same phone: a new page load
//!   served by the installed service worker, with Lighthouse's Slow 4G figures and the CPU
//!   slowed 4× applied through DevTools, from navigation start to the unlock screen's
//!   passphrase field in the page, median of 5.
//! - With about 50,000 records on the phone (seeded through the real API by a second device,
//!   `tests/support/seed.rs`, and received by the phone's own sync): `unlock_to_home_50k_ms`
//!   from pressing Unlock (Argon2id included) to Today drawn, median of 3;
//!   `search_50k_ms`, from a keystroke in the persons search to the list drawn, median of 8
//!   queries; `person_page_50k_ms`, from a tap on a person to the page drawn, median of 5;
//!   `report_year_50k_ms`, a year's partnership report from Show pressed to its tables drawn;
//!   `dashboard_50k_ms` and `caseload_50k_ms`, from a tap on the link on More to drawn.
//!   `FALTLOGG_BENCH_SCALE=0` skips these.
//! - The server at scale, release builds of `faltlogg-server` and `faltlogg-load` (the load
//!   generator, `crates/client`), PostgreSQL in a throwaway cluster (`scripts/postgres.sh`):
//!   `server_ingest_per_s_sqlite` and `_postgres`, envelopes stored per second as four
//!   devices of four teams push 20,000 in full batches at once (a floor: at least 20,000);
//!   `load_500_*` with 500 simulated devices in 50 teams, each pushing 200 changes in syncs of
//!   ten spread over a minute and pulling its team's, on one SQLite server, and
//!   `load_500_3pg_*` on three servers sharing one PostgreSQL: envelopes lost, push latency,
//!   the servers' peak memory. A saturation run (`--seconds 0`) is for finding limits, not a
//!   figure: 500 devices syncing back to back on two cores queue behind each other.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    bench::run().await;
}

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::support::{size, Browser, Chromedriver, Server};

    struct Figure {
        name: &'static str,
        value: f64,
        unit: &'static str,
        /// `None` for a figure reported without a budget.
        budget: Option<f64>,
        what: &'static str,
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    pub async fn run() {
        // `FALTLOGG_BENCH_ONLY=server`: the server's figures alone, printed, BENCHMARKS.md
        // left as it is (for working on the server).
        if std::env::var("FALTLOGG_BENCH_ONLY").as_deref() == Ok("server") {
            let work = tempfile::tempdir().unwrap();
            server_scale(work.path()).iter().for_each(print);
            return;
        }
        // `FALTLOGG_BENCH_ONLY=sync`: the two phones' sync of 10,000 changes alone, printed.
        if std::env::var("FALTLOGG_BENCH_ONLY").as_deref() == Ok("sync") {
            let work = tempfile::tempdir().unwrap();
            sync_10k(work.path()).await.iter().for_each(print);
            return;
        }
        let mut figures = Vec::new();
        let sizes = size::brotli_sizes(&root().join("dist"));
        report(
            &mut figures,
            Figure {
                name: "pwa_brotli_kb",
                value: (size::total_kb(&sizes) * 10.0).round() / 10.0,
                unit: "KB",
                budget: Some(260.0),
                what: "wasm + JS + CSS + HTML of dist/, brotli q11, KB = 1024 B",
            },
        );

        let work = tempfile::tempdir().unwrap();
        let mut server = Server::start(work.path(), None, "bench-password").await;
        let url = format!("http://127.0.0.1:{}/", server.port);

        let runs: Vec<(f64, f64, f64)> = (0..5)
            .map(|i| lighthouse(&url, &work.path().join(format!("lh-{i}.json"))))
            .collect();
        report(
            &mut figures,
            Figure {
                name: "lcp_cold_ms",
                value: median(runs.iter().map(|r| r.0).collect()).round(),
                unit: "ms",
                budget: Some(1500.0),
                what: "Lighthouse mobile (Slow 4G, 4x CPU, applied), cold, median of 5",
            },
        );
        report(
            &mut figures,
            Figure {
                name: "interactive_cold_ms",
                value: median(runs.iter().map(|r| r.1).collect()).round(),
                unit: "ms",
                budget: Some(2500.0),
                what: "the same runs: Time to Interactive, the sign-in screen rendered and usable",
            },
        );
        report(&mut figures, Figure {
            name: "cpu_benchmark_index",
            value: median(runs.iter().map(|r| r.2).collect()).round(),
            unit: "index",
            budget: None,
            what: "the same runs: Lighthouse's benchmarkIndex of this machine (higher is faster), for reading the cold figures of two days",
        });

        let (save, save_throttled, warm) = save_contact_ms(&url, work.path()).await;
        report(
            &mut figures,
            Figure {
                name: "save_contact_ms",
                value: (save * 10.0).round() / 10.0,
                unit: "ms",
                budget: Some(16.0),
                what:
                    "save pressed → stored in IndexedDB and shown, headless Chromium, median of 50",
            },
        );
        report(
            &mut figures,
            Figure {
                name: "save_contact_throttled_ms",
                value: (save_throttled * 10.0).round() / 10.0,
                unit: "ms",
                budget: Some(50.0),
                what: "the same with the CPU slowed 4× (DevTools), median of 20",
            },
        );
        report(&mut figures, Figure {
            name: "interactive_warm_ms",
            value: warm.round(),
            unit: "ms",
            budget: Some(600.0),
            what: "a returning worker's start from the service worker to the unlock screen usable, Slow 4G and 4x CPU (DevTools), median of 5",
        });
        server.stop();

        for f in team(work.path()).await {
            report(&mut figures, f);
        }

        // `FALTLOGG_BENCH_SCALE=0` skips the 10k and 50k figures (they take minutes).
        if std::env::var("FALTLOGG_BENCH_SCALE").as_deref() != Ok("0") {
            for f in sync_10k(work.path()).await {
                report(&mut figures, f);
            }
            for f in scale(work.path()).await {
                report(&mut figures, f);
            }
        }
        for f in server_scale(work.path()) {
            report(&mut figures, f);
        }
        write_markdown(&figures, &sizes);
    }

    /// Where a server run keeps its data: a data directory, and the database URL.
    struct Db {
        dir: PathBuf,
        url: String,
    }

    /// A fresh database: SQLite's file in a new directory, or a new database on the
    /// PostgreSQL at `postgres` (an admin URL).
    fn fresh_db(work: &Path, name: &str, postgres: Option<&str>) -> Db {
        let dir = work.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let url = match postgres {
            None => format!("sqlite:{}", dir.join("faltlogg.sqlite3").display()),
            Some(admin) => {
                let status = Command::new("psql")
                    .args([admin, "-qc", &format!("CREATE DATABASE {name}")])
                    .status()
                    .expect("psql runs");
                assert!(status.success(), "CREATE DATABASE {name}");
                let (server, _) = admin.rsplit_once('/').unwrap();
                format!("{server}/{name}")
            }
        };
        Db { dir, url }
    }

    fn server_command(db: &Db) -> Command {
        let bin = std::env::var("FALTLOGG_SERVER_BIN")
            .expect("scripts/bench.sh sets FALTLOGG_SERVER_BIN");
        let mut command = Command::new(bin);
        command
            .arg("--data-dir")
            .arg(&db.dir)
            .env("FALTLOGG_DATABASE_URL", &db.url)
            .env("FALTLOGG_LOG", "error");
        command
    }

    /// `teams` teams, each with its coordinator `load-N` (password in `password`).
    fn add_teams(db: &Db, teams: usize, password: &Path) -> Vec<String> {
        (1..=teams)
            .map(|t| {
                let account = format!("load-{t}");
                let status = server_command(db)
                    .args([
                        "admin",
                        "team",
                        "add",
                        &format!("team-{t}"),
                        "--coordinator",
                        &account,
                    ])
                    .arg("--password-file")
                    .arg(password)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success(), "admin team add");
                account
            })
            .collect()
    }

    /// A server on `db`, on a free port, with sign-in limits that let every simulated device
    /// sign in: the process and its URL.
    fn start_server(db: &Db) -> (std::process::Child, String) {
        use std::io::BufRead as _;
        let mut child = server_command(db)
            .args(["--port", "0", "--sign-in-attempts-per-account", "1000000"])
            .args(["--sign-in-attempts-per-address", "1000000"])
            .arg("--dist-dir")
            .arg(db.dir.join("none"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                l.strip_prefix("Fältlogg is running at ").map(|r| {
                    r.split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/')
                        .to_string()
                })
            })
            .expect("the server says where it listens");
        std::thread::spawn(move || lines.for_each(drop));
        (child, url)
    }

    /// Runs `faltlogg-load` and gives its figures by name.
    fn load(args: &[String]) -> std::collections::HashMap<String, f64> {
        let bin =
            std::env::var("FALTLOGG_LOAD_BIN").expect("scripts/bench.sh sets FALTLOGG_LOAD_BIN");
        let output = Command::new(bin).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "faltlogg-load: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| Some((v["name"].as_str()?.to_string(), v["value"].as_f64()?)))
            .collect()
    }

    /// One scenario: `servers` servers on a fresh database (PostgreSQL at `postgres`, or
    /// SQLite) with `teams` teams, and `faltlogg-load` with `args` against them.
    fn scenario(
        work: &Path,
        name: &str,
        postgres: Option<&str>,
        servers: usize,
        teams: usize,
        args: &[&str],
    ) -> std::collections::HashMap<String, f64> {
        let password = work.join("load-password");
        std::fs::write(&password, "load-password-123\n").unwrap();
        let db = fresh_db(work, name, postgres);
        let accounts = add_teams(&db, teams, &password);
        let mut running: Vec<_> = (0..servers).map(|_| start_server(&db)).collect();
        let urls: Vec<String> = running.iter().map(|(_, u)| u.clone()).collect();
        let mut argv: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        argv.extend(["--url".into(), urls.join(",")]);
        argv.extend(["--password-file".into(), password.display().to_string()]);
        for account in accounts {
            argv.extend(["--account".into(), account]);
        }
        for (child, _) in &running {
            argv.extend(["--server-pid".into(), child.id().to_string()]);
        }
        let figures = load(&argv);
        for (child, _) in &mut running {
            let _ = child.kill();
            let _ = child.wait();
        }
        eprintln!("server scale: {name}: {figures:?}");
        figures
    }

    /// The server at scale: ingest on each backend, and 500 simulated devices on one SQLite
    /// server and on three servers sharing one PostgreSQL (`FALTLOGG_TEST_POSTGRES`, which
    /// `scripts/bench.sh` starts).
    fn server_scale(work: &Path) -> Vec<Figure> {
        let postgres = std::env::var("FALTLOGG_TEST_POSTGRES").ok();
        let pg = postgres
            .as_deref()
            .expect("scripts/bench.sh starts a PostgreSQL");
        let ingest = ["ingest", "--devices", "4", "--envelopes", "20000"];
        let sqlite = scenario(work, "ingest_sqlite", None, 1, 4, &ingest);
        let postgresql = scenario(work, "ingest_postgres", Some(pg), 1, 4, &ingest);
        let run = [
            "load",
            "--devices",
            "500",
            "--changes",
            "200",
            "--seconds",
            "60",
        ];
        let one = scenario(work, "load_sqlite", None, 1, 50, &run);
        let three = scenario(work, "load_postgres", Some(pg), 3, 50, &run);
        let ingest_what = "envelopes stored per second: 4 devices of 4 teams push 20,000 sealed ~1 KB envelopes in full batches at once, release build";
        let f = |name, value: f64, unit, budget, what| Figure {
            name,
            value,
            unit,
            budget,
            what,
        };
        vec![
            f("server_ingest_per_s_sqlite", sqlite["ingest_per_s"], "envelopes/s", Some(20_000.0), ingest_what),
            f("server_ingest_per_s_postgres", postgresql["ingest_per_s"], "envelopes/s", Some(20_000.0), "the same on PostgreSQL 15 (a throwaway cluster on loopback)"),
            f("load_500_lost", one["load_lost"], "envelopes", Some(0.0), "500 simulated devices in 50 teams, 200 changes each pushed in syncs of ten spread over a minute, each pulling its team's; one SQLite server: acknowledged by a push and missing from a full pull after"),
            f("load_500_push_p99_ms", one["load_push_p99_ms"], "ms", Some(250.0), "the same run: a push's latency, 99th percentile"),
            f("load_500_push_p50_ms", one["load_push_p50_ms"], "ms", None, "the same run: median"),
            f("load_500_server_rss_mb", one["load_server_rss_mb"], "MB", Some(150.0), "the same run: the server's peak resident memory (VmHWM)"),
            f("load_500_3pg_lost", three["load_lost"], "envelopes", Some(0.0), "the same load on three servers sharing one PostgreSQL, each device moving between them at every sync"),
            f("load_500_3pg_push_p99_ms", three["load_push_p99_ms"], "ms", Some(250.0), "the same run: a push's latency, 99th percentile"),
            f("load_500_3pg_server_rss_mb", three["load_server_rss_mb"], "MB", None, "the same run: the largest server's peak resident memory"),
        ]
    }

    /// Prints a figure as soon as it is measured, and keeps it for BENCHMARKS.md.
    fn report(figures: &mut Vec<Figure>, f: Figure) {
        print(&f);
        figures.push(f);
    }

    fn print(f: &Figure) {
        println!(
            "{}",
            serde_json::json!({ "name": f.name, "value": f.value, "unit": f.unit, "budget": f.budget })
        );
    }

    /// One cold Lighthouse run: LCP and Time to Interactive in ms, and the host's
    /// `benchmarkIndex`.
    fn lighthouse(url: &str, out: &Path) -> (f64, f64, f64) {
        let bin = root().join("tools/bench/node_modules/.bin/lighthouse");
        let status = Command::new(&bin)
            .arg(url)
            .args([
                "--only-audits=largest-contentful-paint,interactive",
                "--throttling-method=devtools",
                "--output=json",
                "--quiet",
            ])
            .arg(format!("--output-path={}", out.display()))
            .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run")
            .env("CHROME_PATH", std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e} (scripts/bench.sh installs it)", bin.display()));
        assert!(status.success(), "lighthouse failed");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
        let figure = |audit: &str| {
            report["audits"][audit]["numericValue"]
                .as_f64()
                .unwrap_or_else(|| panic!("no {audit} figure in {}", out.display()))
        };
        let index = report["environment"]["benchmarkIndex"]
            .as_f64()
            .unwrap_or_else(|| panic!("no benchmarkIndex in {}", out.display()));
        (
            figure("largest-contentful-paint"),
            figure("interactive"),
            index,
        )
    }

    /// Saves contacts and gives the median times, without and with the CPU slowed 4×; then
    /// the warm start (see [`warm_start_ms`]) on the same phone.
    async fn save_contact_ms(url: &str, work: &Path) -> (f64, f64, f64) {
        let chromedriver = Chromedriver::start().await;
        let browser = Browser::open(&chromedriver, &work.join("profile"), "sv").await;
        browser.goto(url).await;
        browser.sign_in("admin", "bench-password").await;
        browser.fill("passphrase", "bench passphrase").await;
        browser.fill("passphrase-repeat", "bench passphrase").await;
        browser.submit_form().await;
        let mut times = Vec::new();
        let mut throttled = Vec::new();
        for i in 0..70 {
            if i == 50 {
                browser
                    .driver()
                    .cdp()
                    .send_raw(
                        "Emulation.setCPUThrottlingRate",
                        serde_json::json!({ "rate": 4 }),
                    )
                    .await
                    .unwrap();
            }
            browser.click("new-contact").await;
            browser.fill("area", "Centrum").await;
            browser.choose("kind", "street").await;
            let note = format!("bench note {i}");
            browser.fill("note", &note).await;
            let script = r#"
                const [note, done] = [arguments[0], arguments[arguments.length - 1]];
                const shown = () => (document.getElementById('contacts') || {}).textContent?.includes(note);
                const t0 = performance.now();
                const observer = new MutationObserver(() => {
                    if (shown()) { observer.disconnect(); done(performance.now() - t0); }
                });
                observer.observe(document.body, { childList: true, subtree: true, characterData: true });
                document.getElementById('save-contact').click();
            "#;
            let ms = browser
                .driver()
                .execute_async(script, vec![serde_json::json!(note)])
                .await
                .unwrap();
            let ms = ms.json().as_f64().expect("a duration");
            if i < 50 {
                times.push(ms);
            } else {
                throttled.push(ms);
            }
        }
        let warm = (0..5).map(|_| warm_start_ms(&browser, url));
        let mut warm_runs = Vec::new();
        for run in warm {
            warm_runs.push(run.await);
        }
        browser.quit().await;
        (median(times), median(throttled), median(warm_runs))
    }

    /// A returning worker opens the app: a new page load, served by the installed service
    /// worker, with Lighthouse's Slow 4G and the CPU slowed 4× (DevTools), until the unlock
    /// screen's passphrase field is in the page (Leptos binds its handlers as it renders).
    /// The time is the page's own clock, from navigation start.
    async fn warm_start_ms(browser: &Browser, url: &str) -> f64 {
        let cdp = browser.driver().cdp();
        cdp.send_raw(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": false, "latency": 562.5,
                "downloadThroughput": 1474.56 * 1024.0 / 8.0,
                "uploadThroughput": 675.0 * 1024.0 / 8.0,
            }),
        )
        .await
        .unwrap();
        cdp.send_raw(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 4 }),
        )
        .await
        .unwrap();
        let marker = r#"
            new MutationObserver((_, observer) => {
                if (document.getElementById('passphrase') && !document.getElementById('passphrase-repeat')) {
                    window.__unlockUsableAt = performance.now();
                    observer.disconnect();
                }
            }).observe(document, { childList: true, subtree: true });
        "#;
        let added = cdp
            .send_raw(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": marker }),
            )
            .await
            .unwrap();
        browser.goto(url).await;
        browser
            .wait(
                "window.__unlockUsableAt > 0",
                "the unlock screen after a warm start",
            )
            .await;
        let at = browser
            .driver()
            .execute("return window.__unlockUsableAt", vec![])
            .await
            .unwrap();
        cdp.send_raw("Page.removeScriptToEvaluateOnNewDocument", added)
            .await
            .unwrap();
        cdp.send_raw(
            "Network.emulateNetworkConditions",
            serde_json::json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
        )
        .await
        .unwrap();
        at.json().as_f64().expect("a time")
    }

    /// Runs `script` (which starts the work and calls `done(ms)`) and gives the milliseconds.
    async fn timed(browser: &Browser, script: &str, args: Vec<serde_json::Value>) -> f64 {
        let ms = browser.driver().execute_async(script, args).await.unwrap();
        ms.json()
            .as_f64()
            .unwrap_or_else(|| panic!("no duration: {:?}", ms.json()))
    }

    /// Starts an observer that calls `done(ms since now)` once `ready()` is true.
    const WHEN_READY: &str = r#"
        const done = arguments[arguments.length - 1];
        const t0 = performance.now();
        const check = () => { if (ready()) { observer.disconnect(); done(performance.now() - t0); return true; } return false; };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    "#;

    /// The server's peak resident memory since it started, in MB (Linux: `VmHWM`).
    fn peak_rss_mb(pid: u32) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status");
        kb / 1024.0
    }

    /// Teams, keys and devices (issue 12): a sign-in flood, unlocking, and a rotation to 50
    /// devices on the coordinator's phone.
    async fn team(work: &Path) -> Vec<Figure> {
        let dir = work.join("team");
        std::fs::create_dir_all(&dir).unwrap();
        let password = "bench-password";
        // The flood comes from 200 addresses (named by a proxy's header) at 200 names, so the
        // attempt limits let every one be hashed: the memory bound is what is measured. The
        // 51 devices below sign in as one account from one address, which the default limits
        // would refuse.
        let mut server = Server::start_with(
            &dir,
            None,
            password,
            &[
                "--client-ip-header",
                "x-forwarded-for",
                "--sign-in-attempts-per-account",
                "1000",
                "--sign-in-attempts-per-address",
                "1000",
            ],
        )
        .await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        let pid = server.pid().expect("running");
        let http = reqwest::Client::new();
        let flood = (0..200u32).map(|i| {
            let request = http
                .post(format!("{url}api/session"))
                .header("x-forwarded-for", format!("10.{}.{}.1", i / 250, i % 250))
                .json(&serde_json::json!({ "username": format!("guess-{i}"), "password": "wrong" }))
                .send();
            async move { request.await.unwrap().status().as_u16() }
        });
        let statuses = futures_join_all(flood).await;
        assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
        let flood_mb = peak_rss_mb(pid);
        eprintln!("team: peak memory {flood_mb:.0} MB after 200 concurrent wrong sign-ins");

        // The team's first device (native) makes the key and identity and approves 49 more,
        // and the phone, a coordinator's: 51 approved devices.
        let mut first = super::support::Device::enrol(&url, "admin", password).await;
        assert!(first.hold_team_key().await, "a fresh team");
        for _ in 0..49 {
            super::support::Device::enrol(&url, "admin", password).await;
        }
        assert_eq!(first.approve_pending().await, 49);
        let chromedriver = Chromedriver::start().await;
        let browser = super::support::approved_phone(
            &chromedriver,
            &dir.join("profile"),
            &url,
            ("admin", password, "en"),
            "bench passphrase",
            &first,
        )
        .await;
        browser
            .wait(
                "document.getElementById('new-contact') !== null",
                "the phone approved",
            )
            .await;
        let cdp = browser.driver().cdp();
        cdp.send_raw(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 4 }),
        )
        .await
        .unwrap();

        // Unlock, Argon2id and the vault, on an empty phone: submit → Today drawn.
        let mut unlock = Vec::new();
        for _ in 0..3 {
            browser.reload().await;
            browser.fill("passphrase", "bench passphrase").await;
            let script = format!(
                "{WHEN_READY} const ready = () => document.getElementById('new-contact') !== null;
                 document.querySelector('form button[type=submit]').click();"
            );
            unlock.push(timed(&browser, &script, vec![]).await);
        }

        // Remove a device: the next epoch granted to every other one (50, then 49, 48).
        browser.goto_in_app("/more").await;
        let mut rotate = Vec::new();
        for _ in 0..3 {
            browser
                .wait(
                    "document.querySelectorAll('#devices .revoke').length >= 2",
                    "the team's devices",
                )
                .await;
            // Done when the list, fetched again after the removal, has one removable fewer
            // (the notice alone stays from the removal before).
            let script = format!(
                "{WHEN_READY} window.confirm = () => true;
                 const before = document.querySelectorAll('#devices .revoke').length;
                 const ready = () => document.querySelectorAll('#devices .revoke').length === before - 1
                     && document.body.innerText.includes('The device is removed');
                 document.querySelector('#devices .revoke').click();"
            );
            rotate.push(timed(&browser, &script, vec![]).await);
            eprintln!(
                "team: a removal with rotation {:.0} ms",
                rotate.last().unwrap()
            );
        }
        browser.quit().await;
        server.stop();
        let round = |v: f64| (v * 10.0).round() / 10.0;
        vec![
            Figure {
                name: "signin_flood_rss_mb",
                value: flood_mb.round(),
                unit: "MB",
                budget: Some(300.0),
                what: "the server's peak resident memory (VmHWM) with 200 concurrent wrong sign-ins from 200 addresses, release build",
            },
            Figure {
                name: "unlock_throttled_ms",
                value: round(median(unlock)),
                unit: "ms",
                budget: Some(1000.0),
                what: "Unlock pressed (Argon2id 32 MiB × 3, the vault) → Today drawn, CPU slowed 4× (DevTools), median of 3",
            },
            Figure {
                name: "rotate_50_devices_ms",
                value: round(median(rotate)),
                unit: "ms",
                budget: Some(2000.0),
                what: "on the coordinator's phone, CPU slowed 4×: Remove pressed → the next epoch granted to the 50 (then 49, 48) other devices, sent, and this phone's own grant collected, median of 3",
            },
        ]
    }

    /// Runs futures concurrently on this task (no extra crate for `join_all`).
    async fn futures_join_all<F: std::future::Future<Output = u16> + Send + 'static>(
        futures: impl Iterator<Item = F>,
    ) -> Vec<u16> {
        let mut set = tokio::task::JoinSet::new();
        for f in futures {
            set.spawn(f);
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            out.push(r.unwrap());
        }
        out
    }

    /// The figures with about 50,000 records on the phone.
    /// A phone that was offline with 10,000 changes comes back: they are pushed and
    /// acknowledged, then a second phone pulls them, both in headless Chromium on loopback.
    async fn sync_10k(work: &Path) -> Vec<Figure> {
        // `FALTLOGG_BENCH_SYNC_CHANGES` sets another number (for trying the bench out).
        let changes: usize = std::env::var("FALTLOGG_BENCH_SYNC_CHANGES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000);
        let dir = work.join("sync");
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = Server::start(&dir, None, "bench-password").await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        // The team's key comes from a native device, which approves the two phones.
        let mut keeper = super::support::Device::enrol(&url, "admin", "bench-password").await;
        assert!(keeper.hold_team_key().await, "a fresh team");
        let chromedriver = Chromedriver::start().await;
        let mut phones = Vec::new();
        for name in ["sender", "receiver"] {
            let phone = Browser::open(&chromedriver, &dir.join(name), "sv").await;
            phone.goto(&url).await;
            phone.sign_in("admin", "bench-password").await;
            phone.choose_passphrase("bench passphrase").await;
            phone.click("codes-match").await;
            let asked = std::time::Instant::now();
            while keeper.approve_pending().await == 0 {
                assert!(asked.elapsed().as_secs() < 60, "the phone never enrolled");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            phone
                .wait_long(
                    "Number((document.getElementById('sync-state')||{}).dataset?.syncs) >= 1",
                    "the first sync",
                    60,
                )
                .await;
            let_scripts_run(&phone, 900).await;
            phones.push(phone);
        }
        let (sender, receiver) = (&phones[0], &phones[1]);
        // Both phones out of signal: the second must not pull before its timed sync.
        sender.set_offline(true).await;
        receiver.set_offline(true).await;
        // 10,000 contacts through the form, as a worker would, dated two months back (Today
        // lists today's): each is one change, saved and queued.
        let queued = std::time::Instant::now();
        let script = r#"
            const [from, to, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            const until = (ready) => new Promise((resolve) => {
                if (ready()) return resolve();
                const observer = new MutationObserver(() => {
                    if (ready()) { observer.disconnect(); resolve(); }
                });
                observer.observe(document.body, { childList: true, subtree: true, attributes: true });
            });
            const set = (id, value) => {
                const input = document.getElementById(id);
                input.value = value;
                input.dispatchEvent(new Event('input', { bubbles: true }));
                input.dispatchEvent(new Event('change', { bubbles: true }));
            };
            const day = new Date(Date.now() - 60 * 86400000).toISOString().slice(0, 10);
            (async () => {
                for (let i = from; i < to; i++) {
                    // A tap, as the worker's: the app locks after the team's idle time.
                    window.dispatchEvent(new Event('pointerdown'));
                    document.getElementById('new-contact').click();
                    await until(() => document.getElementById('save-contact'));
                    set('occurred-date', day);
                    set('kind', 'street');
                    set('area', 'Centrum');
                    set('note', 'bench change ' + i);
                    document.getElementById('save-contact').click();
                    await until(() => !document.getElementById('save-contact') && document.getElementById('new-contact'));
                }
                // What the outbox holds, read from IndexedDB itself.
                const open = indexedDB.open('faltlogg');
                open.onsuccess = () => {
                    const count = open.result.transaction('outbox').objectStore('outbox').count();
                    count.onsuccess = () => { open.result.close(); done(count.result); };
                };
            })();
        "#;
        sender.goto_in_app("/").await;
        // In parts: a WebDriver call that runs for minutes times out.
        for from in (0..changes).step_by(250) {
            let to = changes.min(from + 250);
            let waiting = sender
                .driver()
                .execute_async(script, vec![serde_json::json!(from), serde_json::json!(to)])
                .await
                .unwrap();
            assert_eq!(
                waiting.json().as_u64(),
                Some(to as u64),
                "{}",
                waiting.json()
            );
            // The second phone is in the worker's hand too: it must not lock meanwhile.
            receiver
                .driver()
                .execute(
                    "window.dispatchEvent(new Event('pointerdown')); return true;",
                    vec![],
                )
                .await
                .unwrap();
            eprintln!(
                "sync: {to} changes queued, {} s",
                queued.elapsed().as_secs()
            );
        }
        // Each phone back online in turn: its `online` listener starts the sync. Timed by the
        // page's own clock, from that event to the sync done with nothing waiting: the first
        // pushes the 10,000, the second pulls them (verified, opened, stored and applied).
        let push_s = online_sync_s(sender, "push").await;
        eprintln!("sync: pushed in {push_s:.2} s");
        let pull_s = online_sync_s(receiver, "pull").await;
        eprintln!("sync: pulled in {pull_s:.2} s");
        for phone in phones {
            phone.quit().await;
        }
        server.stop();
        let round = |v: f64| (v * 100.0).round() / 100.0;
        vec![
            Figure {
                name: "sync_10k_push_s",
                value: round(push_s),
                unit: "s",
                budget: Some(3.0),
                what: "a phone back online with 10,000 changes queued: the online event → every one pushed, acknowledged and out of the outbox, headless Chromium, loopback",
            },
            Figure {
                name: "sync_10k_pull_s",
                value: round(pull_s),
                unit: "s",
                budget: Some(3.0),
                what: "a second phone back online: the online event → the 10,000 pulled, verified, opened, stored and applied",
            },
        ]
    }

    /// Lets each script `browser` runs take up to `seconds` (WebDriver's default is 30).
    async fn let_scripts_run(browser: &Browser, seconds: u64) {
        browser
            .driver()
            .update_timeouts(thirtyfour::TimeoutConfiguration::new(
                Some(std::time::Duration::from_secs(seconds)),
                None,
                None,
            ))
            .await
            .unwrap();
    }

    /// Brings `phone` back online and gives the seconds from its `online` event to its sync
    /// done with nothing left waiting. `FALTLOGG_BENCH_PROFILE=prefix`: the phone's CPU
    /// profile of it in `prefix.<what>.cpuprofile` (DevTools' format; a wasm built with its
    /// names, `-g` to wasm-opt in scripts/postbuild.sh, names its functions).
    async fn online_sync_s(phone: &Browser, what: &str) -> f64 {
        let profile = std::env::var("FALTLOGG_BENCH_PROFILE").ok();
        let cdp = phone.driver().cdp();
        if profile.is_some() {
            cdp.send_raw("Profiler.enable", serde_json::json!({}))
                .await
                .unwrap();
            cdp.send_raw("Profiler.start", serde_json::json!({}))
                .await
                .unwrap();
        }
        phone
            .driver()
            .execute(
                "window.addEventListener('online', () => { window.benchOnlineAt = performance.now(); }, { once: true });
                 const state = document.getElementById('sync-state');
                 const syncs = Number(state.dataset.syncs);
                 new MutationObserver((_, observer) => {
                     if (Number(state.dataset.syncs) > syncs && state.dataset.waiting === '0') {
                         window.benchSyncedAt = performance.now();
                         observer.disconnect();
                     }
                 }).observe(state, { attributes: true });
                 return true;",
                vec![],
            )
            .await
            .unwrap();
        phone.set_offline(false).await;
        phone
            .wait_long("window.benchSyncedAt > 0", "the sync back online", 300)
            .await;
        let took = phone
            .driver()
            .execute("return window.benchSyncedAt - window.benchOnlineAt", vec![])
            .await
            .unwrap();
        if let Some(prefix) = profile {
            let taken = cdp
                .send_raw("Profiler.stop", serde_json::json!({}))
                .await
                .unwrap();
            let path = format!("{prefix}.{what}.cpuprofile");
            std::fs::write(path, taken["profile"].to_string()).unwrap();
        }
        took.json().as_f64().expect("a duration") / 1000.0
    }

    async fn scale(work: &Path) -> Vec<Figure> {
        use super::support::seed::{synthetic, Counts};
        use faltlogg_core::record::date::Date;
        let dir = work.join("scale");
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = Server::start(&dir, None, "bench-password").await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        // The team's first device makes the key and sends the records.
        let mut seeder = super::support::Device::enrol(&url, "admin", "bench-password").await;
        assert!(seeder.hold_team_key().await, "a fresh team");
        let counts = Counts::about(50_000);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        seeder
            .push_changes(synthetic(counts, now, Date::from_unix_ms(now, 60), 50_000))
            .await;
        // The phone joins, is approved, and receives them by its own sync.
        let chromedriver = Chromedriver::start().await;
        let browser = Browser::open(&chromedriver, &dir.join("profile"), "sv").await;
        browser.goto(&url).await;
        browser.sign_in("admin", "bench-password").await;
        browser.choose_passphrase("bench passphrase").await;
        browser.click("codes-match").await;
        // The phone shows its code before its enrolment reaches the server: ask until it has.
        let asked = std::time::Instant::now();
        while seeder.approve_pending().await == 0 {
            assert!(asked.elapsed().as_secs() < 60, "the phone never enrolled");
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        let all_here = "Number((document.getElementById('sync-state')||{}).dataset?.syncs) >= 1";
        browser.wait_long(all_here, "the records synced", 900).await;
        let persons = counts.persons;
        browser.goto_in_app("/persons").await;
        browser
            .wait_long(
                &format!("(document.getElementById('persons-count')||{{}}).textContent?.endsWith('/ {persons}')"),
                "every person listed",
                300,
            )
            .await;
        eprintln!("scale: {} records synced to the phone", counts.total());
        // Give the snapshot written after the sync time to land.
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        // A slow figure is a figure: let each measured script run for minutes.
        let_scripts_run(&browser, 300).await;

        // A reload reopens the screen it was on: start from Today, where the timing ends.
        browser.goto_in_app("/").await;
        let mut unlock = Vec::new();
        for _ in 0..3 {
            browser.reload().await;
            browser.fill("passphrase", "bench passphrase").await;
            let script = format!(
                "{WHEN_READY} const ready = () => document.querySelector('#contacts .card') !== null;
                 document.querySelector('form button[type=submit]').click();"
            );
            unlock.push(timed(&browser, &script, vec![]).await);
            eprintln!("scale: unlock to Today {:.0} ms", unlock.last().unwrap());
        }
        browser.goto_in_app("/persons").await;
        browser
            .wait(
                "document.getElementById('person-search') !== null",
                "the persons list",
            )
            .await;
        let mut search = Vec::new();
        for query in ["a", "al", "ali", "ali k", "sk", "skä", "norra", "zz"] {
            let script = format!(
                "{WHEN_READY} const before = document.getElementById('persons-count').textContent;
                 const ready = () => document.getElementById('persons-count').textContent !== before;
                 const input = document.getElementById('person-search');
                 input.value = arguments[0]; input.dispatchEvent(new Event('input'));
                 if (!check()) setTimeout(() => check() || (observer.disconnect(), done(performance.now() - t0)), 2000);"
            );
            search.push(timed(&browser, &script, vec![serde_json::json!(query)]).await);
        }
        let mut page = Vec::new();
        // The list keeps the last query (it is the screen's own state): clear it first.
        browser.fill("person-search", "").await;
        browser
            .driver()
            .execute(
                "document.getElementById('person-search').dispatchEvent(new Event('input')); return true;",
                vec![],
            )
            .await
            .unwrap();
        for n in 0..5 {
            browser.goto_in_app("/persons").await;
            browser
                .wait(
                    "document.querySelector('#persons a.card') !== null",
                    "persons",
                )
                .await;
            let script = format!(
                "{WHEN_READY} const ready = () => document.getElementById('person-alias') !== null;
                 document.querySelectorAll('#persons a.card')[arguments[0]].click();"
            );
            page.push(timed(&browser, &script, vec![serde_json::json!(n * 7)]).await);
        }
        // A year's partnership report, every record in it: Show pressed → the tables drawn.
        let today = Date::from_unix_ms(now, 60);
        let (from, to) = (today.add_days(-364).iso(), today.iso());
        let mut year = Vec::new();
        for _ in 0..3 {
            browser.goto_in_app("/report").await;
            browser.fill("report-from", &from).await;
            browser.fill("report-to", &to).await;
            let script = format!(
                "{WHEN_READY} const ready = () => document.querySelector('table.figures') !== null;
                 document.getElementById('show-report').click();"
            );
            year.push(timed(&browser, &script, vec![]).await);
            eprintln!("scale: a year's report {:.0} ms", year.last().unwrap());
        }
        // The dashboard (twelve months, seven charts) and the caseload's summary, each from a
        // tap on its link on More to drawn.
        let mut board = Vec::new();
        let mut load = Vec::new();
        for (link, ready, out) in [
            (
                "dashboard-link",
                "document.querySelectorAll('figure.chart').length === 7",
                &mut board,
            ),
            (
                "caseload-link",
                "document.getElementById('case-quiet') !== null",
                &mut load,
            ),
        ] {
            for _ in 0..3 {
                browser.goto_in_app("/more").await;
                browser
                    .wait(
                        &format!("document.getElementById('{link}') !== null"),
                        "More",
                    )
                    .await;
                let script = format!(
                    "{WHEN_READY} const ready = () => {ready};
                     document.getElementById('{link}').click();"
                );
                out.push(timed(&browser, &script, vec![]).await);
                eprintln!("scale: {link} {:.0} ms", out.last().unwrap());
            }
        }
        browser.quit().await;
        server.stop();
        let round = |v: f64| (v * 10.0).round() / 10.0;
        vec![
            Figure {
                name: "dashboard_50k_ms",
                value: round(median(board)),
                unit: "ms",
                budget: Some(300.0),
                what: "about 50,000 records: the dashboard, a tap on its link → twelve months' charts and tables drawn, median of 3",
            },
            Figure {
                name: "caseload_50k_ms",
                value: round(median(load)),
                unit: "ms",
                budget: None,
                what: "about 50,000 records: the team's caseload, a tap on its link → every section's lines drawn, median of 3",
            },
            Figure {
                name: "report_year_50k_ms",
                value: round(median(year)),
                unit: "ms",
                budget: Some(500.0),
                what: "about 50,000 records: a year's partnership report, Show pressed → every table drawn, median of 3",
            },
            Figure {
                name: "unlock_to_home_50k_ms",
                value: round(median(unlock)),
                unit: "ms",
                budget: Some(1500.0),
                what: "about 50,000 records: Unlock pressed (Argon2id included) → Today drawn, median of 3",
            },
            Figure {
                name: "search_50k_ms",
                value: round(median(search)),
                unit: "ms",
                budget: Some(50.0),
                what: "about 50,000 records: a keystroke in the persons search → list drawn, median of 8",
            },
            Figure {
                name: "person_page_50k_ms",
                value: round(median(page)),
                unit: "ms",
                budget: Some(100.0),
                what: "about 50,000 records: a tap on a person → the page drawn, median of 5",
            },
        ]
    }

    fn write_markdown(figures: &[Figure], sizes: &[(String, usize)]) {
        let mut md = String::from(
            "# Benchmarks\n\nWritten by `scripts/bench.sh` (examples/bench.rs); do not edit by hand.\n\n\
             | name | value | unit | budget | within | what |\n|---|---:|---|---:|---|---|\n",
        );
        for f in figures {
            // Budgets are ceilings; a rate's (…_per_s) is a floor.
            let within = |b: f64| match f.name.contains("_per_s") {
                true => f.value >= b,
                false => f.value <= b,
            };
            let (budget, ok) = match f.budget {
                Some(b) if within(b) => (b.to_string(), "yes"),
                Some(b) => (b.to_string(), "**no**"),
                None => ("–".to_string(), "–"),
            };
            md += &format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                f.name, f.value, f.unit, budget, ok, f.what
            );
        }
        md += "\n## Transfer size by file (brotli q11, bytes)\n\n| file | bytes |\n|---|---:|\n";
        for (name, n) in sizes {
            md += &format!("| {name} | {n} |\n");
        }
        md += &format!(
            "\nMachine: {} cores; `rustc` {}.\n",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0),
            String::from_utf8_lossy(
                &Command::new("rustc")
                    .arg("--version")
                    .output()
                    .map(|o| o.stdout)
                    .unwrap_or_default()
            )
            .trim()
        );
        std::fs::write(root().join("BENCHMARKS.md"), md).unwrap();
    }
}
