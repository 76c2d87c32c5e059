//! Several server processes on one database, as a region or an operator wanting two servers
//! for availability runs them: devices switch between them at random while they push and
//! pull with the real sync engine (`faltlogg-client`), and every device ends up with every
//! change, each once.
//!
//! On PostgreSQL (`FALTLOGG_TEST_POSTGRES`) three processes share the database; on SQLite,
//! which one server owns, the devices share one process.

mod support;

use std::collections::BTreeSet;

use faltlogg_client::Device;
use faltlogg_server::db::Database;
use rand_core::{OsRng, RngCore};
use support::*;
use uuid::Uuid;

const DEVICES: usize = 6;
const ROUNDS: usize = 8;

fn now() -> u64 {
    faltlogg_server::now_ms() as u64
}

fn pick(urls: &[String]) -> String {
    urls[OsRng.next_u32() as usize % urls.len()].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_switching_between_servers_on_one_database_converge_with_nothing_lost_or_twice() {
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let count = match database {
        Database::Postgres(_) => 3,
        Database::Sqlite(_) => 1,
    };
    // Started at once on an empty database: one of them makes the first account.
    let servers = futures_join(
        (0..count)
            .map(|_| {
                let (dir, database) = (dir.path().to_path_buf(), database.clone());
                async move { ServerProcess::start(&dir, &database).await }
            })
            .collect(),
    )
    .await;
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();

    let first = Device::enrol(&urls[0], "admin", PASSWORD).await.unwrap();
    let mut devices = Vec::new();
    for i in 1..DEVICES {
        let mut device = Device::enrol(&urls[i % count], "admin", PASSWORD)
            .await
            .unwrap();
        first.approve(device.id).await.unwrap();
        device.collect_keys().await.unwrap();
        devices.push(device);
    }
    devices.push(first);

    let tasks: Vec<_> = devices
        .into_iter()
        .map(|mut device| {
            let urls = urls.clone();
            tokio::spawn(async move {
                let (mut saved, mut received) = (Vec::new(), 0);
                for round in 0..ROUNDS {
                    device.api.url = pick(&urls);
                    for i in 0..OsRng.next_u32() % 6 {
                        saved.push(device.save_contact(&format!("round {round}, {i}"), now()));
                    }
                    let report = device.sync(now()).await.unwrap();
                    assert_eq!(report.set_aside, 0);
                    received += report.changes.len();
                    let pause = OsRng.next_u32() % 30;
                    tokio::time::sleep(std::time::Duration::from_millis(pause.into())).await;
                }
                (device, saved, received)
            })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.unwrap());
    }
    let everything: BTreeSet<Uuid> = done
        .iter()
        .flat_map(|(_, saved, _)| saved.clone())
        .collect();
    assert!(everything.len() > DEVICES, "the devices saved something");
    // Once more each, on any server: what the others pushed last comes in.
    for (device, saved, received) in &mut done {
        device.api.url = pick(&urls);
        *received += device.sync(now()).await.unwrap().changes.len();
        assert!(device.storage.outbox.is_empty());
        assert!(device.storage.quarantine.is_empty());
        let held: BTreeSet<Uuid> = device.storage.envelopes.keys().copied().collect();
        assert_eq!(held, everything, "every change, on every device");
        assert_eq!(
            *received,
            everything.len() - saved.len(),
            "each of the others' changes taken in once, its own never"
        );
    }
    // The database holds each change once, numbered without a gap.
    let store = database.open(1).await.unwrap();
    let team = done[0].0.user.team;
    let rows = store
        .pull_envelopes(team, 0, everything.len() + 1, None)
        .await
        .unwrap();
    let seqs: Vec<i64> = rows.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (1..=everything.len() as i64).collect::<Vec<_>>());
}

/// Awaits every future, started together.
async fn futures_join<T: Send + 'static>(
    futures: Vec<impl std::future::Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
