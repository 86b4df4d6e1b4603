//! Mutual evaluation of shared values: the client validates or contests a number
//! (with a comment and maybe a proposed value); the KAM answers — accepting the
//! proposal, which records a new value with its provenance, or keeping the value
//! with an explanation. A thread per value keeps the whole conversation.

pub mod queue;
pub mod rules;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgExecutor;

use crate::accounts::{self, Account};
use crate::audit;
use crate::auth::extract::{AccountsUser, ClientUser};
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::kpis::{self, AccountKpi, units};
use crate::period::Period;
use crate::state::AppState;
use crate::users::User;
use crate::values::{self, NewValue, ValueRow};
use crate::web::context::RequestCtx;
use crate::web::flash;
use crate::web::layout::Ui;
use crate::web::see_other;
use rules::{Action, Side, Status};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub author_name: Option<String>,
    pub side: String,
    pub kind: String,
    pub body: String,
    pub proposed_value: Option<f64>,
    pub created_at: DateTime<Utc>,
}

pub async fn thread(db: impl PgExecutor<'_>, value_id: i64) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as(
        "SELECT u.name AS author_name, m.side, m.kind, m.body, m.proposed_value::float8 AS proposed_value, m.created_at \
         FROM value_messages m LEFT JOIN users u ON u.id = m.author_id \
         WHERE m.value_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(value_id)
    .fetch_all(db)
    .await
}

pub struct MessageView {
    pub who: String,
    pub side: String,
    pub kind_label: String,
    pub body: String,
    pub proposal: Option<String>,
    pub when: String,
}

/// The evaluation block of a KPI page, for one value.
pub struct EvaluationView {
    pub period_code: String,
    pub period_label: String,
    pub value_text: String,
    pub status: &'static str,
    pub status_label: String,
    pub messages: Vec<MessageView>,
    /// Where the forms post.
    pub action: String,
    pub client: bool,
    pub can_comment: bool,
    pub can_validate: bool,
    pub can_resolve: bool,
    pub proposal_text: Option<String>,
}

/// Who looks at the evaluation: which side, and (for the supplier) whether they may
/// answer for the account.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub side: Side,
    pub can_edit: bool,
}

/// Builds the block for the value of `period` (or the latest), if the KPI is shared.
pub async fn view(
    db: &sqlx::PgPool,
    ui: &Ui,
    account: &Account,
    kpi: &AccountKpi,
    vals: &[ValueRow],
    period: Option<&str>,
    viewer: Viewer,
) -> AppResult<Option<EvaluationView>> {
    let Viewer { side, can_edit } = viewer;
    if kpi.visibility == crate::domain::Visibility::Internal {
        return Ok(None);
    }
    let chosen = period
        .and_then(|p| Period::parse(kpi.frequency, p).ok())
        .and_then(|p| vals.iter().find(|v| v.period == p.start))
        .or_else(|| vals.last());
    let Some(value) = chosen else {
        return Ok(None);
    };
    let messages = thread(db, value.value_id).await?;
    let proposal = messages
        .iter()
        .rev()
        .find(|m| m.kind == "contested")
        .and_then(|m| m.proposed_value);
    let period = Period::from_start(kpi.frequency, value.period);
    let client = side == Side::Client;
    let stage = account.stage;
    Ok(Some(EvaluationView {
        period_code: period.map(|p| p.code()).unwrap_or_default(),
        period_label: period.map(|p| p.label(ui.locale)).unwrap_or_default(),
        value_text: units::display(kpi.unit, value.value, ui.locale),
        status: value.validation.code(),
        status_label: ui.t(value.validation.label_key()),
        messages: messages
            .iter()
            .map(|m| MessageView {
                who: m.author_name.clone().unwrap_or_default(),
                side: m.side.clone(),
                kind_label: ui.t(&format!("evaluation-kind-{}", m.kind)),
                body: m.body.clone(),
                proposal: m
                    .proposed_value
                    .map(|v| units::display(kpi.unit, v, ui.locale)),
                when: ui.datetime(&m.created_at),
            })
            .collect(),
        action: if client {
            format!("/portal/kpis/{}/evaluate", kpi.id)
        } else {
            format!("/accounts/{}/kpis/{}/evaluate", account.id, kpi.id)
        },
        client,
        can_comment: if client {
            crate::sharing::client_can_comment(stage)
        } else {
            can_edit
        },
        can_validate: client && crate::sharing::client_can_validate(stage),
        can_resolve: !client && can_edit && value.validation == Status::Contested,
        proposal_text: proposal.map(|v| units::display(kpi.unit, v, ui.locale)),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct EvaluateForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    proposed_value: String,
    /// The one-use token of the rendered form (see `web::once`).
    #[serde(default, rename = "_once")]
    once: String,
}

struct Target {
    account: Account,
    kpi: AccountKpi,
    period: NaiveDate,
}

/// What became of a submit.
enum Done {
    Recorded,
    /// The same rendered form was already sent: nothing new, back to its outcome.
    AlreadySent(String),
}

/// Records one step of the conversation, in one transaction with its audit row.
async fn act(
    state: &AppState,
    ctx: &RequestCtx,
    user: &User,
    t: &Target,
    side: Side,
    form: &EvaluateForm,
    back: &str,
) -> AppResult<Result<Done, &'static str>> {
    let Some(action) = Action::parse(&form.action) else {
        return Ok(Err("evaluation-not-allowed"));
    };
    let body = form.body.trim();
    if body.chars().count() > 4000 {
        return Ok(Err("field-too-long"));
    }
    let proposal = match form.proposed_value.trim() {
        "" => None,
        raw => match format::parse_number(raw) {
            Some(v) if units::check(t.kpi.unit, v).is_ok() => Some(v),
            _ => return Ok(Err("evaluation-proposal-invalid")),
        },
    };
    let mut tx = state.db.begin().await?;
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &form.once, Some(user.id), back).await?
    {
        return Ok(Ok(Done::AlreadySent(outcome)));
    }
    let current: Option<(i64, Status)> = sqlx::query_as(
        "SELECT id, validation FROM kpi_values WHERE account_kpi_id = $1 AND period = $2 FOR UPDATE",
    )
    .bind(t.kpi.id)
    .bind(t.period)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((value_id, status)) = current else {
        return Err(AppError::NotFound);
    };
    // The proposal to accept is the one the client made, never one typed by the supplier.
    let contested_proposal: Option<Decimal> = if action == Action::Accept {
        sqlx::query_scalar(
            "SELECT proposed_value FROM value_messages WHERE value_id = $1 AND kind = 'contested' \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(value_id)
        .fetch_optional(&mut *tx)
        .await?
        .flatten()
    } else {
        None
    };
    let has_proposal = if action == Action::Accept {
        contested_proposal.is_some()
    } else {
        proposal.is_some()
    };
    let next = match rules::next(
        t.account.stage,
        status,
        side,
        action,
        !body.is_empty(),
        has_proposal,
    ) {
        Ok(n) => n,
        Err(key) => return Ok(Err(key)),
    };
    let stored_proposal = if action == Action::Contest {
        proposal
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO value_messages (value_id, author_id, side, kind, body, proposed_value) \
         VALUES ($1, $2, $3, $4, $5, $6::float8::numeric)",
    )
    .bind(value_id)
    .bind(user.id)
    .bind(side.code())
    .bind(action.kind())
    .bind(body)
    .bind(stored_proposal)
    .execute(&mut *tx)
    .await?;
    if let (Action::Accept, Some(v)) = (action, contested_proposal) {
        // The client's number becomes the value, with its provenance in the history.
        let comment = ui_comment(body);
        let saved = values::save(
            &mut tx,
            &t.kpi,
            &NewValue {
                period: t.period,
                value: v,
                comment: &comment,
                source: "client",
                expected_version: None,
                check_version: false,
            },
            &ctx.actor(),
        )
        .await?;
        if saved == values::Saved::Locked {
            // Nothing of this step is kept (the transaction is dropped).
            return Ok(Err("evaluation-period-locked"));
        }
        if saved == values::Saved::CommentRequired {
            return Ok(Err("value-comment-required"));
        }
    }
    if next != status || action == Action::Accept {
        sqlx::query(
            "UPDATE kpi_values SET validation = $2, validation_at = now(), validation_by = $3 \
             WHERE account_kpi_id = $1 AND period = $4",
        )
        .bind(t.kpi.id)
        .bind(next)
        .bind(user.id)
        .bind(t.period)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(match action {
            Action::Comment => audit::Action::KpiValueCommented,
            Action::Validate => audit::Action::KpiValueValidated,
            Action::Contest => audit::Action::KpiValueContested,
            Action::Accept => audit::Action::KpiValueProposalAccepted,
            Action::Keep => audit::Action::KpiValueKept,
        })
        .on("kpi_value", format!("{}:{}", t.kpi.id, t.period))
        .account(Some(t.account.id))
        .before(serde_json::json!({ "validation": status }))
        .after(serde_json::json!({
            "validation": next, "side": side.code(), "body": body,
            "proposed_value": stored_proposal,
            "accepted_value": contested_proposal.map(|d| d.to_string()),
        })),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Ok(Done::Recorded))
}

fn ui_comment(body: &str) -> String {
    // Stored in the value's own comment so the provenance shows wherever the value does.
    if body.is_empty() {
        "client".into()
    } else {
        body.chars().take(2000).collect()
    }
}

fn period_of(kpi: &AccountKpi, code: &str) -> AppResult<NaiveDate> {
    Period::parse(kpi.frequency, code)
        .map(|p| p.start)
        .map_err(|_| AppError::Unprocessable("period-invalid"))
}

/// `POST /portal/kpis/{kpi_id}/evaluate`: the client's side.
pub async fn client_evaluate(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(kpi_id): Path<i64>,
    Form(form): Form<EvaluateForm>,
) -> AppResult<Response> {
    let account_id = user.account_id.ok_or(AppError::NotFound)?;
    let kpi = kpis::find_shared(&state.db, account_id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = accounts::find_unchecked(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let period = period_of(&kpi, &form.period)?;
    let target = Target {
        account,
        kpi,
        period,
    };
    let back = format!("/portal/kpis/{kpi_id}?period={}#evaluation", form.period);
    let done = act(&state, &ctx, &user, &target, Side::Client, &form, &back).await?;
    finish(&ctx, &ui, done, &back).await
}

/// `POST /accounts/{id}/kpis/{kpi_id}/evaluate`: the supplier's side.
pub async fn supplier_evaluate(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Form(form): Form<EvaluateForm>,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accounts::can_edit(&user, &account) {
        return Err(AppError::Forbidden);
    }
    let kpi = kpis::find(&state.db, id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if kpi.visibility == crate::domain::Visibility::Internal {
        return Err(AppError::NotFound);
    }
    let period = period_of(&kpi, &form.period)?;
    let target = Target {
        account,
        kpi,
        period,
    };
    let back = format!(
        "/accounts/{id}/kpis/{kpi_id}?period={}#evaluation",
        form.period
    );
    let done = act(&state, &ctx, &user, &target, Side::Supplier, &form, &back).await?;
    finish(&ctx, &ui, done, &back).await
}

async fn finish(
    ctx: &RequestCtx,
    ui: &Ui,
    done: Result<Done, &'static str>,
    back: &str,
) -> AppResult<Response> {
    match done {
        Ok(Done::AlreadySent(outcome)) => {
            return crate::web::once::already_saved(&ctx.session, &outcome).await;
        }
        Ok(Done::Recorded) => {
            flash::push(&ctx.session, flash::Kind::Success, "evaluation-recorded").await?
        }
        Err(key) => flash::push_text(&ctx.session, flash::Kind::Error, &ui.t(key)).await?,
    }
    Ok(see_other(back))
}

/// Share of the latest values of shared KPIs that the client validated (or whose
/// contest was resolved): how far the numbers are trusted by both sides.
pub async fn validated_share(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Option<f64>> {
    sqlx::query_scalar(
        "SELECT avg(CASE WHEN v.validation IN ('validated', 'resolved') THEN 100.0 ELSE 0 END)::float8 \
         FROM account_kpis k \
         JOIN LATERAL (SELECT validation FROM kpi_values WHERE account_kpi_id = k.id ORDER BY period DESC LIMIT 1) v ON true \
         WHERE k.account_id = $1 AND k.visibility <> 'internal'",
    )
    .bind(account_id)
    .fetch_one(db)
    .await
}
