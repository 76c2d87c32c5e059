//! Reading rows the same way on both backends. What differs is how an id is stored (SQLite:
//! text; PostgreSQL: uuid), behind [`Columns`]; the rows both backends read are decoded once,
//! here, on it.

use faltlogg_core::api::{
    AuditEvent, CheckIn, DeviceInfo, PushSubscription, Revocation, SealedTeamKey, UserInfo,
};
use faltlogg_core::crypto::device::DevicePublicKeys;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::*;

/// A row's columns, by name.
pub(crate) trait Columns {
    fn text(&self, col: &str) -> StoreResult<String>;
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>>;
    fn int(&self, col: &str) -> StoreResult<i64>;
    fn opt_int(&self, col: &str) -> StoreResult<Option<i64>>;
    fn bytes(&self, col: &str) -> StoreResult<Vec<u8>>;
    fn opt_bytes(&self, col: &str) -> StoreResult<Option<Vec<u8>>>;
    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>>;

    fn uuid(&self, col: &str) -> StoreResult<Uuid> {
        self.opt_uuid(col)?
            .ok_or_else(|| bad_data("an id is missing"))
    }
}

/// The columns every backend reads alike (`try_get` of the same Rust types).
macro_rules! plain_columns {
    () => {
        fn text(&self, col: &str) -> StoreResult<String> {
            Ok(self.try_get(col)?)
        }
        fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
            Ok(self.try_get(col)?)
        }
        fn int(&self, col: &str) -> StoreResult<i64> {
            Ok(self.try_get(col)?)
        }
        fn opt_int(&self, col: &str) -> StoreResult<Option<i64>> {
            Ok(self.try_get(col)?)
        }
        fn bytes(&self, col: &str) -> StoreResult<Vec<u8>> {
            Ok(self.try_get(col)?)
        }
        fn opt_bytes(&self, col: &str) -> StoreResult<Option<Vec<u8>>> {
            Ok(self.try_get(col)?)
        }
    };
}

impl Columns for SqliteRow {
    plain_columns!();

    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>> {
        self.opt_text(col)?
            .map(|text| text.parse().map_err(|_| bad_data("an id is not a UUID")))
            .transpose()
    }
}

impl Columns for PgRow {
    plain_columns!();

    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>> {
        Ok(self.try_get(col)?)
    }
}

/// What `user_info` reads, from `users u` joined with `teams t`.
pub(crate) const USER_COLUMNS: &str =
    "u.id AS user_id, u.username, u.role, u.password_hash, t.id AS team_id, t.name AS team_name";

/// What `device_row` reads; the caller adds the `WHERE`.
pub(crate) const DEVICE_SELECT: &str = "SELECT d.id, d.team_id, d.user_id, d.signing_key, \
     d.exchange_key, d.status, d.enrolled_at, d.admission, d.revoked_at, d.revocation, \
     u.username, u.role FROM devices d JOIN users u ON u.id = d.user_id";

fn key32(row: &impl Columns, col: &str) -> StoreResult<[u8; 32]> {
    row.bytes(col)?
        .try_into()
        .map_err(|_| bad_data("key is not 32 bytes"))
}

pub(crate) fn user_info(row: &impl Columns) -> StoreResult<UserInfo> {
    Ok(UserInfo {
        id: row.uuid("user_id")?,
        username: row.text("username")?,
        role: parse_role(&row.text("role")?).ok_or_else(|| bad_data("unknown role"))?,
        team: row.uuid("team_id")?,
        team_name: row.text("team_name")?,
    })
}

/// An account: what `user_info` reads, and `u.disabled_at`.
pub(crate) fn account_row(row: &impl Columns) -> StoreResult<AccountRow> {
    Ok(AccountRow {
        user: user_info(row)?,
        disabled: row.opt_int("disabled_at")?.is_some(),
    })
}

pub(crate) fn team_row(row: &impl Columns) -> StoreResult<TeamRow> {
    Ok(TeamRow {
        id: row.uuid("id")?,
        name: row.text("name")?,
        key_epoch: row.int("key_epoch")? as u32,
    })
}

pub(crate) fn device_row(row: &impl Columns) -> StoreResult<DeviceRow> {
    Ok(DeviceRow {
        team: row.uuid("team_id")?,
        user: row.uuid("user_id")?,
        info: DeviceInfo {
            id: row.uuid("id")?,
            username: row.text("username")?,
            role: parse_role(&row.text("role")?).ok_or_else(|| bad_data("unknown role"))?,
            status: parse_status(&row.text("status")?)
                .ok_or_else(|| bad_data("unknown device status"))?,
            keys: DevicePublicKeys {
                signing: key32(row, "signing_key")?,
                exchange: key32(row, "exchange_key")?,
            },
            enrolled_at_ms: row.int("enrolled_at")?,
            admission: signature(row.opt_bytes("admission")?)?,
            revocation: match (
                row.opt_int("revoked_at")?,
                signature(row.opt_bytes("revocation")?)?,
            ) {
                (Some(at_ms), Some(signature)) => Some(Revocation { at_ms, signature }),
                _ => None,
            },
        },
    })
}

/// `device_id, username, started_at, until_at` of an open check-in.
pub(crate) fn check_in(row: &impl Columns, now_ms: i64) -> StoreResult<CheckIn> {
    let until_ms = row.int("until_at")?;
    Ok(CheckIn {
        device: row.uuid("device_id")?,
        username: row.text("username")?,
        started_ms: row.int("started_at")?,
        until_ms,
        overdue: until_ms < now_ms,
    })
}

/// `device_id, endpoint, p256dh, auth` of a push subscription.
pub(crate) fn push_subscription(row: &impl Columns) -> StoreResult<(Uuid, PushSubscription)> {
    Ok((
        row.uuid("device_id")?,
        PushSubscription {
            endpoint: row.text("endpoint")?,
            p256dh: row.bytes("p256dh")?,
            auth: row.bytes("auth")?,
        },
    ))
}

/// `id, at, kind, username, device_id, target_device` of a security event.
pub(crate) fn audit_event(row: &impl Columns) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        id: row.int("id")?,
        at_ms: row.int("at")?,
        kind: parse_audit_kind(&row.text("kind")?).ok_or_else(|| bad_data("unknown event kind"))?,
        username: row.opt_text("username")?,
        device: row.opt_uuid("device_id")?,
        target: row.opt_uuid("target_device")?,
    })
}

/// `epoch, sealed, identity, signature` of a grant.
pub(crate) fn sealed_team_key(row: &impl Columns) -> StoreResult<SealedTeamKey> {
    Ok(SealedTeamKey {
        epoch: row.int("epoch")? as u32,
        sealed: sealed_box(Some(row.bytes("sealed")?))?.ok_or_else(|| bad_data("sealed key"))?,
        identity: sealed_box(row.opt_bytes("identity")?)?,
        signature: signature(row.opt_bytes("signature")?)?,
    })
}
