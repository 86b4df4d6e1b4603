//! `/selection/criteria`: the director defines the criteria of both axes. The
//! whole set is submitted at once, validated with `director::matrix::validate`
//! (at most 5 per axis, weights adding up to 100 per axis…) and written in one
//! transaction with its audit row; on error, 422 with the input kept.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::audit;
use crate::auth::extract::DirectorUser;
use crate::director::matrix::{self, Axis, CriteriaError, Criterion, Source};
use crate::error::AppResult;
use crate::i18n::format;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// One row of the form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CriterionInput {
    pub id: String,
    pub axis: String,
    pub name: String,
    pub weight: String,
    pub source: String,
    pub kpi: String,
    pub low: String,
    pub high: String,
}

/// An axis of the form: its code, its label, and its numbered rows.
pub type AxisRows = (String, String, Vec<(usize, CriterionInput)>);

#[derive(Template)]
#[template(path = "selection/criteria.html")]
pub struct CriteriaPage {
    pub ui: Ui,
    /// Rows per axis (attractiveness first), padded with blank rows up to 5.
    pub axes: Vec<AxisRows>,
    pub errors: Vec<String>,
}

fn page(ui: Ui, rows: Vec<CriterionInput>, errors: Vec<String>) -> CriteriaPage {
    let mut axes = Vec::new();
    let mut n = 0;
    for axis in Axis::ALL {
        let mut of_axis: Vec<(usize, CriterionInput)> = Vec::new();
        for r in rows.iter().filter(|r| r.axis == axis.code()) {
            of_axis.push((n, r.clone()));
            n += 1;
        }
        while of_axis.len() < matrix::MAX_CRITERIA_PER_AXIS {
            of_axis.push((
                n,
                CriterionInput {
                    axis: axis.code().to_owned(),
                    source: "rating".into(),
                    ..Default::default()
                },
            ));
            n += 1;
        }
        axes.push((
            axis.code().to_owned(),
            ui.t(&format!("axis-{}", axis.code())),
            of_axis,
        ));
    }
    CriteriaPage { ui, axes, errors }
}

pub async fn form_page(
    State(state): State<AppState>,
    DirectorUser(_user): DirectorUser,
    ui: Ui,
) -> AppResult<Response> {
    let rows = super::data::criteria(&state.db)
        .await?
        .into_iter()
        .map(|c| {
            let (low, high) = match c.criterion.source {
                Source::Kpi { low, high } => (low.to_string(), high.to_string()),
                Source::Rating => (String::new(), String::new()),
            };
            CriterionInput {
                id: c.criterion.id.to_string(),
                axis: c.criterion.axis.code().to_owned(),
                name: c.criterion.name,
                weight: c.criterion.weight.to_string(),
                source: if c.kpi_code.is_some() {
                    "kpi"
                } else {
                    "rating"
                }
                .into(),
                kpi: c.kpi_code.unwrap_or_default(),
                low,
                high,
            }
        })
        .collect();
    render(&page(ui, rows, Vec::new()))
}

/// The rows of the submitted form (`c{n}_{field}`), in index order; blank rows
/// (no name, no weight) are left out.
pub fn parse_rows(fields: &[(String, String)]) -> Vec<CriterionInput> {
    let mut rows: BTreeMap<usize, CriterionInput> = BTreeMap::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix('c') else {
            continue;
        };
        let Some((n, field)) = rest.split_once('_') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n > 100 {
            continue;
        }
        let r = rows.entry(n).or_default();
        let v = v.trim().to_owned();
        match field {
            "id" => r.id = v,
            "axis" => r.axis = v,
            "name" => r.name = v,
            "weight" => r.weight = v,
            "source" => r.source = v,
            "kpi" => r.kpi = v,
            "low" => r.low = v,
            "high" => r.high = v,
            _ => {}
        }
    }
    rows.into_values()
        .filter(|r| !(r.name.is_empty() && r.weight.is_empty()))
        .collect()
}

fn axis_name(ui: &Ui, a: Axis) -> String {
    ui.t(&format!("axis-{}", a.code()))
}

/// Turns the rows into criteria (new rows get negative ids), or plain messages.
fn validate(
    ui: &Ui,
    rows: &[CriterionInput],
) -> Result<Vec<(Criterion, Option<String>)>, Vec<String>> {
    let l = ui.locale;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let label = if r.name.is_empty() {
            format!("#{}", i + 1)
        } else {
            r.name.clone()
        };
        let axis = match r.axis.as_str() {
            "attractiveness" => Axis::Attractiveness,
            "strength" => Axis::Strength,
            _ => {
                errors.push(l.t_args("criteria-error-axis", &[("name", label.clone().into())]));
                continue;
            }
        };
        let weight = match r.weight.parse::<u32>() {
            Ok(w) => w,
            Err(_) => {
                errors.push(l.t_args("criteria-error-weight", &[("name", label.clone().into())]));
                0
            }
        };
        let (source, kpi) = if r.source == "kpi" {
            let low = format::parse_number(&r.low);
            let high = format::parse_number(&r.high);
            let code_ok = !r.kpi.is_empty()
                && r.kpi.len() <= 63
                && r.kpi
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !code_ok || low.is_none() || high.is_none() {
                errors.push(l.t_args("criteria-error-kpi", &[("name", label.clone().into())]));
            }
            (
                Source::Kpi {
                    low: low.unwrap_or(0.0),
                    high: high.unwrap_or(1.0),
                },
                Some(r.kpi.clone()),
            )
        } else {
            (Source::Rating, None)
        };
        let id =
            r.id.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .unwrap_or(-(i as i64) - 1);
        out.push((
            Criterion {
                id,
                axis,
                name: r.name.clone(),
                weight,
                source,
            },
            kpi,
        ));
    }
    let criteria: Vec<Criterion> = out.iter().map(|(c, _)| c.clone()).collect();
    if let Err(found) = matrix::validate(&criteria) {
        let name_of = |id: i64| {
            criteria
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        for e in found {
            errors.push(match e {
                CriteriaError::Empty { axis } => l.t_args(
                    "criteria-error-empty",
                    &[("axis", axis_name(ui, axis).into())],
                ),
                CriteriaError::TooMany { axis, count, max } => l.t_args(
                    "criteria-error-too-many",
                    &[
                        ("axis", axis_name(ui, axis).into()),
                        ("count", (count as i64).into()),
                        ("max", (max as i64).into()),
                    ],
                ),
                CriteriaError::WeightOutOfRange { id, .. } => {
                    l.t_args("criteria-error-weight", &[("name", name_of(id).into())])
                }
                CriteriaError::WeightsDoNotAddUp { axis, total } => l.t_args(
                    "criteria-error-total",
                    &[
                        ("axis", axis_name(ui, axis).into()),
                        ("total", i64::from(total).into()),
                    ],
                ),
                CriteriaError::EmptyName { .. } => l.t("criteria-error-name"),
                CriteriaError::DuplicateName { name, .. } => {
                    l.t_args("criteria-error-duplicate", &[("name", name.into())])
                }
                CriteriaError::DuplicateId { .. } => l.t("criteria-error-name"),
                CriteriaError::KpiRangeEmpty { id } => {
                    l.t_args("criteria-error-kpi", &[("name", name_of(id).into())])
                }
            });
        }
    }
    errors.dedup();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub async fn save(
    State(state): State<AppState>,
    DirectorUser(_user): DirectorUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let rows = parse_rows(&fields);
    let criteria = match validate(&ui, &rows) {
        Ok(c) => c,
        Err(errors) => {
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(ui, rows, errors));
        }
    };
    let mut tx = state.db.begin().await?;
    let before: Vec<(i64, String, String, i32, String, Option<String>)> = sqlx::query_as(
        "SELECT id, axis, name, weight, source, kpi_code FROM selection_criteria ORDER BY id FOR UPDATE",
    )
    .fetch_all(&mut *tx)
    .await?;
    let keep: Vec<i64> = criteria
        .iter()
        .map(|(c, _)| c.id)
        .filter(|id| *id > 0)
        .collect();
    // Criteria left out of the form are removed (with their inputs in old ratings).
    sqlx::query("DELETE FROM selection_criteria WHERE NOT (id = ANY($1))")
        .bind(&keep)
        .execute(&mut *tx)
        .await?;
    for (position, (c, kpi)) in criteria.iter().enumerate() {
        let (source, low, high) = match c.source {
            Source::Kpi { low, high } => ("kpi", Some(low), Some(high)),
            Source::Rating => ("rating", None, None),
        };
        let existing = c.id > 0 && before.iter().any(|b| b.0 == c.id);
        let sql = if existing {
            "UPDATE selection_criteria SET axis = $2, name = $3, weight = $4, source = $5, kpi_code = $6, \
                    low = $7::float8::numeric, high = $8::float8::numeric, position = $9 WHERE id = $1"
        } else {
            "INSERT INTO selection_criteria (axis, name, weight, source, kpi_code, low, high, position) \
             SELECT $2, $3, $4, $5, $6, $7::float8::numeric, $8::float8::numeric, $9 WHERE $1::bigint IS NOT NULL"
        };
        sqlx::query(sql)
            .bind(c.id)
            .bind(c.axis.code())
            .bind(c.name.trim())
            .bind(c.weight as i32)
            .bind(source)
            .bind(kpi.as_deref())
            .bind(low)
            .bind(high)
            .bind(position as i32)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SelectionCriteriaUpdated)
            .on("selection_criteria", "all")
            .before(&before)
            .after(&rows),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "criteria-saved").await?;
    Ok(see_other("/selection"))
}
