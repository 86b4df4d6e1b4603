//! `/portfolio`: the director's cockpit (a KAM sees their own accounts). One row per
//! account with its scores, voice of the customer, money and data health; filters,
//! sorting and paging live in the query string so every view is a deep link, and
//! the CSV export gives every row of the current filter (all pages).

pub mod alerts;
pub mod data;
mod view;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::accounts::{self, AccountSummary, Tier};
use crate::auth::extract::PortfolioUser;
use crate::error::AppResult;
use crate::i18n::format;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

pub use view::{Filters, Row, tier_code};

/// Rows per page.
pub const PER_PAGE: usize = 25;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PortfolioQuery {
    pub tier: String,
    pub kam: String,
    pub stage: String,
    pub industry: String,
    pub country: String,
    pub status: String,
    pub sort: String,
    pub dir: String,
    pub page: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct SortLink {
    pub key: &'static str,
    pub label: String,
    pub href: String,
    /// "ascending" | "descending" | "" (aria-sort)
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "portfolio/index.html")]
pub struct PortfolioPage {
    pub ui: Ui,
    /// "N accounts being recomputed", when some are (see `Computed::pending`).
    pub pending_text: Option<String>,
    pub rows: Vec<Row>,
    pub total_accounts: usize,
    pub filtered: usize,
    pub key_accounts: usize,
    /// "12 comptes", "1 compte clé", "12 affichés par le filtre" (plural rules).
    pub total_text: String,
    pub key_text: String,
    pub filtered_text: String,
    pub page: usize,
    pub pages: usize,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub csv_href: String,
    pub alerts: Vec<alerts::Alert>,
    /// "2 turning red · 1 contest waiting": the alerts counted by kind.
    pub alert_kinds: String,
    /// The sort control: "needs attention first", then every sortable column.
    pub sorts: Vec<Choice>,
    pub desc: bool,
    pub tiers: Vec<Choice>,
    pub kams: Vec<Choice>,
    pub stages: Vec<Choice>,
    pub industries: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub columns: Vec<SortLink>,
    pub universes: Vec<String>,
    pub updated: String,
}

/// The visible accounts, their figures, their alerts and the filtered, sorted rows.
pub struct Computed {
    pub all: Vec<AccountSummary>,
    pub figures: std::collections::HashMap<i64, data::Figures>,
    pub alerts: Vec<alerts::Alert>,
    pub rows: Vec<Row>,
    pub filters: Filters,
    /// Accounts whose scores are being recomputed (not in `figures` yet, or of
    /// an earlier day): the page says so rather than show them as current.
    pub pending: usize,
}

#[tracing::instrument(level = "debug", skip_all, fields(user_id = user.id))]
pub async fn compute(
    state: &AppState,
    user: &crate::users::User,
    ui: &Ui,
    q: &PortfolioQuery,
) -> AppResult<Computed> {
    let all = accounts::visible_to(&state.db, user).await?;
    let settings = data::settings(&state.db).await?;
    let (figures, pending) = data::figures(&state.db, &all, &settings).await?;
    let mut alerts = alerts::alerts(ui.locale, &all, &figures);
    let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
    alerts.extend(alerts::hidden_discontent_alerts(&state.db, ui.locale, &ids).await?);
    alerts.extend(alerts::red_without_action_alerts(&state.db, ui.locale, &ids).await?);
    let filters = Filters::parse(q);
    let mut rows: Vec<Row> = all
        .iter()
        .filter_map(|a| figures.get(&a.id).map(|f| view::row(ui, a, f)))
        .filter(|r| filters.keeps(r))
        .collect();
    for r in &mut rows {
        r.alerts = alerts.iter().filter(|a| a.account_id == r.id).count();
    }
    view::sort(&mut rows, &filters);
    Ok(Computed {
        pending,
        all,
        figures,
        alerts,
        rows,
        filters,
    })
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<PortfolioQuery>,
) -> AppResult<Response> {
    let c = compute(&state, &user, &ui, &q).await?;
    let alerts = c.alerts;
    let alert_kinds = alerts::KINDS
        .iter()
        .map(|k| (*k, alerts.iter().filter(|a| a.kind == *k).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| {
            ui.locale.t_args(
                &format!("portfolio-alert-count-{k}"),
                &[("count", (n as i64).into())],
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let filtered = c.rows.len();
    let pages = filtered.div_ceil(PER_PAGE).max(1);
    let page = q.page.parse::<usize>().unwrap_or(1).clamp(1, pages);
    let f = &c.filters;
    let rows: Vec<Row> = c
        .rows
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let choice = |value: &str, label: String, current: &str| Choice {
        selected: value == current,
        value: value.to_owned(),
        label,
    };
    let tiers = [Tier::KeyAccount, Tier::Candidate, Tier::Managed]
        .iter()
        .map(|t| {
            let code = view::tier_code(*t);
            choice(code, ui.t(t.label_key()), &f.tier)
        })
        .collect();
    let mut kams: Vec<(String, String)> = c
        .all
        .iter()
        .filter_map(|a| a.owner_name.clone())
        .map(|n| (n.clone(), n))
        .collect();
    kams.sort();
    kams.dedup();
    let distinct = |get: fn(&AccountSummary) -> String| {
        let mut v: Vec<String> = c.all.iter().map(get).collect();
        v.sort();
        v.dedup();
        v
    };
    let industries = distinct(|a| a.industry.clone())
        .into_iter()
        .map(|i| choice(&i, i.clone(), &f.industry))
        .collect();
    let countries = distinct(|a| a.country.clone())
        .into_iter()
        .map(|i| choice(&i, i.clone(), &f.country))
        .collect();
    let stages = (1..=4)
        .map(|s: i16| {
            let v = s.to_string();
            choice(
                &v,
                format!("{s} · {}", ui.t(&format!("stage-{s}"))),
                &f.stage,
            )
        })
        .collect();
    let statuses = ["green", "amber", "red", "none"]
        .iter()
        .map(|s| choice(s, ui.t(&format!("status-{s}")), &f.status))
        .collect();
    let kams = kams
        .into_iter()
        .map(|(v, l)| choice(&v, l, &f.kam))
        .collect();
    let mut sorts = vec![Choice {
        value: view::ATTENTION.to_owned(),
        label: ui.t("portfolio-sort-attention"),
        selected: f.sort == view::ATTENTION,
    }];
    sorts.extend(view::SORT_KEYS.iter().map(|(key, label)| Choice {
        value: (*key).to_owned(),
        label: ui.t(label),
        selected: f.sort == *key,
    }));
    let columns = view::SORT_KEYS
        .iter()
        .map(|(key, label)| {
            let (dir, aria) = if f.sort == *key {
                if f.desc {
                    ("asc", "descending")
                } else {
                    ("desc", "ascending")
                }
            } else {
                ("asc", "")
            };
            SortLink {
                key,
                label: ui.t(label),
                href: format!("/portfolio?{}", f.query(Some((key, dir)), None)),
                aria,
            }
        })
        .collect();
    let updated = c
        .all
        .iter()
        .map(|a| a.updated_at)
        .max()
        .map(|t: DateTime<Utc>| format::datetime(ui.locale, t, ui.tz))
        .unwrap_or_default();
    let count = |key: &str, n: usize| ui.locale.t_args(key, &[("count", (n as i64).into())]);
    let key_accounts = c.all.iter().filter(|a| a.tier == Tier::KeyAccount).count();
    let p = PortfolioPage {
        pending_text: (c.pending > 0).then(|| count("portfolio-pending", c.pending)),
        total_text: count("portfolio-accounts-count", c.all.len()),
        key_text: count("portfolio-key-accounts-count", key_accounts),
        filtered_text: count("portfolio-shown-count", filtered),
        total_accounts: c.all.len(),
        key_accounts,
        filtered,
        page,
        pages,
        prev_href: (page > 1).then(|| format!("/portfolio?{}", f.query(None, Some(page - 1)))),
        next_href: (page < pages).then(|| format!("/portfolio?{}", f.query(None, Some(page + 1)))),
        csv_href: format!("/portfolio.csv?{}", f.query(None, None)),
        rows,
        alerts,
        alert_kinds,
        sorts,
        desc: f.desc && f.sort != view::ATTENTION,
        tiers,
        kams,
        stages,
        industries,
        countries,
        statuses,
        columns,
        universes: crate::domain::Universe::ALL
            .iter()
            .map(|u| ui.t(&u.label_key()))
            .collect(),
        updated,
        ui,
    };
    render(&p)
}

/// `GET /portfolio.csv`: every row of the current filter and sort (all pages,
/// not only the page on screen).
pub async fn csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
    Query(q): Query<PortfolioQuery>,
) -> AppResult<CsvResponse> {
    let c = compute(&state, &user, &ui, &q).await?;
    let t = |k: &str| ui.t(k);
    let mut headers = vec![
        t("col-account"),
        "id".to_owned(),
        t("col-tier"),
        t("col-owner"),
        t("col-stage"),
        t("col-industry"),
        t("col-country"),
        t("overall-score"),
        t("portfolio-col-status"),
        t("portfolio-col-trend"),
        t("portfolio-col-alerts"),
    ];
    for u in crate::domain::Universe::ALL {
        let name = ui.t(&u.label_key());
        headers.push(format!(
            "{name} ({})",
            t("portfolio-col-status").to_lowercase()
        ));
        headers.insert(headers.len() - 1, name);
    }
    headers.extend([
        t("portfolio-col-nps"),
        t("portfolio-col-revenue"),
        t("portfolio-col-growth"),
        t("portfolio-col-clv"),
        t("portfolio-col-fresh"),
        t("portfolio-col-validated"),
        t("portfolio-col-contested"),
        t("portfolio-col-last-review"),
        t("col-since"),
    ]);
    let mut out = Csv::new(&headers)?;
    for r in &c.rows {
        out.row(&r.csv_cells())?;
    }
    out.finish("portfolio.csv")
}
