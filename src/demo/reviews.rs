//! Demo business reviews (issue 13): for each account at the cooperative or
//! integrated stage (3–4), last quarter's review — participants from both
//! sides, agenda, minutes, two decisions, one of them an action of the plan —
//! and the next one on the client's fiscal calendar. `freeze_past` then freezes
//! the past reviews' packs and records the client's confirmation: it renders
//! PDFs, so it runs after the demo's transaction has committed (the pack reads
//! committed data), from the `demo` command and `serve --demo`.

use chrono::{Days, Months, NaiveDate};
use sqlx::{PgConnection, PgPool};

use crate::reviews::model::{self, ReviewKind};

const AGENDA_FR: &str = "Où en sommes-nous : tableau de bord et tendance\nVoix du client\nEngagements de la dernière revue\nPlan de compte : objectifs et actions\nDécisions";

/// The reviews of the stage 3–4 accounts, inside the demo's transaction.
pub async fn load(tx: &mut PgConnection, today: NaiveDate) -> sqlx::Result<()> {
    let accounts: Vec<(i64, i64, i16)> = sqlx::query_as(
        "SELECT id, owner_id, fiscal_start_month FROM accounts WHERE stage >= 3 AND owner_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (account_id, owner, fiscal) in accounts {
        let contacts: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM contacts WHERE account_id = $1 ORDER BY (influence = 'decision_maker') DESC, id LIMIT 2",
        )
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?;
        // Last quarter's review: the one the calendar proposed a quarter ago.
        let (held, start, end) =
            model::proposed(today - Months::new(3), fiscal as u32, ReviewKind::Qbr);
        let held = held.min(today - Days::new(1));
        let quarter = crate::period::Period::containing(crate::domain::Frequency::Quarterly, start);
        let past: i64 = sqlx::query_scalar(
            "INSERT INTO business_reviews (account_id, held_on, title, kind, agenda, period_start, period_end, \
                 decisions_sought, minutes, created_by) \
             VALUES ($1, $2, $3, 'qbr', $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(account_id)
        .bind(held)
        .bind(format!(
            "Revue d'affaires {}",
            quarter.label(crate::i18n::Locale::Fr)
        ))
        .bind(AGENDA_FR)
        .bind(start)
        .bind(end)
        .bind("Valider le plan d'action logistique\nLancer l'étude conjointe sur la disponibilité en rayon")
        .bind(
            "Tour du tableau de bord partagé : progrès sur la logistique, retard sur la part de linéaire. \
             Le client demande un point mensuel sur les ruptures. Accord pour une étude conjointe.",
        )
        .bind(owner)
        .fetch_one(&mut *tx)
        .await?;
        // The next one, as the calendar proposes it.
        let (next, nstart, nend) = model::proposed(today, fiscal as u32, ReviewKind::Qbr);
        let nquarter =
            crate::period::Period::containing(crate::domain::Frequency::Quarterly, nstart);
        let upcoming: i64 = sqlx::query_scalar(
            "INSERT INTO business_reviews (account_id, held_on, title, kind, agenda, period_start, period_end, \
                 decisions_sought, created_by) \
             VALUES ($1, $2, $3, 'qbr', $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(account_id)
        .bind(next)
        .bind(format!(
            "Revue d'affaires {}",
            nquarter.label(crate::i18n::Locale::Fr)
        ))
        .bind(AGENDA_FR)
        .bind(nstart)
        .bind(nend)
        .bind("Objectifs conjoints de l'année prochaine")
        .bind(owner)
        .fetch_one(&mut *tx)
        .await?;
        for review in [past, upcoming] {
            sqlx::query(
                "INSERT INTO review_participants (review_id, account_id, user_id) VALUES ($1, $2, $3)",
            )
            .bind(review)
            .bind(account_id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
            for c in &contacts {
                sqlx::query(
                    "INSERT INTO review_participants (review_id, account_id, contact_id) VALUES ($1, $2, $3)",
                )
                .bind(review)
                .bind(account_id)
                .bind(c)
                .execute(&mut *tx)
                .await?;
            }
        }
        // Two decisions of the past review; the first is an action of the plan.
        let plan_action: Option<i64> = sqlx::query_scalar(
            "SELECT x.id FROM plan_actions x WHERE x.account_id = $1 AND x.shared ORDER BY x.due, x.id LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let decisions: [DemoDecision; 2] = [
            (
                "Mettre en place un point mensuel sur les ruptures",
                Some(owner),
                None,
                held + Days::new(30),
                plan_action,
            ),
            (
                "Partager les données de sorties de caisse pour l'étude conjointe",
                None,
                contacts.first().copied(),
                held + Days::new(60),
                None,
            ),
        ];
        for (body, user, contact, due, action) in decisions {
            let (user, contact) = if user.is_none() && contact.is_none() {
                (Some(owner), None)
            } else {
                (user, contact)
            };
            sqlx::query(
                "INSERT INTO review_decisions (review_id, account_id, body, owner_user_id, owner_contact_id, due, \
                     action_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(past)
            .bind(account_id)
            .bind(body)
            .bind(user)
            .bind(contact)
            .bind(due)
            .bind(action)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// Freezes the packs of the demo's past reviews not yet frozen (as their KAM,
/// in French) and records the client user's confirmation. Returns how many
/// reviews it froze.
pub async fn freeze_past(db: &PgPool) -> anyhow::Result<usize> {
    if !crate::reviews::pdf::AVAILABLE {
        tracing::info!("built without the pdf feature: the demo's past reviews stay unfrozen");
        return Ok(0);
    }
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT r.id, r.account_id, a.owner_id, \
                (SELECT u.id FROM users u WHERE u.account_id = a.id AND u.role = 'client' ORDER BY u.id LIMIT 1) \
         FROM business_reviews r JOIN accounts a ON a.id = r.account_id \
         WHERE a.stage >= 3 AND r.held_on < current_date AND r.minutes <> '' \
           AND NOT EXISTS (SELECT 1 FROM review_packs k WHERE k.review_id = r.id) ORDER BY r.id",
    )
    .fetch_all(db)
    .await?;
    let mut frozen = 0;
    for (review_id, account_id, owner, client) in rows {
        let account = crate::accounts::find_unchecked(db, account_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo account {account_id}"))?;
        let review = crate::reviews::find(db, account_id, review_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo review {review_id}"))?;
        let user = std::sync::Arc::new(
            crate::users::find(db, owner)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo KAM {owner}"))?,
        );
        let mut tx = db.begin().await?;
        let done = crate::reviews::record::freeze_packs(
            db,
            &mut tx,
            &account,
            &review,
            user,
            crate::i18n::Locale::Fr,
        )
        .await
        .map_err(|e| anyhow::anyhow!("freezing the demo review {review_id}: {e}"))?;
        if done.is_none() {
            continue;
        }
        if let Some(client) = client {
            sqlx::query(
                "INSERT INTO review_confirmations (review_id, account_id, user_id, kind, created_at) \
                 VALUES ($1, $2, $3, 'confirmed', ($4::date + 3)::timestamptz)",
            )
            .bind(review_id)
            .bind(account_id)
            .bind(client)
            .bind(review.held_on)
            .execute(&mut *tx)
            .await?;
        }
        crate::db::commit(tx).await?;
        frozen += 1;
    }
    Ok(frozen)
}

/// A demo decision: what was decided, its owner (a user or a contact), its due
/// date and the plan action it already is, if any.
type DemoDecision<'a> = (&'a str, Option<i64>, Option<i64>, NaiveDate, Option<i64>);
