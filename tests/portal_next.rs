//! The client's next step on `/portal` (issue 10, item 7): how many values await
//! their validation, a link to them, validating several at once (one transaction,
//! one audit row per value, only their own account's shared awaiting values), and
//! a contested value that reads "contested" on its row.

mod common;

use axum::http::StatusCode;
use common::{TestApp, count};

const CLIENT: &str = "client@lumiere-retail.example";

/// The awaiting values of an account as the issue defines them, computed here
/// independently of the app: the latest value of each shared KPI, not yet validated
/// or contested.
async fn awaiting_ids(app: &TestApp, slug: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT v.id FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = $1 AND k.visibility <> 'internal' AND v.validation = 'awaiting' \
           AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) \
         ORDER BY v.id",
    )
    .bind(slug)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn validation_of(app: &TestApp, value_id: i64) -> String {
    sqlx::query_scalar("SELECT validation::text FROM kpi_values WHERE id = $1")
        .bind(value_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn validated_audits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'kpi_value.validated'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The value ids ticked-able on the page, in page order.
fn listed(page: &common::TestResponse) -> Vec<i64> {
    page.html()
        .select(&scraper::Selector::parse("#to-validate input[type=checkbox][name=value]").unwrap())
        .map(|e| e.value().attr("value").unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_portal_says_how_many_values_await_and_links_to_them() {
    let app = TestApp::with_demo().await;
    let expected = awaiting_ids(&app, "lumiere-retail").await;
    assert!(expected.len() >= 2, "the demo has values awaiting");
    let mut client = app.other_browser();
    let page = client.login(CLIENT).await;
    let notice = page.text("#awaiting-notice a");
    println!("notice: {notice}");
    assert_eq!(
        notice,
        format!("{} valeurs attendent votre validation", expected.len())
    );
    assert_eq!(
        page.attr("#awaiting-notice a", "href").as_deref(),
        Some("#to-validate")
    );
    let mut shown = listed(&page);
    shown.sort();
    assert_eq!(
        shown, expected,
        "every awaiting value is listed, nothing else"
    );
    assert_eq!(page.count("#validate-selected"), 1);

    // In English too.
    let mut en = app.other_browser();
    en.accept_language = Some("en".into());
    let page = en.login(CLIENT).await;
    assert_eq!(
        page.text("#awaiting-notice a"),
        format!("{} values await your validation", expected.len())
    );
}

#[tokio::test]
async fn a_client_validates_several_values_at_once_each_audited() {
    let app = TestApp::with_demo().await;
    let mut client = app.other_browser();
    let page = client.login(CLIENT).await;
    let before = listed(&page);
    let (a, b) = (before[0], before[1]);
    let audits = validated_audits(&app).await;
    let messages = count(&app.db, "value_messages").await;

    let r = client
        .post_form(
            "/portal/validate",
            &[("value", &a.to_string()), ("value", &b.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/portal#to-validate"));
    let (_, page) = client.get_follow("/portal").await;
    println!("flash: {}", page.text(".flash--success"));
    assert!(page.text(".flash--success").contains("2 valeurs validées"));
    let after = listed(&page);
    assert_eq!(after.len(), before.len() - 2);
    assert!(!after.contains(&a) && !after.contains(&b));
    assert_eq!(validation_of(&app, a).await, "validated");
    assert_eq!(validation_of(&app, b).await, "validated");
    assert_eq!(
        validated_audits(&app).await,
        audits + 2,
        "one audit row per value"
    );
    assert_eq!(count(&app.db, "value_messages").await, messages + 2);
    // The validation shows in each value's thread, in the client's name.
    let kpi: i64 = sqlx::query_scalar("SELECT account_kpi_id FROM kpi_values WHERE id = $1")
        .bind(a)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let kpi_page = client.get(&format!("/portal/kpis/{kpi}")).await;
    assert_eq!(
        kpi_page.attr("#evaluation", "data-validation").as_deref(),
        Some("validated")
    );
}

#[tokio::test]
async fn values_of_another_account_or_internal_kpis_are_refused_and_nothing_is_written() {
    let app = TestApp::with_demo().await;
    let own = awaiting_ids(&app, "lumiere-retail").await;
    let foreign = awaiting_ids(&app, "atelier-vernier").await;
    let internal: i64 = sqlx::query_scalar(
        "SELECT v.id FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'internal' ORDER BY v.id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    let audits = validated_audits(&app).await;
    let messages = count(&app.db, "value_messages").await;
    for other in [foreign[0], internal, 0] {
        let r = client
            .post_form(
                "/portal/validate",
                &[
                    ("value", &own[0].to_string()),
                    ("value", &other.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "value {other}");
    }
    assert_eq!(validation_of(&app, own[0]).await, "awaiting");
    assert_eq!(validation_of(&app, foreign[0]).await, "awaiting");
    assert_eq!(validated_audits(&app).await, audits);
    assert_eq!(count(&app.db, "value_messages").await, messages);

    // Staff cannot use the client's form.
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let r = kam
        .post_form("/portal/validate", &[("value", &own[0].to_string())])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(validation_of(&app, own[0]).await, "awaiting");
}

#[tokio::test]
async fn nothing_ticked_or_a_stale_value_shows_the_portal_again_with_422() {
    let app = TestApp::with_demo().await;
    let own = awaiting_ids(&app, "lumiere-retail").await;
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    let r = client.post_form("/portal/validate", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#to-validate-error")
            .contains("Cochez au moins une valeur")
    );

    // Validated in another tab, then sent again with a second value: all or nothing.
    let r = client
        .post_form("/portal/validate", &[("value", &own[0].to_string())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audits = validated_audits(&app).await;
    let r = client
        .post_form(
            "/portal/validate",
            &[
                ("value", &own[0].to_string()),
                ("value", &own[1].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#to-validate-error")
            .contains("Rien n'a été enregistré")
    );
    // The client's choice is kept: the value still awaiting is still ticked.
    assert_eq!(
        r.attr(&format!("#validate-{}", own[1]), "checked")
            .as_deref(),
        Some("")
    );
    assert_eq!(validation_of(&app, own[1]).await, "awaiting");
    assert_eq!(validated_audits(&app).await, audits);
}

#[tokio::test]
async fn a_contested_value_reads_contested_on_its_row_in_the_portal_and_for_staff() {
    let app = TestApp::with_demo().await;
    let (account, kpi): (i64, i64) = sqlx::query_as(
        "SELECT a.id, k.id FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility <> 'internal' AND v.validation = 'contested' \
           AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut client = app.other_browser();
    let portal = client.login(CLIENT).await;
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let staff = kam.get(&format!("/accounts/{account}")).await;
    for page in [&portal, &staff] {
        let row = format!("tr#kpi-{kpi}");
        let badges = page.texts(&format!("{row} .badge"));
        println!("contested row badges: {badges:?}");
        assert_eq!(badges, vec!["Contesté".to_owned()]);
        assert_eq!(page.count(&format!("{row} .badge--green")), 0);
    }
}
