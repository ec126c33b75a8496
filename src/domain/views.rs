//! Read models that server functions send to the pages (shared with WASM).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One organisation as the region admin's overview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrganisationSummary {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub may_register: bool,
    pub may_signal: bool,
    pub may_coordinate: bool,
    pub users: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Municipality {
    pub code: String,
    pub name: String,
}
