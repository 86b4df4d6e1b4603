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
        }
    }

    /// 409 (someone else saved first) and 422 (a step the value's state does not
    /// allow) are answers, not failures.
    fn expected(self, status: u16) -> bool {
        match self {
            Kind::ValueEntry | Kind::ClientEvaluation => {
                matches!(status, 200 | 303 | 409 | 422)
            }
            _ => matches!(status, 200 | 303),
        }
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
}

impl Tally {
    fn record(&mut self, kind: Kind, status: u16, took: Duration) {
        self.latencies.entry(kind).or_default().push(took);
        *self.statuses.entry((kind, status)).or_default() += 1;
    }
}

/// Who a client is and what it may touch, read from the database before the run.
#[derive(Clone)]
enum Role {
    Director {
        accounts: Vec<i64>,
    },
    Kam {
        accounts: Vec<i64>,
        kpis: Vec<(i64, i64)>,
    },
    Client {
        kpis: Vec<(i64, String)>,
    },
}

#[derive(Clone)]
struct Persona {
    email: String,
    role: Role,
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
            role: Role::Director {
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
        let kpis: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT a.id, k.id FROM accounts a JOIN account_kpis k ON k.account_id = a.id
             WHERE a.owner_id = $1 AND k.frequency = 'monthly' ORDER BY k.id",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let mut accounts: Vec<i64> = kpis.iter().map(|(a, _)| *a).collect();
        accounts.dedup();
        if !kpis.is_empty() {
            out.push(Persona {
                email,
                role: Role::Kam { accounts, kpis },
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
                role: Role::Client { kpis },
            });
        }
    }
    ensure!(
        out.iter().any(|p| matches!(p.role, Role::Kam { .. })),
        "the database holds no KAM with monthly KPIs: load the demo first (`boussole demo`)"
    );
    Ok(out)
}

fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\" content=\"")? + "name=\"csrf-token\" content=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
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
}

/// The mix: the director reads the portfolio and scorecards, KAMs read scorecards and
/// enter this month's values, client users read their portal and validate, contest or
/// comment last month's values.
fn choose(role: &Role, rng: &mut impl Rng) -> Step {
    match role {
        Role::Director { accounts } => {
            if rng.gen_bool(0.3) {
                Step::Get(Kind::Portfolio, "/portfolio".into())
            } else {
                let a = accounts.choose(rng).copied().unwrap_or(1);
                Step::Get(Kind::Scorecard, format!("/accounts/{a}"))
            }
        }
        Role::Kam { accounts, kpis } => {
            if rng.gen_bool(0.5) {
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
        Role::Client { kpis } => {
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

/// One client's loop, bounded by the deadline and a request count.
async fn drive(
    me: usize,
    run: String,
    persona: Persona,
    plan: Arc<Plan>,
    deadline: Instant,
    db: PgPool,
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
        let (step, base) = {
            let mut rng = rand::thread_rng();
            let base = bases.choose(&mut rng).expect("at least one URL").clone();
            (choose(&persona.role, &mut rng), base)
        };
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
                .fetch_optional(&db)
                .await
                .ok()
                .flatten();
                let version = version.map(|v| v.to_string()).unwrap_or_default();
                let form = [
                    ("period", month.as_str()),
                    ("value", value.as_str()),
                    ("comment", marker.as_str()),
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
                    ("body", marker.as_str()),
                    ("_csrf", client.csrf.as_str()),
                ];
                let url = format!("{base}/portal/kpis/{kpi}/evaluate");
                (Kind::ClientEvaluation, client.http.post(url).form(&form))
            }
        };
        let started = Instant::now();
        let result = match request.send().await {
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
                        Ok(_) => Ok(303),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                }
            }
            Ok(r) => Ok(r.status().as_u16()),
            Err(e) => Err(e),
        };
        let took = started.elapsed();
        let mut t = tally.lock().unwrap();
        match result {
            Ok(status) => {
                t.record(kind, status, took);
                if matches!(kind, Kind::ValueEntry | Kind::ClientEvaluation) {
                    if status == 303 {
                        t.acknowledged.push((kind, marker));
                    } else {
                        t.refused.push((kind, marker));
                    }
                }
            }
            Err(e) => {
                t.transport_errors += 1;
                if t.transport_errors <= 5 {
                    eprintln!("client {me}: {kind:?} failed: {e}");
                }
                if matches!(kind, Kind::ValueEntry | Kind::ClientEvaluation) {
                    t.refused.push((kind, marker));
                }
            }
        }
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
    found.extend(values);
    found.extend(messages);
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
    println!(
        "\nwrites acknowledged: {} ({} value entries, {} client messages)",
        acknowledged.len(),
        t.acknowledged
            .iter()
            .filter(|(k, _)| *k == Kind::ValueEntry)
            .count(),
        t.acknowledged
            .iter()
            .filter(|(k, _)| *k == Kind::ClientEvaluation)
            .count(),
    );
    println!("unexpected statuses (not 2xx/303, nor 409/422 on writes): {unexpected}");
    println!(
        "lost writes (acknowledged, not in the database): {}",
        lost.len()
    );
    println!(
        "duplicated writes (in the database more than once): {}",
        duplicated.len()
    );
    println!("writes answered with an error yet saved: {}", ghost.len());
    for m in lost.iter().chain(&duplicated).take(10) {
        println!("  e.g. {m}");
    }
    if !lost.is_empty() || !duplicated.is_empty() {
        bail!(
            "{} lost and {} duplicated writes",
            lost.len(),
            duplicated.len()
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
}
