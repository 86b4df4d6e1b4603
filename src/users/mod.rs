//! People: roles, the user record, and its queries.

pub mod admin;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::i18n::Locale;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    sqlx::Type,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[sqlx(type_name = "user_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Director,
    Kam,
    Contributor,
    Client,
}

impl Role {
    /// Client users belong to one account; staff belong to none (a rule of the
    /// vocabulary, not an access decision: those are in `authz`).
    pub fn belongs_to_an_account(self) -> bool {
        self == Role::Client
    }

    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Director,
        Role::Kam,
        Role::Contributor,
        Role::Client,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Kam => "kam",
            Role::Contributor => "contributor",
            Role::Client => "client",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Where each role starts after login.
    pub fn home(self) -> &'static str {
        match self {
            Role::Admin => "/admin/users",
            Role::Director => "/portfolio",
            Role::Kam => "/accounts",
            Role::Contributor => "/inbox",
            Role::Client => "/portal",
        }
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Director => "role-director",
            Role::Kam => "role-kam",
            Role::Contributor => "role-contributor",
            Role::Client => "role-client",
        }
    }
}

/// A user as the rest of the app sees them (never with the password hash).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub account_id: Option<i64>,
    pub locale: Option<String>,
    pub active: bool,
    pub sessions_valid_after: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn locale(&self) -> Option<Locale> {
        self.locale.as_deref().and_then(Locale::parse)
    }
}

const USER_COLUMNS: &str = "id, email::text AS email, name, role, account_id, locale, active, \
                            sessions_valid_after, last_login_at";

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The user and their password hash, for logging in.
pub async fn find_for_login(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<(User, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        password_hash: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.user, r.password_hash)))
}

pub async fn find_by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(
        "SELECT u.id, u.email::text AS email, u.name, u.role, u.active, u.last_login_at, \
                a.name AS account_name \
         FROM users u LEFT JOIN accounts a ON a.id = u.account_id \
         ORDER BY u.role, lower(u.name)",
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub account_name: Option<String>,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub account_id: Option<i64>,
    pub password_hash: Option<&'a str>,
    pub locale: Option<Locale>,
}

pub async fn insert(db: impl PgExecutor<'_>, u: &NewUser<'_>) -> sqlx::Result<User> {
    sqlx::query_as(&format!(
        "INSERT INTO users (email, name, role, account_id, password_hash, locale) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
    ))
    .bind(u.email)
    .bind(u.name)
    .bind(u.role)
    .bind(u.account_id)
    .bind(u.password_hash)
    .bind(u.locale.map(Locale::code))
    .fetch_one(db)
    .await
}

pub async fn set_locale(db: impl PgExecutor<'_>, id: i64, locale: Locale) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET locale = $2 WHERE id = $1")
        .bind(id)
        .bind(locale.code())
        .execute(db)
        .await
        .map(|_| ())
}

/// Sets a new password and ends every session opened before now.
pub async fn set_password(db: impl PgExecutor<'_>, id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, sessions_valid_after = now() WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn touch_login(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_login_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
