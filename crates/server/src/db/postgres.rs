//! The PostgreSQL backend, for a region's teams or several servers on one database:
//! migrations embedded, chosen by a `postgres://` database URL.
//!
//! Several server processes may use one database at once, so nothing here relies on a lock in
//! this process, as the SQLite backend does: what must happen one at a time takes a row lock
//! in the transaction. Anything that changes a team's keys or numbers its envelopes locks the
//! team's row first (`FOR UPDATE`), held to commit; an enrolment locks its account's row.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use faltlogg_core::api::{
    Admission, AuditEvent, CheckIn, DeviceGrant, DeviceInfo, DeviceStatus, Revocation, Role,
    SealedTeamKey, TeamSettings, UserInfo,
};
use faltlogg_core::crypto::device::DevicePublicKeys;
use faltlogg_core::crypto::identity::{Sig, TeamIdentityKey};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

use super::rows::*;
use super::*;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` and applies pending migrations. `connections` is the
    /// most this process holds open at once.
    pub async fn open(url: &str, connections: u32) -> StoreResult<PostgresStore> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        // Two servers starting at once on a new database: sqlx's migrator takes an advisory
        // lock, so one applies and the other waits and finds nothing to do.
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        Ok(PostgresStore { pool })
    }
}

/// Locks the team's row to the end of the transaction and gives its key epoch and last
/// envelope number; `None` if there is no such team.
async fn lock_team(
    tx: &mut Transaction<'_, Postgres>,
    team: Uuid,
) -> StoreResult<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT key_epoch, last_seq FROM teams WHERE id = $1 FOR UPDATE")
            .bind(team)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

#[async_trait]
impl Store for PostgresStore {
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
        let team = Uuid::new_v4();
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(team)
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
             WHERE u.username = $1 AND u.disabled_at IS NULL"
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
             WHERE u.username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_row(&r)).transpose()
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
        let mut tx = self.pool.begin().await?;
        let team: Option<Uuid> = sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
            .bind(team_name)
            .fetch_optional(&mut *tx)
            .await?;
        let team = team.ok_or(StoreError::NotFound)?;
        let user = insert_user(&mut tx, team, username, password_hash, role, now_ms).await?;
        tx.commit().await?;
        Ok(UserInfo {
            team_name: team_name.to_string(),
            ..user
        })
    }

    async fn set_disabled(&self, username: &str, disabled: bool, now_ms: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET disabled_at = $1 WHERE username = $2")
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
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
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
        let mut tx = self.pool.begin().await?;
        // Expired sessions are dead weight: clear them while here.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<Option<SessionRow>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.device_id AS session_device FROM sessions s \
             JOIN users u ON u.id = s.user_id JOIN teams t ON t.id = u.team_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRow {
            user: user_info(&row)?,
            device: row.try_get("session_device")?,
        }))
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: Uuid) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
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
        let mut tx = self.pool.begin().await?;
        // One enrolment of an account at a time, on every server: two sessions sending the
        // same keys at once make one device.
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        let bound: Option<Uuid> =
            sqlx::query_scalar("SELECT device_id FROM sessions WHERE token_hash = $1 FOR UPDATE")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        // The same keys again (a retry, or a new sign-in on the same device): bind and return.
        let existing = sqlx::query(&format!(
            "{DEVICE_SELECT} WHERE d.user_id = $1 AND d.signing_key = $2"
        ))
        .bind(user.id)
        .bind(&keys.signing[..])
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let device = device_row(&row)?;
            if bound.is_some_and(|b| b != device.info.id) {
                return Err(StoreError::AlreadyEnrolled);
            }
            let bootstrap: Option<Option<Uuid>> = sqlx::query_scalar(
                "SELECT approved_by FROM devices d WHERE d.id = $1 AND d.status = 'approved' \
                 AND NOT EXISTS (SELECT 1 FROM sealed_team_keys k WHERE k.device_id = d.id)",
            )
            .bind(device.info.id)
            .fetch_optional(&mut *tx)
            .await?;
            // A revoked device gets no session to act with (the caller refuses it).
            if device.info.status != DeviceStatus::Revoked {
                bind_session(&mut tx, token_hash, device.info.id).await?;
            }
            tx.commit().await?;
            // The device that bootstrapped the team (approved by nobody) may still need to
            // make the key, if its first reply was lost.
            let make_team_key = matches!(bootstrap, Some(None));
            return Ok((device, make_team_key));
        }
        if bound.is_some() {
            return Err(StoreError::AlreadyEnrolled);
        }
        let bootstrap = user.role == Role::Coordinator
            && sqlx::query("UPDATE teams SET key_epoch = 1 WHERE id = $1 AND key_epoch = 0")
                .bind(user.team)
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
            "INSERT INTO devices (id, team_id, user_id, signing_key, exchange_key, status, \
             enrolled_at, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(user.team)
        .bind(user.id)
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
        let row = sqlx::query(&format!("{DEVICE_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| device_row(&r)).transpose()
    }

    async fn team_devices(&self, team: Uuid) -> StoreResult<Vec<DeviceInfo>> {
        let rows = sqlx::query(&format!(
            "{DEVICE_SELECT} WHERE d.team_id = $1 ORDER BY d.enrolled_at, d.id"
        ))
        .bind(team)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| device_row(r).map(|d| d.info)).collect()
    }

    async fn team_epoch(&self, team: Uuid) -> StoreResult<u32> {
        let epoch: i64 = sqlx::query_scalar("SELECT key_epoch FROM teams WHERE id = $1")
            .bind(team)
            .fetch_one(&self.pool)
            .await?;
        Ok(epoch as u32)
    }

    async fn team_settings(&self, team: Uuid) -> StoreResult<TeamSettings> {
        let (idle, wipe, retention, threshold): (i64, Option<i64>, i64, i64) = sqlx::query_as(
            "SELECT idle_lock_minutes, wipe_after_failures, retention_months, report_threshold \
             FROM teams WHERE id = $1",
        )
        .bind(team)
        .fetch_one(&self.pool)
        .await?;
        team_settings(idle, wipe, retention, threshold)
    }

    async fn set_team_settings(&self, team: Uuid, settings: &TeamSettings) -> StoreResult<()> {
        sqlx::query(
            "UPDATE teams SET idle_lock_minutes = $1, wipe_after_failures = $2, \
             retention_months = $3, report_threshold = $4 WHERE id = $5",
        )
        .bind(i64::from(settings.idle_lock_minutes))
        .bind(settings.wipe_after_failures.map(i64::from))
        .bind(i64::from(settings.retention_months))
        .bind(i64::from(settings.report_threshold))
        .bind(team)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn team_identity(&self, team: Uuid) -> StoreResult<Option<TeamIdentityKey>> {
        let key: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT identity_key FROM teams WHERE id = $1")
                .bind(team)
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
        let mut tx = self.pool.begin().await?;
        let current: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT identity_key FROM teams WHERE id = $1 FOR UPDATE")
                .bind(team)
                .fetch_one(&mut *tx)
                .await?;
        match current {
            Some(key) if key != identity.0 => return Err(StoreError::StateChanged),
            Some(_) => {}
            None => {
                sqlx::query("UPDATE teams SET identity_key = $1 WHERE id = $2")
                    .bind(&identity.0[..])
                    .bind(team)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for admission in admissions {
            let changed = sqlx::query(
                "UPDATE devices SET admission = $1 \
                 WHERE id = $2 AND team_id = $3 AND status = 'approved'",
            )
            .bind(&admission.signature.0[..])
            .bind(admission.device)
            .bind(team)
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

    async fn sealed_team_keys(&self, device: Uuid) -> StoreResult<Vec<SealedTeamKey>> {
        let rows = sqlx::query(
            "SELECT epoch, sealed, identity, signature FROM sealed_team_keys \
             WHERE device_id = $1 ORDER BY epoch",
        )
        .bind(device)
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
        let mut tx = self.pool.begin().await?;
        let team: Option<Uuid> = sqlx::query_scalar("SELECT team_id FROM devices WHERE id = $1")
            .bind(device)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(team) = team else {
            return Err(StoreError::StateChanged);
        };
        let (epoch, _) = lock_team(&mut tx, team)
            .await?
            .ok_or(StoreError::StateChanged)?;
        let changed = sqlx::query(
            "UPDATE devices SET status = 'approved', approved_by = $1, approved_at = $2, \
             admission = $3 WHERE id = $4 AND status = 'pending'",
        )
        .bind(by_device)
        .bind(now_ms)
        .bind(&admission.0[..])
        .bind(device)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 || !approval_grants_fit(grants, epoch) {
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
        let mut tx = self.pool.begin().await?;
        let (epoch, _) = lock_team(&mut tx, team)
            .await?
            .ok_or(StoreError::NotFound)?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM devices WHERE id = $1 AND team_id = $2")
                .bind(device)
                .bind(team)
                .fetch_optional(&mut *tx)
                .await?;
        let was_approved = match status.as_deref() {
            Some("approved") => true,
            Some("pending") => false,
            Some(_) => return Err(StoreError::StateChanged),
            None => return Err(StoreError::NotFound),
        };
        if was_approved {
            let others: Vec<Uuid> = sqlx::query_scalar(
                "SELECT id FROM devices WHERE team_id = $1 AND status = 'approved' AND id <> $2",
            )
            .bind(team)
            .bind(device)
            .fetch_all(&mut *tx)
            .await?;
            if !revocation_grants_fit(others, grants, epoch) {
                return Err(StoreError::StateChanged);
            }
            for grant in grants {
                insert_grant(&mut tx, grant.device, &grant.grant, by_device, now_ms).await?;
            }
            sqlx::query("UPDATE teams SET key_epoch = key_epoch + 1 WHERE id = $1")
                .bind(team)
                .execute(&mut *tx)
                .await?;
        } else if !grants.is_empty() {
            return Err(StoreError::StateChanged);
        }
        sqlx::query(
            "UPDATE devices SET status = 'revoked', revoked_at = $1, revocation = $2 WHERE id = $3",
        )
        .bind(revocation.at_ms)
        .bind(&revocation.signature.0[..])
        .bind(device)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_check_in(
        &self,
        team: Uuid,
        device: Uuid,
        until_ms: i64,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO check_ins (device_id, team_id, started_at, until_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (device_id) \
             DO UPDATE SET until_at = excluded.until_at, alerted = false",
        )
        .bind(device)
        .bind(team)
        .bind(now_ms)
        .bind(until_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_check_in(&self, device: Uuid) -> StoreResult<()> {
        sqlx::query("DELETE FROM check_ins WHERE device_id = $1")
            .bind(device)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn team_check_ins(&self, team: Uuid, now_ms: i64) -> StoreResult<Vec<CheckIn>> {
        let rows = sqlx::query(
            "SELECT c.device_id, u.username, c.started_at, c.until_at FROM check_ins c \
             JOIN devices d ON d.id = c.device_id JOIN users u ON u.id = d.user_id \
             WHERE c.team_id = $1 AND d.status = 'approved' ORDER BY c.until_at",
        )
        .bind(team)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| check_in(r, now_ms)).collect()
    }

    async fn take_overdue_check_ins(&self, now_ms: i64) -> StoreResult<Vec<Uuid>> {
        // One statement: a row another server marks first is skipped here (its `alerted` is
        // read again after the lock), so each check-in is pushed once.
        Ok(sqlx::query_scalar(
            "UPDATE check_ins SET alerted = true WHERE NOT alerted AND until_at < $1 \
             RETURNING team_id",
        )
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_push_subscription(
        &self,
        team: Uuid,
        device: Uuid,
        subscription: &PushSubscription,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO push_subscriptions (device_id, team_id, endpoint, p256dh, auth, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device_id) DO UPDATE SET \
             endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, \
             created_at = excluded.created_at",
        )
        .bind(device)
        .bind(team)
        .bind(&subscription.endpoint)
        .bind(&subscription.p256dh)
        .bind(&subscription.auth)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_push_subscription(&self, device: Uuid) -> StoreResult<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE device_id = $1")
            .bind(device)
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
             WHERE p.team_id = $1 AND d.status = 'approved' AND u.role = 'coordinator' \
             AND u.disabled_at IS NULL",
        )
        .bind(team)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(push_subscription).collect()
    }

    async fn server_secret(&self, name: &str, fresh: Vec<u8>) -> StoreResult<Vec<u8>> {
        // Two servers making their first key at once: one insert wins, both read it.
        sqlx::query(
            "INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT secret FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn count_sign_in(
        &self,
        keys: &[(&str, u32)],
        window_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        // Rows another server holds are left for the next sign-in: waiting for them could
        // deadlock with its own cleanup.
        let ended = now_ms.saturating_sub(window_ms);
        sqlx::query(
            "DELETE FROM sign_in_windows WHERE key IN (SELECT key FROM sign_in_windows \
             WHERE started_at <= $1 FOR UPDATE SKIP LOCKED)",
        )
        .bind(ended)
        .execute(&mut *tx)
        .await?;
        let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        // Locked to commit, in one order, whether or not the row exists yet: another
        // server's attempt on the same account or address waits for this one's count, and
        // counts on from it.
        sqlx::query(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) \
             FROM UNNEST($1::text[]) AS k ORDER BY k",
        )
        .bind(&names)
        .execute(&mut *tx)
        .await?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT key, started_at, attempts FROM sign_in_windows WHERE key = ANY($1)",
        )
        .bind(&names)
        .fetch_all(&mut *tx)
        .await?;
        let windows: Vec<(i64, i64, u32)> = rows
            .iter()
            .filter_map(|(key, started, attempts)| {
                let limit = keys.iter().find(|(k, _)| k == key)?.1;
                Some((*started, *attempts, limit))
            })
            .collect();
        let wait = crate::throttle::wait_ms(&windows, window_ms, now_ms);
        if wait == 0 {
            sqlx::query(
                "INSERT INTO sign_in_windows (key, started_at, attempts) \
                 SELECT k, $2, 1 FROM UNNEST($1::text[]) AS k ORDER BY k \
                 ON CONFLICT (key) DO UPDATE SET \
                 attempts = CASE WHEN sign_in_windows.started_at <= $3 THEN 1 \
                 ELSE sign_in_windows.attempts + 1 END, \
                 started_at = CASE WHEN sign_in_windows.started_at <= $3 THEN $2 \
                 ELSE sign_in_windows.started_at END",
            )
            .bind(&names)
            .bind(now_ms)
            .bind(ended)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((wait > 0).then_some(wait))
    }

    async fn sign_in_succeeded(&self, account: &str, address: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_windows WHERE key = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sign_in_windows SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
        )
        .bind(address)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_event(&self, event: &NewAuditEvent) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_events (team_id, at, kind, user_id, device_id, target_device) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event.team)
        .bind(event.at_ms)
        .bind(audit_kind_str(event.kind))
        .bind(event.user)
        .bind(event.device)
        .bind(event.target)
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
             WHERE e.team_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3",
        )
        .bind(team)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_event).collect()
    }

    async fn push_envelopes(
        &self,
        team: Uuid,
        batch: &[NewEnvelope],
        now_ms: i64,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        // The team's row lock, held to commit, orders its pushes on every server: numbers
        // become visible in the order they are handed out.
        let (_, last_seq) = lock_team(&mut tx, team)
            .await?
            .ok_or(StoreError::NotFound)?;
        // One trip for both: which of the batch's person keys are erased, and which of its
        // ids are stored (the lock is held meanwhile; every trip counts).
        let ids: Vec<Uuid> = batch.iter().map(|e| e.id).collect();
        let rows: Vec<(bool, Uuid, i64, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT true, key_id, 0::bigint, NULL::bytea FROM erasures \
             WHERE team_id = $1 AND key_id = ANY($2) \
             UNION ALL SELECT false, id, seq, bytes FROM envelopes \
             WHERE team_id = $1 AND id = ANY($3)",
        )
        .bind(team)
        .bind(batch_keys(batch))
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let mut erased = HashSet::new();
        let mut existing = HashMap::new();
        for (is_erasure, id, seq, bytes) in rows {
            match bytes {
                Some(bytes) if !is_erasure => {
                    existing.insert(id, (seq, bytes));
                }
                _ => {
                    erased.insert(id);
                }
            }
        }
        let plan = plan_push(batch, last_seq, &erased, &existing)?;
        if !plan.inserts.is_empty() {
            let column = |f: &dyn Fn(&NewEnvelope) -> Uuid| -> Vec<Uuid> {
                plan.inserts.iter().map(|(i, _)| f(&batch[*i])).collect()
            };
            let seqs: Vec<i64> = plan.inserts.iter().map(|(_, seq)| *seq).collect();
            let bytes: Vec<&[u8]> = plan
                .inserts
                .iter()
                .map(|(i, _)| batch[*i].bytes.as_slice())
                .collect();
            let scopes: Vec<Option<Uuid>> = plan
                .inserts
                .iter()
                .map(|(i, _)| batch[*i].scope.erasable_key())
                .collect();
            // The rows and the team's last number in one statement.
            sqlx::query(
                "WITH stored AS (INSERT INTO envelopes \
                 (team_id, seq, id, device_id, bytes, received_at, scope_key) \
                 SELECT $1, s, i, d, b, $2, k \
                 FROM UNNEST($3::bigint[], $4::uuid[], $5::uuid[], $6::bytea[], $7::uuid[]) \
                 AS batch (s, i, d, b, k)) \
                 UPDATE teams SET last_seq = $8 WHERE id = $1",
            )
            .bind(team)
            .bind(now_ms)
            .bind(&seqs)
            .bind(column(&|e| e.id))
            .bind(column(&|e| e.device))
            .bind(&bytes)
            .bind(&scopes)
            .bind(plan.last_seq)
            .execute(&mut *tx)
            .await?;
        }
        if !plan.erasures.is_empty() {
            let keys: Vec<Uuid> = plan.erasures.iter().map(|(k, _)| *k).collect();
            let devices: Vec<Uuid> = plan.erasures.iter().map(|(_, d)| *d).collect();
            sqlx::query("DELETE FROM envelopes WHERE team_id = $1 AND scope_key = ANY($2)")
                .bind(team)
                .bind(&keys)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO erasures (team_id, key_id, erased_at, device_id) \
                 SELECT $1, k, $2, d FROM UNNEST($3::uuid[], $4::uuid[]) AS e (k, d) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(team)
            .bind(now_ms)
            .bind(&keys)
            .bind(&devices)
            .execute(&mut *tx)
            .await?;
        }
        if plan.inserts.is_empty() && plan.last_seq != last_seq {
            // Everything numbered was erased in the same batch: the numbers stay taken.
            sqlx::query("UPDATE teams SET last_seq = $1 WHERE id = $2")
                .bind(plan.last_seq)
                .bind(team)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(plan.seqs)
    }

    async fn backup(&self, sink: &mut dyn BackupSink) -> StoreResult<()> {
        use futures_util::TryStreamExt as _;
        // One snapshot for every table, while the servers go on writing.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
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
        let mut tx = self.pool.begin().await?;
        // An approver may come after the devices it approved: checked at commit instead.
        sqlx::query("SET CONSTRAINTS ALL DEFERRED")
            .execute(&mut *tx)
            .await?;
        for table in backup::TABLES {
            // Locked: a server starting on this database meanwhile waits, and its first
            // account does not mix with the restored ones.
            sqlx::query(&format!("LOCK TABLE {} IN EXCLUSIVE MODE", table.name))
                .execute(&mut *tx)
                .await?;
            let any: Option<i32> =
                sqlx::query_scalar(&format!("SELECT 1 FROM {} LIMIT 1", table.name))
                    .fetch_optional(&mut *tx)
                    .await?;
            if any.is_some() {
                return Err(StoreError::NotEmpty);
            }
        }
        while let Some((t, rows)) = source.next_rows()? {
            let table = &backup::TABLES[t];
            let columns = table.columns;
            // Audit events keep their numbers: the next one continues after them (below).
            let overriding = if table.name == "audit_events" {
                " OVERRIDING SYSTEM VALUE "
            } else {
                " "
            };
            let mut insert = sqlx::QueryBuilder::new(format!(
                "INSERT INTO {} ({}){overriding}",
                table.name,
                table.column_names()
            ));
            insert.push_values(rows, |mut b, row| {
                for (value, (_, kind)) in row.into_iter().zip(columns) {
                    match (value, kind) {
                        (backup::Value::Null, backup::Kind::Uuid) => b.push_bind(None::<Uuid>),
                        (backup::Value::Null, backup::Kind::Int) => b.push_bind(None::<i64>),
                        (backup::Value::Null, backup::Kind::Text) => b.push_bind(None::<String>),
                        (backup::Value::Null, backup::Kind::Bytes) => b.push_bind(None::<Vec<u8>>),
                        (backup::Value::Null, backup::Kind::Bool) => b.push_bind(None::<bool>),
                        (backup::Value::Uuid(u), _) => b.push_bind(u),
                        (backup::Value::Int(i), _) => b.push_bind(i),
                        (backup::Value::Text(s), _) => b.push_bind(s),
                        (backup::Value::Bytes(v), _) => b.push_bind(v),
                        (backup::Value::Bool(v), _) => b.push_bind(v),
                    };
                }
            });
            insert.build().execute(&mut *tx).await?;
        }
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), \
             COALESCE(MAX(id), 0) + 1, false) FROM audit_events",
        )
        .execute(&mut *tx)
        .await?;
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
            "SELECT seq, CASE WHEN device_id = $1 THEN NULL ELSE bytes END FROM envelopes \
             WHERE team_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
        )
        .bind(skip_device)
        .bind(team)
        .bind(after)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?)
    }
}

async fn insert_user(
    tx: &mut Transaction<'_, Postgres>,
    team: Uuid,
    username: &str,
    password_hash: &str,
    role: Role,
    now_ms: i64,
) -> StoreResult<UserInfo> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO users (id, team_id, username, password_hash, role, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(team)
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
    tx: &mut Transaction<'_, Postgres>,
    device: Uuid,
    grant: &SealedTeamKey,
    by_device: Uuid,
    now_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sealed_team_keys (device_id, epoch, sealed, identity, signature, sealed_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(device)
    .bind(i64::from(grant.epoch))
    .bind(sealed_json(&grant.sealed))
    .bind(grant.identity.as_ref().map(sealed_json))
    .bind(grant.signature.map(|s| s.0.to_vec()))
    .bind(by_device)
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(taken)?;
    Ok(())
}

async fn end_sessions_of(tx: &mut Transaction<'_, Postgres>, username: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)")
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn bind_session(
    tx: &mut Transaction<'_, Postgres>,
    token_hash: &[u8],
    device: Uuid,
) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET device_id = $1 WHERE token_hash = $2")
        .bind(device)
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Column `i` of a backup's row.
fn read_value(row: &PgRow, i: usize, kind: backup::Kind) -> StoreResult<backup::Value> {
    use backup::{Kind, Value};
    Ok(match kind {
        Kind::Uuid => row
            .try_get::<Option<Uuid>, _>(i)?
            .map_or(Value::Null, Value::Uuid),
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
            .try_get::<Option<bool>, _>(i)?
            .map_or(Value::Null, Value::Bool),
    })
}
