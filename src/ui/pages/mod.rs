pub mod home;
pub mod login;
pub mod not_found;
pub mod region;
pub mod reports;
