use serde::{Deserialize, Serialize};

/// The kind of an organisation (instelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrganisationKind {
    Jgz,
    Wijkteam,
    School,
    Politie,
    Jeugdzorg,
    Ggz,
    Jeugdbescherming,
    /// A municipality or the region's office: reads figures, keeps the
    /// covenant; takes no part in the chain itself.
    Gemeente,
}

/// What an organisation may do in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub may_register: bool,
    pub may_signal: bool,
    pub may_coordinate: bool,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 8] = [
        OrganisationKind::Jgz,
        OrganisationKind::Wijkteam,
        OrganisationKind::School,
        OrganisationKind::Politie,
        OrganisationKind::Jeugdzorg,
        OrganisationKind::Ggz,
        OrganisationKind::Jeugdbescherming,
        OrganisationKind::Gemeente,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Jgz => "jgz",
            OrganisationKind::Wijkteam => "wijkteam",
            OrganisationKind::School => "school",
            OrganisationKind::Politie => "politie",
            OrganisationKind::Jeugdzorg => "jeugdzorg",
            OrganisationKind::Ggz => "ggz",
            OrganisationKind::Jeugdbescherming => "jeugdbescherming",
            OrganisationKind::Gemeente => "gemeente",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Jgz => "Jeugdgezondheidszorg (JGZ)",
            OrganisationKind::Wijkteam => "Wijkteam",
            OrganisationKind::School => "School",
            OrganisationKind::Politie => "Politie",
            OrganisationKind::Jeugdzorg => "Jeugdzorg",
            OrganisationKind::Ggz => "Jeugd-GGZ",
            OrganisationKind::Jeugdbescherming => "Jeugdbescherming",
            OrganisationKind::Gemeente => "Gemeente of regio",
        }
    }

    /// The capabilities an organisation of this kind has by default under the
    /// covenant: schools and police may only give signals.
    pub fn default_capabilities(self) -> Capabilities {
        match self {
            OrganisationKind::School | OrganisationKind::Politie => Capabilities {
                may_register: false,
                may_signal: true,
                may_coordinate: false,
            },
            OrganisationKind::Gemeente => Capabilities {
                may_register: false,
                may_signal: false,
                may_coordinate: false,
            },
            _ => Capabilities {
                may_register: true,
                may_signal: true,
                may_coordinate: true,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schools_and_police_may_only_give_signals() {
        for kind in [OrganisationKind::School, OrganisationKind::Politie] {
            let c = kind.default_capabilities();
            assert!(c.may_signal);
            assert!(!c.may_register);
            assert!(!c.may_coordinate);
        }
    }

    #[test]
    fn care_organisations_may_register_signal_and_coordinate() {
        for kind in [
            OrganisationKind::Jgz,
            OrganisationKind::Wijkteam,
            OrganisationKind::Ggz,
        ] {
            let c = kind.default_capabilities();
            assert!(c.may_register && c.may_signal && c.may_coordinate);
        }
    }

    #[test]
    fn every_kind_round_trips_through_its_database_name() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
        }
    }
}
