//! Rating a review: each participant, on either side, rates the meeting on four
//! criteria (1–5). The average of all ratings of a review is the value, for the
//! review's quarter, of the library KPI `review_rating` when the account has it
//! on its scorecard — written through `values::save`, the path every value
//! takes (history, audit, locks, the scorecard state).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use crate::accounts::{Account, VisibleAccount};
use crate::audit;
use crate::auth::extract::ClientUser;
use crate::error::{AppError, AppResult};
use crate::plan::check::{Errors, Fields};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::{flash, see_other};

/// The four criteria, in the form's order.
pub const CRITERIA: [&str; 4] = ["preparation", "relevance", "decisions", "follow_up"];

/// The KPI of the library the ratings feed.
pub const KPI_CODE: &str = "review_rating";

/// Each criterion a whole number from 1 to 5.
pub fn check(f: &Fields) -> Result<[i16; 4], Errors> {
    let mut e: Errors = Vec::new();
    let mut out = [0i16; 4];
    for (i, c) in CRITERIA.iter().enumerate() {
        match f.get(c).trim().parse::<i16>() {
            Ok(v) if (1..=5).contains(&v) => out[i] = v,
            _ => e.push((*c, "review-error-rating")),
        }
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// The mean of every criterion of every rating, two decimals.
pub fn average(ratings: &[[i16; 4]]) -> Option<f64> {
    if ratings.is_empty() {
        return None;
    }
    let sum: i64 = ratings.iter().flatten().map(|v| i64::from(*v)).sum();
    let mean = sum as f64 / (ratings.len() * 4) as f64;
    Some((mean * 100.0).round() / 100.0)
}

/// The ratings of a review so far.
pub async fn ratings(db: impl sqlx::PgExecutor<'_>, review_id: i64) -> sqlx::Result<Vec<[i16; 4]>> {
    let rows: Vec<(i16, i16, i16, i16)> = sqlx::query_as(
        "SELECT preparation, relevance, decisions, follow_up FROM review_ratings WHERE review_id = $1",
    )
    .bind(review_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| [r.0, r.1, r.2, r.3]).collect())
}

async fn save(
    state: &AppState,
    ctx: &RequestCtx,
    account: &Account,
    review: &super::Review,
    user_id: i64,
    side: &str,
    scores: [i16; 4],
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO review_ratings (review_id, account_id, user_id, side, preparation, relevance, decisions, follow_up) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (review_id, user_id) DO UPDATE SET preparation = $5, relevance = $6, decisions = $7, follow_up = $8",
    )
    .bind(review.id)
    .bind(account.id)
    .bind(user_id)
    .bind(side)
    .bind(scores[0])
    .bind(scores[1])
    .bind(scores[2])
    .bind(scores[3])
    .execute(&mut *tx)
    .await?;
    let mean = average(&ratings(&mut *tx, review.id).await?);
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ReviewRated)
            .on("business_review", review.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "side": side, "scores": scores, "average": mean })),
    )
    .await?;
    let kpi = crate::kpis::for_account(&mut *tx, account.id)
        .await?
        .into_iter()
        .find(|k| k.code == KPI_CODE);
    if let (Some(kpi), Some(mean)) = (kpi, mean.and_then(Decimal::from_f64)) {
        let period = crate::period::Period::containing(kpi.frequency, review.held_on).start;
        let saved = crate::values::save(
            &mut tx,
            &kpi,
            &crate::values::NewValue {
                period,
                value: mean.round_dp(2),
                comment: &review.title,
                source: "voc",
                expected_version: None,
                check_version: false,
            },
            &ctx.actor(),
        )
        .await?;
        if matches!(saved, crate::values::Saved::Locked) {
            return Err(AppError::Unprocessable("review-error-rating-locked"));
        }
    }
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-rated").await?;
    Ok(())
}

/// `POST /accounts/{id}/reviews/{review_id}/rating`: a staff member's rating.
pub async fn staff(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ctx: RequestCtx,
    Path((_, review_id)): Path<(i64, i64)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let review = super::page::find(&state, account.id, review_id).await?;
    let scores = check(&Fields(posted)).map_err(|e| AppError::Unprocessable(e[0].1))?;
    save(&state, &ctx, &account, &review, user.id, "supplier", scores).await?;
    Ok(see_other(&format!(
        "/accounts/{}/reviews/{}#rating",
        account.id, review.id
    )))
}

/// `POST /portal/reviews/{review_id}/rating`: the client user's rating of a
/// review of their account whose record is frozen (404 otherwise).
pub async fn client(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    Path(review_id): Path<i64>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let account = super::record::client_account(&state, &user).await?;
    let review = super::record::client_review(&state, &account, review_id).await?;
    let scores = check(&Fields(posted)).map_err(|e| AppError::Unprocessable(e[0].1))?;
    save(&state, &ctx, &account, &review, user.id, "client", scores).await?;
    Ok(see_other(&format!("/portal/reviews/{}#rating", review.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_of_all_criteria() {
        assert_eq!(average(&[]), None);
        assert_eq!(average(&[[5, 4, 4, 3]]), Some(4.0));
        assert_eq!(average(&[[5, 5, 5, 5], [3, 4, 4, 3]]), Some(4.25));
        let f = Fields(vec![
            ("preparation".into(), "5".into()),
            ("relevance".into(), "6".into()),
            ("decisions".into(), "x".into()),
            ("follow_up".into(), "1".into()),
        ]);
        let e = check(&f).unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
