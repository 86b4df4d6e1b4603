//! Demo of mutual evaluation on the accounts at stage 3 and 4 that have client
//! users: past shared values validated by the client, the latest ones awaiting,
//! and on each account one contested value (with a proposal and a comment) and
//! one contest already resolved, so that queues, threads and statuses show.

use sqlx::PgConnection;

pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    // Everything before each shared KPI's latest period was validated by the client
    // a week or two after it was entered.
    sqlx::query(
        "UPDATE kpi_values v SET validation = 'validated', \
                validation_at = v.updated_at + interval '9 days', \
                validation_by = (SELECT id FROM users c WHERE c.account_id = a.id AND c.role = 'client' LIMIT 1) \
         FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE v.account_kpi_id = k.id AND k.visibility <> 'internal' AND a.stage >= 3 \
           AND EXISTS (SELECT 1 FROM users c WHERE c.account_id = a.id AND c.role = 'client') \
           AND v.period < (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id)",
    )
    .execute(&mut *tx)
    .await?;

    // Per account: the latest value of its first shared KPI is contested (with a
    // proposal 5 % better for the client's argument), the second one's contest is
    // resolved (kept, with the KAM's answer).
    let picks: Vec<(i64, i64, String, i64, i64, f64, i32)> = sqlx::query_as(
        "SELECT v.id, k.account_id, a.slug, \
                (SELECT id FROM users c WHERE c.account_id = a.id AND c.role = 'client' LIMIT 1) AS client_id, \
                a.owner_id, v.value::float8, \
                row_number() OVER (PARTITION BY k.account_id ORDER BY k.universe, k.position, k.id)::int AS n \
         FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN kpi_values v ON v.account_kpi_id = k.id \
              AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) \
         WHERE k.visibility <> 'internal' AND a.stage >= 3 AND k.unit IN ('percent', 'score', 'days', 'hours') \
           AND EXISTS (SELECT 1 FROM users c WHERE c.account_id = a.id AND c.role = 'client')",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (value_id, _account, slug, client, owner, value, n) in
        picks.into_iter().filter(|p| p.6 <= 2)
    {
        let english = matches!(slug.as_str(), "brightwell-pharma" | "northwind-logistics");
        if n == 1 {
            let proposal = (value * 1.05 * 100.0).round() / 100.0;
            let body = if english {
                "Our own records differ: two late deliveries were caused by our warehouse closure, not by you."
            } else {
                "Nos relevés diffèrent : deux retards sont dus à la fermeture de notre entrepôt, pas à vous."
            };
            sqlx::query(
                "INSERT INTO value_messages (value_id, author_id, side, kind, body, proposed_value, created_at) \
                 VALUES ($1, $2, 'client', 'contested', $3, $4::float8::numeric, now() - interval '3 days')",
            )
            .bind(value_id)
            .bind(client)
            .bind(body)
            .bind(proposal.min(100.0))
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE kpi_values SET validation = 'contested', validation_at = now() - interval '3 days', validation_by = $2 WHERE id = $1")
                .bind(value_id)
                .bind(client)
                .execute(&mut *tx)
                .await?;
        } else {
            let (question, answer) = if english {
                (
                    "This looks low compared with last quarter. Can you check?",
                    "Checked with our finance team: the figure includes the credit note of the 12th, so it stands.",
                )
            } else {
                (
                    "Ce chiffre paraît bas par rapport au trimestre dernier. Pouvez-vous vérifier ?",
                    "Vérifié avec la finance : le chiffre intègre l’avoir du 12, il est donc maintenu.",
                )
            };
            sqlx::query(
                "INSERT INTO value_messages (value_id, author_id, side, kind, body, created_at) VALUES \
                 ($1, $2, 'client', 'contested', $4, now() - interval '12 days'), \
                 ($1, $3, 'supplier', 'kept', $5, now() - interval '10 days'), \
                 ($1, $2, 'client', 'comment', $6, now() - interval '9 days')",
            )
            .bind(value_id)
            .bind(client)
            .bind(owner)
            .bind(question)
            .bind(answer)
            .bind(if english { "Thanks, understood." } else { "Merci, c’est clair." })
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE kpi_values SET validation = 'resolved', validation_at = now() - interval '10 days', validation_by = $2 WHERE id = $1")
                .bind(value_id)
                .bind(owner)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}
