//! The record both sides sign: the KAM freezes the packs (both audiences, PDF +
//! JSON + SHA-256 of the PDF; a second freeze is refused), writes the minutes and
//! the decisions, turns a decision into a plan action (through the plan's own
//! validation and insert); a client user confirms the record — or comments —
//! from the portal (`/portal/reviews/…`: their own account only, frozen client
//! packs only; anything else is 404).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::model;
use super::pack;
use crate::accounts::{self, Account, EditableAccount};
use crate::audit;
use crate::auth::extract::ClientUser;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::plan::check::Fields;
use crate::scorecard::Audience;
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

type Posted = Form<Vec<(String, String)>>;

fn back(account_id: i64, review_id: i64, anchor: &str) -> Response {
    see_other(&format!(
        "/accounts/{account_id}/reviews/{review_id}{anchor}"
    ))
}

/// SHA-256 of the bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Builds, renders and stores both packs of a review in the caller's
/// transaction (the demo freezes its past reviews through here too). `false`
/// when the review was already frozen: nothing is written.
pub async fn freeze_packs(
    db: &sqlx::PgPool,
    tx: &mut sqlx::PgConnection,
    account: &Account,
    review: &super::Review,
    user: std::sync::Arc<User>,
    locale: crate::i18n::Locale,
) -> AppResult<Option<[String; 2]>> {
    let mut hashes = Vec::new();
    for audience in Audience::ALL {
        let p = pack::build(db, account, review, audience, locale, user.clone()).await?;
        let pdf = super::print::render_pdf(p.clone()).await?;
        let sha = sha256_hex(&pdf);
        let written = sqlx::query(
            "INSERT INTO review_packs (review_id, account_id, audience, locale, pack, pdf, sha256, frozen_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(review.id)
        .bind(account.id)
        .bind(audience.code())
        .bind(locale.code())
        .bind(sqlx::types::Json(&p))
        .bind(&pdf)
        .bind(&sha)
        .bind(user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written == 0 {
            return Ok(None);
        }
        hashes.push(sha);
    }
    Ok(Some([hashes[0].clone(), hashes[1].clone()]))
}

/// `POST /accounts/{id}/reviews/{review_id}/freeze`
pub async fn freeze(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let review = super::page::find(&state, account.id, review_id).await?;
    if !super::frozen(&state.db, review.id).await?.is_empty() {
        return Err(AppError::Conflict("review-error-frozen-twice"));
    }
    let mut tx = state.db.begin().await?;
    let Some([internal, client]) =
        freeze_packs(&state.db, &mut tx, &account, &review, user, ui.locale).await?
    else {
        return Err(AppError::Conflict("review-error-frozen-twice"));
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ReviewPackFrozen)
            .on("business_review", review.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "internal_sha256": internal, "client_sha256": client })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-frozen").await?;
    Ok(back(account.id, review.id, "#packs"))
}

/// `POST /accounts/{id}/reviews/{review_id}/minutes`
pub async fn minutes(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let review = super::page::find(&state, account.id, review_id).await?;
    let f = Fields(posted);
    let text = f.get("minutes");
    if text.chars().count() > model::MINUTES_MAX {
        let mut p = super::page::review_page(&state, ui, account, true, review).await?;
        p.errors = vec![("minutes", p.ui.t("plan-error-too-long"))];
        p.minutes = text;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE business_reviews SET minutes = $3 WHERE id = $1 AND account_id = $2")
        .bind(review.id)
        .bind(account.id)
        .bind(text.trim())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ReviewMinutesSaved)
            .on("business_review", review.id)
            .account(Some(account.id))
            .before(serde_json::json!({ "minutes": review.minutes }))
            .after(serde_json::json!({ "minutes": text.trim() })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-saved").await?;
    Ok(back(account.id, review.id, "#minutes"))
}

/// `POST /accounts/{id}/reviews/{review_id}/decisions`: a decision, its owner
/// (a supplier user, a client user or a contact of this account) and due date.
pub async fn add_decision(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let review = super::page::find(&state, account.id, review_id).await?;
    let f = Fields(posted);
    let (body, owner_raw, due_raw) = (f.get("body"), f.get("owner"), f.get("due"));
    let owners: Vec<String> = crate::plan::owner_options(&state.db, account.id)
        .await?
        .into_iter()
        .map(|o| o.value)
        .collect();
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let text = body.trim().to_owned();
    if text.is_empty() {
        errors.push(("body", "field-required"));
    } else if text.chars().count() > model::DECISION_MAX {
        errors.push(("body", "plan-error-too-long"));
    }
    let owner = crate::plan::check::Owner::parse(&owner_raw)
        .filter(|_| owners.iter().any(|o| o == owner_raw.trim()));
    if owner.is_none() {
        errors.push(("owner", "plan-error-owner"));
    }
    let due = chrono::NaiveDate::parse_from_str(due_raw.trim(), "%Y-%m-%d").ok();
    if due.is_none() {
        errors.push(("due", "date-invalid"));
    }
    let (Some(owner), Some(due)) = (owner, due) else {
        return refuse_decision(
            &state,
            ui,
            account,
            review,
            errors,
            (body, owner_raw, due_raw),
        )
        .await;
    };
    if !errors.is_empty() {
        return refuse_decision(
            &state,
            ui,
            account,
            review,
            errors,
            (body, owner_raw, due_raw),
        )
        .await;
    }
    let mut tx = state.db.begin().await?;
    let did: i64 = sqlx::query_scalar(
        "INSERT INTO review_decisions (review_id, account_id, body, owner_user_id, owner_contact_id, due, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(review.id)
    .bind(account.id)
    .bind(&text)
    .bind(owner.user())
    .bind(owner.contact())
    .bind(due)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ReviewDecisionCreated)
            .on("review_decision", did)
            .account(Some(account.id))
            .after(serde_json::json!({ "body": text, "owner": owner_raw.trim(), "due": due })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-decision-saved").await?;
    Ok(back(account.id, review.id, "#decisions"))
}

async fn refuse_decision(
    state: &AppState,
    ui: Ui,
    account: Account,
    review: super::Review,
    errors: Vec<(&'static str, &'static str)>,
    (body, owner, due): (String, String, String),
) -> AppResult<Response> {
    let mut p = super::page::review_page(state, ui, account, true, review).await?;
    p.errors = errors.into_iter().map(|(f, k)| (f, p.ui.t(k))).collect();
    p.decision_form = super::page::DecisionForm { body, owner, due };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// `POST /accounts/{id}/reviews/{review_id}/decisions/{decision_id}/action`:
/// the decision becomes a shared action of the account's open plan, with the
/// decision's owner and due date, validated and written by the plan's own code.
pub async fn to_action(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    Path((_, review_id, decision_id)): Path<(i64, i64, i64)>,
) -> AppResult<Response> {
    let review = super::page::find(&state, account.id, review_id).await?;
    let decision = super::decisions(&state.db, review.id)
        .await?
        .into_iter()
        .find(|d| d.id == decision_id)
        .ok_or(AppError::NotFound)?;
    if decision.action_id.is_some() {
        return Err(AppError::Conflict("review-error-already-action"));
    }
    let plans = crate::plan::plans_of(&state.db, account.id).await?;
    let plan = plans
        .iter()
        .find(|p| p.status != "closed")
        .ok_or(AppError::Unprocessable("review-error-no-plan"))?;
    let today = state.clock.today();
    let title: String = decision.body.chars().take(200).collect();
    let fields = Fields(vec![
        ("title".into(), title),
        ("notes".into(), ctx_note(&ctx, &review)),
        ("owner".into(), decision.owner.clone()),
        ("starts".into(), today.min(decision.due).to_string()),
        ("due".into(), decision.due.to_string()),
        ("shared".into(), "on".into()),
    ]);
    let owners: Vec<String> = crate::plan::owner_options(&state.db, account.id)
        .await?
        .into_iter()
        .map(|o| o.value)
        .collect();
    let input = crate::plan::check::action(&fields, &owners, &[], &[], today)
        .map_err(|e| AppError::Unprocessable(e.first().map(|x| x.1).unwrap_or("field-required")))?;
    let mut tx = state.db.begin().await?;
    let aid = crate::plan::forms::insert_action(
        &mut tx,
        &ctx.actor(),
        account.id,
        plan.id,
        &input,
        user.id,
    )
    .await?;
    let linked = sqlx::query(
        "UPDATE review_decisions SET action_id = $3 WHERE id = $1 AND account_id = $2 AND action_id IS NULL",
    )
    .bind(decision.id)
    .bind(account.id)
    .bind(aid)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if linked == 0 {
        return Err(AppError::Conflict("review-error-already-action"));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ReviewDecisionToAction)
            .on("review_decision", decision.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "plan_action": aid, "plan": plan.id })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-action-created").await?;
    Ok(back(account.id, review.id, "#decisions"))
}

/// The action's note: where it comes from.
fn ctx_note(_ctx: &RequestCtx, review: &super::Review) -> String {
    format!("{} — {}", review.title, review.held_on)
}

// ---------------------------------------------------------------------------
// The portal
// ---------------------------------------------------------------------------

/// The client user's account, if it may read reviews (404 otherwise).
pub(super) async fn client_account(state: &AppState, user: &User) -> AppResult<Account> {
    let id = user.account_id.ok_or(AppError::NotFound)?;
    let account = accounts::find_unchecked(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !authz::client_reads_reviews(account.stage) {
        return Err(AppError::NotFound);
    }
    Ok(account)
}

/// A review of the client's own account with a frozen client pack (404 otherwise:
/// another account's review, a review not frozen, an internal pack).
pub(super) async fn client_review(
    state: &AppState,
    account: &Account,
    review_id: i64,
) -> AppResult<super::Review> {
    let review = super::find(&state.db, account.id, review_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let frozen = super::frozen(&state.db, review.id).await?;
    if !frozen.iter().any(|f| f.audience == "client") {
        return Err(AppError::NotFound);
    }
    Ok(review)
}

#[derive(Template)]
#[template(path = "reviews/portal_list.html")]
pub struct PortalListPage {
    pub ui: Ui,
    pub account: Account,
    pub reviews: Vec<super::Listed>,
}

/// `GET /portal/reviews`: the signed records of the client's account.
pub async fn portal_list(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
) -> AppResult<Response> {
    let account = client_account(&state, &user).await?;
    let reviews = super::list(&state.db, account.id)
        .await?
        .into_iter()
        .filter(|r| r.frozen)
        .collect();
    render(&PortalListPage {
        ui,
        account,
        reviews,
    })
}

#[derive(Template)]
#[template(path = "reviews/portal_review.html")]
pub struct PortalReviewPage {
    pub ui: Ui,
    pub account: Account,
    pub review: super::Review,
    pub pack: pack::Pack,
    pub sha256: String,
    pub decisions: Vec<super::Decision>,
    pub confirmations: Vec<super::Confirmation>,
    pub comment: String,
    pub error: Option<String>,
    pub rating_text: String,
    pub rating_action: String,
}

impl PortalReviewPage {
    pub fn confirmation_text(&self, c: &super::Confirmation) -> String {
        let key = if c.kind == "confirmed" {
            "review-validated-by"
        } else {
            "review-commented-by"
        };
        self.ui.locale.t_args(
            key,
            &[
                ("name", c.name.clone().into()),
                ("date", self.ui.date_of(&c.created_at).into()),
            ],
        )
    }
}

async fn portal_page(
    state: &AppState,
    ui: Ui,
    account: Account,
    review: super::Review,
) -> AppResult<PortalReviewPage> {
    let pack = super::frozen_pack(&state.db, account.id, review.id, "client")
        .await?
        .ok_or(AppError::NotFound)?;
    let sha256 = super::frozen(&state.db, review.id)
        .await?
        .into_iter()
        .find(|f| f.audience == "client")
        .map(|f| f.sha256)
        .unwrap_or_default();
    Ok(PortalReviewPage {
        decisions: super::decisions(&state.db, review.id).await?,
        confirmations: super::confirmations(&state.db, review.id).await?,
        comment: String::new(),
        error: None,
        rating_text: super::page::rating_text(
            &ui,
            &super::rating::ratings(&state.db, review.id).await?,
        ),
        rating_action: format!("/portal/reviews/{}/rating", review.id),
        sha256,
        pack,
        review,
        account,
        ui,
    })
}

/// `GET /portal/reviews/{review_id}`
pub async fn portal_show(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Path(review_id): Path<i64>,
) -> AppResult<Response> {
    let account = client_account(&state, &user).await?;
    let review = client_review(&state, &account, review_id).await?;
    render(&portal_page(&state, ui, account, review).await?)
}

/// `GET /portal/reviews/{review_id}/pack.pdf`: the stored client PDF, as frozen.
pub async fn portal_pdf(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    Path(review_id): Path<i64>,
) -> AppResult<Response> {
    let account = client_account(&state, &user).await?;
    let review = client_review(&state, &account, review_id).await?;
    let bytes = super::frozen_pdf(&state.db, account.id, review.id, "client")
        .await?
        .ok_or(AppError::NotFound)?;
    let name = format!("{}-{}", account.slug, review.held_on);
    Ok(super::print::pdf_response(bytes, &name))
}

/// `POST /portal/reviews/{review_id}/confirm`: `verdict` = confirm | comment.
/// Only the client pack can be confirmed: a form naming another audience is
/// refused with a message.
pub async fn portal_confirm(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(review_id): Path<i64>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let account = client_account(&state, &user).await?;
    let review = client_review(&state, &account, review_id).await?;
    let f = Fields(posted);
    let audience = f.get("audience");
    let verdict = f.get("verdict");
    let comment = f.get("comment").trim().to_owned();
    let error = if !audience.trim().is_empty() && audience.trim() != "client" {
        Some("review-error-internal-pack")
    } else if !matches!(verdict.as_str(), "confirm" | "comment") {
        Some("kpi-choose-from-list")
    } else if verdict == "comment" && comment.is_empty() {
        Some("review-error-comment-required")
    } else if comment.chars().count() > model::COMMENT_MAX {
        Some("plan-error-too-long")
    } else {
        None
    };
    if let Some(key) = error {
        let mut p = portal_page(&state, ui, account, review).await?;
        p.error = Some(p.ui.t(key));
        p.comment = comment;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let kind = if verdict == "confirm" {
        "confirmed"
    } else {
        "commented"
    };
    let mut tx = state.db.begin().await?;
    let cid: i64 = sqlx::query_scalar(
        "INSERT INTO review_confirmations (review_id, account_id, user_id, kind, comment) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(review.id)
    .bind(account.id)
    .bind(user.id)
    .bind(kind)
    .bind(&comment)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(if kind == "confirmed" {
            audit::Action::ReviewConfirmed
        } else {
            audit::Action::ReviewCommented
        })
        .on("business_review", review.id)
        .account(Some(account.id))
        .after(serde_json::json!({ "confirmation": cid, "kind": kind, "comment": comment })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        if kind == "confirmed" {
            "review-confirmed"
        } else {
            "review-commented"
        },
    )
    .await?;
    Ok(see_other(&format!("/portal/reviews/{}", review.id)))
}
