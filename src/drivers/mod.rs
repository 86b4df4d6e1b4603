//! `/drivers`: what drives the relationship. For an outcome (NPS, satisfaction,
//! revenue growth), every KPI matched across accounts by library code is ranked by
//! its rank correlation with the outcome over account-periods
//! (`director::correlation`), with its sample size and 95 % interval. Correlation
//! is not cause: the page says so, and weak evidence is marked plainly.
//!
//! Pairing: each value of the outcome (its period, at the library frequency of the
//! outcome) is paired with the mean of the KPI's values whose period starts within
//! that period; values of the last three years are used (`pairs`: from the period
//! means kept beside the values). The ranking is computed once per outcome and viewer
//! scope and kept until a value changes (`cache`).

pub mod cache;
pub mod pairs;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use self::pairs::Pair;
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

/// The first period considered: three years back (older pairs say little of today).
fn since() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() - chrono::Months::new(36)
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
    outcome: &'static str,
) -> AppResult<(Vec<DriverRow>, Vec<RefusedRow>)> {
    let accounts = accounts::visible_ids(&state.db, user).await?;
    let ranking = state
        .drivers
        .ranking(&state.db, outcome, since(), accounts)
        .await?;
    let names = kpi_names(state, ui).await?;
    let (found, refused) = (&ranking.0, &ranking.1);
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_owned());
    let drivers = found
        .iter()
        .map(|(code, d)| DriverRow {
            name: name(code),
            rho: format!("{}{}", if d.rho > 0.0 { "+" } else { "" }, ui.num(d.rho, 2)),
            sign: if d.rho >= 0.0 { "positive" } else { "negative" },
            n_pairs: d.n_pairs,
            n_accounts: d.n_accounts,
            n_effective: ui.num(d.n_effective, 1),
            interval: format!("[{} ; {}]", ui.num(d.ci_low, 2), ui.num(d.ci_high, 2)),
            evidence: d.evidence.code(),
            evidence_label: ui.t(&format!("evidence-{}", d.evidence.code())),
            code: code.clone(),
            raw: d.clone(),
        })
        .collect();
    let refused = refused
        .iter()
        .map(|(code, e)| RefusedRow {
            name: name(code),
            reason: reason(ui, e),
            code: code.clone(),
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

/// One KPI's pairs with the outcome, over the viewer's accounts (not cached: a few
/// thousand rows, with the accounts' names).
async fn scatter_pairs(
    state: &AppState,
    user: &User,
    outcome: &str,
    code: &str,
) -> AppResult<Vec<Pair>> {
    let accounts = accounts::visible_ids(&state.db, user).await?;
    let grain = pairs::grain(&state.db, outcome).await?;
    Ok(pairs::scatter(
        &state.db,
        outcome,
        grain,
        since(),
        accounts.as_deref(),
        code,
    )
    .await?)
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
    let pairs = scatter_pairs(&state, &user, outcome, &code).await?;
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
    let pairs = scatter_pairs(&state, &user, outcome, &code).await?;
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
