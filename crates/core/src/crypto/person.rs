//! Person keys, for erasure by crypto-shredding.
//!
//! Each person's records are sealed under a key of that person (made on the device that
//! records the person), itself sealed under the team key in an envelope of its own
//! ([`crate::envelope::Scope::Key`]). An envelope of a person's record is sealed under a key
//! derived from *both* the person key and the team key of its epoch: erasing the person key
//! makes every copy unreadable, and a device removed from the team (which knew the person
//! key) still cannot read what is written under a later epoch.
//!
//! The key id is random, not the person's id: the server sees which envelopes share a key
//! (and deletes them by it), never which record they are.

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::{SymmetricKey, TeamKey};
use crate::Csprng;

const INFO: &[u8] = b"faltlogg-person-v1";

/// One person's key, as its key envelope carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonKey {
    /// The key id, in the clear header of every envelope under it.
    pub id: Uuid,
    /// The person record it is for.
    pub person: Uuid,
    pub key: SymmetricKey,
}

impl PersonKey {
    pub fn generate(person: Uuid, rng: &mut impl Csprng) -> PersonKey {
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        PersonKey {
            id: uuid::Builder::from_random_bytes(id).into_uuid(),
            person,
            key: SymmetricKey::generate(rng),
        }
    }

    /// The key an envelope of this person under `team` is sealed with:
    /// HKDF-SHA256(salt = team key, ikm = person key, info = context ‖ key id).
    pub fn envelope_key(&self, team: &TeamKey) -> SymmetricKey {
        let mut info = INFO.to_vec();
        info.extend_from_slice(self.id.as_bytes());
        let mut okm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(team.key.as_bytes()), self.key.as_bytes())
            .expand(&info, &mut okm)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        SymmetricKey::from_bytes(okm)
    }
}

/// Why a person was erased, carried (encrypted) in the erase change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErasureReason {
    /// The person asked to be erased.
    Asked,
    /// The records are no longer needed for the work.
    NotNeeded,
    /// The person was recorded by mistake.
    Mistake,
    /// The team's retention period passed since the last activity.
    Retention,
}

impl ErasureReason {
    /// The reasons a person may choose; retention is the app's own.
    pub const CHOSEN: [ErasureReason; 3] = [
        ErasureReason::Asked,
        ErasureReason::NotNeeded,
        ErasureReason::Mistake,
    ];
}

/// The person keys a device holds, and the ids of those erased (whose envelopes are dropped
/// wherever they turn up). Sorted vectors, not maps: a few thousand keys are searched by
/// bisection just as fast, and the wasm carries no map code for them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    /// Sorted by id.
    keys: Vec<PersonKey>,
    /// Sorted.
    erased: Vec<Uuid>,
}

impl Keyring {
    /// Keeps `key`, unless it was erased (or is here already).
    pub fn insert(&mut self, key: PersonKey) {
        if self.is_erased(key.id) {
            return;
        }
        if let Err(at) = self.position(key.id) {
            self.keys.insert(at, key);
        }
    }

    /// Destroys key `id` and remembers that it is erased.
    pub fn erase(&mut self, id: Uuid) {
        if let Ok(at) = self.position(id) {
            self.keys.remove(at);
        }
        if let Err(at) = self.erased.binary_search(&id) {
            self.erased.insert(at, id);
        }
    }

    /// Where key `id` is (or would be) in the sorted keys.
    pub fn position(&self, id: Uuid) -> Result<usize, usize> {
        self.keys.binary_search_by_key(&id, |k| k.id)
    }

    pub fn get(&self, id: Uuid) -> Option<&PersonKey> {
        self.position(id).ok().map(|at| &self.keys[at])
    }

    pub fn is_erased(&self, id: Uuid) -> bool {
        self.erased.binary_search(&id).is_ok()
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The person key an envelope is sealed under, if it is a person's and the key is here.
    pub fn for_envelope(&self, header: &crate::envelope::EnvelopeHeader) -> Option<&PersonKey> {
        self.get(header.scope.person_key()?)
    }

    /// The key of `person`, if it has one here.
    pub fn of_person(&self, person: Uuid) -> Option<&PersonKey> {
        self.keys.iter().find(|k| k.person == person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn team(epoch: u32) -> TeamKey {
        TeamKey {
            epoch,
            key: SymmetricKey::generate(&mut OsRng),
        }
    }

    #[test]
    fn an_envelope_key_needs_both_the_person_key_and_the_team_key() {
        let (one, two) = (team(1), team(2));
        let key = PersonKey::generate(Uuid::from_u128(1), &mut OsRng);
        let other = PersonKey::generate(Uuid::from_u128(1), &mut OsRng);
        assert_ne!(key.id, other.id, "random ids, not the person's");
        assert_eq!(key.envelope_key(&one), key.envelope_key(&one));
        assert_ne!(key.envelope_key(&one), key.envelope_key(&two));
        assert_ne!(key.envelope_key(&one), other.envelope_key(&one));
        assert_ne!(key.envelope_key(&one), key.key);
        let mut moved = key.clone();
        moved.id = other.id;
        assert_ne!(key.envelope_key(&one), moved.envelope_key(&one));
    }

    #[test]
    fn an_erased_key_is_gone_and_never_taken_back() {
        let key = PersonKey::generate(Uuid::from_u128(5), &mut OsRng);
        let mut ring = Keyring::default();
        ring.insert(key.clone());
        assert_eq!(ring.of_person(Uuid::from_u128(5)), Some(&key));
        ring.erase(key.id);
        assert!(ring.get(key.id).is_none() && ring.is_erased(key.id));
        ring.insert(key.clone());
        assert!(ring.get(key.id).is_none(), "a late copy stays erased");
        assert!(format!("{key:?}").contains("redacted"));
    }
}
