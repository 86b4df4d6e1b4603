//! The account plan after its first slices (issue 12): objectives and risks
//! edited after creation, with the same checks as when added and audited.

mod common;

use axum::http::StatusCode;
use common::TestApp;

const ALICE: &str = "kam.alice@boussole.example";

async fn one(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn lumiere(app: &TestApp) -> i64 {
    one(app, "SELECT id FROM accounts WHERE slug = 'lumiere-retail'").await
}

/// Lumière's current demo plan (open).
async fn plan_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM account_plans WHERE account_id = $1 AND status <> 'closed' \
         ORDER BY period_start DESC LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn objectives_and_risks_are_edited_with_the_same_checks_and_audited() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let plan = plan_of(&app, lum).await;
    app.login(ALICE).await;
    let objective: i64 =
        sqlx::query_scalar("SELECT min(id) FROM account_objectives WHERE plan_id = $1")
            .bind(plan)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let page = app
        .get(&format!("/accounts/{lum}/plan?edit_objective={objective}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let target = format!("/accounts/{lum}/plan/objectives/{objective}");
    assert_eq!(
        page.attr("#new-objective form", "action"),
        Some(target.clone())
    );
    let old_title = page
        .attr("#new-objective input[name=title]", "value")
        .unwrap();
    assert!(!old_title.is_empty(), "the form holds the objective");
    let id_s = objective.to_string();

    // Dates in the wrong order: refused in French, still editing, input kept.
    let r = app
        .post_form(
            &target,
            &[
                ("objective_id", &id_s),
                ("title", "Objectif revu"),
                ("side", "ours"),
                ("starts", "2026-09-01"),
                ("due", "2026-03-01"),
                ("status", "on_track"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains("L'échéance doit tomber le jour du début ou après."),
        "{}",
        r.text(".error-summary")
    );
    assert_eq!(
        r.attr("#new-objective form", "action"),
        Some(target.clone())
    );
    assert_eq!(
        r.attr("#new-objective input[name=title]", "value")
            .as_deref(),
        Some("Objectif revu")
    );
    let title = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT title FROM account_objectives WHERE id = $1")
                .bind(objective)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(title(&app).await, old_title, "nothing written");

    // A valid edit is written and audited with what it was before.
    let r = app
        .post_form(
            &target,
            &[
                ("objective_id", &id_s),
                ("title", "Objectif revu"),
                ("side", "ours"),
                ("starts", "2026-01-01"),
                ("due", "2026-12-31"),
                ("status", "at_risk"),
                ("shared", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(title(&app).await, "Objectif revu");
    let before: String = sqlx::query_scalar(
        "SELECT before ->> 'title' FROM audit_log WHERE action = 'plan_objective.updated' \
         AND entity_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&id_s)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(before, old_title);

    // A risk: a new one, then edited; a title too long is refused in English.
    let r = app
        .post_form(
            &format!("/accounts/{lum}/plan/risks"),
            &[
                ("plan", &plan.to_string()),
                ("title", "Grève"),
                ("level", "low"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let risk = one(&app, "SELECT id FROM plan_risks WHERE title = 'Grève'").await;
    let page = app
        .get(&format!("/accounts/{lum}/plan?edit_risk={risk}"))
        .await;
    let target = format!("/accounts/{lum}/plan/risks/{risk}");
    assert_eq!(page.attr("#new-risk form", "action"), Some(target.clone()));
    assert_eq!(
        page.attr("#new-risk input[name=title]", "value").as_deref(),
        Some("Grève")
    );
    app.accept_language = Some("en".into());
    let long = "x".repeat(300);
    let risk_s = risk.to_string();
    let r = app
        .post_form(
            &target,
            &[("risk_id", &risk_s), ("title", &long), ("level", "high")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr("#new-risk form", "action"), Some(target.clone()));
    assert!(
        r.text(".error-summary").contains("too long"),
        "{}",
        r.text(".error-summary")
    );
    let r = app
        .post_form(
            &target,
            &[
                ("risk_id", &risk_s),
                ("title", "Grève des transporteurs"),
                ("level", "high"),
                ("mitigation", "Second transporteur"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (t, level, shared): (String, String, bool) =
        sqlx::query_as("SELECT title, level, shared FROM plan_risks WHERE id = $1")
            .bind(risk)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (t.as_str(), level.as_str(), shared),
        ("Grève des transporteurs", "high", false)
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"plan_risk.updated".to_owned())
    );

    // Another account's risk through this account's URL: not found.
    let nw = one(
        &app,
        "SELECT id FROM accounts WHERE slug = 'northwind-logistics'",
    )
    .await;
    let r = app
        .post_form(
            &format!("/accounts/{nw}/plan/risks/{risk}"),
            &[("risk_id", &risk_s), ("title", "x"), ("level", "high")],
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
}

/// The cells of an account's map, in a stable order, as plain text.
async fn cells(
    app: &TestApp,
    account: i64,
) -> Vec<(String, String, String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT u.name, o.name, c.served_by, c.competitor, c.value::text FROM whitespace_cells c \
         JOIN account_units u ON u.id = c.unit_id JOIN offerings o ON o.id = c.offering_id \
         WHERE c.account_id = $1 ORDER BY u.name, o.name",
    )
    .bind(account)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_whitespace_map_round_trips_through_csv_and_refuses_bad_lines() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    app.login(ALICE).await;
    let page = app.get(&format!("/accounts/{lum}/plan/whitespace")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.count("#whitespace-table tbody tr") >= 3,
        "the demo map"
    );
    let before = cells(&app, lum).await;
    assert!(before.iter().any(|c| c.2 == "competitor" && c.3.is_some()));

    let csv = app
        .get(&format!("/accounts/{lum}/plan/whitespace.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.clone();
    assert_eq!(
        text.lines().count(),
        before.len() + 1,
        "a header and one line a cell"
    );

    // Emptied, then imported from the export: the same map.
    sqlx::query("DELETE FROM whitespace_cells WHERE account_id = $1")
        .bind(lum)
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/accounts/{lum}/plan/whitespace/import"),
            &[("csv", &text)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(cells(&app, lum).await, before);

    // An unknown offering on line 3: refused, the line named, input kept, nothing written.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // (The demo's names hold no comma.)
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields[1] = "Téléportation";
    lines[2] = fields.join(",");
    let bad = lines.join("\n");
    sqlx::query("DELETE FROM whitespace_cells WHERE account_id = $1")
        .bind(lum)
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/accounts/{lum}/plan/whitespace/import"),
            &[("csv", &bad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.text("#import-errors");
    assert!(
        msg.contains("Ligne 3") && msg.contains("offre inconnue « Téléportation »"),
        "{msg}"
    );
    assert!(
        r.text("textarea#csv").contains("Téléportation"),
        "input kept"
    );
    assert!(cells(&app, lum).await.is_empty(), "nothing written");
}

#[tokio::test]
async fn an_open_cell_becomes_an_opportunity_in_one_click() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    app.login(ALICE).await;
    let (unit, offering, value): (i64, i64, rust_decimal::Decimal) = sqlx::query_as(
        "SELECT unit_id, offering_id, value FROM whitespace_cells \
         WHERE account_id = $1 AND served_by = 'competitor' AND value IS NOT NULL LIMIT 1",
    )
    .bind(lum)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let page = app.get(&format!("/accounts/{lum}/plan/whitespace")).await;
    let form =
        format!("#whitespace-table tr[data-unit=\"{unit}\"] td[data-offering=\"{offering}\"] form");
    assert_eq!(page.count(&form), 1, "an open cell offers the button");
    let (u, o) = (unit.to_string(), offering.to_string());
    let r = app
        .post_form(
            &format!("/accounts/{lum}/plan/whitespace/opportunity"),
            &[("unit", &u), ("offering", &o)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (name, v, outcome): (String, rust_decimal::Decimal, String) = sqlx::query_as(
        "SELECT p.name, p.value, p.outcome FROM whitespace_cells c JOIN opportunities p ON p.id = c.opportunity_id \
         WHERE c.unit_id = $1 AND c.offering_id = $2",
    )
    .bind(unit)
    .bind(offering)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((v, outcome.as_str()), (value, "open"));
    let opps = app.get(&format!("/accounts/{lum}/opportunities")).await;
    assert!(opps.body.contains(&name), "the opportunity is listed");
    let page = app.get(&format!("/accounts/{lum}/plan/whitespace")).await;
    assert_eq!(page.count(&form), 0, "once only");
    // A cell we serve is not an opportunity.
    let (unit, offering): (i64, i64) = sqlx::query_as(
        "SELECT unit_id, offering_id FROM whitespace_cells WHERE account_id = $1 AND served_by = 'us' LIMIT 1",
    )
    .bind(lum)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let r = app
        .post_form(
            &format!("/accounts/{lum}/plan/whitespace/opportunity"),
            &[
                ("unit", &unit.to_string()),
                ("offering", &offering.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The client never sees the map.
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let r = client
        .get(&format!("/accounts/{lum}/plan/whitespace"))
        .await;
    assert_ne!(r.status, StatusCode::OK);
    let r = client.get("/portal/plan").await;
    assert!(!r.body.contains("Plateforme Nord"));
}

#[tokio::test]
async fn shared_plan_changes_reach_the_clients_feed_internal_ones_never() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let plan = plan_of(&app, lum).await.to_string();
    let contact = one(
        &app,
        &format!("SELECT min(id) FROM contacts WHERE account_id = {lum}"),
    )
    .await;
    let owner = format!("c:{contact}");
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let added = |page: &common::TestResponse| {
        page.texts("#feed li")
            .iter()
            .filter(|t| t.contains("a ajouté une action au plan"))
            .count()
    };
    let start = added(&client.get("/portal/activity").await);
    app.login(ALICE).await;
    let add = |title: &'static str, shared: bool| {
        let mut f = vec![
            ("plan", plan.clone()),
            ("title", title.to_owned()),
            ("owner", owner.clone()),
            ("due", "2027-02-01".to_owned()),
        ];
        if shared {
            f.push(("shared", "on".to_owned()));
        }
        f
    };
    let path = format!("/accounts/{lum}/plan/actions");
    let internal = add("Préparer la renégociation", false);
    let fields: Vec<(&str, &str)> = internal.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&path, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let feed = client.get("/portal/activity").await;
    assert_eq!(
        added(&feed),
        start,
        "an internal action never reaches the client"
    );
    let staff_feed = app.get(&format!("/accounts/{lum}/activity")).await;
    assert!(
        staff_feed
            .text("#feed")
            .contains("a ajouté une action au plan")
    );

    let shared = add("Revue commune des ruptures", true);
    let fields: Vec<(&str, &str)> = shared.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&path, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let feed = client.get("/portal/activity").await;
    assert_eq!(
        added(&feed),
        start + 1,
        "the shared action reaches the client"
    );
    // Its status change too; the internal one's does not.
    let id_of = |t: &str| format!("SELECT id FROM plan_actions WHERE title = '{t}'");
    for (t, seen) in [
        ("Revue commune des ruptures", true),
        ("Préparer la renégociation", false),
    ] {
        let before = client.get("/portal/activity").await.texts("#feed li").len();
        let id = one(&app, &id_of(t)).await;
        let r = app
            .post_form(
                &format!("/accounts/{lum}/plan/actions/{id}"),
                &[("status", "in_progress")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let after = client.get("/portal/activity").await.texts("#feed li").len();
        assert_eq!(after, before + usize::from(seen), "{t}");
    }
}

/// The fields of a contact's edit form as stored, with `changes` applied.
async fn contact_form(app: &TestApp, id: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let (name, function, influence, attitude, reports_to, sponsor): (
        String,
        String,
        String,
        String,
        Option<i64>,
        bool,
    ) = sqlx::query_as(
        "SELECT name, function, influence, attitude, reports_to, executive_sponsor FROM contacts WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut f: Vec<(String, String)> = vec![
        ("name".into(), name),
        ("function".into(), function),
        ("influence".into(), influence),
        ("attitude".into(), attitude),
        ("language".into(), "fr".into()),
        (
            "reports_to".into(),
            reports_to.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ];
    if sponsor {
        f.push(("executive_sponsor".into(), "on".into()));
    }
    for (k, v) in changes {
        f.retain(|(n, _)| n != k);
        if !v.is_empty() || *k == "reports_to" {
            f.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    f
}

async fn post_contact(
    app: &mut TestApp,
    account: i64,
    id: i64,
    f: &[(String, String)],
) -> common::TestResponse {
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(&format!("/accounts/{account}/contacts/{id}"), &fields)
        .await
}

#[tokio::test]
async fn reports_to_refuses_loops_and_other_accounts_and_coverage_warns() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    app.login(ALICE).await;
    // The demo's tree: a sponsor at the top, someone two levels below.
    let top = one(
        &app,
        &format!("SELECT id FROM contacts WHERE account_id = {lum} AND reports_to IS NULL AND executive_sponsor"),
    )
    .await;
    let page = app
        .get(&format!("/accounts/{lum}/plan/relationships"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.count("svg.orgchart g.orgchart__person") >= 3,
        "the chart"
    );
    assert!(
        page.count("svg.orgchart path.orgchart__link") >= 2,
        "reporting lines"
    );
    assert_eq!(
        page.count("#relations-table tbody tr"),
        page.count("svg.orgchart g.orgchart__person"),
        "the table holds the same people"
    );
    let below: i64 = one(
        &app,
        &format!(
            "SELECT c.id FROM contacts c JOIN contacts m ON m.id = c.reports_to \
             WHERE c.account_id = {lum} AND m.reports_to IS NOT NULL LIMIT 1"
        ),
    )
    .await;
    // The top under someone who reports to them: a loop, refused, nothing written.
    let f = contact_form(&app, top, &[("reports_to", &below.to_string())]).await;
    let r = post_contact(&mut app, lum, top, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary").contains("Cela ferait une boucle"),
        "{}",
        r.text(".error-summary")
    );
    let still: Option<i64> = sqlx::query_scalar("SELECT reports_to FROM contacts WHERE id = $1")
        .bind(top)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(still, None);
    // A manager from another account: refused.
    let nw_contact = one(
        &app,
        "SELECT min(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id \
         WHERE a.slug = 'northwind-logistics'",
    )
    .await;
    let f = contact_form(&app, below, &[("reports_to", &nw_contact.to_string())]).await;
    let r = post_contact(&mut app, lum, below, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains("parmi les contacts de ce compte")
    );

    // Coverage: no sponsor → the warning appears; named again → it goes.
    let warn = "#coverage-warnings li[data-warning=\"relations-warning-sponsor\"]";
    assert_eq!(page.count(warn), 0);
    let f = contact_form(&app, top, &[("executive_sponsor", "")]).await;
    let r = post_contact(&mut app, lum, top, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .get(&format!("/accounts/{lum}/plan/relationships"))
        .await;
    assert_eq!(page.count(warn), 1);
    assert!(page.text(warn).contains("aucun sponsor exécutif"));
    let f = contact_form(&app, top, &[("executive_sponsor", "on")]).await;
    let r = post_contact(&mut app, lum, top, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .get(&format!("/accounts/{lum}/plan/relationships"))
        .await;
    assert_eq!(page.count(warn), 0);
    // No champion: every champion turned neutral → that warning.
    sqlx::query("UPDATE contacts SET attitude = 'neutral' WHERE account_id = $1")
        .bind(lum)
        .execute(&app.db)
        .await
        .unwrap();
    let page = app
        .get(&format!("/accounts/{lum}/plan/relationships"))
        .await;
    assert_eq!(
        page.count("#coverage-warnings li[data-warning=\"relations-warning-champion\"]"),
        1
    );
}

/// CSV text (byte-order mark and all) as rows of cells, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_plan_tables_and_their_csvs_say_the_same_in_french_and_english() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    app.login(ALICE).await;
    for (lang, action_header, objective_header) in
        [("fr", "Action", "Objectif"), ("en", "Action", "Objective")]
    {
        app.accept_language = Some(lang.into());
        let page = app.get(&format!("/accounts/{lum}/plan")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        let sel = |s: &str| scraper::Selector::parse(s).unwrap();
        let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_owned();

        // Actions: the same rows in the same order, the same facts.
        let csv = csv_rows(
            &app.get(&format!("/accounts/{lum}/plan/actions.csv"))
                .await
                .body,
        );
        assert_eq!(csv[0][1], action_header, "{lang} header");
        let rows: Vec<_> = html.select(&sel("#action-table tbody tr")).collect();
        assert_eq!(rows.len(), csv.len() - 1, "{lang}: one CSV line a row");
        assert!(!rows.is_empty());
        for (tr, line) in rows.iter().zip(&csv[1..]) {
            let v = tr.value();
            assert_eq!(v.attr("data-action"), Some(line[0].as_str()));
            let cells: Vec<String> = tr.select(&sel("th, td")).map(text).collect();
            assert_eq!(cells[0], line[1], "title");
            let objective = if line[2].is_empty() {
                "—"
            } else {
                line[2].as_str()
            };
            assert_eq!(cells[1], objective, "objective");
            assert!(
                cells[2].starts_with(&line[3]),
                "owner {} / {}",
                cells[2],
                line[3]
            );
            assert_eq!(v.attr("data-status"), Some(line[7].as_str()), "status");
            assert_eq!(v.attr("data-overdue"), Some(line[8].as_str()), "overdue");
            assert_eq!(v.attr("data-shared"), Some(line[9].as_str()), "shared");
            let kpis = tr.select(&sel("td a[href*='/kpis/']")).count();
            let listed = line[10].split_whitespace().count();
            assert_eq!(kpis, listed, "linked KPIs");
        }

        // Objectives likewise.
        let csv = csv_rows(
            &app.get(&format!("/accounts/{lum}/plan/objectives.csv"))
                .await
                .body,
        );
        assert_eq!(csv[0][1], objective_header, "{lang} header");
        let rows: Vec<_> = html.select(&sel("#objective-table tbody tr")).collect();
        assert_eq!(
            rows.len(),
            csv.len() - 1,
            "{lang}: one CSV line an objective"
        );
        for (tr, line) in rows.iter().zip(&csv[1..]) {
            let v = tr.value();
            assert_eq!(v.attr("data-objective"), Some(line[0].as_str()));
            let title = tr.select(&sel("th")).next().map(text).unwrap_or_default();
            assert!(title.starts_with(&line[1]), "{title} / {}", line[1]);
            assert_eq!(v.attr("data-side"), Some(line[2].as_str()), "side");
            assert_eq!(v.attr("data-status"), Some(line[6].as_str()), "status");
            assert_eq!(v.attr("data-shared"), Some(line[10].as_str()), "shared");
            let cells: Vec<String> = tr.select(&sel("td")).map(text).collect();
            let owner = if line[3].is_empty() {
                "—"
            } else {
                line[3].as_str()
            };
            assert_eq!(cells[1], owner, "owner");
            // Percent complete: the CSV's plain number is the page's, in the page's words.
            let pct = &cells[5];
            if line[9].is_empty() {
                assert_eq!(pct, "—");
            } else {
                assert!(pct.starts_with(&line[9]), "{pct} / {}", line[9]);
            }
        }
    }
}
