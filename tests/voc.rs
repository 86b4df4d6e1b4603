//! Voice of the customer: a survey answered through its personal link moves the
//! account's NPS KPI and shows on the VoC page with its sentiment and themes;
//! meeting notes are searchable in their own language; bad links tell nothing.

mod common;

use axum::http::StatusCode;
use common::TestApp;

async fn lumiere(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Sends the survey to a new contact of Lumière and returns the personal link's path.
async fn send_survey(kam: &mut TestApp, account: i64) -> String {
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
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let contact: i64 = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE email = 'margaux.leroy@lumiere-retail.example'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    let r = kam
        .post_form(
            &format!("/accounts/{account}/surveys"),
            &[
                ("title", "Enquête test"),
                ("days", "30"),
                ("to", &format!("c{contact}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let link = r.text("#survey-links code");
    let path = format!("/survey/{}", link.split("/survey/").nth(1).expect("a link"));
    assert_eq!(path.len(), "/survey/".len() + 64);
    path
}

#[tokio::test]
async fn a_survey_answered_through_its_link_moves_the_nps_and_shows_its_words() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    let path = send_survey(&mut kam, account).await;

    // The contact, not signed in, in French (the link's language).
    let mut contact = kam.other_browser();
    let form = contact.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text("h1").contains("Votre avis"));
    assert_eq!(form.count("input[name=q_nps]"), 11);
    // Out of range, and a comment kept.
    let comment = "Pas satisfait du tout : les livraisons arrivent toujours en retard et le service client ne répond jamais.";
    let r = contact
        .post_form(
            &path,
            &[
                ("q_nps", "11"),
                ("q_satisfaction", "2"),
                ("q_reason", comment),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("hors de l'échelle"));
    assert_eq!(r.text("#q-reason"), comment);
    let r = contact
        .post_form(
            &path,
            &[
                ("q_nps", "3"),
                ("q_satisfaction", "2"),
                ("q_reason", comment),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.count("#survey-thanks"), 1);
    // One answer per link.
    let again = contact.get(&path).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.count("#survey-invalid"), 1);

    // The KAM sees it with a negative label and its themes.
    let page = kam.get(&format!("/accounts/{account}/voc?q=retard")).await;
    assert_eq!(page.status, StatusCode::OK);
    let item = page
        .texts("#verbatims li")
        .into_iter()
        .find(|t| t.contains("Pas satisfait du tout"))
        .expect("the answer is listed");
    assert!(item.contains("Négatif"), "{item}");
    assert!(item.contains("Livraison"), "{item}");
    assert!(page.count("#verbatims li[data-label=negative] [data-theme=delivery]") >= 1);
    // And it moved the NPS KPI of this quarter (source: voice of the customer).
    let (value, source): (f64, String) = sqlx::query_as(
        "SELECT v.value::float8, v.source FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.account_id = $1 AND k.code = 'nps' ORDER BY v.period DESC LIMIT 1",
    )
    .bind(account)
    .fetch_one(&kam.db)
    .await
    .unwrap();
    assert_eq!(source, "voc");
    assert!(value < 100.0);
    let answered: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'survey.answered' AND account_id = $1",
    )
    .bind(account)
    .fetch_one(&kam.db)
    .await
    .unwrap();
    assert_eq!(answered, 1);
}

#[tokio::test]
async fn unknown_links_say_nothing_and_guessing_is_throttled() {
    let app = TestApp::with_demo().await;
    let mut anon = app.other_browser();
    let r = anon.get(&format!("/survey/{}", "a".repeat(64))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.count("#survey-invalid"), 1);
    let r = anon.get("/survey/not-even-hex").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for _ in 0..20 {
        anon.get(&format!("/survey/{}", "b".repeat(64))).await;
    }
    let r = anon.get(&format!("/survey/{}", "c".repeat(64))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn full_text_search_matches_word_forms_in_each_language() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    for (body, channel) in [
        (
            "Les livraisons de la semaine dernière étaient incomplètes.",
            "meeting",
        ),
        ("The pallets were delivered two days late again.", "call"),
    ] {
        let r = kam
            .post_form(
                &format!("/accounts/{account}/feedback"),
                &[
                    ("said_on", "2026-11-02"),
                    ("channel", channel),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let fr = kam
        .get(&format!("/accounts/{account}/voc?q=livraison&source=note"))
        .await;
    assert!(
        fr.text("#verbatims")
            .contains("Les livraisons de la semaine"),
        "{}",
        fr.text("main")
    );
    let en = kam
        .get(&format!("/accounts/{account}/voc?q=delivery&source=note"))
        .await;
    assert!(
        en.text("#verbatims")
            .contains("were delivered two days late"),
        "{}",
        en.text("main")
    );
    assert!(
        !en.text("#verbatims")
            .contains("Les livraisons de la semaine")
    );
    // An empty note is refused with the input kept.
    let r = kam
        .post_form(
            &format!("/accounts/{account}/feedback"),
            &[
                ("said_on", "2026-11-02"),
                ("channel", "call"),
                ("body", "  "),
            ],
        )
        .await;
    // (shown again with 422, never through a redirect carrying the fields)
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r;
    assert!(page.text("#note-error").contains("Écrivez"));
    assert_eq!(
        page.attr("#note-date", "value").as_deref(),
        Some("2026-11-02")
    );
    // The CSV holds what the filtered page shows.
    let csv = kam
        .get(&format!(
            "/accounts/{account}/voc.csv?q=delivery&source=note"
        ))
        .await;
    assert!(csv.body.contains("were delivered two days late"));
    assert!(!csv.body.contains("Les livraisons de la semaine"));
}

#[tokio::test]
async fn a_correction_is_kept_beside_the_computed_reading() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    kam.post_form(
        &format!("/accounts/{account}/feedback"),
        &[
            ("said_on", "2026-11-02"),
            ("channel", "call"),
            ("body", "Pas mal du tout, vraiment."),
        ],
    )
    .await;
    let (id, label): (i64, String) =
        sqlx::query_as("SELECT id, label FROM voc_verbatims WHERE body LIKE 'Pas mal du tout%'")
            .fetch_one(&kam.db)
            .await
            .unwrap();
    let r = kam
        .post_form(
            &format!("/accounts/{account}/voc/verbatims/{id}"),
            &[("label", "negative"), ("themes", "quality")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (computed, corrected, themes): (String, Option<String>, Option<Vec<String>>) =
        sqlx::query_as(
            "SELECT label, label_corrected, themes_corrected FROM voc_verbatims WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&kam.db)
        .await
        .unwrap();
    assert_eq!(computed, label, "the computed reading is never overwritten");
    assert_eq!(corrected.as_deref(), Some("negative"));
    assert_eq!(themes, Some(vec!["quality".to_owned()]));
}

#[tokio::test]
async fn an_admin_edits_the_taxonomy_and_every_text_is_reread() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    kam.post_form(
        &format!("/accounts/{account}/feedback"),
        &[
            ("said_on", "2026-11-02"),
            ("channel", "call"),
            ("body", "L'astreinte du week-end a bien fonctionné."),
        ],
    )
    .await;
    let themes = |db: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, Vec<String>>(
            "SELECT themes FROM voc_verbatims WHERE body LIKE 'L''astreinte%'",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    assert!(!themes(kam.db.clone()).await.contains(&"support".to_owned()));
    let mut admin = kam.other_browser();
    admin.login("admin@boussole.example").await;
    let page = admin.get("/admin/voc").await;
    let fr = page.text("#kfr-support");
    let en = page.text("#ken-support");
    // Refused: a name is missing; the typed keywords come back.
    let r = admin
        .post_form(
            "/admin/voc/themes/support",
            &[
                ("name_fr", ""),
                ("name_en", "Support"),
                ("keywords_fr", "astreinte"),
                ("keywords_en", &en),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("#kfr-support"), "astreinte");
    let r = admin
        .post_form(
            "/admin/voc/themes/support",
            &[
                ("name_fr", "Support et assistance"),
                ("name_en", "Support"),
                ("keywords_fr", &format!("{fr}, astreinte*")),
                ("keywords_en", &en),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(themes(kam.db.clone()).await.contains(&"support".to_owned()));
}

#[tokio::test]
async fn survey_links_are_mailed_and_any_text_is_stored_and_shown_safely() {
    let dir = std::env::temp_dir().join(format!("boussole-survey-mail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("file://{}", dir.display()));
    let mut kam = TestApp::with_demo_config(config).await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    kam.post_form(
        &format!("/accounts/{account}/contacts"),
        &[
            ("name", "Hugo Martin"),
            ("function", "quality"),
            ("email", "hugo.martin@lumiere-retail.example"),
            ("influence", "user"),
            ("attitude", "supporter"),
            ("language", "en"),
        ],
    )
    .await;
    let contact: i64 = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE email = 'hugo.martin@lumiere-retail.example'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    let r = kam
        .post_form(
            &format!("/accounts/{account}/surveys"),
            &[
                ("title", "Q4"),
                ("days", "14"),
                ("to", &format!("c{contact}")),
            ],
        )
        .await;
    assert!(
        r.text("#survey-links")
            .contains("hugo.martin@lumiere-retail.example")
    );
    // The page only queued the message; the job sends it.
    assert_eq!(boussole::jobs::run_due(&kam.state).await.unwrap(), 1);
    assert_eq!(
        r.count("#survey-links code"),
        0,
        "a mailed link is not shown"
    );
    let mail = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("=\r\n", "")
        })
        .find(|m| m.contains("hugo.martin@lumiere-retail.example"))
        .expect("the survey was mailed");
    let start = mail.find("/survey/").expect("the link is in the mail") + "/survey/".len();
    let token: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    std::fs::remove_dir_all(&dir).ok();

    let mut contact = kam.other_browser();
    let form = contact.get(&format!("/survey/{token}")).await;
    assert!(
        form.text("h1").contains("Your opinion"),
        "in the contact's language"
    );
    let nasty = format!(
        "<script>alert('x')</script> 😀 Great team mais les factures sont souvent fausses. {}",
        "très long ".repeat(300)
    );
    // Too long is refused, not cut, and comes back whole.
    let long = "x".repeat(5001);
    let r = contact
        .post_form(
            &format!("/survey/{token}"),
            &[
                ("q_nps", "9"),
                ("q_satisfaction", "4"),
                ("q_improve", &long),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("#q-improve").len(), 5001);
    let r = contact
        .post_form(
            &format!("/survey/{token}"),
            &[
                ("q_nps", "9"),
                ("q_satisfaction", "4"),
                ("q_improve", &nasty),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = kam
        .get(&format!("/accounts/{account}/voc?source=survey"))
        .await;
    assert!(!page.body.contains("<script>alert('x')</script>"));
    assert!(
        page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
        "escaped"
    );
    assert!(page.text("#verbatims").contains("😀 Great team"));
}

#[tokio::test]
async fn the_demo_hidden_discontent_is_flagged_on_the_account_and_in_the_portfolio_view() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let account = lumiere(&kam).await;
    let page = kam.get(&format!("/accounts/{account}/voc")).await;
    let flagged = page.texts("#flagged li[data-flag=hidden_discontent]");
    assert!(
        flagged
            .iter()
            .any(|t| t.contains("retards de livraison") && t.contains("NPS 9")),
        "{flagged:?}"
    );
    let mut director = kam.other_browser();
    director.login("direction@boussole.example").await;
    let voc = director.get("/voc").await;
    assert_eq!(voc.status, StatusCode::OK);
    assert!(
        voc.count(&format!(
            "#flagged li[data-account='{account}'][data-flag=hidden_discontent]"
        )) >= 1
    );
    // And the portfolio raises it among its alerts.
    let portfolio = director.get("/portfolio").await;
    assert_eq!(
        portfolio.count(&format!(
            "[data-alert=hidden_discontent][data-alert-account='{account}']"
        )),
        1
    );
    // Every account has a row of NPS, and the heat map names the delivery complaints.
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&kam.db)
        .await
        .unwrap();
    assert_eq!(voc.count("#nps-by-account tbody tr") as i64, accounts);
    assert!(voc.count("#heat tbody tr") >= 10);
    // A KAM sees only their accounts there.
    let mine = kam.get("/voc").await;
    assert!(mine.count("#nps-by-account tbody tr") < accounts as usize);
    assert!(!mine.text("#nps-by-account").contains("Northwind"));
}

#[tokio::test]
async fn a_client_sees_their_own_answers_and_the_trend_but_no_one_elses_words() {
    let app = TestApp::with_demo().await;
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let page = client.get("/portal/voc").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#open-surveys li"), 1);
    assert!(page.count("#own-answers li") >= 1);
    assert_eq!(
        page.count("#nps-table tbody tr"),
        8,
        "stage 3: the aggregated trend"
    );
    // The hidden-discontent words of another contact never reach the client.
    assert!(
        !page
            .body
            .contains("retards de livraison deviennent insupportables")
    );
    // Answering in the portal, then it is among their answers.
    let link = page.attr("#open-surveys a", "href").unwrap();
    let r = client
        .post_form(
            &link,
            &[
                ("q_nps", "8"),
                ("q_satisfaction", "4"),
                ("q_reason", "Bonne année dans l'ensemble."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, page) = client.get_follow(r.location().unwrap()).await;
    assert_eq!(page.count("#open-surveys li"), 0);
    assert!(
        page.text("#own-answers")
            .contains("Bonne année dans l'ensemble.")
    );
    // Another client's link id is nobody's business.
    let other: i64 = sqlx::query_scalar(
        "SELECT l.id FROM survey_links l JOIN users u ON u.id = l.user_id \
         WHERE u.email <> 'client@lumiere-retail.example' AND l.answered_at IS NULL LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        client.get(&format!("/portal/surveys/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
}
