//! `/admin/kpis`: the KPI library, the templates a KAM picks from when building an
//! account's scorecard. Admins list, export, create and edit them; a template is
//! never deleted (accounts keep their copy) but can be retired (`active = false`).
//!
//! Also home of the field checks that every KPI form shares (library template,
//! KPI added to an account, KPI settings): [`Check`].

use std::collections::BTreeMap;
use std::str::FromStr;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::audit;
use crate::auth::extract::AdminUser;
use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::scoring::{self, Thresholds};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

// ---------------------------------------------------------------------------
// Shared field checks
// ---------------------------------------------------------------------------

/// Field name → translation key of what is wrong with it.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

/// Attainment is capped at 150 % (see `scoring`): a higher threshold can never be met.
const MAX_THRESHOLD: f64 = 150.0;
const MAX_NAME: usize = 120;
const MAX_DESCRIPTION: usize = 2000;

/// `^[a-z][a-z0-9_]{1,62}$`, as the database checks it.
pub fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && (2..=63).contains(&code.len())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An exact decimal for a typed number: through the shortest decimal that reads
/// back as the same f64, so "0.1" stays 0.1.
pub fn decimal(v: f64) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap_or_default()
}

/// A stored number as it goes back into an input: no grouping, the locale's
/// decimal mark ("12,5" in French), so that it reads back unchanged.
pub fn input_number(locale: Locale, v: f64) -> String {
    let s = v.to_string();
    match locale {
        Locale::Fr => s.replace('.', ","),
        Locale::En => s,
    }
}

/// Collects the problems of a form, field by field; each method returns the
/// checked value or `None` (and records the first problem of that field).
#[derive(Debug, Default)]
pub struct Check {
    pub errors: FieldErrors,
}

impl Check {
    pub fn fail<T>(&mut self, field: &'static str, key: &'static str) -> Option<T> {
        self.errors.entry(field).or_insert(key);
        None
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn code(&mut self, field: &'static str, input: &str) -> Option<String> {
        let code = input.trim().to_lowercase();
        if code.is_empty() {
            self.fail(field, "field-required")
        } else if valid_code(&code) {
            Some(code)
        } else {
            self.fail(field, "kpi-code-invalid")
        }
    }

    pub fn name(&mut self, field: &'static str, input: &str) -> Option<String> {
        let name = input.trim().to_owned();
        if name.is_empty() {
            self.fail(field, "field-required")
        } else if name.chars().count() > MAX_NAME {
            self.fail(field, "field-too-long")
        } else {
            Some(name)
        }
    }

    pub fn description(&mut self, field: &'static str, input: &str) -> Option<String> {
        let text = input.trim().to_owned();
        if text.chars().count() > MAX_DESCRIPTION {
            self.fail(field, "field-too-long")
        } else {
            Some(text)
        }
    }

    /// One of a closed list (universe, unit…): `parsed` is `T::parse(input)`.
    pub fn choice<T>(&mut self, field: &'static str, parsed: Option<T>) -> Option<T> {
        match parsed {
            Some(v) => Some(v),
            None => self.fail(field, "kpi-choose-from-list"),
        }
    }

    pub fn number(&mut self, field: &'static str, input: &str) -> Option<f64> {
        if input.trim().is_empty() {
            return self.fail(field, "field-required");
        }
        match format::parse_number(input) {
            Some(v) => Some(v),
            None => self.fail(field, "value-not-a-number"),
        }
    }

    /// A target: non-zero (attainment is a ratio), within the unit's range when
    /// the unit is known. Empty gives `Some(None)` unless `required`.
    pub fn target(
        &mut self,
        field: &'static str,
        input: &str,
        unit: Option<Unit>,
        required: bool,
    ) -> Option<Option<Decimal>> {
        if input.trim().is_empty() && !required {
            return Some(None);
        }
        let v = self.number(field, input)?;
        if v == 0.0 {
            return self.fail(field, "kpi-target-zero");
        }
        if let Some(unit) = unit
            && let Err(key) = units::check(unit, v)
        {
            return self.fail(field, key);
        }
        Some(Some(decimal(v)))
    }

    /// Green and amber thresholds, in attainment percent.
    pub fn thresholds(&mut self, green: &str, amber: &str) -> Option<(Decimal, Decimal)> {
        let g = self.number("green_from", green);
        let a = self.number("amber_from", amber);
        let (g, a) = (g?, a?);
        if g > MAX_THRESHOLD {
            return self.fail("green_from", "kpi-threshold-too-high");
        }
        if a > MAX_THRESHOLD {
            return self.fail("amber_from", "kpi-threshold-too-high");
        }
        if scoring::check_thresholds(Thresholds {
            green_from: g,
            amber_from: a,
        })
        .is_err()
        {
            let field = if g.is_finite() && g > 0.0 {
                "amber_from"
            } else {
                "green_from"
            };
            return self.fail(field, "kpi-thresholds-invalid");
        }
        Some((decimal(g), decimal(a)))
    }

    /// A KPI's weight within its universe: above 0, at most 100.
    pub fn weight(&mut self, field: &'static str, input: &str) -> Option<Decimal> {
        let w = self.number(field, input)?;
        if w > 0.0 && w <= 100.0 {
            Some(decimal(w))
        } else {
            self.fail(field, "kpi-weight-range")
        }
    }

    /// Months after which a value is stale: 1 to 36.
    pub fn freshness(&mut self, field: &'static str, input: &str) -> Option<i32> {
        match input.trim().parse::<i32>() {
            Ok(m) if (1..=36).contains(&m) => Some(m),
            _ => self.fail(field, "kpi-freshness-range"),
        }
    }

    /// An owner from the offered list, or none.
    pub fn owner(
        &mut self,
        field: &'static str,
        input: &str,
        allowed: &[i64],
    ) -> Option<Option<i64>> {
        match input.trim() {
            "" => Some(None),
            s => match s.parse::<i64>().ok().filter(|id| allowed.contains(id)) {
                Some(id) => Some(Some(id)),
                None => self.fail(field, "kpi-owner-invalid"),
            },
        }
    }
}

/// Translates field errors for a page.
pub fn translate(ui: &Ui, errors: &FieldErrors) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|(field, key)| ((*field).to_owned(), ui.t(key)))
        .collect()
}

/// An option of a select, with its selection decided in Rust.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a closed list, labelled through its translation keys.
pub fn enum_options<T: Copy>(
    ui: &Ui,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label_key: impl Fn(T) -> String,
    selected: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|&v| Opt {
            value: code(v).to_owned(),
            label: ui.t(&label_key(v)),
            selected: code(v) == selected,
        })
        .collect()
}

macro_rules! options_of {
    ($ui:expr, $ty:ty, $selected:expr) => {
        $crate::kpis::library::enum_options(
            $ui,
            <$ty>::ALL,
            |v: $ty| v.code(),
            |v: $ty| v.label_key(),
            $selected,
        )
    };
}
pub(crate) use options_of;

/// The select lists of a KPI definition.
pub struct DefinitionOptions {
    pub universes: Vec<Opt>,
    pub units: Vec<Opt>,
    pub directions: Vec<Opt>,
    pub frequencies: Vec<Opt>,
    pub domains: Vec<Opt>,
}

impl DefinitionOptions {
    pub fn new(
        ui: &Ui,
        universe: &str,
        unit: &str,
        direction: &str,
        frequency: &str,
        domain: &str,
    ) -> Self {
        Self {
            universes: options_of!(ui, Universe, universe),
            units: options_of!(ui, Unit, unit),
            directions: options_of!(ui, Direction, direction),
            frequencies: options_of!(ui, Frequency, frequency),
            domains: options_of!(ui, DataDomain, domain),
        }
    }
}

/// "green from 100 % of target, amber from 90 %".
pub fn thresholds_text(ui: &Ui, green: f64, amber: f64) -> String {
    ui.locale.t_args(
        "thresholds-text",
        &[
            ("green", format::number(ui.locale, green, 2).into()),
            ("amber", format::number(ui.locale, amber, 2).into()),
        ],
    )
}

// ---------------------------------------------------------------------------
// Templates: record and queries
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct KpiTemplate {
    pub id: i64,
    pub code: String,
    pub universe: Universe,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub unit: Unit,
    pub direction: Direction,
    pub frequency: Frequency,
    pub domain: DataDomain,
    pub default_target: Option<f64>,
    pub green_from: f64,
    pub amber_from: f64,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

impl KpiTemplate {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::En => &self.name_en,
        }
    }

    pub fn description(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.description_fr,
            Locale::En => &self.description_en,
        }
    }
}

const TEMPLATE_COLUMNS: &str = "t.id, t.code, t.universe, t.name_fr, t.name_en, t.description_fr, \
     t.description_en, t.unit, t.direction, t.frequency, t.domain, \
     t.default_target::float8 AS default_target, t.green_from::float8 AS green_from, \
     t.amber_from::float8 AS amber_from, t.active, t.updated_at";

/// Every template, by universe then in library order.
pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t ORDER BY t.universe, t.id"
    ))
    .fetch_all(db)
    .await
}

/// Active templates that the account does not use yet (by template or by code).
pub async fn available_for(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t \
         WHERE t.active AND NOT EXISTS (SELECT 1 FROM account_kpis k \
               WHERE k.account_id = $1 AND (k.code = t.code OR k.template_id = t.id)) \
         ORDER BY t.universe, t.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<KpiTemplate>> {
    sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM kpi_templates t WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

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
