use crate::{
    domain::views::{Municipality, OrganisationSummary},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionOverview {
    pub organisations: Vec<OrganisationSummary>,
    pub municipalities: Vec<Municipality>,
    /// Mismatches of personal data open longer than a week, the oldest first.
    pub overdue_mismatches: Vec<crate::domain::data_quality::Overdue>,
}

/// The organisations and municipalities of the region admin's own region.
#[server(endpoint = "region_overview")]
pub async fn get_region_overview() -> Result<RegionOverview, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::RegionAdmin]).await?;
        Ok(RegionOverview {
            organisations: db::organisations::in_region(&state.pool, user.region_id).await?,
            municipalities: db::organisations::municipalities_in_region(&state.pool, user.region_id).await?,
            overdue_mismatches: db::youths::versions::overdue_in_region(
                &state.pool,
                user.region_id,
                crate::domain::data_quality::OVERDUE_DAYS,
            )
            .await?,
        })
    })
    .await
}

/// The municipalities whose figures this user may read: an analyst's own,
/// or every municipality of a region admin's region.
#[server(endpoint = "report_municipalities")]
pub async fn report_municipalities() -> Result<Vec<Municipality>, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } =
            Caller::require(&[Role::MunicipalityAnalyst, Role::RegionAdmin]).await?;
        if user.has(Role::RegionAdmin) {
            Ok(db::organisations::municipalities_in_region(&state.pool, user.region_id).await?)
        } else {
            Ok(db::organisations::municipalities_of_analyst(&state.pool, user.id).await?)
        }
    })
    .await
}
