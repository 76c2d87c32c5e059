//! `faltlogg-server admin backup|restore`, the real binary: a backup taken while devices
//! push is consistent, restores onto an empty database of either backend row for row, and
//! serves; a damaged or newer file, or a database that is not empty, is refused by name with
//! nothing changed.

mod support;

use std::collections::BTreeSet;

use faltlogg_client::Device;
use faltlogg_server::db::backup::{BackupError, BackupReader, Value};
use faltlogg_server::db::{BackupSink, Database, Store};
use support::*;
use uuid::Uuid;

fn now() -> u64 {
    faltlogg_server::now_ms() as u64
}

/// Every row of a database, by table, as a backup reads it.
#[derive(Default, Debug, PartialEq)]
struct Rows {
    counts: Vec<u64>,
    rows: Vec<(usize, Vec<Value>)>,
}

impl BackupSink for Rows {
    fn begin(&mut self, counts: Vec<u64>) -> Result<(), BackupError> {
        self.counts = counts;
        Ok(())
    }
    fn row(&mut self, table: usize, row: Vec<Value>) -> Result<(), BackupError> {
        self.rows.push((table, row));
        Ok(())
    }
}

async fn rows_of(store: &dyn Store) -> Rows {
    let mut rows = Rows::default();
    store.backup(&mut rows).await.unwrap();
    rows
}

fn rows_of_file(path: &std::path::Path) -> Rows {
    let mut reader = BackupReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut rows = Rows {
        counts: reader.counts.clone(),
        rows: Vec::new(),
    };
    while let Some((t, frame)) = reader.next_rows().unwrap() {
        rows.rows.extend(frame.into_iter().map(|r| (t, r)));
    }
    rows
}

fn said(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// A fresh database of each backend this run has: SQLite always, PostgreSQL with
/// `FALTLOGG_TEST_POSTGRES`.
async fn empty_databases() -> Vec<(tempfile::TempDir, Database)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("restored.sqlite3");
    out.push((dir, Database::Sqlite(file)));
    if std::env::var("FALTLOGG_TEST_POSTGRES").is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let database = database_for(dir.path()).await;
        out.push((dir, database));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_pushes_restores_row_for_row_onto_either_backend_and_serves() {
    // From each backend this run has, onto each.
    for (dir, database) in empty_databases().await {
        backed_up_during_pushes_and_restored(dir, database).await;
    }
}

async fn backed_up_during_pushes_and_restored(dir: tempfile::TempDir, database: Database) {
    let server = ServerProcess::start(dir.path(), &database).await;
    let mut first = Device::enrol(&server.url, "admin", PASSWORD).await.unwrap();
    let mut second = Device::enrol(&server.url, "admin", PASSWORD).await.unwrap();
    first.approve(second.id).await.unwrap();
    second.collect_keys().await.unwrap();
    for i in 0..300 {
        first.save_contact(&format!("before {i}"), now());
    }
    first.sync(now()).await.unwrap();
    // Pushing on while the backup is taken, from before it starts until after it ends.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pushing = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut round = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for i in 0..20 {
                    second.save_contact(&format!("during {round} {i}"), now());
                }
                second.sync(now()).await.unwrap();
                round += 1;
            }
            second
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let file = dir.path().join("faltlogg.backup");
    let output = tokio::task::spawn_blocking({
        let (dir, database, file) = (dir.path().to_path_buf(), database.clone(), file.clone());
        move || admin_command(&dir, &database, &["backup", file.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", said(&output));
    assert!(said(&output).contains("Backed up"), "{}", said(&output));
    // Not on a terminal: a plain line a table, no bar.
    assert!(said(&output).contains("\nenvelopes: "), "{}", said(&output));
    assert!(!said(&output).contains('\r'), "{}", said(&output));
    assert!(!dir.path().join("faltlogg.backup.partial").exists());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let second = pushing.await.unwrap();
    let backed_up = rows_of_file(&file);

    // Consistent: each team's envelopes numbered without a gap up to its last number.
    let envelopes: Vec<i64> = backed_up
        .rows
        .iter()
        .filter(|(t, _)| *t == 5)
        .map(|(_, row)| match row[1] {
            Value::Int(seq) => seq,
            _ => panic!("a number"),
        })
        .collect();
    let last_seq = backed_up
        .rows
        .iter()
        .find(|(t, _)| *t == 0)
        .map(|(_, row)| row[3].clone())
        .unwrap();
    assert_eq!(last_seq, Value::Int(envelopes.len() as i64));
    assert_eq!(envelopes, (1..=envelopes.len() as i64).collect::<Vec<_>>());
    assert!(
        envelopes.len() >= 300,
        "the first device's pushes are in it"
    );
    assert_eq!(
        backed_up.counts.iter().sum::<u64>(),
        backed_up.rows.len() as u64
    );

    for (restored_dir, target) in empty_databases().await {
        let output = admin_command(
            restored_dir.path(),
            &target,
            &["restore", file.to_str().unwrap()],
        );
        assert!(output.status.success(), "{}", said(&output));
        let store = target.open(1).await.unwrap();
        assert_eq!(rows_of(store.as_ref()).await, backed_up, "row for row");
        store.close().await;
        // A server on the restored database: the devices' sessions still hold, and a new
        // device gets exactly what the backup held.
        let server = ServerProcess::start(restored_dir.path(), &target).await;
        let mut third = Device::enrol(&server.url, "admin", PASSWORD).await.unwrap();
        assert!(
            third.team_keys.is_empty(),
            "a new device waits for approval"
        );
        first.api.url = server.url.clone();
        first.approve(third.id).await.unwrap();
        third.collect_keys().await.unwrap();
        third.sync(now()).await.unwrap();
        let held: BTreeSet<Uuid> = third.storage.envelopes.keys().copied().collect();
        assert_eq!(held.len(), envelopes.len());
        drop(server);
    }
    drop(second);
}

#[tokio::test]
async fn a_damaged_or_newer_backup_or_a_database_in_use_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let database = database_for(dir.path()).await;
    let server = ServerProcess::start(dir.path(), &database).await;
    let mut device = Device::enrol(&server.url, "admin", PASSWORD).await.unwrap();
    for i in 0..700 {
        device.save_contact(&format!("{i}"), now());
    }
    device.sync(now()).await.unwrap();
    let file = dir.path().join("whole.backup");
    let output = admin_command(dir.path(), &database, &["backup", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", said(&output));
    drop(server);

    // Onto the database it came from: not empty, refused, nothing changed.
    let output = admin_command(dir.path(), &database, &["restore", file.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(said(&output).contains("not empty"), "{}", said(&output));

    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let mut newer = bytes[..16].to_vec();
    newer.extend(5u32.to_le_bytes());
    newer.extend([0u8, 9, 0, 0, 0]);
    let newer_file = dir.path().join("newer.backup");
    std::fs::write(&newer_file, &newer).unwrap();
    for (target_dir, target) in empty_databases().await {
        for (bad, says) in [
            (&cut, "ends early"),
            (&newer_file, "newer Fältlogg (backup format 9"),
            (&dir.path().join("none.backup"), "cannot read"),
        ] {
            let output = admin_command(
                target_dir.path(),
                &target,
                &["restore", bad.to_str().unwrap()],
            );
            assert!(!output.status.success());
            assert!(said(&output).contains(says), "{}", said(&output));
        }
        // Nothing of the cut file stayed: the whole backup restores after it.
        let output = admin_command(
            target_dir.path(),
            &target,
            &["restore", file.to_str().unwrap()],
        );
        assert!(output.status.success(), "{}", said(&output));
        let store = target.open(1).await.unwrap();
        assert_eq!(rows_of(store.as_ref()).await, rows_of_file(&file));
        store.close().await;
    }
}
