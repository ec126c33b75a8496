//! Request ids, CSRF protection and security headers, as axum middleware.

use super::state::AppState;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
    response::IntoResponse,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use std::time::Instant;
use tracing::Instrument;

/// The nonce of this response's Content-Security-Policy; Leptos puts it on
/// its inline scripts (see `startup`).
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The id of this request, in every log line it causes and in `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request an id (or keeps a sane one from a proxy), runs it in a
/// tracing span and logs one line when it is done. Logs the path only, never
/// the query string or body: they may hold personal data.
pub async fn request_id(mut req: Request, next: Next) -> Response<Body> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span =
        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let started = Instant::now();
    async move {
        let mut res = next.run(req).await;
        let status = res.status().as_u16();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::warn!(status, ms, "request failed");
        } else {
            tracing::debug!(status, ms, "request done");
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(X_REQUEST_ID.clone(), v);
        }
        res
    }
    .instrument(span)
    .await
}

/// True when a state-changing request may have come from another site.
/// Browsers send `Sec-Fetch-Site` and `Origin` with every POST; a request
/// with neither is refused too.
pub fn is_cross_site(req: &Request, public_url: Option<&str>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" {
            return true;
        }
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => !origin_is_ours(
            origin,
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
            public_url,
        ),
        None => headers.get("sec-fetch-site").is_none(),
    }
}

fn origin_is_ours(origin: &str, host: Option<&str>, public_url: Option<&str>) -> bool {
    if public_url.is_some_and(|u| u.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let Some(host) = host else { return false };
    match origin.split_once("://") {
        Some((scheme, rest)) => (scheme == "http" || scheme == "https") && rest.eq_ignore_ascii_case(host),
        None => false,
    }
}

pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The institution API uses bearer tokens, never cookies: a forged
    // request from a browser carries no token and gets 401.
    let bearer_api = req.uri().path().starts_with("/api/v1/");
    if !safe && !bearer_api && is_cross_site(&req, state.config.public_url.as_deref()) {
        tracing::warn!("cross-site write refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            crate::error::AppError::CrossSite.to_string(),
        )
            .into_response();
    }
    next.run(req).await
}

fn new_nonce() -> String {
    let mut bytes = [0u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Strict headers on every response; pages and data are never cached.
pub async fn headers(mut req: Request, next: Next) -> Response<Body> {
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_asset = req.uri().path().starts_with("/pkg/") || req.uri().path().starts_with("/vendor/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &content_security_policy(&nonce));
    set(
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=31536000; includeSubDomains",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !is_asset {
        set(header::CACHE_CONTROL, "no-store");
    }
    // A passing outage (the database restarting): say when to try again.
    if res.status() == StatusCode::SERVICE_UNAVAILABLE && !res.headers().contains_key(header::RETRY_AFTER) {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(super::errors::RETRY_SECONDS),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method("POST").uri("/api/login");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn a_same_origin_post_passes() {
        assert!(!is_cross_site(
            &post(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]),
            None
        ));
        assert!(!is_cross_site(
            &post(&[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        ));
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        assert!(is_cross_site(
            &post(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]),
            None
        ));
        assert!(is_cross_site(
            &post(&[("sec-fetch-site", "cross-site"), ("host", "127.0.0.1:3000")]),
            None
        ));
        assert!(is_cross_site(
            &post(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        ));
        assert!(is_cross_site(
            &post(&[("host", "127.0.0.1:3000"), ("origin", "null")]),
            None
        ));
    }

    #[test]
    fn a_post_without_origin_or_fetch_metadata_is_refused() {
        assert!(is_cross_site(&post(&[("host", "127.0.0.1:3000")]), None));
    }

    #[test]
    fn the_public_url_counts_as_our_origin_behind_a_proxy() {
        let req = post(&[("host", "app:3000"), ("origin", "https://zorg.example.nl")]);
        assert!(!is_cross_site(&req, Some("https://zorg.example.nl")));
        assert!(is_cross_site(&req, None));
    }

    #[test]
    fn the_policy_allows_scripts_only_from_us_and_with_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
