//! Data that keeps flowing (issue 14): period locks (every path that changes a
//! value refuses a locked period, with a clear message; unlocking needs a reason,
//! audited), data requests, reminders.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Datelike, NaiveDate};
use common::{TestApp, TestResponse};

const ALICE: &str = "kam.alice@boussole.example";

async fn account(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A monthly KPI of the account, by code order.
async fn monthly_kpi(app: &TestApp, account: i64) -> (i64, String) {
    sqlx::query_as(
        "SELECT id, code FROM account_kpis WHERE account_id = $1 AND frequency = 'monthly' \
           AND unit IN ('percent', 'count', 'eur') ORDER BY code LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn stored(app: &TestApp, kpi: i64, period: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT value::text FROM kpi_values WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
}

/// The stored version of a value ("" when none), as the form carries it.
async fn version(app: &TestApp, kpi: i64, period: &str) -> String {
    sqlx::query_scalar::<_, i32>(
        "SELECT version FROM kpi_values WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(period)
    .fetch_optional(&app.db)
    .await
    .unwrap()
    .map(|v| v.to_string())
    .unwrap_or_default()
}

const BOUNDARY: &str = "----boussole-locks-5c1d";

async fn upload(app: &mut TestApp, bytes: &[u8]) -> TestResponse {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let token = app.csrf.clone().expect("a page was loaded");
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

#[tokio::test]
async fn a_locked_month_refuses_inline_edit_and_import_until_unlocked_with_a_reason() {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some("en".into());
    app.login(ALICE).await;
    let id = account(&app, "lumiere-retail").await;
    let (kpi, code) = monthly_kpi(&app, id).await;

    // Lock September 2026.
    let page = app.get(&format!("/accounts/{id}/locks")).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks"),
            &[("month", "2026-9x"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("YYYY-MM"));
    assert_eq!(r.attr("#month", "value").as_deref(), Some("2026-9x"));
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks"),
            &[("month", "2026-09"), ("note", "Q3 business review")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/accounts/{id}/locks")).await;
    assert!(
        page.text("#locks tr[data-month='2026-09']")
            .contains("Q3 business review")
    );
    assert!(
        page.text("#locks tr[data-month='2026-09']")
            .contains("Locked")
    );

    let before = stored(&app, kpi, "2026-09-01").await;

    // 1. The inline edit on the scorecard: refused in the row, input kept.
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("from", "scorecard"),
                ("month", "2026-09"),
                ("period", "2026-09"),
                ("value", "77"),
                ("comment", "late fix"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.text(&format!("#value-{kpi}-error"));
    assert!(
        message.contains("locked") && message.contains("2026"),
        "{message}"
    );
    assert_eq!(
        r.attr(&format!("#value-{kpi}"), "value").as_deref(),
        Some("77")
    );
    assert_eq!(stored(&app, kpi, "2026-09-01").await, before);

    // October is not locked: the same edit goes through.
    let v = version(&app, kpi, "2026-10-01").await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("period", "2026-10"),
                ("value", "77"),
                ("comment", ""),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // 2. A CSV import row into the locked month: the file is refused, with that row.
    app.get("/import").await;
    let csv = format!(
        "account,kpi,period,value,comment\nlumiere-retail,{code},2026-08,70,\nlumiere-retail,{code},2026-09,71,\n"
    );
    let r = upload(&mut app, csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rows = r.texts("#import-problems tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains('3') && rows[0].contains("locked"),
        "{rows:?}"
    );
    assert_eq!(stored(&app, kpi, "2026-09-01").await, before);
    assert_ne!(
        stored(&app, kpi, "2026-08-01").await.as_deref(),
        Some("70"),
        "nothing of a refused file is written"
    );

    // The database refuses it too, whatever the path.
    let err = sqlx::query(
        "UPDATE kpi_values SET value = value + 1 WHERE account_kpi_id = $1 AND period = '2026-09-01'",
    )
    .bind(kpi)
    .execute(&app.db)
    .await;
    if before.is_some() {
        let err = err.expect_err("the trigger refuses a locked value");
        assert!(boussole::locks::is_lock_violation(&err), "{err}");
    }

    // 3. Unlock: a reason is required (kept in the form), then it is audited.
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks/2026-09/unlock"),
            &[("reason", "   ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-summary").contains("why"));
    let r = app
        .post_form(
            &format!("/accounts/{id}/locks/2026-09/unlock"),
            &[("reason", "Finance restated September")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audited: (String, serde_json::Value) = sqlx::query_as(
        "SELECT action, after FROM audit_log WHERE action = 'period.unlocked' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.1["reason"], "Finance restated September");
    assert!(
        app.audit_actions()
            .await
            .contains(&"period.locked".to_owned())
    );

    // Now the edit and the import go through.
    let v = version(&app, kpi, "2026-09-01").await;
    let r = app
        .post_form(
            &format!("/accounts/{id}/kpis/{kpi}/values"),
            &[
                ("period", "2026-09"),
                ("value", "78"),
                ("comment", ""),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored(&app, kpi, "2026-09-01").await.as_deref(), Some("78"));
    app.get("/import").await;
    let r = upload(&mut app, csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored(&app, kpi, "2026-09-01").await.as_deref(), Some("71"));
}

#[tokio::test]
async fn a_locked_quarter_refuses_the_clients_portal_entry_in_french() {
    let mut app = TestApp::with_demo().await;
    let (kpi, account_id, unit): (i64, i64, String) = sqlx::query_as(
        "SELECT k.id, a.id, k.unit::text FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'atelier-vernier' AND k.visibility = 'joint' AND k.frequency = 'quarterly' \
           AND k.unit IN ('percent', 'score', 'count') ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    app.login("client@atelier-vernier.example").await;
    let page = app.get(&format!("/portal/kpis/{kpi}")).await;
    let period = page.attr("#entry-period", "value").unwrap();
    let quarter =
        boussole::period::Period::parse(boussole::domain::Frequency::Quarterly, &period).unwrap();
    // The KAM locks the quarter's last month (the quarter closes in it).
    sqlx::query("INSERT INTO period_locks (account_id, month) VALUES ($1, $2)")
        .bind(account_id)
        .bind(quarter.closing_month())
        .execute(&app.db)
        .await
        .unwrap();
    let good = if unit == "score" { "4,6" } else { "87" };
    let r = app
        .post_form(
            &format!("/portal/kpis/{kpi}/values"),
            &[("period", &period), ("value", good), ("comment", "Relevé")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.text(".error-summary");
    assert!(message.contains("verrouillée"), "{message}");
    assert_eq!(r.attr("#entry-value", "value").as_deref(), Some(good));
    let written: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM kpi_value_history WHERE account_kpi_id = $1 AND period = $2 AND source = 'client'",
    )
    .bind(kpi)
    .bind(quarter.start)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(written, 0);
}

#[tokio::test]
async fn only_those_who_may_edit_the_account_lock_it() {
    let mut app = TestApp::with_demo().await;
    let id = account(&app, "lumiere-retail").await;
    // Bruno is a KAM, not of this account.
    app.login("kam.bruno@boussole.example").await;
    let r = app
        .post_form(&format!("/accounts/{id}/locks"), &[("month", "2026-09")])
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
    assert_eq!(common::count(&app.db, "period_locks").await, 0);
    // The director may.
    let mut director = app.other_browser();
    director.login("direction@boussole.example").await;
    let r = director
        .post_form(&format!("/accounts/{id}/locks"), &[("month", "2026-09")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(common::count(&app.db, "period_locks").await, 1);
}

// ---------------------------------------------------------------------------
// Data requests, reminders and escalation
// ---------------------------------------------------------------------------

mod flow {
    use std::path::PathBuf;

    use axum::http::StatusCode;
    use boussole::domain::Frequency;
    use boussole::period::Period;
    use boussole::requests::rules;
    use chrono::{Days, NaiveDate, Utc};

    use super::common::{self, TestApp, build};

    pub struct World {
        pub app: TestApp,
        pub dir: PathBuf,
        pub account: i64,
        pub otif: i64,
        pub claims: i64,
        pub revenue: i64,
        /// The month whose values are requested, and its default due date.
        pub month: Period,
        pub due: NaiveDate,
    }

    pub async fn user(app: &TestApp, email: &str, name: &str, role: &str, locale: &str) -> i64 {
        let hash = boussole::auth::password::hash(common::DEMO_PASSWORD).unwrap();
        sqlx::query_scalar(
            "INSERT INTO users (email, name, role, locale, password_hash) \
             VALUES ($1, $2, $3::user_role, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(role)
        .bind(locale)
        .bind(hash)
        .fetch_one(&app.db)
        .await
        .unwrap()
    }

    async fn own(app: &TestApp, kpi: i64, owner: Option<i64>) {
        sqlx::query("UPDATE account_kpis SET owner_id = $2 WHERE id = $1")
            .bind(kpi)
            .bind(owner)
            .execute(&app.db)
            .await
            .unwrap();
    }

    /// An account of Kate (KAM, English) with three monthly KPIs: OTIF owned by
    /// Fanny (French), claims by Luc (English), revenue by nobody. The test's
    /// "month" is the current one: the pass runs as if it had just ended, so that
    /// answers given now are before its due date whatever the day the test runs.
    pub async fn world() -> World {
        let dir = std::env::temp_dir().join(format!(
            "boussole-requests-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = boussole::config::Config::for_tests();
        config.mail_url = Some(format!("file://{}", dir.display()));
        config.public_url = Some("https://boussole.example.com".parse().unwrap());
        let app = TestApp::with_config(config).await;
        user(&app, "kate@kam.example", "Kate Kam", "kam", "en").await;
        user(&app, "dora@dir.example", "Dora Director", "director", "en").await;
        let fanny = user(&app, "fanny@ops.example", "Fanny Ops", "contributor", "fr").await;
        let luc = user(&app, "luc@ops.example", "Luc Ops", "contributor", "en").await;
        let account = build::account(&app.db, "acme-retail", "kate@kam.example").await;
        let kpi = |code| build::Kpi {
            code,
            ..Default::default()
        };
        let otif = build::kpi(&app.db, account, kpi("otif")).await;
        let claims = build::kpi(&app.db, account, kpi("claims")).await;
        let revenue = build::kpi(&app.db, account, kpi("revenue")).await;
        own(&app, otif, Some(fanny)).await;
        own(&app, claims, Some(luc)).await;
        let month = Period::containing(Frequency::Monthly, Utc::now().date_naive());
        let due = rules::default_due(&month);
        World {
            app,
            dir,
            account,
            otif,
            claims,
            revenue,
            month,
            due,
        }
    }

    impl World {
        /// Runs the daily pass as of `day`, then the mail it queued.
        pub async fn pass(&self, day: NaiveDate) {
            self.app.state.clock.set_today(day);
            boussole::jobs::enqueue_daily(&self.app.state, None)
                .await
                .unwrap();
            boussole::jobs::run_due(&self.app.state).await.unwrap();
        }

        /// Every message written so far: (recipient, whole text).
        pub fn mails(&self) -> Vec<(String, String)> {
            std::fs::read_dir(&self.dir)
                .unwrap()
                .map(|e| {
                    let text = std::fs::read_to_string(e.unwrap().path())
                        .unwrap()
                        // Quoted-printable: soft line breaks and the "=" sign.
                        .replace("=\r\n", "")
                        .replace("=3D", "=");
                    let to = text
                        .lines()
                        .find_map(|l| l.strip_prefix("To: "))
                        .unwrap_or_default()
                        .to_owned();
                    (to, text)
                })
                .collect()
        }

        pub fn mails_to(&self, email: &str) -> Vec<String> {
            self.mails()
                .into_iter()
                .filter(|(to, _)| to.contains(email))
                .map(|(_, t)| t)
                .collect()
        }

        pub fn day_after_month(&self) -> NaiveDate {
            self.month.next().start
        }

        pub fn due_plus(&self, days: u64) -> NaiveDate {
            self.due.checked_add_days(Days::new(days)).unwrap()
        }

        pub fn due_minus(&self, days: u64) -> NaiveDate {
            self.due.checked_sub_days(Days::new(days)).unwrap()
        }
    }

    pub async fn requests(app: &TestApp) -> i64 {
        common::count(&app.db, "data_requests").await
    }

    pub fn assert_status(
        page: &common::TestResponse,
        table: &str,
        line: &str,
        status: &str,
        n: usize,
    ) {
        let css = format!("#{table} tr[data-line='{line}'] td[data-status='{status}']");
        assert_eq!(page.text(&css).trim(), n.to_string(), "{css}");
    }

    pub const OK: StatusCode = StatusCode::OK;
}

#[tokio::test]
async fn the_schedule_asks_the_owners_the_answer_counts_on_time_and_the_late_one_is_chased() {
    let w = flow::world().await;
    // The month has just ended: the daily pass asks each owner, once.
    w.pass(w.day_after_month()).await;
    assert_eq!(
        flow::requests(&w.app).await,
        2,
        "OTIF and claims; revenue has no owner"
    );
    w.pass(w.day_after_month()).await;
    assert_eq!(
        flow::requests(&w.app).await,
        2,
        "the schedule is idempotent"
    );
    let fanny_mail = w.mails_to("fanny@ops.example");
    assert_eq!(fanny_mail.len(), 1, "one request e-mail");
    assert!(
        fanny_mail[0].contains("Bonjour Fanny Ops"),
        "{}",
        fanny_mail[0]
    );
    assert!(fanny_mail[0].contains("https://boussole.example.com/inbox"));
    let luc_mail = w.mails_to("luc@ops.example");
    assert_eq!(luc_mail.len(), 1);
    assert!(luc_mail[0].contains("Hello Luc Ops"), "{}", luc_mail[0]);

    // Fanny answers from her inbox, in place.
    let mut fanny = w.app.other_browser();
    fanny.login("fanny@ops.example").await;
    let inbox = fanny.get("/inbox").await;
    assert_eq!(
        inbox.count("#inbox-requests li[data-request]"),
        1,
        "{}",
        inbox.body
    );
    let item = inbox.text("#inbox-requests li");
    assert!(
        item.contains("FR otif") && item.contains("Ouverte"),
        "{item}"
    );
    let r = fanny
        .post_form(
            &format!("/accounts/{}/kpis/{}/values", w.account, w.otif),
            &[
                ("from", "inbox"),
                ("period", &w.month.code()),
                ("version", ""),
                ("value", "96,5"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/inbox"));
    let inbox = fanny.get("/inbox").await;
    assert_eq!(inbox.count("#inbox-requests li[data-request]"), 0);

    // The KAM's completion view: Fanny on time, Luc still open.
    let mut kate = w.app.other_browser();
    kate.accept_language = Some("en".into());
    kate.login("kate@kam.example").await;
    let path = format!("/accounts/{}/requests?period={}", w.account, w.month.code());
    let page = kate.get(&path).await;
    assert_eq!(page.status, flow::OK);
    flow::assert_status(&page, "completion", "Fanny Ops", "on_time", 1);
    flow::assert_status(&page, "completion", "Luc Ops", "open", 1);
    flow::assert_status(&page, "completion", "total", "total", 2);

    // Luc is reminded before the due date, once however often the pass runs.
    w.pass(w.due_minus(2)).await;
    w.pass(w.due_minus(1)).await;
    let subjects = |w: &flow::World, who: &str, marker: &str| {
        w.mails_to(who)
            .iter()
            .filter(|m| m.contains(marker))
            .count()
    };
    assert_eq!(subjects(&w, "luc@ops.example", "Subject: Reminder:"), 1);
    // On the day, and after it.
    w.pass(w.due).await;
    assert_eq!(subjects(&w, "luc@ops.example", "Subject: Due today:"), 1);
    w.pass(w.due_plus(1)).await;
    w.pass(w.due_plus(2)).await;
    assert_eq!(subjects(&w, "luc@ops.example", "Subject: Late:"), 1);
    assert_eq!(w.mails_to("kate@kam.example").len(), 0, "not escalated yet");
    // Three days late: the KAM is told, once, with a link to the month's requests.
    w.pass(w.due_plus(3)).await;
    w.pass(w.due_plus(4)).await;
    let kate_mail = w.mails_to("kate@kam.example");
    assert_eq!(kate_mail.len(), 1, "one escalation");
    assert!(
        kate_mail[0].contains("Subject: Missing value:"),
        "{}",
        kate_mail[0]
    );
    assert!(kate_mail[0].contains(&format!(
        "https://boussole.example.com/accounts/{}/requests?period={}",
        w.account,
        w.month.code()
    )));
    // Fanny, who answered, got nothing but her request.
    assert_eq!(w.mails_to("fanny@ops.example").len(), 1);
    // Luc: request, before, due, late; no duplicate of any.
    assert_eq!(w.mails_to("luc@ops.example").len(), 4);

    // Now the KAM sees Luc's value missing; the director too, per account.
    let page = kate.get(&path).await;
    flow::assert_status(&page, "completion", "Luc Ops", "missing", 1);
    let mut dora = w.app.other_browser();
    dora.accept_language = Some("en".into());
    dora.login("dora@dir.example").await;
    let page = dora
        .get(&format!("/requests?period={}", w.month.code()))
        .await;
    assert_eq!(page.status, flow::OK);
    flow::assert_status(&page, "completion-accounts", "Acme Retail", "on_time", 1);
    flow::assert_status(&page, "completion-accounts", "Acme Retail", "missing", 1);
    flow::assert_status(&page, "completion-owners", "Luc Ops", "missing", 1);
    assert_eq!(page.count("#missing tr[data-request]"), 1);
    let csv = dora
        .get(&format!("/requests.csv?period={}", w.month.code()))
        .await;
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(csv.body.contains("Missing") && csv.body.contains("On time"));
    let _ = w.revenue;
    let _ = w.claims;
    std::fs::remove_dir_all(&w.dir).ok();
}

#[tokio::test]
async fn two_job_runners_on_one_database_send_each_reminder_exactly_once() {
    let w = flow::world().await;
    w.pass(w.day_after_month()).await;
    let before = w.mails().len();
    // A second instance: its own pool, state and clock, the same database.
    let pool = boussole::db::pool(w.app.db_options.clone(), 5)
        .await
        .unwrap();
    let other = boussole::AppState::new(pool, w.app.config.clone());
    let day = w.due_plus(3);
    w.app.state.clock.set_today(day);
    other.clock.set_today(day);
    // Both instances' passes, run at the same time by both runners.
    for _ in 0..3 {
        boussole::jobs::enqueue_daily(&w.app.state, None)
            .await
            .unwrap();
        boussole::jobs::enqueue_daily(&other, None).await.unwrap();
    }
    let (a, b) = tokio::join!(
        boussole::jobs::run_due(&w.app.state),
        boussole::jobs::run_due(&other)
    );
    a.unwrap();
    b.unwrap();
    // Two open requests, each late (owner) and escalated (KAM): four reminders.
    let new = w.mails();
    assert_eq!(
        new.len() - before,
        4,
        "{:?}",
        new.iter().map(|m| &m.0).collect::<Vec<_>>()
    );
    assert_eq!(
        w.mails_to("kate@kam.example").len(),
        2,
        "one escalation per request"
    );
    let late_to_owners = new
        .iter()
        .filter(|(_, t)| t.contains("Subject: Late:") || t.contains("Subject: En retard"))
        .count();
    assert_eq!(late_to_owners, 2);
    assert_eq!(common::count(&w.app.db, "data_request_reminders").await, 4);
    std::fs::remove_dir_all(&w.dir).ok();
}

#[tokio::test]
async fn unsubscribed_owners_get_no_reminder_but_the_kam_still_hears() {
    let w = flow::world().await;
    w.pass(w.day_after_month()).await;
    let mut luc = w.app.other_browser();
    luc.login("luc@ops.example").await;
    let page = luc.get("/me/reminders").await;
    assert_eq!(page.status, flow::OK);
    let r = luc
        .post_form("/me/reminders", &[("reminders", "off")])
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
    let page = luc.get("/me/reminders").await;
    assert!(page.attr("#reminders-off", "checked").is_some());
    w.pass(w.due_plus(3)).await;
    assert_eq!(
        w.mails_to("luc@ops.example").len(),
        1,
        "only the request itself"
    );
    // Fanny did not unsubscribe: she is reminded; the KAM hears of both.
    assert_eq!(
        w.mails_to("fanny@ops.example").len(),
        2,
        "request and one late reminder"
    );
    assert_eq!(w.mails_to("kate@kam.example").len(), 2);
    assert!(
        w.app
            .audit_actions()
            .await
            .contains(&"user.reminders_changed".to_owned())
    );
    std::fs::remove_dir_all(&w.dir).ok();
}

#[tokio::test]
async fn the_kam_asks_with_a_due_date_and_bad_requests_are_refused_clearly() {
    let w = flow::world().await;
    let mut kate = w.app.other_browser();
    kate.accept_language = Some("en".into());
    kate.login("kate@kam.example").await;
    let path = format!("/accounts/{}/requests", w.account);
    let page = kate.get(&format!("{path}?period={}", w.month.code())).await;
    assert_eq!(page.status, flow::OK);
    // Revenue has no owner: listed, not offered.
    assert_eq!(page.count(&format!("#kpi-{}", w.revenue)), 0);
    assert!(
        page.text(&format!("#request-candidates li[data-kpi='{}']", w.revenue))
            .contains("no owner")
    );
    assert_eq!(
        page.attr("#due", "value"),
        Some(w.due.to_string()),
        "five working days after the month by default"
    );

    let month = w.month.code();
    let last_day = w.month.end().to_string();
    let (otif, revenue) = (w.otif.to_string(), w.revenue.to_string());
    // A due date inside the period, a KPI without owner: both said, input kept.
    let r = kate
        .post_form(
            &path,
            &[
                ("month", &month),
                ("kpi", &otif),
                ("kpi", &revenue),
                ("due", &last_day),
                ("note", "Before the QBR please"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.body
    );
    let errors = r.text("#request-errors");
    assert!(
        errors.contains("must come after the end of the period"),
        "{errors}"
    );
    assert!(
        errors.contains("EN revenue") && errors.contains("no owner"),
        "{errors}"
    );
    assert_eq!(r.attr("#due", "value"), Some(last_day.clone()));
    assert_eq!(r.text("#note"), "Before the QBR please");
    assert_eq!(flow::requests(&w.app).await, 0);

    // An owner who can no longer be reached (deactivated).
    sqlx::query("UPDATE users SET active = false WHERE email = 'luc@ops.example'")
        .execute(&w.app.db)
        .await
        .unwrap();
    let claims = w.claims.to_string();
    let r = kate
        .post_form(
            &path,
            &[
                ("month", &month),
                ("kpi", &claims),
                ("due", &w.due.to_string()),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#request-errors").contains("Luc Ops"));
    assert_eq!(flow::requests(&w.app).await, 0);

    // A good request: created once, audited, the owner mailed in French.
    let due = w.due_plus(2).to_string();
    let form = [
        ("month", month.as_str()),
        ("kpi", otif.as_str()),
        ("due", due.as_str()),
        ("note", "Avant la revue"),
    ];
    let r = kate.post_form(&path, &form).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let r = kate.post_form(&path, &form).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
    assert_eq!(flow::requests(&w.app).await, 1);
    let (due_on, note, by): (NaiveDate, String, Option<i64>) =
        sqlx::query_as("SELECT due_on, note, requested_by FROM data_requests")
            .fetch_one(&w.app.db)
            .await
            .unwrap();
    assert_eq!(due_on.to_string(), due);
    assert_eq!(note, "Avant la revue");
    assert!(by.is_some());
    assert!(
        kate.audit_actions()
            .await
            .contains(&"data_request.created".to_owned())
    );
    boussole::jobs::run_due(&w.app.state).await.unwrap();
    let mail = w.mails_to("fanny@ops.example");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].contains("Kate Kam") && mail[0].contains("Avant la revue"),
        "{}",
        mail[0]
    );
    let page = kate.get(&format!("{path}?period={month}")).await;
    assert_eq!(page.count("#requests tr[data-status=open]"), 1);
    std::fs::remove_dir_all(&w.dir).ok();
}

#[tokio::test]
async fn the_demo_has_requests_in_every_state_with_contributors_late_on_some() {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some("en".into());
    app.login("direction@boussole.example").await;
    let page = app.get("/requests").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let total = |status: &str| {
        page.text(&format!(
            "#completion-accounts tfoot td[data-status='{status}']"
        ))
        .trim()
        .parse::<usize>()
        .unwrap()
    };
    // On the first days of a month the due dates crowd together; later, all four show.
    assert!(total("on_time") > 0 && total("late") > 0, "{}", page.body);
    assert!(total("missing") + total("open") >= 6);
    if chrono::Utc::now().date_naive().day() > 6 {
        assert!(total("missing") > 0 && total("open") > 0);
    }
    // A contributor sees theirs in the inbox, soonest due first.
    let mut contributor = app.other_browser();
    contributor.login("logistique@boussole.example").await;
    let inbox = contributor.get("/inbox").await;
    let dues: Vec<String> = inbox
        .html()
        .select(&scraper::Selector::parse("#inbox-requests li").unwrap())
        .map(|li| {
            li.value()
                .attr("data-status")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(!dues.is_empty(), "{}", inbox.body);
}

#[tokio::test]
async fn a_contest_cannot_replace_a_value_of_a_locked_period_but_may_still_be_raised() {
    let app = TestApp::with_demo().await;
    let (account, kpi, period): (i64, i64, String) = sqlx::query_as(
        "SELECT a.id, k.id, to_char(v.period, 'YYYY-MM') FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN kpi_values v ON v.account_kpi_id = k.id AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id) \
         WHERE a.slug = 'lumiere-retail' AND k.visibility = 'shared' AND k.frequency = 'monthly' AND k.unit = 'percent' \
           AND v.validation = 'awaiting' ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let month = format!("{period}-01");
    sqlx::query("INSERT INTO period_locks (account_id, month) VALUES ($1, $2::date)")
        .bind(account)
        .bind(&month)
        .execute(&app.db)
        .await
        .unwrap();
    let before = stored(&app, kpi, &month).await;
    // The client may still contest (a verdict, not a change of the number).
    let mut client = app.other_browser();
    client.login("client@lumiere-retail.example").await;
    let r = client
        .post_form(
            &format!("/portal/kpis/{kpi}/evaluate"),
            &[
                ("period", &period),
                ("action", "contest"),
                ("body", "Deux livraisons manquent"),
                ("proposed_value", "42,5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Accepting the proposal would change the number: refused in words.
    let mut kam = app.other_browser();
    kam.login(ALICE).await;
    let r = kam
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/evaluate"),
            &[("period", &period), ("action", "accept"), ("body", "OK")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, page) = kam.get_follow(r.location().unwrap()).await;
    assert!(
        page.text(".flash--error").contains("verrouillée"),
        "{}",
        page.body
    );
    assert_eq!(stored(&app, kpi, &month).await, before);
    let validation: String = sqlx::query_scalar(
        "SELECT validation::text FROM kpi_values WHERE account_kpi_id = $1 AND period = $2::date",
    )
    .bind(kpi)
    .bind(&month)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(validation, "contested");
}

/// A KPI that asks for a comment when a value is red: every path that writes
/// values by hand refuses a red value without one (FR/EN message, input kept),
/// and takes it with one; a value that is not red needs none.
#[tokio::test]
async fn a_red_value_without_the_required_comment_is_refused_on_every_path() {
    use chrono::Utc;
    use common::build;
    let mut kate = TestApp::new().await;
    kate.accept_language = Some("en".into());
    let hash = boussole::auth::password::hash(common::DEMO_PASSWORD).unwrap();
    for (email, role) in [("kate@kam.example", "kam")] {
        sqlx::query(
            "INSERT INTO users (email, name, role, locale, password_hash) \
             VALUES ($1, 'Kate Kam', $2::user_role, 'en', $3)",
        )
        .bind(email)
        .bind(role)
        .bind(&hash)
        .execute(&kate.db)
        .await
        .unwrap();
    }
    let account = build::account(&kate.db, "acme-retail", "kate@kam.example").await;
    sqlx::query("UPDATE accounts SET stage = 4 WHERE id = $1")
        .bind(account)
        .execute(&kate.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (email, name, role, locale, password_hash, account_id) \
         VALUES ('carl@acme.example', 'Carl Client', 'client', 'fr', $1, $2)",
    )
    .bind(&hash)
    .bind(account)
    .execute(&kate.db)
    .await
    .unwrap();
    let kpi = build::kpi(
        &kate.db,
        account,
        build::Kpi {
            code: "otif",
            ..Default::default()
        },
    )
    .await;
    sqlx::query("UPDATE account_kpis SET visibility = 'joint' WHERE id = $1")
        .bind(kpi)
        .execute(&kate.db)
        .await
        .unwrap();
    let month = boussole::period::Period::containing(
        boussole::domain::Frequency::Monthly,
        Utc::now().date_naive(),
    )
    .prev();
    let code = month.code();
    let start = month.start.to_string();
    kate.login("kate@kam.example").await;

    // The setting is a checkbox on the KPI's settings form, off by default.
    let settings = format!("/accounts/{account}/kpis/{kpi}/settings");
    let page = kate.get(&settings).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#comment_when_red"), 1);
    assert_eq!(page.count("#comment_when_red[checked]"), 0);
    sqlx::query("UPDATE account_kpis SET comment_when_red = true WHERE id = $1")
        .bind(kpi)
        .execute(&kate.db)
        .await
        .unwrap();
    let page = kate.get(&settings).await;
    assert_eq!(page.count("#comment_when_red[checked]"), 1);

    // 1. Inline edit on the scorecard: 10 % of a 100 % target is red.
    let path = format!("/accounts/{account}/kpis/{kpi}/values");
    let inline = |value: &'static str, comment: &'static str| {
        vec![
            ("from", "scorecard"),
            ("month", ""),
            ("period", ""),
            ("value", value),
            ("comment", comment),
            ("version", ""),
        ]
    };
    let mut fields = inline("10", "");
    fields[1].1 = &code;
    fields[2].1 = &code;
    let r = kate.post_form(&path, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.text(&format!("#value-{kpi}-error"));
    assert!(message.contains("asks for a comment"), "{message}");
    assert_eq!(
        r.attr(&format!("#value-{kpi}"), "value").as_deref(),
        Some("10")
    );
    assert_eq!(stored(&kate, kpi, &start).await, None);

    // 2. The value page: the same refusal, the input kept.
    let r = kate
        .post_form(
            &path,
            &[
                ("period", &code),
                ("value", "12"),
                ("comment", " "),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("asks for a comment"), "{}", r.body);
    assert_eq!(r.attr("#value", "value").as_deref(), Some("12"));
    assert_eq!(stored(&kate, kpi, &start).await, None);
    // A green value needs no comment.
    let r = kate
        .post_form(
            &path,
            &[
                ("period", &code),
                ("value", "100"),
                ("comment", ""),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // 3. The client's portal entry, in French.
    let mut carl = kate.other_browser();
    carl.accept_language = Some("fr-FR".into());
    carl.login("carl@acme.example").await;
    let portal = format!("/portal/kpis/{kpi}/values");
    let r = carl
        .post_form(
            &portal,
            &[("period", &code), ("value", "15"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.text(".error-summary").contains("demande un commentaire"),
        "{}",
        r.body
    );
    assert_eq!(r.attr("#entry-value", "value").as_deref(), Some("15"));
    assert_eq!(stored(&kate, kpi, &start).await.as_deref(), Some("100"));
    let r = carl
        .post_form(
            &portal,
            &[
                ("period", &code),
                ("value", "15"),
                ("comment", "Grève des transporteurs"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored(&kate, kpi, &start).await.as_deref(), Some("15"));

    // 4. The API batch: the problem names the item; nothing of the batch is written.
    let (_, token) = kate.api_token("kate@kam.example", true, None).await;
    let body = format!(
        r#"{{"items":[{{"account":"acme-retail","kpi":"otif","period":"{code}","value":90,"comment":"fine"}},{{"account":"acme-retail","kpi":"otif","period":"{}","value":5}}]}}"#,
        month.prev().code()
    );
    let r = kate
        .api("POST", "/api/v1/values", Some(&token), Some(&body), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(r#""item":1,"field":"comment""#),
        "{}",
        r.body
    );
    assert_eq!(stored(&kate, kpi, &start).await.as_deref(), Some("15"));

    // 5. A CSV import: the file is refused, naming the row.
    kate.get("/import").await;
    let earlier = month.prev();
    let csv = format!(
        "account,kpi,period,value,comment\nacme-retail,otif,{},95,\nacme-retail,otif,{},5,\n",
        earlier.prev().code(),
        earlier.code()
    );
    let r = upload(&mut kate, csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rows = r.texts("#import-problems tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("Row 3") && rows[0].contains("asks for a comment"),
        "{rows:?}"
    );
    assert_eq!(stored(&kate, kpi, &earlier.start.to_string()).await, None);
    let csv = format!(
        "account,kpi,period,value,comment\nacme-retail,otif,{},5,Strike\n",
        earlier.code()
    );
    let r = upload(&mut kate, csv.as_bytes()).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
}
