//! `/voc` for directors (every account) and KAMs (their own): NPS by account, a
//! theme × account heat map of negative verbatims, the most negative recent
//! words, and the hidden-discontent flags. And `/portal/voc` for client users:
//! their own answers, surveys to answer, and from stage 2 the aggregated NPS trend.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::page::{self, QuarterView, VerbatimView, nps_chart, quarter_views, verbatim_view};
use super::query;
use crate::accounts;
use crate::auth::extract::{AccountsUser, ClientUser};
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::state::AppState;
use crate::web::layout::Ui;
use crate::web::render;

pub struct AccountNps {
    pub id: i64,
    pub name: String,
    pub n: usize,
    pub nps: String,
    pub margin: String,
    pub previous: String,
    pub flags: i64,
}

pub struct HeatRow {
    pub id: i64,
    pub name: String,
    /// (count of negative verbatims, share of the account's verbatims %, level 0–3)
    pub cells: Vec<(i64, String, u8)>,
}

#[derive(Template)]
#[template(path = "voc/overview.html")]
pub struct OverviewPage {
    pub ui: Ui,
    pub accounts: Vec<AccountNps>,
    pub themes: Vec<(String, String)>,
    pub heat: Vec<HeatRow>,
    pub negative: Vec<VerbatimView>,
    pub flagged: Vec<VerbatimView>,
}

/// `GET /voc`
pub async fn show(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let visible = accounts::visible_to(&state.db, &user).await?;
    let ids: Vec<i64> = visible.iter().map(|a| a.id).collect();
    let today = Utc::now().date_naive();
    let year_ago = today - chrono::Duration::days(365);
    let two_years_ago = today - chrono::Duration::days(730);
    let rows: Vec<(i64, DateTime<Utc>, i16, Option<String>)> = sqlx::query_as(
        "SELECT account_id, answered_at, nps, flag FROM survey_responses \
         WHERE account_id = ANY($1) AND answered_at >= $2",
    )
    .bind(&ids)
    .bind(two_years_ago)
    .fetch_all(&state.db)
    .await?;
    let locale = ui.locale;
    let accounts_nps = visible
        .iter()
        .map(|a| {
            let scores = |from: chrono::NaiveDate, to: chrono::NaiveDate| -> Vec<u8> {
                rows.iter()
                    .filter(|r| r.0 == a.id && r.1.date_naive() >= from && r.1.date_naive() < to)
                    .map(|r| r.2 as u8)
                    .collect()
            };
            let now = super::nps::nps(&scores(year_ago, today + chrono::Duration::days(1)));
            let before = super::nps::nps(&scores(two_years_ago, year_ago));
            AccountNps {
                id: a.id,
                name: a.name.clone(),
                n: now.map(|n| n.n).unwrap_or(0),
                nps: now
                    .map(|n| format::number(locale, n.score, 0))
                    .unwrap_or_else(|| "—".into()),
                margin: now
                    .map(|n| format!("± {}", format::number(locale, n.margin_of_error, 0)))
                    .unwrap_or_default(),
                previous: before
                    .map(|n| format::number(locale, n.score, 0))
                    .unwrap_or_else(|| "—".into()),
                flags: rows
                    .iter()
                    .filter(|r| {
                        r.0 == a.id
                            && r.3.as_deref() == Some("hidden_discontent")
                            && r.1.date_naive() >= year_ago
                    })
                    .count() as i64,
            }
        })
        .collect();
    let themes = page::theme_names(&state.db, locale).await?;
    // Negative verbatims per account and theme over the last twelve months.
    let counts: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT account_id, t.theme, count(*) FROM voc_verbatims v, \
                unnest(coalesce(v.themes_corrected, v.themes)) AS t(theme) \
         WHERE account_id = ANY($1) AND said_on >= $2 AND coalesce(label_corrected, label) = 'negative' \
         GROUP BY account_id, t.theme",
    )
    .bind(&ids)
    .bind(year_ago)
    .fetch_all(&state.db)
    .await?;
    let totals: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT account_id, count(*) FROM voc_verbatims WHERE account_id = ANY($1) AND said_on >= $2 GROUP BY account_id",
    )
    .bind(&ids)
    .bind(year_ago)
    .fetch_all(&state.db)
    .await?;
    let heat = visible
        .iter()
        .filter(|a| totals.iter().any(|t| t.0 == a.id))
        .map(|a| {
            let total = totals
                .iter()
                .find(|t| t.0 == a.id)
                .map(|t| t.1)
                .unwrap_or(0)
                .max(1);
            HeatRow {
                id: a.id,
                name: a.name.clone(),
                cells: themes
                    .iter()
                    .map(|(code, _)| {
                        let n = counts
                            .iter()
                            .find(|c| c.0 == a.id && &c.1 == code)
                            .map(|c| c.2)
                            .unwrap_or(0);
                        let share = n as f64 * 100.0 / total as f64;
                        let level = match share {
                            s if s >= 20.0 => 3,
                            s if s >= 10.0 => 2,
                            s if s > 0.0 => 1,
                            _ => 0,
                        };
                        (
                            n,
                            format::percent(locale, format::Percent::new(share), 0),
                            level,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let negative = query::most_negative(&state.db, &ids, today - chrono::Duration::days(90), 15)
        .await?
        .into_iter()
        .map(|r| verbatim_view(&ui, &themes, r))
        .collect();
    let flagged = query::flagged(&state.db, &ids, year_ago)
        .await?
        .into_iter()
        .map(|r| verbatim_view(&ui, &themes, r))
        .collect();
    render(&OverviewPage {
        ui,
        accounts: accounts_nps,
        themes,
        heat,
        negative,
        flagged,
    })
}

pub struct OpenSurvey {
    pub link_id: i64,
    pub title: String,
    pub expires: String,
}

pub struct OwnAnswer {
    pub date: String,
    pub nps: i16,
    pub satisfaction: i16,
    /// Each text with its language (`lang` on the page).
    pub texts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "voc/portal.html")]
pub struct PortalVocPage {
    pub ui: Ui,
    pub account_name: String,
    pub open: Vec<OpenSurvey>,
    pub answers: Vec<OwnAnswer>,
    /// From stage 2: the aggregated trend (never other people's words).
    pub trend: Option<(String, Vec<QuarterView>)>,
}

/// `GET /portal/voc`
pub async fn portal(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
) -> AppResult<Response> {
    let account_id = user.account_id.ok_or(AppError::NotFound)?;
    let account = accounts::find_unchecked(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open: Vec<(i64, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT l.id, c.title, l.expires_at FROM survey_links l JOIN survey_campaigns c ON c.id = l.campaign_id \
         WHERE l.user_id = $1 AND c.account_id = $2 AND l.answered_at IS NULL AND l.expires_at > now() \
         ORDER BY l.expires_at",
    )
    .bind(user.id)
    .bind(account_id)
    .fetch_all(&state.db)
    .await?;
    let answers: Vec<(i64, DateTime<Utc>, i16, i16)> = sqlx::query_as(
        "SELECT id, answered_at, nps, satisfaction FROM survey_responses \
         WHERE user_id = $1 AND account_id = $2 ORDER BY answered_at DESC",
    )
    .bind(user.id)
    .bind(account_id)
    .fetch_all(&state.db)
    .await?;
    let ids: Vec<i64> = answers.iter().map(|a| a.0).collect();
    let texts: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT response_id, body, language FROM voc_verbatims WHERE response_id = ANY($1) ORDER BY id",
    )
    .bind(&ids)
    .fetch_all(&state.db)
    .await?;
    let trend = if account.stage >= 2 {
        let quarters =
            query::nps_by_quarter(&state.db, &[account_id], Utc::now().date_naive(), 8).await?;
        Some((
            nps_chart(ui.locale, &quarters),
            quarter_views(ui.locale, &quarters),
        ))
    } else {
        None
    };
    render(&PortalVocPage {
        account_name: account.name,
        open: open
            .into_iter()
            .map(|(link_id, title, exp)| OpenSurvey {
                link_id,
                title,
                expires: ui.datetime(&exp),
            })
            .collect(),
        answers: answers
            .iter()
            .map(|(id, at, nps, sat)| OwnAnswer {
                date: ui.datetime(at),
                nps: *nps,
                satisfaction: *sat,
                texts: texts
                    .iter()
                    .filter(|t| t.0 == *id)
                    .map(|t| (t.1.clone(), t.2.clone()))
                    .collect(),
            })
            .collect(),
        trend,
        ui,
    })
}
