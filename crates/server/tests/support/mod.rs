//! What the server's black-box tests share: a real server on a free port with a fresh
//! database, driven over HTTP with the same core types and crypto that the PWA uses.
//!
//! The database is SQLite's file in the server's data directory, or, when
//! `FALTLOGG_TEST_POSTGRES` names a PostgreSQL server (`scripts/test.sh` starts one and runs
//! these tests a second time), a database of its own on it: the same suite for both backends.

// Each test binary uses some of this.
#![allow(dead_code)]

use std::sync::Arc;

use faltlogg_core::api::*;
use faltlogg_core::change::Change;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::identity::TeamIdentity;
use faltlogg_core::crypto::person::PersonKey;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::envelope::{Envelope, Origin};
use faltlogg_core::fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::record::contact::{Contact, ContactKind};
use faltlogg_server::db::{Database, Store};
use faltlogg_server::{bootstrap, AppState, Config};
use rand_core::OsRng;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

pub const PASSWORD: &str = "test-admin-password";

/// The marker, in a data directory, naming its PostgreSQL database.
const POSTGRES_MARKER: &str = "postgres-database";

/// The database for the data directory `dir`: SQLite's file in it, or, with
/// `FALTLOGG_TEST_POSTGRES` set, a PostgreSQL database made for it the first time (its name
/// kept in the directory, so a server started again on `dir` finds the same data).
pub async fn database_for(dir: &std::path::Path) -> Database {
    let Ok(admin_url) = std::env::var("FALTLOGG_TEST_POSTGRES") else {
        return Database::Sqlite(dir.join("faltlogg.sqlite3"));
    };
    let marker = dir.join(POSTGRES_MARKER);
    let name = match std::fs::read_to_string(&marker) {
        Ok(name) => name,
        Err(_) => {
            let name = format!("t_{}", Uuid::new_v4().simple());
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                .await
                .expect("the test PostgreSQL answers");
            sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            std::fs::write(&marker, &name).unwrap();
            name
        }
    };
    let (server, _) = admin_url.rsplit_once('/').expect("a URL with a database");
    Database::Postgres(format!("{server}/{name}"))
}

/// `FALTLOGG_DATABASE_URL` for a `faltlogg-server` process on `dir`, after [`database_for`].
pub fn database_url_of(dir: &std::path::Path) -> Option<String> {
    let admin_url = std::env::var("FALTLOGG_TEST_POSTGRES").ok()?;
    let name = std::fs::read_to_string(dir.join(POSTGRES_MARKER))
        .expect("database_for(dir) made the database first");
    let (server, _) = admin_url.rsplit_once('/')?;
    Some(format!("{server}/{name}"))
}

pub struct TestServer {
    pub url: String,
    /// The data directory (with SQLite, the database is `faltlogg.sqlite3` in it).
    pub data_dir: std::path::PathBuf,
    pub database: Database,
    /// The server's own store, for what the API does not do (another team, say).
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(session_ttl_ms: i64) -> TestServer {
        TestServer::start_with(|config| config.session_ttl_ms = session_ttl_ms).await
    }

    /// A server with the defaults as `configure` changes them, on a fresh database.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut server = TestServer::start_on(dir.path(), configure).await;
        server._dir = Some(dir);
        server
    }

    /// A server on the database in the data directory `dir`, made if missing. An empty
    /// database gets the first start's team and its account `admin` with [`PASSWORD`].
    pub async fn start_on(
        dir: &std::path::Path,
        configure: impl FnOnce(&mut Config),
    ) -> TestServer {
        let database = database_for(dir).await;
        let store = database.open(8).await.unwrap();
        bootstrap::ensure_admin(store.as_ref(), Some(PASSWORD.into()))
            .await
            .unwrap();
        let mut config = Config::new(dir.join("dist"));
        configure(&mut config);
        let state = AppState::new(store.clone(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(faltlogg_server::serve(listener, state, async {
            let _ = rx.await;
        }));
        TestServer {
            url,
            http: reqwest::Client::new(),
            _dir: None,
            data_dir: dir.to_path_buf(),
            database,
            store,
            stop: Some(tx),
        }
    }

    /// Runs `sql`, written to mean the same to both backends, on a connection of its own to
    /// the server's database: for what the API does not show or do.
    pub async fn sql(&self, sql: &str) {
        match &self.database {
            Database::Sqlite(file) => {
                sqlx::Executor::execute(&mut sqlite(file).await, sql)
                    .await
                    .unwrap();
            }
            Database::Postgres(url) => {
                sqlx::Executor::execute(&mut postgres(url).await, sql)
                    .await
                    .unwrap();
            }
        };
    }

    /// One number that `sql` (the same for both backends) gives.
    pub async fn sql_count(&self, sql: &str) -> i64 {
        match &self.database {
            Database::Sqlite(file) => sqlx::query_scalar(sql)
                .fetch_one(&mut sqlite(file).await)
                .await
                .unwrap(),
            Database::Postgres(url) => sqlx::query_scalar(sql)
                .fetch_one(&mut postgres(url).await)
                .await
                .unwrap(),
        }
    }

    /// The texts that `sql` (the same for both backends) gives, one a row.
    pub async fn sql_texts(&self, sql: &str) -> Vec<String> {
        match &self.database {
            Database::Sqlite(file) => sqlx::query_scalar(sql)
                .fetch_all(&mut sqlite(file).await)
                .await
                .unwrap(),
            Database::Postgres(url) => sqlx::query_scalar(sql)
                .fetch_all(&mut postgres(url).await)
                .await
                .unwrap(),
        }
    }

    /// The columns of `table`, in order, as the database has them.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        self.sql_texts(&match self.database {
            Database::Sqlite(_) => format!("SELECT name FROM pragma_table_info('{table}')"),
            Database::Postgres(_) => format!(
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_name = '{table}' ORDER BY ordinal_position"
            ),
        })
        .await
    }

    pub async fn sign_in(&self, password: &str) -> reqwest::Response {
        self.sign_in_as("admin", password).await
    }

    pub async fn sign_in_as(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/api/session", self.url))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Signs in as the admin and enrols a new device.
    pub async fn device(&self) -> Device {
        self.device_as("admin", PASSWORD).await
    }

    /// Signs in as `username` and enrols a new device.
    pub async fn device_as(&self, username: &str, password: &str) -> Device {
        let session: SignInResponse = self
            .sign_in_as(username, password)
            .await
            .json()
            .await
            .unwrap();
        let secrets = DeviceSecrets::generate(&mut OsRng);
        let response = self
            .http
            .post(format!("{}/api/devices", self.url))
            .bearer_auth(&session.token)
            .json(&enrol_request(&secrets, &session.token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let me: MyDevice = response.json().await.unwrap();
        Device {
            token: session.token,
            team: session.user.team,
            secrets,
            me,
            seq: 0,
        }
    }

    pub async fn post(
        &self,
        device: &Device,
        path: &str,
        body: &impl serde::Serialize,
    ) -> reqwest::Response {
        self.send_json(reqwest::Method::POST, device, path, body)
            .await
    }

    /// `method` with `body` in JSON as `device`: `post` and `put_json` are this.
    async fn send_json(
        &self,
        method: reqwest::Method,
        device: &Device,
        path: &str,
        body: &impl serde::Serialize,
    ) -> reqwest::Response {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&device.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts `body` as it is, under `content_type`: for bodies the typed helpers cannot make.
    pub async fn post_raw(
        &self,
        device: &Device,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&device.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, device: &Device, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap()
    }

    /// `PUT` of `body` in JSON as `device`.
    pub async fn put_json(
        &self,
        device: &Device,
        path: &str,
        body: &impl serde::Serialize,
    ) -> reqwest::Response {
        self.send_json(reqwest::Method::PUT, device, path, body)
            .await
    }

    pub async fn delete(&self, device: &Device, path: &str) -> reqwest::Response {
        self.http
            .delete(format!("{}{path}", self.url))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn pull(&self, device: &Device, after: i64) -> PullResponse {
        let response = self
            .get(device, &format!("/api/envelopes?after={after}"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct Device {
    pub token: String,
    pub team: Uuid,
    pub secrets: DeviceSecrets,
    pub me: MyDevice,
    pub seq: u64,
}

impl Device {
    pub fn contact_envelope(&mut self, key: &TeamKey, note: &str) -> Envelope {
        self.envelope_with_id(key, note, ids::new_v7(1_700_000_000_000, &mut OsRng))
    }

    pub fn envelope_with_id(&mut self, key: &TeamKey, note: &str, id: Uuid) -> Envelope {
        let hlc = Hlc::default().tick(self.seq + 1);
        self.envelope_stamped(key, note, id, hlc)
    }

    /// An envelope stamped with `hlc`, whatever the clock says.
    pub fn envelope_stamped(&mut self, key: &TeamKey, note: &str, id: Uuid, hlc: Hlc) -> Envelope {
        let change = fold::create(&Contact::simple(
            Uuid::new_v4(),
            1_700_000_000_000,
            "Centrum",
            ContactKind::StreetEncounter,
            note,
        ));
        self.seal(&change, (key, None), id, hlc)
    }

    /// `change` sealed by this device, under the team key or a person's key.
    pub fn seal(
        &mut self,
        change: &Change,
        keys: (&TeamKey, Option<&PersonKey>),
        id: Uuid,
        hlc: Hlc,
    ) -> Envelope {
        self.seq += 1;
        let origin = Origin {
            team: self.team,
            device: self.me.device.id,
            device_seq: self.seq,
            hlc,
        };
        Envelope::seal(change, id, origin, keys, &self.secrets, &mut OsRng).unwrap()
    }
}

pub fn enrol_request(secrets: &DeviceSecrets, token: &str) -> EnrolRequest {
    EnrolRequest::new(secrets, token)
}

pub fn wire(envelope: &Envelope) -> WireEnvelope {
    envelope.into()
}

pub async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    let status = response.status();
    (
        status,
        response.json().await.expect("errors have a JSON body"),
    )
}

/// What the team's first device (the coordinator's) makes: the team key and the team
/// identity, which it sends to the server with its admission of itself.
pub struct Founded {
    pub key: TeamKey,
    pub identity: TeamIdentity,
}

impl Founded {
    /// A grant of the current key to a listed device (with the identity for a coordinator's).
    pub fn grant(&self, team: Uuid, device: &DeviceInfo) -> SealedTeamKey {
        SealedTeamKey::grant(
            &self.identity,
            team,
            device.id,
            &device.keys,
            &self.key,
            device.role == Role::Coordinator,
            &mut OsRng,
        )
    }
}

pub async fn found_team(server: &TestServer, first: &Device) -> Founded {
    assert!(
        first.me.make_team_key,
        "the coordinator's first device makes the team key"
    );
    let founded = Founded {
        key: TeamKey {
            epoch: first.me.team_epoch,
            key: SymmetricKey::generate(&mut OsRng),
        },
        identity: TeamIdentity::generate(&mut OsRng),
    };
    let request = TeamIdentityRequest {
        identity: founded.identity.public(),
        admissions: vec![Admission {
            device: first.me.device.id,
            signature: founded.identity.admit(
                first.team,
                first.me.device.id,
                &first.secrets.public(),
            ),
        }],
    };
    let response = server
        .http
        .put(format!("{}/api/team/identity", server.url))
        .bearer_auth(&first.token)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    founded
}

/// The coordinator's device approves `device`, after comparing the pairing code with the one
/// the device shows: admits it and grants it the team key, both signed by the team identity.
pub async fn approve(server: &TestServer, coordinator: &Device, device: &Device, team: &Founded) {
    let list: DeviceList = server
        .get(coordinator, "/api/devices")
        .await
        .json()
        .await
        .unwrap();
    let listed = list
        .devices
        .iter()
        .find(|d| d.id == device.me.device.id)
        .unwrap();
    assert_eq!(listed.status, DeviceStatus::Pending);
    let pinned = team.identity.public();
    assert_eq!(
        pinned.pairing_code(&listed.keys),
        pinned.pairing_code(&device.secrets.public())
    );
    let approve = ApproveRequest {
        grants: vec![team.grant(coordinator.team, listed)],
        admission: team
            .identity
            .admit(coordinator.team, listed.id, &listed.keys),
    };
    let path = format!("/api/devices/{}/approve", device.me.device.id);
    assert_eq!(
        server.post(coordinator, &path, &approve).await.status(),
        StatusCode::OK
    );
    let (status, _) = error_of(server.post(coordinator, &path, &approve).await).await;
    assert_eq!(status, StatusCode::CONFLICT, "approving twice is refused");
}

async fn sqlite(file: &std::path::Path) -> sqlx::SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file);
    <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
        .await
        .unwrap()
}

async fn postgres(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap()
}

/// A `faltlogg-server` process, as an operator starts it: on a free port, on `database`
/// (SQLite's file in `dir`, or a PostgreSQL URL), the first start's account `admin` with
/// [`PASSWORD`]. Killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub url: String,
    child: std::process::Child,
}

impl ServerProcess {
    pub async fn start(dir: &std::path::Path, database: &Database) -> ServerProcess {
        use std::io::BufRead as _;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_faltlogg-server"));
        command
            .args(["--port", "0", "--data-dir"])
            .arg(dir)
            .arg("--dist-dir")
            .arg(dir.join("no-dist"))
            .env("FALTLOGG_ADMIN_PASSWORD", PASSWORD)
            .env("FALTLOGG_LOG", "error")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        command.env("FALTLOGG_DATABASE_URL", database_url(database));
        let mut child = command.spawn().expect("the server binary starts");
        let stdout = child.stdout.take().unwrap();
        // Its first lines name the URL; the rest is read and dropped, so it never blocks.
        let url = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stdout).lines();
            let url = lines.by_ref().map_while(Result::ok).find_map(|l| {
                l.strip_prefix("Fältlogg is running at ")
                    .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
            });
            std::thread::spawn(move || lines.for_each(drop));
            url
        })
        .await
        .unwrap()
        .expect("the server says where it listens");
        ServerProcess {
            url: url.trim_end_matches('/').to_string(),
            child,
        }
    }

    /// SIGKILL, as a crash or the OOM killer would: no shutdown of any kind.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `faltlogg-server admin <args>` on `database`, as an operator would.
pub fn admin_command(
    dir: &std::path::Path,
    database: &Database,
    args: &[&str],
) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_faltlogg-server"));
    command
        .env("FALTLOGG_DATABASE_URL", database_url(database))
        .arg("--data-dir")
        .arg(dir)
        .arg("admin")
        .args(args)
        .env("NO_COLOR", "1")
        .env("FALTLOGG_LOG", "error")
        .output()
        .unwrap()
}

/// `FALTLOGG_DATABASE_URL` for `database`.
fn database_url(database: &Database) -> String {
    match database {
        Database::Sqlite(file) => format!("sqlite:{}", file.display()),
        Database::Postgres(url) => url.clone(),
    }
}
