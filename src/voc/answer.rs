//! Answering the relationship survey: through a personal link (no login, works on
//! a phone and without JavaScript) or from the portal for client users. One form,
//! one check, one write path, whichever way the answer comes in.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::store::{self, Answer};
use crate::audit;
use crate::auth::extract::ClientUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::sharing::invitations::hash;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

/// Failed link lookups an address may make in the window before it is refused.
const MAX_FAILURES: i64 = 20;
const WINDOW_MINUTES: i64 = 15;
pub const MAX_TEXT: usize = 5000;

/// The questions that feed the scorecard: always asked, always answered.
pub fn is_core(code: &str) -> bool {
    code == "nps" || code == "satisfaction"
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Question {
    pub code: String,
    pub kind: String,
    pub text_fr: String,
    pub text_en: String,
    pub required: bool,
}

impl Question {
    pub fn text(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.text_fr,
            Locale::En => &self.text_en,
        }
    }
}

pub async fn questions(db: &sqlx::PgPool) -> sqlx::Result<Vec<Question>> {
    sqlx::query_as(
        "SELECT code, kind, text_fr, text_en, required FROM survey_questions WHERE active ORDER BY position, id",
    )
    .fetch_all(db)
    .await
}

/// An open link: not answered, not expired.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenLink {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub contact_id: Option<i64>,
    pub user_id: Option<i64>,
    pub language: String,
    pub expires_at: DateTime<Utc>,
}

const OPEN_LINK: &str = "SELECT l.id, c.account_id, a.name AS account_name, l.contact_id, l.user_id, l.language, l.expires_at \
     FROM survey_links l JOIN survey_campaigns c ON c.id = l.campaign_id JOIN accounts a ON a.id = c.account_id \
     WHERE l.answered_at IS NULL AND l.expires_at > now()";

#[derive(Template)]
#[template(path = "voc/survey.html")]
pub struct SurveyPage {
    pub ui: Ui,
    pub account_name: String,
    pub action: String,
    pub questions: Vec<Question>,
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    /// Shown after a successful answer instead of the form.
    pub thanks: bool,
    /// The link cannot be used (unknown, used or expired: one message for all).
    pub invalid: bool,
}

impl SurveyPage {
    /// The form for an open link, empty.
    fn form(ui: Ui, account_name: String, action: String, questions: Vec<Question>) -> Self {
        Self {
            ui,
            account_name,
            action,
            questions,
            values: HashMap::new(),
            errors: Vec::new(),
            thanks: false,
            invalid: false,
        }
    }

    pub fn value(&self, code: &str) -> &str {
        self.values.get(code).map(String::as_str).unwrap_or("")
    }

    pub fn error(&self, code: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == code)
            .map(|(_, m)| m.as_str())
    }

    pub fn scale(&self, kind: &str) -> Vec<String> {
        let range = if kind == "nps" { 0..=10 } else { 1..=5 };
        range.map(|i: i32| i.to_string()).collect()
    }
}

/// Checked scores and texts, or (question code, message key) problems.
pub struct Checked {
    pub nps: i16,
    pub satisfaction: i16,
    pub value: Option<i16>,
    pub ease: Option<i16>,
    pub texts: Vec<(String, String)>,
}

pub fn check(
    questions: &[Question],
    form: &HashMap<String, String>,
) -> Result<Checked, Vec<(String, &'static str)>> {
    let mut errors = Vec::new();
    let mut scores: HashMap<&str, i16> = HashMap::new();
    let mut texts = Vec::new();
    for q in questions {
        let raw = form
            .get(&format!("q_{}", q.code))
            .map(|s| s.trim())
            .unwrap_or("");
        match q.kind.as_str() {
            "text" => {
                if raw.chars().count() > MAX_TEXT {
                    errors.push((q.code.clone(), "survey-text-too-long"));
                } else if !raw.is_empty() {
                    texts.push((q.code.clone(), raw.to_owned()));
                } else if q.required {
                    errors.push((q.code.clone(), "field-required"));
                }
            }
            kind => {
                let (lo, hi) = if kind == "nps" { (0, 10) } else { (1, 5) };
                if raw.is_empty() {
                    if q.required || is_core(&q.code) {
                        errors.push((q.code.clone(), "survey-choose-score"));
                    }
                    continue;
                }
                match raw.parse::<i16>() {
                    Ok(v) if (lo..=hi).contains(&v) => {
                        scores.insert(q.code.as_str(), v);
                    }
                    _ => errors.push((q.code.clone(), "survey-score-out-of-range")),
                }
            }
        }
    }
    match (scores.get("nps"), scores.get("satisfaction")) {
        (Some(&nps), Some(&satisfaction)) if errors.is_empty() => Ok(Checked {
            nps,
            satisfaction,
            value: scores.get("value").copied(),
            ease: scores.get("ease").copied(),
            texts,
        }),
        _ => Err(errors),
    }
}

fn locale_of(code: &str) -> Locale {
    if code == "en" { Locale::En } else { Locale::Fr }
}

async fn failed_lookup(state: &AppState, ctx: &RequestCtx) -> AppResult<()> {
    sqlx::query("INSERT INTO survey_link_failures (ip) VALUES ($1)")
        .bind(ctx.ip.map(ipnetwork::IpNetwork::from))
        .execute(&state.db)
        .await?;
    Ok(())
}

async fn throttled(state: &AppState, ctx: &RequestCtx) -> AppResult<()> {
    let recent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM survey_link_failures WHERE ip IS NOT DISTINCT FROM $1 \
         AND at > now() - make_interval(mins => $2)",
    )
    .bind(ctx.ip.map(ipnetwork::IpNetwork::from))
    .bind(WINDOW_MINUTES as i32)
    .fetch_one(&state.db)
    .await?;
    if recent >= MAX_FAILURES {
        return Err(AppError::TooManyRequests {
            retry_after: (WINDOW_MINUTES * 60) as u64,
        });
    }
    Ok(())
}

async fn link_by_token(state: &AppState, token: &str) -> AppResult<Option<OpenLink>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(
        sqlx::query_as(&format!("{OPEN_LINK} AND l.token_hash = $1"))
            .bind(hash(&token.to_ascii_lowercase()))
            .fetch_optional(&state.db)
            .await?,
    )
}

fn invalid_page(mut ui: Ui) -> AppResult<Response> {
    ui.nav.clear();
    render_status(
        StatusCode::NOT_FOUND,
        &SurveyPage {
            ui,
            account_name: String::new(),
            action: String::new(),
            questions: Vec::new(),
            values: HashMap::new(),
            errors: Vec::new(),
            thanks: false,
            invalid: true,
        },
    )
}

/// `GET /survey/{token}`
pub async fn public_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    mut ui: Ui,
    Path(token): Path<String>,
) -> AppResult<Response> {
    throttled(&state, &ctx).await?;
    let Some(link) = link_by_token(&state, &token).await? else {
        failed_lookup(&state, &ctx).await?;
        return invalid_page(ui);
    };
    if ctx.user.is_none() {
        ui.locale = locale_of(&link.language);
    }
    let page = SurveyPage::form(
        ui,
        link.account_name,
        format!("/survey/{token}"),
        questions(&state.db).await?,
    );
    render_status(StatusCode::OK, &page)
}

/// `POST /survey/{token}`
pub async fn public_answer(
    State(state): State<AppState>,
    ctx: RequestCtx,
    mut ui: Ui,
    Path(token): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    throttled(&state, &ctx).await?;
    let action = format!("/survey/{token}");
    let Some(link) = link_by_token(&state, &token).await? else {
        // The same form sent again after its answer was saved: the same thanks.
        let once = form.get(crate::web::once::FIELD).map(String::as_str);
        if crate::web::once::was_sent(&state.db, once, None, &action).await? {
            return thanks_page(ui, String::new(), action);
        }
        failed_lookup(&state, &ctx).await?;
        return invalid_page(ui);
    };
    if ctx.user.is_none() {
        ui.locale = locale_of(&link.language);
    }
    answer(&state, &ctx, ui, link, action, form).await
}

/// Checks and stores an answer for an open link; 422 with the input kept.
async fn answer(
    state: &AppState,
    ctx: &RequestCtx,
    ui: Ui,
    link: OpenLink,
    action: String,
    form: HashMap<String, String>,
) -> AppResult<Response> {
    let qs = questions(&state.db).await?;
    let checked = match check(&qs, &form) {
        Ok(c) => c,
        Err(errors) => {
            let values = qs
                .iter()
                .filter_map(|q| {
                    form.get(&format!("q_{}", q.code))
                        .map(|v| (q.code.clone(), v.clone()))
                })
                .collect();
            let errors = errors.into_iter().map(|(f, k)| (f, ui.t(k))).collect();
            let page = SurveyPage {
                account_name: link.account_name,
                action,
                questions: qs,
                values,
                errors,
                thanks: false,
                invalid: false,
                ui,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = state.db.begin().await?;
    let once = form.get(crate::web::once::FIELD).map(String::as_str);
    if let crate::web::once::Claim::Seen { .. } =
        crate::web::once::claim(&mut tx, once.unwrap_or_default(), link.user_id, &action).await?
    {
        return thanks_page(ui, link.account_name, action);
    }
    // The link is taken inside the transaction: two submissions cannot both count.
    let taken = sqlx::query(
        "UPDATE survey_links SET answered_at = now() WHERE id = $1 AND answered_at IS NULL AND expires_at > now()",
    )
    .bind(link.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if taken == 0 {
        drop(tx);
        return invalid_page(ui);
    }
    let taxonomy = store::taxonomy(&mut *tx).await?;
    let today = Utc::now().date_naive();
    let texts: Vec<(&str, &str)> = checked
        .texts
        .iter()
        .map(|(c, t)| (c.as_str(), t.as_str()))
        .collect();
    let id = store::add_response(
        &mut tx,
        &taxonomy,
        &Answer {
            account_id: link.account_id,
            link_id: Some(link.id),
            contact_id: link.contact_id,
            user_id: link.user_id,
            answered_on: today,
            nps: checked.nps,
            satisfaction: checked.satisfaction,
            value: checked.value,
            ease: checked.ease,
            texts,
        },
    )
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SurveyAnswered)
            .on("survey_response", id)
            .account(Some(link.account_id))
            .after(serde_json::json!({ "nps": checked.nps, "satisfaction": checked.satisfaction })),
    )
    .await?;
    store::refresh_scorecard(&mut tx, link.account_id, today, &ctx.actor()).await?;
    crate::db::commit(tx).await?;
    thanks_page(ui, link.account_name, action)
}

fn thanks_page(ui: Ui, account_name: String, action: String) -> AppResult<Response> {
    let page = SurveyPage {
        thanks: true,
        ..SurveyPage::form(ui, account_name, action, Vec::new())
    };
    render_status(StatusCode::OK, &page)
}

/// The client user's own open link, by id (never another user's).
async fn own_link(state: &AppState, user_id: i64, link_id: i64) -> AppResult<OpenLink> {
    sqlx::query_as(&format!("{OPEN_LINK} AND l.id = $1 AND l.user_id = $2"))
        .bind(link_id)
        .bind(user_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /portal/surveys/{link_id}`
pub async fn portal_form(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ui: Ui,
    Path(link_id): Path<i64>,
) -> AppResult<Response> {
    let link = own_link(&state, user.id, link_id).await?;
    let page = SurveyPage::form(
        ui,
        link.account_name,
        format!("/portal/surveys/{link_id}"),
        questions(&state.db).await?,
    );
    render_status(StatusCode::OK, &page)
}

/// `POST /portal/surveys/{link_id}`
pub async fn portal_answer(
    State(state): State<AppState>,
    ClientUser(user): ClientUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(link_id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let action = format!("/portal/surveys/{link_id}");
    let once = form.get(crate::web::once::FIELD).map(String::as_str);
    let link = match own_link(&state, user.id, link_id).await {
        Ok(link) => link,
        Err(AppError::NotFound)
            if crate::web::once::was_sent(&state.db, once, Some(user.id), &action).await? =>
        {
            return crate::web::once::already_saved(&ctx.session, "/portal/voc").await;
        }
        Err(e) => return Err(e),
    };
    let r = answer(
        &state,
        &ctx,
        ui,
        link,
        format!("/portal/surveys/{link_id}"),
        form,
    )
    .await?;
    if r.status() == StatusCode::OK {
        flash::push(&ctx.session, flash::Kind::Success, "survey-thanks-flash").await?;
        return Ok(see_other("/portal/voc"));
    }
    Ok(r)
}
