//! Business reviews (`/accounts/{id}/reviews`, migration 0023): quarterly
//! reviews, steering committees and annual reviews on the client's fiscal
//! calendar, with participants from both sides, a review pack built from the
//! scorecard state (internal, or what the client sees by the portal's own rule),
//! printed as a page and a PDF, frozen at the meeting, and a record — minutes,
//! decisions that become plan actions — that a client user confirms.
//!
//! - `model.rs`: pure rules (kinds, fiscal quarters, the proposed date, the form);
//! - `page.rs`: the list, create and edit pages;
//! - `pack.rs`: the pack, one builder for both audiences; `pdf.rs`: its PDF (typst);
//!   `print.rs`: its printable page and the PDF download;
//! - `rating.rs`: both sides rate the meeting; the average feeds the
//!   `review_rating` KPI through `values::save`;
//! - `record.rs`: freeze, minutes, decisions (→ plan actions), the portal's
//!   confirmation.

pub mod model;
pub mod pack;
pub mod page;
pub mod pdf;
pub mod print;
pub mod rating;
pub mod record;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Review {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub agenda: String,
    pub decisions_sought: String,
    pub minutes: String,
    pub notes: String,
}

const REVIEW_COLUMNS: &str = "id, account_id, kind, title, held_on, period_start, period_end, agenda, \
     decisions_sought, minutes, notes";

impl Review {
    pub fn kind_key(&self) -> String {
        model::ReviewKind::parse(&self.kind)
            .unwrap_or(model::ReviewKind::Qbr)
            .label_key()
    }
}

/// One review of the account (the account is part of the lookup).
pub async fn find(
    db: impl PgExecutor<'_>,
    account_id: i64,
    review_id: i64,
) -> sqlx::Result<Option<Review>> {
    sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM business_reviews WHERE account_id = $1 AND id = $2"
    ))
    .bind(account_id)
    .bind(review_id)
    .fetch_optional(db)
    .await
}

/// A review in the account's list: whether its pack is frozen and who confirmed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub participants: i64,
    pub frozen: bool,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// The account's reviews, the next one first, then the past ones newest first.
pub async fn list(db: impl PgExecutor<'_>, account_id: i64) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT r.id, r.kind, r.title, r.held_on, r.period_start, r.period_end, \
                (SELECT count(*) FROM review_participants p WHERE p.review_id = r.id) AS participants, \
                EXISTS (SELECT 1 FROM review_packs k WHERE k.review_id = r.id) AS frozen, \
                c.name AS confirmed_by, c.created_at AS confirmed_at \
         FROM business_reviews r \
         LEFT JOIN LATERAL (SELECT u.name, x.created_at FROM review_confirmations x JOIN users u ON u.id = x.user_id \
                            WHERE x.review_id = r.id AND x.kind = 'confirmed' ORDER BY x.created_at LIMIT 1) c ON true \
         WHERE r.account_id = $1 \
         ORDER BY (r.held_on >= current_date) DESC, \
                  CASE WHEN r.held_on >= current_date THEN r.held_on END, r.held_on DESC, r.id DESC",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Someone who may attend: `u:<id>` for a user of the account's team (its
/// owner included), `c:<id>` for a contact of this account.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Person {
    pub value: String,
    pub name: String,
    /// "supplier" or "client".
    pub side: String,
    /// Job title (contacts) or team function (users).
    pub role: String,
}

pub async fn participant_options(
    db: impl PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(
        "SELECT 'u:' || u.id AS value, u.name, 'supplier' AS side, coalesce(t.function::text, 'kam') AS role \
         FROM users u JOIN accounts a ON a.id = $1 \
         LEFT JOIN account_team t ON t.account_id = a.id AND t.user_id = u.id \
         WHERE u.active AND u.account_id IS NULL AND (u.id = a.owner_id OR t.user_id IS NOT NULL) \
         UNION ALL \
         SELECT 'c:' || c.id, c.name, 'client', c.title FROM contacts c WHERE c.account_id = $1 \
         ORDER BY 3 DESC, 2",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Who attends a review, supplier side first.
pub async fn participants(db: impl PgExecutor<'_>, review_id: i64) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(
        "SELECT 'u:' || u.id AS value, u.name, 'supplier' AS side, coalesce(t.function::text, 'kam') AS role \
         FROM review_participants p JOIN users u ON u.id = p.user_id \
         LEFT JOIN account_team t ON t.account_id = p.account_id AND t.user_id = u.id \
         WHERE p.review_id = $1 \
         UNION ALL \
         SELECT 'c:' || c.id, c.name, 'client', c.title FROM review_participants p \
         JOIN contacts c ON c.id = p.contact_id WHERE p.review_id = $1 \
         ORDER BY 3 DESC, 2",
    )
    .bind(review_id)
    .fetch_all(db)
    .await
}

/// A decision of a review, with its owner and where its plan action stands.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Decision {
    pub id: i64,
    pub review_id: i64,
    pub body: String,
    pub owner_name: String,
    /// `u:<id>` or `c:<id>`.
    pub owner: String,
    pub due: NaiveDate,
    pub action_id: Option<i64>,
    /// The plan action's status, if it became one.
    pub action_status: Option<String>,
}

const DECISION_SELECT: &str = "SELECT d.id, d.review_id, d.body, coalesce(u.name, c.name, '') AS owner_name, \
        CASE WHEN d.owner_user_id IS NOT NULL THEN 'u:' || d.owner_user_id ELSE 'c:' || d.owner_contact_id END AS owner, \
        d.due, d.action_id, x.status AS action_status \
     FROM review_decisions d LEFT JOIN users u ON u.id = d.owner_user_id \
     LEFT JOIN contacts c ON c.id = d.owner_contact_id LEFT JOIN plan_actions x ON x.id = d.action_id";

pub async fn decisions(db: impl PgExecutor<'_>, review_id: i64) -> sqlx::Result<Vec<Decision>> {
    sqlx::query_as(&format!(
        "{DECISION_SELECT} WHERE d.review_id = $1 ORDER BY d.due, d.id"
    ))
    .bind(review_id)
    .fetch_all(db)
    .await
}

/// The previous review's decisions (the commitments the next pack opens with):
/// those of the latest review of the account held before `held_on`.
pub async fn previous_commitments(
    db: impl PgExecutor<'_>,
    account_id: i64,
    review_id: i64,
    held_on: NaiveDate,
) -> sqlx::Result<Vec<Decision>> {
    sqlx::query_as(&format!(
        "{DECISION_SELECT} WHERE d.review_id = (SELECT id FROM business_reviews \
            WHERE account_id = $1 AND id <> $2 AND (held_on, id) < ($3, $2) \
            ORDER BY held_on DESC, id DESC LIMIT 1) \
         ORDER BY d.due, d.id"
    ))
    .bind(account_id)
    .bind(review_id)
    .bind(held_on)
    .fetch_all(db)
    .await
}

/// A frozen pack's record (the bytes are read only to be served).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Frozen {
    pub audience: String,
    pub locale: String,
    pub sha256: String,
    pub frozen_at: DateTime<Utc>,
    pub frozen_by: Option<String>,
}

pub async fn frozen(db: impl PgExecutor<'_>, review_id: i64) -> sqlx::Result<Vec<Frozen>> {
    sqlx::query_as(
        "SELECT k.audience, k.locale, k.sha256, k.frozen_at, u.name AS frozen_by \
         FROM review_packs k LEFT JOIN users u ON u.id = k.frozen_by \
         WHERE k.review_id = $1 ORDER BY k.audience DESC",
    )
    .bind(review_id)
    .fetch_all(db)
    .await
}

/// The stored PDF of a frozen pack.
pub async fn frozen_pdf(
    db: impl PgExecutor<'_>,
    account_id: i64,
    review_id: i64,
    audience: &str,
) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar(
        "SELECT pdf FROM review_packs WHERE account_id = $1 AND review_id = $2 AND audience = $3",
    )
    .bind(account_id)
    .bind(review_id)
    .bind(audience)
    .fetch_optional(db)
    .await
}

/// The stored pack (its data) of a frozen pack.
pub async fn frozen_pack(
    db: impl PgExecutor<'_>,
    account_id: i64,
    review_id: i64,
    audience: &str,
) -> sqlx::Result<Option<pack::Pack>> {
    let row: Option<sqlx::types::Json<pack::Pack>> = sqlx::query_scalar(
        "SELECT pack FROM review_packs WHERE account_id = $1 AND review_id = $2 AND audience = $3",
    )
    .bind(account_id)
    .bind(review_id)
    .bind(audience)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|j| j.0))
}

/// A client user's word on the record.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Confirmation {
    pub name: String,
    pub kind: String,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

pub async fn confirmations(
    db: impl PgExecutor<'_>,
    review_id: i64,
) -> sqlx::Result<Vec<Confirmation>> {
    sqlx::query_as(
        "SELECT u.name, x.kind, x.comment, x.created_at FROM review_confirmations x \
         JOIN users u ON u.id = x.user_id WHERE x.review_id = $1 ORDER BY x.created_at, x.id",
    )
    .bind(review_id)
    .fetch_all(db)
    .await
}

/// An upcoming review, for the KAM's home and the portfolio.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upcoming {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
}

/// The reviews to come (today included) of the given accounts, soonest first.
pub async fn upcoming(
    db: impl PgExecutor<'_>,
    account_ids: &[i64],
    today: NaiveDate,
    limit: i64,
) -> sqlx::Result<Vec<Upcoming>> {
    sqlx::query_as(
        "SELECT r.id, r.account_id, a.name AS account_name, r.kind, r.title, r.held_on \
         FROM business_reviews r JOIN accounts a ON a.id = r.account_id \
         WHERE r.account_id = ANY($1) AND r.held_on >= $2 ORDER BY r.held_on, r.id LIMIT $3",
    )
    .bind(account_ids)
    .bind(today)
    .bind(limit)
    .fetch_all(db)
    .await
}
