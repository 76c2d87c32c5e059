//! The outbox in batches under the server's limits, and what a reply means for each envelope.

use std::collections::VecDeque;

use crate::api::{
    fits_in_push, push_size, ErrorCode, PushRequest, PushResponse, WireEnvelope, MAX_PUSH_BATCH,
};

/// An envelope waiting in the outbox, under the key the device stores it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued<K> {
    pub key: K,
    pub bytes: Vec<u8>,
}

/// What is left to push this time, oldest first.
pub struct PushQueue<K> {
    queue: VecDeque<Queued<K>>,
}

/// Envelopes sent together.
pub struct Batch<K> {
    items: Vec<Queued<K>>,
}

impl<K> Batch<K> {
    pub fn request(&self) -> PushRequest {
        PushRequest {
            envelopes: self
                .items
                .iter()
                .map(|q| WireEnvelope(q.bytes.clone()))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// What a batch's reply means for the outbox.
#[derive(Debug, PartialEq, Eq)]
pub struct Settled<K> {
    /// Stored by the server (now or before), with their numbers (0: dropped, as its person
    /// was erased): out of the outbox.
    pub sent: Vec<(K, i64)>,
    /// Refused for themselves (bad signature or shape, another's id): out of the outbox, into
    /// quarantine, never dropped.
    pub set_aside: Vec<(Queued<K>, ErrorCode)>,
    /// A change stamped ahead of the server's clock: it and the rest stay in the outbox, and
    /// this push stops.
    pub held_by_clock: bool,
    /// Changes stamped after this device's revocation: they stay, and this push stops.
    pub revoked: bool,
}

/// Codes by which the server refuses one envelope for itself, whoever sends it again: it
/// goes to quarantine, and the rest of its batch is sent on.
pub fn refuses_for_good(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::BadSignature
            | ErrorCode::BadEnvelope
            | ErrorCode::WrongOrigin
            | ErrorCode::EnvelopeConflict
    )
}

impl<K> PushQueue<K> {
    /// `outbox`, oldest first.
    pub fn new(outbox: Vec<Queued<K>>) -> Self {
        PushQueue {
            queue: outbox.into(),
        }
    }

    /// The next batch: as many envelopes as the server takes in one push, by count and size.
    pub fn next_batch(&mut self) -> Option<Batch<K>> {
        let mut items = Vec::new();
        let mut size = 64;
        while let Some(next) = self.queue.front() {
            if items.len() == MAX_PUSH_BATCH
                || (!items.is_empty() && !fits_in_push(size, next.bytes.len()))
            {
                break;
            }
            size += push_size(next.bytes.len());
            items.extend(self.queue.pop_front());
        }
        (!items.is_empty()).then_some(Batch { items })
    }

    /// What `response` (to a partial push of `batch`) means for each envelope: the server's
    /// results are the envelopes it did not refuse, in request order. A reply that does not
    /// add up leaves every envelope it does not name for good in the outbox.
    pub fn settle(&mut self, batch: Batch<K>, response: PushResponse) -> Settled<K> {
        let mut settled = Settled {
            sent: Vec::with_capacity(batch.items.len()),
            set_aside: Vec::new(),
            held_by_clock: false,
            revoked: false,
        };
        let refusal = |index: usize| {
            response
                .refused
                .iter()
                .find(|r| r.index as usize == index)
                .map(|r| r.error)
        };
        let adds_up = response.results.len()
            == (0..batch.items.len())
                .filter(|i| refusal(*i).is_none())
                .count();
        let mut results = response.results.iter();
        for (index, item) in batch.items.into_iter().enumerate() {
            match refusal(index) {
                Some(code) if refuses_for_good(code) => settled.set_aside.push((item, code)),
                Some(ErrorCode::ClockAhead) => settled.held_by_clock = true,
                Some(ErrorCode::DeviceRevoked) => settled.revoked = true,
                Some(_) => {}
                None => {
                    if let Some(result) = results.next().filter(|_| adds_up) {
                        settled.sent.push((item.key, result.seq));
                    }
                }
            }
        }
        if settled.held_by_clock || settled.revoked {
            self.queue.clear();
        }
        settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PushResult, Refusal};

    fn queued(key: u32, len: usize) -> Queued<u32> {
        Queued {
            key,
            bytes: vec![0; len],
        }
    }

    fn result(seq: i64) -> PushResult {
        PushResult {
            id: uuid::Uuid::nil(),
            seq,
        }
    }

    #[test]
    fn batches_keep_to_the_server_s_count_and_size() {
        let mut queue = PushQueue::new(
            (0..2 * MAX_PUSH_BATCH as u32 + 50)
                .map(|k| queued(k, 100))
                .collect(),
        );
        let sizes: Vec<usize> =
            std::iter::from_fn(|| queue.next_batch().map(|b| b.len())).collect();
        assert_eq!(sizes, [MAX_PUSH_BATCH, MAX_PUSH_BATCH, 50]);
        // Large envelopes: fewer a batch, and one too large for any still goes alone.
        let mut queue = PushQueue::new(vec![
            queued(0, 400_000),
            queued(1, 400_000),
            queued(2, 2_000_000),
        ]);
        let sizes: Vec<usize> =
            std::iter::from_fn(|| queue.next_batch().map(|b| b.len())).collect();
        assert_eq!(sizes, [1, 1, 1]);
    }

    #[test]
    fn a_reply_sends_the_stored_sets_aside_the_bad_and_keeps_the_rest() {
        let mut queue = PushQueue::new((0..6).map(|k| queued(k, 10)).collect());
        let batch = queue.next_batch().unwrap();
        let refused = |index, error| Refusal { index, error };
        let settled = queue.settle(
            batch,
            PushResponse {
                results: vec![result(7), result(0), result(8)],
                refused: vec![
                    refused(1, ErrorCode::BadSignature),
                    refused(3, ErrorCode::Internal),
                    refused(5, ErrorCode::EnvelopeConflict),
                ],
            },
        );
        assert_eq!(settled.sent, [(0, 7), (2, 0), (4, 8)]);
        assert_eq!(
            settled.set_aside,
            [
                (queued(1, 10), ErrorCode::BadSignature),
                (queued(5, 10), ErrorCode::EnvelopeConflict)
            ]
        );
        assert!(!settled.held_by_clock && !settled.revoked);
    }

    #[test]
    fn a_clock_ahead_or_a_revocation_stops_the_push_and_keeps_what_is_left() {
        let mut queue = PushQueue::new(
            (0..MAX_PUSH_BATCH as u32 + 50)
                .map(|k| queued(k, 10))
                .collect(),
        );
        let batch = queue.next_batch().unwrap();
        assert_eq!(batch.len(), MAX_PUSH_BATCH);
        let settled = queue.settle(
            batch,
            PushResponse {
                results: (0..99).map(|s| result(s + 1)).collect(),
                refused: (99..MAX_PUSH_BATCH as u32)
                    .map(|index| Refusal {
                        index,
                        error: ErrorCode::ClockAhead,
                    })
                    .collect(),
            },
        );
        assert_eq!(settled.sent.len(), 99);
        assert!(settled.held_by_clock);
        assert!(
            queue.next_batch().is_none(),
            "the other 50 wait in the outbox"
        );
        let mut queue = PushQueue::new((0..3).map(|k| queued(k, 10)).collect());
        let batch = queue.next_batch().unwrap();
        let settled = queue.settle(
            batch,
            PushResponse {
                results: vec![result(1)],
                refused: vec![
                    Refusal {
                        index: 1,
                        error: ErrorCode::DeviceRevoked,
                    },
                    Refusal {
                        index: 2,
                        error: ErrorCode::DeviceRevoked,
                    },
                ],
            },
        );
        assert_eq!(settled.sent, [(0, 1)]);
        assert!(settled.revoked && settled.set_aside.is_empty());
    }

    #[test]
    fn a_reply_that_does_not_add_up_sends_nothing() {
        let mut queue = PushQueue::new((0..3).map(|k| queued(k, 10)).collect());
        let batch = queue.next_batch().unwrap();
        let settled = queue.settle(
            batch,
            PushResponse {
                results: vec![result(1)],
                refused: vec![],
            },
        );
        assert!(settled.sent.is_empty(), "all three stay in the outbox");
    }
}
