//! Drafts: what a form holds while it is typed, sealed under the device's storage key in
//! IndexedDB (`drafts`), so a reload, a crash or the auto-lock loses nothing typed. Never in
//! plaintext: the key is derived from the device's secrets, which only the vault holds.

use crate::rng::PhoneRng;
use faltlogg_core::local::{open_draft, seal_draft};

use super::AppCtx;
use crate::idb::{self, DRAFTS};

/// The fields of the draft of form `form`, if one was saved.
pub async fn load(ctx: AppCtx, form: &str) -> Option<Vec<(String, String)>> {
    let key = ctx.storage_key()?;
    let sealed = idb::get_bytes(DRAFTS, form).await.ok()??;
    open_draft(&key, form, &sealed).ok()
}

/// Saves the draft of form `form`. A failure is not shown: the form itself still holds the
/// text, and saving the record reports storage problems clearly.
pub async fn save(ctx: AppCtx, form: &str, fields: &[(String, String)]) {
    let Some(key) = ctx.storage_key() else {
        return;
    };
    let sealed = seal_draft(&key, form, fields, &mut PhoneRng);
    if let Ok(tx) = idb::transaction(&[DRAFTS], true).await {
        if idb::put_bytes(&tx, DRAFTS, form, &sealed).is_ok() {
            let _ = idb::committed(&tx).await;
        }
    }
}

/// Forgets the draft of form `form` (saved as a record, or cancelled).
pub async fn clear(form: &str) {
    if let Ok(tx) = idb::transaction(&[DRAFTS], true).await {
        if idb::delete(&tx, DRAFTS, form).is_ok() {
            let _ = idb::committed(&tx).await;
        }
    }
}
