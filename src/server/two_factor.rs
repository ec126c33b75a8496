//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1,
//! 6 digits, 30 seconds: what every authenticator app does by default),
//! recovery codes, and the QR code an app scans.

use crate::domain::two_factor::{base32, DIGITS, RECOVERY_CODES, RECOVERY_LEN, STEP_SECS};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Codes of one step before and after the current one are accepted, for
/// clocks that are a little off and codes typed just as they change.
const WINDOW: i64 = 1;

/// The HOTP value of `secret` for counter `step`.
pub fn hotp(secret: &[u8], step: u64) -> u32 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    binary % 10u32.pow(DIGITS as u32)
}

/// The time step of a Unix time.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The step whose code `code` is, near `now`, if it is later than
/// `last_used` (a code works once). Compares every candidate, so the time
/// taken does not tell which one matched.
pub fn verify(secret: &[u8], code: u32, unix_now: i64, last_used: Option<i64>) -> Option<i64> {
    let now = step_at(unix_now);
    let mut found = None;
    for step in (now - WINDOW)..=(now + WINDOW) {
        let matches = step >= 0 && hotp(secret, step as u64) == code;
        if matches && last_used.is_none_or(|last| step > last) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// A new shared secret: 160 random bits, as RFC 4226 recommends.
pub fn new_secret() -> [u8; 20] {
    let mut secret = [0u8; 20];
    OsRng.fill_bytes(&mut secret);
    secret
}

/// The `otpauth://` address an app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    format!(
        "otpauth://totp/Zorgsignaal:{}?secret={}&issuer=Zorgsignaal&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent(account),
        base32(secret)
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The QR code of `data` as an SVG image: dark modules on white, with the
/// quiet zone apps need.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// New recovery codes: (the codes to show once, their hashes to keep).
pub fn new_recovery_codes() -> (Vec<String>, Vec<[u8; 32]>) {
    // Eight random bytes in base32 are 13 characters; the first 12 carry
    // 60 random bits.
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 8];
            OsRng.fill_bytes(&mut bytes);
            base32(&bytes)[..RECOVERY_LEN].to_string()
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// The hash kept of a recovery code (upper case, no dashes).
pub fn recovery_hash(code: &str) -> [u8; 32] {
    Sha256::digest(code.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, want) in expected.into_iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64), want, "counter {counter}");
        }
    }

    #[test]
    fn totp_matches_rfc_6238_appendix_b_sha1() {
        // The RFC's 8-digit values, of which an app shows the last six.
        for (time, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(
                hotp(RFC_SECRET, step_at(time) as u64),
                eight % 1_000_000,
                "time {time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let now = 1_700_000_000;
        let step = step_at(now);
        let code = |s: i64| hotp(RFC_SECRET, s as u64);
        assert_eq!(verify(RFC_SECRET, code(step), now, None), Some(step));
        assert_eq!(verify(RFC_SECRET, code(step - 1), now, None), Some(step - 1));
        assert_eq!(verify(RFC_SECRET, code(step + 1), now, None), Some(step + 1));
        assert_eq!(verify(RFC_SECRET, code(step - 2), now, None), None, "too old");
        assert_eq!(verify(RFC_SECRET, code(step + 2), now, None), None, "too new");
        assert_eq!(
            verify(RFC_SECRET, code(step), now, Some(step)),
            None,
            "used before"
        );
        assert_eq!(
            verify(RFC_SECRET, code(step - 1), now, Some(step)),
            None,
            "an older code after a newer one"
        );
        assert_eq!(verify(b"another secret 12345", code(step), now, None), None);
    }

    #[test]
    fn the_app_address_names_the_account_and_the_secret_in_base32() {
        let uri = otpauth_uri(RFC_SECRET, "anna de vries@ggd.example");
        assert_eq!(
            uri,
            "otpauth://totp/Zorgsignaal:anna%20de%20vries@ggd.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Zorgsignaal&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri).expect("fits a QR code");
        assert!(svg.contains("<svg") && svg.contains("#000000"));
    }

    #[test]
    fn recovery_codes_are_random_readable_and_only_their_hash_is_kept() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for (code, hash) in codes.iter().zip(&hashes) {
            assert_eq!(code.len(), RECOVERY_LEN);
            assert!(code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
            assert_eq!(&recovery_hash(code), hash);
        }
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), codes.len());
        assert_ne!(new_secret(), new_secret());
    }
}
