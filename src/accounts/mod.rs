//! Key accounts: the record, its queries, and (for now) the list page.

pub mod access;
pub mod form;
pub mod list;
pub mod team;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

pub use access::{EditableAccount, VisibleAccount, editable};

use crate::authz;
use crate::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type, Serialize, serde::Deserialize)]
#[sqlx(type_name = "account_tier", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    KeyAccount,
    Candidate,
    Managed,
}

impl Tier {
    pub fn label_key(self) -> &'static str {
        match self {
            Tier::KeyAccount => "tier-key-account",
            Tier::Candidate => "tier-candidate",
            Tier::Managed => "tier-managed",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AccountSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub industry: String,
    pub country: String,
    pub tier: Tier,
    pub stage: i16,
    pub owner_name: Option<String>,
    pub relationship_start: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl AccountSummary {
    pub fn stage_key(&self) -> String {
        format!("stage-{}", self.stage)
    }
}

/// The accounts a staff user may see: KAMs their own, directors and admins all.
/// Scoped in SQL so that a forgotten filter in a handler cannot widen it.
pub async fn visible_to(db: impl PgExecutor<'_>, user: &User) -> sqlx::Result<Vec<AccountSummary>> {
    sqlx::query_as(&format!(
        "SELECT a.id, a.slug, a.name, a.industry, a.country::text AS country, a.tier, a.stage, \
                u.name AS owner_name, a.relationship_start, a.updated_at \
         FROM accounts a LEFT JOIN users u ON u.id = a.owner_id \
         WHERE {} \
         ORDER BY a.tier, lower(a.name)",
        authz::sees_account_sql(1)
    ))
    .bind(authz::member_filter(user))
    .fetch_all(db)
    .await
}

/// The ids of the accounts [`visible_to`] lists, in increasing order, or `None` when
/// the user sees every account (no list to load, nothing to filter by).
pub async fn visible_ids(db: impl PgExecutor<'_>, user: &User) -> sqlx::Result<Option<Vec<i64>>> {
    if authz::member_filter(user).is_none() {
        return Ok(None);
    }
    let ids = sqlx::query_scalar(&format!(
        "SELECT a.id FROM accounts a WHERE {} ORDER BY a.id",
        authz::sees_account_sql(1)
    ))
    .bind(authz::member_filter(user))
    .fetch_all(db)
    .await?;
    Ok(Some(ids))
}

/// An account in full, as the scorecard header and the edit form need it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Account {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub industry: String,
    pub country: String,
    pub international: bool,
    pub subsidiaries_present: i32,
    pub tier: Tier,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub stage: i16,
    pub relationship_start: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    pub fn stage_key(&self) -> String {
        format!("stage-{}", self.stage)
    }
}

/// The columns of `Account`, from `accounts a` with the owner's name.
const ACCOUNT_SELECT: &str = "SELECT a.id, a.slug, a.name, a.industry, a.country::text AS country, a.international, \
     a.subsidiaries_present, a.tier, a.owner_id, u.name AS owner_name, a.stage, \
     a.relationship_start, a.created_at, a.updated_at \
     FROM accounts a LEFT JOIN users u ON u.id = a.owner_id";

/// The account if `user` may see it: admins and directors see every account, a KAM
/// the accounts they own or work on (account team). Anyone else: None, which the
/// handlers answer with 404 so that ids reveal nothing.
pub async fn find_visible(
    db: impl PgExecutor<'_>,
    user: &User,
    id: i64,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(&format!(
        "{ACCOUNT_SELECT} WHERE a.id = $1 AND {}",
        authz::sees_account_sql(2)
    ))
    .bind(id)
    .bind(authz::member_filter(user))
    .fetch_optional(db)
    .await
}

/// An account by id with no visibility check: only for callers that authorised the
/// user another way (a contributor who owns one of its KPIs).
pub async fn find_unchecked(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(&format!("{ACCOUNT_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Who may change an account's record, team and KPIs: admins, directors, its owner.
pub fn can_edit(user: &User, account: &Account) -> bool {
    authz::may_edit_account(user, account.owner_id)
}

/// The one account of a client user, with its owner.
pub async fn of_client(
    db: impl PgExecutor<'_>,
    user: &User,
) -> sqlx::Result<Option<AccountSummary>> {
    sqlx::query_as(
        "SELECT a.id, a.slug, a.name, a.industry, a.country::text AS country, a.tier, a.stage, \
                u.name AS owner_name, a.relationship_start, a.updated_at \
         FROM accounts a LEFT JOIN users u ON u.id = a.owner_id \
         WHERE a.id = $1",
    )
    .bind(user.account_id)
    .fetch_optional(db)
    .await
}

pub async fn id_by_slug(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db)
        .await
}

/// KAMs who can own an account, for the owner select.
pub async fn kam_options(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM users WHERE role = 'kam' AND active ORDER BY lower(name)")
        .fetch_all(db)
        .await
}

pub async fn options(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM accounts ORDER BY lower(name)")
        .fetch_all(db)
        .await
}
