//! The region admin's covenant: decision rules, versions, dry run, activation.
// The rule form's handler takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::{domain::coordination::CovenantView, error::AppError};
use leptos::prelude::*;
use std::collections::HashMap;

pub const STALE: &str =
    "Iemand anders heeft de regels intussen gewijzigd. Laad de pagina opnieuw en kijk of je wijziging nog nodig is.";
pub const OUTCOME_REQUIRED: &str = "Kies wie er coördineert als de regel geldt.";

/// The covenant page: active version, the newest version's rules and the
/// dry run of that version against today's appointments.
#[server(endpoint = "covenant")]
pub async fn covenant() -> Result<CovenantView, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let (view, youths) = ssr::view(act.tx(), region).await?;
        act.settle("covenant_view", "youth", youths, Ok(view)).await
    })
    .await
}

/// Adds a rule (`index` empty) or changes rule `index` (from 0), writing
/// the next version. Multi-valued fields come as maps: `kinds[jgz]=on`.
#[server(endpoint = "save_rule")]
pub async fn save_rule(
    based_on: i32,
    #[server(default)] index: String,
    #[server(default)] min_age: String,
    #[server(default)] max_age: String,
    #[server(default)] municipalities: HashMap<String, String>,
    #[server(default)] kinds_mode: String,
    #[server(default)] kinds: HashMap<String, String>,
    #[server(default)] first_kind: String,
    #[server(default)] outcome: String,
) -> Result<i32, AppError> {
    use crate::{
        api::act::Act,
        api::respond,
        domain::{
            covenant::{parse_age, KindsMode, Place, Rule, RuleField, RuleOutcome},
            organisation::OrganisationKind,
            role::Role,
        },
        error::FieldError,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let uid = act.user.id;
        let mut errors = Vec::new();
        let min_age = parse_age(&min_age)
            .map_err(|m| errors.push(FieldError::new(RuleField::MinAge, m)))
            .ok()
            .flatten();
        let max_age = parse_age(&max_age)
            .map_err(|m| errors.push(FieldError::new(RuleField::MaxAge, m)))
            .ok()
            .flatten();
        let places = db::organisations::municipalities_in_region(act.tx(), region).await?;
        let municipalities: Vec<Place> = places
            .into_iter()
            .filter(|m| municipalities.contains_key(&m.code))
            .map(|m| Place {
                code: m.code,
                name: m.name,
            })
            .collect();
        let kinds: Vec<OrganisationKind> = OrganisationKind::ALL
            .into_iter()
            .filter(|k| kinds.contains_key(k.as_str()))
            .collect();
        let first_kind = OrganisationKind::parse(first_kind.trim());
        let outcome = match outcome.trim().split_once(':') {
            Some(("soort", k)) => OrganisationKind::parse(k).map(RuleOutcome::Kind),
            Some(("organisatie", id)) => {
                let id = uuid::Uuid::parse_str(id).ok();
                db::organisations::in_region(act.tx(), region)
                    .await?
                    .into_iter()
                    .find(|o| Some(o.id) == id)
                    .map(|o| RuleOutcome::Organisation {
                        id: o.id,
                        name: o.name,
                    })
            }
            _ => None,
        };
        if outcome.is_none() {
            errors.push(FieldError::new(RuleField::Outcome, OUTCOME_REQUIRED));
        }
        let rule = outcome.map(|outcome| Rule {
            min_age,
            max_age,
            municipalities,
            kinds_mode: if kinds_mode == "alle" {
                KindsMode::AllOf
            } else {
                KindsMode::AnyOf
            },
            kinds,
            first_kind,
            outcome,
        });
        if let Some(Err(e)) = rule.as_ref().map(Rule::validate) {
            errors.extend(e);
        }
        let result = match rule {
            Some(rule) if errors.is_empty() => {
                let at = index.trim().parse::<usize>().ok();
                ssr::edit(act.tx(), region, based_on, uid, |rules, _| match at {
                    Some(i) if i < rules.len() => {
                        rules[i] = rule;
                        true
                    }
                    Some(_) => false,
                    None => {
                        rules.push(rule);
                        true
                    }
                })
                .await?
            }
            _ => Err(AppError::invalid(errors)),
        };
        // The page shows field messages beside the form that was sent.
        let form = if index.trim().is_empty() {
            "nieuw".to_string()
        } else {
            index.trim().to_string()
        };
        let result = result.map_err(|e| match e {
            AppError::Invalid { fields, .. } => AppError::Invalid {
                fields,
                values: vec![(RuleField::Form.name().into(), form)],
            },
            other => other,
        });
        act.settle("covenant_edit", "covenant", vec![region.to_string()], result)
            .await
    })
    .await
}

/// Moves rule `index` one place up or down (`direction` "omhoog"/"omlaag").
#[server(endpoint = "move_rule")]
pub async fn move_rule(based_on: i32, index: usize, direction: String) -> Result<i32, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let uid = act.user.id;
        let up = direction == "omhoog";
        let result = ssr::edit(act.tx(), region, based_on, uid, |rules, _| {
            let other = if up { index.checked_sub(1) } else { Some(index + 1) };
            match other {
                Some(j) if index < rules.len() && j < rules.len() => {
                    rules.swap(index, j);
                    true
                }
                _ => false,
            }
        })
        .await?;
        act.settle("covenant_edit", "covenant", vec![region.to_string()], result)
            .await
    })
    .await
}

/// Removes rule `index`.
#[server(endpoint = "remove_rule")]
pub async fn remove_rule(based_on: i32, index: usize) -> Result<i32, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let uid = act.user.id;
        let result = ssr::edit(act.tx(), region, based_on, uid, |rules, _| {
            (index < rules.len()).then(|| rules.remove(index)).is_some()
        })
        .await?;
        act.settle("covenant_edit", "covenant", vec![region.to_string()], result)
            .await
    })
    .await
}

/// Sets whether a family gets one coordinator (`family` present: yes),
/// writing the next version.
#[server(endpoint = "set_family_coordination")]
pub async fn set_family_coordination(
    based_on: i32,
    #[server(default)] family: Option<String>,
) -> Result<i32, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let uid = act.user.id;
        let on = family.is_some();
        let result = ssr::edit(act.tx(), region, based_on, uid, |_, f| {
            *f = on;
            true
        })
        .await?;
        act.settle("covenant_edit", "covenant", vec![region.to_string()], result)
            .await
    })
    .await
}

/// Activates the newest version for new matches; existing appointments stay.
#[server(endpoint = "activate_covenant")]
pub async fn activate_covenant(version: i32) -> Result<(), AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::db::coordination::covenant};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let id = act.user.id;
        let ok = covenant::activate(act.tx(), region, version, id).await?;
        let result = if ok {
            Ok(())
        } else {
            Err(AppError::invalid(vec![crate::error::FieldError::new(
                crate::domain::covenant::RuleField::Version,
                STALE,
            )]))
        };
        act.settle(
            "covenant_activate",
            "covenant",
            vec![region.to_string(), version.to_string()],
            result,
        )
        .await
    })
    .await
}

/// Applies the active version (`version`) to existing cases: every change
/// the dry run lists is made, with history and mail. Returns how many.
#[server(endpoint = "apply_covenant")]
pub async fn apply_covenant(version: i32) -> Result<usize, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::db::coordination::covenant};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let name = act.user.name.clone();
        let active = covenant::active(act.tx(), region)
            .await?
            .map(|v| v.covenant.version);
        let result = if active == Some(version) {
            Ok(crate::server::cases::coordination::apply_covenant(act.tx(), region, &name).await?)
        } else {
            Err(AppError::invalid(vec![crate::error::FieldError::new(
                crate::domain::covenant::RuleField::Version,
                STALE,
            )]))
        };
        act.settle(
            "covenant_apply",
            "covenant",
            vec![region.to_string(), version.to_string()],
            result,
        )
        .await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        domain::{
            coordination::{ChangeRow, Choice, RuleRow},
            covenant::{Rule, RuleField, FALLBACK_TEXT},
        },
        error::FieldError,
        server::db::{
            self,
            coordination::covenant::{self, organisation_name},
        },
    };
    use sqlx::PgConnection;
    use uuid::Uuid;

    /// Applies `change` to the newest version's rules and saves the result
    /// as the next version. `change` answers false when the edit no longer fits.
    pub async fn edit(
        tx: &mut PgConnection,
        region: Uuid,
        based_on: i32,
        by: Uuid,
        change: impl FnOnce(&mut Vec<Rule>, &mut bool) -> bool,
    ) -> Result<Result<i32, AppError>, AppError> {
        let stale = || {
            Err(AppError::invalid(vec![FieldError::new(
                RuleField::Version,
                STALE,
            )]))
        };
        let Some(latest) = covenant::latest(tx, region).await? else {
            return Ok(stale());
        };
        if latest.covenant.version != based_on {
            return Ok(stale());
        }
        let mut rules = latest.covenant.rules;
        let mut family = latest.covenant.family_coordination;
        if !change(&mut rules, &mut family) {
            return Ok(stale());
        }
        Ok(
            match covenant::save(tx, region, based_on, &rules, family, by).await? {
                Ok(v) => Ok(v),
                Err(_) => stale(),
            },
        )
    }

    /// The page and the ids of the youths its dry run names (for the audit row).
    pub async fn view(tx: &mut PgConnection, region: Uuid) -> Result<(CovenantView, Vec<String>), AppError> {
        let active = covenant::active(tx, region).await?;
        let latest = covenant::latest(tx, region).await?;
        let (Some(active), Some(latest)) = (active, latest) else {
            return Err(AppError::NotFound);
        };
        let run = covenant::dry_run_in(tx, region, &latest.covenant).await?;
        let changes = run
            .changes
            .iter()
            .map(|c| {
                let case = &run.cases[&c.youth_id];
                ChangeRow {
                    youth_name: case.youth_name.clone(),
                    municipality: case.municipality_name.clone(),
                    from: organisation_name(&run, c.youth_id, c.from),
                    to: organisation_name(&run, c.youth_id, c.to),
                    explanation: c.explanation.clone(),
                }
            })
            .collect();
        let youths = run.changes.iter().map(|c| c.youth_id.to_string()).collect();
        let organisations = db::organisations::in_region(&mut *tx, region)
            .await?
            .into_iter()
            .filter(|o| {
                o.may_coordinate
                    && crate::domain::organisation::OrganisationKind::parse(&o.kind)
                        .is_some_and(|k| !crate::domain::covenant::never_coordinates(k))
            })
            .map(|o| Choice {
                id: o.id,
                name: o.name,
            })
            .collect();
        let view = CovenantView {
            region: latest.covenant.region.clone(),
            active_version: active.covenant.version,
            active_since: active.activated_on,
            version: latest.covenant.version,
            rules: latest
                .covenant
                .rules
                .iter()
                .map(|r| RuleRow {
                    text: r.describe(),
                    rule: r.clone(),
                })
                .collect(),
            fallback: format!("Anders: {FALLBACK_TEXT}."),
            family_coordination: latest.covenant.family_coordination,
            changes,
            checked: run.checked,
            municipalities: db::organisations::municipalities_in_region(&mut *tx, region).await?,
            organisations,
        };
        Ok((view, youths))
    }
}
