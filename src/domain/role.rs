use serde::{Deserialize, Serialize};

/// What a user may do. A user may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Professional,
    Coordinator,
    RegionAdmin,
    MunicipalityAnalyst,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Professional,
        Role::Coordinator,
        Role::RegionAdmin,
        Role::MunicipalityAnalyst,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Professional => "professional",
            Role::Coordinator => "coordinator",
            Role::RegionAdmin => "region_admin",
            Role::MunicipalityAnalyst => "municipality_analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Dutch name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Professional => "Professional",
            Role::Coordinator => "Ketencoördinator",
            Role::RegionAdmin => "Regiobeheerder",
            Role::MunicipalityAnalyst => "Gemeentelijk analist",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_database_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
