//! The team as a coordinator sees it: the settings of its phones and its security events.

use faltlogg_core::api::{AuditPage, TeamSettings};
use leptos::prelude::*;

use super::errors::api_msg;
use super::AppCtx;
use crate::api;
use crate::guard::Guard;
use crate::i18n::Msg;

/// Sets what the team's phones do. This phone takes the settings at once; the others at their
/// next enrolment call.
pub async fn save_team_settings(ctx: AppCtx, settings: TeamSettings) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    api::put("/api/team/settings", &contents.token, &settings)
        .await
        .map_err(|e| api_msg(&e))?;
    let mut guard = Guard::load();
    guard.settings = settings;
    guard.save();
    ctx.notice.set(Some(Msg::SettingsSaved));
    Ok(())
}

/// A page of the team's security events, newest first, older than the event `before`.
pub async fn team_events(ctx: AppCtx, before: Option<i64>) -> Result<AuditPage, Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let path = match before {
        Some(id) => format!("/api/team/events?before={id}"),
        None => "/api/team/events".to_string(),
    };
    api::get(&path, &contents.token)
        .await
        .map_err(|e| api_msg(&e))
}
