//! Real servers on real sockets: two instances sharing one database share sessions,
//! and the command line refuses bad configuration with a clear message.

mod common;

use std::net::SocketAddr;
use std::process::Command;

use boussole::config::Config;
use boussole::{AppState, db};

async fn spawn(opts: sqlx::postgres::PgConnectOptions) -> SocketAddr {
    let pool = db::pool(opts, 5).await.unwrap();
    let app = boussole::app(AppState::new(pool, Config::for_tests()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name=csrf-token]").unwrap();
    doc.select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_session_opened_on_one_instance_is_valid_on_the_other() {
    let (pool, opts) = common::fresh_database().await;
    boussole::demo::load(&pool).await.unwrap();
    let a = spawn(opts.clone()).await;
    let b = spawn(opts).await;

    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("http://{a}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&login);
    let r = client
        .post(format!("http://{a}/login"))
        .form(&[
            ("email", "kam.bruno@boussole.example"),
            ("password", common::DEMO_PASSWORD),
            ("_csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // Same cookie, other instance (another port, so the jar would not send it by itself).
    let page = client
        .get(format!("http://{b}/accounts"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Bruno Lefèvre"),
        "signed in as Bruno on instance B"
    );
    assert!(html.contains("Northwind Logistics"));

    // Logging out on B ends the session on A too.
    let token = csrf_of(&html);
    let r = client
        .post(format!("http://{b}/logout"))
        .header("cookie", &cookie)
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = client
        .get(format!("http://{a}/accounts"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the session is dead everywhere");
}

fn boussole() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_boussole"));
    c.env_remove("DATABASE_URL");
    c
}

#[test]
fn invalid_configuration_is_refused_with_a_clear_message() {
    let out = boussole()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--listen") && err.contains("not-an-address"),
        "{err}"
    );

    let out = boussole()
        .args(["serve"])
        .env("BOUSSOLE_PUBLIC_URL", "ftp://boussole.example")
        .env("BOUSSOLE_DATA_DIR", "/nonexistent/never-created")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("BOUSSOLE_PUBLIC_URL must start with http:// or https://"),
        "{err}"
    );
}

#[test]
fn missing_postgresql_binaries_say_what_to_install() {
    let dir = tempdir();
    let out = boussole()
        .args(["migrate", "--data-dir", &dir])
        .env("BOUSSOLE_PG_BINDIR", "/nonexistent/bin")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("BOUSSOLE_PG_BINDIR"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "password", "--help"],
    ] {
        let out = boussole().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

fn tempdir() -> String {
    let p = std::env::temp_dir().join(format!("boussole-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&p).unwrap();
    p.to_string_lossy().into_owned()
}

/// `boussole user add` and `user password` against the test database.
#[tokio::test]
async fn user_commands_create_users_who_can_sign_in() {
    let (pool, opts) = common::fresh_database().await;
    boussole::demo::load(&pool).await.unwrap();
    let url = common::url_of(&opts);
    let run = |args: &[&str], password: Option<&str>| {
        let mut c = boussole();
        c.env("DATABASE_URL", &url).args(args);
        if let Some(p) = password {
            c.env("BOUSSOLE_PASSWORD", p);
        }
        c.output().unwrap()
    };
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "Nora.Petit@Boussole.example",
            "--name",
            "Nora Petit",
            "--role",
            "kam",
        ],
        Some("nora's long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("nora.petit@boussole.example"));

    // A client needs an account, and the message says so.
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "c@x.example",
            "--name",
            "C",
            "--role",
            "client",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--account"));
    // A duplicate is refused plainly.
    let out = run(
        &[
            "user",
            "add",
            "--email",
            "nora.petit@boussole.example",
            "--name",
            "Nora",
            "--role",
            "kam",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    // A generated password is printed once, and it works.
    let out = run(
        &["user", "password", "--email", "nora.petit@boussole.example"],
        None,
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pw = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("password printed");
    let hash: String = sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE email = 'nora.petit@boussole.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(boussole::auth::password::verify(pw, Some(&hash)));
    assert!(!boussole::auth::password::verify(
        "nora's long password",
        Some(&hash)
    ));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action IN ('user.created', 'user.password_changed')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}
