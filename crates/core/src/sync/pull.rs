//! Taking in pulled envelopes: from a device the team admitted, not from this one, of a key
//! held here, verified (a page's signatures together), opened.

use uuid::Uuid;

use crate::api::DeviceInfo;
use crate::change::Change;
use crate::crypto::device::Verifier;
use crate::crypto::identity::TeamIdentityKey;
use crate::crypto::person::Keyring;
use crate::crypto::TeamKey;
use crate::envelope::{Envelope, EnvelopeHeader};
use crate::hlc::DEVICE_MAX_SKEW_MS;

/// What this device trusts and holds.
pub struct Trust<'a> {
    pub team: Uuid,
    /// This device, once enrolled: its own envelopes are passed over.
    pub me: Option<Uuid>,
    /// The team identity pinned at enrolment; `None` for a team from before identities.
    pub identity: Option<TeamIdentityKey>,
    pub team_keys: &'a [TeamKey],
    /// This device's clock.
    pub now_ms: u64,
}

impl Trust<'_> {
    /// The newest team key epoch held here: an envelope of a later one waits for its key.
    fn newest_epoch(&self) -> u32 {
        self.team_keys.iter().map(|k| k.epoch).max().unwrap_or(0)
    }
}

/// The team's devices as last fetched, kept between pulls, each judged once when the list came:
/// the identity's signatures on its admission and revocation are checked then, and its signing
/// key made ready, not again for every envelope it sent (that doubled a pull's cost).
#[derive(Debug, Clone, Default)]
pub struct Senders {
    devices: Vec<Sender>,
    /// The identity they were judged by: another (a team that has since pinned one) judges anew.
    judged_by: Option<TeamIdentityKey>,
}

/// One of the team's devices, as this device judged it.
#[derive(Debug, Clone)]
struct Sender {
    id: Uuid,
    /// Its signing key; `None` when the team identity this device trusts did not admit it with
    /// these keys (the server's list alone is not enough), or the key is unusable.
    verifier: Option<Verifier>,
    /// When its revocation says it was revoked, if the identity signed that revocation.
    revoked_at: Option<u64>,
}

impl Senders {
    /// `devices` as the server lists them, judged by what `trust` pins.
    pub fn new(devices: Vec<DeviceInfo>, trust: &Trust<'_>) -> Self {
        let devices = devices
            .into_iter()
            .map(|info| {
                let admitted = match trust.identity {
                    Some(identity) => info.admission.is_some_and(|signature| {
                        identity
                            .verify_admission(trust.team, info.id, &info.keys, &signature)
                            .is_ok()
                    }),
                    None => true,
                };
                let revoked_at = info.revocation.and_then(|r| {
                    let identity = trust.identity?;
                    identity
                        .verify_revocation(trust.team, info.id, r.at_ms, &r.signature)
                        .is_ok()
                        .then_some(r.at_ms.max(0) as u64)
                });
                Sender {
                    id: info.id,
                    verifier: admitted.then(|| info.keys.verifier().ok()).flatten(),
                    revoked_at,
                }
            })
            .collect();
        Senders {
            devices,
            judged_by: trust.identity,
        }
    }

    /// Whether `device` is in the list, judged by the identity `trust` pins.
    pub fn knows(&self, trust: &Trust<'_>, device: Uuid) -> bool {
        self.judged_by == trust.identity && self.devices.iter().any(|d| d.id == device)
    }

    /// The signing key of `device` for a change it stamped at `hlc_ms`, if that change counts:
    /// the device was admitted, and not revoked before the stamp.
    fn key_for(&self, device: Uuid, hlc_ms: u64) -> Option<&Verifier> {
        let sender = self.devices.iter().find(|d| d.id == device)?;
        if sender.revoked_at.is_some_and(|at| hlc_ms > at) {
            return None;
        }
        sender.verifier.as_ref()
    }
}

/// Checks the signatures of a page's envelopes (`None`: did not decode) together, one answer
/// per envelope: `true` where it comes from a device that counts for its stamp (admitted, not
/// revoked before it), names this team, is not stamped far ahead of this device's clock, and
/// its signature verifies. This device's own envelopes and those of a key epoch not held yet
/// are not checked (`false`): [`receive`] passes them over before it asks.
pub fn check_senders(
    trust: &Trust<'_>,
    senders: &Senders,
    envelopes: &[Option<Envelope>],
) -> Vec<bool> {
    let newest_held = trust.newest_epoch();
    let keys: Vec<Option<(&Envelope, &Verifier)>> = envelopes
        .iter()
        .map(|envelope| {
            let envelope = envelope.as_ref()?;
            let header = &envelope.header;
            // A stamp from far ahead would order after every later edit: the server refuses
            // such pushes, so one here came past it.
            let counts = header.team == trust.team
                && Some(header.device) != trust.me
                && header.epoch <= newest_held
                && !header.hlc.is_ahead_of(trust.now_ms, DEVICE_MAX_SKEW_MS);
            let key = senders.key_for(header.device, header.hlc.wall_ms);
            Some((envelope, key.filter(|_| counts)?))
        })
        .collect();
    let checked: Vec<(&Envelope, &Verifier)> = keys.iter().flatten().copied().collect();
    let mut verified = Envelope::verify_all(&checked).into_iter();
    keys.iter()
        .map(|key| key.is_some() && verified.next().is_some_and(|r| r.is_ok()))
        .collect()
}

/// What became of a pulled envelope.
#[derive(Debug)]
pub enum Received {
    /// Verified and opened: keep it, apply the change.
    Opened(EnvelopeHeader, Change),
    /// This device's own: it holds it already.
    Own,
    /// Of a person erased here: dropped unread.
    Erased,
    /// Of a key epoch not held here yet: stop before it, collect the key, pull again.
    NeedsKey,
    /// Does not decode, verify or open, or comes from a device that does not count: kept
    /// aside in quarantine, and the pull goes on.
    SetAside,
}

/// Takes in one envelope (`None`: it did not decode; `authentic`: its answer from
/// [`check_senders`]), bringing `keyring` up to date with the person keys and erasures it
/// carries.
pub fn receive(
    trust: &Trust<'_>,
    keyring: &mut Keyring,
    envelope: Option<Envelope>,
    authentic: bool,
) -> Received {
    let Some(envelope) = envelope else {
        return Received::SetAside;
    };
    let header = &envelope.header;
    if Some(header.device) == trust.me {
        return Received::Own;
    }
    if header.epoch > trust.newest_epoch() {
        return Received::NeedsKey;
    }
    if header
        .scope
        .erasable_key()
        .is_some_and(|k| keyring.is_erased(k))
    {
        return Received::Erased;
    }
    let opened = authentic
        .then(|| {
            envelope
                .open(trust.team_keys, keyring.for_envelope(&envelope.header))
                .ok()
        })
        .flatten();
    match opened {
        Some(change) => {
            match &change {
                Change::PersonKey(key) => keyring.insert(key.clone()),
                Change::Erase { key, .. } => keyring.erase(*key),
                _ => {}
            }
            Received::Opened(envelope.header, change)
        }
        None => Received::SetAside,
    }
}
