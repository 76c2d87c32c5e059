//! The device's vault in localStorage: the device keys, team keys and session token, sealed
//! under the worker's passphrase (see `faltlogg_core::crypto::vault`). Only the sealed form is
//! ever written; the open form lives in memory while the app is unlocked.

use crate::rng::PhoneRng;
use faltlogg_core::api::UserInfo;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::identity::{TeamIdentity, TeamIdentityKey};
use faltlogg_core::crypto::vault::{derive_kek, new_salt, KdfParams, SealedVault, SALT_LEN};
use faltlogg_core::crypto::{CryptoError, SymmetricKey, TeamKey};
use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::idb::StorageError;

pub const VAULT_KEY: &str = "faltlogg.vault";

/// What the vault protects.
#[derive(Clone, Serialize, Deserialize)]
pub struct VaultContents {
    pub user: UserInfo,
    /// The session's bearer token.
    pub token: String,
    /// Set once the server has enrolled this device.
    pub device: Option<Uuid>,
    pub secrets: DeviceSecrets,
    pub team_keys: Vec<TeamKey>,
    /// The team identity this device trusts, pinned at enrolment (the pairing code showed
    /// it). Keys, admissions and epochs count only with its signature.
    pub team_identity: Option<TeamIdentityKey>,
    /// The identity's secret: on a coordinator's device only, to admit and grant.
    pub identity_secret: Option<TeamIdentity>,
}

/// The contents as vaults before team identities held them; read, then written in the new
/// form. (Postcard is positional: a shorter struct does not decode as the longer one.)
#[derive(Deserialize)]
struct ContentsBeforeIdentity {
    user: UserInfo,
    token: String,
    device: Option<Uuid>,
    secrets: DeviceSecrets,
    team_keys: Vec<TeamKey>,
}

impl From<ContentsBeforeIdentity> for VaultContents {
    fn from(old: ContentsBeforeIdentity) -> VaultContents {
        VaultContents {
            user: old.user,
            token: old.token,
            device: old.device,
            secrets: old.secrets,
            team_keys: old.team_keys,
            team_identity: None,
            identity_secret: None,
        }
    }
}

/// The contents from a vault's plaintext, and whether they were in the older form.
fn decode_contents(plaintext: &[u8]) -> Result<(VaultContents, bool), VaultError> {
    match postcard::from_bytes::<VaultContents>(plaintext) {
        Ok(contents) => Ok((contents, false)),
        Err(_) => postcard::from_bytes::<ContentsBeforeIdentity>(plaintext)
            .map(|old| (old.into(), true))
            .map_err(|_| VaultError::Unreadable),
    }
}

impl core::fmt::Debug for VaultContents {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("VaultContents(<redacted>)")
    }
}

impl VaultContents {
    pub fn current_team_key(&self) -> Option<&TeamKey> {
        self.team_keys.iter().max_by_key(|k| k.epoch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultError {
    WrongPassphrase,
    /// No vault, or one that does not decode: nothing a passphrase can fix.
    Unreadable,
    Storage(StorageError),
}

/// The vault while unlocked: the KEK stays in memory so changes can be sealed again without
/// asking for the passphrase; it is dropped (and zeroed) on lock.
#[derive(Clone)]
pub struct OpenVault {
    kek: SymmetricKey,
    salt: [u8; SALT_LEN],
    kdf: KdfParams,
    pub contents: VaultContents,
}

pub fn exists() -> bool {
    LocalStorage::raw()
        .get_item(VAULT_KEY)
        .ok()
        .flatten()
        .is_some()
}

/// The sealed vault as stored, and whether it is in the JSON form of devices before
/// [`SealedVault::to_text`] (read once more, then written again in the new form).
fn read_sealed() -> Result<(SealedVault, bool), VaultError> {
    let text = LocalStorage::raw()
        .get_item(VAULT_KEY)
        .ok()
        .flatten()
        .ok_or(VaultError::Unreadable)?;
    if let Some(sealed) = SealedVault::from_text(&text) {
        return Ok((sealed, false));
    }
    legacy_json(&text)
        .map(|sealed| (sealed, true))
        .ok_or(VaultError::Unreadable)
}

/// Base64url without padding, decoded by the browser's `atob` (no codec in the wasm).
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let binary = web_sys::window()?.atob(&standard).ok()?;
    binary.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// A vault stored as JSON by an earlier version, read with the browser's own `JSON.parse`
/// so the wasm carries no JSON codec for it. Its fields as that version wrote them:
/// `{version, salt, kdf: {memory_kib, passes, lanes}, nonce, ciphertext}`, bytes in base64url.
fn legacy_json(text: &str) -> Option<SealedVault> {
    use wasm_bindgen::JsValue;
    let root = js_sys::JSON::parse(text).ok()?;
    let field = |object: &JsValue, name: &str| js_sys::Reflect::get(object, &name.into()).ok();
    let number = |object: &JsValue, name: &str| {
        let value = field(object, name)?.as_f64()?;
        (value.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&value)).then_some(value as u32)
    };
    let bytes = |name: &str| base64url(&field(&root, name)?.as_string()?);
    let kdf = field(&root, "kdf")?;
    Some(SealedVault {
        version: u8::try_from(number(&root, "version")?).ok()?,
        salt: bytes("salt")?.try_into().ok()?,
        kdf: KdfParams {
            memory_kib: number(&kdf, "memory_kib")?,
            passes: number(&kdf, "passes")?,
            lanes: number(&kdf, "lanes")?,
        },
        nonce: bytes("nonce")?.try_into().ok()?,
        ciphertext: bytes("ciphertext")?,
    })
}

impl OpenVault {
    /// Makes a new vault for `contents` under `passphrase` and stores it.
    pub fn create(passphrase: &str, contents: VaultContents) -> Result<OpenVault, VaultError> {
        let salt = new_salt(&mut PhoneRng);
        let kdf = KdfParams::default();
        let kek = derive_kek(passphrase, &salt, kdf)
            .map_err(|_| VaultError::Storage(StorageError::Failed))?;
        let vault = OpenVault {
            kek,
            salt,
            kdf,
            contents,
        };
        vault.save()?;
        Ok(vault)
    }

    /// Opens the stored vault with `passphrase`.
    pub fn unlock(passphrase: &str) -> Result<OpenVault, VaultError> {
        let (sealed, legacy) = read_sealed()?;
        let (kek, plaintext) = sealed.unlock(passphrase).map_err(|e| match e {
            CryptoError::Decrypt => VaultError::WrongPassphrase,
            _ => VaultError::Unreadable,
        })?;
        let plaintext = zeroize::Zeroizing::new(plaintext);
        let (contents, older) = decode_contents(&plaintext)?;
        let vault = OpenVault {
            kek,
            salt: sealed.salt,
            kdf: sealed.kdf,
            contents,
        };
        if legacy || older {
            // Should the write fail, the JSON stays and is read again at the next unlock.
            let _ = vault.save();
        }
        Ok(vault)
    }

    /// Seals the current contents again (fresh nonce) and replaces the stored vault.
    pub fn save(&self) -> Result<(), VaultError> {
        let plaintext = zeroize::Zeroizing::new(
            postcard::to_allocvec(&self.contents)
                .map_err(|_| VaultError::Storage(StorageError::Failed))?,
        );
        let sealed = SealedVault::seal(&self.kek, self.salt, self.kdf, &plaintext, &mut PhoneRng);
        LocalStorage::raw()
            .set_item(VAULT_KEY, &sealed.to_text())
            .map_err(|e| VaultError::Storage(StorageError::from_js(&e)))
    }
}

/// Removes the vault (signing out and erasing the device), and the duress passphrase with it.
pub fn erase() {
    LocalStorage::delete(VAULT_KEY);
    LocalStorage::delete(DURESS_KEY);
}

/// Where the duress passphrase's check is kept: a vault of its own, sealed the same way
/// (Argon2id, a salt of its own), holding only [`DURESS_MARK`]. It tells nothing but whether
/// a passphrase is the duress one, and only at Argon2id's cost per guess.
pub const DURESS_KEY: &str = "faltlogg.duress";
const DURESS_MARK: &[u8] = b"faltlogg-duress-v1";

/// Sets (or replaces) the duress passphrase.
pub fn set_duress(passphrase: &str) -> Result<(), VaultError> {
    let salt = new_salt(&mut PhoneRng);
    let kdf = KdfParams::default();
    let kek = derive_kek(passphrase, &salt, kdf)
        .map_err(|_| VaultError::Storage(StorageError::Failed))?;
    let sealed = SealedVault::seal(&kek, salt, kdf, DURESS_MARK, &mut PhoneRng);
    LocalStorage::raw()
        .set_item(DURESS_KEY, &sealed.to_text())
        .map_err(|e| VaultError::Storage(StorageError::from_js(&e)))
}

/// Whether `passphrase` is the duress passphrase (none set: never).
pub fn is_duress(passphrase: &str) -> bool {
    LocalStorage::raw()
        .get_item(DURESS_KEY)
        .ok()
        .flatten()
        .and_then(|text| SealedVault::from_text(&text))
        .and_then(|sealed| sealed.unlock(passphrase).ok())
        .is_some_and(|(_, mark)| mark == DURESS_MARK)
}

pub fn has_duress() -> bool {
    LocalStorage::raw()
        .get_item(DURESS_KEY)
        .ok()
        .flatten()
        .is_some()
}
