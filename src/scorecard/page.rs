//! `/accounts/{id}`: the balanced scorecard of one account.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::{self, Account};
use crate::auth::extract::AccountsUser;
use crate::charts;
use crate::domain::{DataDomain, Frequency};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::period::Period;
use crate::scorecard::{self, Board, Row};
use crate::scoring::Rag;
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

pub struct DomainView {
    pub code: &'static str,
    pub label: String,
    pub fresh: usize,
    pub total: usize,
}

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
    pub explanation_text: String,
    pub last_updated: String,
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
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
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let month = month_from(&q)?;
    show(&state, &user, ui, account, month, None, StatusCode::OK).await
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
    let can_edit = accounts::can_edit(user, &account);
    let loaded = scorecard::load(&state.db, account, scorecard::as_of(month)).await?;
    let board = Board::build(&loaded, month);
    let validated = crate::evaluation::validated_share(&state.db, loaded.account.id).await?;
    let mut page = build(ui, &board, can_edit, error);
    page.validated_text = validated.map(|v| format::percent(page.ui.locale, v, 0));
    render_status(status, &page)
}

/// A universe's (or the overall) status from its score: 90 and above reads green,
/// 70 and above amber, below red. Stated on the help page.
pub fn score_status(score: Option<f64>) -> &'static str {
    match score {
        None => "none",
        Some(s) if s >= 90.0 => "green",
        Some(s) if s >= 70.0 => "amber",
        Some(_) => "red",
    }
}

fn score_text(locale: Locale, s: Option<f64>) -> String {
    s.map(|v| format::number(locale, v, 0))
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
    let freshness_text = match row.latest {
        None => ui.t("freshness-never"),
        Some(v) => {
            let stamp = format::date(locale, v.updated_at.date_naive());
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
            .map(|a| format::percent(locale, a * 100.0, 0))
            .unwrap_or_else(|| "—".into()),
        bar_class: format!("w-{width}"),
        rag: rag.code(),
        rag_label: ui.t(rag.label_key()),
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
            let status = score_status(u.score);
            UniverseView {
                code: u.universe.code(),
                label: ui.t(&u.universe.label_key()),
                score_text: score_text(locale, u.score),
                status,
                status_label: ui.t(&format!("status-{status}")),
                weight_text: format::percent(locale, u.weight * 100.0, 0),
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

    let contributions = board
        .explanation
        .contributions
        .iter()
        .take(5)
        .filter_map(|c| {
            let kpi = board.kpi(c.id)?;
            Some(ContributionView {
                name: kpi.name(locale).to_owned(),
                points_text: format!(
                    "{}{} {}",
                    if c.points > 0.0 { "+" } else { "" },
                    format::number(locale, c.points, 1),
                    ui.t("points-short")
                ),
                up: c.points > 0.0,
                from_label: ui.t(c.before_rag.label_key()),
                to_label: ui.t(c.after_rag.label_key()),
            })
        })
        .collect();
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
    let overall_status = score_status(board.now.overall);
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
        explanation_text,
        last_updated,
        account: board.loaded.account.clone(),
        can_edit,
        ui,
    }
}
