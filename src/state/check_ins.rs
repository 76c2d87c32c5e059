//! The lone-worker check-in: this device's start and end, and the team's open check-ins. The
//! sync asks for those with every round (`syncing`), so a coordinator's phone that is open
//! hears of an overdue one within `app::SYNC_EVERY_MS`, and one opened later at its unlock.
//! The server knows only the device and the deadline, never where or with whom.

use faltlogg_core::api::{CheckIn, CheckInRequest};
use wasm_bindgen::JsCast;

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

/// Turns on Web Push for the check-in's alert on this phone: boot.js's `faltloggPush` asks the
/// browser for permission, subscribes with the server's key and tells the server, given the
/// session's token and the alert's words. Called from the tap itself, since browsers ask for
/// permission only then; the promise says how it went ([`push_turned_on`]).
pub fn turn_on_push(ctx: AppCtx, title: &str, body: &str) -> Option<js_sys::Promise> {
    let token = ctx.contents()?.token;
    let push = js_sys::Reflect::get(&leptos::prelude::window(), &"faltloggPush".into()).ok()?;
    push.dyn_ref::<js_sys::Function>()?
        .call3(
            &wasm_bindgen::JsValue::NULL,
            &token.into(),
            &title.into(),
            &body.into(),
        )
        .ok()?
        .dyn_into()
        .ok()
}

/// How turning on Web Push went, in words.
pub async fn push_turned_on(promise: Option<js_sys::Promise>) -> Msg {
    let Some(promise) = promise else {
        return Msg::PushUnsupported;
    };
    let said = wasm_bindgen_futures::JsFuture::from(promise).await;
    match said.ok().and_then(|v| v.as_string()).as_deref() {
        Some("on") => Msg::PushOn,
        Some("denied") => Msg::PushDenied,
        Some("unsupported") => Msg::PushUnsupported,
        _ => Msg::PushFailed,
    }
}
