//! `/import`: KPI values from a CSV file.
//!
//! The upload is read and every row checked while the browser waits (`csv_import`,
//! pure, in one pass) against the accounts the user may edit, all looked up in one
//! query (`catalogue`). Any problem: nothing is written and the page lists them
//! (422). Otherwise the rows are written set-based in one transaction (`write`) by
//! an import run (`runs`), and the browser goes to the run's page (303), which
//! shows its progress and then what it did. Small files are written before the
//! answer (their page is already done); large ones by a background task.
//!
//! Re-importing the same file writes nothing at all: every value is unchanged, so
//! there is no history row, and no `values.imported` row either (an import that
//! changed nothing is not a change).

pub mod catalogue;
pub mod runs;
pub mod write;

use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::extract::AccountsUser;
use crate::domain::Frequency;
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, format};
use crate::state::AppState;
use crate::values::csv_import::{self, Checked, FileProblem, MAX_PROBLEMS_SHOWN};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{render, render_status, see_other};

use catalogue::Editable;

/// Uploads larger than this are refused before they are read (set on the route):
/// a million rows of about 100 bytes, comments included.
pub const MAX_UPLOAD_BYTES: usize = 128 * 1024 * 1024;
/// Files of at most this many rows are written before the answer (a fraction of a
/// second): their run page shows the result at once. Larger ones are written by
/// a background task while the run page shows the progress.
pub const INLINE_ROWS: usize = 2_000;
/// The form's file field.
const FILE_FIELD: &str = "file";

#[derive(Template)]
#[template(path = "values/import.html")]
pub struct ImportPage {
    pub ui: Ui,
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

/// `GET /import`: the upload form, the format, and the codes the user may use.
pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let editable = catalogue::editable(&state.db, &user).await?;
    show(&editable, ui, StatusCode::OK, None)
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
    let file_only = |message: String| Failure {
        message,
        file_line: None,
        problems: Vec::new(),
        more: None,
    };

    let received = read_file(multipart).await;
    let editable = catalogue::editable(&state.db, &user).await?;
    let refuse =
        |ui: Ui, status: StatusCode, failure: Failure| show(&editable, ui, status, Some(failure));
    let (file_name, bytes) = match received {
        Ok(Some(f)) => f,
        Ok(None) => {
            let f = file_only(locale.t("import-no-file"));
            return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f);
        }
        Err(e) => {
            let status = e.status();
            tracing::info!(error = %e, "import upload not received");
            let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "import-too-large"
            } else {
                "import-upload-failed"
            };
            return refuse(ui, status, file_only(locale.t(key)));
        }
    };

    let checked = match check(&editable, bytes).await? {
        Ok(c) => c,
        Err(problem) => {
            let f = Failure {
                message: problem.message(locale),
                file_line: Some(
                    locale.t_args("import-file-again", &[("file", file_name.clone().into())]),
                ),
                problems: Vec::new(),
                more: None,
            };
            return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f);
        }
    };
    if checked.problem_count() > 0 {
        let f = row_problems(locale, &file_name, &checked);
        return refuse(ui, StatusCode::UNPROCESSABLE_ENTITY, f);
    }

    // Everything checked: write it all, in one transaction, as a run.
    let run_id = runs::start(&state.db, user.id, &file_name, &checked.rows).await?;
    let job = write::Job {
        run_id,
        file: file_name,
        actor: ctx.actor(),
        rows: checked.rows,
    };
    if job.rows.len() <= INLINE_ROWS {
        // The answer waits for the commit: a 303 means saved (or a 409 nothing).
        write::execute(&state.db, job).await?;
    } else {
        // The run records its own end (done or failed) for its page to show.
        let db = state.db.clone();
        tokio::spawn(async move {
            let _ = write::execute(&db, job).await;
        });
    }
    Ok(see_other(&format!("/import/{run_id}")))
}

/// Checks an uploaded file against what `editable` allows, off the async threads (a
/// million rows take a second or two of CPU). The bytes are dropped once read.
pub async fn check(editable: &Editable, bytes: Vec<u8>) -> AppResult<Result<Checked, FileProblem>> {
    let catalogue = editable.catalogue();
    tokio::task::spawn_blocking(move || csv_import::check(&bytes, &catalogue))
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("import check: {e}")))
}

/// The failure shown for a file whose rows have problems.
fn row_problems(locale: Locale, file_name: &str, checked: &Checked) -> Failure {
    let total = checked.problem_count();
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
            ("file", file_name.to_owned().into()),
            (
                "rows",
                format::number(locale, checked.row_count as f64, 0).into(),
            ),
        ],
    );
    Failure {
        message,
        file_line: None,
        problems,
        more,
    }
}

/// Renders the page, with the codes the user may import into.
fn show(
    editable: &Editable,
    ui: Ui,
    status: StatusCode,
    failure: Option<Failure>,
) -> AppResult<Response> {
    let page = ImportPage {
        example: csv_import::example(ui.locale),
        accounts: editable.reference(ui.locale),
        ui,
        failure,
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
    while let Some(mut field) = multipart.next_field().await? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or_default());
        // Chunk by chunk into one buffer: the file is held once.
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        // A form sent without choosing a file has an empty part with no name.
        if !(name.is_empty() && bytes.is_empty()) {
            found = Some((name, bytes));
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

pub(crate) fn frequency_key(f: Frequency) -> &'static str {
    match f {
        Frequency::Monthly => "import-frequency-monthly",
        Frequency::Quarterly => "import-frequency-quarterly",
        Frequency::Yearly => "import-frequency-yearly",
    }
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
