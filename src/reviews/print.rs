//! The pack for staff: `/accounts/{id}/reviews/{review_id}/pack?audience=…` (a
//! printable page, A4 landscape print stylesheet) and `…/pack.pdf?audience=…`
//! (the PDF). Once frozen, both read the stored pack — the page its JSON, the
//! PDF its very bytes — so later value changes never alter them.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pack::{self, Pack};
use super::{Frozen, Review};
use crate::accounts::{Account, VisibleAccount};
use crate::error::{AppError, AppResult};
use crate::scorecard::Audience;
use crate::state::AppState;
use crate::users::User;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Debug, Deserialize, Default)]
pub struct AudienceQuery {
    pub audience: Option<String>,
}

/// `?audience=internal|client` (internal when absent); anything else is refused.
pub fn audience_of(q: &AudienceQuery) -> AppResult<Audience> {
    match q
        .audience
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(Audience::Internal),
        Some(a) => pack::audience(a).ok_or(AppError::Unprocessable("review-error-audience")),
    }
}

#[derive(Template)]
#[template(path = "reviews/pack.html")]
pub struct PackPage {
    pub ui: Ui,
    pub account: Account,
    pub review: Review,
    pub pack: Pack,
    pub chart: String,
    pub frozen: Option<Frozen>,
    pub pdf_href: String,
    pub back_href: String,
}

/// The pack of a review for an audience: the stored one once frozen, else built now.
pub async fn pack_of(
    state: &AppState,
    account: &Account,
    review: &Review,
    audience: Audience,
    ui: &Ui,
    user: Arc<User>,
) -> AppResult<(Pack, Option<Frozen>)> {
    let frozen = super::frozen(&state.db, review.id)
        .await?
        .into_iter()
        .find(|f| f.audience == audience.code());
    if frozen.is_some()
        && let Some(p) =
            super::frozen_pack(&state.db, account.id, review.id, audience.code()).await?
    {
        return Ok((p, frozen));
    }
    let p = pack::build(&state.db, account, review, audience, ui.locale, user).await?;
    Ok((p, None))
}

/// `GET /accounts/{id}/reviews/{review_id}/pack`
pub async fn page(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
    Query(q): Query<AudienceQuery>,
) -> AppResult<Response> {
    let audience = audience_of(&q)?;
    let review = super::page::find(&state, account.id, review_id).await?;
    let (pack, frozen) = pack_of(&state, &account, &review, audience, &ui, user).await?;
    let base = format!("/accounts/{}/reviews/{}", account.id, review.id);
    render(&PackPage {
        chart: super::pdf::chart(&pack, "pack-chart-caption"),
        pdf_href: format!("{base}/pack.pdf?audience={}", audience.code()),
        back_href: base,
        pack,
        frozen,
        review,
        account,
        ui,
    })
}

/// A PDF answer, shown in the browser, named after the review.
pub fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{safe}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Renders a pack to PDF off the async threads (typst's layout is CPU work).
pub async fn render_pdf(pack: Pack) -> AppResult<Vec<u8>> {
    if !super::pdf::AVAILABLE {
        return Err(AppError::Unprocessable("review-error-no-pdf"));
    }
    tokio::task::spawn_blocking(move || super::pdf::render(&pack))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// `GET /accounts/{id}/reviews/{review_id}/pack.pdf`
pub async fn pdf(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
    Query(q): Query<AudienceQuery>,
) -> AppResult<Response> {
    let audience = audience_of(&q)?;
    let review = super::page::find(&state, account.id, review_id).await?;
    let name = format!("{}-{}-{}", account.slug, review.held_on, audience.code());
    if let Some(bytes) =
        super::frozen_pdf(&state.db, account.id, review.id, audience.code()).await?
    {
        return Ok(pdf_response(bytes, &name));
    }
    let p = pack::build(&state.db, &account, &review, audience, ui.locale, user).await?;
    Ok(pdf_response(render_pdf(p).await?, &name))
}
