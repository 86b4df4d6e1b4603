//! The director's view on the demo portfolio: portfolio cockpit and its CSV,
//! key-account selection (matrix, warnings, refused input), drivers of NPS, and
//! who may see what.

mod common;

use axum::http::StatusCode;
use common::TestApp;

const DIRECTOR: &str = "direction@boussole.example";
const ALICE: &str = "kam.alice@boussole.example";

async fn director() -> TestApp {
    let mut app = TestApp::with_demo().await;
    app.login(DIRECTOR).await;
    app
}

#[tokio::test]
async fn portfolio_lists_every_account_and_the_csv_matches_the_filter() {
    let mut app = director().await;
    let page = app.get("/portfolio").await;
    assert_eq!(page.status, StatusCode::OK);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(page.count("tr[data-account]"), total as usize);
    for col in [
        "tier",
        "owner",
        "stage",
        "score",
        "trend",
        "nps",
        "revenue",
        "growth",
        "clv",
        "fresh",
        "validated",
        "contested",
        "review",
    ] {
        assert_eq!(
            page.count(&format!("tr[data-account] [data-col={col}]")),
            total as usize,
            "{col}"
        );
    }
    assert_eq!(
        page.count("tr[data-account] td[data-col=universe]"),
        5 * total as usize
    );
    // Demo data fills the money and review columns of Lumière.
    let lumiere: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    for col in ["nps", "revenue", "growth", "clv", "review"] {
        let t = page.text(&format!("tr[data-account=\"{lumiere}\"] [data-col={col}]"));
        assert_ne!(t, "—", "{col}");
    }

    // The bulk computation agrees with each account's own scorecard.
    for slug in [
        "lumiere-retail",
        "northwind-logistics",
        "helios-energy",
        "alpine-textiles",
    ] {
        let id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
            .bind(slug)
            .fetch_one(&app.db)
            .await
            .unwrap();
        let card = app.get(&format!("/accounts/{id}")).await;
        let overall = card.attr("#overall .stat__value", "data-score").unwrap();
        let cell = page.text(&format!("tr[data-account=\"{id}\"] [data-col=score]"));
        assert!(cell.starts_with(&overall), "{slug}: {cell} vs {overall}");
        let trend = card.text("#overall-trend");
        let row_trend = page.text(&format!("tr[data-account=\"{id}\"] [data-col=trend]"));
        assert_eq!(
            trend.split_whitespace().next(),
            row_trend.split_whitespace().nth(1),
            "{slug}: trend"
        );
    }
    let filtered = app
        .get("/portfolio?tier=key_account&sort=score&dir=desc")
        .await;
    let ids: Vec<String> = filtered
        .html()
        .select(&scraper::Selector::parse("tr[data-account]").unwrap())
        .map(|e| e.value().attr("data-account").unwrap().to_owned())
        .collect();
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE tier = 'key_account'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(ids.len(), keys as usize);
    let href = filtered.attr("#portfolio-csv", "href").unwrap();
    let csv = app.get(&href.replace("&amp;", "&")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut rd = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let csv_ids: Vec<String> = rd.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(csv_ids, ids, "same rows, same order as the filtered view");
}

#[tokio::test]
async fn a_kam_sees_only_their_accounts_and_clients_reach_none_of_the_pages() {
    let mut app = TestApp::with_demo().await;
    app.login(ALICE).await;
    let page = app.get("/portfolio").await;
    let mine: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM accounts a JOIN users u ON u.email = $1 \
         WHERE a.owner_id = u.id OR EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = u.id)",
    )
    .bind(ALICE)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!mine.is_empty());
    assert_eq!(page.count("tr[data-account]"), mine.len());
    for id in &mine {
        assert_eq!(page.count(&format!("tr[data-account=\"{id}\"]")), 1);
    }
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    for path in [
        "/portfolio",
        "/portfolio.csv",
        "/selection",
        "/selection/criteria",
        "/capabilities",
        "/drivers",
        "/drivers/otif?outcome=nps",
        "/director/settings",
    ] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

async fn simple_criteria(app: &mut TestApp) {
    let r = app
        .post_form(
            "/selection/criteria",
            &[
                ("c0_axis", "attractiveness"),
                ("c0_name", "A1"),
                ("c0_weight", "60"),
                ("c0_source", "rating"),
                ("c1_axis", "attractiveness"),
                ("c1_name", "A2"),
                ("c1_weight", "40"),
                ("c1_source", "rating"),
                ("c2_axis", "strength"),
                ("c2_name", "S1"),
                ("c2_weight", "100"),
                ("c2_source", "rating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn criterion(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM selection_criteria WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn selection_places_every_rated_account_and_warns_over_the_limit() {
    let mut app = director().await;
    let page = app.get("/selection").await;
    assert_eq!(page.status, StatusCode::OK);
    let rated: i64 = sqlx::query_scalar("SELECT count(DISTINCT account_id) FROM selection_ratings")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        page.count("#selection-table tr[data-account]"),
        rated as usize
    );
    assert_eq!(
        page.count("#matrix svg[role=img][aria-labelledby=matrix-title]"),
        1
    );
    assert_eq!(page.count("li[data-warning=too_many_key_accounts]"), 0);

    // A small case: attractiveness = (5·60 + 2·40)/100 = 3.8 (high), strength 1 (low).
    simple_criteria(&mut app).await;
    let (a1, a2, s1) = (
        criterion(&app, "A1").await,
        criterion(&app, "A2").await,
        criterion(&app, "S1").await,
    );
    let lumiere: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/selection/accounts/{lumiere}"),
            &[
                (&format!("r{a1}") as &str, "5"),
                (&format!("r{a2}"), "2"),
                (&format!("r{s1}"), "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get("/selection").await;
    let row = format!("#selection-table tr[data-account=\"{lumiere}\"]");
    assert_eq!(
        page.text(&format!("{row} [data-col=attractiveness]")),
        "3,8"
    );
    assert_eq!(page.text(&format!("{row} [data-col=strength]")), "1");
    assert_eq!(page.attr(&row, "data-cell").as_deref(), Some("high-low"));
    assert_eq!(
        page.attr(&row, "data-reading").as_deref(),
        Some("selective")
    );

    // Lower the limit below the demo's 8 key accounts: the warning appears.
    let r = app
        .post_form(
            "/director/settings",
            &[
                ("max_key_accounts", "5"),
                ("kam_share", "1,5"),
                ("retention_probability", "85"),
                ("discount_rate", "8"),
                ("horizon_years", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get("/selection").await;
    assert_eq!(page.count("li[data-warning=too_many_key_accounts]"), 1);
}

#[tokio::test]
async fn bad_criteria_and_ratings_are_refused_with_the_input_kept_and_nothing_saved() {
    let mut app = director().await;
    let before: Vec<(i64, String, i32)> =
        sqlx::query_as("SELECT id, name, weight FROM selection_criteria ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    // Weights adding up to 90.
    let r = app
        .post_form(
            "/selection/criteria",
            &[
                ("c0_axis", "attractiveness"),
                ("c0_name", "Taille"),
                ("c0_weight", "60"),
                ("c1_axis", "attractiveness"),
                ("c1_name", "Croissance"),
                ("c1_weight", "30"),
                ("c2_axis", "strength"),
                ("c2_name", "Part"),
                ("c2_weight", "100"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#error-summary").contains("90"),
        "{}",
        r.text("#error-summary")
    );
    assert!(r.body.contains("value=\"Taille\""));
    // A sixth criterion on one axis.
    let mut fields: Vec<(String, String)> = Vec::new();
    for i in 0..6 {
        fields.push((format!("c{i}_axis"), "strength".into()));
        fields.push((format!("c{i}_name"), format!("S{i}")));
        fields.push((
            format!("c{i}_weight"),
            if i == 0 { "50" } else { "10" }.into(),
        ));
    }
    fields.push(("c9_axis".into(), "attractiveness".into()));
    fields.push(("c9_name".into(), "A".into()));
    fields.push(("c9_weight".into(), "100".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app.post_form("/selection/criteria", &refs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#error-summary").contains('6'));
    assert!(r.body.contains("value=\"S5\""));
    let after: Vec<(i64, String, i32)> =
        sqlx::query_as("SELECT id, name, weight FROM selection_criteria ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(before, after, "nothing saved");

    // A rating out of range.
    let rating: i64 = sqlx::query_scalar(
        "SELECT id FROM selection_criteria WHERE source = 'rating' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let db = app.db.clone();
    let versions = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM selection_ratings")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let n = versions().await;
    let lumiere: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let key = format!("r{rating}");
    let r = app
        .post_form(&format!("/selection/accounts/{lumiere}"), &[(&key, "7")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr(&format!("#{key}"), "value").as_deref(), Some("7"));
    assert!(r.text("#error-summary").contains('5'));
    assert_eq!(versions().await, n, "no rating version written");
}

#[tokio::test]
async fn drivers_rank_the_planted_drivers_of_nps_at_the_top() {
    let mut app = director().await;
    let page = app.get("/drivers?outcome=nps").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#not-causation"), 1);
    let codes: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("#drivers-table tbody tr").unwrap())
        .map(|e| e.value().attr("data-kpi-code").unwrap().to_owned())
        .collect();
    println!("drivers of NPS: {codes:?}");
    // Ranked first: the strongest well-supported driver.
    assert_eq!(codes.first().map(String::as_str), Some("otif"), "{codes:?}");
    // By strength of the link alone, both planted drivers lead.
    let mut by_strength: Vec<(String, f64)> = codes
        .iter()
        .map(|c| {
            let rho = page
                .text(&format!("tr[data-kpi-code={c}] [data-col=rho]"))
                .replace(',', ".")
                .replace('+', "");
            (c.clone(), rho.parse::<f64>().unwrap().abs())
        })
        .collect();
    by_strength.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<&str> = by_strength
        .iter()
        .take(3)
        .map(|(c, _)| c.as_str())
        .collect();
    assert!(
        top.contains(&"otif") && top.contains(&"response_time"),
        "{by_strength:?}"
    );
    assert_eq!(
        page.attr("tr[data-kpi-code=response_time]", "data-sign")
            .as_deref(),
        Some("negative")
    );
    // Only 6 of the 8 NPS accounts measure response time: marked as weak evidence.
    assert_eq!(
        page.attr("tr[data-kpi-code=response_time]", "data-evidence")
            .as_deref(),
        Some("weak")
    );
    assert_eq!(
        page.text("tr[data-kpi-code=response_time] [data-col=accounts]"),
        "6"
    );
    let pairs: usize = page
        .text("tr[data-kpi-code=otif] [data-col=pairs]")
        .parse()
        .unwrap();
    assert!(pairs >= 8);
    assert!(
        page.text("tr[data-kpi-code=otif] [data-col=interval]")
            .starts_with('[')
    );
    let scatter = app.get("/drivers/otif?outcome=nps").await;
    assert_eq!(scatter.status, StatusCode::OK);
    assert_eq!(scatter.count("#scatter-table tbody tr"), pairs);
    assert_eq!(
        scatter.count("svg[role=img][aria-labelledby=scatter-title]"),
        1
    );
}

/// Every stored period mean is the mean of its values, computed afresh (none missing,
/// none extra, same bits).
async fn period_means_match_the_values(db: &sqlx::PgPool, when: &str) {
    let differing: i64 = sqlx::query_scalar(
        "WITH fresh AS (SELECT v.account_kpi_id, g.grain, \
                               date_trunc(g.grain, v.period::timestamp)::date AS period, \
                               avg(v.value)::float8 AS mean, count(*)::int AS n \
                        FROM kpi_values v CROSS JOIN (VALUES ('quarter'), ('year')) AS g (grain) \
                        GROUP BY 1, 2, 3), \
              kept AS (SELECT account_kpi_id, grain, period, mean, n FROM kpi_period_means) \
         SELECT count(*) FROM ((TABLE fresh EXCEPT TABLE kept) UNION ALL (TABLE kept EXCEPT TABLE fresh)) d",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(differing, 0, "{when}: period means differ from the values");
}

/// The drivers from the period means equal the drivers from the values, pair for pair
/// and bit for bit, for every outcome and for a yearly one.
async fn drivers_from_means_match_the_values(db: &sqlx::PgPool, when: &str) {
    use boussole::director::correlation::rank_drivers;
    use boussole::drivers::pairs::{self, Source};
    let since = chrono::Utc::now().date_naive() - chrono::Months::new(36);
    let yearly: String = sqlx::query_scalar(
        "SELECT k.code FROM account_kpis k JOIN kpi_templates t ON t.code = k.code \
         WHERE k.frequency = 'yearly' AND t.frequency = 'yearly' \
         GROUP BY k.code ORDER BY count(*) DESC, k.code LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let mut outcomes: Vec<&str> = boussole::drivers::OUTCOMES.to_vec();
    outcomes.push(&yearly);
    for outcome in outcomes {
        let grain = pairs::grain(db, outcome).await.unwrap();
        let from = |source| pairs::series(db, outcome, grain, since, None, source);
        let (means, values) = (
            from(Source::Rollups).await.unwrap(),
            from(Source::Values).await.unwrap(),
        );
        let n: usize = means.iter().map(|(_, obs)| obs.len()).sum();
        assert!(n > 0, "{when} {outcome}: some pairs");
        println!(
            "{when} {outcome} ({grain}): {} KPIs, {n} pairs",
            means.len()
        );
        assert!(means == values, "{when} {outcome}: pairs differ");
        assert_eq!(
            rank_drivers(means),
            rank_drivers(values),
            "{when} {outcome}"
        );
    }
}

#[tokio::test]
async fn drivers_from_period_means_equal_drivers_from_the_values_after_any_write() {
    let app = TestApp::with_demo().await;
    let db = &app.db;
    period_means_match_the_values(db, "demo").await;
    drivers_from_means_match_the_values(db, "demo").await;
    // Writes of every kind, one statement each, many rows at once: new numbers, moved
    // periods, deletions, a bulk insert into half-filled quarters, a KPI removed.
    for sql in [
        "UPDATE kpi_values SET value = value * 1.1 + 0.001 WHERE id % 7 = 0",
        "UPDATE kpi_values SET value = round(value, 1) WHERE id % 11 = 0",
        "UPDATE kpi_values SET comment = 'checked' WHERE id % 5 = 0",
        "DELETE FROM kpi_values WHERE id % 13 = 0",
        "UPDATE kpi_values v SET period = (v.period + interval '1 month')::date \
         FROM account_kpis k WHERE k.id = v.account_kpi_id AND k.frequency = 'monthly' \
           AND v.id % 17 = 0 AND NOT EXISTS (SELECT 1 FROM kpi_values w \
               WHERE w.account_kpi_id = v.account_kpi_id \
                 AND w.period = (v.period + interval '1 month')::date)",
        "INSERT INTO kpi_values (account_kpi_id, period, value) \
         SELECT v.account_kpi_id, (v.period - interval '1 month')::date, v.value + 1 \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.frequency = 'monthly' AND v.id % 3 = 0 \
         ON CONFLICT (account_kpi_id, period) DO UPDATE SET value = excluded.value",
        "DELETE FROM account_kpis WHERE id IN (SELECT id FROM account_kpis WHERE code = 'otif' LIMIT 2)",
    ] {
        sqlx::query(sql).execute(db).await.unwrap();
        period_means_match_the_values(db, sql).await;
    }
    drivers_from_means_match_the_values(db, "after the writes").await;
}

#[tokio::test]
async fn a_changed_value_changes_the_drivers_and_only_then() {
    let mut app = director().await;
    let otif = |page: &common::TestResponse| {
        (
            page.text("tr[data-kpi-code=otif] [data-col=rho]"),
            page.attr("tr[data-kpi-code=otif]", "data-sign"),
        )
    };
    let generation =
        |db: sqlx::PgPool| async move { boussole::drivers::cache::generation(&db).await.unwrap() };
    let first = app.get("/drivers?outcome=nps").await;
    let before = otif(&first);
    assert_eq!(before.1.as_deref(), Some("positive"), "{before:?}");
    let g = generation(app.db.clone()).await;
    // What the drivers do not read changes nothing, not even the generation.
    sqlx::query(
        "UPDATE kpi_values v SET comment = 'vu', validation = 'validated' \
         FROM account_kpis k WHERE k.id = v.account_kpi_id AND k.code = 'otif'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(generation(app.db.clone()).await, g);
    assert_eq!(otif(&app.get("/drivers?outcome=nps").await), before);
    // OTIF turned upside down: the link with NPS turns negative at once, on the page
    // and in its CSV.
    sqlx::query(
        "UPDATE kpi_values v SET value = 100 - v.value \
         FROM account_kpis k WHERE k.id = v.account_kpi_id AND k.code = 'otif'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert!(generation(app.db.clone()).await > g);
    let after = otif(&app.get("/drivers?outcome=nps").await);
    assert_eq!(after.1.as_deref(), Some("negative"), "{after:?}");
    assert_eq!(
        after.0.trim_start_matches(['-', '−']),
        before.0.trim_start_matches('+'),
        "same strength, other sign"
    );
    let csv = app.get("/drivers.csv?outcome=nps").await.body;
    let line = csv.lines().find(|l| l.contains(",otif,")).unwrap();
    assert!(line.contains(",otif,-"), "{line}");
}

#[tokio::test]
async fn concurrent_identical_requests_compute_the_drivers_once_per_scope() {
    let app = TestApp::with_demo().await;
    let cache = std::sync::Arc::new(boussole::drivers::cache::Cache::default());
    let since = chrono::Utc::now().date_naive() - chrono::Months::new(36);
    let ask = |accounts: Option<Vec<i64>>| {
        let (cache, db) = (cache.clone(), app.db.clone());
        tokio::spawn(async move { cache.ranking(&db, "nps", since, accounts).await.unwrap() })
    };
    let all: Vec<_> = (0..8).map(|_| ask(None)).collect();
    let mut rankings = Vec::new();
    for task in all {
        rankings.push(task.await.unwrap());
    }
    assert_eq!(cache.computed(), 1, "eight requests, one computation");
    assert!(
        rankings
            .iter()
            .all(|r| std::sync::Arc::ptr_eq(r, &rankings[0]))
    );
    // Another viewer's accounts are another entry: never the director's figures.
    let some: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 6")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let theirs = ask(Some(some.clone())).await.unwrap();
    assert_eq!(cache.computed(), 2);
    let most = |r: &boussole::drivers::cache::Ranking| {
        r.0.iter().map(|(_, d)| d.n_accounts).max().unwrap_or(0)
    };
    assert!(most(&theirs) <= some.len() && most(&rankings[0]) > some.len());
    ask(None).await.unwrap();
    assert_eq!(cache.computed(), 2, "still cached");
}

#[tokio::test]
async fn the_team_records_opportunities_and_reviews_with_bad_input_refused() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&kam.db)
        .await
        .unwrap();
    let count = |db: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM opportunities")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let before = count(kam.db.clone()).await;
    // Won without a closing date: refused, input kept, nothing written.
    let r = kam
        .post_form(
            &format!("/accounts/{id}/opportunities"),
            &[
                ("name", "Rayonnage connecté"),
                ("value", "120 000"),
                ("opened_on", "2026-09-01"),
                ("outcome", "won"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr("#name", "value").as_deref(),
        Some("Rayonnage connecté")
    );
    assert!(r.text(".error-summary").contains("clôture"));
    assert_eq!(count(kam.db.clone()).await, before);
    let r = kam
        .post_form(
            &format!("/accounts/{id}/opportunities"),
            &[
                ("name", "Rayonnage connecté"),
                ("value", "120 000,50"),
                ("opened_on", "2026-09-01"),
                ("outcome", "open"),
                ("innovation", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (oid, value, innovation): (i64, f64, bool) = sqlx::query_as(
        "SELECT id, value::float8, innovation FROM opportunities WHERE name = 'Rayonnage connecté'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    assert_eq!((value, innovation), (120000.5, true));
    kam.post_form(
        &format!("/accounts/{id}/opportunities/{oid}"),
        &[("outcome", "won")],
    )
    .await;
    let page = kam.get(&format!("/accounts/{id}/opportunities")).await;
    assert_eq!(
        page.attr(&format!("tr[data-opportunity='{oid}']"), "data-outcome")
            .as_deref(),
        Some("won")
    );
    let next_month = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let r = kam
        .post_form(
            &format!("/accounts/{id}/reviews"),
            &[
                ("kind", "qbr"),
                ("held_on", &next_month),
                ("title", "Revue trimestrielle"),
                ("period_start", "2026-07-01"),
                ("period_end", "2026-09-30"),
                ("agenda", ""),
                ("decisions_sought", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Reviews have their own page now (the opportunities page lists the past
    // ones and links to it).
    let page = kam.get(&format!("/accounts/{id}/reviews")).await;
    assert!(page.text("#review-table").contains("Revue trimestrielle"));
    let page = kam.get(&format!("/accounts/{id}/opportunities")).await;
    assert_eq!(
        page.count(&format!("#reviews a[href='/accounts/{id}/reviews']")),
        1
    );
    // Another KAM's account stays out of reach.
    let mut bruno = kam.other_browser();
    bruno.login("kam.bruno@boussole.example").await;
    assert_eq!(
        bruno
            .get(&format!("/accounts/{id}/opportunities"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
