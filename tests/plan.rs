//! The account business plan (issue 12): a KAM builds the plan of Lumière,
//! bad input is refused in the user's language with nothing written, the client
//! sees exactly the shared items and closes their own action, closing a plan
//! freezes it and the next one carries the open items forward.

mod common;

use axum::http::StatusCode;
use common::TestApp;

const ALICE: &str = "kam.alice@boussole.example";
const CLIENT_LUMIERE: &str = "client@lumiere-retail.example";

struct Ids {
    lumiere: i64,
    northwind: i64,
    /// A KPI of Lumière and one of Northwind.
    lum_kpi: i64,
    nw_kpi: i64,
    /// A contact of Lumière and one of Northwind.
    lum_contact: i64,
    nw_contact: i64,
    client_user: i64,
}

async fn ids(app: &TestApp) -> Ids {
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    Ids {
        lumiere: one("SELECT id FROM accounts WHERE slug = 'lumiere-retail'").await,
        northwind: one("SELECT id FROM accounts WHERE slug = 'northwind-logistics'").await,
        lum_kpi: one(
            "SELECT min(k.id) FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
             WHERE a.slug = 'lumiere-retail' AND k.visibility <> 'internal'",
        )
        .await,
        nw_kpi: one(
            "SELECT min(k.id) FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
             WHERE a.slug = 'northwind-logistics'",
        )
        .await,
        lum_contact: one(
            "SELECT min(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id \
             WHERE a.slug = 'lumiere-retail'",
        )
        .await,
        nw_contact: one(
            "SELECT min(c.id) FROM contacts c JOIN accounts a ON a.id = c.account_id \
             WHERE a.slug = 'northwind-logistics'",
        )
        .await,
        client_user: one("SELECT id FROM users WHERE email = 'client@lumiere-retail.example'")
            .await,
    }
}

/// Alice creates this year's plan of Lumière (demo plans removed first, so the
/// test starts from an account without one); returns its id.
async fn new_plan(app: &mut TestApp, ids: &Ids) -> i64 {
    sqlx::query("DELETE FROM account_plans WHERE account_id = $1")
        .bind(ids.lumiere)
        .execute(&app.db)
        .await
        .unwrap();
    app.login(ALICE).await;
    let path = format!("/accounts/{}/plan", ids.lumiere);
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#no-plan"), 1);
    let r = app
        .post_form(&path, &[("year", "2026"), ("fiscal_start_month", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    sqlx::query_scalar("SELECT id FROM account_plans WHERE account_id = $1")
        .bind(ids.lumiere)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn actions(app: &TestApp) -> i64 {
    common::count(&app.db, "plan_actions").await
}

#[tokio::test]
async fn bad_input_is_refused_in_the_users_language_with_nothing_written() {
    let mut app = TestApp::with_demo().await;
    let ids = ids(&app).await;
    let plan = new_plan(&mut app, &ids).await.to_string();
    let path = format!("/accounts/{}/plan/actions", ids.lumiere);
    let before = actions(&app).await;
    let contact = format!("c:{}", ids.lum_contact);
    let lum_kpi = ids.lum_kpi.to_string();

    // Dates in the wrong order (French, the browser's language).
    let r = app
        .post_form(
            &path,
            &[
                ("plan", &plan),
                ("title", "Revue des ruptures"),
                ("owner", &contact),
                ("starts", "2026-06-10"),
                ("due", "2026-06-01"),
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
        r.attr("#new-action input[name=title]", "value").as_deref(),
        Some("Revue des ruptures"),
        "the input is kept"
    );

    // An owner from another account.
    let other = format!("c:{}", ids.nw_contact);
    let r = app
        .post_form(
            &path,
            &[
                ("plan", &plan),
                ("title", "Action"),
                ("owner", &other),
                ("due", "2027-02-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains("Choisissez un responsable dans la liste")
    );

    // A KPI of another account.
    let nw_kpi = ids.nw_kpi.to_string();
    let r = app
        .post_form(
            &path,
            &[
                ("plan", &plan),
                ("title", "Action"),
                ("owner", &contact),
                ("due", "2027-02-01"),
                ("kpi", &lum_kpi),
                ("kpi", &nw_kpi),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains("Choisissez des indicateurs de ce compte")
    );
    assert_eq!(actions(&app).await, before, "nothing written");

    // A 100 000-character SWOT, in English this time.
    app.accept_language = Some("en".into());
    let long = "x".repeat(100_000);
    let r = app
        .post_form(
            &format!("/accounts/{}/plan/context", ids.lumiere),
            &[("plan", &plan), ("status", "draft"), ("strengths", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-summary")
            .contains("This text is too long (at most 4000 characters)."),
        "{}",
        r.text(".error-summary")
    );
    assert_eq!(r.text("#strengths").len(), 100_000, "the input is kept");
    let strengths: String = sqlx::query_scalar("SELECT strengths FROM account_plans WHERE id = $1")
        .bind(plan.parse::<i64>().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(strengths, "");

    // In English too for an action.
    let r = app
        .post_form(
            &path,
            &[
                ("plan", &plan),
                ("title", "Review"),
                ("owner", &contact),
                ("starts", "2026-06-10"),
                ("due", "2026-06-01"),
            ],
        )
        .await;
    assert!(
        r.text(".error-summary")
            .contains("The due date must be on or after the start date.")
    );

    // The database says the same as the form: another account's contact cannot own it.
    let err = sqlx::query(
        "INSERT INTO plan_actions (account_id, plan_id, title, owner_contact_id, due) VALUES ($1, $2, 'x', $3, '2027-06-01')",
    )
    .bind(ids.lumiere)
    .bind(plan.parse::<i64>().unwrap())
    .bind(ids.nw_contact)
    .execute(&app.db)
    .await;
    assert!(err.is_err());

    // A good action: written, audited, with the forecast of its KPI stored.
    let r = app
        .post_form(
            &path,
            &[
                ("plan", &plan),
                ("title", "Revue des ruptures"),
                ("owner", &contact),
                ("due", "2027-02-01"),
                ("kpi", &lum_kpi),
                ("shared", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(actions(&app).await, before + 1);
    assert!(
        app.audit_actions()
            .await
            .contains(&"plan_action.created".to_owned())
    );
    let page = app.get(&format!("/accounts/{}/plan", ids.lumiere)).await;
    assert_eq!(
        page.texts("#action-table tbody th"),
        vec!["Revue des ruptures"]
    );
    let csv = app
        .get(&format!("/accounts/{}/plan/actions.csv", ids.lumiere))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Revue des ruptures"));
}

#[tokio::test]
async fn the_client_sees_exactly_the_shared_items_and_closes_only_their_own() {
    let mut app = TestApp::with_demo().await;
    let ids = ids(&app).await;
    let plan = new_plan(&mut app, &ids).await.to_string();
    let me = format!("u:{}", ids.client_user);
    let contact = format!("c:{}", ids.lum_contact);
    let add = |title: &'static str, owner: String, shared: bool| {
        let mut f = vec![
            ("plan", plan.clone()),
            ("title", title.to_owned()),
            ("owner", owner),
            ("due", "2027-02-15".to_owned()),
        ];
        if shared {
            f.push(("shared", "on".to_owned()));
        }
        f
    };
    let path = format!("/accounts/{}/plan/actions", ids.lumiere);
    for f in [
        add("Partagée, à moi", me.clone(), true),
        add("Interne, à moi", me.clone(), false),
        add("Partagée, au contact", contact.clone(), true),
    ] {
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post_form(&path, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let opath = format!("/accounts/{}/plan/objectives", ids.lumiere);
    for (title, shared) in [("Objectif partagé", true), ("Objectif interne", false)] {
        let mut f = vec![
            ("plan", plan.as_str()),
            ("title", title),
            ("side", "client"),
            ("due", "2026-12-31"),
        ];
        if shared {
            f.push(("shared", "on"));
        }
        let r = app.post_form(&opath, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let id_of = |title: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM plan_actions WHERE title = $1")
                .bind(title)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let shared_mine = id_of("Partagée, à moi").await;
    let internal_mine = id_of("Interne, à moi").await;
    let contact_one = id_of("Partagée, au contact").await;

    let mut client = app.other_browser();
    client.login(CLIENT_LUMIERE).await;
    let page = client.get("/portal/plan").await;
    assert_eq!(page.status, StatusCode::OK);
    let mut titles = page.texts("#action-table tbody th");
    titles.sort();
    assert_eq!(titles, vec!["Partagée, au contact", "Partagée, à moi"]);
    assert_eq!(
        page.texts("#objective-table tbody th"),
        vec!["Objectif partagé"]
    );
    assert!(!page.body.contains("Interne"));
    // Only their own open action has a button.
    assert_eq!(
        page.count(&format!(
            "form[action='/portal/plan/actions/{shared_mine}']"
        )),
        1
    );
    assert_eq!(page.count("#action-table form"), 1);

    // A shared action of another account (Northwind), by id.
    let northwind_plan: i64 = sqlx::query_scalar(
        "INSERT INTO account_plans (account_id, period_start, period_end) \
         VALUES ($1, '2030-01-01', '2030-12-31') RETURNING id",
    )
    .bind(ids.northwind)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let elsewhere: i64 = sqlx::query_scalar(
        "INSERT INTO plan_actions (account_id, plan_id, title, owner_user_id, starts, due, shared) \
         VALUES ($1, $2, 'Ailleurs', (SELECT owner_id FROM accounts WHERE id = $1), '2030-01-01', '2030-06-01', true) \
         RETURNING id",
    )
    .bind(ids.northwind)
    .bind(northwind_plan)
    .fetch_one(&app.db)
    .await
    .unwrap();
    // Not the internal one, not the contact's, not another account's.
    for id in [internal_mine, contact_one, elsewhere, 0] {
        let r = client
            .post_form(&format!("/portal/plan/actions/{id}"), &[("status", "done")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "action {id}");
    }
    let r = client
        .post_form(
            &format!("/accounts/{}/plan/actions/{internal_mine}", ids.lumiere),
            &[("status", "done")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = client
        .post_form(
            &format!("/portal/plan/actions/{shared_mine}"),
            &[("status", "done")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let statuses: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, status FROM plan_actions ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    for (id, s) in statuses {
        let want = if id == shared_mine { "done" } else { "open" };
        if [shared_mine, internal_mine, contact_one].contains(&id) {
            assert_eq!(s, want, "action {id}");
        }
    }
    let page = client.get("/portal/plan").await;
    assert_eq!(page.count("#action-table form"), 0);
}

#[tokio::test]
async fn closing_freezes_the_plan_and_the_next_one_carries_the_open_items() {
    let mut app = TestApp::with_demo().await;
    let ids = ids(&app).await;
    let plan_id = new_plan(&mut app, &ids).await;
    let plan = plan_id.to_string();
    let contact = format!("c:{}", ids.lum_contact);
    let kpi = ids.lum_kpi.to_string();
    let r = app
        .post_form(
            &format!("/accounts/{}/plan/objectives", ids.lumiere),
            &[
                ("plan", &plan),
                ("title", "Disponibilité"),
                ("side", "ours"),
                ("due", "2026-12-31"),
                ("kpi", &kpi),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for title in ["Ouverte", "Faite"] {
        let r = app
            .post_form(
                &format!("/accounts/{}/plan/actions", ids.lumiere),
                &[
                    ("plan", &plan),
                    ("title", title),
                    ("owner", &contact),
                    ("due", "2027-01-31"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let done: i64 = sqlx::query_scalar("SELECT id FROM plan_actions WHERE title = 'Faite'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/accounts/{}/plan/actions/{done}", ids.lumiere),
            &[("status", "done")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let view = format!("/accounts/{}/plan?plan={plan}", ids.lumiere);
    let before = app.get(&view).await;
    let status_before = before.attr("#objective-table tbody tr", "data-status");
    // Closing needs a confirmation.
    let close = format!("/accounts/{}/plan/close", ids.lumiere);
    let r = app.post_form(&close, &[("plan", &plan)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(&close, &[("plan", &plan), ("confirm", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Later value changes do not alter the closed plan: the objective's KPI
    // turns from whatever it was to something else.
    sqlx::query("UPDATE kpi_values SET value = value * 0.1 WHERE account_kpi_id = $1")
        .bind(ids.lum_kpi)
        .execute(&app.db)
        .await
        .unwrap();
    let after = app.get(&view).await;
    assert_eq!(
        after.attr("#plan-status", "data-status").as_deref(),
        Some("closed")
    );
    assert_eq!(after.count("#frozen-note"), 1);
    assert_eq!(
        after.attr("#objective-table tbody tr", "data-status"),
        status_before
    );
    assert_eq!(
        after.text("#snapshot-score"),
        before.text("#snapshot-score")
    );
    // Nothing changes in a closed plan.
    let r = app
        .post_form(
            &format!("/accounts/{}/plan/actions", ids.lumiere),
            &[
                ("plan", &plan),
                ("title", "Trop tard"),
                ("owner", &contact),
                ("due", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The next period's plan starts with the open objective and action.
    let r = app
        .post_form(
            &format!("/accounts/{}/plan", ids.lumiere),
            &[("year", "2027"), ("fiscal_start_month", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let next = app.get(&format!("/accounts/{}/plan", ids.lumiere)).await;
    assert_eq!(
        next.texts("#objective-table tbody th"),
        vec!["Disponibilité"]
    );
    assert_eq!(next.texts("#action-table tbody th"), vec!["Ouverte"]);
    let version: i32 = sqlx::query_scalar(
        "SELECT version FROM account_plans WHERE account_id = $1 AND period_start = '2027-01-01'",
    )
    .bind(ids.lumiere)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(version, 2);
    // Overlapping periods are refused.
    let r = app
        .post_form(
            &format!("/accounts/{}/plan", ids.lumiere),
            &[("year", "2027"), ("fiscal_start_month", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The first account of Alice whose scorecard raises "red KPI without action",
/// and that KPI.
async fn red_kpi_of_alice(app: &mut TestApp) -> (i64, i64) {
    let accounts: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM accounts a JOIN users u ON u.id = a.owner_id \
         WHERE u.email = $1 ORDER BY a.id",
    )
    .bind(ALICE)
    .fetch_all(&app.db)
    .await
    .unwrap();
    for id in accounts {
        let page = app.get(&format!("/accounts/{id}")).await;
        if let Some(kpi) = page.attr("#red-without-action li", "data-kpi") {
            return (id, kpi.parse().unwrap());
        }
    }
    panic!("no account of Alice has a red KPI without action");
}

#[tokio::test]
async fn an_action_created_from_a_red_kpi_row_clears_the_alert() {
    let mut app = TestApp::with_demo().await;
    app.login(ALICE).await;
    let (account, kpi) = red_kpi_of_alice(&mut app).await;
    sqlx::query("DELETE FROM account_plans WHERE account_id = $1")
        .bind(account)
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/accounts/{account}/plan"),
            &[("year", "2026"), ("fiscal_start_month", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = app.get(&format!("/accounts/{account}")).await;
    let portfolio = app.get("/portfolio").await;
    let alerts_before = portfolio.count(&format!(
        "li[data-alert=red_without_action][data-alert-account='{account}']"
    ));
    assert_eq!(alerts_before, 1, "the portfolio raises the alert too");
    // The red KPI's row links to a new action prefilled with it.
    let link = board
        .attr(&format!("#kpi-{kpi} a.create-action"), "href")
        .expect("a create-action link on the red KPI row");
    assert_eq!(
        link,
        format!("/accounts/{account}/plan?kpi={kpi}#new-action")
    );
    let form = app.get(link.split('#').next().unwrap()).await;
    assert_eq!(form.status, StatusCode::OK);
    let ticked = form.attr("#new-action input[name=kpi][checked]", "value");
    assert_eq!(ticked, Some(kpi.to_string()));
    let plan = form.attr("#new-action input[name=plan]", "value").unwrap();
    let contact: i64 = sqlx::query_scalar("SELECT min(id) FROM contacts WHERE account_id = $1")
        .bind(account)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let owner = format!("c:{contact}");
    let kpi_s = kpi.to_string();
    let r = app
        .post_form(
            &format!("/accounts/{account}/plan/actions"),
            &[
                ("plan", &plan),
                ("title", "Plan de reprise"),
                ("owner", &owner),
                ("due", "2027-02-01"),
                ("kpi", &kpi_s),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let board = app.get(&format!("/accounts/{account}")).await;
    assert_eq!(
        board.count(&format!("#red-without-action li[data-kpi='{kpi}']")),
        0,
        "the alert is gone for that KPI"
    );
    assert_eq!(
        board.attr(
            &format!("#green-table tr[data-kpi='{kpi}']"),
            "data-open-actions"
        ),
        Some("1".into())
    );
    assert_eq!(
        board.text(&format!("#green-table tr[data-kpi='{kpi}'] a[data-action]")),
        "Plan de reprise"
    );
    let kpi_page = app.get(&format!("/accounts/{account}/kpis/{kpi}")).await;
    assert_eq!(kpi_page.text("#green-actions"), "Plan de reprise");
    // The forecast of the KPI at creation is stored with the action.
    let stored: Vec<f64> = sqlx::query_scalar(
        "SELECT unnest(forecast) FROM action_kpis ak JOIN plan_actions x ON x.id = ak.action_id \
         WHERE x.title = 'Plan de reprise'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!stored.is_empty(), "a forecast is stored");
    let portfolio = app.get("/portfolio").await;
    let still_red: i64 = board.count("#red-without-action li") as i64;
    assert_eq!(
        portfolio.count(&format!(
            "li[data-alert=red_without_action][data-alert-account='{account}']"
        )) as i64,
        still_red.min(1)
    );
}

#[tokio::test]
async fn path_to_green_dates_agree_with_a_series_computed_by_hand() {
    use boussole::domain::Frequency;
    use boussole::i18n::Locale;
    use boussole::period::Period;
    let mut app = TestApp::with_demo().await;
    let account = common::build::account(&app.db, "green-test", ALICE).await;
    // Rising by 10 a month to 70 against a target of 100 (green from 100 %):
    // every smoothing pair fits a straight line exactly, the grid keeps
    // α = β = 0.05, level 70, trend 10, so the forecast reads 80, 90, 100:
    // green three months after the last value.
    let rising = common::build::kpi(
        &app.db,
        account,
        common::build::Kpi {
            code: "rising",
            ..Default::default()
        },
    )
    .await;
    // Falling by 10 a month to 40: never green at this pace.
    let falling = common::build::kpi(
        &app.db,
        account,
        common::build::Kpi {
            code: "falling",
            ..Default::default()
        },
    )
    .await;
    let last = Period::containing(Frequency::Monthly, chrono::Utc::now().date_naive()).offset(-1);
    for (i, p) in last.last_n(4).iter().enumerate() {
        common::build::value(&app.db, rising, p.start, 40.0 + 10.0 * i as f64).await;
        common::build::value(&app.db, falling, p.start, 70.0 - 10.0 * i as f64).await;
    }
    app.login(ALICE).await;
    let board = app.get(&format!("/accounts/{account}")).await;
    let expected = last.offset(3).label(Locale::Fr);
    let row = |kpi: i64| format!("#green-table tr[data-kpi='{kpi}']");
    assert_eq!(board.attr(&row(rising), "data-rag").as_deref(), Some("red"));
    assert_eq!(board.attr(&row(rising), "data-path").as_deref(), Some("at"));
    assert_eq!(
        board.text(&format!("{} .green-when", row(rising))),
        expected
    );
    assert!(
        board
            .text(&format!("{} td.num", row(rising)))
            .contains("30")
    );
    assert_eq!(
        board.text(&format!("{} .green-when", row(falling))),
        "Pas à ce rythme"
    );
    // The KPI page says the same, and its forecast table starts on that line.
    let page = app.get(&format!("/accounts/{account}/kpis/{rising}")).await;
    assert_eq!(page.text("#green-when"), expected);
    // Both red KPIs raise the alert (no plan, no action).
    assert_eq!(board.count("#red-without-action li"), 2);
}

#[tokio::test]
async fn did_it_work_sets_the_values_after_an_action_against_its_stored_forecast() {
    use boussole::domain::Frequency;
    use boussole::period::Period;
    let mut app = TestApp::with_demo().await;
    let account = common::build::account(&app.db, "effect-test", ALICE).await;
    let kpi = |code: &'static str| {
        let db = app.db.clone();
        async move {
            common::build::kpi(
                &db,
                account,
                common::build::Kpi {
                    code,
                    ..Default::default()
                },
            )
            .await
        }
    };
    let (moved, dud, early) = (kpi("moved").await, kpi("dud").await, kpi("early").await);
    let now = Period::containing(Frequency::Monthly, chrono::Utc::now().date_naive());
    // Four months rising by 10 to 70: the forecast stored at creation is 80, 90…
    for (i, p) in now.offset(-3).last_n(4).iter().enumerate() {
        for k in [moved, dud, early] {
            common::build::value(&app.db, k, p.start, 40.0 + 10.0 * i as f64).await;
        }
    }
    app.login(ALICE).await;
    let r = app
        .post_form(
            &format!("/accounts/{account}/plan"),
            &[("year", "2026"), ("fiscal_start_month", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan: i64 = sqlx::query_scalar("SELECT id FROM account_plans WHERE account_id = $1")
        .bind(account)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(ALICE)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (plan, owner) = (plan.to_string(), format!("u:{me}"));
    for (title, k) in [("Remise", moved), ("Affiche", dud), ("Salon", early)] {
        let k = k.to_string();
        let r = app
            .post_form(
                &format!("/accounts/{account}/plan/actions"),
                &[
                    ("plan", &plan),
                    ("title", title),
                    ("owner", &owner),
                    ("due", "2027-02-01"),
                    ("kpi", &k),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Then two more months: the discount lifts its KPI well above the forecast
    // (95 and 110 against 80 and 90), the poster's follows the forecast exactly.
    for (k, a, b) in [(moved, 95.0, 110.0), (dud, 80.0, 90.0)] {
        common::build::value(&app.db, k, now.offset(-2).start, a).await;
        common::build::value(&app.db, k, now.offset(-1).start, b).await;
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM plan_actions WHERE account_id = $1")
        .bind(account)
        .fetch_all(&app.db)
        .await
        .unwrap();
    for id in ids {
        let r = app
            .post_form(
                &format!("/accounts/{account}/plan/actions/{id}"),
                &[("status", "done")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    app.accept_language = Some("en".into());
    let page = app.get(&format!("/accounts/{account}/plan")).await;
    let row = |k: i64| format!("#effect-table tr[data-kpi='{k}']");
    assert_eq!(
        page.attr(&row(moved), "data-verdict").as_deref(),
        Some("moved")
    );
    assert_eq!(
        page.text(&format!("{} .effect-verdict", row(moved))),
        "Moved"
    );
    assert_eq!(page.text(&format!("{} .effect-before", row(moved))), "70%");
    assert_eq!(
        page.text(&format!("{} .effect-after", row(moved))),
        "102.5%"
    );
    assert_eq!(
        page.text(&format!("{} .effect-expected", row(moved))),
        "85%"
    );
    assert_eq!(
        page.text(&format!("{} .effect-verdict", row(dud))),
        "No visible effect"
    );
    assert_eq!(page.text(&format!("{} .effect-after", row(dud))), "85%");
    assert_eq!(
        page.text(&format!("{} .effect-verdict", row(early))),
        "Too early to tell"
    );
}

#[tokio::test]
async fn every_demo_key_account_has_a_plan_with_an_effect_and_a_dud() {
    let mut app = TestApp::with_demo().await;
    let without: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM accounts a WHERE a.tier = 'key_account' \
         AND NOT EXISTS (SELECT 1 FROM account_plans p WHERE p.account_id = a.id)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(without, 0, "every key account has a plan");
    app.login(ALICE).await;
    let ids = ids(&app).await;
    let page = app.get(&format!("/accounts/{}/plan", ids.lumiere)).await;
    assert_eq!(page.status, StatusCode::OK);
    // Both sides, both kinds of owners, something overdue.
    assert!(page.count("#objective-table tr[data-side=client]") >= 1);
    assert!(page.count("#objective-table tr[data-side=ours]") >= 1);
    assert!(page.count("#action-table tr[data-overdue=true]") >= 1);
    assert!(
        page.count("#action-table tr[data-status=done]") >= 2,
        "{:?} {}",
        page.texts("#action-table tbody th"),
        page.text("#did-it-work")
    );
    // "Did it work?": the planted effect with its numbers, and the dud.
    let moved = "#effect-table tr[data-verdict=moved]";
    assert_eq!(page.count(moved), 1, "{}", page.text("#did-it-work"));
    assert_eq!(
        page.text(&format!("{moved} .effect-verdict")),
        "A fait bouger"
    );
    for cell in ["effect-before", "effect-after", "effect-expected"] {
        assert_ne!(page.text(&format!("{moved} .{cell}")), "—", "{cell}");
    }
    assert_eq!(
        page.text("#effect-table tr[data-verdict=no_visible_effect] .effect-verdict"),
        "Pas d'effet visible"
    );
    // The client of Lumière sees the shared part, and their own action to close.
    let mut client = app.other_browser();
    client.login(CLIENT_LUMIERE).await;
    let portal = client.get("/portal/plan").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.count("#action-table form") >= 1);
    assert!(
        !portal.body.contains("Revue des stocks de sécurité"),
        "internal action hidden"
    );
    assert!(
        !portal.body.contains("Départ du directeur des achats"),
        "internal risk hidden"
    );
}

#[tokio::test]
async fn an_action_is_edited_with_its_stored_forecast_kept() {
    let mut app = TestApp::with_demo().await;
    let ids = ids(&app).await;
    let plan = new_plan(&mut app, &ids).await.to_string();
    let contact = format!("c:{}", ids.lum_contact);
    let kpi = ids.lum_kpi.to_string();
    let r = app
        .post_form(
            &format!("/accounts/{}/plan/actions", ids.lumiere),
            &[
                ("plan", &plan),
                ("title", "Avant"),
                ("owner", &contact),
                ("due", "2027-02-01"),
                ("kpi", &kpi),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (action, starts): (i64, chrono::NaiveDate) =
        sqlx::query_as("SELECT id, starts FROM plan_actions WHERE title = 'Avant'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let db = app.db.clone();
    let forecast = || {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, Vec<f64>>(
                "SELECT forecast FROM action_kpis WHERE action_id = $1",
            )
            .bind(action)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let stored = forecast().await;
    let page = app
        .get(&format!("/accounts/{}/plan?edit={action}", ids.lumiere))
        .await;
    let target = format!("/accounts/{}/plan/actions/{action}", ids.lumiere);
    assert_eq!(
        page.attr("#new-action form", "action"),
        Some(target.clone())
    );
    assert_eq!(
        page.attr("#new-action input[name=title]", "value")
            .as_deref(),
        Some("Avant")
    );
    let action_s = action.to_string();
    let starts_s = starts.to_string();
    // Dates in the wrong order: refused, still editing, nothing changed.
    let r = app
        .post_form(
            &target,
            &[
                ("action", &action_s),
                ("title", "Après"),
                ("owner", &contact),
                ("starts", &starts_s),
                ("due", "2020-01-01"),
                ("kpi", &kpi),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr("#new-action form", "action"), Some(target.clone()));
    assert_eq!(
        r.attr("#new-action input[name=title]", "value").as_deref(),
        Some("Après")
    );
    let r = app
        .post_form(
            &target,
            &[
                ("action", &action_s),
                ("title", "Après"),
                ("owner", &contact),
                ("starts", &starts_s),
                ("due", "2027-03-01"),
                ("kpi", &kpi),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let title: String = sqlx::query_scalar("SELECT title FROM plan_actions WHERE id = $1")
        .bind(action)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(title, "Après");
    assert_eq!(
        forecast().await,
        stored,
        "the forecast made at creation is kept"
    );
}
