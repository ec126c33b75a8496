//! Pages and components. Components never query: they call server functions.

pub mod components;
pub mod live;
pub mod pages;
pub mod session;
