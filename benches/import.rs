//! Import benchmark: the app's CSV import of N values against PostgreSQL's own `COPY` of
//! the same rows into `kpi_values`, on the same server.
//!
//! ```sh
//! cargo bench --bench import                     # 1 000 000 values
//! cargo bench --bench import -- --rows 100000    # quicker
//! ```
//!
//! What it does, in order:
//! 1. Database: `DATABASE_URL`'s server, else the private cluster under `target/bench-pg`
//!    (as `benches/load.rs`). `boussole_bench_import` is created afresh, migrated, given the
//!    demo users and accounts, then generated accounts (40 monthly KPIs each, as many as the
//!    rows need at 50 months per KPI), vacuumed and analysed; `boussole_bench_import_copy`
//!    is created from it as a template, so both start identical.
//! 2. A CSV file of N values for those KPIs is generated in memory (English header, one
//!    value in 25 with a comment).
//! 3. (a) The app's import, as the director, through the functions the upload handler
//!    calls, in the same order: the editable accounts and KPIs (`catalogue::editable`),
//!    the one-pass check of the file (`import::check`), the run (`runs::start`) and the
//!    set-based write (`write::execute`, the function the handler spawns). Called
//!    directly rather than over HTTP: the multipart upload of the file through a socket
//!    would add the same transfer to any import, and this measures what issue 16's
//!    target is about, checking and writing compared with the database's own bulk load.
//! 4. (b) `COPY kpi_values (…) FROM STDIN` of the same checked rows into the copy database.
//! 5. Both times and their ratio are printed; both databases are dropped.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use boussole::audit::Actor;
use boussole::db;
use boussole::values::import::{self, catalogue, runs, write};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

const KPIS_PER_ACCOUNT: usize = 40;
const MONTHS_PER_KPI: usize = 50;
const DIRECTOR: &str = "direction@boussole.example";
const DATABASE: &str = "boussole_bench_import";
const COPY_DATABASE: &str = "boussole_bench_import_copy";

struct Options {
    rows: usize,
}

fn usage() -> String {
    format!(
        "Usage: cargo bench --bench import -- [--rows N]\n\n\
         --rows N   values in the generated CSV file (default 1000000; {KPIS_PER_ACCOUNT} KPIs \
         per account, {MONTHS_PER_KPI} months per KPI)\n\n\
         The database server is DATABASE_URL's if set, else a private PostgreSQL cluster \
         under target/bench-pg. The databases {DATABASE} and {COPY_DATABASE} are created \
         afresh and dropped at the end."
    )
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut opts = Options { rows: 1_000_000 };
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            "--help" | "-h" => return Ok(None),
            "--rows" => {
                let v = args.next().ok_or("--rows needs a number")?;
                opts.rows = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--rows: not a number: {v}"))?;
                if opts.rows == 0 || opts.rows > import_limit() {
                    return Err(format!("--rows: between 1 and {}", import_limit()));
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(opts))
}

fn import_limit() -> usize {
    boussole::values::csv_import::MAX_ROWS
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(opts: Options) -> anyhow::Result<()> {
    let database_url = std::env::var("DATABASE_URL").ok();
    // CARGO_TARGET_TMPDIR is <target>/tmp: the cluster goes next to it, in <target>/bench-pg.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let cluster_dir = tmp.parent().unwrap_or(&tmp).join("bench-pg");
    let (server, cluster) = db::server_options(database_url.as_deref(), &cluster_dir).await?;
    match &database_url {
        Some(_) => println!("server: DATABASE_URL"),
        None => println!("server: private cluster in {}", cluster_dir.display()),
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .map(|l| format!(", load average {l} at start"))
        .unwrap_or_default();
    println!("machine: {cores} cores{load}");
    let result = bench(&opts, &server).await;
    let dropped = drop_databases(&server).await;
    if let Some(cluster) = cluster
        && cluster.owned()
    {
        tokio::task::spawn_blocking(move || cluster.stop()).await??;
    }
    result.and(dropped)
}

async fn drop_databases(server: &PgConnectOptions) -> anyhow::Result<()> {
    let mut admin = db::connect_maintenance(server).await?;
    for name in [COPY_DATABASE, DATABASE] {
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            db::quote_ident(name)
        ))
        .execute(&mut admin)
        .await?;
    }
    admin.close().await?;
    Ok(())
}

/// Accounts needed for `rows` values.
fn accounts_for(rows: usize) -> usize {
    rows.div_ceil(KPIS_PER_ACCOUNT * MONTHS_PER_KPI)
}

async fn bench(opts: &Options, server: &PgConnectOptions) -> anyhow::Result<()> {
    drop_databases(server).await?;
    let mut admin = db::connect_maintenance(server).await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {}", db::quote_ident(DATABASE)))
        .execute(&mut admin)
        .await?;
    let db_opts = server
        .clone()
        .database(DATABASE)
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(3600));
    let accounts = accounts_for(opts.rows);
    let t = Instant::now();
    {
        let pool = db::pool(db_opts.clone(), 2).await?;
        db::migrate(&pool).await?;
        boussole::demo::load(&pool)
            .await
            .context("loading the demo")?;
        generate(&pool, accounts).await?;
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(&pool).await?;
        pool.close().await;
    }
    sqlx::raw_sql(&format!(
        "CREATE DATABASE {} TEMPLATE {}",
        db::quote_ident(COPY_DATABASE),
        db::quote_ident(DATABASE)
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    println!(
        "databases {DATABASE} and {COPY_DATABASE}: {accounts} generated accounts × \
         {KPIS_PER_ACCOUNT} monthly KPIs, ready in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let pool = db::pool(db_opts.clone(), 4).await?;
    let director = boussole::users::find_by_email(&pool, DIRECTOR)
        .await?
        .context("the demo's director")?;
    let codes: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.slug, k.code FROM accounts a JOIN account_kpis k ON k.account_id = a.id \
         WHERE a.slug LIKE 'bench-%' ORDER BY a.id, k.id",
    )
    .fetch_all(&pool)
    .await?;
    let csv = csv_file(&codes, opts.rows);
    println!(
        "CSV file: {} values, {:.1} MB",
        opts.rows,
        csv.len() as f64 / 1e6
    );

    // (a) The app's import.
    let started = Instant::now();
    let editable = catalogue::editable(&pool, &director).await?;
    let checked = import::check(&editable, csv)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .map_err(|p| anyhow::anyhow!("the file was refused: {p:?}"))?;
    ensure!(
        checked.problem_count() == 0,
        "the generated file has problems: {:?}",
        checked.problems.first()
    );
    ensure!(checked.rows.len() == opts.rows, "rows lost in the check");
    let check_time = started.elapsed();
    // The same rows for (b), prepared outside both timings.
    let copy_text = copy_text(&checked.rows, director.id);
    let started_write = Instant::now();
    let run_id = runs::start(&pool, director.id, "bench.csv", &checked.rows).await?;
    let job = write::Job {
        run_id,
        file: "bench.csv".into(),
        actor: Actor {
            user_id: Some(director.id),
            email: Some(director.email.clone()),
            ip: None,
            token_id: None,
        },
        rows: checked.rows,
    };
    let counts = write::execute(&pool, job)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let write_time = started_write.elapsed();
    let import_time = check_time + write_time;
    ensure!(
        counts.created == opts.rows,
        "expected {} values created, got {counts:?}",
        opts.rows
    );
    let (values, history, audit): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM kpi_values WHERE source = 'csv'), \
                (SELECT count(*) FROM kpi_value_history WHERE source = 'csv'), \
                (SELECT count(*) FROM audit_log WHERE action = 'kpi_value.created' \
                 AND after->>'source' = 'csv')",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;

    // (b) PostgreSQL's COPY of the same rows into the copy's kpi_values.
    let mut conn = server
        .clone()
        .database(COPY_DATABASE)
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(3600))
        .connect()
        .await?;
    let started = Instant::now();
    let mut copy = conn
        .copy_in_raw(
            "COPY kpi_values (account_kpi_id, period, value, comment, source, entered_by) \
             FROM STDIN",
        )
        .await?;
    for piece in copy_text.as_bytes().chunks(1 << 20) {
        copy.send(piece).await?;
    }
    let copied = copy.finish().await?;
    let copy_time = started.elapsed();
    conn.close().await?;
    ensure!(copied as usize == opts.rows, "COPY wrote {copied} rows");

    let s = |d: Duration| d.as_secs_f64();
    println!();
    println!(
        "== import of {} values (cargo bench --bench import -- --rows {}; {} cores; app and \
         PostgreSQL on this machine)",
        opts.rows,
        opts.rows,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  (a) app import: {:.2} s = check {:.2} s + write {:.2} s ({} values, {} history rows, \
         {} audit rows written)",
        s(import_time),
        s(check_time),
        s(write_time),
        values,
        history,
        audit
    );
    println!(
        "  (b) COPY into kpi_values: {:.2} s ({copied} rows)",
        s(copy_time)
    );
    println!(
        "  ratio import / COPY: {:.2} (write alone: {:.2}); target ≤ 2",
        s(import_time) / s(copy_time),
        s(write_time) / s(copy_time)
    );
    Ok(())
}

/// Accounts owned by the demo's KAMs, each with 40 monthly KPIs in euros.
async fn generate(pool: &sqlx::PgPool, accounts: usize) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO accounts (slug, name, industry, country, tier, owner_id, stage) \
         SELECT 'bench-' || lpad(g::text, 5, '0'), 'Bench Account ' || lpad(g::text, 5, '0'), \
                'Distribution', 'FR', 'key_account', \
                kams.ids[1 + g % array_length(kams.ids, 1)], 1 \
         FROM generate_series(1, $1) g, \
              (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'kam') kams",
    )
    .bind(i32::try_from(accounts)?)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO account_kpis (account_id, code, universe, name_fr, name_en, unit, direction, \
                                   frequency, domain, target) \
         SELECT a.id, 'k' || lpad(s::text, 2, '0'), 'financial', 'Indicateur ' || s, 'KPI ' || s, \
                'eur', 'higher_better', 'monthly', 'internal', 100000 \
         FROM accounts a CROSS JOIN generate_series(0, $1 - 1) s \
         WHERE a.slug LIKE 'bench-%'",
    )
    .bind(i32::try_from(KPIS_PER_ACCOUNT)?)
    .execute(pool)
    .await?;
    Ok(())
}

/// `rows` values: every KPI's first 50 months from January 2020, KPI after KPI.
fn csv_file(codes: &[(String, String)], rows: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(rows * 40 + 64);
    out.push_str("account,kpi,period,value,comment\n");
    let mut n = 0;
    'all: for (slug, code) in codes {
        for m in 0..MONTHS_PER_KPI {
            if n == rows {
                break 'all;
            }
            let value = 50_000 + (n * 7919) % 100_000;
            let comment = if n % 25 == 0 { "Clôture du mois" } else { "" };
            let _ = writeln!(
                out,
                "{slug},{code},{}-{:02},{value}.{},{comment}",
                2020 + m / 12,
                m % 12 + 1,
                n % 100
            );
            n += 1;
        }
    }
    out.into_bytes()
}

/// The checked rows in `COPY`'s text format, with the columns the import fills.
fn copy_text(rows: &[boussole::values::csv_import::ValidRow], user_id: i64) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(rows.len() * 48);
    for r in rows {
        // The generated comments have no tab, backslash or line break to escape.
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\tcsv\t{user_id}",
            r.kpi_id, r.period, r.value, r.comment
        );
    }
    out
}
