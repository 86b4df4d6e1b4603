//! Business reviews (issue 13): the KAM plans a review on the client's calendar,
//! the pack (internal and client) prints the scorecard's own figures — the
//! client's never an internal KPI — as a page and a PDF; freezing stores the PDF
//! as it was; decisions become plan actions; the client confirms the record
//! from the portal; bad input is refused in the reader's language.

mod common;

#[cfg(feature = "pdf")]
use std::net::SocketAddr;

#[cfg(feature = "pdf")]
use axum::body::Body;
#[cfg(feature = "pdf")]
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
#[cfg(feature = "pdf")]
use axum::http::{Request, header};
use common::TestApp;
#[cfg(feature = "pdf")]
use http_body_util::BodyExt;
#[cfg(feature = "pdf")]
use tower::ServiceExt;

const ALICE: &str = "kam.alice@boussole.example";
#[cfg(feature = "pdf")]
const CLIENT_LUMIERE: &str = "client@lumiere-retail.example";
#[cfg(feature = "pdf")]
const CLIENT_NORTHWIND: &str = "client@northwind-logistics.example";

async fn one(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn lumiere(app: &TestApp) -> i64 {
    one(app, "SELECT id FROM accounts WHERE slug = 'lumiere-retail'").await
}

/// The demo's upcoming review of Lumière.
async fn upcoming_review(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM business_reviews WHERE account_id = $1 AND held_on >= current_date ORDER BY held_on LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[cfg(feature = "pdf")]
/// GET with the browser's session, the body as bytes (a PDF is not text).
async fn get_bytes(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    if let Some(c) = &app.session_cookie {
        req.headers_mut().insert(
            header::COOKIE,
            format!("{}={c}", boussole::routes::SESSION_COOKIE)
                .parse()
                .unwrap(),
        );
    }
    let resp = boussole::routes::app(app.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ctype, bytes)
}

#[cfg(feature = "pdf")]
/// The text of a PDF (poppler's pdftotext), all whitespace removed so that a
/// figure with a narrow no-break space or a name wrapped in its cell still matches.
fn pdf_text(pdf: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("boussole-reviews-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed");
    squash(&String::from_utf8_lossy(&out.stdout))
}

#[cfg(feature = "pdf")]
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(feature = "pdf")]
/// (name, value as printed) of every KPI row of a scorecard page.
fn rows(page: &common::TestResponse) -> Vec<(String, String, String)> {
    let html = page.html();
    let row = scraper::Selector::parse("tr[data-visibility]").unwrap();
    let name = scraper::Selector::parse("th[scope=row] > a").unwrap();
    let value = scraper::Selector::parse(".kpi-value").unwrap();
    html.select(&row)
        .map(|r| {
            let text = |sel: &scraper::Selector| {
                r.select(sel)
                    .next()
                    .map(|e| e.text().collect::<String>().trim().to_owned())
                    .unwrap_or_default()
            };
            (
                text(&name),
                text(&value),
                r.value()
                    .attr("data-visibility")
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[cfg(feature = "pdf")]
#[tokio::test]
async fn the_pdf_packs_print_the_scorecards_figures_and_the_client_one_no_internal_kpi() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    let rid = upcoming_review(&app, id).await;
    app.login(ALICE).await;

    // The scorecard as staff see it, and as the client sees it (the preview).
    let board = app.get(&format!("/accounts/{id}")).await;
    assert_eq!(board.status, StatusCode::OK);
    let score = board
        .attr(".stat__value[data-score]", "data-score")
        .unwrap();
    let staff_rows = rows(&board);
    let preview = app.get(&format!("/accounts/{id}/as-client")).await;
    let client_score = preview
        .attr(".stat__value[data-score]", "data-score")
        .unwrap();
    let client_rows = rows(&preview);
    let internal_names: Vec<&String> = staff_rows
        .iter()
        .filter(|r| r.2 == "internal")
        .map(|r| &r.0)
        .collect();
    assert!(!internal_names.is_empty() && !client_rows.is_empty());

    let (status, ctype, internal) = get_bytes(
        &app,
        &format!("/accounts/{id}/reviews/{rid}/pack.pdf?audience=internal"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/pdf");
    assert!(internal.starts_with(b"%PDF"));
    let text = pdf_text(&internal, "internal");
    assert!(
        text.contains(&squash(&score)),
        "score {score} in the internal PDF"
    );
    for (name, value, _) in &staff_rows {
        if value != "—" {
            assert!(
                text.contains(&squash(value)),
                "{name}: {value} in the internal PDF"
            );
        }
    }
    assert!(text.contains("Lumière"));

    let (status, _, client) = get_bytes(
        &app,
        &format!("/accounts/{id}/reviews/{rid}/pack.pdf?audience=client"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&client, "client");
    assert!(
        text.contains(&squash(&client_score)),
        "client score {client_score}"
    );
    for (name, value, _) in &client_rows {
        assert!(text.contains(&squash(name)), "{name} in the client PDF");
        if value != "—" {
            assert!(
                text.contains(&squash(value)),
                "{name}: {value} in the client PDF"
            );
        }
    }
    for name in internal_names {
        assert!(
            !text.contains(&squash(name)),
            "internal KPI {name} in the client PDF"
        );
    }

    // The first page as a picture, for the issue's note.
    let dir = std::env::temp_dir().join(format!("boussole-pack-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("pack.pdf");
    std::fs::write(&pdf, &internal).unwrap();
    let ok = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "3"])
        .arg(&pdf)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(ok.success());
    if let Ok(out) = std::env::var("BOUSSOLE_PACK_PNG_DIR") {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.ends_with(".png") {
                std::fs::copy(entry.path(), std::path::Path::new(&out).join(n)).unwrap();
            }
        }
    }

    // The printable page: the same figures, the client's without internal KPIs.
    let page = app
        .get(&format!(
            "/accounts/{id}/reviews/{rid}/pack?audience=client"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("#pack-score-value"), client_score);
    let names = page.texts(".kpi-name");
    assert_eq!(names.len(), client_rows.len());
    for n in staff_rows.iter().filter(|r| r.2 == "internal") {
        assert!(!names.contains(&n.0));
    }
    let page = app
        .get(&format!(
            "/accounts/{id}/reviews/{rid}/pack?audience=internal"
        ))
        .await;
    assert_eq!(page.text("#pack-score-value"), score);
    assert_eq!(page.texts(".kpi-name").len(), staff_rows.len());
}

/// Alice plans a review of Lumière with the proposed date; returns its id.
async fn plan_review(app: &mut TestApp, id: i64) -> i64 {
    let page = app.get(&format!("/accounts/{id}/reviews")).await;
    assert_eq!(page.status, StatusCode::OK);
    let held_on = page.attr("#held_on", "value").unwrap();
    let start = page.attr("#period_start", "value").unwrap();
    let end = page.attr("#period_end", "value").unwrap();
    let contact = one(
        app,
        "SELECT min(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE a.slug = 'lumiere-retail'",
    )
    .await;
    let alice = one(
        app,
        "SELECT id FROM users WHERE email = 'kam.alice@boussole.example'",
    )
    .await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews"),
            &[
                ("kind", "steering"),
                ("title", "Comité de pilotage"),
                ("held_on", &held_on),
                ("period_start", &start),
                ("period_end", &end),
                ("participant", &format!("u:{alice}")),
                ("participant", &format!("c:{contact}")),
                ("agenda", "Scores\nPlan"),
                ("decisions_sought", "Budget de l'étude"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rid: i64 = r
        .location()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let review = app.get(&format!("/accounts/{id}/reviews/{rid}")).await;
    assert_eq!(review.count("#participant-list li"), 2);
    rid
}

#[cfg(feature = "pdf")]
#[tokio::test]
async fn a_frozen_pack_never_changes_and_the_client_confirms_it_from_the_portal() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    app.login(ALICE).await;
    let rid = plan_review(&mut app, id).await;
    let r = app
        .post_form(&format!("/accounts/{id}/reviews/{rid}/freeze"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (stored, sha): (Vec<u8>, String) = sqlx::query_as(
        "SELECT pdf, sha256 FROM review_packs WHERE review_id = $1 AND audience = 'client'",
    )
    .bind(rid)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let url = format!("/accounts/{id}/reviews/{rid}/pack.pdf?audience=client");
    let (_, _, before) = get_bytes(&app, &url).await;
    assert_eq!(before, stored);
    assert_eq!(boussole::reviews::record::sha256_hex(&before), sha);
    let page = app.get(&format!("/accounts/{id}/reviews/{rid}")).await;
    assert_eq!(page.text("code.hash[data-audience=client]"), sha);

    // A shared value changes after the meeting: the frozen pack stays as it was.
    sqlx::query(
        "UPDATE kpi_values SET value = value + 7 WHERE account_kpi_id = \
           (SELECT min(id) FROM account_kpis WHERE account_id = $1 AND visibility <> 'internal')",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    let (_, _, after) = get_bytes(&app, &url).await;
    assert_eq!(after, before, "the frozen PDF is byte-identical");
    assert_eq!(boussole::reviews::record::sha256_hex(&after), sha);

    // Freezing twice is refused, in French and in English.
    let r = app
        .post_form(&format!("/accounts/{id}/reviews/{rid}/freeze"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("déjà figé"), "{}", r.body);
    app.accept_language = Some("en".into());
    let r = app
        .post_form(&format!("/accounts/{id}/reviews/{rid}/freeze"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The client of Lumière confirms the record from the portal.
    let mut client = app.other_browser();
    client.login(CLIENT_LUMIERE).await;
    let list = client.get("/portal/reviews").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.count(&format!("tr[data-review='{rid}']")), 1);
    let (status, _, pdf) = get_bytes(&client, &format!("/portal/reviews/{rid}/pack.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pdf, stored, "the client downloads the frozen client pack");
    // Naming the internal pack is refused with a message, nothing written.
    let r = client
        .post_form(
            &format!("/portal/reviews/{rid}/confirm"),
            &[("audience", "internal"), ("verdict", "confirm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Seul le dossier client peut être validé"));
    let r = client
        .post_form(
            &format!("/portal/reviews/{rid}/confirm"),
            &[
                ("audience", "client"),
                ("verdict", "confirm"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mine = client.get(&format!("/portal/reviews/{rid}")).await;
    assert!(
        mine.text("#confirmations")
            .contains("Validé par Camille Laurent")
    );

    // The KAM sees who validated and when; the audit trail has it.
    app.accept_language = Some("en".into());
    let page = app.get(&format!("/accounts/{id}/reviews/{rid}")).await;
    assert!(
        page.text("#confirmations")
            .contains("Validated by Camille Laurent on"),
        "{}",
        page.text("#confirmations")
    );
    let list = app.get(&format!("/accounts/{id}/reviews")).await;
    assert!(
        list.text(&format!("tr[data-review='{rid}'] .record"))
            .starts_with("Validated by Camille Laurent")
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'business_review.confirmed' AND entity_id = $1::text \
           AND actor_id = (SELECT id FROM users WHERE email = $2)",
    )
    .bind(rid.to_string())
    .bind(CLIENT_LUMIERE)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Another account's client: nothing of it exists.
    let mut other = app.other_browser();
    other.login(CLIENT_NORTHWIND).await;
    for path in [
        format!("/portal/reviews/{rid}"),
        format!("/portal/reviews/{rid}/pack.pdf"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = other
        .post_form(
            &format!("/portal/reviews/{rid}/confirm"),
            &[("audience", "client"), ("verdict", "confirm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A review not frozen is not in the portal either.
    let rid2 = plan_review(&mut app, id).await;
    assert_eq!(
        client.get(&format!("/portal/reviews/{rid2}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_decision_becomes_a_plan_action_with_its_owner_and_date() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    app.login(ALICE).await;
    let rid = plan_review(&mut app, id).await;
    let contact = one(
        &app,
        "SELECT max(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE a.slug = 'lumiere-retail'",
    )
    .await;
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(45)).to_string();
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews/{rid}/decisions"),
            &[
                ("body", "Lancer l'étude conjointe sur les ruptures"),
                ("owner", &format!("c:{contact}")),
                ("due", &due),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let did = one(&app, "SELECT max(id) FROM review_decisions").await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews/{rid}/decisions/{did}/action"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (title, owner, action_due, shared): (String, Option<i64>, chrono::NaiveDate, bool) =
        sqlx::query_as(
            "SELECT x.title, x.owner_contact_id, x.due, x.shared FROM plan_actions x \
             JOIN review_decisions d ON d.action_id = x.id WHERE d.id = $1",
        )
        .bind(did)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(title, "Lancer l'étude conjointe sur les ruptures");
    assert_eq!(owner, Some(contact));
    assert_eq!(action_due.to_string(), due);
    assert!(shared);
    let plan = app.get(&format!("/accounts/{id}/plan")).await;
    assert!(
        plan.text("#actions")
            .contains("Lancer l'étude conjointe sur les ruptures")
    );
    // The review shows where the decision stands in the plan; twice is refused.
    let page = app.get(&format!("/accounts/{id}/reviews/{rid}")).await;
    assert_eq!(
        page.count(&format!("tr[data-decision='{did}'] .in-plan")),
        1
    );
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews/{rid}/decisions/{did}/action"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The next review's pack opens with these commitments.
    let later = upcoming_review(&app, id).await;
    let next = app
        .get(&format!(
            "/accounts/{id}/reviews/{later}/pack?audience=client"
        ))
        .await;
    let held: (chrono::NaiveDate, chrono::NaiveDate) = sqlx::query_as(
        "SELECT (SELECT held_on FROM business_reviews WHERE id = $1), (SELECT held_on FROM business_reviews WHERE id = $2)",
    )
    .bind(rid)
    .bind(later)
    .fetch_one(&app.db)
    .await
    .unwrap();
    if held.0 < held.1 {
        assert!(
            next.text("#pack-commitments")
                .contains("Lancer l'étude conjointe sur les ruptures")
        );
    }
}

#[tokio::test]
async fn bad_reviews_are_refused_with_clear_messages() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    app.login(ALICE).await;
    let page = app.get(&format!("/accounts/{id}/reviews")).await;
    let start = page.attr("#period_start", "value").unwrap();
    let end = page.attr("#period_end", "value").unwrap();
    let before = common::count(&app.db, "business_reviews").await;
    let northwind_contact = one(
        &app,
        "SELECT min(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE a.slug = 'northwind-logistics'",
    )
    .await;
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let past = app
        .post_form(
            &format!("/accounts/{id}/reviews"),
            &[
                ("kind", "qbr"),
                ("title", "Revue"),
                ("held_on", &yesterday),
                ("period_start", &start),
                ("period_end", &end),
            ],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        past.text(".error-summary")
            .contains("Une nouvelle réunion ne peut pas être dans le passé")
    );
    assert_eq!(past.attr("#title", "value").as_deref(), Some("Revue"));
    app.accept_language = Some("en".into());
    let other = app
        .post_form(
            &format!("/accounts/{id}/reviews"),
            &[
                ("kind", "qbr"),
                ("title", "Review"),
                ("held_on", &tomorrow),
                ("period_start", &start),
                ("period_end", &end),
                ("participant", &format!("c:{northwind_contact}")),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other.text(".error-summary").contains(
            "Participants must be members of the account team or contacts of this account"
        )
    );
    let past_en = app
        .post_form(
            &format!("/accounts/{id}/reviews"),
            &[
                ("kind", "qbr"),
                ("title", "Review"),
                ("held_on", &yesterday),
                ("period_start", &start),
                ("period_end", &end),
            ],
        )
        .await;
    assert!(
        past_en
            .text(".error-summary")
            .contains("A new meeting cannot be in the past")
    );
    assert_eq!(common::count(&app.db, "business_reviews").await, before);
    // The database refuses another account's contact whatever the path.
    let rid = upcoming_review(&app, id).await;
    let refused = sqlx::query(
        "INSERT INTO review_participants (review_id, account_id, contact_id) VALUES ($1, $2, $3)",
    )
    .bind(rid)
    .bind(id)
    .bind(northwind_contact)
    .execute(&app.db)
    .await;
    assert!(refused.is_err());
    // An audience that does not exist.
    let r = app
        .get(&format!("/accounts/{id}/reviews/{rid}/pack?audience=board"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[cfg(feature = "pdf")]
#[tokio::test]
async fn the_demo_has_signed_past_reviews_and_an_upcoming_one_for_stage_3_and_4() {
    let mut app = TestApp::with_demo().await;
    let frozen = boussole::demo::reviews::freeze_past(&app.db).await.unwrap();
    let accounts = one(&app, "SELECT count(*) FROM accounts WHERE stage >= 3").await;
    assert_eq!(frozen as i64, accounts);
    let signed = one(
        &app,
        "SELECT count(DISTINCT r.account_id) FROM business_reviews r JOIN review_packs k ON k.review_id = r.id \
         JOIN review_confirmations c ON c.review_id = r.id AND c.kind = 'confirmed' \
         JOIN accounts a ON a.id = r.account_id WHERE a.stage >= 3 AND r.held_on < current_date",
    )
    .await;
    assert_eq!(signed, accounts);
    let upcoming = one(
        &app,
        "SELECT count(DISTINCT r.account_id) FROM business_reviews r JOIN accounts a ON a.id = r.account_id \
         WHERE a.stage >= 3 AND r.held_on >= current_date",
    )
    .await;
    assert_eq!(upcoming, accounts);
    // The KAM's home lists the upcoming ones; the portfolio says when the next is.
    app.login(ALICE).await;
    let home = app.get("/accounts").await;
    assert!(home.count("#upcoming-reviews li") >= 1);
    let mut director = app.other_browser();
    director.login("direction@boussole.example").await;
    let portfolio = director.get("/portfolio").await;
    assert!(portfolio.count(".next-review") >= accounts as usize);
    // The client of Lumière sees the signed record.
    let mut client = app.other_browser();
    client.login(CLIENT_LUMIERE).await;
    let list = client.get("/portal/reviews").await;
    assert_eq!(list.count("#portal-review-table tbody tr"), 1);
}

#[cfg(feature = "pdf")]
#[tokio::test]
async fn both_sides_rate_the_meeting_and_the_average_is_the_review_rating_kpi() {
    let mut app = TestApp::with_demo().await;
    let id = lumiere(&app).await;
    // The KAM has added the library's "business review rating" to the scorecard.
    let kpi: i64 = sqlx::query_scalar(
        "INSERT INTO account_kpis (account_id, template_id, code, universe, name_fr, name_en, description_fr, \
             description_en, unit, direction, frequency, domain, target, green_from, amber_from) \
         SELECT $1, id, code, universe, name_fr, name_en, description_fr, description_en, unit, direction, \
                frequency, domain, default_target, green_from, amber_from FROM kpi_templates WHERE code = 'review_rating' \
         RETURNING id",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    app.login(ALICE).await;
    let rid = plan_review(&mut app, id).await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews/{rid}/rating"),
            &[
                ("preparation", "5"),
                ("relevance", "4"),
                ("decisions", "4"),
                ("follow_up", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(&format!("/accounts/{id}/reviews/{rid}/freeze"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut client = app.other_browser();
    client.login(CLIENT_LUMIERE).await;
    let r = client
        .post_form(
            &format!("/portal/reviews/{rid}/rating"),
            &[
                ("preparation", "5"),
                ("relevance", "5"),
                ("decisions", "5"),
                ("follow_up", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let value: f64 = sqlx::query_scalar(
        "SELECT value::float8 FROM kpi_values WHERE account_kpi_id = $1 ORDER BY period DESC LIMIT 1",
    )
    .bind(kpi)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(value, 4.5);
    let page = app.get(&format!("/accounts/{id}/reviews/{rid}")).await;
    assert!(
        page.text("#rating-average").contains("4,5"),
        "{}",
        page.text("#rating-average")
    );
    // A rating out of 1–5 is refused.
    let r = app
        .post_form(
            &format!("/accounts/{id}/reviews/{rid}/rating"),
            &[
                ("preparation", "9"),
                ("relevance", "4"),
                ("decisions", "4"),
                ("follow_up", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Notez chaque critère de 1 à 5"));
}
