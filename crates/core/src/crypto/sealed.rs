//! Sealing a secret to a device's X25519 public key, so the server can relay it unread.
//!
//! ECIES-style: a fresh ephemeral X25519 key, Diffie-Hellman with the recipient's key,
//! HKDF-SHA256 over the shared secret and both public keys, then XChaCha20-Poly1305.
//! The sender stays anonymous at this layer; who may seal is the server's access check
//! (only an approved coordinator device), and what is sealed is authenticated by the AEAD.

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, PublicKey};

use super::device::DeviceSecrets;
use super::{aead_open, aead_seal, random_nonce, CryptoError, SymmetricKey, NONCE_LEN};
use crate::Csprng;

const INFO: &[u8] = b"faltlogg-sealed-box-v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBox {
    #[serde(with = "crate::b64::array")]
    pub ephemeral: [u8; 32],
    #[serde(with = "crate::b64::array")]
    pub nonce: [u8; NONCE_LEN],
    #[serde(with = "crate::b64")]
    pub ciphertext: Vec<u8>,
}

fn derive_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> SymmetricKey {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let mut okm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), shared)
        .expand(INFO, &mut okm)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    SymmetricKey::from_bytes(okm)
}

/// Seals `plaintext` so that only the holder of `recipient`'s X25519 secret can open it.
/// `context` is bound as associated data (for a team key: the team id and epoch).
pub fn seal(
    recipient: &[u8; 32],
    context: &[u8],
    plaintext: &[u8],
    rng: &mut impl Csprng,
) -> SealedBox {
    let ephemeral_secret = EphemeralSecret::random_from_rng(&mut *rng);
    let ephemeral = PublicKey::from(&ephemeral_secret).to_bytes();
    let shared = ephemeral_secret.diffie_hellman(&PublicKey::from(*recipient));
    let key = derive_key(shared.as_bytes(), &ephemeral, recipient);
    let nonce = random_nonce(rng);
    let ciphertext = aead_seal(&key, &nonce, context, plaintext);
    SealedBox {
        ephemeral,
        nonce,
        ciphertext,
    }
}

/// Opens a [`SealedBox`] with this device's X25519 secret.
pub fn open(
    device: &DeviceSecrets,
    context: &[u8],
    sealed: &SealedBox,
) -> Result<Vec<u8>, CryptoError> {
    let secret = device.exchange_secret();
    let recipient = PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&PublicKey::from(sealed.ephemeral));
    if !shared.was_contributory() {
        return Err(CryptoError::Decrypt);
    }
    let key = derive_key(shared.as_bytes(), &sealed.ephemeral, &recipient);
    aead_open(&key, &sealed.nonce, context, &sealed.ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn only_the_recipient_opens_and_the_context_is_bound() {
        let alice = DeviceSecrets::generate(&mut OsRng);
        let bob = DeviceSecrets::generate(&mut OsRng);
        let sealed = seal(
            &bob.public().exchange,
            b"team/1",
            b"team key bytes",
            &mut OsRng,
        );
        assert_eq!(open(&bob, b"team/1", &sealed).unwrap(), b"team key bytes");
        assert_eq!(open(&alice, b"team/1", &sealed), Err(CryptoError::Decrypt));
        assert_eq!(open(&bob, b"team/2", &sealed), Err(CryptoError::Decrypt));
        let mut tampered = sealed.clone();
        tampered.ephemeral[0] ^= 1;
        assert!(open(&bob, b"team/1", &tampered).is_err());
    }
}
