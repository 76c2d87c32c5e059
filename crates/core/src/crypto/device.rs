//! A device's own keys: Ed25519 to sign what it sends, X25519 to receive sealed team keys.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::CryptoError;
use crate::Csprng;

/// The secret halves, as kept inside the vault. Zeroed on drop; `Debug` redacts.
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
pub struct DeviceSecrets {
    #[serde(with = "crate::b64::array")]
    signing: [u8; 32],
    #[serde(with = "crate::b64::array")]
    exchange: [u8; 32],
}

impl core::fmt::Debug for DeviceSecrets {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DeviceSecrets(<redacted>)")
    }
}

/// The public halves, which the server stores and authenticates the device by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePublicKeys {
    #[serde(with = "crate::b64::array")]
    pub signing: [u8; 32],
    #[serde(with = "crate::b64::array")]
    pub exchange: [u8; 32],
}

impl DeviceSecrets {
    pub fn generate(rng: &mut impl Csprng) -> Self {
        let mut signing = [0u8; 32];
        let mut exchange = [0u8; 32];
        rng.fill_bytes(&mut signing);
        rng.fill_bytes(&mut exchange);
        DeviceSecrets { signing, exchange }
    }

    pub fn public(&self) -> DevicePublicKeys {
        DevicePublicKeys {
            signing: SigningKey::from_bytes(&self.signing)
                .verifying_key()
                .to_bytes(),
            exchange: PublicKey::from(&StaticSecret::from(self.exchange)).to_bytes(),
        }
    }

    /// The key for what this device keeps for itself alone (the snapshot of its records, form
    /// drafts): HKDF-SHA256 of the signing seed. It never leaves the device, and it is as
    /// safe at rest as the seed, which only the passphrase vault holds.
    pub fn storage_key(&self) -> super::SymmetricKey {
        let mut key = [0u8; super::KEY_LEN];
        hkdf::Hkdf::<sha2::Sha256>::new(Some(b"faltlogg-device-storage-v1"), &self.signing)
            .expand(b"local records and drafts", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let storage = super::SymmetricKey::from_bytes(key);
        key.zeroize();
        storage
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        SigningKey::from_bytes(&self.signing)
            .sign(message)
            .to_bytes()
    }

    pub(crate) fn exchange_secret(&self) -> StaticSecret {
        StaticSecret::from(self.exchange)
    }
}

/// A device's signing key, decompressed: checking many of its signatures decompresses it
/// once.
#[derive(Clone, Copy, Debug)]
pub struct Verifier(VerifyingKey);

/// Signatures checked together at most. A batch of 64 costs about a third of checking its
/// signatures one by one in the wasm; a larger one gains little more, and a batch that fails is
/// checked again one by one, so a bad signature costs at most 63 others' second check.
const BATCH: usize = 64;

/// Checks many Ed25519 signatures, each `(signer, message, signature)`: one answer per
/// signature, in order, `true` where it verifies.
///
/// The signatures are checked in batches (ed25519-dalek's `verify_batch`, one equation with
/// random weights for the whole batch); a batch that fails is checked again signature by
/// signature, strictly, to find the bad ones. A batch takes every signature the strict check
/// takes. It can also take one whose `R` carries a small-order part, which the strict check
/// refuses: only the holder of the signing key can make such a signature, and whether a batch
/// takes it depends on its neighbours. docs/security.md ("Signatures checked in batches")
/// says what that allows.
pub fn verify_many(signed: &[(&Verifier, &[u8], &[u8; 64])]) -> Vec<bool> {
    let mut answers = Vec::with_capacity(signed.len());
    for batch in signed.chunks(BATCH) {
        let messages: Vec<&[u8]> = batch.iter().map(|(_, message, _)| *message).collect();
        let signatures: Vec<Signature> = batch
            .iter()
            .map(|(_, _, signature)| Signature::from_bytes(signature))
            .collect();
        let keys: Vec<VerifyingKey> = batch.iter().map(|(by, _, _)| by.0).collect();
        if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
            answers.resize(answers.len() + batch.len(), true);
        } else {
            answers.extend(
                batch
                    .iter()
                    .zip(&signatures)
                    .map(|((by, message, _), signature)| {
                        by.0.verify_strict(message, signature).is_ok()
                    }),
            );
        }
    }
    answers
}

impl DevicePublicKeys {
    /// Whether both keys can be used: the signing key is a valid point of non-small order, and
    /// the exchange key is not one of the low-order points that would force a known secret.
    pub fn is_valid(&self) -> bool {
        let signing_ok = VerifyingKey::from_bytes(&self.signing).is_ok_and(|k| !k.is_weak());
        let probe = StaticSecret::from([7u8; 32]).diffie_hellman(&PublicKey::from(self.exchange));
        signing_ok && probe.was_contributory()
    }

    /// Verifies one Ed25519 signature strictly (no malleable signatures, no small-order
    /// points): the enrolment proof.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> Result<(), CryptoError> {
        self.verifier()?
            .0
            .verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| CryptoError::Signature)
    }

    /// The signing key made ready once for many signatures ([`verify_many`]).
    pub fn verifier(&self) -> Result<Verifier, CryptoError> {
        VerifyingKey::from_bytes(&self.signing)
            .map(Verifier)
            .map_err(|_| CryptoError::Signature)
    }

    /// A short fingerprint that two people compare, read aloud, before a device is approved:
    /// four groups of four digits from SHA-256 over both public keys (about 53 bits).
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"faltlogg-device-fingerprint-v1")
            .chain_update(self.signing)
            .chain_update(self.exchange)
            .finalize();
        super::identity::digits(&digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn signatures_verify_only_for_the_same_message_and_key() {
        let device = DeviceSecrets::generate(&mut OsRng);
        let public = device.public();
        let sig = device.sign(b"envelope");
        assert!(public.verify(b"envelope", &sig).is_ok());
        assert_eq!(
            public.verify(b"envelopf", &sig),
            Err(CryptoError::Signature)
        );
        let other = DeviceSecrets::generate(&mut OsRng).public();
        assert_eq!(other.verify(b"envelope", &sig), Err(CryptoError::Signature));
    }

    #[test]
    fn many_signatures_are_checked_together_and_a_bad_one_is_named() {
        let devices: Vec<DeviceSecrets> = (0..3)
            .map(|_| DeviceSecrets::generate(&mut OsRng))
            .collect();
        let verifiers: Vec<Verifier> = devices
            .iter()
            .map(|d| d.public().verifier().unwrap())
            .collect();
        // Three batches' worth and a part, from three devices in turn.
        let messages: Vec<Vec<u8>> = (0..BATCH * 3 + 5)
            .map(|i| format!("envelope {i}").into_bytes())
            .collect();
        let mut signatures: Vec<[u8; 64]> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| devices[i % 3].sign(m))
            .collect();
        let check = |signatures: &[[u8; 64]]| {
            let signed: Vec<(&Verifier, &[u8], &[u8; 64])> = messages
                .iter()
                .zip(signatures)
                .enumerate()
                .map(|(i, (m, s))| (&verifiers[i % 3], m.as_slice(), s))
                .collect();
            verify_many(&signed)
        };
        assert_eq!(check(&signatures), vec![true; messages.len()]);
        assert!(verify_many(&[]).is_empty());
        // One changed bit in the second batch, one signature by the wrong device in the last.
        signatures[BATCH + 7][3] ^= 1;
        signatures[BATCH * 3 + 2] = devices[0].sign(&messages[BATCH * 3 + 2]);
        let answers = check(&signatures);
        let bad: Vec<usize> = (0..answers.len()).filter(|i| !answers[*i]).collect();
        assert_eq!(bad, [BATCH + 7, BATCH * 3 + 2]);
    }

    /// What docs/security.md ("Signatures checked in batches") says a batch allows: a
    /// signature whose `R` is the identity (small order), which only the key's holder can
    /// make, is taken by a batch of good signatures and refused in one that fails, where each
    /// is checked strictly. Made here by hand, as only an attacker with the key would.
    #[test]
    fn a_small_order_r_is_taken_or_refused_by_its_neighbours() {
        use curve25519_dalek::{edwards::CompressedEdwardsY, traits::Identity, Scalar};
        let device = DeviceSecrets::generate(&mut OsRng);
        let verifier = device.public().verifier().unwrap();
        let message: &[u8] = b"envelope";
        let identity = CompressedEdwardsY::identity().to_bytes();
        let k = Scalar::from_hash(
            sha2::Sha512::new()
                .chain_update(identity)
                .chain_update(device.public().signing)
                .chain_update(message),
        );
        // s = k·a: then s·B = k·A = R + k·A with R the identity.
        let s = k * SigningKey::from_bytes(&device.signing).to_scalar();
        let mut crafted = [0u8; 64];
        crafted[..32].copy_from_slice(&identity);
        crafted[32..].copy_from_slice(s.as_bytes());
        assert!(device.public().verify(message, &crafted).is_err());

        let good = device.sign(b"another");
        let mut bad = device.sign(b"a third");
        bad[40] ^= 1;
        let with = |other: &[u8; 64], what: &'static [u8]| {
            verify_many(&[(&verifier, message, &crafted), (&verifier, what, other)])
        };
        assert_eq!(with(&good, b"another"), [true, true]);
        assert_eq!(with(&bad, b"a third"), [false, false]);
    }

    /// RFC 8032, section 7.1, test 2: Ed25519 as wired here matches the standard.
    #[test]
    fn ed25519_matches_rfc8032() {
        let secret = hex32("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        let device = DeviceSecrets {
            signing: secret,
            exchange: [0; 32],
        };
        assert_eq!(
            device.public().signing,
            hex32("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        );
        let sig = device.sign(&[0x72]);
        let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    }

    #[test]
    fn weak_or_invalid_public_keys_are_refused() {
        let good = DeviceSecrets::generate(&mut OsRng).public();
        assert!(good.is_valid());
        assert!(!DevicePublicKeys {
            exchange: [0; 32],
            ..good
        }
        .is_valid());
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(!DevicePublicKeys {
            signing: identity,
            ..good
        }
        .is_valid());
    }

    #[test]
    fn fingerprints_differ_between_devices_and_are_stable() {
        let a = DeviceSecrets::generate(&mut OsRng).public();
        let b = DeviceSecrets::generate(&mut OsRng).public();
        assert_eq!(a.fingerprint(), a.fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 19);
    }

    pub(crate) fn hex32(s: &str) -> [u8; 32] {
        core::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }
}
