//! Region admin: API tokens of institution systems, and a youth's audit trail.

use crate::{
    domain::records::{AuditTrail, NewToken, TokenRow},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

crate::form_fields! {
    /// A new API key: for which organisation, by what name.
    pub enum TokenField {
        OrganisationId = "organisation_id",
        Name = "name",
    }
}

crate::form_fields! {
    /// Looking up a youth's audit trail: by BSN, with a reason.
    pub enum TrailField {
        Bsn = "bsn",
        Reason = "reason",
    }
}

#[server(endpoint = "api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<TokenRow>, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::RegionAdmin]).await?;
        Ok(db::tokens::in_region(&state.pool, user.region_id).await?)
    })
    .await
}

/// Makes a token for an organisation of the region; it is shown once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    #[server(default)] organisation_id: String,
    #[server(default)] name: String,
) -> Result<NewToken, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        error::FieldError,
        server::{auth, db},
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let (region, admin) = (act.user.region_id, act.user.id);
        let mut fields = Vec::new();
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            fields.push(FieldError::new(
                TokenField::Name,
                "Geef de sleutel een naam van 1 tot 100 tekens, bijvoorbeeld het systeem dat hem gebruikt.",
            ));
        }
        let org = match Uuid::parse_str(&organisation_id) {
            Ok(id) => db::youths::organisation_in_region(act.tx(), id, region)
                .await?
                .map(|n| (id, n)),
            Err(_) => None,
        };
        if org.is_none() {
            fields.push(FieldError::new(
                TokenField::OrganisationId,
                "Kies een organisatie uit de lijst.",
            ));
        }
        let Some((org_id, org_name)) = org.filter(|_| fields.is_empty()) else {
            return Err(AppError::invalid(fields));
        };
        let token = format!("zs_{}", auth::new_token());
        let hint = format!("{}…", &token[..9]);
        let id = db::tokens::insert(act.tx(), org_id, &name, &auth::hash_token(&token), &hint, admin).await?;
        let created = NewToken {
            organisation: org_name,
            name,
            token,
        };
        // Without JavaScript the page after the redirect shows the token,
        // from a flash that only this session can read, once.
        let (_, parts) = auth::request()?;
        crate::server::flash::redirect_with(act.tx(), &parts, &created, "/regio/api-sleutels", "nieuw")
            .await?;
        let ids = vec![id.to_string(), org_id.to_string()];
        act.settle("api_token_create", "api_token", ids, Ok(created))
            .await
    })
    .await
}

/// The token shown once after a post without JavaScript.
#[server(endpoint = "new_api_token")]
pub async fn take_new_api_token(flash: Uuid) -> Result<Option<NewToken>, AppError> {
    use crate::{api::respond, domain::role::Role, server::flash};
    respond(flash::take_for(&[Role::RegionAdmin], flash)).await
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let (region, admin) = (act.user.region_id, act.user.id);
        let done = db::tokens::revoke(act.tx(), id, region, admin).await?;
        let result = if done { Ok(()) } else { Err(AppError::NotFound) };
        act.settle("api_token_revoke", "api_token", vec![id.to_string()], result)
            .await
    })
    .await
}

pub const AUDIT_REASON_MIN: usize = 10;

/// The audit trail of one youth of the region, reached by BSN with a
/// reason; the look itself is audited with that reason.
#[server(endpoint = "audit_trail")]
pub async fn youth_audit_trail(
    #[server(default)] bsn: String,
    #[server(default)] reason: String,
) -> Result<AuditTrail, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{bsn::Bsn, role::Role},
        error::FieldError,
        server::{auth, db, db::audit::Outcome},
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let mut fields = Vec::new();
        let bsn = Bsn::parse(&bsn).map_err(|m| fields.push(FieldError::new(TrailField::Bsn, m))).ok();
        let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
        if reason.chars().count() < AUDIT_REASON_MIN || reason.chars().count() > 500 {
            fields.push(FieldError::new(TrailField::Reason, "Geef de reden waarom je dit logboek inziet (10 tot 500 tekens), bijvoorbeeld het nummer van een klacht of verzoek."));
        }
        let Some(bsn) = bsn.filter(|_| fields.is_empty()) else {
            return Err(AppError::invalid(fields));
        };
        let (state, _) = auth::request()?;
        let pseudonym = state.config.bsn_keys.pseudonym(&bsn);
        let youth = db::youths::by_bsn_in_region(act.tx(), &pseudonym, region).await?;
        let ids = youth.iter().map(|(id, _)| id.to_string()).collect();
        let outcome = if youth.is_some() { Outcome::Success } else { Outcome::Failed };
        // The look is audited before the trail is read, so the trail shows it too.
        act.audit("audit_trail_view", "youth", ids, outcome, Some(reason)).await?;
        let Some((id, youth_name)) = youth else {
            act.commit().await?;
            return Err(AppError::invalid(vec![FieldError::new(TrailField::Bsn, "Er is geen jeugdige met dit BSN in deze regio.")]));
        };
        let trail = AuditTrail {
            youth_name,
            rows: db::youths::audit_trail(act.tx(), id).await?,
        };
        let (_, parts) = auth::request()?;
        crate::server::flash::redirect_with(act.tx(), &parts, &trail, "/regio/logboek", "resultaat").await?;
        act.commit().await?;
        Ok(trail)
    })
    .await
}

/// The audit trail shown once after a post without JavaScript.
#[server(endpoint = "audit_trail_result")]
pub async fn take_audit_trail(flash: Uuid) -> Result<Option<AuditTrail>, AppError> {
    use crate::{api::respond, domain::role::Role, server::flash};
    respond(flash::take_for(&[Role::RegionAdmin], flash)).await
}
