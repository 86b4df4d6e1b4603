//! Joint targets: from stage 3, either side proposes a target for a shared KPI,
//! and it applies only once the other side accepts.

mod common;

use axum::http::StatusCode;
use common::TestApp;

/// A shared monthly percent KPI of the account with this slug: (account id, KPI id).
async fn shared_kpi(app: &TestApp, slug: &str) -> (i64, i64) {
    // Start from a clean table: the demo has proposals of its own.
    sqlx::query("DELETE FROM target_proposals")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT a.id, k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = $1 AND k.visibility = 'shared' AND k.unit = 'percent' \
         AND k.frequency = 'monthly' ORDER BY k.id LIMIT 1",
    )
    .bind(slug)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn target_of(app: &TestApp, kpi: i64, period: &str) -> Option<f64> {
    sqlx::query_scalar(
        "SELECT target::float8 FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_target_proposed_by_the_client_applies_once_the_kam_accepts() {
    let app = TestApp::with_demo().await;
    let (account, kpi) = shared_kpi(&app, "lumiere-retail").await;
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;

    // Bad input: the page comes back in French with what was typed.
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/target-proposals"),
            &[
                ("period", "2027-13"),
                ("target", "beaucoup"),
                ("comment", "Ambitieux"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr("#proposal-target", "value").as_deref(),
        Some("beaucoup")
    );
    assert_eq!(
        r.attr("#proposal-period", "value").as_deref(),
        Some("2027-13")
    );
    assert!(
        r.text("#targets .error-summary").contains("nombre"),
        "{}",
        r.text("#targets")
    );
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM target_proposals")
            .fetch_one(&app.db)
            .await
            .unwrap(),
        0
    );

    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/target-proposals"),
            &[
                ("period", "2027-01"),
                ("target", "97,5"),
                ("comment", "Objectif commun"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, page) = client.get_follow(r.location().unwrap()).await;
    assert_eq!(page.count("#target-proposals tr[data-status='open']"), 1);
    // The proposer cannot accept their own proposal: no button, and a refusal.
    assert!(!page.text("#target-proposals").contains("Accepter"));
    let pid: i64 = sqlx::query_scalar("SELECT id FROM target_proposals")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/target-proposals/{pid}"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(target_of(&app, kpi, "2027-01-01").await, None);

    // The KAM sees it and accepts: the target now applies for that month.
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let page = kam.get(&format!("/accounts/{account}/kpis/{kpi}")).await;
    assert_eq!(page.count(&format!("tr[data-proposal='{pid}'] button")), 2);
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/target-proposals/{pid}"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(target_of(&app, kpi, "2027-01-01").await, Some(97.5));
    // Answered once only.
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/target-proposals/{pid}"),
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Both feeds tell it, and the audit trail has who and what.
    let feed = client.get("/portal/activity").await;
    assert!(
        feed.text("main").contains("a convenu d'un objectif"),
        "{}",
        feed.text("main")
    );
    let feed = kam.get(&format!("/accounts/{account}/activity")).await;
    assert!(
        feed.text("main").contains("proposed a target")
            || feed.text("main").contains("a proposé un objectif")
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'kpi_target.%' AND at > now() - interval '1 hour' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, ["kpi_target.proposed", "kpi_target.agreed"]);
}

#[tokio::test]
async fn a_counter_proposal_declines_the_open_one_and_the_default_target_can_be_agreed() {
    let app = TestApp::with_demo().await;
    let (account, kpi) = shared_kpi(&app, "lumiere-retail").await;
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/target-proposals"),
            &[("period", ""), ("target", "88"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/target-proposals"),
            &[("period", ""), ("target", "92"), ("comment", "Plutôt 92")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let statuses: Vec<(String, String)> =
        sqlx::query_as("SELECT side, status FROM target_proposals ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        statuses,
        [
            ("supplier".to_owned(), "declined".to_owned()),
            ("client".to_owned(), "open".to_owned())
        ]
    );
    let pid: i64 = sqlx::query_scalar("SELECT id FROM target_proposals WHERE status = 'open'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    kam.post_form(
        &format!("/accounts/{account}/kpis/{kpi}/target-proposals/{pid}"),
        &[("decision", "accept")],
    )
    .await;
    let target: f64 = sqlx::query_scalar("SELECT target::float8 FROM account_kpis WHERE id = $1")
        .bind(kpi)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(target, 92.0);
}

#[tokio::test]
async fn targets_are_not_negotiated_below_stage_three() {
    let app = TestApp::with_demo().await;
    let (_, kpi) = shared_kpi(&app, "northwind-logistics").await;
    let mut client = app.other_browser();
    client.login("client@northwind-logistics.example").await;
    let page = client.get(&format!("/portal/kpis/{kpi}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#targets"), 0);
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/target-proposals"),
            &[("target", "90")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_whole_universe_is_shared_at_once_within_what_the_stage_allows() {
    let app = TestApp::with_demo().await;
    let account: i64 =
        sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'northwind-logistics'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let count = |v: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM account_kpis WHERE account_id = $1 AND universe = 'logistics' AND visibility::text = $2",
            )
            .bind(account)
            .bind(v)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let total = count("internal").await + count("shared").await;
    assert!(total > 1);
    let mut kam = app.other_browser();
    kam.login("kam.bruno@boussole.example").await;
    // Joint is beyond stage 2: refused with the reason, nothing changed.
    let before = count("shared").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/universes/logistics/visibility"),
            &[("visibility", "joint")],
        )
        .await;
    let (_, page) = kam.get_follow(r.location().unwrap()).await;
    assert!(
        page.text(".flash--error").contains("stade 2"),
        "{}",
        page.text("main")
    );
    assert_eq!(count("shared").await, before);
    assert_eq!(count("joint").await, 0);

    let r = kam
        .post_form(
            &format!("/accounts/{account}/universes/logistics/visibility"),
            &[("visibility", "shared")],
        )
        .await;
    let (_, page) = kam.get_follow(r.location().unwrap()).await;
    assert_eq!(count("shared").await, total);
    assert_eq!(
        page.text("#universe-sharing tr[data-universe='logistics'] td:nth-of-type(2)"),
        total.to_string()
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'account_kpi.visibility_changed' AND account_id = $1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, total - before);
    // The client now sees every logistics KPI in the portal.
    let mut client = app.other_browser();
    client.login("client@northwind-logistics.example").await;
    let portal = client.get("/portal").await;
    assert_eq!(
        portal.count("[data-universe='logistics'] [data-kpi-code]") as i64,
        total,
        "{}",
        portal.text("main")
    );
}

#[tokio::test]
async fn the_demo_feeds_tell_the_story_of_each_side() {
    let app = TestApp::with_demo().await;
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let feed = client.get("/portal/activity").await;
    assert!(feed.count("#feed li") >= 10, "{}", feed.text("main"));
    let text = feed.text("#feed");
    assert!(text.contains("au stade 3"), "{text}");
    assert!(text.contains("a contesté"), "{text}");
    assert!(text.contains("a proposé un objectif"), "{text}");
    // Never the internal reason of a stage change, nor an internal KPI's name.
    assert!(!text.contains("Comité de pilotage"));
    let internal: Vec<String> = sqlx::query_scalar(
        "SELECT k.name_fr FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'internal'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for name in internal {
        assert!(
            !text.contains(&name),
            "internal KPI {name} in the client's feed"
        );
    }
    // The client sees the open target proposal, ready for the KAM to answer.
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let (account, kpi): (i64, i64) = sqlx::query_as(
        "SELECT k.account_id, k.id FROM target_proposals p JOIN account_kpis k ON k.id = p.account_kpi_id \
         JOIN accounts a ON a.id = k.account_id WHERE a.slug = 'lumiere-retail' AND p.status = 'open'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let page = kam.get(&format!("/accounts/{account}/kpis/{kpi}")).await;
    assert_eq!(
        page.count("#target-proposals tr[data-status='open'] button"),
        2
    );
    let notifications = kam.get("/notifications").await;
    assert!(notifications.count("#feed li") >= 10);
}
