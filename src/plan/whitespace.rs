//! `/accounts/{id}/plan/whitespace`: the whitespace map of an account — the
//! client's business units or sites × our offerings, who serves each cell today
//! (us, a competitor and which, in-house, nobody) and its estimated value. An
//! open cell (anyone but us) becomes an opportunity in one click. CSV export and
//! import (`whitespace_csv.rs`). Internal: the portal never shows it.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use rust_decimal::Decimal;

use super::check::{Errors, Fields};
use super::whitespace_csv::{self, Refusal, SERVED_BY};
use crate::accounts::{Account, EditableAccount, VisibleAccount};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// Longest name of a unit, an offering or a competitor.
const NAME_MAX: usize = 120;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Cell {
    pub unit_id: i64,
    pub offering_id: i64,
    pub served_by: String,
    pub competitor: Option<String>,
    pub value: Option<Decimal>,
    pub opportunity_id: Option<i64>,
}

impl Cell {
    /// Open: someone other than us serves it (or nobody does).
    pub fn is_open(&self) -> bool {
        self.served_by != "us"
    }
}

/// An account's map: its units (rows), the offerings (columns) and the cells known.
#[derive(Debug, Default)]
pub struct Map {
    pub units: Vec<(i64, String)>,
    pub offerings: Vec<(i64, String)>,
    pub cells: HashMap<(i64, i64), Cell>,
}

pub async fn load(db: &sqlx::PgPool, account_id: i64) -> sqlx::Result<Map> {
    let units = sqlx::query_as(
        "SELECT id, name FROM account_units WHERE account_id = $1 ORDER BY position, lower(name), id",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let offerings =
        sqlx::query_as("SELECT id, name FROM offerings ORDER BY position, lower(name), id")
            .fetch_all(db)
            .await?;
    let cells: Vec<Cell> = sqlx::query_as(
        "SELECT unit_id, offering_id, served_by, competitor, value, opportunity_id \
         FROM whitespace_cells WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(Map {
        units,
        offerings,
        cells: cells
            .into_iter()
            .map(|c| ((c.unit_id, c.offering_id), c))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "plan/whitespace.html")]
pub struct WhitespacePage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub map: Map,
    /// Which form was refused and what it held; its messages.
    pub posted: Option<(&'static str, Fields)>,
    pub errors: Vec<(&'static str, String)>,
}

impl WhitespacePage {
    pub fn cell(&self, unit: &i64, offering: &i64) -> Option<&Cell> {
        self.map.cells.get(&(*unit, *offering))
    }

    pub fn money(&self, v: &Option<Decimal>) -> String {
        v.map(|v| format::money(self.ui.locale, v))
            .unwrap_or_else(|| "—".into())
    }

    /// The estimated value of the open cells: what there is to win.
    pub fn open_value(&self) -> String {
        let total: Decimal = self
            .map
            .cells
            .values()
            .filter(|c| c.is_open())
            .filter_map(|c| c.value)
            .sum();
        format::money(self.ui.locale, total)
    }

    pub fn val(&self, form: &str, name: &str) -> String {
        match &self.posted {
            Some((f, fields)) if *f == form => fields.get(name),
            _ => String::new(),
        }
    }

    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        match &self.posted {
            Some((f, _)) if *f == form => self
                .errors
                .iter()
                .find(|(k, _)| *k == field)
                .map(|(_, m)| m.as_str()),
            _ => None,
        }
    }
}

async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
) -> AppResult<WhitespacePage> {
    Ok(WhitespacePage {
        map: load(&state.db, account.id).await?,
        ui,
        account,
        can_edit,
        posted: None,
        errors: Vec::new(),
    })
}

/// `GET /accounts/{id}/plan/whitespace`
pub async fn show(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let can_edit = crate::accounts::can_edit(&user, &account);
    render(&page(&state, ui, account, can_edit).await?)
}

/// The page again, 422, with a refused form's input and its messages.
async fn refused(
    state: &AppState,
    ui: Ui,
    account: Account,
    form: &'static str,
    fields: Fields,
    errors: Vec<(&'static str, String)>,
) -> AppResult<Response> {
    let mut p = page(state, ui, account, true).await?;
    p.errors = errors;
    p.posted = Some((form, fields));
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

fn worded(ui: &Ui, errors: Errors) -> Vec<(&'static str, String)> {
    errors.into_iter().map(|(f, k)| (f, ui.t(k))).collect()
}

fn back(account_id: i64) -> Response {
    see_other(&format!("/accounts/{account_id}/plan/whitespace"))
}

fn name(errors: &mut Errors, field: &'static str, s: &str) -> String {
    let t = s.trim().to_owned();
    if t.is_empty() {
        errors.push((field, "field-required"));
    } else if t.chars().count() > NAME_MAX {
        errors.push((field, "whitespace-error-name"));
    }
    t
}

/// A unit or offering chosen in a list: one of `among`.
fn chosen(errors: &mut Errors, field: &'static str, s: &str, among: &[(i64, String)]) -> i64 {
    match s.trim().parse::<i64>() {
        Ok(id) if among.iter().any(|(i, _)| *i == id) => id,
        _ => {
            errors.push((field, "kpi-choose-from-list"));
            0
        }
    }
}

/// Writes one cell (a new one, or over what it said); its opportunity stays.
async fn upsert(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    (unit, offering): (i64, i64),
    served_by: &str,
    competitor: Option<&str>,
    value: Option<Decimal>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO whitespace_cells (account_id, unit_id, offering_id, served_by, competitor, value) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (unit_id, offering_id) DO UPDATE SET served_by = $4, competitor = $5, value = $6",
    )
    .bind(account_id)
    .bind(unit)
    .bind(offering)
    .bind(served_by)
    .bind(competitor)
    .bind(value)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `POST /accounts/{id}/plan/whitespace`: one cell set (who serves it, value).
pub async fn set_cell(
    State(state): State<AppState>,
    EditableAccount { account, .. }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Fields(posted);
    let map = load(&state.db, account.id).await?;
    let mut e: Errors = Vec::new();
    let unit = chosen(&mut e, "unit", &f.get("unit"), &map.units);
    let offering = chosen(&mut e, "offering", &f.get("offering"), &map.offerings);
    let served_by = f.get("served_by");
    if !SERVED_BY.contains(&served_by.as_str()) {
        e.push(("served_by", "kpi-choose-from-list"));
    }
    let competitor = f.get("competitor").trim().to_owned();
    let competitor = if served_by == "competitor" {
        Some(name(&mut e, "competitor", &competitor))
    } else {
        None
    };
    let raw = f
        .get("value")
        .trim()
        .replace([' ', '\u{a0}', '\u{202f}'], "")
        .replace(',', ".");
    let value = if raw.is_empty() {
        None
    } else {
        match raw.parse::<Decimal>() {
            Ok(v) if v >= Decimal::ZERO && v < Decimal::from(1_000_000_000_000i64) => {
                Some(v.round_dp(2))
            }
            _ => {
                e.push(("value", "whitespace-error-value"));
                None
            }
        }
    };
    if !e.is_empty() {
        let errors = worded(&ui, e);
        return refused(&state, ui, account, "cell", f, errors).await;
    }
    let before = map.cells.get(&(unit, offering)).map(|c| {
        serde_json::json!({ "served_by": c.served_by, "competitor": c.competitor, "value": c.value })
    });
    let mut tx = state.db.begin().await?;
    upsert(
        &mut tx,
        account.id,
        (unit, offering),
        &served_by,
        competitor.as_deref(),
        value,
    )
    .await?;
    let mut entry = audit::Entry::new(audit::Action::WhitespaceCellSet)
        .on("whitespace_cell", format!("{unit}:{offering}"))
        .account(Some(account.id))
        .after(serde_json::json!({
            "unit_id": unit, "offering_id": offering, "served_by": served_by,
            "competitor": competitor, "value": value,
        }));
    if let Some(b) = before {
        entry = entry.before(b);
    }
    audit::record(&mut *tx, &ctx.actor(), entry).await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "whitespace-saved").await?;
    Ok(back(account.id))
}

/// `POST /accounts/{id}/plan/whitespace/units` (a unit or site of the client) and
/// `…/offerings` (one of ours, for every account's map): a new row or column.
pub async fn add_unit(
    state: State<AppState>,
    access: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    form: Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    add_axis(state, access, ctx, ui, form, "unit").await
}

pub async fn add_offering(
    state: State<AppState>,
    access: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    form: Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    add_axis(state, access, ctx, ui, form, "offering").await
}

async fn add_axis(
    State(state): State<AppState>,
    EditableAccount { account, .. }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(posted): Form<Vec<(String, String)>>,
    which: &'static str,
) -> AppResult<Response> {
    let f = Fields(posted);
    let mut e: Errors = Vec::new();
    let field = if which == "unit" {
        "unit_name"
    } else {
        "offering_name"
    };
    let n = name(&mut e, field, &f.get(field));
    if e.is_empty() {
        let taken: bool = if which == "unit" {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM account_units WHERE account_id = $1 AND name = $2)",
            )
            .bind(account.id)
            .bind(&n)
            .fetch_one(&state.db)
            .await?
        } else {
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM offerings WHERE name = $1)")
                .bind(&n)
                .fetch_one(&state.db)
                .await?
        };
        if taken {
            e.push((field, "whitespace-error-taken"));
        }
    }
    if !e.is_empty() {
        let errors = worded(&ui, e);
        return refused(&state, ui, account, which, f, errors).await;
    }
    let mut tx = state.db.begin().await?;
    let id: i64 = if which == "unit" {
        sqlx::query_scalar(
            "INSERT INTO account_units (account_id, name, position) \
             SELECT $1, $2, coalesce(max(position), 0) + 1 FROM account_units WHERE account_id = $1 \
             RETURNING id",
        )
        .bind(account.id)
        .bind(&n)
        .fetch_one(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar(
            "INSERT INTO offerings (name, position) SELECT $1, coalesce(max(position), 0) + 1 FROM offerings \
             RETURNING id",
        )
        .bind(&n)
        .fetch_one(&mut *tx)
        .await?
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::WhitespaceAxisAdded)
            .on(
                if which == "unit" {
                    "account_unit"
                } else {
                    "offering"
                },
                id,
            )
            .account(Some(account.id))
            .after(serde_json::json!({ "name": n })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "whitespace-saved").await?;
    Ok(back(account.id))
}

/// A cell about to become an opportunity: who serves it, its value, its
/// opportunity if any, the names of its unit and offering.
type OpenCell = (String, Option<Decimal>, Option<i64>, String, String);

/// `POST /accounts/{id}/plan/whitespace/opportunity`: an open cell becomes an
/// opportunity (its offering and unit for a name, its value), linked to the cell.
pub async fn open_opportunity(
    State(state): State<AppState>,
    EditableAccount { account, .. }: EditableAccount,
    ctx: RequestCtx,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Fields(posted);
    let (Ok(unit), Ok(offering)) = (
        f.get("unit").trim().parse::<i64>(),
        f.get("offering").trim().parse::<i64>(),
    ) else {
        return Err(AppError::Unprocessable("kpi-choose-from-list"));
    };
    let mut tx = state.db.begin().await?;
    let cell: Option<OpenCell> = sqlx::query_as(
        "SELECT c.served_by, c.value, c.opportunity_id, u.name, o.name FROM whitespace_cells c \
         JOIN account_units u ON u.id = c.unit_id JOIN offerings o ON o.id = c.offering_id \
         WHERE c.account_id = $1 AND c.unit_id = $2 AND c.offering_id = $3 FOR UPDATE OF c",
    )
    .bind(account.id)
    .bind(unit)
    .bind(offering)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((served_by, value, existing, unit_name, offering_name)) = cell else {
        return Err(AppError::NotFound);
    };
    if served_by == "us" {
        return Err(AppError::Unprocessable("whitespace-error-served"));
    }
    if existing.is_some() {
        return Err(AppError::Unprocessable("whitespace-error-opened"));
    }
    let title: String = format!("{offering_name} — {unit_name}")
        .chars()
        .take(200)
        .collect();
    let today = Utc::now().date_naive();
    let value = value.unwrap_or(Decimal::ZERO);
    let oid: i64 = sqlx::query_scalar(
        "INSERT INTO opportunities (account_id, name, value, opened_on, outcome) \
         VALUES ($1, $2, $3, $4, 'open') RETURNING id",
    )
    .bind(account.id)
    .bind(&title)
    .bind(value)
    .bind(today)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE whitespace_cells SET opportunity_id = $4 \
         WHERE account_id = $1 AND unit_id = $2 AND offering_id = $3",
    )
    .bind(account.id)
    .bind(unit)
    .bind(offering)
    .bind(oid)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::OpportunityCreated)
            .on("opportunity", oid)
            .account(Some(account.id))
            .after(serde_json::json!({
                "name": title, "value": value, "opened_on": today, "outcome": "open",
                "whitespace": { "unit_id": unit, "offering_id": offering, "served_by": served_by },
            })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        "whitespace-opportunity-opened",
    )
    .await?;
    Ok(back(account.id))
}

/// `GET /accounts/{id}/plan/whitespace.csv`: one line a known cell.
pub async fn csv(
    State(state): State<AppState>,
    VisibleAccount { account, .. }: VisibleAccount,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let map = load(&state.db, account.id).await?;
    let mut csv = Csv::new(&[
        ui.t("whitespace-col-unit"),
        ui.t("whitespace-col-offering"),
        ui.t("whitespace-col-served-by"),
        ui.t("whitespace-col-competitor"),
        ui.t("whitespace-col-value"),
    ])?;
    for (uid, unit) in &map.units {
        for (oid, offering) in &map.offerings {
            if let Some(c) = map.cells.get(&(*uid, *oid)) {
                csv.row(&[
                    unit.clone(),
                    offering.clone(),
                    c.served_by.clone(),
                    c.competitor.clone().unwrap_or_default(),
                    c.value
                        .map(|v| v.normalize().to_string())
                        .unwrap_or_default(),
                ])?;
            }
        }
    }
    csv.finish(&format!("{}-whitespace.csv", account.slug))
}

/// `POST /accounts/{id}/plan/whitespace/import`: the CSV pasted in the form.
/// Every line good, or nothing written and each bad line named.
pub async fn import(
    State(state): State<AppState>,
    EditableAccount { account, .. }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Fields(posted);
    let map = load(&state.db, account.id).await?;
    let names = |v: &[(i64, String)]| v.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>();
    let text = f.get("csv");
    let parsed = if text.trim().is_empty() {
        Err(vec![Refusal {
            line: 1,
            key: "whitespace-csv-empty",
            value: String::new(),
        }])
    } else if text.chars().count() > 200_000 {
        Err(vec![Refusal {
            line: 1,
            key: "whitespace-csv-too-long",
            value: String::new(),
        }])
    } else {
        whitespace_csv::parse(&text, &names(&map.units), &names(&map.offerings))
    };
    let lines = match parsed {
        Ok(l) => l,
        Err(refusals) => {
            let errors = refusals
                .iter()
                .map(|r| {
                    let m = ui.locale.t_args(
                        r.key,
                        &[
                            ("line", (r.line as i64).into()),
                            ("value", r.value.clone().into()),
                        ],
                    );
                    ("csv", m)
                })
                .collect();
            return refused(&state, ui, account, "import", f, errors).await;
        }
    };
    let id_of = |v: &[(i64, String)], n: &str| v.iter().find(|(_, x)| x == n).map(|(i, _)| *i);
    let mut tx = state.db.begin().await?;
    for l in &lines {
        let (Some(unit), Some(offering)) = (
            id_of(&map.units, &l.unit),
            id_of(&map.offerings, &l.offering),
        ) else {
            continue;
        };
        upsert(
            &mut tx,
            account.id,
            (unit, offering),
            &l.served_by,
            l.competitor.as_deref(),
            l.value,
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::WhitespaceImported)
            .on("account", account.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "cells": lines.len() })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "whitespace-imported").await?;
    Ok(back(account.id))
}
