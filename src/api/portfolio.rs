//! `GET /api/v1/portfolio`: the portfolio's rows, computed by `portfolio::compute`
//! (the page's and the CSV's own function, reading the stored scorecard state), so
//! the three can never disagree. Numbers are plain: shares as fractions, scores as
//! computed (the page prints them rounded down, `scoring::shown`).

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::problem::ApiResult;
use crate::authz::Area;
use crate::portfolio::{self, PortfolioQuery, Row};
use crate::state::AppState;
use crate::web::layout::Ui;

#[derive(Debug, Serialize, ToSchema)]
pub struct UniverseCell {
    pub universe: String,
    pub score: Option<f64>,
    /// green | amber | red | none
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioRow {
    pub account_id: i64,
    pub name: String,
    pub tier: String,
    pub owner: String,
    pub stage: i16,
    pub industry: String,
    pub country: String,
    pub score: Option<f64>,
    /// green | amber | red | none
    pub status: String,
    /// Change of the overall score since the month began.
    pub trend: Option<f64>,
    pub universes: Vec<UniverseCell>,
    pub nps: Option<f64>,
    pub revenue: Option<f64>,
    /// Fractions (0.12 is 12 %).
    pub growth: Option<f64>,
    pub lifetime_value: Option<f64>,
    pub fresh_share: Option<f64>,
    pub validated_share: Option<f64>,
    pub contests_open: i64,
    pub alerts: usize,
    pub last_review: Option<NaiveDate>,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Portfolio {
    pub items: Vec<PortfolioRow>,
    /// Accounts whose stored scores are being recomputed (not in `items` yet).
    pub pending: usize,
}

fn row_out(r: &Row) -> PortfolioRow {
    PortfolioRow {
        account_id: r.id,
        name: r.name.clone(),
        tier: portfolio::tier_code(r.tier).into(),
        owner: r.owner.clone(),
        stage: r.stage,
        industry: r.industry.clone(),
        country: r.country.clone(),
        score: r.score,
        status: r.overall.status.into(),
        trend: r.delta,
        universes: crate::domain::Universe::ALL
            .iter()
            .zip(&r.universes)
            .map(|(u, c)| UniverseCell {
                universe: u.code().into(),
                score: c.score,
                status: c.status.into(),
            })
            .collect(),
        nps: r.nps,
        revenue: r.revenue,
        growth: r.growth.map(|g| g.fraction()),
        lifetime_value: r.clv,
        fresh_share: r.fresh.map(|s| s.fraction()),
        validated_share: r.validated.map(|s| s.fraction()),
        contests_open: r.contested,
        alerts: r.alerts,
        last_review: r.last_review,
        since: r.since,
    }
}

/// Every account's row, in the page's default order (what needs attention first).
#[utoipa::path(get, path = "/api/v1/portfolio", tag = "portfolio",
    responses((status = 200, body = Portfolio), (status = 403, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn rows(State(state): State<AppState>, c: Caller) -> ApiResult<Json<Portfolio>> {
    c.require(Area::Portfolio)?;
    let tz = crate::i18n::zone::current(&state.db).await?;
    let ui = Ui::plain(c.locale, c.user.clone(), tz);
    let computed = portfolio::compute(&state, &c.user, &ui, &PortfolioQuery::default()).await?;
    let items = computed
        .rows
        .iter()
        .filter(|r| c.token.reaches(r.id))
        .map(row_out)
        .collect();
    Ok(Json(Portfolio {
        items,
        pending: computed.pending,
    }))
}
