//! What needs attention on an account besides its events: data requests and plan
//! actions past their due date, business reviews coming up, and the client's
//! negative words of the period. The notifications page and the e-mail digests
//! both read this one query, so they list the same items.
//!
//! For a client user (`client`), only what is theirs to see, in SQL: the requests
//! addressed to them, the plan's shared actions (from the basic stage, as
//! `/portal/plan`); never reviews nor verbatims, which are the supplier's notes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::i18n::Locale;

/// How far ahead a business review counts as "coming up" (days).
pub const REVIEW_HORIZON_DAYS: u64 = 14;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Item {
    /// `request` (overdue), `action` (overdue), `review` (coming up), `verbatim`
    /// (negative, said in the period).
    pub kind: String,
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub title_fr: String,
    pub title_en: String,
    /// Due date, review date, or the day the words were said.
    pub day: NaiveDate,
    pub kpi_id: Option<i64>,
}

impl Item {
    pub fn title(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.title_fr,
            Locale::En => &self.title_en,
        }
    }

    /// The message key of the item's kind ("watch-request"…).
    pub fn key(&self) -> String {
        format!("watch-{}", self.kind)
    }

    /// The page that deals with it (the portal's for a client user).
    pub fn link(&self, portal: bool) -> String {
        let a = self.account_id;
        match (self.kind.as_str(), portal) {
            ("request", true) => "/inbox".to_owned(),
            ("request", false) => format!("/accounts/{a}/requests"),
            ("action", true) => "/portal/plan".to_owned(),
            ("action", false) => format!("/accounts/{a}/plan"),
            ("review", _) => format!("/accounts/{a}/opportunities"),
            _ => format!("/accounts/{a}/voc"),
        }
    }
}

/// The scope of the query.
pub struct Scope<'a> {
    pub accounts: &'a [i64],
    pub client: bool,
    pub user_id: i64,
    /// Overdue means due before this day; reviews from this day on.
    pub today: NaiveDate,
    /// Verbatims recorded in `[from, until)`.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Every item of the scope, by kind then date.
pub async fn items(db: impl PgExecutor<'_>, s: &Scope<'_>) -> sqlx::Result<Vec<Item>> {
    let horizon = s
        .today
        .checked_add_days(chrono::Days::new(REVIEW_HORIZON_DAYS))
        .unwrap_or(s.today);
    sqlx::query_as(
        "SELECT * FROM ( \
           SELECT 'request' AS kind, r.id, a.id AS account_id, a.name AS account_name, \
                  k.name_fr AS title_fr, k.name_en AS title_en, r.due_on AS day, k.id AS kpi_id, 1 AS rank \
           FROM data_requests r JOIN account_kpis k ON k.id = r.account_kpi_id \
           JOIN accounts a ON a.id = k.account_id \
           WHERE a.id = ANY($1) AND r.fulfilled_at IS NULL AND r.due_on < $4 \
             AND (NOT $2 OR r.owner_id = $3) \
           UNION ALL \
           SELECT 'action', p.id, a.id, a.name, p.title, p.title, p.due, NULL, 2 \
           FROM plan_actions p JOIN account_plans pl ON pl.id = p.plan_id \
           JOIN accounts a ON a.id = p.account_id \
           WHERE a.id = ANY($1) AND pl.status <> 'closed' AND p.status IN ('open', 'in_progress') \
             AND p.due < $4 AND (NOT $2 OR (p.shared AND a.stage >= 2)) \
           UNION ALL \
           SELECT 'review', b.id, a.id, a.name, b.title, b.title, b.held_on, NULL, 3 \
           FROM business_reviews b JOIN accounts a ON a.id = b.account_id \
           WHERE NOT $2 AND a.id = ANY($1) AND b.held_on >= $4 AND b.held_on <= $5 \
           UNION ALL \
           SELECT 'verbatim', v.id, a.id, a.name, left(v.body, 160), left(v.body, 160), v.said_on, NULL, 4 \
           FROM voc_verbatims v JOIN accounts a ON a.id = v.account_id \
           WHERE NOT $2 AND a.id = ANY($1) AND coalesce(v.label_corrected, v.label) = 'negative' \
             AND v.created_at >= $6 AND v.created_at < $7 \
         ) i ORDER BY rank, day, id",
    )
    .bind(s.accounts)
    .bind(s.client)
    .bind(s.user_id)
    .bind(s.today)
    .bind(horizon)
    .bind(s.from)
    .bind(s.until)
    .fetch_all(db)
    .await
}
