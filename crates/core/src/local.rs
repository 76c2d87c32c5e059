//! What a device keeps for itself alone, sealed under its storage key
//! ([`DeviceSecrets::storage_key`](crate::crypto::device::DeviceSecrets::storage_key)):
//!
//! - **The snapshot**: the folded records and the ids of the envelopes folded into them, so
//!   that unlocking reads a few large values instead of every envelope (reading 50,000 separate
//!   IndexedDB values takes seconds). It is cut into chunks of at most [`CHUNK_BYTES`], each
//!   sealed on its own with its generation, index and count as associated data, so chunks of
//!   two snapshots can never be mixed into one that opens.
//! - **Drafts**: what a form holds while it is being typed, so a reload, a crash or an
//!   auto-lock loses nothing.
//!
//! Both are caches of the device's own making: the envelopes stay the truth. A snapshot that
//! does not open is ignored and rebuilt from them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto::{aead_open, aead_seal, random_nonce, CryptoError, SymmetricKey, NONCE_LEN};
use crate::fold::Fold;
use crate::Csprng;

/// The largest plaintext sealed in one chunk.
pub const CHUNK_BYTES: usize = 1 << 20;
const SNAPSHOT_CONTEXT: &[u8] = b"faltlogg-snapshot-v1";
const DRAFT_CONTEXT: &[u8] = b"faltlogg-draft-v1";

/// The folded records, and which envelopes they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub fold: Fold,
    /// The ids of every envelope folded in.
    pub covered: BTreeSet<Uuid>,
}

/// The same encoding as [`Snapshot`], borrowed: sealing needs no copy of the records.
#[derive(Serialize)]
struct SnapshotRef<'a> {
    fold: &'a Fold,
    covered: &'a BTreeSet<Uuid>,
}

/// How to tell one snapshot's chunks from another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotHead {
    pub generation: u64,
    pub chunks: u32,
}

fn chunk_aad(head: SnapshotHead, index: u32) -> Vec<u8> {
    let mut aad = SNAPSHOT_CONTEXT.to_vec();
    aad.extend_from_slice(&head.generation.to_le_bytes());
    aad.extend_from_slice(&head.chunks.to_le_bytes());
    aad.extend_from_slice(&index.to_le_bytes());
    aad
}

fn seal_with_nonce(key: &SymmetricKey, aad: &[u8], plain: &[u8], rng: &mut impl Csprng) -> Vec<u8> {
    let nonce = random_nonce(rng);
    let mut sealed = nonce.to_vec();
    sealed.extend(aead_seal(key, &nonce, aad, plain));
    sealed
}

fn open_with_nonce(key: &SymmetricKey, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN {
        return Err(CryptoError::Malformed);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let nonce = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
    aead_open(key, nonce, aad, body)
}

impl Snapshot {
    /// Seals the snapshot as generation `generation`: the head and its chunks, in order.
    pub fn seal(
        &self,
        key: &SymmetricKey,
        generation: u64,
        rng: &mut impl Csprng,
    ) -> (SnapshotHead, Vec<Vec<u8>>) {
        Snapshot::seal_parts(&self.fold, &self.covered, key, generation, rng)
    }

    /// [`Snapshot::seal`] of a fold and its covered ids held elsewhere.
    pub fn seal_parts(
        fold: &Fold,
        covered: &BTreeSet<Uuid>,
        key: &SymmetricKey,
        generation: u64,
        rng: &mut impl Csprng,
    ) -> (SnapshotHead, Vec<Vec<u8>>) {
        // It always serializes; were it not to, the empty snapshot would not open, and a
        // snapshot that does not open is ignored (everything is folded again).
        let plain = postcard::to_allocvec(&SnapshotRef { fold, covered }).unwrap_or_default();
        let parts: Vec<&[u8]> = plain.chunks(CHUNK_BYTES).collect();
        let head = SnapshotHead {
            generation,
            chunks: parts.len() as u32,
        };
        let chunks = parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| seal_with_nonce(key, &chunk_aad(head, i as u32), part, rng))
            .collect();
        (head, chunks)
    }

    /// Opens the chunks of the snapshot `head` describes. Any missing, extra, reordered,
    /// foreign or changed chunk fails the whole.
    pub fn open(
        key: &SymmetricKey,
        head: SnapshotHead,
        chunks: &[Vec<u8>],
    ) -> Result<Snapshot, CryptoError> {
        if chunks.len() != head.chunks as usize {
            return Err(CryptoError::Malformed);
        }
        let mut plain = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            plain.extend(open_with_nonce(key, &chunk_aad(head, i as u32), chunk)?);
        }
        postcard::from_bytes(&plain).map_err(|_| CryptoError::Malformed)
    }
}

/// A form's typed values, by field id, sealed for storage under the form's key.
pub fn seal_draft(
    key: &SymmetricKey,
    form: &str,
    fields: &[(String, String)],
    rng: &mut impl Csprng,
) -> Vec<u8> {
    // It always serializes; were it not to, the draft would be empty: nothing typed is lost
    // that the form itself does not still show.
    let plain = postcard::to_allocvec(fields).unwrap_or_default();
    let mut aad = DRAFT_CONTEXT.to_vec();
    aad.extend_from_slice(form.as_bytes());
    seal_with_nonce(key, &aad, &plain, rng)
}

/// Opens a draft sealed for the form `form`.
pub fn open_draft(
    key: &SymmetricKey,
    form: &str,
    sealed: &[u8],
) -> Result<Vec<(String, String)>, CryptoError> {
    let mut aad = DRAFT_CONTEXT.to_vec();
    aad.extend_from_slice(form.as_bytes());
    let plain = open_with_nonce(key, &aad, sealed)?;
    postcard::from_bytes(&plain).map_err(|_| CryptoError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::Stamp;
    use crate::crypto::device::DeviceSecrets;
    use crate::fold::create;
    use crate::hlc::Hlc;
    use crate::record::contact::{Contact, ContactKind};
    use rand_core::OsRng;

    fn snapshot(n: u128, note: &str) -> Snapshot {
        let mut fold = Fold::default();
        let mut covered = BTreeSet::new();
        for i in 0..n {
            let c = Contact::simple(
                Uuid::from_u128(i),
                i as i64,
                "Centrum",
                ContactKind::Phone,
                note,
            );
            let stamp = Stamp {
                hlc: Hlc {
                    wall_ms: i as u64,
                    counter: 0,
                },
                device: Uuid::from_u128(1),
            };
            fold.apply(stamp, create(&c));
            covered.insert(Uuid::from_u128(1_000_000 + i));
        }
        Snapshot { fold, covered }
    }

    #[test]
    fn a_snapshot_round_trips_in_chunks_and_hides_its_text() {
        let key = DeviceSecrets::generate(&mut OsRng).storage_key();
        // Long notes, so the snapshot spans several chunks.
        let note = "hemlig anteckning ".repeat(100);
        let snap = snapshot(1500, &note);
        let (head, chunks) = snap.seal(&key, 7, &mut OsRng);
        assert!(head.chunks >= 2, "{} chunks", head.chunks);
        assert!(chunks
            .iter()
            .all(|c| !c.windows(9).any(|w| w == b"hemlig an")));
        assert_eq!(Snapshot::open(&key, head, &chunks).unwrap(), snap);
    }

    #[test]
    fn a_changed_missing_reordered_or_foreign_chunk_fails_the_whole() {
        let key = DeviceSecrets::generate(&mut OsRng).storage_key();
        let note = "x".repeat(1000);
        let (head, chunks) = snapshot(1500, &note).seal(&key, 1, &mut OsRng);
        let mut changed = chunks.clone();
        changed[0][40] ^= 1;
        assert!(Snapshot::open(&key, head, &changed).is_err());
        assert!(Snapshot::open(&key, head, &chunks[..chunks.len() - 1]).is_err());
        let mut reordered = chunks.clone();
        reordered.swap(0, 1);
        assert!(Snapshot::open(&key, head, &reordered).is_err());
        let (_, other) = snapshot(1500, &note).seal(&key, 2, &mut OsRng);
        let mut mixed = chunks.clone();
        mixed[1] = other[1].clone();
        assert!(
            Snapshot::open(&key, head, &mixed).is_err(),
            "a chunk of another generation"
        );
        let stranger = DeviceSecrets::generate(&mut OsRng).storage_key();
        assert!(Snapshot::open(&stranger, head, &chunks).is_err());
    }

    #[test]
    fn drafts_open_only_for_their_form_and_key() {
        let device = DeviceSecrets::generate(&mut OsRng);
        let key = device.storage_key();
        assert_eq!(key, device.storage_key(), "the same device, the same key");
        let fields = vec![("note".to_string(), "skriver fortfarande".to_string())];
        let sealed = seal_draft(&key, "contact-new", &fields, &mut OsRng);
        assert!(!sealed.windows(8).any(|w| w == b"skriver "));
        assert_eq!(open_draft(&key, "contact-new", &sealed).unwrap(), fields);
        assert!(open_draft(&key, "person-new", &sealed).is_err());
        let other = DeviceSecrets::generate(&mut OsRng).storage_key();
        assert!(open_draft(&other, "contact-new", &sealed).is_err());
    }
}
