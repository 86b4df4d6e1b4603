//! The balanced scorecard page: numbers computed independently on small cases,
//! entering values, conflicts, bad input, access.

mod common;

use axum::http::StatusCode;
use boussole::domain::Frequency;
use boussole::period::Period;
use chrono::Utc;
use common::build::{self, Kpi};
use common::{TestApp, count};

struct Case {
    app: TestApp,
    account: i64,
    revenue: i64,
    margin: i64,
    response: i64,
    nps: i64,
    otif: i64,
}

fn this_month() -> Period {
    Period::containing(Frequency::Monthly, Utc::now().date_naive())
}

/// A small account whose scores are worked out by hand below (thresholds: green
/// from 100 %, amber from 90 %; scores interpolated across them, see `scoring`):
/// - financial: revenue 90 vs 100 (weight 2) → attainment 0.90, at the amber
///   threshold: score 70, amber; margin 44 vs 40 (weight 1) → 1.10, score 100
///   (capped), green. Universe: (2×70 + 1×100) / 3 = 80.
/// - relationship: response time 6 h vs 4 h, lower is better → 1 − (6−4)/4 = 0.5,
///   red: score 70 × 50/90 = 38.89; NPS last entered 10 months ago → stale, left
///   out. Universe: 38.89, shown rounded down: 38.
/// - logistics: OTIF with no value → no data, left out.
/// - Balanced score: mean of 80 and 38.89 = 59.44, shown 59.
///
/// The values were recorded 45 days ago, so last month's scorecard had them.
async fn case() -> Case {
    let mut app = TestApp::with_demo().await;
    let db = app.db.clone();
    let account = build::account(&db, "acme-test", "kam.alice@boussole.example").await;
    let last = this_month().prev();
    let revenue = build::kpi(
        &db,
        account,
        Kpi {
            code: "t_revenue",
            weight: 2.0,
            ..Kpi::default()
        },
    )
    .await;
    let margin = build::kpi(
        &db,
        account,
        Kpi {
            code: "t_margin",
            target: 40.0,
            ..Kpi::default()
        },
    )
    .await;
    let response = build::kpi(
        &db,
        account,
        Kpi {
            code: "t_response",
            universe: "relationship",
            unit: "hours",
            direction: "lower_better",
            target: 4.0,
            ..Kpi::default()
        },
    )
    .await;
    let nps = build::kpi(
        &db,
        account,
        Kpi {
            code: "t_nps",
            universe: "relationship",
            unit: "points",
            domain: "client",
            target: 40.0,
            ..Kpi::default()
        },
    )
    .await;
    let otif = build::kpi(
        &db,
        account,
        Kpi {
            code: "t_otif",
            universe: "logistics",
            ..Kpi::default()
        },
    )
    .await;
    build::value(&db, revenue, last.start, 90.0).await;
    build::value(&db, margin, last.start, 44.0).await;
    build::value(&db, response, last.start, 6.0).await;
    build::value(&db, nps, this_month().offset(-10).start, 55.0).await;
    sqlx::query(
        "UPDATE kpi_values SET created_at = now() - interval '45 days' \
         WHERE account_kpi_id IN (SELECT id FROM account_kpis WHERE account_id = $1)",
    )
    .bind(account)
    .execute(&db)
    .await
    .unwrap();
    app.login("kam.alice@boussole.example").await;
    Case {
        app,
        account,
        revenue,
        margin,
        response,
        nps,
        otif,
    }
}

fn row_rag(page: &common::TestResponse, kpi: i64) -> String {
    page.attr(&format!("tr#kpi-{kpi}"), "data-rag")
        .unwrap_or_default()
}

#[tokio::test]
async fn the_scorecard_shows_scores_statuses_freshness_and_triangulation() {
    let mut c = case().await;
    let page = c.app.get(&format!("/accounts/{}", c.account)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for u in [
        "marketing",
        "process",
        "relationship",
        "logistics",
        "financial",
    ] {
        assert_eq!(
            page.count(&format!("section[data-universe={u}]")),
            1,
            "universe {u}"
        );
    }
    assert_eq!(
        page.attr(
            "[data-universe=financial] [data-universe-score]",
            "data-universe-score"
        )
        .as_deref(),
        Some("80")
    );
    assert_eq!(
        page.attr(
            "[data-universe=relationship] [data-universe-score]",
            "data-universe-score"
        )
        .as_deref(),
        Some("38")
    );
    assert_eq!(
        page.attr(
            "[data-universe=logistics] [data-universe-score]",
            "data-universe-score"
        )
        .as_deref(),
        Some("—")
    );
    assert_eq!(
        page.attr("#overall [data-score]", "data-score").as_deref(),
        Some("59")
    );
    // Statuses agree with the rows: financial (one amber, one green) reads
    // amber, relationship (red) reads at risk, the balanced score at risk.
    assert!(
        page.text("[data-universe=financial] h2 .badge")
            .ends_with("À surveiller")
    );
    assert!(
        page.text("[data-universe=relationship] h2 .badge")
            .ends_with("À risque")
    );
    assert_eq!(page.text("#overall .badge"), "À risque");

    assert_eq!(row_rag(&page, c.revenue), "amber");
    assert_eq!(row_rag(&page, c.margin), "green");
    assert_eq!(row_rag(&page, c.response), "red");
    assert_eq!(row_rag(&page, c.nps), "stale");
    assert_eq!(row_rag(&page, c.otif), "none");
    // Status in words, not colour alone.
    assert_eq!(
        page.text(&format!("tr#kpi-{} .badge", c.response)),
        "Hors objectif"
    );
    // A stale row keeps its last status beside "stale".
    assert_eq!(
        page.text(&format!("tr#kpi-{} .badge", c.nps)),
        "Périmé · était Dans l’objectif"
    );
    assert_eq!(
        page.attr(&format!("tr#kpi-{} .badge", c.nps), "data-last-rag")
            .as_deref(),
        Some("green")
    );
    assert!(page.text(&format!("tr#kpi-{}", c.nps)).contains("périmé"));
    // Sparklines with an accessible name.
    assert!(
        page.attr(&format!("tr#kpi-{} svg.sparkline", c.revenue), "aria-label")
            .is_some()
    );
    // Triangulation: the only client KPI (NPS) is stale.
    assert_eq!(page.text("#triangulation [data-domain=client] td"), "0 / 1");
    assert_eq!(
        page.text("#triangulation [data-domain=internal] td"),
        "3 / 4"
    );
    assert!(page.count("#client-warning") == 1);
    // The period is in the URL and on the page.
    let month = this_month().prev().code();
    let earlier = c
        .app
        .get(&format!("/accounts/{}?period={month}", c.account))
        .await;
    assert_eq!(
        earlier
            .attr("input[name=period][type=month]", "value")
            .as_deref(),
        Some(month.as_str())
    );
    let bad = c
        .app
        .get(&format!("/accounts/{}?period=septembre", c.account))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("main").contains("AAAA-MM"));
}

#[tokio::test]
async fn entering_a_value_moves_status_scores_and_explanation_and_is_kept_in_history() {
    let mut c = case().await;
    let month = this_month();
    // 3 h against 4 h, lower is better: 1 − (3−4)/4 = 1.25 → score 100, green.
    let r = c
        .app
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", c.account, c.response),
            &[
                ("from", "scorecard"),
                ("month", &month.code()),
                ("period", &month.code()),
                ("value", "3"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.app.get(r.location().unwrap()).await;
    assert_eq!(page.text(".flash--success"), "La valeur a été enregistrée.");
    assert_eq!(row_rag(&page, c.response), "green");
    assert_eq!(
        page.attr(
            "[data-universe=relationship] [data-universe-score]",
            "data-universe-score"
        )
        .as_deref(),
        Some("100")
    );
    // (80 + 100) / 2 = 90: green.
    assert_eq!(
        page.attr("#overall [data-score]", "data-score").as_deref(),
        Some("90")
    );
    assert_eq!(page.text("#overall .badge"), "Bon");
    // The explanation names the KPI that moved the score: half of 38.89 → 100,
    // +30.56 points.
    let explanation = page.text("#explanation");
    assert!(explanation.contains("FR t_response"), "{explanation}");
    assert!(explanation.contains("+30,6"), "{explanation}");
    assert!(page.text("#overall-trend").starts_with('+'));
    assert_eq!(
        page.attr("#overall-trend", "class").as_deref(),
        Some("stat__delta stat__delta--up")
    );

    // The KPI page has the value and the change.
    let kpi = c
        .app
        .get(&format!("/accounts/{}/kpis/{}", c.account, c.response))
        .await;
    assert_eq!(kpi.status, StatusCode::OK);
    assert_eq!(kpi.count("#changes tbody tr"), 1);
    assert!(kpi.text("#changes tbody tr").contains("Alice Martin"));
    assert!(kpi.count("figure.chart svg[role=img]") == 1);
    // Edit it again: the history keeps before and after.
    let r = c
        .app
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", c.account, c.response),
            &[
                ("period", &month.code()),
                ("value", "3,5"),
                ("comment", "Nouvelle astreinte"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let kpi = c
        .app
        .get(&format!("/accounts/{}/kpis/{}", c.account, c.response))
        .await;
    let latest_change = kpi.text("#changes tbody tr");
    assert!(latest_change.contains("3 h 3,5 h"), "{latest_change}");
    assert!(latest_change.contains("Nouvelle astreinte"));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'kpi_value.%' AND at > now() - interval '1 hour'")
            .fetch_one(&c.app.db)
            .await
            .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn a_second_editor_gets_a_conflict_and_nothing_is_overwritten() {
    let mut c = case().await;
    let mut other = c.app.other_browser();
    other.login("direction@boussole.example").await;
    let last = this_month().prev().code();
    let url = format!("/accounts/{}/kpis/{}/values", c.account, c.revenue);
    // Both loaded version 1 of last month's revenue (90).
    let first = c
        .app
        .post_form(
            &url,
            &[("period", &last), ("value", "95"), ("version", "1")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = other
        .post_form(
            &url,
            &[("period", &last), ("value", "80"), ("version", "1")],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second.text(".error-summary").contains("Alice Martin"),
        "{}",
        second.body
    );
    assert_eq!(
        second.attr("input[name=value]", "value").as_deref(),
        Some("80"),
        "their input is kept"
    );
    let stored: f64 =
        sqlx::query_scalar("SELECT value::float8 FROM kpi_values WHERE account_kpi_id = $1")
            .bind(c.revenue)
            .fetch_one(&c.app.db)
            .await
            .unwrap();
    assert_eq!(stored, 95.0);
}

#[tokio::test]
async fn bad_values_are_refused_with_the_input_kept_and_nothing_written() {
    let mut c = case().await;
    let month = this_month().code();
    let url = format!("/accounts/{}/kpis/{}/values", c.account, c.margin);
    let before = count(&c.app.db, "kpi_value_history").await;
    let r = c
        .app
        .post_form(
            &url,
            &[
                ("from", "scorecard"),
                ("month", &month),
                ("period", &month),
                ("value", "douze"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr(&format!("#value-{}", c.margin), "value").as_deref(),
        Some("douze")
    );
    assert!(
        r.text(&format!("#value-{}-error", c.margin))
            .contains("Saisissez un nombre")
    );
    let r = c
        .app
        .post_form(&url, &[("period", &month), ("value", "5000")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("unité"));
    // A quarter code for a monthly KPI.
    let r = c
        .app
        .post_form(&url, &[("period", "2026-Q3"), ("value", "12")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("fréquence"));
    assert_eq!(count(&c.app.db, "kpi_value_history").await, before);
    // French decimals are fine.
    let r = c
        .app
        .post_form(&url, &[("period", &month), ("value", "12,5")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let stored: String = sqlx::query_scalar(
        "SELECT value::text FROM kpi_values WHERE account_kpi_id = $1 AND period = $2",
    )
    .bind(c.margin)
    .bind(this_month().start)
    .fetch_one(&c.app.db)
    .await
    .unwrap();
    assert_eq!(stored, "12.5");
}

#[tokio::test]
async fn only_the_right_people_reach_an_account_scorecard() {
    let c = case().await;
    let path = format!("/accounts/{}", c.account);
    let mut bruno = c.app.other_browser();
    bruno.login("kam.bruno@boussole.example").await;
    assert_eq!(
        bruno.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "another KAM's account"
    );
    assert_eq!(
        bruno
            .get(&format!("/accounts/{}/kpis/{}", c.account, c.revenue))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = bruno
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", c.account, c.revenue),
            &[("period", "2026-01"), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut client = c.app.other_browser();
    client.login("client@lumiere-retail.example").await;
    assert_eq!(client.get(&path).await.status, StatusCode::FORBIDDEN);
    let mut director = c.app.other_browser();
    director.login("direction@boussole.example").await;
    assert_eq!(director.get(&path).await.status, StatusCode::OK);
    assert_eq!(
        director.get(&format!("{path}/scorecard.csv")).await.status,
        StatusCode::OK
    );

    // A contributor who owns a KPI supplies its value from the inbox, and only that.
    sqlx::query("UPDATE account_kpis SET owner_id = (SELECT id FROM users WHERE email = 'finance@boussole.example') WHERE id = $1")
        .bind(c.margin)
        .execute(&c.app.db)
        .await
        .unwrap();
    let mut finance = c.app.other_browser();
    let inbox = finance.login("finance@boussole.example").await;
    assert!(
        inbox.count(&format!("tr[data-kpi='{}']", c.margin)) == 1,
        "{}",
        inbox.body
    );
    let month = this_month().prev().code();
    let r = finance
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", c.account, c.margin),
            &[
                ("period", &month),
                ("value", "41"),
                ("version", "1"),
                ("from", "inbox"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/inbox"), "{}", r.body);
    let source: String =
        sqlx::query_scalar("SELECT source FROM kpi_values WHERE account_kpi_id = $1")
            .bind(c.margin)
            .fetch_one(&c.app.db)
            .await
            .unwrap();
    assert_eq!(source, "contributor");
    let r = finance
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", c.account, c.revenue),
            &[("period", &month), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not their KPI");
    assert_eq!(
        finance.get(&path).await.status,
        StatusCode::FORBIDDEN,
        "no scorecard for contributors"
    );
}

#[tokio::test]
async fn the_scorecard_exports_what_it_shows() {
    let mut c = case().await;
    let csv = c
        .app
        .get(&format!("/accounts/{}/scorecard.csv", c.account))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut rdr = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let response = rows.iter().find(|r| &r[1] == "t_response").unwrap();
    assert_eq!(&response[4], "6");
    assert_eq!(&response[7], "Hors objectif");
    let history = c
        .app
        .get(&format!(
            "/accounts/{}/kpis/{}/history.csv",
            c.account, c.revenue
        ))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("90"));
}
