//! `/portal/plan`: the shared part of the account plan, for the account's client
//! users. The account comes from the session; every query keeps shared rows only
//! (`Scope::SharedOnly`, in SQL). From stage 3 a client user closes the shared
//! actions they own (`authz::client_closes_own_actions`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};

use super::check::Fields;
use super::{Frozen, Plan, Scope, model};
use crate::accounts::{self, Account};
use crate::auth::extract::ClientUser;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::i18n::format::{self, Percent};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, see_other};

#[derive(Template)]
#[template(path = "plan/portal.html")]
pub struct PortalPlanPage {
    pub ui: Ui,
    pub account: Account,
    /// Never the staff's view (the actions partial leaves internal columns out).
    pub staff_view: bool,
    /// None: nothing shared yet (stage 1, or no plan).
    pub plan: Option<Plan>,
    pub label: String,
    pub contents: Frozen,
    pub today: NaiveDate,
    pub user_id: i64,
    pub can_close: bool,
    pub plan_percent: Option<Percent>,
}

impl PortalPlanPage {
    /// The badge of a status (its colour; the word is always printed beside).
    pub fn badge(&self, status: &str) -> &'static str {
        model::badge(status)
    }

    pub fn overdue(&self, a: &super::Action) -> bool {
        model::is_overdue(&a.status, a.due, self.today)
    }

    /// Whether the actions table has a column of "mark done" forms.
    pub fn action_controls(&self) -> bool {
        self.can_close
    }

    pub fn mine(&self, a: &super::Action) -> bool {
        a.owner_user_id == Some(self.user_id) && model::is_open(&a.status)
    }

    pub fn kpi_name(&self, k: &super::KpiLink) -> String {
        match self.ui.locale {
            crate::i18n::Locale::Fr => k.name_fr.clone(),
            crate::i18n::Locale::En => k.name_en.clone(),
        }
    }

    pub fn pct(&self, p: &Option<Percent>) -> String {
        p.map(|p| format::percent(self.ui.locale, p, 0))
            .unwrap_or_else(|| "—".into())
    }
}

async fn own_account(state: &AppState, user: &crate::users::User) -> AppResult<Account> {
    let id = user.account_id.ok_or(AppError::NotFound)?;
    accounts::find_unchecked(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /portal/plan`
pub async fn page(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
) -> AppResult<Response> {
    let account = own_account(&state, &user).await?;
    crate::scorecard::state::bring_up_to_date(&state.db, &[account.id]).await?;
    let plan = if authz::client_reads_plan(account.stage) {
        let plans = super::plans_of(&state.db, account.id).await?;
        super::current(&plans).cloned()
    } else {
        None
    };
    let mut contents = match &plan {
        // A closed plan shows what was shared when it closed.
        Some(p) if p.status == "closed" => {
            let mut f = p.frozen.as_ref().map(|f| f.0.clone()).unwrap_or_default();
            f.objectives.retain(|o| o.shared);
            f.actions.retain(|a| a.shared);
            f.risks.retain(|r| r.shared);
            f
        }
        Some(p) => super::contents(&state.db, p, Scope::SharedOnly).await?,
        None => Frozen::default(),
    };
    // The client does not see internal KPI names in a frozen plan either.
    if plan.as_ref().is_some_and(|p| p.status == "closed") {
        let shared: Vec<i64> = crate::kpis::shared_for_account(&state.db, account.id)
            .await?
            .iter()
            .map(|k| k.id)
            .collect();
        for o in &mut contents.objectives {
            o.kpis.retain(|k| shared.contains(&k.id));
        }
        for a in &mut contents.actions {
            a.kpis.retain(|k| shared.contains(&k.id));
        }
    }
    render(&PortalPlanPage {
        can_close: authz::client_closes_own_actions(account.stage)
            && plan.as_ref().is_some_and(|p| p.status != "closed"),
        plan_percent: model::percent_complete(contents.actions.iter().map(|a| a.status.as_str())),
        label: plan
            .as_ref()
            .map(super::page::period_label)
            .unwrap_or_default(),
        plan,
        contents,
        today: Utc::now().date_naive(),
        user_id: user.id,
        staff_view: false,
        account,
        ui,
    })
}

/// `POST /portal/plan/actions/{action_id}`: a client user marks a shared action
/// they own as done. Anything else of the account, or of another account, is
/// not found: the lookup is scoped in SQL to the session's account and the owner.
pub async fn close_action(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    Path(action_id): Path<i64>,
    Form(posted): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    if Fields(posted).get("status") != "done" {
        return Err(AppError::Unprocessable("kpi-choose-from-list"));
    }
    let account = own_account(&state, &user).await?;
    if !authz::client_closes_own_actions(account.stage) {
        return Err(AppError::Forbidden);
    }
    let done =
        super::forms::set_action_status(&state, &ctx, account.id, action_id, "done", Some(user.id))
            .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    flash::push(&ctx.session, flash::Kind::Success, "plan-action-saved").await?;
    Ok(see_other("/portal/plan"))
}
