//! The chain's use cases shared by the server functions (UI), the REST
//! API and the bulk import: validate, record (registering and signalling
//! share one path), end, explain refusals in Dutch.

use super::follow;
use crate::server::pseudonym::BsnKeys;
use crate::{
    domain::{
        involvement::{parse_end_date, term_end, EndReason, SignalKind, SIGNAL_KIND_REQUIRED},
        youth::{ChainField, YouthForm},
    },
    error::FieldError,
    server::db::{
        self,
        audit::{self, Outcome, Via},
        involvements::{table, NewInvolvement, Outcomes, Refusal},
        youths::{Ended, Owner},
    },
};
use chrono::NaiveDate;
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

/// Who records, for the audit rows.
#[derive(Debug, Clone)]
pub struct Actor {
    pub roles: Vec<String>,
    pub client_ip: Option<IpAddr>,
    pub via: Via,
    /// Extra ids for every audit row (the API token).
    pub extra_ids: Vec<String>,
}

/// A registration or signal as typed or posted.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub youth: YouthForm,
    /// Registrations: the chosen end date; empty for the proposed one.
    pub end_date: String,
    /// Signals: the kind.
    pub kind: String,
    pub external_ref: Option<String>,
}

pub const EXTERNAL_REF_INVALID: &str = "Een externe referentie heeft 1 tot 200 tekens.";

/// Validates `input` for `user_id` of `organisation_id`; `keys` turn the
/// BSN into what the database keeps of it.
pub fn validate(
    input: &Input,
    is_signal: bool,
    user_id: Uuid,
    organisation_id: Uuid,
    today: NaiveDate,
    keys: &BsnKeys,
) -> Result<NewInvolvement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let youth = input.youth.validate(today).map_err(|e| errors.extend(e)).ok();
    let signal_kind = if is_signal {
        let k = SignalKind::parse(input.kind.trim());
        if k.is_none() {
            errors.push(FieldError::new(ChainField::Kind, SIGNAL_KIND_REQUIRED));
        }
        k
    } else {
        None
    };
    let end_date = if is_signal || input.end_date.trim().is_empty() {
        Some(term_end(today))
    } else {
        parse_end_date(&input.end_date, today)
            .map_err(|m| errors.push(FieldError::new(ChainField::EndDate, m)))
            .ok()
    };
    if let Some(r) = &input.external_ref {
        if r.is_empty() || r.chars().count() > 200 {
            errors.push(FieldError::new(ChainField::ExternalRef, EXTERNAL_REF_INVALID));
        }
    }
    match (youth, end_date) {
        (Some(youth), Some(end_date)) if errors.is_empty() => Ok(NewInvolvement {
            pseudonym: keys.pseudonym(&youth.bsn),
            youth,
            user_id,
            organisation_id,
            end_date,
            signal_kind,
            external_ref: input.external_ref.clone(),
        }),
        _ => Err(errors),
    }
}

pub const ALREADY_REGISTERED: &str =
    "Je hebt deze jeugdige al geregistreerd. Je vindt de registratie onder Mijn jeugdigen.";
pub const ALREADY_SIGNALLED: &str =
    "Je hebt voor deze jeugdige al een actief signaal over dit onderwerp. Je vindt het onder Mijn jeugdigen.";
pub const UNKNOWN_MUNICIPALITY: &str = "Deze gemeente kent Zorgsignaal niet. Kies een gemeente uit de lijst.";

/// A refusal as a message next to the field it concerns.
pub fn refusal_error(refusal: Refusal, is_signal: bool) -> FieldError {
    match refusal {
        Refusal::AlreadyInvolved if is_signal => FieldError::new(ChainField::Kind, ALREADY_SIGNALLED),
        Refusal::AlreadyInvolved => FieldError::new(ChainField::Bsn, ALREADY_REGISTERED),
        Refusal::UnknownMunicipality => FieldError::new(ChainField::MunicipalityCode, UNKNOWN_MUNICIPALITY),
    }
}

/// Records `items` (all registrations or all signals) in `tx`: the
/// involvements, the mails to everyone who hears of them, and one audit
/// row per item. One outcome per item, in order.
pub async fn record(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    actor: &Actor,
) -> Result<Outcomes, sqlx::Error> {
    let recording = db::involvements::record(tx, items, actor.via == Via::Api).await?;
    follow(tx, recording.happened).await?;
    let is_signal = items.first().is_some_and(|i| i.signal_kind.is_some());
    let action = if is_signal {
        "signal_create"
    } else {
        "registration_create"
    };
    let entries: Vec<audit::Entry> = items
        .iter()
        .zip(&recording.outcomes)
        .zip(&recording.youths)
        .map(|((item, outcome), youth)| {
            let mut ids = match outcome {
                Ok(r) => vec![r.youth_id.to_string(), r.id.to_string()],
                Err(_) => youth.iter().map(Uuid::to_string).collect(),
            };
            ids.extend(actor.extra_ids.iter().cloned());
            audit::Entry {
                user_id: Some(item.user_id),
                organisation_id: Some(item.organisation_id),
                roles: actor.roles.clone(),
                action,
                object_type: Some(table(is_signal)),
                object_ids: ids,
                client_ip: actor.client_ip,
                outcome: if outcome.is_ok() {
                    Outcome::Success
                } else {
                    Outcome::Failed
                },
                reason: None,
                via: actor.via,
            }
        })
        .collect();
    audit::record_many(&mut *tx, &entries).await?;
    Ok(recording.outcomes)
}

/// Ends the registration or closes the signal `id` of `owner`, and tells
/// whom the new state of the case concerns (a coordinator appointed anew).
pub async fn finish(
    tx: &mut PgConnection,
    is_signal: bool,
    id: Uuid,
    owner: Owner,
    reason: EndReason,
    via_api: bool,
) -> Result<Ended, sqlx::Error> {
    let mut ended = db::youths::finish(tx, is_signal, id, owner, reason, via_api).await?;
    if let Ended::Done { happened, .. } = &mut ended {
        follow(tx, std::mem::take(happened)).await?;
    }
    Ok(ended)
}

/// What a bulk import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub existing: usize,
    pub errors: Vec<crate::server::import::LineError>,
}

pub const UNKNOWN_PROFESSIONAL: &str =
    "Er is geen actieve professional van deze organisatie met dit e-mailadres.";
const CHUNK: usize = 1000;

/// Imports registrations for `organisation_id`: valid rows are committed
/// (a transaction per thousand rows), invalid ones reported by line.
pub async fn import(
    pool: &sqlx::PgPool,
    keys: &BsnKeys,
    organisation_id: Uuid,
    rows: Vec<(u64, crate::server::import::Row)>,
    actor: &Actor,
    today: NaiveDate,
) -> Result<ImportReport, sqlx::Error> {
    use crate::server::import::LineError;
    let mut report = ImportReport {
        rows: rows.len(),
        ..ImportReport::default()
    };
    let emails: Vec<String> = rows
        .iter()
        .map(|(_, r)| r.professional_email.trim().to_lowercase())
        .collect();
    let professionals = db::users::professionals_by_email(pool, organisation_id, &emails).await?;
    let mut valid = Vec::new();
    for (line, row) in rows {
        let email = row.professional_email.trim().to_lowercase();
        let Some(user_id) = professionals.get(&email).copied() else {
            report.errors.push(LineError::new(
                line,
                ChainField::ProfessionalEmail,
                UNKNOWN_PROFESSIONAL,
            ));
            continue;
        };
        let input = Input {
            youth: YouthForm {
                bsn: row.bsn,
                given_names: row.given_names,
                prefix: row.prefix.unwrap_or_default(),
                family_name: row.family_name,
                birth_date: row.birth_date,
                municipality_code: row.municipality_code,
            },
            end_date: row.end_date.unwrap_or_default(),
            kind: String::new(),
            external_ref: Some(row.external_ref),
        };
        match validate(&input, false, user_id, organisation_id, today, keys) {
            Ok(item) => valid.push((line, item)),
            Err(fields) => report
                .errors
                .extend(fields.into_iter().map(|f| LineError::of(line, f))),
        }
    }
    for chunk in valid.chunks(CHUNK) {
        let items: Vec<NewInvolvement> = chunk.iter().map(|(_, it)| it.clone()).collect();
        let mut tx = pool.begin().await?;
        let outcomes = record(&mut tx, &items, actor).await?;
        tx.commit().await?;
        for ((line, _), outcome) in chunk.iter().zip(outcomes) {
            match outcome {
                Ok(r) if r.created => report.created += 1,
                Ok(_) => report.existing += 1,
                Err(refusal) => {
                    let e = refusal_error(refusal, false);
                    report.errors.push(LineError::of(*line, e));
                }
            }
        }
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

/// Parses a bulk file and imports its rows; the API's bulk endpoint and the
/// upload page share it. Parse errors join the report by line.
pub async fn import_file(
    pool: &sqlx::PgPool,
    keys: &BsnKeys,
    organisation_id: Uuid,
    format: crate::server::import::Format,
    bytes: &[u8],
    actor: &Actor,
) -> Result<ImportReport, sqlx::Error> {
    let (rows, parse_errors) = crate::server::import::parse(format, bytes);
    let mut report = import(pool, keys, organisation_id, rows, actor, crate::domain::today()).await?;
    report.rows += parse_errors.len();
    report.errors.extend(parse_errors);
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}
