//! Demo data for the Groningen region. Idempotent: running it again changes
//! nothing. Never run with APP_ENV=production (the configuration refuses it).

use super::{organisations, users};
use crate::domain::{organisation::OrganisationKind, role::Role};
use sqlx::PgPool;

/// The demo password of every demo account. Demo only.
pub const DEMO_PASSWORD: &str = "demo-wachtwoord";

pub const GRONINGEN_MUNICIPALITIES: [(&str, &str); 10] = [
    ("GM0014", "Groningen"),
    ("GM0037", "Stadskanaal"),
    ("GM0047", "Veendam"),
    ("GM0765", "Pekela"),
    ("GM1895", "Oldambt"),
    ("GM1950", "Westerwolde"),
    ("GM1952", "Midden-Groningen"),
    ("GM1966", "Het Hogeland"),
    ("GM1969", "Westerkwartier"),
    ("GM1979", "Eemsdelta"),
];

const ORGANISATIONS: [(&str, OrganisationKind); 8] = [
    ("GGD Groningen", OrganisationKind::Jgz),
    ("WIJ Groningen", OrganisationKind::Wijkteam),
    ("Basisschool De Wilgen", OrganisationKind::School),
    ("Politie Noord-Nederland", OrganisationKind::Politie),
    ("Accare", OrganisationKind::Ggz),
    ("Jeugdbescherming Noord", OrganisationKind::Jeugdbescherming),
    ("Regiobureau Jeugd Groningen", OrganisationKind::Gemeente),
    ("Gemeente Groningen", OrganisationKind::Gemeente),
];

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub organisation: &'static str,
    pub roles: &'static [Role],
}

pub const DEMO_USERS: [DemoUser; 9] = [
    DemoUser {
        email: "anna@ggd.example",
        name: "Anna de Vries",
        phone: "050 367 4000",
        organisation: "GGD Groningen",
        roles: &[Role::Professional, Role::Coordinator],
    },
    DemoUser {
        email: "bram@wij.example",
        name: "Bram Bakker",
        phone: "050 367 6000",
        organisation: "WIJ Groningen",
        roles: &[Role::Professional, Role::Coordinator],
    },
    DemoUser {
        email: "carla@school.example",
        name: "Carla Jansen",
        phone: "050 525 1234",
        organisation: "Basisschool De Wilgen",
        roles: &[Role::Professional],
    },
    DemoUser {
        email: "dirk@politie.example",
        name: "Dirk Mulder",
        phone: "0900 8844",
        organisation: "Politie Noord-Nederland",
        roles: &[Role::Professional],
    },
    DemoUser {
        email: "eva@accare.example",
        name: "Eva Smit",
        phone: "088 020 2020",
        organisation: "Accare",
        roles: &[Role::Professional],
    },
    DemoUser {
        email: "rita@regio.example",
        name: "Rita Hoekstra",
        phone: "050 367 9100",
        organisation: "Regiobureau Jeugd Groningen",
        roles: &[Role::RegionAdmin],
    },
    DemoUser {
        email: "gert@gemeente.example",
        name: "Gert Visser",
        phone: "14 050",
        organisation: "Gemeente Groningen",
        roles: &[Role::MunicipalityAnalyst],
    },
    // Two professionals of a chain partner no demo story uses: to try
    // two-factor log-in and a password change on (the browser tests do,
    // one account per test project).
    DemoUser {
        email: "femke@jbnoord.example",
        name: "Femke de Boer",
        phone: "050 317 3000",
        organisation: "Jeugdbescherming Noord",
        roles: &[Role::Professional],
    },
    DemoUser {
        email: "hans@jbnoord.example",
        name: "Hans Kramer",
        phone: "050 317 3001",
        organisation: "Jeugdbescherming Noord",
        roles: &[Role::Professional],
    },
];

/// Loads the demo region, organisations and users in one transaction.
/// `password_hash` is the Argon2id hash of [`DEMO_PASSWORD`].
pub async fn load(pool: &PgPool, password_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let region = organisations::upsert_region(&mut *tx, "Groningen").await?;
    for (code, name) in GRONINGEN_MUNICIPALITIES {
        organisations::upsert_municipality(&mut *tx, code, name, region).await?;
    }
    let mut org_ids = Vec::new();
    for (name, kind) in ORGANISATIONS {
        let id = organisations::upsert_organisation(&mut tx, region, name, kind, kind.default_capabilities())
            .await?;
        org_ids.push((name, id));
    }
    for user in &DEMO_USERS {
        let organisation_id = org_ids
            .iter()
            .find(|(n, _)| *n == user.organisation)
            .map(|(_, id)| *id)
            .expect("every demo user names a demo organisation");
        let id = users::insert_if_absent(
            &mut tx,
            &users::NewUser {
                organisation_id,
                email: user.email,
                name: user.name,
                phone: user.phone,
                password_hash,
                roles: user.roles,
                two_factor_exempt: true,
            },
        )
        .await?;
        if user.roles.contains(&Role::MunicipalityAnalyst) {
            users::add_analyst_municipality(&mut *tx, id, "GM0014").await?;
        }
    }
    demo_covenant(&mut tx, region).await?;
    tx.commit().await?;
    demo_history(pool, region, &org_ids).await
}

/// Three years of finished cases in the demo region, so the reporting page
/// has something to show: written by inactive "archief" accounts (one per
/// organisation that takes part), never on anyone's lists, boards or mail.
/// Once: skipped when the history is there.
async fn demo_history(
    pool: &PgPool,
    region: uuid::Uuid,
    orgs: &[(&str, uuid::Uuid)],
) -> Result<(), sqlx::Error> {
    use crate::server::generate::{fill, Org, Population, Spec};
    let done: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE email LIKE 'archief.%@demo.example') AS "done!""#
    )
    .fetch_one(pool)
    .await?;
    if done {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    let mut population = Vec::new();
    for ((name, kind), (_, id)) in ORGANISATIONS.iter().zip(orgs) {
        if *kind == OrganisationKind::Gemeente {
            continue;
        }
        let email = format!("archief.{}@demo.example", kind.as_str());
        let user = users::insert_if_absent(
            &mut conn,
            &users::NewUser {
                organisation_id: *id,
                email: &email,
                name: &format!("Archief {name}"),
                phone: "",
                // Not a valid hash: nobody logs in as the archive.
                password_hash: "!",
                roles: &[Role::Professional],
                two_factor_exempt: true,
            },
        )
        .await?;
        sqlx::query!("UPDATE users SET active = false WHERE id = $1", user)
            .execute(&mut *conn)
            .await?;
        population.push(Org {
            id: *id,
            kind: kind.as_str(),
            users: vec![user],
        });
    }
    let sizes = [234.0, 31.0, 27.0, 12.0, 38.0, 25.0, 61.0, 48.0, 65.0, 45.0];
    let pop = Population {
        municipalities: GRONINGEN_MUNICIPALITIES
            .iter()
            .zip(sizes)
            .map(|((code, _), size)| (code.to_string(), size, 0))
            .collect(),
        regions: vec![(region, population)],
    };
    let spec = Spec {
        youths: 2_000,
        registrations: 1_500,
        signals: 3_000,
        coordinations: 400,
        actions: 1_000,
        escalations: 40,
        handovers: 60,
        years: 3,
        until: crate::domain::today(),
        history_only: true,
        seed: 2026,
        bsn_offset: 0,
    };
    fill(pool, &spec, &pop).await?;
    Ok(())
}

/// The demo region's covenant, version 2 (once): young children to JGZ,
/// child protection when it is involved, adolescents to youth mental
/// health care, then the neighbourhood team; else the fallback.
async fn demo_covenant(tx: &mut sqlx::PgConnection, region: uuid::Uuid) -> Result<(), sqlx::Error> {
    use crate::domain::covenant::{KindsMode, Rule, RuleOutcome};
    let has: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM covenant_versions WHERE region_id = $1 AND version > 1) AS "has!""#,
        region
    )
    .fetch_one(&mut *tx)
    .await?;
    if has {
        return Ok(());
    }
    let rule = |min_age, max_age, kind: OrganisationKind| Rule {
        min_age,
        max_age,
        municipalities: vec![],
        kinds_mode: KindsMode::AnyOf,
        kinds: vec![kind],
        first_kind: None,
        outcome: RuleOutcome::Kind(kind),
    };
    let rules = vec![
        rule(Some(0), Some(4), OrganisationKind::Jgz),
        rule(None, None, OrganisationKind::Jeugdbescherming),
        rule(Some(12), Some(22), OrganisationKind::Ggz),
        rule(None, None, OrganisationKind::Wijkteam),
    ];
    sqlx::query!(
        "INSERT INTO covenant_versions (id, region_id, version, rules, activated_at) VALUES ($1, $2, 2, $3, now())",
        uuid::Uuid::new_v4(),
        region,
        serde_json::to_value(rules).expect("rules serialise")
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
