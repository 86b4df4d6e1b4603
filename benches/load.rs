//! Load benchmark: a large generated portfolio, the real app on a real socket, and
//! latency/throughput of named page scenarios under concurrent load.
//!
//! ```sh
//! cargo bench --bench load -- --help
//! cargo bench --bench load                                  # 500 accounts, 16 workers, 2000 requests
//! cargo bench --bench load -- --accounts 50 --requests 200  # quick
//! ```
//!
//! What it does, in order:
//! 1. Database: `DATABASE_URL`'s server, else a private cluster under `target/bench-pg`. The
//!    database `boussole_bench_<accounts>` is created, migrated, given the demo users and
//!    accounts, then a generated portfolio (N accounts × 40 KPIs × 60 months of values) built
//!    with set-based SQL, then vacuumed and analysed. A database already holding the same
//!    generated data (recorded in its comment) is reused.
//! 2. The app runs in-process on 127.0.0.1:0; every load worker logs in as the sales director
//!    with a session of its own.
//! 3. For each scenario: SQL statements of one request run alone (counted from sqlx's
//!    `sqlx::query` tracing events), a warm-up, then C workers sending requests until R are
//!    done or S seconds have passed. Every response must be 200.
//!
//! A scenario is a name plus a URL generator (and the URLs to count statements on): adding a
//! page to the benchmark is one entry in `SCENARIOS`.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use boussole::config::Config;
use boussole::{AppState, db};
use chrono::{Datelike, NaiveDate, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing_subscriber::filter::{DynFilterFn, EnvFilter};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// Bump when the generated data changes, so that older benchmark databases are rebuilt.
const GENERATOR_VERSION: u32 = 1;
const KPIS_PER_ACCOUNT: i32 = 40;
const MONTHS: i32 = 60;
const WARMUP_REQUESTS: usize = 50;
const DIRECTOR: &str = "direction@boussole.example";
/// Same size as the pool `serve` uses (`db::open`).
const APP_POOL_SIZE: u32 = 20;
/// Seed of `setseed` (generation) and of the workers' URL choices.
const SEED: u64 = 42;

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/// What scenarios draw their URLs from.
struct Fixture {
    /// Ids of the generated accounts.
    generated: Vec<i64>,
    /// The account with the fewest values and the one with the most.
    smallest: AccountSize,
    largest: AccountSize,
}

struct AccountSize {
    id: i64,
    name: String,
    kpis: i64,
    values: i64,
}

impl AccountSize {
    fn label(&self) -> String {
        format!(
            "{} (#{}, {} KPIs, {} values)",
            self.name, self.id, self.kpis, self.values
        )
    }
}

/// One named page to load. `url` picks the path of each request; `probes` are the paths whose
/// SQL statements are counted (one request each, run alone), labelled.
struct Scenario {
    name: &'static str,
    about: &'static str,
    url: fn(&Fixture, &mut StdRng) -> String,
    probes: fn(&Fixture) -> Vec<(String, String)>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "scorecard",
        about: "GET /accounts/{id}, a random generated account (director)",
        url: |f, rng| {
            let id = f.generated.choose(rng).expect("generated accounts");
            format!("/accounts/{id}")
        },
        probes: |f| {
            vec![
                (
                    format!("smallest: {}", f.smallest.label()),
                    format!("/accounts/{}", f.smallest.id),
                ),
                (
                    format!("largest:  {}", f.largest.label()),
                    format!("/accounts/{}", f.largest.id),
                ),
            ]
        },
    },
    Scenario {
        name: "portfolio",
        about: "GET /portfolio, the director's cockpit over every account (bulk SQL, no query per account)",
        url: |_, _| "/portfolio".to_owned(),
        probes: |_| vec![("director".to_owned(), "/portfolio".to_owned())],
    },
    Scenario {
        name: "drivers",
        about: "GET /drivers?outcome=nps, rank correlations of every KPI with NPS across accounts",
        url: |_, _| "/drivers?outcome=nps".to_owned(),
        probes: |_| vec![("director".to_owned(), "/drivers?outcome=nps".to_owned())],
    },
];

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

struct Options {
    accounts: u32,
    concurrency: usize,
    requests: usize,
    seconds: u64,
    /// Empty: all.
    scenarios: Vec<&'static Scenario>,
    drop: bool,
    fresh: bool,
}

fn usage() -> String {
    let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
    format!(
        "Load benchmark of Boussole's pages on a large generated portfolio.

usage: cargo bench --bench load -- [options]

  --accounts N      generated accounts (default 500), each with {KPIS_PER_ACCOUNT} KPIs and {MONTHS} months
  --concurrency C   concurrent workers, each with its own session (default 16)
  --requests R      measured requests per scenario (default 2000)
  --seconds S       hard time cap per scenario, in seconds (default 60)
  --scenario NAME   run only this scenario (repeatable, or comma-separated); one of: {}
                    (default: all)
  --keep            keep the database for the next run (the default)
  --drop            drop the benchmark database of --accounts N and exit (runs nothing)
  --fresh           regenerate the database even if it could be reused
  -h, --help        this help

The database is DATABASE_URL's server if set, else a private PostgreSQL cluster under
target/bench-pg; it is named boussole_bench_<accounts> and reused when it already holds the
same generated data.",
        names.join(", ")
    )
}

/// Parses the arguments; `Ok(None)` when help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        accounts: 500,
        concurrency: 16,
        requests: 2000,
        seconds: 60,
        scenarios: Vec::new(),
        drop: false,
        fresh: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs {what}"))
        };
        fn number<T: std::str::FromStr>(flag: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{flag} expects a positive whole number, not {v:?}"))
        }
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--accounts" => o.accounts = number(&flag, value("a number")?)?,
            "--concurrency" => o.concurrency = number(&flag, value("a number")?)?,
            "--requests" => o.requests = number(&flag, value("a number")?)?,
            "--seconds" => o.seconds = number(&flag, value("a number")?)?,
            "--scenario" => {
                for name in value("a scenario name")?.split(',') {
                    let s = SCENARIOS
                        .iter()
                        .find(|s| s.name == name.trim())
                        .ok_or_else(|| format!("no scenario named {name:?}"))?;
                    o.scenarios.push(s);
                }
            }
            "--keep" => o.drop = false,
            "--drop" => o.drop = true,
            "--fresh" => o.fresh = true,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if o.accounts == 0 || o.concurrency == 0 || o.requests == 0 || o.seconds == 0 {
        return Err(
            "--accounts, --concurrency, --requests and --seconds must be at least 1".into(),
        );
    }
    if o.scenarios.is_empty() {
        o.scenarios = SCENARIOS.iter().collect();
    }
    Ok(Some(o))
}

// ---------------------------------------------------------------------------------------------
// Counting SQL statements: sqlx emits one `sqlx::query` tracing event per statement it runs
// (when statement logging is on for the connection). While COUNTING is set, a layer records
// them; the rest of the time the filter turns the callsites off, so the load run pays nothing.
// ---------------------------------------------------------------------------------------------

static COUNTING: AtomicBool = AtomicBool::new(false);
static STATEMENTS: Mutex<Vec<Statement>> = Mutex::new(Vec::new());

struct Statement {
    sql: String,
    rows: Option<u64>,
}

#[derive(Default)]
struct StatementVisitor {
    summary: String,
    sql: String,
    rows: Option<u64>,
}

impl Visit for StatementVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.sql = value.to_owned(),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "rows_returned" {
            self.rows = Some(value);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" && self.summary.is_empty() {
            self.summary = format!("{value:?}");
        }
    }
}

struct StatementCounter;

impl<S: tracing::Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut v = StatementVisitor::default();
        event.record(&mut v);
        // `db.statement` is empty when the summary is the whole statement.
        let sql = if v.sql.trim().is_empty() {
            v.summary
        } else {
            v.sql
        };
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        STATEMENTS
            .lock()
            .expect("statements lock")
            .push(Statement { sql, rows: v.rows });
    }
}

fn install_tracing() {
    let counter = StatementCounter.with_filter(
        DynFilterFn::new(|meta, _| {
            meta.target() == "sqlx::query" && COUNTING.load(Ordering::SeqCst)
        })
        .with_callsite_filter(|meta| {
            if meta.target() == "sqlx::query" {
                Interest::sometimes()
            } else {
                Interest::never()
            }
        }),
    );
    // The app's own warnings and errors (a failing request, a slow statement) still show.
    let log = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(
            EnvFilter::try_from_env("BENCH_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        );
    let subscriber = Registry::default().with(counter).with(log);
    tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
}

// ---------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------

/// The first day of the current month (UTC, like the app's "current month").
fn this_month() -> NaiveDate {
    let today = Utc::now().date_naive();
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month")
}

fn marker(accounts: u32, month: NaiveDate) -> String {
    format!(
        "boussole-bench v{GENERATOR_VERSION}: {accounts} accounts x {KPIS_PER_ACCOUNT} KPIs x \
         {MONTHS} months ending before {}",
        month.format("%Y-%m")
    )
}

/// Creates (or reuses) the benchmark database and returns the options to reach it.
async fn prepare_database(
    server: &PgConnectOptions,
    opts: &Options,
) -> anyhow::Result<PgConnectOptions> {
    let name = database_name(opts);
    let db_opts = server.clone().database(&name);
    let month = this_month();
    let want = marker(opts.accounts, month);

    let mut admin = db::connect_maintenance(server).await?;
    let existing: Option<Option<String>> = sqlx::query_scalar(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(&name)
    .fetch_optional(&mut admin)
    .await?;
    match existing {
        Some(Some(found)) if found == want && !opts.fresh => {
            admin.close().await?;
            println!("database {name}: reusing ({want})");
            let pool = db::pool(db_opts.clone(), 2).await?;
            db::migrate(&pool).await?;
            print_counts(&pool).await?;
            pool.close().await;
            return Ok(db_opts);
        }
        Some(found) => {
            println!(
                "database {name}: dropping it ({}) to regenerate",
                if opts.fresh {
                    "--fresh".to_owned()
                } else {
                    found.unwrap_or_else(|| "no benchmark marker".into())
                }
            );
            sqlx::raw_sql(&format!(
                "DROP DATABASE {} WITH (FORCE)",
                db::quote_ident(&name)
            ))
            .execute(&mut admin)
            .await?;
        }
        None => {}
    }
    sqlx::raw_sql(&format!("CREATE DATABASE {}", db::quote_ident(&name)))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    println!("database {name}: created; generating {want}");

    let pool = db::pool(db_opts.clone(), 2).await?;
    let started = Instant::now();
    db::migrate(&pool).await?;
    boussole::demo::load(&pool)
        .await
        .context("loading the demo")?;
    println!(
        "  migrations and demo users/accounts: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Its own connection, without the pool's slow-statement warnings (bulk inserts are slow
    // statements by nature).
    let mut conn = db_opts
        .clone()
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(3600))
        .connect()
        .await?;
    generate(&mut conn, opts.accounts, month, &want, &name).await?;
    println!("  generated in {:.1} s", started.elapsed().as_secs_f64());
    let t = Instant::now();
    // VACUUM as well as ANALYZE: a freshly loaded table's first readers would otherwise
    // pay for setting hint bits, and index-only scans need the visibility map.
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut conn).await?;
    conn.close().await?;
    println!("  VACUUM (ANALYZE): {:.1} s", t.elapsed().as_secs_f64());
    print_counts(&pool).await?;
    pool.close().await;
    Ok(db_opts)
}

/// The generated portfolio, in one transaction of set-based statements; the database
/// comment (the reuse marker) is set in the same transaction, so a half-built database is
/// never reused.
async fn generate(
    conn: &mut PgConnection,
    accounts: u32,
    month: NaiveDate,
    marker: &str,
    name: &str,
) -> anyhow::Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT setseed(0.42)")
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql("SET LOCAL work_mem = '64MB'")
        .execute(&mut *tx)
        .await?;

    let step = Instant::now();
    let n = sqlx::query(
        "INSERT INTO accounts (slug, name, industry, country, international, subsidiaries_present, \
                               tier, owner_id, stage, relationship_start) \
         SELECT 'bench-' || lpad(g::text, 5, '0'), \
                'Bench Account ' || lpad(g::text, 5, '0'), \
                (ARRAY['Distribution', 'Energy', 'Pharmaceuticals', 'Automotive', 'Luxe', \
                       'Agroalimentaire', 'Transport & logistics', 'Chemicals'])[1 + g % 8], \
                (ARRAY['FR', 'GB', 'DE', 'BE', 'ES', 'CH', 'US'])[1 + g % 7], \
                g % 3 = 0, g % 6, \
                (ARRAY['key_account', 'candidate', 'managed'])[1 + g % 3]::account_tier, \
                kams.ids[1 + g % array_length(kams.ids, 1)], \
                1 + g % 4, \
                date '2008-01-01' + (g * 37) % 5000 \
         FROM generate_series(1, $1) g, \
              (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'kam') kams \
         ORDER BY g",
    )
    .bind(accounts as i32)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!("  accounts: {n} ({:.1} s)", step.elapsed().as_secs_f64());

    // 40 KPIs per account copied from the active templates, taken round-robin across the
    // universes; with fewer than 40 templates they repeat with suffixed codes (code_2, …).
    // Visibility cycles through what the account's stage allows (0004_sharing's trigger).
    let step = Instant::now();
    let n = sqlx::query(
        "WITH t AS ( \
             SELECT tt.*, row_number() OVER (ORDER BY rk, universe, id) - 1 AS idx, \
                    count(*) OVER () AS n \
             FROM (SELECT *, row_number() OVER (PARTITION BY universe ORDER BY id) AS rk \
                   FROM kpi_templates WHERE active) tt) \
         INSERT INTO account_kpis (account_id, template_id, code, universe, name_fr, name_en, \
                                   description_fr, description_en, unit, direction, frequency, \
                                   domain, target, green_from, amber_from, weight, owner_id, \
                                   freshness_months, visibility, position) \
         SELECT a.id, t.id, \
                CASE WHEN s / t.n = 0 THEN t.code ELSE t.code || '_' || (s / t.n + 1) END, \
                t.universe, \
                CASE WHEN s / t.n = 0 THEN t.name_fr ELSE left(t.name_fr, 110) || ' (' || (s / t.n + 1) || ')' END, \
                CASE WHEN s / t.n = 0 THEN t.name_en ELSE left(t.name_en, 110) || ' (' || (s / t.n + 1) || ')' END, \
                t.description_fr, t.description_en, t.unit, t.direction, t.frequency, t.domain, \
                COALESCE(NULLIF(t.default_target, 0), 1), t.green_from, t.amber_from, \
                1 + (a.id + s) % 3, a.owner_id, \
                CASE t.frequency WHEN 'monthly' THEN 3 WHEN 'quarterly' THEN 6 ELSE 15 END, \
                (ARRAY['internal', 'shared', 'joint']) \
                    [1 + s % CASE WHEN a.stage >= 4 THEN 3 WHEN a.stage >= 2 THEN 2 ELSE 1 END] \
                    ::kpi_visibility, \
                s \
         FROM accounts a CROSS JOIN generate_series(0, $1 - 1) s JOIN t ON t.idx = s % t.n \
         WHERE a.slug LIKE 'bench-%' \
         ORDER BY a.id, s",
    )
    .bind(KPIS_PER_ACCOUNT)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!(
        "  account KPIs: {n} ({:.1} s)",
        step.elapsed().as_secs_f64()
    );

    // The MONTHS months before the current one (the current month is left to enter, as in
    // real life); quarterly and yearly KPIs only on their periods' first months. Values
    // wander around the target: a per-KPI bias, a slow seasonal wave and noise, clamped to
    // what the unit allows.
    let step = Instant::now();
    let n = sqlx::query(
        "INSERT INTO kpi_values (account_kpi_id, period, value, comment, source, entered_by, \
                                 created_at, updated_at) \
         SELECT id, period, \
                round(CASE unit \
                    WHEN 'score' THEN least(greatest(v, 1), 5) \
                    WHEN 'points' THEN least(greatest(v, -100), 100) \
                    WHEN 'percent' THEN CASE WHEN target > 0 AND target <= 100 THEN least(v, 100) ELSE v END \
                    WHEN 'count' THEN greatest(round(v), 0) \
                    ELSE v END::numeric, 2), \
                CASE WHEN commented THEN 'Valeur générée pour le banc d''essai' ELSE '' END, \
                'demo', owner_id, stamp, stamp \
         FROM ( \
             SELECT k.id, k.unit, k.target, k.owner_id, m.period, \
                    k.target * (1 + k.bias + 0.08 * sin(k.phase + m.i / 2.0) \
                                + (random() - 0.5) * 0.15) AS v, \
                    random() < 0.04 AS commented, \
                    least(m.period + interval '1 month 4 days', now()) AS stamp \
             FROM (SELECT k.id, k.frequency, k.unit, k.target::float8 AS target, a.owner_id, \
                          (random() - 0.5) * 0.2 AS bias, random() * 6.283 AS phase \
                   FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
                   WHERE a.slug LIKE 'bench-%') k \
             JOIN (SELECT ($1::date - make_interval(months => i))::date AS period, i \
                   FROM generate_series(1, $2) i) m \
               ON k.frequency = 'monthly' \
               OR (k.frequency = 'quarterly' AND extract(month FROM m.period) IN (1, 4, 7, 10)) \
               OR (k.frequency = 'yearly' AND extract(month FROM m.period) = 1) \
         ) r \
         ORDER BY id, period",
    )
    .bind(month)
    .bind(MONTHS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!("  KPI values: {n} ({:.1} s)", step.elapsed().as_secs_f64());

    // A few target overrides: four KPIs per account get a 5 % higher target over the last year.
    let step = Instant::now();
    let n = sqlx::query(
        "INSERT INTO kpi_targets (account_kpi_id, period, target) \
         SELECT v.account_kpi_id, v.period, k.target * 1.05 \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
              JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug LIKE 'bench-%' AND k.position % 10 = 3 \
           AND v.period >= $1::date - interval '12 months'",
    )
    .bind(month)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!(
        "  target overrides: {n} ({:.1} s)",
        step.elapsed().as_secs_f64()
    );

    // Universe weights on two accounts out of three (the others keep equal weights).
    let n = sqlx::query(
        "INSERT INTO universe_weights (account_id, universe, weight) \
         SELECT a.id, u, 1 + ((a.id + array_position(enum_range(NULL::universe), u)) % 3) * 0.5 \
         FROM accounts a CROSS JOIN unnest(enum_range(NULL::universe)) u \
         WHERE a.slug LIKE 'bench-%' AND a.id % 3 <> 0",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!("  universe weights: {n}");

    sqlx::raw_sql(&format!(
        "COMMENT ON DATABASE {} IS '{}'",
        db::quote_ident(name),
        marker.replace('\'', "''")
    ))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn print_counts(pool: &PgPool) -> anyhow::Result<()> {
    let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM accounts), \
                (SELECT count(*) FROM accounts WHERE slug LIKE 'bench-%'), \
                (SELECT count(*) FROM account_kpis), \
                (SELECT count(*) FROM kpi_values), \
                (SELECT count(*) FROM kpi_targets), \
                (SELECT count(*) FROM universe_weights)",
    )
    .fetch_one(pool)
    .await?;
    println!(
        "  rows: {} accounts ({} generated), {} account KPIs, {} KPI values, {} target overrides, \
         {} universe weights",
        row.0, row.1, row.2, row.3, row.4, row.5
    );
    Ok(())
}

async fn load_fixture(pool: &PgPool) -> anyhow::Result<Fixture> {
    let generated: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE slug LIKE 'bench-%' ORDER BY id")
            .fetch_all(pool)
            .await?;
    ensure!(
        !generated.is_empty(),
        "no generated accounts in the database"
    );
    let sizes: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.name, \
                (SELECT count(*) FROM account_kpis k WHERE k.account_id = a.id), \
                (SELECT count(*) FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
                 WHERE k.account_id = a.id) AS n \
         FROM accounts a ORDER BY n, a.id",
    )
    .fetch_all(pool)
    .await?;
    let size = |r: &(i64, String, i64, i64)| AccountSize {
        id: r.0,
        name: r.1.clone(),
        kpis: r.2,
        values: r.3,
    };
    // The smallest account that has a scorecard at all (some demo accounts may have none).
    let smallest = sizes
        .iter()
        .find(|r| r.3 > 0)
        .or(sizes.first())
        .map(size)
        .context("no accounts")?;
    let largest = sizes.last().map(size).context("no accounts")?;
    Ok(Fixture {
        generated,
        smallest,
        largest,
    })
}

// ---------------------------------------------------------------------------------------------
// The app and its clients
// ---------------------------------------------------------------------------------------------

async fn spawn_app(pool: PgPool) -> anyhow::Result<SocketAddr> {
    let app = boussole::app(AppState::new(pool, Config::for_tests()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        {
            eprintln!("server stopped: {e}");
        }
    });
    Ok(addr)
}

/// A client with a session of its own, signed in as the sales director.
async fn login(base: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(90))
        .build()?;
    let page = client.get(format!("{base}/login")).send().await?;
    ensure!(
        page.status() == 200,
        "GET /login answered {}",
        page.status()
    );
    let html = page.text().await?;
    let token = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("meta[name=csrf-token]").expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|m| m.value().attr("content"))
            .map(str::to_owned)
            .context("no meta[name=csrf-token] on the login page")?
    };
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", DIRECTOR),
            ("password", boussole::demo::PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await?;
    ensure!(
        r.status() == 303,
        "logging in as {DIRECTOR} answered {} instead of a redirect",
        r.status()
    );
    Ok(client)
}

// ---------------------------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct RunResult {
    /// Latencies of the successful (200) requests.
    latencies: Vec<Duration>,
    sizes: Vec<usize>,
    failures: Vec<String>,
    wall: Duration,
    timed_out: bool,
}

/// Sends `total` requests from one worker per client, stopping early at `deadline`.
async fn run_load(
    clients: &[reqwest::Client],
    base: &str,
    scenario: &'static Scenario,
    fixture: &Arc<Fixture>,
    total: usize,
    cap: Duration,
    seed: u64,
) -> RunResult {
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + cap;
    let mut tasks = Vec::new();
    for (w, client) in clients.iter().enumerate() {
        let client = client.clone();
        let issued = issued.clone();
        let fixture = fixture.clone();
        let base = base.to_owned();
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(w as u64));
        tasks.push(tokio::spawn(async move {
            let mut out = RunResult::default();
            loop {
                if Instant::now() >= deadline {
                    out.timed_out = true;
                    break;
                }
                if issued.fetch_add(1, Ordering::SeqCst) >= total {
                    break;
                }
                let path = (scenario.url)(&fixture, &mut rng);
                let t = Instant::now();
                let result = match client.get(format!("{base}{path}")).send().await {
                    Ok(r) => {
                        let status = r.status();
                        r.bytes().await.map(|b| (status, b.len()))
                    }
                    Err(e) => Err(e),
                };
                let elapsed = t.elapsed();
                match result {
                    Ok((status, len)) if status == 200 => {
                        out.latencies.push(elapsed);
                        out.sizes.push(len);
                    }
                    Ok((status, _)) => out.failures.push(format!("GET {path}: {status}")),
                    Err(e) => out.failures.push(format!("GET {path}: {e}")),
                }
            }
            out
        }));
    }
    let mut all = RunResult::default();
    for task in tasks {
        match task.await {
            Ok(r) => {
                all.latencies.extend(r.latencies);
                all.sizes.extend(r.sizes);
                all.failures.extend(r.failures);
                all.timed_out |= r.timed_out;
            }
            Err(e) => all.failures.push(format!("worker panicked: {e}")),
        }
    }
    all.wall = started.elapsed();
    all
}

/// Counts the SQL statements of one request, run while nothing else is running.
async fn count_statements(
    client: &reqwest::Client,
    base: &str,
    path: &str,
) -> anyhow::Result<Vec<Statement>> {
    STATEMENTS.lock().expect("statements lock").clear();
    COUNTING.store(true, Ordering::SeqCst);
    let r = client.get(format!("{base}{path}")).send().await;
    let r = match r {
        Ok(r) => {
            let status = r.status();
            r.bytes().await.map(|_| status)
        }
        Err(e) => Err(e),
    };
    // Every statement of the request has finished before its response was sent; this
    // only leaves room for a straggler, which would then be counted too.
    tokio::time::sleep(Duration::from_millis(50)).await;
    COUNTING.store(false, Ordering::SeqCst);
    let status = r?;
    ensure!(status == 200, "GET {path} answered {status}");
    Ok(std::mem::take(
        &mut *STATEMENTS.lock().expect("statements lock"),
    ))
}

/// sqlx's lookups of a type's description, made once per connection and type.
fn is_type_lookup(sql: &str) -> bool {
    sql.contains("pg_catalog.pg_type") || sql.contains("pg_catalog.pg_enum")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct Summary {
    name: &'static str,
    requests: usize,
    failures: usize,
    throughput: f64,
    p50: f64,
    p99: f64,
    statements: Vec<usize>,
}

async fn run_scenario(
    scenario: &'static Scenario,
    clients: &[reqwest::Client],
    base: &str,
    fixture: &Arc<Fixture>,
    opts: &Options,
) -> anyhow::Result<Summary> {
    println!();
    println!("== scenario {}: {}", scenario.name, scenario.about);

    // SQL statements of one request alone on a pool that has not run this page yet: sqlx
    // then also looks up the types it meets for the first time on each connection.
    let probes = (scenario.probes)(fixture);
    let mut cold = Vec::new();
    for (_, path) in &probes {
        cold.push(count_statements(&clients[0], base, path).await?);
    }

    // Warm-up, not measured (but checked).
    let warm = run_load(
        clients,
        base,
        scenario,
        fixture,
        WARMUP_REQUESTS,
        Duration::from_secs(opts.seconds),
        SEED ^ 0xfeed,
    )
    .await;
    println!(
        "  warm-up: {} requests in {:.1} s",
        warm.latencies.len() + warm.failures.len(),
        warm.wall.as_secs_f64()
    );

    let mut run = run_load(
        clients,
        base,
        scenario,
        fixture,
        opts.requests,
        Duration::from_secs(opts.seconds),
        SEED,
    )
    .await;
    run.failures.splice(0..0, warm.failures);
    let done = run.latencies.len() + run.failures.len();
    let throughput = done as f64 / run.wall.as_secs_f64();
    println!(
        "  requests:    {done} measured, {} failed, concurrency {}{}",
        run.failures.len(),
        clients.len(),
        if run.timed_out {
            format!(" (stopped by the {} s cap)", opts.seconds)
        } else {
            String::new()
        }
    );
    println!(
        "  throughput:  {throughput:.1} req/s over {:.1} s",
        run.wall.as_secs_f64()
    );
    let mut summary = Summary {
        name: scenario.name,
        requests: done,
        failures: run.failures.len(),
        throughput,
        p50: f64::NAN,
        p99: f64::NAN,
        statements: Vec::new(),
    };
    if !run.latencies.is_empty() {
        run.latencies.sort();
        let l = &run.latencies;
        summary.p50 = ms(percentile(l, 50.0));
        summary.p99 = ms(percentile(l, 99.0));
        println!(
            "  latency ms:  min {:.1}  p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
            ms(l[0]),
            summary.p50,
            ms(percentile(l, 90.0)),
            summary.p99,
            ms(l[l.len() - 1]),
        );
        let total: usize = run.sizes.iter().sum();
        let kib = |b: usize| b as f64 / 1024.0;
        println!(
            "  response:    {:.1} KiB on average (min {:.1}, max {:.1})",
            kib(total / run.sizes.len()),
            kib(*run.sizes.iter().min().expect("sizes")),
            kib(*run.sizes.iter().max().expect("sizes")),
        );
    }
    for f in run.failures.iter().take(10) {
        println!("  FAILED {f}");
    }
    if run.failures.len() > 10 {
        println!("  … and {} more failures", run.failures.len() - 10);
    }

    // The same requests again now that every connection of the pool has run the page:
    // the steady state, what the page costs whatever the portfolio size.
    println!(
        "  SQL statements per {} page (one request alone, counted from sqlx's statement events):",
        scenario.name
    );
    let mut listing = String::new();
    for ((label, path), cold) in probes.iter().zip(&cold) {
        count_statements(&clients[0], base, path).await?;
        let steady = count_statements(&clients[0], base, path).await?;
        let lookups = cold.iter().filter(|s| is_type_lookup(&s.sql)).count();
        println!(
            "    {label}: {} statements (cold pool: {}, of which {lookups} one-off type lookups)",
            steady.len(),
            cold.len(),
        );
        listing.clear();
        let _ = writeln!(listing, "    the statements of the last one:");
        for (i, s) in steady.iter().enumerate() {
            let sql: String = s.sql.chars().take(110).collect();
            let more = if s.sql.chars().count() > 110 {
                "…"
            } else {
                ""
            };
            let rows = s.rows.map(|r| format!(" [{r} rows]")).unwrap_or_default();
            let _ = writeln!(listing, "      {}. {sql}{more}{rows}", i + 1);
        }
        summary.statements.push(steady.len());
    }
    print!("{listing}");
    println!(
        "    (each also costs a liveness-ping round trip when its connection is taken from the \
         pool: sqlx's test_before_acquire, on by default)"
    );
    Ok(summary)
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(args.clone()) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    install_tracing();
    let shown: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    let command = if shown.is_empty() {
        "cargo bench --bench load".to_owned()
    } else {
        format!("cargo bench --bench load -- {}", shown.join(" "))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(opts, &command)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Ok(false) when some request failed.
async fn run(opts: Options, command: &str) -> anyhow::Result<bool> {
    let database_url = std::env::var("DATABASE_URL").ok();
    // CARGO_TARGET_TMPDIR is <target>/tmp: the cluster goes next to it, in <target>/bench-pg.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let cluster_dir = tmp.parent().unwrap_or(&tmp).join("bench-pg");
    let (server, cluster) = db::server_options(database_url.as_deref(), &cluster_dir).await?;
    match &database_url {
        Some(_) => println!("server: DATABASE_URL"),
        None => println!("server: private cluster in {}", cluster_dir.display()),
    }
    // The figures mean little without the machine they were measured on.
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .map(|l| format!(", load average {l} at start"))
        .unwrap_or_default();
    println!("machine: {cores} cores{load}");
    let result = if opts.drop {
        drop_database(&server, &opts).await
    } else {
        bench(&opts, &server, command).await
    };
    if let Some(cluster) = cluster
        && cluster.owned()
    {
        tokio::task::spawn_blocking(move || cluster.stop()).await??;
    }
    result
}

fn database_name(opts: &Options) -> String {
    format!("boussole_bench_{}", opts.accounts)
}

async fn drop_database(server: &PgConnectOptions, opts: &Options) -> anyhow::Result<bool> {
    let name = database_name(opts);
    let mut admin = db::connect_maintenance(server).await?;
    sqlx::raw_sql(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        db::quote_ident(&name)
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    println!("database {name} dropped");
    Ok(true)
}

async fn bench(opts: &Options, server: &PgConnectOptions, command: &str) -> anyhow::Result<bool> {
    let db_opts = prepare_database(server, opts).await?;
    let name = db_opts.get_database().unwrap_or_default().to_owned();

    // The app's pool, as `serve` makes it, with statement logging on at TRACE: events only
    // reach the counting layer while it counts, so the load run does not pay for them.
    let pool = db::pool(
        db_opts.log_statements(tracing::log::LevelFilter::Trace),
        APP_POOL_SIZE,
    )
    .await?;
    let fixture = Arc::new(load_fixture(&pool).await?);
    let addr = spawn_app(pool.clone()).await?;
    let base = format!("http://{addr}");
    println!("app: {base} (in-process, pool of {APP_POOL_SIZE} connections)");

    let t = Instant::now();
    let mut clients = Vec::with_capacity(opts.concurrency);
    for _ in 0..opts.concurrency {
        clients.push(login(&base).await?);
    }
    println!(
        "signed in {} sessions as {DIRECTOR} in {:.1} s",
        clients.len(),
        t.elapsed().as_secs_f64()
    );

    let mut summaries = Vec::new();
    for scenario in &opts.scenarios {
        summaries.push(run_scenario(scenario, &clients, &base, &fixture, opts).await?);
    }
    pool.close().await;

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!();
    println!(
        "== summary ({command}; {cores} cores; app, load generator and PostgreSQL on this machine)"
    );
    let mut ok = true;
    for s in &summaries {
        println!(
            "  {}: p50 {:.1} ms, p99 {:.1} ms, {:.1} req/s — {} requests, concurrency {}, {} \
             generated accounts; SQL statements per page: {}{}",
            s.name,
            s.p50,
            s.p99,
            s.throughput,
            s.requests,
            opts.concurrency,
            opts.accounts,
            s.statements
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
            if s.failures > 0 {
                format!(" — {} FAILED", s.failures)
            } else {
                String::new()
            }
        );
        ok &= s.failures == 0;
    }
    println!(
        "  database {name} kept for the next run; drop it with \
         `cargo bench --bench load -- --accounts {} --drop`{}",
        opts.accounts,
        if std::env::var("DATABASE_URL").is_ok() {
            ""
        } else {
            " (or delete target/bench-pg altogether)"
        }
    );
    if !ok {
        println!("FAILED: some requests did not answer 200");
    }
    Ok(ok)
}
