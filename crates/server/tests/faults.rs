//! Faults, with the real server binary, the real database and the real sync engine: a
//! server killed (SIGKILL) at random points while devices push, a reply cut off half-way,
//! a database out of reach, and one turned read-only (PostgreSQL). Each time the devices sync
//! again later, and every change is stored exactly once.
//!
//! The kills are `FALTLOGG_FAULT_KILLS` (default 100, as the issue asks) server lives.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use faltlogg_client::{Device, SyncError};
use faltlogg_core::api::ErrorCode;
use faltlogg_core::sync::Failure;
use faltlogg_server::db::Database;
use rand_core::{OsRng, RngCore};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

fn now() -> u64 {
    faltlogg_server::now_ms() as u64
}

/// An approved coordinator device and `others` more, all on `url`.
async fn team(url: &str, others: usize) -> Vec<Device> {
    let first = Device::enrol(url, "admin", PASSWORD).await.unwrap();
    let mut devices = Vec::new();
    for _ in 0..others {
        let mut device = Device::enrol(url, "admin", PASSWORD).await.unwrap();
        first.approve(device.id).await.unwrap();
        device.collect_keys().await.unwrap();
        devices.push(device);
    }
    devices.insert(0, first);
    devices
}

/// Syncs every device on `url` until its outbox is empty, then checks that each holds every
/// change in `saved` and that the database holds each once, numbered without a gap.
async fn all_stored_once(
    devices: &mut [Device],
    url: &str,
    saved: &BTreeSet<Uuid>,
    database: &Database,
) {
    for _ in 0..2 {
        for device in devices.iter_mut() {
            device.api.url = url.to_string();
            device.sync(now()).await.unwrap();
        }
    }
    for device in devices.iter() {
        assert!(device.storage.outbox.is_empty());
        assert!(device.storage.quarantine.is_empty());
        let held: BTreeSet<Uuid> = device.storage.envelopes.keys().copied().collect();
        assert_eq!(&held, saved);
    }
    let store = database.open(1).await.unwrap();
    let rows = store
        .pull_envelopes(devices[0].user.team, 0, saved.len() + 1, None)
        .await
        .unwrap();
    let seqs: Vec<i64> = rows.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(
        seqs,
        (1..=saved.len() as i64).collect::<Vec<_>>(),
        "each change once"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_at_random_points_during_pushes_loses_nothing_and_stores_nothing_twice() {
    let kills: usize = std::env::var("FALTLOGG_FAULT_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let server = ServerProcess::start(dir.path(), &database).await;
    let mut devices = team(&server.url, 2).await;
    drop(server);
    let mut saved = BTreeSet::new();
    let (mut cut, mut through) = (0, 0);
    // The kill falls somewhere in the pushes: before the first request, during, or after the
    // last. How long pushes take depends on the machine and what else runs on it, so the
    // window follows: wider after a life in which every sync was cut, narrower after one in
    // which all went through. Both happen on a fast machine and on a busy one.
    let mut window_ms: u64 = 60;
    for life in 0..kills {
        let mut server = ServerProcess::start(dir.path(), &database).await;
        let syncs: Vec<_> = devices
            .drain(..)
            .map(|mut device| {
                device.api.url = server.url.clone();
                let mut new = Vec::new();
                for i in 0..1 + OsRng.next_u32() % 40 {
                    new.push(device.save_contact(&format!("life {life}, {i}"), now()));
                }
                tokio::spawn(async move {
                    let result = device.sync(now()).await.map(|_| ());
                    (device, new, result)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(OsRng.next_u64() % window_ms)).await;
        server.kill();
        let (mut cut_now, mut through_now) = (0, 0);
        for sync in syncs {
            let (device, new, result) = sync.await.unwrap();
            match result {
                Ok(()) => through_now += 1,
                Err(SyncError::Server(Failure::Unreached(_))) => cut_now += 1,
                Err(e) => panic!("only the connection may fail: {e:?}"),
            }
            saved.extend(new);
            devices.push(device);
        }
        window_ms = match (cut_now, through_now) {
            (_, 0) => (window_ms * 3 / 2).min(5_000),
            (0, _) => (window_ms * 2 / 3).max(20),
            _ => window_ms,
        };
        cut += cut_now;
        through += through_now;
    }
    assert!(cut > 0 && through > 0, "{cut} syncs cut, {through} through");
    let server = ServerProcess::start(dir.path(), &database).await;
    all_stored_once(&mut devices, &server.url, &saved, &database).await;
}

/// Forwards connections to `upstream`; a reply is cut off after half its first read while
/// `cutting` is set.
async fn cutting_proxy(
    upstream: String,
    cutting: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut client, _) = listener.accept().await.unwrap();
            let upstream = upstream.trim_start_matches("http://").to_string();
            let cutting = cutting.clone();
            tokio::spawn(async move {
                let mut server = TcpStream::connect(upstream).await.unwrap();
                if !cutting.load(std::sync::atomic::Ordering::SeqCst) {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    return;
                }
                let (mut client_read, mut client_write) = client.split();
                let (mut server_read, mut server_write) = server.split();
                let forward = tokio::io::copy(&mut client_read, &mut server_write);
                let back = async {
                    let mut reply = vec![0; 64 * 1024];
                    let n = server_read.read(&mut reply).await.unwrap_or(0);
                    let _ = client_write.write_all(&reply[..n / 2]).await;
                    let _ = client_write.shutdown().await;
                };
                tokio::select! { _ = forward => {}, () = back => {} }
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_cut_off_half_way_is_pushed_again_and_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let server = ServerProcess::start(dir.path(), &database).await;
    let mut devices = team(&server.url, 1).await;
    let cutting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let proxy = cutting_proxy(server.url.clone(), cutting.clone()).await;
    let mut saved = BTreeSet::new();
    let device = &mut devices[0];
    for i in 0..150 {
        saved.insert(device.save_contact(&format!("cut {i}"), now()));
    }
    device.api.url = proxy.clone();
    match device.sync(now()).await {
        Err(SyncError::Server(Failure::Unreached(_))) => {}
        other => panic!("the cut reply is a failure to reach: {other:?}"),
    }
    assert_eq!(
        device.storage.outbox.len(),
        150,
        "nothing leaves the outbox unconfirmed"
    );
    // The server stored the first batch; the device does not know it yet.
    cutting.store(false, std::sync::atomic::Ordering::SeqCst);
    let report = device.sync(now()).await.unwrap();
    assert_eq!(report.pushed, 150);
    all_stored_once(&mut devices, &proxy, &saved, &database).await;
}

/// A cable between the server and PostgreSQL that can be pulled: while it is, every
/// connection through it is closed and new ones are refused.
async fn database_cable(
    upstream: &str,
    pulled: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let upstream = upstream.to_string();
    tokio::spawn(async move {
        loop {
            let (mut client, _) = listener.accept().await.unwrap();
            let (upstream, pulled) = (upstream.clone(), pulled.clone());
            tokio::spawn(async move {
                if pulled.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                let Ok(mut server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let watch = async {
                    while !pulled.load(std::sync::atomic::Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    () = watch => {}
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_out_of_reach_answers_503_and_the_device_syncs_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let pulled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // PostgreSQL: the server reaches it through a cable this test can pull. SQLite: another
    // process holds the file's write lock for longer than the server waits.
    let (server_database, mut blocker) = match &database {
        Database::Postgres(url) => {
            let (head, tail) = url.split_once("@").unwrap();
            let (host_port, name) = tail.split_once('/').unwrap();
            let port = database_cable(host_port, pulled.clone()).await;
            (
                Database::Postgres(format!("{head}@127.0.0.1:{port}/{name}")),
                None,
            )
        }
        Database::Sqlite(file) => (database.clone(), Some(file.clone())),
    };
    let server = ServerProcess::start(dir.path(), &server_database).await;
    let mut devices = team(&server.url, 1).await;
    let device = &mut devices[0];
    let mut saved = BTreeSet::new();
    saved.insert(device.save_contact("before", now()));
    device.sync(now()).await.unwrap();
    saved.insert(device.save_contact("while out of reach", now()));
    pulled.store(true, std::sync::atomic::Ordering::SeqCst);
    let lock = match blocker.take() {
        Some(file) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file);
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
                .await
                .unwrap();
            sqlx::Executor::execute(&mut conn, "BEGIN EXCLUSIVE")
                .await
                .unwrap();
            Some(conn)
        }
        None => None,
    };
    // The cable's watch closes the open connections within 20 ms: wait for it, so that the
    // push itself finds the database gone (not only the pull after it).
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    match device.sync(now()).await {
        Err(SyncError::Server(Failure::Refused(body))) => {
            assert_eq!(body.error, ErrorCode::Unavailable)
        }
        other => panic!("503, the database unavailable: {other:?}"),
    }
    assert_eq!(device.storage.outbox.len(), 1, "kept for later");
    pulled.store(false, std::sync::atomic::Ordering::SeqCst);
    // Released before the next sync, not when sqlx's worker gets to a dropped connection: on
    // a busy machine that came after the server's 5 s wait for the lock.
    if let Some(mut conn) = lock {
        sqlx::Executor::execute(&mut conn, "ROLLBACK")
            .await
            .unwrap();
        sqlx::Connection::close(conn).await.unwrap();
    }
    // Later: the server serves again without a restart.
    let report = device.sync(now()).await.unwrap();
    assert_eq!(report.pushed, 1);
    let url = server.url.clone();
    all_stored_once(&mut devices, &url, &saved, &database).await;
}

/// PostgreSQL turned read-only under a running server (`default_transaction_read_only`, with
/// the server's connections ended so that the ones it opens next take it): a push is refused
/// with `503 unavailable`, nothing of it is stored, and it is taken once the database is
/// writable again, without a restart. PostgreSQL only: a root process (as CI runs) writes a
/// SQLite file whatever its permissions, so SQLite's read-only case cannot be made here; its
/// locked and out-of-reach cases are the test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_turned_read_only_answers_503_and_takes_the_push_once_writable() {
    use sqlx::{Connection as _, Executor as _};
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let Database::Postgres(url) = &database else {
        eprintln!("PostgreSQL only (FALTLOGG_TEST_POSTGRES): see the test's documentation");
        return;
    };
    let name = url.rsplit_once('/').unwrap().1.to_string();
    let mut admin = sqlx::PgConnection::connect(&std::env::var("FALTLOGG_TEST_POSTGRES").unwrap())
        .await
        .unwrap();
    let mut read_only = async |on: bool| {
        let set = format!("ALTER DATABASE {name} SET default_transaction_read_only = {on}");
        admin.execute(set.as_str()).await.unwrap();
        let end = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        );
        admin.execute(end.as_str()).await.unwrap();
    };

    let server = ServerProcess::start(dir.path(), &database).await;
    let mut devices = team(&server.url, 1).await;
    let device = &mut devices[0];
    let mut saved = BTreeSet::new();
    saved.insert(device.save_contact("before", now()));
    device.sync(now()).await.unwrap();

    read_only(true).await;
    saved.insert(device.save_contact("while read-only", now()));
    match device.sync(now()).await {
        Err(SyncError::Server(Failure::Refused(body))) => {
            assert_eq!(body.error, ErrorCode::Unavailable)
        }
        other => panic!("503, the database read-only: {other:?}"),
    }
    assert_eq!(device.storage.outbox.len(), 1, "kept for later");
    // Read directly: opening the server's store would run its migrations, which a read-only
    // database refuses.
    let mut reader = sqlx::PgConnection::connect(url).await.unwrap();
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM envelopes")
        .fetch_one(&mut reader)
        .await
        .unwrap();
    assert_eq!(held, 1, "nothing of the refused push stored");
    reader.close().await.unwrap();

    read_only(false).await;
    let report = device.sync(now()).await.unwrap();
    assert_eq!(report.pushed, 1);
    let url = server.url.clone();
    all_stored_once(&mut devices, &url, &saved, &database).await;
}
