//! `boussole backup FILE` and `boussole restore FILE`: PostgreSQL's own pg_dump and
//! pg_restore (custom format: compressed, restorable table by table), from the same
//! binaries as the embedded cluster, against the configured database.
//!
//! A restore goes into an empty database only: restoring over live data would mix two
//! histories (audit rows included), and the way back from a bad restore is to drop a
//! database that nothing else used.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// Where and as whom pg_dump/pg_restore connect: the pool's options plus the password,
/// which sqlx does not hand back.
pub struct Target {
    pub opts: PgConnectOptions,
    pub password: Option<String>,
    pub sslmode: Option<String>,
}

impl Target {
    pub fn new(opts: PgConnectOptions, database_url: Option<&str>) -> Self {
        let url = database_url.and_then(|u| url::Url::parse(u).ok());
        let password = url.as_ref().and_then(|u| u.password().map(percent_decode));
        let sslmode = url.as_ref().and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "sslmode")
                .map(|(_, v)| v.into_owned())
        });
        Self {
            opts,
            password,
            sslmode,
        }
    }

    pub fn database(&self) -> &str {
        self.opts.get_database().unwrap_or("postgres")
    }

    /// A PostgreSQL client tool with the connection in libpq's environment variables
    /// (never on the command line, where `ps` would show a password).
    fn tool(&self, bindir: &Path, program: &str) -> Command {
        let mut cmd = Command::new(bindir.join(program));
        for (key, _) in std::env::vars_os().filter(|(k, _)| k.as_encoded_bytes().starts_with(b"PG"))
        {
            cmd.env_remove(key);
        }
        let host = match self.opts.get_socket() {
            Some(dir) => dir.display().to_string(),
            None => self.opts.get_host().to_owned(),
        };
        cmd.env("PGHOST", host)
            .env("PGPORT", self.opts.get_port().to_string())
            .env("PGUSER", self.opts.get_username())
            .env("PGDATABASE", self.database());
        if let Some(p) = &self.password {
            cmd.env("PGPASSWORD", p);
        }
        if let Some(m) = &self.sslmode {
            cmd.env("PGSSLMODE", m);
        }
        cmd
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// pg_dump of the whole database (every schema, sessions included) into `file`,
/// written beside it first and renamed, so a failed backup never leaves a truncated
/// file under the expected name.
pub fn backup(target: &Target, file: &Path) -> anyhow::Result<u64> {
    let bindir = super::embedded::find_bindir()?;
    let file = absolute(file)?;
    let partial = file.with_extension("partial");
    let out = target
        .tool(&bindir, "pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(&partial)
        .output()
        .context("cannot run pg_dump")?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&partial);
        bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    std::fs::rename(&partial, &file)
        .with_context(|| format!("cannot move the backup to {}", file.display()))?;
    Ok(std::fs::metadata(&file)?.len())
}

/// pg_restore of `file` into the target database, which must be new or empty; all or
/// nothing (one transaction).
pub async fn restore(target: &Target, file: &Path) -> anyhow::Result<()> {
    let file = absolute(file)?;
    if !file.is_file() {
        bail!("no backup file at {}", file.display());
    }
    super::create_database_if_missing(&target.opts).await?;
    let mut conn = target
        .opts
        .clone()
        .log_statements(tracing::log::LevelFilter::Debug)
        .connect()
        .await
        .context("cannot reach the database to restore into")?;
    let relations: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    if relations > 0 {
        bail!(
            "database {} is not empty ({relations} tables, indexes or sequences): a backup is \
             restored into a new database only; point DATABASE_URL at a new database name",
            target.database()
        );
    }
    let bindir = super::embedded::find_bindir()?;
    let out = tokio::task::spawn_blocking({
        let mut cmd = target.tool(&bindir, "pg_restore");
        cmd.args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            target.database(),
        ])
        .arg(&file);
        move || cmd.output()
    })
    .await?
    .context("cannot run pg_restore")?;
    if !out.status.success() {
        bail!(
            "pg_restore failed (nothing was restored): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn absolute(file: &Path) -> anyhow::Result<PathBuf> {
    Ok(if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir()?.join(file)
    })
}
