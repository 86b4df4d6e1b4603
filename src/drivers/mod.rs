//! `/drivers`: what drives the relationship. For an outcome (NPS, satisfaction,
//! revenue growth), every KPI matched across accounts by library code is ranked by
//! its rank correlation with the outcome over account-periods
//! (`director::correlation`), with its sample size and 95 % interval. Correlation
//! is not cause: the page says so, and weak evidence is marked plainly.
//!
//! Pairing: each value of the outcome (its period, at the library frequency of the
//! outcome) is paired with the mean of the KPI's values whose period starts within
//! that period; values of the last three years are used.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::accounts;
use crate::auth::extract::PortfolioUser;
use crate::charts::{ScatterPoint, scatter_chart};
use crate::director::correlation::{self, Driver, NotEnoughData, Observation, Shortfall};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::User;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

/// The outcomes offered, by KPI code.
pub const OUTCOMES: &[&str] = &["nps", "csat", "revenue_growth"];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DriversQuery {
    pub outcome: String,
}

fn outcome_of(q: &DriversQuery) -> &'static str {
    OUTCOMES
        .iter()
        .copied()
        .find(|o| *o == q.outcome)
        .unwrap_or("nps")
}

/// One pair: account, account name (only for one KPI's scatter: the ranking
/// does not need 200 000 copies of names), period, KPI code, x, y.
#[derive(sqlx::FromRow)]
pub struct Pair {
    pub account_id: i64,
    pub account_name: String,
    pub period: chrono::NaiveDate,
    pub code: String,
    pub x: f64,
    pub y: f64,
}

pub async fn pairs(
    state: &AppState,
    user: &User,
    outcome: &str,
    only: Option<&str>,
) -> AppResult<Vec<Pair>> {
    let ids: Vec<i64> = accounts::visible_to(&state.db, user)
        .await?
        .iter()
        .map(|a| a.id)
        .collect();
    // The outcome's frequency (from the library) decides the buckets: each KPI's
    // values are averaged per account, code and bucket in one pass, then joined
    // with the outcome's values of the same bucket (a hash join, no range join).
    let frequency: Option<String> =
        sqlx::query_scalar("SELECT frequency::text FROM kpi_templates WHERE code = $1")
            .bind(outcome)
            .fetch_optional(&state.db)
            .await?;
    let frequency = frequency.unwrap_or_else(|| "quarterly".into());
    let bucket = match frequency.as_str() {
        "monthly" => "month",
        "yearly" => "year",
        _ => "quarter",
    };
    let since = chrono::Utc::now().date_naive() - chrono::Months::new(36);
    Ok(sqlx::query_as(
        "WITH o AS (SELECT k.account_id, v.period, v.value::float8 AS y \
                    FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
                    WHERE k.code = $1 AND k.account_id = ANY($2) AND k.frequency::text = $5 \
                      AND v.period >= $4), \
              x AS (SELECT k.account_id, k.code, date_trunc($6, v.period)::date AS bucket, \
                           avg(v.value)::float8 AS x \
                    FROM account_kpis k JOIN kpi_values v ON v.account_kpi_id = k.id \
                    WHERE k.account_id IN (SELECT DISTINCT account_id FROM o) AND k.code <> $1 \
                      AND ($3::text IS NULL OR k.code = $3) AND v.period >= $4 \
                    GROUP BY 1, 2, 3) \
         SELECT o.account_id, CASE WHEN $3::text IS NULL THEN '' ELSE a.name END AS account_name, \
                o.period, x.code, x.x, o.y \
         FROM o JOIN x ON x.account_id = o.account_id AND x.bucket = o.period \
         JOIN accounts a ON a.id = o.account_id \
         ORDER BY x.code, o.account_id, o.period",
    )
    .bind(outcome)
    .bind(&ids)
    .bind(only)
    .bind(since)
    .bind(&frequency)
    .bind(bucket)
    .fetch_all(&state.db)
    .await?)
}

pub struct DriverRow {
    pub code: String,
    pub name: String,
    pub rho: String,
    pub sign: &'static str,
    pub n_pairs: usize,
    pub n_accounts: usize,
    pub n_effective: String,
    pub interval: String,
    pub evidence: &'static str,
    pub evidence_label: String,
    pub raw: Driver,
}

pub struct RefusedRow {
    pub code: String,
    pub name: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "drivers/index.html")]
pub struct DriversPage {
    pub ui: Ui,
    pub outcome: &'static str,
    pub outcomes: Vec<(&'static str, String, bool)>,
    pub outcome_name: String,
    pub drivers: Vec<DriverRow>,
    pub refused: Vec<RefusedRow>,
    pub no_data: Option<String>,
}

async fn kpi_names(state: &AppState, ui: &Ui) -> AppResult<BTreeMap<String, String>> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, name_fr, name_en FROM kpi_templates")
            .fetch_all(&state.db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(c, fr, en)| {
            let name = if ui.locale == crate::i18n::Locale::Fr {
                fr
            } else {
                en
            };
            (c, name)
        })
        .collect())
}

fn reason(ui: &Ui, e: &NotEnoughData) -> String {
    let key = match e.reason {
        Shortfall::TooFewAccounts => "drivers-short-accounts",
        Shortfall::TooFewPairs => "drivers-short-pairs",
        Shortfall::KpiConstant => "drivers-short-kpi-constant",
        Shortfall::OutcomeConstant => "drivers-short-outcome-constant",
    };
    ui.locale.t_args(
        key,
        &[
            ("accounts", (e.n_accounts as i64).into()),
            ("pairs", (e.n_pairs as i64).into()),
            ("min_accounts", (e.min_accounts as i64).into()),
            ("min_pairs", (e.min_pairs as i64).into()),
        ],
    )
}

pub async fn ranked(
    state: &AppState,
    user: &User,
    ui: &Ui,
    outcome: &str,
) -> AppResult<(Vec<DriverRow>, Vec<RefusedRow>)> {
    let pairs = pairs(state, user, outcome, None).await?;
    let names = kpi_names(state, ui).await?;
    let mut by_code: BTreeMap<String, Vec<Observation>> = BTreeMap::new();
    for p in &pairs {
        by_code
            .entry(p.code.clone())
            .or_default()
            .push(Observation {
                account: p.account_id,
                x: p.x,
                y: p.y,
            });
    }
    let (found, refused) = correlation::rank_drivers(by_code.into_iter().collect());
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_owned());
    let drivers = found
        .into_iter()
        .map(|(code, d)| DriverRow {
            name: name(&code),
            rho: format!("{}{}", if d.rho > 0.0 { "+" } else { "" }, ui.num(d.rho, 2)),
            sign: if d.rho >= 0.0 { "positive" } else { "negative" },
            n_pairs: d.n_pairs,
            n_accounts: d.n_accounts,
            n_effective: ui.num(d.n_effective, 1),
            interval: format!("[{} ; {}]", ui.num(d.ci_low, 2), ui.num(d.ci_high, 2)),
            evidence: d.evidence.code(),
            evidence_label: ui.t(&format!("evidence-{}", d.evidence.code())),
            code,
            raw: d,
        })
        .collect();
    let refused = refused
        .into_iter()
        .map(|(code, e)| RefusedRow {
            name: name(&code),
            reason: reason(ui, &e),
            code,
        })
        .collect();
    Ok((drivers, refused))
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<DriversQuery>,
) -> AppResult<Response> {
    let outcome = outcome_of(&q);
    let (drivers, refused) = ranked(&state, &user, &ui, outcome).await?;
    let no_data = (drivers.is_empty()).then(|| ui.t("drivers-no-data"));
    let outcomes = OUTCOMES
        .iter()
        .map(|o| (*o, ui.t(&format!("outcome-{o}")), *o == outcome))
        .collect();
    render(&DriversPage {
        outcome,
        outcomes,
        outcome_name: ui.t(&format!("outcome-{outcome}")),
        drivers,
        refused,
        no_data,
        ui,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<DriversQuery>,
) -> AppResult<CsvResponse> {
    let outcome = outcome_of(&q);
    let (drivers, _) = ranked(&state, &user, &ui, outcome).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("drivers-col-kpi"),
        "code".into(),
        "rho".into(),
        t("drivers-col-pairs"),
        t("drivers-col-accounts"),
        t("drivers-col-effective"),
        "ci_low".into(),
        "ci_high".into(),
        t("drivers-col-evidence"),
    ])?;
    for d in &drivers {
        out.row(&[
            d.name.clone(),
            d.code.clone(),
            format!("{:.3}", d.raw.rho),
            d.n_pairs.to_string(),
            d.n_accounts.to_string(),
            format!("{:.1}", d.raw.n_effective),
            format!("{:.3}", d.raw.ci_low),
            format!("{:.3}", d.raw.ci_high),
            d.evidence_label.clone(),
        ])?;
    }
    out.finish(&format!("drivers-{outcome}.csv"))
}

#[derive(Template)]
#[template(path = "drivers/scatter.html")]
pub struct ScatterPage {
    pub ui: Ui,
    pub outcome: &'static str,
    pub outcome_name: String,
    pub code: String,
    pub name: String,
    pub svg: String,
    pub pairs: Vec<Pair>,
    pub summary: Option<String>,
}

/// `GET /drivers/{code}/scatter.csv?outcome=nps`: the pairs behind one scatter
/// plot, as its data table shows them (the viewer's accounts only).
pub async fn scatter_csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Path(code): Path<String>,
    Query(q): Query<DriversQuery>,
) -> AppResult<CsvResponse> {
    let outcome = outcome_of(&q);
    let names = kpi_names(&state, &ui).await?;
    let Some(name) = names.get(&code).cloned() else {
        return Err(AppError::NotFound);
    };
    let pairs = pairs(&state, &user, outcome, Some(&code)).await?;
    let mut out = Csv::new(&[
        ui.t("col-account"),
        "account_id".to_owned(),
        ui.t("drivers-col-period"),
        name,
        ui.t(&format!("outcome-{outcome}")),
    ])?;
    for p in &pairs {
        out.row(&[
            p.account_name.clone(),
            p.account_id.to_string(),
            p.period.to_string(),
            p.x.to_string(),
            p.y.to_string(),
        ])?;
    }
    out.finish(&format!("drivers-{outcome}-{code}.csv"))
}

/// `GET /drivers/{code}?outcome=nps`: the scatter plot behind one correlation.
pub async fn scatter(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Path(code): Path<String>,
    Query(q): Query<DriversQuery>,
) -> AppResult<Response> {
    let outcome = outcome_of(&q);
    let names = kpi_names(&state, &ui).await?;
    let Some(name) = names.get(&code).cloned() else {
        return Err(AppError::NotFound);
    };
    let pairs = pairs(&state, &user, outcome, Some(&code)).await?;
    let outcome_name = ui.t(&format!("outcome-{outcome}"));
    let labels: Vec<String> = pairs
        .iter()
        .map(|p| format!("{} {}", p.account_name, p.period))
        .collect();
    let points: Vec<ScatterPoint> = pairs
        .iter()
        .zip(&labels)
        .map(|(p, l)| ScatterPoint {
            label: l,
            x: p.x,
            y: p.y,
        })
        .collect();
    let svg = scatter_chart("scatter-title", &name, &outcome_name, &points);
    let obs: Vec<Observation> = pairs
        .iter()
        .map(|p| Observation {
            account: p.account_id,
            x: p.x,
            y: p.y,
        })
        .collect();
    let summary = match correlation::drive(&obs, correlation::DEFAULT_LEVEL) {
        Ok(d) => Some(ui.locale.t_args(
            "drivers-summary",
            &[
                ("rho", ui.num(d.rho, 2).into()),
                ("pairs", (d.n_pairs as i64).into()),
                ("accounts", (d.n_accounts as i64).into()),
                ("low", ui.num(d.ci_low, 2).into()),
                ("high", ui.num(d.ci_high, 2).into()),
                (
                    "evidence",
                    ui.t(&format!("evidence-{}", d.evidence.code())).into(),
                ),
            ],
        )),
        Err(e) => Some(reason(&ui, &e)),
    };
    render(&ScatterPage {
        outcome,
        outcome_name,
        code,
        name,
        svg,
        pairs,
        summary,
        ui,
    })
}
