//! CSRF, security headers, access by role, error pages.

mod common;

use axum::http::StatusCode;
use boussole::config::Config;
use common::TestApp;

fn assert_security_headers(r: &common::TestResponse, what: &str) {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: CSP"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{what}");
}

#[tokio::test]
async fn headers_on_pages_errors_and_static_files() {
    let mut app = TestApp::new().await;
    let page = app.get("/login").await;
    assert_security_headers(&page, "login page");
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "404 page");
    let css = app.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css"));
    assert_security_headers(&css, "static file");
    let js = app.get("/static/htmx.min.js").await;
    assert!(js.body.contains("htmx"), "htmx is vendored");
    assert_security_headers(&app.get("/static/nope.js").await, "missing static file");
    // No HSTS over plain http…
    assert_eq!(page.header("strict-transport-security"), None);
}

#[tokio::test]
async fn hsts_when_served_over_https() {
    let config = Config {
        public_url: Some("https://boussole.example.com".parse().unwrap()),
        secure_cookies: true,
        ..Config::for_tests()
    };
    let mut app = TestApp::with_config(config).await;
    let r = app.get("/login").await;
    assert!(
        r.header("strict-transport-security")
            .unwrap()
            .contains("max-age=")
    );
    let cookie = r.header("set-cookie").unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused() {
    let mut app = TestApp::with_demo().await;
    app.login("kam.alice@boussole.example").await;
    let token = app.csrf.clone().unwrap();

    // No token at all.
    let r = app.post_raw("/logout", &[], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text("main h1").contains("Accès refusé"), "{}", r.body);
    // A wrong token.
    let r = app.post_raw("/logout", &[("_csrf", "0000")], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The right token, but the browser says the request comes from another site.
    let r = app
        .post_raw(
            "/logout",
            &[("_csrf", &token)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_raw(
            "/logout",
            &[("_csrf", &token)],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Still signed in: none of those did anything.
    assert_eq!(app.get("/accounts").await.status, StatusCode::OK);
    let refused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'security.csrf_refused'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(refused, 4);
    // The token in a header (as htmx sends it) works, and so does a same-origin browser POST.
    let r = app
        .post_raw(
            "/logout",
            &[],
            &[("x-csrf-token", &token), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/accounts").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn roles_reach_only_their_areas() {
    let app = TestApp::with_demo().await;
    // (user, path, expected status)
    let cases: &[(&str, &str, StatusCode)] = &[
        (
            "client@lumiere-retail.example",
            "/accounts",
            StatusCode::FORBIDDEN,
        ),
        (
            "client@lumiere-retail.example",
            "/portfolio",
            StatusCode::FORBIDDEN,
        ),
        (
            "client@lumiere-retail.example",
            "/admin/users",
            StatusCode::FORBIDDEN,
        ),
        (
            "client@lumiere-retail.example",
            "/accounts.csv",
            StatusCode::FORBIDDEN,
        ),
        (
            "client@lumiere-retail.example",
            "/inbox",
            StatusCode::FORBIDDEN,
        ),
        ("client@lumiere-retail.example", "/portal", StatusCode::OK),
        (
            "kam.alice@boussole.example",
            "/admin/users",
            StatusCode::FORBIDDEN,
        ),
        (
            "kam.alice@boussole.example",
            "/portal",
            StatusCode::FORBIDDEN,
        ),
        ("kam.alice@boussole.example", "/portfolio", StatusCode::OK),
        (
            "logistique@boussole.example",
            "/accounts",
            StatusCode::FORBIDDEN,
        ),
        (
            "logistique@boussole.example",
            "/portfolio",
            StatusCode::FORBIDDEN,
        ),
        (
            "direction@boussole.example",
            "/admin/users",
            StatusCode::FORBIDDEN,
        ),
        ("direction@boussole.example", "/accounts", StatusCode::OK),
        ("admin@boussole.example", "/admin/users/new", StatusCode::OK),
    ];
    for (email, path, expected) in cases {
        let mut b = app.other_browser();
        b.login(email).await;
        let r = b.get(path).await;
        assert_eq!(r.status, *expected, "{email} {path}");
    }
    let refused: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'security.access_refused'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(refused, 10, "every refusal is audited");
}

#[tokio::test]
async fn a_kam_sees_only_their_accounts_in_page_and_csv() {
    let mut app = TestApp::with_demo().await;
    let page = app.login("kam.alice@boussole.example").await;
    let names = page.texts("table.table tbody th[scope=row]");
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("Lumière Retail")));
    assert!(
        !names.iter().any(|n| n.starts_with("Northwind")),
        "Bruno's account leaked"
    );
    let csv = app.get("/accounts.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("accounts.csv")
    );
    let mut rdr = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), names.len());
    assert!(rows.iter().all(|r| &r[6] == "Alice Martin"));

    let mut director = app.other_browser();
    let page = director.login("direction@boussole.example").await;
    assert_eq!(page.count("table.table tbody tr[data-account]"), 12);
}

#[tokio::test]
async fn error_pages_speak_the_users_language_and_json_clients_get_json() {
    let mut app = TestApp::new().await;
    let fr = app.get("/nulle/part").await;
    assert_eq!(fr.status, StatusCode::NOT_FOUND);
    assert_eq!(fr.text("main h1"), "Page introuvable");
    assert_eq!(fr.attr("html", "lang").as_deref(), Some("fr"));
    let en = app
        .get_with("/nowhere", &[("accept-language", "en-GB,en;q=0.9")])
        .await;
    assert_eq!(en.text("main h1"), "Page not found");
    let json = app
        .get_with("/nowhere", &[("accept", "application/json")])
        .await;
    assert_eq!(json.status, StatusCode::NOT_FOUND);
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v["error"]["status"], 404);
    // A wrong method is a page too, never a blank answer.
    let r = app.post_form("/portfolio", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.text("main h1"), "Action non permise");
}

#[tokio::test]
async fn health_and_readiness() {
    let mut app = TestApp::new().await;
    let r = app.get("/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
    let r = app.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    app.db.close().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}
