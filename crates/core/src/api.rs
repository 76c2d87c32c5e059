//! Wire types of the coordination server's API, shared by the server and the PWA so the two
//! cannot drift apart. Each travels as JSON (binary fields as base64url), the default for
//! people and tools, or as postcard ([`POSTCARD_MEDIA_TYPE`]), which the PWA uses so that its
//! wasm carries no JSON codec. Postcard is positional and not self-describing: a field is never
//! skipped when empty, and any change to the fields of a type below bumps the version in
//! [`POSTCARD_MEDIA_TYPE`], so a PWA still cached from an older server is told to update (406
//! or 415) instead of misreading bytes.
//!
//! | method | path | auth | body → reply |
//! |---|---|---|---|
//! | GET | /api/health | none | → [`Health`] |
//! | POST | /api/session | none | [`SignInRequest`] → [`SignInResponse`] |
//! | DELETE | /api/session | session | → `204` (signs this session out) |
//! | DELETE | /api/sessions | session | → `204` (signs out every session of the account) |
//! | POST | /api/devices | session | [`EnrolRequest`] → [`MyDevice`] |
//! | GET | /api/devices/me | session + device | → [`MyDevice`] |
//! | GET | /api/devices/me/revocation | session + revoked device | → [`Revocation`] |
//! | GET | /api/devices | approved device | → [`DeviceList`] |
//! | POST | /api/devices/{id}/approve | coordinator device | [`ApproveRequest`] → [`DeviceInfo`] |
//! | POST | /api/devices/{id}/revoke | coordinator device | [`RevokeRequest`] → [`DeviceInfo`] |
//! | GET | /api/team/events?before=N | coordinator device | → [`AuditPage`] |
//! | PUT | /api/team/settings | coordinator device | [`TeamSettings`] → `204` |
//! | PUT | /api/team/identity | coordinator device | [`TeamIdentityRequest`] → `204` (once per team) |
//! | POST | /api/envelopes | approved device | [`PushRequest`] → [`PushResponse`] |
//! | GET | /api/envelopes?after=N | approved device | → [`PullResponse`] |
//! | PUT | /api/check-in | approved device | [`CheckInRequest`] → `204` (starts or moves this device's) |
//! | DELETE | /api/check-in | approved device | → `204` (checks this device out) |
//! | GET | /api/check-ins | approved device | → [`CheckInList`] (the team's) |
//! | GET | /api/push/key | approved device | → [`PushKey`] |
//! | PUT | /api/push/subscription | coordinator device | [`PushSubscription`] → `204` |
//! | DELETE | /api/push/subscription | approved device | → `204` |
//!
//! Every error the API itself produces is a 4xx or 5xx with an [`ErrorBody`] body (a wrong
//! HTTP method gets axum's bare 405).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto::device::{DevicePublicKeys, DeviceSecrets};
use crate::crypto::identity::{Sig, TeamIdentity, TeamIdentityKey};
use crate::crypto::sealed::{self, SealedBox};
use crate::crypto::{CryptoError, SymmetricKey, TeamKey};
use crate::envelope::{Envelope, EnvelopeError};
use crate::Csprng;

/// The media type of a postcard body (`Content-Type`) or reply (`Accept`).
pub const POSTCARD_MEDIA_TYPE: &str = "application/vnd.faltlogg.v2+postcard";

/// Most envelopes in one push. Each request costs the server a session check and a
/// transaction whatever it holds, and a phone a round trip, which is most of what a phone's
/// push of thousands waits for: 10,000 in Chromium took 1.59 s in batches of 250 and 1.33 s
/// in batches of 500 (2026-12-03). 500 of the common 1 KB envelopes are about 700 KB of
/// JSON, under [`MAX_BODY_BYTES`] (larger ones: [`fits_in_push`]).
pub const MAX_PUSH_BATCH: usize = 500;
/// Most envelopes in one pull reply.
pub const MAX_PULL_BATCH: usize = 500;
/// Largest request body the server reads, in bytes. A full batch of the largest envelopes
/// does not fit: clients split by size too (see [`fits_in_push`]).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Whether one more envelope of `envelope_len` bytes (all of it, header and ciphertext) keeps a
/// push body under the limit. Sized for JSON, the larger encoding: base64 grows bytes by 4/3, and 16 bytes cover the
/// quotes, the comma and the rounding (an envelope is one string of its bytes).
pub fn fits_in_push(body_so_far: usize, envelope_len: usize) -> bool {
    body_so_far + push_size(envelope_len) <= MAX_BODY_BYTES
}

/// What one envelope of `envelope_len` bytes adds to a push body, at most.
pub fn push_size(envelope_len: usize) -> usize {
    envelope_len * 4 / 3 + 16
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

impl core::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the team: approves devices, sees the caseload.
    Coordinator,
    /// Outreach worker or social worker.
    Worker,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: Uuid,
    pub username: String,
    pub role: Role,
    pub team: Uuid,
    pub team_name: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SignInResponse {
    /// Bearer token for the `Authorization` header. Secret: kept only inside the vault.
    pub token: String,
    pub expires_at_ms: i64,
    pub user: UserInfo,
}

impl core::fmt::Debug for SignInResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignInResponse")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub keys: DevicePublicKeys,
    /// The device's signature over [`enrol_proof_message`]: proves it holds the signing key,
    /// so nobody binds a session to a device by knowing its public keys.
    #[serde(with = "crate::b64::array")]
    pub proof: [u8; 64],
}

impl EnrolRequest {
    /// What a device sends to enrol, or to bind itself to a new session `token`.
    pub fn new(device: &DeviceSecrets, token: &str) -> EnrolRequest {
        let proof = device.sign(&enrol_proof_message(&token_hash(token)));
        EnrolRequest {
            keys: device.public(),
            proof,
        }
    }
}

/// The SHA-256 of a session token, as the server stores it.
pub fn token_hash(token: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).into()
}

/// What a device signs when it enrols: ties its keys to this one session.
pub fn enrol_proof_message(token_hash: &[u8]) -> Vec<u8> {
    let mut message = b"faltlogg-enrol-v1".to_vec();
    message.extend_from_slice(token_hash);
    message
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// Enrolled, waiting for a coordinator to approve it and seal the team key to it.
    Pending,
    Approved,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: Uuid,
    pub username: String,
    /// The role of the device's account: a coordinator's device is granted the team identity.
    pub role: Role,
    pub status: DeviceStatus,
    pub keys: DevicePublicKeys,
    pub enrolled_at_ms: i64,
    /// The team identity's signature admitting this device with these keys
    /// ([`TeamIdentityKey::verify_admission`]); `None` until it is approved.
    pub admission: Option<Sig>,
    /// Set once a coordinator has revoked the device.
    pub revocation: Option<Revocation>,
}

/// A device revoked as of `at_ms`, signed by the team identity
/// ([`TeamIdentityKey::verify_revocation`]): a change it stamped later is not the team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub at_ms: i64,
    pub signature: Sig,
}

/// A team key granted to one device: sealed to its X25519 key, and signed by the team's
/// identity, so that a device takes no key that its team did not give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedTeamKey {
    pub epoch: u32,
    pub sealed: SealedBox,
    /// For a coordinator's device: the team identity's secret, sealed the same way.
    pub identity: Option<SealedBox>,
    /// The team identity's signature over the grant, its team and the device it is for.
    /// `None` only in grants stored before team identities existed: read, never made.
    pub signature: Option<Sig>,
}

impl SealedTeamKey {
    /// Grants `key` of `team` to `device` (whose public keys are `recipient`): sealed to its
    /// X25519 key, bound to team and epoch, with the identity too if `share_identity`, and
    /// signed by `identity`.
    pub fn grant(
        identity: &TeamIdentity,
        team: Uuid,
        device: Uuid,
        recipient: &DevicePublicKeys,
        key: &TeamKey,
        share_identity: bool,
        rng: &mut impl Csprng,
    ) -> SealedTeamKey {
        let context = team_key_context(team, key.epoch);
        let sealed = sealed::seal(&recipient.exchange, &context, key.key.as_bytes(), rng);
        let shared = share_identity.then(|| {
            sealed::seal(
                &recipient.exchange,
                &identity_context(team),
                identity.as_bytes(),
                rng,
            )
        });
        let message = grant_message(
            team,
            device,
            &recipient.exchange,
            key.epoch,
            &sealed,
            &shared,
        );
        SealedTeamKey {
            epoch: key.epoch,
            sealed,
            identity: shared,
            signature: Some(identity.sign(&message)),
        }
    }

    /// Whether the team identity `by` granted this to `device` with exchange key `exchange`.
    pub fn verify(
        &self,
        team: Uuid,
        device: Uuid,
        exchange: &[u8; 32],
        by: &TeamIdentityKey,
    ) -> Result<(), CryptoError> {
        let signature = self.signature.as_ref().ok_or(CryptoError::Signature)?;
        let message = grant_message(
            team,
            device,
            exchange,
            self.epoch,
            &self.sealed,
            &self.identity,
        );
        by.verify(&message, signature)
    }

    /// Opens a team key sealed to this device, and the team identity if it was shared.
    pub fn open(
        &self,
        team: Uuid,
        device: &DeviceSecrets,
    ) -> Result<(TeamKey, Option<TeamIdentity>), CryptoError> {
        let bytes = sealed::open(device, &team_key_context(team, self.epoch), &self.sealed)?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Malformed)?;
        let identity = match &self.identity {
            Some(sealed_identity) => {
                let bytes = sealed::open(device, &identity_context(team), sealed_identity)?;
                let secret: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| CryptoError::Malformed)?;
                Some(TeamIdentity::from_bytes(secret))
            }
            None => None,
        };
        Ok((
            TeamKey {
                epoch: self.epoch,
                key: SymmetricKey::from_bytes(key),
            },
            identity,
        ))
    }
}

/// What a team identity signs to grant a key: every byte of the grant, and for whom it is.
fn grant_message(
    team: Uuid,
    device: Uuid,
    exchange: &[u8; 32],
    epoch: u32,
    sealed: &SealedBox,
    identity: &Option<SealedBox>,
) -> Vec<u8> {
    let mut message = b"faltlogg-grant-v1".to_vec();
    message.extend_from_slice(team.as_bytes());
    message.extend_from_slice(device.as_bytes());
    message.extend_from_slice(exchange);
    message.extend_from_slice(&epoch.to_le_bytes());
    let encoded = postcard::to_allocvec(&(sealed, identity)).expect("a sealed box encodes");
    message.extend_from_slice(&encoded);
    message
}

/// The associated data the team identity is sealed under.
fn identity_context(team: Uuid) -> Vec<u8> {
    let mut context = b"faltlogg-team-identity-v1".to_vec();
    context.extend_from_slice(team.as_bytes());
    context
}

/// What a device learns about itself: its status, and the team keys sealed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDevice {
    pub device: DeviceInfo,
    /// The team's current key epoch; 0 while the team has no key yet.
    pub team_epoch: u32,
    /// True for the first device of a coordinator in a team that has no key: it makes the
    /// team key (epoch 1) and the team identity itself. A device that has pinned an identity
    /// never does, whatever this says.
    pub make_team_key: bool,
    pub sealed_team_keys: Vec<SealedTeamKey>,
    /// The team identity's public key as the server has it; `None` before the first
    /// coordinator device has made it. A new device pins it (the pairing code shows it).
    pub team_identity: Option<TeamIdentityKey>,
    /// What the team's coordinators set for its phones.
    pub settings: TeamSettings,
}

/// A worker going out alone: when they expect to be back. The server keeps this and the
/// device, nothing else: never where, or with whom (docs/security.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInRequest {
    pub until_ms: i64,
}

impl CheckInRequest {
    /// How far ahead a check-in may end: a long evening shift, not an open-ended absence.
    pub const LONGEST_MS: i64 = 16 * 3_600_000;
}

/// The server's key for Web Push (VAPID, RFC 8292): an uncompressed P-256 point, which a
/// browser takes as `applicationServerKey` when it subscribes, so that its push service
/// accepts pushes from this server alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKey {
    #[serde(with = "crate::b64")]
    pub key: Vec<u8>,
}

/// Where a coordinator's browser takes pushes (RFC 8030), as `PushManager.subscribe` gives
/// it: the push service's address for this browser, and the browser's keys that what is
/// sent there is encrypted to (RFC 8291). The push service sees when a push comes, never
/// what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscription {
    pub endpoint: String,
    /// The browser's P-256 key, an uncompressed point (65 bytes).
    #[serde(with = "crate::b64")]
    pub p256dh: Vec<u8>,
    /// The browser's authentication secret (16 bytes).
    #[serde(with = "crate::b64")]
    pub auth: Vec<u8>,
}

impl PushSubscription {
    /// The longest endpoint taken: push services' addresses are a few hundred characters.
    pub const MAX_ENDPOINT: usize = 2048;
}

/// One of the team's open check-ins. `overdue` is the server's word on it: its time has
/// passed and the device has not checked out. The server works it out when asked, so every
/// coordinator's phone that asks, now or when next opened, hears of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub device: Uuid,
    pub username: String,
    pub started_ms: i64,
    pub until_ms: i64,
    pub overdue: bool,
}

/// The team's open check-ins, soonest end first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckInList {
    pub check_ins: Vec<CheckIn>,
}

/// What a coordinator sets for the team's phones. Not secret: a phone keeps it beside its
/// vault, readable while locked, because the wipe after wrong passphrases needs it then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSettings {
    /// Minutes without a touch or a key before the app locks itself.
    pub idle_lock_minutes: u8,
    /// Wrong passphrases in a row after which a phone erases its data; `None`: never.
    pub wipe_after_failures: Option<u8>,
    /// Months after a person's last activity at which a coordinator's phone erases the
    /// person (the retention period).
    pub retention_months: u8,
    /// The smallest count a partnership report shows; smaller ones show as "<" and it.
    pub report_threshold: u8,
}

impl TeamSettings {
    pub const IDLE_LOCK_MINUTES: core::ops::RangeInclusive<u8> = 1..=15;
    pub const WIPE_AFTER_FAILURES: core::ops::RangeInclusive<u8> = 5..=20;
    pub const RETENTION_MONTHS: core::ops::RangeInclusive<u8> = 1..=120;
    /// As `report::THRESHOLDS`: at least 3, or "<2" would name the count exactly.
    pub const REPORT_THRESHOLD: core::ops::RangeInclusive<u8> = 3..=20;

    pub fn is_valid(&self) -> bool {
        Self::IDLE_LOCK_MINUTES.contains(&self.idle_lock_minutes)
            && self
                .wipe_after_failures
                .is_none_or(|n| Self::WIPE_AFTER_FAILURES.contains(&n))
            && Self::RETENTION_MONTHS.contains(&self.retention_months)
            && Self::REPORT_THRESHOLD.contains(&self.report_threshold)
    }

    /// The retention period in ms (a month: 30.44 days, the Gregorian mean).
    pub fn retention_ms(&self) -> i64 {
        i64::from(self.retention_months) * 2_629_746_000
    }
}

impl Default for TeamSettings {
    fn default() -> Self {
        TeamSettings {
            idle_lock_minutes: 5,
            wipe_after_failures: None,
            retention_months: 24,
            report_threshold: crate::report::DEFAULT_THRESHOLD as u8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    pub devices: Vec<DeviceInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproveRequest {
    /// A grant of every team key the approving device holds, the current epoch's included,
    /// so that the new device reads what was written before it too.
    pub grants: Vec<SealedTeamKey>,
    /// The team identity's admission of the device (its id and keys).
    pub admission: Sig,
}

/// A coordinator revokes a device: signed as of `at_ms`, with the next epoch's team key
/// granted to every other approved device (the caller's own included). A pending device is
/// revoked without a new epoch (`grants` empty): it never held a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub revocation: Revocation,
    pub grants: Vec<DeviceGrant>,
}

/// A grant, and the device it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceGrant {
    pub device: Uuid,
    pub grant: SealedTeamKey,
}

/// One device admitted by the team identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admission {
    pub device: Uuid,
    pub signature: Sig,
}

/// The team identity, sent once by the coordinator device that made it, with its admission
/// of every device already approved (its own included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamIdentityRequest {
    pub identity: TeamIdentityKey,
    pub admissions: Vec<Admission>,
}

/// The associated data a team key is sealed under: binds the sealed copy to its team and epoch.
pub fn team_key_context(team: Uuid, epoch: u32) -> Vec<u8> {
    let mut context = b"faltlogg-team-key-v1".to_vec();
    context.extend_from_slice(team.as_bytes());
    context.extend_from_slice(&epoch.to_le_bytes());
    context
}

/// One envelope on the wire: its compact (postcard) bytes, base64url in JSON. Opaque to the JSON
/// layer; the server decodes, verifies and stores the canonical encoding, which is what it
/// relays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireEnvelope(#[serde(with = "crate::b64")] pub Vec<u8>);

impl From<&Envelope> for WireEnvelope {
    fn from(envelope: &Envelope) -> Self {
        WireEnvelope(envelope.to_bytes())
    }
}

impl WireEnvelope {
    pub fn decode(&self) -> Result<Envelope, EnvelopeError> {
        Envelope::from_bytes(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub envelopes: Vec<WireEnvelope>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: Uuid,
    /// The envelope's per-team sequence number (the same on a repeated push).
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The envelopes stored (or stored before), in request order; `seq` 0 for one dropped
    /// because its person was erased.
    pub results: Vec<PushResult>,
    /// Asked for with `?partial=true` ([`PUSH_PARTIAL`]): the envelopes refused, each by its
    /// place in the request, while the others are stored. Without it a bad envelope refuses
    /// the whole batch (an error reply naming its `index`). Last, so that postcard readers
    /// from before it, which stop after `results`, still read the reply.
    #[serde(default)]
    pub refused: Vec<Refusal>,
}

/// The query that asks a push to store the good envelopes of a batch and name the bad ones.
pub const PUSH_PARTIAL: &str = "partial=true";
/// The query that asks a pull to leave out the calling device's own envelopes.
pub const PULL_SKIP_OWN: &str = "skip_own=true";

/// One envelope of a push that was not stored, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub index: u32,
    pub error: ErrorCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledEnvelope {
    pub seq: i64,
    pub envelope: WireEnvelope,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub envelopes: Vec<PulledEnvelope>,
    /// More are waiting after this page.
    pub more: bool,
    /// The last sequence number this page covers, the caller's own envelopes left out with
    /// [`PULL_SKIP_OWN`] included: where the next pull starts. Last, for older readers.
    #[serde(default)]
    pub last: i64,
}

/// What happened, in a team's security events. Never what was typed or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignedIn,
    /// A wrong password for an existing account (an unknown name is not the team's).
    SignInFailed,
    SignedOut,
    /// A new device enrolled, waiting for approval (or the team's first, approved at once).
    Enrolled,
    Approved,
    Revoked,
    /// A revoked device handed over what it made before its revocation.
    HandedOver,
    IdentitySet,
    SettingsChanged,
    AccountAdded,
    AccountDisabled,
    AccountEnabled,
    PasswordReset,
    /// A person was erased (their envelopes deleted by key id; who it was, the server never
    /// knows).
    Erased,
}

/// One security event of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at_ms: i64,
    pub kind: AuditKind,
    /// The account that acted, or that the event is about.
    pub username: Option<String>,
    /// The device that acted.
    pub device: Option<Uuid>,
    /// The device acted on (approved, revoked).
    pub target: Option<Uuid>,
}

/// The team's events, newest first; `more` when older ones are left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub more: bool,
}

/// Events per page of `GET /api/team/events`.
pub const AUDIT_PAGE: usize = 50;

/// Machine-readable error codes; clients map them to words in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidCredentials,
    /// No session, or it expired: sign in again.
    SessionExpired,
    /// This session has no enrolled device, or the device is not in this team.
    UnknownDevice,
    DeviceNotApproved,
    DeviceRevoked,
    Forbidden,
    NotFound,
    MalformedRequest,
    PayloadTooLarge,
    BatchTooLarge,
    BadEnvelope,
    BadSignature,
    /// The envelope names another team or device than the one pushing it.
    WrongOrigin,
    /// An envelope with this id already exists with other bytes.
    EnvelopeConflict,
    AlreadyEnrolled,
    Internal,
    /// Too many attempts (sign-in): wait for the `Retry-After` header's seconds.
    TooManyRequests,
    /// The envelope is stamped further ahead of the server's clock than
    /// [`crate::hlc::MAX_SKEW_MS`]: the device's clock is ahead. Not the envelope's fault:
    /// the device keeps it and sends it again once its clock is right (or has caught up).
    ClockAhead,
    /// The request took longer than the server waits (`408`).
    Timeout,
    /// The request target is longer than the server reads (`414`).
    TargetTooLong,
    /// The team already has another identity (`409`).
    IdentityConflict,
    /// The server cannot store or read now (its database is unreachable, full or read-only):
    /// nothing was changed; try again after `Retry-After` (`503`).
    Unavailable,
}

/// The body of every error reply (the server's `HttpError`; the PWA reads it into its
/// `CallError::Rejected`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// English, for operators and logs; clients show their own words for `error`.
    pub message: String,
    /// For batch requests: the position of the first offending item. Always written (`null`
    /// in JSON when absent): postcard cannot skip a field.
    #[serde(default)]
    pub index: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn a_grant_holds_only_from_the_team_identity_to_its_device() {
        let identity = TeamIdentity::generate(&mut OsRng);
        let team = crate::ids::new_v7(1, &mut OsRng);
        let device = crate::ids::new_v7(1, &mut OsRng);
        let secrets = DeviceSecrets::generate(&mut OsRng);
        let keys = secrets.public();
        let key = TeamKey {
            epoch: 3,
            key: SymmetricKey::generate(&mut OsRng),
        };
        let grant = SealedTeamKey::grant(&identity, team, device, &keys, &key, false, &mut OsRng);
        let pinned = identity.public();
        assert!(grant.verify(team, device, &keys.exchange, &pinned).is_ok());
        let (opened, shared) = grant.open(team, &secrets).unwrap();
        assert_eq!((opened, shared.is_none()), (key.clone(), true));

        // Made by another identity (a server's own), for another device, or changed after.
        let forged = SealedTeamKey::grant(
            &TeamIdentity::generate(&mut OsRng),
            team,
            device,
            &keys,
            &key,
            false,
            &mut OsRng,
        );
        assert!(forged
            .verify(team, device, &keys.exchange, &pinned)
            .is_err());
        assert!(grant
            .verify(
                team,
                crate::ids::new_v7(1, &mut OsRng),
                &keys.exchange,
                &pinned
            )
            .is_err());
        let mut later = grant.clone();
        later.epoch = 4;
        assert!(later.verify(team, device, &keys.exchange, &pinned).is_err());
        let unsigned = SealedTeamKey {
            signature: None,
            ..grant.clone()
        };
        assert!(unsigned
            .verify(team, device, &keys.exchange, &pinned)
            .is_err());

        // A coordinator's device gets the identity too, and it is the same identity.
        let grant = SealedTeamKey::grant(&identity, team, device, &keys, &key, true, &mut OsRng);
        assert!(grant.verify(team, device, &keys.exchange, &pinned).is_ok());
        let (_, shared) = grant.open(team, &secrets).unwrap();
        assert_eq!(shared.unwrap().public(), pinned);
        // Stripping the identity from a grant breaks its signature.
        let stripped = SealedTeamKey {
            identity: None,
            ..grant
        };
        assert!(stripped
            .verify(team, device, &keys.exchange, &pinned)
            .is_err());
    }
}
