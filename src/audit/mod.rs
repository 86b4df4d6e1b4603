//! The audit trail. Every state change calls `record` inside the same transaction
//! as the change, so a change without its audit row cannot exist.

mod action;

use std::net::IpAddr;

pub use action::Action;

use serde_json::Value;
use sqlx::PgExecutor;

/// Who acted: a signed-in user, or (for failed logins) just an e-mail and address.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub ip: Option<IpAddr>,
    /// The API token the change came through (`api_tokens.id`), None for the pages.
    pub token_id: Option<i64>,
}

/// What happened, to what, on which account.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: Action,
    pub entity: Option<&'static str>,
    pub entity_id: Option<String>,
    pub account_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Entry {
    pub fn new(action: Action) -> Self {
        Self {
            action,
            entity: None,
            entity_id: None,
            account_id: None,
            before: None,
            after: None,
        }
    }

    pub fn on(mut self, entity: &'static str, id: impl ToString) -> Self {
        self.entity = Some(entity);
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn account(mut self, account_id: Option<i64>) -> Self {
        self.account_id = account_id;
        self
    }

    pub fn before(mut self, v: impl serde::Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after(mut self, v: impl serde::Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

pub async fn record(db: impl PgExecutor<'_>, actor: &Actor, entry: Entry) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, account_id, before, after, ip, api_token_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(actor.user_id)
    .bind(actor.email.as_deref())
    .bind(entry.action.code())
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.account_id)
    .bind(entry.before)
    .bind(entry.after)
    .bind(actor.ip.map(ipnetwork::IpNetwork::from))
    .bind(actor.token_id)
    .execute(db)
    .await
    .map(|_| ())
}
