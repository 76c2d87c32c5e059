//! The SQLite backend: one file (WAL mode) in the data directory, migrations embedded.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use faltlogg_core::api::{
    Admission, AuditEvent, CheckIn, DeviceGrant, DeviceInfo, DeviceStatus, Revocation, Role,
    SealedTeamKey, TeamSettings, UserInfo,
};
use faltlogg_core::crypto::device::DevicePublicKeys;
use faltlogg_core::crypto::identity::{Sig, TeamIdentityKey};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::Row;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::rows::*;
use super::*;

pub struct SqliteStore {
    pool: SqlitePool,
    /// SQLite has one writer at a time; taking this first turns lock contention into a
    /// queue instead of SQLITE_BUSY errors on transaction upgrade.
    write: Mutex<()>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        Ok(SqliteStore {
            pool,
            write: Mutex::new(()),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn close(&self) {
        self.pool.close().await;
    }

    async fn user_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn create_team_with_coordinator(
        &self,
        team_name: &str,
        username: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> StoreResult<UserInfo> {
        let _w = self.write.lock().await;
        let team = Uuid::new_v4();
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)")
            .bind(team.to_string())
            .bind(team_name)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(taken)?;
        let user = insert_user(
            &mut tx,
            team,
            username,
            password_hash,
            Role::Coordinator,
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(UserInfo {
            team_name: team_name.to_string(),
            ..user
        })
    }

    async fn user_credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN teams t ON t.id = u.team_id \
             WHERE u.username = ? AND u.disabled_at IS NULL"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(UserCredentials {
                user: user_info(&row)?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn teams(&self) -> StoreResult<Vec<TeamRow>> {
        let rows = sqlx::query("SELECT id, name, key_epoch FROM teams ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(team_row).collect()
    }

    async fn account(&self, username: &str) -> StoreResult<Option<AccountRow>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.disabled_at FROM users u JOIN teams t ON t.id = u.team_id \
             WHERE u.username = ?"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_row(&r)).transpose()
    }

    async fn set_check_in(
        &self,
        team: Uuid,
        device: Uuid,
        until_ms: i64,
        now_ms: i64,
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query(
            "INSERT INTO check_ins (device_id, team_id, started_at, until_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (device_id) DO UPDATE SET until_at = excluded.until_at, alerted = 0",
        )
        .bind(device.to_string())
        .bind(team.to_string())
        .bind(now_ms)
        .bind(until_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_check_in(&self, device: Uuid) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query("DELETE FROM check_ins WHERE device_id = ?")
            .bind(device.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn team_check_ins(&self, team: Uuid, now_ms: i64) -> StoreResult<Vec<CheckIn>> {
        let rows = sqlx::query(
            "SELECT c.device_id, u.username, c.started_at, c.until_at FROM check_ins c \
             JOIN devices d ON d.id = c.device_id JOIN users u ON u.id = d.user_id \
             WHERE c.team_id = ? AND d.status = 'approved' ORDER BY c.until_at",
        )
        .bind(team.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| check_in(r, now_ms)).collect()
    }

    async fn take_overdue_check_ins(&self, now_ms: i64) -> StoreResult<Vec<Uuid>> {
        let _w = self.write.lock().await;
        let rows = sqlx::query(
            "UPDATE check_ins SET alerted = 1 WHERE alerted = 0 AND until_at < ? \
             RETURNING team_id",
        )
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.uuid("team_id")).collect()
    }

    async fn set_push_subscription(
        &self,
        team: Uuid,
        device: Uuid,
        subscription: &PushSubscription,
        now_ms: i64,
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query(
            "INSERT INTO push_subscriptions (device_id, team_id, endpoint, p256dh, auth, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET \
             endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, \
             created_at = excluded.created_at",
        )
        .bind(device.to_string())
        .bind(team.to_string())
        .bind(&subscription.endpoint)
        .bind(&subscription.p256dh)
        .bind(&subscription.auth)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_push_subscription(&self, device: Uuid) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query("DELETE FROM push_subscriptions WHERE device_id = ?")
            .bind(device.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn coordinator_push_subscriptions(
        &self,
        team: Uuid,
    ) -> StoreResult<Vec<(Uuid, PushSubscription)>> {
        let rows = sqlx::query(
            "SELECT p.device_id, p.endpoint, p.p256dh, p.auth FROM push_subscriptions p \
             JOIN devices d ON d.id = p.device_id JOIN users u ON u.id = d.user_id \
             WHERE p.team_id = ? AND d.status = 'approved' AND u.role = 'coordinator' \
             AND u.disabled_at IS NULL",
        )
        .bind(team.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(push_subscription).collect()
    }

    async fn server_secret(&self, name: &str, fresh: Vec<u8>) -> StoreResult<Vec<u8>> {
        let _w = self.write.lock().await;
        sqlx::query("INSERT INTO server_keys (name, secret) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query("SELECT secret FROM server_keys WHERE name = ?")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("secret")?)
    }

    async fn count_sign_in(
        &self,
        keys: &[(&str, u32)],
        window_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Option<i64>> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_windows WHERE started_at <= ?")
            .bind(now_ms.saturating_sub(window_ms))
            .execute(&mut *tx)
            .await?;
        let mut windows = Vec::with_capacity(keys.len());
        for (key, limit) in keys {
            let window: Option<(i64, i64)> =
                sqlx::query_as("SELECT started_at, attempts FROM sign_in_windows WHERE key = ?")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((started, attempts)) = window {
                windows.push((started, attempts, *limit));
            }
        }
        let wait = crate::throttle::wait_ms(&windows, window_ms, now_ms);
        if wait == 0 {
            for (key, _) in keys {
                sqlx::query(
                    "INSERT INTO sign_in_windows (key, started_at, attempts) VALUES (?, ?, 1) \
                     ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1",
                )
                .bind(key)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok((wait > 0).then_some(wait))
    }

    async fn sign_in_succeeded(&self, account: &str, address: &str) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_windows WHERE key = ?")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sign_in_windows SET attempts = attempts - 1 WHERE key = ? AND attempts > 0",
        )
        .bind(address)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_event(&self, event: &NewAuditEvent) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let id = |u: Option<Uuid>| u.map(|u| u.to_string());
        sqlx::query(
            "INSERT INTO audit_events (team_id, at, kind, user_id, device_id, target_device) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(event.team.to_string())
        .bind(event.at_ms)
        .bind(audit_kind_str(event.kind))
        .bind(id(event.user))
        .bind(id(event.device))
        .bind(id(event.target))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn team_events(
        &self,
        team: Uuid,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT e.id, e.at, e.kind, u.username, e.device_id, e.target_device \
             FROM audit_events e LEFT JOIN users u ON u.id = e.user_id \
             WHERE e.team_id = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?",
        )
        .bind(team.to_string())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_event).collect()
    }

    async fn accounts(&self) -> StoreResult<Vec<AccountRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.disabled_at FROM users u JOIN teams t ON t.id = u.team_id \
             ORDER BY t.name, u.username"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_row).collect()
    }

    async fn create_user(
        &self,
        team_name: &str,
        username: &str,
        password_hash: &str,
        role: Role,
        now_ms: i64,
    ) -> StoreResult<UserInfo> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let team: Option<String> = sqlx::query_scalar("SELECT id FROM teams WHERE name = ?")
            .bind(team_name)
            .fetch_optional(&mut *tx)
            .await?;
        let team = team.ok_or(StoreError::NotFound)?;
        let team = Uuid::from_str(&team).map_err(|_| bad_data("team id"))?;
        let user = insert_user(&mut tx, team, username, password_hash, role, now_ms).await?;
        tx.commit().await?;
        Ok(UserInfo {
            team_name: team_name.to_string(),
            ..user
        })
    }

    async fn set_disabled(&self, username: &str, disabled: bool, now_ms: i64) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET disabled_at = ? WHERE username = ?")
            .bind(disabled.then_some(now_ms))
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            end_sessions_of(&mut tx, username).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = ? WHERE username = ?")
            .bind(password_hash)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        end_sessions_of(&mut tx, username).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        user: Uuid,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        // Expired sessions are dead weight: clear them while here.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(now_ms)
            .bind(expires_at_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<Option<SessionRow>> {
        // One query: a second one for the device could miss a session deleted in between.
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.device_id AS session_device FROM sessions s \
             JOIN users u ON u.id = s.user_id JOIN teams t ON t.id = u.team_id \
             WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let device = match row.try_get::<Option<String>, _>("session_device")? {
            Some(_) => Some(row.uuid("session_device")?),
            None => None,
        };
        Ok(Some(SessionRow {
            user: user_info(&row)?,
            device,
        }))
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: Uuid) -> StoreResult<u64> {
        let _w = self.write.lock().await;
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.to_string())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    async fn enrol_device(
        &self,
        token_hash: &[u8],
        user: &UserInfo,
        keys: &DevicePublicKeys,
        now_ms: i64,
    ) -> StoreResult<(DeviceRow, bool)> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let bound: Option<String> =
            sqlx::query_scalar("SELECT device_id FROM sessions WHERE token_hash = ?")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        // The same keys again (a retry, or a new sign-in on the same device): bind and return.
        let existing = sqlx::query(&format!(
            "{DEVICE_SELECT} WHERE d.user_id = ? AND d.signing_key = ?"
        ))
        .bind(user.id.to_string())
        .bind(&keys.signing[..])
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let device = device_row(&row)?;
            if bound
                .as_deref()
                .is_some_and(|b| b != device.info.id.to_string())
            {
                return Err(StoreError::AlreadyEnrolled);
            }
            let bootstrap: Option<(Option<String>,)> = sqlx::query_as(
                "SELECT approved_by FROM devices d WHERE d.id = ? AND d.status = 'approved' \
                 AND NOT EXISTS (SELECT 1 FROM sealed_team_keys k WHERE k.device_id = d.id)",
            )
            .bind(device.info.id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            // A revoked device gets no session to act with (the caller refuses it).
            if device.info.status != DeviceStatus::Revoked {
                bind_session(&mut tx, token_hash, device.info.id).await?;
            }
            tx.commit().await?;
            // The device that bootstrapped the team (approved by nobody) may still need to
            // make the key, if its first reply was lost: the client ignores this if it has one.
            let make_team_key = matches!(bootstrap, Some((None,)));
            return Ok((device, make_team_key));
        }
        if bound.is_some() {
            return Err(StoreError::AlreadyEnrolled);
        }
        let team = user.team.to_string();
        let bootstrap = user.role == Role::Coordinator
            && sqlx::query("UPDATE teams SET key_epoch = 1 WHERE id = ? AND key_epoch = 0")
                .bind(&team)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        let status = if bootstrap {
            DeviceStatus::Approved
        } else {
            DeviceStatus::Pending
        };
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO devices (id, team_id, user_id, signing_key, exchange_key, status, enrolled_at, approved_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&team)
        .bind(user.id.to_string())
        .bind(&keys.signing[..])
        .bind(&keys.exchange[..])
        .bind(status_str(status))
        .bind(now_ms)
        .bind(bootstrap.then_some(now_ms))
        .execute(&mut *tx)
        .await?;
        bind_session(&mut tx, token_hash, id).await?;
        tx.commit().await?;
        let info = DeviceInfo {
            id,
            username: user.username.clone(),
            role: user.role,
            status,
            keys: *keys,
            enrolled_at_ms: now_ms,
            admission: None,
            revocation: None,
        };
        Ok((
            DeviceRow {
                team: user.team,
                user: user.id,
                info,
            },
            bootstrap,
        ))
    }

    async fn device(&self, id: Uuid) -> StoreResult<Option<DeviceRow>> {
        let row = sqlx::query(&format!("{DEVICE_SELECT} WHERE d.id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| device_row(&r)).transpose()
    }

    async fn team_devices(&self, team: Uuid) -> StoreResult<Vec<DeviceInfo>> {
        let rows = sqlx::query(&format!(
            "{DEVICE_SELECT} WHERE d.team_id = ? ORDER BY d.enrolled_at"
        ))
        .bind(team.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| device_row(r).map(|d| d.info)).collect()
    }

    async fn team_settings(&self, team: Uuid) -> StoreResult<TeamSettings> {
        let (idle, wipe, retention, threshold): (i64, Option<i64>, i64, i64) = sqlx::query_as(
            "SELECT idle_lock_minutes, wipe_after_failures, retention_months, report_threshold \
             FROM teams WHERE id = ?",
        )
        .bind(team.to_string())
        .fetch_one(&self.pool)
        .await?;
        team_settings(idle, wipe, retention, threshold)
    }

    async fn set_team_settings(&self, team: Uuid, settings: &TeamSettings) -> StoreResult<()> {
        let _w = self.write.lock().await;
        sqlx::query(
            "UPDATE teams SET idle_lock_minutes = ?, wipe_after_failures = ?, retention_months = ?, \
             report_threshold = ? WHERE id = ?",
        )
            .bind(i64::from(settings.idle_lock_minutes))
            .bind(settings.wipe_after_failures.map(i64::from))
            .bind(i64::from(settings.retention_months))
            .bind(i64::from(settings.report_threshold))
            .bind(team.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn team_identity(&self, team: Uuid) -> StoreResult<Option<TeamIdentityKey>> {
        let key: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT identity_key FROM teams WHERE id = ?")
                .bind(team.to_string())
                .fetch_one(&self.pool)
                .await?;
        key.map(|k| {
            k.try_into()
                .map(TeamIdentityKey)
                .map_err(|_| bad_data("identity key is not 32 bytes"))
        })
        .transpose()
    }

    async fn set_team_identity(
        &self,
        team: Uuid,
        identity: &TeamIdentityKey,
        admissions: &[Admission],
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let current: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT identity_key FROM teams WHERE id = ?")
                .bind(team.to_string())
                .fetch_one(&mut *tx)
                .await?;
        match current {
            Some(key) if key != identity.0 => return Err(StoreError::StateChanged),
            Some(_) => {}
            None => {
                sqlx::query("UPDATE teams SET identity_key = ? WHERE id = ?")
                    .bind(&identity.0[..])
                    .bind(team.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for admission in admissions {
            let changed = sqlx::query(
                "UPDATE devices SET admission = ? WHERE id = ? AND team_id = ? AND status = 'approved'",
            )
            .bind(&admission.signature.0[..])
            .bind(admission.device.to_string())
            .bind(team.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::NotFound);
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn team_epoch(&self, team: Uuid) -> StoreResult<u32> {
        let epoch: i64 = sqlx::query_scalar("SELECT key_epoch FROM teams WHERE id = ?")
            .bind(team.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(epoch as u32)
    }

    async fn sealed_team_keys(&self, device: Uuid) -> StoreResult<Vec<SealedTeamKey>> {
        let rows = sqlx::query(
            "SELECT epoch, sealed, identity, signature FROM sealed_team_keys \
             WHERE device_id = ? ORDER BY epoch",
        )
        .bind(device.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(sealed_team_key).collect()
    }

    async fn approve_device(
        &self,
        device: Uuid,
        grants: &[SealedTeamKey],
        admission: &Sig,
        by_device: Uuid,
        now_ms: i64,
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE devices SET status = 'approved', approved_by = ?, approved_at = ?, admission = ? \
             WHERE id = ? AND status = 'pending'",
        )
        .bind(by_device.to_string())
        .bind(now_ms)
        .bind(&admission.0[..])
        .bind(device.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::StateChanged);
        }
        // The grants must reach the team's epoch as it is now: a removal that rotated the key
        // since the caller looked would leave this device without the new key.
        let epoch: i64 = sqlx::query_scalar(
            "SELECT t.key_epoch FROM teams t JOIN devices d ON d.team_id = t.id WHERE d.id = ?",
        )
        .bind(device.to_string())
        .fetch_one(&mut *tx)
        .await?;
        if !approval_grants_fit(grants, epoch) {
            return Err(StoreError::StateChanged);
        }
        for grant in grants {
            insert_grant(&mut tx, device, grant, by_device, now_ms).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_device(
        &self,
        team: Uuid,
        device: Uuid,
        revocation: &Revocation,
        grants: &[DeviceGrant],
        by_device: Uuid,
        now_ms: i64,
    ) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM devices WHERE id = ? AND team_id = ?")
                .bind(device.to_string())
                .bind(team.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let was_approved = match status.as_deref() {
            Some("approved") => true,
            Some("pending") => false,
            Some(_) => return Err(StoreError::StateChanged),
            None => return Err(StoreError::NotFound),
        };
        if was_approved {
            // The next epoch, granted to exactly the other approved devices.
            let others: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM devices WHERE team_id = ? AND status = 'approved' AND id <> ?",
            )
            .bind(team.to_string())
            .bind(device.to_string())
            .fetch_all(&mut *tx)
            .await?;
            let others = others
                .iter()
                .map(|id| Uuid::from_str(id).map_err(|_| bad_data("device id")))
                .collect::<StoreResult<Vec<_>>>()?;
            let epoch: i64 = sqlx::query_scalar("SELECT key_epoch FROM teams WHERE id = ?")
                .bind(team.to_string())
                .fetch_one(&mut *tx)
                .await?;
            if !revocation_grants_fit(others, grants, epoch) {
                return Err(StoreError::StateChanged);
            }
            for grant in grants {
                insert_grant(&mut tx, grant.device, &grant.grant, by_device, now_ms).await?;
            }
            sqlx::query("UPDATE teams SET key_epoch = key_epoch + 1 WHERE id = ?")
                .bind(team.to_string())
                .execute(&mut *tx)
                .await?;
        } else if !grants.is_empty() {
            return Err(StoreError::StateChanged);
        }
        sqlx::query(
            "UPDATE devices SET status = 'revoked', revoked_at = ?, revocation = ? WHERE id = ?",
        )
        .bind(revocation.at_ms)
        .bind(&revocation.signature.0[..])
        .bind(device.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn push_envelopes(
        &self,
        team: Uuid,
        batch: &[NewEnvelope],
        now_ms: i64,
    ) -> StoreResult<Vec<i64>> {
        let _w = self.write.lock().await;
        let team = team.to_string();
        let mut tx = self.pool.begin().await?;
        // A handful of statements for the whole batch: each one is a trip to sqlx's SQLite
        // thread, which cost more than SQLite's own work when every envelope took three.
        let last_seq: i64 = sqlx::query_scalar("SELECT last_seq FROM teams WHERE id = ?")
            .bind(&team)
            .fetch_one(&mut *tx)
            .await?;
        let json_ids = |ids: &mut dyn Iterator<Item = Uuid>| {
            serde_json::to_string(&ids.map(|id| id.to_string()).collect::<Vec<_>>())
                .expect("strings serialize")
        };
        let keys: Vec<String> = sqlx::query_scalar(
            "SELECT key_id FROM erasures WHERE team_id = ? \
             AND key_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&team)
        .bind(json_ids(&mut batch_keys(batch).into_iter()))
        .fetch_all(&mut *tx)
        .await?;
        let erased = keys
            .iter()
            .map(|k| Uuid::from_str(k).map_err(|_| bad_data("key id")))
            .collect::<StoreResult<_>>()?;
        let rows = sqlx::query(
            "SELECT id, seq, bytes FROM envelopes WHERE team_id = ? \
             AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(&team)
        .bind(json_ids(&mut batch.iter().map(|e| e.id)))
        .fetch_all(&mut *tx)
        .await?;
        let existing = rows
            .iter()
            .map(|r| Ok((r.uuid("id")?, (r.try_get("seq")?, r.try_get("bytes")?))))
            .collect::<StoreResult<_>>()?;
        let plan = plan_push(batch, last_seq, &erased, &existing)?;
        if !plan.inserts.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO envelopes (team_id, seq, id, device_id, bytes, received_at, scope_key) ",
            );
            insert.push_values(&plan.inserts, |mut row, (index, seq)| {
                let envelope = &batch[*index];
                row.push_bind(&team)
                    .push_bind(*seq)
                    .push_bind(envelope.id.to_string())
                    .push_bind(envelope.device.to_string())
                    .push_bind(&envelope.bytes)
                    .push_bind(now_ms)
                    .push_bind(envelope.scope.erasable_key().map(|k| k.to_string()));
            });
            insert.build().execute(&mut *tx).await?;
        }
        for (key, device) in &plan.erasures {
            let key = key.to_string();
            sqlx::query("DELETE FROM envelopes WHERE team_id = ? AND scope_key = ?")
                .bind(&team)
                .bind(&key)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT OR IGNORE INTO erasures (team_id, key_id, erased_at, device_id) VALUES (?, ?, ?, ?)")
                .bind(&team)
                .bind(&key)
                .bind(now_ms)
                .bind(device.to_string())
                .execute(&mut *tx)
                .await?;
        }
        if plan.last_seq != last_seq {
            sqlx::query("UPDATE teams SET last_seq = ? WHERE id = ?")
                .bind(plan.last_seq)
                .bind(&team)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(plan.seqs)
    }

    async fn backup(&self, sink: &mut dyn BackupSink) -> StoreResult<()> {
        use futures_util::TryStreamExt as _;
        // One read transaction: WAL mode gives it a snapshot, and writers go on meanwhile.
        let mut tx = self.pool.begin().await?;
        let mut counts = Vec::with_capacity(backup::TABLES.len());
        for table in backup::TABLES {
            let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name))
                .fetch_one(&mut *tx)
                .await?;
            counts.push(count as u64);
        }
        sink.begin(counts)?;
        for (t, table) in backup::TABLES.iter().enumerate() {
            let sql = table.select(|column, _| column.to_string());
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let values = table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, kind))| read_value(&row, i, *kind))
                    .collect::<StoreResult<_>>()?;
                sink.row(t, values)?;
            }
        }
        Ok(())
    }

    async fn restore(&self, source: &mut dyn BackupSource) -> StoreResult<()> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        // An approver may come after the devices it approved: checked at commit instead.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
        for table in backup::TABLES {
            let any: Option<i64> =
                sqlx::query_scalar(&format!("SELECT 1 FROM {} LIMIT 1", table.name))
                    .fetch_optional(&mut *tx)
                    .await?;
            if any.is_some() {
                return Err(StoreError::NotEmpty);
            }
        }
        while let Some((t, rows)) = source.next_rows()? {
            let table = &backup::TABLES[t];
            let mut insert = sqlx::QueryBuilder::new(format!(
                "INSERT INTO {} ({}) ",
                table.name,
                table.column_names()
            ));
            insert.push_values(rows, |mut b, row| {
                for value in row {
                    match value {
                        backup::Value::Null => b.push_bind(None::<String>),
                        backup::Value::Uuid(u) => b.push_bind(u.to_string()),
                        backup::Value::Int(i) => b.push_bind(i),
                        backup::Value::Text(s) => b.push_bind(s),
                        backup::Value::Bytes(v) => b.push_bind(v),
                        backup::Value::Bool(v) => b.push_bind(i64::from(v)),
                    };
                }
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn pull_envelopes(
        &self,
        team: Uuid,
        after: i64,
        limit: usize,
        skip_device: Option<Uuid>,
    ) -> StoreResult<Vec<(i64, Option<Vec<u8>>)>> {
        Ok(sqlx::query_as(
            "SELECT seq, CASE WHEN device_id = ? THEN NULL ELSE bytes END FROM envelopes \
             WHERE team_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(skip_device.map(|d| d.to_string()))
        .bind(team.to_string())
        .bind(after)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?)
    }
}

async fn insert_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    team: Uuid,
    username: &str,
    password_hash: &str,
    role: Role,
    now_ms: i64,
) -> StoreResult<UserInfo> {
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, team_id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(team.to_string())
        .bind(username)
        .bind(password_hash)
        .bind(role_str(role))
        .bind(now_ms)
        .execute(&mut **tx)
        .await
        .map_err(taken)?;
    Ok(UserInfo {
        id,
        username: username.to_string(),
        role,
        team,
        team_name: String::new(),
    })
}

async fn insert_grant(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    device: Uuid,
    grant: &SealedTeamKey,
    by_device: Uuid,
    now_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sealed_team_keys (device_id, epoch, sealed, identity, signature, sealed_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(device.to_string())
    .bind(grant.epoch as i64)
    .bind(sealed_json(&grant.sealed))
    .bind(grant.identity.as_ref().map(sealed_json))
    .bind(grant.signature.map(|s| s.0.to_vec()))
    .bind(by_device.to_string())
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(taken)?;
    Ok(())
}

async fn end_sessions_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    username: &str,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)")
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn bind_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    token_hash: &[u8],
    device: Uuid,
) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET device_id = ? WHERE token_hash = ?")
        .bind(device.to_string())
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Column `i` of a backup's row, as its kind is stored here (ids as text, flags as 0 or 1).
fn read_value(row: &SqliteRow, i: usize, kind: backup::Kind) -> StoreResult<backup::Value> {
    use backup::{Kind, Value};
    Ok(match kind {
        Kind::Uuid => match row.try_get::<Option<String>, _>(i)? {
            Some(text) => Value::Uuid(Uuid::from_str(&text).map_err(|_| bad_data("an id"))?),
            None => Value::Null,
        },
        Kind::Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::Int),
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::Text),
        Kind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, Value::Bytes),
        Kind::Bool => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, |v| Value::Bool(v != 0)),
    })
}
