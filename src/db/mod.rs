//! Where the database comes from: a server named by DATABASE_URL, or a private
//! PostgreSQL cluster under the data directory. Either way, migrations are applied
//! before anything else touches it.

pub mod backup;
pub mod embedded;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The embedded cluster's database name.
pub const EMBEDDED_DATABASE: &str = "boussole";

/// A connected database and, when we started it, the private cluster to stop at exit.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<embedded::Cluster>,
}

impl Database {
    /// Stops the private cluster if this process started it.
    pub async fn shutdown(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster
            && cluster.owned()
        {
            match tokio::task::spawn_blocking(move || cluster.stop()).await {
                Ok(Ok(())) => tracing::info!("embedded PostgreSQL stopped"),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "embedded PostgreSQL did not stop cleanly")
                }
                Err(e) => tracing::error!(error = %e, "embedded PostgreSQL stop task failed"),
            }
        }
    }
}

/// Options for the server to use: DATABASE_URL's, or the private cluster's (started
/// if needed). The returned cluster handle is `Some` for the embedded case.
pub async fn server_options(
    database_url: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<(PgConnectOptions, Option<embedded::Cluster>)> {
    match database_url {
        Some(url) => {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {e}"))?;
            Ok((opts, None))
        }
        None => {
            let dir = data_dir.to_path_buf();
            let cluster = tokio::task::spawn_blocking(move || embedded::start(&dir)).await??;
            let opts = PgConnectOptions::new()
                .socket(&cluster.socket_dir)
                .port(cluster.port)
                .username(&cluster.superuser)
                .database(EMBEDDED_DATABASE);
            Ok((opts, Some(cluster)))
        }
    }
}

/// Creates the database named in `opts` if it does not exist, connecting to the
/// server's maintenance database to do so.
pub async fn create_database_if_missing(opts: &PgConnectOptions) -> anyhow::Result<()> {
    let name = opts.get_database().unwrap_or("postgres").to_owned();
    let mut admin = connect_maintenance(opts).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; quote it the way PostgreSQL does.
        let sql = format!("CREATE DATABASE {}", quote_ident(&name));
        match sqlx::raw_sql(&sql).execute(&mut admin).await {
            Ok(_) => tracing::info!(database = %name, "database created"),
            // Another instance created it between our check and our CREATE: fine.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    admin.close().await?;
    Ok(())
}

/// A connection to the server's `postgres` database (used to create databases).
pub async fn connect_maintenance(opts: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    let conn = opts
        .clone()
        .database("postgres")
        .log_statements(tracing::log::LevelFilter::Debug)
        .connect()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach PostgreSQL: {e}"))?;
    Ok(conn)
}

/// How long a request waits for a database connection before it is answered 503.
/// During an outage every request waits this long (each connection attempt fails at
/// once and the pool retries until this deadline), so it is what keeps an outage
/// from freezing the site: short enough to answer within a second, long enough that
/// a busy pool (queries take milliseconds) does not turn load into errors.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(800);

pub async fn pool(opts: PgConnectOptions, max: u32) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(
            opts.log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500)),
        )
        .await?;
    Ok(pool)
}

/// Applies our migrations and the session store's table.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    // The job queue's tables, in their own schema with their own migration record
    // (`underway._sqlx_migrations`), so ours and theirs never mix; run after ours
    // because it copies the shape of `public._sqlx_migrations`. Part of the test
    // template too, so every cloned test database has them.
    underway::run_migrations(pool).await?;
    // The webhooks queue's row, and `webhooks::settle`'s handle on it.
    crate::webhooks::init(pool).await?;
    crate::voc::store::seed_themes(pool).await?;
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await?;
    Ok(())
}

/// Connections of the pool `serve` uses.
pub const POOL_SIZE: u32 = 20;

/// Everything `serve`, `migrate`, `demo` and `user` need: reach the server,
/// create the database, connect a pool, migrate.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Database> {
    let (opts, cluster) = server_options(database_url, data_dir).await?;
    create_database_if_missing(&opts).await?;
    let pool = pool(opts, POOL_SIZE).await?;
    migrate(&pool).await?;
    Ok(Database { pool, cluster })
}

/// Whether an error means "the database is not answering" (a 503 for the user, to
/// retry in a moment) rather than a bug (a 500): no connection to be had, a broken
/// connection, or the server shutting down or starting up.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|code| {
            // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect
            // now (starting up); 53300: too many connections.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Commits a write transaction: first recomputes the scorecard state of every
/// account it changed (`scorecard::state::settle`), so that no reader ever sees a
/// change without its scores. Every write of the app commits through here (a test
/// finds any other `.commit()`).
pub async fn commit(mut tx: sqlx::Transaction<'_, sqlx::Postgres>) -> sqlx::Result<()> {
    crate::scorecard::state::settle(&mut tx).await?;
    // After the scores: a KPI that turned red is one of the events.
    crate::webhooks::settle(&mut tx).await?;
    tx.commit().await
}
