//! `/accounts/{id}/voc`: the NPS trend with respondents, promoters / passives /
//! detractors, hidden-discontent flags, and the verbatims with their sentiment and
//! themes — filtered, searched, exported, and corrected by the KAM (corrections
//! are kept beside the computed values).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::paging::{self, Pager};
use super::query::{self, Filters, QuarterNps, VerbatimRow};
use super::store::{self, Origin};
use crate::accounts::EditableAccount;
use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account};
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::charts::{self, LineChart};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, see_other};

pub use super::text::Sentiment;
pub use super::vocab::Channel;
const QUARTERS: u32 = 8;

pub struct VerbatimView {
    pub row: VerbatimRow,
    pub label: String,
    pub computed_label: String,
    pub corrected: bool,
    pub themes: Vec<(String, String)>,
    pub score: String,
    pub date: String,
    pub origin: String,
}

pub fn verbatim_view(ui: &Ui, theme_names: &[(String, String)], row: VerbatimRow) -> VerbatimView {
    let name = |code: &String| {
        theme_names
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.clone())
    };
    let origin = match (&row.channel, &row.question_code) {
        (Some(ch), _) => ui.t(&format!("channel-{ch}")),
        (None, Some(q)) => ui.t(&format!("survey-question-{q}")),
        _ => String::new(),
    };
    VerbatimView {
        label: ui.t(&format!("sentiment-{}", row.effective_label())),
        computed_label: ui.t(&format!("sentiment-{}", row.label)),
        corrected: row.label_corrected.is_some() || row.themes_corrected.is_some(),
        themes: row
            .effective_themes()
            .iter()
            .map(|c| (c.clone(), name(c)))
            .collect(),
        score: format::number(ui.locale, f64::from(row.score), 2),
        date: ui.date(&row.said_on),
        origin,
        row,
    }
}

pub async fn theme_names(db: &sqlx::PgPool, locale: Locale) -> sqlx::Result<Vec<(String, String)>> {
    let col = match locale {
        Locale::Fr => "name_fr",
        Locale::En => "name_en",
    };
    sqlx::query_as(&format!(
        "SELECT code, {col} FROM voc_themes ORDER BY position, code"
    ))
    .fetch_all(db)
    .await
}

/// Fewer answers than this and a quarter's NPS is shown as weak evidence (its
/// own marker on the chart, said in the table): one promoter alone reads +100.
pub const FEW_ANSWERS: usize = 5;

/// The quarter starting on `start` as people read it: "T1 2025" / "Q1 2025".
pub fn quarter_label(locale: Locale, start: NaiveDate) -> String {
    crate::period::Period::containing(crate::domain::Frequency::Quarterly, start).label(locale)
}

pub struct QuarterView {
    /// The code ("2025-Q1"), for machines (`data-quarter`).
    pub code: String,
    pub label: String,
    /// Answered by fewer than `FEW_ANSWERS` people.
    pub weak: bool,
    pub n: usize,
    pub nps: String,
    pub margin: String,
    pub promoters: usize,
    pub passives: usize,
    pub detractors: usize,
}

pub fn quarter_views(locale: Locale, quarters: &[QuarterNps]) -> Vec<QuarterView> {
    quarters
        .iter()
        .map(|q| match &q.nps {
            Some(n) => QuarterView {
                code: q.label.clone(),
                label: quarter_label(locale, q.start),
                weak: n.n < FEW_ANSWERS,
                n: n.n,
                nps: format::number(locale, n.score, 0),
                margin: format!("± {}", format::number(locale, n.margin_of_error, 0)),
                promoters: n.promoters,
                passives: n.passives,
                detractors: n.detractors,
            },
            None => QuarterView {
                code: q.label.clone(),
                label: quarter_label(locale, q.start),
                weak: false,
                n: 0,
                nps: "—".into(),
                margin: String::new(),
                promoters: 0,
                passives: 0,
                detractors: 0,
            },
        })
        .collect()
}

/// The NPS trend; quarters answered by fewer than `FEW_ANSWERS` people get the
/// weak-evidence marker.
pub fn nps_chart(locale: Locale, quarters: &[QuarterNps]) -> String {
    let labels: Vec<String> = quarters
        .iter()
        .map(|q| quarter_label(locale, q.start))
        .collect();
    let values: Vec<Option<f64>> = quarters.iter().map(|q| q.nps.map(|n| n.score)).collect();
    let weak: Vec<bool> = quarters
        .iter()
        .map(|q| q.nps.is_some_and(|n| n.n < FEW_ANSWERS))
        .collect();
    let note = locale.t("voc-few-answers");
    let fmt = move |v: f64| format::number(locale, v, 0);
    charts::line_chart(&LineChart {
        labelled_by: "nps-caption",
        x_labels: &labels,
        values: &values,
        targets: &[],
        forecast: &[],
        format: &fmt,
        bounds: Some((-100.0, 100.0)),
        weak: &weak,
        weak_note: &note,
    })
}

#[derive(Template)]
#[template(path = "voc/account.html")]
pub struct VocPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub chart: String,
    pub quarters: Vec<QuarterView>,
    pub totals: (usize, usize, usize, String),
    pub flagged: Vec<VerbatimView>,
    pub verbatims: Vec<VerbatimView>,
    pub filters: Filters,
    pub query_string: String,
    pub themes: Vec<(String, String)>,
    pub contacts: Vec<(i64, String)>,
    pub pager: Pager,
    /// Links to the previous and next pages, filters kept.
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// "Page 2 of 18" and "Texts 21–40 of 346".
    pub page_of: String,
    pub shown: String,
    pub note: NoteKept,
    pub today: String,
}

/// A refused note, back in the form of the page shown again with 422 (never in a
/// URL: the client's words stay out of `Location` headers and access logs).
#[derive(Debug, Default)]
pub struct NoteKept {
    pub note_contact: String,
    pub note_date: String,
    pub note_channel: String,
    pub note_body: String,
    pub error: Option<String>,
}

/// The page of the verbatim list, beside the filters in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct PageParam {
    #[serde(default)]
    pub page: String,
}

/// `GET /accounts/{id}/voc`
pub async fn show(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
    Path(id): Path<i64>,
    Query(filters): Query<Filters>,
    Query(asked): Query<PageParam>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ui,
        id,
        (filters, asked),
        NoteKept::default(),
        StatusCode::OK,
    )
    .await
}

/// The account's VoC page; `note` carries a refused note back into its form.
async fn page(
    state: &AppState,
    user: &crate::users::User,
    ui: Ui,
    id: i64,
    (filters, asked): (Filters, PageParam),
    note: NoteKept,
    status: StatusCode,
) -> AppResult<Response> {
    let account = accounts::find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_edit = accounts::can_edit(user, &account);
    let today = Utc::now().date_naive();
    let ids = [id];
    let quarters = query::nps_by_quarter(&state.db, &ids, today, QUARTERS).await?;
    let year_ago = today - chrono::Duration::days(365);
    let last_year = query::nps_by_quarter(&state.db, &ids, today, 4).await?;
    let (mut p, mut pa, mut d) = (0, 0, 0);
    for q in last_year.iter().filter_map(|q| q.nps) {
        p += q.promoters;
        pa += q.passives;
        d += q.detractors;
    }
    let all: Vec<u8> = std::iter::repeat_n(10u8, p)
        .chain(std::iter::repeat_n(8u8, pa))
        .chain(std::iter::repeat_n(0u8, d))
        .collect();
    let year_nps = super::nps::nps(&all)
        .map(|n| {
            format!(
                "{} (± {})",
                format::number(ui.locale, n.score, 0),
                format::number(ui.locale, n.margin_of_error, 0)
            )
        })
        .unwrap_or_else(|| "—".into());
    let themes = theme_names(&state.db, ui.locale).await?;
    let flagged = query::flagged(&state.db, &ids, year_ago)
        .await?
        .into_iter()
        .map(|r| verbatim_view(&ui, &themes, r))
        .collect();
    let total = query::count_verbatims(&state.db, &ids, &filters, today).await?;
    let pager = Pager::new(&asked.page, total, paging::PER_PAGE);
    let verbatims = query::verbatims(
        &state.db,
        &ids,
        &filters,
        today,
        pager.per_page,
        pager.offset(),
    )
    .await?
    .into_iter()
    .map(|r| verbatim_view(&ui, &themes, r))
    .collect();
    let contacts: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM contacts WHERE account_id = $1 ORDER BY lower(name)")
            .bind(id)
            .fetch_all(&state.db)
            .await?;
    let query_string = filters.query_string();
    let href = |n: i64| format!("/accounts/{id}/voc?{query_string}&page={n}#verbatims-section");
    let page_of = ui.locale.t_args(
        "voc-page-of",
        &[("page", pager.page.into()), ("pages", pager.pages.into())],
    );
    let shown = match pager.range() {
        Some((first, last)) => ui.locale.t_args(
            "voc-texts-range",
            &[
                ("first", first.into()),
                ("last", last.into()),
                ("total", pager.total.into()),
            ],
        ),
        None => String::new(),
    };
    let page = VocPage {
        page_of,
        shown,
        prev_href: pager.prev().map(href),
        next_href: pager.next().map(href),
        pager,
        chart: nps_chart(ui.locale, &quarters),
        quarters: quarter_views(ui.locale, &quarters),
        totals: (p, pa, d, year_nps),
        flagged,
        verbatims,
        query_string,
        filters,
        themes,
        contacts,
        note,
        today: today.to_string(),
        can_edit,
        account,
        ui,
    };
    crate::web::render_status(status, &page)
}

/// `GET /accounts/{id}/voc.csv`: the filtered verbatims.
pub async fn csv(
    State(state): State<AppState>,
    VisibleAccount { user: _, account }: VisibleAccount,
    ui: Ui,
    Query(filters): Query<Filters>,
) -> AppResult<CsvResponse> {
    let id = account.id;
    let rows = query::verbatims(
        &state.db,
        &[id],
        &filters,
        Utc::now().date_naive(),
        100_000,
        0,
    )
    .await?;
    write_csv(&ui, rows, &format!("voc-{}.csv", account.slug))
}

pub fn write_csv(ui: &Ui, rows: Vec<VerbatimRow>, filename: &str) -> AppResult<CsvResponse> {
    let mut out = Csv::new(&[
        ui.t("col-date"),
        ui.t("accounts-title"),
        ui.t("voc-contact"),
        ui.t("voc-source"),
        ui.t("voc-language"),
        "NPS".into(),
        ui.t("voc-satisfaction"),
        ui.t("voc-sentiment"),
        ui.t("voc-score"),
        ui.t("voc-sentiment-corrected"),
        ui.t("voc-themes"),
        ui.t("voc-themes-corrected"),
        ui.t("voc-flag"),
        ui.t("voc-text"),
    ])?;
    for r in rows {
        out.row(&[
            r.said_on.to_string(),
            r.account_name.clone(),
            r.contact_name.clone().unwrap_or_default(),
            if r.note_id.is_some() {
                "note".into()
            } else {
                format!("survey:{}", r.question_code.clone().unwrap_or_default())
            },
            r.language.clone(),
            r.nps.map(|v| v.to_string()).unwrap_or_default(),
            r.satisfaction.map(|v| v.to_string()).unwrap_or_default(),
            r.label.clone(),
            format!("{:.3}", r.score),
            r.label_corrected.clone().unwrap_or_default(),
            r.themes.join(" "),
            r.themes_corrected
                .clone()
                .map(|t| t.join(" "))
                .unwrap_or_default(),
            r.flag.clone().unwrap_or_default(),
            r.body.clone(),
        ])?;
    }
    out.finish(filename)
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    contact_id: String,
    #[serde(default)]
    said_on: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    body: String,
    /// The one-use token of the rendered form (see `web::once`).
    #[serde(default, rename = "_once")]
    once: String,
}

/// `POST /accounts/{id}/feedback`: what the client said in a meeting or a call.
pub async fn add_note(
    State(state): State<AppState>,
    EditableAccount { user, .. }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<NoteForm>,
) -> AppResult<Response> {
    let back = format!("/accounts/{id}/voc#note-form");
    let today = Utc::now().date_naive();
    let said_on = NaiveDate::parse_from_str(form.said_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today);
    let body = form.body.trim();
    let problem = if body.is_empty() {
        Some("voc-note-empty")
    } else if body.chars().count() > super::answer::MAX_TEXT {
        Some("survey-text-too-long")
    } else if said_on.is_none() {
        Some("date-invalid")
    } else if Channel::parse(&form.channel).is_none() {
        Some("kpi-choose-from-list")
    } else {
        None
    };
    if let Some(key) = problem {
        let note = NoteKept {
            error: Some(ui.t(key)),
            note_contact: form.contact_id,
            note_date: form.said_on,
            note_channel: form.channel,
            note_body: form.body,
        };
        return page(
            &state,
            &user,
            ui,
            id,
            (Filters::default(), PageParam::default()),
            note,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let said_on = said_on.unwrap_or(today);
    let contact: Option<i64> = match form.contact_id.parse::<i64>() {
        Ok(cid) => {
            sqlx::query_scalar("SELECT id FROM contacts WHERE id = $1 AND account_id = $2")
                .bind(cid)
                .bind(id)
                .fetch_optional(&state.db)
                .await?
        }
        Err(_) => None,
    };
    let mut tx = state.db.begin().await?;
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &form.once, Some(user.id), &back).await?
    {
        return crate::web::once::already_saved(&ctx.session, &outcome).await;
    }
    let note: i64 = sqlx::query_scalar(
        "INSERT INTO feedback_notes (account_id, contact_id, said_on, channel, recorded_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(id)
    .bind(contact)
    .bind(said_on)
    .bind(&form.channel)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    let taxonomy = store::taxonomy(&mut *tx).await?;
    let a = store::add_verbatim(
        &mut tx,
        &taxonomy,
        id,
        Origin::Note(note),
        None,
        contact,
        said_on,
        body,
    )
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::FeedbackRecorded)
            .on("feedback_note", note)
            .account(Some(id))
            .after(
                serde_json::json!({ "channel": form.channel, "said_on": said_on, "analysis": a }),
            ),
    )
    .await?;
    store::refresh_scorecard(&mut tx, id, said_on, &ctx.actor()).await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "voc-note-saved").await?;
    Ok(see_other(&back))
}

#[derive(Debug, Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    label: String,
    /// Space-separated theme codes (from checkboxes named `themes`, joined by the
    /// browser as repeated fields: read from the raw form below).
    #[serde(default)]
    reset: String,
}

/// A verbatim's corrections before a change, and its response (to re-flag).
type Previous = (Option<String>, Option<Vec<String>>, Option<i64>);

#[derive(Serialize)]
struct CorrectionRecord {
    label: Option<String>,
    themes: Option<Vec<String>>,
}

/// `POST /accounts/{id}/voc/verbatims/{verbatim_id}`: the KAM's reading of a text.
pub async fn correct(
    State(state): State<AppState>,
    EditableAccount { user, .. }: EditableAccount,
    ctx: RequestCtx,
    Path((id, verbatim_id)): Path<(i64, i64)>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let form = CorrectionForm {
        label: pairs
            .iter()
            .find(|(k, _)| k == "label")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        reset: pairs
            .iter()
            .find(|(k, _)| k == "reset")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
    };
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM voc_themes")
        .fetch_all(&state.db)
        .await?;
    let themes: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k == "themes" && known.contains(v))
        .map(|(_, v)| v.clone())
        .collect();
    let (label, themes) = if form.reset == "1" {
        (None, None)
    } else if let Some(s) = Sentiment::parse(&form.label) {
        (Some(s.code().to_owned()), Some(themes))
    } else {
        return Err(AppError::Unprocessable("kpi-choose-from-list"));
    };
    let mut tx = state.db.begin().await?;
    let before: Option<Previous> = sqlx::query_as(
        "SELECT label_corrected, themes_corrected, response_id FROM voc_verbatims WHERE id = $1 AND account_id = $2 FOR UPDATE",
    )
    .bind(verbatim_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (before_label, before_themes, response) = before.ok_or(AppError::NotFound)?;
    sqlx::query(
        "UPDATE voc_verbatims SET label_corrected = $2, themes_corrected = $3, \
                corrected_by = CASE WHEN $2::text IS NULL AND $3::text[] IS NULL THEN NULL ELSE $4 END, \
                corrected_at = CASE WHEN $2::text IS NULL AND $3::text[] IS NULL THEN NULL ELSE now() END \
         WHERE id = $1",
    )
    .bind(verbatim_id)
    .bind(&label)
    .bind(&themes)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    if let Some(r) = response {
        store::reflag(&mut tx, r).await?;
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::VocCorrected)
            .on("voc_verbatim", verbatim_id)
            .account(Some(id))
            .before(CorrectionRecord {
                label: before_label,
                themes: before_themes,
            })
            .after(CorrectionRecord { label, themes }),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "voc-corrected").await?;
    Ok(see_other(&format!(
        "/accounts/{id}/voc#verbatim-{verbatim_id}"
    )))
}
