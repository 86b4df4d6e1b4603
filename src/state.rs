//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::mail::Mailer;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    /// None when no mail server is configured: links are shown to pass on.
    pub mailer: Option<Arc<Mailer>>,
    /// The drivers' rankings, kept until a value changes (`drivers::cache`).
    pub drivers: Arc<crate::drivers::cache::Cache>,
    /// Turns for the heavy pages (`web::limit`), `config.heavy_pages` of them.
    pub heavy: Arc<Semaphore>,
    /// The background job queues (`jobs`): mail goes through them.
    pub jobs: Arc<crate::jobs::Jobs>,
    /// "Today" for time-dependent rules; tests set it.
    pub clock: Arc<crate::clock::Clock>,
    /// Per-token request rate of the API (`api::caller`).
    pub api_limiter: Arc<crate::api::caller::Limiter>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        // The URL was checked when the configuration was built.
        let mailer = config
            .mail_url
            .as_deref()
            .and_then(|url| Mailer::from_url(url, &config.mail_from).ok())
            .map(Arc::new);
        let heavy = Arc::new(Semaphore::new(config.heavy_pages.max(1)));
        let jobs = Arc::new(crate::jobs::Jobs::new(
            db.clone(),
            mailer.clone(),
            config.webhook_timeout,
        ));
        let api_limiter = Arc::new(crate::api::caller::Limiter::new(config.api_rate_per_minute));
        Self {
            db,
            heavy,
            jobs,
            clock: Arc::default(),
            api_limiter,
            config: Arc::new(config),
            mailer,
            drivers: Arc::default(),
        }
    }
}
