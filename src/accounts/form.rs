//! Creating and editing an account's record.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;

use crate::accounts::EditableAccount;
use crate::accounts::editable;
use crate::accounts::{self, Account, Tier, team};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::authz;
use crate::domain::TeamFunction;
use crate::error::AppResult;
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub international: Option<String>,
    #[serde(default)]
    pub subsidiaries_present: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub owner_id: String,
    #[serde(default)]
    pub relationship_start: String,
    /// The `updated_at` the form was loaded with: a later one means someone else saved.
    #[serde(default)]
    pub version: String,
}

impl AccountForm {
    fn from_account(a: &Account) -> Self {
        Self {
            name: a.name.clone(),
            slug: a.slug.clone(),
            industry: a.industry.clone(),
            country: a.country.clone(),
            international: a.international.then(|| "on".into()),
            subsidiaries_present: a.subsidiaries_present.to_string(),
            tier: serde_plain(a.tier),
            owner_id: a.owner_id.map(|i| i.to_string()).unwrap_or_default(),
            relationship_start: a
                .relationship_start
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: a.updated_at.timestamp_micros().to_string(),
        }
    }
}

fn serde_plain(t: Tier) -> String {
    match t {
        Tier::KeyAccount => "key_account",
        Tier::Candidate => "candidate",
        Tier::Managed => "managed",
    }
    .into()
}

/// A checked account record.
#[derive(Debug, serde::Serialize)]
struct Valid {
    name: String,
    slug: String,
    industry: String,
    country: String,
    international: bool,
    subsidiaries_present: i32,
    tier: Tier,
    owner_id: Option<i64>,
    relationship_start: Option<NaiveDate>,
}

type Errors = BTreeMap<&'static str, &'static str>;

fn validate(f: &AccountForm, kams: &[i64], user: &User) -> Result<Valid, Errors> {
    let mut e = Errors::new();
    let name = f.name.trim().to_owned();
    if name.is_empty() {
        e.insert("name", "field-required");
    } else if name.chars().count() > 200 {
        e.insert("name", "field-too-long");
    }
    let slug = f.slug.trim().to_lowercase();
    let slug_ok = !slug.is_empty()
        && slug.len() <= 60
        && slug.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if slug.is_empty() {
        e.insert("slug", "field-required");
    } else if !slug_ok {
        e.insert("slug", "account-slug-invalid");
    }
    let industry = f.industry.trim().to_owned();
    if industry.is_empty() {
        e.insert("industry", "field-required");
    } else if industry.chars().count() > 100 {
        e.insert("industry", "field-too-long");
    }
    let country = f.country.trim().to_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        e.insert("country", "account-country-invalid");
    }
    let subsidiaries_present = match f.subsidiaries_present.trim() {
        "" => Some(0),
        s => s.parse::<i32>().ok().filter(|n| (0..=10_000).contains(n)),
    };
    if subsidiaries_present.is_none() {
        e.insert("subsidiaries_present", "field-whole-number");
    }
    let tier = match f.tier.as_str() {
        "key_account" => Some(Tier::KeyAccount),
        "candidate" => Some(Tier::Candidate),
        "managed" => Some(Tier::Managed),
        _ => None,
    };
    if tier.is_none() {
        e.insert("tier", "field-required");
    }
    // A KAM creates accounts for themselves; directors and admins choose the owner.
    let owner_id = if !authz::chooses_account_owner(user) {
        Some(user.id)
    } else {
        match f.owner_id.trim() {
            "" => None,
            s => match s.parse::<i64>().ok().filter(|id| kams.contains(id)) {
                Some(id) => Some(id),
                None => {
                    e.insert("owner_id", "account-owner-invalid");
                    None
                }
            },
        }
    };
    let relationship_start = match f.relationship_start.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d <= Utc::now().date_naive() && d.year_ce().1 >= 1900 => Some(d),
            _ => {
                e.insert("relationship_start", "field-date-invalid");
                None
            }
        },
    };
    match (tier, subsidiaries_present) {
        (Some(tier), Some(subsidiaries_present)) if e.is_empty() => Ok(Valid {
            name,
            slug,
            industry,
            country,
            international: f.international.is_some(),
            subsidiaries_present,
            tier,
            owner_id,
            relationship_start,
        }),
        _ => Err(e),
    }
}

#[derive(Template)]
#[template(path = "accounts/form.html")]
pub struct FormPage {
    pub ui: Ui,
    /// None when creating.
    pub account_id: Option<i64>,
    pub form: AccountForm,
    pub errors: BTreeMap<&'static str, String>,
    pub kams: Vec<(i64, String)>,
    pub choose_owner: bool,
    pub conflict: bool,
    pub team: Vec<team::Member>,
    pub team_candidates: Vec<(i64, String)>,
    pub functions: &'static [TeamFunction],
}

impl FormPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn is_owner(&self, id: &i64) -> bool {
        self.form.owner_id == id.to_string()
    }

    pub fn action(&self) -> String {
        match self.account_id {
            Some(id) => format!("/accounts/{id}"),
            None => "/accounts".into(),
        }
    }
}

async fn page(
    state: &AppState,
    user: &User,
    ui: Ui,
    account_id: Option<i64>,
    form: AccountForm,
    errors: Errors,
    conflict: bool,
) -> AppResult<FormPage> {
    let kams = accounts::kam_options(&state.db).await?;
    let errors = errors.into_iter().map(|(k, v)| (k, ui.t(v))).collect();
    let (team, team_candidates) = match account_id {
        Some(id) => (
            team::members(&state.db, id).await?,
            team::candidates(&state.db).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(FormPage {
        ui,
        account_id,
        form,
        errors,
        kams,
        choose_owner: authz::chooses_account_owner(user),
        conflict,
        team,
        team_candidates,
        functions: TeamFunction::ALL,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let form = AccountForm {
        tier: "candidate".into(),
        ..AccountForm::default()
    };
    render(&page(&state, &user, ui, None, form, Errors::new(), false).await?)
}

pub async fn create(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    let kams: Vec<i64> = accounts::kam_options(&state.db)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let v = match validate(&form, &kams, &user) {
        Ok(v) => v,
        Err(e) => {
            let p = page(&state, &user, ui, None, form, e, false).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO accounts (name, slug, industry, country, international, subsidiaries_present, tier, owner_id, relationship_start) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&v.name)
    .bind(&v.slug)
    .bind(&v.industry)
    .bind(&v.country)
    .bind(v.international)
    .bind(v.subsidiaries_present)
    .bind(v.tier)
    .bind(v.owner_id)
    .bind(v.relationship_start)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("accounts_slug_key") => {
            let p = page(
                &state,
                &user,
                ui,
                None,
                form,
                Errors::from([("slug", "account-slug-taken")]),
                false,
            )
            .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountCreated)
            .on("account", id)
            .account(Some(id))
            .after(&v),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "account-created").await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

pub async fn edit_page(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let id = account.id;
    let form = AccountForm::from_account(&account);
    render(&page(&state, &user, ui, Some(id), form, Errors::new(), false).await?)
}

pub async fn update(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    let id = account.id;
    let kams: Vec<i64> = accounts::kam_options(&state.db)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut v = match validate(&form, &kams, &user) {
        Ok(v) => v,
        Err(e) => {
            let p = page(&state, &user, ui, Some(id), form, e, false).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    // Only directors and admins reassign accounts; a KAM's edit keeps the owner.
    if !authz::chooses_account_owner(&user) {
        v.owner_id = account.owner_id;
    }
    let version: Option<DateTime<Utc>> = form
        .version
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros);
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query(
        "UPDATE accounts SET name = $2, slug = $3, industry = $4, country = $5, international = $6, \
                subsidiaries_present = $7, tier = $8, owner_id = $9, relationship_start = $10 \
         WHERE id = $1 AND date_trunc('microseconds', updated_at) = $11",
    )
    .bind(id)
    .bind(&v.name)
    .bind(&v.slug)
    .bind(&v.industry)
    .bind(&v.country)
    .bind(v.international)
    .bind(v.subsidiaries_present)
    .bind(v.tier)
    .bind(v.owner_id)
    .bind(v.relationship_start)
    .bind(version)
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(r) if r.rows_affected() == 1 => {}
        Ok(_) => {
            // Someone saved in between: show their version, keep nothing silently.
            drop(tx);
            let fresh = editable(&state, &user, id).await?;
            let p = page(
                &state,
                &user,
                ui,
                Some(id),
                AccountForm::from_account(&fresh),
                Errors::new(),
                true,
            )
            .await?;
            return render_status(StatusCode::CONFLICT, &p);
        }
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("accounts_slug_key") => {
            let p = page(
                &state,
                &user,
                ui,
                Some(id),
                form,
                Errors::from([("slug", "account-slug-taken")]),
                false,
            )
            .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::AccountUpdated)
            .on("account", id)
            .account(Some(id))
            .before(&account)
            .after(&v),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "account-saved").await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::Role;

    fn kam() -> User {
        User {
            id: 7,
            email: "k@x".into(),
            name: "K".into(),
            role: Role::Kam,
            account_id: None,
            locale: None,
            active: true,
            sessions_valid_after: Utc::now(),
            last_login_at: None,
        }
    }

    fn form() -> AccountForm {
        AccountForm {
            name: "Acme".into(),
            slug: "acme".into(),
            industry: "Retail".into(),
            country: "fr".into(),
            tier: "candidate".into(),
            ..AccountForm::default()
        }
    }

    #[test]
    fn a_kam_owns_what_they_create() {
        let v = validate(
            &AccountForm {
                owner_id: "99".into(),
                ..form()
            },
            &[99],
            &kam(),
        )
        .unwrap();
        assert_eq!(v.owner_id, Some(7));
        assert_eq!(v.country, "FR");
    }

    #[test]
    fn bad_fields_are_named() {
        let f = AccountForm {
            slug: "Not a slug".into(),
            country: "France".into(),
            subsidiaries_present: "-2".into(),
            relationship_start: "2999-01-01".into(),
            ..form()
        };
        let e = validate(&f, &[], &kam()).unwrap_err();
        assert_eq!(e.get("slug"), Some(&"account-slug-invalid"));
        assert_eq!(e.get("country"), Some(&"account-country-invalid"));
        assert_eq!(e.get("subsidiaries_present"), Some(&"field-whole-number"));
        assert_eq!(e.get("relationship_start"), Some(&"field-date-invalid"));
    }
}
