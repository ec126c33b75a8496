//! The set-based statements of `record`: idempotency lookup, the youth
//! upsert, and the insert of the involvements themselves.

use super::{NewInvolvement, Recorded, Stored};
use crate::domain::youth::Youth;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) async fn by_external_ref(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    is_signal: bool,
) -> Result<HashMap<(Uuid, String), Recorded>, sqlx::Error> {
    let refs: Vec<(Uuid, String)> = items
        .iter()
        .filter_map(|i| i.external_ref.clone().map(|e| (i.organisation_id, e)))
        .collect();
    if refs.is_empty() {
        return Ok(HashMap::new());
    }
    let orgs: Vec<Uuid> = refs.iter().map(|r| r.0).collect();
    let names: Vec<String> = refs.iter().map(|r| r.1.clone()).collect();
    // A statement per table, so both are checked.
    let rows: Vec<(Uuid, String, Recorded)> = if is_signal {
        sqlx::query!(
            r#"SELECT t.id, t.youth_id, t.organisation_id, t.external_ref AS "external_ref!", t.expires_at AS until
                 FROM signals t JOIN unnest($1::uuid[], $2::text[]) AS r(o, e)
                   ON t.organisation_id = r.o AND t.external_ref = r.e"#,
            &orgs,
            &names
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.organisation_id, r.external_ref, earlier(r.id, r.youth_id, r.until)))
        .collect()
    } else {
        sqlx::query!(
            r#"SELECT t.id, t.youth_id, t.organisation_id, t.external_ref AS "external_ref!",
                      t.end_date::timestamp AT TIME ZONE 'UTC' AS "until!"
                 FROM registrations t JOIN unnest($1::uuid[], $2::text[]) AS r(o, e)
                   ON t.organisation_id = r.o AND t.external_ref = r.e"#,
            &orgs,
            &names
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.organisation_id,
                r.external_ref,
                earlier(r.id, r.youth_id, r.until),
            )
        })
        .collect()
    };
    Ok(rows.into_iter().map(|(org, e, rec)| ((org, e), rec)).collect())
}

/// What an earlier call with the same external reference recorded.
fn earlier(id: Uuid, youth_id: Uuid, until: DateTime<Utc>) -> Recorded {
    Recorded {
        id,
        youth_id,
        until,
        created: false,
        matched: None,
    }
}

/// The stored id, data and region (of its municipality) of each youth, by
/// the BSN's lookup key; new ones are created. While a key rotation runs,
/// a youth still under the previous key moves on first (see
/// `server::pseudonym`), so it is found, not created twice.
pub(super) async fn upsert_youths(
    tx: &mut PgConnection,
    items: &[&NewInvolvement],
) -> Result<Stored, sqlx::Error> {
    let moving: Vec<(&[u8], &[u8])> = items
        .iter()
        .filter_map(|i| {
            i.pseudonym
                .previous
                .as_deref()
                .map(|p| (p, i.pseudonym.hmac.as_slice()))
        })
        .collect();
    if let Some(first) = items.first().filter(|_| !moving.is_empty()) {
        // In key order, as everywhere: two imports during a rotation
        // cannot deadlock on each other's youths.
        let mut old: Vec<Vec<u8>> = moving.iter().map(|m| m.0.to_vec()).collect();
        old.sort();
        sqlx::query!(
            "SELECT 1 AS one FROM youths WHERE bsn_hmac = ANY($1) ORDER BY bsn_hmac FOR UPDATE",
            &old
        )
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE youths y SET bsn_hmac = m.new, bsn_generation = $3::smallint
               FROM unnest($1::bytea[], $2::bytea[]) AS m(old, new)
              WHERE y.bsn_hmac = m.old AND y.bsn_generation = $3::smallint - 1",
            &moving.iter().map(|m| m.0.to_vec()).collect::<Vec<_>>(),
            &moving.iter().map(|m| m.1.to_vec()).collect::<Vec<_>>(),
            first.pseudonym.generation
        )
        .execute(&mut *tx)
        .await?;
    }
    let youths: Vec<&Youth> = items.iter().map(|i| &i.youth).collect();
    let rows = sqlx::query!(
        r#"INSERT INTO youths (id, bsn_hmac, bsn_tail, bsn_generation, given_names, prefix, family_name, birth_date,
                              municipality_code)
         SELECT id, h, t, $4::smallint, g, p, f, b, m
           FROM unnest($1::uuid[], $2::bytea[], $3::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::text[])
                AS x(id, h, t, g, p, f, b, m)
         ON CONFLICT (bsn_hmac) DO UPDATE SET bsn_hmac = EXCLUDED.bsn_hmac
         RETURNING id, bsn_hmac AS "bsn_hmac!", given_names, prefix, family_name, birth_date, municipality_code,
                   (SELECT region_id FROM municipalities m WHERE m.code = youths.municipality_code) AS "region_id!""#,
        &items.iter().map(|_| Uuid::new_v4()).collect::<Vec<_>>(),
        &items.iter().map(|i| i.pseudonym.hmac.clone()).collect::<Vec<_>>(),
        &items.iter().map(|i| i.pseudonym.tail.as_str()).collect::<Vec<_>>() as &[&str],
        items.first().map_or(1, |i| i.pseudonym.generation),
        &youths.iter().map(|y| y.given_names.as_str()).collect::<Vec<_>>() as &[&str],
        &youths.iter().map(|y| y.prefix.as_str()).collect::<Vec<_>>() as &[&str],
        &youths.iter().map(|y| y.family_name.as_str()).collect::<Vec<_>>() as &[&str],
        &youths.iter().map(|y| y.birth_date).collect::<Vec<_>>(),
        &youths.iter().map(|y| y.municipality_code.as_str()).collect::<Vec<_>>() as &[&str]
    )
    .fetch_all(&mut *tx)
    .await?;
    let typed: HashMap<&[u8], &Youth> = items
        .iter()
        .map(|i| (i.pseudonym.hmac.as_slice(), &i.youth))
        .collect();
    let mut map = HashMap::with_capacity(rows.len());
    for row in rows {
        let Some(youth) = typed.get(row.bsn_hmac.as_slice()) else {
            return Err(sqlx::Error::Protocol(
                "a youth came back that was not asked for".into(),
            ));
        };
        map.insert(
            row.bsn_hmac,
            (
                row.id,
                Youth {
                    bsn: youth.bsn.clone(),
                    given_names: row.given_names,
                    prefix: row.prefix,
                    family_name: row.family_name,
                    birth_date: row.birth_date,
                    municipality_code: row.municipality_code,
                },
                row.region_id,
            ),
        );
    }
    Ok(map)
}

/// Inserts the items at `todo` with `ids`; returns the ids that went in
/// with their end date or expiry. Conflicts are skipped, not raised.
pub(super) async fn insert(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    todo: &[usize],
    ids: &[Uuid],
    stored: &Stored,
    is_signal: bool,
) -> Result<HashMap<Uuid, DateTime<Utc>>, sqlx::Error> {
    let pick = |f: &dyn Fn(&NewInvolvement) -> Uuid| todo.iter().map(|i| f(&items[*i])).collect::<Vec<_>>();
    let youth_ids = pick(&|it| stored[&it.pseudonym.hmac].0);
    let users = pick(&|it| it.user_id);
    let orgs = pick(&|it| it.organisation_id);
    let refs: Vec<Option<String>> = todo.iter().map(|i| items[*i].external_ref.clone()).collect();
    let rows: HashMap<Uuid, DateTime<Utc>> = if is_signal {
        let kinds: Vec<&str> = todo
            .iter()
            .map(|i| items[*i].signal_kind.map_or("overig", |k| k.as_str()))
            .collect();
        sqlx::query!(
            "INSERT INTO signals (id, youth_id, user_id, organisation_id, kind, external_ref, expires_at)
             SELECT i, y, u, o, k, e, now() + interval '2 years'
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS x(i, y, u, o, k, e)
             ON CONFLICT DO NOTHING
             RETURNING id, expires_at AS until",
            ids,
            &youth_ids,
            &users,
            &orgs,
            &kinds as &[&str],
            &refs as &[Option<String>]
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.until))
        .collect()
    } else {
        let end_dates: Vec<NaiveDate> = todo.iter().map(|i| items[*i].end_date).collect();
        sqlx::query!(
            r#"INSERT INTO registrations (id, youth_id, user_id, organisation_id, end_date, external_ref)
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::date[], $6::text[])
               ON CONFLICT DO NOTHING
               RETURNING id, end_date::timestamp AT TIME ZONE 'UTC' AS "until!""#,
            ids,
            &youth_ids,
            &users,
            &orgs,
            &end_dates,
            &refs as &[Option<String>]
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.until))
        .collect()
    };
    Ok(rows)
}

/// Keeps the personal data of `items` as their organisations typed them,
/// where it differs from what is stored at the BSN. An organisation keeps
/// the first version it typed (a mismatch stays one until the region
/// admin resolves it); one whose BSN the admin found mistyped and that
/// types it again is a mismatch anew, back on the admin's list.
pub(super) async fn insert_versions(
    tx: &mut PgConnection,
    items: &[&NewInvolvement],
    stored: &Stored,
) -> Result<(), sqlx::Error> {
    // One row per youth and organisation (a bulk import may name a youth
    // twice): the first, as before, and no row updated twice.
    let mut seen = std::collections::HashSet::new();
    let items: Vec<&&NewInvolvement> = items
        .iter()
        .filter(|i| seen.insert((stored[&i.pseudonym.hmac].0, i.organisation_id)))
        .collect();
    let ys = || items.iter().map(|i| &i.youth);
    let ids = items.iter().map(|i| stored[&i.pseudonym.hmac].0);
    sqlx::query!(
        "INSERT INTO youth_versions (youth_id, organisation_id, given_names, prefix, family_name, birth_date,
                                     municipality_code, typed_by)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::uuid[])
         ON CONFLICT (youth_id, organisation_id) DO UPDATE
            SET given_names = EXCLUDED.given_names, prefix = EXCLUDED.prefix, family_name = EXCLUDED.family_name,
                birth_date = EXCLUDED.birth_date, municipality_code = EXCLUDED.municipality_code,
                typed_by = EXCLUDED.typed_by, since = now(), wrong_bsn_at = NULL, wrong_bsn_by = NULL
          WHERE youth_versions.wrong_bsn_at IS NOT NULL",
        &ids.collect::<Vec<_>>(),
        &items.iter().map(|i| i.organisation_id).collect::<Vec<_>>(),
        &ys().map(|y| y.given_names.as_str()).collect::<Vec<_>>() as &[&str],
        &ys().map(|y| y.prefix.as_str()).collect::<Vec<_>>() as &[&str],
        &ys().map(|y| y.family_name.as_str()).collect::<Vec<_>>() as &[&str],
        &ys().map(|y| y.birth_date).collect::<Vec<_>>(),
        &ys().map(|y| y.municipality_code.as_str()).collect::<Vec<_>>() as &[&str],
        &items.iter().map(|i| i.user_id).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
