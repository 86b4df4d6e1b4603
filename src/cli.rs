//! The command line. `main.rs` parses it and hands the pieces to the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, DEFAULT_HEAVY_PAGES, HEAVY_WAIT, LogFormat};
use crate::users::Role;

#[derive(Debug, Parser)]
#[command(
    name = "boussole",
    version,
    about = "Key Account Management scorecards, built with the customer"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every subcommand needs to reach the database.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// PostgreSQL server to use (the database is created if missing). Without it,
    /// Boussole runs a private PostgreSQL cluster under the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the private PostgreSQL cluster lives when DATABASE_URL is not set.
    #[arg(
        long,
        env = "BOUSSOLE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(
        long,
        env = "BOUSSOLE_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo portfolio (refuses if the database already holds accounts).
    Demo,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens (as the tokens page does).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a backup of the database (pg_dump, custom format) to FILE.
    Backup {
        /// Where to write the backup (replaced if it exists).
        file: PathBuf,
    },
    /// Drive a RUNNING server on this machine with concurrent clients signed in as the
    /// demo users (mixed reads and writes), then check in the database that every
    /// acknowledged write is there exactly once.
    Load(LoadArgs),
    /// Restore a backup made by `backup` into the configured database, which must be
    /// new or empty (set DATABASE_URL to a new database name, or use a new data directory).
    Restore {
        /// The backup file to restore.
        file: PathBuf,
    },
    /// Voice of the customer tools (no database needed).
    #[command(subcommand)]
    Voc(VocCommand),
    /// Recompute every account's stored scorecard state from the raw values (the
    /// state is kept up to date by every write; this is the check and the repair).
    RebuildScores,
}

#[derive(Debug, Subcommand)]
pub enum VocCommand {
    /// Read one text per line on standard input; write one JSON object per line on
    /// standard output: {"language","score","label","themes"}.
    Analyze,
    /// Measure the analyser on a labelled set (tab-separated: lang, label, themes,
    /// text; default: the set shipped with Boussole) and print its accuracy.
    Evaluate {
        /// A labelled file of your own instead of the shipped one.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// Also list the misclassified sentences of the tuning half.
        #[arg(long)]
        dev_errors: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Load the demo data when the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Do not run background jobs in this instance (another instance runs them).
    #[arg(long, env = "BOUSSOLE_NO_JOBS", default_value_t = false)]
    pub no_jobs: bool,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "BOUSSOLE_LISTEN",
        default_value = "127.0.0.1:3000",
        value_name = "ADDR:PORT"
    )]
    pub listen: SocketAddr,
    /// Public address of the site (e.g. https://boussole.example.com); used for links
    /// in e-mails, the Origin check and HSTS when it is https.
    #[arg(long, env = "BOUSSOLE_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Mark cookies Secure (default: on when the public URL is https).
    #[arg(long, env = "BOUSSOLE_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Trust X-Forwarded-For from a reverse proxy for the client address.
    #[arg(long, env = "BOUSSOLE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// A session unused for this many minutes ends.
    #[arg(long, env = "BOUSSOLE_SESSION_IDLE_MINUTES", default_value_t = 120, value_parser = clap::value_parser!(i64).range(5..=1440))]
    pub session_idle_minutes: i64,
    /// A session ends this many hours after login, used or not.
    #[arg(long, env = "BOUSSOLE_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=168))]
    pub session_max_hours: i64,
    /// Where e-mail goes: smtp://user:pass@host:587 (STARTTLS), smtps://… (TLS), or
    /// file:///path/to/dir (one .eml file per message, for a pickup directory).
    /// Without it, invitation and survey links are shown to pass on by hand.
    #[arg(long, env = "BOUSSOLE_MAIL_URL", value_name = "URL")]
    pub mail_url: Option<String>,
    /// On SIGTERM/SIGINT, keep serving for this many seconds while /readyz answers 503
    /// (so load balancers stop sending), then finish in-flight requests and exit.
    #[arg(long, env = "BOUSSOLE_SHUTDOWN_GRACE_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_grace_seconds: u64,
    /// Serve Prometheus metrics at /metrics on this separate address (no token; keep it
    /// private, e.g. 127.0.0.1:9100).
    #[arg(long, env = "BOUSSOLE_METRICS_LISTEN", value_name = "ADDR:PORT")]
    pub metrics_listen: Option<SocketAddr>,
    /// Serve Prometheus metrics at /metrics on the main address to requests bearing
    /// `Authorization: Bearer <token>` (at least 16 characters).
    #[arg(long, env = "BOUSSOLE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Heavy pages (portfolio, drivers, selection, capabilities, account list and their
    /// CSVs) served at once; past that, after a 2 s wait, 503 with Retry-After
    /// (default: a quarter of the database pool).
    #[arg(long, env = "BOUSSOLE_HEAVY_PAGES", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub heavy_pages: Option<u16>,
    /// API requests each token may make per minute; past that, 429 with Retry-After.
    #[arg(long, env = "BOUSSOLE_API_RATE_PER_MINUTE", default_value_t = crate::config::DEFAULT_API_RATE_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_rate_per_minute: u32,
    /// Seconds a webhook receiver has to answer a delivery before the attempt counts
    /// as failed (and is retried later).
    #[arg(long, env = "BOUSSOLE_WEBHOOK_TIMEOUT", default_value_t = crate::config::DEFAULT_WEBHOOK_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub webhook_timeout: u64,
    /// Allow webhook URLs to this machine or to private network addresses (off by
    /// default: see `Config::webhook_allow_local`).
    #[arg(long, env = "BOUSSOLE_WEBHOOK_ALLOW_LOCAL")]
    pub webhook_allow_local: bool,
    /// Sender of Boussole's e-mails.
    #[arg(
        long,
        env = "BOUSSOLE_MAIL_FROM",
        default_value = "Boussole <no-reply@boussole.invalid>"
    )]
    pub mail_from: String,
}

#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// The running server (loopback only), e.g. http://127.0.0.1:3000; repeat it for
    /// several instances on one database (each request goes to any of them).
    #[arg(long = "url", default_value = "http://127.0.0.1:3000")]
    pub urls: Vec<url::Url>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub clients: u16,
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub seconds: u64,
    /// At most this many requests per client, whatever the time.
    #[arg(long, default_value_t = 100_000)]
    pub max_requests: usize,
    /// The demo users' password.
    #[arg(long, env = "BOUSSOLE_LOAD_PASSWORD", default_value = crate::demo::PASSWORD, hide_env_values = true)]
    pub password: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prompts for nothing: the password is read from BOUSSOLE_PASSWORD
    /// or a random one is printed.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: Role,
        /// Account slug, required for (and only for) client users.
        #[arg(long)]
        account: Option<String>,
    },
    /// Set a user's password (read from BOUSSOLE_PASSWORD, or a random one is printed);
    /// ends the user's open sessions.
    Password {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as the user; prints the secret (shown only this once).
    Create {
        #[arg(long)]
        email: String,
        /// A name to tell the token apart.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Allow writes (default: read only).
        #[arg(long)]
        write: bool,
        /// Expire after this many days (default: never).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        expires_days: Option<i64>,
    },
}

// The command line builds the configuration (not the other way round), so that
// `config` knows nothing of clap.
impl ServeArgs {
    /// Combines the serve options into one checked configuration. Errors say what to fix.
    pub fn config(&self, common: &CommonArgs) -> Result<Config, String> {
        let serve = self;
        if let Some(url) = &serve.public_url
            && !matches!(url.scheme(), "http" | "https")
        {
            return Err(format!(
                "BOUSSOLE_PUBLIC_URL must start with http:// or https:// (got {url})"
            ));
        }
        if serve.session_max_hours * 60 < serve.session_idle_minutes {
            return Err(
                "BOUSSOLE_SESSION_MAX_HOURS must be at least BOUSSOLE_SESSION_IDLE_MINUTES".into(),
            );
        }
        if let Some(token) = &serve.metrics_token
            && !token.is_empty()
            && token.len() < 16
        {
            return Err("BOUSSOLE_METRICS_TOKEN must be at least 16 characters".into());
        }
        if let Some(url) = &serve.mail_url {
            crate::mail::Mailer::from_url(url, &serve.mail_from)?;
        }
        let https = serve
            .public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https");
        Ok(Config {
            listen: serve.listen,
            public_url: serve.public_url.clone(),
            secure_cookies: serve.secure_cookies.unwrap_or(https),
            trust_proxy: serve.trust_proxy,
            session_idle_minutes: serve.session_idle_minutes,
            session_max_hours: serve.session_max_hours,
            data_dir: common.data_dir.clone(),
            mail_url: serve.mail_url.clone(),
            mail_from: serve.mail_from.clone(),
            links_from_host: serve.demo,
            metrics_token: serve.metrics_token.clone().filter(|t| !t.is_empty()),
            metrics_listen: serve.metrics_listen,
            heavy_pages: serve
                .heavy_pages
                .map_or(DEFAULT_HEAVY_PAGES, usize::from)
                .max(1),
            heavy_wait: HEAVY_WAIT,
            api_rate_per_minute: serve.api_rate_per_minute,
            webhook_timeout: std::time::Duration::from_secs(serve.webhook_timeout),
            webhook_allow_local: serve.webhook_allow_local,
        })
    }
}
