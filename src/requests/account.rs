//! `/accounts/{id}/requests`: one account's requests for a month, their completion
//! per owner, and (for those who may edit the account) the form to ask each KPI's
//! owner for its value.

use std::collections::{BTreeMap, HashSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::accounts::{self, Account};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::period::Period;
use crate::requests::mails::{self, Item};
use crate::requests::rules::{self, Status};
use crate::requests::store::{self, NewRequest};
use crate::requests::{Completion, RequestView, completion, month_of, view};
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    pub period: Option<String>,
}

/// A KPI the form offers for the month.
pub struct Candidate {
    pub kpi_id: i64,
    pub name: String,
    pub period_label: String,
    pub owner: Option<String>,
    /// Why it cannot be asked (translation already applied), if so.
    pub blocked: Option<String>,
    /// Already answered or already requested: listed, not offered.
    pub done: Option<String>,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "requests/account.html")]
pub struct AccountRequestsPage {
    pub ui: Ui,
    pub account: Account,
    pub month_code: String,
    pub month_label: String,
    pub prev_code: String,
    pub next_code: String,
    pub can_edit: bool,
    pub mails: bool,
    pub rows: Vec<RequestView>,
    pub by_owner: Vec<Completion>,
    pub total: Completion,
    pub statuses: [Status; 4],
    pub candidates: Vec<Candidate>,
    pub due: String,
    pub note: String,
    pub errors: Vec<String>,
}

async fn visible(state: &AppState, user: &User, id: i64) -> AppResult<Account> {
    accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The period each KPI closes in `month` (a quarterly KPI only in a quarter's last month).
fn period_in(frequency: crate::domain::Frequency, month: &Period) -> Option<Period> {
    let p = Period::containing(frequency, month.start);
    (p.closing_month() == month.start).then_some(p)
}

async fn build(
    state: &AppState,
    ui: Ui,
    user: &User,
    account: Account,
    month: Period,
    chosen: Option<&HashSet<i64>>,
) -> AppResult<AccountRequestsPage> {
    let today = state.clock.today();
    let rows = store::closing_in(&state.db, month.start, None, Some(account.id)).await?;
    let (by_owner, total) = completion(&rows, today, |r| &r.owner_name, ui.t("request-total"));
    let views = rows.iter().map(|r| view(&ui, r, today)).collect();
    let can_edit = accounts::can_edit(user, &account);
    let mut candidates = Vec::new();
    if can_edit {
        let (values, requested) = store::taken(&state.db, account.id).await?;
        for k in store::kpi_owners(&state.db, account.id).await? {
            let Some(period) = period_in(k.frequency, &month) else {
                continue;
            };
            let key = (k.id, period.start);
            let done = if values.contains(&key) {
                Some(ui.t("request-already-answered"))
            } else if requested.contains(&key) {
                Some(ui.t("request-already-asked"))
            } else {
                None
            };
            let blocked = match (&k.owner_name, k.askable) {
                (None, _) => Some(ui.t("request-no-owner")),
                (Some(_), Some(false)) => Some(ui.t("request-owner-unreachable-short")),
                _ => None,
            };
            let offered = done.is_none() && blocked.is_none();
            candidates.push(Candidate {
                kpi_id: k.id,
                name: k.name(ui.locale),
                period_label: period.label(ui.locale),
                owner: k.owner_name.clone(),
                checked: offered && chosen.is_none_or(|c| c.contains(&k.id)),
                blocked,
                done,
            });
        }
    }
    let due = rules::default_due(&month).to_string();
    Ok(AccountRequestsPage {
        month_code: month.code(),
        month_label: month.label(ui.locale),
        prev_code: month.prev().code(),
        next_code: month.next().code(),
        can_edit,
        mails: state.jobs.mails(),
        rows: views,
        by_owner,
        total,
        statuses: Status::ALL,
        candidates,
        due,
        note: String::new(),
        errors: Vec::new(),
        account,
        ui,
    })
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let account = visible(&state, &user, id).await?;
    let month = month_of(q.period.as_deref(), state.clock.today());
    let p = build(&state, ui, &user, account, month, None).await?;
    render_status(StatusCode::OK, &p)
}

pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> AppResult<CsvResponse> {
    let account = visible(&state, &user, id).await?;
    let today = state.clock.today();
    let month = month_of(q.period.as_deref(), today);
    let rows = store::closing_in(&state.db, month.start, None, Some(account.id)).await?;
    let mut out = Csv::new(&super::csv_header(ui.locale))?;
    for r in &rows {
        out.row(&super::csv_row(&ui, &view(&ui, r, today)))?;
    }
    out.finish(&format!("requests-{}-{}.csv", account.slug, month.code()))
}

/// `POST /accounts/{id}/requests`: `kpi` repeated once per KPI asked for.
pub async fn create(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> AppResult<Response> {
    let account = visible(&state, &user, id).await?;
    if !accounts::can_edit(&user, &account) {
        return Err(AppError::Forbidden);
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen: HashSet<i64> = pairs
        .iter()
        .filter(|(n, _)| n == "kpi")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    let month = Period::parse(crate::domain::Frequency::Monthly, &field("month"));
    let due_raw = field("due");
    let note_raw = field("note");
    let due = NaiveDate::parse_from_str(due_raw.trim(), "%Y-%m-%d");
    let note = note_raw.trim().to_owned();

    let mut errors: Vec<String> = Vec::new();
    let Ok(month) = month else {
        return Err(AppError::Unprocessable("period-invalid"));
    };
    let owners = store::kpi_owners(&state.db, account.id).await?;
    let (values, requested) = store::taken(&state.db, account.id).await?;
    if chosen.is_empty() {
        errors.push(ui.t("request-choose-kpi"));
    }
    if crate::web::input::has_forbidden(&note) {
        errors.push(ui.t("error-control-characters"));
    } else if note.chars().count() > 1000 {
        errors.push(ui.t("request-note-too-long"));
    }
    let due = match due {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(ui.t("request-due-invalid"));
            None
        }
    };
    let mut to_create: Vec<(&store::KpiOwner, Period)> = Vec::new();
    for k in owners.iter().filter(|k| chosen.contains(&k.id)) {
        let name = k.name(ui.locale);
        let Some(period) = period_in(k.frequency, &month) else {
            continue;
        };
        match (&k.owner_name, k.askable, &k.owner_email) {
            (None, _, _) => errors.push(
                ui.locale
                    .t_args("request-kpi-no-owner", &[("kpi", name.clone().into())]),
            ),
            (Some(o), Some(false), _) | (Some(o), _, None) => errors.push(ui.locale.t_args(
                "request-owner-unreachable",
                &[("kpi", name.clone().into()), ("owner", o.clone().into())],
            )),
            _ => {}
        }
        if let Some(d) = due
            && let Err(key) = rules::check_due(&period, d)
        {
            errors.push(ui.locale.t_args(
                key,
                &[
                    ("kpi", name.clone().into()),
                    ("end", ui.date(&period.end()).into()),
                ],
            ));
        }
        let key = (k.id, period.start);
        if !values.contains(&key) && !requested.contains(&key) {
            to_create.push((k, period));
        }
    }
    // Unknown ids (another account's KPI, a KPI not closing this month) are refused.
    if chosen.iter().any(|id| {
        !owners
            .iter()
            .any(|k| k.id == *id && period_in(k.frequency, &month).is_some())
    }) {
        errors.push(ui.t("request-choose-kpi"));
    }
    errors.dedup();
    if !errors.is_empty() {
        let mut p = build(&state, ui, &user, account, month, Some(&chosen)).await?;
        p.due = crate::web::input::visible(&due_raw);
        p.note = crate::web::input::visible(&note_raw);
        p.errors = errors;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let due = due.unwrap_or_else(|| rules::default_due(&month));

    let mut tx = state.db.begin().await?;
    // Owner id → (name, e-mail, locale), the new requests' items.
    let mut per_owner: BTreeMap<i64, Vec<(&store::KpiOwner, Period)>> = BTreeMap::new();
    let mut created = 0;
    for (k, period) in &to_create {
        let Some(owner_id) = k.owner_id else { continue };
        let new = NewRequest {
            kpi_id: k.id,
            period: period.start,
            owner_id,
            requested_by: Some(user.id),
            due_on: due,
            note: &note,
        };
        if let Some(request_id) = store::insert(&mut tx, &new).await? {
            created += 1;
            per_owner.entry(owner_id).or_default().push((k, *period));
            audit::record(
                &mut *tx,
                &ctx.actor(),
                audit::Entry::new(audit::Action::DataRequestCreated)
                    .on("data_request", request_id)
                    .account(Some(account.id))
                    .after(serde_json::json!({
                        "kpi": k.id, "period": period.code(), "owner": owner_id,
                        "due_on": due, "note": note,
                    })),
            )
            .await?;
        }
    }
    if state.jobs.mails() {
        let site = mails::site(&state.config);
        for (owner_id, items) in &per_owner {
            let locale_code: Option<String> =
                sqlx::query_scalar("SELECT locale FROM users WHERE id = $1")
                    .bind(owner_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let locale = mails::locale_of(locale_code.as_deref());
            let first = items[0].0;
            let list: Vec<Item> = items
                .iter()
                .map(|(k, p)| Item {
                    kpi: k.name(locale),
                    period: p.label(locale),
                })
                .collect();
            let mail = mails::request(
                locale,
                site.as_deref(),
                first.owner_name.as_deref().unwrap_or_default(),
                first.owner_email.as_deref().unwrap_or_default(),
                &user.name,
                &account.name,
                &list,
                due,
                &note,
            );
            state.jobs.send_mail(&mut tx, &mail).await?;
        }
    }
    crate::db::commit(tx).await?;
    let text = ui
        .locale
        .t_args("request-created", &[("count", created.into())]);
    flash::push_text(&ctx.session, flash::Kind::Success, &text).await?;
    Ok(see_other(&format!(
        "/accounts/{id}/requests?period={}",
        month.code()
    )))
}
