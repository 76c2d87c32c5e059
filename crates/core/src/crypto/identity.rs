//! The team's identity: an Ed25519 key made by the team's first coordinator device, with the
//! team key, and held only by coordinator devices. It signs every device admission (this device
//! id has these keys) and every team-key grant (this key of this epoch, sealed to this device).
//! Every device pins the identity's public key in its vault at enrolment, where the pairing
//! code both phones show (made of the identity and the new device's keys) is compared, so the
//! comparison checks both ways: the coordinator sees the new phone's keys, the new phone sees
//! its team's identity. From then on a device takes keys, epochs and senders only with a valid
//! signature of that identity: a server that forges them is refused.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::device::DevicePublicKeys;
use super::CryptoError;
use crate::Csprng;

/// An Ed25519 signature: base64url in JSON, raw bytes in postcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sig(#[serde(with = "crate::b64::array")] pub [u8; 64]);

/// The public half: what every device pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TeamIdentityKey(#[serde(with = "crate::b64::array")] pub [u8; 32]);

/// The secret half, in coordinator devices' vaults only.
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
pub struct TeamIdentity(#[serde(with = "crate::b64::array")] [u8; 32]);

impl core::fmt::Debug for TeamIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TeamIdentity(<redacted>)")
    }
}

impl TeamIdentity {
    pub fn generate(rng: &mut impl Csprng) -> TeamIdentity {
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        TeamIdentity(secret)
    }

    pub fn from_bytes(secret: [u8; 32]) -> TeamIdentity {
        TeamIdentity(secret)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn public(&self) -> TeamIdentityKey {
        TeamIdentityKey(SigningKey::from_bytes(&self.0).verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> Sig {
        Sig(SigningKey::from_bytes(&self.0).sign(message).to_bytes())
    }

    /// Admits a device to `team`: its id and keys, as the coordinator compared them.
    pub fn admit(&self, team: Uuid, device: Uuid, keys: &DevicePublicKeys) -> Sig {
        self.sign(&admission_message(team, device, keys))
    }

    /// Revokes a device of `team` as of `at_ms`: what it stamps later is not the team's.
    pub fn revoke(&self, team: Uuid, device: Uuid, at_ms: i64) -> Sig {
        self.sign(&revocation_message(team, device, at_ms))
    }
}

impl TeamIdentityKey {
    /// Whether the key is a usable Ed25519 public key (not weak, not malformed).
    pub fn is_valid(&self) -> bool {
        VerifyingKey::from_bytes(&self.0).is_ok_and(|k| !k.is_weak())
    }

    pub fn verify(&self, message: &[u8], signature: &Sig) -> Result<(), CryptoError> {
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| CryptoError::Signature)?;
        if key.is_weak() {
            return Err(CryptoError::Signature);
        }
        key.verify_strict(message, &Signature::from_bytes(&signature.0))
            .map_err(|_| CryptoError::Signature)
    }

    /// Whether `signature` admits `device` with `keys` to `team`.
    pub fn verify_admission(
        &self,
        team: Uuid,
        device: Uuid,
        keys: &DevicePublicKeys,
        signature: &Sig,
    ) -> Result<(), CryptoError> {
        self.verify(&admission_message(team, device, keys), signature)
    }

    /// Whether `signature` revokes `device` of `team` as of `at_ms`.
    pub fn verify_revocation(
        &self,
        team: Uuid,
        device: Uuid,
        at_ms: i64,
        signature: &Sig,
    ) -> Result<(), CryptoError> {
        self.verify(&revocation_message(team, device, at_ms), signature)
    }

    /// The code both phones show when a device is approved, made of the team's identity and
    /// the device's keys: equal codes mean the coordinator's phone saw this device's keys and
    /// this device saw its team's identity. Sixteen digits in four groups.
    pub fn pairing_code(&self, keys: &DevicePublicKeys) -> String {
        let digest = Sha256::new()
            .chain_update(b"faltlogg-pairing-code-v1")
            .chain_update(self.0)
            .chain_update(keys.signing)
            .chain_update(keys.exchange)
            .finalize();
        digits(&digest)
    }
}

/// Sixteen decimal digits in four groups of four, from the first 8 bytes of a digest.
pub(crate) fn digits(digest: &[u8]) -> String {
    let mut n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    let mut groups = [0u16; 4];
    for g in groups.iter_mut() {
        *g = (n % 10_000) as u16;
        n /= 10_000;
    }
    format!(
        "{:04} {:04} {:04} {:04}",
        groups[0], groups[1], groups[2], groups[3]
    )
}

fn admission_message(team: Uuid, device: Uuid, keys: &DevicePublicKeys) -> Vec<u8> {
    let mut message = b"faltlogg-admission-v1".to_vec();
    message.extend_from_slice(team.as_bytes());
    message.extend_from_slice(device.as_bytes());
    message.extend_from_slice(&keys.signing);
    message.extend_from_slice(&keys.exchange);
    message
}

fn revocation_message(team: Uuid, device: Uuid, at_ms: i64) -> Vec<u8> {
    let mut message = b"faltlogg-revocation-v1".to_vec();
    message.extend_from_slice(team.as_bytes());
    message.extend_from_slice(device.as_bytes());
    message.extend_from_slice(&at_ms.to_le_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::device::DeviceSecrets;
    use rand_core::OsRng;

    #[test]
    fn an_admission_holds_only_for_its_team_device_and_keys() {
        let identity = TeamIdentity::generate(&mut OsRng);
        let public = identity.public();
        let (team, device) = (
            crate::ids::new_v7(1, &mut OsRng),
            crate::ids::new_v7(1, &mut OsRng),
        );
        let keys = DeviceSecrets::generate(&mut OsRng).public();
        let signature = identity.admit(team, device, &keys);
        assert!(public
            .verify_admission(team, device, &keys, &signature)
            .is_ok());
        let other_keys = DeviceSecrets::generate(&mut OsRng).public();
        for (t, d, k) in [
            (crate::ids::new_v7(1, &mut OsRng), device, keys),
            (team, crate::ids::new_v7(1, &mut OsRng), keys),
            (team, device, other_keys),
        ] {
            assert_eq!(
                public.verify_admission(t, d, &k, &signature),
                Err(CryptoError::Signature)
            );
        }
        // Another identity (a server's own) cannot admit.
        let forged = TeamIdentity::generate(&mut OsRng).admit(team, device, &keys);
        assert!(public
            .verify_admission(team, device, &keys, &forged)
            .is_err());
    }

    #[test]
    fn a_revocation_holds_only_for_its_device_and_time() {
        let identity = TeamIdentity::generate(&mut OsRng);
        let public = identity.public();
        let team = crate::ids::new_v7(1, &mut OsRng);
        let device = crate::ids::new_v7(2, &mut OsRng);
        let signature = identity.revoke(team, device, 1_000);
        assert!(public
            .verify_revocation(team, device, 1_000, &signature)
            .is_ok());
        // Moved later (to let more of the device's changes count), or to another device.
        assert!(public
            .verify_revocation(team, device, 2_000, &signature)
            .is_err());
        let other = crate::ids::new_v7(3, &mut OsRng);
        assert!(public
            .verify_revocation(team, other, 1_000, &signature)
            .is_err());
        // An admission is not a revocation, nor the other way round.
        let keys = DeviceSecrets::generate(&mut OsRng).public();
        assert!(public
            .verify_admission(team, device, &keys, &signature)
            .is_err());
    }

    #[test]
    fn the_pairing_code_changes_with_either_side() {
        let identity = TeamIdentity::generate(&mut OsRng).public();
        let keys = DeviceSecrets::generate(&mut OsRng).public();
        let code = identity.pairing_code(&keys);
        assert_eq!(code.len(), 19);
        assert_eq!(code, identity.pairing_code(&keys));
        assert_ne!(
            code,
            TeamIdentity::generate(&mut OsRng)
                .public()
                .pairing_code(&keys)
        );
        assert_ne!(
            code,
            identity.pairing_code(&DeviceSecrets::generate(&mut OsRng).public())
        );
    }

    #[test]
    fn a_weak_identity_key_verifies_nothing() {
        let mut identity_point = [0u8; 32];
        identity_point[0] = 1;
        let weak = TeamIdentityKey(identity_point);
        assert!(weak.verify(b"anything", &Sig([0; 64])).is_err());
    }
}
