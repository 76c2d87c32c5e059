//! Helpers for the browser tests: the real server and chromedriver as child processes,
//! a thin layer over thirtyfour, and a search of files on disk for text.

#![allow(dead_code)]

pub mod leveldb;
pub mod seed;
pub mod size;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

const WAIT: Duration = Duration::from_secs(30);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

async fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < WAIT,
            "{what} did not start listening on {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// chromedriver from Debian's package, on a free port; stopped on drop.
pub struct Chromedriver {
    child: Child,
    pub url: String,
}

impl Chromedriver {
    pub async fn start() -> Chromedriver {
        let port = free_port();
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary}: {e} (scripts/setup.sh --browser installs it)")
            });
        wait_for_port(port, "chromedriver").await;
        Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real `faltlogg-server` binary with its data directory and log under `dir`.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
}

impl Server {
    /// Starts the server on `port` (a free one if `None`) and waits until it answers.
    pub async fn start(dir: &Path, port: Option<u16>, admin_password: &str) -> Server {
        Server::start_with(dir, port, admin_password, &[]).await
    }

    /// As [`Server::start`], with more arguments for the server.
    pub async fn start_with(
        dir: &Path,
        port: Option<u16>,
        admin_password: &str,
        extra: &[&str],
    ) -> Server {
        let port = port.unwrap_or_else(free_port);
        let binary = std::env::var("FALTLOGG_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root().join("target/debug/faltlogg-server"));
        assert!(
            binary.exists(),
            "{} is missing: run `cargo build -p faltlogg-server`",
            binary.display()
        );
        let built = root().join("dist");
        assert!(
            built.join("index.html").exists(),
            "dist/ is missing: run `trunk build`"
        );
        // Each server serves its own copy, so a test can publish a "new version" in it.
        let dist = dir.join("dist");
        if !dist.exists() {
            copy_dir(&built, &dist);
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .unwrap();
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .arg("--data-dir")
            .arg(dir.join("data"))
            .arg("--dist-dir")
            .arg(&dist)
            .args(extra)
            .env("FALTLOGG_ADMIN_PASSWORD", admin_password)
            .env("FALTLOGG_LOG", "debug")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        wait_for_port(port, "the server").await;
        // Listening is not serving yet: the server binds its port, then makes the first team
        // (which `add_worker` needs), then answers. Its health says it answers.
        let start = Instant::now();
        let health = format!("http://127.0.0.1:{port}/api/health");
        while !reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(
                start.elapsed() < WAIT,
                "the server did not answer on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server {
            child: Some(child),
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the server the way an operator would (SIGTERM) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let start = Instant::now();
            while child.try_wait().unwrap().is_none() {
                if start.elapsed() > WAIT {
                    let _ = child.kill();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// Runs `faltlogg-server admin <args>` on this server's database, with `stdin` on
    /// standard input; gives what it printed. It must succeed.
    /// Adds a worker account to the team "Demo" with the operator's command.
    pub fn add_worker(&self, username: &str, password: &str) {
        self.admin(
            &[
                "account",
                "add",
                username,
                "--team",
                "Demo",
                "--role",
                "worker",
                "--password-stdin",
            ],
            &format!("{password}\n"),
        );
    }

    pub fn admin(&self, args: &[&str], stdin: &str) -> String {
        use std::io::Write;
        let binary = std::env::var("FALTLOGG_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root().join("target/debug/faltlogg-server"));
        let mut child = Command::new(binary)
            .arg("--data-dir")
            .arg(self.dir.join("data"))
            .arg("admin")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&output.stdout).into_owned()
            + &*String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "admin {args:?}: {said}");
        said
    }

    /// The built PWA this server serves (a copy of dist/).
    pub fn dist_path(&self) -> PathBuf {
        self.dir.join("dist")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join("data/faltlogg.sqlite3")
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The database, its WAL and shared memory, and the log.
    pub fn files(&self) -> Vec<PathBuf> {
        let db = self.db_path();
        vec![
            db.clone(),
            db.with_extension("sqlite3-wal"),
            db.with_extension("sqlite3-shm"),
            self.log_path(),
        ]
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A team device driven over HTTP with the core crate, as a phone would drive it.
pub struct Device {
    url: String,
    http: reqwest::Client,
    token: String,
    team: uuid::Uuid,
    id: uuid::Uuid,
    secrets: faltlogg_core::crypto::device::DeviceSecrets,
    team_key: Option<faltlogg_core::crypto::TeamKey>,
    /// The team identity, on a coordinator's device that made it or was granted it.
    identity: Option<faltlogg_core::crypto::identity::TeamIdentity>,
    /// This device's last `device_seq`.
    seq: u64,
}

impl Device {
    /// Signs in and enrols fresh keys; the device waits for approval.
    pub async fn enrol(url: &str, username: &str, password: &str) -> Device {
        use faltlogg_core::api::*;
        let http = reqwest::Client::new();
        let session: SignInResponse = http
            .post(format!("{url}api/session"))
            .json(&SignInRequest {
                username: username.into(),
                password: password.into(),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secrets = faltlogg_core::crypto::device::DeviceSecrets::generate(&mut rand_core::OsRng);
        let mut device = Device {
            url: url.into(),
            http,
            token: session.token,
            team: session.user.team,
            id: uuid::Uuid::nil(),
            secrets,
            team_key: None,
            identity: None,
            seq: 0,
        };
        device.id = device.enrol_again().await.device.id;
        device
    }

    /// Posts `body` to the API with this device's session; the call must succeed.
    async fn post(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        let response = self
            .http
            .post(format!("{}api/{path}", self.url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response
    }

    async fn enrol_again(&self) -> faltlogg_core::api::MyDevice {
        let request = faltlogg_core::api::EnrolRequest::new(&self.secrets, &self.token);
        self.post("devices", &request).await.json().await.unwrap()
    }

    /// Opens the team key a coordinator granted to this device, after checking the grant
    /// against the team identity the server names (a test trusts its own server).
    pub async fn collect_team_key(&mut self) {
        assert!(self.hold_team_key().await, "approved with a grant");
    }

    /// Makes the team key and identity if this is the team's first coordinator device (a
    /// fresh server), or opens the grant a coordinator made for it. False while it still
    /// waits for approval.
    pub async fn hold_team_key(&mut self) -> bool {
        use faltlogg_core::api::{Admission, TeamIdentityRequest};
        use faltlogg_core::crypto::identity::TeamIdentity;
        let me = self.enrol_again().await;
        if me.make_team_key {
            let identity = TeamIdentity::generate(&mut rand_core::OsRng);
            self.team_key = Some(faltlogg_core::crypto::TeamKey {
                epoch: me.team_epoch,
                key: faltlogg_core::crypto::SymmetricKey::generate(&mut rand_core::OsRng),
            });
            let request = TeamIdentityRequest {
                identity: identity.public(),
                admissions: vec![Admission {
                    device: self.id,
                    signature: identity.admit(self.team, self.id, &self.secrets.public()),
                }],
            };
            let response = self
                .http
                .put(format!("{}api/team/identity", self.url))
                .bearer_auth(&self.token)
                .json(&request)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            self.identity = Some(identity);
        } else if let Some(grant) = me.sealed_team_keys.last() {
            let pinned = me.team_identity.expect("the team has an identity");
            let exchange = self.secrets.public().exchange;
            grant
                .verify(self.team, self.id, &exchange, &pinned)
                .expect("a grant signed by the team identity");
            if let Ok((key, identity)) = grant.open(self.team, &self.secrets) {
                self.team_key = Some(key);
                self.identity = identity;
            }
        }
        self.team_key.is_some()
    }

    /// This device's pairing code, as the phone that approves it shows it: of the team
    /// identity the server names and this device's keys.
    pub async fn pairing_code(&self) -> String {
        let keys = self.secrets.public();
        match self.enrol_again().await.team_identity {
            Some(identity) => identity.pairing_code(&keys),
            None => keys.fingerprint(),
        }
    }

    /// Seals `changes` as this device (in order, each a later HLC) and pushes them in batches
    /// under the server's limits, as the app would: a new person gets a key first, and a
    /// person's records are sealed under it.
    pub async fn push_changes(&mut self, changes: Vec<faltlogg_core::change::Change>) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        self.push_changes_at(changes, now).await;
    }

    /// [`Device::push_changes`] stamped from `wall_ms` on (a past time, for records that
    /// have been left alone for a while).
    pub async fn push_changes_at(
        &mut self,
        changes: Vec<faltlogg_core::change::Change>,
        wall_ms: u64,
    ) {
        use faltlogg_core::change::Change;
        use faltlogg_core::crypto::person::PersonKey;
        use faltlogg_core::envelope::{Envelope, Origin};
        use faltlogg_core::record::Kind;
        use faltlogg_core::sync::{PushQueue, Queued};
        let key = self.team_key.clone().expect("hold_team_key first");
        let mut hlc = faltlogg_core::hlc::Hlc::default();
        let mut sealed = Vec::new();
        let mut fold = faltlogg_core::fold::Fold::default();
        let with_keys = changes.into_iter().flat_map(|change| {
            let new_person = match change.record() {
                Some((Kind::Person, id)) => Some(Change::PersonKey(PersonKey::generate(
                    id,
                    &mut rand_core::OsRng,
                ))),
                _ => None,
            };
            new_person.into_iter().chain([change])
        });
        for change in with_keys {
            if let Change::PersonKey(k) = &change {
                if fold.keyring().of_person(k.person).is_some() {
                    continue;
                }
            }
            self.seq += 1;
            hlc = hlc.tick(wall_ms);
            let origin = Origin {
                team: self.team,
                device: self.id,
                device_seq: self.seq,
                hlc,
            };
            let id = faltlogg_core::ids::for_stamp(hlc, &mut rand_core::OsRng);
            let person = fold.key_for(&change).cloned();
            let envelope = Envelope::seal(
                &change,
                id,
                origin,
                (&key, person.as_ref()),
                &self.secrets,
                &mut rand_core::OsRng,
            )
            .unwrap();
            fold.apply_envelope(&envelope.header, change);
            sealed.push(Queued {
                key: (),
                bytes: envelope.to_bytes(),
            });
        }
        // In batches as the sync engine makes them.
        let mut queue = PushQueue::new(sealed);
        while let Some(batch) = queue.next_batch() {
            self.post("envelopes", &batch.request()).await;
        }
    }

    /// Approves every pending device of the team (as a coordinator's phone does after comparing
    /// codes): admits it and grants it the team key. Gives how many it approved.
    pub async fn approve_pending(&self) -> usize {
        use faltlogg_core::api::{ApproveRequest, DeviceList, DeviceStatus, Role, SealedTeamKey};
        let key = self.team_key.clone().expect("hold_team_key first");
        let identity = self.identity.as_ref().expect("a coordinator's device");
        let list: DeviceList = self
            .http
            .get(format!("{}api/devices", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut approved = 0;
        for device in list
            .devices
            .iter()
            .filter(|d| d.status == DeviceStatus::Pending)
        {
            let request = ApproveRequest {
                grants: vec![SealedTeamKey::grant(
                    identity,
                    self.team,
                    device.id,
                    &device.keys,
                    &key,
                    device.role == Role::Coordinator,
                    &mut rand_core::OsRng,
                )],
                admission: identity.admit(self.team, device.id, &device.keys),
            };
            self.post(&format!("devices/{}/approve", device.id), &request)
                .await;
            approved += 1;
        }
        approved
    }

    /// Pushes an envelope sealed under a key nobody in the team has (validly signed, so the
    /// server accepts it), then a readable contact whose note is `note`.
    pub async fn push_unreadable_then(&mut self, note: &str) {
        use faltlogg_core::api::{PushRequest, WireEnvelope};
        use faltlogg_core::crypto::{SymmetricKey, TeamKey};
        let key = self.team_key.clone().expect("collect_team_key first");
        let wrong = TeamKey {
            epoch: key.epoch,
            key: SymmetricKey::generate(&mut rand_core::OsRng),
        };
        let now = now_ms();
        let envelopes = vec![
            WireEnvelope::from(&self.seal_contact_under(&wrong, "unreadable", now + 1)),
            WireEnvelope::from(&self.seal_contact_under(&key, note, now + 2)),
        ];
        self.post("envelopes", &PushRequest { envelopes }).await;
    }
}

impl Device {
    /// Plays a server that lies about this device's keys: lists it with keys the team never
    /// admitted, and relays a readable contact noted `note` signed with them (written
    /// straight into the server's database).
    pub async fn plant_under_swapped_keys(&mut self, db: &Path, note: &str) {
        use faltlogg_core::crypto::device::DeviceSecrets;
        let impostor = DeviceSecrets::generate(&mut rand_core::OsRng);
        let keys = impostor.public();
        let mut db = open_db(db).await;
        sqlx::query("UPDATE devices SET signing_key = ?, exchange_key = ? WHERE id = ?")
            .bind(&keys.signing[..])
            .bind(&keys.exchange[..])
            .bind(self.id.to_string())
            .execute(&mut db)
            .await
            .unwrap();
        let real = std::mem::replace(&mut self.secrets, impostor);
        let now = now_ms();
        let envelope = self.seal_contact(note, now);
        self.secrets = real;
        insert_envelope(&mut db, self.team, self.id, &envelope, now).await;
    }

    /// Seals a readable contact noted `note` as this device, stamped at `wall_ms`.
    fn seal_contact(&mut self, note: &str, wall_ms: u64) -> faltlogg_core::envelope::Envelope {
        let key = self.team_key.clone().expect("collect_team_key first");
        self.seal_contact_under(&key, note, wall_ms)
    }

    /// The same under `key`, which need not be the team's.
    fn seal_contact_under(
        &mut self,
        key: &faltlogg_core::crypto::TeamKey,
        note: &str,
        wall_ms: u64,
    ) -> faltlogg_core::envelope::Envelope {
        use faltlogg_core::envelope::{Envelope, Origin};
        use faltlogg_core::record::contact::{Contact, ContactKind};
        let now = now_ms();
        self.seq += 1;
        let change = faltlogg_core::fold::create(&Contact::simple(
            faltlogg_core::ids::new_v7(now, &mut rand_core::OsRng),
            now as i64 - 60_000,
            "Centrum",
            ContactKind::Phone,
            note,
        ));
        let origin = Origin {
            team: self.team,
            device: self.id,
            device_seq: self.seq,
            hlc: faltlogg_core::hlc::Hlc::default().tick(wall_ms),
        };
        let id = faltlogg_core::ids::new_v7(now, &mut rand_core::OsRng);
        Envelope::seal(
            &change,
            id,
            origin,
            (key, None),
            &self.secrets,
            &mut rand_core::OsRng,
        )
        .unwrap()
    }

    /// Plays a server that passes on what it should refuse: seals a readable contact noted
    /// `ahead_note`, stamped two days ahead of now, and writes it straight into the server's
    /// database (the server's own push refuses it), then pushes a good contact noted `note`.
    pub async fn plant_stamped_ahead_then(&mut self, db: &Path, ahead_note: &str, note: &str) {
        use faltlogg_core::api::PushRequest;
        let now = now_ms();
        let ahead = self.seal_contact(ahead_note, now + 2 * 24 * 60 * 60 * 1000);
        let good = self.seal_contact(note, now);
        let mut db = open_db(db).await;
        insert_envelope(&mut db, self.team, self.id, &ahead, now).await;
        let envelopes = vec![faltlogg_core::api::WireEnvelope::from(&good)];
        self.post("envelopes", &PushRequest { envelopes }).await;
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// The server's database, opened beside the server as an attacker with its disk would.
pub async fn open_db(path: &Path) -> sqlx::SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
        .await
        .unwrap()
}

/// Stores `envelope` as the server would after a push, without any of its checks.
async fn insert_envelope(
    db: &mut sqlx::SqliteConnection,
    team: uuid::Uuid,
    device: uuid::Uuid,
    envelope: &faltlogg_core::envelope::Envelope,
    now: u64,
) {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE teams SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
    )
    .bind(team.to_string())
    .fetch_one(&mut *db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO envelopes (team_id, seq, id, device_id, bytes, received_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(team.to_string())
    .bind(seq)
    .bind(envelope.header.id.to_string())
    .bind(device.to_string())
    .bind(envelope.to_bytes())
    .bind(now as i64)
    .execute(&mut *db)
    .await
    .unwrap();
}

/// Plays a server that makes up a team key: grants `device` (of `team`) a key of the next
/// epoch, sealed to it and signed by an identity of the server's own, and moves the team to
/// that epoch.
pub async fn forge_grant(db_path: &Path, team: uuid::Uuid, device: uuid::Uuid) {
    use faltlogg_core::api::SealedTeamKey;
    use faltlogg_core::crypto::device::DevicePublicKeys;
    use faltlogg_core::crypto::identity::TeamIdentity;
    use faltlogg_core::crypto::{SymmetricKey, TeamKey};
    let mut db = open_db(db_path).await;
    let (signing, exchange, epoch): (Vec<u8>, Vec<u8>, i64) = sqlx::query_as(
        "SELECT d.signing_key, d.exchange_key, t.key_epoch FROM devices d \
         JOIN teams t ON t.id = d.team_id WHERE d.id = ?",
    )
    .bind(device.to_string())
    .fetch_one(&mut db)
    .await
    .unwrap();
    let keys = DevicePublicKeys {
        signing: signing.try_into().unwrap(),
        exchange: exchange.try_into().unwrap(),
    };
    let forged = TeamIdentity::generate(&mut rand_core::OsRng);
    let key = TeamKey {
        epoch: epoch as u32 + 1,
        key: SymmetricKey::generate(&mut rand_core::OsRng),
    };
    let grant = SealedTeamKey::grant(
        &forged,
        team,
        device,
        &keys,
        &key,
        true,
        &mut rand_core::OsRng,
    );
    sqlx::query(
        "INSERT INTO sealed_team_keys (device_id, epoch, sealed, identity, signature, sealed_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, 0)",
    )
    .bind(device.to_string())
    .bind(key.epoch as i64)
    .bind(serde_json::to_vec(&grant.sealed).unwrap())
    .bind(grant.identity.as_ref().map(|i| serde_json::to_vec(i).unwrap()))
    .bind(grant.signature.map(|s| s.0.to_vec()))
    .bind(device.to_string())
    .execute(&mut db)
    .await
    .unwrap();
    sqlx::query("UPDATE teams SET key_epoch = ? WHERE id = ?")
        .bind(key.epoch as i64)
        .bind(team.to_string())
        .execute(&mut db)
        .await
        .unwrap();
}

/// Waits until the server holds at least `n` envelopes.
pub async fn wait_for_envelopes(db_path: &Path, n: i64) {
    let start = Instant::now();
    loop {
        let mut db = open_db(db_path).await;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM envelopes")
            .fetch_one(&mut db)
            .await
            .unwrap();
        if count >= n {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "the server holds {count} envelopes, not {n}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The epoch and sending device of the team's newest envelope on the server.
pub async fn newest_envelope(db_path: &Path) -> (u32, uuid::Uuid) {
    let mut db = open_db(db_path).await;
    let bytes: Vec<u8> = sqlx::query_scalar(
        "SELECT bytes FROM envelopes ORDER BY received_at DESC, seq DESC LIMIT 1",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let envelope = faltlogg_core::envelope::Envelope::from_bytes(&bytes).unwrap();
    (envelope.header.epoch, envelope.header.device)
}

/// A phone signed in as `username` (in `lang`), its passphrase chosen, its pairing code
/// confirmed and approved by `by`, and its first sync done.
pub async fn approved_phone(
    chromedriver: &Chromedriver,
    profile: &Path,
    url: &str,
    (username, password, lang): (&str, &str, &str),
    passphrase: &str,
    by: &Device,
) -> Browser {
    let phone = Browser::open(chromedriver, profile, lang).await;
    phone.goto(url).await;
    phone.sign_in(username, password).await;
    phone.choose_passphrase(passphrase).await;
    phone
        .wait(
            "document.getElementById('codes-match')?.hidden === false",
            "the pairing code",
        )
        .await;
    phone.click("codes-match").await;
    assert_eq!(by.approve_pending().await, 1);
    phone
        .wait(
            "Number(document.getElementById('sync-state')?.dataset.syncs) >= 1",
            "approved, and the first sync",
        )
        .await;
    phone
}

/// The admin's phone and a worker's, side by side in profiles `c` and `w` under `dir`, each
/// approved by `by`: `(password, language)` of the admin, `(username, password, language)` of
/// the worker.
pub async fn two_phones(
    chromedriver: &Chromedriver,
    dir: &Path,
    url: &str,
    by: &Device,
    (admin_password, admin_lang): (&str, &str),
    worker: (&str, &str, &str),
    passphrase: &str,
) -> (Browser, Browser) {
    let admin = ("admin", admin_password, admin_lang);
    let coordinator =
        approved_phone(chromedriver, &dir.join("c"), url, admin, passphrase, by).await;
    let worker = approved_phone(chromedriver, &dir.join("w"), url, worker, passphrase, by).await;
    (coordinator, worker)
}

/// One Chromium profile driven through chromedriver.
pub struct Browser {
    driver: WebDriver,
}

impl Browser {
    pub async fn open(chromedriver: &Chromedriver, profile: &Path, lang: &str) -> Browser {
        Browser::open_with(chromedriver, profile, lang, &[]).await
    }

    /// Like [`Browser::open`], with extra Chromium flags.
    pub async fn open_with(
        chromedriver: &Chromedriver,
        profile: &Path,
        lang: &str,
        extra: &[&str],
    ) -> Browser {
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=412,915",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.display()))
            .unwrap();
        caps.add_arg(&format!("--lang={lang}")).unwrap();
        for arg in extra {
            caps.add_arg(arg).unwrap();
        }
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({ "intl.accept_languages": lang }),
        )
        .unwrap();
        let driver = WebDriver::new(&chromedriver.url, caps)
            .await
            .expect("a Chromium session");
        Browser { driver }
    }

    pub async fn goto(&self, url: &str) {
        self.driver.goto(url).await.unwrap();
    }

    pub async fn reload(&self) {
        self.driver.refresh().await.unwrap();
    }

    /// Polls a JavaScript expression until it is true.
    pub async fn wait(&self, expression: &str, what: &str) {
        self.poll(expression, what, WAIT, Duration::from_millis(100))
            .await;
    }

    /// Like [`Browser::wait`], for work that takes long (seeding, syncing thousands).
    pub async fn wait_long(&self, expression: &str, what: &str, seconds: u64) {
        self.poll(
            expression,
            what,
            Duration::from_secs(seconds),
            Duration::from_millis(500),
        )
        .await;
    }

    /// Evaluates `expression` every `every` until it is true; after `limit`, fails the test
    /// with what the page says.
    async fn poll(&self, expression: &str, what: &str, limit: Duration, every: Duration) {
        let script = format!("try {{ return !!({expression}); }} catch (e) {{ return false; }}");
        let start = Instant::now();
        loop {
            let ok = self
                .driver
                .execute(&script, vec![])
                .await
                .map(|r| r.json() == &serde_json::Value::Bool(true));
            if let Ok(true) = ok {
                return;
            }
            if start.elapsed() > limit {
                let body = self
                    .driver
                    .execute("return document.body.innerText", vec![])
                    .await
                    .map(|r| r.json().to_string());
                panic!("timed out waiting for {what}; the page says: {body:?}");
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Opens a path of the app as a tap on a link does (no page load, so no lock).
    pub async fn goto_in_app(&self, path: &str) {
        self.driver
            .execute(
                "const a = document.createElement('a'); a.href = arguments[0]; document.body.append(a); a.click(); a.remove();",
                vec![serde_json::json!(path)],
            )
            .await
            .unwrap();
        self.wait(&format!("location.pathname === {path:?}"), path)
            .await;
    }

    /// Runs asynchronous JavaScript that calls `done(value)`; waits for `true`.
    pub async fn wait_async(&self, body: &str, what: &str) {
        let script = format!("const done = arguments[arguments.length - 1]; {body}");
        let result = self.driver.execute_async(&script, vec![]).await;
        assert!(
            matches!(
                result.as_ref().map(|r| r.json().clone()),
                Ok(serde_json::Value::Bool(true))
            ),
            "{what}: {result:?}"
        );
    }

    pub async fn fill(&self, id: &str, text: &str) {
        self.wait(&format!("document.getElementById('{id}') !== null"), id)
            .await;
        let el = self.driver.find(By::Id(id)).await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    pub async fn choose(&self, id: &str, value: &str) {
        self.driver
            .find(By::Css(format!("#{id} option[value='{value}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn click(&self, id: &str) {
        // A person can tap only what is shown.
        self.wait(
            &format!("(e => e !== null && !e.hidden)(document.getElementById('{id}'))"),
            id,
        )
        .await;
        self.click_css(&format!("#{id}")).await;
    }

    /// Scrolls the element to the middle of the screen, as a person would before tapping it
    /// (chromedriver alone may leave it under the fixed bottom bar), then clicks it.
    /// An element the app draws again between finding and clicking (a sync that lands) is
    /// found again, a few times.
    pub async fn click_css(&self, css: &str) {
        let mut tries = 0;
        loop {
            let element = self.driver.find(By::Css(css)).await.unwrap();
            let clicked = async {
                self.driver
                    .execute(
                        "arguments[0].scrollIntoView({block: 'center'})",
                        vec![element.to_json()?],
                    )
                    .await?;
                element.click().await
            }
            .await;
            match clicked {
                Ok(()) => return,
                Err(e)
                    if tries < 5
                        && matches!(
                            *e,
                            thirtyfour::error::WebDriverErrorInner::StaleElementReference(_)
                        ) =>
                {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clicking {css}: {e}"),
            }
        }
    }

    pub async fn submit_form(&self) {
        self.driver
            .find(By::Css("form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn text(&self, id: &str) -> String {
        self.driver
            .find(By::Id(id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, username: &str, password: &str) {
        self.fill("username", username).await;
        self.fill("password", password).await;
        self.submit_form().await;
    }

    pub async fn choose_passphrase(&self, passphrase: &str) {
        self.fill("passphrase", passphrase).await;
        self.fill("passphrase-repeat", passphrase).await;
        self.submit_form().await;
    }

    /// Cuts the browser off the network (or lets it back on), as a phone out of signal.
    pub async fn set_offline(&self, offline: bool) {
        self.emulate_network(offline, 0).await;
    }

    /// Online, with every request taking `ms` longer, as a phone on a poor connection.
    pub async fn set_latency(&self, ms: u32) {
        self.emulate_network(false, ms).await;
    }

    async fn emulate_network(&self, offline: bool, latency_ms: u32) {
        let cdp = self.driver.cdp();
        cdp.send_raw("Network.enable", serde_json::json!({}))
            .await
            .unwrap();
        cdp.send_raw(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": offline,
                "latency": latency_ms,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await
        .unwrap();
    }

    /// Accepts the page's `confirm()` dialog.
    pub async fn accept_dialog(&self) {
        let start = std::time::Instant::now();
        while self.driver.accept_alert().await.is_err() {
            assert!(start.elapsed() < WAIT, "no dialog to accept");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn screenshot(&self, path: &Path) {
        self.driver.screenshot(path).await.unwrap();
    }

    /// Emulates a phone screen of `width` × `height` CSS pixels (headless windows cannot be
    /// narrower than 500 px), at `scale` device pixels per CSS pixel.
    pub async fn phone_screen(&self, width: u32, height: u32, scale: f64) {
        self.driver
            .cdp()
            .send_raw(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": true }),
            )
            .await
            .unwrap();
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the page as it is now and fails the test on
    /// any violation, naming the rule and the elements.
    pub async fn assert_accessible(&self, screen: &str) {
        let axe = root().join("tools/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&axe)
            .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh installs it)", axe.display()));
        self.driver
            .execute(&format!("{source}\n;return true;"), vec![])
            .await
            .unwrap();
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
              .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));";
        let violations = self.driver.execute_async(script, vec![]).await.unwrap();
        let list = violations.json().as_array().cloned().unwrap_or_default();
        assert!(
            list.is_empty(),
            "accessibility violations on {screen}: {list:#?}"
        );
    }

    /// Presses keys on whatever has the focus, as a keyboard user does: text is typed, and
    /// `thirtyfour::Key` values (Tab, Enter, Space, arrows) are pressed.
    pub async fn keys(&self, keys: impl Into<thirtyfour::prelude::TypingData>) {
        self.driver
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    /// Presses Tab until the element matching `css` has the focus (at most 60 times), then
    /// checks that the focus can be seen: an outline drawn around it.
    pub async fn tab_to(&self, css: &str) {
        let focused = format!("document.activeElement?.matches({css:?}) === true");
        for _ in 0..60 {
            let here = self
                .driver
                .execute(&format!("return {focused}"), vec![])
                .await;
            if matches!(
                here.map(|r| r.json().clone()),
                Ok(serde_json::Value::Bool(true))
            ) {
                let outline = self
                    .driver
                    .execute(
                        "const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    outline.json(),
                    &serde_json::Value::Bool(true),
                    "{css} has the focus but no visible outline"
                );
                return;
            }
            self.keys(thirtyfour::Key::Tab).await;
        }
        panic!("{css} was not reached with the Tab key");
    }

    /// Checks the page as it is now on the narrowest phone, 320 CSS px wide (also what 200 %
    /// zoom on a 640 px screen gives, WCAG 1.4.10): nothing scrolls sideways, and every control
    /// (buttons, links drawn as buttons or cards, fields, the bottom navigation, checkbox rows)
    /// is at least 44 × 44 px. The screen size is put back after.
    pub async fn assert_reflows_with_large_targets(&self, screen: &str) {
        self.phone_screen(320, 640, 2.0).await;
        let script = "
            const problems = [];
            const root = document.documentElement;
            if (root.scrollWidth > root.clientWidth + 1) {
                problems.push('scrolls sideways: ' + root.scrollWidth + ' px');
            }
            const controls = 'button, a.button, a.card, nav a, input:not([type=checkbox]):not([type=radio]), select, textarea, label.check';
            for (const el of document.querySelectorAll(controls)) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.width < 44 || r.height < 44) {
                    problems.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
                }
            }
            return problems;";
        let problems = self.driver.execute(script, vec![]).await.unwrap();
        let list = problems.json().as_array().cloned().unwrap_or_default();
        self.driver
            .cdp()
            .send_raw(
                "Emulation.clearDeviceMetricsOverride",
                serde_json::json!({}),
            )
            .await
            .unwrap();
        assert!(list.is_empty(), "at 320 px, {screen}: {list:#?}");
    }

    /// [`Browser::assert_accessible`] in the light colour scheme and then the dark one
    /// (emulated, as a phone set to dark mode), back to light after.
    pub async fn assert_accessible_in_both_schemes(&self, screen: &str) {
        for scheme in ["light", "dark"] {
            self.colour_scheme(scheme).await;
            self.assert_accessible(&format!("{screen} ({scheme})"))
                .await;
        }
        self.colour_scheme("light").await;
    }

    /// Emulates the phone's colour scheme preference: "light" or "dark".
    pub async fn colour_scheme(&self, scheme: &str) {
        self.driver
            .cdp()
            .send_raw(
                "Emulation.setEmulatedMedia",
                serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            )
            .await
            .unwrap();
        self.wait(
            &format!("matchMedia('(prefers-color-scheme: {scheme})').matches"),
            scheme,
        )
        .await;
    }

    pub fn driver(&self) -> &WebDriver {
        &self.driver
    }

    /// Syncs now from More, and waits until that sync has finished.
    pub async fn sync_now(&self) {
        self.goto_in_app("/more").await;
        let syncs = self
            .driver
            .execute(
                "return document.getElementById('sync-state').dataset.syncs",
                vec![],
            )
            .await
            .unwrap()
            .json()
            .as_str()
            .unwrap_or("0")
            .to_string();
        self.click("sync-now").await;
        self.wait(
            &format!("document.getElementById('sync-state').dataset.syncs !== '{syncs}'"),
            "a sync",
        )
        .await;
    }

    /// Taps "Check again" under the team's devices and waits until the list is drawn again.
    /// While it loads, every button of the list is disabled and a tap on one does nothing: a
    /// test that taps Approve or Remove straight after would, on a busy machine, tap nothing.
    pub async fn check_devices_again(&self) {
        self.click("reload-devices").await;
        self.wait(
            "document.getElementById('reload-devices')?.disabled === false",
            "the devices listed again",
        )
        .await;
    }

    /// Ends the session; Chromium exits and flushes its profile to disk.
    pub async fn quit(self) {
        self.driver.quit().await.unwrap();
        // Give the browser process a moment to finish writing after the session ends.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether `bytes` hold `text` as UTF-8 (or Latin-1) or as UTF-16 (either byte order).
pub fn contains_text(bytes: &[u8], text: &str) -> bool {
    let utf8 = text.as_bytes();
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    [utf8, &utf16le[..], &utf16be[..]]
        .iter()
        .any(|needle| bytes.windows(needle.len()).any(|w| w == *needle))
}

/// Searches every file under `dir` for each of `texts`, raw and, for LevelDB tables, with
/// their compressed blocks expanded. Returns the texts that were found.
pub fn scan_dir(dir: &Path, texts: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let mut views = vec![bytes.clone()];
        views.extend(leveldb::table_blocks(&bytes));
        for text in texts {
            if views.iter().any(|v| contains_text(v, text)) && !found.iter().any(|f| f == text) {
                found.push(text.to_string());
            }
        }
    }
    found
}

/// A worker's phone, signed in and unlocked on Today, against its own server: the fixture of
/// the record tests. Dropping it stops Chromium, chromedriver and the server.
pub struct Phone {
    pub browser: Browser,
    pub server: Server,
    pub url: String,
    pub chromedriver: Chromedriver,
    pub work: tempfile::TempDir,
}

/// Browser tests in one test binary take turns: two Chromiums at once on two cores make both
/// slow and flaky.
pub static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub const PHONE_PASSWORD: &str = "records-admin-password";
pub const PHONE_PASSPHRASE: &str = "a good passphrase for records";

impl Phone {
    /// The coordinator `admin` on a fresh server, with a passphrase chosen and the first sync
    /// done (the device made the team key), in language `lang`.
    pub async fn on_today(lang: &str) -> Phone {
        let work = tempfile::tempdir().unwrap();
        let chromedriver = Chromedriver::start().await;
        let server = Server::start(work.path(), None, PHONE_PASSWORD).await;
        let url = format!("http://127.0.0.1:{}/", server.port);
        let browser = Browser::open(&chromedriver, &work.path().join("profile"), lang).await;
        browser.goto(&url).await;
        browser.sign_in("admin", PHONE_PASSWORD).await;
        browser.choose_passphrase(PHONE_PASSPHRASE).await;
        browser
            .wait(
                "Number(document.getElementById('sync-state')?.dataset.syncs) >= 1",
                "the first sync",
            )
            .await;
        Phone {
            browser,
            server,
            url,
            chromedriver,
            work,
        }
    }

    /// Opens a path of the app the way a tap on a link does (the router's history, no reload).
    pub async fn open(&self, path: &str) {
        self.browser.goto_in_app(path).await;
    }

    /// The current path.
    pub async fn path(&self) -> String {
        let v = self
            .browser
            .driver()
            .execute("return location.pathname", vec![])
            .await
            .unwrap();
        v.json().as_str().unwrap_or_default().to_string()
    }

    /// Makes a person through the form; gives the person page's path.
    pub async fn new_person(&self, alias: &str, birth_year: &str, area: &str) -> String {
        let b = &self.browser;
        self.open("/persons/new").await;
        b.fill("alias", alias).await;
        b.fill("birth-year", birth_year).await;
        b.fill("area", area).await;
        b.click("save-person").await;
        b.wait(
            &format!("document.getElementById('person-alias')?.textContent === '{alias}'"),
            "the new person's page",
        )
        .await;
        self.path().await
    }

    /// Unlocks after a reload.
    pub async fn unlock(&self) {
        self.browser.fill("passphrase", PHONE_PASSPHRASE).await;
        self.browser.submit_form().await;
    }

    /// The number of changes the top bar says are waiting.
    pub async fn waiting(&self) -> String {
        let v = self
            .browser
            .driver()
            .execute(
                "return document.getElementById('sync-state')?.dataset.waiting",
                vec![],
            )
            .await
            .unwrap();
        v.json().as_str().unwrap_or_default().to_string()
    }

    pub async fn quit(self) {
        self.browser.quit().await;
    }
}

/// A JavaScript test that the element `id`'s text contains `text`.
pub fn shows(id: &str, text: &str) -> String {
    format!("(document.getElementById('{id}')||{{}}).textContent?.includes({text:?})")
}
