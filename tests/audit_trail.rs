//! The audit trail an administrator reads (issue 11: every action a closed list).
//! Every action the demo and the app store is one the code knows; the page names
//! each in the reader's language; filters and the CSV agree with the page.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn every_stored_action_is_a_known_one() {
    let mut app = TestApp::with_demo().await;
    // A few writes of the app itself, on top of the demo's history.
    app.login("kam.alice@boussole.example").await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(stored.len() > 5, "{stored:?}");
    for code in &stored {
        assert!(
            boussole::audit::Action::parse(code).is_some(),
            "audit_log holds {code:?}, which audit::Action does not list"
        );
    }
}

#[tokio::test]
async fn the_admin_reads_who_did_what_filters_it_and_gets_the_same_rows_as_csv() {
    let mut app = TestApp::with_demo().await;
    app.login("admin@boussole.example").await;
    let r = app
        .post_form("/language", &[("lang", "en"), ("next", "/")])
        .await;
    assert!(r.status.is_redirection());

    let r = app.get("/admin/audit").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let actions = r.texts("#audit-table tbody [data-col=action]");
    assert_eq!(actions.len(), 100, "a page holds a hundred entries");
    // The newest entries are the admin's own: language chosen after signing in,
    // named in words, not as codes.
    assert_eq!(actions[..2], ["Language changed", "Signed in"]);
    assert!(actions.iter().all(|a| !a.contains('.')), "{actions:?}");
    let older = r.attr("#audit-older", "href").expect("an older page");
    let r2 = app.get(&older).await;
    assert_eq!(r2.status, StatusCode::OK);
    assert!(r2.count("#audit-table tbody tr") > 0);

    // Filtered on one action: only that action, and the CSV lists the same entries.
    let r = app.get("/admin/audit?action=kpi_value.validated").await;
    let shown = r.texts("#audit-table tbody [data-col=action]");
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|a| a == "Value validated"), "{shown:?}");
    let csv_href = r.attr("#audit-csv", "href").unwrap();
    assert_eq!(csv_href, "/admin/audit.csv?action=kpi_value.validated");
    let csv = app.get(&csv_href).await;
    assert_eq!(csv.status, StatusCode::OK);
    let total: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'kpi_value.validated'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() as i64, total);
    assert!(
        rows.iter()
            .all(|r| &r[3] == "kpi_value.validated" && &r[4] == "Value validated")
    );
    // The page's first rows are the CSV's first rows, in the same order.
    assert_eq!(shown.len() as i64, total.min(100));

    // In French, the same action in French.
    app.post_form("/language", &[("lang", "fr"), ("next", "/")])
        .await;
    let r = app.get("/admin/audit?action=kpi_value.validated").await;
    assert!(
        r.texts("#audit-table tbody [data-col=action]")
            .iter()
            .all(|a| a == "Valeur validée")
    );
}

#[tokio::test]
async fn only_admins_read_the_audit_trail() {
    for who in ["direction@boussole.example", "kam.alice@boussole.example"] {
        let mut app = TestApp::with_demo().await;
        app.login(who).await;
        for path in ["/admin/audit", "/admin/audit.csv"] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
}
