//! Data that keeps flowing (issue 14): period locks (every path that changes a
//! value refuses a locked period, with a clear message; unlocking needs a reason,
//! audited), data requests, reminders.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{TestApp, TestResponse};

const ALICE: &str = "kam.alice@boussole.example";

async fn account(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A monthly KPI of the account, by code order.
async fn monthly_kpi(app: &TestApp, account: i64) -> (i64, String) {
    sqlx::query_as(
        "SELECT id, code FROM account_kpis WHERE account_id = $1 AND frequency = 'monthly' \
           AND unit IN ('percent', 'count', 'eur') ORDER BY code LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn stored(app: &TestApp, kpi: i64, period: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT value::text FROM kpi_values WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
}

/// The stored version of a value ("" when none), as the form carries it.
async fn version(app: &TestApp, kpi: i64, period: &str) -> String {
    sqlx::query_scalar::<_, i32>(
        "SELECT version FROM kpi_values WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
    .map(|v| v.to_string())
    .unwrap_or_default()
}

const BOUNDARY: &str = "----boussole-locks-5c1d";

async fn upload(app: &mut TestApp, bytes: &[u8]) -> TestResponse {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let token = app.csrf.clone().expect("a page was loaded");
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/import?_csrf={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.request(req).await
}

#[tokio::test]
async fn a_locked_month_refuses_inline_edit_and_import_until_unlocked_with_a_reason() {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some("en".into());
    app.login(ALICE).await;
    let id = account(&app, "lumiere-retail").await;
    let (kpi, code) = monthly_kpi(&app, id).await;

    // Lock September 2026.
    let page = app.get(&format!("/accounts/{id}/locks")).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks"),
            &[("month", "2026-9x"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("YYYY-MM"));
    assert_eq!(r.attr("#month", "value").as_deref(), Some("2026-9x"));
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks"),
            &[("month", "2026-09"), ("note", "Q3 business review")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/accounts/{id}/locks")).await;
    assert!(
        page.text("#locks tr[data-month='2026-09']")
            .contains("Q3 business review")
    );
    assert!(
        page.text("#locks tr[data-month='2026-09']")
            .contains("Locked")
    );

    let before = stored(&app, kpi, "2026-09-01").await;

    // 1. The inline edit on the scorecard: refused in the row, input kept.
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("from", "scorecard"),
                ("month", "2026-09"),
                ("period", "2026-09"),
                ("value", "77"),
                ("comment", "late fix"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.text(&format!("#value-{kpi}-error"));
    assert!(
        message.contains("locked") && message.contains("2026"),
        "{message}"
    );
    assert_eq!(
        r.attr(&format!("#value-{kpi}"), "value").as_deref(),
        Some("77")
    );
    assert_eq!(stored(&app, kpi, "2026-09-01").await, before);

    // October is not locked: the same edit goes through.
    let v = version(&app, kpi, "2026-10-01").await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("period", "2026-10"),
                ("value", "77"),
                ("comment", ""),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // 2. A CSV import row into the locked month: the file is refused, with that row.
    app.get("/import").await;
    let csv = format!(
        "account,kpi,period,value,comment\nlumiere-retail,{code},2026-08,70,\nlumiere-retail,{code},2026-09,71,\n"
    );
    let r = upload(&mut app, csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rows = r.texts("#import-problems tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains('3') && rows[0].contains("locked"),
        "{rows:?}"
    );
    assert_eq!(stored(&app, kpi, "2026-09-01").await, before);
    assert_ne!(
        stored(&app, kpi, "2026-08-01").await.as_deref(),
        Some("70"),
        "nothing of a refused file is written"
    );

    // The database refuses it too, whatever the path.
    let err = sqlx::query(
        "UPDATE kpi_values SET value = value + 1 WHERE account_kpi_id = $1 AND period = '2026-09-01'",
    )
    .bind(kpi)
    .execute(&app.db)
    .await;
    if before.is_some() {
        let err = err.expect_err("the trigger refuses a locked value");
        assert!(boussole::locks::is_lock_violation(&err), "{err}");
    }

    // 3. Unlock: a reason is required (kept in the form), then it is audited.
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks/2026-09/unlock"),
            &[("reason", "   ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("why"));
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks/2026-09/unlock"),
            &[("reason", "Finance restated September")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audited: (String, serde_json::Value) = sqlx::query_as(
        "SELECT action, after FROM audit_log WHERE action = 'period.unlocked' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.1["reason"], "Finance restated September");
    assert!(
        app.audit_actions()
            .await
            .contains(&"period.locked".to_owned())
    );

    // Now the edit and the import go through.
    let v = version(&app, kpi, "2026-09-01").await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("period", "2026-09"),
                ("value", "78"),
                ("comment", ""),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored(&app, kpi, "2026-09-01").await.as_deref(), Some("78"));
    app.get("/import").await;
    let r = upload(&mut app, csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored(&app, kpi, "2026-09-01").await.as_deref(), Some("71"));
}

#[tokio::test]
async fn a_locked_quarter_refuses_the_clients_portal_entry_in_french() {
    let mut app = TestApp::with_demo().await;
    let (kpi, account_id, unit): (i64, i64, String) = sqlx::query_as(
        "SELECT k.id, a.id, k.unit::text FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'atelier-vernier' AND k.visibility = 'joint' AND k.frequency = 'quarterly' \
           AND k.unit IN ('percent', 'score', 'count') ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    app.login("client@atelier-vernier.example").await;
    let page = app.get(&format!("/portal/kpis/{kpi}")).await;
    let period = page.attr("#entry-period", "value").unwrap();
    let quarter =
        boussole::period::Period::parse(boussole::domain::Frequency::Quarterly, &period).unwrap();
    // The KAM locks the quarter's last month (the quarter closes in it).
    sqlx::query("INSERT INTO period_locks (account_id, month) VALUES ($1, $2)")
        .bind(account_id)
        .bind(quarter.closing_month())
        .execute(&app.db)
        .await
        .unwrap();
    let good = if unit == "score" { "4,6" } else { "87" };
    let r = app
        .post_form(
            &format!("/portal/kpis/{kpi}/values"),
            &[("period", &period), ("value", good), ("comment", "Relevé")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.text(".error-summary");
    assert!(message.contains("verrouillée"), "{message}");
    assert_eq!(r.attr("#entry-value", "value").as_deref(), Some(good));
    let written: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM kpi_value_history WHERE account_kpi_id = $1 AND period = $2 AND source = 'client'",
    )
    .bind(kpi)
    .bind(quarter.start)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(written, 0);
}

#[tokio::test]
async fn only_those_who_may_edit_the_account_lock_it() {
    let mut app = TestApp::with_demo().await;
    let id = account(&app, "lumiere-retail").await;
    // Bruno is a KAM, not of this account.
    app.login("kam.bruno@boussole.example").await;
    let r = app
        .post_form(&format!("/accounts/{id}/locks"), &[("month", "2026-09")])
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
    assert_eq!(common::count(&app.db, "period_locks").await, 0);
    // The director may.
    let mut director = app.other_browser();
    director.login("direction@boussole.example").await;
    let r = director
        .post_form(&format!("/accounts/{id}/locks"), &[("month", "2026-09")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(common::count(&app.db, "period_locks").await, 1);
}
