//! Customer lifetime value: `/accounts/{id}/value` (historical and projected, with
//! every input shown) and `/director/settings`, where the director sets the
//! projection (retention probability, discount rate, horizon) and the selection
//! limits (key accounts, KAM load).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::{self, Account};
use crate::audit;
use crate::auth::extract::{AccountsUser, DirectorUser};
use crate::director::clv::{self, Clv, YearFigures};
use crate::error::{AppError, AppResult};
use crate::i18n::format::{self, Share};
use crate::portfolio::data::{self, Settings};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

#[derive(Template)]
#[template(path = "value/account.html")]
pub struct ValuePage {
    pub ui: Ui,
    pub account: Account,
    pub years: Vec<YearFigures>,
    pub acquisition: f64,
    pub settings: Settings,
    pub clv: Option<Clv>,
}

impl ValuePage {
    pub fn money(&self, v: &f64) -> String {
        format::money(
            self.ui.locale,
            rust_decimal::Decimal::from_f64_retain(v.round()).unwrap_or_default(),
        )
    }
    pub fn share(&self, v: Share) -> String {
        format::share(self.ui.locale, v, 1)
    }
}

/// What the value page shows about one account (the page and its CSV read it).
pub struct Loaded {
    pub account: Account,
    pub years: Vec<YearFigures>,
    pub acquisition: f64,
    pub settings: Settings,
    pub clv: Option<Clv>,
}

async fn load(state: &AppState, user: &crate::users::User, id: i64) -> AppResult<Loaded> {
    let account = accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = data::settings(&state.db).await?;
    let years = data::financials(&state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let acquisition: f64 =
        sqlx::query_scalar("SELECT acquisition_cost::float8 FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db)
            .await?;
    let clv = clv::clv(&data::clv_inputs(&years, acquisition, &settings)).ok();
    Ok(Loaded {
        account,
        years,
        acquisition,
        settings,
        clv,
    })
}

pub async fn account(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let l = load(&state, &user, id).await?;
    render(&ValuePage {
        ui,
        account: l.account,
        years: l.years,
        acquisition: l.acquisition,
        settings: l.settings,
        clv: l.clv,
    })
}

/// `GET /accounts/{id}/value.csv`: every figure of the page, one per row
/// (code, label, year for the yearly ones, value); money in euros, the
/// retention probability and the discount rate in percent.
pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<CsvResponse> {
    let l = load(&state, &user, id).await?;
    let mut out = Csv::new(&[
        "code".to_owned(),
        ui.t("value-csv-item"),
        ui.t("value-csv-year"),
        ui.t("value-csv-value"),
    ])?;
    let money = |v: f64| format!("{v:.2}");
    let pct = format!(" {}", ui.t("value-csv-percent-note"));
    let mut rows: Vec<(&str, String, String, String)> = Vec::new();
    if let Some(c) = &l.clv {
        rows.push((
            "historical",
            ui.t("value-historical"),
            String::new(),
            money(c.historical),
        ));
        rows.push((
            "projected",
            ui.t("value-projected"),
            String::new(),
            money(c.projected),
        ));
        rows.push(("total", ui.t("value-total"), String::new(), money(c.total)));
    }
    rows.push((
        "acquisition",
        ui.t("value-acquisition"),
        String::new(),
        money(l.acquisition),
    ));
    rows.push((
        "retention",
        ui.t("value-retention") + &pct,
        String::new(),
        l.settings.retention().csv(2),
    ));
    rows.push((
        "discount",
        ui.t("value-discount") + &pct,
        String::new(),
        l.settings.discount().csv(2),
    ));
    rows.push((
        "horizon",
        ui.t("value-horizon"),
        String::new(),
        l.settings.horizon_years.to_string(),
    ));
    if let Some(c) = &l.clv {
        rows.push((
            "base",
            ui.t("value-base"),
            String::new(),
            money(c.base_annual_net_margin),
        ));
    }
    for y in &l.years {
        let year = y.year.to_string();
        rows.push((
            "revenue",
            ui.t("portfolio-col-revenue"),
            year.clone(),
            money(y.revenue),
        ));
        rows.push((
            "margin",
            ui.t("value-margin"),
            year.clone(),
            money(y.margin),
        ));
        rows.push((
            "retention_cost",
            ui.t("value-retention-cost"),
            year,
            money(y.retention_cost),
        ));
    }
    for (code, label, year, value) in rows {
        out.row(&[code.to_owned(), label, year, value])?;
    }
    out.finish(&format!("value-{}.csv", l.account.slug))
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct SettingsForm {
    pub max_key_accounts: String,
    pub kam_share: String,
    pub retention_probability: String,
    pub discount_rate: String,
    pub horizon_years: String,
}

#[derive(Template)]
#[template(path = "value/settings.html")]
pub struct SettingsPage {
    pub ui: Ui,
    pub form: SettingsForm,
    pub errors: Vec<String>,
    pub updated: String,
}

pub async fn settings_page(
    State(state): State<AppState>,
    DirectorUser(_u): DirectorUser,
    ui: Ui,
) -> AppResult<Response> {
    let s = data::settings(&state.db).await?;
    let form = SettingsForm {
        max_key_accounts: s.max_key_accounts.to_string(),
        kam_share: ui.num(s.kam_share, 2),
        retention_probability: ui.num(s.retention().percent().value(), 1),
        discount_rate: ui.num(s.discount().percent().value(), 1),
        horizon_years: s.horizon_years.to_string(),
    };
    let updated = ui.datetime(&s.updated_at);
    render(&SettingsPage {
        ui,
        form,
        errors: Vec::new(),
        updated,
    })
}

pub async fn settings_save(
    State(state): State<AppState>,
    DirectorUser(_u): DirectorUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = Vec::new();
    let int = |s: &str| s.trim().parse::<i32>().ok();
    let num = |s: &str| format::parse_number(s);
    let max = int(&form.max_key_accounts).filter(|v| (1..=500).contains(v));
    if max.is_none() {
        errors.push(ui.t("settings-error-max"));
    }
    let share = num(&form.kam_share).filter(|v| (1.0..=10.0).contains(v));
    if share.is_none() {
        errors.push(ui.t("settings-error-share"));
    }
    let retention = num(&form.retention_probability).filter(|v| (0.0..=100.0).contains(v));
    if retention.is_none() {
        errors.push(ui.t("settings-error-retention"));
    }
    let discount = num(&form.discount_rate).filter(|v| (0.0..100.0).contains(v));
    if discount.is_none() {
        errors.push(ui.t("settings-error-discount"));
    }
    let horizon =
        int(&form.horizon_years).filter(|v| (1..=clv::MAX_HORIZON_YEARS as i32).contains(v));
    if horizon.is_none() {
        errors.push(ui.t("settings-error-horizon"));
    }
    let (Some(max), Some(share), Some(retention), Some(discount), Some(horizon)) =
        (max, share, retention, discount, horizon)
    else {
        let p = SettingsPage {
            ui,
            form,
            errors,
            updated: String::new(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    // The form takes percentages; the settings store fractions.
    let (retention, discount) = (
        format::Percent::new(retention).share().fraction(),
        format::Percent::new(discount).share().fraction(),
    );
    let mut tx = state.db.begin().await?;
    let before = data::settings(&state.db).await?;
    sqlx::query(
        "UPDATE director_settings SET max_key_accounts = $1, kam_share = $2::float8::numeric, \
                retention_probability = $3::float8::numeric, discount_rate = $4::float8::numeric, \
                horizon_years = $5, updated_by = $6 WHERE id = 1",
    )
    .bind(max)
    .bind(share)
    .bind(retention)
    .bind(discount)
    .bind(horizon)
    .bind(ctx.user.as_ref().map(|u| u.id))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::DirectorSettingsUpdated)
            .on("director_settings", 1)
            .before(&before)
            .after(serde_json::json!({
                "max_key_accounts": max, "kam_share": share,
                "retention_probability": retention, "discount_rate": discount,
                "horizon_years": horizon
            })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "settings-saved").await?;
    Ok(see_other("/director/settings"))
}
