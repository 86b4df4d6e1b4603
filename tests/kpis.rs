//! KPI management: the library (admin), adding KPIs to an account, a KPI's
//! settings and per-period targets, universe weights. Every change is audited;
//! every refused form writes nothing and keeps what was typed.

mod common;

use axum::http::StatusCode;
use boussole::domain::Frequency;
use boussole::period::Period;
use chrono::Utc;
use common::build::{self, Kpi};
use common::{TestApp, TestResponse, count};

const ALICE: &str = "kam.alice@boussole.example";
const BRUNO: &str = "kam.bruno@boussole.example";
const ADMIN: &str = "admin@boussole.example";

fn last_month() -> Period {
    Period::containing(Frequency::Monthly, Utc::now().date_naive()).prev()
}

/// The demo, an account of Alice's, and a browser in `lang` (not yet signed in).
async fn setup(lang: &str) -> (TestApp, i64) {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some(lang.into());
    let account = build::account(&app.db, "kpi-mgmt-test", ALICE).await;
    (app, account)
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn template_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM kpi_templates WHERE code = $1")
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn account_kpis(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM account_kpis WHERE account_id = $1")
        .bind(account)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn summary(page: &TestResponse) -> String {
    page.text(".error-summary")
}

// ---------------------------------------------------------------------------
// The library
// ---------------------------------------------------------------------------

fn template_fields<'a>(code: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("universe", "process"),
        ("name_fr", "Idées d’innovation conjointes"),
        ("name_en", "Joint innovation ideas"),
        ("description_fr", ""),
        ("description_en", "Ideas worked on together."),
        ("unit", "count"),
        ("direction", "higher_better"),
        ("frequency", "quarterly"),
        ("domain", "client"),
        ("default_target", target),
        ("green_from", "100"),
        ("amber_from", "80"),
        ("active", "on"),
    ]
}

#[tokio::test]
async fn admins_manage_the_library_and_kams_are_kept_out() {
    let (mut app, _) = setup("en").await;
    app.login(ADMIN).await;
    let list = app.get("/admin/kpis").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    // The seeded library, grouped by universe.
    assert_eq!(
        list.count("section[data-universe=relationship] tr[data-template-code=nps]"),
        1
    );
    assert_eq!(list.count("section.universe[data-universe]"), 5);
    assert!(
        list.body.contains("href=\"/admin/kpis\""),
        "admin nav entry"
    );
    let before = count(&app.db, "kpi_templates").await;

    // Created, with a default target typed the French way.
    assert_eq!(app.get("/admin/kpis/new").await.status, StatusCode::OK);
    let r = app
        .post_form("/admin/kpis", &template_fields("joint_ideas", "12"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = app.get("/admin/kpis").await;
    assert_eq!(
        list.count("section[data-universe=process] tr[data-template-code=joint_ideas]"),
        1
    );
    let csv = app.get("/admin/kpis.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.header("content-type").unwrap().starts_with("text/csv"),
        "{:?}",
        csv.headers
    );
    let line = csv
        .body
        .lines()
        .find(|l| l.starts_with("joint_ideas,"))
        .unwrap_or_else(|| panic!("no joint_ideas line in\n{}", csv.body));
    assert!(
        line.contains("process") && line.contains(",client,12,100,80,true"),
        "{line}"
    );
    assert!(csv.body.contains("\nnps,"));
    assert_eq!(count(&app.db, "kpi_templates").await, before + 1);
    assert_eq!(audit_count(&app, "kpi_template.created").await, 1);

    // A bad code: 422, the input kept, nothing written.
    let r = app
        .post_form("/admin/kpis", &template_fields("Bad code!", "12,5"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        summary(&r).contains("lower-case letters"),
        "{}",
        summary(&r)
    );
    assert_eq!(r.attr("#code", "value").as_deref(), Some("Bad code!"));
    assert_eq!(r.attr("#code", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        r.attr("#code", "aria-describedby").as_deref(),
        Some("code-error")
    );
    assert_eq!(r.attr("#default_target", "value").as_deref(), Some("12,5"));
    assert_eq!(
        r.attr("#name_en", "value").as_deref(),
        Some("Joint innovation ideas")
    );
    // A code already in the library: 422 on the code field.
    let r = app
        .post_form("/admin/kpis", &template_fields("nps", "12"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text("#code-error"),
        "Another template already uses this code."
    );
    assert_eq!(r.attr("#code", "value").as_deref(), Some("nps"));
    // A default target of 0 and crossed thresholds are refused too.
    let mut fields = template_fields("other_ideas", "0");
    fields.retain(|(k, _)| *k != "amber_from");
    fields.push(("amber_from", "120"));
    let r = app.post_form("/admin/kpis", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#default_target-error")
            .contains("cannot be measured against")
    );
    assert!(r.count("#amber_from-error") == 1);
    assert_eq!(count(&app.db, "kpi_templates").await, before + 1);

    // Edited: the code stays, the template can be retired and brought back.
    let id = template_id(&app, "joint_ideas").await;
    let edit = app.get(&format!("/admin/kpis/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let version = edit.attr("input[name=version]", "value").unwrap();
    let mut fields = template_fields("renamed_code", "15");
    fields.retain(|(k, _)| *k != "active");
    fields.push(("version", &version));
    let r = app.post_form(&format!("/admin/kpis/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (code, active, target): (String, bool, f64) = sqlx::query_as(
        "SELECT code, active, default_target::float8 FROM kpi_templates WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (code.as_str(), active, target),
        ("joint_ideas", false, 15.0)
    );
    let list = app.get("/admin/kpis").await;
    assert_eq!(
        list.attr("tr[data-template-code=joint_ideas]", "data-active")
            .as_deref(),
        Some("false")
    );
    // The same stale version again: 409, nothing overwritten.
    let r = app.post_form(&format!("/admin/kpis/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.count("#conflict"), 1);
    assert_eq!(audit_count(&app, "kpi_template.updated").await, 1);

    // A KAM has no access to the library.
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    assert_eq!(kam.get("/admin/kpis").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        kam.get("/admin/kpis.csv").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        kam.get("/admin/kpis/new").await.status,
        StatusCode::FORBIDDEN
    );
    let r = kam
        .post_form("/admin/kpis", &template_fields("kam_made", "1"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app.db, "kpi_templates").await, before + 1);
}

// ---------------------------------------------------------------------------
// Adding KPIs to an account
// ---------------------------------------------------------------------------

fn custom_fields<'a>(code: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name_fr", "Projets communs"),
        ("name_en", "Joint projects"),
        ("description_fr", ""),
        ("description_en", ""),
        ("universe", "process"),
        ("unit", "percent"),
        ("direction", "higher_better"),
        ("frequency", "quarterly"),
        ("domain", "internal"),
        ("target", target),
        ("green_from", "100"),
        ("amber_from", "90"),
        ("weight", "2"),
        ("owner_id", ""),
        ("freshness_months", "9"),
    ]
}

#[tokio::test]
async fn a_kam_adds_library_and_custom_kpis_to_their_account() {
    let (mut app, account) = setup("en").await;
    app.login(ALICE).await;
    let scorecard = app.get(&format!("/accounts/{account}")).await;
    assert_eq!(
        scorecard.attr("#add-kpi", "href"),
        Some(format!("/accounts/{account}/kpis/new"))
    );
    let new_url = format!("/accounts/{account}/kpis/new");
    let add_url = format!("/accounts/{account}/kpis");
    let nps = template_id(&app, "nps").await;
    let csat = template_id(&app, "csat").await;

    let page = app.get(&new_url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.count("section[data-universe=relationship] [data-template-code=nps]"),
        1
    );
    // The template's default target is offered.
    let default: f64 =
        sqlx::query_scalar("SELECT default_target::float8 FROM kpi_templates WHERE id = $1")
            .bind(nps)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        page.attr(&format!("#t{nps}-target"), "value"),
        Some(default.to_string())
    );
    assert_eq!(
        page.attr(&format!("#t{nps}-weight"), "value").as_deref(),
        Some("1")
    );
    assert_eq!(
        page.attr(&format!("#t{nps}-freshness_months"), "value")
            .as_deref(),
        Some("6")
    );
    // Owners are internal people: KAMs and contributors.
    let owners = page.texts(&format!("#t{nps}-owner_id option"));
    assert!(
        owners.iter().any(|o| o.contains("Léa Moreau")),
        "{owners:?}"
    );
    assert!(
        !owners.iter().any(|o| o.contains("Diane Rousseau")),
        "{owners:?}"
    );

    // From the library.
    let nps_s = nps.to_string();
    let r = app
        .post_form(
            &add_url,
            &[
                ("template_id", &nps_s),
                ("target", "35"),
                ("weight", "2"),
                ("owner_id", ""),
                ("freshness_months", "6"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A custom one, with a French decimal.
    let r = app
        .post_form(&add_url, &custom_fields("joint_projects", "12,5"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let scorecard = app.get(&format!("/accounts/{account}")).await;
    assert_eq!(
        scorecard.count("section[data-universe=relationship] tr[data-kpi-code=nps]"),
        1
    );
    assert_eq!(
        scorecard.count("section[data-universe=process] tr[data-kpi-code=joint_projects]"),
        1
    );
    assert_eq!(
        scorecard.count("tr[data-kpi-code=nps] a.kpi-settings-link"),
        1
    );
    let (template, name, target, unit, position): (Option<i64>, String, f64, String, i32) =
        sqlx::query_as(
            "SELECT template_id, name_en, target::float8, unit::text, position FROM account_kpis \
             WHERE account_id = $1 AND code = 'nps'",
        )
        .bind(account)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(template, Some(nps));
    // The definition is copied from the template.
    let template_name: String =
        sqlx::query_scalar("SELECT name_en FROM kpi_templates WHERE id = $1")
            .bind(nps)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name, template_name);
    assert_eq!((target, unit.as_str(), position), (35.0, "points", 1));
    let (target, weight, freshness): (f64, f64, i32) = sqlx::query_as(
        "SELECT target::float8, weight::float8, freshness_months FROM account_kpis \
         WHERE account_id = $1 AND code = 'joint_projects'",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((target, weight, freshness), (12.5, 2.0, 9));
    // NPS is not offered twice.
    let page = app.get(&new_url).await;
    assert_eq!(page.count("[data-template-code=nps]"), 0);
    assert_eq!(page.count("[data-template-code=csat]"), 1);
    let written = account_kpis(&app, account).await;
    assert_eq!(written, 2);
    assert_eq!(audit_count(&app, "account_kpi.created").await, 2);

    // A target of zero: refused with the reason, input kept, nothing written.
    let r = app
        .post_form(&add_url, &custom_fields("zero_target", "0"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        summary(&r).contains("a target of zero cannot be measured against (attainment is a ratio)")
            || summary(&r)
                .contains("A target of zero cannot be measured against (attainment is a ratio)"),
        "{}",
        summary(&r)
    );
    assert_eq!(r.attr("#code", "value").as_deref(), Some("zero_target"));
    assert_eq!(r.attr("#target", "aria-invalid").as_deref(), Some("true"));
    let csat_s = csat.to_string();
    let r = app
        .post_form(
            &add_url,
            &[
                ("template_id", &csat_s),
                ("target", "0,0"),
                ("weight", "1"),
                ("owner_id", ""),
                ("freshness_months", "6"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(&format!("#t{csat}-target-error"))
            .contains("cannot be measured against")
    );
    assert_eq!(
        r.attr(&format!("#t{csat}-target"), "value").as_deref(),
        Some("0,0")
    );
    assert_eq!(
        r.attr(&format!("#template-{csat}"), "open").as_deref(),
        Some("")
    );
    // A code the account already has.
    let r = app.post_form(&add_url, &custom_fields("nps", "40")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text("#code-error"),
        "This account already has a KPI with this code."
    );
    // Other bad fields, each named.
    let mut fields = custom_fields("Bad Code", "12");
    fields.retain(|(k, _)| !matches!(*k, "weight" | "freshness_months" | "unit"));
    fields.extend([
        ("weight", "0"),
        ("freshness_months", "40"),
        ("unit", "furlongs"),
    ]);
    let r = app.post_form(&add_url, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["code", "weight", "freshness_months", "unit"] {
        assert_eq!(r.count(&format!("#{f}-error")), 1, "{f}");
    }
    assert_eq!(account_kpis(&app, account).await, written);
    assert_eq!(audit_count(&app, "account_kpi.created").await, 2);

    // Another KAM does not even learn that the account exists.
    let mut bruno = app.other_browser();
    bruno.login(BRUNO).await;
    assert_eq!(bruno.get(&new_url).await.status, StatusCode::NOT_FOUND);
    let r = bruno
        .post_form(&add_url, &custom_fields("sneaky", "10"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(account_kpis(&app, account).await, written);
}

// ---------------------------------------------------------------------------
// Settings, targets per period, removal
// ---------------------------------------------------------------------------

fn settings_fields<'a>(
    green: &'a str,
    amber: &'a str,
    target: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name_fr", "Chiffre d’affaires"),
        ("name_en", "Revenue"),
        ("description_fr", ""),
        ("description_en", ""),
        ("target", target),
        ("green_from", green),
        ("amber_from", amber),
        ("weight", "1"),
        ("owner_id", ""),
        ("freshness_months", "6"),
        ("visibility", "shared"),
        ("version", version),
    ]
}

async fn kpi_targets(app: &TestApp, kpi: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM kpi_targets WHERE account_kpi_id = $1")
        .bind(kpi)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn rag(page: &TestResponse, kpi: i64) -> String {
    page.attr(&format!("tr#kpi-{kpi}"), "data-rag")
        .unwrap_or_default()
}

#[tokio::test]
async fn settings_change_statuses_targets_per_period_and_refuse_stale_versions() {
    let (mut app, account) = setup("en").await;
    let kpi = build::kpi(
        &app.db,
        account,
        Kpi {
            code: "t_revenue",
            ..Kpi::default()
        },
    )
    .await;
    let last = last_month();
    build::value(&app.db, kpi, last.start, 92.0).await;
    app.login(ALICE).await;
    let board_url = format!("/accounts/{account}");
    let url = format!("/accounts/{account}/kpis/{kpi}/settings");

    // 92 against 100 with thresholds 100/90: amber.
    let board = app.get(&board_url).await;
    assert_eq!(rag(&board, kpi), "amber");
    assert_eq!(
        board.attr(&format!("tr#kpi-{kpi} a.kpi-settings-link"), "href"),
        Some(url.clone())
    );
    let kpi_page = app.get(&format!("/accounts/{account}/kpis/{kpi}")).await;
    assert!(kpi_page.body.contains(&format!("href=\"{url}\"")));

    let page = app.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let version = page.attr("input[name=version]", "value").unwrap();
    assert_eq!(page.attr("#green_from", "value").as_deref(), Some("100"));

    // Green from 90, amber from 80: now green.
    let r = app
        .post_form(&url, &settings_fields("90", "80", "100", &version))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = app.get(&board_url).await;
    assert_eq!(rag(&board, kpi), "green");
    assert_eq!(
        board
            .attr(&format!("tr#kpi-{kpi}"), "data-visibility")
            .as_deref(),
        Some("shared")
    );
    assert_eq!(audit_count(&app, "account_kpi.updated").await, 1);

    // Someone still holding the first version cannot overwrite that.
    let r = app
        .post_form(&url, &settings_fields("100", "95", "50", &version))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.count("#conflict"), 1);
    // The other person's version is shown.
    assert_eq!(r.attr("#green_from", "value").as_deref(), Some("90"));
    let (target, green): (f64, f64) =
        sqlx::query_as("SELECT target::float8, green_from::float8 FROM account_kpis WHERE id = $1")
            .bind(kpi)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((target, green), (100.0, 90.0));
    assert_eq!(audit_count(&app, "account_kpi.updated").await, 1);

    // Bad settings: 422 with the input kept.
    let fresh = app
        .get(&url)
        .await
        .attr("input[name=version]", "value")
        .unwrap();
    let r = app
        .post_form(&url, &settings_fields("80", "90", "0", &fresh))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#target-error"), 1);
    assert_eq!(r.count("#amber_from-error"), 1);
    assert_eq!(r.attr("#amber_from", "value").as_deref(), Some("90"));

    // A target of its own for last month: 200, so 92 is now red, and shown.
    let targets = format!("/accounts/{account}/kpis/{kpi}/targets");
    let code = last.code();
    let r = app
        .post_form(
            &targets,
            &[("override_period", &code), ("override_target", "200")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = app.get(&board_url).await;
    assert_eq!(rag(&board, kpi), "red");
    let cells = board.texts(&format!("tr#kpi-{kpi} td.num"));
    assert!(cells[1].contains("200"), "{cells:?}");
    let page = app.get(&url).await;
    assert_eq!(
        page.count(&format!("#targets tr[data-period=\"{code}\"]")),
        1
    );
    // Replaced, not duplicated.
    let r = app
        .post_form(
            &targets,
            &[("override_period", &code), ("override_target", "150,5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(kpi_targets(&app, kpi).await, 1);
    // A quarter for a monthly KPI, or a target of 0: refused, nothing written.
    let r = app
        .post_form(
            &targets,
            &[("override_period", "2026-Q1"), ("override_target", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#override_period-error"), 1);
    assert_eq!(
        r.attr("#override_period", "value").as_deref(),
        Some("2026-Q1")
    );
    let r = app
        .post_form(
            &targets,
            &[("override_period", &code), ("override_target", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#override_target-error")
            .contains("cannot be measured against")
    );
    let stored: f64 =
        sqlx::query_scalar("SELECT target::float8 FROM kpi_targets WHERE account_kpi_id = $1")
            .bind(kpi)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, 150.5);
    assert_eq!(audit_count(&app, "kpi_target.set").await, 2);
    // Removed: the default target applies again.
    let r = app
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/targets/remove"),
            &[("period", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(kpi_targets(&app, kpi).await, 0);
    assert_eq!(rag(&app.get(&board_url).await, kpi), "green");
    assert_eq!(audit_count(&app, "kpi_target.removed").await, 1);

    // Another KAM: 404 everywhere.
    let mut bruno = app.other_browser();
    bruno.login(BRUNO).await;
    assert_eq!(bruno.get(&url).await.status, StatusCode::NOT_FOUND);
    let r = bruno
        .post_form(&url, &settings_fields("50", "40", "1", &fresh))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Removing the KPI: the confirmation says what goes with it.
    let delete = format!("/accounts/{account}/kpis/{kpi}/delete");
    let confirm = app.get(&delete).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.text("#delete-values").contains("only value"),
        "{}",
        confirm.text("#delete-values")
    );
    let r = app.post_form(&delete, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(account_kpis(&app, account).await, 0);
    let values: i64 =
        sqlx::query_scalar("SELECT count(*) FROM kpi_values WHERE account_kpi_id = $1")
            .bind(kpi)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(values, 0);
    let before: serde_json::Value =
        sqlx::query_scalar("SELECT before FROM audit_log WHERE action = 'account_kpi.deleted'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(before["kpi"]["code"], "t_revenue");
    assert_eq!(before["values_deleted"], 1);
}

// ---------------------------------------------------------------------------
// Universe weights
// ---------------------------------------------------------------------------

fn weights<'a>(
    marketing: &'a str,
    process: &'a str,
    relationship: &'a str,
    logistics: &'a str,
    financial: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("marketing", marketing),
        ("process", process),
        ("relationship", relationship),
        ("logistics", logistics),
        ("financial", financial),
    ]
}

async fn stored_weights(app: &TestApp, account: i64) -> Vec<(String, f64)> {
    sqlx::query_as(
        "SELECT w.universe::text, w.weight::float8 FROM universe_weights w \
         WHERE w.account_id = $1 ORDER BY w.universe",
    )
    .bind(account)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Financial: 90 against 100 is 90 % attainment, at the default amber threshold
/// (amber from 90 %, green from 100 %): score 70. Relationship: 50 against 100,
/// red: score 70 × 50/90 = 38.89. The other universes have no KPI. Scores are
/// shown rounded down.
#[tokio::test]
async fn universe_weights_add_up_to_100_and_change_the_balanced_score() {
    let (mut app, account) = setup("en").await;
    let last = last_month();
    let fin = build::kpi(
        &app.db,
        account,
        Kpi {
            code: "t_fin",
            ..Kpi::default()
        },
    )
    .await;
    let rel = build::kpi(
        &app.db,
        account,
        Kpi {
            code: "t_rel",
            universe: "relationship",
            ..Kpi::default()
        },
    )
    .await;
    build::value(&app.db, fin, last.start, 90.0).await;
    build::value(&app.db, rel, last.start, 50.0).await;
    app.login(ALICE).await;
    let board_url = format!("/accounts/{account}");
    let url = format!("/accounts/{account}/weights");
    let overall = |p: &TestResponse| p.attr("#overall [data-score]", "data-score");

    // Equal weights: (70 + 38.89) / 2 = 54.44.
    assert_eq!(overall(&app.get(&board_url).await).as_deref(), Some("54"));
    let page = app.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for u in [
        "marketing",
        "process",
        "relationship",
        "logistics",
        "financial",
    ] {
        assert_eq!(
            page.attr(&format!("#w-{u}"), "value").as_deref(),
            Some("20"),
            "{u}"
        );
    }
    assert!(page.text("#weights-hint").contains("left out"));

    // 30/20/10/10/30: (30×70 + 10×38.89) / 40 = 62.22.
    let r = app
        .post_form(&url, &weights("30", "20", "10", "10", "30"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(overall(&app.get(&board_url).await).as_deref(), Some("62"));
    let saved = stored_weights(&app, account).await;
    assert_eq!(saved.len(), 5);
    assert_eq!(saved[4], ("financial".to_owned(), 30.0));
    assert_eq!(audit_count(&app, "universe_weights.updated").await, 1);

    // 95 in all: refused with the sum, typed values kept, nothing written.
    let r = app
        .post_form(&url, &weights("30", "30", "20", "10", "5"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(summary(&r).contains("add up to 95"), "{}", summary(&r));
    assert!(r.text("#weights-error").contains("not 100"));
    assert_eq!(r.attr("#w-financial", "value").as_deref(), Some("5"));
    assert_eq!(
        r.attr("#w-financial", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(stored_weights(&app, account).await, saved);
    // Out of range and not a number: named per field.
    let r = app
        .post_form(&url, &weights("130", "abc", "10", "10", "-50"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#w-marketing-error"), 1);
    assert_eq!(r.count("#w-process-error"), 1);
    assert_eq!(r.count("#w-financial-error"), 1);
    assert_eq!(stored_weights(&app, account).await, saved);
    assert_eq!(audit_count(&app, "universe_weights.updated").await, 1);

    // French decimals; a universe at 0 is left out: financial only → 70.
    let r = app
        .post_form(&url, &weights("12,5", "17,5", "0", "20", "50"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(overall(&app.get(&board_url).await).as_deref(), Some("70"));
    assert_eq!(stored_weights(&app, account).await[0].1, 12.5);
    let audit: (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE action = 'universe_weights.updated' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audit.0["financial"], "30");
    assert_eq!(audit.1["marketing"], "12.5");
    assert_eq!(audit_count(&app, "universe_weights.updated").await, 2);

    // Another KAM: 404.
    let mut bruno = app.other_browser();
    bruno.login(BRUNO).await;
    assert_eq!(bruno.get(&url).await.status, StatusCode::NOT_FOUND);
    let r = bruno
        .post_form(&url, &weights("20", "20", "20", "20", "20"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pages_speak_french_and_read_french_numbers() {
    let (mut app, account) = setup("fr-FR,fr;q=0.9").await;
    app.login(ALICE).await;
    let r = app
        .post_form(
            &format!("/accounts/{account}/weights"),
            &weights("30", "30", "20", "10", "5"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(summary(&r).contains("totalisent 95"), "{}", summary(&r));
    let r = app
        .post_form(
            &format!("/accounts/{account}/kpis"),
            &custom_fields("zero_target", "0"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(summary(&r).contains("objectif de zéro"), "{}", summary(&r));
    let page = app.get(&format!("/accounts/{account}/kpis/new")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").contains("Ajouter un KPI"));
}
