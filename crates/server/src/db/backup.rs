//! The backup file: every table the server keeps, row by row, in one backend-neutral format,
//! so that a backup of either backend restores onto an empty database of either.
//!
//! The file is a magic line, then frames (a little-endian u32 length and a postcard value):
//! a [`Frame::Header`] naming the format, the tables and their columns and how many rows
//! each has; [`Frame::Rows`] in table order; and a [`Frame::End`] with the SHA-256 of
//! everything before it. A file cut short has no end, and one changed anywhere does not
//! match it: a restore reads to the end inside one transaction and commits only then.
//!
//! It holds what the database holds: ciphertext, public keys, password and token hashes,
//! and the server's Web Push signing key. Keep it as safe as the database.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 16] = b"FALTLOGG-BACKUP\n";
/// This version's format; a file of a higher one is refused, by name.
pub const FORMAT: u32 = 1;
/// Rows a frame, and a restore's insert, at most.
pub const ROWS_PER_FRAME: usize = 500;
/// The largest frame read: rows of envelopes of the largest size, with room.
const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// What a column holds, as both backends can read and write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Uuid,
    Int,
    Text,
    Bytes,
    Bool,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Uuid(Uuid),
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// The order rows are written in (the primary key).
    pub order_by: &'static str,
}

use Kind::*;

/// Every table a backup holds, parents before children. Sign-in windows are left out: they
/// are a quarter of an hour's counts.
pub const TABLES: &[Table] = &[
    Table {
        name: "teams",
        columns: &[
            ("id", Uuid),
            ("name", Text),
            ("key_epoch", Int),
            ("last_seq", Int),
            ("created_at", Int),
            ("identity_key", Bytes),
            ("idle_lock_minutes", Int),
            ("wipe_after_failures", Int),
            ("retention_months", Int),
            ("report_threshold", Int),
        ],
        order_by: "id",
    },
    Table {
        name: "users",
        columns: &[
            ("id", Uuid),
            ("team_id", Uuid),
            ("username", Text),
            ("password_hash", Text),
            ("role", Text),
            ("created_at", Int),
            ("disabled_at", Int),
        ],
        order_by: "id",
    },
    Table {
        name: "devices",
        columns: &[
            ("id", Uuid),
            ("team_id", Uuid),
            ("user_id", Uuid),
            ("signing_key", Bytes),
            ("exchange_key", Bytes),
            ("status", Text),
            ("enrolled_at", Int),
            ("approved_by", Uuid),
            ("approved_at", Int),
            ("admission", Bytes),
            ("revoked_at", Int),
            ("revocation", Bytes),
        ],
        order_by: "id",
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Bytes),
            ("user_id", Uuid),
            ("device_id", Uuid),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        order_by: "token_hash",
    },
    Table {
        name: "sealed_team_keys",
        columns: &[
            ("device_id", Uuid),
            ("epoch", Int),
            ("sealed", Bytes),
            ("sealed_by", Uuid),
            ("created_at", Int),
            ("identity", Bytes),
            ("signature", Bytes),
        ],
        order_by: "device_id, epoch",
    },
    Table {
        name: "envelopes",
        columns: &[
            ("team_id", Uuid),
            ("seq", Int),
            ("id", Uuid),
            ("device_id", Uuid),
            ("bytes", Bytes),
            ("received_at", Int),
            ("scope_key", Uuid),
        ],
        order_by: "team_id, seq",
    },
    Table {
        name: "audit_events",
        columns: &[
            ("id", Int),
            ("team_id", Uuid),
            ("at", Int),
            ("kind", Text),
            ("user_id", Uuid),
            ("device_id", Uuid),
            ("target_device", Uuid),
        ],
        order_by: "id",
    },
    Table {
        name: "erasures",
        columns: &[
            ("team_id", Uuid),
            ("key_id", Uuid),
            ("erased_at", Int),
            ("device_id", Uuid),
        ],
        order_by: "team_id, key_id",
    },
    Table {
        name: "check_ins",
        columns: &[
            ("device_id", Uuid),
            ("team_id", Uuid),
            ("started_at", Int),
            ("until_at", Int),
            ("alerted", Bool),
        ],
        order_by: "device_id",
    },
    Table {
        name: "push_subscriptions",
        columns: &[
            ("device_id", Uuid),
            ("team_id", Uuid),
            ("endpoint", Text),
            ("p256dh", Bytes),
            ("auth", Bytes),
            ("created_at", Int),
        ],
        order_by: "device_id",
    },
    Table {
        name: "server_keys",
        columns: &[("name", Text), ("secret", Bytes)],
        order_by: "name",
    },
];

impl Table {
    /// `SELECT` of every column in order, each as the backend's `read` shapes it.
    pub fn select(&self, read: impl Fn(&str, Kind) -> String) -> String {
        let columns: Vec<String> = self.columns.iter().map(|(c, k)| read(c, *k)).collect();
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            self.name,
            self.order_by
        )
    }

    pub fn column_names(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        names.join(", ")
    }
}

/// One frame of rows: its table's place in [`TABLES`], and the rows.
pub type TableRows = (usize, Vec<Vec<Value>>);

#[derive(Debug, Serialize, Deserialize)]
pub enum Frame {
    Header {
        format: u32,
        created_ms: i64,
        /// Each table's name and columns, as written.
        tables: Vec<(String, Vec<String>)>,
        /// Each table's rows.
        counts: Vec<u64>,
    },
    Rows {
        table: u16,
        rows: Vec<Vec<Value>>,
    },
    End {
        sha256: [u8; 32],
    },
}

/// Why a backup file cannot be read or written.
#[derive(Debug)]
pub enum BackupError {
    Io(std::io::Error),
    NotABackup,
    /// Made by a newer version, whose format this one does not read.
    Newer(u32),
    /// Its tables or columns are not this version's.
    OtherSchema,
    /// Cut short, or changed after it was written.
    Damaged(&'static str),
}

impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackupError::Io(e) => write!(f, "{e}"),
            BackupError::NotABackup => f.write_str("not a Fältlogg backup file"),
            BackupError::Newer(v) => write!(
                f,
                "the backup was made by a newer Fältlogg (backup format {v}; this one reads up to {FORMAT}): restore it with that version or a later one"
            ),
            BackupError::OtherSchema => f.write_str(
                "the backup's tables are not this version's: restore it with the version that made it",
            ),
            BackupError::Damaged(why) => write!(f, "the backup file is damaged: {why}"),
        }
    }
}

impl From<std::io::Error> for BackupError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                BackupError::Damaged("it ends early (cut short while written or copied?)")
            }
            _ => BackupError::Io(e),
        }
    }
}

/// Writes frames, hashing every byte.
pub struct BackupWriter<W: Write> {
    out: W,
    hash: Sha256,
    rows: Vec<Vec<Value>>,
    table: u16,
    /// Rows written so far, for a progress display.
    pub written: u64,
}

impl<W: Write> BackupWriter<W> {
    /// Starts the file with the magic line and the header.
    pub fn new(mut out: W, counts: Vec<u64>, created_ms: i64) -> Result<Self, BackupError> {
        out.write_all(MAGIC)?;
        let mut writer = BackupWriter {
            out,
            hash: Sha256::new_with_prefix(MAGIC),
            rows: Vec::new(),
            table: 0,
            written: 0,
        };
        let tables = TABLES
            .iter()
            .map(|t| {
                (
                    t.name.to_string(),
                    t.columns.iter().map(|(c, _)| c.to_string()).collect(),
                )
            })
            .collect();
        writer.frame(&Frame::Header {
            format: FORMAT,
            created_ms,
            tables,
            counts,
        })?;
        Ok(writer)
    }

    fn frame(&mut self, frame: &Frame) -> Result<(), BackupError> {
        let bytes = postcard::to_allocvec(frame).expect("frames serialize");
        let len = (bytes.len() as u32).to_le_bytes();
        self.hash.update(len);
        self.hash.update(&bytes);
        self.out.write_all(&len)?;
        self.out.write_all(&bytes)?;
        Ok(())
    }

    /// One row of table `table` (its place in [`TABLES`]); tables in order.
    pub fn row(&mut self, table: usize, row: Vec<Value>) -> Result<(), BackupError> {
        if table as u16 != self.table || self.rows.len() == ROWS_PER_FRAME {
            self.flush_rows()?;
            self.table = table as u16;
        }
        self.rows.push(row);
        self.written += 1;
        Ok(())
    }

    fn flush_rows(&mut self) -> Result<(), BackupError> {
        if !self.rows.is_empty() {
            let rows = std::mem::take(&mut self.rows);
            self.frame(&Frame::Rows {
                table: self.table,
                rows,
            })?;
        }
        Ok(())
    }

    /// Ends the file with its hash, and gives the writer back.
    pub fn finish(mut self) -> Result<W, BackupError> {
        self.flush_rows()?;
        let sha256 = self.hash.clone().finalize().into();
        self.frame(&Frame::End { sha256 })?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads a backup file's frames, checking the hash at the end.
pub struct BackupReader<R: Read> {
    input: R,
    hash: Sha256,
    /// Each table's rows, from the header.
    pub counts: Vec<u64>,
    pub created_ms: i64,
    ended: bool,
}

impl<R: Read> BackupReader<R> {
    /// Reads the magic line and the header, refusing a file of another version.
    pub fn new(mut input: R) -> Result<Self, BackupError> {
        let mut magic = [0u8; 16];
        input
            .read_exact(&mut magic)
            .map_err(|_| BackupError::NotABackup)?;
        if &magic != MAGIC {
            return Err(BackupError::NotABackup);
        }
        let mut reader = BackupReader {
            input,
            hash: Sha256::new_with_prefix(MAGIC),
            counts: Vec::new(),
            created_ms: 0,
            ended: false,
        };
        // The format comes first in the header: a newer file is named as newer even if the
        // rest of its header is not this version's shape.
        let bytes = reader.frame_bytes()?;
        let format = match postcard::take_from_bytes::<u32>(&bytes[1..]) {
            Ok((format, _)) if bytes.first() == Some(&0) => format,
            _ => return Err(BackupError::NotABackup),
        };
        if format > FORMAT {
            return Err(BackupError::Newer(format));
        }
        match postcard::from_bytes(&bytes).map_err(|_| BackupError::NotABackup)? {
            Frame::Header {
                tables,
                counts,
                created_ms,
                ..
            } => {
                let ours: Vec<(String, Vec<String>)> = TABLES
                    .iter()
                    .map(|t| {
                        (
                            t.name.to_string(),
                            t.columns.iter().map(|(c, _)| c.to_string()).collect(),
                        )
                    })
                    .collect();
                if tables != ours || counts.len() != TABLES.len() {
                    return Err(BackupError::OtherSchema);
                }
                reader.counts = counts;
                reader.created_ms = created_ms;
                Ok(reader)
            }
            _ => Err(BackupError::NotABackup),
        }
    }

    fn frame_bytes(&mut self) -> Result<Vec<u8>, BackupError> {
        let mut len = [0u8; 4];
        self.input.read_exact(&mut len)?;
        let n = u32::from_le_bytes(len) as usize;
        if n > MAX_FRAME_BYTES {
            return Err(BackupError::Damaged(
                "a frame is larger than any backup writes",
            ));
        }
        let mut bytes = vec![0u8; n];
        self.input.read_exact(&mut bytes)?;
        self.hash.update(len);
        self.hash.update(&bytes);
        Ok(bytes)
    }

    /// The next frame of rows: its table and rows, each row checked against the table's
    /// columns; `None` after the end, once the hash matches.
    pub fn next_rows(&mut self) -> Result<Option<TableRows>, BackupError> {
        if self.ended {
            return Ok(None);
        }
        let before = self.hash.clone();
        let bytes = self.frame_bytes()?;
        match postcard::from_bytes(&bytes) {
            Ok(Frame::Rows { table, rows }) => {
                let table = table as usize;
                let columns = TABLES
                    .get(table)
                    .ok_or(BackupError::Damaged("a table that is not in its header"))?
                    .columns;
                let fits = rows.iter().all(|row| {
                    row.len() == columns.len()
                        && row.iter().zip(columns).all(|(v, (_, kind))| fits(v, *kind))
                });
                if !fits {
                    return Err(BackupError::Damaged("a row does not fit its table"));
                }
                Ok(Some((table, rows)))
            }
            Ok(Frame::End { sha256 }) => {
                if before.finalize().as_slice() != sha256 {
                    return Err(BackupError::Damaged(
                        "its contents do not match its checksum",
                    ));
                }
                self.ended = true;
                Ok(None)
            }
            _ => Err(BackupError::Damaged("a frame that does not decode")),
        }
    }
}

fn fits(value: &Value, kind: Kind) -> bool {
    matches!(
        (value, kind),
        (Value::Null, _)
            | (Value::Uuid(_), Kind::Uuid)
            | (Value::Int(_), Kind::Int)
            | (Value::Text(_), Kind::Text)
            | (Value::Bytes(_), Kind::Bytes)
            | (Value::Bool(_), Kind::Bool)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(rows: &[(usize, Vec<Value>)]) -> Vec<u8> {
        let mut counts = vec![0; TABLES.len()];
        for (t, _) in rows {
            counts[*t] += 1;
        }
        let mut writer = BackupWriter::new(Vec::new(), counts, 42).unwrap();
        for (t, row) in rows {
            writer.row(*t, row.clone()).unwrap();
        }
        writer.finish().unwrap()
    }

    fn key(n: u8) -> Vec<Value> {
        vec![Value::Text(format!("k{n}")), Value::Bytes(vec![n; 3])]
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<(usize, Vec<Value>)>, BackupError> {
        let mut reader = BackupReader::new(bytes)?;
        let mut rows = Vec::new();
        while let Some((t, frame)) = reader.next_rows()? {
            rows.extend(frame.into_iter().map(|r| (t, r)));
        }
        Ok(rows)
    }

    #[test]
    fn rows_come_back_as_written_across_frames() {
        let keys = TABLES.len() - 1;
        let rows: Vec<(usize, Vec<Value>)> = (0..1200).map(|i| (keys, key(i as u8))).collect();
        assert_eq!(read_all(&written(&rows)).unwrap(), rows);
    }

    #[test]
    fn a_cut_changed_newer_or_foreign_file_is_refused_by_name() {
        let keys = TABLES.len() - 1;
        let bytes = written(&[(keys, key(1)), (keys, key(2))]);
        for cut in [20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                matches!(read_all(&bytes[..cut]), Err(BackupError::Damaged(_))),
                "cut at {cut}"
            );
        }
        let mut changed = bytes.clone();
        let at = changed.len() - 40;
        changed[at] ^= 1;
        assert!(matches!(read_all(&changed), Err(BackupError::Damaged(_))));
        assert!(matches!(
            read_all(b"PK\x03\x04 a zip file"),
            Err(BackupError::NotABackup)
        ));
        // A header of format 2 (its first field), whatever follows.
        let mut newer = MAGIC.to_vec();
        let header = [0u8, 2, 1, 2, 3];
        newer.extend((header.len() as u32).to_le_bytes());
        newer.extend(header);
        assert!(matches!(read_all(&newer), Err(BackupError::Newer(2))));
        assert!(read_all(&bytes).is_ok());
    }
}
