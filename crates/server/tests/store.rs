//! The store under concurrent pushes, as several servers on one database see it: a device
//! that pulls while others push never misses an envelope or gets one twice.
//!
//! On PostgreSQL (`FALTLOGG_TEST_POSTGRES`) each writer uses a store of its own, as separate
//! server processes would; on SQLite, where one server owns the file, they share one.

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::envelope::Scope;
use faltlogg_server::db::{Database, NewEnvelope, Store};
use rand_core::OsRng;
use uuid::Uuid;

const WRITERS: usize = 4;
const BATCHES: usize = 30;
const BATCH: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_puller_during_concurrent_pushes_gets_every_envelope_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let database = support::database_for(dir.path()).await;
    let first = database.open(4).await.unwrap();
    let stores: Vec<Arc<dyn Store>> = match database {
        Database::Postgres(_) => {
            let mut stores = vec![first.clone()];
            for _ in 1..WRITERS {
                stores.push(database.open(4).await.unwrap());
            }
            stores
        }
        Database::Sqlite(_) => vec![first.clone(); WRITERS],
    };
    let now = faltlogg_server::now_ms();
    let user = first
        .create_team_with_coordinator("Norr", "sara", "hash", now)
        .await
        .unwrap();
    first
        .create_session(b"token", user.id, now, now + 60_000)
        .await
        .unwrap();
    let keys = DeviceSecrets::generate(&mut OsRng).public();
    let (device, _) = first
        .enrol_device(b"token", &user, &keys, now)
        .await
        .unwrap();
    let (team, device) = (device.team, device.info.id);

    let writers: Vec<_> = stores
        .iter()
        .cloned()
        .map(|store| {
            tokio::spawn(async move {
                let mut written = Vec::new();
                for _ in 0..BATCHES {
                    let batch: Vec<NewEnvelope> = (0..BATCH)
                        .map(|_| {
                            let id = Uuid::new_v4();
                            NewEnvelope {
                                id,
                                device,
                                bytes: id.as_bytes().to_vec(),
                                scope: Scope::Team,
                            }
                        })
                        .collect();
                    let seqs = store.push_envelopes(team, &batch, now).await.unwrap();
                    assert!(seqs.iter().all(|s| *s > 0));
                    written.extend(batch.iter().map(|e| e.id));
                }
                written
            })
        })
        .collect();
    let total = WRITERS * BATCHES * BATCH;
    let puller = tokio::spawn({
        let store = stores[WRITERS - 1].clone();
        async move {
            let (mut cursor, mut seen) = (0, Vec::new());
            while seen.len() < total {
                let page = store.pull_envelopes(team, cursor, 50).await.unwrap();
                for (seq, bytes) in page {
                    assert!(seq > cursor, "numbers only grow");
                    cursor = seq;
                    seen.push(Uuid::from_slice(&bytes).unwrap());
                }
                tokio::task::yield_now().await;
            }
            (cursor, seen)
        }
    });
    let mut written = HashSet::new();
    for writer in writers {
        written.extend(writer.await.unwrap());
    }
    let (last, seen) = tokio::time::timeout(std::time::Duration::from_secs(60), puller)
        .await
        .expect("the puller gets everything")
        .unwrap();
    assert_eq!(seen.len(), total, "nothing twice");
    assert_eq!(seen.iter().copied().collect::<HashSet<_>>(), written);
    assert_eq!(last, total as i64, "one number an envelope, none skipped");
    // The same batch again, on another store: every envelope keeps its number.
    let again: Vec<NewEnvelope> = seen[..BATCH]
        .iter()
        .map(|id| NewEnvelope {
            id: *id,
            device,
            bytes: id.as_bytes().to_vec(),
            scope: Scope::Team,
        })
        .collect();
    let seqs = stores[1].push_envelopes(team, &again, now).await.unwrap();
    assert_eq!(seqs, (1..=BATCH as i64).collect::<Vec<_>>());
}
