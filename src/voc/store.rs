//! Writing the voice of the customer: answers and notes are analysed (pure
//! `voc::text`) and stored in the caller's transaction, then the account's
//! relationship KPIs of that period are recomputed from them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};

use super::flags;
use super::nps;
use super::text::{self, Taxonomy, Theme};
use crate::audit;
use crate::domain::Universe;
use crate::kpis;
use crate::period::Period;
use crate::values;

/// Puts the default taxonomy in place the first time (admins edit it afterwards).
pub async fn seed_themes(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    let themes = Taxonomy::default().into_themes();
    let codes: Vec<&str> = themes.iter().map(|t| t.code.as_str()).collect();
    let fr: Vec<&str> = themes.iter().map(|t| t.name_fr.as_str()).collect();
    let en: Vec<&str> = themes.iter().map(|t| t.name_en.as_str()).collect();
    let kfr: Vec<String> = themes.iter().map(|t| t.keywords_fr.join(", ")).collect();
    let ken: Vec<String> = themes.iter().map(|t| t.keywords_en.join(", ")).collect();
    sqlx::query(
        "INSERT INTO voc_themes (code, name_fr, name_en, keywords_fr, keywords_en, position) \
         SELECT c, f, e, kf, ke, n::int FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
              WITH ORDINALITY AS t(c, f, e, kf, ke, n) \
         WHERE NOT EXISTS (SELECT 1 FROM voc_themes)",
    )
    .bind(&codes)
    .bind(&fr)
    .bind(&en)
    .bind(&kfr)
    .bind(&ken)
    .execute(db)
    .await?;
    Ok(())
}

/// The taxonomy as the admins left it.
pub async fn taxonomy(db: impl PgExecutor<'_>) -> sqlx::Result<Taxonomy> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT code, name_fr, name_en, keywords_fr, keywords_en FROM voc_themes ORDER BY position, code",
    )
    .fetch_all(db)
    .await?;
    Ok(Taxonomy::new(
        rows.iter()
            .map(|(c, f, e, kf, ke)| Theme::new(c, f, e, kf, ke))
            .collect(),
    ))
}

/// Where a text comes from.
pub enum Origin {
    Response(i64),
    Note(i64),
}

/// Analyses and stores one text; empty texts are skipped (None).
#[allow(clippy::too_many_arguments)]
pub async fn add_verbatim(
    tx: &mut PgConnection,
    taxonomy: &Taxonomy,
    account_id: i64,
    origin: Origin,
    question: Option<&str>,
    contact_id: Option<i64>,
    said_on: NaiveDate,
    body: &str,
) -> sqlx::Result<Option<text::Analysis>> {
    let body = body.trim();
    if body.is_empty() {
        return Ok(None);
    }
    let a = text::analyze(body, taxonomy);
    let (response_id, note_id) = match origin {
        Origin::Response(id) => (Some(id), None),
        Origin::Note(id) => (None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO voc_verbatims (account_id, response_id, note_id, question_code, contact_id, said_on, \
                                    body, language, score, label, themes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(account_id)
    .bind(response_id)
    .bind(note_id)
    .bind(question)
    .bind(contact_id)
    .bind(said_on)
    .bind(body)
    .bind(a.language.code())
    .bind(a.score as f32)
    .bind(a.label.code())
    .bind(&a.themes)
    .execute(&mut *tx)
    .await?;
    Ok(Some(a))
}

/// A checked survey answer.
pub struct Answer<'a> {
    pub account_id: i64,
    pub link_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub user_id: Option<i64>,
    pub answered_on: NaiveDate,
    pub nps: i16,
    pub satisfaction: i16,
    pub value: Option<i16>,
    pub ease: Option<i16>,
    /// (question code, text)
    pub texts: Vec<(&'a str, &'a str)>,
}

/// Stores an answer with its analysed texts and its flag; returns its id.
pub async fn add_response(
    tx: &mut PgConnection,
    taxonomy: &Taxonomy,
    a: &Answer<'_>,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO survey_responses (account_id, link_id, contact_id, user_id, answered_at, nps, \
                                       satisfaction, value_score, ease) \
         VALUES ($1, $2, $3, $4, $5::date + time '12:00', $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.account_id)
    .bind(a.link_id)
    .bind(a.contact_id)
    .bind(a.user_id)
    .bind(a.answered_on)
    .bind(a.nps)
    .bind(a.satisfaction)
    .bind(a.value)
    .bind(a.ease)
    .fetch_one(&mut *tx)
    .await?;
    let mut scores = Vec::new();
    for (code, body) in &a.texts {
        if let Some(an) = add_verbatim(
            tx,
            taxonomy,
            a.account_id,
            Origin::Response(id),
            Some(code),
            a.contact_id,
            a.answered_on,
            body,
        )
        .await?
        {
            scores.push(an.score);
        }
    }
    let flag = flags::flag(a.nps, a.satisfaction, &scores).map(|f| f.code());
    sqlx::query("UPDATE survey_responses SET flag = $2 WHERE id = $1")
        .bind(id)
        .bind(flag)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// Recomputes a response's flag from its texts, corrections included.
pub async fn reflag(tx: &mut PgConnection, response_id: i64) -> sqlx::Result<()> {
    let (nps, sat): (i16, i16) =
        sqlx::query_as("SELECT nps, satisfaction FROM survey_responses WHERE id = $1")
            .bind(response_id)
            .fetch_one(&mut *tx)
            .await?;
    let scores: Vec<f64> = sqlx::query_scalar(
        "SELECT CASE label_corrected WHEN 'negative' THEN -1 WHEN 'positive' THEN 1 WHEN 'neutral' THEN 0 \
                ELSE score END::float8 FROM voc_verbatims WHERE response_id = $1",
    )
    .bind(response_id)
    .fetch_all(&mut *tx)
    .await?;
    let flag = flags::flag(nps, sat, &scores).map(|f| f.code());
    sqlx::query("UPDATE survey_responses SET flag = $2 WHERE id = $1")
        .bind(response_id)
        .bind(flag)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Recomputes the account's VoC-fed relationship KPIs (`nps`, `csat`,
/// `network_depth`, `negative_verbatims`) for the period containing `day`, from
/// every answer and note of that period. KPIs the account does not have are skipped.
pub async fn refresh_scorecard(
    tx: &mut PgConnection,
    account_id: i64,
    day: NaiveDate,
    actor: &audit::Actor,
) -> sqlx::Result<usize> {
    let all = kpis::for_account(&mut *tx, account_id).await?;
    let mut saved = 0;
    for kpi in all.iter().filter(|k| k.universe == Universe::Relationship) {
        let period = Period::containing(kpi.frequency, day);
        let (from, to) = (period.start, period.next().start);
        let computed: Option<(f64, String)> = match kpi.code.as_str() {
            "nps" => {
                let scores: Vec<i16> = sqlx::query_scalar(
                    "SELECT nps FROM survey_responses WHERE account_id = $1 \
                     AND answered_at >= $2 AND answered_at < $3",
                )
                .bind(account_id)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
                let s: Vec<u8> = scores.iter().map(|&v| v as u8).collect();
                nps::nps(&s).map(|n| {
                    (
                        n.score.round(),
                        format!("n = {}, ± {:.0}", n.n, n.margin_of_error),
                    )
                })
            }
            "csat" => {
                let v: Vec<f64> = sqlx::query_scalar(
                    "SELECT satisfaction::float8 FROM survey_responses WHERE account_id = $1 \
                     AND answered_at >= $2 AND answered_at < $3",
                )
                .bind(account_id)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
                (!v.is_empty()).then(|| {
                    let mean = v.iter().sum::<f64>() / v.len() as f64;
                    ((mean * 100.0).round() / 100.0, format!("n = {}", v.len()))
                })
            }
            "negative_verbatims" => {
                let (n, neg): (i64, i64) = sqlx::query_as(
                    "SELECT count(*), count(*) FILTER (WHERE coalesce(label_corrected, label) = 'negative') \
                     FROM voc_verbatims WHERE account_id = $1 AND said_on >= $2 AND said_on < $3",
                )
                .bind(account_id)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *tx)
                .await?;
                (n > 0).then(|| {
                    (
                        (neg as f64 * 1000.0 / n as f64).round() / 10.0,
                        format!("{neg} / {n}"),
                    )
                })
            }
            "network_depth" => {
                let end = to.pred_opt().unwrap_or(to);
                let d = super::contacts::depth_at(&mut *tx, account_id, end).await?;
                (d.total > 0).then(|| {
                    (
                        d.engaged as f64,
                        format!("{} / {}", d.functions_covered, d.total),
                    )
                })
            }
            _ => None,
        };
        let Some((value, comment)) = computed else {
            continue;
        };
        let Some(value) = Decimal::from_f64_retain(value).map(|d| d.round_dp(2)) else {
            continue;
        };
        values::save(
            tx,
            kpi,
            &values::NewValue {
                period: period.start,
                value,
                comment: &comment,
                source: "voc",
                expected_version: None,
                check_version: false,
            },
            actor,
        )
        .await?;
        saved += 1;
    }
    Ok(saved)
}

/// The quarter a date falls in, as "2026-Q4" (labels of the NPS trend).
pub fn quarter_of(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}
