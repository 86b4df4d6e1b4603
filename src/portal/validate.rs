//! The client's next step on `/portal`: the values that wait for their validation,
//! listed with a checkbox each, and `POST /portal/validate` that validates the ones
//! ticked — all or nothing, in one transaction, one audit row per value.
//!
//! "Awaiting" means what the staff queue (`/evaluations`) means: the latest value of
//! a shared KPI that the client has not validated or contested yet. Every query is
//! limited in SQL to the session's account and to shared KPIs.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use sqlx::PgExecutor;

use crate::audit;
use crate::auth::extract::ClientUser;
use crate::domain::{Frequency, Unit};
use crate::error::{AppError, AppResult};
use crate::evaluation::rules::{self, Action, Side, Status};
use crate::i18n::Locale;
use crate::kpis::units;
use crate::period::Period;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, see_other};

/// The most values one submit may validate (a scorecard holds a few dozen KPIs).
const MAX_AT_ONCE: usize = 500;

#[derive(sqlx::FromRow)]
struct Row {
    value_id: i64,
    kpi_id: i64,
    name_fr: String,
    name_en: String,
    unit: Unit,
    frequency: Frequency,
    period: NaiveDate,
    value: f64,
}

/// One value awaiting the client's word, as the portal lists it.
pub struct AwaitingItem {
    pub value_id: i64,
    pub kpi_id: i64,
    pub kpi_name: String,
    pub period_code: String,
    pub period_label: String,
    pub value_text: String,
    /// Ticked when the page is shown again after a refused submit.
    pub checked: bool,
}

/// What the portal page shows of the client's next step.
pub struct NextStep {
    pub items: Vec<AwaitingItem>,
    /// "N values await your validation", in the user's language.
    pub summary: String,
    /// The client may validate at this stage; false in the KAM's preview too.
    pub can_validate: bool,
    pub preview: bool,
    pub error: Option<String>,
}

/// The latest value of each shared KPI of `account_id` that awaits the client.
async fn awaiting(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT v.id AS value_id, k.id AS kpi_id, k.name_fr, k.name_en, k.unit, k.frequency, \
                v.period, v.value::float8 AS value \
         FROM account_kpis k \
         JOIN kpi_values v ON v.account_kpi_id = k.id \
         WHERE k.account_id = $1 AND k.visibility <> 'internal' AND v.validation = 'awaiting' \
           AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) \
         ORDER BY k.universe, k.position, k.id",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Builds the portal's "values awaiting your validation" block.
pub async fn next_step(
    db: &sqlx::PgPool,
    ui: &Ui,
    account_id: i64,
    stage: i16,
    preview: bool,
    checked: &[i64],
    error: Option<String>,
) -> AppResult<NextStep> {
    let rows = awaiting(db, account_id).await?;
    let items: Vec<AwaitingItem> = rows
        .into_iter()
        .map(|r| {
            let period = Period::from_start(r.frequency, r.period);
            AwaitingItem {
                value_id: r.value_id,
                kpi_id: r.kpi_id,
                kpi_name: if ui.locale == Locale::Fr {
                    r.name_fr
                } else {
                    r.name_en
                },
                period_code: period.map(|p| p.code()).unwrap_or_default(),
                period_label: period.map(|p| p.label(ui.locale)).unwrap_or_default(),
                value_text: units::display(r.unit, r.value, ui.locale),
                checked: checked.contains(&r.value_id),
            }
        })
        .collect();
    let summary = ui.locale.t_args(
        "portal-awaiting-summary",
        &[("count", FluentValue::from(items.len()))],
    );
    Ok(NextStep {
        summary,
        items,
        can_validate: crate::sharing::client_can_validate(stage) && !preview,
        preview,
        error,
    })
}

/// The ticked value ids: every `value` field of the form, nothing else read.
fn chosen(fields: &[(String, String)]) -> Result<Vec<i64>, &'static str> {
    let mut ids = Vec::new();
    for (k, v) in fields {
        if k != "value" {
            continue;
        }
        let id: i64 = v.trim().parse().map_err(|_| "portal-validate-none")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err("portal-validate-none");
    }
    if ids.len() > MAX_AT_ONCE {
        return Err("portal-validate-too-many");
    }
    Ok(ids)
}

#[derive(sqlx::FromRow)]
struct Locked {
    value_id: i64,
    kpi_id: i64,
    period: NaiveDate,
    validation: Status,
    latest: bool,
}

/// `POST /portal/validate`: validates every ticked value, or none.
pub async fn validate(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let account_id = user.account_id.ok_or(AppError::NotFound)?;
    let account = crate::accounts::find_unchecked(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !crate::sharing::client_can_validate(account.stage) {
        return Err(AppError::Forbidden);
    }
    let ticked: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "value")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    let ids = match chosen(&fields) {
        Ok(ids) => ids,
        Err(key) => return super::refused(&state, ui, account, &ticked, key).await,
    };
    let mut tx = state.db.begin().await?;
    // Scoped to the session's account and to shared KPIs: another account's value
    // is simply not found here.
    let locked: Vec<Locked> = sqlx::query_as(
        "SELECT v.id AS value_id, k.id AS kpi_id, v.period, v.validation, \
                v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) AS latest \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE v.id = ANY($1) AND k.account_id = $2 AND k.visibility <> 'internal' \
         ORDER BY v.id FOR UPDATE OF v",
    )
    .bind(&ids)
    .bind(account_id)
    .fetch_all(&mut *tx)
    .await?;
    if locked.len() != ids.len() {
        // Something not theirs (or not shared): refused, nothing written.
        return Err(AppError::NotFound);
    }
    if locked
        .iter()
        .any(|l| l.validation != Status::Awaiting || !l.latest)
    {
        tx.rollback().await?;
        return super::refused(&state, ui, account, &ticked, "portal-validate-stale").await;
    }
    for l in &locked {
        let next = rules::next(
            account.stage,
            l.validation,
            Side::Client,
            Action::Validate,
            false,
            false,
        )
        .map_err(AppError::Unprocessable)?;
        sqlx::query(
            "INSERT INTO value_messages (value_id, author_id, side, kind, body) \
             VALUES ($1, $2, 'client', $3, '')",
        )
        .bind(l.value_id)
        .bind(user.id)
        .bind(Action::Validate.kind())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE kpi_values SET validation = $2, validation_at = now(), validation_by = $3 WHERE id = $1",
        )
        .bind(l.value_id)
        .bind(next)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::KpiValueValidated)
                .on("kpi_value", format!("{}:{}", l.kpi_id, l.period))
                .account(Some(account_id))
                .before(serde_json::json!({ "validation": l.validation }))
                .after(serde_json::json!({
                    "validation": next, "side": Side::Client.code(), "body": "", "bulk": true,
                })),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    let text = ui.locale.t_args(
        "portal-validated-count",
        &[("count", FluentValue::from(locked.len()))],
    );
    flash::push_text(&ctx.session, flash::Kind::Success, &text).await?;
    Ok(see_other("/portal#to-validate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_every_ticked_value_once() {
        assert_eq!(
            chosen(&f(&[
                ("value", "3"),
                ("_csrf", "x"),
                ("value", "5"),
                ("value", "3")
            ])),
            Ok(vec![3, 5])
        );
        assert_eq!(chosen(&f(&[("_csrf", "x")])), Err("portal-validate-none"));
        assert_eq!(chosen(&f(&[("value", "abc")])), Err("portal-validate-none"));
    }
}
