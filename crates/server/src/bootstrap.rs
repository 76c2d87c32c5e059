//! First start: an empty database gets a demo team and its coordinator account, `admin`.

use faltlogg_core::api::UserInfo;

use crate::db::{Store, StoreError, StoreResult};
use crate::{now_ms, passwords};

pub const ADMIN_USERNAME: &str = "admin";
pub const DEMO_TEAM: &str = "Demo";

/// Creates the admin account if there are no users (once, however many servers start at
/// once on one database). Returns the account and its password
/// (the given one, or a new random one) when it did, so the operator can be told once.
pub async fn ensure_admin(
    store: &dyn Store,
    password: Option<String>,
) -> StoreResult<Option<(UserInfo, String)>> {
    if store.user_count().await? > 0 {
        return Ok(None);
    }
    let password = password.unwrap_or_else(passwords::random_password);
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || passwords::hash(&password))
            .await
            .expect("hashing does not panic")
    };
    match store
        .create_team_with_coordinator(DEMO_TEAM, ADMIN_USERNAME, &hash, now_ms())
        .await
    {
        Ok(user) => Ok(Some((user, password))),
        // Another server on the same database made it first (several started at once).
        Err(StoreError::Exists) => Ok(None),
        Err(e) => Err(e),
    }
}
