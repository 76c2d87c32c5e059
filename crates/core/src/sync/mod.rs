//! The sync engine: the outbox pushed in batches, the team's envelopes pulled, checked and
//! opened, and when to try again. The protocol is here, once; a transport (the PWA's
//! `fetch`, the native client's HTTP) and the device's storage are the caller's, behind
//! [`Transport`] and [`Local`]. No I/O of its own, like the rest of the crate.
//!
//! What it guarantees, whatever fails where:
//! - An envelope leaves the outbox only once the server has stored it (or refused it for
//!   itself: then it is set aside in quarantine, never dropped).
//! - Pulled envelopes and the cursor past them are stored in one step ([`Local::take_in`]):
//!   a device that stops halfway pulls again from where its storage says.
//! - A device never takes in its own envelopes again: the server leaves them out
//!   ([`crate::api::PULL_SKIP_OWN`]), and any that come anyway are passed over.
//! - The team's devices are fetched only when an envelope names one not known yet.

mod backoff;
mod pull;
mod push;

pub use backoff::Backoff;
pub use pull::{check_senders, receive, Received, Senders, Trust};
pub use push::{refuses_for_good, Batch, PushQueue, Queued, Settled};

use crate::api::{DeviceInfo, ErrorBody, PullResponse, PushRequest, PushResponse};
use crate::change::Change;
use crate::crypto::person::Keyring;
use crate::envelope::{Envelope, EnvelopeHeader};

/// How a request failed: the server's refusal, or not reaching it (`E`: the transport's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<E> {
    Refused(ErrorBody),
    Unreached(E),
}

/// The server, as the engine calls it. Pushes ask for partial batches
/// ([`crate::api::PUSH_PARTIAL`]) and pulls leave out the device's own
/// ([`crate::api::PULL_SKIP_OWN`]).
#[allow(async_fn_in_trait)]
pub trait Transport {
    type Error;
    async fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure<Self::Error>>;
    async fn pull(&mut self, after: i64) -> Result<PullResponse, Failure<Self::Error>>;
    async fn devices(&mut self) -> Result<Vec<DeviceInfo>, Failure<Self::Error>>;
}

/// One pulled envelope as the device keeps it: opened (stored by its id), or set aside.
pub struct Taken<'a> {
    pub seq: i64,
    pub bytes: &'a [u8],
    /// The envelope's id when it opened; `None` when it is set aside.
    pub opened: Option<uuid::Uuid>,
}

/// The device's storage, as the engine uses it. Each method is one transaction. A write
/// (`settle`, `take_in`) may return before its transaction commits, so that the engine goes
/// on meanwhile, if the next write waits for it first and fails if it failed, and reads see
/// only what has committed; [`Local::landed`] then waits for the last one.
#[allow(async_fn_in_trait)]
pub trait Local {
    /// How the outbox names an envelope.
    type Key: Clone;
    type Error;
    /// The outbox, oldest first.
    async fn outbox(&mut self) -> Result<Vec<Queued<Self::Key>>, Self::Error>;
    /// Out of the outbox: what the server stored (`sent`, with its numbers) and what it
    /// refused for itself (`set_aside`, into quarantine).
    async fn settle(&mut self, settled: &Settled<Self::Key>) -> Result<(), Self::Error>;
    async fn cursor(&mut self) -> Result<i64, Self::Error>;
    /// Keeps a page's envelopes (skipped ones are not listed) and the cursor past it.
    async fn take_in(&mut self, taken: &[Taken<'_>], cursor: i64) -> Result<(), Self::Error>;
    /// Waits until every write has committed: a push or pull is done only then.
    async fn landed(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Either side's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError<T, L> {
    Server(Failure<T>),
    Storage(L),
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Report {
    /// Envelopes the server stored.
    pub pushed: usize,
    /// Envelopes set aside (refused by the server, or not opening here).
    pub set_aside: usize,
    /// Of those, this device's own changes that the server refused for themselves: they did
    /// not reach the team, which the device's user must hear in other words than for a
    /// pulled change that did not open.
    pub refused: usize,
    /// The server refused a change stamped ahead of its clock: this device's clock is ahead.
    /// What is left stays in the outbox.
    pub held_by_clock: bool,
    /// The server refused changes stamped after this device's revocation; they stay.
    pub revoked: bool,
    /// The changes that came in and opened, in order.
    pub changes: Vec<(EnvelopeHeader, Change)>,
    /// Person keys erased by changes that came in: their envelopes go here too.
    pub erased: Vec<uuid::Uuid>,
    /// The pull stopped before a change of a key epoch this device does not hold yet: collect
    /// the new team key (enrol), then sync again.
    pub needs_key: bool,
}

/// Pushes the outbox, then pulls the team's changes. `senders` is kept between syncs;
/// `keyring` is brought up to date with the keys and erasures that come in.
pub async fn sync<T: Transport, L: Local>(
    transport: &mut T,
    local: &mut L,
    trust: &Trust<'_>,
    senders: &mut Senders,
    keyring: &mut Keyring,
) -> Result<Report, SyncError<T::Error, L::Error>> {
    let mut report = Report::default();
    push_all(transport, local, &mut report).await?;
    pull_all(transport, local, trust, senders, keyring, &mut report).await?;
    Ok(report)
}

/// Sends the outbox, oldest first, in batches under the server's limits. A batch's outcome is
/// stored before the next batch is sent; a `Local` may let its commit run on meanwhile, as the
/// PWA's does (a device that stops in between sends those again, and the server answers an
/// envelope it holds with the number it has). So may a page's on a pull: the next page is
/// checked while it commits, and stored only once it has.
pub async fn push_all<T: Transport, L: Local>(
    transport: &mut T,
    local: &mut L,
    report: &mut Report,
) -> Result<(), SyncError<T::Error, L::Error>> {
    let mut queue = PushQueue::new(local.outbox().await.map_err(SyncError::Storage)?);
    while let Some(batch) = queue.next_batch() {
        let response = transport
            .push(&batch.request())
            .await
            .map_err(SyncError::Server)?;
        let settled = queue.settle(batch, response);
        local.settle(&settled).await.map_err(SyncError::Storage)?;
        report.pushed += settled.sent.len();
        report.set_aside += settled.set_aside.len();
        report.refused += settled.set_aside.len();
        report.held_by_clock |= settled.held_by_clock;
        report.revoked |= settled.revoked;
    }
    local.landed().await.map_err(SyncError::Storage)
}

/// Pulls the team's envelopes after the stored cursor, page by page, each page stored with
/// the cursor past it.
pub async fn pull_all<T: Transport, L: Local>(
    transport: &mut T,
    local: &mut L,
    trust: &Trust<'_>,
    senders: &mut Senders,
    keyring: &mut Keyring,
    report: &mut Report,
) -> Result<(), SyncError<T::Error, L::Error>> {
    let mut after = local.cursor().await.map_err(SyncError::Storage)?;
    loop {
        let page = transport.pull(after).await.map_err(SyncError::Server)?;
        let envelopes: Vec<Option<Envelope>> = page
            .envelopes
            .iter()
            .map(|p| p.envelope.decode().ok())
            .collect();
        let unknown = envelopes
            .iter()
            .flatten()
            .any(|e| !senders.knows(trust, e.header.device) && Some(e.header.device) != trust.me);
        if unknown {
            let devices = transport.devices().await.map_err(SyncError::Server)?;
            *senders = Senders::new(devices, trust);
        }
        let authentic = check_senders(trust, senders, &envelopes);
        let mut taken = Vec::with_capacity(envelopes.len());
        // Where this page leaves the cursor: past everything it covers, own envelopes left
        // out by the server included, unless it stops for a key.
        let mut last = page.last.max(after);
        for ((pulled, envelope), authentic) in page.envelopes.iter().zip(envelopes).zip(authentic) {
            let bytes = &pulled.envelope.0[..];
            match receive(trust, keyring, envelope, authentic) {
                Received::NeedsKey => {
                    report.needs_key = true;
                    last = pulled.seq - 1;
                    break;
                }
                Received::Own | Received::Erased => {}
                Received::SetAside => {
                    report.set_aside += 1;
                    taken.push(Taken {
                        seq: pulled.seq,
                        bytes,
                        opened: None,
                    });
                }
                Received::Opened(header, change) => {
                    if let Change::Erase { key, .. } = &change {
                        report.erased.push(*key);
                    }
                    taken.push(Taken {
                        seq: pulled.seq,
                        bytes,
                        opened: Some(header.id),
                    });
                    report.changes.push((header, change));
                }
            }
        }
        // Never back: a page from a server behind this cursor moves nothing.
        let last = last.max(after);
        local
            .take_in(&taken, last)
            .await
            .map_err(SyncError::Storage)?;
        after = last;
        if report.needs_key || !page.more {
            return local.landed().await.map_err(SyncError::Storage);
        }
    }
}
