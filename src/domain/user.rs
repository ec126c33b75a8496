use super::{organisation::Capabilities, role::Role};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The logged-in user as the pages see it: who, of which organisation, in
/// which roles. Contains nothing the user may not see of themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub region_id: Uuid,
    pub roles: Vec<Role>,
    /// What the user's organisation may do in the chain.
    pub capabilities: Capabilities,
}

impl CurrentUser {
    /// A professional of an organisation that may register youths.
    pub fn may_register(&self) -> bool {
        self.has(Role::Professional) && self.capabilities.may_register
    }

    /// A professional of an organisation that may give signals.
    pub fn may_signal(&self) -> bool {
        self.has(Role::Professional) && self.capabilities.may_signal
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// True when the user holds at least one of `roles`; an empty list means
    /// "any logged-in user".
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.is_empty() || roles.iter().any(|r| self.has(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>) -> CurrentUser {
        CurrentUser {
            id: Uuid::nil(),
            name: "Anna".into(),
            email: "anna@ggd.example".into(),
            organisation_id: Uuid::nil(),
            organisation_name: "GGD".into(),
            region_id: Uuid::nil(),
            roles,
            capabilities: crate::domain::organisation::OrganisationKind::Jgz.default_capabilities(),
        }
    }

    #[test]
    fn a_user_with_one_of_the_roles_passes() {
        let u = user(vec![Role::Professional, Role::Coordinator]);
        assert!(u.has_any(&[Role::Coordinator, Role::RegionAdmin]));
        assert!(!u.has_any(&[Role::RegionAdmin]));
    }

    #[test]
    fn an_empty_role_list_admits_any_logged_in_user() {
        assert!(user(vec![]).has_any(&[]));
    }
}

/// The user of a page request, looked up once by the server's session
/// middleware before the page renders, so the page can decide synchronously
/// what to show (the request's extensions carry it).
#[derive(Clone, Debug)]
pub struct SessionUser(pub Result<Option<CurrentUser>, AppError>);
