//! One client's loop: choosing the next step and performing it as a user would.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::seq::SliceRandom;
use sqlx::PgPool;

use super::http::Client;
use super::personas::{Part, Persona};
use super::*;

/// What a client does next.
pub(super) enum Step {
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
pub(super) const IMPORT_ROWS: usize = 3;

/// The mix: the director reads the portfolio and scorecards, KAMs read scorecards and
/// enter this month's values, client users read their portal and validate, contest or
/// comment last month's values; KAMs also import small CSV files, and anyone may
/// answer the survey through a personal link while the run's links last.
pub(super) fn choose(part: &Part, surveys_open: bool, rng: &mut impl Rng) -> Step {
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
pub(super) struct Outcome {
    pub(super) kind: Kind,
    pub(super) status: Result<u16, reqwest::Error>,
    pub(super) markers: Vec<String>,
    pub(super) acknowledged: bool,
    /// The server answered, but the page that should confirm or refuse the write
    /// said neither (during a database outage the message stored for the next page
    /// can be lost with the session): neither acknowledged nor refused, counted
    /// apart and checked in the database like the others.
    pub(super) unconfirmed: bool,
    /// For CSV rows: marker → value sent.
    pub(super) values: Vec<(String, i64)>,
}

/// One client's loop, bounded by the deadline and a request count.
#[allow(clippy::too_many_arguments)]
pub(super) async fn drive(
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
pub(super) async fn survey(base: &str, token: String) -> Outcome {
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
pub(super) async fn import(
    client: &Client,
    base: &str,
    marker: &str,
    mut rows: Vec<CsvRow>,
) -> Outcome {
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
pub(super) async fn simple(
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
