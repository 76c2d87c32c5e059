//! The envelope: one synced change, encrypted and signed on the device that made it.
//!
//! ```text
//! header     = { version, id (UUIDv7), team, epoch, device, device_seq, hlc, nonce, scope }
//!                                                                               (clear)
//! ciphertext = XChaCha20-Poly1305(key, nonce, aad = postcard(header),
//!                                 padded(postcard(change)))
//! key        = the team key of `epoch`, or for a person's record the key derived from it
//!              and the person key ([`PersonKey::envelope_key`])
//! signature  = Ed25519(device key, "faltlogg-envelope-v1" || postcard(header) || ciphertext)
//! ```
//! Padding hides the length of a note: the plaintext is rounded up to a power-of-two bucket
//! (at least 256 bytes), so the server only learns the size bucket.
//!
//! Version 1 (the skeleton's) had no scope: it is still read, as [`Scope::Team`], with its
//! own header bytes as associated data, and never written.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::change::Change;
use crate::crypto::device::{verify_many, DevicePublicKeys, DeviceSecrets, Verifier};
use crate::crypto::person::PersonKey;
use crate::crypto::{aead_open, aead_seal, random_nonce, SymmetricKey, TeamKey, NONCE_LEN};
use crate::hlc::Hlc;
use crate::Csprng;

pub const ENVELOPE_VERSION: u8 = 2;
pub const MIN_BUCKET: usize = 256;
pub const MAX_BUCKET: usize = 64 * 1024;
/// AEAD tag length: ciphertext = padded plaintext + tag.
pub const TAG_LEN: usize = 16;
const LEN_PREFIX: usize = 4;
const SIGNING_CONTEXT: &[u8] = b"faltlogg-envelope-v1";

/// Which key an envelope is under, in the clear so that the server can erase by it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// The team key: records about no one person (groups, contacts with several persons).
    #[default]
    Team,
    /// A person's record, under the key derived from person key `K` and the team key.
    Person(Uuid),
    /// Person key `K` itself, sealed under the team key.
    Key(Uuid),
    /// The erasure of person key `K`, under the team key: storing it, the server deletes
    /// every envelope of `K` and refuses any later one.
    Erase(Uuid),
}

impl Scope {
    /// The person key whose envelopes an erasure deletes: this one's, unless it is the team's
    /// or an erasure itself.
    pub fn erasable_key(self) -> Option<Uuid> {
        match self {
            Scope::Person(k) | Scope::Key(k) => Some(k),
            Scope::Team | Scope::Erase(_) => None,
        }
    }

    /// The person key an envelope of this scope is sealed under, if any.
    pub fn person_key(self) -> Option<Uuid> {
        match self {
            Scope::Person(k) => Some(k),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeHeader {
    pub version: u8,
    pub id: Uuid,
    pub team: Uuid,
    pub epoch: u32,
    pub device: Uuid,
    pub device_seq: u64,
    pub hlc: Hlc,
    #[serde(with = "crate::b64::array")]
    pub nonce: [u8; NONCE_LEN],
    #[serde(default)]
    pub scope: Scope,
}

/// The header as version 1 wrote it (no scope).
#[derive(Serialize, Deserialize)]
struct HeaderV1 {
    version: u8,
    id: Uuid,
    team: Uuid,
    epoch: u32,
    device: Uuid,
    device_seq: u64,
    hlc: Hlc,
    #[serde(with = "crate::b64::array")]
    nonce: [u8; NONCE_LEN],
}

#[derive(Serialize, Deserialize)]
struct EnvelopeV1 {
    header: HeaderV1,
    #[serde(with = "crate::b64")]
    ciphertext: Vec<u8>,
    #[serde(with = "crate::b64::array")]
    signature: [u8; 64],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub header: EnvelopeHeader,
    #[serde(with = "crate::b64")]
    pub ciphertext: Vec<u8>,
    #[serde(with = "crate::b64::array")]
    pub signature: [u8; 64],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeError {
    UnsupportedVersion,
    /// The ciphertext is not one of the size buckets (or the change is too large to seal).
    BadSize,
    Signature,
    /// No team key of the envelope's epoch is held here.
    UnknownEpoch,
    /// The person key the envelope is under is not held here (or was erased).
    UnknownKey,
    Decrypt,
    Malformed,
}

impl core::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            EnvelopeError::UnsupportedVersion => "unsupported envelope version",
            EnvelopeError::BadSize => "ciphertext size is not a valid bucket",
            EnvelopeError::Signature => "signature did not verify",
            EnvelopeError::UnknownEpoch => "no team key for this epoch",
            EnvelopeError::UnknownKey => "no person key for this envelope",
            EnvelopeError::Decrypt => "decryption failed",
            EnvelopeError::Malformed => "malformed envelope",
        })
    }
}

impl std::error::Error for EnvelopeError {}

/// Who is sealing, and where the change sits in that device's history.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub team: Uuid,
    pub device: Uuid,
    pub device_seq: u64,
    pub hlc: Hlc,
}

fn bucket_for(len: usize) -> Option<usize> {
    let bucket = len.max(MIN_BUCKET).next_power_of_two();
    (bucket <= MAX_BUCKET).then_some(bucket)
}

fn pad(payload: &[u8]) -> Option<Vec<u8>> {
    let bucket = bucket_for(payload.len() + LEN_PREFIX)?;
    let mut padded = Vec::with_capacity(bucket);
    padded.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    padded.extend_from_slice(payload);
    padded.resize(bucket, 0);
    Some(padded)
}

fn unpad(padded: &[u8]) -> Result<&[u8], EnvelopeError> {
    let len = u32::from_le_bytes(
        padded
            .get(..LEN_PREFIX)
            .ok_or(EnvelopeError::Malformed)?
            .try_into()
            .expect("4 bytes"),
    ) as usize;
    padded
        .get(LEN_PREFIX..LEN_PREFIX + len)
        .ok_or(EnvelopeError::Malformed)
}

impl EnvelopeHeader {
    /// Where and when the change was made, as the fold orders it.
    pub fn stamp(&self) -> crate::change::Stamp {
        crate::change::Stamp {
            hlc: self.hlc,
            device: self.device,
        }
    }

    fn aad(&self) -> Vec<u8> {
        match self.version {
            1 => postcard::to_allocvec(&self.v1()),
            _ => postcard::to_allocvec(self),
        }
        .expect("a header always serializes")
    }

    fn v1(&self) -> HeaderV1 {
        HeaderV1 {
            version: self.version,
            id: self.id,
            team: self.team,
            epoch: self.epoch,
            device: self.device,
            device_seq: self.device_seq,
            hlc: self.hlc,
            nonce: self.nonce,
        }
    }
}

/// The scope a change is sealed in: a key or an erasure has its own; a record change is its
/// person's when `person` is given, else the team's.
fn scope_of(change: &Change, person: Option<&PersonKey>) -> Scope {
    match (change, person) {
        (Change::PersonKey(k), _) => Scope::Key(k.id),
        (Change::Erase { key, .. }, _) => Scope::Erase(*key),
        (_, Some(p)) => Scope::Person(p.id),
        (_, None) => Scope::Team,
    }
}

/// The key an envelope of `scope` is sealed under.
fn sealing_key(scope: Scope, team: &TeamKey, person: Option<&PersonKey>) -> SymmetricKey {
    match person {
        Some(p) if scope.person_key().is_some() => p.envelope_key(team),
        _ => team.key.clone(),
    }
}

impl Envelope {
    /// Encrypts and signs `change`: a record change of a person under `person`'s key, any
    /// other under the team key. `id` is the envelope's UUIDv7, made by the caller.
    pub fn seal(
        change: &Change,
        id: Uuid,
        origin: Origin,
        (team_key, person): (&TeamKey, Option<&PersonKey>),
        device: &DeviceSecrets,
        rng: &mut impl Csprng,
    ) -> Result<Envelope, EnvelopeError> {
        let payload = postcard::to_allocvec(change).map_err(|_| EnvelopeError::Malformed)?;
        let padded = pad(&payload).ok_or(EnvelopeError::BadSize)?;
        let header = EnvelopeHeader {
            version: ENVELOPE_VERSION,
            id,
            team: origin.team,
            epoch: team_key.epoch,
            device: origin.device,
            device_seq: origin.device_seq,
            hlc: origin.hlc,
            nonce: random_nonce(rng),
            scope: scope_of(change, person),
        };
        let key = sealing_key(header.scope, team_key, person);
        let ciphertext = aead_seal(&key, &header.nonce, &header.aad(), &padded);
        let signature = device.sign(&signing_bytes(&header, &ciphertext));
        Ok(Envelope {
            header,
            ciphertext,
            signature,
        })
    }

    /// Checks what anyone can check without a key: version and size bucket.
    pub fn check_shape(&self) -> Result<(), EnvelopeError> {
        if !(1..=ENVELOPE_VERSION).contains(&self.header.version)
            || (self.header.version == 1 && self.header.scope != Scope::Team)
        {
            return Err(EnvelopeError::UnsupportedVersion);
        }
        let plain_len = self
            .ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(EnvelopeError::BadSize)?;
        if bucket_for(plain_len) != Some(plain_len) {
            return Err(EnvelopeError::BadSize);
        }
        Ok(())
    }

    /// Verifies the shape and the signature against the sending device's public keys.
    pub fn verify(&self, device: &DevicePublicKeys) -> Result<(), EnvelopeError> {
        self.verify_by(&device.verifier().map_err(|_| EnvelopeError::Signature)?)
    }

    /// [`Envelope::verify`] with the sender's key made ready once for many envelopes.
    pub fn verify_by(&self, verifier: &Verifier) -> Result<(), EnvelopeError> {
        Envelope::verify_all(&[(self, verifier)])
            .pop()
            .unwrap_or(Err(EnvelopeError::Signature))
    }

    /// [`Envelope::verify_by`] for many envelopes, each with its sender's key: one result per
    /// envelope, in order. Their signatures are checked together ([`verify_many`]), about
    /// three times as fast in the wasm as one by one: most of a pull's work and a push's.
    ///
    /// [`verify_many`]: crate::crypto::device::verify_many
    pub fn verify_all(envelopes: &[(&Envelope, &Verifier)]) -> Vec<Result<(), EnvelopeError>> {
        let mut results: Vec<Result<(), EnvelopeError>> =
            envelopes.iter().map(|(e, _)| e.check_shape()).collect();
        let signed: Vec<(usize, Vec<u8>)> = envelopes
            .iter()
            .enumerate()
            .filter(|(i, _)| results[*i].is_ok())
            .map(|(i, (e, _))| (i, signing_bytes(&e.header, &e.ciphertext)))
            .collect();
        let checks: Vec<(&Verifier, &[u8], &[u8; 64])> = signed
            .iter()
            .map(|(i, message)| {
                let (envelope, verifier) = envelopes[*i];
                (verifier, message.as_slice(), &envelope.signature)
            })
            .collect();
        for ((i, _), good) in signed.iter().zip(verify_many(&checks)) {
            if !good {
                results[*i] = Err(EnvelopeError::Signature);
            }
        }
        results
    }

    /// Decrypts with the team key of the envelope's epoch and, for a person's record, the
    /// person key of its scope (`person`: see [`Keyring::for_envelope`]). A change that does
    /// not fit its scope (a key or an erasure under another id, a record change in a key's
    /// scope) is malformed. Call [`Envelope::verify`] first where the sender's public key is
    /// known. Not generic: one copy of this (and of the change's decoder) in the wasm.
    ///
    /// [`Keyring::for_envelope`]: crate::crypto::person::Keyring::for_envelope
    pub fn open(
        &self,
        team_keys: &[TeamKey],
        person: Option<&PersonKey>,
    ) -> Result<Change, EnvelopeError> {
        self.check_shape()?;
        let team = team_keys
            .iter()
            .find(|k| k.epoch == self.header.epoch)
            .ok_or(EnvelopeError::UnknownEpoch)?;
        let scope = self.header.scope;
        let person = match scope.person_key() {
            Some(id) => Some(
                person
                    .filter(|p| p.id == id)
                    .ok_or(EnvelopeError::UnknownKey)?,
            ),
            None => None,
        };
        let padded = aead_open(
            &sealing_key(scope, team, person),
            &self.header.nonce,
            &self.header.aad(),
            &self.ciphertext,
        )
        .map_err(|_| EnvelopeError::Decrypt)?;
        let change: Change =
            postcard::from_bytes(unpad(&padded)?).map_err(|_| EnvelopeError::Malformed)?;
        if scope_of(&change, person) != scope {
            return Err(EnvelopeError::Malformed);
        }
        Ok(change)
    }

    /// Compact bytes, as kept in IndexedDB and in the server's database.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self.header.version {
            1 => postcard::to_allocvec(&EnvelopeV1 {
                header: self.header.v1(),
                ciphertext: self.ciphertext.clone(),
                signature: self.signature,
            }),
            _ => postcard::to_allocvec(self),
        }
        .expect("an envelope always serializes")
    }

    /// Decodes compact bytes (of either version); anything but exactly one envelope is
    /// malformed. The version is the first byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        if bytes.first() == Some(&1) {
            return match postcard::take_from_bytes::<EnvelopeV1>(bytes) {
                Ok((v1, [])) => Ok(Envelope {
                    header: EnvelopeHeader {
                        version: 1,
                        id: v1.header.id,
                        team: v1.header.team,
                        epoch: v1.header.epoch,
                        device: v1.header.device,
                        device_seq: v1.header.device_seq,
                        hlc: v1.header.hlc,
                        nonce: v1.header.nonce,
                        scope: Scope::Team,
                    },
                    ciphertext: v1.ciphertext,
                    signature: v1.signature,
                }),
                _ => Err(EnvelopeError::Malformed),
            };
        }
        match postcard::take_from_bytes(bytes) {
            Ok((envelope, [])) => Ok(envelope),
            _ => Err(EnvelopeError::Malformed),
        }
    }
}

fn signing_bytes(header: &EnvelopeHeader, ciphertext: &[u8]) -> Vec<u8> {
    let mut bytes = SIGNING_CONTEXT.to_vec();
    bytes.extend_from_slice(&header.aad());
    bytes.extend_from_slice(ciphertext);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::LegacyContact;
    use crate::crypto::SymmetricKey;
    use crate::record::contact::{field, ContactKind};
    use crate::record::{Kind, Value};
    use rand_core::OsRng;

    fn fixture(note: &str) -> (Envelope, TeamKey, DeviceSecrets) {
        let team_key = TeamKey {
            epoch: 1,
            key: SymmetricKey::generate(&mut OsRng),
        };
        let device = DeviceSecrets::generate(&mut OsRng);
        let change = crate::fold::Fold::default().set(
            Kind::Contact,
            Uuid::from_u128(7),
            vec![
                (field::AREA, Value::text("Centrum")),
                (field::NOTE, Value::text(note)),
            ],
            Uuid::from_u128(2),
        );
        let origin = Origin {
            team: Uuid::from_u128(1),
            device: Uuid::from_u128(2),
            device_seq: 1,
            hlc: Hlc::default().tick(5),
        };
        let env = Envelope::seal(
            &change,
            Uuid::from_u128(3),
            origin,
            (&team_key, None),
            &device,
            &mut OsRng,
        )
        .unwrap();
        (env, team_key, device)
    }

    #[test]
    fn seal_verify_open_round_trip_through_json_and_bytes() {
        let (env, key, device) = fixture("hej");
        env.verify(&device.public()).unwrap();
        let json = serde_json::to_string(&env).unwrap();
        assert!(!json.contains("hej") && !json.contains("Centrum"));
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back, env);
        assert_eq!(Envelope::from_bytes(&env.to_bytes()).unwrap(), env);
        let (_, _, writes) = env.open(&[key], None).unwrap().into_writes().unwrap();
        assert_eq!(writes[1].value, Value::text("hej"));
    }

    /// The skeleton's whole-contact change keeps its encoding (variant 0) and opens as field
    /// writes, so contacts saved before field-level changes are not lost.
    #[test]
    fn the_legacy_contact_change_still_decodes() {
        let legacy = Change::PutContact(LegacyContact {
            id: Uuid::from_u128(7),
            occurred_at_ms: 5,
            area: "Centrum".into(),
            kind: ContactKind::Phone,
            note: "hej".into(),
        });
        let bytes = postcard::to_allocvec(&legacy).unwrap();
        assert_eq!(bytes[0], 0, "variant 0, as the skeleton wrote it");
        let mut fold = crate::fold::Fold::default();
        fold.apply(
            crate::change::Stamp {
                hlc: Hlc::default().tick(1),
                device: Uuid::from_u128(2),
            },
            postcard::from_bytes(&bytes).unwrap(),
        );
        let contact: crate::record::contact::Contact = fold.get(Uuid::from_u128(7)).unwrap();
        assert_eq!(
            (contact.kind, contact.note.as_str(), contact.area.as_str()),
            (ContactKind::Phone, "hej", "Centrum")
        );
    }

    #[test]
    fn any_changed_byte_or_header_field_is_rejected() {
        let (env, key, device) = fixture("hej");
        for i in 0..env.ciphertext.len() {
            let mut bad = env.clone();
            bad.ciphertext[i] ^= 0x80;
            assert_eq!(bad.verify(&device.public()), Err(EnvelopeError::Signature));
            assert_eq!(
                bad.open(std::slice::from_ref(&key), None),
                Err(EnvelopeError::Decrypt)
            );
        }
        let mut moved = env.clone();
        moved.header.team = Uuid::from_u128(99);
        assert_eq!(
            moved.verify(&device.public()),
            Err(EnvelopeError::Signature)
        );
        assert_eq!(
            moved.open(std::slice::from_ref(&key), None),
            Err(EnvelopeError::Decrypt)
        );
        let mut resigned = env.clone();
        resigned.signature[0] ^= 1;
        assert_eq!(
            resigned.verify(&device.public()),
            Err(EnvelopeError::Signature)
        );
        let stranger = DeviceSecrets::generate(&mut OsRng);
        assert_eq!(
            env.verify(&stranger.public()),
            Err(EnvelopeError::Signature)
        );
        assert_eq!(env.open(&[], None), Err(EnvelopeError::UnknownEpoch));
    }

    #[test]
    fn many_envelopes_verify_together_each_with_its_own_answer() {
        let (good, _, device) = fixture("hej");
        let (other, _, stranger) = fixture("då");
        let (mine, theirs) = (
            device.public().verifier().unwrap(),
            stranger.public().verifier().unwrap(),
        );
        let mut resigned = good.clone();
        resigned.signature[9] ^= 4;
        let mut cut = good.clone();
        cut.ciphertext.truncate(10);
        let pairs = [
            (&good, &mine),
            (&resigned, &mine),
            (&other, &theirs),
            (&cut, &mine),
            (&other, &mine),
            (&good, &mine),
        ];
        assert_eq!(
            Envelope::verify_all(&pairs),
            [
                Ok(()),
                Err(EnvelopeError::Signature),
                Ok(()),
                Err(EnvelopeError::BadSize),
                Err(EnvelopeError::Signature),
                Ok(()),
            ]
        );
        assert!(Envelope::verify_all(&[]).is_empty());
    }

    #[test]
    fn sizes_are_bucketed() {
        let (short, _, _) = fixture("a");
        let (longer, _, _) = fixture(&"a".repeat(150));
        assert_eq!(short.ciphertext.len(), MIN_BUCKET + TAG_LEN);
        assert_eq!(short.ciphertext.len(), longer.ciphertext.len());
        let (long, _, _) = fixture(&"a".repeat(300));
        assert_eq!(long.ciphertext.len(), 512 + TAG_LEN);
        let mut odd = short.clone();
        odd.ciphertext.push(0);
        assert_eq!(odd.check_shape(), Err(EnvelopeError::BadSize));
    }

    fn origin() -> Origin {
        Origin {
            team: Uuid::from_u128(1),
            device: Uuid::from_u128(2),
            device_seq: 1,
            hlc: Hlc::default().tick(5),
        }
    }

    #[test]
    fn a_persons_record_opens_only_with_its_person_key_and_the_team_key() {
        let (_, team, device) = fixture("x");
        let person = PersonKey::generate(Uuid::from_u128(9), &mut OsRng);
        let change = crate::fold::Fold::default().set(
            Kind::Person,
            Uuid::from_u128(9),
            vec![(1, Value::text("Alias"))],
            Uuid::from_u128(2),
        );
        let id = Uuid::from_u128(4);
        let env = Envelope::seal(
            &change,
            id,
            origin(),
            (&team, Some(&person)),
            &device,
            &mut OsRng,
        )
        .unwrap();
        assert_eq!(env.header.scope, Scope::Person(person.id));
        env.verify(&device.public()).unwrap();
        let held = Some(&person);
        assert_eq!(env.open(std::slice::from_ref(&team), held).unwrap(), change);
        assert_eq!(
            env.open(std::slice::from_ref(&team), None),
            Err(EnvelopeError::UnknownKey),
            "erased, or not here yet"
        );
        let impostor = PersonKey {
            id: person.id,
            ..PersonKey::generate(Uuid::from_u128(9), &mut OsRng)
        };
        assert_eq!(
            env.open(std::slice::from_ref(&team), Some(&impostor)),
            Err(EnvelopeError::Decrypt)
        );
        let mut unscoped = env.clone();
        unscoped.header.scope = Scope::Team;
        assert_eq!(
            unscoped.verify(&device.public()),
            Err(EnvelopeError::Signature)
        );
        assert_eq!(
            unscoped.open(std::slice::from_ref(&team), held),
            Err(EnvelopeError::Decrypt),
            "the team key alone opens nothing of a person"
        );
        // The key and the erasure have their own scopes, under the team key.
        let key_env = Envelope::seal(
            &Change::PersonKey(person.clone()),
            id,
            origin(),
            (&team, None),
            &device,
            &mut OsRng,
        )
        .unwrap();
        assert_eq!(key_env.header.scope, Scope::Key(person.id));
        assert_eq!(
            key_env.open(std::slice::from_ref(&team), None),
            Ok(Change::PersonKey(person.clone()))
        );
        let erase = Change::Erase {
            key: person.id,
            reason: crate::crypto::person::ErasureReason::Asked,
        };
        let erase_env =
            Envelope::seal(&erase, id, origin(), (&team, None), &device, &mut OsRng).unwrap();
        assert_eq!(erase_env.header.scope, Scope::Erase(person.id));
        assert_eq!(erase_env.header.scope.erasable_key(), None);
        assert_eq!(key_env.header.scope.erasable_key(), Some(person.id));
    }

    /// A header of team 1 and device 2, made by hand for envelopes `seal` would not make.
    fn test_header(epoch: u32, scope: Scope) -> EnvelopeHeader {
        EnvelopeHeader {
            version: ENVELOPE_VERSION,
            id: Uuid::from_u128(4),
            team: Uuid::from_u128(1),
            epoch,
            device: Uuid::from_u128(2),
            device_seq: 1,
            hlc: Hlc::default().tick(5),
            nonce: random_nonce(&mut OsRng),
            scope,
        }
    }

    /// A device that says one scope in the clear and seals another change is caught when the
    /// envelope opens: an erasure cannot hide in a record's scope, nor a key in another's.
    #[test]
    fn a_change_outside_its_scope_is_malformed() {
        let (_, team, device) = fixture("x");
        let person = PersonKey::generate(Uuid::from_u128(9), &mut OsRng);
        let erase = Change::Erase {
            key: Uuid::from_u128(77),
            reason: crate::crypto::person::ErasureReason::Asked,
        };
        let padded = pad(&postcard::to_allocvec(&erase).unwrap()).unwrap();
        // The erasure of key 77, sealed and signed under the scopes of another key and the team.
        for scope in [Scope::Erase(person.id), Scope::Team] {
            let header = test_header(team.epoch, scope);
            let ciphertext = aead_seal(&team.key, &header.nonce, &header.aad(), &padded);
            let env = Envelope {
                signature: device.sign(&signing_bytes(&header, &ciphertext)),
                header,
                ciphertext,
            };
            env.verify(&device.public()).unwrap();
            assert_eq!(
                env.open(std::slice::from_ref(&team), None),
                Err(EnvelopeError::Malformed),
                "{scope:?}"
            );
        }
    }

    /// Envelopes of version 1 (the skeleton's, without a scope) keep their bytes and open.
    #[test]
    fn a_version_1_envelope_still_decodes_verifies_and_opens() {
        let (_, team, device) = fixture("x");
        let change = Change::PutContact(LegacyContact {
            id: Uuid::from_u128(7),
            occurred_at_ms: 5,
            area: "Centrum".into(),
            kind: ContactKind::Phone,
            note: "hej".into(),
        });
        let v1 = EnvelopeHeader {
            version: 1,
            ..test_header(team.epoch, Scope::Team)
        }
        .v1();
        let aad = postcard::to_allocvec(&v1).unwrap();
        let padded = pad(&postcard::to_allocvec(&change).unwrap()).unwrap();
        let ciphertext = aead_seal(&team.key, &v1.nonce, &aad, &padded);
        let mut signed = SIGNING_CONTEXT.to_vec();
        signed.extend_from_slice(&aad);
        signed.extend_from_slice(&ciphertext);
        let bytes = postcard::to_allocvec(&EnvelopeV1 {
            header: v1,
            ciphertext,
            signature: device.sign(&signed),
        })
        .unwrap();
        let env = Envelope::from_bytes(&bytes).unwrap();
        assert_eq!((env.header.version, env.header.scope), (1, Scope::Team));
        assert_eq!(env.to_bytes(), bytes, "written back as it was");
        env.verify(&device.public()).unwrap();
        assert_eq!(env.open(&[team], None).unwrap(), change);
        let mut scoped = env.clone();
        scoped.header.scope = Scope::Erase(Uuid::from_u128(1));
        assert_eq!(scoped.check_shape(), Err(EnvelopeError::UnsupportedVersion));
    }
}
