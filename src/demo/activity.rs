//! Demo of the activity feeds: the audit trail that real use would have left —
//! each account's climb up the pyramid (with its reasons), the values entered in
//! the last months, the client's validations, contests and answers — plus joint
//! target proposals at the cooperative and integrated stages. Feeds and
//! notifications read the audit trail, so this is what makes them non-empty.

use sqlx::PgConnection;

use crate::audit::Action;

/// Why demo accounts climbed each stage (FR, as the demo KAMs write in French).
const REASONS: [&str; 3] = [
    "Comité de pilotage : le client souhaite suivre nos résultats logistiques et financiers.",
    "Atelier commun sur les objectifs ; le client valide désormais nos chiffres.",
    "Plan d'affaires conjoint signé : un tableau de bord unique pour les deux équipes.",
];

pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    // Stage history: each step some four months apart, the last one six weeks ago.
    let accounts: Vec<(i64, i16, Option<i64>)> =
        sqlx::query_as("SELECT id, stage, owner_id FROM accounts WHERE stage >= 2")
            .fetch_all(&mut *tx)
            .await?;
    for (id, stage, owner) in accounts {
        for to in 2..=stage {
            let days_ago = 45 + 120 * i32::from(stage - to);
            let reason = REASONS[(to - 2) as usize];
            sqlx::query(
                "INSERT INTO stage_changes (account_id, from_stage, to_stage, reason, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, now() - make_interval(days => $6))",
            )
            .bind(id)
            .bind(to - 1)
            .bind(to)
            .bind(reason)
            .bind(owner)
            .bind(days_ago)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, account_id, before, after) \
                 VALUES (now() - make_interval(days => $5), $2, 'account.stage_changed', 'account', $1::text, $1, \
                         jsonb_build_object('stage', $3::int - 1), \
                         jsonb_build_object('stage', $3::int, 'reason', $4::text))",
            )
            .bind(id)
            .bind(owner)
            .bind(i32::from(to))
            .bind(reason)
            .bind(days_ago)
            .execute(&mut *tx)
            .await?;
        }
    }

    // Values entered over the last four months, by whoever entered them.
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, account_id, after) \
         SELECT v.created_at, v.entered_by, 'kpi_value.created', 'kpi_value', k.id || ':' || v.period, \
                k.account_id, jsonb_build_object('value', v.value, 'source', v.source) \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE v.created_at > now() - interval '4 months' ORDER BY v.created_at",
    )
    .execute(&mut *tx)
    .await?;
    // The client's recent validations.
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, account_id, after) \
         SELECT v.validation_at, v.validation_by, 'kpi_value.validated', 'kpi_value', k.id || ':' || v.period, \
                k.account_id, jsonb_build_object('validation', 'validated') \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE v.validation = 'validated' AND v.validation_at BETWEEN now() - interval '3 months' AND now() \
         ORDER BY v.validation_at",
    )
    .execute(&mut *tx)
    .await?;
    // Contests, answers and comments of the evaluation threads.
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, account_id, after) \
         SELECT m.created_at, m.author_id, \
                CASE m.kind WHEN 'contested' THEN 'kpi_value.contested' WHEN 'kept' THEN 'kpi_value.kept' \
                            ELSE 'kpi_value.commented' END, \
                'kpi_value', k.id || ':' || v.period, k.account_id, jsonb_build_object('body', m.body) \
         FROM value_messages m JOIN kpi_values v ON v.id = m.value_id \
         JOIN account_kpis k ON k.id = v.account_kpi_id ORDER BY m.created_at",
    )
    .execute(&mut *tx)
    .await?;

    // Joint targets: on each stage-3+ account with a client user, the client
    // proposed a target for next year on its first shared KPI (still open), and an
    // earlier supplier proposal on the second one was accepted by the client.
    let picks: Vec<(i64, i64, i64, i64, f64, i64)> = sqlx::query_as(
        "SELECT k.id, k.account_id, c.id, a.owner_id, k.target::float8, \
                row_number() OVER (PARTITION BY k.account_id ORDER BY k.universe, k.position, k.id) \
         FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN LATERAL (SELECT id FROM users WHERE account_id = a.id AND role = 'client' LIMIT 1) c ON true \
         WHERE a.stage >= 3 AND k.visibility <> 'internal' AND k.unit IN ('percent', 'score')",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (kpi, account, client, owner, target, n) in picks.into_iter().filter(|p| p.5 <= 2) {
        if n == 1 {
            let proposed = (target * 1.03 * 10.0).round() / 10.0;
            sqlx::query(
                "INSERT INTO target_proposals (account_kpi_id, period, target, comment, proposed_by, side, created_at) \
                 VALUES ($1, NULL, $2::float8::numeric, $3, $4, 'client', now() - interval '4 days')",
            )
            .bind(kpi)
            .bind(proposed)
            .bind("Nous visons plus haut cette année, en ligne avec notre plan interne.")
            .bind(client)
            .execute(&mut *tx)
            .await?;
            audit_target(
                tx,
                Action::KpiTargetProposed,
                client,
                kpi,
                account,
                proposed,
                4,
            )
            .await?;
        } else {
            let agreed = target;
            sqlx::query(
                "INSERT INTO target_proposals (account_kpi_id, period, target, comment, proposed_by, side, \
                                               status, decided_by, decided_at, created_at) \
                 VALUES ($1, NULL, $2::float8::numeric, $3, $4, 'supplier', 'accepted', $5, \
                         now() - interval '20 days', now() - interval '26 days')",
            )
            .bind(kpi)
            .bind(agreed)
            .bind("Objectif proposé après la revue trimestrielle.")
            .bind(owner)
            .bind(client)
            .execute(&mut *tx)
            .await?;
            audit_target(
                tx,
                Action::KpiTargetProposed,
                owner,
                kpi,
                account,
                agreed,
                26,
            )
            .await?;
            audit_target(
                tx,
                Action::KpiTargetAgreed,
                client,
                kpi,
                account,
                agreed,
                20,
            )
            .await?;
        }
    }
    Ok(())
}

async fn audit_target(
    tx: &mut PgConnection,
    action: Action,
    actor: i64,
    kpi: i64,
    account: i64,
    target: f64,
    days_ago: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, account_id, after) \
         VALUES (now() - make_interval(days => $6), $2, $1, 'account_kpi', $3::text, $4, \
                 jsonb_build_object('target', $5::float8))",
    )
    .bind(action.code())
    .bind(actor)
    .bind(kpi)
    .bind(account)
    .bind(target)
    .bind(days_ago)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
