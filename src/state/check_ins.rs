//! The lone-worker check-in: this device's start and end, and the team's open check-ins. The
//! sync asks for those with every round (`syncing`), so a coordinator's phone that is open
//! hears of an overdue one within `app::SYNC_EVERY_MS`, and one opened later at its unlock.
//! The server knows only the device and the deadline, never where or with whom.

use faltlogg_core::api::{CheckIn, CheckInRequest};

use super::errors::api_msg;
use super::AppCtx;
use crate::api;
use crate::i18n::Msg;

/// Starts (or moves) this device's check-in to end at `until_ms`, or, given `None`, checks
/// it out; then syncs, which brings the team's list up to date. Offline it fails with words
/// that say to tell the team another way: a check-in the server does not hold alerts nobody.
pub async fn check_in(ctx: AppCtx, until_ms: Option<i64>) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    // One call for both (a `PUT` with the new end, a `DELETE` without): one copy of the
    // waiting in the wasm.
    let body = until_ms
        .map(|until_ms| postcard::to_allocvec(&CheckInRequest { until_ms }).unwrap_or_default());
    let method = if body.is_some() { "PUT" } else { "DELETE" };
    let sent = api::send(method, "/api/check-in", Some(&contents.token), body).await;
    sent.map_err(|e| match api_msg(&e) {
        Msg::Offline => Msg::CheckInOffline,
        msg => msg,
    })?;
    ctx.say(match until_ms {
        Some(_) => Msg::CheckedIn,
        None => Msg::CheckedOut,
    });
    super::spawn_sync(ctx);
    Ok(())
}

/// Whether a check-in has gone overdue: the server said so, or its time has passed since.
pub fn is_overdue(c: &CheckIn, now_ms: i64) -> bool {
    c.overdue || c.until_ms <= now_ms
}
