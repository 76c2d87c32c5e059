//! `faltlogg-server admin backup|restore`: a backup file written or read with the operator
//! watching, a progress bar on a terminal (indicatif) and a plain line a table otherwise
//! (a cron job's mail, a log), both on standard error.

use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::db::backup::{BackupError, BackupReader, BackupWriter, TableRows, Value, TABLES};
use crate::db::{BackupSink, BackupSource, Store, StoreError};

/// What the operator sees of a long copy.
enum Progress {
    Bar(ProgressBar),
    /// Rows of the table being copied, told when the next one starts.
    Lines {
        table: Option<usize>,
        rows: u64,
    },
}

impl Progress {
    fn new(total: u64) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{msg:>18} [{bar:30}] {pos}/{len} rows ({eta})")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                table: None,
                rows: 0,
            }
        }
    }

    fn rows(&mut self, table: usize, n: u64) {
        match self {
            Progress::Bar(bar) => {
                bar.set_message(TABLES[table].name);
                bar.inc(n);
            }
            Progress::Lines {
                table: current,
                rows,
            } => {
                if *current != Some(table) {
                    Self::tell(*current, *rows);
                    (*current, *rows) = (Some(table), 0);
                }
                *rows += n;
            }
        }
    }

    fn tell(table: Option<usize>, rows: u64) {
        if let Some(t) = table {
            eprintln!("{}: {rows} rows", TABLES[t].name);
        }
    }

    fn finish(self) {
        match self {
            Progress::Bar(bar) => bar.finish_and_clear(),
            Progress::Lines { table, rows } => Self::tell(table, rows),
        }
    }
}

struct FileSink {
    file: Option<BufWriter<File>>,
    writer: Option<BackupWriter<BufWriter<File>>>,
    progress: Option<Progress>,
    created_ms: i64,
}

impl BackupSink for FileSink {
    fn begin(&mut self, counts: Vec<u64>) -> Result<(), BackupError> {
        self.progress = Some(Progress::new(counts.iter().sum()));
        let file = self.file.take().expect("begun once");
        self.writer = Some(BackupWriter::new(file, counts, self.created_ms)?);
        Ok(())
    }

    fn row(&mut self, table: usize, row: Vec<Value>) -> Result<(), BackupError> {
        self.writer.as_mut().expect("begun").row(table, row)?;
        if let Some(progress) = &mut self.progress {
            progress.rows(table, 1);
        }
        Ok(())
    }
}

/// Writes a consistent backup of `store` to `path`: first to a file beside it, renamed into
/// place once complete, so a backup cut short never stands under the name. Returns the rows.
pub async fn backup(store: &dyn Store, path: &Path, now_ms: i64) -> Result<u64, String> {
    let partial = partial_path(path);
    let file =
        File::create(&partial).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    let mut sink = FileSink {
        file: Some(BufWriter::new(file)),
        writer: None,
        progress: None,
        created_ms: now_ms,
    };
    let result = store.backup(&mut sink).await;
    let written = sink.writer.as_ref().map_or(0, |w| w.written);
    if let Some(progress) = sink.progress.take() {
        progress.finish();
    }
    let finished = result.map_err(|e| e.to_string()).and_then(|()| {
        let writer = sink.writer.take().ok_or("nothing was read")?;
        let file = writer.finish().map_err(|e| e.to_string())?;
        let file = file.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())
    });
    if let Err(e) = finished {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("backup failed: {e}"));
    }
    std::fs::rename(&partial, path)
        .map_err(|e| format!("cannot move the backup to {}: {e}", path.display()))?;
    Ok(written)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

struct FileSource {
    reader: BackupReader<BufReader<File>>,
    progress: Progress,
    rows: u64,
}

impl BackupSource for FileSource {
    fn next_rows(&mut self) -> Result<Option<TableRows>, BackupError> {
        let next = self.reader.next_rows()?;
        if let Some((table, rows)) = &next {
            self.progress.rows(*table, rows.len() as u64);
            self.rows += rows.len() as u64;
        }
        Ok(next)
    }
}

/// Restores the backup at `path` onto `store`, which must be empty: all of it, or, if the
/// file is damaged or anything fails, nothing. Returns the rows and when it was made.
pub async fn restore(store: &dyn Store, path: &Path) -> Result<(u64, i64), String> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let reader = BackupReader::new(BufReader::new(file))
        .map_err(|e| format!("cannot restore {}: {e}", path.display()))?;
    let created_ms = reader.created_ms;
    let total = reader.counts.iter().sum();
    let mut source = FileSource {
        reader,
        progress: Progress::new(total),
        rows: 0,
    };
    let result = store.restore(&mut source).await;
    let FileSource { progress, rows, .. } = source;
    progress.finish();
    match result {
        Ok(()) => Ok((rows, created_ms)),
        Err(e @ StoreError::NotEmpty) => Err(format!("cannot restore: {e}")),
        Err(e) => Err(format!("restore failed, nothing was restored: {e}")),
    }
}
