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
    // The demo's own stage history aside, nothing was recorded.
    let demo_history = 12;
    assert_eq!(count(&app.db, "stage_changes").await, demo_history);
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
        "SELECT from_stage, to_stage, kpis_restricted FROM stage_changes WHERE account_id = $1 \
         AND changed_at > now() - interval '1 hour'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((from, to, restricted as i64), (3, 1, shared));
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'account.stage_changed' AND account_id = $1 AND at > now() - interval '1 hour'",
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

/// Names (FR and EN) of the account's internal KPIs: none may reach the client.
async fn internal_names(app: &TestApp, account: i64) -> Vec<String> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name_fr, name_en FROM account_kpis WHERE account_id = $1 AND visibility = 'internal'")
            .bind(account)
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter().flat_map(|(f, e)| [f, e]).collect()
}

#[tokio::test]
async fn a_client_sees_their_shared_scorecard_and_nothing_else() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    let internal = internal_names(&app, id).await;
    assert!(!internal.is_empty(), "the demo keeps some KPIs internal");
    let portal = app.login("client@lumiere-retail.example").await;
    assert_eq!(portal.text("main h1"), "Lumière Retail");
    let rows = portal.count("tr[data-kpi-code]");
    assert_eq!(
        rows as i64,
        shared_kpis(&app, id).await,
        "every shared KPI, and only those"
    );
    assert_eq!(portal.count("tr[data-visibility=internal]"), 0);
    assert!(
        portal.count("#account-team li") >= 1,
        "the account team is listed"
    );
    assert_eq!(
        portal.count("#view-as-client, .inline-edit, #add-kpi"),
        0,
        "no staff actions"
    );
    for name in &internal {
        assert!(
            !portal.body.contains(name.as_str()),
            "internal KPI {name} leaked into the portal"
        );
    }
    let csv = app.get("/portal/scorecard.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.body.lines().count() - 1,
        rows,
        "the export holds the same rows"
    );
    for name in &internal {
        assert!(
            !csv.body.contains(name.as_str()),
            "internal KPI {name} leaked into the CSV"
        );
    }
    // A shared KPI's page works; an internal one's, or another account's, is not found.
    let shared_id: i64 = sqlx::query_scalar(
        "SELECT id FROM account_kpis WHERE account_id = $1 AND visibility <> 'internal' LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        app.get(&format!("/portal/kpis/{shared_id}")).await.status,
        StatusCode::OK
    );
    let internal_id: i64 = sqlx::query_scalar(
        "SELECT id FROM account_kpis WHERE account_id = $1 AND visibility = 'internal' LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let other_id: i64 = sqlx::query_scalar(
        "SELECT k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'atelier-vernier' AND k.visibility <> 'internal' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for kpi in [internal_id, other_id] {
        assert_eq!(
            app.get(&format!("/portal/kpis/{kpi}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/portal/kpis/{kpi}/history.csv"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    // The staff pages of the same account are closed to the client.
    for path in [
        format!("/accounts/{id}"),
        format!("/accounts/{id}/kpis/{shared_id}"),
        format!("/accounts/{id}/as-client"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn at_stage_one_the_portal_shows_only_the_account_team_and_surveys() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    let mut kam = app.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let r = kam
        .post_form(
            &format!("/accounts/{id}/stage"),
            &[("stage", "1"), ("reason", "Test du stade exploratoire")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let portal = app.login("client@lumiere-retail.example").await;
    assert_eq!(portal.count("tr[data-kpi-code]"), 0);
    assert_eq!(portal.count("#nothing-shared"), 1);
    assert!(portal.count("#account-team li") >= 1);
    // Surveys stay reachable; the aggregated NPS trend does not (stage 2 and up).
    let voc = app.get("/portal/voc").await;
    assert_eq!(voc.status, StatusCode::OK);
    assert_eq!(voc.count("#open-surveys li"), 1);
    assert_eq!(voc.count("#nps-table"), 0);
}

#[tokio::test]
async fn view_as_the_client_shows_exactly_what_the_client_sees() {
    let app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    let mut client = app.other_browser();
    let portal = client.login("client@lumiere-retail.example").await;
    let mut kam = app.other_browser();
    let full = kam.login("kam.alice@boussole.example").await;
    assert!(full.count("tr") > 0);
    let preview = kam.get(&format!("/accounts/{id}/as-client")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.count("#preview-banner"), 1);
    let codes = |p: &common::TestResponse| {
        let doc = p.html();
        let sel = scraper::Selector::parse("tr[data-kpi-code]").unwrap();
        doc.select(&sel)
            .map(|e| e.value().attr("data-kpi-code").unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&preview), codes(&portal));
    assert_eq!(
        preview.attr("#overall [data-score]", "data-score"),
        portal.attr("#overall [data-score]", "data-score"),
        "the same score, computed from shared KPIs only"
    );
    let mut bruno = app.other_browser();
    bruno.login("kam.bruno@boussole.example").await;
    assert_eq!(
        bruno.get(&format!("/accounts/{id}/as-client")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn at_stage_four_the_client_enters_values_of_joint_kpis() {
    let mut app = TestApp::with_demo().await;
    let (kpi, unit): (i64, String) = sqlx::query_as(
        "SELECT k.id, k.unit::text FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'atelier-vernier' AND k.visibility = 'joint' AND k.frequency = 'quarterly' \
           AND k.unit IN ('percent', 'score', 'count') ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("the stage-4 demo account has a joint KPI");
    app.login("client@atelier-vernier.example").await;
    let page = app.get(&format!("/portal/kpis/{kpi}")).await;
    assert_eq!(page.count("#client-entry form"), 1, "{}", page.body);
    let period = page.attr("#entry-period", "value").unwrap();
    let good = if unit == "score" { "4,6" } else { "87" };

    let r = app
        .post_form(
            &format!("/portal/kpis/{kpi}/values"),
            &[("period", &period), ("value", "beaucoup")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr("#entry-value", "value").as_deref(), Some("beaucoup"));
    let r = app
        .post_form(
            &format!("/portal/kpis/{kpi}/values"),
            &[
                ("period", &period),
                ("value", good),
                ("comment", "Relevé de notre équipe"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (source, by): (String, String) = sqlx::query_as(
        "SELECT v.source, u.email::text FROM kpi_values v JOIN users u ON u.id = v.entered_by \
         WHERE v.account_kpi_id = $1 AND v.period = to_date($2, 'YYYY-MM')",
    )
    .bind(kpi)
    .bind(
        boussole::period::Period::parse(boussole::domain::Frequency::Quarterly, &period)
            .unwrap()
            .start
            .format("%Y-%m")
            .to_string(),
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (source.as_str(), by.as_str()),
        ("client", "client@atelier-vernier.example")
    );

    // At stage 3 there is no joint KPI and no entry: the form is absent and a POST is refused.
    let mut lumiere = app.other_browser();
    lumiere.login("client@lumiere-retail.example").await;
    let shared: i64 = sqlx::query_scalar(
        "SELECT k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'shared' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        lumiere
            .get(&format!("/portal/kpis/{shared}"))
            .await
            .count("#client-entry"),
        0
    );
    let r = lumiere
        .post_form(
            &format!("/portal/kpis/{shared}/values"),
            &[("period", "2026-01"), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_invited_contact_sets_a_password_once_and_a_revoked_one_is_out_at_once() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let id = lumiere(&kam).await;
    // A bad address is refused with the input kept.
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[("email", "pas-une-adresse"), ("name", "Lucie Marchand")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr("input[name=name]", "value").as_deref(),
        Some("Lucie Marchand")
    );
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[
                ("email", "lucie.marchand@lumiere-retail.example"),
                ("name", "Lucie Marchand"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let link = r.text("#invitation-link code");
    let path = link
        .split_once("/invitation/")
        .map(|(_, t)| format!("/invitation/{t}"))
        .unwrap();
    let token = path.trim_start_matches("/invitation/");
    assert_eq!(token.len(), 64, "256-bit token in hex");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_one(&kam.db)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a hash of the token is stored");

    let mut lucie = kam.other_browser();
    let page = lucie.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("main").contains("Lumière Retail"));
    let r = lucie
        .post_form(
            &path,
            &[
                ("password", "un mot de passe solide"),
                ("confirm", "autre chose"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = lucie
        .post_form(
            &path,
            &[
                ("password", "un mot de passe solide"),
                ("confirm", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/login"));
    let r = lucie
        .post_form(
            "/login",
            &[
                ("email", "lucie.marchand@lumiere-retail.example"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/portal"));
    assert_eq!(lucie.get("/portal").await.status, StatusCode::OK);

    // Single use: the same link now says it is not valid, like an unknown one.
    let mut again = kam.other_browser();
    let used = again.get(&path).await;
    let unknown = again.get(&format!("/invitation/{}", "f".repeat(64))).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert_eq!(
        used.text("#invitation-invalid"),
        unknown.text("#invitation-invalid")
    );

    // Expired links too.
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[("email", "tard@lumiere-retail.example"), ("name", "Tard")],
        )
        .await;
    let late = r.text("#invitation-link code");
    let late = format!("/invitation/{}", late.rsplit('/').next().unwrap());
    sqlx::query("UPDATE invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE email = 'tard@lumiere-retail.example'")
        .execute(&kam.db)
        .await
        .unwrap();
    assert_eq!(again.get(&late).await.status, StatusCode::NOT_FOUND);

    // Revoking Lucie ends her open session immediately.
    let lucie_id: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE email = 'lucie.marchand@lumiere-retail.example'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    let r = kam
        .post_form(&format!("/accounts/{id}/clients/{lucie_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        lucie.get("/portal").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    // Her session (and its CSRF token) is gone: back on the login page first.
    lucie.csrf = None;
    let r = lucie
        .post_form(
            "/login",
            &[
                ("email", "lucie.marchand@lumiere-retail.example"),
                ("password", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "cannot sign in again");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'client.%' ORDER BY id")
            .fetch_all(&kam.db)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "client.invited",
            "client.joined",
            "client.invited",
            "client.revoked"
        ]
    );
}

#[tokio::test]
async fn with_a_mail_server_configured_the_invitation_is_mailed_not_shown() {
    let dir = std::env::temp_dir().join(format!("boussole-mail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("file://{}", dir.display()));
    config.public_url = Some("https://boussole.example.com".parse().unwrap());
    let mut kam = TestApp::with_demo_config(config).await;
    kam.login("kam.alice@boussole.example").await;
    let id = lumiere(&kam).await;
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[
                ("email", "paul.girard@lumiere-retail.example"),
                ("name", "Paul Girard"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The page only queued the message; the job sends it.
    assert_eq!(boussole::jobs::run_due(&kam.state).await.unwrap(), 1);
    assert!(
        r.text("#invitation-mailed")
            .contains("paul.girard@lumiere-retail.example")
    );
    assert_eq!(
        r.count("#invitation-link"),
        0,
        "the link is not shown when mailed"
    );
    let mails: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        // Quoted-printable bodies wrap long lines with soft breaks ("=" at line end).
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("=\r\n", "")
        })
        .filter(|m| m.contains("paul.girard@lumiere-retail.example"))
        .collect();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("Paul Girard"));
    let start = mail
        .find("https://boussole.example.com/invitation/")
        .expect("the link is in the mail");
    let token: String = mail[start + "https://boussole.example.com/invitation/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 64);
    // The mailed link works.
    let mut contact = kam.other_browser();
    let page = contact.get(&format!("/invitation/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    std::fs::remove_dir_all(&dir).ok();
}
