//! Signing in and out: homes per role, throttling, sessions, audit.

mod common;

use axum::http::StatusCode;
use common::{TestApp, count};

const HOMES: &[(&str, &str)] = &[
    ("admin@boussole.example", "/admin/users"),
    ("direction@boussole.example", "/portfolio"),
    ("kam.alice@boussole.example", "/accounts"),
    ("kam.bruno@boussole.example", "/accounts"),
    ("kam.chloe@boussole.example", "/accounts"),
    ("logistique@boussole.example", "/inbox"),
    ("finance@boussole.example", "/inbox"),
    ("client@lumiere-retail.example", "/portal"),
    ("client@atelier-vernier.example", "/portal"),
    ("client@brightwell-pharma.example", "/portal"),
];

#[tokio::test]
async fn every_demo_user_lands_on_their_home() {
    let app = TestApp::with_demo().await;
    for (email, home) in HOMES {
        let mut b = app.other_browser();
        b.get("/login").await;
        let r = b
            .post_form(
                "/login",
                &[("email", email), ("password", common::DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{email}");
        assert_eq!(r.location(), Some(*home), "{email}");
        let page = b.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert!(!page.text("main#main h1").is_empty(), "{email} has a title");
        assert_eq!(
            page.count("nav.main-nav a[aria-current=page]"),
            1,
            "{email} sees where they are"
        );
        // Signed in, `/` and `/login` both send the user home.
        assert_eq!(b.get("/").await.location(), Some(*home));
        assert_eq!(b.get("/login").await.location(), Some(*home));
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let mut app = TestApp::with_demo().await;
    let wrong = app
        .post_form(
            "/login",
            &[
                ("email", "kam.alice@boussole.example"),
                ("password", "not-her-password"),
            ],
        )
        .await;
    let unknown = app
        .post_form(
            "/login",
            &[
                ("email", "nobody@boussole.example"),
                ("password", "not-her-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.text("#login-error"), unknown.text("#login-error"));
    assert_eq!(
        wrong.text("#login-error"),
        "Adresse e-mail ou mot de passe incorrect."
    );
    // What the user typed is kept (but never the password).
    assert_eq!(
        wrong.attr("input[name=email]", "value").as_deref(),
        Some("kam.alice@boussole.example")
    );
    assert_eq!(wrong.attr("input[name=password]", "value"), None);
    assert_eq!(
        app.get("/accounts").await.status,
        StatusCode::SEE_OTHER,
        "still signed out"
    );
}

#[tokio::test]
async fn five_failures_for_one_account_then_429_with_retry_after() {
    let mut app = TestApp::with_demo().await;
    for i in 0..5 {
        // Each attempt from a different address: the per-account limit is what trips.
        app.ip = format!("10.0.0.{}:5000", i + 1).parse().unwrap();
        let r = app
            .post_form(
                "/login",
                &[
                    ("email", "kam.bruno@boussole.example"),
                    ("password", "guess"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
    }
    app.ip = "10.0.0.99:5000".parse().unwrap();
    // Even the right password is refused now: that is the point of throttling.
    let r = app
        .post_form(
            "/login",
            &[
                ("email", "kam.bruno@boussole.example"),
                ("password", common::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "retry after {retry}s");
    assert!(r.text(".flash--error").contains("Trop de tentatives"));
    // Another account is not affected.
    let other = app
        .post_form(
            "/login",
            &[
                ("email", "kam.chloe@boussole.example"),
                ("password", common::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let throttled: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.login_throttled'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(throttled, 1);
}

#[tokio::test]
async fn five_failures_from_one_address_then_429() {
    let mut app = TestApp::with_demo().await;
    for i in 0..5 {
        let email = format!("guess{i}@boussole.example");
        let r = app
            .post_form("/login", &[("email", &email), ("password", "guess")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post_form(
            "/login",
            &[
                ("email", "kam.alice@boussole.example"),
                ("password", common::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    // From another address the same account signs in.
    app.ip = "192.0.2.7:1234".parse().unwrap();
    let r = app
        .post_form(
            "/login",
            &[
                ("email", "kam.alice@boussole.example"),
                ("password", common::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn session_id_is_renewed_at_login_and_dead_after_logout() {
    let mut app = TestApp::with_demo().await;
    app.get("/login").await;
    let anonymous = app
        .session_cookie
        .clone()
        .expect("the login page opens a session (for its CSRF token)");
    app.login("kam.alice@boussole.example").await;
    let signed_in = app.session_cookie.clone().expect("session cookie");
    assert_ne!(anonymous, signed_in, "login must issue a new session id");

    // The pre-login id is worth nothing.
    let mut attacker = app.other_browser();
    attacker.session_cookie = Some(anonymous);
    assert_eq!(
        attacker.get("/accounts").await.status,
        StatusCode::SEE_OTHER
    );

    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login"));
    let (at, page) = app.get_follow("/login").await;
    assert_eq!(at, "/login");
    assert_eq!(page.text(".flash--info"), "Vous êtes déconnecté.");

    // Replaying the signed-in cookie after logout: the session is gone from the store.
    let mut replay = app.other_browser();
    replay.session_cookie = Some(signed_in);
    let r = replay.get("/accounts").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?next=%2Faccounts"));
}

#[tokio::test]
async fn changing_a_password_ends_open_sessions() {
    let mut app = TestApp::with_demo().await;
    app.login("kam.chloe@boussole.example").await;
    assert_eq!(app.get("/accounts").await.status, StatusCode::OK);
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'kam.chloe@boussole.example'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let hash = boussole::auth::password::hash("a brand new password").unwrap();
    boussole::users::set_password(&app.db, id, &hash)
        .await
        .unwrap();
    assert_eq!(
        app.get("/accounts").await.status,
        StatusCode::SEE_OTHER,
        "old session must die"
    );
}

#[tokio::test]
async fn logins_failures_and_logouts_are_audited() {
    let mut app = TestApp::with_demo().await;
    app.post_form(
        "/login",
        &[("email", "finance@boussole.example"), ("password", "nope")],
    )
    .await;
    app.login("finance@boussole.example").await;
    app.post_form("/logout", &[]).await;
    type Row = (String, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT action, actor_id, actor_email, host(ip) FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions, ["auth.login_failed", "auth.login", "auth.logout"]);
    assert_eq!(rows[0].1, None, "a failed login has no actor");
    assert_eq!(rows[0].2.as_deref(), Some("finance@boussole.example"));
    assert!(rows[1].1.is_some());
    assert_eq!(rows[1].3.as_deref(), Some("127.0.0.1"));
    // The trail cannot be rewritten.
    let err = sqlx::query("DELETE FROM audit_log").execute(&app.db).await;
    assert!(err.is_err(), "audit_log must be append-only");
    let err = sqlx::query("UPDATE audit_log SET action = 'x.y'")
        .execute(&app.db)
        .await;
    assert!(err.is_err(), "audit_log must be append-only");
    assert!(count(&app.db, "audit_log").await >= 3);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login_and_back() {
    let mut app = TestApp::with_demo().await;
    let r = app.get("/portfolio?tier=key_account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some("/login?next=%2Fportfolio%3Ftier%3Dkey_account")
    );
    let login = app
        .get("/login?next=%2Fportfolio%3Ftier%3Dkey_account")
        .await;
    assert_eq!(
        login
            .attr("#login-form input[name=next]", "value")
            .as_deref(),
        Some("/portfolio?tier=key_account")
    );
    let r = app
        .post_form(
            "/login",
            &[
                ("email", "direction@boussole.example"),
                ("password", common::DEMO_PASSWORD),
                ("next", "/portfolio?tier=key_account"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/portfolio?tier=key_account"));
    // No open redirect through `next`.
    let mut other = app.other_browser();
    let r = other
        .post_form(
            "/login",
            &[
                ("email", "direction@boussole.example"),
                ("password", common::DEMO_PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/portfolio"));
}
