//! Input hardening (issue 17, "Defects found"): control characters refused with a
//! 422 in the user's language on every route, never a 500; no-store on signed-in
//! responses; a refused meeting note shown again rather than put in a URL; links
//! only from a configured public address in production; every link of the KAM's
//! client preview works; forms that create things create one record when sent twice.

mod common;

use axum::http::StatusCode;
use boussole::config::Config;
use common::{TestApp, TestResponse, count};

const ALICE: &str = "kam.alice@boussole.example";
const CLIENT: &str = "client@lumiere-retail.example";

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// Every POST path of `src/routes.rs`, read from the route table itself so that a
/// new route is covered without editing this test.
fn post_routes() -> Vec<String> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes.rs"))
        .expect("src/routes.rs");
    let mut out = Vec::new();
    for (at, _) in src.match_indices(".route(") {
        let rest = &src[at + ".route(".len()..];
        let lit = rest.trim_start();
        let Some(lit) = lit.strip_prefix('"') else {
            continue;
        };
        let path = lit.split('"').next().unwrap().to_owned();
        // The method router runs to the next `.route(` (or the end of the table).
        let tail = &lit[path.len()..];
        let end = tail.find(".route(").unwrap_or(tail.len());
        if tail[..end].contains("post(") {
            out.push(path);
        }
    }
    assert!(out.len() > 30, "too few POST routes found: {out:?}");
    out
}

/// A concrete URL for a route pattern, on Lumière Retail's data.
fn concrete(pattern: &str, account: i64, kpi: i64, user: i64) -> String {
    pattern
        .replace("{id}", &account.to_string())
        .replace("{kpi_id}", &kpi.to_string())
        .replace("{user_id}", &user.to_string())
        .replace("{universe}", "marketing")
        .replace("{code}", "nps")
        .replace("{token}", &"a".repeat(64))
        .replace(['{', '}'], "")
}

fn assert_refused_in_words(r: &TestResponse, what: &str, words: &str) {
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: {}",
        &r.body[..r.body.len().min(400)]
    );
    assert!(
        r.text("main").contains(words),
        "{what}: the page says why: {}",
        r.text("main")
    );
}

#[tokio::test]
async fn a_nul_or_a_direction_override_is_refused_with_422_on_every_post_route() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let kpi = id_of(
        &app,
        "SELECT k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'shared' ORDER BY k.id LIMIT 1",
    )
    .await;
    let user = id_of(
        &app,
        "SELECT id FROM users WHERE email = 'client@lumiere-retail.example'",
    )
    .await;
    let mut admin = app.other_browser();
    admin.login("admin@boussole.example").await;
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    let mut anonymous = app.other_browser();
    anonymous.get("/login").await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let audit_before: i64 = id_of(&app, "SELECT coalesce(max(id), 0) FROM audit_log").await;
    let mut checked = 0;
    // The API takes JSON with a bearer token, not a form with a session: the same
    // characters inside a JSON string are refused with a problem naming where.
    let (_, token) = app.api_token("admin@boussole.example", true, None).await;
    for pattern in post_routes() {
        let path = concrete(&pattern, account, kpi, user);
        for bad in ["Lumi\0ère", "invoice\u{202E}fdp.exe"] {
            if pattern.starts_with("/api/") {
                let body = serde_json::json!({ "items": [{ "account": "lumiere-retail",
                    "kpi": "x", "period": "2026-01", "value": 1, "comment": bad }] })
                .to_string();
                let r = admin
                    .api("POST", &path, Some(&token), Some(&body), &[])
                    .await;
                assert_eq!(
                    r.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "POST {path}: {}",
                    r.body
                );
                assert_eq!(r.header("content-type"), Some("application/problem+json"));
                assert!(
                    r.body.contains("/items/0/comment"),
                    "POST {path}: {}",
                    r.body
                );
                checked += 1;
                continue;
            }
            let fields = [
                ("name", bad),
                ("body", bad),
                ("comment", bad),
                ("email", bad),
                ("password", "x"),
                ("title", bad),
                ("value", "12"),
                ("period", "2026-01"),
            ];
            let browser = if pattern.starts_with("/portal") {
                &mut client
            } else if pattern.starts_with("/survey") || pattern.starts_with("/invitation") {
                &mut anonymous
            } else {
                &mut admin
            };
            let r = browser.post_form(&path, &fields).await;
            assert!(!r.status.is_server_error(), "POST {path}: {}", r.status);
            if pattern == "/portal/kpis/{kpi_id}/values" && r.status == StatusCode::FORBIDDEN {
                // This form checks its own fields (to keep the input); at stage 3 the
                // client may not enter values at all, which it is told first.
                continue;
            }
            assert_refused_in_words(&r, &format!("POST {path}"), "caractères de contrôle");
            checked += 1;
        }
    }
    println!("POST requests refused with 422: {checked}");
    // Queries and paths too.
    for path in [
        format!("/accounts/{account}/voc?q=%00"),
        format!("/accounts/{account}/voc?q=%E2%80%AEabc"),
        "/portal?period=2026-01%00".to_owned(),
        format!("/survey/{}%00", "a".repeat(63)),
    ] {
        let browser = if path.starts_with("/portal") {
            &mut client
        } else {
            &mut kam
        };
        let r = browser.get(&path).await;
        assert_refused_in_words(&r, &format!("GET {path}"), "caractères de contrôle");
    }
    // In English for an English reader.
    let mut en = app.other_browser();
    en.accept_language = Some("en".into());
    en.get("/login").await;
    let r = en
        .post_form("/survey/abc", &[("q_reason", "a\u{0}b")])
        .await;
    assert_refused_in_words(&r, "English", "control characters");
    // Refused before any handler: nothing was written but the failed logins
    // (counted on purpose: see the next test).
    let written: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log WHERE id > $1")
            .bind(audit_before)
            .fetch_all(&app.db)
            .await
            .unwrap();
    // (and the audited refusal of value entry at stage 3, above)
    assert!(
        written
            .iter()
            .all(|a| a == "auth.login_failed" || a == "security.access_refused"),
        "{written:?}"
    );
    assert!(written.contains(&"auth.login_failed".to_owned()));
}

#[tokio::test]
async fn a_nul_at_login_is_refused_in_words_and_the_attempt_is_counted() {
    let app = TestApp::with_demo().await;
    let mut anon = app.other_browser();
    anon.get("/login").await;
    let attempts = count(&app.db, "login_attempts").await;
    let r = anon
        .post_form(
            "/login",
            &[
                ("email", "client@lumiere-retail.example\0"),
                ("password", "boussole-demo"),
            ],
        )
        .await;
    assert_refused_in_words(&r, "login", "caractères de contrôle");
    assert_eq!(
        r.attr("input[name=email]", "value").as_deref(),
        Some("client@lumiere-retail.example\u{FFFD}"),
        "the e-mail is kept, the control character made visible"
    );
    assert_eq!(count(&app.db, "login_attempts").await, attempts + 1);
    assert_eq!(
        app.audit_actions().await.last().map(String::as_str),
        Some("auth.login_failed")
    );
}

#[tokio::test]
async fn a_nul_in_a_csv_cell_names_its_row_and_column() {
    let mut app = TestApp::with_demo().await;
    app.login(ALICE).await;
    let file = "account,kpi,period,value,comment\nlumiere-retail,otif,2026-09,96.5,ok\nlumiere\0-retail,otif,2026-08,95,\n";
    const BOUNDARY: &str = "----boussole-hardening";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
        )
        .as_bytes(),
    );
    let token = app.csrf.clone().unwrap();
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/import?_csrf={token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let values = count(&app.db, "kpi_values").await;
    let r = app.request(req).await;
    assert!(!r.status.is_server_error(), "{}", r.status);
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = r
        .texts("tbody tr")
        .into_iter()
        .find(|t| t.contains("caractères de contrôle"))
        .unwrap_or_else(|| panic!("the problem is listed: {}", r.text("main")));
    println!("import problem: {row}");
    assert!(row.starts_with("3 compte"), "row 3, column account: {row}");
    assert_eq!(
        count(&app.db, "kpi_values").await,
        values,
        "nothing imported"
    );
}

#[tokio::test]
async fn signed_in_pages_and_csv_are_never_stored_by_a_cache() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    for path in [
        "/accounts".to_owned(),
        "/accounts.csv".to_owned(),
        format!("/accounts/{account}"),
        format!("/accounts/{account}/scorecard.csv"),
        format!("/accounts/{account}/voc.csv"),
        "/accounts/999999".to_owned(),
    ] {
        let r = kam.get(&path).await;
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    for path in ["/portal", "/portal/scorecard.csv", "/portal/voc"] {
        let r = client.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
}

#[tokio::test]
async fn a_refused_meeting_note_is_shown_again_with_422_and_never_put_in_a_url() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let big = "Très long compte rendu. ".repeat(100 * 1024 / 24);
    assert!(big.len() >= 100 * 1024);
    let notes = count(&app.db, "feedback_notes").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/feedback"),
            &[
                ("said_on", "2026-11-02"),
                ("channel", "call"),
                ("body", &big),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.location(), None, "no redirect carrying the fields");
    assert!(!r.text("#note-error").is_empty());
    assert_eq!(
        r.text("#note-body"),
        big.split_whitespace().collect::<Vec<_>>().join(" "),
        "the text is kept in the form"
    );
    assert_eq!(count(&app.db, "feedback_notes").await, notes);
}

#[tokio::test]
async fn in_production_without_a_public_url_no_link_is_built_from_the_host_header() {
    let config = Config {
        links_from_host: false,
        ..Config::for_tests()
    };
    let app = TestApp::with_demo_config(config).await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let contact = id_of(
        &app,
        &format!("SELECT id FROM contacts WHERE account_id = {account} AND email IS NOT NULL ORDER BY id LIMIT 1"),
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let page = kam.get(&format!("/accounts/{account}/clients")).await;
    assert!(page.text("#links-blocked").contains("adresse publique"));
    let invitations = count(&app.db, "invitations").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/clients/invite"),
            &[
                ("email", "new.person@lumiere-retail.example"),
                ("name", "New Person"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("main").contains("BOUSSOLE_PUBLIC_URL"));
    assert!(!r.body.contains("/invitation/"));
    assert_eq!(count(&app.db, "invitations").await, invitations);

    let page = kam.get(&format!("/accounts/{account}/surveys")).await;
    assert!(page.text("#links-blocked").contains("adresse publique"));
    let campaigns = count(&app.db, "survey_campaigns").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/surveys"),
            &[
                ("title", "Enquête"),
                ("days", "30"),
                ("to", &format!("c{contact}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("main").contains("BOUSSOLE_PUBLIC_URL"));
    assert!(!r.body.contains("/survey/"));
    assert_eq!(count(&app.db, "survey_campaigns").await, campaigns);

    // With the public URL set, links use it whatever the Host says.
    let config = Config {
        links_from_host: false,
        public_url: Some("https://boussole.example.com".parse().unwrap()),
        ..Config::for_tests()
    };
    let app = TestApp::with_demo_config(config).await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/clients/invite"),
            &[
                ("email", "new.person@lumiere-retail.example"),
                ("name", "New Person"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text("main"));
    assert!(
        r.body.contains("https://boussole.example.com/invitation/"),
        "{}",
        r.text("main")
    );
}

#[tokio::test]
async fn every_link_of_the_client_preview_answers_200_for_the_kam() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let page = kam.get(&format!("/accounts/{account}/as-client")).await;
    assert_eq!(page.status, StatusCode::OK);
    let hrefs: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("a[href]").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with('/'))
        .map(|h| h.split('#').next().unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(hrefs.len() > 10, "{hrefs:?}");
    for href in &hrefs {
        // `/` sends each user to their home: followed like a browser would.
        let (_, r) = kam.get_follow(href).await;
        assert_eq!(r.status, StatusCode::OK, "{href} from the preview");
    }
    println!("preview links checked: {}", hrefs.len());
    // The preview's CSV is exactly the client's.
    let preview_csv = kam
        .get(&format!("/accounts/{account}/as-client/scorecard.csv"))
        .await;
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    let own_csv = client.get("/portal/scorecard.csv").await;
    assert_eq!(own_csv.status, StatusCode::OK);
    assert_eq!(preview_csv.body, own_csv.body);
}

// ---------------------------------------------------------------------------
// Double submits: one record per rendered form
// ---------------------------------------------------------------------------

/// The `_once` token of the form matched by `form` on `page`.
fn once(page: &TestResponse, form: &str) -> String {
    page.attr(&format!("{form} input[name=_once]"), "value")
        .unwrap_or_else(|| panic!("{form} carries a one-use token"))
}

/// Sends the same form twice in a row, then twice at once from two connections of
/// the same session; returns the four responses.
async fn send_twice(
    app: &mut TestApp,
    path: &str,
    fields: &[(&str, &str)],
    second_token: &str,
) -> Vec<TestResponse> {
    let mut out = vec![
        app.post_form(path, fields).await,
        app.post_form(path, fields).await,
    ];
    // The second submit lands on the first one's page, saying it was already saved.
    let (_, page) = app.get_follow(out[1].location().expect("a redirect")).await;
    assert!(
        page.text(".flash--info").contains("déjà été envoyé"),
        "{path}"
    );
    let mut again: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| *k != "_once")
        .copied()
        .collect();
    again.push(("_once", second_token));
    let mut a = app.other_browser();
    a.session_cookie = app.session_cookie.clone();
    a.csrf = app.csrf.clone();
    let mut b = app.other_browser();
    b.session_cookie = app.session_cookie.clone();
    b.csrf = app.csrf.clone();
    let (ra, rb) = tokio::join!(a.post_form(path, &again), b.post_form(path, &again));
    out.push(ra);
    out.push(rb);
    for r in &out {
        assert!(
            r.status == StatusCode::SEE_OTHER || r.status == StatusCode::OK,
            "{path}: {} {}",
            r.status,
            r.text("main")
        );
    }
    out
}

#[tokio::test]
async fn a_comment_sent_twice_is_recorded_once() {
    let app = TestApp::with_demo().await;
    let kpi = id_of(
        &app,
        "SELECT k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'shared' ORDER BY k.id LIMIT 1",
    )
    .await;
    let mut client = app.other_browser();
    client.login(CLIENT).await;
    let page = client.get(&format!("/portal/kpis/{kpi}")).await;
    let period = page
        .attr("#comment-form input[name=period]", "value")
        .unwrap();
    let (t1, t2) = (
        once(&page, "#comment-form"),
        once(
            &client.get(&format!("/portal/kpis/{kpi}")).await,
            "#comment-form",
        ),
    );
    assert_ne!(t1, t2, "one token per rendered form");
    let messages = count(&app.db, "value_messages").await;
    let path = format!("/portal/kpis/{kpi}/evaluate");
    let r = send_twice(
        &mut client,
        &path,
        &[
            ("period", &period),
            ("action", "comment"),
            ("body", "Le chiffre de septembre est-il définitif ?"),
            ("_once", &t1),
        ],
        &t2,
    )
    .await;
    assert_eq!(
        count(&app.db, "value_messages").await,
        messages + 2,
        "two forms, two comments"
    );
    assert_eq!(r.len(), 4);
}

#[tokio::test]
async fn a_contact_an_opportunity_and_a_meeting_note_sent_twice_are_created_once() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let url = format!("/accounts/{account}/contacts");
    let (t1, t2) = (
        once(&kam.get(&url).await, "#contact-form"),
        once(&kam.get(&url).await, "#contact-form"),
    );
    let before = count(&app.db, "contacts").await;
    send_twice(
        &mut kam,
        &url,
        &[
            ("name", "Paul Martin"),
            ("title", "Acheteur"),
            ("function", "supply_chain"),
            ("influence", "influencer"),
            ("attitude", "neutral"),
            ("language", "fr"),
            ("_once", &t1),
        ],
        &t2,
    )
    .await;
    // Different e-mails are not needed: without one, only the token prevents doubles.
    assert_eq!(count(&app.db, "contacts").await, before + 2);

    let url = format!("/accounts/{account}/opportunities");
    let form = "form[action$='/opportunities']";
    let (t1, t2) = (
        once(&kam.get(&url).await, form),
        once(&kam.get(&url).await, form),
    );
    let before = count(&app.db, "opportunities").await;
    send_twice(
        &mut kam,
        &url,
        &[
            ("name", "Déploiement Benelux"),
            ("value", "120000"),
            ("opened_on", "2026-10-01"),
            ("outcome", "open"),
            ("_once", &t1),
        ],
        &t2,
    )
    .await;
    assert_eq!(count(&app.db, "opportunities").await, before + 2);

    let url = format!("/accounts/{account}/voc");
    let (t1, t2) = (
        once(&kam.get(&url).await, "#note-form"),
        once(&kam.get(&url).await, "#note-form"),
    );
    let before = count(&app.db, "feedback_notes").await;
    send_twice(
        &mut kam,
        &format!("/accounts/{account}/feedback"),
        &[
            ("said_on", "2026-11-02"),
            ("channel", "call"),
            ("body", "Les délais de paiement posent problème."),
            ("_once", &t1),
        ],
        &t2,
    )
    .await;
    assert_eq!(count(&app.db, "feedback_notes").await, before + 2);
}

#[tokio::test]
async fn a_survey_answer_sent_twice_counts_once_and_both_get_the_thanks() {
    let app = TestApp::with_demo().await;
    let account = id_of(
        &app,
        "SELECT id FROM accounts WHERE slug = 'lumiere-retail'",
    )
    .await;
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/contacts"),
            &[
                ("name", "Margaux Leroy"),
                ("title", "Responsable logistique"),
                ("function", "supply_chain"),
                ("email", "margaux.leroy@lumiere-retail.example"),
                ("influence", "influencer"),
                ("attitude", "neutral"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let contact = id_of(
        &app,
        "SELECT id FROM contacts WHERE email = 'margaux.leroy@lumiere-retail.example'",
    )
    .await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/surveys"),
            &[
                ("title", "Enquête"),
                ("days", "30"),
                ("to", &format!("c{contact}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text("main"));
    let link = r.text("#survey-links code");
    let path = format!("/survey/{}", link.split("/survey/").nth(1).unwrap());

    let mut contact = app.other_browser();
    let form = contact.get(&path).await;
    let token = once(&form, "form.survey");
    let before = count(&app.db, "survey_responses").await;
    let fields = [
        ("q_nps", "9"),
        ("q_satisfaction", "4"),
        ("q_reason", "Très bon suivi des commandes."),
        ("_once", token.as_str()),
    ];
    let first = contact.post_form(&path, &fields).await;
    let second = contact.post_form(&path, &fields).await;
    for r in [&first, &second] {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text("main"));
        assert_eq!(r.count("#survey-thanks"), 1);
    }
    assert_eq!(count(&app.db, "survey_responses").await, before + 1);
}

#[tokio::test]
async fn a_value_form_with_a_control_character_is_shown_again_with_the_input() {
    let app = TestApp::with_demo().await;
    let (account, kpi, period): (i64, i64, String) = sqlx::query_as(
        "SELECT a.id, k.id, to_char(max(v.period), 'YYYY-MM') FROM account_kpis k \
         JOIN accounts a ON a.id = k.account_id JOIN kpi_values v ON v.account_kpi_id = k.id \
         WHERE a.slug = 'lumiere-retail' AND k.frequency = 'monthly' AND k.unit = 'percent' \
         GROUP BY a.id, k.id ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let values = count(&app.db, "kpi_values").await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/values"),
            &[
                ("period", &period),
                ("value", "42,5"),
                ("comment", "Après\u{202E} correction"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#comment-error").contains("caractères de contrôle"));
    assert_eq!(r.attr("#value", "value").as_deref(), Some("42,5"));
    assert_eq!(r.text("#comment"), "Après\u{FFFD} correction");
    assert_eq!(count(&app.db, "kpi_values").await, values);
}
