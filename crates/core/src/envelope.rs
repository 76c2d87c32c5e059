//! The envelope: one synced change, encrypted and signed on the device that made it.
//!
//! ```text
//! header     = { version, id (UUIDv7), team, epoch, device, device_seq, hlc, nonce }   (clear)
//! ciphertext = XChaCha20-Poly1305(team key of `epoch`, nonce, aad = postcard(header),
//!                                 padded(postcard(change)))
//! signature  = Ed25519(device key, "faltlogg-envelope-v1" || postcard(header) || ciphertext)
//! ```
//! Padding hides the length of a note: the plaintext is rounded up to a power-of-two bucket
//! (at least 256 bytes), so the server only learns the size bucket.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::change::Change;
use crate::crypto::device::{DevicePublicKeys, DeviceSecrets};
use crate::crypto::{aead_open, aead_seal, random_nonce, TeamKey, NONCE_LEN};
use crate::hlc::Hlc;
use crate::Csprng;

pub const ENVELOPE_VERSION: u8 = 1;
pub const MIN_BUCKET: usize = 256;
pub const MAX_BUCKET: usize = 64 * 1024;
/// AEAD tag length: ciphertext = padded plaintext + tag.
pub const TAG_LEN: usize = 16;
const LEN_PREFIX: usize = 4;
const SIGNING_CONTEXT: &[u8] = b"faltlogg-envelope-v1";

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
        postcard::to_allocvec(self).expect("a header always serializes")
    }
}

impl Envelope {
    /// Encrypts and signs `change`. `id` is the envelope's UUIDv7, made by the caller.
    pub fn seal(
        change: &Change,
        id: Uuid,
        origin: Origin,
        team_key: &TeamKey,
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
        };
        let ciphertext = aead_seal(&team_key.key, &header.nonce, &header.aad(), &padded);
        let signature = device.sign(&signing_bytes(&header, &ciphertext));
        Ok(Envelope {
            header,
            ciphertext,
            signature,
        })
    }

    /// Checks what anyone can check without a key: version and size bucket.
    pub fn check_shape(&self) -> Result<(), EnvelopeError> {
        if self.header.version != ENVELOPE_VERSION {
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
        self.check_shape()?;
        device
            .verify(
                &signing_bytes(&self.header, &self.ciphertext),
                &self.signature,
            )
            .map_err(|_| EnvelopeError::Signature)
    }

    /// Decrypts with the team key of the envelope's epoch. Call [`Envelope::verify`] first
    /// where the sender's public key is known.
    pub fn open(&self, team_keys: &[TeamKey]) -> Result<Change, EnvelopeError> {
        self.check_shape()?;
        let key = team_keys
            .iter()
            .find(|k| k.epoch == self.header.epoch)
            .ok_or(EnvelopeError::UnknownEpoch)?;
        let padded = aead_open(
            &key.key,
            &self.header.nonce,
            &self.header.aad(),
            &self.ciphertext,
        )
        .map_err(|_| EnvelopeError::Decrypt)?;
        postcard::from_bytes(unpad(&padded)?).map_err(|_| EnvelopeError::Malformed)
    }

    /// Compact bytes, as kept in IndexedDB and in the server's database.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("an envelope always serializes")
    }

    /// Decodes compact bytes; anything but exactly one envelope is malformed.
    pub fn from_bytes(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
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
            &team_key,
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
        let (_, _, writes) = env.open(&[key]).unwrap().into_writes();
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
                bad.open(std::slice::from_ref(&key)),
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
            moved.open(std::slice::from_ref(&key)),
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
        assert_eq!(env.open(&[]), Err(EnvelopeError::UnknownEpoch));
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
}
