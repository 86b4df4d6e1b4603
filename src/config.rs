//! Typed runtime configuration, built from the command line and environment
//! (clap reads both) and validated once at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Option<url::Url>,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub data_dir: PathBuf,
    pub mail_url: Option<String>,
    pub mail_from: String,
    /// Without `public_url`, may survey and invitation links be built from the
    /// request's Host header? Only in the demo (and tests): in production a forged
    /// Host would put an attacker's address in the links sent to clients.
    pub links_from_host: bool,
    /// Bearer token for `/metrics` on the main address (None: not served there).
    pub metrics_token: Option<String>,
    /// A listen address of its own for `/metrics`, without token.
    pub metrics_listen: Option<SocketAddr>,
    /// Heavy pages (those that read every account) allowed in flight at once, so that
    /// they can never take the whole database pool from everyone else.
    pub heavy_pages: usize,
    /// How long a heavy page waits for its turn before it is answered 503.
    pub heavy_wait: Duration,
    /// API requests one token may make per minute (`api::caller`): past that, 429
    /// with Retry-After. Bursts up to a tenth of it (at least 10) are absorbed.
    pub api_rate_per_minute: u32,
    /// How long a webhook receiver has to answer one delivery (`webhooks::deliver`).
    pub webhook_timeout: Duration,
    /// Webhook URLs may name this machine or a private, link-local or loopback
    /// address (a local relay; the tests' receivers). Off by default: anyone who may
    /// subscribe, client users included, could otherwise make the server POST to
    /// services reachable only from inside and read their answers in the log.
    pub webhook_allow_local: bool,
}

/// A receiver that takes longer than this has failed the attempt (retried later).
pub const DEFAULT_WEBHOOK_TIMEOUT_SECONDS: u64 = 10;

/// Ten a second on average: an integration pushing batches of 1 000 values never
/// needs more, and a runaway script cannot take the server from everyone else.
pub const DEFAULT_API_RATE_PER_MINUTE: u32 = 600;

/// Heavy pages in flight by default: a quarter of the pool, the rest for everything else.
pub const DEFAULT_HEAVY_PAGES: usize = crate::db::POOL_SIZE as usize / 4;
/// Long enough to absorb a burst (a heavy page takes tenths of a second), short enough
/// that a user is told to come back rather than left waiting.
pub const HEAVY_WAIT: Duration = Duration::from_secs(2);

impl Config {
    /// Defaults used by tests and tools that build an app without a command line.
    pub fn for_tests() -> Self {
        Self {
            listen: "127.0.0.1:0".parse().expect("valid literal"),
            public_url: None,
            secure_cookies: false,
            trust_proxy: false,
            session_idle_minutes: 120,
            session_max_hours: 12,
            data_dir: PathBuf::from("./data"),
            mail_url: None,
            mail_from: "Boussole <no-reply@boussole.invalid>".into(),
            links_from_host: true,
            metrics_token: None,
            metrics_listen: None,
            heavy_pages: DEFAULT_HEAVY_PAGES,
            heavy_wait: HEAVY_WAIT,
            api_rate_per_minute: DEFAULT_API_RATE_PER_MINUTE,
            // Short, so a test's silent receiver fails its attempt quickly.
            webhook_timeout: Duration::from_secs(2),
            // The tests' receivers listen on 127.0.0.1.
            webhook_allow_local: true,
        }
    }

    /// Survey and invitation links can be built: a public URL is set, or the demo
    /// may use the Host header.
    pub fn can_build_links(&self) -> bool {
        self.public_url.is_some() || self.links_from_host
    }

    /// HSTS only makes sense when the site is really served over https.
    pub fn https(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }
}
