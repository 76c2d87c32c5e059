//! Crypto, composed from RustCrypto crates; no primitive is written here.
//!
//! - [`SymmetricKey`] + [`aead_seal`]/[`aead_open`]: XChaCha20-Poly1305 with random 192-bit nonces.
//! - [`device`]: a device's Ed25519 signing key and X25519 key agreement key.
//! - [`sealed`]: sealing a secret (a team key) to a device's X25519 public key.
//! - [`vault`]: the passphrase-protected vault (Argon2id key-encryption key).

pub mod device;
pub mod identity;
pub mod person;
pub mod sealed;
pub mod vault;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::Csprng;

/// Why a crypto operation failed. Deliberately coarse: a caller learns that something did not
/// verify, never which byte or key was at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// Authentication failed: wrong key, wrong passphrase or changed bytes.
    Decrypt,
    /// A signature did not verify against the expected public key.
    Signature,
    /// Bytes did not decode into the expected structure.
    Malformed,
    /// The key derivation parameters were rejected.
    Kdf,
}

impl core::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CryptoError::Decrypt => "decryption failed",
            CryptoError::Signature => "signature did not verify",
            CryptoError::Malformed => "malformed data",
            CryptoError::Kdf => "key derivation failed",
        })
    }
}

impl std::error::Error for CryptoError {}

pub const KEY_LEN: usize = 32;
pub const NONCE_LEN: usize = 24;

/// A 256-bit symmetric key. Zeroed on drop; its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
pub struct SymmetricKey(#[serde(with = "crate::b64::array")] [u8; KEY_LEN]);

impl SymmetricKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        SymmetricKey(bytes)
    }

    pub fn generate(rng: &mut impl Csprng) -> Self {
        let mut bytes = [0u8; KEY_LEN];
        rng.fill_bytes(&mut bytes);
        SymmetricKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl core::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SymmetricKey(<redacted>)")
    }
}

/// A fresh random nonce. 192 bits make random nonces safe for any number of messages.
pub fn random_nonce(rng: &mut impl Csprng) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    nonce
}

/// XChaCha20-Poly1305 encryption of `plaintext`, binding `aad`.
pub fn aead_seal(
    key: &SymmetricKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    XChaCha20Poly1305::new(key.as_bytes().into())
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // Encryption fails only for inputs longer than 256 GiB, which nothing here produces.
        .expect("XChaCha20-Poly1305 accepts any input below 256 GiB")
}

/// XChaCha20-Poly1305 decryption; fails on any changed byte of ciphertext, nonce or `aad`.
pub fn aead_open(
    key: &SymmetricKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    XChaCha20Poly1305::new(key.as_bytes().into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

/// A team key with its epoch. A new epoch is made when a device is revoked.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamKey {
    pub epoch: u32,
    pub key: SymmetricKey,
}

impl core::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "TeamKey {{ epoch: {}, key: <redacted> }}", self.epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn aead_round_trip_and_every_changed_byte_is_rejected() {
        let key = SymmetricKey::generate(&mut OsRng);
        let nonce = random_nonce(&mut OsRng);
        let sealed = aead_seal(&key, &nonce, b"header", b"note");
        assert_eq!(
            aead_open(&key, &nonce, b"header", &sealed).unwrap(),
            b"note"
        );
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                aead_open(&key, &nonce, b"header", &bad),
                Err(CryptoError::Decrypt)
            );
        }
        assert_eq!(
            aead_open(&key, &nonce, b"headeR", &sealed),
            Err(CryptoError::Decrypt)
        );
        let other = SymmetricKey::generate(&mut OsRng);
        assert_eq!(
            aead_open(&other, &nonce, b"header", &sealed),
            Err(CryptoError::Decrypt)
        );
    }

    /// Test vector from draft-irtf-cfrg-xchacha-03, appendix A.3.1: proves that the crate
    /// wired here is XChaCha20-Poly1305 and nothing else.
    #[test]
    fn xchacha20poly1305_matches_the_published_vector() {
        let key: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
        let nonce: [u8; 24] = core::array::from_fn(|i| 0x40 + i as u8);
        let aad = [
            0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
        ];
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let sealed = aead_seal(&SymmetricKey::from_bytes(key), &nonce, &aad, plaintext);
        let expected_tag = "c0875924c1c7987947deafd8780acf49";
        let expected_start = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb";
        let hex: String = sealed.iter().map(|b| format!("{b:02x}")).collect();
        assert!(hex.starts_with(expected_start), "{hex}");
        assert!(hex.ends_with(expected_tag), "{hex}");
    }
}
