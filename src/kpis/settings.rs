//! `/accounts/{id}/kpis/{kpi_id}/settings`: a KPI's target, thresholds, weight,
//! owner, freshness window, visibility and names; its per-period targets; and
//! removing it from the account.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::accounts::Account;
use crate::accounts::editable;
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::domain::Visibility;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::kpis::add::{owner_candidates, owner_options};
use crate::kpis::check::{self, Check, FieldErrors, Opt, input_number, options_of};
use crate::kpis::{self, AccountKpi, units};
use crate::period::{self, Period};
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// The account (editable by the user: else 404/403) and its KPI (else 404).
async fn load(
    state: &AppState,
    user: &User,
    id: i64,
    kpi_id: i64,
) -> AppResult<(Account, AccountKpi)> {
    let account = editable(state, user, id).await?;
    let kpi = kpis::find(&state.db, id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((account, kpi))
}

/// The per-period targets of a KPI, latest first.
async fn overrides_of(db: impl PgExecutor<'_>, kpi_id: i64) -> sqlx::Result<Vec<(NaiveDate, f64)>> {
    sqlx::query_as(
        "SELECT period, target::float8 FROM kpi_targets WHERE account_kpi_id = $1 ORDER BY period DESC",
    )
    .bind(kpi_id)
    .fetch_all(db)
    .await
}

fn settings_url(account_id: i64, kpi_id: i64) -> String {
    format!("/accounts/{account_id}/kpis/{kpi_id}/settings")
}

// ---------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
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
    #[serde(default)]
    pub visibility: String,
    /// The checkbox "require a comment when a value is red": present when ticked.
    #[serde(default)]
    pub comment_when_red: Option<String>,
    /// The KPI's `updated_at` when the form was loaded: a later one means someone else saved.
    #[serde(default)]
    pub version: String,
}

impl SettingsForm {
    fn from_kpi(k: &AccountKpi, locale: Locale) -> Self {
        Self {
            name_fr: k.name_fr.clone(),
            name_en: k.name_en.clone(),
            description_fr: k.description_fr.clone(),
            description_en: k.description_en.clone(),
            target: input_number(locale, k.target),
            green_from: input_number(locale, k.green_from),
            amber_from: input_number(locale, k.amber_from),
            weight: input_number(locale, k.weight),
            owner_id: k.owner_id.map(|i| i.to_string()).unwrap_or_default(),
            freshness_months: k.freshness_months.to_string(),
            visibility: k.visibility.code().into(),
            comment_when_red: k.comment_when_red.then(|| "on".to_owned()),
            version: k.updated_at.timestamp_micros().to_string(),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    pub override_period: String,
    #[serde(default)]
    pub override_target: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub period: String,
}

/// Checked settings (also the audit record of the change).
#[derive(Debug, Serialize)]
struct ValidSettings {
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    target: Decimal,
    green_from: Decimal,
    amber_from: Decimal,
    weight: Decimal,
    owner_id: Option<i64>,
    freshness_months: i32,
    visibility: Visibility,
    comment_when_red: bool,
}

fn validate(
    k: &AccountKpi,
    f: &SettingsForm,
    owners: &[i64],
) -> Result<ValidSettings, FieldErrors> {
    let mut c = Check::default();
    let name_fr = c.name("name_fr", &f.name_fr);
    let name_en = c.name("name_en", &f.name_en);
    let description_fr = c.description("description_fr", &f.description_fr);
    let description_en = c.description("description_en", &f.description_en);
    let target = c.target("target", &f.target, Some(k.unit), true).flatten();
    let thresholds = c.thresholds(&f.green_from, &f.amber_from);
    let weight = c.weight("weight", &f.weight);
    let owner = c.owner("owner_id", &f.owner_id, owners);
    let freshness = c.freshness("freshness_months", &f.freshness_months);
    let visibility = c.choice("visibility", Visibility::parse(&f.visibility));
    match (
        (name_fr, name_en, description_fr, description_en),
        target,
        thresholds,
        weight,
        owner,
        freshness,
        visibility,
    ) {
        (
            (Some(name_fr), Some(name_en), Some(description_fr), Some(description_en)),
            Some(target),
            Some((green_from, amber_from)),
            Some(weight),
            Some(owner_id),
            Some(freshness_months),
            Some(visibility),
        ) if c.ok() => Ok(ValidSettings {
            name_fr,
            name_en,
            description_fr,
            description_en,
            target,
            green_from,
            amber_from,
            weight,
            owner_id,
            freshness_months,
            visibility,
            comment_when_red: f.comment_when_red.is_some(),
        }),
        _ => Err(c.errors),
    }
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

pub struct OverrideRow {
    pub code: String,
    pub label: String,
    pub target_text: String,
}

#[derive(Template)]
#[template(path = "kpis/settings.html")]
pub struct SettingsPage {
    pub ui: Ui,
    pub account: Account,
    pub kpi: AccountKpi,
    pub name: String,
    pub facts: String,
    /// "Target (%)", "Target for this period (%)".
    pub target_label: String,
    pub override_target_label: String,
    pub form: SettingsForm,
    pub owners: Vec<Opt>,
    pub visibilities: Vec<Opt>,
    pub overrides: Vec<OverrideRow>,
    pub override_form: OverrideForm,
    pub period_hint: String,
    /// Field → message, for both forms of the page.
    pub errors: BTreeMap<String, String>,
    pub conflict: bool,
}

impl SettingsPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    kpi: AccountKpi,
    form: SettingsForm,
    override_form: OverrideForm,
    errors: &FieldErrors,
    conflict: bool,
) -> AppResult<SettingsPage> {
    let candidates = owner_candidates(&state.db).await?;
    let mut owners = owner_options(&ui, &candidates, &form.owner_id);
    // Keep a current owner who is no longer a candidate (left, changed role).
    if let Some(id) = kpi.owner_id
        && !candidates.iter().any(|(c, _, _)| *c == id)
    {
        owners.push(Opt {
            value: id.to_string(),
            label: kpi.owner_name.clone().unwrap_or_else(|| id.to_string()),
            selected: form.owner_id.trim() == id.to_string(),
        });
    }
    let unit = ui.t(&units::label_key(kpi.unit));
    let overrides = overrides_of(&state.db, kpi.id)
        .await?
        .into_iter()
        .filter_map(|(start, target)| {
            Period::from_start(kpi.frequency, start).map(|p| OverrideRow {
                code: p.code(),
                label: p.label(ui.locale),
                target_text: units::display(kpi.unit, target, ui.locale),
            })
        })
        .collect();
    Ok(SettingsPage {
        name: kpi.name(ui.locale).to_owned(),
        facts: format!(
            "{} · {} · {} · {} · {}",
            ui.t(&kpi.universe.label_key()),
            ui.t(&kpi.unit.label_key()),
            ui.t(&kpi.direction.label_key()),
            ui.t(&kpi.frequency.label_key()),
            ui.t(&kpi.domain.label_key()),
        ),
        target_label: format!("{} ({unit})", ui.t("col-target")),
        override_target_label: format!("{} ({unit})", ui.t("kpi-target-value")),
        visibilities: options_of!(&ui, Visibility, &form.visibility),
        period_hint: ui.t(period::format_hint(kpi.frequency)),
        errors: check::translate(&ui, errors),
        owners,
        overrides,
        override_form,
        form,
        account,
        kpi,
        conflict,
        ui,
    })
}

/// `GET …/settings`.
pub async fn settings_page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (account, kpi) = load(&state, &user, id, kpi_id).await?;
    let form = SettingsForm::from_kpi(&kpi, ui.locale);
    let p = page(
        &state,
        ui,
        account,
        kpi,
        form,
        OverrideForm::default(),
        &FieldErrors::new(),
        false,
    )
    .await?;
    render(&p)
}

/// `POST …/settings`.
pub async fn save(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let (account, kpi) = load(&state, &user, id, kpi_id).await?;
    let mut owners: Vec<i64> = owner_candidates(&state.db)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    owners.extend(kpi.owner_id);
    // The stage of the relationship caps what may be shared (see `sharing`).
    let checked = validate(&kpi, &form, &owners).and_then(|v| {
        if crate::sharing::allowed(account.stage, v.visibility) {
            Ok(v)
        } else {
            Err(FieldErrors::from([(
                "visibility",
                "kpi-visibility-beyond-stage",
            )]))
        }
    });
    let v = match checked {
        Ok(v) => v,
        Err(e) => {
            let p = page(
                &state,
                ui,
                account,
                kpi,
                form,
                OverrideForm::default(),
                &e,
                false,
            )
            .await?;
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
        "UPDATE account_kpis SET name_fr = $3, name_en = $4, description_fr = $5, description_en = $6, \
                target = $7, green_from = $8, amber_from = $9, weight = $10, owner_id = $11, \
                freshness_months = $12, visibility = $13, comment_when_red = $15 \
         WHERE account_id = $1 AND id = $2 AND date_trunc('microseconds', updated_at) = $14",
    )
    .bind(id)
    .bind(kpi_id)
    .bind(&v.name_fr)
    .bind(&v.name_en)
    .bind(&v.description_fr)
    .bind(&v.description_en)
    .bind(v.target)
    .bind(v.green_from)
    .bind(v.amber_from)
    .bind(v.weight)
    .bind(v.owner_id)
    .bind(v.freshness_months)
    .bind(v.visibility)
    .bind(version)
    .bind(v.comment_when_red)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        // Someone saved in between: show their version, overwrite nothing.
        drop(tx);
        let fresh = kpis::find(&state.db, id, kpi_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let form = SettingsForm::from_kpi(&fresh, ui.locale);
        let p = page(
            &state,
            ui,
            account,
            fresh,
            form,
            OverrideForm::default(),
            &FieldErrors::new(),
            true,
        )
        .await?;
        return render_status(StatusCode::CONFLICT, &p);
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountKpiUpdated)
            .on("account_kpi", kpi_id)
            .account(Some(id))
            .before(&kpi)
            .after(&v),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "kpi-settings-saved").await?;
    Ok(see_other(&settings_url(id, kpi_id)))
}

// ---------------------------------------------------------------------------
// Per-period targets
// ---------------------------------------------------------------------------

#[derive(Debug, Serialize)]
struct TargetRecord {
    period: String,
    target: Decimal,
}

/// `POST …/targets`: sets (or replaces) the target of one period.
pub async fn set_target(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Form(of): Form<OverrideForm>,
) -> AppResult<Response> {
    let (account, kpi) = load(&state, &user, id, kpi_id).await?;
    let mut c = Check::default();
    let period = match Period::parse(kpi.frequency, &of.override_period) {
        Ok(p) => Some(p),
        Err(e) => c.fail("override_period", e.key()),
    };
    let target = c
        .target("override_target", &of.override_target, Some(kpi.unit), true)
        .flatten();
    let (Some(period), Some(target)) = (period, target) else {
        let form = SettingsForm::from_kpi(&kpi, ui.locale);
        let p = page(&state, ui, account, kpi, form, of, &c.errors, false).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let mut tx = state.db.begin().await?;
    let before: Option<Decimal> = sqlx::query_scalar(
        "SELECT target FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2 FOR UPDATE",
    )
    .bind(kpi_id)
    .bind(period.start)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO kpi_targets (account_kpi_id, period, target) VALUES ($1, $2, $3) \
         ON CONFLICT (account_kpi_id, period) DO UPDATE SET target = EXCLUDED.target",
    )
    .bind(kpi_id)
    .bind(period.start)
    .bind(target)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::KpiTargetSet)
            .on("account_kpi", kpi_id)
            .account(Some(id))
            .before(before.map(|target| TargetRecord {
                period: period.code(),
                target,
            }))
            .after(TargetRecord {
                period: period.code(),
                target,
            }),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "kpi-target-saved").await?;
    Ok(see_other(&format!("{}#targets", settings_url(id, kpi_id))))
}

/// `POST …/targets/remove`: back to the default target for that period.
pub async fn remove_target(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Form(rf): Form<RemoveForm>,
) -> AppResult<Response> {
    let (_account, kpi) = load(&state, &user, id, kpi_id).await?;
    let period = Period::parse(kpi.frequency, &rf.period)
        .map_err(|_| AppError::Unprocessable("period-invalid"))?;
    let mut tx = state.db.begin().await?;
    let removed: Option<Decimal> = sqlx::query_scalar(
        "DELETE FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2 RETURNING target",
    )
    .bind(kpi_id)
    .bind(period.start)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(target) = removed {
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::KpiTargetRemoved)
                .on("account_kpi", kpi_id)
                .account(Some(id))
                .before(TargetRecord {
                    period: period.code(),
                    target,
                }),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "kpi-target-removed").await?;
    Ok(see_other(&format!("{}#targets", settings_url(id, kpi_id))))
}

// ---------------------------------------------------------------------------
// Removing the KPI
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "kpis/delete.html")]
pub struct DeletePage {
    pub ui: Ui,
    pub account: Account,
    pub kpi_id: i64,
    pub name: String,
    pub values_text: String,
}

async fn value_count(db: impl PgExecutor<'_>, kpi_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM kpi_values WHERE account_kpi_id = $1")
        .bind(kpi_id)
        .fetch_one(db)
        .await
}

/// `GET …/delete`: what removing the KPI will delete, and a button to confirm.
pub async fn delete_page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (account, kpi) = load(&state, &user, id, kpi_id).await?;
    let count = value_count(&state.db, kpi_id).await?;
    let values_text = ui.locale.t_args(
        "kpi-delete-values",
        &[
            ("count", count.into()),
            (
                "count_text",
                crate::i18n::format::number(ui.locale, count as f64, 0).into(),
            ),
        ],
    );
    render(&DeletePage {
        name: kpi.name(ui.locale).to_owned(),
        values_text,
        kpi_id,
        account,
        ui,
    })
}

/// `POST …/delete`: removes the KPI; its values, history and targets go with it.
pub async fn delete(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    Path((id, kpi_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (_account, kpi) = load(&state, &user, id, kpi_id).await?;
    let mut tx = state.db.begin().await?;
    let values = value_count(&mut *tx, kpi_id).await?;
    let deleted = sqlx::query("DELETE FROM account_kpis WHERE account_id = $1 AND id = $2")
        .bind(id)
        .bind(kpi_id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountKpiDeleted)
            .on("account_kpi", kpi_id)
            .account(Some(id))
            .before(serde_json::json!({ "kpi": kpi, "values_deleted": values })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "kpi-deleted").await?;
    Ok(see_other(&format!("/accounts/{id}")))
}
