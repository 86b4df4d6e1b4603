//! `GET /api/v1/…`: accounts, their KPIs (targets and thresholds), values (filters
//! and keyset pages) and the portfolio rows. Every query is one the pages use,
//! reached through `scope`, so the API cannot see more than the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{ApiResult, Problem};
use super::scope;
use crate::accounts::{self, Account};
use crate::kpis::{self, AccountKpi};
use crate::period::Period;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub stage: i16,
    /// Staff only (the portal does not show how the supplier classifies the client).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

fn account_out(a: &Account, client: bool) -> AccountOut {
    let staff = |v: String| (!client).then_some(v);
    AccountOut {
        id: a.id,
        slug: a.slug.clone(),
        name: a.name.clone(),
        stage: a.stage,
        tier: staff(crate::portfolio::tier_code(a.tier).to_owned()),
        industry: staff(a.industry.clone()),
        country: staff(a.country.clone()),
        owner_name: staff(a.owner_name.clone().unwrap_or_default()),
        updated_at: a.updated_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountOut>,
}

/// The accounts the token sees.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    responses((status = 200, body = AccountList), (status = 401, body = super::problem::ProblemBody),
              (status = 403, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn accounts(State(state): State<AppState>, c: Caller) -> ApiResult<Json<AccountList>> {
    scope::require_account_area(&c)?;
    let ids: Vec<i64> = if scope::as_client(&c) {
        c.user.account_id.into_iter().collect()
    } else {
        accounts::visible_to(&state.db, &c.user)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    let mut items = Vec::new();
    for id in ids.into_iter().filter(|id| c.token.reaches(*id)) {
        if let Ok(a) = scope::account(&state, &c, id).await {
            items.push(account_out(&a, scope::as_client(&c)));
        }
    }
    items.sort_by_key(|a| a.name.to_lowercase());
    Ok(Json(AccountList { items }))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = i64, Path)),
    responses((status = 200, body = AccountOut), (status = 404, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn account(
    State(state): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccountOut>> {
    let a = scope::account(&state, &c, id).await?;
    Ok(Json(account_out(&a, scope::as_client(&c))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodTarget {
    pub period: NaiveDate,
    pub target: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiOut {
    pub id: i64,
    pub account_id: i64,
    pub code: String,
    pub universe: String,
    pub name_fr: String,
    pub name_en: String,
    pub unit: String,
    pub direction: String,
    pub frequency: String,
    pub domain: String,
    pub visibility: String,
    pub target: f64,
    /// Attainment (%) from which the KPI is green, then amber (below: red).
    pub green_from: f64,
    pub amber_from: f64,
    /// Per-period targets that replace `target` for their period.
    pub targets: Vec<PeriodTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freshness_months: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

fn kpi_out(k: &AccountKpi, overrides: &[(i64, NaiveDate, f64)], client: bool) -> KpiOut {
    KpiOut {
        id: k.id,
        account_id: k.account_id,
        code: k.code.clone(),
        universe: k.universe.code().into(),
        name_fr: k.name_fr.clone(),
        name_en: k.name_en.clone(),
        unit: k.unit.code().into(),
        direction: k.direction.code().into(),
        frequency: k.frequency.code().into(),
        domain: k.domain.code().into(),
        visibility: k.visibility.code().into(),
        target: k.target,
        green_from: k.green_from,
        amber_from: k.amber_from,
        targets: overrides
            .iter()
            .filter(|(id, _, _)| *id == k.id)
            .map(|(_, period, target)| PeriodTarget {
                period: *period,
                target: *target,
            })
            .collect(),
        weight: (!client).then_some(k.weight),
        freshness_months: (!client).then_some(k.freshness_months),
        updated_at: k.updated_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiList {
    pub items: Vec<KpiOut>,
}

/// The account's KPIs (a client token: the shared and joint ones, as the portal).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/kpis", tag = "kpis",
    params(("id" = i64, Path)),
    responses((status = 200, body = KpiList), (status = 404, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn kpis(
    State(state): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<KpiList>> {
    let a = scope::account(&state, &c, id).await?;
    let list = scope::kpis(&state, &c, &a).await?;
    let overrides = kpis::target_overrides(&state.db, a.id).await?;
    let client = scope::as_client(&c);
    Ok(Json(KpiList {
        items: list
            .iter()
            .map(|k| kpi_out(k, &overrides, client))
            .collect(),
    }))
}

/// One KPI of the account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/kpis/{kpi_id}", tag = "kpis",
    params(("id" = i64, Path), ("kpi_id" = i64, Path)),
    responses((status = 200, body = KpiOut), (status = 404, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn kpi(
    State(state): State<AppState>,
    c: Caller,
    Path((id, kpi_id)): Path<(i64, i64)>,
) -> ApiResult<Json<KpiOut>> {
    let a = scope::account(&state, &c, id).await?;
    let k = scope::kpi(&state, &c, &a, kpi_id).await?;
    let overrides = kpis::target_overrides(&state.db, a.id).await?;
    Ok(Json(kpi_out(&k, &overrides, scope::as_client(&c))))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct ValueOut {
    pub kpi_id: i64,
    pub kpi_code: String,
    /// First day of the period.
    pub period: NaiveDate,
    /// The period as written in forms and CSV files: `2026-09`, `2026-Q3`, `2026`.
    #[sqlx(skip)]
    pub period_code: String,
    pub value: f64,
    pub comment: String,
    pub source: String,
    /// Increases with every change: the value's ETag is `"<version>"`.
    pub version: i32,
    pub validation: String,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    #[sqlx(rename = "frequency")]
    pub frequency: String,
}

impl ValueOut {
    pub fn with_code(mut self) -> Self {
        let f = crate::domain::Frequency::parse(&self.frequency);
        self.period_code = f
            .and_then(|f| Period::from_start(f, self.period))
            .map(|p| p.code())
            .unwrap_or_else(|| self.period.to_string());
        self
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// Only this KPI (its id).
    pub kpi: Option<i64>,
    /// Periods starting on or after this date (`2026-01-01`).
    pub from: Option<NaiveDate>,
    /// Periods starting on or before this date.
    pub to: Option<NaiveDate>,
    /// The `next` of the previous page.
    #[param(pattern = r"^[0-9]+_[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub after: Option<String>,
    /// Rows per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValuePage {
    pub items: Vec<ValueOut>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The keyset cursor: the last row's KPI id and period.
fn parse_cursor(s: &str) -> Option<(i64, NaiveDate)> {
    let (k, p) = s.split_once('_')?;
    Some((
        k.parse().ok()?,
        NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()?,
    ))
}

pub const VALUE_SELECT: &str = "SELECT v.account_kpi_id AS kpi_id, k.code AS kpi_code, v.period, \
     v.value::float8 AS value, v.comment, v.source, v.version, v.validation::text AS validation, \
     v.updated_at, k.frequency::text AS frequency \
     FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id JOIN accounts a ON a.id = k.account_id";

/// The account's values, ordered by KPI then period, a page at a time.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/values", tag = "values",
    params(("id" = i64, Path), ValuesQuery),
    responses((status = 200, body = ValuePage), (status = 404, body = super::problem::ProblemBody),
              (status = 422, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn values(
    State(state): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    q: Result<Query<ValuesQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ValuePage>> {
    let Query(q) = q.map_err(|e| {
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-bad-query");
        p.parser = Some(e.body_text());
        p
    })?;
    let a = scope::account(&state, &c, id).await?;
    if let Some(k) = q.kpi {
        scope::kpi(&state, &c, &a, k).await?;
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-bad-limit").field(
                None,
                "limit",
                "api-bad-limit",
            ),
        );
    }
    let cursor = match q.after.as_deref() {
        None => None,
        Some(s) => Some(parse_cursor(s).ok_or_else(|| {
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-bad-cursor").field(
                None,
                "after",
                "api-bad-cursor",
            )
        })?),
    };
    let client = scope::as_client(&c);
    // The client's rule is the portal's, in SQL (`authz::CLIENT_SEES_SQL`).
    let sql = format!(
        "{VALUE_SELECT} WHERE k.account_id = $1 AND (NOT $2 OR ({})) \
           AND ($3::bigint IS NULL OR k.id = $3) \
           AND ($4::date IS NULL OR v.period >= $4) AND ($5::date IS NULL OR v.period <= $5) \
           AND ($6::bigint IS NULL OR (v.account_kpi_id, v.period) > ($6, $7::date)) \
         ORDER BY v.account_kpi_id, v.period LIMIT $8",
        crate::authz::CLIENT_SEES_SQL
    );
    let rows: Vec<ValueOut> = sqlx::query_as(&sql)
        .bind(a.id)
        .bind(client)
        .bind(q.kpi)
        .bind(q.from)
        .bind(q.to)
        .bind(cursor.map(|c| c.0))
        .bind(cursor.map(|c| c.1))
        .bind(limit + 1)
        .fetch_all(&state.db)
        .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<ValueOut> = rows
        .into_iter()
        .take(limit as usize)
        .map(ValueOut::with_code)
        .collect();
    let next = more
        .then(|| items.last().map(|v| format!("{}_{}", v.kpi_id, v.period)))
        .flatten();
    Ok(Json(ValuePage { items, next }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(parse_cursor("12_2026-03-01"), Some((12, d)));
        assert_eq!(parse_cursor("12-2026-03-01"), None);
        assert_eq!(parse_cursor("x_2026-03-01"), None);
        assert_eq!(parse_cursor("12_2026-13-01"), None);
    }
}
