//! The demo's account plans: every key account has this year's plan, active,
//! with the client's context, the director's objectives grown into plan
//! objectives (linked to their KPIs) plus the client's own, and a mutual action
//! plan on both sides: an overdue action of the client's contact, one of ours in
//! progress, one the client user owns (where there is one), a done action whose
//! KPI moved beyond the forecast made when it started (planted when the values
//! do not already show one) and a done dud that changed nothing visible.

use chrono::{Datelike, Days, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::{Direction, Frequency};
use crate::forecast;
use crate::kpis;
use crate::plan::{effect, model};
use crate::scoring::Rag;

/// An action starts this many periods before the KPI's last value, so that
/// "did it work?" has values after it.
const EFFECT_LAG: usize = 4;

struct Plan {
    id: i64,
    account_id: i64,
    kam: i64,
}

pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    // The snapshot reads the scorecard state: bring it up to date in this transaction.
    crate::scorecard::state::settle(&mut *tx).await?;
    let today = Utc::now().date_naive();
    let (start, end) =
        model::period(today.year(), 1).ok_or_else(|| anyhow::anyhow!("no period for {today}"))?;
    let accounts: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, owner_id FROM accounts WHERE tier = 'key_account' AND owner_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (account_id, kam) in accounts {
        let snapshot = crate::plan::snapshot_now(&mut *tx, account_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO account_plans (account_id, period_start, period_end, status, priorities, challenges, \
                 competitors, strengths, weaknesses, opportunities, threats, context_shared, snapshot, created_by) \
             VALUES ($1, $2, $3, 'active', \
                 'Gagner des parts de marché sur le rayon frais ; réduire les ruptures en magasin.', \
                 'Pression sur les prix, transformation de la chaîne logistique.', \
                 'Deux fournisseurs nationaux, un acteur local à bas prix.', \
                 'Qualité de service reconnue, équipe dédiée.', \
                 'Délais de réponse inégaux selon les sites.', \
                 'Projet d’innovation conjoint sur les emballages.', \
                 'Appel d’offres annoncé pour l’an prochain.', true, $4, $5) RETURNING id",
        )
        .bind(account_id)
        .bind(start)
        .bind(end)
        .bind(sqlx::types::Json(&snapshot))
        .bind(kam)
        .fetch_one(&mut *tx)
        .await?;
        let plan = Plan {
            id,
            account_id,
            kam,
        };
        objectives(tx, &plan, start, end).await?;
        actions(tx, &plan, today).await?;
        risks(tx, &plan).await?;
    }
    Ok(())
}

/// The director's objectives become this plan's (ours, linked to the KPI of
/// their code); two of the client's own objectives are added, shared.
async fn objectives(
    tx: &mut PgConnection,
    plan: &Plan,
    start: NaiveDate,
    end: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE account_objectives SET plan_id = $2, side = 'ours', owner_id = $3, \
             shared = (innovation OR kpi_code IS NOT NULL) WHERE account_id = $1 AND plan_id IS NULL",
    )
    .bind(plan.account_id)
    .bind(plan.id)
    .bind(plan.kam)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO objective_kpis (objective_id, account_id, kpi_id) \
         SELECT o.id, o.account_id, k.id FROM account_objectives o \
         JOIN account_kpis k ON k.account_id = o.account_id AND k.code = o.kpi_code \
         WHERE o.plan_id = $1",
    )
    .bind(plan.id)
    .execute(&mut *tx)
    .await?;
    for (title, status, due) in [
        ("Réduire les ruptures en rayon de moitié", "at_risk", end),
        (
            "Référencer la nouvelle gamme dans 200 magasins",
            "on_track",
            start + Days::new(270),
        ),
    ] {
        sqlx::query(
            "INSERT INTO account_objectives (account_id, plan_id, title, due, status, side, shared, starts) \
             VALUES ($1, $2, $3, $4, $5, 'client', true, $6)",
        )
        .bind(plan.account_id)
        .bind(plan.id)
        .bind(title)
        .bind(due)
        .bind(status)
        .bind(start)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A KPI with what "did it work?" would say of an action started `EFFECT_LAG`
/// periods before its last value.
struct Candidate {
    kpi: kpis::AccountKpi,
    baseline: (NaiveDate, f64),
    forecast: Vec<f64>,
    rmse: f64,
    effect: model::Effect,
}

async fn candidates(tx: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for kpi in kpis::for_account(&mut *tx, account_id).await? {
        if kpi.frequency != Frequency::Monthly {
            continue;
        }
        let vals = crate::values::for_kpi(&mut *tx, kpi.id).await?;
        if vals.len() < EFFECT_LAG + 6 {
            continue;
        }
        let before = &vals[..vals.len() - EFFECT_LAG];
        let (_, observed) = crate::scorecard::kpi_page::observed_series(&kpi, before);
        let Some(fc) = forecast::holt(&observed, model::ACTION_FORECAST_STEPS) else {
            continue;
        };
        let last = &before[before.len() - 1];
        let forecast: Vec<f64> = fc.points.iter().map(|p| p.value).collect();
        let values: Vec<(NaiveDate, f64)> = vals.iter().map(|v| (v.period, v.value)).collect();
        let effect = effect::judge(
            kpi.frequency,
            kpi.direction,
            Some(last.period),
            &forecast,
            Some(fc.rmse),
            &values,
        );
        out.push(Candidate {
            baseline: (last.period, last.value),
            forecast,
            rmse: fc.rmse,
            effect,
            kpi,
        });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn action(
    tx: &mut PgConnection,
    plan: &Plan,
    title: &str,
    owner: (Option<i64>, Option<i64>),
    starts: NaiveDate,
    due: NaiveDate,
    status: &str,
    shared: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO plan_actions (account_id, plan_id, title, owner_user_id, owner_contact_id, starts, due, \
             status, done_on, shared, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 = 'done' THEN $7 END, $9, $10) RETURNING id",
    )
    .bind(plan.account_id)
    .bind(plan.id)
    .bind(title)
    .bind(owner.0)
    .bind(owner.1)
    .bind(starts)
    .bind(due)
    .bind(status)
    .bind(shared)
    .bind(plan.kam)
    .fetch_one(&mut *tx)
    .await
}

/// A done action linked to a candidate KPI, with the forecast "made" when it started.
async fn done_action(
    tx: &mut PgConnection,
    plan: &Plan,
    title: &str,
    c: &Candidate,
) -> sqlx::Result<()> {
    let starts = c.baseline.0 + Days::new(35);
    let id = action(
        tx,
        plan,
        title,
        (Some(plan.kam), None),
        starts,
        starts + Days::new(30),
        "done",
        false,
    )
    .await?;
    sqlx::query(
        "INSERT INTO action_kpis (action_id, account_id, kpi_id, baseline_period, baseline_value, forecast, \
             forecast_rmse) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(plan.account_id)
    .bind(c.kpi.id)
    .bind(c.baseline.0)
    .bind(c.baseline.1)
    .bind(&c.forecast)
    .bind(c.rmse)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn actions(tx: &mut PgConnection, plan: &Plan, today: NaiveDate) -> anyhow::Result<()> {
    let contact: Option<i64> =
        sqlx::query_scalar("SELECT min(id) FROM contacts WHERE account_id = $1")
            .bind(plan.account_id)
            .fetch_one(&mut *tx)
            .await?;
    let client: Option<i64> =
        sqlx::query_scalar("SELECT min(id) FROM users WHERE account_id = $1 AND active")
            .bind(plan.account_id)
            .fetch_one(&mut *tx)
            .await?;
    let red: Option<i64> = crate::plan::green::stored_statuses(&mut *tx, plan.account_id)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == Rag::Red)
        .map(|(id, _)| id)
        .min();
    // The client's contact is late on a shared workshop (linked to a red KPI, if any).
    if let Some(c) = contact {
        let id = action(
            tx,
            plan,
            "Atelier de prévisions communes",
            (None, Some(c)),
            today - Days::new(60),
            today - Days::new(12),
            "open",
            true,
        )
        .await?;
        if let Some(k) = red {
            crate::plan::forms::link_action_kpis(&mut *tx, plan.account_id, id, &[k]).await?;
        }
    }
    action(
        tx,
        plan,
        "Revue des stocks de sécurité",
        (Some(plan.kam), None),
        today - Days::new(20),
        today + Days::new(40),
        "in_progress",
        false,
    )
    .await?;
    if let Some(u) = client {
        action(
            tx,
            plan,
            "Valider le calendrier promotionnel",
            (Some(u), None),
            today - Days::new(5),
            today + Days::new(25),
            "open",
            true,
        )
        .await?;
    }
    // "Did it work?": the KPI that beat its forecast the most, and one that did not.
    let mut cs = candidates(tx, plan.account_id).await?;
    let margin = |c: &Candidate| {
        let (a, e) = (
            c.effect.actual.unwrap_or(0.0),
            c.effect.expected.unwrap_or(0.0),
        );
        match c.kpi.direction {
            Direction::HigherBetter => a - e,
            Direction::LowerBetter => e - a,
        }
    };
    cs.sort_by(|a, b| margin(b).total_cmp(&margin(a)));
    if !cs.iter().any(|c| c.effect.verdict == model::Verdict::Moved) {
        // Plant on the best KPI that is not a percentage (a rate cannot go past 100).
        let pick = cs
            .iter()
            .position(|c| c.kpi.unit != crate::domain::Unit::Percent)
            .unwrap_or(0);
        if let Some(c) = cs.get(pick) {
            plant(tx, c).await?;
            cs = candidates(tx, plan.account_id).await?;
            cs.sort_by(|a, b| margin(b).total_cmp(&margin(a)));
        }
    }
    if let Some(best) = cs
        .iter()
        .find(|c| c.effect.verdict == model::Verdict::Moved)
    {
        done_action(tx, plan, "Opération commune en magasin", best).await?;
    }
    // The dud: the KPI that followed its forecast most closely.
    if let Some(dud) = cs
        .iter()
        .filter(|c| c.effect.verdict == model::Verdict::NoVisibleEffect)
        .min_by(|a, b| relative(a).total_cmp(&relative(b)))
    {
        done_action(tx, plan, "Campagne d’affichage", dud).await?;
    }
    Ok(())
}

/// How far the values after the action were from the forecast, relative to it.
fn relative(c: &Candidate) -> f64 {
    match (c.effect.actual, c.effect.expected) {
        (Some(a), Some(e)) if e != 0.0 => ((a - e) / e).abs(),
        _ => f64::INFINITY,
    }
}

/// Moves the values after the baseline beyond the forecast (by 10 % of it, or
/// two and a half times its typical error if more), in the KPI's good direction:
/// the demo's planted effect.
async fn plant(tx: &mut PgConnection, c: &Candidate) -> sqlx::Result<()> {
    let sign = match c.kpi.direction {
        Direction::HigherBetter => 1.0,
        Direction::LowerBetter => -1.0,
    };
    let Some(base) = crate::period::Period::from_start(c.kpi.frequency, c.baseline.0) else {
        return Ok(());
    };
    for (k, f) in c.forecast.iter().enumerate() {
        sqlx::query(
            "UPDATE kpi_values SET value = round($3::numeric, 2) WHERE account_kpi_id = $1 AND period = $2",
        )
        .bind(c.kpi.id)
        .bind(base.offset(k as i32 + 1).start)
        .bind(f + sign * (0.1 * f.abs()).max(2.5 * c.rmse))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn risks(tx: &mut PgConnection, plan: &Plan) -> sqlx::Result<()> {
    for (title, level, mitigation, shared) in [
        (
            "Départ du directeur des achats",
            "high",
            "Rencontrer son adjoint avant la fin du trimestre.",
            false,
        ),
        (
            "Hausse du coût du transport",
            "medium",
            "Tournées mutualisées avec le client.",
            true,
        ),
    ] {
        sqlx::query(
            "INSERT INTO plan_risks (account_id, plan_id, title, owner_id, mitigation, level, shared) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(plan.account_id)
        .bind(plan.id)
        .bind(title)
        .bind(plan.kam)
        .bind(mitigation)
        .bind(level)
        .bind(shared)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
