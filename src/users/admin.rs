//! `/admin/users`: the list of users and the form to add one.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts;
use crate::audit;
use crate::auth::extract::AdminUser;
use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, NewUser, Role, UserRow};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub ui: Ui,
    pub users: Vec<UserRow>,
}

pub async fn list(State(state): State<AppState>, _admin: AdminUser, ui: Ui) -> AppResult<Response> {
    let users = users::list(&state.db).await?;
    render(&UsersPage { ui, users })
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
pub struct NewUserPage {
    pub ui: Ui,
    pub form: UserForm,
    /// Field name → translated message.
    pub errors: BTreeMap<&'static str, String>,
    pub roles: Vec<Role>,
    pub accounts: Vec<(i64, String)>,
}

impl NewUserPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn selected_account(&self, id: &i64) -> bool {
        self.form.account_id == id.to_string()
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
) -> AppResult<Response> {
    let accounts = accounts::options(&state.db).await?;
    render(&NewUserPage {
        ui,
        form: UserForm::default(),
        errors: BTreeMap::new(),
        roles: Role::ALL.to_vec(),
        accounts,
    })
}

/// The form, checked: either a user to create or the problems, by field.
struct Valid {
    email: String,
    name: String,
    role: Role,
    account_id: Option<i64>,
    password: String,
}

fn validate(
    form: &UserForm,
    account_ids: &[i64],
) -> Result<Valid, BTreeMap<&'static str, &'static str>> {
    let mut errors = BTreeMap::new();
    let email = match crate::email::Email::parse(&form.email) {
        Ok(e) => e.to_string(),
        Err(e) => {
            errors.insert("email", e.message_key());
            String::new()
        }
    };
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name", "field-required");
    } else if name.chars().count() > 200 {
        errors.insert("name", "field-too-long");
    }
    let chosen = Role::parse(&form.role);
    if chosen.is_none() {
        errors.insert("role", "field-required");
    }
    let account_id = form
        .account_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| account_ids.contains(id));
    match chosen.map(Role::belongs_to_an_account) {
        Some(true) if account_id.is_none() => {
            errors.insert("account_id", "user-client-needs-account");
        }
        Some(false) if !form.account_id.trim().is_empty() => {
            errors.insert("account_id", "user-staff-no-account");
        }
        _ => {}
    }
    if let Err(key) = password::check_new(&form.password) {
        errors.insert("password", key);
    }
    match chosen {
        Some(role) if errors.is_empty() => Ok(Valid {
            email,
            name,
            role,
            account_id,
            password: form.password.clone(),
        }),
        _ => Err(errors),
    }
}

pub async fn create(
    State(state): State<AppState>,
    _admin: AdminUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let accounts = accounts::options(&state.db).await?;
    let ids: Vec<i64> = accounts.iter().map(|(id, _)| *id).collect();
    let again = |ui: Ui, form: UserForm, errors: BTreeMap<&'static str, &'static str>| {
        let errors = errors.into_iter().map(|(k, v)| (k, ui.t(v))).collect();
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewUserPage {
                ui,
                form: UserForm {
                    password: String::new(),
                    ..form
                },
                errors,
                roles: Role::ALL.to_vec(),
                accounts: accounts.clone(),
            },
        )
    };
    let valid = match validate(&form, &ids) {
        Ok(v) => v,
        Err(errors) => return again(ui, form, errors),
    };
    let pw = valid.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(AppError::internal)??;

    let mut tx = state.db.begin().await?;
    let created = users::insert(
        &mut *tx,
        &NewUser {
            email: &valid.email,
            name: &valid.name,
            role: valid.role,
            account_id: valid.account_id,
            password_hash: Some(&hash),
            locale: None,
        },
    )
    .await;
    let user = match created {
        Ok(u) => u,
        // Matched by constraint name: the e-mail is taken.
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("users_email_key") => {
            return again(ui, form, BTreeMap::from([("email", "email-taken")]));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::UserCreated)
            .on("user", user.id)
            .account(user.account_id)
            .after(&user),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "user-created").await?;
    Ok(see_other("/admin/users"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, role: &str, account: &str) -> UserForm {
        UserForm {
            email: email.into(),
            name: "Ada".into(),
            role: role.into(),
            account_id: account.into(),
            password: "long enough password".into(),
        }
    }

    #[test]
    fn a_client_needs_an_account_and_staff_none() {
        let e = validate(&form("a@b.example", "client", ""), &[1])
            .err()
            .unwrap();
        assert_eq!(e.get("account_id"), Some(&"user-client-needs-account"));
        let e = validate(&form("a@b.example", "kam", "1"), &[1])
            .err()
            .unwrap();
        assert_eq!(e.get("account_id"), Some(&"user-staff-no-account"));
        assert!(validate(&form("a@b.example", "client", "1"), &[1]).is_ok());
        // An account id that does not exist is not an account.
        assert!(validate(&form("a@b.example", "client", "7"), &[1]).is_err());
    }

    #[test]
    fn email_and_password_are_checked() {
        let e = validate(&form("nobody", "kam", ""), &[]).err().unwrap();
        assert_eq!(e.get("email"), Some(&"email-invalid"));
        let mut f = form("a@b.example", "kam", "");
        f.password = "short".into();
        assert_eq!(
            validate(&f, &[]).err().unwrap().get("password"),
            Some(&"password-too-short")
        );
    }
}
