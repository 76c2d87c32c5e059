//! Identifiers. Records and envelopes use UUIDv7: time-ordered, so indexes stay compact, and
//! random enough (74 bits) that devices never coordinate to make them.

use crate::Csprng;
use uuid::{Builder, Uuid};

/// A new UUIDv7 for the given Unix time in milliseconds.
pub fn new_v7(unix_ms: u64, rng: &mut impl Csprng) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid()
}

/// An envelope's id from its HLC stamp: the wall time, then the HLC counter in the first 12
/// random bits. A device's envelopes then sort as it made them, even within one millisecond:
/// a person's key envelope always before the person's first record, in the outbox and on the
/// server, so every device can open them in that order.
pub fn for_stamp(hlc: crate::hlc::Hlc, rng: &mut impl Csprng) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    let counter = hlc.counter.min(0xfff) as u16;
    // The builder keeps the low nibble of byte 0 and all of byte 1 (rand_a).
    random[0] = (counter >> 8) as u8;
    random[1] = counter as u8;
    Builder::from_unix_timestamp_millis(hlc.wall_ms, &random).into_uuid()
}

/// The Unix time in milliseconds a UUIDv7 was made at; `None` for other versions.
pub fn unix_ms(id: Uuid) -> Option<u64> {
    (id.get_version_num() == 7).then(|| {
        let b = id.as_bytes();
        b[..6]
            .iter()
            .fold(0u64, |ms, &byte| (ms << 8) | u64::from(byte))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn v7_sorts_by_time_and_carries_version() {
        let a = new_v7(1_700_000_000_000, &mut OsRng);
        let b = new_v7(1_700_000_000_001, &mut OsRng);
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(unix_ms(a), Some(1_700_000_000_000));
        assert_eq!(unix_ms(Uuid::nil()), None);
    }

    #[test]
    fn ids_from_stamps_sort_as_the_stamps_within_one_millisecond() {
        let mut hlc = crate::hlc::Hlc::default().tick(1_700_000_000_000);
        let mut last = for_stamp(hlc, &mut OsRng);
        for _ in 0..300 {
            hlc = hlc.tick(1_700_000_000_000);
            let next = for_stamp(hlc, &mut OsRng);
            assert!(next > last, "{hlc:?}");
            assert_eq!(next.get_version_num(), 7);
            last = next;
        }
    }
}
