//! `/admin/kpis`: the KPI library, the templates a KAM picks from when building an
//! account's scorecard. Admins list, export, create and edit them; a template is
//! never deleted (accounts keep their copy) but can be retired (`active = false`).
//!
//! The field checks every KPI form shares are in `check`, the template record
//! and its queries in `template`.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::extract::AdminUser;
use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::kpis::check::*;
use crate::kpis::template::*;
use crate::kpis::units;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

// ---------------------------------------------------------------------------
// List and CSV
// ---------------------------------------------------------------------------

pub struct TemplateRow {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub unit: String,
    pub direction: String,
    pub frequency: String,
    pub domain: String,
    pub default_target: String,
    pub thresholds: String,
    pub active: bool,
}

pub struct UniverseGroup {
    pub code: &'static str,
    pub label: String,
    pub rows: Vec<TemplateRow>,
}

#[derive(Template)]
#[template(path = "kpis/library.html")]
pub struct LibraryPage {
    pub ui: Ui,
    pub groups: Vec<UniverseGroup>,
    pub total_text: String,
}

pub async fn list(State(state): State<AppState>, _admin: AdminUser, ui: Ui) -> AppResult<Response> {
    let templates = all(&state.db).await?;
    let total_text = ui
        .locale
        .t_args("library-total", &[("count", templates.len().into())]);
    let groups = Universe::ALL
        .iter()
        .map(|&u| UniverseGroup {
            code: u.code(),
            label: ui.t(&u.label_key()),
            rows: templates
                .iter()
                .filter(|t| t.universe == u)
                .map(|t| TemplateRow {
                    id: t.id,
                    code: t.code.clone(),
                    name_fr: t.name_fr.clone(),
                    name_en: t.name_en.clone(),
                    unit: ui.t(&t.unit.label_key()),
                    direction: ui.t(&t.direction.label_key()),
                    frequency: ui.t(&t.frequency.label_key()),
                    domain: ui.t(&t.domain.label_key()),
                    default_target: t
                        .default_target
                        .map(|v| units::display(t.unit, v, ui.locale))
                        .unwrap_or_else(|| "—".into()),
                    thresholds: thresholds_text(&ui, t.green_from, t.amber_from),
                    active: t.active,
                })
                .collect(),
        })
        .collect();
    render(&LibraryPage {
        ui,
        groups,
        total_text,
    })
}

/// `/admin/kpis.csv`: every template, codes and plain numbers for re-use.
pub async fn csv(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let templates = all(&state.db).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("col-code"),
        t("kpi-universe"),
        t("library-col-name-fr"),
        t("library-col-name-en"),
        t("library-col-description-fr"),
        t("library-col-description-en"),
        t("library-col-unit"),
        t("kpi-direction"),
        t("kpi-frequency"),
        t("col-domain"),
        t("library-col-default-target"),
        t("library-col-green-from"),
        t("library-col-amber-from"),
        t("library-col-active"),
    ])?;
    for k in &templates {
        out.row(&[
            k.code.clone(),
            k.universe.code().to_owned(),
            k.name_fr.clone(),
            k.name_en.clone(),
            k.description_fr.clone(),
            k.description_en.clone(),
            k.unit.code().to_owned(),
            k.direction.code().to_owned(),
            k.frequency.code().to_owned(),
            k.domain.code().to_owned(),
            k.default_target.map(|v| v.to_string()).unwrap_or_default(),
            k.green_from.to_string(),
            k.amber_from.to_string(),
            k.active.to_string(),
        ])?;
    }
    out.finish("kpi-library.csv")
}

// ---------------------------------------------------------------------------
// Create and edit
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub universe: String,
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub default_target: String,
    #[serde(default)]
    pub green_from: String,
    #[serde(default)]
    pub amber_from: String,
    #[serde(default)]
    pub active: Option<String>,
    /// The `updated_at` the form was loaded with (edit only).
    #[serde(default)]
    pub version: String,
}

impl TemplateForm {
    fn blank() -> Self {
        Self {
            green_from: "100".into(),
            amber_from: "90".into(),
            active: Some("on".into()),
            ..Self::default()
        }
    }

    fn from_template(t: &KpiTemplate, locale: Locale) -> Self {
        Self {
            code: t.code.clone(),
            universe: t.universe.code().into(),
            name_fr: t.name_fr.clone(),
            name_en: t.name_en.clone(),
            description_fr: t.description_fr.clone(),
            description_en: t.description_en.clone(),
            unit: t.unit.code().into(),
            direction: t.direction.code().into(),
            frequency: t.frequency.code().into(),
            domain: t.domain.code().into(),
            default_target: t
                .default_target
                .map(|v| input_number(locale, v))
                .unwrap_or_default(),
            green_from: input_number(locale, t.green_from),
            amber_from: input_number(locale, t.amber_from),
            active: t.active.then(|| "on".into()),
            version: t.updated_at.timestamp_micros().to_string(),
        }
    }
}

/// A checked template (also the audit record of a change).
#[derive(Debug, Serialize)]
struct ValidTemplate {
    code: String,
    universe: Universe,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    unit: Unit,
    direction: Direction,
    frequency: Frequency,
    domain: DataDomain,
    default_target: Option<Decimal>,
    green_from: Decimal,
    amber_from: Decimal,
    active: bool,
}

/// `code` is the code to keep when editing (the form's one is then ignored).
fn validate(f: &TemplateForm, existing_code: Option<&str>) -> Result<ValidTemplate, FieldErrors> {
    let mut c = Check::default();
    let code = match existing_code {
        Some(code) => Some(code.to_owned()),
        None => c.code("code", &f.code),
    };
    let universe = c.choice("universe", Universe::parse(&f.universe));
    let name_fr = c.name("name_fr", &f.name_fr);
    let name_en = c.name("name_en", &f.name_en);
    let description_fr = c.description("description_fr", &f.description_fr);
    let description_en = c.description("description_en", &f.description_en);
    let unit = c.choice("unit", Unit::parse(&f.unit));
    let direction = c.choice("direction", Direction::parse(&f.direction));
    let frequency = c.choice("frequency", Frequency::parse(&f.frequency));
    let domain = c.choice("domain", DataDomain::parse(&f.domain));
    let default_target = c.target("default_target", &f.default_target, unit, false);
    let thresholds = c.thresholds(&f.green_from, &f.amber_from);
    match (
        code,
        universe,
        name_fr,
        name_en,
        description_fr,
        description_en,
        unit,
        direction,
        frequency,
        domain,
        default_target,
        thresholds,
    ) {
        (
            Some(code),
            Some(universe),
            Some(name_fr),
            Some(name_en),
            Some(description_fr),
            Some(description_en),
            Some(unit),
            Some(direction),
            Some(frequency),
            Some(domain),
            Some(default_target),
            Some((green_from, amber_from)),
        ) if c.ok() => Ok(ValidTemplate {
            code,
            universe,
            name_fr,
            name_en,
            description_fr,
            description_en,
            unit,
            direction,
            frequency,
            domain,
            default_target,
            green_from,
            amber_from,
            active: f.active.is_some(),
        }),
        _ => Err(c.errors),
    }
}

#[derive(Template)]
#[template(path = "kpis/library_form.html")]
pub struct TemplateFormPage {
    pub ui: Ui,
    /// None when creating.
    pub template_id: Option<i64>,
    pub form: TemplateForm,
    pub errors: BTreeMap<String, String>,
    pub options: DefinitionOptions,
    pub conflict: bool,
}

impl TemplateFormPage {
    fn new(
        ui: Ui,
        template_id: Option<i64>,
        form: TemplateForm,
        errors: &FieldErrors,
        conflict: bool,
    ) -> Self {
        let options = DefinitionOptions::new(
            &ui,
            &form.universe,
            &form.unit,
            &form.direction,
            &form.frequency,
            &form.domain,
        );
        Self {
            errors: translate(&ui, errors),
            ui,
            template_id,
            form,
            options,
            conflict,
        }
    }

    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn action(&self) -> String {
        match self.template_id {
            Some(id) => format!("/admin/kpis/{id}"),
            None => "/admin/kpis".into(),
        }
    }
}

pub async fn new_page(_admin: AdminUser, ui: Ui) -> AppResult<Response> {
    render(&TemplateFormPage::new(
        ui,
        None,
        TemplateForm::blank(),
        &FieldErrors::new(),
        false,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    _admin: AdminUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<TemplateForm>,
) -> AppResult<Response> {
    let v = match validate(&form, None) {
        Ok(v) => v,
        Err(e) => {
            let p = TemplateFormPage::new(ui, None, form, &e, false);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO kpi_templates (code, universe, name_fr, name_en, description_fr, description_en, \
                unit, direction, frequency, domain, default_target, green_from, amber_from, active) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(&v.code)
    .bind(v.universe)
    .bind(&v.name_fr)
    .bind(&v.name_en)
    .bind(&v.description_fr)
    .bind(&v.description_en)
    .bind(v.unit)
    .bind(v.direction)
    .bind(v.frequency)
    .bind(v.domain)
    .bind(v.default_target)
    .bind(v.green_from)
    .bind(v.amber_from)
    .bind(v.active)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("kpi_templates_code_key") => {
            let errors = FieldErrors::from([("code", "library-code-taken")]);
            let p = TemplateFormPage::new(ui, None, form, &errors, false);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::KpiTemplateCreated)
            .on("kpi_template", id)
            .after(&v),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        "library-template-created",
    )
    .await?;
    Ok(see_other(&format!("/admin/kpis#template-{id}")))
}

pub async fn edit_page(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let t = find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let form = TemplateForm::from_template(&t, ui.locale);
    render(&TemplateFormPage::new(
        ui,
        Some(id),
        form,
        &FieldErrors::new(),
        false,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    _admin: AdminUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    Form(mut form): Form<TemplateForm>,
) -> AppResult<Response> {
    let before = find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    // The code is immutable: CSV imports and the API address KPIs by it.
    form.code = before.code.clone();
    let v = match validate(&form, Some(&before.code)) {
        Ok(v) => v,
        Err(e) => {
            let p = TemplateFormPage::new(ui, Some(id), form, &e, false);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let version: Option<DateTime<Utc>> = form
        .version
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros);
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query(
        "UPDATE kpi_templates SET universe = $2, name_fr = $3, name_en = $4, description_fr = $5, \
                description_en = $6, unit = $7, direction = $8, frequency = $9, domain = $10, \
                default_target = $11, green_from = $12, amber_from = $13, active = $14 \
         WHERE id = $1 AND date_trunc('microseconds', updated_at) = $15",
    )
    .bind(id)
    .bind(v.universe)
    .bind(&v.name_fr)
    .bind(&v.name_en)
    .bind(&v.description_fr)
    .bind(&v.description_en)
    .bind(v.unit)
    .bind(v.direction)
    .bind(v.frequency)
    .bind(v.domain)
    .bind(v.default_target)
    .bind(v.green_from)
    .bind(v.amber_from)
    .bind(v.active)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        // Someone saved in between: show their version instead of overwriting it.
        drop(tx);
        let fresh = find(&state.db, id).await?.ok_or(AppError::NotFound)?;
        let p = TemplateFormPage::new(
            ui,
            Some(id),
            TemplateForm::from_template(&fresh, ctx.locale),
            &FieldErrors::new(),
            true,
        );
        return render_status(StatusCode::CONFLICT, &p);
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::KpiTemplateUpdated)
            .on("kpi_template", id)
            .before(&before)
            .after(&v),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "library-template-saved").await?;
    Ok(see_other(&format!("/admin/kpis#template-{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::format;
    use std::str::FromStr;

    #[test]
    fn codes_follow_the_database_rule() {
        assert!(valid_code("nps"));
        assert!(valid_code("on_time_2"));
        assert!(!valid_code("n"));
        assert!(!valid_code("2nps"));
        assert!(!valid_code("Bad code"));
        assert!(!valid_code("é_t"));
        assert!(valid_code(&format!("a{}", "b".repeat(62))));
        assert!(!valid_code(&format!("a{}", "b".repeat(63))));
    }

    #[test]
    fn numbers_in_both_locales_and_zero_targets() {
        let mut c = Check::default();
        assert_eq!(
            c.target("t", "12,5", Some(Unit::Percent), true),
            Some(Some(Decimal::from_str("12.5").unwrap()))
        );
        assert_eq!(
            c.target("u", "12.5", None, true),
            Some(Some(Decimal::from_str("12.5").unwrap()))
        );
        assert_eq!(c.target("v", "", None, false), Some(None));
        assert!(c.ok());
        assert_eq!(c.target("zero", "0,0", None, true), None);
        assert_eq!(c.errors.get("zero"), Some(&"kpi-target-zero"));
        assert_eq!(c.target("req", " ", None, true), None);
        assert_eq!(c.errors.get("req"), Some(&"field-required"));
    }

    #[test]
    fn thresholds_weights_and_freshness() {
        let mut c = Check::default();
        assert!(c.thresholds("90", "80").is_some());
        assert!(c.thresholds("80", "90").is_none());
        assert_eq!(c.errors.get("amber_from"), Some(&"kpi-thresholds-invalid"));
        let mut c = Check::default();
        assert!(c.thresholds("200", "80").is_none());
        assert_eq!(c.errors.get("green_from"), Some(&"kpi-threshold-too-high"));
        let mut c = Check::default();
        assert!(c.weight("w", "0").is_none());
        assert!(c.weight("x", "100").is_some());
        assert!(c.freshness("f", "37").is_none());
        assert_eq!(c.freshness("g", "36"), Some(36));
        assert_eq!(c.owner("o", "5", &[5]), Some(Some(5)));
        assert_eq!(c.owner("p", "6", &[5]), None);
    }

    #[test]
    fn inputs_read_back() {
        assert_eq!(input_number(Locale::Fr, 12.5), "12,5");
        assert_eq!(input_number(Locale::En, 12.5), "12.5");
        assert_eq!(
            format::parse_number(&input_number(Locale::Fr, 4.2)),
            Some(4.2)
        );
    }
}
