//! Test harness: every test gets a fresh database of its own, cloned from a
//! migrated template, on the server the app would use (the embedded cluster, or
//! DATABASE_URL when set). Requests go through the real router in-process.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use boussole::config::Config;
use boussole::{AppState, db};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const DEMO_PASSWORD: &str = boussole::demo::PASSWORD;

/// What every test in this process shares: where the server is and the template.
/// Plain data only: each test has its own runtime, so no pool can be shared.
struct Shared {
    server: PgConnectOptions,
    template: String,
}

static SHARED: OnceCell<Shared> = OnceCell::const_new();

async fn shared() -> &'static Shared {
    SHARED
        .get_or_init(|| async { prepare().await.expect("test database server") })
        .await
}

/// Starts (or joins) the test cluster and builds the template once per set of
/// migrations. Test processes running at once share one cluster; an advisory lock
/// makes sure only one of them builds the template.
async fn prepare() -> anyhow::Result<Shared> {
    let (server, _cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) => (PgConnectOptions::from_str(&url)?, None),
        Err(_) => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("boussole-test-pg");
            let cluster = tokio::task::spawn_blocking(move || db::embedded::start(&dir)).await??;
            let opts = PgConnectOptions::new()
                .socket(&cluster.socket_dir)
                .port(cluster.port)
                .username(&cluster.superuser);
            // Left running on purpose: other test processes may be using it.
            (opts, Some(cluster))
        }
    };
    let template = format!("boussole_tpl_{}", migrations_hash());
    let mut admin = db::connect_maintenance(&server).await?;
    sqlx::query("SELECT pg_advisory_lock(hashtext('boussole-test-template'))")
        .execute(&mut admin)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let building = format!("{template}_building");
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS {}",
            db::quote_ident(&building)
        ))
        .execute(&mut admin)
        .await?;
        sqlx::raw_sql(&format!("CREATE DATABASE {}", db::quote_ident(&building)))
            .execute(&mut admin)
            .await?;
        let pool = db::pool(server.clone().database(&building), 2).await?;
        db::migrate(&pool).await?;
        pool.close().await;
        sqlx::raw_sql(&format!(
            "ALTER DATABASE {} RENAME TO {}",
            db::quote_ident(&building),
            db::quote_ident(&template)
        ))
        .execute(&mut admin)
        .await?;
    }
    drop_stale_databases(&mut admin).await?;
    sqlx::query("SELECT pg_advisory_unlock(hashtext('boussole-test-template'))")
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(Shared { server, template })
}

/// Test databases are named with their creation time; ones older than two hours
/// belong to finished runs and are dropped so the server does not fill up.
async fn drop_stale_databases(admin: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'boussole_t\\_%'")
            .fetch_all(&mut *admin)
            .await?;
    let now = chrono::Utc::now().timestamp();
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(now);
        if now - created > 7200 {
            let _ = sqlx::raw_sql(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                db::quote_ident(&name)
            ))
            .execute(&mut *admin)
            .await;
        }
    }
    Ok(())
}

fn migrations_hash() -> String {
    let mut h = Sha256::new();
    for m in db::MIGRATOR.iter() {
        h.update(m.version.to_le_bytes());
        h.update(&m.checksum);
    }
    hex::encode(&h.finalize()[..6])
}

/// A fresh, migrated, empty database.
pub async fn fresh_database() -> (PgPool, PgConnectOptions) {
    let shared = shared().await;
    let name = format!(
        "boussole_t_{}_{}",
        chrono::Utc::now().timestamp(),
        uuid::Uuid::new_v4().simple()
    );
    let mut admin = db::connect_maintenance(&shared.server)
        .await
        .expect("maintenance connection");
    let sql = format!(
        "CREATE DATABASE {} TEMPLATE {}",
        db::quote_ident(&name),
        db::quote_ident(&shared.template)
    );
    // Cloning refuses while another clone of the same template is starting; retry.
    let mut tries = 0;
    loop {
        match sqlx::raw_sql(&sql).execute(&mut admin).await {
            Ok(_) => break,
            Err(e) if tries < 50 && e.to_string().contains("being accessed by other users") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
    admin.close().await.ok();
    let opts = shared.server.clone().database(&name);
    let pool = db::pool(opts.clone(), 5).await.expect("test pool");
    (pool, opts)
}

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Texts of the elements matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.html()
            .select(&sel)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, css: &str) -> String {
        self.texts(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {css} in:\n{}", self.body))
    }

    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let sel = Selector::parse(css).expect("selector");
        self.html()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr(name).map(str::to_owned))
    }

    pub fn count(&self, css: &str) -> usize {
        let sel = Selector::parse(css).expect("selector");
        self.html().select(&sel).count()
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The app on a fresh database, with a browser-like cookie jar of one session.
pub struct TestApp {
    pub db: PgPool,
    pub db_options: PgConnectOptions,
    pub config: Config,
    /// The app's state: its job queues (`state.jobs.run_due()`) and clock.
    pub state: AppState,
    router: Router,
    pub session_cookie: Option<String>,
    pub csrf: Option<String>,
    pub ip: SocketAddr,
    pub accept_language: Option<String>,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(Config::for_tests()).await
    }

    pub async fn with_config(config: Config) -> Self {
        let (db, db_options) = fresh_database().await;
        // What `serve` has from `db::migrate`: the handle `db::commit` queues webhooks with.
        boussole::webhooks::init(&db).await.expect("webhooks queue");
        let state = AppState::new(db.clone(), config.clone());
        let router = boussole::app(state.clone());
        Self {
            db,
            db_options,
            config,
            state,
            router,
            session_cookie: None,
            csrf: None,
            ip: SocketAddr::from(([127, 0, 0, 1], 40000)),
            accept_language: Some("fr-FR,fr;q=0.9".into()),
        }
    }

    /// The app with the demo portfolio loaded.
    pub async fn with_demo() -> Self {
        let app = Self::new().await;
        boussole::demo::load(&app.db).await.expect("demo loads");
        app
    }

    /// The demo data on an app with its own configuration.
    pub async fn with_demo_config(config: Config) -> Self {
        let app = Self::with_config(config).await;
        boussole::demo::load(&app.db).await.expect("demo loads");
        app
    }

    /// Another browser on the same app and database (no cookies).
    pub fn other_browser(&self) -> Self {
        Self {
            db: self.db.clone(),
            db_options: self.db_options.clone(),
            config: self.config.clone(),
            state: self.state.clone(),
            router: self.router.clone(),
            session_cookie: None,
            csrf: None,
            ip: self.ip,
            accept_language: self.accept_language.clone(),
        }
    }

    pub async fn request(&mut self, req: Request<Body>) -> TestResponse {
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(self.ip));
        if let Some(c) = &self.session_cookie {
            req.headers_mut().insert(
                header::COOKIE,
                format!("{}={c}", boussole::routes::SESSION_COOKIE)
                    .parse()
                    .unwrap(),
            );
        }
        if let Some(l) = &self.accept_language
            && !req.headers().contains_key(header::ACCEPT_LANGUAGE)
        {
            req.headers_mut()
                .insert(header::ACCEPT_LANGUAGE, l.parse().unwrap());
        }
        let response = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or_default();
            if let Some(rest) = v.strip_prefix(&format!("{}=", boussole::routes::SESSION_COOKIE)) {
                let value = rest.split(';').next().unwrap_or_default().to_owned();
                let expired = v.contains("Max-Age=0") || value.is_empty();
                self.session_cookie = if expired { None } else { Some(value) };
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let r = TestResponse {
            status,
            headers,
            body,
        };
        if let Some(t) = r.attr("meta[name=csrf-token]", "content") {
            self.csrf = Some(t);
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut b = Request::get(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.request(b.body(Body::empty()).unwrap()).await
    }

    /// Follows redirects (GET) like a browser, up to five hops.
    pub async fn get_follow(&mut self, path: &str) -> (String, TestResponse) {
        let mut at = path.to_owned();
        for _ in 0..5 {
            let r = self.get(&at).await;
            if r.status.is_redirection() {
                at = r.location().expect("redirect has a location").to_owned();
                continue;
            }
            return (at, r);
        }
        panic!("too many redirects from {path}");
    }

    /// A form POST with the session's CSRF token added, as the page would send it.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        self.post_raw(path, &all, &[]).await
    }

    /// A form POST exactly as given: no token added.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.request(b.body(Body::from(body)).unwrap()).await
    }

    /// Logs in and loads the home page (which refreshes the CSRF token).
    pub async fn login(&mut self, email: &str) -> TestResponse {
        self.get("/login").await;
        let r = self
            .post_form("/login", &[("email", email), ("password", DEMO_PASSWORD)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {email} failed:\n{}",
            r.body
        );
        let home = r.location().unwrap().to_owned();
        let page = self.get(&home).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "home of {email} ({home}):\n{}",
            page.body
        );
        page
    }

    /// An API request with a bearer token (no cookie: the API ignores sessions).
    pub async fn api(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut b = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let cookie = self.session_cookie.take();
        let r = self
            .request(
                b.body(Body::from(body.unwrap_or_default().to_owned()))
                    .unwrap(),
            )
            .await;
        self.session_cookie = cookie;
        r
    }

    /// A token for a user (by e-mail), made as the tokens page makes it.
    pub async fn api_token(
        &self,
        email: &str,
        write: bool,
        accounts: Option<Vec<i64>>,
    ) -> (i64, String) {
        let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("user {email}: {e}"));
        boussole::api::token::create(
            &self.db,
            &boussole::api::token::NewToken {
                user_id: user,
                kind: boussole::api::token::Kind::Personal,
                name: "test",
                can_write: write,
                account_ids: accounts,
                expires_at: None,
                created_by: user,
            },
        )
        .await
        .expect("token")
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
            .fetch_all(&self.db)
            .await
            .unwrap()
    }
}

/// Counts rows of a table (for "nothing was written" checks).
pub async fn count(db: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(db)
        .await
        .unwrap()
}

/// A DATABASE_URL for a test database, for the command-line tests.
pub fn url_of(opts: &PgConnectOptions) -> String {
    let db = opts.get_database().unwrap_or("postgres");
    let user = opts.get_username();
    match opts.get_socket() {
        Some(dir) => format!(
            "postgres://{user}@localhost:{}/{db}?host={}",
            opts.get_port(),
            dir.display()
        ),
        None => format!(
            "postgres://{user}@{}:{}/{db}",
            opts.get_host(),
            opts.get_port()
        ),
    }
}

/// Small builders for scorecard tests: an account, KPIs and values, by SQL.
pub mod build {
    use chrono::NaiveDate;
    use sqlx::PgPool;

    pub async fn account(db: &PgPool, slug: &str, owner_email: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO accounts (slug, name, industry, country, tier, owner_id, stage) \
             VALUES ($1, initcap(replace($1, '-', ' ')), 'Test', 'FR', 'key_account', \
                     (SELECT id FROM users WHERE email = $2), 2) RETURNING id",
        )
        .bind(slug)
        .bind(owner_email)
        .fetch_one(db)
        .await
        .unwrap()
    }

    pub struct Kpi<'a> {
        pub code: &'a str,
        pub universe: &'a str,
        pub unit: &'a str,
        pub direction: &'a str,
        pub frequency: &'a str,
        pub domain: &'a str,
        pub target: f64,
        pub weight: f64,
    }

    impl Default for Kpi<'_> {
        fn default() -> Self {
            Self {
                code: "kpi",
                universe: "financial",
                unit: "percent",
                direction: "higher_better",
                frequency: "monthly",
                domain: "internal",
                target: 100.0,
                weight: 1.0,
            }
        }
    }

    pub async fn kpi(db: &PgPool, account_id: i64, k: Kpi<'_>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO account_kpis (account_id, code, universe, name_fr, name_en, unit, direction, frequency, \
                                       domain, target, weight) \
             VALUES ($1, $2, $3::universe, 'FR ' || $2, 'EN ' || $2, $4::kpi_unit, $5::kpi_direction, \
                     $6::kpi_frequency, $7::data_domain, $8::float8::numeric, $9::float8::numeric) RETURNING id",
        )
        .bind(account_id)
        .bind(k.code)
        .bind(k.universe)
        .bind(k.unit)
        .bind(k.direction)
        .bind(k.frequency)
        .bind(k.domain)
        .bind(k.target)
        .bind(k.weight)
        .fetch_one(db)
        .await
        .unwrap()
    }

    pub async fn value(db: &PgPool, kpi_id: i64, period: NaiveDate, value: f64) {
        sqlx::query(
            "INSERT INTO kpi_values (account_kpi_id, period, value, source) VALUES ($1, $2, $3::float8::numeric, 'manual')",
        )
        .bind(kpi_id)
        .bind(period)
        .bind(value)
        .execute(db)
        .await
        .unwrap();
    }
}
