//! `/selection/accounts/{id}`: rating an account on the qualitative criteria
//! (1–5). Quantitative criteria take the account's latest KPI value, kept with the
//! rating. One version per account and day, written in one transaction.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::accounts::Account;
use crate::accounts::EditableAccount;
use crate::audit;
use crate::director::matrix::{self, Axis, Source};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

use super::data::{self, StoredCriterion};

pub struct FieldView {
    pub id: i64,
    pub axis: String,
    pub name: String,
    pub weight: u32,
    /// Rating criteria: the typed value; KPI criteria: the value shown.
    pub value: String,
    pub kpi: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "selection/rating.html")]
pub struct RatingPage {
    pub ui: Ui,
    pub account: Account,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub last_rated: Option<String>,
}

async fn build(
    state: &AppState,
    ui: Ui,
    account: Account,
    typed: Option<&HashMap<String, String>>,
    errors: HashMap<i64, String>,
) -> AppResult<RatingPage> {
    let criteria = data::criteria(&state.db).await?;
    let codes: Vec<String> = criteria.iter().filter_map(|c| c.kpi_code.clone()).collect();
    let kpis = data::kpi_values(&state.db, account.id, &codes).await?;
    let versions = data::latest_versions(&state.db, &[account.id]).await?;
    let latest = versions.get(&account.id).and_then(|v| v.first());
    let fields = criteria
        .iter()
        .map(|c: &StoredCriterion| {
            let id = c.criterion.id;
            let value = match &c.kpi_code {
                Some(code) => kpis
                    .get(code)
                    .map(|v| ui.num(*v, 2))
                    .unwrap_or_else(|| "—".into()),
                None => match typed {
                    Some(t) => t.get(&format!("r{id}")).cloned().unwrap_or_default(),
                    None => latest
                        .and_then(|v| v.inputs.get(&id))
                        .map(|v| format!("{v:.0}"))
                        .unwrap_or_default(),
                },
            };
            FieldView {
                id,
                axis: ui.t(&format!("axis-{}", c.criterion.axis.code())),
                name: c.criterion.name.clone(),
                weight: c.criterion.weight,
                value,
                kpi: c.kpi_code.clone(),
                error: errors.get(&id).cloned(),
            }
        })
        .collect();
    let last_rated = latest.map(|v| ui.date(&v.rated_on));
    let mut msgs: Vec<String> = errors.into_values().collect();
    msgs.sort();
    msgs.dedup();
    Ok(RatingPage {
        ui,
        account,
        fields,
        errors: msgs,
        last_rated,
    })
}

pub async fn form_page(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    let p = build(&state, ui, account, None, HashMap::new()).await?;
    render(&p)
}

pub async fn save(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = account.id;
    let typed: HashMap<String, String> = fields
        .into_iter()
        .map(|(k, v)| (k, v.trim().to_owned()))
        .collect();
    let criteria = data::criteria(&state.db).await?;
    let mut ratings: Vec<(i64, i16)> = Vec::new();
    let mut errors: HashMap<i64, String> = HashMap::new();
    for c in criteria
        .iter()
        .filter(|c| c.criterion.source == Source::Rating)
    {
        let id = c.criterion.id;
        let raw = typed
            .get(&format!("r{id}"))
            .map(String::as_str)
            .unwrap_or("");
        match raw.parse::<i32>() {
            Ok(r) if matrix::rating_valid(r) => ratings.push((id, r as i16)),
            _ => {
                errors.insert(
                    id,
                    ui.locale.t_args(
                        "rating-error-range",
                        &[("name", c.criterion.name.clone().into())],
                    ),
                );
            }
        }
    }
    if criteria.is_empty() {
        errors.insert(0, ui.t("rating-error-no-criteria"));
    }
    if !errors.is_empty() {
        let p = build(&state, ui, account, Some(&typed), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let codes: Vec<String> = criteria.iter().filter_map(|c| c.kpi_code.clone()).collect();
    let mut tx = state.db.begin().await?;
    let kpis = data::kpi_values(&mut *tx, id, &codes).await?;
    let rating_id: i64 = sqlx::query_scalar(
        "INSERT INTO selection_ratings (account_id, rated_on, rated_by) VALUES ($1, current_date, $2) \
         ON CONFLICT (account_id, rated_on) DO UPDATE SET rated_by = EXCLUDED.rated_by RETURNING id",
    )
    .bind(id)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM selection_scores WHERE rating_id = $1")
        .bind(rating_id)
        .execute(&mut *tx)
        .await?;
    for (cid, r) in &ratings {
        sqlx::query(
            "INSERT INTO selection_scores (rating_id, criterion_id, rating) VALUES ($1, $2, $3)",
        )
        .bind(rating_id)
        .bind(cid)
        .bind(r)
        .execute(&mut *tx)
        .await?;
    }
    let mut snap = Vec::new();
    for c in &criteria {
        if let Some(v) = c.kpi_code.as_ref().and_then(|code| kpis.get(code)) {
            sqlx::query(
                "INSERT INTO selection_scores (rating_id, criterion_id, kpi_value) VALUES ($1, $2, $3::float8::numeric)",
            )
            .bind(rating_id)
            .bind(c.criterion.id)
            .bind(*v)
            .execute(&mut *tx)
            .await?;
            snap.push((c.criterion.id, *v));
        }
    }
    let inputs: HashMap<i64, f64> = ratings
        .iter()
        .map(|(c, r)| (*c, f64::from(*r)))
        .chain(snap.iter().copied())
        .collect();
    let plain: Vec<_> = criteria.iter().map(|c| c.criterion.clone()).collect();
    let scores = (
        matrix::axis_score(&plain, &inputs, Axis::Attractiveness).map(|s| s.score),
        matrix::axis_score(&plain, &inputs, Axis::Strength).map(|s| s.score),
    );
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SelectionAccountRated)
            .on("account", id)
            .account(Some(id))
            .after(serde_json::json!({ "ratings": ratings, "kpi_values": snap, "scores": scores })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "rating-saved").await?;
    Ok(see_other("/selection"))
}
