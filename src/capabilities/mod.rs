//! `/capabilities`: the director's pyramid side by side, per year, so that a
//! weakness is diagnosed in the right capability: complex sales (acquiring new
//! business), account management (all customers), key account management (the
//! top of the pyramid).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Utc};

use crate::accounts;
use crate::auth::extract::PortfolioUser;
use crate::error::AppResult;
use crate::i18n::format;
use crate::state::AppState;
use crate::web::layout::Ui;
use crate::web::render;

/// Years shown: the last three complete ones and the current one.
const YEARS: i32 = 4;

pub struct Metric {
    pub code: &'static str,
    pub label: String,
    pub values: Vec<String>,
}

pub struct Capability {
    pub code: &'static str,
    pub label: String,
    pub metrics: Vec<Metric>,
}

#[derive(Template)]
#[template(path = "capabilities/index.html")]
pub struct CapabilitiesPage {
    pub ui: Ui,
    pub years: Vec<i32>,
    pub capabilities: Vec<Capability>,
}

type ByYear = HashMap<i32, f64>;

async fn by_year(state: &AppState, sql: &str, ids: &[i64]) -> sqlx::Result<ByYear> {
    let rows: Vec<(i32, Option<f64>)> = sqlx::query_as(sql).bind(ids).fetch_all(&state.db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(y, v)| v.map(|v| (y, v)))
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<Response> {
    let ids: Vec<i64> = accounts::visible_to(&state.db, &user)
        .await?
        .iter()
        .map(|a| a.id)
        .collect();
    let this_year = Utc::now().year();
    let years: Vec<i32> = (this_year - YEARS + 1..=this_year).collect();
    let fin = "SELECT year, sum(revenue)::float8 FROM account_financials WHERE account_id = ANY($1) GROUP BY year";
    let fin_tier = |tier: &str| {
        format!(
            "SELECT f.year, sum(f.revenue)::float8 FROM account_financials f JOIN accounts a ON a.id = f.account_id \
             WHERE f.account_id = ANY($1) AND (a.tier = 'key_account') = {} GROUP BY f.year",
            if tier == "key" { "true" } else { "false" }
        )
    };
    let (key_sql, other_sql) = (fin_tier("key"), fin_tier("other"));
    let (
        win,
        new_clients,
        cycle,
        revenue,
        clients,
        retained,
        csat,
        key_rev,
        other_rev,
        on_track,
        innovation,
    ) = tokio::try_join!(
        by_year(
            &state,
            "SELECT extract(year FROM closed_on)::int, \
            (count(*) FILTER (WHERE outcome = 'won'))::float8 / nullif(count(*), 0) \
            FROM opportunities WHERE account_id = ANY($1) AND outcome <> 'open' GROUP BY 1",
            &ids
        ),
        by_year(
            &state,
            "SELECT extract(year FROM relationship_start)::int, count(*)::float8 \
            FROM accounts WHERE id = ANY($1) AND relationship_start IS NOT NULL GROUP BY 1",
            &ids
        ),
        by_year(
            &state,
            "SELECT extract(year FROM closed_on)::int, avg(closed_on - opened_on)::float8 \
            FROM opportunities WHERE account_id = ANY($1) AND outcome = 'won' GROUP BY 1",
            &ids
        ),
        by_year(&state, fin, &ids),
        by_year(
            &state,
            "SELECT year, count(*)::float8 FROM account_financials WHERE account_id = ANY($1) GROUP BY year",
            &ids
        ),
        by_year(
            &state,
            "SELECT f.year, (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM account_financials g \
            WHERE g.account_id = f.account_id AND g.year = f.year + 1)))::float8 / nullif(count(*), 0) \
            FROM account_financials f WHERE f.account_id = ANY($1) GROUP BY f.year",
            &ids
        ),
        by_year(
            &state,
            "SELECT extract(year FROM v.period)::int, avg(v.value)::float8 FROM kpi_values v \
            JOIN account_kpis k ON k.id = v.account_kpi_id WHERE k.account_id = ANY($1) AND k.code = 'csat' GROUP BY 1",
            &ids
        ),
        by_year(&state, &key_sql, &ids),
        by_year(&state, &other_sql, &ids),
        by_year(
            &state,
            "SELECT extract(year FROM due)::int, \
            (count(*) FILTER (WHERE status IN ('on_track', 'done')))::float8 / nullif(count(*), 0) \
            FROM account_objectives WHERE account_id = ANY($1) GROUP BY 1",
            &ids
        ),
        by_year(
            &state,
            "SELECT y, sum(n)::float8 FROM ( \
            SELECT extract(year FROM opened_on)::int AS y, count(*) AS n FROM opportunities \
              WHERE account_id = ANY($1) AND innovation GROUP BY 1 \
            UNION ALL SELECT extract(year FROM due)::int, count(*) FROM account_objectives \
              WHERE account_id = ANY($1) AND innovation GROUP BY 1) s GROUP BY y",
            &ids
        ),
    )?;
    let growth = |m: &ByYear, y: i32| match (m.get(&y), m.get(&(y - 1))) {
        (Some(c), Some(p)) if *p > 0.0 => Some(c / p - 1.0),
        _ => None,
    };
    let dash = || "—".to_owned();
    let pct = |v: Option<f64>| {
        v.map(|v| format::percent(ui.locale, v, 1))
            .unwrap_or_else(dash)
    };
    let num = |v: Option<f64>, d: usize| v.map(|v| ui.num(v, d)).unwrap_or_else(dash);
    let money = |v: Option<f64>| {
        v.map(|v| {
            format::money(
                ui.locale,
                rust_decimal::Decimal::from_f64_retain(v.round()).unwrap_or_default(),
            )
        })
        .unwrap_or_else(dash)
    };
    let row = |code: &'static str, f: &dyn Fn(i32) -> String| Metric {
        code,
        label: ui.t(&format!("cap-{code}")),
        values: years.iter().map(|y| f(*y)).collect(),
    };
    let capabilities = vec![
        Capability {
            code: "complex_sales",
            label: ui.t("cap-complex-sales"),
            metrics: vec![
                row("win-rate", &|y| pct(win.get(&y).copied())),
                row("new-clients", &|y| {
                    num(Some(new_clients.get(&y).copied().unwrap_or(0.0)), 0)
                }),
                row("sales-cycle", &|y| num(cycle.get(&y).copied(), 0)),
            ],
        },
        Capability {
            code: "account_management",
            label: ui.t("cap-account-management"),
            metrics: vec![
                row("revenue", &|y| money(revenue.get(&y).copied())),
                row("growth", &|y| pct(growth(&revenue, y))),
                row("revenue-per-client", &|y| {
                    money(revenue.get(&y).zip(clients.get(&y)).map(|(r, n)| r / n))
                }),
                row("retention", &|y| pct(retained.get(&(y - 1)).copied())),
                row("satisfaction", &|y| num(csat.get(&y).copied(), 2)),
            ],
        },
        Capability {
            code: "key_account_management",
            label: ui.t("cap-kam"),
            metrics: vec![
                row("key-growth", &|y| pct(growth(&key_rev, y))),
                row("other-growth", &|y| pct(growth(&other_rev, y))),
                row("objectives-on-track", &|y| pct(on_track.get(&y).copied())),
                row("innovation", &|y| {
                    num(Some(innovation.get(&y).copied().unwrap_or(0.0)), 0)
                }),
            ],
        },
    ];
    render(&CapabilitiesPage {
        ui,
        years,
        capabilities,
    })
}
