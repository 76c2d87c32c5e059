//! A device's view of the records is the fold of every change it holds. Applying the same
//! changes in any order, any number of times, gives the same result on every device.
//!
//! For now a change replaces a whole record and the latest hybrid logical clock wins, ties
//! broken by device id. Field-level merging with kept conflicts comes with record editing.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::contact::Contact;
use crate::envelope::{Change, EnvelopeHeader};
use crate::hlc::Hlc;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    contacts: BTreeMap<Uuid, ((Hlc, Uuid), Contact)>,
}

impl Records {
    /// Applies one change made at `header.hlc` by `header.device`.
    pub fn apply(&mut self, header: &EnvelopeHeader, change: Change) {
        let stamp = (header.hlc, header.device);
        match change {
            Change::PutContact(contact) => {
                let newer = self
                    .contacts
                    .get(&contact.id)
                    .is_none_or(|(current, _)| stamp >= *current);
                if newer {
                    self.contacts.insert(contact.id, (stamp, contact));
                }
            }
        }
    }

    /// Contacts, the most recent encounter first.
    pub fn contacts_newest_first(&self) -> Vec<Contact> {
        let mut contacts: Vec<Contact> = self.contacts.values().map(|(_, c)| c.clone()).collect();
        contacts.sort_by(|a, b| {
            b.occurred_at_ms
                .cmp(&a.occurred_at_ms)
                .then(b.id.cmp(&a.id))
        });
        contacts
    }

    pub fn contact_count(&self) -> usize {
        self.contacts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactKind;

    fn change(device: u128, wall: u64, contact: u128, note: &str) -> (EnvelopeHeader, Change) {
        let header = EnvelopeHeader {
            version: 1,
            id: Uuid::from_u128(wall as u128 * 1000 + device),
            team: Uuid::nil(),
            epoch: 1,
            device: Uuid::from_u128(device),
            device_seq: wall,
            hlc: Hlc {
                wall_ms: wall,
                counter: 0,
            },
            nonce: [0; 24],
        };
        let c = Contact {
            id: Uuid::from_u128(contact),
            occurred_at_ms: contact as i64,
            area: "A".into(),
            kind: ContactKind::Phone,
            note: note.into(),
        };
        (header, Change::PutContact(c))
    }

    /// Every order of delivery, with duplicates, converges on the same records.
    #[test]
    fn any_order_and_duplication_converges() {
        let changes = [
            change(1, 10, 100, "a"),
            change(2, 10, 100, "b"), // same time, higher device id wins the tie
            change(1, 5, 200, "c"),
            change(2, 7, 200, "d"),
            change(1, 3, 300, "e"),
        ];
        let mut expected: Option<Records> = None;
        // All 120 permutations of five changes, each applied twice in a row.
        let mut idx: Vec<usize> = (0..changes.len()).collect();
        permute(&mut idx, 0, &mut |order| {
            let mut records = Records::default();
            for &i in order {
                for _ in 0..2 {
                    records.apply(&changes[i].0, changes[i].1.clone());
                }
            }
            match &expected {
                None => expected = Some(records),
                Some(e) => assert_eq!(e, &records, "order {order:?}"),
            }
        });
        let notes: Vec<String> = expected
            .unwrap()
            .contacts_newest_first()
            .into_iter()
            .map(|c| c.note)
            .collect();
        assert_eq!(notes, vec!["e", "d", "b"]);
    }

    fn permute(v: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
        if k == v.len() {
            f(v);
            return;
        }
        for i in k..v.len() {
            v.swap(k, i);
            permute(v, k + 1, f);
            v.swap(k, i);
        }
    }
}
