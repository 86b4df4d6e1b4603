//! `/accounts/{id}/weights`: how much each of the five universes counts in the
//! account's balanced score, as percentages adding up to 100.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::accounts::Account;
use crate::accounts::EditableAccount;
use crate::audit;
use crate::domain::Universe;
use crate::error::AppResult;
use crate::i18n::format;
use crate::kpis::{self, check};
use crate::scoring;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

/// Equal weights when the account has none stored.
const EQUAL: f64 = 20.0;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct WeightsForm {
    #[serde(default)]
    pub marketing: String,
    #[serde(default)]
    pub process: String,
    #[serde(default)]
    pub relationship: String,
    #[serde(default)]
    pub logistics: String,
    #[serde(default)]
    pub financial: String,
}

impl WeightsForm {
    fn get(&self, u: Universe) -> &str {
        match u {
            Universe::Marketing => &self.marketing,
            Universe::Process => &self.process,
            Universe::Relationship => &self.relationship,
            Universe::Logistics => &self.logistics,
            Universe::Financial => &self.financial,
        }
    }

    fn set(&mut self, u: Universe, v: String) {
        match u {
            Universe::Marketing => self.marketing = v,
            Universe::Process => self.process = v,
            Universe::Relationship => self.relationship = v,
            Universe::Logistics => self.logistics = v,
            Universe::Financial => self.financial = v,
        }
    }
}

/// The stored weights, one per universe: 20 each when none is stored; a universe
/// missing among stored ones weighs 1, as the scoring counts it.
fn current(stored: &[(Universe, f64)]) -> Vec<(Universe, f64)> {
    Universe::ALL
        .iter()
        .map(|&u| {
            let w = if stored.is_empty() {
                EQUAL
            } else {
                stored
                    .iter()
                    .rev()
                    .find(|(s, _)| *s == u)
                    .map_or(1.0, |(_, w)| *w)
            };
            (u, w)
        })
        .collect()
}

pub struct WeightRow {
    pub code: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "kpis/weights.html")]
pub struct WeightsPage {
    pub ui: Ui,
    pub account: Account,
    pub rows: Vec<WeightRow>,
    pub sum_text: String,
    /// Anchor → message, for the summary.
    pub errors: BTreeMap<String, String>,
    /// The "not 100 %" message, shown on the group.
    pub total_error: Option<String>,
}

fn page(
    ui: Ui,
    account: Account,
    form: &WeightsForm,
    errors: BTreeMap<String, String>,
    total_error: Option<String>,
) -> WeightsPage {
    let sum: f64 = Universe::ALL
        .iter()
        .filter_map(|u| format::parse_number(form.get(*u)))
        .sum();
    let rows = Universe::ALL
        .iter()
        .map(|&u| WeightRow {
            code: u.code(),
            label: ui.t(&u.label_key()),
            value: form.get(u).to_owned(),
            error: errors.get(u.code()).cloned(),
        })
        .collect();
    WeightsPage {
        sum_text: format::number(ui.locale, sum, 2),
        ui,
        account,
        rows,
        errors,
        total_error,
    }
}

/// `GET /accounts/{id}/weights`.
pub async fn weights_page(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let id = account.id;
    let stored = kpis::universe_weights(&state.db, id).await?;
    let mut form = WeightsForm::default();
    for (u, w) in current(&stored) {
        form.set(u, check::input_number(ui.locale, w));
    }
    render(&page(ui, account, &form, BTreeMap::new(), None))
}

#[derive(Debug, Serialize)]
struct WeightsRecord(BTreeMap<&'static str, Decimal>);

/// `POST /accounts/{id}/weights`: replaces the five weights at once.
pub async fn save(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<WeightsForm>,
) -> AppResult<Response> {
    let id = account.id;
    let mut errors = BTreeMap::new();
    let mut weights = Vec::new();
    for &u in Universe::ALL {
        let input = form.get(u);
        match format::parse_number(input) {
            _ if input.trim().is_empty() => {
                errors.insert(u.code().to_owned(), ui.t("field-required"));
            }
            None => {
                errors.insert(u.code().to_owned(), ui.t("value-not-a-number"));
            }
            Some(w) => {
                if scoring::check_universe_weights(&[(u, w)]) == Err("weight-out-of-range") {
                    errors.insert(u.code().to_owned(), ui.t("weight-out-of-range"));
                }
                weights.push((u, w));
            }
        }
    }
    let mut total_error = None;
    if errors.is_empty()
        && let Err(key) = scoring::check_universe_weights(&weights)
    {
        let sum: f64 = weights.iter().map(|(_, w)| w).sum();
        let message = ui
            .locale
            .t_args(key, &[("sum", format::number(ui.locale, sum, 2).into())]);
        errors.insert("weights".to_owned(), message.clone());
        total_error = Some(message);
    }
    if !errors.is_empty() {
        let p = page(ui, account, &form, errors, total_error);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }

    let after = WeightsRecord(
        weights
            .iter()
            .map(|(u, w)| (u.code(), check::decimal(*w)))
            .collect(),
    );
    let mut tx = state.db.begin().await?;
    let before: Vec<(Universe, Decimal)> = sqlx::query_as(
        "SELECT universe, weight FROM universe_weights WHERE account_id = $1 ORDER BY universe FOR UPDATE",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM universe_weights WHERE account_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for (u, w) in &after.0 {
        sqlx::query(
            "INSERT INTO universe_weights (account_id, universe, weight) VALUES ($1, $2::universe, $3)",
        )
        .bind(id)
        .bind(*u)
        .bind(*w)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::UniverseWeightsUpdated)
            .on("account", id)
            .account(Some(id))
            .before(WeightsRecord(
                before.into_iter().map(|(u, w)| (u.code(), w)).collect(),
            ))
            .after(&after),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "weights-saved").await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_stored_weights_reads_as_equal() {
        assert!(current(&[]).iter().all(|(_, w)| *w == EQUAL));
        let partial = current(&[(Universe::Financial, 40.0)]);
        assert_eq!(partial[4], (Universe::Financial, 40.0));
        assert_eq!(partial[0], (Universe::Marketing, 1.0));
    }
}
