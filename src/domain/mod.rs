//! Pure domain code: compiles for the browser (WASM) and the server, so a
//! form validates as you type with the same code the server runs.

pub mod email;
pub mod login;
pub mod organisation;
pub mod role;
pub mod user;
pub mod views;
