//! The device's vault in localStorage: the device keys, team keys and session token, sealed
//! under the worker's passphrase (see `faltlogg_core::crypto::vault`). Only the sealed form is
//! ever written; the open form lives in memory while the app is unlocked.

use faltlogg_core::api::UserInfo;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::vault::{derive_kek, new_salt, KdfParams, SealedVault, SALT_LEN};
use faltlogg_core::crypto::{CryptoError, SymmetricKey, TeamKey};
use gloo_storage::{LocalStorage, Storage};
use rand_core::OsRng;
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

fn storage_error(e: gloo_storage::errors::StorageError) -> StorageError {
    match e {
        gloo_storage::errors::StorageError::JsError(js) if js.name == "QuotaExceededError" => {
            StorageError::Quota
        }
        _ => StorageError::Failed,
    }
}

impl OpenVault {
    /// Makes a new vault for `contents` under `passphrase` and stores it.
    pub fn create(passphrase: &str, contents: VaultContents) -> Result<OpenVault, VaultError> {
        let salt = new_salt(&mut OsRng);
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
        let sealed: SealedVault =
            LocalStorage::get(VAULT_KEY).map_err(|_| VaultError::Unreadable)?;
        let (kek, plaintext) = sealed.unlock(passphrase).map_err(|e| match e {
            CryptoError::Decrypt => VaultError::WrongPassphrase,
            _ => VaultError::Unreadable,
        })?;
        let plaintext = zeroize::Zeroizing::new(plaintext);
        let contents = postcard::from_bytes(&plaintext).map_err(|_| VaultError::Unreadable)?;
        Ok(OpenVault {
            kek,
            salt: sealed.salt,
            kdf: sealed.kdf,
            contents,
        })
    }

    /// Seals the current contents again (fresh nonce) and replaces the stored vault.
    pub fn save(&self) -> Result<(), VaultError> {
        let plaintext = zeroize::Zeroizing::new(
            postcard::to_allocvec(&self.contents).expect("vault contents serialize"),
        );
        let sealed = SealedVault::seal(&self.kek, self.salt, self.kdf, &plaintext, &mut OsRng);
        LocalStorage::set(VAULT_KEY, &sealed).map_err(|e| VaultError::Storage(storage_error(e)))
    }
}

/// Removes the vault (signing out and erasing the device).
pub fn erase() {
    LocalStorage::delete(VAULT_KEY);
}
