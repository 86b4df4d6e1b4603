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
use crate::i18n::format::{self, Share};
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

/// Years shown: the last three complete ones and the current one.
const YEARS: i32 = 4;

/// What a metric measures, which decides how its figures read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A fraction in [0, 1] (win rate, retention…); a growth rate is a fraction too.
    Share,
    Count,
    Days,
    Money,
    /// A mean rating (CSAT 1–5).
    Rating,
}

pub struct Metric {
    pub code: &'static str,
    pub label: String,
    pub kind: Kind,
    /// One value per year of `years`; `None` when there is nothing to compute from.
    pub raw: Vec<Option<f64>>,
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

/// The years shown and the three capabilities' metrics for the viewer's accounts:
/// the page and its CSV both read these.
pub async fn compute(
    state: &AppState,
    user: &crate::users::User,
    ui: &Ui,
) -> AppResult<(Vec<i32>, Vec<Capability>)> {
    let ids: Vec<i64> = accounts::visible_to(&state.db, user)
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
            state,
            "SELECT extract(year FROM closed_on)::int, \
            (count(*) FILTER (WHERE outcome = 'won'))::float8 / nullif(count(*), 0) \
            FROM opportunities WHERE account_id = ANY($1) AND outcome <> 'open' GROUP BY 1",
            &ids
        ),
        by_year(
            state,
            "SELECT extract(year FROM relationship_start)::int, count(*)::float8 \
            FROM accounts WHERE id = ANY($1) AND relationship_start IS NOT NULL GROUP BY 1",
            &ids
        ),
        by_year(
            state,
            "SELECT extract(year FROM closed_on)::int, avg(closed_on - opened_on)::float8 \
            FROM opportunities WHERE account_id = ANY($1) AND outcome = 'won' GROUP BY 1",
            &ids
        ),
        by_year(state, fin, &ids),
        by_year(
            state,
            "SELECT year, count(*)::float8 FROM account_financials WHERE account_id = ANY($1) GROUP BY year",
            &ids
        ),
        by_year(
            state,
            "SELECT f.year, (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM account_financials g \
            WHERE g.account_id = f.account_id AND g.year = f.year + 1)))::float8 / nullif(count(*), 0) \
            FROM account_financials f WHERE f.account_id = ANY($1) GROUP BY f.year",
            &ids
        ),
        by_year(
            state,
            "SELECT extract(year FROM v.period)::int, avg(v.value)::float8 FROM kpi_values v \
            JOIN account_kpis k ON k.id = v.account_kpi_id WHERE k.account_id = ANY($1) AND k.code = 'csat' GROUP BY 1",
            &ids
        ),
        by_year(state, &key_sql, &ids),
        by_year(state, &other_sql, &ids),
        by_year(
            state,
            // The status every reader uses (the view `objective_status`: done,
            // override, proposed by the linked KPIs' stored statuses, or by hand).
            "SELECT extract(year FROM o.due)::int, \
            (count(*) FILTER (WHERE s.status IN ('on_track', 'done')))::float8 / nullif(count(*), 0) \
            FROM account_objectives o JOIN objective_status s ON s.id = o.id \
            WHERE o.account_id = ANY($1) GROUP BY 1",
            &ids
        ),
        by_year(
            state,
            "SELECT y, sum(n)::float8 FROM ( \
            SELECT extract(year FROM opened_on)::int AS y, count(*) AS n FROM opportunities \
              WHERE account_id = ANY($1) AND innovation GROUP BY 1 \
            UNION ALL SELECT extract(year FROM due)::int, count(*) FROM account_objectives \
              WHERE account_id = ANY($1) AND innovation AND carried_from IS NULL GROUP BY 1) s GROUP BY y",
            &ids
        ),
    )?;
    let growth = |m: &ByYear, y: i32| match (m.get(&y), m.get(&(y - 1))) {
        (Some(c), Some(p)) if *p > 0.0 => Some(c / p - 1.0),
        _ => None,
    };
    let row = |code: &'static str, kind: Kind, f: &dyn Fn(i32) -> Option<f64>| {
        let raw: Vec<Option<f64>> = years.iter().map(|y| f(*y)).collect();
        Metric {
            code,
            label: ui.t(&format!("cap-{code}")),
            kind,
            values: raw.iter().map(|v| display(ui, kind, *v)).collect(),
            raw,
        }
    };
    let capabilities = vec![
        Capability {
            code: "complex_sales",
            label: ui.t("cap-complex-sales"),
            metrics: vec![
                row("win-rate", Kind::Share, &|y| win.get(&y).copied()),
                row("new-clients", Kind::Count, &|y| {
                    Some(new_clients.get(&y).copied().unwrap_or(0.0))
                }),
                row("sales-cycle", Kind::Days, &|y| cycle.get(&y).copied()),
            ],
        },
        Capability {
            code: "account_management",
            label: ui.t("cap-account-management"),
            metrics: vec![
                row("revenue", Kind::Money, &|y| revenue.get(&y).copied()),
                row("growth", Kind::Share, &|y| growth(&revenue, y)),
                row("revenue-per-client", Kind::Money, &|y| {
                    revenue.get(&y).zip(clients.get(&y)).map(|(r, n)| r / n)
                }),
                row("retention", Kind::Share, &|y| {
                    retained.get(&(y - 1)).copied()
                }),
                row("satisfaction", Kind::Rating, &|y| csat.get(&y).copied()),
            ],
        },
        Capability {
            code: "key_account_management",
            label: ui.t("cap-kam"),
            metrics: vec![
                row("key-growth", Kind::Share, &|y| growth(&key_rev, y)),
                row("other-growth", Kind::Share, &|y| growth(&other_rev, y)),
                row("objectives-on-track", Kind::Share, &|y| {
                    on_track.get(&y).copied()
                }),
                row("innovation", Kind::Count, &|y| {
                    Some(innovation.get(&y).copied().unwrap_or(0.0))
                }),
            ],
        },
    ];
    Ok((years, capabilities))
}

/// A figure as the page shows it.
fn display(ui: &Ui, kind: Kind, v: Option<f64>) -> String {
    let Some(v) = v else {
        return "—".to_owned();
    };
    match kind {
        Kind::Share => format::share(ui.locale, Share::new(v), 1),
        Kind::Count | Kind::Days => ui.num(v, 0),
        Kind::Rating => ui.num(v, 2),
        Kind::Money => format::money(
            ui.locale,
            rust_decimal::Decimal::from_f64_retain(v.round()).unwrap_or_default(),
        ),
    }
}

/// A figure as the CSV writes it: a plain number, shares in percent.
fn csv_cell(kind: Kind, v: Option<f64>) -> String {
    match (kind, v) {
        (_, None) => String::new(),
        (Kind::Share, Some(v)) => Share::new(v).csv(1),
        (Kind::Money, Some(v)) => format!("{v:.2}"),
        (Kind::Rating, Some(v)) => format!("{v:.2}"),
        (Kind::Count | Kind::Days, Some(v)) => format!("{v:.1}"),
    }
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<Response> {
    let (years, capabilities) = compute(&state, &user, &ui).await?;
    render(&CapabilitiesPage {
        ui,
        years,
        capabilities,
    })
}

/// `GET /capabilities.csv`: the same table, one row per metric, one column per
/// year; shares in percent (a "%" in the metric's header cell says so).
pub async fn csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let (years, capabilities) = compute(&state, &user, &ui).await?;
    let mut headers = vec![
        ui.t("cap-capability"),
        "code".to_owned(),
        ui.t("cap-metric"),
        ui.t("cap-unit"),
    ];
    headers.extend(years.iter().map(|y| y.to_string()));
    let mut out = Csv::new(&headers)?;
    for c in &capabilities {
        for m in &c.metrics {
            let mut cells = vec![
                c.label.clone(),
                m.code.to_owned(),
                m.label.clone(),
                ui.t(&format!("cap-unit-{}", kind_code(m.kind))),
            ];
            cells.extend(m.raw.iter().map(|v| csv_cell(m.kind, *v)));
            out.row(&cells)?;
        }
    }
    out.finish("capabilities.csv")
}

fn kind_code(k: Kind) -> &'static str {
    match k {
        Kind::Share => "percent",
        Kind::Count => "count",
        Kind::Days => "days",
        Kind::Money => "eur",
        Kind::Rating => "rating",
    }
}
