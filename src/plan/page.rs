//! `GET /accounts/{id}/plan`: the plan of the account (the current one, or
//! `?plan=<id>`; a closed plan reads from what was frozen when it was closed),
//! the most important first: overdue actions and off-track objectives. Its
//! actions and objectives as CSV.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::check::{Errors, Fields};
use super::{Frozen, OwnerOption, Plan, Scope, model};
use crate::accounts::{self, Account};
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::i18n::format::{self, Percent};
use crate::kpis::{self, AccountKpi};
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{render, render_status};

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    pub plan: Option<i64>,
    /// A KPI to prefill the new action with (from a red KPI row).
    #[serde(default)]
    pub kpi: Option<i64>,
    /// An action to edit in the action form.
    #[serde(default)]
    pub edit: Option<i64>,
    /// An objective to edit in the objective form.
    #[serde(default)]
    pub edit_objective: Option<i64>,
    /// A risk to edit in the risk form.
    #[serde(default)]
    pub edit_risk: Option<i64>,
}

#[derive(Template)]
#[template(path = "plan/page.html")]
pub struct PlanPage {
    pub ui: Ui,
    pub account: Account,
    /// The staff's view (the actions partial shows every column).
    pub staff_view: bool,
    pub can_edit: bool,
    pub plans: Vec<(i64, String, String)>,
    pub plan: Option<Plan>,
    pub label: String,
    pub contents: Frozen,
    pub today: NaiveDate,
    pub plan_percent: Option<Percent>,
    pub overdue: usize,
    pub kpis: Vec<AccountKpi>,
    pub owners: Vec<OwnerOption>,
    pub staff: Vec<(i64, String)>,
    /// Which form was refused, what it held and why.
    pub posted: Option<(&'static str, Fields)>,
    pub errors: Vec<(&'static str, String)>,
    pub prefill_kpi: Option<i64>,
    /// The action the action form edits (None: it adds one).
    pub editing: Option<super::Action>,
    /// The objective the objective form edits (None: it adds one).
    pub editing_objective: Option<super::Objective>,
    /// The risk the risk form edits (None: it adds one).
    pub editing_risk: Option<super::Risk>,
    pub default_year: i32,
    pub fiscal_start_month: i32,
}

impl PlanPage {
    /// The badge of a status (its colour; the word is always printed beside).
    pub fn badge(&self, status: &str) -> &'static str {
        model::badge(status)
    }

    /// What a field of `form` shows: what was typed if that form was refused.
    pub fn val(&self, form: &str, name: &str) -> String {
        match &self.posted {
            Some((f, fields)) if *f == form => fields.get(name),
            _ => String::new(),
        }
    }

    pub fn ticked(&self, form: &str, name: &str, value: &str) -> bool {
        match &self.posted {
            Some((f, fields)) if *f == form => fields.all(name).iter().any(|v| v == value),
            _ => false,
        }
    }

    /// A KPI box of the action form: ticked if typed, or prefilled from a red KPI row.
    pub fn action_kpi(&self, id: &i64) -> bool {
        match (&self.posted, &self.editing) {
            (Some(("action", _)), _) => self.ticked("action", "kpi", &id.to_string()),
            (_, Some(a)) => a.kpis.iter().any(|k| k.id == *id),
            _ => self.prefill_kpi == Some(*id),
        }
    }

    /// A field of the action form: what was typed, else the edited action's value.
    pub fn aval(&self, name: &str) -> String {
        match (&self.posted, &self.editing) {
            (Some(("action", f)), _) => f.get(name),
            (_, Some(a)) => match name {
                "title" => a.title.clone(),
                "notes" => a.notes.clone(),
                "owner" => match (a.owner_user_id, a.owner_contact_id) {
                    (Some(u), _) => format!("u:{u}"),
                    (_, Some(c)) => format!("c:{c}"),
                    _ => String::new(),
                },
                "objective" => a.objective_id.map(|o| o.to_string()).unwrap_or_default(),
                "starts" => a.starts.to_string(),
                "due" => a.due.to_string(),
                "shared" => on(a.shared),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// A field of the objective form: what was typed, else the edited objective's.
    pub fn oval(&self, name: &str) -> String {
        match (&self.posted, &self.editing_objective) {
            (Some(("objective", f)), _) => f.get(name),
            (_, Some(o)) => match name {
                "title" => o.title.clone(),
                "side" => o.side.clone(),
                "owner" => o.owner_id.map(|i| i.to_string()).unwrap_or_default(),
                "starts" => o.starts.map(|d| d.to_string()).unwrap_or_default(),
                "due" => o.due.to_string(),
                "target_note" => o.target_note.clone(),
                // The status set by hand is the one shown when nothing overrides it.
                "status" => o.status.clone(),
                "status_override" => o.status_override.clone().unwrap_or_default(),
                "override_reason" => o.override_reason.clone().unwrap_or_default(),
                "shared" => on(o.shared),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// A KPI box of the objective form: ticked if typed, else if linked.
    pub fn objective_kpi(&self, id: &i64) -> bool {
        match (&self.posted, &self.editing_objective) {
            (Some(("objective", _)), _) => self.ticked("objective", "kpi", &id.to_string()),
            (_, Some(o)) => o.kpis.iter().any(|k| k.id == *id),
            _ => false,
        }
    }

    /// A field of the risk form: what was typed, else the edited risk's.
    pub fn rval(&self, name: &str) -> String {
        match (&self.posted, &self.editing_risk) {
            (Some(("risk", f)), _) => f.get(name),
            (_, Some(r)) => match name {
                "title" => r.title.clone(),
                "owner" => r.owner_id.map(|i| i.to_string()).unwrap_or_default(),
                "mitigation" => r.mitigation.clone(),
                "level" => r.level.clone(),
                "shared" => on(r.shared),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// Where the objective form posts: a new objective, or the edited one.
    pub fn objective_target(&self) -> String {
        match &self.editing_objective {
            Some(o) => format!("/accounts/{}/plan/objectives/{}", self.account.id, o.id),
            None => format!("/accounts/{}/plan/objectives", self.account.id),
        }
    }

    /// Where the risk form posts: a new risk, or the edited one.
    pub fn risk_target(&self) -> String {
        match &self.editing_risk {
            Some(r) => format!("/accounts/{}/plan/risks/{}", self.account.id, r.id),
            None => format!("/accounts/{}/plan/risks", self.account.id),
        }
    }

    /// Where the action form posts: a new action, or the edited one.
    pub fn action_target(&self) -> String {
        match &self.editing {
            Some(a) => format!("/accounts/{}/plan/actions/{}", self.account.id, a.id),
            None => format!("/accounts/{}/plan/actions", self.account.id),
        }
    }

    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        match &self.posted {
            Some((f, _)) if *f == form => self
                .errors
                .iter()
                .find(|(k, _)| *k == field)
                .map(|(_, m)| m.as_str()),
            _ => None,
        }
    }

    /// Whether the actions table has a column of forms (status and edit).
    pub fn action_controls(&self) -> bool {
        self.can_edit && self.is_open()
    }

    /// Staff change an action's status with the status form, never "mark done".
    pub fn mine(&self, _a: &super::Action) -> bool {
        false
    }

    pub fn is_open(&self) -> bool {
        self.plan.as_ref().is_some_and(|p| p.status != "closed")
    }

    pub fn overdue(&self, a: &super::Action) -> bool {
        model::is_overdue(&a.status, a.due, self.today)
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

    pub fn effect_name(&self, e: &super::effect::EffectRow) -> String {
        e.name(self.ui.locale).to_owned()
    }

    pub fn effect_value(&self, e: &super::effect::EffectRow, which: &str) -> String {
        let v = match which {
            "before" => e.before,
            "actual" => e.actual,
            _ => e.expected,
        };
        e.show(v, self.ui.locale)
    }

    pub fn objective_pct(&self, id: &i64) -> String {
        self.pct(&self.objective_percent(id))
    }

    pub fn own_kpi_name(&self, k: &AccountKpi) -> String {
        k.name(self.ui.locale).to_owned()
    }

    /// Percent complete of an objective: its actions done among those not cancelled.
    pub fn objective_percent(&self, id: &i64) -> Option<Percent> {
        model::percent_complete(
            self.contents
                .actions
                .iter()
                .filter(|a| a.objective_id == Some(*id))
                .map(|a| a.status.as_str()),
        )
    }

    pub fn snapshot_score(&self) -> String {
        self.contents
            .snapshot
            .overall
            .map(|s| format::number(self.ui.locale, crate::scoring::shown(s), 0))
            .unwrap_or_else(|| "—".into())
    }

    pub fn snapshot_revenue(&self) -> String {
        self.contents
            .snapshot
            .revenue
            .map(|r| format::number(self.ui.locale, r, 0))
            .unwrap_or_else(|| "—".into())
    }
}

/// A checkbox's posted value.
fn on(ticked: bool) -> String {
    if ticked { "on".into() } else { String::new() }
}

/// "2026" for a calendar year, "2026–2027" for a fiscal year across two.
pub fn period_label(p: &Plan) -> String {
    if p.period_start.year() == p.period_end.year() {
        p.period_start.year().to_string()
    } else {
        format!("{}–{}", p.period_start.year(), p.period_end.year())
    }
}

pub async fn build(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
    want: Option<i64>,
) -> AppResult<PlanPage> {
    // Objective statuses read the stored scorecard state: bring it up to date first.
    crate::scorecard::state::bring_up_to_date(&state.db, &[account.id]).await?;
    let plans = super::plans_of(&state.db, account.id).await?;
    let plan = match want {
        Some(id) => Some(
            plans
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => super::current(&plans).cloned(),
    };
    let contents = match &plan {
        Some(p) if p.status == "closed" => {
            p.frozen.as_ref().map(|f| f.0.clone()).unwrap_or_default()
        }
        Some(p) => super::contents(&state.db, p, Scope::Everything).await?,
        None => Frozen::default(),
    };
    let today = Utc::now().date_naive();
    let fiscal_start_month: i16 =
        sqlx::query_scalar("SELECT fiscal_start_month FROM accounts WHERE id = $1")
            .bind(account.id)
            .fetch_one(&state.db)
            .await?;
    let default_year = plans
        .first()
        .map(|p| p.period_start.year() + 1)
        .unwrap_or_else(|| model::period_year(today, fiscal_start_month as u32));
    Ok(PlanPage {
        plan_percent: model::percent_complete(contents.actions.iter().map(|a| a.status.as_str())),
        overdue: contents
            .actions
            .iter()
            .filter(|a| model::is_overdue(&a.status, a.due, today))
            .count(),
        plans: plans
            .iter()
            .map(|p| (p.id, period_label(p), p.status.clone()))
            .collect(),
        label: plan.as_ref().map(period_label).unwrap_or_default(),
        plan,
        contents,
        today,
        kpis: kpis::for_account(&state.db, account.id).await?,
        owners: super::owner_options(&state.db, account.id).await?,
        staff: super::staff_options(&state.db).await?,
        posted: None,
        errors: Vec::new(),
        prefill_kpi: None,
        editing: None,
        editing_objective: None,
        editing_risk: None,
        default_year,
        fiscal_start_month: i32::from(fiscal_start_month),
        staff_view: true,
        can_edit,
        account,
        ui,
    })
}

/// `GET /accounts/{id}/plan`
pub async fn show(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_edit = accounts::can_edit(&user, &account);
    let mut page = build(&state, ui, account, can_edit, q.plan).await?;
    page.prefill_kpi = q.kpi.filter(|k| page.kpis.iter().any(|x| x.id == *k));
    if page.is_open() && page.can_edit {
        page.editing = q
            .edit
            .and_then(|id| page.contents.actions.iter().find(|a| a.id == id).cloned());
        page.editing_objective = q.edit_objective.and_then(|id| {
            page.contents
                .objectives
                .iter()
                .find(|o| o.id == id)
                .cloned()
        });
        page.editing_risk = q
            .edit_risk
            .and_then(|id| page.contents.risks.iter().find(|r| r.id == id).cloned());
    }
    render(&page)
}

/// The plan page again, 422, with a refused form's input and messages.
pub async fn refused(
    state: &AppState,
    ui: Ui,
    account: Account,
    plan: Option<i64>,
    form: &'static str,
    fields: Fields,
    errors: Errors,
) -> AppResult<Response> {
    let plans = super::plans_of(&state.db, account.id).await?;
    let want = plan.filter(|id| plans.iter().any(|p| p.id == *id));
    let mut page = build(state, ui, account, true, want).await?;
    page.errors = errors
        .into_iter()
        .map(|(f, k)| {
            let m = if k == "plan-error-too-long" {
                page.ui.locale.t_args(
                    "plan-error-too-long",
                    &[("max", (model::TEXT_MAX as i64).into())],
                )
            } else {
                page.ui.t(k)
            };
            (f, m)
        })
        .collect();
    // A refused edit keeps editing the same item.
    let edited = |name: &str| fields.get(name).parse::<i64>().ok();
    match form {
        "action" => {
            page.editing = edited("action")
                .and_then(|id| page.contents.actions.iter().find(|a| a.id == id).cloned());
        }
        "objective" => {
            page.editing_objective = edited("objective_id").and_then(|id| {
                page.contents
                    .objectives
                    .iter()
                    .find(|o| o.id == id)
                    .cloned()
            });
        }
        "risk" => {
            page.editing_risk = edited("risk_id")
                .and_then(|id| page.contents.risks.iter().find(|r| r.id == id).cloned());
        }
        _ => {}
    }
    page.posted = Some((form, fields));
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn csv_contents(
    state: &AppState,
    user: &crate::users::User,
    id: i64,
    q: &PlanQuery,
) -> AppResult<(Account, String, Frozen)> {
    let account = accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plans = super::plans_of(&state.db, id).await?;
    let plan = match q.plan {
        Some(p) => plans.iter().find(|x| x.id == p).ok_or(AppError::NotFound)?,
        None => super::current(&plans).ok_or(AppError::NotFound)?,
    };
    let contents = match &plan.frozen {
        Some(f) if plan.status == "closed" => f.0.clone(),
        _ => super::contents(&state.db, plan, Scope::Everything).await?,
    };
    Ok((account, period_label(plan), contents))
}

/// `GET /accounts/{id}/plan/actions.csv`
pub async fn actions_csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> AppResult<CsvResponse> {
    let (account, label, c) = csv_contents(&state, &user, id, &q).await?;
    let today = Utc::now().date_naive();
    let mut csv = Csv::new(&[
        "id".into(),
        ui.t("plan-col-action"),
        ui.t("plan-col-objective"),
        ui.t("plan-col-owner"),
        ui.t("plan-col-owner-kind"),
        ui.t("plan-col-starts"),
        ui.t("plan-col-due"),
        ui.t("plan-col-status"),
        ui.t("plan-col-overdue"),
        ui.t("plan-col-shared"),
        ui.t("plan-col-kpis"),
    ])?;
    for a in &c.actions {
        csv.row(&[
            a.id.to_string(),
            a.title.clone(),
            a.objective_title.clone().unwrap_or_default(),
            a.owner_name.clone(),
            a.owner_kind.clone(),
            a.starts.to_string(),
            a.due.to_string(),
            a.status.clone(),
            model::is_overdue(&a.status, a.due, today).to_string(),
            a.shared.to_string(),
            a.kpis
                .iter()
                .map(|k| k.id.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ])?;
    }
    csv.finish(&format!("{}-plan-{label}-actions.csv", account.slug))
}

/// `GET /accounts/{id}/plan/objectives.csv`
pub async fn objectives_csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> AppResult<CsvResponse> {
    let (account, label, c) = csv_contents(&state, &user, id, &q).await?;
    let mut csv = Csv::new(&[
        "id".into(),
        ui.t("plan-col-objective"),
        ui.t("plan-col-side"),
        ui.t("plan-col-owner"),
        ui.t("plan-col-starts"),
        ui.t("plan-col-due"),
        ui.t("plan-col-status"),
        ui.t("plan-col-proposed"),
        ui.t("plan-col-reason"),
        ui.t("plan-col-percent"),
        ui.t("plan-col-shared"),
        ui.t("plan-col-kpis"),
    ])?;
    for o in &c.objectives {
        let pct = model::percent_complete(
            c.actions
                .iter()
                .filter(|a| a.objective_id == Some(o.id))
                .map(|a| a.status.as_str()),
        );
        csv.row(&[
            o.id.to_string(),
            o.title.clone(),
            o.side.clone(),
            o.owner_name.clone().unwrap_or_default(),
            o.starts.map(|d| d.to_string()).unwrap_or_default(),
            o.due.to_string(),
            o.status.clone(),
            o.proposed.clone().unwrap_or_default(),
            o.override_reason.clone().unwrap_or_default(),
            pct.map(|p| p.csv(0)).unwrap_or_default(),
            o.shared.to_string(),
            o.kpis
                .iter()
                .map(|k| k.id.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ])?;
    }
    csv.finish(&format!("{}-plan-{label}-objectives.csv", account.slug))
}
