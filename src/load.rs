//! `boussole load`: N concurrent clients drive a RUNNING server on this machine with
//! mixed work for S seconds, then the database is asked whether every acknowledged
//! write is there exactly once.
//!
//! A subcommand rather than a bench target: it drives any running server (one
//! instance, two behind a balancer, one whose database is being restarted), with the
//! binary that is deployed, in a debug or release build alike, and it needs the
//! database access the binary already has to check the writes. Not a test: it
//! measures, and its figures depend on the machine.
//!
//! Every write carries a unique marker (`load-<run>-<client>-<n>`) in a text field;
//! a write is acknowledged when the server answered 303. Afterwards each marker must
//! be found exactly once: none is a lost write, two a duplicate. Writes answered with
//! an error yet found are reported too (the user was told it failed when it did not).
//!
//! Survey answers go through personal links opened for the run (their tokens are the
//! markers; acknowledged: the thanks page) and CSV imports carry a marker per row in
//! its comment (acknowledged: 303 and the import page's summary; the history row with
//! the marker must hold the value sent).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rand::Rng;
use rand::seq::SliceRandom;
use sqlx::PgPool;

/// What the command line asks for.
pub struct Plan {
    /// One server or several on one database: each client signs in on one and sends
    /// every request to any of them (sessions live in the database).
    pub urls: Vec<url::Url>,
    pub clients: usize,
    pub duration: Duration,
    pub max_requests_per_client: usize,
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Login,
    Scorecard,
    Portfolio,
    Portal,
    ValueEntry,
    ClientEvaluation,
    SurveyAnswer,
    CsvImport,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::Scorecard => "scorecard read",
            Kind::Portfolio => "portfolio read",
            Kind::Portal => "portal read",
            Kind::ValueEntry => "value entry",
            Kind::ClientEvaluation => "client evaluation (+ its page)",
            Kind::SurveyAnswer => "survey answer (+ its form)",
            Kind::CsvImport => "CSV import (+ its page)",
        }
    }

    /// 409 (someone else saved first) and 422 (a step the value's state does not
    /// allow) are answers, not failures.
    fn expected(self, status: u16) -> bool {
        match self {
            Kind::ValueEntry | Kind::ClientEvaluation => {
                matches!(status, 200 | 303 | 409 | 422)
            }
            // Two imports creating the same value at once: the second is refused (409).
            Kind::CsvImport => matches!(status, 303 | 409),
            _ => matches!(status, 200 | 303),
        }
    }

    /// Kinds whose requests write, and whose acknowledgements are checked.
    fn writes(self) -> bool {
        matches!(
            self,
            Kind::ValueEntry | Kind::ClientEvaluation | Kind::SurveyAnswer | Kind::CsvImport
        )
    }
}

/// Only loopback: this is a load generator, not a tool to point at someone's site.
pub fn check_loopback(url: &url::Url) -> anyhow::Result<()> {
    let ok = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    ensure!(
        ok && url.scheme() == "http",
        "the load command only drives a server on this machine (http://127.0.0.1:PORT), not {url}"
    );
    Ok(())
}

/// The p-th percentile (nearest rank) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Lost (acknowledged, absent), duplicated (present more than once) and unacknowledged
/// but present, given the markers acknowledged and the count of each marker found.
pub fn reconcile(
    acknowledged: &[String],
    refused: &[String],
    found: &HashMap<String, i64>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let lost = acknowledged
        .iter()
        .filter(|m| found.get(*m).copied().unwrap_or(0) == 0)
        .cloned()
        .collect();
    let duplicated = found
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(m, _)| m.clone())
        .collect();
    let ghost = refused
        .iter()
        .filter(|m| found.get(*m).copied().unwrap_or(0) > 0)
        .cloned()
        .collect();
    (lost, duplicated, ghost)
}

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<Kind, Vec<Duration>>,
    statuses: BTreeMap<(Kind, u16), usize>,
    transport_errors: usize,
    acknowledged: Vec<(Kind, String)>,
    refused: Vec<(Kind, String)>,
    /// Answered, but the next page neither confirmed nor refused (see `Outcome`).
    unconfirmed: Vec<(Kind, String)>,
    /// The value each acknowledged CSV row carried, by its marker.
    imported: HashMap<String, i64>,
}

impl Tally {
    fn record(&mut self, kind: Kind, status: u16, took: Duration) {
        self.latencies.entry(kind).or_default().push(took);
        *self.statuses.entry((kind, status)).or_default() += 1;
    }
}

/// Who a client is and what it may touch, read from the database before the run.
#[derive(Clone)]
enum Part {
    Director {
        accounts: Vec<i64>,
    },
    Kam {
        accounts: Vec<i64>,
        kpis: Vec<(i64, i64)>,
        /// The same KPIs as a CSV file names them: (account slug, KPI code).
        codes: Vec<(String, String)>,
    },
    Client {
        kpis: Vec<(i64, String)>,
    },
}

#[derive(Clone)]
struct Persona {
    email: String,
    role: Part,
}

async fn personas(db: &PgPool) -> anyhow::Result<Vec<Persona>> {
    let mut out = Vec::new();
    let accounts: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id")
        .fetch_all(db)
        .await?;
    let directors: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE role = 'director' AND active ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    for email in directors {
        out.push(Persona {
            email,
            role: Part::Director {
                accounts: accounts.clone(),
            },
        });
    }
    // KAMs: their own accounts' monthly KPIs (this month's value is theirs to enter).
    let kams: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, u.id FROM users u WHERE u.role = 'kam' AND u.active ORDER BY u.id",
    )
    .fetch_all(db)
    .await?;
    for (email, id) in kams {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT a.id, k.id, a.slug, k.code FROM accounts a JOIN account_kpis k ON k.account_id = a.id
             WHERE a.owner_id = $1 AND k.frequency = 'monthly' ORDER BY k.id",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let kpis: Vec<(i64, i64)> = rows.iter().map(|(a, k, _, _)| (*a, *k)).collect();
        let codes = rows.into_iter().map(|(_, _, a, k)| (a, k)).collect();
        let mut accounts: Vec<i64> = kpis.iter().map(|(a, _)| *a).collect();
        accounts.sort_unstable();
        accounts.dedup();
        if !kpis.is_empty() {
            out.push(Persona {
                email,
                role: Part::Kam {
                    accounts,
                    kpis,
                    codes,
                },
            });
        }
    }
    // Client users: KPIs of their account that hold a value last month.
    let clients: Vec<(String, i64)> = sqlx::query_as(
        "SELECT email, account_id FROM users WHERE role = 'client' AND active AND account_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    for (email, account) in clients {
        let kpis: Vec<(i64, String)> = sqlx::query_as(
            "SELECT k.id, to_char(v.period, 'YYYY-MM') FROM account_kpis k
             JOIN kpi_values v ON v.account_kpi_id = k.id
             WHERE k.account_id = $1 AND k.frequency = 'monthly' AND k.visibility <> 'internal'
               AND v.period = date_trunc('month', now() - interval '1 month')::date
             ORDER BY k.id",
        )
        .bind(account)
        .fetch_all(db)
        .await?;
        if !kpis.is_empty() {
            out.push(Persona {
                email,
                role: Part::Client { kpis },
            });
        }
    }
    ensure!(
        out.iter().any(|p| matches!(p.role, Part::Kam { .. })),
        "the database holds no KAM with monthly KPIs: load the demo first (`boussole demo`)"
    );
    Ok(out)
}

fn csrf_of(html: &str) -> Option<String> {
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

/// Personal survey links opened for this run: tokens, as a respondent's e-mail
/// carries them. Only their SHA-256 is stored, as for real links.
async fn open_survey_links(
    db: &PgPool,
    run: &str,
    count: usize,
) -> anyhow::Result<(i64, Vec<String>)> {
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1")
        .fetch_one(db)
        .await?;
    let mut tx = db.begin().await?;
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO survey_campaigns (account_id, title, closes_at)
         VALUES ($1, $2, now() + interval '1 day') RETURNING id",
    )
    .bind(account)
    .bind(format!("load run {run}"))
    .fetch_one(&mut *tx)
    .await?;
    let tokens: Vec<String> = (0..count).map(|_| crate::web::csrf::new_token()).collect();
    let hashes: Vec<String> = tokens
        .iter()
        .map(|t| crate::sharing::invitations::hash(t))
        .collect();
    sqlx::query(
        "INSERT INTO survey_links (campaign_id, token_hash, language, expires_at)
         SELECT $1, h, 'en', now() + interval '1 day' FROM unnest($2::text[]) AS h",
    )
    .bind(campaign)
    .bind(&hashes)
    .execute(&mut *tx)
    .await?;
    crate::db::commit(tx).await?;
    Ok((campaign, tokens))
}

struct Client {
    http: reqwest::Client,
    csrf: String,
}

impl Client {
    async fn sign_in(
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

/// What a client does next.
enum Step {
    Get(Kind, String),
    Value {
        account: i64,
        kpi: i64,
        value: String,
    },
    Evaluate {
        kpi: i64,
        period: String,
        action: &'static str,
    },
    /// Answer the survey through one of the run's personal links, anonymously.
    Survey,
    /// Upload a small CSV file (comments are the markers, filled in by the caller).
    Import(Vec<CsvRow>),
}

/// Rows in a CSV import.
const IMPORT_ROWS: usize = 3;

/// The mix: the director reads the portfolio and scorecards, KAMs read scorecards and
/// enter this month's values, client users read their portal and validate, contest or
/// comment last month's values; KAMs also import small CSV files, and anyone may
/// answer the survey through a personal link while the run's links last.
fn choose(part: &Part, surveys_open: bool, rng: &mut impl Rng) -> Step {
    if surveys_open && rng.gen_bool(0.1) {
        return Step::Survey;
    }
    match part {
        Part::Director { accounts } => {
            if rng.gen_bool(0.3) {
                Step::Get(Kind::Portfolio, "/portfolio".into())
            } else {
                let a = accounts.choose(rng).copied().unwrap_or(1);
                Step::Get(Kind::Scorecard, format!("/accounts/{a}"))
            }
        }
        Part::Kam {
            accounts,
            kpis,
            codes,
        } => {
            if rng.gen_bool(0.1) {
                // Distinct (KPI, month) pairs: a file naming one twice is refused.
                let mut rows: Vec<CsvRow> = Vec::new();
                for _ in 0..IMPORT_ROWS {
                    let (account, kpi) = codes.choose(rng).expect("non-empty").clone();
                    let period = old_month(rng.gen_range(0..240));
                    if rows
                        .iter()
                        .all(|r| (&r.account, &r.kpi, &r.period) != (&account, &kpi, &period))
                    {
                        rows.push(CsvRow {
                            account,
                            kpi,
                            period,
                            value: rng.gen_range(1..100),
                            comment: String::new(),
                        });
                    }
                }
                Step::Import(rows)
            } else if rng.gen_bool(0.5) {
                let a = accounts.choose(rng).copied().unwrap_or(1);
                Step::Get(Kind::Scorecard, format!("/accounts/{a}"))
            } else {
                let (account, kpi) = *kpis.choose(rng).expect("non-empty");
                let value = rng.gen_range(1..100).to_string();
                Step::Value {
                    account,
                    kpi,
                    value,
                }
            }
        }
        Part::Client { kpis } => {
            if rng.gen_bool(0.4) {
                Step::Get(Kind::Portal, "/portal".into())
            } else {
                let (kpi, period) = kpis.choose(rng).expect("non-empty").clone();
                let action = ["comment", "validate", "contest"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("comment");
                Step::Evaluate {
                    kpi,
                    period,
                    action,
                }
            }
        }
    }
}

/// What one step came to: the status counted (or a transport error), the markers of
/// the writes it carried, and whether the server acknowledged them.
struct Outcome {
    kind: Kind,
    status: Result<u16, reqwest::Error>,
    markers: Vec<String>,
    acknowledged: bool,
    /// The server answered, but the page that should confirm or refuse the write
    /// said neither (during a database outage the message stored for the next page
    /// can be lost with the session): neither acknowledged nor refused, counted
    /// apart and checked in the database like the others.
    unconfirmed: bool,
    /// For CSV rows: marker → value sent.
    values: Vec<(String, i64)>,
}

/// One client's loop, bounded by the deadline and a request count.
#[allow(clippy::too_many_arguments)]
async fn drive(
    me: usize,
    run: String,
    persona: Persona,
    plan: Arc<Plan>,
    deadline: Instant,
    db: PgPool,
    links: Arc<Mutex<Vec<String>>>,
    tally: Arc<Mutex<Tally>>,
) {
    let bases: Vec<String> = plan
        .urls
        .iter()
        .map(|u| u.as_str().trim_end_matches('/').to_owned())
        .collect();
    let client = match Client::sign_in(
        &bases[me % bases.len()],
        &persona.email,
        &plan.password,
        &tally,
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("client {me} ({}) could not sign in: {e:#}", persona.email);
            tally.lock().unwrap().transport_errors += 1;
            return;
        }
    };
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    for n in 0..plan.max_requests_per_client {
        if Instant::now() >= deadline {
            break;
        }
        let marker = format!("load-{run}-{me}-{n}");
        let surveys_open = !links.lock().unwrap().is_empty();
        let (step, base) = {
            let mut rng = rand::thread_rng();
            let base = bases.choose(&mut rng).expect("at least one URL").clone();
            (choose(&persona.role, surveys_open, &mut rng), base)
        };
        let started = Instant::now();
        let outcome = match step {
            Step::Survey => {
                let Some(token) = links.lock().unwrap().pop() else {
                    continue;
                };
                survey(&base, token).await
            }
            Step::Import(rows) => import(&client, &base, &marker, rows).await,
            step => simple(&client, &db, &base, &month, &marker, step).await,
        };
        let took = started.elapsed();
        let mut t = tally.lock().unwrap();
        let kind = outcome.kind;
        match outcome.status {
            Ok(status) => {
                t.record(kind, status, took);
                if outcome.unconfirmed {
                    t.unconfirmed
                        .push((kind, outcome.markers.first().cloned().unwrap_or_default()));
                }
                if kind.writes() && outcome.unconfirmed && !outcome.acknowledged {
                    // Neither acknowledged nor refused: only reported.
                } else if kind.writes() {
                    let to = if outcome.acknowledged {
                        &mut t.acknowledged
                    } else {
                        &mut t.refused
                    };
                    to.extend(outcome.markers.into_iter().map(|m| (kind, m)));
                    if outcome.acknowledged {
                        t.imported.extend(outcome.values);
                    }
                }
            }
            Err(e) => {
                t.transport_errors += 1;
                if t.transport_errors <= 5 {
                    eprintln!("client {me}: {kind:?} failed: {e}");
                }
                if kind.writes() {
                    t.refused
                        .extend(outcome.markers.into_iter().map(|m| (kind, m)));
                }
            }
        }
    }
}

/// The survey as a respondent answers it: a fresh anonymous browser opens the link,
/// then sends the form with its CSRF and one-use tokens. Acknowledged: the thanks page.
async fn survey(base: &str, token: String) -> Outcome {
    let mut outcome = Outcome {
        kind: Kind::SurveyAnswer,
        status: Ok(0),
        markers: vec![token.clone()],
        acknowledged: false,
        unconfirmed: false,
        values: Vec::new(),
    };
    let http = match reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
    {
        Ok(h) => h,
        Err(e) => {
            outcome.status = Err(e);
            return outcome;
        }
    };
    let url = format!("{base}/survey/{token}");
    let page = match http.get(&url).send().await {
        Ok(r) if r.status() == 200 => r.text().await,
        Ok(r) => {
            outcome.status = Ok(r.status().as_u16());
            return outcome;
        }
        Err(e) => Err(e),
    };
    let html = match page {
        Ok(h) => h,
        Err(e) => {
            outcome.status = Err(e);
            return outcome;
        }
    };
    let csrf = hidden_field(&html, "_csrf").unwrap_or_default();
    let once = hidden_field(&html, "_once").unwrap_or_default();
    let (nps, satisfaction, ease) = {
        let mut rng = rand::thread_rng();
        (
            rng.gen_range(0..=10).to_string(),
            rng.gen_range(1..=5).to_string(),
            rng.gen_range(1..=5).to_string(),
        )
    };
    let form = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("q_nps", nps.as_str()),
        ("q_satisfaction", satisfaction.as_str()),
        ("q_ease", ease.as_str()),
        ("q_reason", "Load test answer: deliveries on time."),
    ];
    outcome.status = match http.post(&url).form(&form).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text().await {
                Ok(html) => {
                    outcome.acknowledged = status == 200 && html.contains("id=\"survey-thanks\"");
                    Ok(status)
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    outcome
}

/// A KAM's CSV import of a few rows, each comment a marker. Acknowledged: 303 to the
/// import run's page (small files are written before the answer), which shows the
/// summary of what was saved.
async fn import(client: &Client, base: &str, marker: &str, mut rows: Vec<CsvRow>) -> Outcome {
    for (i, r) in rows.iter_mut().enumerate() {
        r.comment = format!("{marker}-r{i}");
    }
    let mut outcome = Outcome {
        kind: Kind::CsvImport,
        status: Ok(0),
        markers: rows.iter().map(|r| r.comment.clone()).collect(),
        acknowledged: false,
        unconfirmed: false,
        values: rows.iter().map(|r| (r.comment.clone(), r.value)).collect(),
    };
    let boundary = format!("----boussole-load-{marker}");
    let (content_type, body) = multipart_file(
        "file",
        &format!("{marker}.csv"),
        &csv_body(&rows),
        &boundary,
    );
    let url = format!("{base}/import?_csrf={}", client.csrf);
    let sent = client
        .http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await;
    outcome.status = match sent {
        Ok(r) if r.status() == 303 => {
            // The import run's page (`/import/{id}`).
            let to = r
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("/import")
                .to_owned();
            match client.http.get(format!("{base}{to}")).send().await {
                Ok(page) => match page.text().await {
                    Ok(html) => {
                        // A small file's import answers 303 only once its transaction
                        // has committed: that is the acknowledgement. The run's page
                        // after it may still miss its summary (outage): say so apart.
                        outcome.acknowledged = true;
                        outcome.unconfirmed = !html.contains("id=\"import-summary\"");
                        Ok(303)
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            }
        }
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) => Err(e),
    };
    outcome
}

/// The page reads, value entries and client evaluations.
async fn simple(
    client: &Client,
    db: &PgPool,
    base: &str,
    month: &str,
    marker: &str,
    step: Step,
) -> Outcome {
    let (kind, request) = match step {
        Step::Get(kind, path) => (kind, client.http.get(format!("{base}{path}"))),
        Step::Value {
            account,
            kpi,
            value,
        } => {
            // The version the form would carry: what is stored now.
            let version: Option<i32> = sqlx::query_scalar(
                "SELECT version FROM kpi_values WHERE account_kpi_id = $1
                 AND period = date_trunc('month', now())::date",
            )
            .bind(kpi)
            .fetch_optional(db)
            .await
            .ok()
            .flatten();
            let version = version.map(|v| v.to_string()).unwrap_or_default();
            let form = [
                ("period", month),
                ("value", value.as_str()),
                ("comment", marker),
                ("version", version.as_str()),
                ("_csrf", client.csrf.as_str()),
            ];
            let url = format!("{base}/accounts/{account}/kpis/{kpi}/values");
            (Kind::ValueEntry, client.http.post(url).form(&form))
        }
        Step::Evaluate {
            kpi,
            period,
            action,
        } => {
            let form = [
                ("period", period.as_str()),
                ("action", action),
                ("body", marker),
                ("_csrf", client.csrf.as_str()),
            ];
            let url = format!("{base}/portal/kpis/{kpi}/evaluate");
            (Kind::ClientEvaluation, client.http.post(url).form(&form))
        }
        Step::Survey | Step::Import(_) => unreachable!("handled by the caller"),
    };
    let status = match request.send().await {
        // A refused evaluation step is answered like a recorded one (303), with an
        // error message on the page it leads to: read that page, as the user does.
        Ok(r) if kind == Kind::ClientEvaluation && r.status() == 303 => {
            let to = r
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("/portal")
                .to_owned();
            match client.http.get(format!("{base}{to}")).send().await {
                Ok(page) => match page.text().await {
                    Ok(html) if html.contains("flash--error") => Ok(422),
                    Ok(html) if html.contains("flash--success") => Ok(303),
                    // Neither message: the user cannot tell whether it was saved.
                    Ok(_) => Ok(0),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            }
        }
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) => Err(e),
    };
    let unconfirmed = matches!(status, Ok(0));
    Outcome {
        kind,
        acknowledged: matches!(status, Ok(303)),
        unconfirmed,
        status: if unconfirmed { Ok(303) } else { status },
        markers: vec![marker.to_owned()],
        values: Vec::new(),
    }
}

/// Runs the plan, prints the report; an error when a write was lost or duplicated.
pub async fn run(plan: Plan, db: PgPool) -> anyhow::Result<()> {
    ensure!(!plan.urls.is_empty(), "give at least one --url");
    for url in &plan.urls {
        check_loopback(url)?;
    }
    ensure!(plan.clients > 0, "--clients must be at least 1");
    let people = personas(&db).await?;
    let run = format!("{:x}", rand::thread_rng().r#gen::<u32>());
    // Enough links for a tenth of every client's steps at the debug build's pace;
    // when they run out, clients stop answering the survey.
    let wanted = (plan.clients * 40).min(plan.clients * plan.max_requests_per_client);
    let (campaign, tokens) = open_survey_links(&db, &run, wanted.clamp(1, 4000)).await?;
    let by_hash: HashMap<String, String> = tokens
        .iter()
        .map(|t| (crate::sharing::invitations::hash(t), t.clone()))
        .collect();
    let links = Arc::new(Mutex::new(tokens));
    let plan = Arc::new(plan);
    let tally = Arc::new(Mutex::new(Tally::default()));
    println!(
        "load run {run}: {} clients for {} s against {} ({} personas)",
        plan.clients,
        plan.duration.as_secs(),
        plan.urls
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        people.len()
    );
    let started = Instant::now();
    let deadline = started + plan.duration;
    let mut tasks = Vec::new();
    for me in 0..plan.clients {
        let persona = people[me % people.len()].clone();
        tasks.push(tokio::spawn(drive(
            me,
            run.clone(),
            persona,
            plan.clone(),
            deadline,
            db.clone(),
            links.clone(),
            tally.clone(),
        )));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed();
    let t = std::mem::take(&mut *tally.lock().unwrap());

    // The writes, as the database has them.
    let like = format!("load-{run}-%");
    let mut found: HashMap<String, i64> = HashMap::new();
    let values: Vec<(String, i64)> = sqlx::query_as(
        "SELECT after_comment, count(*) FROM kpi_value_history WHERE after_comment LIKE $1 GROUP BY 1",
    )
    .bind(&like)
    .fetch_all(&db)
    .await?;
    let messages: Vec<(String, i64)> =
        sqlx::query_as("SELECT body, count(*) FROM value_messages WHERE body LIKE $1 GROUP BY 1")
            .bind(&like)
            .fetch_all(&db)
            .await?;
    // Survey answers, by the token of their link (a link takes one answer).
    let answers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.token_hash, count(r.id) FROM survey_links l
         LEFT JOIN survey_responses r ON r.link_id = l.id
         WHERE l.campaign_id = $1 GROUP BY 1",
    )
    .bind(campaign)
    .fetch_all(&db)
    .await?;
    // The run is over: its unused links close.
    sqlx::query(
        "UPDATE survey_links SET expires_at = now() WHERE campaign_id = $1 AND answered_at IS NULL",
    )
    .bind(campaign)
    .execute(&db)
    .await?;
    found.extend(values);
    found.extend(messages);
    found.extend(
        answers
            .into_iter()
            .filter_map(|(h, n)| by_hash.get(&h).map(|t| (t.clone(), n))),
    );
    // Imported rows: the history row carrying the marker holds the value sent (a later
    // import may have replaced it in kpi_values; history keeps both).
    let imported: Vec<(String, i64)> = sqlx::query_as(
        "SELECT after_comment, after_value::bigint FROM kpi_value_history
         WHERE after_comment LIKE $1 AND source = 'csv'",
    )
    .bind(&like)
    .fetch_all(&db)
    .await?;
    let wrong_values = imported
        .iter()
        .filter(|(m, v)| t.imported.get(m).is_some_and(|sent| sent != v))
        .count();
    let acknowledged: Vec<String> = t.acknowledged.iter().map(|(_, m)| m.clone()).collect();
    let refused: Vec<String> = t.refused.iter().map(|(_, m)| m.clone()).collect();
    let (lost, duplicated, ghost) = reconcile(&acknowledged, &refused, &found);

    let total: usize = t.statuses.values().sum();
    println!(
        "\n{total} requests in {:.1} s ({:.0} req/s), {} transport errors",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        t.transport_errors
    );
    println!(
        "\n{:<32} {:>7} {:>9} {:>9}  statuses",
        "kind", "count", "p50", "p99"
    );
    let mut unexpected = 0;
    for (kind, lat) in &t.latencies {
        let mut sorted = lat.clone();
        sorted.sort();
        let statuses: Vec<String> = t
            .statuses
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|((_, s), n)| {
                if !kind.expected(*s) {
                    unexpected += n;
                }
                format!("{s}×{n}")
            })
            .collect();
        println!(
            "{:<32} {:>7} {:>7.1}ms {:>7.1}ms  {}",
            kind.name(),
            sorted.len(),
            percentile(&sorted, 50.0).as_secs_f64() * 1000.0,
            percentile(&sorted, 99.0).as_secs_f64() * 1000.0,
            statuses.join(" ")
        );
    }
    let acked = |kind: Kind| t.acknowledged.iter().filter(|(k, _)| *k == kind).count();
    println!(
        "\nwrites acknowledged: {} ({} value entries, {} client messages, {} survey answers, {} imported CSV rows)",
        acknowledged.len(),
        acked(Kind::ValueEntry),
        acked(Kind::ClientEvaluation),
        acked(Kind::SurveyAnswer),
        acked(Kind::CsvImport),
    );
    let per_kind = |list: &[String]| {
        let of = |kind: Kind| {
            list.iter()
                .filter(|m| {
                    t.acknowledged
                        .iter()
                        .chain(&t.refused)
                        .any(|(k, x)| *k == kind && x == *m)
                })
                .count()
        };
        format!(
            "value entries {}, client messages {}, survey answers {}, CSV rows {}",
            of(Kind::ValueEntry),
            of(Kind::ClientEvaluation),
            of(Kind::SurveyAnswer),
            of(Kind::CsvImport)
        )
    };
    println!("unexpected statuses (not 2xx/303, nor 409/422 on writes): {unexpected}");
    println!(
        "lost writes (acknowledged, not in the database): {} ({})",
        lost.len(),
        per_kind(&lost)
    );
    println!(
        "duplicated writes (in the database more than once): {} ({})",
        duplicated.len(),
        per_kind(&duplicated)
    );
    println!(
        "writes answered with an error yet saved: {} ({})",
        ghost.len(),
        per_kind(&ghost)
    );
    println!("imported CSV rows saved with another value than sent: {wrong_values}");
    // Writes whose next page said neither "saved" nor "refused" (the message was
    // lost with the session during an outage); for single-record kinds, how many
    // of them the database holds.
    let saved_unconfirmed = t
        .unconfirmed
        .iter()
        .filter(|(k, m)| *k != Kind::CsvImport && found.get(m).copied().unwrap_or(0) > 0)
        .count();
    println!(
        "writes with no confirmation or refusal on the next page: {} ({}); of those (CSV imports aside, which are acknowledged by their 303) saved: {saved_unconfirmed}",
        t.unconfirmed.len(),
        [Kind::ClientEvaluation, Kind::CsvImport]
            .iter()
            .map(|k| format!(
                "{} {}",
                k.name(),
                t.unconfirmed.iter().filter(|(x, _)| x == k).count()
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for m in lost.iter().chain(&duplicated).take(10) {
        println!("  e.g. {m}");
    }
    if !lost.is_empty() || !duplicated.is_empty() || wrong_values > 0 {
        bail!(
            "{} lost and {} duplicated writes, {} imported rows with another value",
            lost.len(),
            duplicated.len(),
            wrong_values
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&d, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&d[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn reconcile_finds_lost_duplicated_and_ghost_writes() {
        let ack = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let refused = vec!["x".to_string(), "y".to_string()];
        let found = HashMap::from([
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("x".to_string(), 1),
        ]);
        let (lost, dup, ghost) = reconcile(&ack, &refused, &found);
        assert_eq!(lost, ["c"]);
        assert_eq!(dup, ["b"]);
        assert_eq!(ghost, ["x"]);
    }

    #[test]
    fn only_loopback_servers() {
        for ok in [
            "http://127.0.0.1:3000",
            "http://localhost:8080/",
            "http://[::1]:3000",
        ] {
            assert!(check_loopback(&ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:3000",
            "https://boussole.example.com",
            "https://127.0.0.1",
        ] {
            assert!(check_loopback(&bad.parse().unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn hidden_fields_are_read_from_the_form() {
        let html = r#"<form><input type="hidden" name="_csrf" value="abc">
            <input type="hidden" name="_once" value="d3f"></form>"#;
        assert_eq!(hidden_field(html, "_csrf").as_deref(), Some("abc"));
        assert_eq!(hidden_field(html, "_once").as_deref(), Some("d3f"));
        assert_eq!(hidden_field(html, "other"), None);
    }

    #[test]
    fn import_files_follow_the_documented_format() {
        let rows = [CsvRow {
            account: "lumiere-retail".into(),
            kpi: "otif".into(),
            period: "2003-04".into(),
            value: 42,
            comment: "load-x-1-2-r0".into(),
        }];
        let body = csv_body(&rows);
        assert_eq!(
            body,
            "account,kpi,period,value,comment\nlumiere-retail,otif,2003-04,42,load-x-1-2-r0\n"
        );
        let parsed = crate::values::csv_import::parse(body.as_bytes()).expect("parses");
        assert_eq!(parsed.row_count(), 1);
        let (ct, multipart) = multipart_file("file", "a.csv", &body, "XyZ");
        assert_eq!(ct, "multipart/form-data; boundary=XyZ");
        assert!(multipart.starts_with(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
        ));
        assert!(multipart.ends_with(&format!("{body}\r\n--XyZ--\r\n")));
    }

    #[test]
    fn old_months_stay_between_2001_and_2020() {
        assert_eq!(old_month(0), "2001-01");
        assert_eq!(old_month(11), "2001-12");
        assert_eq!(old_month(239), "2020-12");
        assert_eq!(old_month(240), "2001-01");
    }
}
