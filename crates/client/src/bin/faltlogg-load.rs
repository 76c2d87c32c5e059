//! `faltlogg-load`: a load generator. Simulated devices, each with its own keys and session,
//! push sealed envelopes with the real sync engine and pull what their team sent, against
//! one server or several on one database. It reports, one JSON object a line: throughput,
//! push latency (p50, p99), the servers' peak memory, and anything lost (acknowledged by a
//! push and missing from a full pull afterwards).
//!
//! Two runs:
//! - `ingest`: one device pushes N envelopes in the largest batches; envelopes per second.
//! - `load`: T teams of D devices in all, each pushing C changes in syncs of ten and pulling
//!   its team's, the syncs spread evenly over `--seconds` (60) from a random start, as
//!   phones sync when their workers save; every team then checked by one full pull. With
//!   `--seconds 0` every device syncs as fast as it can: the servers' saturation.
//!
//! Simulated devices pull without opening what they pull: verifying and decrypting is the
//! phones' work, not the server's, and on the machine that runs the server it would take the
//! server's CPU. Pushes are sealed and signed for real (before the clock starts).
//!
//! Accounts: `--account NAME` (repeatable), each the coordinator of its own team, with the
//! password in `--password-file`. Every device is a sign-in, so the servers need sign-in
//! limits that allow as many (`--sign-in-attempts-per-account`, `-per-address`).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use faltlogg_client::{Api, Device, Failure};
use faltlogg_core::api::{PullResponse, PushRequest, PushResponse, PULL_SKIP_OWN};
use faltlogg_core::sync::{self, Report, Transport};

struct Args {
    command: String,
    urls: Vec<String>,
    accounts: Vec<String>,
    password: String,
    devices: usize,
    changes: usize,
    envelopes: usize,
    /// Over how long a load run's devices spread their syncs.
    seconds: f64,
    server_pids: Vec<u32>,
}

const USAGE: &str =
    "usage: faltlogg-load ingest|load --url URL[,URL…] --account NAME… --password-file FILE \
[--devices N] [--changes N] [--seconds N] [--envelopes N] [--server-pid PID…]";

fn args() -> Result<Args, String> {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().ok_or(USAGE)?;
    let mut args = Args {
        command,
        urls: Vec::new(),
        accounts: Vec::new(),
        password: String::new(),
        devices: 500,
        changes: 200,
        envelopes: 10_000,
        seconds: 60.0,
        server_pids: Vec::new(),
    };
    let mut password_file: Option<PathBuf> = None;
    while let Some(flag) = argv.next() {
        let value = argv
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--url" => args.urls.extend(
                value
                    .split(',')
                    .map(|u| u.trim_end_matches('/').to_string()),
            ),
            "--account" => args.accounts.push(value),
            "--password-file" => password_file = Some(value.into()),
            "--devices" => args.devices = number(&value)?,
            "--changes" => args.changes = number(&value)?,
            "--envelopes" => args.envelopes = number(&value)?,
            "--seconds" => args.seconds = number(&value)? as f64,
            "--server-pid" => args.server_pids.push(
                value
                    .parse()
                    .map_err(|_| "--server-pid: not a process id")?,
            ),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    let file = password_file.ok_or(USAGE)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    args.password = text.lines().next().unwrap_or("").to_string();
    if args.urls.is_empty() || args.accounts.is_empty() {
        return Err(USAGE.into());
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match args() {
        Ok(args) if args.command == "ingest" => ingest(&args).await,
        Ok(args) if args.command == "load" => load(&args).await,
        Ok(_) => Err(USAGE.into()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faltlogg-load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn figure(name: &str, value: f64, unit: &str) {
    println!("{{\"name\":\"{name}\",\"value\":{value},\"unit\":\"{unit}\"}}");
}

fn failed(what: &str) -> impl Fn(Failure) -> String + '_ {
    move |e| format!("{what}: {e:?}")
}

/// `--devices` devices (4 unless given), spread over the teams of the `--account`s, push
/// `--envelopes` sealed envelopes between them, in the largest batches, at once: the
/// server's ingest rate, as it sees a region's phones syncing. (A team's pushes are stored
/// one after the other, in its order; different teams' side by side.)
async fn ingest(args: &Args) -> Result<(), String> {
    let count = if args.devices == 500 {
        4
    } else {
        args.devices.max(1)
    };
    let mut devices = enrol_teams(args, count).await?;
    let start_ms = now();
    for (n, device) in devices.iter_mut().enumerate() {
        for i in (n..args.envelopes).step_by(count) {
            device.save_contact(&format!("load {i}"), start_ms + i as u64 / 100);
        }
    }
    let started = Instant::now();
    let pushes: Vec<_> = devices
        .into_iter()
        .map(|mut device| {
            tokio::spawn(async move {
                let mut report = Report::default();
                let mut api = device.api.clone();
                sync::push_all(&mut api, &mut device.storage, &mut report)
                    .await
                    .map(|()| report.pushed)
                    .map_err(|e| format!("push: {e:?}"))
            })
        })
        .collect();
    let mut pushed = 0;
    for push in pushes {
        pushed += push.await.map_err(|e| e.to_string())??;
    }
    let seconds = started.elapsed().as_secs_f64();
    if pushed != args.envelopes {
        return Err(format!("{pushed} of {} stored", args.envelopes));
    }
    figure("ingest_envelopes", args.envelopes as f64, "envelopes");
    figure("ingest_devices", count as f64, "devices");
    figure("ingest_seconds", round(seconds, 3), "s");
    figure(
        "ingest_per_s",
        (args.envelopes as f64 / seconds).round(),
        "envelopes/s",
    );
    Ok(())
}

/// The engine's transport, timing each push.
struct Timed {
    api: Api,
    pushes: Vec<Duration>,
}

impl Transport for Timed {
    type Error = faltlogg_client::NetError;

    async fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure> {
        let started = Instant::now();
        let response = self.api.push(request).await;
        self.pushes.push(started.elapsed());
        response
    }

    async fn pull(&mut self, after: i64) -> Result<PullResponse, Failure> {
        self.api.pull(after).await
    }

    async fn devices(&mut self) -> Result<Vec<faltlogg_core::api::DeviceInfo>, Failure> {
        self.api.devices().await
    }
}

/// Pulls everything after `after` without opening it: the numbers and how many.
async fn pull_raw(api: &Api, mut after: i64) -> Result<(i64, usize), Failure> {
    let mut count = 0;
    loop {
        let page: PullResponse = api
            .get(&format!("/api/envelopes?after={after}&{PULL_SKIP_OWN}"))
            .await?;
        count += page.envelopes.len();
        after = page.last.max(after);
        if !page.more {
            return Ok((after, count));
        }
    }
}

/// `count` devices spread over the teams of the `--account`s, each team's first device
/// founding it and approving the others. Set-up: never measured.
async fn enrol_teams(args: &Args, count: usize) -> Result<Vec<Device>, String> {
    let teams = args.accounts.len().min(count);
    let mut devices = Vec::with_capacity(count);
    for (t, account) in args.accounts.iter().take(teams).enumerate() {
        let in_team = count / teams + usize::from(t < count % teams);
        let url = &args.urls[t % args.urls.len()];
        let first = Device::enrol(url, account, &args.password)
            .await
            .map_err(failed("enrol"))?;
        let mut others = Vec::new();
        for i in 1..in_team {
            let url = &args.urls[(t + i) % args.urls.len()];
            let mut device = Device::enrol(url, account, &args.password)
                .await
                .map_err(failed("enrol"))?;
            first.approve(device.id).await.map_err(failed("approve"))?;
            device.collect_keys().await.map_err(failed("keys"))?;
            others.push(device);
        }
        devices.push(first);
        devices.extend(others);
    }
    Ok(devices)
}

async fn load(args: &Args) -> Result<(), String> {
    let mut devices = enrol_teams(args, args.devices).await?;
    // Sealed before the clock starts, in syncs of ten changes.
    let per_sync = 10;
    for device in &mut devices {
        for i in 0..args.changes {
            device.save_contact(&format!("load {i}"), now());
        }
    }
    let urls = args.urls.clone();
    let started = Instant::now();
    let tasks: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, mut device)| {
            let urls = urls.clone();
            let changes = args.changes;
            let syncs = changes.div_ceil(per_sync).max(1);
            let every = Duration::from_secs_f64(args.seconds / syncs as f64);
            let start = every.mul_f64(rand_fraction());
            tokio::spawn(async move {
                tokio::time::sleep(start).await;
                let mut ticks = tokio::time::interval(every.max(Duration::from_micros(1)));
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let mut timed = Timed {
                    api: device.api.clone(),
                    pushes: Vec::new(),
                };
                let mut cursor = 0;
                let mut pulled = 0;
                let all: Vec<_> = std::mem::take(&mut device.storage.outbox)
                    .into_iter()
                    .collect();
                for (round, chunk) in all.chunks(per_sync).enumerate() {
                    if !every.is_zero() {
                        ticks.tick().await;
                    }
                    // Devices move between the servers, as behind a load balancer.
                    timed.api.url = urls[(n + round) % urls.len()].clone();
                    device.storage.outbox.extend(chunk.iter().cloned());
                    let mut report = Report::default();
                    if let Err(e) =
                        sync::push_all(&mut timed, &mut device.storage, &mut report).await
                    {
                        return Err(format!("push: {e:?}"));
                    }
                    let (next, count) =
                        pull_raw(&timed.api, cursor).await.map_err(failed("pull"))?;
                    cursor = next;
                    pulled += count;
                }
                let acknowledged: Vec<uuid::Uuid> =
                    device.storage.own_seqs.keys().copied().collect();
                debug_assert!(acknowledged.len() <= changes);
                Ok((device, timed.pushes, acknowledged, pulled))
            })
        })
        .collect();
    let mut pushes = Vec::new();
    let mut by_team: std::collections::BTreeMap<uuid::Uuid, (Device, BTreeSet<uuid::Uuid>)> =
        Default::default();
    let mut pulled = 0;
    let mut errors = Vec::new();
    for task in tasks {
        match task.await.map_err(|e| e.to_string())? {
            Ok((device, times, acknowledged, count)) => {
                pushes.extend(times);
                pulled += count;
                let team = device.user.team;
                let entry = by_team
                    .entry(team)
                    .or_insert_with(|| (device, BTreeSet::new()));
                entry.1.extend(acknowledged);
            }
            Err(e) => errors.push(e),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(e) = errors.first() {
        return Err(format!("{} devices failed, the first: {e}", errors.len()));
    }
    // Lost: acknowledged by a push, and not in a full pull of its team afterwards.
    let mut lost = 0;
    let mut acknowledged = 0;
    for (device, ids) in by_team.values() {
        acknowledged += ids.len();
        let mut api = device.api.clone();
        let mut held = BTreeSet::new();
        let mut after = 0;
        loop {
            let page = api.pull_all_from(after).await.map_err(failed("check"))?;
            for p in &page.envelopes {
                if let Ok(e) = p.envelope.decode() {
                    held.insert(e.header.id);
                }
            }
            after = page.last.max(after);
            if !page.more {
                break;
            }
        }
        lost += ids.difference(&held).count();
    }
    pushes.sort();
    let pct =
        |p: f64| pushes[((pushes.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    figure("load_devices", args.devices as f64, "devices");
    figure("load_servers", args.urls.len() as f64, "servers");
    figure("load_acknowledged", acknowledged as f64, "envelopes");
    figure("load_lost", lost as f64, "envelopes");
    figure("load_spread_s", args.seconds, "s");
    figure("load_seconds", round(seconds, 2), "s");
    figure(
        "load_push_per_s",
        (acknowledged as f64 / seconds).round(),
        "envelopes/s",
    );
    figure("load_pulled", pulled as f64, "envelopes");
    figure("load_push_p50_ms", round(pct(0.5), 1), "ms");
    figure("load_push_p99_ms", round(pct(0.99), 1), "ms");
    let peak: u64 = args
        .server_pids
        .iter()
        .filter_map(|pid| peak_rss_kb(*pid))
        .max()
        .unwrap_or(0);
    if !args.server_pids.is_empty() {
        figure("load_server_rss_mb", round(peak as f64 / 1024.0, 1), "MB");
    }
    Ok(())
}

/// A number in [0, 1) from the system's randomness.
fn rand_fraction() -> f64 {
    use rand_core::RngCore as _;
    (rand_core::OsRng.next_u32() as f64) / (u32::MAX as f64 + 1.0)
}

/// A process's peak resident memory (VmHWM), in KB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

trait PullAll {
    async fn pull_all_from(&mut self, after: i64) -> Result<PullResponse, Failure>;
}

impl PullAll for Api {
    /// Every envelope, the caller's own included.
    async fn pull_all_from(&mut self, after: i64) -> Result<PullResponse, Failure> {
        self.get(&format!("/api/envelopes?after={after}")).await
    }
}
