//! Boussole under faults: a database that stops and comes back, a session store that
//! cannot save, a process asked to stop, backups, metrics, concurrent edits.
//!
//! The outage test runs a PostgreSQL cluster of its own (not the shared test cluster,
//! which other tests are using) so that it can stop and restart it.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use boussole::config::Config;
use boussole::i18n::Locale;
use boussole::{AppState, db};
use chrono::Datelike;
use common::{TestApp, build};
use sqlx::postgres::PgConnectOptions;

const DIRECTOR: &str = "direction@boussole.example";
const KAM: &str = "kam.alice@boussole.example";

/// The real app on a real socket, on the given pool.
async fn serve(pool: sqlx::PgPool) -> SocketAddr {
    let app = boussole::app(AppState::new(pool, Config::for_tests()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn select_text(html: &str, css: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .unwrap_or_else(|| panic!("no {css} in:\n{html}"))
}

fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name=csrf-token]").unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("content"))
        .unwrap()
        .to_owned()
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str) {
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", common::DEMO_PASSWORD),
            ("_csrf", &csrf_of(&login)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login of {email}");
}

/// A cluster of this test's own, started (or joined) under the test temp directory,
/// with a migrated database holding the demo.
async fn private_cluster(name: &str) -> (db::embedded::Cluster, PgConnectOptions) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let cluster = tokio::task::spawn_blocking(move || db::embedded::start(&dir))
        .await
        .unwrap()
        .expect("private cluster starts");
    let opts = PgConnectOptions::new()
        .socket(&cluster.socket_dir)
        .port(cluster.port)
        .username(&cluster.superuser)
        .database("boussole_ops");
    db::create_database_if_missing(&opts).await.unwrap();
    (cluster, opts)
}

#[tokio::test]
async fn a_database_outage_answers_503_within_a_second_and_the_app_recovers_by_itself() {
    let (cluster, opts) = private_cluster("ops-outage-pg").await;
    let pool = db::pool(opts.clone(), 5).await.unwrap();
    db::migrate(&pool).await.unwrap();
    if boussole::demo::is_empty(&pool).await.unwrap() {
        boussole::demo::load(&pool).await.unwrap();
    }
    let addr = serve(pool.clone()).await;
    let base = format!("http://{addr}");
    let browser = client();
    sign_in(&browser, &base, DIRECTOR).await;
    let page = browser
        .get(format!("{base}/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ops-outage-pg");
    let stopper = tokio::task::spawn_blocking(move || cluster.stop());
    stopper.await.unwrap().expect("cluster stops");

    // A page, in the browser's language, fast, with Retry-After.
    for (accept, locale) in [("en-GB,en;q=0.9", Locale::En), ("fr-FR", Locale::Fr)] {
        let started = Instant::now();
        let r = browser
            .get(format!("{base}/accounts"))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!(r.status(), 503);
        assert!(took < Duration::from_secs(1), "answered in {took:?}");
        let retry: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry >= 1);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = r.text().await.unwrap();
        assert_eq!(
            select_text(&html, ".error-page p"),
            locale.t("error-db-unavailable")
        );
        assert_eq!(select_text(&html, "h1"), locale.t("error-title-503"));
        println!("outage page ({accept}) answered in {took:?}");
    }

    // An API client gets JSON.
    let started = Instant::now();
    let r = browser
        .get(format!("{base}/accounts"))
        .header("accept", "application/json")
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(r.headers().contains_key("retry-after"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["status"], 503);
    assert_eq!(
        body["error"]["message"],
        Locale::En.t("error-db-unavailable")
    );

    // A form POST during the outage: 503 too, never a 500.
    let r = browser
        .post(format!("{base}/language"))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);

    // Readiness says so, fast.
    let started = Instant::now();
    let r = browser.get(format!("{base}/readyz")).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(r.status(), 503);
    assert!(
        took < Duration::from_secs(1),
        "/readyz answered in {took:?}"
    );
    println!("/readyz during the outage answered in {took:?}");

    // The database comes back: the app follows without a restart, session intact.
    let restarted = Instant::now();
    let cluster = tokio::task::spawn_blocking(move || db::embedded::start(&dir))
        .await
        .unwrap()
        .expect("cluster restarts");
    let deadline = Instant::now() + Duration::from_secs(10);
    let recovered = loop {
        let r = browser
            .get(format!("{base}/accounts"))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break Some(r.text().await.unwrap());
        }
        assert_eq!(r.status(), 503, "only 503 while recovering");
        if Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let html = recovered.expect("the app answers 200 again within 10 s");
    println!(
        "recovered {:?} after the database restart began",
        restarted.elapsed()
    );
    assert!(html.contains("Northwind Logistics"), "signed in, as before");
    let r = browser.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    pool.close().await;
    let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
}

#[tokio::test]
async fn a_value_committed_before_the_session_could_be_saved_is_answered_as_saved() {
    let mut app = TestApp::with_demo().await;
    let account = build::account(&app.db, "ops-outage", KAM).await;
    let kpi = build::kpi(&app.db, account, build::Kpi::default()).await;
    app.login(KAM).await;
    let before = common::count(&app.db, "kpi_value_history").await;
    // From now on every session write fails, as during an outage that starts right
    // after the value's transaction committed.
    sqlx::raw_sql(
        "CREATE FUNCTION refuse_session_write() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'session store down'; END $$;
         CREATE TRIGGER refuse_session_write BEFORE INSERT OR UPDATE ON tower_sessions.session
           FOR EACH ROW EXECUTE FUNCTION refuse_session_write();",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let period = chrono::Utc::now().format("%Y-%m").to_string();
    let r = app
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/values"),
            &[
                ("period", &period),
                ("value", "42"),
                ("comment", "saved during an outage"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the saved value is answered as saved:\n{}",
        r.body
    );
    assert_eq!(
        common::count(&app.db, "kpi_value_history").await,
        before + 1
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn sigterm_turns_readyz_503_for_the_grace_period_then_the_process_exits_cleanly() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ops-sigterm");
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_boussole"))
        .env_remove("DATABASE_URL")
        .env("BOUSSOLE_DATA_DIR", &dir)
        .env("BOUSSOLE_SHUTDOWN_GRACE_SECONDS", "3")
        .env("BOUSSOLE_LOG", "info,sqlx=warn")
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server_log = || std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
    // Fresh connections each time: a kept-alive one would hide when the server stops.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Up and ready (first run: initdb and the demo load take a while).
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        if let Ok(r) = http.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("server exited early ({status}):\n{}", server_log());
        }
        assert!(Instant::now() < deadline, "never ready:\n{}", server_log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    let signalled = Instant::now();
    // Not ready any more, at once…
    let mut not_ready_after = None;
    while signalled.elapsed() < Duration::from_secs(1) {
        let r = http.get(format!("{base}/readyz")).send().await.unwrap();
        if r.status() == 503 {
            not_ready_after = Some(signalled.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let not_ready_after = not_ready_after.expect("/readyz answers 503 within 1 s of SIGTERM");
    println!("/readyz answered 503 {not_ready_after:?} after SIGTERM");
    // …while pages are still served during the grace period.
    let r = http.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(r.status(), 200, "still serving during the grace period");
    assert!(signalled.elapsed() < Duration::from_secs(3));
    let r = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);

    // Then it exits, cleanly, not before the grace period is over.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not exit:\n{}", server_log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let exited_after = signalled.elapsed();
    println!("exited {exited_after:?} after SIGTERM with {status}");
    assert_eq!(status.code(), Some(0), "{}", server_log());
    assert!(exited_after >= Duration::from_secs(3), "{exited_after:?}");
    assert!(http.get(format!("{base}/healthz")).send().await.is_err());
}

fn boussole_cli(database_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_boussole"))
        .env("DATABASE_URL", database_url)
        .env("BOUSSOLE_LOG", "warn")
        .args(args)
        .output()
        .unwrap()
}

const BACKED_UP_TABLES: &[&str] = &[
    "accounts",
    "users",
    "account_kpis",
    "kpi_values",
    "kpi_value_history",
    "voc_verbatims",
    "audit_log",
];

async fn counts(pool: &sqlx::PgPool) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in BACKED_UP_TABLES {
        out.push((*t, common::count(pool, t).await));
    }
    out
}

#[tokio::test]
async fn a_backup_of_the_demo_restores_into_a_new_database_with_every_row() {
    let (pool, opts) = common::fresh_database().await;
    boussole::demo::load(&pool).await.unwrap();
    let before = counts(&pool).await;
    assert!(before.iter().all(|(_, n)| *n > 0), "{before:?}");

    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ops-backup-{}.dump", uuid::Uuid::new_v4().simple()));
    let out = boussole_cli(&common::url_of(&opts), &["backup", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup written"));

    // Into a new database on the same server (named like the harness's, so that it is
    // dropped with them).
    let name = format!(
        "boussole_t_{}_{}",
        chrono::Utc::now().timestamp(),
        uuid::Uuid::new_v4().simple()
    );
    let restored_opts = opts.clone().database(&name);
    let url = common::url_of(&restored_opts);
    let out = boussole_cli(&url, &["restore", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = db::pool(restored_opts, 2).await.unwrap();
    let after = counts(&restored).await;
    println!("backed up and restored: {after:?}");
    assert_eq!(after, before);
    // Sessions come along (sign-ins survive a restore), migrations are recorded.
    let migrations: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&restored)
        .await
        .unwrap();
    assert_eq!(migrations, db::MIGRATOR.iter().count() as i64);

    // Never over live data.
    let out = boussole_cli(&url, &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts(&restored).await, before);
    restored.close().await;
    let _ = std::fs::remove_file(&file);
}

/// One sample of the Prometheus text format: name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_owned(), v.trim_matches('"').to_owned())
                })
                .collect();
            (name.to_owned(), labels, value.parse().unwrap())
        })
        .collect()
}

fn sample(text: &str, name: &str, want: &[(&str, &str)]) -> Option<f64> {
    samples(text)
        .into_iter()
        .find(|(n, labels, _)| {
            n == name
                && want
                    .iter()
                    .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, _, v)| v)
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_behind_a_token() {
    const TOKEN: &str = "scrape-me-please-0123456789";
    let config = Config {
        metrics_token: Some(TOKEN.into()),
        ..Config::for_tests()
    };
    let mut app = TestApp::with_config(config).await;
    for _ in 0..3 {
        assert_eq!(app.get("/login").await.status, StatusCode::OK);
    }
    assert_eq!(
        app.get("/accounts/12345/kpis/6789").await.status,
        StatusCode::SEE_OTHER
    );
    app.post_form(
        "/login",
        &[
            ("email", "nobody@example.com"),
            ("password", "wrong-password"),
        ],
    )
    .await;

    // No token, a wrong one: refused.
    assert_eq!(app.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    let wrong = app
        .get_with("/metrics", &[("authorization", "Bearer not-the-token")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.header("www-authenticate"), Some("Bearer"));

    let bearer = format!("Bearer {TOKEN}");
    let r = app
        .get_with("/metrics", &[("authorization", bearer.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = &r.body;
    // Other tests of this process count too (one recorder per process): at least ours.
    let logins = sample(
        text,
        "boussole_http_requests_total",
        &[("method", "GET"), ("route", "/login"), ("status", "200")],
    )
    .expect("GET /login counted");
    assert!(logins >= 3.0, "{logins}");
    // The matched route's pattern, never the raw path.
    let kpi_page = sample(
        text,
        "boussole_http_requests_total",
        &[("route", "/accounts/{id}/kpis/{kpi_id}"), ("status", "303")],
    );
    assert!(kpi_page.is_some_and(|n| n >= 1.0), "{text}");
    assert!(!text.contains("/accounts/12345"));
    let timed = sample(
        text,
        "boussole_http_request_duration_seconds_count",
        &[("route", "/login"), ("status", "200")],
    );
    assert!(timed.is_some_and(|n| n >= 3.0));
    assert!(
        sample(
            text,
            "boussole_http_request_duration_seconds_bucket",
            &[("route", "/login"), ("le", "0.005")]
        )
        .is_some()
    );
    let failures = sample(
        text,
        "boussole_login_attempts_total",
        &[("outcome", "failure")],
    );
    assert!(failures.is_some_and(|n| n >= 1.0), "{text}");
    let max = sample(text, "boussole_db_pool_max_connections", &[]).unwrap();
    assert_eq!(max, f64::from(app.db.options().get_max_connections()));
    assert!(sample(text, "boussole_db_pool_connections", &[("state", "idle")]).is_some());
    assert!(sample(text, "boussole_db_pool_connections", &[("state", "in_use")]).is_some());
    println!("GET /login 200 counted {logins}; pool max {max}; login failures {failures:?}");
}

#[tokio::test]
async fn without_a_metrics_token_the_main_address_has_no_metrics() {
    let mut app = TestApp::new().await;
    assert_eq!(app.get("/metrics").await.status, StatusCode::NOT_FOUND);
    let r = app
        .get_with(
            "/metrics",
            &[("authorization", "Bearer anything-at-all-here")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fifty_concurrent_edits_of_one_value_one_wins_the_others_get_409_with_their_input() {
    let (pool, opts) = common::fresh_database().await;
    boussole::demo::load(&pool).await.unwrap();
    let account = build::account(&pool, "ops-race", KAM).await;
    let kpi = build::kpi(&pool, account, build::Kpi::default()).await;
    let period = chrono::Utc::now().date_naive().with_day0(0).unwrap();
    build::value(&pool, kpi, period, 10.0).await;
    let history_before = common::count(&pool, "kpi_value_history").await;
    // The same pool size as `serve`: 50 requests at once queue for 20 connections.
    let served = db::pool(opts, 20).await.unwrap();
    let addr = serve(served).await;
    let base = format!("http://{addr}");
    let browser = client();
    sign_in(&browser, &base, KAM).await;
    let form = browser
        .get(format!("{base}/accounts/{account}/kpis/{kpi}/value"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let month = period.format("%Y-%m").to_string();

    // Fifty tabs loaded version 1 and save at once, each its own number.
    let url = format!("{base}/accounts/{account}/kpis/{kpi}/values");
    let tries = (0..50).map(|i| {
        let (browser, url, csrf, month) =
            (browser.clone(), url.clone(), csrf.clone(), month.clone());
        tokio::spawn(async move {
            let value = (20 + i).to_string();
            let r = browser
                .post(&url)
                .form(&[
                    ("period", month.as_str()),
                    ("value", value.as_str()),
                    ("version", "1"),
                    ("_csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (value, status, r.text().await.unwrap())
        })
    });
    let mut results = Vec::new();
    for t in tries.collect::<Vec<_>>() {
        results.push(t.await.unwrap());
    }
    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, s, _)| *s == 303)
        .map(|(v, _, _)| v)
        .collect();
    let statuses: std::collections::BTreeMap<u16, usize> =
        results.iter().fold(Default::default(), |mut m, (_, s, _)| {
            *m.entry(*s).or_default() += 1;
            m
        });
    println!("50 concurrent edits of version 1: {statuses:?}");
    assert_eq!(winners.len(), 1, "{statuses:?}");
    for (value, status, html) in &results {
        if *status == 303 {
            continue;
        }
        assert_eq!(*status, 409, "{html}");
        let doc = scraper::Html::parse_document(html);
        let input = scraper::Selector::parse("input[name=value]").unwrap();
        let kept = doc
            .select(&input)
            .next()
            .and_then(|e| e.value().attr("value"));
        assert_eq!(kept, Some(value.as_str()), "their input is kept");
    }
    let (stored, version): (f64, i32) = sqlx::query_as(
        "SELECT value::float8, version FROM kpi_values WHERE account_kpi_id = $1 AND period = $2",
    )
    .bind(kpi)
    .bind(period)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored.to_string(), *winners[0]);
    assert_eq!(version, 2);
    assert_eq!(
        common::count(&pool, "kpi_value_history").await,
        history_before + 1
    );
}
