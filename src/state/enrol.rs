//! The device's enrolment, the team's identity and keys, and the coordinator's list of the
//! team's devices.
//!
//! Trust is rooted in the team, not the server (docs/security.md, "A server that lies"). The
//! team's first coordinator device makes the team key and the team identity. Every other
//! device pins the identity the server names at enrolment: the pairing code it shows is made
//! of that identity and its own keys, and the coordinator approves only when it matches the
//! code on their phone, made of the identity they hold and the keys the server lists. From
//! then on a device takes a key only with a grant that identity signed for it, never makes a
//! team key on the server's word, and refuses another identity.

use crate::rng::PhoneRng;
use faltlogg_core::api::{
    Admission, ApproveRequest, DeviceGrant, DeviceInfo, DeviceList, DeviceStatus, EnrolRequest,
    ErrorCode, MyDevice, Revocation, RevokeRequest, Role, SealedTeamKey, TeamIdentityRequest,
};
use faltlogg_core::crypto::identity::{TeamIdentity, TeamIdentityKey};
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use leptos::prelude::*;

use super::errors::api_msg;
use super::{syncing, AppCtx};
use crate::api::{self, CallError};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::vault::VaultContents;

/// Enrols the device if it is not yet, and collects team keys granted to it. A failure, from
/// the server or from the phone's storage, is also shown as the sync problem: callers in the
/// background drop the result.
pub fn ensure_enrolled(ctx: AppCtx) -> super::Task<Result<(), Msg>> {
    Box::pin(ensure_enrolled_now(ctx))
}

async fn ensure_enrolled_now(ctx: AppCtx) -> Result<(), Msg> {
    let result = enrol(ctx).await;
    match result {
        // Removed from the team: hand over, then wipe (`syncing::removed_from_team`).
        Err(Msg::DeviceRevoked) => syncing::removed_from_team(ctx).await,
        Err(msg) => ctx.sync.update(|s| s.problem = Some(msg)),
        Ok(()) => {}
    }
    result
}

async fn enrol(ctx: AppCtx) -> Result<(), Msg> {
    let Some(contents) = ctx.contents() else {
        return Ok(());
    };
    // Enrolling the same keys again is how a device rebinds itself to a new session (after
    // its sign-in expired) and learns its status and grants: one call for every case.
    let request = EnrolRequest::new(&contents.secrets, &contents.token);
    let result: Result<MyDevice, CallError> =
        api::post("/api/devices", Some(&contents.token), &request).await;
    let me = result.map_err(|e| api_msg(&e))?;
    ctx.named_identity.set(me.team_identity);
    let mut guard = Guard::load();
    if guard.settings != me.settings {
        guard.settings = me.settings;
        guard.save();
    }
    let learned = learn(&contents, &me)?;
    ctx.sync.update(|s| s.problem = None);
    let changed = contents.device != Some(me.device.id)
        || !learned.keys.is_empty()
        || learned.pin.is_some()
        || learned.identity_secret.is_some();
    let approved_now = !learned.keys.is_empty();
    if changed {
        ctx.update_vault(|v| {
            v.device = Some(me.device.id);
            v.team_keys.extend(learned.keys);
            if learned.pin.is_some() {
                v.team_identity = learned.pin;
            }
            if learned.identity_secret.is_some() {
                v.identity_secret = learned.identity_secret;
            }
        })?;
    }
    found_or_adopt_identity(ctx, &me).await?;
    // Only a new key can open records not shown yet.
    if approved_now {
        syncing::refresh_local(ctx).await;
        syncing::spawn_sync(ctx);
    }
    Ok(())
}

/// What a reply to enrolment teaches the device, checked against what it already trusts.
struct Learned {
    keys: Vec<TeamKey>,
    /// An identity to pin (the first one this device sees, or the one it makes).
    pin: Option<TeamIdentityKey>,
    identity_secret: Option<TeamIdentity>,
}

fn learn(contents: &VaultContents, me: &MyDevice) -> Result<Learned, Msg> {
    let team = contents.user.team;
    let mut learned = Learned {
        keys: Vec::new(),
        pin: None,
        identity_secret: None,
    };
    let pinned = match (contents.team_identity, me.team_identity) {
        // Another identity than the one pinned: the server, or someone in it, is lying.
        (Some(pinned), Some(named)) if pinned != named => return Err(Msg::ForgedTrust),
        (Some(pinned), _) => Some(pinned),
        // A device of a team from before identities, already holding its key, trusts the
        // identity its team's coordinator made (once, docs/security.md).
        (None, Some(named)) if !contents.team_keys.is_empty() => {
            learned.pin = Some(named);
            Some(named)
        }
        // A new device pins only what its worker confirmed by the pairing code.
        (None, _) => None,
    };
    let held = |epoch: u32| contents.team_keys.iter().any(|k| k.epoch == epoch);
    // The team's first coordinator device makes the key and the identity; never a device
    // that trusts an identity already or holds a key, whatever the server says.
    if me.make_team_key
        && me.team_epoch == 1
        && pinned.is_none()
        && contents.team_keys.is_empty()
        && contents.user.role == Role::Coordinator
    {
        let identity = TeamIdentity::generate(&mut PhoneRng);
        learned.pin = Some(identity.public());
        learned.identity_secret = Some(identity);
        learned.keys.push(TeamKey {
            epoch: 1,
            key: SymmetricKey::generate(&mut PhoneRng),
        });
        return Ok(learned);
    }
    let device = me.device.id;
    let exchange = contents.secrets.public().exchange;
    for grant in &me.sealed_team_keys {
        if held(grant.epoch) {
            continue;
        }
        // No grant counts without the identity this device trusts: not yet pinned (the code
        // not confirmed), it waits; signed by another, or unsigned, it is refused.
        let Some(identity) = pinned else {
            continue;
        };
        if grant.verify(team, device, &exchange, &identity).is_err() {
            return Err(Msg::ForgedTrust);
        }
        // A grant that does not open is not ours to use. It is skipped, and the device stays
        // waiting (see docs/security.md, known defects: approval cannot be repeated yet).
        if let Ok((key, identity)) = grant.open(team, &contents.secrets) {
            if let (Some(identity), Some(pinned)) = (identity, pinned) {
                if identity.public() == pinned && contents.identity_secret.is_none() {
                    learned.identity_secret = Some(identity);
                }
            }
            learned.keys.push(key);
        }
    }
    Ok(learned)
}

/// Sends the team identity to the server if this device made it and the server does not
/// have it yet (the first call's reply may have been lost), or, in a team from before
/// identities, makes one: a coordinator's device that holds the team key admits the devices
/// approved so far, trusting the server's list this one time (docs/security.md).
async fn found_or_adopt_identity(ctx: AppCtx, me: &MyDevice) -> Result<(), Msg> {
    let Some(contents) = ctx.contents() else {
        return Ok(());
    };
    if me.team_identity.is_some()
        || contents.user.role != Role::Coordinator
        || contents.current_team_key().is_none()
        || me.device.status != DeviceStatus::Approved
    {
        return Ok(());
    }
    let adopting = contents.identity_secret.is_none();
    let identity = match &contents.identity_secret {
        Some(identity) => identity.clone(),
        None if contents.team_identity.is_none() => {
            let identity = TeamIdentity::generate(&mut PhoneRng);
            let made = identity.clone();
            ctx.update_vault(|v| {
                v.team_identity = Some(made.public());
                v.identity_secret = Some(made);
            })?;
            identity
        }
        // Pinned, but without the secret: not this device's to found.
        None => return Ok(()),
    };
    let team = contents.user.team;
    let mut admitted = vec![me.device.clone()];
    if me.make_team_key {
        // The team's first device: nobody else to admit.
    } else {
        let list: DeviceList = api::get("/api/devices", &contents.token)
            .await
            .map_err(|e| api_msg(&e))?;
        admitted = list
            .devices
            .into_iter()
            .filter(|d| d.status == DeviceStatus::Approved)
            .collect();
    }
    let request = TeamIdentityRequest {
        identity: identity.public(),
        admissions: admitted
            .iter()
            .map(|d| Admission {
                device: d.id,
                signature: identity.admit(team, d.id, &d.keys),
            })
            .collect(),
    };
    match api::put("/api/team/identity", &contents.token, &request).await {
        // Another coordinator's device adopted one first: forget ours, and pin theirs at the
        // next enrolment (as every other device of an older team does).
        Err(CallError::Rejected(e)) if adopting && e.error == ErrorCode::IdentityConflict => ctx
            .update_vault(|v| {
                v.team_identity = None;
                v.identity_secret = None;
            }),
        result => result.map_err(|e| api_msg(&e)),
    }
}

/// The worker has compared this phone's pairing code with the coordinator's and they match:
/// the identity it was made of is pinned, and the grant, if the coordinator has approved
/// already, is collected.
pub async fn confirm_pairing(ctx: AppCtx) -> Result<(), Msg> {
    let Some(named) = ctx.named_identity.get_untracked() else {
        return Err(Msg::StillPending);
    };
    ctx.update_vault(|v| {
        if v.team_identity.is_none() {
            v.team_identity = Some(named);
        }
    })?;
    enrol(ctx).await
}

/// The team's devices, for the coordinator's approval list.
pub async fn team_devices(ctx: AppCtx) -> Result<Vec<DeviceInfo>, Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let list: DeviceList = api::get("/api/devices", &contents.token)
        .await
        .map_err(|e| api_msg(&e))?;
    Ok(list.devices)
}

/// A grant of `key` to `device` (with the identity, to a coordinator's device, along with
/// the current key).
fn grant(
    identity: &TeamIdentity,
    contents: &VaultContents,
    device: &DeviceInfo,
    key: &TeamKey,
    current: bool,
) -> SealedTeamKey {
    SealedTeamKey::grant(
        identity,
        contents.user.team,
        device.id,
        &device.keys,
        key,
        current && device.role == Role::Coordinator,
        &mut PhoneRng,
    )
}

/// Approves a pending device: the team identity admits it and grants it every team key this
/// device holds, so that it reads what was written before it too (and, to a coordinator's
/// device, the identity itself). The person approving has compared the pairing code on both
/// phones before calling this.
pub async fn approve_device(ctx: AppCtx, device: DeviceInfo) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let current = contents.current_team_key().ok_or(Msg::StillPending)?.epoch;
    let identity = contents.identity_secret.as_ref().ok_or(Msg::StillPending)?;
    let team = contents.user.team;
    let request = ApproveRequest {
        grants: contents
            .team_keys
            .iter()
            .map(|key| grant(identity, &contents, &device, key, key.epoch == current))
            .collect(),
        admission: identity.admit(team, device.id, &device.keys),
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

/// Revokes a device of the team (a lost phone, a worker who left): signed by the team
/// identity as of now, and, if it was approved, with a new team key of the next epoch granted
/// to every other approved device, this one included. The server refuses the device at once;
/// it can read nothing written after. This device then collects its own grant of the new key.
pub async fn revoke_device(ctx: AppCtx, device: DeviceInfo) -> Result<(), Msg> {
    let contents = ctx.contents().ok_or(Msg::StorageError)?;
    let identity = contents.identity_secret.as_ref().ok_or(Msg::StillPending)?;
    let current = contents.current_team_key().ok_or(Msg::StillPending)?;
    let team = contents.user.team;
    let at_ms = crate::time::now_ms();
    let grants = if device.status == DeviceStatus::Approved {
        let next = TeamKey {
            epoch: current.epoch + 1,
            key: SymmetricKey::generate(&mut PhoneRng),
        };
        // A fresh list: the grants must cover exactly the approved devices.
        team_devices(ctx)
            .await?
            .iter()
            .filter(|d| d.status == DeviceStatus::Approved && d.id != device.id)
            .map(|d| DeviceGrant {
                device: d.id,
                grant: grant(identity, &contents, d, &next, true),
            })
            .collect()
    } else {
        Vec::new()
    };
    let request = RevokeRequest {
        revocation: Revocation {
            at_ms,
            signature: identity.revoke(team, device.id, at_ms),
        },
        grants,
    };
    let _: DeviceInfo = api::post(
        &format!("/api/devices/{}/revoke", device.id),
        Some(&contents.token),
        &request,
    )
    .await
    .map_err(|e| api_msg(&e))?;
    // The new key reaches this device as it reaches every other: by its grant.
    enrol(ctx).await?;
    ctx.notice.set(Some(Msg::RevokedDone));
    Ok(())
}
