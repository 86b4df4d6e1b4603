//! `/accounts/{id}`: the balanced scorecard of one account.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account};
use crate::charts;
use crate::domain::{DataDomain, Frequency};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::period::Period;
use crate::scorecard::{self, Board, Row};
use crate::scoring::{self, Contribution, Rag};
use crate::state::AppState;
use crate::users::User;
use crate::web::layout::Ui;
use crate::web::render_status;

/// A problem with a value typed inline, shown in its row with the input kept.
pub struct InlineError {
    pub kpi_id: i64,
    pub message: String,
    pub input: String,
    pub comment: String,
}

pub struct RowView {
    pub id: i64,
    pub unit: &'static str,
    /// The client's verdict on the latest value of a shared KPI ("" when internal).
    pub validation: &'static str,
    pub validation_label: String,
    pub code: String,
    pub name: String,
    pub description: String,
    pub value_text: String,
    pub period_label: String,
    pub target_text: String,
    pub attainment_text: String,
    pub bar_class: String,
    pub rag: &'static str,
    /// For a stale KPI, the status its last value had ("" otherwise).
    pub last_rag: &'static str,
    pub rag_label: String,
    pub freshness_text: String,
    pub stale: bool,
    pub domain: &'static str,
    pub domain_label: String,
    pub visibility: &'static str,
    pub sparkline: String,
    pub owner: String,
    pub comment: String,
    pub entry_period: String,
    pub entry_period_label: String,
    pub entry_input: String,
    pub entry_comment: String,
    pub entry_version: String,
    pub error: Option<String>,
}

pub struct UniverseView {
    pub code: &'static str,
    pub label: String,
    pub score_text: String,
    pub status: &'static str,
    pub status_label: String,
    pub weight_text: String,
    pub counts_text: String,
    pub delta_text: String,
    pub rows: Vec<RowView>,
}

/// One count of the "needs attention" summary, linking to the rows it counts.
pub struct AttentionCount {
    /// red | amber | stale | contested | awaiting: the `only=` filter it links to.
    pub code: &'static str,
    pub count: usize,
    pub text: String,
    pub href: String,
    /// The filter shown now.
    pub current: bool,
}

/// The rows a scorecard shows and their order: `?sort=attention` and `?only=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Arrangement {
    /// Red, then amber, then stale, then the rest (universes with their worst row first).
    pub attention: bool,
    pub only: Option<&'static str>,
}

impl Arrangement {
    pub const FILTERS: [&'static str; 5] = ["red", "amber", "stale", "contested", "awaiting"];

    pub fn from_query(q: &ViewQuery) -> Self {
        let only = q
            .only
            .as_deref()
            .and_then(|o| Self::FILTERS.iter().copied().find(|f| *f == o));
        Arrangement {
            attention: q.sort.as_deref() == Some("attention"),
            only,
        }
    }

    fn keeps(&self, r: &RowView) -> bool {
        match self.only {
            None => true,
            Some("red" | "amber" | "stale") => Some(r.rag) == self.only,
            Some(v) => r.validation == v,
        }
    }
}

/// Red first, then amber, then stale, then the rest (the "needs attention" order).
fn attention_rank(rag: &str) -> u8 {
    match rag {
        "red" => 0,
        "amber" => 1,
        "stale" => 2,
        _ => 3,
    }
}

pub struct DomainView {
    pub code: &'static str,
    pub label: String,
    pub fresh: usize,
    pub total: usize,
}

/// The explanation names this many KPIs; the others are summed in one line.
const SHOWN_CONTRIBUTIONS: usize = 5;

pub struct ContributionView {
    pub name: String,
    pub points_text: String,
    pub up: bool,
    pub from_label: String,
    pub to_label: String,
}

/// What the portal adds to the scorecard page (None on staff pages).
pub struct PortalInfo {
    pub team: Vec<crate::accounts::team::Member>,
    /// A KAM looking at what the client sees.
    pub preview: bool,
    /// The values awaiting the client's validation (portal only).
    pub next_step: crate::portal::validate::NextStep,
}

#[derive(Template)]
#[template(path = "scorecard/page.html")]
pub struct ScorecardPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    /// Where this scorecard lives: `/accounts/{id}` or `/portal`.
    pub base: String,
    /// Where its KPI pages live (the staff pages in a preview).
    pub kpi_base: String,
    pub portal: Option<PortalInfo>,
    pub nothing_shared: bool,
    /// Share of the shared KPIs' latest values validated by the client.
    pub validated_text: Option<String>,
    pub month: String,
    pub month_label: String,
    pub prev_month: String,
    pub next_month: Option<String>,
    pub as_of_text: String,
    pub overall_text: String,
    pub overall_status: &'static str,
    pub overall_status_label: String,
    pub trend_text: String,
    pub trend: &'static str,
    pub universes: Vec<UniverseView>,
    pub domains: Vec<DomainView>,
    pub client_warning: Option<String>,
    pub contributions: Vec<ContributionView>,
    /// The contributions beyond the first five, summed, so that the lines shown
    /// add up to the headline change.
    pub other_contributions: Option<ContributionView>,
    pub explanation_text: String,
    pub last_updated: String,
    /// "N off target, N to watch…" (only the non-zero counts).
    pub attention: Vec<AttentionCount>,
    pub arrangement: Arrangement,
    /// The page with the current month and order but no filter.
    pub all_href: String,
    /// The page with the current month in the other order.
    pub sort_href: String,
    /// Rows shown (after `only=`).
    pub shown_rows: usize,
    /// "Showing N indicators" when filtered.
    pub filter_text: String,
    /// Staff, current month: each red or amber KPI's path to green (plan::green).
    pub green: Vec<crate::plan::green::GreenRow>,
    /// Staff: whether the viewer follows the account (the follow button); None
    /// in the portal and its preview.
    pub following: Option<bool>,
}

impl ScorecardPage {
    /// Red KPIs without an open action: the alert above the path to green.
    pub fn red_without_action(&self) -> Vec<&crate::plan::green::GreenRow> {
        self.green
            .iter()
            .filter(|g| g.rag == crate::scoring::Rag::Red && g.actions.is_empty())
            .collect()
    }
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

/// How the scorecard's rows are arranged, beside `?period=`.
#[derive(Deserialize, Default)]
pub struct ViewQuery {
    /// `attention`: rows needing attention first.
    pub sort: Option<String>,
    /// Only the rows of one attention count (see `Arrangement::FILTERS`).
    pub only: Option<String>,
}

/// The month asked for in `?period=YYYY-MM`, or the current one.
pub fn month_from(q: &PeriodQuery) -> AppResult<Period> {
    match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(scorecard::current_month()),
        Some(code) => Period::parse(Frequency::Monthly, code)
            .map_err(|_| AppError::Unprocessable("period-month-invalid")),
    }
}

pub async fn page(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
    Query(view): Query<ViewQuery>,
) -> AppResult<Response> {
    let _id = account.id;
    let month = month_from(&q)?;
    let arrangement = Arrangement::from_query(&view);
    show_arranged(
        &state,
        &user,
        ui,
        account,
        month,
        arrangement,
        None,
        StatusCode::OK,
    )
    .await
}

/// Renders the scorecard; also used to answer an inline edit with an error (422/409).
pub async fn show(
    state: &AppState,
    user: &User,
    ui: Ui,
    account: Account,
    month: Period,
    error: Option<InlineError>,
    status: StatusCode,
) -> AppResult<Response> {
    show_arranged(
        state,
        user,
        ui,
        account,
        month,
        Arrangement::default(),
        error,
        status,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn show_arranged(
    state: &AppState,
    user: &User,
    ui: Ui,
    account: Account,
    month: Period,
    arrangement: Arrangement,
    error: Option<InlineError>,
    status: StatusCode,
) -> AppResult<Response> {
    let can_edit = accounts::can_edit(user, &account);
    let loaded =
        scorecard::load_page(&state.db, account, month, scorecard::Audience::Internal).await?;
    let board = Board::build(&loaded, month);
    let validated = crate::evaluation::validated_share(&state.db, loaded.account.id).await?;
    let mut page = build(ui, &board, can_edit, error);
    // `validated_share` answers in percent (0–100).
    page.validated_text =
        validated.map(|v| format::percent(page.ui.locale, format::Percent::new(v), 0));
    page.arrange(arrangement);
    page.following = Some(crate::digests::follow::follows(&state.db, user, page.account.id).await?);
    if month == scorecard::current_month() {
        page.green =
            crate::plan::green::for_account(&state.db, page.account.id, page.ui.locale).await?;
    }
    render_status(status, &page)
}

impl ScorecardPage {
    /// The link to this scorecard for the current month with an order and a filter.
    fn href(&self, attention: bool, only: Option<&str>) -> String {
        let mut h = format!("{}?period={}", self.base, self.month);
        if attention {
            h.push_str("&sort=attention");
        }
        if let Some(o) = only {
            h.push_str("&only=");
            h.push_str(o);
        }
        h
    }

    /// Counts what needs attention (over every row), then applies the order and
    /// the filter asked for. The portal calls it too: its rows are the shared
    /// KPIs only, so the counts never reveal an internal KPI.
    pub fn arrange(&mut self, arrangement: Arrangement) {
        let rows = || self.universes.iter().flat_map(|u| &u.rows);
        let count = |code: &str| {
            rows()
                .filter(|r| match code {
                    "red" | "amber" | "stale" => r.rag == code,
                    v => r.validation == v,
                })
                .count()
        };
        let counts: Vec<(&'static str, usize)> = Arrangement::FILTERS
            .iter()
            .map(|&c| (c, count(c)))
            .collect();
        // The client reads "awaiting your validation", not "awaiting the client".
        let client_reading = self.portal.as_ref().is_some_and(|p| !p.preview);
        self.attention = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(code, n)| AttentionCount {
                code,
                count: n,
                text: self.ui.locale.t_args(
                    &if client_reading && code == "awaiting" {
                        "attention-awaiting-you".to_owned()
                    } else {
                        format!("attention-{code}")
                    },
                    &[("count", (n as i64).into())],
                ),
                href: self.href(arrangement.attention, Some(code)),
                current: arrangement.only == Some(code),
            })
            .collect();
        self.all_href = self.href(arrangement.attention, None);
        self.sort_href = self.href(!arrangement.attention, arrangement.only);
        self.arrangement = arrangement;
        for u in &mut self.universes {
            u.rows.retain(|r| arrangement.keeps(r));
            if arrangement.attention {
                // Stable: equal ranks keep the configured order.
                u.rows.sort_by_key(|r| attention_rank(r.rag));
            }
        }
        if arrangement.only.is_some() {
            self.universes.retain(|u| !u.rows.is_empty());
        }
        if arrangement.attention {
            self.universes.sort_by_key(|u| {
                u.rows
                    .iter()
                    .map(|r| attention_rank(r.rag))
                    .min()
                    .unwrap_or(u8::MAX)
            });
        }
        self.shown_rows = self.universes.iter().map(|u| u.rows.len()).sum();
        self.filter_text = self.ui.locale.t_args(
            "attention-filtered",
            &[("count", (self.shown_rows as i64).into())],
        );
    }
}

/// A score as printed: rounded down, so that it never reads a band its status
/// does not have (`scoring::shown`).
fn score_text(locale: Locale, s: Option<f64>) -> String {
    s.map(|v| format::number(locale, scoring::shown(v), 0))
        .unwrap_or_else(|| "—".into())
}

fn delta_text(ui: &Ui, now: Option<f64>, before: Option<f64>) -> (String, &'static str) {
    match (now, before) {
        (Some(n), Some(b)) => {
            let d = n - b;
            let arrow = if d > 0.5 {
                ("▲", "up")
            } else if d < -0.5 {
                ("▼", "down")
            } else {
                ("→", "flat")
            };
            let sign = if d > 0.0 { "+" } else { "" };
            (
                format!(
                    "{} {}{} {}",
                    arrow.0,
                    sign,
                    format::number(ui.locale, d, 1),
                    ui.t("points-short")
                ),
                arrow.1,
            )
        }
        _ => (ui.t("trend-none"), "flat"),
    }
}

fn row_view(ui: &Ui, board: &Board, row: &Row, error: Option<&InlineError>) -> RowView {
    let k = row.kpi;
    let locale = ui.locale;
    let result = board.now.kpi(k.id);
    let rag = result.map(|r| r.rag).unwrap_or(Rag::None);
    let attainment = result.and_then(|r| r.attainment);
    let width = attainment
        .map(|a| ((a.min(1.0) * 20.0).round() * 5.0) as i64)
        .unwrap_or(0);
    let name = k.name(locale).to_owned();
    let last_rag = result
        .filter(|r| r.rag == Rag::Stale)
        .and_then(|r| r.last_rag);
    let rag_label = match last_rag {
        Some(last) => ui.locale.t_args(
            "rag-stale-was",
            &[("status", ui.t(last.label_key()).into())],
        ),
        None => ui.t(rag.label_key()),
    };
    let freshness_text = match row.latest {
        None => ui.t("freshness-never"),
        Some(v) => {
            let stamp = ui.date_of(&v.updated_at);
            if rag == Rag::Stale {
                format!("{} · {}", ui.t("freshness-stale"), stamp)
            } else {
                format!("{} {}", ui.t("freshness-updated"), stamp)
            }
        }
    };
    let spark_label = format!("{} — {}", name, ui.t("spark-label"));
    let error_here = error.filter(|e| e.kpi_id == k.id);
    let validation = match row.latest {
        Some(v) if k.visibility != crate::domain::Visibility::Internal => v.validation,
        _ => crate::evaluation::rules::Status::Awaiting,
    };
    let shared_with_value =
        row.latest.is_some() && k.visibility != crate::domain::Visibility::Internal;
    RowView {
        unit: k.unit.code(),
        validation: if shared_with_value {
            validation.code()
        } else {
            ""
        },
        validation_label: if shared_with_value {
            ui.t(validation.label_key())
        } else {
            String::new()
        },
        id: k.id,
        code: k.code.clone(),
        description: k.description(locale).to_owned(),
        value_text: row
            .latest
            .map(|v| units::display(k.unit, v.value, locale))
            .unwrap_or_else(|| "—".into()),
        period_label: row
            .latest_period
            .map(|p| p.label(locale))
            .unwrap_or_default(),
        target_text: units::display(k.unit, row.target, locale),
        attainment_text: attainment
            .map(|a| format::share(locale, format::Share::new(a), 0))
            .unwrap_or_else(|| "—".into()),
        bar_class: format!("w-{width}"),
        rag: rag.code(),
        last_rag: last_rag.map_or("", |r| r.code()),
        rag_label,
        freshness_text,
        stale: rag == Rag::Stale,
        domain: k.domain.code(),
        domain_label: ui.t(&k.domain.label_key()),
        visibility: k.visibility.code(),
        sparkline: charts::sparkline(&row.spark, Some(row.target), &spark_label),
        owner: k.owner_name.clone().unwrap_or_default(),
        comment: row.latest.map(|v| v.comment.clone()).unwrap_or_default(),
        entry_period: row.entry_period.code(),
        entry_period_label: row.entry_period.label(locale),
        entry_input: match error_here {
            Some(e) => e.input.clone(),
            None => row
                .entry_value
                .map(|v| format::number(locale, v.value, 4).replace('\u{202F}', ""))
                .unwrap_or_default(),
        },
        entry_comment: match error_here {
            Some(e) => e.comment.clone(),
            None => row
                .entry_value
                .map(|v| v.comment.clone())
                .unwrap_or_default(),
        },
        entry_version: row
            .entry_value
            .map(|v| v.version.to_string())
            .unwrap_or_default(),
        error: error_here.map(|e| e.message.clone()),
        name,
    }
}

pub fn build(ui: Ui, board: &Board, can_edit: bool, error: Option<InlineError>) -> ScorecardPage {
    let locale = ui.locale;
    let universes = board
        .now
        .universes
        .iter()
        .map(|u| {
            let before = board.before.universe(u.universe).score;
            let rows: Vec<RowView> = board
                .rows
                .iter()
                .filter(|r| r.kpi.universe == u.universe)
                .map(|r| row_view(&ui, board, r, error.as_ref()))
                .collect();
            let status = scoring::band(u.score).code();
            UniverseView {
                code: u.universe.code(),
                label: ui.t(&u.universe.label_key()),
                score_text: score_text(locale, u.score),
                status,
                status_label: ui.t(&format!("status-{status}")),
                weight_text: format::share(locale, format::Share::new(u.weight), 0),
                counts_text: ui.locale.t_args(
                    "universe-counts",
                    &[
                        ("fresh", (u.fresh as i64).into()),
                        ("stale", (u.stale as i64).into()),
                        ("missing", (u.missing as i64).into()),
                    ],
                ),
                delta_text: delta_text(&ui, u.score, before).0,
                rows,
            }
        })
        .collect();

    let triangulation = board.triangulation();
    let client = triangulation
        .iter()
        .find(|(d, _, _)| *d == DataDomain::Client);
    let client_warning = match client {
        Some((_, _, 0)) | None => Some(ui.t("triangulation-no-client")),
        Some((_, 0, _)) => Some(ui.t("triangulation-client-stale")),
        _ => None,
    };
    let domains = triangulation
        .iter()
        .map(|(d, fresh, total)| DomainView {
            code: d.code(),
            label: ui.t(&d.label_key()),
            fresh: *fresh,
            total: *total,
        })
        .collect();

    let points_text = |points: f64| {
        format!(
            "{}{} {}",
            if points > 0.0 { "+" } else { "" },
            format::number(locale, points, 1),
            ui.t("points-short")
        )
    };
    // The largest contributions by name; the rest (and any that would print as
    // "0,0") summed in one line, so that the lines add up to the headline.
    let (named, rest): (Vec<(usize, &Contribution)>, Vec<_>) = board
        .explanation
        .contributions
        .iter()
        .enumerate()
        .partition(|(i, c)| *i < SHOWN_CONTRIBUTIONS && c.points.abs() >= 0.05);
    let named = named.into_iter().map(|(_, c)| c);
    let rest: Vec<&Contribution> = rest.into_iter().map(|(_, c)| c).collect();
    let contributions = named
        .map(|c| ContributionView {
            name: board
                .kpi(c.id)
                .map(|k| k.name(locale).to_owned())
                .unwrap_or_default(),
            points_text: points_text(c.points),
            up: c.points > 0.0,
            from_label: ui.t(c.before_rag.label_key()),
            to_label: ui.t(c.after_rag.label_key()),
        })
        .collect();
    let rest_points: f64 = rest.iter().map(|c| c.points).sum();
    let other_contributions = (rest_points.abs() >= 0.05).then(|| {
        let points = rest_points;
        ContributionView {
            name: ui.locale.t_args(
                "explanation-others",
                &[("count", (rest.len() as i64).into())],
            ),
            points_text: points_text(points),
            up: points > 0.0,
            from_label: String::new(),
            to_label: String::new(),
        }
    });
    let (trend_text, trend) = delta_text(&ui, board.now.overall, board.before.overall);
    // The overall trend's arrow is drawn by the stylesheet (`stat__delta--up/down`).
    let trend_text = trend_text
        .trim_start_matches(['▲', '▼', '→'])
        .trim()
        .to_owned();
    let explanation_text = ui.locale.t_args(
        "explanation-intro",
        &[("month", board.month.prev().label(locale).into())],
    );
    let overall_status = scoring::band(board.now.overall).code();
    let last_updated = board
        .loaded
        .values
        .iter()
        .map(|v| v.updated_at)
        .chain(board.loaded.kpis.iter().map(|k| k.updated_at))
        .max()
        .map(|t| ui.datetime(&t))
        .unwrap_or_else(|| ui.t("never"));
    let current = scorecard::current_month();
    let base = format!("/accounts/{}", board.loaded.account.id);
    ScorecardPage {
        kpi_base: base.clone(),
        base,
        portal: None,
        green: Vec::new(),
        following: None,
        nothing_shared: false,
        validated_text: None,
        month: board.month.code(),
        month_label: board.month.label(locale),
        prev_month: board.month.prev().code(),
        next_month: (board.month < current).then(|| board.month.next().code()),
        as_of_text: format::date(locale, board.as_of),
        overall_text: score_text(locale, board.now.overall),
        overall_status,
        overall_status_label: ui.t(&format!("status-{overall_status}")),
        trend_text,
        trend,
        universes,
        domains,
        client_warning,
        contributions,
        other_contributions,
        explanation_text,
        last_updated,
        attention: Vec::new(),
        arrangement: Arrangement::default(),
        all_href: String::new(),
        sort_href: String::new(),
        shown_rows: 0,
        filter_text: String::new(),
        account: board.loaded.account.clone(),
        can_edit,
        ui,
    }
}
