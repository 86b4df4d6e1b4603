//! Reading the voice of the customer: NPS per quarter, verbatims with filters and
//! full-text search, hidden-discontent flags. Shared by the account page, its CSV,
//! the directors' page and the portal.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgExecutor;

use super::nps::{self, Nps};

/// Filters of the verbatim list, all in the URL.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub sentiment: String,
    /// "3m", "12m", "24m" or empty (everything).
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub source: String,
}

impl Filters {
    pub fn since(&self, today: NaiveDate) -> Option<NaiveDate> {
        let months = match self.period.as_str() {
            "3m" => 3,
            "12m" => 12,
            "24m" => 24,
            _ => return None,
        };
        today.checked_sub_months(chrono::Months::new(months))
    }

    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("theme", &self.theme),
            ("sentiment", &self.sentiment),
            ("period", &self.period),
            ("contact", &self.contact),
            ("q", &self.q),
            ("source", &self.source),
        ])
        .unwrap_or_default()
    }
}

/// Search prefixes: stemmers disagree on related forms ("delivery" → deliveri,
/// "delivered" → deliv), so each word also matches by its first letters.
pub fn prefixes(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .take(8)
        .map(|w| {
            let w = w.to_lowercase();
            let n = w.chars().count();
            let keep = if n >= 6 { (n - 3).max(4) } else { n };
            format!("{}:*", w.chars().take(keep).collect::<String>())
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VerbatimRow {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub response_id: Option<i64>,
    pub note_id: Option<i64>,
    pub question_code: Option<String>,
    pub contact_name: Option<String>,
    pub said_on: NaiveDate,
    pub body: String,
    pub language: String,
    pub score: f32,
    pub label: String,
    pub themes: Vec<String>,
    pub label_corrected: Option<String>,
    pub themes_corrected: Option<Vec<String>>,
    pub corrected_by_name: Option<String>,
    pub nps: Option<i16>,
    pub satisfaction: Option<i16>,
    pub flag: Option<String>,
    pub channel: Option<String>,
}

impl VerbatimRow {
    pub fn effective_label(&self) -> &str {
        self.label_corrected.as_deref().unwrap_or(&self.label)
    }

    pub fn effective_themes(&self) -> &[String] {
        self.themes_corrected.as_deref().unwrap_or(&self.themes)
    }
}

const VERBATIM_SELECT: &str = "SELECT v.id, v.account_id, a.name AS account_name, v.response_id, v.note_id, v.question_code, \
        c.name AS contact_name, v.said_on, v.body, v.language, v.score, v.label, v.themes, v.label_corrected, \
        v.themes_corrected, u.name AS corrected_by_name, r.nps, r.satisfaction, r.flag, n.channel \
     FROM voc_verbatims v JOIN accounts a ON a.id = v.account_id \
     LEFT JOIN contacts c ON c.id = v.contact_id LEFT JOIN users u ON u.id = v.corrected_by \
     LEFT JOIN survey_responses r ON r.id = v.response_id LEFT JOIN feedback_notes n ON n.id = v.note_id";

/// The conditions of the verbatim filters ($1 accounts … $8 source).
const VERBATIM_FILTERS: &str = "WHERE v.account_id = ANY($1) \
           AND ($2 = '' OR $2 = ANY(coalesce(v.themes_corrected, v.themes))) \
           AND ($3 = '' OR coalesce(v.label_corrected, v.label) = $3) \
           AND ($4::date IS NULL OR v.said_on >= $4) \
           AND ($5::bigint IS NULL OR v.contact_id = $5) \
           AND ($6 = '' OR (v.language = 'fr' AND v.search @@ websearch_to_tsquery('french', $6)) \
                        OR (v.language = 'en' AND v.search @@ websearch_to_tsquery('english', $6)) \
                        OR ($7::text IS NOT NULL AND v.search @@ to_tsquery('simple', $7))) \
           AND ($8 = '' OR ($8 = 'survey' AND v.response_id IS NOT NULL) OR ($8 = 'note' AND v.note_id IS NOT NULL))";

/// Verbatims of the given accounts matching the filters, newest first: `limit`
/// of them after skipping `offset`.
pub async fn verbatims(
    db: impl PgExecutor<'_>,
    accounts: &[i64],
    f: &Filters,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<VerbatimRow>> {
    let contact = f.contact.parse::<i64>().ok();
    let q = f.q.trim();
    sqlx::query_as(&format!(
        "{VERBATIM_SELECT} {VERBATIM_FILTERS} ORDER BY v.said_on DESC, v.id DESC LIMIT $9 OFFSET $10"
    ))
    .bind(accounts)
    .bind(&f.theme)
    .bind(&f.sentiment)
    .bind(f.since(today))
    .bind(contact)
    .bind(q)
    .bind(prefixes(q))
    .bind(&f.source)
    .bind(limit)
    .bind(offset.max(0))
    .fetch_all(db)
    .await
}

/// How many verbatims match the filters (all pages).
pub async fn count_verbatims(
    db: impl PgExecutor<'_>,
    accounts: &[i64],
    f: &Filters,
    today: NaiveDate,
) -> sqlx::Result<i64> {
    let contact = f.contact.parse::<i64>().ok();
    let q = f.q.trim();
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM voc_verbatims v {VERBATIM_FILTERS}"
    ))
    .bind(accounts)
    .bind(&f.theme)
    .bind(&f.sentiment)
    .bind(f.since(today))
    .bind(contact)
    .bind(q)
    .bind(prefixes(q))
    .bind(&f.source)
    .fetch_one(db)
    .await
}

/// The most negative verbatims of the accounts since a date: read negative
/// by the KAM, or by the analysis with a score below zero.
pub async fn most_negative(
    db: impl PgExecutor<'_>,
    accounts: &[i64],
    since: NaiveDate,
    limit: i64,
) -> sqlx::Result<Vec<VerbatimRow>> {
    sqlx::query_as(&format!(
        "{VERBATIM_SELECT} WHERE v.account_id = ANY($1) AND v.said_on >= $2 \
           AND (v.label_corrected = 'negative' \
                OR (v.label_corrected IS NULL AND v.label = 'negative' AND v.score < 0)) \
         ORDER BY CASE WHEN v.label_corrected IS NOT NULL THEN -1 ELSE v.score END, v.said_on DESC LIMIT $3"
    ))
    .bind(accounts)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Survey answers whose score and words disagree, with their texts.
pub async fn flagged(
    db: impl PgExecutor<'_>,
    accounts: &[i64],
    since: NaiveDate,
) -> sqlx::Result<Vec<VerbatimRow>> {
    sqlx::query_as(&format!(
        "{VERBATIM_SELECT} WHERE v.account_id = ANY($1) AND r.flag IS NOT NULL AND v.said_on >= $2 \
         ORDER BY v.said_on DESC, v.id"
    ))
    .bind(accounts)
    .bind(since)
    .fetch_all(db)
    .await
}

/// One quarter of NPS answers.
pub struct QuarterNps {
    pub start: NaiveDate,
    pub label: String,
    pub nps: Option<Nps>,
}

/// NPS per quarter over the last `quarters` quarters (oldest first).
pub async fn nps_by_quarter(
    db: impl PgExecutor<'_>,
    accounts: &[i64],
    today: NaiveDate,
    quarters: u32,
) -> sqlx::Result<Vec<QuarterNps>> {
    let current =
        NaiveDate::from_ymd_opt(today.year(), today.month0() / 3 * 3 + 1, 1).unwrap_or(today);
    let first = current
        .checked_sub_months(chrono::Months::new(3 * (quarters - 1)))
        .unwrap_or(current);
    let rows: Vec<(DateTime<Utc>, i16)> = sqlx::query_as(
        "SELECT answered_at, nps FROM survey_responses WHERE account_id = ANY($1) AND answered_at >= $2",
    )
    .bind(accounts)
    .bind(first)
    .fetch_all(db)
    .await?;
    Ok((0..quarters)
        .map(|i| {
            let start = first
                .checked_add_months(chrono::Months::new(3 * i))
                .unwrap_or(first);
            let end = start
                .checked_add_months(chrono::Months::new(3))
                .unwrap_or(start);
            let scores: Vec<u8> = rows
                .iter()
                .filter(|(at, _)| {
                    let d = at.date_naive();
                    d >= start && d < end
                })
                .map(|(_, s)| *s as u8)
                .collect();
            QuarterNps {
                start,
                label: super::store::quarter_of(start),
                nps: nps::nps(&scores),
            }
        })
        .collect())
}
