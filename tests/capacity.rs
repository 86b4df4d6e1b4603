//! Under load (issue 16): heavy pages take turns and answer 503 with Retry-After past
//! their capacity, never a pool timeout's 500; a page view does not re-save the session.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use boussole::config::Config;
use boussole::i18n::Locale;
use common::TestApp;

const DIRECTOR: &str = "direction@boussole.example";

/// Blocks every reader of `scorecard_state` (which /portfolio reads, and the request
/// context does not) until the returned transaction ends.
async fn block_scorecard_state(app: &TestApp) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("LOCK TABLE scorecard_state IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

/// Waits until some backend is waiting for the lock on `scorecard_state`: the slow request
/// is then inside its handler, holding its turn.
async fn wait_for_a_blocked_reader(app: &TestApp) {
    for _ in 0..500 {
        let waiting: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             WHERE c.relname = 'scorecard_state' AND NOT l.granted)",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        if waiting {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the first request never reached scorecard_state");
}

#[tokio::test]
async fn past_the_heavy_pages_limit_a_request_gets_503_with_retry_after_in_the_users_language() {
    let config = Config {
        heavy_pages: 1,
        heavy_wait: Duration::from_millis(300),
        ..Config::for_tests()
    };
    let mut first = TestApp::with_demo_config(config).await;
    sqlx::query("UPDATE users SET locale = 'en' WHERE email = $1")
        .bind(DIRECTOR)
        .execute(&first.db)
        .await
        .unwrap();
    first.login(DIRECTOR).await;
    let mut second = first.other_browser();
    second.login(DIRECTOR).await;
    assert_eq!(second.get("/portfolio").await.status, StatusCode::OK);

    let lock = block_scorecard_state(&first).await;
    let slow = tokio::spawn(async move { first.get("/portfolio").await.status });
    wait_for_a_blocked_reader(&second).await;

    // The one turn is taken: the second heavy page waits 300 ms, then 503.
    let busy = second.get("/drivers?outcome=nps").await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = busy.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1);
    // The director reads English (their setting), whatever the browser asks for.
    assert_eq!(busy.text("h1"), Locale::En.t("error-title-503"));
    assert_eq!(
        busy.text(".error-page p"),
        Locale::En.t("error-unavailable")
    );
    // A page that is not heavy is served meanwhile.
    assert_eq!(second.get("/help/scoring").await.status, StatusCode::OK);

    lock.rollback().await.unwrap();
    assert_eq!(slow.await.unwrap(), StatusCode::OK);
    // The turn is given back.
    assert_eq!(second.get("/portfolio").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_pool_timeout_is_a_503_never_a_500() {
    use axum::response::IntoResponse;
    let e: boussole::error::AppError = sqlx::Error::PoolTimedOut.into();
    let r = e.into_response();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    // Also when it reached the handler through anyhow, with context.
    let e = boussole::error::AppError::internal(
        anyhow::Error::from(sqlx::Error::PoolTimedOut).context("loading the drivers"),
    );
    assert_eq!(e.into_response().status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// The stored sessions as (id, row version): any write changes the version.
async fn sessions(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT id, xmin::text FROM tower_sessions.session ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn page_views_do_not_rewrite_the_session_and_an_idle_session_still_ends() {
    let mut app = TestApp::with_demo().await;
    app.login(DIRECTOR).await;
    app.get("/accounts").await;
    let before = sessions(&app).await;
    assert_eq!(before.len(), 1);

    for path in ["/accounts", "/portfolio", "/help/scoring"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("set-cookie"), None, "{path} re-sent the cookie");
    }
    assert_eq!(
        sessions(&app).await,
        before,
        "a page view wrote the session"
    );

    // Idle past its expiry: the session ends.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    let r = app.get("/accounts").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(r.location().unwrap().starts_with("/login"));
}
