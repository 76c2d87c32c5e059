//! The vault: the device's secrets, wrapped under a key-encryption key (KEK) derived from the
//! worker's passphrase with Argon2id. Only the sealed form is ever stored on the device.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use super::{aead_open, aead_seal, random_nonce, CryptoError, SymmetricKey, NONCE_LEN};
use crate::Csprng;

pub const SALT_LEN: usize = 16;
/// Passphrases shorter than this are refused; length beats complexity rules.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Argon2id cost. The default (32 MiB, 3 passes) takes about 0.1 s in desktop Chromium and
/// about half a second on a mid-range phone: slow for a thief guessing, quick for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            memory_kib: 32 * 1024,
            passes: 3,
            lanes: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassphraseError {
    TooShort,
    Mismatch,
}

/// Checks a new passphrase and its repetition.
pub fn check_new_passphrase(passphrase: &str, repeated: &str) -> Result<(), PassphraseError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(PassphraseError::TooShort);
    }
    if passphrase != repeated {
        return Err(PassphraseError::Mismatch);
    }
    Ok(())
}

/// Derives the key-encryption key from a passphrase.
pub fn derive_kek(
    passphrase: &str,
    salt: &[u8; SALT_LEN],
    params: KdfParams,
) -> Result<SymmetricKey, CryptoError> {
    let params = Params::new(params.memory_kib, params.passes, params.lanes, Some(32))
        .map_err(|_| CryptoError::Kdf)?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|_| CryptoError::Kdf)?;
    Ok(SymmetricKey::from_bytes(out))
}

/// The sealed vault as stored in localStorage (see [`SealedVault::to_text`]). Everything in
/// clear here is public: the salt and cost parameters, the nonce, and ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedVault {
    pub version: u8,
    #[serde(with = "crate::b64::array")]
    pub salt: [u8; SALT_LEN],
    pub kdf: KdfParams,
    #[serde(with = "crate::b64::array")]
    pub nonce: [u8; NONCE_LEN],
    #[serde(with = "crate::b64")]
    pub ciphertext: Vec<u8>,
}

const VAULT_VERSION: u8 = 1;
/// The character that stands for byte 0 in [`SealedVault::to_text`].
const TEXT_BASE: u32 = 0x100;

fn aad(salt: &[u8; SALT_LEN], kdf: &KdfParams) -> Vec<u8> {
    let mut aad = b"faltlogg-vault-v1".to_vec();
    aad.extend_from_slice(salt);
    for n in [kdf.memory_kib, kdf.passes, kdf.lanes] {
        aad.extend_from_slice(&n.to_le_bytes());
    }
    aad
}

/// A fresh random salt for a new vault.
pub fn new_salt(rng: &mut impl Csprng) -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    salt
}

impl SealedVault {
    /// Seals `plaintext` under `kek`, which was derived with `salt` and `kdf`.
    pub fn seal(
        kek: &SymmetricKey,
        salt: [u8; SALT_LEN],
        kdf: KdfParams,
        plaintext: &[u8],
        rng: &mut impl Csprng,
    ) -> Self {
        let nonce = random_nonce(rng);
        let ciphertext = aead_seal(kek, &nonce, &aad(&salt, &kdf), plaintext);
        SealedVault {
            version: VAULT_VERSION,
            salt,
            kdf,
            nonce,
            ciphertext,
        }
    }

    /// Derives the KEK from `passphrase` and opens the vault. A wrong passphrase and a changed
    /// byte both give [`CryptoError::Decrypt`].
    pub fn unlock(&self, passphrase: &str) -> Result<(SymmetricKey, Vec<u8>), CryptoError> {
        if self.version != VAULT_VERSION {
            return Err(CryptoError::Malformed);
        }
        let kek = derive_kek(passphrase, &self.salt, self.kdf)?;
        let plaintext = self.open(&kek)?;
        Ok((kek, plaintext))
    }

    /// The stored form, for localStorage, which holds text: the postcard bytes, one
    /// character per byte from U+0100 up (no NUL or control characters, no codec in the wasm).
    /// Devices before it stored JSON, which starts with `{` and never decodes here.
    pub fn to_text(&self) -> String {
        postcard::to_allocvec(self)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|b| char::from_u32(TEXT_BASE + u32::from(b)))
            .collect()
    }

    /// Reads [`SealedVault::to_text`]'s form; `None` for anything else.
    pub fn from_text(text: &str) -> Option<SealedVault> {
        let bytes = text
            .chars()
            .map(|c| u8::try_from((c as u32).checked_sub(TEXT_BASE)?).ok())
            .collect::<Option<Vec<u8>>>()?;
        let (vault, rest) = postcard::take_from_bytes::<SealedVault>(&bytes).ok()?;
        (rest.is_empty() && vault.version == VAULT_VERSION).then_some(vault)
    }

    /// Opens the vault with an already derived KEK.
    pub fn open(&self, kek: &SymmetricKey) -> Result<Vec<u8>, CryptoError> {
        aead_open(
            kek,
            &self.nonce,
            &aad(&self.salt, &self.kdf),
            &self.ciphertext,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    const FAST: KdfParams = KdfParams {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    #[test]
    fn unlock_with_the_right_passphrase_only() {
        let salt = new_salt(&mut OsRng);
        let kek = derive_kek("rätt lösenfras", &salt, FAST).unwrap();
        let vault = SealedVault::seal(&kek, salt, FAST, b"device secrets", &mut OsRng);
        let (kek2, plain) = vault.unlock("rätt lösenfras").unwrap();
        assert_eq!(plain, b"device secrets");
        assert_eq!(kek2, kek);
        assert_eq!(
            vault.unlock("fel lösenfras").unwrap_err(),
            CryptoError::Decrypt
        );
        let mut weaker = vault.clone();
        weaker.kdf.passes = 2;
        assert_eq!(
            weaker.unlock("rätt lösenfras").unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn vault_survives_json() {
        let salt = new_salt(&mut OsRng);
        let kek = derive_kek("passphrase", &salt, FAST).unwrap();
        let vault = SealedVault::seal(&kek, salt, FAST, b"x", &mut OsRng);
        let json = serde_json::to_string(&vault).unwrap();
        assert_eq!(serde_json::from_str::<SealedVault>(&json).unwrap(), vault);
    }

    #[test]
    fn the_stored_text_form_round_trips_and_refuses_other_text() {
        let salt = new_salt(&mut OsRng);
        let kek = derive_kek("passphrase", &salt, FAST).unwrap();
        let vault = SealedVault::seal(&kek, salt, FAST, b"secrets", &mut OsRng);
        let text = vault.to_text();
        assert_eq!(SealedVault::from_text(&text), Some(vault.clone()));
        // The JSON that devices stored before is not mistaken for it.
        let json = serde_json::to_string(&vault).unwrap();
        assert_eq!(SealedVault::from_text(&json), None);
        assert_eq!(SealedVault::from_text(""), None);
        let half: String = text.chars().take(text.chars().count() / 2).collect();
        assert_eq!(SealedVault::from_text(&half), None);
        assert!(text.chars().all(|c| ('\u{100}'..='\u{1ff}').contains(&c)));
    }

    /// RFC 9106, section 5.3: Argon2id as wired here matches the standard.
    #[test]
    fn argon2id_matches_rfc9106() {
        let mut out = [0u8; 32];
        // The vector binds a secret and associated data too.
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .data(argon2::AssociatedData::new(&[4; 12]).unwrap())
            .output_len(32)
            .build()
            .unwrap();
        Argon2::new_with_secret(&[3; 8], Algorithm::Argon2id, Version::V0x13, params)
            .unwrap()
            .hash_password_into(&[1; 32], &[2; 16], &mut out)
            .unwrap();
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn new_passphrases_are_checked() {
        assert_eq!(
            check_new_passphrase("kort", "kort"),
            Err(PassphraseError::TooShort)
        );
        assert_eq!(
            check_new_passphrase("långalånga", "långalångb"),
            Err(PassphraseError::Mismatch)
        );
        assert_eq!(check_new_passphrase("långalånga", "långalånga"), Ok(()));
    }
}
