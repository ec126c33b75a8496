//! Server functions: public HTTP endpoints under /api. Each one authorises
//! itself (`server::auth::require`), validates, calls `server::db`, and maps
//! errors through [`respond`].

pub mod account;
pub mod actions;
pub mod admin;
pub mod auth;
pub mod coordination;
pub mod covenant;
pub mod data_quality;
pub mod escalations;
pub mod family;
pub mod live;
pub mod mail;
pub mod overview;
pub mod reports;
pub mod youths;

// The opening every server function shares lives with the server code,
// where the HTTP handlers outside Leptos (the report export) use it too.
#[cfg(feature = "ssr")]
use crate::server::act;
#[cfg(feature = "ssr")]
mod respond;
#[cfg(feature = "ssr")]
pub(crate) use respond::{is_plain_form_post, respond};
