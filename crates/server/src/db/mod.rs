//! The server's storage, behind [`Store`] so that each backend is one implementation owning
//! its own migrations: SQLite (one file, the default) and PostgreSQL (chosen by a database
//! URL; several servers may share one). One test suite runs against both (`scripts/test.sh`).

pub mod backup;
pub mod postgres;
mod rows;
pub mod sqlite;

use async_trait::async_trait;
use faltlogg_core::api::{
    Admission, AuditEvent, AuditKind, CheckIn, DeviceGrant, DeviceInfo, DeviceStatus,
    PushSubscription, Revocation, Role, SealedTeamKey, TeamSettings, UserInfo,
};
use faltlogg_core::crypto::device::DevicePublicKeys;
use faltlogg_core::crypto::identity::{Sig, TeamIdentityKey};
use faltlogg_core::crypto::sealed::SealedBox;
use faltlogg_core::envelope::Scope;
use uuid::Uuid;

use std::collections::{HashMap, HashSet};

#[derive(Debug)]
pub enum StoreError {
    /// An envelope with the same id but other bytes exists; `index` is its place in the batch.
    EnvelopeConflict {
        index: usize,
    },
    /// The row to change was not in the expected state (for example, no longer pending).
    StateChanged,
    /// The session already has another device: a session enrols one.
    AlreadyEnrolled,
    /// A name that must be unique (a username, a team's name) is taken.
    Exists,
    /// No such account or team.
    NotFound,
    /// A restore onto a database that holds something: it would mix two servers' data.
    NotEmpty,
    /// A backup file that cannot be written or read.
    Backup(backup::BackupError),
    /// Something the server keeps or needs cannot be used (its Web Push key, the client
    /// that posts pushes).
    Unusable(&'static str),
    Database(sqlx::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::EnvelopeConflict { index } => write!(f, "envelope conflict at {index}"),
            StoreError::StateChanged => f.write_str("row changed concurrently"),
            StoreError::AlreadyEnrolled => f.write_str("the session has another device"),
            StoreError::Exists => f.write_str("the name is taken"),
            StoreError::NotFound => f.write_str("no such account or team"),
            StoreError::NotEmpty => f.write_str(
                "the database is not empty: a backup is restored onto an empty database only",
            ),
            StoreError::Backup(e) => write!(f, "{e}"),
            StoreError::Unusable(what) => write!(f, "{what} cannot be used"),
            StoreError::Database(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

impl From<backup::BackupError> for StoreError {
    fn from(e: backup::BackupError) -> Self {
        StoreError::Backup(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Where a backup's rows go: the counts first (from the same snapshot), then every row of
/// [`backup::TABLES`], table by table.
pub trait BackupSink: Send {
    fn begin(&mut self, counts: Vec<u64>) -> Result<(), backup::BackupError>;
    fn row(&mut self, table: usize, row: Vec<backup::Value>) -> Result<(), backup::BackupError>;
}

/// Where a restore's rows come from: frames of one table's rows, in table order; `None`
/// once the whole file is read and checked.
pub trait BackupSource: Send {
    fn next_rows(&mut self) -> Result<Option<backup::TableRows>, backup::BackupError>;
}

/// A security event to record: who (`user`), with which device, on which device (`target`).
pub struct NewAuditEvent {
    pub team: Uuid,
    pub kind: AuditKind,
    pub user: Option<Uuid>,
    pub device: Option<Uuid>,
    pub target: Option<Uuid>,
    pub at_ms: i64,
}

/// A user with the password hash, for sign-in only.
pub struct UserCredentials {
    pub user: UserInfo,
    pub password_hash: String,
}

/// An account as the operator sees it.
pub struct AccountRow {
    pub user: UserInfo,
    pub disabled: bool,
}

pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub key_epoch: u32,
}

pub struct SessionRow {
    pub user: UserInfo,
    pub device: Option<Uuid>,
}

pub struct DeviceRow {
    pub team: Uuid,
    pub user: Uuid,
    pub info: DeviceInfo,
}

/// An envelope ready to store: its id, sender and bytes, already verified by the caller.
pub struct NewEnvelope {
    pub id: Uuid,
    pub device: Uuid,
    pub bytes: Vec<u8>,
    /// The header's scope: which person key it is under, or which it erases.
    pub scope: Scope,
}

/// Where the server keeps its data: SQLite's file, or a PostgreSQL server's database.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(std::path::PathBuf),
    /// A `postgres://` URL; it may hold a password, so it is never shown (see `Display`).
    Postgres(String),
}

impl Database {
    /// SQLite's file in `data_dir` without a URL; otherwise what the URL names:
    /// `postgres://…` (or `postgresql://…`), or `sqlite:PATH`.
    pub fn from_url(url: Option<&str>, data_dir: &std::path::Path) -> Result<Database, String> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Database::Sqlite(data_dir.join("faltlogg.sqlite3")));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if !path.is_empty() {
                return Ok(Database::Sqlite(path.into()));
            }
        }
        Err("the database URL must begin with postgres:// or sqlite: (a file)".into())
    }

    /// Opens the database, applying its backend's pending migrations. `connections` is the
    /// most PostgreSQL connections this process holds (SQLite, one writer, takes few).
    pub async fn open(&self, connections: u32) -> StoreResult<std::sync::Arc<dyn Store>> {
        Ok(match self {
            Database::Sqlite(path) => std::sync::Arc::new(sqlite::SqliteStore::open(path).await?),
            Database::Postgres(url) => {
                std::sync::Arc::new(postgres::PostgresStore::open(url, connections).await?)
            }
        })
    }
}

/// The file, or the PostgreSQL server and database without user or password.
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => {
                let rest = url.split_once("://").map_or("", |(_, rest)| rest);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                let rest = rest.split_once('?').map_or(rest, |(path, _)| path);
                write!(f, "postgres://{rest}")
            }
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Closes the connections, waiting for what is in flight.
    async fn close(&self);
    async fn user_count(&self) -> StoreResult<i64>;
    /// Makes a team and its first coordinator, in one transaction.
    async fn create_team_with_coordinator(
        &self,
        team_name: &str,
        username: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> StoreResult<UserInfo>;
    /// A user who may sign in (not disabled), with the password hash.
    async fn user_credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>>;

    // The operator's commands (`faltlogg-server admin`).
    async fn teams(&self) -> StoreResult<Vec<TeamRow>>;
    /// An account by its username, disabled or not.
    async fn account(&self, username: &str) -> StoreResult<Option<AccountRow>>;
    async fn accounts(&self) -> StoreResult<Vec<AccountRow>>;
    /// Adds an account to the team named `team_name` ([`StoreError::NotFound`] if there is
    /// none; [`StoreError::Exists`] if the username is taken).
    async fn create_user(
        &self,
        team_name: &str,
        username: &str,
        password_hash: &str,
        role: Role,
        now_ms: i64,
    ) -> StoreResult<UserInfo>;
    /// Disables (and ends every session of) or enables an account.
    async fn set_disabled(&self, username: &str, disabled: bool, now_ms: i64) -> StoreResult<()>;
    /// Sets a new password hash and ends every session of the account.
    async fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()>;

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: Uuid,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()>;
    /// The live session for a token hash; expired sessions are not returned.
    async fn session(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<Option<SessionRow>>;
    /// Ends one session (signing out).
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Ends every session of an account; returns how many there were.
    async fn delete_user_sessions(&self, user: Uuid) -> StoreResult<u64>;

    /// Enrols a device and binds it to the session, which must have no other device
    /// ([`StoreError::AlreadyEnrolled`]; checked under the write lock, so that concurrent
    /// enrolments on one session make one device). The first device of a coordinator in a
    /// team without a key is approved at once and moves the team to epoch 1 (it will make the
    /// key); the returned flag says so.
    async fn enrol_device(
        &self,
        token_hash: &[u8],
        user: &UserInfo,
        keys: &DevicePublicKeys,
        now_ms: i64,
    ) -> StoreResult<(DeviceRow, bool)>;
    async fn device(&self, id: Uuid) -> StoreResult<Option<DeviceRow>>;
    async fn team_devices(&self, team: Uuid) -> StoreResult<Vec<DeviceInfo>>;
    async fn team_epoch(&self, team: Uuid) -> StoreResult<u32>;
    async fn team_settings(&self, team: Uuid) -> StoreResult<TeamSettings>;
    async fn set_team_settings(&self, team: Uuid, settings: &TeamSettings) -> StoreResult<()>;
    /// The team identity's public key, once a coordinator device has sent it.
    async fn team_identity(&self, team: Uuid) -> StoreResult<Option<TeamIdentityKey>>;
    /// Sets the team identity (once: another one is [`StoreError::StateChanged`], the same one
    /// again is a no-op) and stores the admissions, each of an approved device of the team
    /// ([`StoreError::NotFound`] otherwise). All or nothing.
    async fn set_team_identity(
        &self,
        team: Uuid,
        identity: &TeamIdentityKey,
        admissions: &[Admission],
    ) -> StoreResult<()>;
    async fn sealed_team_keys(&self, device: Uuid) -> StoreResult<Vec<SealedTeamKey>>;
    /// Stores the team keys granted to a pending device and the team's admission of it, and
    /// approves it. Fails with [`StoreError::StateChanged`] unless the device is still
    /// pending.
    async fn approve_device(
        &self,
        device: Uuid,
        grants: &[SealedTeamKey],
        admission: &Sig,
        by_device: Uuid,
        now_ms: i64,
    ) -> StoreResult<()>;

    /// Revokes a device of `team`, in one transaction. An approved one moves the team to the
    /// next epoch, whose grants must be for exactly the other approved devices; a pending one
    /// takes no grants. [`StoreError::StateChanged`] if that does not hold (another approval
    /// or revocation came between) or the device is already revoked;
    /// [`StoreError::NotFound`] if it is not in the team.
    async fn revoke_device(
        &self,
        team: Uuid,
        device: Uuid,
        revocation: &Revocation,
        grants: &[DeviceGrant],
        by_device: Uuid,
        now_ms: i64,
    ) -> StoreResult<()>;

    /// Starts `device`'s check-in, or moves its end if one is open.
    async fn set_check_in(
        &self,
        team: Uuid,
        device: Uuid,
        until_ms: i64,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Ends `device`'s check-in, if it has one.
    async fn end_check_in(&self, device: Uuid) -> StoreResult<()>;
    /// The open check-ins of the team's approved devices, soonest end first, each overdue
    /// if its end is before `now_ms`.
    async fn team_check_ins(&self, team: Uuid, now_ms: i64) -> StoreResult<Vec<CheckIn>>;

    /// Marks every check-in whose end is before `now_ms` and whose coordinators were not yet
    /// pushed as pushed, in one statement, and gives each one's team: so each overdue
    /// check-in is pushed once, even with two senders.
    async fn take_overdue_check_ins(&self, now_ms: i64) -> StoreResult<Vec<Uuid>>;

    /// Keeps where `device`'s browser takes pushes, replacing what it had.
    async fn set_push_subscription(
        &self,
        team: Uuid,
        device: Uuid,
        subscription: &PushSubscription,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Forgets `device`'s push subscription, if it has one.
    async fn end_push_subscription(&self, device: Uuid) -> StoreResult<()>;
    /// The push subscriptions of the team's approved coordinator devices, by device.
    async fn coordinator_push_subscriptions(
        &self,
        team: Uuid,
    ) -> StoreResult<Vec<(Uuid, PushSubscription)>>;
    /// The server's secret `name`: the one kept, or, the first time, `fresh`, now kept.
    async fn server_secret(&self, name: &str, fresh: Vec<u8>) -> StoreResult<Vec<u8>>;

    /// Counts a sign-in attempt under each of `keys` (a name and its limit) in windows of
    /// `window_ms`, unless one of them is at its limit: then nothing is counted and the wait
    /// in ms until that window ends is returned. Windows that have ended are deleted. Atomic
    /// across servers on one database.
    async fn count_sign_in(
        &self,
        keys: &[(&str, u32)],
        window_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Option<i64>>;
    /// A sign-in succeeded: `account`'s window is deleted and `address`'s count is one less.
    async fn sign_in_succeeded(&self, account: &str, address: &str) -> StoreResult<()>;

    async fn record_event(&self, event: &NewAuditEvent) -> StoreResult<()>;
    /// Up to `limit` of the team's events older than `before` (an event id), newest first.
    async fn team_events(
        &self,
        team: Uuid,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<AuditEvent>>;

    /// Stores a batch in one transaction, each envelope once, and returns the sequence numbers
    /// in order. A repeated envelope (same id, same bytes) returns its existing number.
    /// An erasure ([`Scope::Erase`]) deletes every envelope of its person key and marks the
    /// key erased, in the same transaction; an envelope of an erased key is dropped, not
    /// stored, and its number is 0.
    async fn push_envelopes(
        &self,
        team: Uuid,
        batch: &[NewEnvelope],
        now_ms: i64,
    ) -> StoreResult<Vec<i64>>;
    /// Writes every table to `sink` from one snapshot: consistent while servers go on
    /// writing.
    async fn backup(&self, sink: &mut dyn BackupSink) -> StoreResult<()>;
    /// Restores a backup onto this database, which must be empty ([`StoreError::NotEmpty`]),
    /// in one transaction: a source that fails half-way (cut short, changed) leaves the
    /// database as empty as it was.
    async fn restore(&self, source: &mut dyn BackupSource) -> StoreResult<()>;

    /// Up to `limit` envelopes of the team with a sequence number above `after`, in order:
    /// each number with the envelope's bytes, or `None` for one of `skip_device`'s (its
    /// bytes are not read).
    async fn pull_envelopes(
        &self,
        team: Uuid,
        after: i64,
        limit: usize,
        skip_device: Option<Uuid>,
    ) -> StoreResult<Vec<(i64, Option<Vec<u8>>)>>;
}

/// What a pushed batch does, worked out before a row is written, the same for every backend:
/// the number each envelope gets, the rows to insert and the person keys the batch erases.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct PushPlan {
    /// One per envelope of the batch, in order: its new or existing number, 0 if dropped.
    pub seqs: Vec<i64>,
    /// The batch's indexes to insert, each with its new number.
    pub inserts: Vec<(usize, i64)>,
    /// Person keys erased by the batch, each with the erasing device; their envelopes
    /// already stored are to be deleted.
    pub erasures: Vec<(Uuid, Uuid)>,
    /// The team's last number after the batch.
    pub last_seq: i64,
}

/// Plans `batch` for a team whose last number is `last_seq`, whose erased keys among the
/// batch's are `erased` and whose envelopes with the batch's ids are `existing` (number and
/// bytes). In batch order, as if each envelope were stored alone: an envelope of an erased
/// key (erased before, or earlier in the batch) is dropped; one already stored (or earlier in
/// the batch) with the same bytes keeps its number, with other bytes the batch is refused
/// ([`StoreError::EnvelopeConflict`]); an erasure deletes what the batch stored of its key
/// before it.
pub(crate) fn plan_push(
    batch: &[NewEnvelope],
    last_seq: i64,
    erased: &HashSet<Uuid>,
    existing: &HashMap<Uuid, (i64, Vec<u8>)>,
) -> StoreResult<PushPlan> {
    let mut plan = PushPlan {
        last_seq,
        ..PushPlan::default()
    };
    let mut erased_now: HashSet<Uuid> = HashSet::new();
    // Stored by this batch so far: id → (number, index in the batch).
    let mut stored_now: HashMap<Uuid, (i64, usize)> = HashMap::new();
    for (index, envelope) in batch.iter().enumerate() {
        let key = envelope.scope.erasable_key();
        if key.is_some_and(|k| erased.contains(&k) || erased_now.contains(&k)) {
            plan.seqs.push(0);
            continue;
        }
        let known = match existing.get(&envelope.id) {
            Some((seq, bytes)) => Some((*seq, bytes.as_slice())),
            None => stored_now
                .get(&envelope.id)
                .map(|(seq, at)| (*seq, batch[*at].bytes.as_slice())),
        };
        if let Some((seq, bytes)) = known {
            if bytes != envelope.bytes.as_slice() {
                return Err(StoreError::EnvelopeConflict { index });
            }
            plan.seqs.push(seq);
            continue;
        }
        plan.last_seq += 1;
        let seq = plan.last_seq;
        stored_now.insert(envelope.id, (seq, index));
        plan.inserts.push((index, seq));
        if let Scope::Erase(key) = envelope.scope {
            erased_now.insert(key);
            plan.erasures.push((key, envelope.device));
        }
        plan.seqs.push(seq);
    }
    // What the batch stored of a key it then erased goes with the key.
    plan.inserts.retain(|(index, _)| {
        batch[*index]
            .scope
            .erasable_key()
            .is_none_or(|k| !erased_now.contains(&k))
    });
    Ok(plan)
}

/// The ids among `batch`'s person keys, for the backend to look up which are erased.
pub(crate) fn batch_keys(batch: &[NewEnvelope]) -> Vec<Uuid> {
    let keys: HashSet<Uuid> = batch
        .iter()
        .filter_map(|e| e.scope.erasable_key())
        .collect();
    keys.into_iter().collect()
}

/// Whether a revocation's grants are for exactly the team's `others` (its other approved
/// devices), all at the epoch after `epoch`.
pub(crate) fn revocation_grants_fit(
    mut others: Vec<Uuid>,
    grants: &[DeviceGrant],
    epoch: i64,
) -> bool {
    let mut granted: Vec<Uuid> = grants.iter().map(|g| g.device).collect();
    granted.sort();
    others.sort();
    granted == others && grants.iter().all(|g| i64::from(g.grant.epoch) == epoch + 1)
}

/// Whether an approval's grants reach the team's epoch as it is now: a revocation that rotated
/// the key since the approver looked would leave the device without the new key.
pub(crate) fn approval_grants_fit(grants: &[SealedTeamKey], epoch: i64) -> bool {
    grants.iter().map(|g| i64::from(g.epoch)).max() == Some(epoch)
}

/// A team's settings from their columns, each checked against its type.
pub(crate) fn team_settings(
    idle: i64,
    wipe: Option<i64>,
    retention: i64,
    threshold: i64,
) -> StoreResult<TeamSettings> {
    Ok(TeamSettings {
        idle_lock_minutes: u8::try_from(idle).map_err(|_| bad_data("idle minutes"))?,
        wipe_after_failures: wipe
            .map(u8::try_from)
            .transpose()
            .map_err(|_| bad_data("wipe after"))?,
        retention_months: u8::try_from(retention).map_err(|_| bad_data("retention"))?,
        report_threshold: u8::try_from(threshold).map_err(|_| bad_data("threshold"))?,
    })
}

/// A grant's sealed boxes as stored (JSON).
pub(crate) fn sealed_json(b: &SealedBox) -> Vec<u8> {
    serde_json::to_vec(b).expect("a sealed box serializes")
}

// What both backends read and write the same way.

/// A stored value the code cannot read: an internal error, never a guess.
pub(crate) fn bad_data(what: &'static str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}

pub(crate) fn signature(bytes: Option<Vec<u8>>) -> StoreResult<Option<Sig>> {
    bytes
        .map(|b| {
            b.try_into()
                .map(Sig)
                .map_err(|_| bad_data("signature is not 64 bytes"))
        })
        .transpose()
}

pub(crate) fn sealed_box(bytes: Option<Vec<u8>>) -> StoreResult<Option<SealedBox>> {
    bytes
        .map(|b| {
            serde_json::from_slice(&b)
                .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
        })
        .transpose()
}

/// A unique index refused the row: a name is taken.
pub(crate) fn taken(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Exists,
        _ => StoreError::Database(e),
    }
}

pub(crate) fn status_str(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Pending => "pending",
        DeviceStatus::Approved => "approved",
        DeviceStatus::Revoked => "revoked",
    }
}

/// `None` for text no version of the schema writes: the caller reports bad data.
pub(crate) fn parse_status(s: &str) -> Option<DeviceStatus> {
    match s {
        "pending" => Some(DeviceStatus::Pending),
        "approved" => Some(DeviceStatus::Approved),
        "revoked" => Some(DeviceStatus::Revoked),
        _ => None,
    }
}

const AUDIT_KINDS: [(AuditKind, &str); 14] = [
    (AuditKind::SignedIn, "signed_in"),
    (AuditKind::SignInFailed, "sign_in_failed"),
    (AuditKind::SignedOut, "signed_out"),
    (AuditKind::Enrolled, "enrolled"),
    (AuditKind::Approved, "approved"),
    (AuditKind::Revoked, "revoked"),
    (AuditKind::HandedOver, "handed_over"),
    (AuditKind::IdentitySet, "identity_set"),
    (AuditKind::SettingsChanged, "settings_changed"),
    (AuditKind::AccountAdded, "account_added"),
    (AuditKind::AccountDisabled, "account_disabled"),
    (AuditKind::AccountEnabled, "account_enabled"),
    (AuditKind::PasswordReset, "password_reset"),
    (AuditKind::Erased, "erased"),
];

pub(crate) fn audit_kind_str(kind: AuditKind) -> &'static str {
    AUDIT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, s)| *s)
        .expect("every kind is listed")
}

/// `None` for text no version of the schema writes: the caller reports bad data.
pub(crate) fn parse_audit_kind(s: &str) -> Option<AuditKind> {
    AUDIT_KINDS.iter().find(|(_, t)| *t == s).map(|(k, _)| *k)
}

pub(crate) fn role_str(r: Role) -> &'static str {
    match r {
        Role::Coordinator => "coordinator",
        Role::Worker => "worker",
    }
}

/// `None` for text no version of the schema writes: the caller reports bad data.
pub(crate) fn parse_role(s: &str) -> Option<Role> {
    match s {
        "coordinator" => Some(Role::Coordinator),
        "worker" => Some(Role::Worker),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(id: u128, scope: Scope, bytes: &[u8]) -> NewEnvelope {
        NewEnvelope {
            id: Uuid::from_u128(id),
            device: Uuid::from_u128(99),
            bytes: bytes.to_vec(),
            scope,
        }
    }

    const PERSON: Uuid = Uuid::from_u128(1000);

    #[test]
    fn a_new_batch_is_numbered_on_from_the_team_s_last_number() {
        let batch = [
            envelope(1, Scope::Team, b"a"),
            envelope(2, Scope::Person(PERSON), b"b"),
        ];
        let plan = plan_push(&batch, 41, &HashSet::new(), &HashMap::new()).unwrap();
        assert_eq!(plan.seqs, [42, 43]);
        assert_eq!(plan.inserts, [(0, 42), (1, 43)]);
        assert_eq!(plan.last_seq, 43);
        assert!(plan.erasures.is_empty());
    }

    #[test]
    fn a_stored_envelope_keeps_its_number_and_other_bytes_under_its_id_refuse_the_batch() {
        let existing = HashMap::from([(Uuid::from_u128(1), (7, b"a".to_vec()))]);
        let batch = [
            envelope(1, Scope::Team, b"a"),
            envelope(2, Scope::Team, b"b"),
            envelope(2, Scope::Team, b"b"),
        ];
        let plan = plan_push(&batch, 9, &HashSet::new(), &existing).unwrap();
        assert_eq!(
            plan.seqs,
            [7, 10, 10],
            "again in the same batch: the same number"
        );
        assert_eq!(plan.inserts, [(1, 10)]);
        let batch = [
            envelope(2, Scope::Team, b"b"),
            envelope(1, Scope::Team, b"not a"),
        ];
        assert!(matches!(
            plan_push(&batch, 9, &HashSet::new(), &existing),
            Err(StoreError::EnvelopeConflict { index: 1 })
        ));
        let batch = [
            envelope(2, Scope::Team, b"b"),
            envelope(2, Scope::Team, b"c"),
        ];
        assert!(matches!(
            plan_push(&batch, 9, &HashSet::new(), &HashMap::new()),
            Err(StoreError::EnvelopeConflict { index: 1 })
        ));
    }

    #[test]
    fn an_erasure_takes_its_key_s_envelopes_before_it_and_drops_those_after() {
        let other = Uuid::from_u128(2000);
        let batch = [
            envelope(1, Scope::Key(PERSON), b"key"),
            envelope(2, Scope::Person(PERSON), b"before"),
            envelope(3, Scope::Person(other), b"someone else"),
            envelope(4, Scope::Erase(PERSON), b"erase"),
            envelope(5, Scope::Person(PERSON), b"after"),
            envelope(2, Scope::Person(PERSON), b"before"),
        ];
        let plan = plan_push(&batch, 0, &HashSet::new(), &HashMap::new()).unwrap();
        assert_eq!(plan.seqs, [1, 2, 3, 4, 0, 0]);
        assert_eq!(plan.inserts, [(2, 3), (3, 4)], "the erasure itself is kept");
        assert_eq!(plan.erasures, [(PERSON, Uuid::from_u128(99))]);
        assert_eq!(plan.last_seq, 4);
        // Erased before: dropped, whatever else is known of it.
        let batch = [envelope(6, Scope::Person(PERSON), b"late")];
        let plan = plan_push(&batch, 4, &HashSet::from([PERSON]), &HashMap::new()).unwrap();
        assert_eq!(plan.seqs, [0]);
        assert!(plan.inserts.is_empty());
        assert_eq!(plan.last_seq, 4);
    }

    #[test]
    fn a_postgres_url_is_shown_without_its_user_and_password() {
        let db = Database::from_url(
            Some("postgres://faltlogg:s3cret@db.example:5432/faltlogg?sslmode=require"),
            std::path::Path::new("data"),
        )
        .unwrap();
        assert_eq!(db.to_string(), "postgres://db.example:5432/faltlogg");
        assert!(!format!("{db:?}").contains("s3cret"));
        assert_eq!(
            Database::from_url(None, std::path::Path::new("data")).unwrap(),
            Database::Sqlite("data/faltlogg.sqlite3".into())
        );
        assert_eq!(
            Database::from_url(Some("sqlite:/srv/f.db"), std::path::Path::new("data")).unwrap(),
            Database::Sqlite("/srv/f.db".into())
        );
        assert!(Database::from_url(Some("mysql://x"), std::path::Path::new("data")).is_err());
    }
}
