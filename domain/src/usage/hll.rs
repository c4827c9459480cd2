//! A small HyperLogLog sketch of distinct users, mergeable and serializable, so that per-minute
//! usage cells can be appended as compact events and merged into days, weeks and académies.
//!
//! - Each user id is hashed to 32 bits with a stable hash (splitmix64 of the UUID's halves): the
//!   same user gives the same hash on every node and in every version.
//! - Up to [`SPARSE_LIMIT`] distinct hashes the sketch keeps the hashes themselves (sparse form):
//!   the count is exact (but for 32-bit hash collisions, ~1 in 10⁴ at 500 users).
//! - Beyond, it keeps 2^[`PRECISION`] = 4096 registers (dense form): linear counting while many
//!   registers are empty (≈1 % error around 1 000 users), the HyperLogLog estimate above
//!   (standard error 1.04/√4096 ≈ 1.6 %).
//! - Serialized as base64 of `[form, precision, body…]`: sparse = sorted big-endian `u32`s,
//!   dense = one byte per register.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

/// Bits of the hash that choose a register (4096 registers).
pub const PRECISION: u32 = 12;
/// Number of registers of the dense form.
const REGISTERS: usize = 1 << PRECISION;
/// The sparse form keeps at most this many hashes (2 KiB) before turning dense (4 KiB).
pub const SPARSE_LIMIT: usize = 512;
/// Largest rank a register can hold: the 20 hash bits left after the index, plus one.
const MAX_RANK: u8 = (32 - PRECISION + 1) as u8;
const SPARSE_TAG: u8 = 1;
const DENSE_TAG: u8 = 2;

/// A mergeable estimate of how many distinct users were seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hll {
    repr: Repr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    Sparse(BTreeSet<u32>),
    Dense(Vec<u8>),
}

/// Why a serialized sketch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HllError {
    #[error("not base64")]
    Base64,
    #[error("unknown sketch form or precision")]
    Header,
    #[error("sketch body has the wrong length")]
    Length,
    #[error("register out of range")]
    Register,
}

impl Default for Hll {
    fn default() -> Self {
        Self::new()
    }
}

/// The splitmix64 finalizer: a fast, well-mixed, stable 64-bit hash step.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stable 32-bit hash of a user id that sketches are built from.
pub fn user_hash(user: Uuid) -> u32 {
    let (hi, lo) = user.as_u64_pair();
    (splitmix64(hi ^ splitmix64(lo)) >> 32) as u32
}

/// Register index and rank (position of the first 1 bit after the index bits) of a hash.
fn register_of(hash: u32) -> (usize, u8) {
    let index = (hash >> (32 - PRECISION)) as usize;
    let rest = hash << PRECISION;
    let rank = (rest.leading_zeros() + 1).min(u32::from(MAX_RANK)) as u8;
    (index, rank)
}

impl Hll {
    /// An empty sketch.
    pub fn new() -> Self {
        Hll { repr: Repr::Sparse(BTreeSet::new()) }
    }

    /// Counts `user` (again: a user seen twice counts once).
    pub fn insert(&mut self, user: Uuid) {
        self.insert_hash(user_hash(user));
    }

    fn insert_hash(&mut self, hash: u32) {
        match &mut self.repr {
            Repr::Sparse(set) => {
                set.insert(hash);
                if set.len() > SPARSE_LIMIT {
                    self.densify();
                }
            }
            Repr::Dense(registers) => {
                let (i, rank) = register_of(hash);
                registers[i] = registers[i].max(rank);
            }
        }
    }

    fn densify(&mut self) {
        if let Repr::Sparse(set) = &self.repr {
            let mut registers = vec![0u8; REGISTERS];
            for &hash in set {
                let (i, rank) = register_of(hash);
                registers[i] = registers[i].max(rank);
            }
            self.repr = Repr::Dense(registers);
        }
    }

    /// Whether the sketch still counts exactly (sparse form).
    pub fn is_exact(&self) -> bool {
        matches!(self.repr, Repr::Sparse(_))
    }

    /// Adds every user of `other` to this sketch (the union of both sets).
    pub fn merge(&mut self, other: &Hll) {
        match &other.repr {
            Repr::Sparse(set) => set.iter().for_each(|&h| self.insert_hash(h)),
            Repr::Dense(theirs) => {
                self.densify();
                if let Repr::Dense(ours) = &mut self.repr {
                    for (a, b) in ours.iter_mut().zip(theirs) {
                        *a = (*a).max(*b);
                    }
                }
            }
        }
    }

    /// The estimated number of distinct users.
    pub fn estimate(&self) -> u64 {
        let registers = match &self.repr {
            Repr::Sparse(set) => return set.len() as u64,
            Repr::Dense(registers) => registers,
        };
        let m = REGISTERS as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = registers.iter().map(|&r| (-f64::from(r)).exp2()).sum();
        let zeros = registers.iter().filter(|&&r| r == 0).count();
        let raw = alpha * m * m / sum;
        let two_32 = 4_294_967_296.0_f64;
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            // Linear counting: precise while many registers are still empty.
            m * (m / zeros as f64).ln()
        } else if raw > two_32 / 30.0 {
            // Large-range correction of a 32-bit hash.
            -two_32 * (1.0 - raw / two_32).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }

    /// The sketch as base64 (the `distinct_users_hll` field of `UsageRecorded`).
    pub fn to_base64(&self) -> String {
        let mut bytes = Vec::new();
        match &self.repr {
            Repr::Sparse(set) => {
                bytes.extend([SPARSE_TAG, PRECISION as u8]);
                set.iter().for_each(|h| bytes.extend(h.to_be_bytes()));
            }
            Repr::Dense(registers) => {
                bytes.extend([DENSE_TAG, PRECISION as u8]);
                bytes.extend(registers);
            }
        }
        STANDARD.encode(bytes)
    }

    /// Reads a sketch written by [`Hll::to_base64`].
    pub fn from_base64(text: &str) -> Result<Hll, HllError> {
        let bytes = STANDARD.decode(text).map_err(|_| HllError::Base64)?;
        let (header, body) = bytes.split_at_checked(2).ok_or(HllError::Header)?;
        if header[1] != PRECISION as u8 {
            return Err(HllError::Header);
        }
        match header[0] {
            SPARSE_TAG => {
                if body.len() % 4 != 0 {
                    return Err(HllError::Length);
                }
                let mut hll = Hll::new();
                for chunk in body.chunks_exact(4) {
                    hll.insert_hash(u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
                }
                Ok(hll)
            }
            DENSE_TAG => {
                if body.len() != REGISTERS {
                    return Err(HllError::Length);
                }
                if body.iter().any(|&r| r > MAX_RANK) {
                    return Err(HllError::Register);
                }
                Ok(Hll { repr: Repr::Dense(body.to_vec()) })
            }
            _ => Err(HllError::Header),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic, distinct user ids (so that the tests never flake).
    fn users(range: std::ops::Range<u64>) -> impl Iterator<Item = Uuid> {
        range.map(|i| Uuid::from_u64_pair(i.wrapping_mul(0x9E37_79B9_7F4A_7C15), i))
    }

    fn sketch(range: std::ops::Range<u64>) -> Hll {
        let mut h = Hll::new();
        users(range).for_each(|u| h.insert(u));
        h
    }

    fn relative_error(estimate: u64, truth: u64) -> f64 {
        (estimate as f64 - truth as f64).abs() / truth as f64
    }

    #[test]
    fn user_hash_is_stable_across_versions() {
        // Sketches are stored in events: the hash of an id must never change.
        assert_eq!(user_hash(Uuid::nil()), (splitmix64(splitmix64(0)) >> 32) as u32);
        assert_eq!(user_hash(Uuid::from_u128(1)), 0x5e41_ab08);
        assert_ne!(user_hash(Uuid::from_u128(1)), user_hash(Uuid::from_u128(2)));
    }

    #[test]
    fn small_counts_are_exact_and_repeats_count_once() {
        let mut h = Hll::new();
        assert_eq!(h.estimate(), 0);
        for u in users(0..7) {
            h.insert(u);
            h.insert(u);
        }
        assert_eq!(h.estimate(), 7);
        assert_eq!(sketch(0..SPARSE_LIMIT as u64).estimate(), SPARSE_LIMIT as u64);
        assert!(sketch(0..SPARSE_LIMIT as u64).is_exact());
    }

    #[test]
    fn estimate_error_stays_within_five_percent() {
        for n in [600, 1_000, 5_000, 20_000, 200_000] {
            let h = sketch(0..n);
            assert!(!h.is_exact());
            let err = relative_error(h.estimate(), n);
            assert!(err < 0.05, "n = {n}: estimate {} ({:.2} %)", h.estimate(), err * 100.0);
        }
        // In the linear-counting range the error is far smaller.
        assert!(relative_error(sketch(0..1_000).estimate(), 1_000) < 0.02);
    }

    #[test]
    fn merge_is_the_union_commutative_and_idempotent() {
        let (a, b) = (sketch(0..3_000), sketch(2_000..6_000));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab, sketch(0..6_000), "merging equals sketching the union");
        let mut again = ab.clone();
        again.merge(&a);
        assert_eq!(again, ab, "merging a subset changes nothing");

        // Small sketches merge exactly: 3 + 4 users with 2 in common.
        let (mut x, y) = (sketch(0..3), sketch(1..5));
        x.merge(&y);
        assert_eq!(x.estimate(), 5);
        // A sparse sketch merged into a dense one lands in the same registers.
        let mut dense = sketch(0..2_000);
        dense.merge(&sketch(1_990..2_010));
        assert_eq!(dense, sketch(0..2_010));
    }

    #[test]
    fn sparse_sketch_turns_dense_past_its_limit_without_losing_users() {
        let limit = SPARSE_LIMIT as u64;
        let mut h = sketch(0..limit);
        assert!(h.is_exact());
        h.insert(users(limit..limit + 1).next().unwrap());
        assert!(!h.is_exact());
        assert!(relative_error(h.estimate(), limit + 1) < 0.02, "{}", h.estimate());
    }

    #[test]
    fn sketches_round_trip_through_base64_and_garbage_is_refused() {
        for h in [Hll::new(), sketch(0..40), sketch(0..10_000)] {
            assert_eq!(Hll::from_base64(&h.to_base64()).unwrap(), h);
        }
        assert!(sketch(0..40).to_base64().len() < 250, "a small cell stays small");
        assert_eq!(Hll::from_base64("***"), Err(HllError::Base64));
        assert_eq!(Hll::from_base64(&STANDARD.encode([9, 12])), Err(HllError::Header));
        assert_eq!(Hll::from_base64(&STANDARD.encode([1, 11])), Err(HllError::Header));
        assert_eq!(Hll::from_base64(&STANDARD.encode([1, 12, 0, 0, 1])), Err(HllError::Length));
        let mut dense = vec![2, 12];
        dense.extend(vec![0u8; REGISTERS]);
        dense[2] = 40;
        assert_eq!(Hll::from_base64(&STANDARD.encode(dense)), Err(HllError::Register));
    }
}
