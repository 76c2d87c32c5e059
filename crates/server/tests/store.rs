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
                let page = store.pull_envelopes(team, cursor, 50, None).await.unwrap();
                for (seq, bytes) in page {
                    assert!(seq > cursor, "numbers only grow");
                    cursor = seq;
                    seen.push(Uuid::from_slice(&bytes.unwrap()).unwrap());
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

mod sign_in_limits {
    use std::net::{IpAddr, Ipv4Addr};
    use std::time::Duration;

    use faltlogg_server::config::SignInLimits;
    use faltlogg_server::throttle::{ClientAddress, Throttle};

    use super::*;

    fn at(last: u8) -> ClientAddress {
        ClientAddress(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)))
    }

    fn limits(per_account: u32, per_address: u32) -> SignInLimits {
        SignInLimits {
            window: Duration::from_secs(60),
            per_account,
            per_address,
        }
    }

    /// Two stores of one fresh database: two servers' worth on PostgreSQL.
    async fn two_stores() -> (tempfile::TempDir, Arc<dyn Store>, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let database = support::database_for(dir.path()).await;
        let one = database.open(2).await.unwrap();
        let two = match database {
            Database::Postgres(_) => database.open(2).await.unwrap(),
            Database::Sqlite(_) => one.clone(),
        };
        (dir, one, two)
    }

    async fn admitted(
        t: &Throttle,
        store: &Arc<dyn Store>,
        name: &str,
        from: ClientAddress,
    ) -> bool {
        t.admit(store.as_ref(), name, from).await.unwrap().is_ok()
    }

    #[tokio::test]
    async fn an_account_is_refused_after_its_limit_from_any_address_on_any_server() {
        let (_dir, one, two) = two_stores().await;
        let throttle = Throttle::new(limits(3, 100));
        for (i, store) in [&one, &two, &one].into_iter().enumerate() {
            assert!(admitted(&throttle, store, "eva", at(i as u8)).await);
        }
        let wait = throttle
            .admit(two.as_ref(), "eva", at(9))
            .await
            .unwrap()
            .err()
            .expect("refused");
        assert!(wait > Duration::from_secs(58) && wait <= Duration::from_secs(60));
        assert!(
            admitted(&throttle, &two, "other", at(9)).await,
            "others still get in"
        );
    }

    #[tokio::test]
    async fn an_address_is_refused_after_its_limit_on_any_account() {
        let (_dir, one, two) = two_stores().await;
        let throttle = Throttle::new(limits(100, 3));
        for (name, store) in [("a", &one), ("b", &two), ("c", &one)] {
            assert!(admitted(&throttle, store, name, at(1)).await);
        }
        assert!(!admitted(&throttle, &two, "d", at(1)).await);
        assert!(admitted(&throttle, &two, "d", at(2)).await);
    }

    #[tokio::test]
    async fn a_success_clears_the_account_but_not_the_address() {
        let (_dir, one, two) = two_stores().await;
        let throttle = Throttle::new(limits(2, 3));
        assert!(admitted(&throttle, &one, "eva", at(1)).await);
        let attempt = throttle.admit(one.as_ref(), "eva", at(1)).await.unwrap();
        attempt.ok().unwrap().succeeded(two.as_ref()).await.unwrap();
        // The account starts again; the address has one attempt counted.
        assert!(admitted(&throttle, &two, "eva", at(1)).await);
        assert!(admitted(&throttle, &one, "eva", at(1)).await);
        assert!(
            !admitted(&throttle, &two, "eva", at(2)).await,
            "account at its limit"
        );
        assert!(
            !admitted(&throttle, &one, "bo", at(1)).await,
            "address at its limit"
        );
    }

    #[tokio::test]
    async fn a_window_that_has_ended_counts_from_zero_and_a_long_name_counts_as_its_start() {
        let (_dir, one, two) = two_stores().await;
        let throttle = Throttle::new(SignInLimits {
            window: Duration::from_millis(300),
            per_account: 1,
            per_address: 10,
        });
        let long = "x".repeat(500);
        assert!(admitted(&throttle, &one, &long, at(1)).await);
        let other_tail = format!("{}y", "x".repeat(499));
        assert!(
            !admitted(&throttle, &two, &other_tail, at(1)).await,
            "counted by the first 64 characters"
        );
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert!(admitted(&throttle, &two, &long, at(1)).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_guesses_on_two_servers_get_no_more_than_the_limit() {
        let (_dir, one, two) = two_stores().await;
        let throttle = Arc::new(Throttle::new(limits(10, 1000)));
        let guesses: Vec<_> = (0..40)
            .map(|i| {
                let store = if i % 2 == 0 { one.clone() } else { two.clone() };
                let throttle = throttle.clone();
                tokio::spawn(async move {
                    throttle
                        .admit(store.as_ref(), "eva", at(i as u8))
                        .await
                        .unwrap()
                        .is_ok()
                })
            })
            .collect();
        let mut admitted = 0;
        for guess in guesses {
            admitted += usize::from(guess.await.unwrap());
        }
        assert_eq!(admitted, 10);
    }
}
