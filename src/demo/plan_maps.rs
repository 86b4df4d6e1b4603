//! The demo's whitespace maps: our offerings, and for every key account three
//! of the client's sites with each cell served by us, a named competitor,
//! in-house or nobody, with an estimated value — open cells to turn into
//! opportunities. And a reports-to tree of every key account's contacts: the
//! most senior decision maker at the top (the executive sponsor), two reports
//! under them, the others under those two.

use rust_decimal::Decimal;
use sqlx::PgConnection;

const OFFERINGS: &[&str] = &[
    "Transport",
    "Entreposage",
    "Co-packing",
    "Gestion des retours",
    "Conseil supply chain",
];

const UNITS: &[&str] = &["Siège", "Plateforme Nord", "Plateforme Sud"];

const COMPETITORS: &[&str] = &["Geodis", "Kuehne+Nagel", "XPO"];

pub async fn load(tx: &mut PgConnection) -> sqlx::Result<()> {
    let mut offerings = Vec::new();
    for (i, name) in OFFERINGS.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO offerings (name, position) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET position = excluded.position RETURNING id",
        )
        .bind(name)
        .bind(i as i32)
        .fetch_one(&mut *tx)
        .await?;
        offerings.push(id);
    }
    let accounts: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE tier = 'key_account' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    for (a, account_id) in accounts.into_iter().enumerate() {
        for (u, unit) in UNITS.iter().enumerate() {
            let unit_id: i64 = sqlx::query_scalar(
                "INSERT INTO account_units (account_id, name, position) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(account_id)
            .bind(unit)
            .bind(u as i32)
            .fetch_one(&mut *tx)
            .await?;
            for (o, offering_id) in offerings.iter().enumerate() {
                // A spread that differs by account: most cells known, one not.
                let k = a + u * 2 + o;
                let (served_by, competitor) = match k % 5 {
                    0 | 3 => ("us", None),
                    1 => ("competitor", Some(COMPETITORS[k % COMPETITORS.len()])),
                    2 => ("in_house", None),
                    _ if o == 4 && u == 0 => continue,
                    _ => ("nobody", None),
                };
                let value = Decimal::from(20_000 + 15_000 * ((k * 7) % 11) as i64);
                sqlx::query(
                    "INSERT INTO whitespace_cells (account_id, unit_id, offering_id, served_by, competitor, value) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(account_id)
                .bind(unit_id)
                .bind(offering_id)
                .bind(served_by)
                .bind(competitor)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    reports_to(tx).await
}

async fn reports_to(tx: &mut PgConnection) -> sqlx::Result<()> {
    let accounts: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE tier = 'key_account' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    for account_id in accounts {
        let people: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM contacts WHERE account_id = $1 \
             ORDER BY (influence = 'decision_maker') DESC, (function = 'management') DESC, id",
        )
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?;
        let Some(&top) = people.first() else { continue };
        sqlx::query("UPDATE contacts SET executive_sponsor = true WHERE id = $1")
            .bind(top)
            .execute(&mut *tx)
            .await?;
        for (i, &c) in people.iter().enumerate().skip(1) {
            let manager = if i <= 2 { top } else { people[1 + (i % 2)] };
            sqlx::query("UPDATE contacts SET reports_to = $2 WHERE id = $1")
                .bind(c)
                .bind(manager)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}
