//! The organisations' own versions of a youth's personal data, where they
//! typed another name or date of birth than stored at the BSN, and the
//! region admin's resolution of each (see migration youth_versions).

use crate::domain::{
    data_quality::{Decision, Mismatch, Overdue, Personalia},
    youth::full_name,
};
use crate::server::db::happened::Happened;
use sqlx::PgConnection;
use uuid::Uuid;

/// The open mismatches of `region` (the youth's stored municipality or the
/// typed one lies in it), the oldest first.
pub async fn open_in_region(tx: &mut PgConnection, region: Uuid) -> Result<Vec<Mismatch>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT v.youth_id, v.organisation_id, y.bsn_tail AS "bsn_tail!",
                  y.given_names, y.prefix, y.family_name, y.birth_date, ym.name AS stored_municipality,
                  v.given_names AS v_given_names, v.prefix AS v_prefix, v.family_name AS v_family_name,
                  v.birth_date AS v_birth_date, vm.name AS typed_municipality,
                  o.name AS organisation, u.name AS typed_by,
                  (v.since AT TIME ZONE 'Europe/Amsterdam')::date AS "since!",
                  (now()::date - v.since::date) AS "age_days!",
                  coalesce((SELECT array_agg(DISTINCT io.name ORDER BY io.name)
                              FROM involvements i JOIN organisations io ON io.id = i.organisation_id
                             WHERE i.youth_id = y.id
                               AND NOT EXISTS (SELECT 1 FROM youth_versions w
                                                WHERE w.youth_id = y.id AND w.organisation_id = i.organisation_id)),
                           '{}') AS "stored_organisations!"
             FROM youth_versions v
             JOIN youths y ON y.id = v.youth_id
             JOIN municipalities ym ON ym.code = y.municipality_code
             JOIN municipalities vm ON vm.code = v.municipality_code
             JOIN organisations o ON o.id = v.organisation_id
             JOIN users u ON u.id = v.typed_by
            WHERE v.wrong_bsn_at IS NULL AND (ym.region_id = $1 OR vm.region_id = $1)
            ORDER BY v.since, v.youth_id, v.organisation_id"#,
        region
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Mismatch {
            youth_id: r.youth_id,
            organisation_id: r.organisation_id,
            bsn_masked: format!("******{}", r.bsn_tail),
            stored: Personalia {
                name: full_name(&r.given_names, &r.prefix, &r.family_name),
                birth_date: r.birth_date,
                municipality: r.stored_municipality,
            },
            stored_organisations: r.stored_organisations,
            typed: Personalia {
                name: full_name(&r.v_given_names, &r.v_prefix, &r.v_family_name),
                birth_date: r.v_birth_date,
                municipality: r.typed_municipality,
            },
            typed_organisation: r.organisation,
            typed_by: r.typed_by,
            since: r.since,
            age_days: i64::from(r.age_days),
        })
        .collect())
}

/// How many mismatches of `region` are open longer than `days`.
pub async fn overdue_in_region(
    db: impl sqlx::PgExecutor<'_>,
    region: Uuid,
    days: i64,
) -> Result<Vec<Overdue>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT o.name AS typed_organisation, (v.since AT TIME ZONE 'Europe/Amsterdam')::date AS "since!",
                  ((now() AT TIME ZONE 'Europe/Amsterdam')::date
                   - (v.since AT TIME ZONE 'Europe/Amsterdam')::date) AS "days!"
             FROM youth_versions v
             JOIN youths y ON y.id = v.youth_id
             JOIN organisations o ON o.id = v.organisation_id
             JOIN municipalities ym ON ym.code = y.municipality_code
             JOIN municipalities vm ON vm.code = v.municipality_code
            WHERE v.wrong_bsn_at IS NULL AND (ym.region_id = $1 OR vm.region_id = $1)
              AND v.since < now() - make_interval(days => $2::int)
            ORDER BY v.since, o.name"#,
        region,
        days as i32
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| Overdue {
        typed_organisation: r.typed_organisation,
        since: r.since,
        days: r.days.into(),
    })
    .collect())
}

/// Resolves the open mismatch of `organisation` on `youth` in `region`
/// (checked here); `None` when there is no such open mismatch. Reports
/// whom it concerns: the involved professionals whose view of the youth
/// changed, or who must correct a mistyped BSN, each with the name they
/// now see.
pub async fn resolve(
    tx: &mut PgConnection,
    youth: Uuid,
    organisation: Uuid,
    region: Uuid,
    admin: Uuid,
    decision: Decision,
) -> Result<Option<Vec<Happened>>, sqlx::Error> {
    // The youth row first, then the version: the order `record` locks in.
    let open = sqlx::query_scalar!(
        r#"SELECT 1 AS "open!" FROM youths y
             JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $2 AND v.wrong_bsn_at IS NULL
             JOIN municipalities ym ON ym.code = y.municipality_code
             JOIN municipalities vm ON vm.code = v.municipality_code
            WHERE y.id = $1 AND (ym.region_id = $3 OR vm.region_id = $3)
            FOR UPDATE OF y, v"#,
        youth,
        organisation,
        region
    )
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        return Ok(None);
    }
    // Who is told: the organisation's professionals for its own version
    // (kept or mistyped), everyone else who saw the stored data when that
    // changes.
    let (told_org, others) = match decision {
        Decision::KeepStored | Decision::WrongBsn => (true, false),
        Decision::TakeTyped => (false, true),
    };
    match decision {
        Decision::KeepStored => {
            sqlx::query!(
                "DELETE FROM youth_versions WHERE youth_id = $1 AND organisation_id = $2",
                youth,
                organisation
            )
            .execute(&mut *tx)
            .await?;
        }
        Decision::TakeTyped => {
            sqlx::query!(
                "WITH v AS (DELETE FROM youth_versions WHERE youth_id = $1 AND organisation_id = $2 RETURNING *)
                 UPDATE youths y SET given_names = v.given_names, prefix = v.prefix, family_name = v.family_name,
                                     birth_date = v.birth_date, municipality_code = v.municipality_code
                   FROM v WHERE y.id = v.youth_id",
                youth,
                organisation
            )
            .execute(&mut *tx)
            .await?;
        }
        Decision::WrongBsn => {
            sqlx::query!(
                "UPDATE youth_versions SET wrong_bsn_at = now(), wrong_bsn_by = $3
                  WHERE youth_id = $1 AND organisation_id = $2",
                youth,
                organisation,
                admin
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    let told = sqlx::query!(
        r#"SELECT DISTINCT u.id, u.name, coalesce(v.given_names, y.given_names) AS "given_names!",
                  coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!"
             FROM involvements i JOIN users u ON u.id = i.user_id AND u.active
             JOIN youths y ON y.id = i.youth_id
             LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = i.organisation_id
            WHERE i.youth_id = $1
              AND (($3 AND i.organisation_id = $2) OR ($4 AND i.organisation_id <> $2 AND v.youth_id IS NULL))"#,
        youth,
        organisation,
        told_org,
        others
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name, full_name(&r.given_names, &r.prefix, &r.family_name)))
    .collect();
    Ok(Some(vec![
        Happened::MismatchResolved {
            youth,
            told,
            same_person: decision != Decision::WrongBsn,
        },
        Happened::InvolvementsChanged { youths: vec![youth] },
    ]))
}

/// The active registrations (`false`) and open signals (`true`) of
/// `organisation` on `youth` made since it typed its other version: a
/// colleague's record from before, made with the stored data, stays.
pub async fn active_of(
    tx: &mut PgConnection,
    youth: Uuid,
    organisation: Uuid,
) -> Result<Vec<(bool, Uuid)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT false AS "is_signal!", r.id AS "id!" FROM registrations r
             JOIN youth_versions v ON v.youth_id = r.youth_id AND v.organisation_id = r.organisation_id
            WHERE r.youth_id = $1 AND r.organisation_id = $2 AND r.ended_at IS NULL AND r.started_at >= v.since
           UNION ALL
           SELECT true, s.id FROM signals s
             JOIN youth_versions v ON v.youth_id = s.youth_id AND v.organisation_id = s.organisation_id
            WHERE s.youth_id = $1 AND s.organisation_id = $2 AND s.closed_at IS NULL AND s.given_at >= v.since
           ORDER BY 1, 2"#,
        youth,
        organisation
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.is_signal, r.id))
    .collect())
}
