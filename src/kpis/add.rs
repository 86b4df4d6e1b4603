//! `/accounts/{id}/kpis/new`: adding a KPI to an account's scorecard, from the
//! library (the template's definition is copied) or defined from scratch.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::accounts::Account;
use crate::accounts::EditableAccount;
use crate::audit;
use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::kpis::check::{
    self, Check, DefinitionOptions, FieldErrors, Opt, input_number, thresholds_text,
};
use crate::kpis::template::{self, KpiTemplate};
use crate::kpis::{self, units};
use crate::state::AppState;
use crate::users::Role;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// Default weight and freshness window of a new KPI.
const DEFAULT_WEIGHT: &str = "1";
const DEFAULT_FRESHNESS: &str = "6";

/// Internal people who can own a KPI (supply its figures): active KAMs and
/// contributors, with their role.
pub async fn owner_candidates(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String, Role)>> {
    sqlx::query_as(
        "SELECT id, name, role FROM users WHERE role IN ('kam', 'contributor') AND active \
         ORDER BY lower(name)",
    )
    .fetch_all(db)
    .await
}

/// The owner select: "—", then the candidates, with `selected` chosen.
pub fn owner_options(ui: &Ui, candidates: &[(i64, String, Role)], selected: &str) -> Vec<Opt> {
    let mut opts = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: selected.trim().is_empty(),
    }];
    opts.extend(candidates.iter().map(|(id, name, role)| Opt {
        value: id.to_string(),
        label: format!("{name} ({})", ui.t(role.label_key())),
        selected: selected.trim() == id.to_string(),
    }));
    opts
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AddForm {
    /// Set when adding from the library; empty for a custom KPI.
    #[serde(default)]
    pub template_id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub universe: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub green_from: String,
    #[serde(default)]
    pub amber_from: String,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub owner_id: String,
    #[serde(default)]
    pub freshness_months: String,
}

impl AddForm {
    fn custom_defaults(owner: &str) -> Self {
        Self {
            universe: Universe::Financial.code().into(),
            unit: Unit::Percent.code().into(),
            direction: Direction::HigherBetter.code().into(),
            frequency: Frequency::Monthly.code().into(),
            domain: DataDomain::Internal.code().into(),
            green_from: "100".into(),
            amber_from: "90".into(),
            weight: DEFAULT_WEIGHT.into(),
            freshness_months: DEFAULT_FRESHNESS.into(),
            owner_id: owner.into(),
            ..Self::default()
        }
    }

    fn library_defaults(t: &KpiTemplate, owner: &str, locale: Locale) -> Self {
        Self {
            template_id: t.id.to_string(),
            target: t
                .default_target
                .map(|v| input_number(locale, v))
                .unwrap_or_default(),
            weight: DEFAULT_WEIGHT.into(),
            freshness_months: DEFAULT_FRESHNESS.into(),
            owner_id: owner.into(),
            ..Self::default()
        }
    }
}

/// A KPI ready to insert (also its audit record).
#[derive(Debug, Serialize)]
struct NewKpi {
    template_id: Option<i64>,
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
    target: Decimal,
    green_from: Decimal,
    amber_from: Decimal,
    weight: Decimal,
    owner_id: Option<i64>,
    freshness_months: i32,
}

/// The settings every new KPI has, checked into `c`.
fn account_settings(
    c: &mut Check,
    f: &AddForm,
    unit: Option<Unit>,
    owners: &[i64],
) -> (
    Option<Decimal>,
    Option<Decimal>,
    Option<Option<i64>>,
    Option<i32>,
) {
    let target = c.target("target", &f.target, unit, true).flatten();
    let weight = c.weight("weight", &f.weight);
    let owner = c.owner("owner_id", &f.owner_id, owners);
    let freshness = c.freshness("freshness_months", &f.freshness_months);
    (target, weight, owner, freshness)
}

fn from_template(t: &KpiTemplate, f: &AddForm, owners: &[i64]) -> Result<NewKpi, FieldErrors> {
    let mut c = Check::default();
    let (target, weight, owner, freshness) = account_settings(&mut c, f, Some(t.unit), owners);
    match (target, weight, owner, freshness) {
        (Some(target), Some(weight), Some(owner_id), Some(freshness_months)) if c.ok() => {
            Ok(NewKpi {
                template_id: Some(t.id),
                code: t.code.clone(),
                universe: t.universe,
                name_fr: t.name_fr.clone(),
                name_en: t.name_en.clone(),
                description_fr: t.description_fr.clone(),
                description_en: t.description_en.clone(),
                unit: t.unit,
                direction: t.direction,
                frequency: t.frequency,
                domain: t.domain,
                target,
                green_from: check::decimal(t.green_from),
                amber_from: check::decimal(t.amber_from),
                weight,
                owner_id,
                freshness_months,
            })
        }
        _ => Err(c.errors),
    }
}

fn custom(f: &AddForm, owners: &[i64]) -> Result<NewKpi, FieldErrors> {
    let mut c = Check::default();
    let code = c.code("code", &f.code);
    let name_fr = c.name("name_fr", &f.name_fr);
    let name_en = c.name("name_en", &f.name_en);
    let description_fr = c.description("description_fr", &f.description_fr);
    let description_en = c.description("description_en", &f.description_en);
    let universe = c.choice("universe", Universe::parse(&f.universe));
    let unit = c.choice("unit", Unit::parse(&f.unit));
    let direction = c.choice("direction", Direction::parse(&f.direction));
    let frequency = c.choice("frequency", Frequency::parse(&f.frequency));
    let domain = c.choice("domain", DataDomain::parse(&f.domain));
    let thresholds = c.thresholds(&f.green_from, &f.amber_from);
    let (target, weight, owner, freshness) = account_settings(&mut c, f, unit, owners);
    let definition = (
        code,
        name_fr,
        name_en,
        description_fr,
        description_en,
        universe,
        unit,
        direction,
        frequency,
        domain,
    );
    match (definition, thresholds, target, weight, owner, freshness) {
        (
            (
                Some(code),
                Some(name_fr),
                Some(name_en),
                Some(description_fr),
                Some(description_en),
                Some(universe),
                Some(unit),
                Some(direction),
                Some(frequency),
                Some(domain),
            ),
            Some((green_from, amber_from)),
            Some(target),
            Some(weight),
            Some(owner_id),
            Some(freshness_months),
        ) if c.ok() => Ok(NewKpi {
            template_id: None,
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
            target,
            green_from,
            amber_from,
            weight,
            owner_id,
            freshness_months,
        }),
        _ => Err(c.errors),
    }
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

/// A library template offered for the account, with its small form.
pub struct LibraryItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub facts: String,
    pub thresholds: String,
    pub unit_label: String,
    pub target: String,
    pub weight: String,
    pub freshness_months: String,
    pub owners: Vec<Opt>,
    /// Field → message, for the form that was sent with errors.
    pub errors: BTreeMap<String, String>,
}

impl LibraryItem {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

pub struct LibraryGroup {
    pub code: &'static str,
    pub label: String,
    pub items: Vec<LibraryItem>,
}

#[derive(Template)]
#[template(path = "kpis/add.html")]
pub struct AddPage {
    pub ui: Ui,
    pub account: Account,
    pub groups: Vec<LibraryGroup>,
    /// The custom KPI form.
    pub form: AddForm,
    pub options: DefinitionOptions,
    pub owners: Vec<Opt>,
    /// Errors of the custom form, by field.
    pub errors: BTreeMap<String, String>,
    /// Every error on the page, anchor → message, for the summary.
    pub summary: BTreeMap<String, String>,
}

impl AddPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// What was sent, when the page is shown again with errors.
enum Sent<'a> {
    Nothing,
    Library(i64, &'a AddForm, &'a FieldErrors),
    Custom(&'a AddForm, &'a FieldErrors),
}

async fn page(state: &AppState, ui: Ui, account: Account, sent: Sent<'_>) -> AppResult<AddPage> {
    let templates = template::available_for(&state.db, account.id).await?;
    let candidates = owner_candidates(&state.db).await?;
    // New KPIs default to the account's KAM as owner when they can own one.
    let default_owner = account
        .owner_id
        .filter(|id| candidates.iter().any(|(c, _, _)| c == id))
        .map(|id| id.to_string())
        .unwrap_or_default();
    let mut summary = BTreeMap::new();
    let groups = Universe::ALL
        .iter()
        .map(|&u| LibraryGroup {
            code: u.code(),
            label: ui.t(&u.label_key()),
            items: templates
                .iter()
                .filter(|t| t.universe == u)
                .map(|t| {
                    let (form, errors) = match &sent {
                        Sent::Library(id, f, e) if *id == t.id => ((*f).clone(), *e),
                        _ => (
                            AddForm::library_defaults(t, &default_owner, ui.locale),
                            &FieldErrors::new(),
                        ),
                    };
                    let errors = check::translate(&ui, errors);
                    for (field, msg) in &errors {
                        summary.insert(format!("t{}-{field}", t.id), msg.clone());
                    }
                    LibraryItem {
                        id: t.id,
                        code: t.code.clone(),
                        name: t.name(ui.locale).to_owned(),
                        description: t.description(ui.locale).to_owned(),
                        facts: format!(
                            "{} · {} · {} · {}",
                            ui.t(&t.unit.label_key()),
                            ui.t(&t.direction.label_key()),
                            ui.t(&t.frequency.label_key()),
                            ui.t(&t.domain.label_key()),
                        ),
                        thresholds: thresholds_text(&ui, t.green_from, t.amber_from),
                        unit_label: ui.t(&units::label_key(t.unit)),
                        owners: owner_options(&ui, &candidates, &form.owner_id),
                        target: form.target,
                        weight: form.weight,
                        freshness_months: form.freshness_months,
                        errors,
                    }
                })
                .collect(),
        })
        .collect();
    let (form, errors) = match sent {
        Sent::Custom(f, e) => (f.clone(), check::translate(&ui, e)),
        _ => (AddForm::custom_defaults(&default_owner), BTreeMap::new()),
    };
    summary.extend(errors.iter().map(|(k, v)| (k.clone(), v.clone())));
    let options = DefinitionOptions::new(
        &ui,
        &form.universe,
        &form.unit,
        &form.direction,
        &form.frequency,
        &form.domain,
    );
    let owners = owner_options(&ui, &candidates, &form.owner_id);
    Ok(AddPage {
        ui,
        account,
        groups,
        form,
        options,
        owners,
        errors,
        summary,
    })
}

/// `GET /accounts/{id}/kpis/new`.
pub async fn new_page(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    render(&page(&state, ui, account, Sent::Nothing).await?)
}

/// `POST /accounts/{id}/kpis`.
pub async fn create(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<AddForm>,
) -> AppResult<Response> {
    let id = account.id;
    let owners: Vec<i64> = owner_candidates(&state.db)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let template = match form.template_id.trim() {
        "" => None,
        s => {
            let tid = s.parse::<i64>().map_err(|_| AppError::NotFound)?;
            // Only active templates are offered; a retired one is not added any more.
            let t = template::find(&state.db, tid)
                .await?
                .filter(|t| t.active)
                .ok_or(AppError::NotFound)?;
            Some(t)
        }
    };
    let checked = match &template {
        Some(t) => from_template(t, &form, &owners),
        None => custom(&form, &owners),
    };
    let v = match checked {
        Ok(v) => v,
        Err(e) => return refuse(&state, ui, account, &template, &form, &e).await,
    };
    match insert(&state, &ctx, &account, &v).await? {
        Some(kpi_id) => {
            flash::push(&ctx.session, flash::Kind::Success, "kpi-added").await?;
            Ok(see_other(&format!("/accounts/{id}#kpi-{kpi_id}")))
        }
        None => {
            let field = if template.is_some() { "target" } else { "code" };
            let e = FieldErrors::from([(field, "kpi-code-taken")]);
            refuse(&state, ui, account, &template, &form, &e).await
        }
    }
}

/// The page again with 422, the messages and what was typed.
async fn refuse(
    state: &AppState,
    ui: Ui,
    account: Account,
    template: &Option<KpiTemplate>,
    form: &AddForm,
    errors: &FieldErrors,
) -> AppResult<Response> {
    let sent = match template {
        Some(t) => Sent::Library(t.id, form, errors),
        None => Sent::Custom(form, errors),
    };
    let p = page(state, ui, account, sent).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// Inserts the KPI and its audit row in one transaction; `None` when the account
/// already has a KPI with that code (nothing written).
async fn insert(
    state: &AppState,
    ctx: &RequestCtx,
    account: &Account,
    v: &NewKpi,
) -> AppResult<Option<i64>> {
    let mut tx = state.db.begin().await?;
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO account_kpis (account_id, template_id, code, universe, name_fr, name_en, \
                description_fr, description_en, unit, direction, frequency, domain, target, \
                green_from, amber_from, weight, owner_id, freshness_months, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
                 COALESCE((SELECT max(position) FROM account_kpis WHERE account_id = $1 AND universe = $4), 0) + 1) \
         RETURNING id",
    )
    .bind(account.id)
    .bind(v.template_id)
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
    .bind(v.target)
    .bind(v.green_from)
    .bind(v.amber_from)
    .bind(v.weight)
    .bind(v.owner_id)
    .bind(v.freshness_months)
    .fetch_one(&mut *tx)
    .await;
    let kpi_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("account_kpis_account_id_code_key") =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let created = kpis::find(&mut *tx, account.id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountKpiCreated)
            .on("account_kpi", kpi_id)
            .account(Some(account.id))
            .after(&created),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Some(kpi_id))
}
