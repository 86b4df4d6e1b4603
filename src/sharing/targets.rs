//! Joint targets (stage 3 and up): either side proposes a target for a shared or
//! joint KPI, and it applies only once the *other* side accepts. A new proposal for
//! the same period replaces the open one (a counter-proposal declines it), so there
//! is always at most one question on the table per KPI and period.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::accounts::{self, Account};
use crate::audit;
use crate::auth::extract::{AccountsUser, ClientUser};
use crate::domain::Visibility;
use crate::error::{AppError, AppResult};
use crate::evaluation::rules::Side;
use crate::kpis::{self, AccountKpi, check::Check, units};
use crate::period::Period;
use crate::sharing;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, see_other};

/// Whether targets of this KPI are negotiated with the client at this stage.
pub fn negotiable(stage: i16, visibility: Visibility) -> bool {
    sharing::targets_proposed_by_either_side(stage) && sharing::client_sees(stage, visibility)
}

/// What a decision does, given who proposed and who decides. Pure, so the rule
/// "only the other side accepts" is tested without a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
    Withdraw,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accept" => Some(Self::Accept),
            "decline" => Some(Self::Decline),
            "withdraw" => Some(Self::Withdraw),
            _ => None,
        }
    }

    /// Accepting or declining is for the other side; withdrawing for the proposer's.
    pub fn allowed(self, proposer: Side, decider: Side) -> bool {
        match self {
            Self::Accept | Self::Decline => proposer != decider,
            Self::Withdraw => proposer == decider,
        }
    }

    fn status(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Decline => "declined",
            Self::Withdraw => "withdrawn",
        }
    }

    fn action(self) -> audit::Action {
        match self {
            Self::Accept => audit::Action::KpiTargetAgreed,
            Self::Decline => audit::Action::KpiTargetDeclined,
            Self::Withdraw => audit::Action::KpiTargetWithdrawn,
        }
    }
}

fn side_of(code: &str) -> Side {
    if code == "client" {
        Side::Client
    } else {
        Side::Supplier
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub period: Option<NaiveDate>,
    pub target: f64,
    pub comment: String,
    pub side: String,
    pub status: String,
    pub who: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn for_kpi(db: impl PgExecutor<'_>, kpi_id: i64) -> sqlx::Result<Vec<ProposalRow>> {
    sqlx::query_as(
        "SELECT p.id, p.period, p.target::float8 AS target, p.comment, p.side, p.status, \
                u.name AS who, p.created_at \
         FROM target_proposals p LEFT JOIN users u ON u.id = p.proposed_by \
         WHERE p.account_kpi_id = $1 ORDER BY (p.status = 'open') DESC, p.created_at DESC LIMIT 12",
    )
    .bind(kpi_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    // Defaulted so that access is checked before the form is: a stranger posting
    // nothing learns nothing from a 422.
    #[serde(default)]
    pub decision: String,
}

pub struct ProposalView {
    pub id: i64,
    pub open: bool,
    pub status: String,
    pub status_label: String,
    pub period_label: String,
    pub target_text: String,
    pub comment: String,
    pub who: String,
    pub side_label: String,
    pub when: String,
    /// The viewer may accept or decline it (it came from the other side).
    pub can_answer: bool,
    /// The viewer may withdraw it (their side proposed it).
    pub can_withdraw: bool,
}

/// The "targets agreed together" panel of a KPI page.
pub struct TargetsView {
    pub action: String,
    pub can_act: bool,
    pub proposals: Vec<ProposalView>,
    pub form: TargetForm,
    pub errors: Vec<(&'static str, String)>,
}

impl TargetsView {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The panel for one viewer, or None when targets are not negotiated for this KPI.
pub async fn view(
    db: impl PgExecutor<'_>,
    ui: &Ui,
    account: &Account,
    kpi: &AccountKpi,
    side: Side,
    can_act: bool,
    refused: Option<(TargetForm, Vec<(&'static str, String)>)>,
) -> AppResult<Option<TargetsView>> {
    if !negotiable(account.stage, kpi.visibility) {
        return Ok(None);
    }
    let rows = for_kpi(db, kpi.id).await?;
    let locale = ui.locale;
    let proposals = rows
        .iter()
        .map(|r| {
            let proposer = side_of(&r.side);
            let open = r.status == "open";
            ProposalView {
                id: r.id,
                open,
                status: r.status.clone(),
                status_label: ui.t(&format!("target-status-{}", r.status)),
                period_label: period_label(kpi, r.period, ui),
                target_text: units::display(kpi.unit, r.target, locale),
                comment: r.comment.clone(),
                who: r.who.clone().unwrap_or_default(),
                side_label: ui.t(&format!("side-{}", r.side)),
                when: ui.datetime(&r.created_at),
                can_answer: open && can_act && Decision::Accept.allowed(proposer, side),
                can_withdraw: open && can_act && Decision::Withdraw.allowed(proposer, side),
            }
        })
        .collect();
    let action = match side {
        Side::Client => format!("/portal/kpis/{}/target-proposals", kpi.id),
        Side::Supplier => format!("/accounts/{}/kpis/{}/target-proposals", account.id, kpi.id),
    };
    let (form, errors) = refused.unwrap_or_default();
    Ok(Some(TargetsView {
        action,
        can_act,
        proposals,
        form,
        errors,
    }))
}

fn period_label(kpi: &AccountKpi, period: Option<NaiveDate>, ui: &Ui) -> String {
    match period.and_then(|p| Period::from_start(kpi.frequency, p)) {
        Some(p) => p.label(ui.locale),
        None => ui.t("target-default-period"),
    }
}

/// A checked proposal: the period (None = the default target) and the target.
pub struct Checked {
    pub period: Option<Period>,
    pub target: Decimal,
    pub comment: String,
}

/// Field problems as (field, translation key).
pub fn check(
    kpi: &AccountKpi,
    form: &TargetForm,
) -> Result<Checked, Vec<(&'static str, &'static str)>> {
    let mut c = Check::default();
    let period = if form.period.trim().is_empty() {
        Some(None)
    } else {
        match Period::parse(kpi.frequency, form.period.trim()) {
            Ok(p) => Some(Some(p)),
            Err(e) => c.fail("period", e.key()),
        }
    };
    let target = c
        .target("target", &form.target, Some(kpi.unit), true)
        .flatten();
    let comment = form.comment.trim().to_owned();
    if comment.chars().count() > 2000 {
        c.fail::<()>("comment", "field-too-long");
    }
    match (period, target) {
        (Some(period), Some(target)) if c.ok() => Ok(Checked {
            period,
            target,
            comment,
        }),
        _ => Err(c.errors.into_iter().collect()),
    }
}

#[derive(Serialize)]
struct ProposalRecord {
    id: i64,
    period: Option<String>,
    target: Decimal,
    side: &'static str,
    status: &'static str,
}

/// Records a proposal in one transaction; an open proposal for the same period is
/// withdrawn (same side) or declined (a counter-proposal from the other side).
async fn propose(
    state: &AppState,
    ctx: &RequestCtx,
    account: &Account,
    kpi: &AccountKpi,
    side: Side,
    checked: Checked,
) -> AppResult<()> {
    let period = checked.period.map(|p| p.start);
    let mut tx = state.db.begin().await?;
    let previous: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, side FROM target_proposals WHERE account_kpi_id = $1 \
         AND period IS NOT DISTINCT FROM $2 AND status = 'open' FOR UPDATE",
    )
    .bind(kpi.id)
    .bind(period)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((prev_id, prev_side)) = previous {
        let decision = if side_of(&prev_side) == side {
            Decision::Withdraw
        } else {
            Decision::Decline
        };
        close(&mut tx, ctx, account, kpi, prev_id, decision).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO target_proposals (account_kpi_id, period, target, comment, proposed_by, side) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kpi.id)
    .bind(period)
    .bind(checked.target)
    .bind(&checked.comment)
    .bind(ctx.actor().user_id)
    .bind(side.code())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::KpiTargetProposed)
            .on("account_kpi", kpi.id)
            .account(Some(account.id))
            .after(ProposalRecord {
                id,
                period: checked.period.map(|p| p.code()),
                target: checked.target,
                side: side.code(),
                status: "open",
            }),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}

/// Closes an open proposal; accepting it applies the target (default or per period).
async fn close(
    tx: &mut sqlx::PgConnection,
    ctx: &RequestCtx,
    account: &Account,
    kpi: &AccountKpi,
    proposal_id: i64,
    decision: Decision,
) -> AppResult<()> {
    let row: Option<(Option<NaiveDate>, Decimal, String)> = sqlx::query_as(
        "UPDATE target_proposals SET status = $3, decided_by = $4, decided_at = now() \
         WHERE id = $1 AND account_kpi_id = $2 AND status = 'open' \
         RETURNING period, target, side",
    )
    .bind(proposal_id)
    .bind(kpi.id)
    .bind(decision.status())
    .bind(ctx.actor().user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((period, target, side)) = row else {
        // Someone answered first, or the id is not this KPI's.
        return Err(AppError::Conflict("target-proposal-closed"));
    };
    let mut before = None;
    if decision == Decision::Accept {
        before = Some(apply(&mut *tx, kpi.id, period, target).await?);
    }
    let code = period
        .and_then(|p| Period::from_start(kpi.frequency, p))
        .map(|p| p.code());
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(decision.action())
            .on("account_kpi", kpi.id)
            .account(Some(account.id))
            .before(
                before
                    .flatten()
                    .map(|t| serde_json::json!({ "period": code, "target": t })),
            )
            .after(ProposalRecord {
                id: proposal_id,
                period: code.clone(),
                target,
                side: if side == "client" {
                    "client"
                } else {
                    "supplier"
                },
                status: decision.status(),
            }),
    )
    .await?;
    Ok(())
}

/// Writes an agreed target; returns the one it replaces.
async fn apply(
    tx: &mut sqlx::PgConnection,
    kpi_id: i64,
    period: Option<NaiveDate>,
    target: Decimal,
) -> sqlx::Result<Option<Decimal>> {
    match period {
        None => {
            let before: Option<Decimal> =
                sqlx::query_scalar("SELECT target FROM account_kpis WHERE id = $1 FOR UPDATE")
                    .bind(kpi_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query("UPDATE account_kpis SET target = $2 WHERE id = $1")
                .bind(kpi_id)
                .bind(target)
                .execute(&mut *tx)
                .await?;
            Ok(before)
        }
        Some(p) => {
            let before: Option<Decimal> = sqlx::query_scalar(
                "SELECT target FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2 FOR UPDATE",
            )
            .bind(kpi_id)
            .bind(p)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO kpi_targets (account_kpi_id, period, target) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_kpi_id, period) DO UPDATE SET target = EXCLUDED.target",
            )
            .bind(kpi_id)
            .bind(p)
            .bind(target)
            .execute(&mut *tx)
            .await?;
            Ok(before)
        }
    }
}

fn refusal(
    ui: &Ui,
    form: TargetForm,
    errors: Vec<(&'static str, &'static str)>,
) -> (TargetForm, Vec<(&'static str, String)>) {
    (
        form,
        errors.into_iter().map(|(f, k)| (f, ui.t(k))).collect(),
    )
}

// --- the supplier's side -----------------------------------------------------

async fn supplier_load(
    state: &AppState,
    user: &crate::users::User,
    id: i64,
    kpi_id: i64,
) -> AppResult<(Account, AccountKpi)> {
    let account = accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accounts::can_edit(user, &account) {
        return Err(AppError::Forbidden);
    }
    let kpi = kpis::find(&state.db, id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Like the evaluation routes: an internal KPI has no client side at all.
    if kpi.visibility == Visibility::Internal {
        return Err(AppError::NotFound);
    }
    if !negotiable(account.stage, kpi.visibility) {
        return Err(AppError::Forbidden);
    }
    Ok((account, kpi))
}

/// `POST /accounts/{id}/kpis/{kpi_id}/target-proposals`
pub async fn supplier_propose(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    axum::Form(form): axum::Form<TargetForm>,
) -> AppResult<Response> {
    let (account, kpi) = supplier_load(&state, &user, id, kpi_id).await?;
    match check(&kpi, &form) {
        Ok(checked) => {
            propose(&state, &ctx, &account, &kpi, Side::Supplier, checked).await?;
            flash::push(&ctx.session, flash::Kind::Success, "target-proposed-flash").await?;
            Ok(see_other(&format!("/accounts/{id}/kpis/{kpi_id}#targets")))
        }
        Err(errors) => {
            let refused = refusal(&ui, form, errors);
            crate::scorecard::kpi_page::show(
                &state,
                &user,
                ui,
                (id, kpi_id),
                None,
                Some(refused),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /accounts/{id}/kpis/{kpi_id}/target-proposals/{proposal_id}`
pub async fn supplier_decide(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    Path((id, kpi_id, proposal_id)): Path<(i64, i64, i64)>,
    axum::Form(form): axum::Form<DecisionForm>,
) -> AppResult<Response> {
    let (account, kpi) = supplier_load(&state, &user, id, kpi_id).await?;
    decide(
        &state,
        &ctx,
        &account,
        &kpi,
        proposal_id,
        Side::Supplier,
        &form,
    )
    .await?;
    Ok(see_other(&format!("/accounts/{id}/kpis/{kpi_id}#targets")))
}

async fn decide(
    state: &AppState,
    ctx: &RequestCtx,
    account: &Account,
    kpi: &AccountKpi,
    proposal_id: i64,
    side: Side,
    form: &DecisionForm,
) -> AppResult<()> {
    let decision = Decision::parse(&form.decision)
        .ok_or(AppError::Unprocessable("target-decision-invalid"))?;
    let proposer: Option<String> = sqlx::query_scalar(
        "SELECT side FROM target_proposals WHERE id = $1 AND account_kpi_id = $2",
    )
    .bind(proposal_id)
    .bind(kpi.id)
    .fetch_optional(&state.db)
    .await?;
    let proposer = proposer.ok_or(AppError::NotFound)?;
    if !decision.allowed(side_of(&proposer), side) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    close(&mut tx, ctx, account, kpi, proposal_id, decision).await?;
    crate::db::commit(tx).await?;
    let key = match decision {
        Decision::Accept => "target-agreed",
        Decision::Decline => "target-declined",
        Decision::Withdraw => "target-withdrawn",
    };
    flash::push(&ctx.session, flash::Kind::Success, key).await?;
    Ok(())
}

// --- the client's side (account from the session, never from the URL) -------

async fn client_load(
    state: &AppState,
    user: &crate::users::User,
    kpi_id: i64,
) -> AppResult<(Account, AccountKpi)> {
    let account_id = user.account_id.ok_or(AppError::NotFound)?;
    let account = accounts::find_unchecked(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kpi = kpis::find_shared(&state.db, account.id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !negotiable(account.stage, kpi.visibility) {
        return Err(AppError::Forbidden);
    }
    Ok((account, kpi))
}

/// `POST /portal/kpis/{kpi_id}/target-proposals`
pub async fn client_propose(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(kpi_id): Path<i64>,
    axum::Form(form): axum::Form<TargetForm>,
) -> AppResult<Response> {
    let (account, kpi) = client_load(&state, &user, kpi_id).await?;
    match check(&kpi, &form) {
        Ok(checked) => {
            propose(&state, &ctx, &account, &kpi, Side::Client, checked).await?;
            flash::push(&ctx.session, flash::Kind::Success, "target-proposed-flash").await?;
            Ok(see_other(&format!("/portal/kpis/{kpi_id}#targets")))
        }
        Err(errors) => {
            let refused = refusal(&ui, form, errors);
            crate::portal::kpi_view(
                &state,
                ui,
                account,
                kpi_id,
                None,
                None,
                Some(refused),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /portal/kpis/{kpi_id}/target-proposals/{proposal_id}`
pub async fn client_decide(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    Path((kpi_id, proposal_id)): Path<(i64, i64)>,
    axum::Form(form): axum::Form<DecisionForm>,
) -> AppResult<Response> {
    let (account, kpi) = client_load(&state, &user, kpi_id).await?;
    decide(
        &state,
        &ctx,
        &account,
        &kpi,
        proposal_id,
        Side::Client,
        &form,
    )
    .await?;
    Ok(see_other(&format!("/portal/kpis/{kpi_id}#targets")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_other_side_accepts_and_only_the_proposer_withdraws() {
        use Side::*;
        assert!(Decision::Accept.allowed(Client, Supplier));
        assert!(Decision::Accept.allowed(Supplier, Client));
        assert!(!Decision::Accept.allowed(Client, Client));
        assert!(!Decision::Decline.allowed(Supplier, Supplier));
        assert!(Decision::Withdraw.allowed(Client, Client));
        assert!(!Decision::Withdraw.allowed(Client, Supplier));
        assert_eq!(Decision::parse("accept"), Some(Decision::Accept));
        assert_eq!(Decision::parse("drop table"), None);
    }

    #[test]
    fn targets_are_negotiated_from_stage_three_on_what_the_client_sees() {
        assert!(!negotiable(2, Visibility::Shared));
        assert!(negotiable(3, Visibility::Shared));
        assert!(!negotiable(3, Visibility::Internal));
        assert!(negotiable(4, Visibility::Joint));
        assert!(!negotiable(1, Visibility::Joint));
    }
}
