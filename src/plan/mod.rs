//! The account business plan (`/accounts/{id}/plan`): one plan per account and
//! (fiscal) year, its objectives (the client's and ours), a mutual action plan,
//! risks and the client's context. Migration 0019 holds the tables; every link
//! between two rows of a plan is a composite foreign key on the account, so
//! nothing of another account can be attached to it.
//!
//! - `model.rs`: pure rules (periods, percent complete, overdue, path to green,
//!   "did it work?"); `effect.rs`: "did it work?" of the done actions;
//! - `page.rs`: the plan page and its CSVs; `forms.rs`: the writes;
//!   `check.rs`: parsing and validating the forms; `edit.rs`: objectives and
//!   risks edited after creation;
//! - `green.rs`: the path to green of the scorecard's red and amber KPIs;
//! - `portal.rs`: what the client users see and do;
//! - `whitespace.rs`: the whitespace map (units × offerings, one click to an
//!   opportunity, CSV out and in); `whitespace_csv.rs`: reading its CSV, pure;
//! - `relations.rs`: the relationship map (org chart from "reports to",
//!   coverage warnings); `orgchart.rs`: loops, layout and SVG, pure.

pub mod check;
pub mod edit;
pub mod effect;
pub mod forms;
pub mod green;
pub mod model;
pub mod orgchart;
pub mod page;
pub mod portal;
pub mod relations;
pub mod whitespace;
pub mod whitespace_csv;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use sqlx::types::Json;

/// Where the account stood, read from `scorecard_state` (never recomputed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub taken_on: Option<NaiveDate>,
    pub overall: Option<f64>,
    pub revenue: Option<f64>,
    pub kpis: i32,
    pub fresh: i32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub account_id: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub version: i32,
    pub status: String,
    pub priorities: String,
    pub challenges: String,
    pub competitors: String,
    pub strengths: String,
    pub weaknesses: String,
    pub opportunities: String,
    pub threats: String,
    pub context_shared: bool,
    pub snapshot: Json<Snapshot>,
    pub frozen: Option<Json<Frozen>>,
    pub closed_at: Option<DateTime<Utc>>,
}

const PLAN_COLUMNS: &str = "id, account_id, period_start, period_end, version, status, priorities, challenges, \
     competitors, strengths, weaknesses, opportunities, threats, context_shared, snapshot, frozen, closed_at";

/// A linked KPI, by id and name in both languages.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct KpiLink {
    pub id: i64,
    pub name_fr: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Objective {
    pub id: i64,
    pub title: String,
    pub side: String,
    #[serde(default)]
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub starts: Option<NaiveDate>,
    pub due: NaiveDate,
    /// What the reader is shown (the view `objective_status`).
    pub status: String,
    /// What the linked KPIs propose, if they propose anything.
    pub proposed: Option<String>,
    pub status_override: Option<String>,
    pub override_reason: Option<String>,
    pub target_note: String,
    pub shared: bool,
    #[sqlx(skip)]
    pub kpis: Vec<KpiLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Action {
    pub id: i64,
    pub title: String,
    pub notes: String,
    pub objective_id: Option<i64>,
    pub objective_title: Option<String>,
    pub owner_user_id: Option<i64>,
    pub owner_contact_id: Option<i64>,
    pub owner_name: String,
    /// "supplier", "client_user" or "contact".
    pub owner_kind: String,
    pub starts: NaiveDate,
    pub due: NaiveDate,
    pub status: String,
    pub done_on: Option<NaiveDate>,
    pub shared: bool,
    #[sqlx(skip)]
    pub kpis: Vec<KpiLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Risk {
    pub id: i64,
    pub title: String,
    #[serde(default)]
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub mitigation: String,
    pub level: String,
    pub shared: bool,
}

/// A closed plan as it was when closed: the page of a closed plan reads this and
/// nothing else, so later value changes cannot alter it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Frozen {
    pub snapshot: Snapshot,
    pub objectives: Vec<Objective>,
    pub actions: Vec<Action>,
    pub risks: Vec<Risk>,
    /// "Did it work?" of the done actions (staff only).
    #[serde(default)]
    pub effects: Vec<effect::EffectRow>,
}

/// The account's plans, newest period first.
pub async fn plans_of(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<Plan>> {
    sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM account_plans WHERE account_id = $1 ORDER BY period_start DESC"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// One plan of the account (the account is part of the lookup).
pub async fn find(
    db: impl PgExecutor<'_>,
    account_id: i64,
    plan_id: i64,
) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM account_plans WHERE account_id = $1 AND id = $2"
    ))
    .bind(account_id)
    .bind(plan_id)
    .fetch_optional(db)
    .await
}

/// The plan shown by default: the latest one not closed, else the latest.
pub fn current(plans: &[Plan]) -> Option<&Plan> {
    plans
        .iter()
        .find(|p| p.status != "closed")
        .or_else(|| plans.first())
}

/// Where the account stands now, from the stored scorecard state.
pub async fn snapshot_now(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Snapshot> {
    #[derive(sqlx::FromRow)]
    struct Row {
        as_of: NaiveDate,
        overall: Option<f64>,
        revenue: Option<f64>,
        kpis: i32,
        fresh: i32,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT as_of, overall, revenue, kpis, fresh FROM scorecard_state \
         WHERE account_id = $1 AND audience = 'internal'",
    )
    .bind(account_id)
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(|r| Snapshot {
            taken_on: Some(r.as_of),
            overall: r.overall,
            revenue: r.revenue,
            kpis: r.kpis,
            fresh: r.fresh,
        })
        .unwrap_or_default())
}

/// Which items a reader gets: everything (staff) or the shared ones only (clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    SharedOnly,
}

impl Scope {
    fn shared_only(self) -> bool {
        self == Scope::SharedOnly
    }
}

/// What KPIs are linked to: a plan's objectives or its actions.
#[derive(Debug, Clone, Copy)]
enum Linked {
    Objectives,
    Actions,
}

/// The KPIs linked to each objective or action of a plan, by its id, in the
/// scorecard's order. Clients see the names of shared KPIs only.
async fn kpi_links(
    db: &sqlx::PgPool,
    plan: &Plan,
    scope: Scope,
    linked: Linked,
) -> sqlx::Result<std::collections::HashMap<i64, Vec<KpiLink>>> {
    let (links, item, item_id) = match linked {
        Linked::Objectives => ("objective_kpis", "account_objectives", "objective_id"),
        Linked::Actions => ("action_kpis", "plan_actions", "action_id"),
    };
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(&format!(
        "SELECT l.{item_id}, k.id, k.name_fr, k.name_en FROM {links} l \
         JOIN account_kpis k ON k.id = l.kpi_id JOIN accounts a ON a.id = k.account_id \
         JOIN {item} i ON i.id = l.{item_id} \
         WHERE i.plan_id = $1 AND l.account_id = $2 AND (NOT $3 OR {}) ORDER BY k.position, k.id",
        crate::sharing::CLIENT_SEES_SQL
    ))
    .bind(plan.id)
    .bind(plan.account_id)
    .bind(scope.shared_only())
    .fetch_all(db)
    .await?;
    let mut out: std::collections::HashMap<i64, Vec<KpiLink>> = Default::default();
    for (owner, id, name_fr, name_en) in rows {
        out.entry(owner).or_default().push(KpiLink {
            id,
            name_fr,
            name_en,
        });
    }
    Ok(out)
}

/// The objectives of a plan with their status from `objective_status`.
pub async fn objectives(
    db: &sqlx::PgPool,
    plan: &Plan,
    scope: Scope,
) -> sqlx::Result<Vec<Objective>> {
    let mut rows: Vec<Objective> = sqlx::query_as(
        "SELECT o.id, o.title, o.side, o.owner_id, u.name AS owner_name, o.starts, o.due, s.status, s.proposed, \
                o.status_override, o.override_reason, o.target_note, o.shared \
         FROM account_objectives o JOIN objective_status s ON s.id = o.id \
         LEFT JOIN users u ON u.id = o.owner_id \
         WHERE o.plan_id = $1 AND o.account_id = $2 AND (NOT $3 OR o.shared) \
         ORDER BY CASE s.status WHEN 'off_track' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'on_track' THEN 2 ELSE 3 END, \
                  o.side, o.due, o.id",
    )
    .bind(plan.id)
    .bind(plan.account_id)
    .bind(scope.shared_only())
    .fetch_all(db)
    .await?;
    let mut links = kpi_links(db, plan, scope, Linked::Objectives).await?;
    for o in &mut rows {
        o.kpis = links.remove(&o.id).unwrap_or_default();
    }
    Ok(rows)
}

/// The SQL of an action with its owner's name and kind.
pub const ACTION_SELECT: &str = "SELECT x.id, x.title, x.notes, x.objective_id, o.title AS objective_title, \
        x.owner_user_id, x.owner_contact_id, coalesce(u.name, c.name, '') AS owner_name, \
        CASE WHEN c.id IS NOT NULL THEN 'contact' WHEN u.account_id IS NOT NULL THEN 'client_user' \
             ELSE 'supplier' END AS owner_kind, \
        x.starts, x.due, x.status, x.done_on, x.shared \
     FROM plan_actions x LEFT JOIN account_objectives o ON o.id = x.objective_id \
     LEFT JOIN users u ON u.id = x.owner_user_id LEFT JOIN contacts c ON c.id = x.owner_contact_id";

/// Most important first: overdue, then by due date.
const ACTION_ORDER: &str = "ORDER BY (x.status IN ('open', 'in_progress') AND x.due < current_date) DESC, \
     (x.status IN ('open', 'in_progress')) DESC, x.due, x.id";

pub async fn actions(db: &sqlx::PgPool, plan: &Plan, scope: Scope) -> sqlx::Result<Vec<Action>> {
    let mut rows: Vec<Action> = sqlx::query_as(&format!(
        "{ACTION_SELECT} WHERE x.plan_id = $1 AND x.account_id = $2 AND (NOT $3 OR x.shared) {ACTION_ORDER}"
    ))
    .bind(plan.id)
    .bind(plan.account_id)
    .bind(scope.shared_only())
    .fetch_all(db)
    .await?;
    let mut links = kpi_links(db, plan, scope, Linked::Actions).await?;
    for a in &mut rows {
        a.kpis = links.remove(&a.id).unwrap_or_default();
    }
    Ok(rows)
}

pub async fn risks(db: &sqlx::PgPool, plan: &Plan, scope: Scope) -> sqlx::Result<Vec<Risk>> {
    sqlx::query_as(
        "SELECT r.id, r.title, r.owner_id, u.name AS owner_name, r.mitigation, r.level, r.shared \
         FROM plan_risks r LEFT JOIN users u ON u.id = r.owner_id \
         WHERE r.plan_id = $1 AND r.account_id = $2 AND (NOT $3 OR r.shared) \
         ORDER BY CASE r.level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, r.id",
    )
    .bind(plan.id)
    .bind(plan.account_id)
    .bind(scope.shared_only())
    .fetch_all(db)
    .await
}

/// Everything of a plan as read now (for the page and for freezing at close).
pub async fn contents(db: &sqlx::PgPool, plan: &Plan, scope: Scope) -> sqlx::Result<Frozen> {
    Ok(Frozen {
        snapshot: plan.snapshot.0.clone(),
        objectives: objectives(db, plan, scope).await?,
        actions: actions(db, plan, scope).await?,
        risks: risks(db, plan, scope).await?,
        effects: match scope {
            Scope::Everything => effect::for_plan(db, plan.id).await?,
            Scope::SharedOnly => Vec::new(),
        },
    })
}

/// A possible owner of an action: a supplier user, a client user of the account
/// or a client contact. The form sends `u:<id>` or `c:<id>`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnerOption {
    pub value: String,
    pub name: String,
    /// "supplier", "client_user" or "contact".
    pub kind: String,
}

pub async fn owner_options(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<OwnerOption>> {
    sqlx::query_as(
        "SELECT 'u:' || id AS value, name, CASE WHEN account_id IS NULL THEN 'supplier' ELSE 'client_user' END AS kind \
         FROM users WHERE active AND (account_id IS NULL AND role <> 'client' OR account_id = $1) \
         UNION ALL SELECT 'c:' || id, name, 'contact' FROM contacts WHERE account_id = $1 \
         ORDER BY 3 DESC, 2",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Supplier users who may own an objective or a risk.
pub async fn staff_options(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM users WHERE active AND role IN ('admin', 'director', 'kam', 'contributor') \
         ORDER BY lower(name)",
    )
    .fetch_all(db)
    .await
}
