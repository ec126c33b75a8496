//! The BSN at rest: never the number itself, but a keyed hash
//! (HMAC-SHA-256) as the lookup key for matching, idempotency and the
//! region admin's audit lookup, and its last three digits for the masked
//! form. Zorgsignaal never needs a BSN back, so none is kept.
//!
//! The keys form a chain, oldest first (`BSN_KEY`: one per line or
//! separated by commas). A youth under generation `g` holds
//! `H(k_g, … H(k_2, H(k_1, bsn)))`. Rotating appends a key; `zorgsignaal
//! rekey-bsn` then moves every row on by one HMAC with the new key, which
//! needs no BSN. Until every row has moved, a lookup computes the hash of
//! both the newest and the previous generation (so rotate one key at a
//! time: run `rekey-bsn` before adding another).

use crate::domain::bsn::Bsn;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// What the database keeps of one BSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudonym {
    /// The lookup key in the newest generation.
    pub hmac: Vec<u8>,
    /// The lookup key in the previous generation, while a rotation may
    /// still have rows there.
    pub previous: Option<Vec<u8>>,
    /// The last three digits.
    pub tail: String,
    pub generation: i16,
}

/// The chain of BSN keys, oldest first; never printed.
#[derive(Clone)]
pub struct BsnKeys {
    keys: Vec<[u8; 32]>,
}

impl fmt::Debug for BsnKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BsnKeys({} generation(s))", self.keys.len())
    }
}

/// The shortest key text accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64).
pub const MIN_KEY_CHARS: usize = 32;

/// What development uses when no key is configured: derived from a fixed
/// text, so it is no secret at all (production refuses to start without one).
const DEVELOPMENT_KEY: &str = "zorgsignaal-development-bsn-key-not-secret";

fn mac(key: &[u8; 32], data: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

impl BsnKeys {
    /// Reads a key list: keys separated by newlines or commas, oldest
    /// first, each at least [`MIN_KEY_CHARS`] characters (its SHA-256 is
    /// the key).
    pub fn parse(text: &str) -> Result<BsnKeys, String> {
        let keys: Vec<&str> = text
            .split(['\n', ','])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            return Err("geen sleutel gevonden".into());
        }
        if let Some(n) = keys.iter().position(|k| k.chars().count() < MIN_KEY_CHARS) {
            return Err(format!(
                "sleutel {} is korter dan {MIN_KEY_CHARS} tekens (maak er een met: openssl rand -hex 32)",
                n + 1
            ));
        }
        Ok(BsnKeys {
            keys: keys
                .into_iter()
                .map(|k| Sha256::digest(k.as_bytes()).into())
                .collect(),
        })
    }

    /// The development key (see [`DEVELOPMENT_KEY`]).
    pub fn development() -> BsnKeys {
        BsnKeys::parse(DEVELOPMENT_KEY).expect("the development key is long enough")
    }

    /// How many keys the chain has: the generation new rows are written in.
    pub fn generation(&self) -> i16 {
        self.keys.len() as i16
    }

    /// The lookup key of `bsn` in the newest generation.
    pub fn hash(&self, bsn: &Bsn) -> Vec<u8> {
        self.hash_in(bsn, self.keys.len())
    }

    /// The lookup key of `bsn` in the previous generation, while there is one.
    pub fn previous_hash(&self, bsn: &Bsn) -> Option<Vec<u8>> {
        (self.keys.len() > 1).then(|| self.hash_in(bsn, self.keys.len() - 1))
    }

    fn hash_in(&self, bsn: &Bsn, generation: usize) -> Vec<u8> {
        self.chain(bsn.as_str(), generation)
    }

    fn chain(&self, text: &str, generation: usize) -> Vec<u8> {
        let mut h = mac(&self.keys[0], text.as_bytes());
        for key in &self.keys[1..generation] {
            h = mac(key, &h);
        }
        h
    }

    /// The lookup key of a number that is no BSN (the synthetic ones of
    /// old demo data), in the newest generation.
    pub fn hash_text(&self, text: &str) -> Vec<u8> {
        self.chain(text, self.keys.len())
    }

    /// Moves a lookup key of generation `from` on to the newest one.
    pub fn advance(&self, hash: &[u8], from: i16) -> Vec<u8> {
        let from = usize::try_from(from.max(1)).unwrap_or(1);
        let mut h = hash.to_vec();
        for key in self.keys.iter().skip(from) {
            h = mac(key, &h);
        }
        h
    }

    /// A fingerprint of the key of `generation` (1-based): the database
    /// keeps it, so an instance started with another key refuses to run
    /// instead of splitting the index in two.
    pub fn fingerprint(&self, generation: i16) -> Option<Vec<u8>> {
        let key = self.keys.get(usize::try_from(generation).ok()?.checked_sub(1)?)?;
        Some(mac(key, b"zorgsignaal bsn key fingerprint")[..8].to_vec())
    }

    /// Everything the database keeps of `bsn`.
    pub fn pseudonym(&self, bsn: &Bsn) -> Pseudonym {
        Pseudonym {
            hmac: self.hash(bsn),
            previous: self.previous_hash(bsn),
            tail: Self::tail(bsn),
            generation: self.generation(),
        }
    }

    /// What the masked form shows of `bsn`: its last three digits.
    pub fn tail(bsn: &Bsn) -> String {
        bsn.as_str()[6..].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bsn(s: &str) -> Bsn {
        Bsn::parse(s).unwrap()
    }

    #[test]
    fn the_hash_depends_on_the_key_and_holds_no_digits_of_the_bsn() {
        let a = BsnKeys::parse(&"a".repeat(32)).unwrap();
        let b = BsnKeys::parse(&"b".repeat(32)).unwrap();
        let n = bsn("123456782");
        assert_eq!(a.hash(&n), a.hash(&n));
        assert_ne!(a.hash(&n), b.hash(&n));
        assert_ne!(a.hash(&n), a.hash(&bsn("111222333")));
        assert_eq!(a.hash(&n).len(), 32);
        assert_eq!(BsnKeys::tail(&n), "782");
    }

    #[test]
    fn a_rotation_moves_the_previous_hash_on_by_one_step_without_the_bsn() {
        let old = BsnKeys::parse(&"a".repeat(32)).unwrap();
        let new = BsnKeys::parse(&format!("{}\n{}", "a".repeat(32), "c".repeat(40))).unwrap();
        let n = bsn("123456782");
        assert_eq!(new.generation(), 2);
        assert_eq!(new.previous_hash(&n), Some(old.hash(&n)));
        assert_eq!(new.advance(&old.hash(&n), 1), new.hash(&n));
        assert_eq!(
            new.advance(&new.hash(&n), 2),
            new.hash(&n),
            "the newest moves nowhere"
        );
        let three = BsnKeys::parse(&format!(
            "{}\n{}\n{}",
            "a".repeat(32),
            "c".repeat(40),
            "d".repeat(33)
        ))
        .unwrap();
        assert_eq!(
            three.advance(&old.hash(&n), 1),
            three.hash(&n),
            "two steps at once"
        );
        assert_eq!(old.previous_hash(&n), None);
        assert_eq!(new.fingerprint(1), old.fingerprint(1));
        assert_ne!(new.fingerprint(2), new.fingerprint(1));
        assert_eq!(new.fingerprint(3), None);
        assert_eq!(new.fingerprint(0), None);
    }

    #[test]
    fn short_or_missing_keys_are_refused_with_a_dutch_message() {
        assert!(BsnKeys::parse("").unwrap_err().contains("geen sleutel"));
        assert!(BsnKeys::parse("kort").unwrap_err().contains("korter dan 32"));
        assert!(BsnKeys::parse(&format!("{},kort", "a".repeat(32)))
            .unwrap_err()
            .contains("sleutel 2"));
        assert_eq!(
            format!("{:?}", BsnKeys::development()),
            "BsnKeys(1 generation(s))"
        );
    }
}
