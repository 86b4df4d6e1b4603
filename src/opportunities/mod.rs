//! `/accounts/{id}/opportunities`: the minimal records the director's capabilities
//! read — opportunities (won, lost, open; joint innovation or not) and business
//! reviews — entered by the account's team.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::accounts::EditableAccount;
use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

crate::domain::vocab!(
    /// Where an opportunity stands; won and lost ones have a closing date.
    Outcome, [], {
        Open => "open",
        Won => "won",
        Lost => "lost",
    }
);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpportunityRow {
    pub id: i64,
    pub name: String,
    pub value: Decimal,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: String,
    pub innovation: bool,
}

impl OpportunityRow {
    /// The message key naming the outcome (the database only holds known codes).
    pub fn outcome_key(&self) -> String {
        Outcome::parse(&self.outcome)
            .unwrap_or(Outcome::Open)
            .label_key()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub held_on: NaiveDate,
    pub title: String,
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpportunityForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub opened_on: String,
    #[serde(default)]
    pub closed_on: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub innovation: String,
    /// The one-use token of the rendered form (see `web::once`).
    #[serde(default, rename = "_once")]
    pub once: String,
}

#[derive(Template)]
#[template(path = "opportunities/page.html")]
pub struct OpportunitiesPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub opportunities: Vec<(OpportunityRow, String)>,
    pub reviews: Vec<ReviewRow>,
    pub form: OpportunityForm,
    pub errors: Vec<(&'static str, String)>,
}

impl OpportunitiesPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
) -> AppResult<OpportunitiesPage> {
    let rows: Vec<OpportunityRow> = sqlx::query_as(
        "SELECT id, name, value, opened_on, closed_on, outcome, innovation FROM opportunities \
         WHERE account_id = $1 ORDER BY opened_on DESC, id DESC",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(
        "SELECT held_on, title, notes FROM business_reviews WHERE account_id = $1 AND held_on <= current_date ORDER BY held_on DESC",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let locale = ui.locale;
    Ok(OpportunitiesPage {
        opportunities: rows
            .into_iter()
            .map(|r| {
                let v = format::money(locale, r.value);
                (r, v)
            })
            .collect(),
        reviews,
        form: OpportunityForm {
            outcome: "open".into(),
            ..OpportunityForm::default()
        },
        errors: Vec::new(),
        can_edit,
        account,
        ui,
    })
}

/// `GET /accounts/{id}/opportunities`
pub async fn show(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    let can_edit = accounts::can_edit(&user, &account);
    render(&page(&state, ui, account, can_edit).await?)
}

#[derive(Debug, Serialize)]
struct Checked {
    name: String,
    value: Decimal,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    outcome: String,
    innovation: bool,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn check(
    f: &OpportunityForm,
    today: NaiveDate,
) -> Result<Checked, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let name = f.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(("name", "field-required"));
    }
    let value = match format::parse_number(&f.value) {
        Some(v) if (0.0..1e12).contains(&v) => Decimal::from_f64_retain(v).map(|d| d.round_dp(2)),
        Some(_) => {
            errors.push(("value", "value-out-of-range"));
            None
        }
        None => {
            errors.push(("value", "value-not-a-number"));
            None
        }
    };
    let opened = date(&f.opened_on).filter(|d| *d <= today);
    if opened.is_none() {
        errors.push(("opened_on", "date-invalid"));
    }
    if Outcome::parse(&f.outcome).is_none() {
        errors.push(("outcome", "kpi-choose-from-list"));
    }
    let closed = if f.outcome == "open" {
        None
    } else {
        match date(&f.closed_on) {
            Some(c) if opened.is_some_and(|o| c >= o) && c <= today => Some(c),
            _ => {
                errors.push(("closed_on", "opportunity-closed-date"));
                None
            }
        }
    };
    match (value, opened) {
        (Some(value), Some(opened_on)) if errors.is_empty() => Ok(Checked {
            name,
            value,
            opened_on,
            closed_on: closed,
            outcome: f.outcome.clone(),
            innovation: f.innovation == "on",
        }),
        _ => Err(errors),
    }
}

/// `POST /accounts/{id}/opportunities`
pub async fn create(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<OpportunityForm>,
) -> AppResult<Response> {
    let id = account.id;
    let checked = match check(&form, chrono::Utc::now().date_naive()) {
        Ok(c) => c,
        Err(errors) => {
            let mut p = page(&state, ui, account, true).await?;
            p.errors = errors.into_iter().map(|(f, k)| (f, p.ui.t(k))).collect();
            p.form = form;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    let back = format!("/accounts/{id}/opportunities");
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &form.once, Some(user.id), &back).await?
    {
        return crate::web::once::already_saved(&ctx.session, &outcome).await;
    }
    let oid: i64 = sqlx::query_scalar(
        "INSERT INTO opportunities (account_id, name, value, opened_on, closed_on, outcome, innovation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id)
    .bind(&checked.name)
    .bind(checked.value)
    .bind(checked.opened_on)
    .bind(checked.closed_on)
    .bind(&checked.outcome)
    .bind(checked.innovation)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::OpportunityCreated)
            .on("opportunity", oid)
            .account(Some(id))
            .after(&checked),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "opportunity-saved").await?;
    Ok(see_other(&format!("/accounts/{id}/opportunities")))
}

#[derive(Debug, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    outcome: String,
}

/// `POST /accounts/{id}/opportunities/{opportunity_id}`: closes an open one, today.
pub async fn close(
    State(state): State<AppState>,
    EditableAccount { user: _, .. }: EditableAccount,
    ctx: RequestCtx,
    Path((id, opportunity_id)): Path<(i64, i64)>,
    Form(form): Form<CloseForm>,
) -> AppResult<Response> {
    if !matches!(
        Outcome::parse(&form.outcome),
        Some(Outcome::Won | Outcome::Lost)
    ) {
        return Err(AppError::Unprocessable("kpi-choose-from-list"));
    }
    let mut tx = state.db.begin().await?;
    let closed = sqlx::query(
        "UPDATE opportunities SET outcome = $3, closed_on = greatest(current_date, opened_on) \
         WHERE id = $1 AND account_id = $2 AND outcome = 'open'",
    )
    .bind(opportunity_id)
    .bind(id)
    .bind(&form.outcome)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if closed == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::OpportunityClosed)
            .on("opportunity", opportunity_id)
            .account(Some(id))
            .before(serde_json::json!({ "outcome": "open" }))
            .after(serde_json::json!({ "outcome": form.outcome })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "opportunity-saved").await?;
    Ok(see_other(&format!("/accounts/{id}/opportunities")))
}
