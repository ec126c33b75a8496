//! Server-only code: configuration, start-up, database access, sessions,
//! security middleware. Nothing here compiles for the browser.

pub mod account;
pub mod act;
pub mod auth;
pub mod cases;
pub mod charts;
pub mod config;
pub mod db;
pub mod dev_mail;
pub mod errors;
pub mod flash;
pub mod floor;
pub mod generate;
pub mod html;
pub mod import;
pub mod jobs;
pub mod live;
pub mod live_stream;
pub mod mail;
pub mod page_session;
pub mod pseudonym;
pub mod reports;
pub mod rest;
pub mod sealed;
pub mod security;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod two_factor;
pub mod upload;
