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

mod drive;
mod http;
mod personas;
mod reconcile;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use rand::Rng;
use sqlx::PgPool;

pub use http::{CsvRow, csv_body, hidden_field, multipart_file, old_month};
pub use reconcile::{percentile, reconcile};

use drive::drive;
use personas::{open_survey_links, personas};
use reconcile::Tally;

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
