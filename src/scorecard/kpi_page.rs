//! `/accounts/{id}/kpis/{kpi_id}`: one KPI's history, chart, forecast and changes.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::accounts::{self, Account};
use crate::auth::extract::AccountsUser;
use crate::charts::{self, LineChart};
use crate::error::{AppError, AppResult};
use crate::forecast;
use crate::i18n::format;
use crate::kpis::{self, AccountKpi, units};
use crate::period::Period;
use crate::scoring::{self, Rag, Thresholds};
use crate::sharing::targets::{self, TargetForm};
use crate::state::AppState;
use crate::users::User;
use crate::values::{self, HistoryRow, ValueRow};
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render_status;
use axum::http::StatusCode;

/// A refused target proposal: what was typed, and (field, message) pairs.
pub type TargetRefusal = (TargetForm, Vec<(&'static str, String)>);

/// The chart shows this many periods of history.
const CHART_PERIODS: usize = 24;
/// And forecasts this many ahead.
const HORIZON: usize = 3;

pub struct ValueView {
    pub validation: &'static str,
    pub validation_label: String,
    pub period_code: String,
    pub period_label: String,
    pub value_text: String,
    pub target_text: String,
    pub attainment_text: String,
    pub rag: &'static str,
    pub rag_label: String,
    pub comment: String,
    pub source: String,
    pub entered_by: String,
    pub updated: String,
}

pub struct ChangeView {
    pub when: String,
    pub who: String,
    pub period_label: String,
    pub before: String,
    pub after: String,
    pub comment: String,
    pub source: String,
}

pub struct ForecastView {
    pub period_label: String,
    pub value: String,
    pub low: String,
    pub high: String,
}

/// A client user's value form on a joint KPI (stage 4 only).
pub struct ClientEntry {
    pub period: String,
    pub value: String,
    pub comment: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "scorecard/kpi.html")]
pub struct KpiPage {
    pub ui: Ui,
    pub client_entry: Option<ClientEntry>,
    pub account: Account,
    /// The client's verdict on one value and its thread (shared KPIs only).
    pub evaluation: Option<crate::evaluation::EvaluationView>,
    /// Targets agreed with the client (stage 3 and up, shared KPIs only).
    pub targets: Option<targets::TargetsView>,
    /// `/accounts/{id}` or `/portal`.
    pub base: String,
    pub kpi: AccountKpi,
    pub name: String,
    pub description: String,
    pub target_text: String,
    pub thresholds_text: String,
    pub can_edit: bool,
    pub chart: String,
    pub chart_rows: Vec<(String, String, String)>,
    pub values: Vec<ValueView>,
    pub changes: Vec<ChangeView>,
    pub forecast: Vec<ForecastView>,
    pub forecast_note: String,
    pub entry_period: String,
    /// Staff: the KPI's path to green when it is red or amber (plan::green).
    pub green: Option<crate::plan::green::GreenRow>,
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Query(q): Query<crate::scorecard::page::PeriodQuery>,
) -> AppResult<Response> {
    show(
        &state,
        &user,
        ui,
        (id, kpi_id),
        q.period.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The internal KPI page; `refused` carries a target proposal that was refused,
/// with its messages, so that the page comes back with the input kept.
pub async fn show(
    state: &AppState,
    user: &User,
    ui: Ui,
    (id, kpi_id): (i64, i64),
    period: Option<&str>,
    refused: Option<TargetRefusal>,
    status: StatusCode,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kpi = kpis::find(&state.db, id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (vals, history, overrides) = tokio::try_join!(
        values::for_kpi(&state.db, kpi.id),
        values::history(&state.db, kpi.id),
        kpis::target_overrides(&state.db, id),
    )?;
    let is_team = accounts::can_edit(user, &account);
    let can_edit = is_team || kpi.owner_id == Some(user.id);
    let evaluation = crate::evaluation::view(
        &state.db,
        &ui,
        &account,
        &kpi,
        &vals,
        period,
        crate::evaluation::Viewer {
            side: crate::evaluation::rules::Side::Supplier,
            can_edit: is_team,
        },
    )
    .await?;
    let targets = targets::view(
        &state.db,
        &ui,
        &account,
        &kpi,
        crate::evaluation::rules::Side::Supplier,
        is_team,
        refused,
    )
    .await?;
    let mut page = build(ui, account, kpi, &vals, &history, &overrides, can_edit);
    page.green = crate::plan::green::for_account(&state.db, id, page.ui.locale)
        .await?
        .into_iter()
        .find(|g| g.kpi_id == kpi_id);
    page.evaluation = evaluation;
    page.targets = targets;
    render_status(status, &page)
}

pub fn value_view(
    ui: &Ui,
    kpi: &AccountKpi,
    v: &ValueRow,
    overrides: &[(i64, chrono::NaiveDate, f64)],
) -> ValueView {
    let locale = ui.locale;
    let target = kpis::target_for(kpi, v.period, overrides);
    let attainment = scoring::attainment(v.value, target, kpi.direction);
    let rag = attainment
        .map(|a| {
            scoring::rag(
                a,
                Thresholds {
                    green_from: kpi.green_from,
                    amber_from: kpi.amber_from,
                },
            )
        })
        .unwrap_or(Rag::None);
    let period = Period::from_start(kpi.frequency, v.period);
    ValueView {
        validation: if kpi.visibility == crate::domain::Visibility::Internal {
            ""
        } else {
            v.validation.code()
        },
        validation_label: ui.t(v.validation.label_key()),
        period_code: period.map(|p| p.code()).unwrap_or_default(),
        period_label: period.map(|p| p.label(locale)).unwrap_or_default(),
        value_text: units::display(kpi.unit, v.value, locale),
        target_text: units::display(kpi.unit, target, locale),
        attainment_text: attainment
            .map(|a| format::share(locale, format::Share::new(a), 0))
            .unwrap_or_else(|| "—".into()),
        rag: rag.code(),
        rag_label: ui.t(rag.label_key()),
        comment: v.comment.clone(),
        source: ui.t(&format!("source-{}", v.source)),
        entered_by: v.entered_by_name.clone().unwrap_or_default(),
        updated: ui.datetime(&v.updated_at),
    }
}

/// The last period, the chart's periods and their values (None where missing).
fn chart_series(kpi: &AccountKpi, vals: &[ValueRow]) -> (Period, Vec<Period>, Vec<Option<f64>>) {
    let today = chrono::Utc::now().date_naive();
    let last = vals
        .last()
        .and_then(|v| Period::from_start(kpi.frequency, v.period))
        .unwrap_or_else(|| Period::containing(kpi.frequency, today));
    let periods = last.last_n(CHART_PERIODS);
    let series = periods
        .iter()
        .map(|p| vals.iter().find(|v| v.period == p.start).map(|v| v.value))
        .collect();
    (last, periods, series)
}

/// What the KPI's forecast is computed from: the values of the chart's periods,
/// gaps dropped (Holt needs a sequence), and the last period. The KPI page, the
/// path to green and the forecast an action stores all read this, so they agree.
pub fn observed_series(kpi: &AccountKpi, vals: &[ValueRow]) -> (Period, Vec<f64>) {
    let (last, _, series) = chart_series(kpi, vals);
    (last, series.into_iter().flatten().collect())
}

pub fn build(
    ui: Ui,
    account: Account,
    kpi: AccountKpi,
    vals: &[ValueRow],
    history: &[HistoryRow],
    overrides: &[(i64, chrono::NaiveDate, f64)],
    can_edit: bool,
) -> KpiPage {
    let locale = ui.locale;
    let (last, periods, series) = chart_series(&kpi, vals);
    let targets: Vec<Option<f64>> = periods
        .iter()
        .map(|p| Some(kpis::target_for(&kpi, p.start, overrides)))
        .collect();
    let observed: Vec<f64> = series.iter().flatten().copied().collect();
    let fc = forecast::holt(&observed, HORIZON);
    let future: Vec<Period> = (1..=HORIZON as i32).map(|n| last.offset(n)).collect();
    let mut x_labels: Vec<String> = periods.iter().map(|p| p.label(locale)).collect();
    let band: Vec<(f64, f64, f64)> = fc
        .as_ref()
        .map(|f| f.points.iter().map(|p| (p.low, p.value, p.high)).collect())
        .unwrap_or_default();
    if !band.is_empty() {
        x_labels.extend(future.iter().map(|p| p.label(locale)));
    }
    let unit = kpi.unit;
    let fmt = move |v: f64| units::display(unit, v, locale);
    let chart = charts::line_chart(&LineChart {
        labelled_by: "chart-caption",
        x_labels: &x_labels,
        values: &series,
        targets: &targets,
        forecast: &band,
        format: &fmt,
        bounds: charts::unit_bounds(unit, &kpi.code, &observed),
        weak: &[],
        weak_note: "",
    });
    let chart_rows = periods
        .iter()
        .zip(series.iter().zip(targets.iter()))
        .map(|(p, (v, t))| {
            (
                p.label(locale),
                v.map(&fmt).unwrap_or_else(|| "—".into()),
                t.map(&fmt).unwrap_or_default(),
            )
        })
        .collect();
    // The table says what the chart draws: the band clipped to the unit's range.
    let forecast_rows =
        charts::clip_forecast(&band, charts::unit_bounds(unit, &kpi.code, &observed))
            .iter()
            .zip(&future)
            .map(|(&(low, value, high), period)| ForecastView {
                period_label: period.label(locale),
                value: fmt(value),
                low: fmt(low),
                high: fmt(high),
            })
            .collect();
    let forecast_note = match &fc {
        Some(f) => ui.locale.t_args(
            "forecast-note",
            &[
                ("alpha", format::number(locale, f.alpha, 2).into()),
                ("beta", format::number(locale, f.beta, 2).into()),
                ("n", (observed.len() as i64).into()),
            ],
        ),
        None => ui.t("forecast-too-short"),
    };
    let values = vals
        .iter()
        .rev()
        .map(|v| value_view(&ui, &kpi, v, overrides))
        .collect();
    let changes = history
        .iter()
        .map(|h| ChangeView {
            when: ui.datetime(&h.changed_at),
            who: h.changed_by_name.clone().unwrap_or_default(),
            period_label: Period::from_start(kpi.frequency, h.period)
                .map(|p| p.label(locale))
                .unwrap_or_default(),
            before: h.before_value.map(&fmt).unwrap_or_else(|| "—".into()),
            after: fmt(h.after_value),
            comment: h.after_comment.clone(),
            source: ui.t(&format!("source-{}", h.source)),
        })
        .collect();
    KpiPage {
        client_entry: None,
        evaluation: None,
        targets: None,
        base: format!("/accounts/{}", account.id),
        name: kpi.name(locale).to_owned(),
        description: kpi.description(locale).to_owned(),
        target_text: fmt(kpi.target),
        thresholds_text: ui.locale.t_args(
            "thresholds-text",
            &[
                ("green", format::number(locale, kpi.green_from, 0).into()),
                ("amber", format::number(locale, kpi.amber_from, 0).into()),
            ],
        ),
        entry_period: Period::containing(kpi.frequency, chrono::Utc::now().date_naive()).code(),
        green: None,
        can_edit,
        chart,
        chart_rows,
        values,
        changes,
        forecast: forecast_rows,
        forecast_note,
        account,
        kpi,
        ui,
    }
}

/// `…/kpis/{kpi_id}/history.csv`: every value of the KPI.
pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
) -> AppResult<CsvResponse> {
    accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kpi = kpis::find(&state.db, id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    history_csv(&state, &ui, &kpi).await
}

/// Every value of one KPI as CSV (the caller has checked the user may see the KPI).
pub async fn history_csv(state: &AppState, ui: &Ui, kpi: &AccountKpi) -> AppResult<CsvResponse> {
    let id = kpi.account_id;
    let vals = values::for_kpi(&state.db, kpi.id).await?;
    let overrides = kpis::target_overrides(&state.db, id).await?;
    let mut out = Csv::new(&[
        ui.t("col-period"),
        ui.t("col-value"),
        ui.t("col-target"),
        ui.t("col-status"),
        ui.t("col-comment"),
        ui.t("col-source"),
        ui.t("col-entered-by"),
        ui.t("col-updated"),
    ])?;
    for v in vals.iter() {
        let view = value_view(ui, kpi, v, &overrides);
        out.row(&[
            view.period_code,
            v.value.to_string(),
            kpis::target_for(kpi, v.period, &overrides).to_string(),
            view.rag_label,
            v.comment.clone(),
            v.source.clone(),
            view.entered_by,
            v.updated_at.to_rfc3339(),
        ])?;
    }
    out.finish(&format!("{}-{}.csv", kpi.code, id))
}
