//! Fältlogg's native client: a device that signs in, enrols, saves records to its outbox and
//! syncs with the core's engine ([`faltlogg_core::sync`]) over HTTP, speaking postcard as the
//! PWA does. Its storage is memory: it is for the black-box tests, the load generator
//! (`faltlogg-load`) and tools, which start from nothing each run.
//!
//! It never prints a record, a name or a key; its errors carry status codes and the server's
//! error codes only.

mod http;

use std::collections::BTreeMap;

use faltlogg_core::api::{
    Admission, ApproveRequest, DeviceInfo, DeviceList, EnrolRequest, MyDevice, Role, SealedTeamKey,
    SignInRequest, SignInResponse, TeamIdentityRequest, UserInfo,
};
use faltlogg_core::change::Change;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::identity::{TeamIdentity, TeamIdentityKey};
use faltlogg_core::crypto::person::Keyring;
use faltlogg_core::crypto::{SymmetricKey, TeamKey};
use faltlogg_core::envelope::{Envelope, Origin};
use faltlogg_core::hlc::Hlc;
use faltlogg_core::record::contact::{Contact, ContactKind};
use faltlogg_core::sync::{self, Local, Queued, Report, Senders, Settled, Taken, Trust};
use faltlogg_core::{fold, ids};
use rand_core::OsRng;
use uuid::Uuid;

pub use http::{Api, NetError};

/// A failure of a request: the server's refusal, or not reaching it.
pub type Failure = sync::Failure<NetError>;
/// A failure of a sync (memory storage cannot fail).
pub type SyncError = sync::SyncError<NetError, std::convert::Infallible>;

/// A device of the team, as a phone would be, with its storage in memory.
pub struct Device {
    pub api: Api,
    pub user: UserInfo,
    pub id: Uuid,
    secrets: DeviceSecrets,
    pub team_keys: Vec<TeamKey>,
    /// Pinned at enrolment: the one a phone's worker compares by its pairing code.
    pub identity: Option<TeamIdentityKey>,
    /// On a coordinator's device: to admit devices and grant them the key.
    identity_secret: Option<TeamIdentity>,
    hlc: Hlc,
    device_seq: u64,
    pub storage: Memory,
    senders: Senders,
    keyring: Keyring,
}

/// What a device keeps, as the PWA keeps it in IndexedDB.
#[derive(Debug, Default)]
pub struct Memory {
    /// Sealed and not yet stored by the server, by envelope id (UUIDv7: in time order).
    pub outbox: BTreeMap<Uuid, Vec<u8>>,
    /// Every envelope this device holds, its own and the team's, by id.
    pub envelopes: BTreeMap<Uuid, Vec<u8>>,
    /// Refused by the server or not opening here.
    pub quarantine: Vec<Vec<u8>>,
    /// The last sequence number pulled.
    pub cursor: i64,
    /// The numbers the server gave this device's own envelopes.
    pub own_seqs: BTreeMap<Uuid, i64>,
}

impl Local for Memory {
    type Key = Uuid;
    type Error = std::convert::Infallible;

    async fn outbox(&mut self) -> Result<Vec<Queued<Uuid>>, Self::Error> {
        Ok(self
            .outbox
            .iter()
            .map(|(key, bytes)| Queued {
                key: *key,
                bytes: bytes.clone(),
            })
            .collect())
    }

    async fn settle(&mut self, settled: &Settled<Uuid>) -> Result<(), Self::Error> {
        for (id, seq) in &settled.sent {
            self.outbox.remove(id);
            self.own_seqs.insert(*id, *seq);
        }
        for (queued, _) in &settled.set_aside {
            self.outbox.remove(&queued.key);
            self.quarantine.push(queued.bytes.clone());
        }
        Ok(())
    }

    async fn cursor(&mut self) -> Result<i64, Self::Error> {
        Ok(self.cursor)
    }

    async fn take_in(&mut self, taken: &[Taken<'_>], cursor: i64) -> Result<(), Self::Error> {
        for t in taken {
            match t.opened {
                Some(id) => {
                    self.envelopes.insert(id, t.bytes.to_vec());
                }
                None => self.quarantine.push(t.bytes.to_vec()),
            }
        }
        self.cursor = cursor;
        Ok(())
    }
}

impl Device {
    /// Signs in as `username` at `url` and enrols a new device. A coordinator's first device
    /// in a team without a key makes the team key and identity; an approved device collects
    /// its keys. A pending one waits for [`Device::approve`] and [`Device::collect_keys`].
    pub async fn enrol(url: &str, username: &str, password: &str) -> Result<Device, Failure> {
        let mut api = Api::new(url);
        let session: SignInResponse = api
            .post(
                "/api/session",
                &SignInRequest {
                    username: username.into(),
                    password: password.into(),
                },
            )
            .await?;
        api.token = Some(session.token.clone());
        let secrets = DeviceSecrets::generate(&mut OsRng);
        let me: MyDevice = api
            .post("/api/devices", &EnrolRequest::new(&secrets, &session.token))
            .await?;
        let mut device = Device {
            api,
            user: session.user,
            id: me.device.id,
            secrets,
            team_keys: Vec::new(),
            identity: me.team_identity,
            identity_secret: None,
            hlc: Hlc::default(),
            device_seq: 0,
            storage: Memory::default(),
            senders: Senders::default(),
            keyring: Keyring::default(),
        };
        if me.make_team_key && me.team_identity.is_none() {
            device.found_team(me.team_epoch).await?;
        } else {
            device.open_grants(&me.sealed_team_keys);
        }
        Ok(device)
    }

    /// The first coordinator device: makes the team key and identity, and admits itself.
    async fn found_team(&mut self, epoch: u32) -> Result<(), Failure> {
        let identity = TeamIdentity::generate(&mut OsRng);
        let request = TeamIdentityRequest {
            identity: identity.public(),
            admissions: vec![Admission {
                device: self.id,
                signature: identity.admit(self.user.team, self.id, &self.secrets.public()),
            }],
        };
        self.api.put_empty("/api/team/identity", &request).await?;
        self.team_keys.push(TeamKey {
            epoch,
            key: SymmetricKey::generate(&mut OsRng),
        });
        self.identity = Some(identity.public());
        self.identity_secret = Some(identity);
        Ok(())
    }

    /// Takes the grants signed by the pinned identity; others are ignored.
    fn open_grants(&mut self, grants: &[SealedTeamKey]) {
        let Some(identity) = self.identity else {
            return;
        };
        for grant in grants {
            let exchange = self.secrets.public().exchange;
            if grant
                .verify(self.user.team, self.id, &exchange, &identity)
                .is_err()
            {
                continue;
            }
            if let Ok((key, shared)) = grant.open(self.user.team, &self.secrets) {
                if !self.team_keys.iter().any(|k| k.epoch == key.epoch) {
                    self.team_keys.push(key);
                }
                if shared.as_ref().is_some_and(|s| s.public() == identity) {
                    self.identity_secret = shared;
                }
            }
        }
    }

    /// Collects the team keys granted since enrolment.
    pub async fn collect_keys(&mut self) -> Result<(), Failure> {
        let me: MyDevice = self.api.get("/api/devices/me").await?;
        self.open_grants(&me.sealed_team_keys);
        Ok(())
    }

    /// A coordinator's device approves the pending device `id`: admits it and grants it every
    /// team key held here, signed by the team identity. (A phone's coordinator compares the
    /// pairing code first; a tool trusts the list.)
    pub async fn approve(&self, id: Uuid) -> Result<(), Failure> {
        let identity = self
            .identity_secret
            .as_ref()
            .ok_or_else(|| http::local_refusal("this device cannot approve"))?;
        let list: DeviceList = self.api.get("/api/devices").await?;
        let listed = list
            .devices
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| http::local_refusal("no such device in the team"))?;
        let grants = self
            .team_keys
            .iter()
            .map(|key| {
                SealedTeamKey::grant(
                    identity,
                    self.user.team,
                    id,
                    &listed.keys,
                    key,
                    listed.role == Role::Coordinator,
                    &mut OsRng,
                )
            })
            .collect();
        let request = ApproveRequest {
            grants,
            admission: identity.admit(self.user.team, id, &listed.keys),
        };
        let _: DeviceInfo = self
            .api
            .post(&format!("/api/devices/{id}/approve"), &request)
            .await?;
        Ok(())
    }

    /// Seals `change` under the current team key into the outbox (and this device's
    /// envelopes), as the PWA's save does. Returns the envelope's id.
    pub fn save(&mut self, change: &Change, now_ms: u64) -> Uuid {
        let key = self
            .team_keys
            .iter()
            .max_by_key(|k| k.epoch)
            .expect("an approved device holds the team key");
        self.hlc = self.hlc.tick(now_ms);
        self.device_seq += 1;
        let id = ids::new_v7(now_ms, &mut OsRng);
        let origin = Origin {
            team: self.user.team,
            device: self.id,
            device_seq: self.device_seq,
            hlc: self.hlc,
        };
        let envelope = Envelope::seal(change, id, origin, (key, None), &self.secrets, &mut OsRng)
            .expect("a contact fits an envelope");
        let bytes = envelope.to_bytes();
        self.storage.outbox.insert(id, bytes.clone());
        self.storage.envelopes.insert(id, bytes);
        id
    }

    /// Saves a street contact with `note` (`now_ms`: the device's clock).
    pub fn save_contact(&mut self, note: &str, now_ms: u64) -> Uuid {
        let contact = Contact::simple(
            Uuid::new_v4(),
            now_ms as i64,
            "Centrum",
            ContactKind::StreetEncounter,
            note,
        );
        self.save(&fold::create(&contact), now_ms)
    }

    /// Pushes the outbox and pulls the team's changes with the core's engine.
    pub async fn sync(&mut self, now_ms: u64) -> Result<Report, SyncError> {
        let trust = Trust {
            team: self.user.team,
            me: Some(self.id),
            identity: self.identity,
            team_keys: &self.team_keys,
            now_ms,
        };
        let mut transport = self.api.clone();
        let report = sync::sync(
            &mut transport,
            &mut self.storage,
            &trust,
            &mut self.senders,
            &mut self.keyring,
        )
        .await?;
        for (header, _) in &report.changes {
            self.hlc = self.hlc.observe(header.hlc, now_ms);
        }
        Ok(report)
    }
}
