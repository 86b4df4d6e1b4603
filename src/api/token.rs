//! API tokens: the secret (shown once), its hash (all we keep), and the queries.
//! A token acts as its user; it can only narrow what that user may do.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgExecutor;

/// Every secret starts with this, so a leaked one is recognisable (secret scanners).
pub const SECRET_PREFIX: &str = "bsl_";

/// A new secret: 32 random bytes (256 bits) in hex after the prefix. With that much
/// entropy a plain SHA-256 is enough to store it (no salt or slow hash needed:
/// nobody can guess it, only steal it).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", hex::encode(bytes))
}

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// What the list shows of a secret: its first characters after the prefix.
pub fn display_prefix(secret: &str) -> String {
    secret
        .strip_prefix(SECRET_PREFIX)
        .unwrap_or(secret)
        .chars()
        .take(8)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Personal,
    Service,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Personal => "personal",
            Kind::Service => "service",
        }
    }
}

/// A token as the API sees it when a request presents it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub can_write: bool,
    pub account_ids: Option<Vec<i64>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Token {
    /// Usable now: not revoked, not expired.
    pub fn alive(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }

    /// Whether the token's account limit lets it reach this account.
    pub fn reaches(&self, account_id: i64) -> bool {
        self.account_ids
            .as_ref()
            .is_none_or(|ids| ids.contains(&account_id))
    }
}

pub async fn find_by_secret(db: impl PgExecutor<'_>, secret: &str) -> sqlx::Result<Option<Token>> {
    sqlx::query_as(
        "SELECT id, user_id, can_write, account_ids, expires_at, revoked_at, last_used_at \
         FROM api_tokens WHERE token_hash = $1",
    )
    .bind(hash(secret))
    .fetch_optional(db)
    .await
}

/// Marks the token used, at most once a minute (a read must not write each time).
pub async fn touch(db: impl PgExecutor<'_>, t: &Token, now: DateTime<Utc>) -> sqlx::Result<()> {
    if t.last_used_at
        .is_some_and(|at| now - at < chrono::Duration::minutes(1))
    {
        return Ok(());
    }
    sqlx::query("UPDATE api_tokens SET last_used_at = now() WHERE id = $1")
        .bind(t.id)
        .execute(db)
        .await
        .map(|_| ())
}

pub struct NewToken<'a> {
    pub user_id: i64,
    pub kind: Kind,
    pub name: &'a str,
    pub can_write: bool,
    pub account_ids: Option<Vec<i64>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: i64,
}

/// Stores a new token; returns its id and the secret (the only time it exists).
pub async fn create(db: impl PgExecutor<'_>, t: &NewToken<'_>) -> sqlx::Result<(i64, String)> {
    let secret = new_secret();
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, kind, name, token_hash, prefix, can_write, account_ids, \
                                 expires_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(t.user_id)
    .bind(t.kind.code())
    .bind(t.name)
    .bind(hash(&secret))
    .bind(display_prefix(&secret))
    .bind(t.can_write)
    .bind(&t.account_ids)
    .bind(t.expires_at)
    .bind(t.created_by)
    .fetch_one(db)
    .await?;
    Ok((id, secret))
}

/// A row of the tokens page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub user_id: i64,
    pub user_email: String,
    pub kind: String,
    pub name: String,
    pub prefix: String,
    pub can_write: bool,
    pub account_names: Option<Vec<String>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The user's own tokens, and with `every_service` the service tokens of everyone.
pub async fn list(
    db: impl PgExecutor<'_>,
    user_id: i64,
    every_service: bool,
) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT t.id, t.user_id, u.email::text AS user_email, t.kind, t.name, t.prefix, t.can_write, \
                (SELECT array_agg(a.name ORDER BY a.name) FROM accounts a WHERE a.id = ANY (t.account_ids)) \
                    AS account_names, \
                t.expires_at, t.revoked_at, t.last_used_at, t.created_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.user_id = $1 OR ($2 AND t.kind = 'service') \
         ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC",
    )
    .bind(user_id)
    .bind(every_service)
    .fetch_all(db)
    .await
}

/// (owner, kind, revoked) of a token, for the revocation rule.
pub async fn owner(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT user_id, kind, revoked_at IS NOT NULL FROM api_tokens WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn revoke(db: impl PgExecutor<'_>, id: i64, by: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = now(), revoked_by = $2, updated_at = now() \
         WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(by)
    .execute(db)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_hashed() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a.len(), SECRET_PREFIX.len() + 64);
        assert_eq!(hash(&a).len(), 32);
        assert_eq!(display_prefix(&a).len(), 8);
        assert!(a[SECRET_PREFIX.len()..].starts_with(&display_prefix(&a)));
    }

    #[test]
    fn expiry_revocation_and_account_limit() {
        let now = Utc::now();
        let mut t = Token {
            id: 1,
            user_id: 1,
            can_write: false,
            account_ids: Some(vec![3]),
            expires_at: Some(now + chrono::Duration::days(1)),
            revoked_at: None,
            last_used_at: None,
        };
        assert!(t.alive(now));
        assert!(t.reaches(3) && !t.reaches(4));
        t.expires_at = Some(now - chrono::Duration::seconds(1));
        assert!(!t.alive(now));
        t.expires_at = None;
        t.revoked_at = Some(now);
        assert!(!t.alive(now));
    }
}
