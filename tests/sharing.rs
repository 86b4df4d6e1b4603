//! The KAM pyramid: changing stage with a reason, what each stage lets be shared.

mod common;

use axum::http::StatusCode;
use common::{TestApp, count};

async fn lumiere(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn shared_kpis(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM account_kpis WHERE account_id = $1 AND visibility <> 'internal'",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn lowering_the_stage_needs_a_reason_and_restricts_sharing() {
    let mut app = TestApp::with_demo().await;
    app.login("kam.alice@boussole.example").await;
    let id = lumiere(&app).await;
    let shared = shared_kpis(&app, id).await;
    assert!(shared > 0, "the demo shares KPIs at stage 3");

    let page = app.get(&format!("/accounts/{id}/stage")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("input[name=stage]"), 4);
    assert_eq!(
        page.attr("input[name=stage][checked]", "value").as_deref(),
        Some("3")
    );

    // No reason: refused, nothing changed, the choice kept.
    let r = app
        .post_form(
            &format!("/accounts/{id}/stage"),
            &[("stage", "1"), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("motif"));
    assert_eq!(
        r.attr("input[name=stage][checked]", "value").as_deref(),
        Some("1")
    );
    assert_eq!(count(&app.db, "stage_changes").await, 0);
    assert_eq!(shared_kpis(&app, id).await, shared);

    let r = app
        .post_form(
            &format!("/accounts/{id}/stage"),
            &[
                ("stage", "1"),
                (
                    "reason",
                    "Changement d’acheteur : la confiance est à reconstruire",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(r.location().unwrap()).await;
    assert!(
        page.text(".flash--success")
            .contains(&format!("{shared} indicateurs")),
        "{}",
        page.text(".flash--success")
    );
    assert_eq!(shared_kpis(&app, id).await, 0, "stage 1 shares nothing");
    assert_eq!(
        page.count("tr[data-visibility=shared], tr[data-visibility=joint]"),
        0
    );
    let (from, to, restricted): (i16, i16, i32) = sqlx::query_as(
        "SELECT from_stage, to_stage, kpis_restricted FROM stage_changes WHERE account_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((from, to, restricted as i64), (3, 1, shared));
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'account.stage_changed' AND account_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(after["stage"], 1);
    assert!(after["reason"].as_str().unwrap().contains("acheteur"));
    let history = app.get(&format!("/accounts/{id}/stage")).await;
    assert!(history.text("#stage-history").contains("acheteur"));
}

#[tokio::test]
async fn a_kpi_cannot_be_shared_beyond_what_the_stage_allows() {
    let mut app = TestApp::with_demo().await;
    app.login("kam.alice@boussole.example").await;
    let id = common::build::account(&app.db, "stage-two", "kam.alice@boussole.example").await;
    let kpi = common::build::kpi(
        &app.db,
        id,
        common::build::Kpi {
            code: "t_kpi",
            ..Default::default()
        },
    )
    .await;
    // Stage 2 allows shared but not joint: the settings page says so.
    let settings = app
        .get(&format!("/accounts/{id}/kpis/{kpi}/settings"))
        .await;
    let version = settings.attr("input[name=version]", "value").unwrap();
    let fields = |visibility: &'static str, version: String| {
        vec![
            ("name_fr", "Indicateur".to_string()),
            ("name_en", "Indicator".to_string()),
            ("target", "100".to_string()),
            ("green_from", "100".to_string()),
            ("amber_from", "90".to_string()),
            ("weight", "1".to_string()),
            ("freshness_months", "6".to_string()),
            ("visibility", visibility.to_string()),
            ("version", version),
        ]
    };
    let joint = fields("joint", version.clone());
    let joint: Vec<(&str, &str)> = joint.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .post_form(&format!("/accounts/{id}/kpis/{kpi}/settings"), &joint)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("stade 4"),
        "the message names the stage needed"
    );
    let shared = fields("shared", version);
    let shared: Vec<(&str, &str)> = shared.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .post_form(&format!("/accounts/{id}/kpis/{kpi}/settings"), &shared)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The database refuses it too, whatever code path tries.
    let err = sqlx::query("UPDATE account_kpis SET visibility = 'joint' WHERE id = $1")
        .bind(kpi)
        .execute(&app.db)
        .await;
    assert!(
        err.is_err(),
        "joint at stage 2 must be refused by the database"
    );
    let err = sqlx::query("UPDATE accounts SET stage = 1 WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await;
    assert!(err.is_err(), "the stage cannot drop below what is shared");
}
