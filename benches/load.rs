//! Load benchmark: a large generated portfolio, the real server as a child process, and
//! latency/throughput of named page scenarios at several concurrency levels, each set beside
//! a minimal page of the same stack.
//!
//! ```sh
//! cargo bench --bench load -- --help
//! cargo bench --bench load                                      # 500 accounts; 1, 16, 32 clients
//! cargo bench --bench load -- --accounts 50 --requests 200      # quick
//! cargo bench --bench load -- --server-binary /tmp/boussole-old --server-binary target/release/boussole
//! ```
//!
//! What it does, in order:
//! 1. Database: `DATABASE_URL`'s server, else a private cluster under `target/bench-pg`. The
//!    database `boussole_bench_g<generator>_<accounts>` is created, migrated, given the demo
//!    users and accounts, then a generated portfolio (N accounts × 40 KPIs × 60 months of
//!    values, a client user per account from stage 2) built with set-based SQL, then vacuumed
//!    and analysed. A database already holding the same generated data (recorded in its
//!    comment) is reused.
//! 2. The SQL statements of each scenario's page, one request alone on this checkout run
//!    in-process (counted from sqlx's `sqlx::query` tracing events).
//! 3. For each server build (`--server-binary`, repeatable; default this checkout's, built by
//!    cargo): `boussole serve` as a child process on the benchmark database (a build that does
//!    not know some of its migrations gets a copy of it without them); workers sign in (the
//!    director, or a different client user each); then every scenario at every level of
//!    `--clients` (1, 16, 32): a warm-up, then R requests or S seconds. The `baseline`
//!    scenario is a page served by the bench itself (axum + sqlx + askama, one query of 12 rows,
//!    one small template) and loaded by the same workers; every scenario's throughput is
//!    printed as a share of it. 503s are counted apart (the server said "come back"), as are
//!    other responses ≥ 500; the server's resident memory is sampled from /proc during the
//!    highest level's runs.
//! 4. A Markdown table per server: p50/p99 per level, req/s at 16, share of the baseline,
//!    ≥ 500 responses; and the server's peak resident memory.
//!
//! A scenario is a name, who signs in, and a request generator: adding a page to the
//! benchmark is one entry in `SCENARIOS`.

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
const GENERATOR_VERSION: u32 = 3;
const KPIS_PER_ACCOUNT: i32 = 40;
const MONTHS: i32 = 60;
const WARMUP_REQUESTS: usize = 50;
const DIRECTOR: &str = "direction@boussole.example";
/// The demo's client user, whose password hash the generated client users share.
const DEMO_CLIENT: &str = "client@lumiere-retail.example";
/// The size of the pool `serve` uses (`db::open`), for the baseline and the in-process app.
const APP_POOL_SIZE: u32 = db::POOL_SIZE;
/// Seed of `setseed` (generation) and of the workers' URL choices.
const SEED: u64 = 42;

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/// What scenarios draw their URLs from.
struct Fixture {
    /// Ids of the generated accounts.
    generated: Vec<i64>,
    /// (account, KPI) of every generated account's KPIs, and of its monthly ones.
    kpis: Vec<(i64, i64)>,
    monthly_kpis: Vec<(i64, i64)>,
    /// The generated accounts' client users.
    client_emails: Vec<String>,
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

/// Who a scenario's workers are signed in as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Nobody: the bench's own baseline server.
    Nobody,
    Director,
    /// A client user of a generated account, a different one per worker.
    Client,
}

/// What one request of a scenario is.
#[derive(Clone, Copy)]
enum Kind {
    /// A GET of the path the function picks.
    Get(fn(&Fixture, &mut StdRng) -> String),
    /// The scorecard's inline value form, POSTed with its CSRF token: a new value for this
    /// month of a random monthly KPI of a random generated account.
    WriteValue,
}

/// One named page to load. `probes` are the paths whose SQL statements are counted (one
/// request each, run alone on the in-process app), labelled.
struct Scenario {
    name: &'static str,
    about: &'static str,
    who: Who,
    kind: Kind,
    probes: fn(&Fixture) -> Vec<(String, String)>,
}

const BASELINE: &str = "baseline";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: BASELINE,
        about: "GET /baseline on the bench's own axum + sqlx + askama server: one query of 12 rows, \
                one small template (what the stack costs without Boussole's work)",
        who: Who::Nobody,
        kind: Kind::Get(|_, _| "/baseline".to_owned()),
        probes: |_| Vec::new(),
    },
    Scenario {
        name: "scorecard",
        about: "GET /accounts/{id}, a random generated account (director)",
        who: Who::Director,
        kind: Kind::Get(|f, rng| {
            let id = f.generated.choose(rng).expect("generated accounts");
            format!("/accounts/{id}")
        }),
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
        name: "kpi",
        about: "GET /accounts/{id}/kpis/{kpi}, a random KPI of a random generated account (director)",
        who: Who::Director,
        kind: Kind::Get(|f, rng| {
            let (a, k) = f.kpis.choose(rng).expect("generated KPIs");
            format!("/accounts/{a}/kpis/{k}")
        }),
        probes: |f| {
            let (a, k) = f.kpis[0];
            vec![("first KPI".to_owned(), format!("/accounts/{a}/kpis/{k}"))]
        },
    },
    Scenario {
        name: "portal",
        about: "GET /portal, each worker a client user of a different generated account",
        who: Who::Client,
        kind: Kind::Get(|_, _| "/portal".to_owned()),
        probes: |_| Vec::new(),
    },
    Scenario {
        name: "write",
        about: "POST /accounts/{id}/kpis/{kpi}/values, the scorecard's inline form with its CSRF \
                token: this month's value of a random monthly KPI of a random account (director)",
        who: Who::Director,
        kind: Kind::WriteValue,
        probes: |_| Vec::new(),
    },
    Scenario {
        name: "portfolio",
        about: "GET /portfolio, the director's cockpit over every account (bulk SQL, no query per account)",
        who: Who::Director,
        kind: Kind::Get(|_, _| "/portfolio".to_owned()),
        probes: |_| vec![("director".to_owned(), "/portfolio".to_owned())],
    },
    Scenario {
        name: "drivers",
        about: "GET /drivers?outcome=nps, rank correlations of every KPI with NPS across accounts",
        who: Who::Director,
        kind: Kind::Get(|_, _| "/drivers?outcome=nps".to_owned()),
        probes: |_| vec![("director".to_owned(), "/drivers?outcome=nps".to_owned())],
    },
];

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

struct Options {
    accounts: u32,
    /// Concurrency levels, each scenario run at each.
    clients: Vec<usize>,
    requests: usize,
    seconds: u64,
    /// Empty: all.
    scenarios: Vec<&'static Scenario>,
    /// Builds of boussole to load, one after the other (default: this checkout's).
    servers: Vec<PathBuf>,
    statements: bool,
    drop: bool,
    fresh: bool,
}

fn usage() -> String {
    let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
    format!(
        "Load benchmark of Boussole's pages on a large generated portfolio.

usage: cargo bench --bench load -- [options]

  --accounts N          generated accounts (default 500), each with {KPIS_PER_ACCOUNT} KPIs and {MONTHS} months
  --clients L           concurrency levels, comma-separated (default 1,16,32); each worker has
                        its own session
  --requests R          measured requests per scenario and level (default 1000)
  --seconds S           time cap per scenario and level, in seconds (default 20)
  --scenario NAME       run only this scenario (repeatable, or comma-separated); one of: {}
                        (default: all; the baseline always runs)
  --server-binary PATH  the boussole build to load (repeatable: each is run in turn, with the
                        same scenarios; default: this checkout's, built by cargo bench)
  --no-statements       do not count the SQL statements of each page
  --keep                keep the database for the next run (the default)
  --drop                drop the benchmark database of --accounts N and exit (runs nothing)
  --fresh               regenerate the database even if it could be reused
  -h, --help            this help

The database is DATABASE_URL's server if set, else a private PostgreSQL cluster under
target/bench-pg; it is named boussole_bench_g{GENERATOR_VERSION}_<accounts> and reused when it
already holds the same generated data.",
        names.join(", ")
    )
}

/// Parses the arguments; `Ok(None)` when help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        accounts: 500,
        clients: vec![1, 16, 32],
        requests: 1000,
        seconds: 20,
        scenarios: Vec::new(),
        servers: Vec::new(),
        statements: true,
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
            v.trim()
                .parse()
                .map_err(|_| format!("{flag} expects a positive whole number, not {v:?}"))
        }
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--accounts" => o.accounts = number(&flag, value("a number")?)?,
            "--clients" | "--concurrency" => {
                o.clients = value("a list of numbers")?
                    .split(',')
                    .map(|n| number(&flag, n.to_owned()))
                    .collect::<Result<_, _>>()?;
            }
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
            "--server-binary" => o.servers.push(PathBuf::from(value("a path")?)),
            "--no-statements" => o.statements = false,
            "--keep" => o.drop = false,
            "--drop" => o.drop = true,
            "--fresh" => o.fresh = true,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if o.accounts == 0 || o.requests == 0 || o.seconds == 0 || o.clients.contains(&0) {
        return Err("--accounts, --clients, --requests and --seconds must be at least 1".into());
    }
    if o.clients.is_empty() {
        return Err("--clients needs at least one level".into());
    }
    if o.scenarios.is_empty() {
        o.scenarios = SCENARIOS.iter().collect();
    }
    // The baseline first: every other scenario's throughput is a share of it.
    o.scenarios.retain(|s| s.name != BASELINE);
    o.scenarios.insert(0, &SCENARIOS[0]);
    if o.servers.is_empty() {
        o.servers
            .push(PathBuf::from(env!("CARGO_BIN_EXE_boussole")));
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
            let pool = db::pool(db_opts.clone(), 4).await?;
            db::migrate(&pool).await?;
            rebuild_scores(&pool).await?;
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

    let pool = db::pool(db_opts.clone(), 4).await?;
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
    let generation = Instant::now();
    generate(&mut conn, opts.accounts, month, &want, &name).await?;
    println!(
        "  generated in {:.1} s ({:.1} s since the database was created)",
        generation.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    // VACUUM as well as ANALYZE: a freshly loaded table's first readers would otherwise
    // pay for setting hint bits, and index-only scans need the visibility map.
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut conn).await?;
    conn.close().await?;
    println!("  VACUUM (ANALYZE): {:.1} s", t.elapsed().as_secs_f64());
    rebuild_scores(&pool).await?;
    print_counts(&pool).await?;
    pool.close().await;
    Ok(db_opts)
}

/// The stored scorecard state of every account, as `boussole rebuild-scores` makes it
/// (the generator writes values by SQL, outside the app's transactions; a reused
/// database may hold the state of an earlier day). Timed: it is what a deployment
/// pays once after a bulk load.
async fn rebuild_scores(pool: &PgPool) -> anyhow::Result<()> {
    let t = Instant::now();
    let n = boussole::scorecard::state::rebuild_all(pool).await?;
    println!(
        "  scorecard state of {n} accounts rebuilt: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
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

    // A client user for every generated account that shares KPIs with its client (stage 2
    // and up), with the demo's password (its hash copied from the demo's client user).
    let step = Instant::now();
    let n = sqlx::query(
        "INSERT INTO users (email, name, role, account_id, password_hash) \
         SELECT 'client@' || a.slug || '.bench.example', 'Client ' || a.name, 'client', a.id, \
                (SELECT password_hash FROM users WHERE email = $1) \
         FROM accounts a WHERE a.slug LIKE 'bench-%' AND a.stage >= 2 ORDER BY a.id",
    )
    .bind(DEMO_CLIENT)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    println!(
        "  client users: {n} ({:.1} s)",
        step.elapsed().as_secs_f64()
    );

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
    let kpis: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT k.account_id, k.id, k.frequency = 'monthly' FROM account_kpis k \
         JOIN accounts a ON a.id = k.account_id WHERE a.slug LIKE 'bench-%' ORDER BY k.id",
    )
    .fetch_all(pool)
    .await?;
    let client_emails: Vec<String> = sqlx::query_scalar(
        "SELECT u.email::text FROM users u JOIN accounts a ON a.id = u.account_id \
         WHERE u.role = 'client' AND a.slug LIKE 'bench-%' ORDER BY u.id",
    )
    .fetch_all(pool)
    .await?;
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
        monthly_kpis: kpis.iter().filter(|k| k.2).map(|k| (k.0, k.1)).collect(),
        kpis: kpis.iter().map(|k| (k.0, k.1)).collect(),
        client_emails,
        smallest,
        largest,
    })
}

// ---------------------------------------------------------------------------------------------
// The servers: the app under test (a child process), the baseline, and the app in-process
// (only to count SQL statements)
// ---------------------------------------------------------------------------------------------

/// The in-process app, whose statements the counting layer sees.
async fn spawn_app(pool: PgPool) -> anyhow::Result<SocketAddr> {
    let app = boussole::app(AppState::new(pool, Config::for_tests()));
    serve_router(app).await
}

async fn serve_router(app: axum::Router) -> anyhow::Result<SocketAddr> {
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

/// The baseline: the same stack as Boussole (axum, a sqlx pool of the same size, askama)
/// doing the least a page can do: one query of 12 rows, one small template.
#[derive(askama::Template)]
#[template(
    ext = "html",
    source = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Accounts</title>\
              </head><body><h1>Accounts</h1><table>{% for a in rows %}<tr><td>{{ a.0 }}</td>\
              <td>{{ a.1 }}</td><td>{{ a.2 }}</td></tr>{% endfor %}</table></body></html>"
)]
struct BaselinePage {
    rows: Vec<(i64, String, String)>,
}

async fn baseline_page(
    axum::extract::State(pool): axum::extract::State<PgPool>,
) -> Result<axum::response::Html<String>, axum::http::StatusCode> {
    use askama::Template as _;
    let rows = sqlx::query_as("SELECT id, name, industry FROM accounts ORDER BY id LIMIT 12")
        .fetch_all(&pool)
        .await
        .map_err(|_| axum::http::StatusCode::SERVICE_UNAVAILABLE)?;
    BaselinePage { rows }
        .render()
        .map(axum::response::Html)
        .map_err(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

async fn spawn_baseline(pool: PgPool) -> anyhow::Result<SocketAddr> {
    let app = axum::Router::new()
        .route("/baseline", axum::routing::get(baseline_page))
        .with_state(pool);
    serve_router(app).await
}

/// A boussole build serving the benchmark database as a child process.
struct Server {
    label: String,
    base: String,
    child: tokio::process::Child,
    pid: u32,
}

/// The URL of database `name` on the server, for a child process's DATABASE_URL.
fn database_url(server: &PgConnectOptions, name: &str) -> anyhow::Result<String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let mut url = url::Url::parse(&url).context("DATABASE_URL")?;
        url.set_path(&format!("/{name}"));
        return Ok(url.to_string());
    }
    // The private cluster: its socket directory as the host.
    let socket = server
        .get_socket()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| server.get_host().to_owned());
    Ok(format!(
        "postgres://{}@localhost:{}/{name}?host={socket}",
        server.get_username(),
        server.get_port()
    ))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The migrations a build knows: it migrates an empty database of its own, then we read them.
async fn known_migrations(
    binary: &std::path::Path,
    server: &PgConnectOptions,
) -> anyhow::Result<Vec<i64>> {
    let name = format!("boussole_bench_probe_{}", std::process::id());
    let mut admin = db::connect_maintenance(server).await?;
    let drop = format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        db::quote_ident(&name)
    );
    sqlx::raw_sql(&drop).execute(&mut admin).await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {}", db::quote_ident(&name)))
        .execute(&mut admin)
        .await?;
    let out = tokio::process::Command::new(binary)
        .arg("migrate")
        .env("DATABASE_URL", database_url(server, &name)?)
        .env("BOUSSOLE_LOG", "warn")
        .output()
        .await
        .with_context(|| format!("running {} migrate", binary.display()))?;
    ensure!(
        out.status.success(),
        "{} migrate failed: {}",
        binary.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut conn = server.clone().database(&name).connect().await?;
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await?;
    conn.close().await?;
    sqlx::raw_sql(&drop).execute(&mut admin).await?;
    admin.close().await?;
    Ok(versions)
}

/// The database a build serves: the benchmark database, or, when the build does not know
/// some of its migrations (an older build), a copy of it where those are forgotten (their
/// tables and columns stay; the older code ignores them).
async fn database_for(
    binary: &std::path::Path,
    server: &PgConnectOptions,
    bench_db: &str,
) -> anyhow::Result<String> {
    let known = known_migrations(binary, server).await?;
    let mut conn = server.clone().database(bench_db).connect().await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    let unknown: Vec<i64> = applied.into_iter().filter(|v| !known.contains(v)).collect();
    if unknown.is_empty() {
        return Ok(bench_db.to_owned());
    }
    let copy = format!(
        "{bench_db}_upto_{}",
        known.last().copied().unwrap_or_default()
    );
    println!(
        "  {} does not know migrations {unknown:?}: it serves {copy}, a copy without them",
        binary.display()
    );
    let mut admin = db::connect_maintenance(server).await?;
    sqlx::raw_sql(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        db::quote_ident(&copy)
    ))
    .execute(&mut admin)
    .await?;
    sqlx::raw_sql(&format!(
        "CREATE DATABASE {} TEMPLATE {}",
        db::quote_ident(&copy),
        db::quote_ident(bench_db)
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    let mut conn = server.clone().database(&copy).connect().await?;
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ANY($1)")
        .bind(&unknown)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(copy)
}

async fn start_server(
    binary: &std::path::Path,
    server: &PgConnectOptions,
    database: &str,
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let child = tokio::process::Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", database_url(server, database)?)
        .env("BOUSSOLE_LISTEN", &addr)
        // Outside --demo, links are built from the public URL only.
        .env("BOUSSOLE_PUBLIC_URL", &base)
        // The trace layer logs every 503 as an error: those are counted here instead.
        .env("BOUSSOLE_LOG", "error,tower_http=off")
        .env("BOUSSOLE_SHUTDOWN_GRACE_SECONDS", "0")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id().context("the server exited at once")?;
    let probe = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = probe.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(120),
            "{} did not become ready on {addr} within 120 s",
            binary.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(Server {
        label: binary.display().to_string(),
        base,
        child,
        pid,
    })
}

/// Resident memory of a process, in KiB: (now, peak since it started).
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// A load worker: a client with a session of its own and its CSRF token.
#[derive(Clone)]
struct Worker {
    client: reqwest::Client,
    csrf: String,
}

fn meta_csrf(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name=csrf-token]").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_owned)
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(90))
        .build()?)
}

/// A worker signed in as `email` (the demo password), with the CSRF token of its session.
async fn login(base: &str, email: &str) -> anyhow::Result<Worker> {
    let client = http_client()?;
    let page = client.get(format!("{base}/login")).send().await?;
    ensure!(
        page.status() == 200,
        "GET /login answered {}",
        page.status()
    );
    let token = meta_csrf(&page.text().await?).context("no CSRF token on the login page")?;
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", boussole::demo::PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await?;
    ensure!(
        r.status() == 303,
        "logging in as {email} answered {} instead of a redirect",
        r.status()
    );
    let home = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("/")
        .to_owned();
    // Signing in gives the session a new token: read it from the home page.
    let page = client.get(format!("{base}{home}")).send().await?;
    let csrf = meta_csrf(&page.text().await?).unwrap_or_default();
    Ok(Worker { client, csrf })
}

/// `n` workers of each kind a scenario may need.
struct Workers {
    nobody: Vec<Worker>,
    director: Vec<Worker>,
    client: Vec<Worker>,
}

impl Workers {
    fn of(&self, who: Who) -> &[Worker] {
        match who {
            Who::Nobody => &self.nobody,
            Who::Director => &self.director,
            Who::Client => &self.client,
        }
    }
}

async fn sign_in(
    base: &str,
    n: usize,
    fixture: &Fixture,
    scenarios: &[&'static Scenario],
) -> anyhow::Result<Workers> {
    let t = Instant::now();
    let mut w = Workers {
        nobody: Vec::new(),
        director: Vec::new(),
        client: Vec::new(),
    };
    for _ in 0..n {
        w.nobody.push(Worker {
            client: http_client()?,
            csrf: String::new(),
        });
    }
    if scenarios.iter().any(|s| s.who == Who::Director) {
        for _ in 0..n {
            w.director.push(login(base, DIRECTOR).await?);
        }
    }
    if scenarios.iter().any(|s| s.who == Who::Client) {
        ensure!(
            !fixture.client_emails.is_empty(),
            "no client users in the database"
        );
        for email in fixture.client_emails.iter().cycle().take(n) {
            w.client.push(login(base, email).await?);
        }
    }
    println!(
        "  signed in {} director and {} client sessions in {:.1} s",
        w.director.len(),
        w.client.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(w)
}

// ---------------------------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------------------------

/// What the write scenario keeps between requests: the version of this month's value of
/// each KPI (the form sends the version it saw, as the page would).
struct Writes {
    month: String,
    month_start: NaiveDate,
    versions: Mutex<std::collections::HashMap<i64, i32>>,
    pool: PgPool,
}

impl Writes {
    async fn load(pool: &PgPool) -> anyhow::Result<Self> {
        let month_start = this_month();
        let rows: Vec<(i64, i32)> =
            sqlx::query_as("SELECT account_kpi_id, version FROM kpi_values WHERE period = $1")
                .bind(month_start)
                .fetch_all(pool)
                .await?;
        Ok(Self {
            month: month_start.format("%Y-%m").to_string(),
            month_start,
            versions: Mutex::new(rows.into_iter().collect()),
            pool: pool.clone(),
        })
    }

    fn version(&self, kpi: i64) -> Option<i32> {
        self.versions.lock().expect("versions").get(&kpi).copied()
    }

    fn set(&self, kpi: i64, version: i32) {
        self.versions.lock().expect("versions").insert(kpi, version);
    }

    /// After a conflict (two workers on one KPI): the version now stored.
    async fn reload(&self, kpi: i64) {
        let v: Option<i32> = sqlx::query_scalar(
            "SELECT version FROM kpi_values WHERE account_kpi_id = $1 AND period = $2",
        )
        .bind(kpi)
        .bind(self.month_start)
        .fetch_optional(&self.pool)
        .await
        .ok()
        .flatten();
        let mut versions = self.versions.lock().expect("versions");
        match v {
            Some(v) => versions.insert(kpi, v),
            None => versions.remove(&kpi),
        };
    }
}

#[derive(Default)]
struct RunResult {
    /// Latencies of the successful requests (200, or the 303 of a saved value).
    latencies: Vec<Duration>,
    sizes: Vec<usize>,
    /// 503s: the server said "come back later" (counted apart from other errors).
    unavailable: usize,
    /// Other responses ≥ 500.
    server_errors: usize,
    /// 409s of the write scenario (two workers on one KPI at once).
    conflicts: usize,
    failures: Vec<String>,
    wall: Duration,
    timed_out: bool,
}

impl RunResult {
    fn done(&self) -> usize {
        self.latencies.len()
            + self.unavailable
            + self.server_errors
            + self.conflicts
            + self.failures.len()
    }

    fn absorb(&mut self, r: RunResult) {
        self.latencies.extend(r.latencies);
        self.sizes.extend(r.sizes);
        self.unavailable += r.unavailable;
        self.server_errors += r.server_errors;
        self.conflicts += r.conflicts;
        self.failures.extend(r.failures);
        self.timed_out |= r.timed_out;
    }
}

/// One request of a scenario; its status and body size.
async fn one_request(
    worker: &Worker,
    base: &str,
    scenario: &Scenario,
    fixture: &Fixture,
    writes: Option<&Writes>,
    rng: &mut StdRng,
) -> (
    String,
    Result<(u16, usize), reqwest::Error>,
    Option<(i64, i32)>,
) {
    let (label, request, written) = match scenario.kind {
        Kind::Get(url) => {
            let path = url(fixture, rng);
            let req = worker.client.get(format!("{base}{path}"));
            (format!("GET {path}"), req, None)
        }
        Kind::WriteValue => {
            let writes = writes.expect("write state");
            let (account, kpi) = *fixture.monthly_kpis.choose(rng).expect("monthly KPIs");
            let seen = writes.version(kpi);
            // A value that differs from the one stored (written from the previous version),
            // so that every save is a real change; 1 to 4 is valid in every unit.
            let value = 1 + seen.unwrap_or(0) % 4;
            let path = format!("/accounts/{account}/kpis/{kpi}/values");
            let req = worker.client.post(format!("{base}{path}")).form(&[
                ("_csrf", worker.csrf.as_str()),
                ("from", "scorecard"),
                ("month", writes.month.as_str()),
                ("period", writes.month.as_str()),
                (
                    "version",
                    seen.map(|v| v.to_string()).unwrap_or_default().as_str(),
                ),
                ("value", value.to_string().as_str()),
                ("comment", ""),
            ]);
            (
                format!("POST {path}"),
                req,
                Some((kpi, seen.unwrap_or(0) + 1)),
            )
        }
    };
    let result = match request.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            r.bytes().await.map(|b| (status, b.len()))
        }
        Err(e) => Err(e),
    };
    (label, result, written)
}

/// Sends `total` requests from one worker per client, stopping early at `cap`.
#[allow(clippy::too_many_arguments)]
async fn run_load(
    workers: &[Worker],
    base: &str,
    scenario: &'static Scenario,
    fixture: &Arc<Fixture>,
    writes: Option<Arc<Writes>>,
    total: usize,
    cap: Duration,
    seed: u64,
) -> RunResult {
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + cap;
    let mut tasks = Vec::new();
    for (w, worker) in workers.iter().enumerate() {
        let worker = worker.clone();
        let issued = issued.clone();
        let fixture = fixture.clone();
        let writes = writes.clone();
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
                let t = Instant::now();
                let (label, result, written) = one_request(
                    &worker,
                    &base,
                    scenario,
                    &fixture,
                    writes.as_deref(),
                    &mut rng,
                )
                .await;
                let elapsed = t.elapsed();
                match result {
                    Ok((200, len)) | Ok((303, len)) => {
                        if let (Some((kpi, v)), Some(w)) = (written, &writes) {
                            w.set(kpi, v);
                        }
                        out.latencies.push(elapsed);
                        out.sizes.push(len);
                    }
                    Ok((409, _)) if written.is_some() => {
                        out.conflicts += 1;
                        if let (Some((kpi, _)), Some(w)) = (written, &writes) {
                            w.reload(kpi).await;
                        }
                    }
                    Ok((503, _)) => out.unavailable += 1,
                    Ok((status, _)) if status >= 500 => {
                        out.server_errors += 1;
                        out.failures.push(format!("{label}: {status}"));
                    }
                    Ok((status, _)) => out.failures.push(format!("{label}: {status}")),
                    Err(e) => out.failures.push(format!("{label}: {e}")),
                }
            }
            out
        }));
    }
    let mut all = RunResult::default();
    for task in tasks {
        match task.await {
            Ok(r) => all.absorb(r),
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

/// One scenario at one concurrency level.
struct Level {
    clients: usize,
    requests: usize,
    throughput: f64,
    p50: f64,
    p99: f64,
    unavailable: usize,
    server_errors: usize,
    conflicts: usize,
    failures: usize,
}

struct Summary {
    name: &'static str,
    levels: Vec<Level>,
    /// Peak resident memory of the server during the highest level's run, in KiB.
    peak_rss_kib: Option<u64>,
}

/// Samples a process's resident memory every 20 ms until stopped; the highest seen.
fn sample_memory(pid: u32, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let mut peak = 0;
        while !stop.load(Ordering::SeqCst) {
            if let Some((rss, _)) = memory_kib(pid) {
                peak = peak.max(rss);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        peak
    })
}

#[allow(clippy::too_many_arguments)]
async fn run_scenario(
    scenario: &'static Scenario,
    workers: &Workers,
    base: &str,
    server_pid: Option<u32>,
    fixture: &Arc<Fixture>,
    pool: &PgPool,
    opts: &Options,
) -> anyhow::Result<Summary> {
    println!();
    println!("== scenario {}: {}", scenario.name, scenario.about);
    let writes = match scenario.kind {
        Kind::WriteValue => Some(Arc::new(Writes::load(pool).await?)),
        Kind::Get(_) => None,
    };
    let all = workers.of(scenario.who);
    let top = opts.clients.iter().copied().max().unwrap_or(1);

    // Warm-up, not measured (but checked).
    let warm = run_load(
        &all[..top.min(16)],
        base,
        scenario,
        fixture,
        writes.clone(),
        WARMUP_REQUESTS,
        Duration::from_secs(opts.seconds),
        SEED ^ 0xfeed,
    )
    .await;
    println!(
        "  warm-up: {} requests in {:.1} s",
        warm.done(),
        warm.wall.as_secs_f64()
    );
    for f in warm.failures.iter().take(3) {
        println!("  warm-up FAILED {f}");
    }

    let mut summary = Summary {
        name: scenario.name,
        levels: Vec::new(),
        peak_rss_kib: None,
    };
    for &n in &opts.clients {
        let sampler = match server_pid {
            Some(pid) if n == top && scenario.who != Who::Nobody => {
                let stop = Arc::new(AtomicBool::new(false));
                Some((stop.clone(), sample_memory(pid, stop)))
            }
            _ => None,
        };
        let mut run = run_load(
            &all[..n],
            base,
            scenario,
            fixture,
            writes.clone(),
            opts.requests,
            Duration::from_secs(opts.seconds),
            SEED.wrapping_add(n as u64 * 1000),
        )
        .await;
        if let Some((stop, task)) = sampler {
            stop.store(true, Ordering::SeqCst);
            summary.peak_rss_kib = task.await.ok();
        }
        let done = run.done();
        // Answers that did the page's work: a 503 is quick and would flatter the rate.
        let throughput = run.latencies.len() as f64 / run.wall.as_secs_f64();
        let mut level = Level {
            clients: n,
            requests: done,
            throughput,
            p50: f64::NAN,
            p99: f64::NAN,
            unavailable: run.unavailable,
            server_errors: run.server_errors,
            conflicts: run.conflicts,
            failures: run.failures.len(),
        };
        if !run.latencies.is_empty() {
            run.latencies.sort();
            level.p50 = ms(percentile(&run.latencies, 50.0));
            level.p99 = ms(percentile(&run.latencies, 99.0));
        }
        let kib = if run.sizes.is_empty() {
            0.0
        } else {
            run.sizes.iter().sum::<usize>() as f64 / run.sizes.len() as f64 / 1024.0
        };
        println!(
            "  {n:>3} clients: {done} requests in {:.1} s{}, {throughput:.1} answered req/s, p50 {:.1} ms, \
             p99 {:.1} ms, {kib:.1} KiB; 503: {}, other ≥500: {}, 409: {}, other failures: {}{}",
            run.wall.as_secs_f64(),
            if run.timed_out {
                format!(" (the {} s cap)", opts.seconds)
            } else {
                String::new()
            },
            level.p50,
            level.p99,
            run.unavailable,
            run.server_errors,
            run.conflicts,
            run.failures.len(),
            summary
                .peak_rss_kib
                .filter(|_| n == top)
                .map(|k| format!("; server peak RSS {:.0} MB", k as f64 / 1024.0))
                .unwrap_or_default(),
        );
        for f in run.failures.iter().take(5) {
            println!("    FAILED {f}");
        }
        summary.levels.push(level);
    }
    Ok(summary)
}

/// The SQL statements of a scenario's probe pages, on the in-process app.
async fn print_statements(
    scenario: &'static Scenario,
    client: &reqwest::Client,
    base: &str,
    fixture: &Fixture,
) -> anyhow::Result<()> {
    let probes = (scenario.probes)(fixture);
    if probes.is_empty() {
        return Ok(());
    }
    println!(
        "  SQL statements per {} page (this checkout, in-process, one request alone):",
        scenario.name
    );
    let mut listing = String::new();
    for (label, path) in &probes {
        let cold = count_statements(client, base, path).await?;
        count_statements(client, base, path).await?;
        let steady = count_statements(client, base, path).await?;
        let lookups = cold.iter().filter(|s| is_type_lookup(&s.sql)).count();
        println!(
            "    {label}: {} statements (first time: {}, of which {lookups} one-off type lookups)",
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
    }
    print!("{listing}");
    Ok(())
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
    // The generator's version is in the name: a run with a newer generator leaves the
    // databases of older ones (maybe in use by another run) alone.
    format!("boussole_bench_g{GENERATOR_VERSION}_{}", opts.accounts)
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

/// Milliseconds as the table prints them: tenths below 10 ms, whole numbers above.
fn ms_text(v: f64) -> String {
    if v.is_nan() {
        "—".into()
    } else if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn at(s: &Summary, n: usize) -> Option<&Level> {
    s.levels.iter().find(|l| l.clients == n)
}

/// The Markdown table of one server's run, shaped for the issue note.
fn table(summaries: &[Summary], opts: &Options) -> String {
    let levels = &opts.clients;
    let reference = if levels.contains(&16) {
        16
    } else {
        *levels.iter().max().expect("levels")
    };
    let baseline = summaries
        .iter()
        .find(|s| s.name == BASELINE)
        .and_then(|s| at(s, reference))
        .map(|l| l.throughput);
    let mut out = String::new();
    let _ = write!(out, "| page |");
    for n in levels {
        let _ = write!(
            out,
            " {n} client{} p50 / p99 |",
            if *n == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        out,
        " req/s at {reference} | share of baseline | ≥500 responses ({}) |",
        levels
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    );
    let _ = write!(out, "|---|");
    for _ in levels {
        let _ = write!(out, "---|");
    }
    let _ = writeln!(out, "---|---|---|");
    for s in summaries {
        let _ = write!(out, "| {} |", s.name);
        for n in levels {
            match at(s, *n) {
                Some(l) => {
                    let _ = write!(out, " {} / {} ms |", ms_text(l.p50), ms_text(l.p99));
                }
                None => {
                    let _ = write!(out, " — |");
                }
            }
        }
        let rate = at(s, reference).map(|l| l.throughput);
        let share = match (rate, baseline) {
            (Some(r), Some(b)) if b > 0.0 => {
                let p = 100.0 * r / b;
                if p >= 10.0 {
                    format!("{p:.0} %")
                } else if p >= 0.1 {
                    format!("{p:.1} %")
                } else {
                    format!("{p:.2} %")
                }
            }
            _ => "—".into(),
        };
        let errors = s
            .levels
            .iter()
            .map(|l| {
                let n = l.unavailable + l.server_errors;
                if l.unavailable > 0 {
                    format!("{n} ({} × 503)", l.unavailable)
                } else {
                    n.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" / ");
        let _ = writeln!(
            out,
            " {} | {share} | {errors} |",
            rate.map(|r| format!("{r:.1}"))
                .unwrap_or_else(|| "—".into())
        );
    }
    out
}

async fn bench(opts: &Options, server: &PgConnectOptions, command: &str) -> anyhow::Result<bool> {
    let db_opts = prepare_database(server, opts).await?;
    let name = db_opts.get_database().unwrap_or_default().to_owned();

    // The databases each build serves, prepared before any pool holds a connection to the
    // benchmark database (a copy is made from it as a template).
    let mut databases = Vec::new();
    for binary in &opts.servers {
        databases.push(database_for(binary, server, &name).await?);
    }

    // This checkout in-process, with statement logging on at TRACE: events only reach the
    // counting layer while it counts. Also the pool the bench reads its fixture with.
    let pool = db::pool(
        db_opts
            .clone()
            .log_statements(tracing::log::LevelFilter::Trace),
        APP_POOL_SIZE,
    )
    .await?;
    let fixture = Arc::new(load_fixture(&pool).await?);
    println!(
        "fixture: {} generated accounts, {} KPIs ({} monthly), {} client users",
        fixture.generated.len(),
        fixture.kpis.len(),
        fixture.monthly_kpis.len(),
        fixture.client_emails.len()
    );
    let top = opts.clients.iter().copied().max().unwrap_or(1);

    // The baseline, served by the bench itself with a pool of its own.
    let baseline_pool = db::pool(db_opts.clone(), APP_POOL_SIZE).await?;
    let baseline_addr = spawn_baseline(baseline_pool.clone()).await?;
    println!("baseline: http://{baseline_addr}/baseline (in the bench, pool of {APP_POOL_SIZE})");

    if opts.statements {
        let addr = spawn_app(pool.clone()).await?;
        let base = format!("http://{addr}");
        let director = login(&base, DIRECTOR).await?;
        println!();
        println!("== SQL statements (this checkout in-process, {base})");
        for scenario in &opts.scenarios {
            print_statements(scenario, &director.client, &base, &fixture).await?;
        }
        println!(
            "  (each also costs a liveness-ping round trip when its connection is taken from the \
             pool: sqlx's test_before_acquire, on by default)"
        );
    }

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut ok = true;
    let mut report = String::new();
    for (binary, database) in opts.servers.iter().zip(&databases) {
        println!();
        println!("#### server {} on database {database}", binary.display());
        let mut server_proc = start_server(binary, server, database).await?;
        let base = server_proc.base.clone();
        println!(
            "  serving on {base} (pid {}; BOUSSOLE_HEAVY_PAGES and the pool at their defaults)",
            server_proc.pid
        );
        let workers = sign_in(&base, top, &fixture, &opts.scenarios).await?;
        let baseline_base = format!("http://{baseline_addr}");
        let mut summaries = Vec::new();
        for scenario in &opts.scenarios {
            let (target, pid) = if scenario.who == Who::Nobody {
                (baseline_base.as_str(), None)
            } else {
                (base.as_str(), Some(server_proc.pid))
            };
            summaries
                .push(run_scenario(scenario, &workers, target, pid, &fixture, &pool, opts).await?);
        }
        let hwm = memory_kib(server_proc.pid).map(|(_, hwm)| hwm);
        let _ = server_proc.child.start_kill();
        let _ = server_proc.child.wait().await;

        let peak = summaries.iter().filter_map(|s| s.peak_rss_kib).max();
        let mut text = String::new();
        let _ = writeln!(
            text,
            "server: {} ({command}; {} generated accounts; {cores} cores; app, load generator and \
             PostgreSQL on this machine)",
            server_proc.label, opts.accounts
        );
        let _ = writeln!(text);
        text.push_str(&table(&summaries, opts));
        let _ = writeln!(text);
        let _ = writeln!(
            text,
            "Peak resident memory of the server during the {top}-client runs: {} (per scenario: {}); \
             VmHWM over the whole run: {}.",
            peak.map(|k| format!("{:.0} MB", k as f64 / 1024.0))
                .unwrap_or_else(|| "—".into()),
            summaries
                .iter()
                .filter_map(|s| s.peak_rss_kib.map(|k| format!(
                    "{} {:.0} MB",
                    s.name,
                    k as f64 / 1024.0
                )))
                .collect::<Vec<_>>()
                .join(", "),
            hwm.map(|k| format!("{:.0} MB", k as f64 / 1024.0))
                .unwrap_or_else(|| "—".into()),
        );
        for s in &summaries {
            for l in &s.levels {
                ok &= l.failures == 0;
                if l.conflicts > 0 {
                    let _ = writeln!(
                        text,
                        "{} at {} clients: {} of {} writes answered 409 (two workers on one KPI \
                         at once), not counted as successes.",
                        s.name, l.clients, l.conflicts, l.requests
                    );
                }
            }
        }
        report.push_str(&text);
        report.push('\n');
    }
    pool.close().await;
    baseline_pool.close().await;

    println!();
    println!("== summary");
    println!();
    print!("{report}");
    println!(
        "database {name} kept for the next run; drop it with \
         `cargo bench --bench load -- --accounts {} --drop`{}",
        opts.accounts,
        if std::env::var("DATABASE_URL").is_ok() {
            ""
        } else {
            " (or delete target/bench-pg altogether)"
        }
    );
    if !ok {
        println!("FAILED: some requests got an unexpected answer (503s are counted apart)");
    }
    Ok(ok)
}
