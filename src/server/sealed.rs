//! Small values sealed at rest with AES-256-GCM: a random 96-bit nonce,
//! then the ciphertext with its tag. What is sealed with a key only that
//! key opens, and any change to the stored bytes is noticed.

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

const NONCE: usize = 12;

/// A 256-bit key from `parts`, e.g. a purpose and a secret.
pub fn derive_key(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// Seals `plain` for the owner `bound` (e.g. a user's id): a sealed value
/// copied to another owner does not open.
pub fn seal(key: &[u8; 32], bound: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.into());
    let mut nonce = [0u8; NONCE];
    rand::thread_rng().fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: bound,
                },
            )
            .expect("AES-GCM seals any small value"),
    );
    out
}

/// The value `sealed` holds, if `key` sealed it for `bound` and nothing changed it.
pub fn open(key: &[u8; 32], bound: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE);
    Aes256Gcm::new(key.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: bound,
            },
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_key_that_sealed_a_value_opens_it_and_a_change_is_noticed() {
        let key = derive_key(&[b"doel", b"geheim"]);
        let other = derive_key(&[b"doel", b"ander geheim"]);
        let sealed = seal(&key, b"user 1", b"123456782");
        assert_eq!(
            open(&key, b"user 1", &sealed).as_deref(),
            Some(b"123456782".as_slice())
        );
        assert_eq!(open(&other, b"user 1", &sealed), None);
        assert_eq!(open(&key, b"user 2", &sealed), None, "copied to another owner");

        assert!(!sealed.windows(9).any(|w| w == b"123456782"), "not readable");
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key, b"user 1", &changed), None);
        assert_ne!(
            seal(&key, b"", b"x"),
            seal(&key, b"", b"x"),
            "a fresh nonce every time"
        );
        assert_eq!(open(&key, b"", b"kort"), None);
    }

    #[test]
    fn a_derived_key_depends_on_every_part_and_on_where_they_split() {
        assert_ne!(derive_key(&[b"ab", b"c"]), derive_key(&[b"a", b"bc"]));
        assert_eq!(derive_key(&[b"a"]), derive_key(&[b"a"]));
    }
}
