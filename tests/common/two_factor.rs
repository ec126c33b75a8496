//! What an authenticator app does, for the tests: the secret from the
//! set-up page, and the code of a step.

use super::TestApp;
use reqwest::Client;
use zorgsignaal::{
    domain::two_factor::Setup,
    server::two_factor::{hotp, step_at},
};

/// The secret as the set-up page shows it (base32 in groups), as bytes.
pub fn secret_of(setup: &Setup) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in setup.secret.chars().filter(|c| !c.is_whitespace()) {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

pub fn code_at(secret: &[u8], step: i64) -> String {
    format!("{:06}", hotp(secret, step as u64))
}

pub fn now_step() -> i64 {
    step_at(chrono::Utc::now().timestamp())
}

/// Asks for a set-up for the session of `client`; returns the secret.
pub async fn setup_secret(app: &TestApp, client: &Client) -> Vec<u8> {
    let res = app.call(client, "two_factor_setup", &[]).await;
    assert_eq!(res.status(), 200);
    let setup: Setup = res.json().await.unwrap();
    assert!(setup.qr_svg.starts_with("<?xml") || setup.qr_svg.contains("<svg"));
    let secret = secret_of(&setup);
    assert_eq!(secret.len(), 20);
    secret
}

/// Sets up an app for the session of `client`; returns the secret, the
/// step of the code that confirmed it, and the recovery codes.
pub async fn enrol(app: &TestApp, client: &Client) -> (Vec<u8>, i64, Vec<String>) {
    let secret = setup_secret(app, client).await;
    let step = now_step();
    let res = app
        .call(client, "confirm_two_factor", &[("code", &code_at(&secret, step))])
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();
    (secret, step, codes)
}
