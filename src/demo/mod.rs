//! The demo portfolio: a supplier's sales organisation with twelve accounts across
//! industries and countries. Later features add their own demo data here.

mod activity;
mod director;
mod evaluation;
mod plan;
mod plan_maps;
mod requests;
pub mod reviews;
pub mod scorecard;
mod voc;
mod voc_texts;

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::audit;
use crate::auth::password;
use crate::users::Role;

/// The one password of every demo user (documented in the README).
pub const PASSWORD: &str = "boussole-demo";

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
}

pub const STAFF: &[DemoUser] = &[
    DemoUser {
        email: "admin@boussole.example",
        name: "Admin Boussole",
        role: Role::Admin,
    },
    DemoUser {
        email: "direction@boussole.example",
        name: "Diane Rousseau",
        role: Role::Director,
    },
    DemoUser {
        email: "kam.alice@boussole.example",
        name: "Alice Martin",
        role: Role::Kam,
    },
    DemoUser {
        email: "kam.bruno@boussole.example",
        name: "Bruno Lefèvre",
        role: Role::Kam,
    },
    DemoUser {
        email: "kam.chloe@boussole.example",
        name: "Chloé Dubois",
        role: Role::Kam,
    },
    DemoUser {
        email: "logistique@boussole.example",
        name: "Léa Moreau",
        role: Role::Contributor,
    },
    DemoUser {
        email: "finance@boussole.example",
        name: "Hugo Bernard",
        role: Role::Contributor,
    },
];

pub struct DemoAccount {
    pub slug: &'static str,
    pub name: &'static str,
    pub industry: &'static str,
    pub country: &'static str,
    pub international: bool,
    pub subsidiaries: i32,
    pub tier: &'static str,
    pub stage: i16,
    /// E-mail of the owning KAM.
    pub owner: &'static str,
    pub since: (i32, u32, u32),
    /// Name of the client user, if the account has one.
    pub client: Option<&'static str>,
}

const ALICE: &str = "kam.alice@boussole.example";
const BRUNO: &str = "kam.bruno@boussole.example";
const CHLOE: &str = "kam.chloe@boussole.example";

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        slug: "lumiere-retail",
        name: "Lumière Retail",
        industry: "Distribution",
        country: "FR",
        international: true,
        subsidiaries: 4,
        tier: "key_account",
        stage: 3,
        owner: ALICE,
        since: (2016, 3, 1),
        client: Some("Camille Laurent"),
    },
    DemoAccount {
        slug: "northwind-logistics",
        name: "Northwind Logistics",
        industry: "Transport & logistics",
        country: "GB",
        international: true,
        subsidiaries: 3,
        tier: "key_account",
        stage: 2,
        owner: BRUNO,
        since: (2019, 9, 15),
        client: Some("Oliver Hughes"),
    },
    DemoAccount {
        slug: "atelier-vernier",
        name: "Atelier Vernier",
        industry: "Luxe",
        country: "FR",
        international: true,
        subsidiaries: 6,
        tier: "key_account",
        stage: 4,
        owner: CHLOE,
        since: (2012, 1, 10),
        client: Some("Mathilde Vernier"),
    },
    DemoAccount {
        slug: "helios-energy",
        name: "Helios Energy",
        industry: "Energy",
        country: "DE",
        international: true,
        subsidiaries: 2,
        tier: "key_account",
        stage: 2,
        owner: ALICE,
        since: (2020, 5, 4),
        client: None,
    },
    DemoAccount {
        slug: "brightwell-pharma",
        name: "Brightwell Pharma",
        industry: "Pharmaceuticals",
        country: "GB",
        international: true,
        subsidiaries: 5,
        tier: "key_account",
        stage: 3,
        owner: BRUNO,
        since: (2015, 11, 2),
        client: Some("Priya Shah"),
    },
    DemoAccount {
        slug: "agrinova",
        name: "Coopérative Agrinova",
        industry: "Agroalimentaire",
        country: "FR",
        international: false,
        subsidiaries: 1,
        tier: "key_account",
        stage: 1,
        owner: CHLOE,
        since: (2021, 2, 1),
        client: None,
    },
    DemoAccount {
        slug: "maison-dufresne",
        name: "Maison Dufresne",
        industry: "Boissons",
        country: "BE",
        international: false,
        subsidiaries: 1,
        tier: "candidate",
        stage: 1,
        owner: ALICE,
        since: (2023, 6, 12),
        client: None,
    },
    DemoAccount {
        slug: "kestrel-aerospace",
        name: "Kestrel Aerospace",
        industry: "Aerospace",
        country: "US",
        international: true,
        subsidiaries: 2,
        tier: "key_account",
        stage: 2,
        owner: BRUNO,
        since: (2018, 4, 23),
        client: None,
    },
    DemoAccount {
        slug: "sante-plus",
        name: "Groupe Santé Plus",
        industry: "Santé",
        country: "FR",
        international: false,
        subsidiaries: 3,
        tier: "candidate",
        stage: 1,
        owner: CHLOE,
        since: (2022, 10, 3),
        client: None,
    },
    DemoAccount {
        slug: "meridian-telecom",
        name: "Meridian Telecom",
        industry: "Telecommunications",
        country: "ES",
        international: true,
        subsidiaries: 1,
        tier: "managed",
        stage: 1,
        owner: ALICE,
        since: (2017, 7, 7),
        client: None,
    },
    DemoAccount {
        slug: "alpine-textiles",
        name: "Alpine Textiles",
        industry: "Textiles",
        country: "CH",
        international: false,
        subsidiaries: 0,
        tier: "managed",
        stage: 1,
        owner: BRUNO,
        since: (2024, 1, 15),
        client: None,
    },
    DemoAccount {
        slug: "oceane-cosmetiques",
        name: "Océane Cosmétiques",
        industry: "Cosmétique",
        country: "FR",
        international: true,
        subsidiaries: 4,
        tier: "key_account",
        stage: 3,
        owner: CHLOE,
        since: (2014, 9, 1),
        client: Some("Inès Fabre"),
    },
];

/// The e-mail of an account's client user: `client@<slug>.example`.
pub fn client_email(slug: &str) -> String {
    format!("client@{slug}.example")
}

/// True when there is nothing yet (no users, no accounts): `serve --demo` loads then.
pub async fn is_empty(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM accounts)",
    )
    .fetch_one(pool)
    .await
}

/// Loads the demo in one transaction; refuses a database that already has data,
/// so it never mixes with real records.
pub async fn load(pool: &PgPool) -> anyhow::Result<()> {
    if !is_empty(pool).await? {
        anyhow::bail!(
            "the database already holds users or accounts; the demo loads only into an empty one"
        );
    }
    // One hash for all: they share the documented password, and hashing is slow by design.
    let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD)).await??;
    let mut tx = pool.begin().await?;
    let actor = audit::Actor {
        email: Some("demo".into()),
        ..Default::default()
    };

    for u in STAFF {
        sqlx::query("INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)")
            .bind(u.email)
            .bind(u.name)
            .bind(u.role)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
    }
    for a in ACCOUNTS {
        let since = NaiveDate::from_ymd_opt(a.since.0, a.since.1, a.since.2);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (slug, name, industry, country, international, subsidiaries_present, \
                                   tier, owner_id, stage, relationship_start) \
             VALUES ($1, $2, $3, $4, $5, $6, $7::account_tier, (SELECT id FROM users WHERE email = $8), $9, $10) \
             RETURNING id",
        )
        .bind(a.slug)
        .bind(a.name)
        .bind(a.industry)
        .bind(a.country)
        .bind(a.international)
        .bind(a.subsidiaries)
        .bind(a.tier)
        .bind(a.owner)
        .bind(a.stage)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(name) = a.client {
            sqlx::query("INSERT INTO users (email, name, role, account_id, password_hash) VALUES ($1, $2, 'client', $3, $4)")
                .bind(client_email(a.slug))
                .bind(name)
                .bind(id)
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
        }
    }
    scorecard::load(&mut tx).await?;
    evaluation::load(&mut tx).await?;
    activity::load(&mut tx).await?;
    // The director's demo plants the drivers of NPS in the scorecard values; the
    // survey answers then follow those values, so both tell the same story.
    director::load(&mut tx).await?;
    voc::load(&mut tx).await?;
    requests::load(&mut tx, chrono::Utc::now().date_naive()).await?;
    // Plans last: they read the contacts and the scorecard state.
    plan::load(&mut tx).await?;
    plan_maps::load(&mut tx).await?;
    // Business reviews last: their decisions point at the plan's actions.
    reviews::load(&mut tx, chrono::Utc::now().date_naive()).await?;
    audit::record(
        &mut *tx,
        &actor,
        audit::Entry::new(audit::Action::DemoLoaded),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}
