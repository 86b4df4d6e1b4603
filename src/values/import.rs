//! `/import`: KPI values from a CSV file.
//!
//! The file is read and every row checked first (`csv_import`, pure) against the
//! accounts the user may edit, each looked up once with its KPIs. Any problem: nothing
//! is written and the page lists them all (422). Otherwise one transaction saves every
//! value through `values::save` (which keeps each value's history and audit row), adds
//! one `values.imported` audit row, and the user lands back here with a summary (303).
//!
//! Re-importing the same file writes nothing at all: every value is unchanged, so
//! there is no history row, and no `values.imported` row either (an import that
//! changed nothing is not a change).

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::Session;

use crate::accounts;
use crate::audit;
use crate::auth::extract::AccountsUser;
use crate::domain::Frequency;
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::kpis::{self, AccountKpi};
use crate::state::AppState;
use crate::users::User;
use crate::values::csv_import::{self, Catalogue, KpiRef, MAX_PROBLEMS_SHOWN};
use crate::values::{self, NewValue, Saved};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{render, render_status, see_other};

/// Uploads larger than this are refused before they are read (set on the route).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Where the summary of the last import waits for the page that shows it.
const SUMMARY_KEY: &str = "import_summary";
/// The form's file field.
const FILE_FIELD: &str = "file";

#[derive(Template)]
#[template(path = "values/import.html")]
pub struct ImportPage {
    pub ui: Ui,
    /// "file.csv: 12 values added, …" after a successful import.
    pub summary: Option<String>,
    pub failure: Option<Failure>,
    pub example: String,
    pub accounts: Vec<AccountCodes>,
}

/// Why the upload was refused, as the page shows it.
pub struct Failure {
    /// What went wrong, in one sentence.
    pub message: String,
    /// "File: x.csv. Fix it, then upload it again." (file-level problems only).
    pub file_line: Option<String>,
    /// The first problems of the rows, in file order.
    pub problems: Vec<ProblemView>,
    /// "… and N more problems."
    pub more: Option<String>,
}

pub struct ProblemView {
    pub line: usize,
    pub column: String,
    pub message: String,
    pub raw: String,
}

/// An account the user may import into, with its KPI codes (the page's reference list).
pub struct AccountCodes {
    pub name: String,
    pub slug: String,
    pub kpis: Vec<KpiCode>,
}

pub struct KpiCode {
    pub code: String,
    pub name: String,
    pub frequency_key: &'static str,
}

/// What the last import did, kept in the session until the page shows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Summary {
    file: String,
    created: usize,
    updated: usize,
    unchanged: usize,
}

impl Summary {
    fn message(&self, locale: Locale) -> String {
        // Numbers to choose the plural, texts to show ("20 000" in French).
        let text = |n: usize| format::number(locale, n as f64, 0).into();
        locale.t_args(
            "import-done",
            &[
                ("file", self.file.clone().into()),
                ("created", self.created.into()),
                ("updated", self.updated.into()),
                ("unchanged", self.unchanged.into()),
                ("created_text", text(self.created)),
                ("updated_text", text(self.updated)),
                ("unchanged_text", text(self.unchanged)),
            ],
        )
    }
}

/// `GET /import`: the upload form, the format, and the codes the user may use.
pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
) -> AppResult<Response> {
    let summary = take_summary(&ctx.session)
        .await?
        .map(|s| s.message(ui.locale));
    show(&state.db, &user, ui, StatusCode::OK, summary, None).await
}

/// `GET /import/template.csv`: an empty file with the header in the user's language.
pub async fn template(AccountsUser(_user): AccountsUser, ui: Ui) -> Response {
    let mut r = csv_import::template(ui.locale).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = match ui.locale {
        Locale::Fr => "attachment; filename=\"import-valeurs.csv\"",
        Locale::En => "attachment; filename=\"import-values.csv\"",
    };
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(name));
    r
}

/// `POST /import?_csrf=…` (multipart): check the whole file, then save it all or nothing.
pub async fn upload(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ctx: RequestCtx,
    ui: Ui,
    multipart: Multipart,
) -> AppResult<Response> {
    let locale = ui.locale;
    let refuse = |ui: Ui, status: StatusCode, failure: Failure| {
        show(&state.db, &user, ui, status, None, Some(failure))
    };
    let file_only = |message: String| Failure {
        message,
        file_line: None,
        problems: Vec::new(),
        more: None,
    };

    let (file_name, bytes) = match read_file(multipart).await {
        Ok(Some(f)) => f,
        Ok(None) => {
            let f = file_only(locale.t("import-no-file"));
            return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
        Err(e) => {
            let status = e.status();
            tracing::info!(error = %e, "import upload not received");
            let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "import-too-large"
            } else {
                "import-upload-failed"
            };
            return refuse(ui, status, file_only(locale.t(key))).await;
        }
    };

    let parsed = match csv_import::parse(&bytes) {
        Ok(p) => p,
        Err(problem) => {
            let f = Failure {
                message: problem.message(locale),
                file_line: Some(
                    locale.t_args("import-file-again", &[("file", file_name.clone().into())]),
                ),
                problems: Vec::new(),
                more: None,
            };
            return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
    };

    let (catalogue, kpis) = catalogue(&state.db, &user, &parsed.account_codes()).await?;
    let checked = csv_import::validate(&parsed, &catalogue);
    if !checked.problems.is_empty() {
        let total = checked.problems.len();
        let problems = checked
            .problems
            .iter()
            .take(MAX_PROBLEMS_SHOWN)
            .map(|p| ProblemView {
                line: p.line,
                column: p
                    .column
                    .map(|c| locale.t(c.label_key()))
                    .unwrap_or_default(),
                message: p.message(locale),
                raw: p.raw.clone(),
            })
            .collect();
        let more = (total > MAX_PROBLEMS_SHOWN).then(|| {
            let n = total - MAX_PROBLEMS_SHOWN;
            let text = format::number(locale, n as f64, 0);
            locale.t_args(
                "import-problems-more",
                &[("count", n.into()), ("count_text", text.into())],
            )
        });
        let message = locale.t_args(
            "import-problems-summary",
            &[
                ("count", total.into()),
                ("count_text", format::number(locale, total as f64, 0).into()),
                ("file", file_name.clone().into()),
                (
                    "rows",
                    format::number(locale, parsed.row_count() as f64, 0).into(),
                ),
            ],
        );
        let f = Failure {
            message,
            file_line: None,
            problems,
            more,
        };
        return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f).await;
    }

    // Everything checked: save it all in one transaction.
    let actor = ctx.actor();
    let mut summary = Summary {
        file: file_name.clone(),
        ..Summary::default()
    };
    let mut changed_accounts = BTreeSet::new();
    let mut tx = state.db.begin().await?;
    for row in &checked.rows {
        let kpi = kpis.get(&row.kpi_id).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("KPI {} checked but not loaded", row.kpi_id))
        })?;
        let saved = values::save(
            &mut tx,
            kpi,
            &NewValue {
                period: row.period,
                value: row.value,
                comment: &row.comment,
                source: "csv",
                expected_version: None,
                check_version: false,
            },
            &actor,
        )
        .await?;
        match saved {
            Saved::Created => summary.created += 1,
            Saved::Updated => summary.updated += 1,
            Saved::Unchanged => summary.unchanged += 1,
            // Only when someone created the same value between our read and our
            // write: the transaction is dropped (rolled back), nothing is kept.
            Saved::Conflict => return Err(AppError::Conflict("import-conflict")),
        }
        if saved != Saved::Unchanged {
            changed_accounts.insert(row.account_id);
        }
    }
    if !changed_accounts.is_empty() {
        let ids: Vec<i64> = changed_accounts.iter().copied().collect();
        audit::record(
            &mut *tx,
            &actor,
            audit::Entry::new("values.imported")
                .account((ids.len() == 1).then(|| ids[0]))
                .after(serde_json::json!({
                    "file": summary.file,
                    "rows": checked.rows.len(),
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "account_ids": ids,
                })),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    tracing::info!(
        file = %summary.file,
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        "values imported"
    );
    ctx.session.insert(SUMMARY_KEY, &summary).await?;
    Ok(see_other("/import"))
}

/// Renders the page, with the codes the user may import into.
async fn show(
    db: &PgPool,
    user: &User,
    ui: Ui,
    status: StatusCode,
    summary: Option<String>,
    failure: Option<Failure>,
) -> AppResult<Response> {
    let accounts = reference(db, user, ui.locale).await?;
    let page = ImportPage {
        example: csv_import::example(ui.locale),
        ui,
        summary,
        failure,
        accounts,
    };
    if status == StatusCode::OK {
        render(&page)
    } else {
        render_status(status, &page)
    }
}

/// The uploaded file's name and bytes; None when no file was chosen.
async fn read_file(mut multipart: Multipart) -> Result<Option<(String, Vec<u8>)>, MultipartError> {
    let mut found = None;
    while let Some(field) = multipart.next_field().await? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or_default());
        let bytes = field.bytes().await?;
        // A form sent without choosing a file has an empty part with no name.
        if !(name.is_empty() && bytes.is_empty()) {
            found = Some((name, bytes.to_vec()));
        }
    }
    Ok(found)
}

/// The file name as shown and audited: no folders, no control characters, not too long.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    clean.trim().to_owned()
}

/// The accounts named in the file that the user may edit, each with its KPIs: one
/// query for the codes, then one visibility check and one KPI query per account.
/// Accounts the user may not edit are left out, exactly like unknown ones.
async fn catalogue(
    db: &PgPool,
    user: &User,
    codes: &BTreeSet<String>,
) -> AppResult<(Catalogue, HashMap<i64, AccountKpi>)> {
    let mut catalogue = Catalogue::default();
    let mut kpis_by_id = HashMap::new();
    if codes.is_empty() {
        return Ok((catalogue, kpis_by_id));
    }
    let codes: Vec<String> = codes.iter().cloned().collect();
    let found: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, slug FROM accounts WHERE slug = ANY($1)")
            .bind(&codes)
            .fetch_all(db)
            .await?;
    for (id, slug) in found {
        let Some(account) = accounts::find_visible(db, user, id).await? else {
            continue;
        };
        if !accounts::can_edit(user, &account) {
            continue;
        }
        catalogue.add_account(&slug, id);
        for k in kpis::for_account(db, id).await? {
            catalogue.add_kpi(
                &slug,
                &k.code,
                KpiRef {
                    id: k.id,
                    unit: k.unit,
                    frequency: k.frequency,
                },
            );
            kpis_by_id.insert(k.id, k);
        }
    }
    Ok((catalogue, kpis_by_id))
}

/// The accounts the user may import into, with their KPI codes.
async fn reference(db: &PgPool, user: &User, locale: Locale) -> AppResult<Vec<AccountCodes>> {
    let mut out = Vec::new();
    for summary in accounts::visible_to(db, user).await? {
        let Some(account) = accounts::find_visible(db, user, summary.id).await? else {
            continue;
        };
        if !accounts::can_edit(user, &account) {
            continue;
        }
        let kpis = kpis::for_account(db, account.id)
            .await?
            .into_iter()
            .map(|k| KpiCode {
                name: k.name(locale).to_owned(),
                frequency_key: frequency_key(k.frequency),
                code: k.code,
            })
            .collect();
        out.push(AccountCodes {
            name: account.name,
            slug: account.slug,
            kpis,
        });
    }
    Ok(out)
}

fn frequency_key(f: Frequency) -> &'static str {
    match f {
        Frequency::Monthly => "import-frequency-monthly",
        Frequency::Quarterly => "import-frequency-quarterly",
        Frequency::Yearly => "import-frequency-yearly",
    }
}

async fn take_summary(session: &Session) -> AppResult<Option<Summary>> {
    Ok(session.remove::<Summary>(SUMMARY_KEY).await?)
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(
            clean_name("C:\\Users\\alice\\valeurs sept.csv"),
            "valeurs sept.csv"
        );
        assert_eq!(clean_name("/tmp/x/values.csv"), "values.csv");
        assert_eq!(clean_name("a\u{0007}b.csv"), "ab.csv");
        assert_eq!(clean_name(""), "");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 200);
    }
}
