//! The device's enrolment and team keys, and the coordinator's list of the team's devices.

use faltlogg_core::api::{
    ApproveRequest, DeviceInfo, DeviceList, EnrolRequest, MyDevice, SealedTeamKey,
};
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use leptos::prelude::*;
use rand_core::OsRng;

use super::errors::api_msg;
use super::{syncing, AppCtx};
use crate::api::{self, CallError};
use crate::i18n::Msg;

/// Enrols the device if it is not yet, and collects team keys sealed to it. A failure, from
/// the server or from the phone's storage, is also shown as the sync problem: callers in the
/// background drop the result.
pub fn ensure_enrolled(ctx: AppCtx) -> super::Task<Result<(), Msg>> {
    Box::pin(ensure_enrolled_now(ctx))
}

async fn ensure_enrolled_now(ctx: AppCtx) -> Result<(), Msg> {
    let result = enrol(ctx).await;
    if let Err(msg) = result {
        ctx.sync.update(|s| s.problem = Some(msg));
    }
    result
}

async fn enrol(ctx: AppCtx) -> Result<(), Msg> {
    let Some(contents) = ctx.contents() else {
        return Ok(());
    };
    // Enrolling the same keys again is how a device rebinds itself to a new session (after
    // its sign-in expired) and learns its status and sealed keys: one call for every case.
    let request = EnrolRequest::new(&contents.secrets, &contents.token);
    let result: Result<MyDevice, CallError> =
        api::post("/api/devices", Some(&contents.token), &request).await;
    let me = result.map_err(|e| api_msg(&e))?;
    ctx.sync.update(|s| s.problem = None);
    let mut new_keys: Vec<TeamKey> = Vec::new();
    let held = |epoch: u32| contents.team_keys.iter().any(|k| k.epoch == epoch);
    if me.make_team_key && me.team_epoch > 0 && !held(me.team_epoch) {
        new_keys.push(TeamKey {
            epoch: me.team_epoch,
            key: SymmetricKey::generate(&mut OsRng),
        });
    }
    for sealed_key in &me.sealed_team_keys {
        if held(sealed_key.epoch) {
            continue;
        }
        // A sealed key that does not open is not ours to use. It is skipped, and the device
        // stays waiting (see docs/security.md, known defects: approval cannot be repeated yet).
        if let Ok(key) = sealed_key.open(contents.user.team, &contents.secrets) {
            new_keys.push(key);
        }
    }
    if contents.device != Some(me.device.id) || !new_keys.is_empty() {
        let approved_now = !new_keys.is_empty();
        ctx.update_vault(|v| {
            v.device = Some(me.device.id);
            v.team_keys.extend(new_keys);
        })?;
        // Only a new key can open records not shown yet.
        if approved_now {
            syncing::refresh_local(ctx).await;
            syncing::spawn_sync(ctx);
        }
    }
    Ok(())
}

/// The team's devices, for the coordinator's approval list.
pub async fn team_devices(ctx: AppCtx) -> Result<Vec<DeviceInfo>, Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let list: DeviceList = api::get("/api/devices", &contents.token)
        .await
        .map_err(|e| api_msg(&e))?;
    Ok(list.devices)
}

/// Approves a pending device by sealing the current team key to its exchange key. The person
/// approving has compared the fingerprint shown on both phones before calling this.
pub async fn approve_device(ctx: AppCtx, device: DeviceInfo) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let key = contents.current_team_key().ok_or(Msg::StillPending)?;
    let request = ApproveRequest {
        sealed_team_key: SealedTeamKey::seal(
            contents.user.team,
            key,
            &device.keys.exchange,
            &mut OsRng,
        ),
    };
    let _: DeviceInfo = api::post(
        &format!("/api/devices/{}/approve", device.id),
        Some(&contents.token),
        &request,
    )
    .await
    .map_err(|e| api_msg(&e))?;
    ctx.notice.set(Some(Msg::Approved));
    Ok(())
}
