//! What each subcommand does. `main.rs` parses; this wires.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tower_sessions::ExpiredDeletion;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, ServeArgs, UserCommand};
use crate::config::LogFormat;
use crate::{accounts, audit, auth::password, db, demo, users};

pub fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("BOUSSOLE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    // Colours only for a person at a terminal, never in files or log collectors.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let common = cli.common;
    match cli.command {
        Command::Serve(args) => serve(&common, args).await,
        Command::Migrate => {
            let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
            println!("migrations applied");
            database.shutdown().await;
            Ok(())
        }
        Command::Demo => {
            let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
            let mut result = demo::load(&database.pool).await;
            if result.is_ok() {
                // The past reviews' packs are rendered once the demo has committed.
                result = demo::reviews::freeze_past(&database.pool).await.map(|_| ());
            }
            database.shutdown().await;
            result?;
            println!(
                "demo data loaded; every demo user's password is {}",
                demo::PASSWORD
            );
            Ok(())
        }
        Command::Voc(cmd) => crate::voc::cli::run(cmd),
        Command::RebuildScores => {
            let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
            let started = std::time::Instant::now();
            let before = crate::scorecard::state::snapshot(&database.pool).await;
            let result = crate::scorecard::state::rebuild_all(&database.pool).await;
            let after = crate::scorecard::state::snapshot(&database.pool).await;
            database.shutdown().await;
            let accounts = result?;
            let (before, after) = (before?, after?);
            let before: std::collections::HashSet<String> = before.into_iter().collect();
            let changed = after.iter().filter(|row| !before.contains(*row)).count();
            println!(
                "scorecard state rebuilt for {accounts} accounts in {:.1} s; {changed} of {} stored rows changed",
                started.elapsed().as_secs_f64(),
                after.len()
            );
            Ok(())
        }
        Command::Backup { file } => {
            let (opts, cluster) =
                db::server_options(common.database_url.as_deref(), &common.data_dir).await?;
            let target = db::backup::Target::new(opts, common.database_url.as_deref());
            let shown = file.display().to_string();
            let result = tokio::task::spawn_blocking(move || db::backup::backup(&target, &file))
                .await
                .map_err(anyhow::Error::from)
                .and_then(|r| r);
            stop_if_owned(cluster).await;
            let bytes = result?;
            println!("backup written to {shown} ({bytes} bytes)");
            Ok(())
        }
        Command::Load(args) => {
            // The server's database, to check the writes: migrated, not created.
            let (opts, cluster) =
                db::server_options(common.database_url.as_deref(), &common.data_dir).await?;
            let pool = db::pool(opts, 4).await?;
            let plan = crate::load::Plan {
                urls: args.urls,
                clients: usize::from(args.clients),
                duration: Duration::from_secs(args.seconds),
                max_requests_per_client: args.max_requests,
                password: args.password,
            };
            let result = crate::load::run(plan, pool.clone()).await;
            pool.close().await;
            stop_if_owned(cluster).await;
            result
        }
        Command::Restore { file } => {
            let (opts, cluster) =
                db::server_options(common.database_url.as_deref(), &common.data_dir).await?;
            let target = db::backup::Target::new(opts, common.database_url.as_deref());
            let result = db::backup::restore(&target, &file).await;
            stop_if_owned(cluster).await;
            result?;
            println!(
                "{} restored into database {}",
                file.display(),
                target.database()
            );
            Ok(())
        }
        Command::User(cmd) => {
            let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
            let result = user_command(&database.pool, cmd).await;
            database.shutdown().await;
            result
        }
        Command::Token(cmd) => {
            let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
            let result = token_command(&database.pool, cmd).await;
            database.shutdown().await;
            result
        }
    }
}

async fn serve(common: &crate::cli::CommonArgs, args: ServeArgs) -> anyhow::Result<()> {
    let config = args
        .config(common)
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    let database = db::open(common.database_url.as_deref(), &common.data_dir).await?;
    if args.demo && demo::is_empty(&database.pool).await? {
        demo::load(&database.pool).await?;
        demo::reviews::freeze_past(&database.pool).await?;
        tracing::info!("demo data loaded");
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            database.shutdown().await;
            anyhow::bail!(
                "cannot listen on {}: {e} (set --listen or BOUSSOLE_LISTEN)",
                config.listen
            );
        }
    };
    let addr = listener.local_addr()?;
    if !config.can_build_links() {
        tracing::warn!(
            "no public URL: survey and invitation links will not be sent until \
             --public-url (BOUSSOLE_PUBLIC_URL) is set"
        );
    }
    let state = crate::AppState::new(database.pool.clone(), config);

    // Scorecard states of an earlier day, or left behind by a deferred bulk write,
    // are recomputed in the background (pages bring up to date what they show).
    let keeper = tokio::spawn(crate::scorecard::state::keeper(database.pool.clone()));

    // Background jobs (mail, the daily pass): every instance runs workers; each job
    // is taken by one of them only.
    let workers = if args.no_jobs {
        Vec::new()
    } else {
        crate::jobs::start(&state)
    };

    // Expired sessions are deleted in the background, hourly. The store's own loop
    // ends at its first error, so a database outage would stop it for good: loop here.
    let store = tower_sessions_sqlx_store::PostgresStore::new(database.pool.clone());
    let sweeper = tokio::spawn(async move {
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "expired sessions not deleted this hour");
            }
        }
    });

    let metrics_server = match state.config.metrics_listen {
        Some(at) => {
            let l = tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("cannot listen on {at} (BOUSSOLE_METRICS_LISTEN)"))?;
            println!("metrics on http://{}/metrics", l.local_addr()?);
            let router = crate::metrics::router(state.clone());
            Some(tokio::spawn(async move { axum::serve(l, router).await }))
        }
        None => None,
    };

    println!("Boussole listening on http://{addr}");
    if args.demo {
        println!("demo users: see README.md (password: {})", demo::PASSWORD);
    }
    let served = axum::serve(
        listener,
        crate::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(drain(Duration::from_secs(args.shutdown_grace_seconds)))
    .await;
    sweeper.abort();
    keeper.abort();
    for w in workers {
        w.abort();
    }
    if let Some(m) = metrics_server {
        m.abort();
    }
    tracing::info!("shutting down");
    database.shutdown().await;
    served.context("server error")
}

/// Resolves when the server should stop accepting connections: on SIGINT/SIGTERM,
/// `/readyz` turns 503 at once, and requests are still served for the grace period
/// so that a load balancer notices and sends new requests elsewhere; then axum stops
/// accepting and lets in-flight requests finish. A second signal skips the wait.
async fn drain(grace: Duration) {
    shutdown_signal().await;
    crate::health::start_draining();
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "stop requested: /readyz now answers 503; serving until the grace period ends"
    );
    tokio::select! {
        _ = tokio::time::sleep(grace) => {},
        _ = shutdown_signal() => tracing::info!("second stop signal: not waiting any longer"),
    }
    tracing::info!("no longer accepting connections; finishing in-flight requests");
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Stops the private cluster if this command started it.
async fn stop_if_owned(cluster: Option<db::embedded::Cluster>) {
    if let Some(c) = cluster.filter(|c| c.owned()) {
        match tokio::task::spawn_blocking(move || c.stop()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "embedded PostgreSQL did not stop cleanly"),
            Err(e) => tracing::error!(error = %e, "embedded PostgreSQL stop task failed"),
        }
    }
}

/// The password for `user add` / `user password`: BOUSSOLE_PASSWORD, or a random one.
fn password_from_env() -> anyhow::Result<(String, bool)> {
    match std::env::var("BOUSSOLE_PASSWORD") {
        Ok(p) => {
            password::check_new(&p).map_err(|_| {
                anyhow::anyhow!(
                    "BOUSSOLE_PASSWORD must be {}–{} characters",
                    password::MIN_LENGTH,
                    password::MAX_LENGTH
                )
            })?;
            Ok((p, false))
        }
        Err(_) => Ok((password::generate(), true)),
    }
}

async fn token_command(pool: &sqlx::PgPool, cmd: crate::cli::TokenCommand) -> anyhow::Result<()> {
    use crate::api::token;
    let crate::cli::TokenCommand::Create {
        email,
        name,
        write,
        expires_days,
    } = cmd;
    let user = users::find_by_email(pool, email.trim())
        .await?
        .filter(|u| u.active)
        .with_context(|| format!("no active user with e-mail {}", email.trim()))?;
    let name = name.trim();
    anyhow::ensure!(
        (1..=100).contains(&name.chars().count()) && !crate::web::input::has_forbidden(name),
        "the token's name must be 1 to 100 printable characters"
    );
    let expires_at = expires_days.map(|d| chrono::Utc::now() + chrono::Duration::days(d));
    let mut tx = pool.begin().await?;
    let (id, secret) = token::create(
        &mut *tx,
        &token::NewToken {
            user_id: user.id,
            kind: token::Kind::Personal,
            name,
            can_write: write,
            account_ids: None,
            expires_at,
            created_by: user.id,
        },
    )
    .await?;
    audit::record(
        &mut *tx,
        &audit::Actor {
            email: Some("cli".into()),
            ..Default::default()
        },
        audit::Entry::new(audit::Action::ApiTokenCreated)
            .on("api_token", id)
            .after(serde_json::json!({ "name": name, "user_id": user.id, "write": write, "expires_at": expires_at })),
    )
    .await?;
    crate::db::commit(tx).await?;
    // The secret alone on stdout, so scripts can capture it.
    println!("{secret}");
    Ok(())
}

async fn user_command(pool: &sqlx::PgPool, cmd: UserCommand) -> anyhow::Result<()> {
    let actor = audit::Actor {
        email: Some("cli".into()),
        ..Default::default()
    };
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            account,
        } => {
            let account_id = match (&account, role.belongs_to_an_account()) {
                (Some(slug), true) => Some(
                    accounts::id_by_slug(pool, slug)
                        .await?
                        .with_context(|| format!("no account with code {slug}"))?,
                ),
                (None, true) => anyhow::bail!("a client user needs --account <code>"),
                (Some(_), false) => anyhow::bail!("only client users belong to an account"),
                (None, false) => None,
            };
            let email = crate::email::Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("{} is not a valid e-mail address", email.trim()))?
                .to_string();
            let (pw, generated) = password_from_env()?;
            let hash = password::hash(&pw)?;
            let mut tx = pool.begin().await?;
            let user = users::insert(
                &mut *tx,
                &users::NewUser {
                    email: &email,
                    name: name.trim(),
                    role,
                    account_id,
                    password_hash: Some(&hash),
                    locale: None,
                },
            )
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.constraint() == Some("users_email_key") => {
                    anyhow::anyhow!("a user with e-mail {email} already exists")
                }
                sqlx::Error::Database(d) if d.constraint() == Some("users_email_check") => {
                    anyhow::anyhow!("{email} is not a valid e-mail address")
                }
                _ => e.into(),
            })?;
            audit::record(
                &mut *tx,
                &actor,
                audit::Entry::new(audit::Action::UserCreated)
                    .on("user", user.id)
                    .account(user.account_id)
                    .after(&user),
            )
            .await?;
            crate::db::commit(tx).await?;
            println!("user {} created ({})", user.email, user.role.code());
            if generated {
                println!("password: {pw}");
            }
            Ok(())
        }
        UserCommand::Password { email } => {
            let user = users::find_by_email(pool, email.trim())
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            let (pw, generated) = password_from_env()?;
            let hash = password::hash(&pw)?;
            let mut tx = pool.begin().await?;
            users::set_password(&mut *tx, user.id, &hash).await?;
            audit::record(
                &mut *tx,
                &actor,
                audit::Entry::new(audit::Action::UserPasswordChanged).on("user", user.id),
            )
            .await?;
            crate::db::commit(tx).await?;
            println!(
                "password changed for {}; their open sessions are closed",
                user.email
            );
            if generated {
                println!("password: {pw}");
            }
            Ok(())
        }
    }
}
