//! Review pack benchmark: the time to build a full pack from the database and lay
//! it out as a PDF (typst), on the demo data (issue 13's target: under 1 s).
//!
//! ```sh
//! cargo bench --bench review_pack              # 5 runs per audience
//! cargo bench --bench review_pack -- --runs 20
//! ```
//!
//! The database server is `DATABASE_URL`'s if set, else the private cluster under
//! `target/bench-pg` (as the other benches). `boussole_bench_review_pack` is
//! created afresh, migrated and given the demo, then dropped at the end. For each
//! audience (internal, client) of the demo's upcoming review of Lumière, each run
//! does what `GET …/pack.pdf` does before answering: `reviews::pack::build` (every
//! query of the pack) then `reviews::pdf::render` (typst layout + PDF). The first
//! run includes the fonts' parsing (once per process) and is printed apart.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use boussole::db;
use boussole::i18n::Locale;
use boussole::scorecard::Audience;
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;

const DATABASE: &str = "boussole_bench_review_pack";
const KAM: &str = "kam.alice@boussole.example";

fn main() -> ExitCode {
    let mut runs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => {
                    eprintln!("--runs needs a positive number");
                    return ExitCode::from(2);
                }
            },
            "--bench" => {}
            "--help" | "-h" => {
                println!("Usage: cargo bench --bench review_pack -- [--runs N]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(runs)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(runs: usize) -> anyhow::Result<()> {
    let database_url = std::env::var("DATABASE_URL").ok();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let cluster_dir = tmp.parent().unwrap_or(&tmp).join("bench-pg");
    let (server, cluster) = db::server_options(database_url.as_deref(), &cluster_dir).await?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("machine: {cores} cores");
    let result = bench(runs, &server).await;
    let dropped = drop_database(&server).await;
    if let Some(cluster) = cluster
        && cluster.owned()
    {
        tokio::task::spawn_blocking(move || cluster.stop()).await??;
    }
    result.and(dropped)
}

async fn drop_database(server: &PgConnectOptions) -> anyhow::Result<()> {
    let mut admin = db::connect_maintenance(server).await?;
    sqlx::raw_sql(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        db::quote_ident(DATABASE)
    ))
    .execute(&mut admin)
    .await?;
    Ok(())
}

async fn bench(runs: usize, server: &PgConnectOptions) -> anyhow::Result<()> {
    drop_database(server).await?;
    let mut admin = db::connect_maintenance(server).await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {}", db::quote_ident(DATABASE)))
        .execute(&mut admin)
        .await?;
    let opts = server
        .clone()
        .database(DATABASE)
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::from_secs(3600));
    let pool = db::pool(opts, 4).await?;
    db::migrate(&pool).await?;
    boussole::demo::load(&pool)
        .await
        .context("loading the demo")?;
    let user = Arc::new(
        boussole::users::find_by_email(&pool, KAM)
            .await?
            .context("the demo KAM")?,
    );
    let (account_id, review_id): (i64, i64) = sqlx::query_as(
        "SELECT r.account_id, r.id FROM business_reviews r JOIN accounts a ON a.id = r.account_id \
         WHERE a.slug = 'lumiere-retail' ORDER BY r.held_on DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .context("the demo's review of Lumière")?;
    let account = boussole::accounts::find_unchecked(&pool, account_id)
        .await?
        .context("Lumière")?;
    let review = boussole::reviews::find(&pool, account_id, review_id)
        .await?
        .context("the review")?;
    for audience in Audience::ALL {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs + 1 {
            let t = Instant::now();
            let pack = boussole::reviews::pack::build(
                &pool,
                &account,
                &review,
                audience,
                Locale::Fr,
                user.clone(),
            )
            .await?;
            let built = t.elapsed();
            let pdf = tokio::task::spawn_blocking(move || boussole::reviews::pdf::render(&pack))
                .await??;
            size = pdf.len();
            times.push((built, t.elapsed()));
        }
        let (first_built, first) = times.remove(0);
        times.sort_by_key(|t| t.1);
        let median = times[times.len() / 2];
        let worst = times.last().copied().unwrap_or(median);
        println!(
            "{} pack: first run {:.0} ms (pack {:.0} ms; fonts parsed once per process), \
             then over {runs} runs median {:.0} ms (pack {:.0} ms + PDF {:.0} ms), worst {:.0} ms; \
             PDF {} KiB",
            audience.code(),
            first.as_secs_f64() * 1e3,
            first_built.as_secs_f64() * 1e3,
            median.1.as_secs_f64() * 1e3,
            median.0.as_secs_f64() * 1e3,
            (median.1 - median.0).as_secs_f64() * 1e3,
            worst.1.as_secs_f64() * 1e3,
            size / 1024,
        );
    }
    pool.close().await;
    Ok(())
}
