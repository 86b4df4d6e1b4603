//! Contacts per account: a light relationship map (influence, attitude, our
//! counterpart) and the network depth computed from it — contacts engaged in the
//! last six months (met, answered a survey, or gave feedback) and functions covered.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use super::network::{self, Attitude, Depth, Influence};
use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account, editable};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

pub use super::vocab::ContactFunction;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub function: String,
    pub email: Option<String>,
    pub influence: String,
    pub attitude: String,
    pub counterpart_id: Option<i64>,
    pub counterpart: Option<String>,
    pub last_met_on: Option<NaiveDate>,
    pub language: String,
    /// The contact they report to (same account).
    pub reports_to: Option<i64>,
    pub executive_sponsor: bool,
    /// The latest of: met, answered a survey, gave feedback.
    pub last_engaged: Option<NaiveDate>,
}

pub async fn for_account(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<ContactRow>> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.title, c.function, c.email, c.influence, c.attitude, c.counterpart_id, \
                u.name AS counterpart, c.last_met_on, c.language, c.reports_to, c.executive_sponsor, \
                greatest(c.last_met_on, \
                         (SELECT max(r.answered_at)::date FROM survey_responses r WHERE r.contact_id = c.id), \
                         (SELECT max(n.said_on) FROM feedback_notes n WHERE n.contact_id = c.id)) AS last_engaged \
         FROM contacts c LEFT JOIN users u ON u.id = c.counterpart_id \
         WHERE c.account_id = $1 ORDER BY lower(c.name)",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

// The database only holds known codes (its checks match the vocabularies).
fn influence(s: &str) -> Influence {
    Influence::parse(s).unwrap_or(Influence::User)
}

fn attitude(s: &str) -> Attitude {
    Attitude::parse(s).unwrap_or(Attitude::Neutral)
}

pub fn depth_of(rows: &[ContactRow], day: NaiveDate) -> Depth {
    let contacts: Vec<network::Contact> = rows
        .iter()
        .map(|c| network::Contact {
            id: c.id,
            function: c.function.clone(),
            influence: influence(&c.influence),
            attitude: attitude(&c.attitude),
            // Engagement after `day` did not exist yet on that day.
            last_engaged: c.last_engaged.filter(|d| *d <= day),
        })
        .collect();
    network::depth(&contacts, day)
}

/// The network depth of an account as it stood on `day`.
pub async fn depth_at(
    db: impl PgExecutor<'_>,
    account_id: i64,
    day: NaiveDate,
) -> sqlx::Result<Depth> {
    Ok(depth_of(&for_account(db, account_id).await?, day))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub function: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub influence: String,
    #[serde(default)]
    pub attitude: String,
    #[serde(default)]
    pub counterpart_id: String,
    #[serde(default)]
    pub last_met_on: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub reports_to: String,
    #[serde(default)]
    pub executive_sponsor: String,
    /// The one-use token of the rendered form (see `web::once`).
    #[serde(default, rename = "_once")]
    pub once: String,
}

impl ContactForm {
    fn from_row(c: &ContactRow) -> Self {
        Self {
            name: c.name.clone(),
            title: c.title.clone(),
            function: c.function.clone(),
            email: c.email.clone().unwrap_or_default(),
            influence: c.influence.clone(),
            attitude: c.attitude.clone(),
            counterpart_id: c.counterpart_id.map(|i| i.to_string()).unwrap_or_default(),
            last_met_on: c.last_met_on.map(|d| d.to_string()).unwrap_or_default(),
            language: c.language.clone(),
            reports_to: c.reports_to.map(|i| i.to_string()).unwrap_or_default(),
            executive_sponsor: if c.executive_sponsor {
                "on".into()
            } else {
                String::new()
            },
            once: String::new(),
        }
    }
}

#[derive(Serialize)]
struct Checked {
    name: String,
    title: String,
    function: String,
    email: Option<String>,
    influence: String,
    attitude: String,
    counterpart_id: Option<i64>,
    last_met_on: Option<NaiveDate>,
    language: String,
    reports_to: Option<i64>,
    executive_sponsor: bool,
}

type Errors = Vec<(&'static str, &'static str)>;

/// `managers`: (contact, who they report to) of the account, the edited contact
/// (`editing`) included: a manager must be one of them, and not one who already
/// reports to the edited contact, directly or not (a loop).
fn check(
    f: &ContactForm,
    team: &[(i64, String)],
    managers: &[(i64, Option<i64>)],
    editing: Option<i64>,
    today: NaiveDate,
) -> Result<Checked, Errors> {
    let mut errors: Errors = Vec::new();
    let reports_to = match f.reports_to.trim() {
        "" => None,
        s => match s
            .parse::<i64>()
            .ok()
            .filter(|id| managers.iter().any(|(c, _)| c == id))
        {
            None => {
                errors.push(("reports_to", "contact-error-manager"));
                None
            }
            Some(m)
                if editing.is_some_and(|e| crate::plan::orgchart::would_loop(managers, e, m)) =>
            {
                errors.push(("reports_to", "contact-error-loop"));
                None
            }
            Some(m) => Some(m),
        },
    };
    let name = f.name.trim().to_owned();
    if name.is_empty() {
        errors.push(("name", "field-required"));
    } else if name.chars().count() > 200 {
        errors.push(("name", "field-too-long"));
    }
    if f.title.chars().count() > 200 {
        errors.push(("title", "field-too-long"));
    }
    if ContactFunction::parse(&f.function).is_none() {
        errors.push(("function", "kpi-choose-from-list"));
    }
    let email = match crate::email::Email::parse_optional(&f.email) {
        Ok(e) => e.map(|e| e.to_string()),
        Err(e) => {
            errors.push(("email", e.message_key()));
            None
        }
    };
    if Influence::parse(&f.influence).is_none() {
        errors.push(("influence", "kpi-choose-from-list"));
    }
    if Attitude::parse(&f.attitude).is_none() {
        errors.push(("attitude", "kpi-choose-from-list"));
    }
    let counterpart_id = match f.counterpart_id.trim() {
        "" => None,
        s => match s
            .parse::<i64>()
            .ok()
            .filter(|id| team.iter().any(|(t, _)| t == id))
        {
            Some(id) => Some(id),
            None => {
                errors.push(("counterpart_id", "kpi-choose-from-list"));
                None
            }
        },
    };
    let last_met_on = match f.last_met_on.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d <= today => Some(d),
            Ok(_) => {
                errors.push(("last_met_on", "contact-met-in-future"));
                None
            }
            Err(_) => {
                errors.push(("last_met_on", "date-invalid"));
                None
            }
        },
    };
    let language = if f.language == "en" { "en" } else { "fr" }.to_owned();
    if errors.is_empty() {
        Ok(Checked {
            name,
            title: f.title.trim().to_owned(),
            function: f.function.clone(),
            email,
            influence: f.influence.clone(),
            attitude: f.attitude.clone(),
            counterpart_id,
            last_met_on,
            language,
            reports_to,
            executive_sponsor: f.executive_sponsor == "on",
        })
    } else {
        Err(errors)
    }
}

pub struct ContactView {
    pub row: ContactRow,
    pub engaged: bool,
    pub last_engaged: String,
    pub function: String,
    pub influence: String,
    pub attitude: String,
}

#[derive(Template)]
#[template(path = "voc/contacts.html")]
pub struct ContactsPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub contacts: Vec<ContactView>,
    pub depth: Depth,
    /// The contact being edited (None: the add form).
    pub editing: Option<i64>,
    pub form: ContactForm,
    pub errors: Vec<(&'static str, String)>,
    pub team: Vec<(i64, String)>,
}

impl ContactsPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// Internal people who can be a contact's counterpart: the owner and the team.
async fn team(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name FROM users u WHERE u.id IN \
            (SELECT owner_id FROM accounts WHERE id = $1 UNION SELECT user_id FROM account_team WHERE account_id = $1) \
         ORDER BY lower(u.name)",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
    editing: Option<i64>,
    form: Option<ContactForm>,
    errors: Errors,
) -> AppResult<ContactsPage> {
    let today = chrono::Utc::now().date_naive();
    let rows = for_account(&state.db, account.id).await?;
    let depth = depth_of(&rows, today);
    let team = team(&state.db, account.id).await?;
    let form =
        form.unwrap_or_else(
            || match editing.and_then(|id| rows.iter().find(|c| c.id == id)) {
                Some(c) => ContactForm::from_row(c),
                None => ContactForm {
                    language: account_language(&account),
                    influence: "user".into(),
                    attitude: "neutral".into(),
                    ..ContactForm::default()
                },
            },
        );
    let contacts = rows
        .into_iter()
        .map(|row| ContactView {
            function: label(
                &ui,
                ContactFunction::parse(&row.function).map(|v| v.label_key()),
            ),
            influence: label(&ui, Influence::parse(&row.influence).map(|v| v.label_key())),
            attitude: label(&ui, Attitude::parse(&row.attitude).map(|v| v.label_key())),
            engaged: row.last_engaged.is_some_and(|d| {
                d <= today && (today - d).num_days() <= network::ENGAGED_WITHIN_DAYS
            }),
            last_engaged: row
                .last_engaged
                .map(|d| ui.date(&d))
                .unwrap_or_else(|| "—".into()),
            row,
        })
        .collect();
    let errors = errors.into_iter().map(|(f, k)| (f, ui.t(k))).collect();
    Ok(ContactsPage {
        ui,
        account,
        can_edit,
        contacts,
        depth,
        editing,
        form,
        errors,
        team,
    })
}

fn account_language(account: &Account) -> String {
    if account.country.eq_ignore_ascii_case("FR") || account.country.eq_ignore_ascii_case("BE") {
        "fr".into()
    } else {
        "en".into()
    }
}

/// `GET /accounts/{id}/contacts`
pub async fn list(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
    axum::extract::Query(q): axum::extract::Query<EditQuery>,
) -> AppResult<Response> {
    let _id = account.id;
    let can_edit = accounts::can_edit(&user, &account);
    // `?edit={contact_id}` opens that contact in the form (ignored if not this account's).
    let editing = q.edit.filter(|_| can_edit);
    let mut p = page(&state, ui, account, can_edit, editing, None, Vec::new()).await?;
    if p.editing
        .is_some_and(|e| !p.contacts.iter().any(|c| c.row.id == e))
    {
        p.editing = None;
    }
    render(&p)
}

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    pub edit: Option<i64>,
}

/// `POST /accounts/{id}/contacts` (add) and `POST /accounts/{id}/contacts/{contact_id}` (edit).
pub async fn create(
    state: State<AppState>,
    user: AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    form: Form<ContactForm>,
) -> AppResult<Response> {
    save(state, user, ctx, ui, id, None, form.0).await
}

pub async fn update(
    state: State<AppState>,
    user: AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, contact_id)): Path<(i64, i64)>,
    form: Form<ContactForm>,
) -> AppResult<Response> {
    save(state, user, ctx, ui, id, Some(contact_id), form.0).await
}

async fn save(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    id: i64,
    contact_id: Option<i64>,
    form: ContactForm,
) -> AppResult<Response> {
    let account = editable(&state, &user, id).await?;
    let team = team(&state.db, id).await?;
    let managers: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, reports_to FROM contacts WHERE account_id = $1")
            .bind(id)
            .fetch_all(&state.db)
            .await?;
    let checked = match check(
        &form,
        &team,
        &managers,
        contact_id,
        chrono::Utc::now().date_naive(),
    ) {
        Ok(c) => c,
        Err(errors) => {
            let p = page(&state, ui, account, true, contact_id, Some(form), errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    if contact_id.is_none()
        && let crate::web::once::Claim::Seen { outcome } = crate::web::once::claim(
            &mut tx,
            &form.once,
            Some(user.id),
            &format!("/accounts/{id}/contacts"),
        )
        .await?
    {
        return crate::web::once::already_saved(&ctx.session, &outcome).await;
    }
    let before: Option<serde_json::Value> = match contact_id {
        Some(cid) => Some(
            sqlx::query_scalar(
                "SELECT to_jsonb(c) - 'created_at' - 'updated_at' FROM contacts c WHERE id = $1 AND account_id = $2 FOR UPDATE",
            )
            .bind(cid)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let sql = if contact_id.is_some() {
        "UPDATE contacts SET name = $2, title = $3, function = $4, email = $5, influence = $6, attitude = $7, \
                counterpart_id = $8, last_met_on = $9, language = $10, reports_to = $12, executive_sponsor = $13 \
         WHERE id = $11 AND account_id = $1 RETURNING id"
    } else {
        "INSERT INTO contacts (account_id, name, title, function, email, influence, attitude, counterpart_id, \
                               last_met_on, language, reports_to, executive_sponsor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $13) RETURNING id"
    };
    let saved: Result<i64, sqlx::Error> = sqlx::query_scalar(sql)
        .bind(id)
        .bind(&checked.name)
        .bind(&checked.title)
        .bind(&checked.function)
        .bind(&checked.email)
        .bind(&checked.influence)
        .bind(&checked.attitude)
        .bind(checked.counterpart_id)
        .bind(checked.last_met_on)
        .bind(&checked.language)
        .bind(contact_id)
        .bind(checked.reports_to)
        .bind(checked.executive_sponsor)
        .fetch_one(&mut *tx)
        .await;
    let saved_id = match saved {
        Ok(v) => v,
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("contacts_account_id_email_key") =>
        {
            drop(tx);
            let p = page(
                &state,
                ui,
                account,
                true,
                contact_id,
                Some(form),
                vec![("email", "email-taken")],
            )
            .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(if contact_id.is_some() {
            audit::Action::ContactUpdated
        } else {
            audit::Action::ContactCreated
        })
        .on("contact", saved_id)
        .account(Some(id))
        .before(before)
        .after(&checked),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "contact-saved").await?;
    Ok(see_other(&format!("/accounts/{id}/contacts")))
}

/// `GET /accounts/{id}/contacts.csv`
pub async fn csv(
    State(state): State<AppState>,
    VisibleAccount { user: _, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let id = account.id;
    let rows = for_account(&state.db, id).await?;
    let mut out = Csv::new(&[
        ui.t("col-name"),
        ui.t("contact-title"),
        ui.t("contact-function"),
        ui.t("col-email"),
        ui.t("contact-influence"),
        ui.t("contact-attitude"),
        ui.t("contact-counterpart"),
        ui.t("contact-last-engaged"),
    ])?;
    for c in rows {
        out.row(&[
            c.name,
            c.title,
            label(
                &ui,
                ContactFunction::parse(&c.function).map(|v| v.label_key()),
            ),
            c.email.unwrap_or_default(),
            label(&ui, Influence::parse(&c.influence).map(|v| v.label_key())),
            label(&ui, Attitude::parse(&c.attitude).map(|v| v.label_key())),
            c.counterpart.unwrap_or_default(),
            c.last_engaged.map(|d| d.to_string()).unwrap_or_default(),
        ])?;
    }
    out.finish(&format!("contacts-{}.csv", account.slug))
}

/// The label of a stored code; the database's checks keep codes known, so an
/// unknown one (never expected) shows as a dash rather than a raw key.
pub fn label(ui: &Ui, key: Option<String>) -> String {
    key.map_or_else(|| "—".to_owned(), |k| ui.t(&k))
}
