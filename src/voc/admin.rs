//! `/admin/voc`: the theme taxonomy (names and keywords in both languages) and
//! the survey questions (texts in both languages, which optional ones are asked).
//! Saving a theme re-reads every text's computed themes with the new keywords;
//! the KAMs' corrections stay as they are.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::answer::{self, Question};
use super::store;
use super::text::parse_keywords;
use crate::audit;
use crate::auth::extract::AdminUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ThemeRow {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub keywords_fr: String,
    pub keywords_en: String,
}

#[derive(Template)]
#[template(path = "voc/admin.html")]
pub struct AdminPage {
    pub ui: Ui,
    pub themes: Vec<ThemeRow>,
    pub questions: Vec<(Question, bool)>,
    /// The theme whose form was refused, with the message.
    pub refused: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    ui: Ui,
    refused: Option<(ThemeRow, String)>,
) -> AppResult<AdminPage> {
    let mut themes: Vec<ThemeRow> = sqlx::query_as(
        "SELECT code, name_fr, name_en, keywords_fr, keywords_en FROM voc_themes ORDER BY position, code",
    )
    .fetch_all(&state.db)
    .await?;
    let questions: Vec<(String, String, String, String, bool, bool)> = sqlx::query_as(
        "SELECT code, kind, text_fr, text_en, required, active FROM survey_questions ORDER BY position, id",
    )
    .fetch_all(&state.db)
    .await?;
    let mut refused_note = None;
    if let Some((row, message)) = refused {
        // Show what was typed, not what is stored.
        if let Some(t) = themes.iter_mut().find(|t| t.code == row.code) {
            *t = row.clone();
        }
        refused_note = Some((row.code, message));
    }
    Ok(AdminPage {
        ui,
        themes,
        questions: questions
            .into_iter()
            .map(|(code, kind, text_fr, text_en, required, active)| {
                (
                    Question {
                        code,
                        kind,
                        text_fr,
                        text_en,
                        required,
                    },
                    active,
                )
            })
            .collect(),
        refused: refused_note,
    })
}

/// `GET /admin/voc`
pub async fn show(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ui: Ui,
) -> AppResult<Response> {
    render(&page(&state, ui, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct ThemeForm {
    #[serde(default)]
    name_fr: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    keywords_fr: String,
    #[serde(default)]
    keywords_en: String,
}

/// `POST /admin/voc/themes/{code}`
pub async fn save_theme(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ctx: RequestCtx,
    ui: Ui,
    Path(code): Path<String>,
    Form(form): Form<ThemeForm>,
) -> AppResult<Response> {
    let typed = ThemeRow {
        code: code.clone(),
        name_fr: form.name_fr.trim().to_owned(),
        name_en: form.name_en.trim().to_owned(),
        keywords_fr: parse_keywords(&form.keywords_fr).join(", "),
        keywords_en: parse_keywords(&form.keywords_en).join(", "),
    };
    let problem = if typed.name_fr.is_empty() || typed.name_en.is_empty() {
        Some("field-required")
    } else if typed.name_fr.chars().count() > 80 || typed.name_en.chars().count() > 80 {
        Some("field-too-long")
    } else if typed.keywords_fr.is_empty() && typed.keywords_en.is_empty() {
        Some("voc-theme-needs-keywords")
    } else if typed.keywords_fr.len() > 4000 || typed.keywords_en.len() > 4000 {
        Some("field-too-long")
    } else {
        None
    };
    if let Some(key) = problem {
        let message = ui.t(key);
        let p = page(&state, ui, Some((typed, message))).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    let before: Option<ThemeRow> = sqlx::query_as(
        "SELECT code, name_fr, name_en, keywords_fr, keywords_en FROM voc_themes WHERE code = $1 FOR UPDATE",
    )
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?;
    let before = before.ok_or(AppError::NotFound)?;
    sqlx::query(
        "UPDATE voc_themes SET name_fr = $2, name_en = $3, keywords_fr = $4, keywords_en = $5 WHERE code = $1",
    )
    .bind(&code)
    .bind(&typed.name_fr)
    .bind(&typed.name_en)
    .bind(&typed.keywords_fr)
    .bind(&typed.keywords_en)
    .execute(&mut *tx)
    .await?;
    // The computed themes follow the taxonomy; corrections are the KAMs' and stay.
    let taxonomy = store::taxonomy(&mut *tx).await?;
    let texts: Vec<(i64, String)> = sqlx::query_as("SELECT id, body FROM voc_verbatims")
        .fetch_all(&mut *tx)
        .await?;
    let ids: Vec<i64> = texts.iter().map(|t| t.0).collect();
    let themes: Vec<String> = texts
        .iter()
        .map(|(_, body)| format!("{{{}}}", taxonomy.themes_of(body).join(",")))
        .collect();
    sqlx::query(
        "UPDATE voc_verbatims v SET themes = t.themes::text[] FROM unnest($1::bigint[], $2::text[]) AS t(id, themes) \
         WHERE v.id = t.id",
    )
    .bind(&ids)
    .bind(&themes)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::VocThemeUpdated)
            .on("voc_theme", &code)
            .before(&before)
            .after(&typed),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "voc-theme-saved").await?;
    Ok(see_other(&format!("/admin/voc#theme-{code}")))
}

#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    text_fr: String,
    #[serde(default)]
    text_en: String,
    #[serde(default)]
    active: String,
}

/// `POST /admin/voc/questions/{code}`: texts, and whether an optional question is asked.
pub async fn save_question(
    State(state): State<AppState>,
    AdminUser(_): AdminUser,
    ctx: RequestCtx,
    Path(code): Path<String>,
    Form(form): Form<QuestionForm>,
) -> AppResult<Response> {
    let (fr, en) = (form.text_fr.trim(), form.text_en.trim());
    if fr.is_empty() || en.is_empty() || fr.chars().count() > 300 || en.chars().count() > 300 {
        flash::push(&ctx.session, flash::Kind::Error, "voc-question-text").await?;
        return Ok(see_other(&format!("/admin/voc#question-{code}")));
    }
    let mut tx = state.db.begin().await?;
    let before: Option<(String, String, bool, bool)> = sqlx::query_as(
        "SELECT text_fr, text_en, active, required FROM survey_questions WHERE code = $1 FOR UPDATE",
    )
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?;
    let (bfr, ben, bactive, required) = before.ok_or(AppError::NotFound)?;
    // The NPS and satisfaction questions feed the scorecard: always asked.
    let active = required || answer::is_core(&code) || form.active == "on";
    sqlx::query(
        "UPDATE survey_questions SET text_fr = $2, text_en = $3, active = $4 WHERE code = $1",
    )
    .bind(&code)
    .bind(fr)
    .bind(en)
    .bind(active)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SurveyQuestionUpdated)
            .on("survey_question", &code)
            .before(serde_json::json!({ "text_fr": bfr, "text_en": ben, "active": bactive }))
            .after(serde_json::json!({ "text_fr": fr, "text_en": en, "active": active })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "voc-question-saved").await?;
    Ok(see_other(&format!("/admin/voc#question-{code}")))
}
