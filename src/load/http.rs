//! The HTTP side of a client: its session, forms' hidden fields, CSV files for the import.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};

use super::*;

pub(super) fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\" content=\"")? + "name=\"csrf-token\" content=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

/// The value of the hidden field `name` of a rendered form (`_csrf`, `_once`).
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let at = html.find(&needle)? + needle.len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

/// One row of an import file: account slug, KPI code, period, value, comment.
pub struct CsvRow {
    pub account: String,
    pub kpi: String,
    pub period: String,
    pub value: i64,
    pub comment: String,
}

/// An import file in the documented format (English header, `,` separators).
pub fn csv_body(rows: &[CsvRow]) -> String {
    let mut out = String::from("account,kpi,period,value,comment\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.account, r.kpi, r.period, r.value, r.comment
        ));
    }
    out
}

/// A multipart/form-data body holding one file in the field `field`, and its
/// content type (built by hand: the HTTP client is compiled without multipart).
pub fn multipart_file(
    field: &str,
    file_name: &str,
    bytes: &str,
    boundary: &str,
) -> (String, String) {
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{bytes}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A month nobody else writes during a run: between 2001-01 and 2020-12 (the value
/// entries write this month, the evaluations last month's values).
pub fn old_month(index: u32) -> String {
    let i = index % 240;
    format!("{}-{:02}", 2001 + i / 12, i % 12 + 1)
}

pub(super) struct Client {
    pub(super) http: reqwest::Client,
    pub(super) csrf: String,
}

impl Client {
    pub(super) async fn sign_in(
        base: &str,
        email: &str,
        password: &str,
        tally: &Mutex<Tally>,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()?;
        let page = http
            .get(format!("{base}/login"))
            .send()
            .await?
            .text()
            .await?;
        let csrf = csrf_of(&page).context("no CSRF token on /login")?;
        let started = Instant::now();
        let r = http
            .post(format!("{base}/login"))
            .form(&[("email", email), ("password", password), ("_csrf", &csrf)])
            .send()
            .await?;
        let status = r.status().as_u16();
        tally
            .lock()
            .unwrap()
            .record(Kind::Login, status, started.elapsed());
        ensure!(status == 303, "login of {email} answered {status}");
        let home = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("/")
            .to_owned();
        let page = http
            .get(format!("{base}{home}"))
            .send()
            .await?
            .text()
            .await?;
        let csrf = csrf_of(&page).context("no CSRF token after login")?;
        Ok(Self { http, csrf })
    }
}
