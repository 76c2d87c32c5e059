//! The server's storage, behind [`Store`] so that each backend (SQLite now, PostgreSQL later)
//! is one implementation owning its own migrations.

pub mod sqlite;

use async_trait::async_trait;
use faltlogg_core::api::{
    Admission, AuditEvent, AuditKind, CheckIn, DeviceGrant, DeviceInfo, DeviceStatus,
    PushSubscription, Revocation, Role, SealedTeamKey, TeamSettings, UserInfo,
};
use faltlogg_core::crypto::device::DevicePublicKeys;
use faltlogg_core::crypto::identity::{Sig, TeamIdentityKey};
use faltlogg_core::envelope::Scope;
use uuid::Uuid;

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

pub type StoreResult<T> = Result<T, StoreError>;

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

#[async_trait]
pub trait Store: Send + Sync + 'static {
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
    /// Up to `limit` envelopes of the team with a sequence number above `after`, in order.
    async fn pull_envelopes(
        &self,
        team: Uuid,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<(i64, Vec<u8>)>>;
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
