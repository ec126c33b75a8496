//! The region admin resolves a mismatch of personal data; the
//! professionals concerned hear of it (see `db::youths::versions`).

use super::{chain, follow_if};
use crate::{
    domain::{data_quality::Decision, involvement::EndReason},
    server::db::{
        audit,
        youths::{versions, Owner},
    },
};
use sqlx::PgConnection;
use uuid::Uuid;

/// True when there was such an open mismatch in `region` and it is resolved.
///
/// A mistyped BSN also ends the typing organisation's registrations and
/// signals on the youth the BSN belongs to ("in_error"): the organisation
/// does not know that child, so it stays out of its chain — no mails about
/// it, no part in who coordinates it. The organisation is mailed to record
/// its own youth again with the right BSN.
pub async fn resolve(
    tx: &mut PgConnection,
    youth: Uuid,
    organisation: Uuid,
    region: Uuid,
    admin: Uuid,
    decision: Decision,
) -> Result<bool, sqlx::Error> {
    let happened = versions::resolve(tx, youth, organisation, region, admin, decision).await?;
    let resolved = happened.is_some();
    follow_if(tx, happened).await?;
    if resolved && decision == Decision::WrongBsn {
        for (is_signal, id) in versions::active_of(tx, youth, organisation).await? {
            chain::finish(
                tx,
                is_signal,
                id,
                Owner::Organisation(organisation),
                EndReason::InError,
                false,
            )
            .await?;
            let (action, table) = if is_signal {
                ("signal_close", "signal")
            } else {
                ("registration_end", "registration")
            };
            let entry = audit::system_entry(
                Some(organisation),
                action,
                table,
                vec![youth.to_string(), id.to_string()],
            );
            audit::record_many(&mut *tx, &[entry]).await?;
        }
    }
    Ok(resolved)
}
