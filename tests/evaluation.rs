//! Mutual evaluation: the client validates or contests a shared value, the KAM
//! accepts the proposal (a new value with its provenance) or keeps the value.

mod common;

use axum::http::StatusCode;
use common::TestApp;

/// A shared percent KPI of Lumière Retail whose latest value awaits the client,
/// with that value's period code and value.
async fn awaiting_kpi(app: &TestApp) -> (i64, i64, String) {
    let (account, kpi, period): (i64, i64, String) = sqlx::query_as(
        "SELECT a.id, k.id, to_char(v.period, 'YYYY-MM') FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN kpi_values v ON v.account_kpi_id = k.id AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'shared' AND k.frequency = 'monthly' AND k.unit = 'percent' \
           AND v.validation = 'awaiting' ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (account, kpi, period)
}

#[tokio::test]
async fn a_client_contests_with_a_proposal_and_the_kam_accepts_it() {
    let app = TestApp::with_demo().await;
    let (account, kpi, period) = awaiting_kpi(&app).await;
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let page = client.get(&format!("/portal/kpis/{kpi}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr("#evaluation", "data-validation").as_deref(),
        Some("awaiting")
    );
    // Contest without a word: refused, nothing recorded.
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/evaluate"),
            &[("period", &period), ("action", "contest"), ("body", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, page) = client.get_follow(r.location().unwrap()).await;
    assert!(page.text(".flash--error").contains("commentaire"));
    assert_eq!(
        page.attr("#evaluation", "data-validation").as_deref(),
        Some("awaiting")
    );
    // A real contest, with a proposed value typed the French way.
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/evaluate"),
            &[
                ("period", &period),
                ("action", "contest"),
                ("body", "Deux livraisons manquent dans ce calcul"),
                ("proposed_value", "42,5"),
            ],
        )
        .await;
    let (_, page) = client.get_follow(r.location().unwrap()).await;
    assert_eq!(
        page.attr("#evaluation", "data-validation").as_deref(),
        Some("contested")
    );
    assert!(page.text("#thread").contains("Deux livraisons manquent"));

    // The KAM sees it in the queue and on the scorecard row.
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let queue = kam.get("/evaluations").await;
    assert_eq!(
        queue.count(&format!("#queue-contested tr[data-kpi='{kpi}']")),
        1,
        "{}",
        queue.body
    );
    let scorecard = kam.get(&format!("/accounts/{account}")).await;
    assert_eq!(
        scorecard
            .attr(&format!("tr#kpi-{kpi}"), "data-validation")
            .as_deref(),
        Some("contested")
    );
    let kpi_page = kam
        .get(&format!("/accounts/{account}/kpis/{kpi}?period={period}"))
        .await;
    assert!(kpi_page.text("#accept-button").contains("42,5"));
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/evaluate"),
            &[
                ("period", &period),
                ("action", "accept"),
                ("body", "Bien vu, corrigé"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (value, source, validation): (String, String, String) = sqlx::query_as(
        "SELECT value::text, source, validation::text FROM kpi_values WHERE account_kpi_id = $1 AND period = to_date($2, 'YYYY-MM')",
    )
    .bind(kpi)
    .bind(&period)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (value.as_str(), source.as_str(), validation.as_str()),
        ("42.5", "client", "resolved")
    );
    // The history has the change with its provenance, on both sides.
    let kpi_page = kam.get(&format!("/accounts/{account}/kpis/{kpi}")).await;
    assert!(
        kpi_page.text("#changes tbody tr").contains("Client"),
        "{}",
        kpi_page.text("#changes")
    );
    let portal_page = client
        .get(&format!("/portal/kpis/{kpi}?period={period}"))
        .await;
    assert_eq!(
        portal_page
            .attr("#evaluation", "data-validation")
            .as_deref(),
        Some("resolved")
    );
    assert!(portal_page.text("#thread").contains("Bien vu, corrigé"));
    // Both feeds show the events; the KAM's notifications count the client's contest.
    let kpi_name: String = sqlx::query_scalar("SELECT name_fr FROM account_kpis WHERE id = $1")
        .bind(kpi)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let feed = kam.get(&format!("/accounts/{account}/activity")).await;
    assert!(
        feed.text("#feed")
            .contains(&format!("a contesté {kpi_name}")),
        "{}",
        feed.text("#feed")
    );
    assert!(feed.text("#feed").contains(&format!(
        "Alice Martin a accepté la proposition du client pour {kpi_name}"
    )));
    let client_feed = client.get("/portal/activity").await;
    assert!(client_feed.text("#feed").contains(&format!(
        "Alice Martin a accepté la proposition du client pour {kpi_name}"
    )));
    assert_eq!(
        client.get("/portal").await.text("#unread-count"),
        "3 non lues",
        "the KAM's value change, the acceptance, and the shared KPI the accepted value turned red: {}",
        client_feed.text("#feed")
    );
    assert!(
        client_feed
            .text("#feed")
            .contains(&format!("{kpi_name} est passé au rouge"))
    );
    let internal: Vec<String> = sqlx::query_scalar(
        "SELECT name_fr FROM account_kpis WHERE account_id = $1 AND visibility = 'internal'",
    )
    .bind(account)
    .fetch_all(&app.db)
    .await
    .unwrap();
    // An internal KPI's change shows in the KAM's feed, never in the client's.
    let internal_kpi: i64 = sqlx::query_scalar(
        "SELECT id FROM account_kpis WHERE account_id = $1 AND visibility = 'internal' AND frequency = 'monthly' LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{internal_kpi}/values"),
            &[("period", "2019-01"), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let client_feed = client.get("/portal/activity").await;
    let notifications = client.get("/notifications").await;
    for name in &internal {
        assert!(
            !client_feed.body.contains(name.as_str()),
            "internal KPI {name} in the client's feed"
        );
        assert!(
            !notifications.body.contains(name.as_str()),
            "internal KPI {name} in the client's notifications"
        );
    }
    let r = client.post_form("/notifications/read", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/portal").await.count("#unread-count"), 0);
    let actions: Vec<String> = sqlx::query_scalar(
        // The demo's own history is dated in the past; this test's actions are now.
        "SELECT action FROM audit_log WHERE account_id = $1 AND action LIKE 'kpi_value.%' \
         AND at > now() - interval '1 hour' ORDER BY id",
    )
    .bind(account)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "kpi_value.contested",
            "kpi_value.updated",
            "kpi_value.proposal_accepted",
            "kpi_value.created",
        ]
    );
}

#[tokio::test]
async fn validating_needs_stage_three_and_guessed_ids_find_nothing() {
    let app = TestApp::with_demo().await;
    let (_, kpi, period) = awaiting_kpi(&app).await;
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/evaluate"),
            &[("period", &period), ("action", "validate")],
        )
        .await;
    let (_, page) = client.get_follow(r.location().unwrap()).await;
    assert_eq!(
        page.attr("#evaluation", "data-validation").as_deref(),
        Some("validated")
    );

    // Northwind is at stage 2: its client may comment but not validate.
    let (nw_kpi, nw_period): (i64, String) = sqlx::query_as(
        "SELECT k.id, to_char(max(v.period), 'YYYY-MM') FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN kpi_values v ON v.account_kpi_id = k.id \
         WHERE a.slug = 'northwind-logistics' AND k.visibility = 'shared' AND k.frequency = 'monthly' GROUP BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut nw = app.other_browser();
    nw.login("client@northwind-logistics.example").await;
    let page = nw.get(&format!("/portal/kpis/{nw_kpi}")).await;
    assert_eq!(
        page.count("#validate-button"),
        0,
        "no validation at stage 2"
    );
    assert_eq!(
        page.count("#comment-form"),
        1,
        "comments are allowed at stage 2"
    );
    let r = nw
        .post_form(
            &format!("/portal/kpis/{nw_kpi}/evaluate"),
            &[("period", &nw_period), ("action", "validate")],
        )
        .await;
    let (_, page) = nw.get_follow(r.location().unwrap()).await;
    assert!(page.text(".flash--error").contains("stade"));
    // The Lumière KPI through Northwind's client: not found, nothing recorded.
    let before = common::count(&app.db, "value_messages").await;
    let r = nw
        .post_form(
            &format!("/portal/kpis/{kpi}/evaluate"),
            &[("period", &period), ("action", "comment"), ("body", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(common::count(&app.db, "value_messages").await, before);
}
