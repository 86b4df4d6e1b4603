//! `/accounts/{id}/reviews` (the list and the form of a new review, its date and
//! period proposed by the client's fiscal calendar) and
//! `/accounts/{id}/reviews/{review_id}` (the review: its form while not frozen,
//! its packs, the record — minutes, decisions, the client's confirmation).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use super::model::{self, ReviewInput, ReviewKind};
use super::{Confirmation, Decision, Frozen, Listed, Person, Review};
use crate::accounts::{self, Account, EditableAccount, VisibleAccount};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::plan::check::Fields;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

type Posted = Form<Vec<(String, String)>>;

#[derive(Template)]
#[template(path = "reviews/list.html")]
pub struct ListPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub reviews: Vec<Listed>,
    pub options: Vec<Person>,
    pub form: ReviewInput,
    pub errors: Vec<(&'static str, String)>,
    pub today: NaiveDate,
}

impl ListPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn kinds(&self) -> &'static [ReviewKind] {
        ReviewKind::ALL
    }

    pub fn kind_label(&self, code: &str) -> String {
        self.ui.t(&ReviewKind::parse(code)
            .unwrap_or(ReviewKind::Qbr)
            .label_key())
    }

    pub fn role(&self, p: &Person) -> String {
        if p.side == "supplier" {
            super::pack::role_label(self.ui.locale, &p.role)
        } else {
            p.role.clone()
        }
    }

    pub fn period(&self, r: &Listed) -> String {
        match (r.period_start, r.period_end) {
            (Some(s), Some(e)) => format!("{} – {}", self.ui.date(&s), self.ui.date(&e)),
            _ => "—".into(),
        }
    }

    /// "Validated by X on date", "frozen, awaiting the client" or "not frozen".
    pub fn record(&self, r: &Listed) -> String {
        match (&r.confirmed_by, &r.confirmed_at) {
            (Some(n), Some(at)) => self.ui.locale.t_args(
                "review-validated-by",
                &[
                    ("name", n.clone().into()),
                    ("date", self.ui.date_of(at).into()),
                ],
            ),
            _ if r.frozen => self.ui.t("review-frozen-awaiting"),
            _ => self.ui.t("review-not-frozen"),
        }
    }
}

/// The form of a new review, proposed by the calendar: the next quarterly
/// review two weeks after the fiscal quarter ends, with the usual agenda.
async fn proposal(state: &AppState, ui: &Ui, account: &Account) -> AppResult<ReviewInput> {
    let month: i16 = sqlx::query_scalar("SELECT fiscal_start_month FROM accounts WHERE id = $1")
        .bind(account.id)
        .fetch_one(&state.db)
        .await?;
    let (date, start, end) = model::proposed(state.clock.today(), month as u32, ReviewKind::Qbr);
    let quarter = crate::period::Period::containing(crate::domain::Frequency::Quarterly, start);
    Ok(ReviewInput {
        kind: "qbr".into(),
        title: ui.locale.t_args(
            "review-default-title",
            &[("period", quarter.label(ui.locale).into())],
        ),
        held_on: date.to_string(),
        period_start: start.to_string(),
        period_end: end.to_string(),
        agenda: ui.t("review-default-agenda"),
        decisions_sought: String::new(),
        participants: Vec::new(),
    })
}

async fn list_page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
    form: Option<ReviewInput>,
) -> AppResult<ListPage> {
    let form = match form {
        Some(f) => f,
        None => proposal(state, &ui, &account).await?,
    };
    Ok(ListPage {
        reviews: super::list(&state.db, account.id).await?,
        options: super::participant_options(&state.db, account.id).await?,
        form,
        errors: Vec::new(),
        today: state.clock.today(),
        can_edit,
        account,
        ui,
    })
}

/// `GET /accounts/{id}/reviews`
pub async fn list(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let can_edit = accounts::can_edit(&user, &account);
    let p = list_page(&state, ui, account, can_edit, None).await?;
    render_status(StatusCode::OK, &p)
}

async fn allowed(state: &AppState, account_id: i64) -> sqlx::Result<Vec<String>> {
    Ok(super::participant_options(&state.db, account_id)
        .await?
        .into_iter()
        .map(|p| p.value)
        .collect())
}

async fn write_participants(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    review_id: i64,
    c: &model::Checked,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM review_participants WHERE review_id = $1")
        .bind(review_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO review_participants (review_id, account_id, user_id) SELECT $1, $2, unnest($3::bigint[])",
    )
    .bind(review_id)
    .bind(account_id)
    .bind(&c.users)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO review_participants (review_id, account_id, contact_id) SELECT $1, $2, unnest($3::bigint[])",
    )
    .bind(review_id)
    .bind(account_id)
    .bind(&c.contacts)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `POST /accounts/{id}/reviews`: a new review, not in the past.
pub async fn create(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(posted): Posted,
) -> AppResult<Response> {
    let f = Fields(posted);
    let input = ReviewInput::from_fields(&f);
    let today = state.clock.today();
    let checked = match model::check(&input, &allowed(&state, account.id).await?, today) {
        Ok(c) => c,
        Err(errors) => {
            let mut p = list_page(&state, ui, account, true, Some(input)).await?;
            p.errors = errors.into_iter().map(|(f, k)| (f, p.ui.t(k))).collect();
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let id = account.id;
    let mut tx = state.db.begin().await?;
    let back = format!("/accounts/{id}/reviews");
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &f.get("_once"), Some(user.id), &back).await?
    {
        return crate::web::once::already_saved(&ctx.session, &outcome).await;
    }
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO business_reviews (account_id, held_on, title, kind, agenda, period_start, period_end, \
             decisions_sought, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(checked.held_on)
    .bind(&checked.title)
    .bind(checked.kind.code())
    .bind(&checked.agenda)
    .bind(checked.period_start)
    .bind(checked.period_end)
    .bind(&checked.decisions_sought)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    write_participants(&mut tx, id, rid, &checked).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::BusinessReviewCreated)
            .on("business_review", rid)
            .account(Some(id))
            .after(&checked),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-saved").await?;
    Ok(see_other(&format!("/accounts/{id}/reviews/{rid}")))
}

/// A decision as typed, kept to show again on refusal.
#[derive(Debug, Clone, Default)]
pub struct DecisionForm {
    pub body: String,
    pub owner: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "reviews/review.html")]
pub struct ReviewPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub review: Review,
    pub participants: Vec<Person>,
    pub options: Vec<Person>,
    pub form: ReviewInput,
    pub errors: Vec<(&'static str, String)>,
    pub frozen: Vec<Frozen>,
    pub decisions: Vec<Decision>,
    pub owners: Vec<crate::plan::OwnerOption>,
    pub confirmations: Vec<Confirmation>,
    /// The plan a decision becomes an action of (the current open plan), if any.
    pub plan_id: Option<i64>,
    pub decision_form: DecisionForm,
    pub minutes: String,
    pub rating_text: String,
    pub rating_action: String,
}

impl ReviewPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_frozen(&self) -> bool {
        !self.frozen.is_empty()
    }

    pub fn kinds(&self) -> &'static [ReviewKind] {
        ReviewKind::ALL
    }

    pub fn role(&self, p: &Person) -> String {
        if p.side == "supplier" {
            super::pack::role_label(self.ui.locale, &p.role)
        } else {
            p.role.clone()
        }
    }

    /// "Validated by X on date" for each confirmation, a comment otherwise.
    pub fn confirmation_text(&self, c: &Confirmation) -> String {
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

pub(super) async fn review_page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
    review: Review,
) -> AppResult<ReviewPage> {
    let participants = super::participants(&state.db, review.id).await?;
    let form = ReviewInput {
        kind: review.kind.clone(),
        title: review.title.clone(),
        held_on: review.held_on.to_string(),
        period_start: review
            .period_start
            .map(|d| d.to_string())
            .unwrap_or_default(),
        period_end: review.period_end.map(|d| d.to_string()).unwrap_or_default(),
        agenda: review.agenda.clone(),
        decisions_sought: review.decisions_sought.clone(),
        participants: participants.iter().map(|p| p.value.clone()).collect(),
    };
    let plans = crate::plan::plans_of(&state.db, account.id).await?;
    let plan_id = plans.iter().find(|p| p.status != "closed").map(|p| p.id);
    Ok(ReviewPage {
        participants,
        options: super::participant_options(&state.db, account.id).await?,
        form,
        errors: Vec::new(),
        frozen: super::frozen(&state.db, review.id).await?,
        decisions: super::decisions(&state.db, review.id).await?,
        owners: crate::plan::owner_options(&state.db, account.id).await?,
        confirmations: super::confirmations(&state.db, review.id).await?,
        plan_id,
        decision_form: Default::default(),
        minutes: review.minutes.clone(),
        rating_text: rating_text(&ui, &super::rating::ratings(&state.db, review.id).await?),
        rating_action: format!("/accounts/{}/reviews/{}/rating", account.id, review.id),
        review,
        can_edit,
        account,
        ui,
    })
}

/// The review of the path, of this account (404 otherwise).
pub(super) async fn find(state: &AppState, account_id: i64, review_id: i64) -> AppResult<Review> {
    super::find(&state.db, account_id, review_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /accounts/{id}/reviews/{review_id}`
pub async fn show(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let review = find(&state, account.id, review_id).await?;
    let can_edit = accounts::can_edit(&user, &account);
    let p = review_page(&state, ui, account, can_edit, review).await?;
    render_status(StatusCode::OK, &p)
}

/// `POST /accounts/{id}/reviews/{review_id}`: changes a review not yet frozen.
/// Its own date may stay as it was; a new date cannot be in the past.
pub async fn update(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path((_, review_id)): Path<(i64, i64)>,
    Form(posted): Posted,
) -> AppResult<Response> {
    let review = find(&state, account.id, review_id).await?;
    if !super::frozen(&state.db, review.id).await?.is_empty() {
        return Err(AppError::Conflict("review-error-frozen"));
    }
    let f = Fields(posted);
    let input = ReviewInput::from_fields(&f);
    let today = state.clock.today();
    let earliest = review.held_on.min(today);
    let checked = match model::check(&input, &allowed(&state, account.id).await?, earliest) {
        Ok(c) if c.held_on != review.held_on && c.held_on < today => {
            Err(vec![("held_on", "review-error-past")])
        }
        other => other,
    };
    let checked = match checked {
        Ok(c) => c,
        Err(errors) => {
            let mut p = review_page(&state, ui, account, true, review).await?;
            p.errors = errors.into_iter().map(|(f, k)| (f, p.ui.t(k))).collect();
            p.form = input;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let id = account.id;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE business_reviews SET held_on = $3, title = $4, kind = $5, agenda = $6, period_start = $7, \
             period_end = $8, decisions_sought = $9 WHERE id = $1 AND account_id = $2",
    )
    .bind(review_id)
    .bind(id)
    .bind(checked.held_on)
    .bind(&checked.title)
    .bind(checked.kind.code())
    .bind(&checked.agenda)
    .bind(checked.period_start)
    .bind(checked.period_end)
    .bind(&checked.decisions_sought)
    .execute(&mut *tx)
    .await?;
    write_participants(&mut tx, id, review_id, &checked).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::BusinessReviewUpdated)
            .on("business_review", review_id)
            .account(Some(id))
            .before(serde_json::json!({ "held_on": review.held_on, "title": review.title }))
            .after(&checked),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "review-saved").await?;
    Ok(see_other(&format!("/accounts/{id}/reviews/{review_id}")))
}

/// "Average rating: 4,25 / 5 (2 ratings)", or that nobody has rated yet.
pub fn rating_text(ui: &Ui, ratings: &[[i16; 4]]) -> String {
    match super::rating::average(ratings) {
        Some(avg) => ui.locale.t_args(
            "review-rating-average",
            &[
                ("average", ui.num(avg, 2).into()),
                ("count", (ratings.len() as i64).into()),
            ],
        ),
        None => ui.t("review-rating-none"),
    }
}
