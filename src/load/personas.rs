//! Who drives the run: the users the load signs in as, and the survey links opened for it.

use anyhow::ensure;
use sqlx::PgPool;

/// Who a client is and what it may touch, read from the database before the run.
#[derive(Clone)]
pub(super) enum Part {
    Director {
        accounts: Vec<i64>,
    },
    Kam {
        accounts: Vec<i64>,
        kpis: Vec<(i64, i64)>,
        /// The same KPIs as a CSV file names them: (account slug, KPI code).
        codes: Vec<(String, String)>,
    },
    Client {
        kpis: Vec<(i64, String)>,
    },
}

#[derive(Clone)]
pub(super) struct Persona {
    pub(super) email: String,
    pub(super) role: Part,
}

pub(super) async fn personas(db: &PgPool) -> anyhow::Result<Vec<Persona>> {
    let mut out = Vec::new();
    let accounts: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id")
        .fetch_all(db)
        .await?;
    let directors: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE role = 'director' AND active ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    for email in directors {
        out.push(Persona {
            email,
            role: Part::Director {
                accounts: accounts.clone(),
            },
        });
    }
    // KAMs: their own accounts' monthly KPIs (this month's value is theirs to enter).
    let kams: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, u.id FROM users u WHERE u.role = 'kam' AND u.active ORDER BY u.id",
    )
    .fetch_all(db)
    .await?;
    for (email, id) in kams {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT a.id, k.id, a.slug, k.code FROM accounts a JOIN account_kpis k ON k.account_id = a.id
             WHERE a.owner_id = $1 AND k.frequency = 'monthly' ORDER BY k.id",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let kpis: Vec<(i64, i64)> = rows.iter().map(|(a, k, _, _)| (*a, *k)).collect();
        let codes = rows.into_iter().map(|(_, _, a, k)| (a, k)).collect();
        let mut accounts: Vec<i64> = kpis.iter().map(|(a, _)| *a).collect();
        accounts.sort_unstable();
        accounts.dedup();
        if !kpis.is_empty() {
            out.push(Persona {
                email,
                role: Part::Kam {
                    accounts,
                    kpis,
                    codes,
                },
            });
        }
    }
    // Client users: KPIs of their account that hold a value last month.
    let clients: Vec<(String, i64)> = sqlx::query_as(
        "SELECT email, account_id FROM users WHERE role = 'client' AND active AND account_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    for (email, account) in clients {
        let kpis: Vec<(i64, String)> = sqlx::query_as(
            "SELECT k.id, to_char(v.period, 'YYYY-MM') FROM account_kpis k
             JOIN kpi_values v ON v.account_kpi_id = k.id
             WHERE k.account_id = $1 AND k.frequency = 'monthly' AND k.visibility <> 'internal'
               AND v.period = date_trunc('month', now() - interval '1 month')::date
             ORDER BY k.id",
        )
        .bind(account)
        .fetch_all(db)
        .await?;
        if !kpis.is_empty() {
            out.push(Persona {
                email,
                role: Part::Client { kpis },
            });
        }
    }
    ensure!(
        out.iter().any(|p| matches!(p.role, Part::Kam { .. })),
        "the database holds no KAM with monthly KPIs: load the demo first (`boussole demo`)"
    );
    Ok(out)
}

/// Personal survey links opened for this run: tokens, as a respondent's e-mail
/// carries them. Only their SHA-256 is stored, as for real links.
pub(super) async fn open_survey_links(
    db: &PgPool,
    run: &str,
    count: usize,
) -> anyhow::Result<(i64, Vec<String>)> {
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1")
        .fetch_one(db)
        .await?;
    let mut tx = db.begin().await?;
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO survey_campaigns (account_id, title, closes_at)
         VALUES ($1, $2, now() + interval '1 day') RETURNING id",
    )
    .bind(account)
    .bind(format!("load run {run}"))
    .fetch_one(&mut *tx)
    .await?;
    let tokens: Vec<String> = (0..count).map(|_| crate::web::csrf::new_token()).collect();
    let hashes: Vec<String> = tokens
        .iter()
        .map(|t| crate::sharing::invitations::hash(t))
        .collect();
    sqlx::query(
        "INSERT INTO survey_links (campaign_id, token_hash, language, expires_at)
         SELECT $1, h, 'en', now() + interval '1 day' FROM unnest($2::text[]) AS h",
    )
    .bind(campaign)
    .bind(&hashes)
    .execute(&mut *tx)
    .await?;
    crate::db::commit(tx).await?;
    Ok((campaign, tokens))
}
