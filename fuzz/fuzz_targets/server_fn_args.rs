//! The decoding of server-function arguments, through server_fn's own
//! `FromReq` for form posts (`PostUrl`), for the argument types of the
//! forms with the most fields: any body gives the arguments or an error,
//! never a panic.
#![no_main]

use axum::body::Body;
use leptos::server_fn::codec::{FromReq, PostUrl};
use libfuzzer_sys::fuzz_target;
use zorgsignaal::{
    api::{
        actions::CreateAction,
        covenant::SaveRule,
        family::RecordConsent,
        youths::{GiveSignal, RegisterYouth},
    },
    error::AppError,
};

fn request(body: &[u8]) -> axum::http::Request<Body> {
    axum::http::Request::post("/api/x")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .expect("a request")
}

fn decode<T>(body: &[u8]) -> Result<T, AppError>
where
    T: FromReq<PostUrl, axum::http::Request<Body>, AppError>,
{
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    }
    RUNTIME.with(|rt| rt.block_on(T::from_req(request(body))))
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let outcome = match which % 5 {
        0 => decode::<RegisterYouth>(body).map(|_| ()),
        1 => decode::<GiveSignal>(body).map(|_| ()),
        2 => decode::<CreateAction>(body).map(|_| ()),
        3 => decode::<SaveRule>(body).map(|_| ()),
        _ => decode::<RecordConsent>(body).map(|_| ()),
    };
    if let Err(e) = outcome {
        // Arguments that do not decode are the client's bad input: 422
        // with a Dutch message, never a 500.
        assert!(matches!(e, AppError::Invalid { .. }), "{e:?}");
        assert_eq!(e.status(), 422);
    }
});
