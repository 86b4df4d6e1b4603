//! Portfolio rows as shown (and exported), their filters and their order.

use std::cmp::Ordering;

use crate::accounts::{AccountSummary, Tier};
use crate::domain::Universe;
use crate::i18n::format::{self, Share};
use crate::scoring::band;
use crate::web::layout::Ui;

use super::PortfolioQuery;
use super::data::Figures;

pub struct Cell {
    /// The score as computed (the CSV writes it as printed: `scoring::shown`).
    pub score: Option<f64>,
    pub text: String,
    /// green | amber | red | none
    pub status: &'static str,
    pub label: String,
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    pub tier_label: String,
    pub owner: String,
    pub stage: i16,
    pub stage_label: String,
    pub industry: String,
    pub country: String,
    pub score: Option<f64>,
    pub overall: Cell,
    pub delta: Option<f64>,
    pub trend_text: String,
    /// up | down | flat
    pub trend: &'static str,
    pub universes: Vec<Cell>,
    pub nps: Option<f64>,
    pub nps_text: String,
    pub revenue: Option<f64>,
    pub revenue_text: String,
    pub growth: Option<Share>,
    pub growth_text: String,
    pub clv: Option<f64>,
    pub clv_text: String,
    pub fresh: Option<Share>,
    pub fresh_text: String,
    pub validated: Option<Share>,
    pub validated_text: String,
    pub contested: i64,
    /// Open alerts about the account (set by the caller, which computes them).
    pub alerts: usize,
    pub last_review: Option<chrono::NaiveDate>,
    pub last_review_text: String,
    /// "next: <date>" when a review is planned ("" otherwise).
    pub next_review_text: String,
    pub since: Option<chrono::NaiveDate>,
    pub since_text: String,
}

pub fn tier_code(t: Tier) -> &'static str {
    match t {
        Tier::KeyAccount => "key_account",
        Tier::Candidate => "candidate",
        Tier::Managed => "managed",
    }
}

fn money(ui: &Ui, v: f64) -> String {
    let d = rust_decimal::Decimal::from_f64_retain(v.round()).unwrap_or_default();
    format::money(ui.locale, d)
}

fn dash() -> String {
    "—".to_owned()
}

fn cell(ui: &Ui, score: Option<f64>) -> Cell {
    let status = band(score).code();
    Cell {
        score,
        text: score
            .map(|s| ui.num(crate::scoring::shown(s), 0))
            .unwrap_or_else(dash),
        status,
        label: ui.t(&format!("status-{status}")),
    }
}

pub fn row(ui: &Ui, a: &AccountSummary, f: &Figures) -> Row {
    let delta = match (f.now.overall, f.before.overall) {
        (Some(n), Some(b)) => Some(n - b),
        _ => None,
    };
    // The scorecard's own rule: ±0.5 points is flat; the sign is always shown.
    let signed = |d: f64| format!("{}{}", if d > 0.0 { "+" } else { "" }, ui.num(d, 1));
    let (trend, trend_text) = match delta {
        Some(d) if d > 0.5 => ("up", format!("▲ {}", signed(d))),
        Some(d) if d < -0.5 => ("down", format!("▼ {}", signed(d))),
        Some(d) => ("flat", format!("→ {}", signed(d))),
        None => ("flat", dash()),
    };
    let pct = |v: Option<Share>| {
        v.map(|v| format::share(ui.locale, v, 0))
            .unwrap_or_else(dash)
    };
    let fresh = f.fresh_share();
    let validated = f.validated_share();
    let clv = f.clv.as_ref().map(|c| c.total);
    Row {
        id: a.id,
        name: a.name.clone(),
        tier: a.tier,
        tier_label: ui.t(a.tier.label_key()),
        owner: a.owner_name.clone().unwrap_or_default(),
        stage: a.stage,
        stage_label: ui.t(&a.stage_key()),
        industry: a.industry.clone(),
        country: a.country.clone(),
        score: f.now.overall,
        overall: cell(ui, f.now.overall),
        delta,
        trend_text,
        trend,
        universes: Universe::ALL
            .iter()
            .map(|u| cell(ui, f.now.universe(*u).score))
            .collect(),
        nps: f.nps,
        nps_text: f.nps.map(|v| ui.num(v, 0)).unwrap_or_else(dash),
        revenue: f.revenue,
        revenue_text: f.revenue.map(|v| money(ui, v)).unwrap_or_else(dash),
        growth: f.growth,
        growth_text: f
            .growth
            .map(|g| format::share(ui.locale, g, 1))
            .unwrap_or_else(dash),
        clv,
        clv_text: clv.map(|v| money(ui, v)).unwrap_or_else(dash),
        fresh,
        fresh_text: pct(fresh),
        validated,
        validated_text: pct(validated),
        contested: f.contested,
        alerts: 0,
        last_review: f.last_review,
        last_review_text: f.last_review.map(|d| ui.date(&d)).unwrap_or_else(dash),
        next_review_text: f
            .next_review
            .map(|d| format!("{} {}", ui.t("portfolio-next-review"), ui.date(&d)))
            .unwrap_or_default(),
        since: a.relationship_start,
        since_text: a
            .relationship_start
            .map(|d| ui.date(&d))
            .unwrap_or_else(dash),
    }
}

impl Row {
    /// The CSV cells: plain machine-readable numbers, labels in the user's language.
    pub fn csv_cells(&self) -> Vec<String> {
        let num = |v: Option<f64>, d: usize| v.map(|v| format!("{v:.d$}")).unwrap_or_default();
        let mut cells = vec![
            self.name.clone(),
            self.id.to_string(),
            self.tier_label.clone(),
            self.owner.clone(),
            self.stage.to_string(),
            self.industry.clone(),
            self.country.clone(),
            // Whole points, rounded down as the page prints them (`scoring::shown`),
            // so that the CSV never reads 89.6 beside an amber status.
            num(self.score.map(crate::scoring::shown), 0),
            self.overall.label.clone(),
            num(self.delta, 1),
            self.alerts.to_string(),
        ];
        // Each universe: its score as a plain number, then its status in words.
        for c in &self.universes {
            cells.push(num(c.score.map(crate::scoring::shown), 0));
            cells.push(if c.status == "none" {
                String::new()
            } else {
                c.label.clone()
            });
        }
        cells.extend([
            num(self.nps, 0),
            num(self.revenue, 0),
            self.growth.map(|g| g.csv(1)).unwrap_or_default(),
            num(self.clv, 0),
            self.fresh.map(|g| g.csv(0)).unwrap_or_default(),
            self.validated.map(|g| g.csv(0)).unwrap_or_default(),
            self.contested.to_string(),
            self.last_review.map(|d| d.to_string()).unwrap_or_default(),
            self.since.map(|d| d.to_string()).unwrap_or_default(),
        ]);
        cells
    }
}

/// The default order: what needs the director first (see `sort`).
pub const ATTENTION: &str = "attention";

/// How much an overall status asks for attention: red, then amber, then no
/// score at all (nothing fresh to judge by), then green.
pub fn severity(status: &str) -> u8 {
    match status {
        "red" => 3,
        "amber" => 2,
        "green" => 0,
        _ => 1,
    }
}

/// Sortable columns: (key, label key).
pub const SORT_KEYS: &[(&str, &str)] = &[
    ("name", "col-account"),
    ("tier", "col-tier"),
    ("owner", "col-owner"),
    ("stage", "col-stage"),
    ("score", "overall-score"),
    ("trend", "portfolio-col-trend"),
    ("alerts", "portfolio-col-alerts"),
    ("nps", "portfolio-col-nps"),
    ("revenue", "portfolio-col-revenue"),
    ("growth", "portfolio-col-growth"),
    ("clv", "portfolio-col-clv"),
    ("fresh", "portfolio-col-fresh"),
    ("validated", "portfolio-col-validated"),
    ("contested", "portfolio-col-contested"),
    ("review", "portfolio-col-last-review"),
    ("since", "col-since"),
];

/// The view's state, parsed leniently: an unknown value filters nothing.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub tier: String,
    pub kam: String,
    pub stage: String,
    pub industry: String,
    pub country: String,
    pub status: String,
    pub sort: String,
    pub desc: bool,
}

impl Filters {
    pub fn parse(q: &PortfolioQuery) -> Self {
        let sort = if SORT_KEYS.iter().any(|(k, _)| *k == q.sort) {
            q.sort.clone()
        } else {
            ATTENTION.to_owned()
        };
        Filters {
            tier: q.tier.trim().to_owned(),
            kam: q.kam.trim().to_owned(),
            stage: q.stage.trim().to_owned(),
            industry: q.industry.trim().to_owned(),
            country: q.country.trim().to_owned(),
            status: q.status.trim().to_owned(),
            sort,
            desc: q.dir == "desc",
        }
    }

    pub fn keeps(&self, r: &Row) -> bool {
        (self.tier.is_empty() || tier_code(r.tier) == self.tier)
            && (self.kam.is_empty() || r.owner == self.kam)
            && (self.stage.is_empty() || r.stage.to_string() == self.stage)
            && (self.industry.is_empty() || r.industry == self.industry)
            && (self.country.is_empty() || r.country == self.country)
            && (self.status.is_empty() || r.overall.status == self.status)
    }

    /// The query string of this view, with another sort or page.
    pub fn query(&self, sort: Option<(&str, &str)>, page: Option<usize>) -> String {
        let (s, d) = sort.unwrap_or((&self.sort, if self.desc { "desc" } else { "asc" }));
        let mut pairs: Vec<(&str, String)> = vec![
            ("tier", self.tier.clone()),
            ("kam", self.kam.clone()),
            ("stage", self.stage.clone()),
            ("industry", self.industry.clone()),
            ("country", self.country.clone()),
            ("status", self.status.clone()),
            ("sort", s.to_owned()),
            ("dir", d.to_owned()),
        ];
        if let Some(p) = page {
            pairs.push(("page", p.to_string()));
        }
        pairs.retain(|(_, v)| !v.is_empty());
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

fn opt(a: Option<f64>, b: Option<f64>) -> Ordering {
    // Missing values sort last whatever the direction (handled by the caller).
    match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

pub fn sort(rows: &mut [Row], f: &Filters) {
    let key = |r: &Row| -> Option<f64> {
        match f.sort.as_str() {
            "stage" => Some(f64::from(r.stage)),
            "score" => r.score,
            "trend" => r.delta,
            "nps" => r.nps,
            "revenue" => r.revenue,
            "growth" => r.growth.map(Share::fraction),
            "clv" => r.clv,
            "fresh" => r.fresh.map(Share::fraction),
            "validated" => r.validated.map(Share::fraction),
            "contested" => Some(r.contested as f64),
            "alerts" => Some(r.alerts as f64),
            "review" => r
                .last_review
                .map(|d| f64::from(chrono::Datelike::num_days_from_ce(&d))),
            "since" => r
                .since
                .map(|d| f64::from(chrono::Datelike::num_days_from_ce(&d))),
            _ => None,
        }
    };
    if f.sort == ATTENTION {
        // Worst status first, then the steepest fall (no trend last), then the
        // most open alerts; the direction does not apply.
        rows.sort_by(|a, b| {
            severity(b.overall.status)
                .cmp(&severity(a.overall.status))
                .then_with(|| opt(a.delta, b.delta))
                .then_with(|| b.alerts.cmp(&a.alerts))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        return;
    }
    rows.sort_by(|a, b| {
        let o = match f.sort.as_str() {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "tier" => tier_code(a.tier).cmp(tier_code(b.tier)),
            "owner" => a.owner.cmp(&b.owner),
            _ => {
                let (ka, kb) = (key(a), key(b));
                if ka.is_none() || kb.is_none() {
                    return opt(ka, kb);
                }
                opt(ka, kb)
            }
        };
        let o = if f.desc { o.reverse() } else { o };
        o.then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
}
