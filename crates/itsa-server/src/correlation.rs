//! Correlation ids: a UUID for every request, unique within the process and unguessable
//! from outside it, made without a system call. The operating system's random source is
//! read once, for a 128-bit key; each id is the next value of a counter put through a
//! keyed bijection (two rounds of SplitMix64 finalisation, each half keyed), so no two
//! ids of a process repeat, and ids of different processes differ by their keys. The
//! version (4) and variant bits are set as for a random UUID: HMRC's `X-CorrelationId`
//! is a 36-character UUID.

use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

pub struct CorrelationIds {
    key: [u64; 2],
    next: AtomicU64,
}

impl Default for CorrelationIds {
    fn default() -> Self {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let key = [
            u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes")),
            u64::from_le_bytes(bytes[8..].try_into().expect("eight bytes")),
        ];
        CorrelationIds { key, next: AtomicU64::new(0) }
    }
}

/// SplitMix64's finaliser: a bijection on 64-bit values.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl CorrelationIds {
    pub fn next(&self) -> Uuid {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // High half: a bijection of the counter, so ids never repeat in a process; low
        // half: more of the key's mixing, so the ids do not show the counter.
        let high = mix(mix(n ^ self.key[0]).wrapping_add(self.key[1]));
        let low = mix(high ^ self.key[1]);
        let value = (u128::from(high) << 64) | u128::from(low);
        uuid::Builder::from_random_bytes(value.to_be_bytes()).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_4_uuids_and_never_repeat() {
        let ids = CorrelationIds::default();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            let id = ids.next();
            assert_eq!(id.get_version_num(), 4);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(id.to_string().len(), 36);
            assert!(seen.insert(id), "{id} repeated");
        }
        let other = CorrelationIds::default();
        assert_ne!(ids.next(), other.next(), "another process's ids differ");
    }
}
