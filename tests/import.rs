//! CSV import of KPI values: the whole file is checked before anything is written,
//! every problem is reported with its row, and a good file is saved all at once, by
//! an import run whose page shows its progress, then what it did.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{TestApp, TestResponse, count};

const ALICE: &str = "kam.alice@boussole.example";
const BOUNDARY: &str = "----boussole-test-9f2c1e7a";

/// A multipart upload as a browser sends the import form: the file in the `file`
/// field, the CSRF token in the query string.
async fn upload(app: &mut TestApp, file_name: &str, bytes: &[u8]) -> TestResponse {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let token = app
        .csrf
        .clone()
        .expect("a page was loaded, so a token is known");
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/import?_csrf={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.request(req).await
}

/// Test KPIs with codes no demo KPI uses: on Alice's Lumière Retail, and one on
/// Bruno's Northwind Logistics.
async fn add_test_kpis(app: &TestApp) {
    sqlx::raw_sql(
        "INSERT INTO account_kpis (account_id, code, universe, name_fr, name_en, unit, direction, frequency, domain, target) \
         SELECT a.id, k.code, k.universe::universe, k.name_fr, k.name_en, k.unit::kpi_unit, 'higher_better', \
                k.frequency::kpi_frequency, 'internal', k.target \
         FROM accounts a, (VALUES \
             ('lumiere-retail', 'test_revenue', 'financial', 'CA test', 'Test revenue', 'eur', 'monthly', 100000), \
             ('lumiere-retail', 'test_nps', 'relationship', 'NPS test', 'Test NPS', 'points', 'quarterly', 30), \
             ('northwind-logistics', 'test_revenue', 'financial', 'CA test', 'Test revenue', 'eur', 'monthly', 100000) \
         ) AS k (slug, code, universe, name_fr, name_en, unit, frequency, target) \
         WHERE a.slug = k.slug",
    )
    .execute(&app.db)
    .await
    .unwrap();
}

async fn alice() -> TestApp {
    let mut app = TestApp::with_demo().await;
    add_test_kpis(&app).await;
    app.login(ALICE).await;
    let page = app.get("/import").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    app
}

/// Row counts of what an import may write.
async fn written(app: &TestApp) -> (i64, i64, i64) {
    (
        count(&app.db, "kpi_values").await,
        count(&app.db, "kpi_value_history").await,
        count(&app.db, "audit_log").await,
    )
}

/// The stored value of a test KPI, as text.
async fn stored(
    app: &TestApp,
    slug: &str,
    code: &str,
    period: &str,
) -> Option<(String, String, String)> {
    sqlx::query_as(
        "SELECT v.value::text, v.comment, v.source FROM kpi_values v \
         JOIN account_kpis k ON k.id = v.account_kpi_id JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = $1 AND k.code = $2 AND v.period = $3::date",
    )
    .bind(slug)
    .bind(code)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
}

const GOOD: &str = "account,kpi,period,value,comment\n\
                    lumiere-retail,test_revenue,2026-07,120000,July close\n\
                    lumiere-retail,test_revenue,2026-08,\"98,500.5\",\n\
                    lumiere-retail,test_revenue,2026-09,131000,\n\
                    lumiere-retail,test_nps,2026-Q3,34,Survey\n";

#[tokio::test]
async fn one_bad_row_writes_nothing_then_the_fixed_file_imports_once() {
    let mut app = alice().await;
    let before = written(&app).await;

    // Row 4 (line 4 of the file) has a typo; the others are fine.
    let bad = GOOD.replace("131000", "13l000");
    let r = upload(&mut app, "valeurs-sept.csv", bad.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.count("#import-problems tbody tr"), 1);
    let row = r.text("#import-problems tr[data-line='4']");
    assert!(row.starts_with("4 valeur"), "{row}");
    assert!(row.contains("Ce n’est pas un nombre"), "{row}");
    assert!(row.contains("13l000"), "the raw cell is shown: {row}");
    let message = r.text("#import-message");
    assert!(message.contains("Un problème a été trouvé"), "{message}");
    assert!(
        message.contains("« valeurs-sept.csv » (4 lignes)"),
        "{message}"
    );
    assert_eq!(r.text("#import-failure h2"), "Rien n’a été importé");
    assert_eq!(written(&app).await, before, "nothing written");

    // The fixed file: everything is saved, with its history and audit.
    let r = upload(&mut app, "valeurs-sept.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run = r.location().unwrap().to_owned();
    assert!(run.starts_with("/import/"), "{run}");
    // A small file is written before the answer: its run's page is already done.
    let page = app.get(&run).await;
    assert_eq!(
        page.attr("#import-run", "data-status").as_deref(),
        Some("done")
    );
    assert_eq!(page.count("meta[http-equiv=refresh]"), 0);
    assert_eq!(
        page.text("#import-summary"),
        "valeurs-sept.csv : 4 valeurs ajoutées, 0 modifiée, 0 inchangée."
    );
    let after = written(&app).await;
    assert_eq!(after.0, before.0 + 4);
    assert_eq!(after.1, before.1 + 4);
    // One audit row per value (values::save) plus the import's own.
    assert_eq!(after.2, before.2 + 5);
    assert_eq!(
        stored(&app, "lumiere-retail", "test_revenue", "2026-08-01").await,
        Some(("98500.5".into(), "".into(), "csv".into()))
    );
    assert_eq!(
        stored(&app, "lumiere-retail", "test_nps", "2026-07-01").await,
        Some(("34".into(), "Survey".into(), "csv".into()))
    );
    let audit: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'values.imported' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audit["file"], "valeurs-sept.csv");
    assert_eq!(audit["created"], 4);
    assert_eq!(audit["account_ids"].as_array().unwrap().len(), 1);
    // The upload page is the form again.
    let again = app.get("/import").await;
    assert_eq!(again.count("#import-summary"), 0);

    // The same file again changes nothing: no history, no audit row at all.
    let r = upload(&mut app, "valeurs-sept.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(r.location().unwrap()).await;
    assert_eq!(
        page.text("#import-summary"),
        "valeurs-sept.csv : 0 valeur ajoutée, 0 modifiée, 4 inchangées."
    );
    assert_eq!(written(&app).await, after);

    // One value changed: one update, with its history row.
    let changed = GOOD.replace("131000", "131500");
    let r = upload(&mut app, "valeurs-sept.csv", changed.as_bytes()).await;
    let page = app.get(r.location().unwrap()).await;
    assert_eq!(
        page.text("#import-summary"),
        "valeurs-sept.csv : 0 valeur ajoutée, 1 modifiée, 3 inchangées."
    );
    let last = written(&app).await;
    assert_eq!(last.0, after.0);
    assert_eq!(last.1, after.1 + 1);
    let before_value: String = sqlx::query_scalar(
        "SELECT before_value::text FROM kpi_value_history ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(before_value, "131000");
}

#[tokio::test]
async fn a_french_excel_file_with_semicolons_and_decimal_commas_imports() {
    let mut app = alice().await;
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        "Compte;Indicateur;Période;Valeur;Commentaire\r\n\
         lumiere-retail;test_revenue;2026-09;1 250 000,5;Clôture « septembre »\r\n\
         lumiere-retail;test_nps;2026-Q3;12,5;\r\n\
         ;;;;\r\n"
            .as_bytes(),
    );
    let r = upload(&mut app, "export excel.csv", &bytes).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        stored(&app, "lumiere-retail", "test_revenue", "2026-09-01").await,
        Some((
            "1250000.5".into(),
            "Clôture « septembre »".into(),
            "csv".into()
        ))
    );
    assert_eq!(
        stored(&app, "lumiere-retail", "test_nps", "2026-07-01").await,
        Some(("12.5".into(), "".into(), "csv".into()))
    );
    let page = app.get(r.location().unwrap()).await;
    assert!(page.text("#import-summary").contains("2 valeurs ajoutées"));
}

#[tokio::test]
async fn unusable_files_get_one_clear_message_in_french() {
    let mut app = alice().await;
    let before = written(&app).await;
    let message = |r: &TestResponse| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.count("#import-problems"), 0);
        r.text("#import-message")
    };

    let r = upload(
        &mut app,
        "a.csv",
        b"compte;indicateur;valeur\nlumiere-retail;test_nps;3\n",
    )
    .await;
    let m = message(&r);
    assert!(
        m.starts_with("La première ligne doit nommer les colonnes compte ; indicateur ; période ; valeur ; commentaire (facultatif)"),
        "{m}"
    );
    assert!(
        m.ends_with("Trouvé : « compte », « indicateur », « valeur »."),
        "{m}"
    );
    assert!(r.body.contains("a.csv"), "the file name is recalled");

    let r = upload(
        &mut app,
        "latin1.csv",
        b"account,kpi,period,value,comment\nlumiere-retail,test_nps,2026-Q3,3,enqu\xEAte r\xE9ussie\n",
    )
    .await;
    assert_eq!(
        message(&r),
        "Le fichier n’est pas en UTF-8 (premier caractère illisible à la ligne 2) : \
         dans Excel, choisissez « CSV UTF-8 » à l’enregistrement."
    );

    let r = upload(&mut app, "vide.csv", b"").await;
    assert_eq!(message(&r), "Le fichier est vide.");
    let r = upload(&mut app, "entete.csv", b"account,kpi,period,value\n").await;
    assert_eq!(
        message(&r),
        "Le fichier a une ligne d’en-tête mais aucune valeur."
    );

    // A million rows at most (short ones here: the count is what matters).
    let mut big = String::with_capacity(9_000_100);
    big.push_str("account,kpi,period,value\n");
    for _ in 0..1_000_001 {
        big.push_str("x,y,z,1\n");
    }
    let r = upload(&mut app, "gros.csv", big.as_bytes()).await;
    drop(big);
    // Numbers are grouped with a narrow no-break space (collapsed by `text`).
    assert!(r.body.contains("1\u{202F}000\u{202F}001 lignes"));
    assert_eq!(
        message(&r),
        "Le fichier compte 1 000 001 lignes : 1 000 000 au plus peuvent être importées à la fois. \
         Découpez-le en plusieurs fichiers."
    );

    // More than 128 MiB is refused before it is read whole.
    let huge = vec![b'x'; 129 * 1024 * 1024];
    let r = upload(&mut app, "enorme.csv", &huge).await;
    drop(huge);
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.text("#import-message"),
        "Le fichier est trop volumineux : 128 Mo au plus. Découpez-le en plusieurs fichiers."
    );

    // No file chosen at all.
    let r = upload(&mut app, "", b"").await;
    assert_eq!(message(&r), "Choisissez un fichier CSV à importer.");

    assert_eq!(written(&app).await, before);
}

#[tokio::test]
async fn at_most_two_hundred_problems_are_listed() {
    let mut app = alice().await;
    let mut file = String::from("account;kpi;period;value\n");
    for i in 0..250 {
        file.push_str(&format!(
            "lumiere-retail;test_revenue;2026-{:02};x{i}\n",
            i % 12 + 1
        ));
    }
    let r = upload(&mut app, "x.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#import-problems tbody tr"), 200);
    // 250 unreadable values, and 238 of the rows repeat an earlier month.
    assert_eq!(r.text("#import-more"), "… et 288 autres problèmes.");
    assert!(
        r.text("#import-message")
            .starts_with("488 problèmes ont été trouvés")
    );
}

#[tokio::test]
async fn an_account_the_kam_does_not_own_is_refused_like_an_unknown_one() {
    let mut app = alice().await;
    let before = written(&app).await;
    let file = "account,kpi,period,value\n\
                lumiere-retail,test_revenue,2026-09,1000\n\
                northwind-logistics,test_revenue,2026-09,1000\n\
                no-such-account,test_revenue,2026-09,1000\n\
                lumiere-retail,no_such_kpi,2026-09,1000\n";
    let r = upload(&mut app, "melange.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let refused = "Compte inconnu, ou auquel vous n’avez pas accès.";
    assert!(r.text("tr[data-line='3']").contains(refused));
    assert!(r.text("tr[data-line='4']").contains(refused));
    assert!(
        r.text("tr[data-line='5']")
            .contains("Le compte lumiere-retail n’a pas d’indicateur avec ce code.")
    );
    assert_eq!(r.count("#import-problems tbody tr"), 3);
    assert_eq!(
        written(&app).await,
        before,
        "nothing written, not even the good row"
    );
    // Bruno's account is not offered in the list of codes either.
    assert_eq!(r.count("details[data-account='northwind-logistics']"), 0);
    assert_eq!(r.count("details[data-account='lumiere-retail']"), 1);

    // Bruno, its owner, may.
    let mut bruno = app.other_browser();
    bruno.login("kam.bruno@boussole.example").await;
    bruno.get("/import").await;
    let r = upload(
        &mut bruno,
        "northwind.csv",
        b"account,kpi,period,value\nnorthwind-logistics,test_revenue,2026-09,1000\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_page_offers_the_form_the_format_and_a_template() {
    let mut app = alice().await;
    let page = app.get("/import").await;
    assert_eq!(page.text("main h1"), "Importer des valeurs (CSV)");
    let token = app.csrf.clone().unwrap();
    assert_eq!(
        page.attr("form[enctype='multipart/form-data']", "action"),
        Some(format!("/import?_csrf={token}"))
    );
    assert_eq!(page.count("input[type=file][name=file]"), 1);
    assert!(
        page.text("#import-example")
            .starts_with("compte;indicateur;période;valeur;commentaire")
    );
    let codes = page.text("details[data-account='lumiere-retail']");
    assert!(codes.contains("test_nps"), "{codes}");
    assert!(codes.contains("trimestriel"), "{codes}");

    let t = app.get("/import/template.csv").await;
    assert_eq!(t.status, StatusCode::OK);
    assert_eq!(t.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        t.body,
        "\u{FEFF}compte;indicateur;période;valeur;commentaire\r\n"
    );

    // The accounts list links to it.
    let list = app.get("/accounts").await;
    assert_eq!(list.count("a[href='/import']"), 1);

    // Without the token (or with a wrong one) the upload is refused.
    app.csrf = Some("0".repeat(64));
    let r = upload(&mut app, "a.csv", GOOD.as_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Contributors and client users may not import.
    for who in [
        "logistique@boussole.example",
        "client@lumiere-retail.example",
    ] {
        let mut other = app.other_browser();
        other.login(who).await;
        assert_eq!(
            other.get("/import").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

/// Ten monthly KPIs on Lumière Retail (`bulk_0` … `bulk_9`).
async fn add_bulk_kpis(app: &TestApp) {
    sqlx::raw_sql(
        "INSERT INTO account_kpis (account_id, code, universe, name_fr, name_en, unit, direction, frequency, domain, target) \
         SELECT a.id, 'bulk_' || g, 'financial', 'Lot ' || g, 'Bulk ' || g, 'eur', 'higher_better', 'monthly', 'internal', 100 \
         FROM accounts a, generate_series(0, 9) g WHERE a.slug = 'lumiere-retail'",
    )
    .execute(&app.db)
    .await
    .unwrap();
}

/// 10 KPIs × 300 months: more rows than are written before the answer.
fn bulk_file(value: impl Fn(usize) -> String) -> String {
    let mut out = String::from("account;kpi;period;value;comment\n");
    for k in 0..10 {
        for m in 0..300 {
            let i = k * 300 + m;
            out.push_str(&format!(
                "lumiere-retail;bulk_{k};{}-{:02};{};ligne {i}\n",
                2000 + m / 12,
                m % 12 + 1,
                value(i)
            ));
        }
    }
    out
}

/// The run's page once it is no longer running (its task runs on the test's runtime).
async fn finished(app: &mut TestApp, run: &str) -> TestResponse {
    for _ in 0..1200 {
        let page = app.get(run).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if page.attr("#import-run", "data-status").as_deref() != Some("running") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{run} still running after 60 s");
}

#[tokio::test]
async fn a_large_file_is_written_in_the_background_and_its_page_reaches_done() {
    let mut app = alice().await;
    add_bulk_kpis(&app).await;
    let file = bulk_file(|i| format!("{},5", 1000 + i));
    let rows: i64 = 3000;
    assert!(rows as usize > boussole::values::import::INLINE_ROWS);
    let before = written(&app).await;

    let r = upload(&mut app, "gros-lot.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run = r.location().unwrap().to_owned();
    let page = finished(&mut app, &run).await;
    assert_eq!(
        page.attr("#import-run", "data-status").as_deref(),
        Some("done")
    );
    assert_eq!(
        page.text("#import-summary"),
        "gros-lot.csv : 3 000 valeurs ajoutées, 0 modifiée, 0 inchangée."
    );
    assert_eq!(
        page.attr("#import-progress", "value").as_deref(),
        Some("3000")
    );
    assert_eq!(
        page.attr("#import-progress", "max").as_deref(),
        Some("3000")
    );
    assert_eq!(
        page.count("meta[http-equiv=refresh]"),
        0,
        "done: no more refresh"
    );
    let after = written(&app).await;
    assert_eq!(after.0, before.0 + rows);
    assert_eq!(after.1, before.1 + rows);
    // One audit row per value, as `values::save` writes them, and the import's own.
    assert_eq!(after.2, before.2 + rows + 1);
    let (created, with_fields): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE after->>'source' = 'csv' \
                                          AND after->>'comment' LIKE 'ligne %' AND before IS NULL \
                                          AND entity = 'kpi_value' AND entity_id LIKE '%:20%-01' \
                                          AND account_id IS NOT NULL AND actor_id IS NOT NULL) \
         FROM audit_log WHERE action = 'kpi_value.created' AND after->>'kpi' LIKE 'bulk_%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(created, rows);
    assert_eq!(with_fields, rows);
    assert_eq!(
        stored(&app, "lumiere-retail", "bulk_3", "2010-02-01").await,
        Some(("2021.5".into(), "ligne 1021".into(), "csv".into()))
    );
    let run_row: (String, i32, i32, Vec<i64>) = sqlx::query_as(
        "SELECT status, rows_done, created, account_ids FROM import_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(run_row.0, "done");
    assert_eq!((run_row.1, run_row.2), (3000, 3000));
    assert_eq!(run_row.3.len(), 1);

    // The same file again: nothing changes, no history, no audit row.
    let r = upload(&mut app, "gros-lot.csv", file.as_bytes()).await;
    let page = finished(&mut app, r.location().unwrap()).await;
    assert_eq!(
        page.text("#import-summary"),
        "gros-lot.csv : 0 valeur ajoutée, 0 modifiée, 3 000 inchangées."
    );
    assert_eq!(written(&app).await, after);

    // Ten values changed, one of them validated by the client: updated like
    // `values::save` does (version + 1, validation back to awaiting), the others untouched.
    sqlx::query(
        "UPDATE kpi_values SET validation = 'validated', validation_at = now() \
         WHERE comment = 'ligne 7'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let changed = bulk_file(|i| {
        if i % 300 == 7 {
            "1,25".to_owned()
        } else {
            format!("{},5", 1000 + i)
        }
    });
    let r = upload(&mut app, "gros-lot.csv", changed.as_bytes()).await;
    let page = finished(&mut app, r.location().unwrap()).await;
    assert_eq!(
        page.text("#import-summary"),
        "gros-lot.csv : 0 valeur ajoutée, 10 modifiées, 2 990 inchangées."
    );
    let last = written(&app).await;
    assert_eq!(last.0, after.0);
    assert_eq!(last.1, after.1 + 10);
    assert_eq!(last.2, after.2 + 11);
    let v: (String, i32, String, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
        "SELECT value::text, version, validation::text, validation_at FROM kpi_values WHERE comment = 'ligne 7'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(v, ("1.25".into(), 2, "awaiting".into(), None));
    let versions: Vec<i32> = sqlx::query_scalar(
        "SELECT DISTINCT version FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.code LIKE 'bulk_%' AND v.comment <> 'ligne 7' AND v.value <> 1.25",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(versions, vec![1]);
    let h: (String, String) = sqlx::query_as(
        "SELECT before_value::text, after_value::text FROM kpi_value_history \
         WHERE after_comment = 'ligne 7' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(h, ("1007.5".into(), "1.25".into()));
    let a: serde_json::Value = sqlx::query_scalar(
        "SELECT before FROM audit_log WHERE action = 'kpi_value.updated' AND after->>'comment' = 'ligne 7'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(a["value"], "1007.5");
    assert_eq!(a["comment"], "ligne 7");
}

#[tokio::test]
async fn a_large_file_with_bad_rows_writes_nothing_of_it() {
    let mut app = alice().await;
    add_bulk_kpis(&app).await;
    let before = written(&app).await;
    let file = bulk_file(|i| match i {
        10 => "dix".to_owned(),
        2500 => "-".to_owned(),
        i => i.to_string(),
    });
    let r = upload(&mut app, "gros-lot.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.count("#import-problems tbody tr"), 2);
    assert!(
        r.text("tr[data-line='12']")
            .contains("Ce n’est pas un nombre")
    );
    assert!(
        r.text("tr[data-line='2502']")
            .contains("Ce n’est pas un nombre")
    );
    assert!(
        r.text("#import-message")
            .contains("« gros-lot.csv » (3 000 lignes)"),
        "{}",
        r.text("#import-message")
    );
    assert_eq!(written(&app).await, before);
    assert_eq!(
        count(&app.db, "import_runs").await,
        0,
        "no run for a refused file"
    );
}

#[tokio::test]
async fn a_running_import_shows_its_progress_and_refreshes_itself() {
    let mut app = alice().await;
    let alice_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(ALICE)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (user_id, file_name, rows_total, rows_done) \
         VALUES ($1, 'million.csv', 1000000, 250000) RETURNING id",
    )
    .bind(alice_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let run = format!("/import/{id}");
    let page = app.get(&run).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr("#import-run", "data-status").as_deref(),
        Some("running")
    );
    assert_eq!(
        page.attr("meta[http-equiv=refresh]", "content").as_deref(),
        Some("2")
    );
    assert_eq!(
        page.attr("#import-progress", "value").as_deref(),
        Some("250000")
    );
    assert_eq!(
        page.attr("#import-progress", "max").as_deref(),
        Some("1000000")
    );
    assert_eq!(
        page.text("#import-progress-text"),
        "250 000 lignes enregistrées sur 1 000 000 (25 %)."
    );
    assert_eq!(page.text("main h1"), "Import de « million.csv »");

    // Only its author and admins see it; to others it does not exist.
    for (who, status) in [
        ("admin@boussole.example", StatusCode::OK),
        ("direction@boussole.example", StatusCode::NOT_FOUND),
        ("kam.bruno@boussole.example", StatusCode::NOT_FOUND),
        ("logistique@boussole.example", StatusCode::FORBIDDEN),
    ] {
        let mut other = app.other_browser();
        other.login(who).await;
        assert_eq!(other.get(&run).await.status, status, "{who}");
    }
    assert_eq!(
        app.get("/import/999999").await.status,
        StatusCode::NOT_FOUND
    );

    // Silent for long (the server stopped mid-way): shown as interrupted, no refresh.
    // The trigger sets updated_at on UPDATE: disable it for this one statement.
    sqlx::raw_sql(&format!(
        "ALTER TABLE import_runs DISABLE TRIGGER import_runs_updated_at; \
         UPDATE import_runs SET updated_at = now() - interval '1 hour' WHERE id = {id}; \
         ALTER TABLE import_runs ENABLE TRIGGER import_runs_updated_at;"
    ))
    .execute(&app.db)
    .await
    .unwrap();
    let page = app.get(&run).await;
    assert_eq!(
        page.attr("#import-run", "data-status").as_deref(),
        Some("interrupted")
    );
    assert_eq!(page.count("meta[http-equiv=refresh]"), 0);
    assert!(
        page.text("#import-message")
            .starts_with("L’import a été interrompu")
    );
}
