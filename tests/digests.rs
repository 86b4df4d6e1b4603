//! Following and e-mail digests (issue 14): a digest lists exactly the events of
//! the followed accounts in its period, in the recipient's language with direct
//! links; a client's digest never mentions anything not shared with them; a
//! weekly reader gets nothing on other days; a pass run twice sends nothing twice.
//! Mail is captured through the pickup directory, as `tests/data_flow.rs` does.

mod common;

use std::path::PathBuf;

use axum::http::StatusCode;
use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use common::{TestApp, build};

const SITE: &str = "https://boussole.example.com";

struct World {
    app: TestApp,
    dir: PathBuf,
    acme: i64,
    bolt: i64,
    shared: i64,
    internal: i64,
    bolt_kpi: i64,
    /// Today in the organisation's time zone: the day every event here happens.
    today: NaiveDate,
}

async fn user(app: &TestApp, email: &str, name: &str, role: &str, locale: &str) -> i64 {
    client(app, email, name, role, locale, None).await
}

async fn client(
    app: &TestApp,
    email: &str,
    name: &str,
    role: &str,
    locale: &str,
    account: Option<i64>,
) -> i64 {
    let hash = boussole::auth::password::hash(common::DEMO_PASSWORD).unwrap();
    sqlx::query_scalar(
        "INSERT INTO users (email, name, role, locale, password_hash, account_id) \
         VALUES ($1, $2, $3::user_role, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(locale)
    .bind(hash)
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn sql(app: &TestApp, q: &str, id: i64) {
    sqlx::query(q).bind(id).execute(&app.db).await.unwrap();
}

/// Kate (KAM, English) owns Acme (stage 4; a shared and an internal KPI) and
/// Bolt; Carl (French) is Acme's client user; Dora, a director, follows nothing
/// yet. Every KPI has its scorecard state, so a red value "turns" it red.
async fn world() -> World {
    let dir = std::env::temp_dir().join(format!(
        "boussole-digests-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("file://{}", dir.display()));
    config.public_url = Some(SITE.parse().unwrap());
    let app = TestApp::with_config(config).await;
    user(&app, "kate@kam.example", "Kate Kam", "kam", "en").await;
    user(&app, "dora@dir.example", "Dora Director", "director", "en").await;
    let acme = build::account(&app.db, "acme-retail", "kate@kam.example").await;
    let bolt = build::account(&app.db, "bolt-foods", "kate@kam.example").await;
    sql(&app, "UPDATE accounts SET stage = 4 WHERE id = $1", acme).await;
    client(
        &app,
        "carl@acme.example",
        "Carl Client",
        "client",
        "fr",
        Some(acme),
    )
    .await;
    let kpi = |code| build::Kpi {
        code,
        ..Default::default()
    };
    let shared = build::kpi(&app.db, acme, kpi("otif")).await;
    let internal = build::kpi(&app.db, acme, kpi("margin")).await;
    let bolt_kpi = build::kpi(&app.db, bolt, kpi("claims")).await;
    sql(
        &app,
        "UPDATE account_kpis SET visibility = 'shared' WHERE id = $1",
        shared,
    )
    .await;
    for a in [acme, bolt] {
        boussole::scorecard::state::refresh_alone(&app.db, a)
            .await
            .unwrap();
    }
    let tz = boussole::i18n::zone::current(&app.db).await.unwrap();
    let today = Utc::now().with_timezone(&tz).date_naive();
    World {
        app,
        dir,
        acme,
        bolt,
        shared,
        internal,
        bolt_kpi,
        today,
    }
}

impl World {
    /// The daily pass as of `day`, then the mail it queued.
    async fn pass(&self, day: NaiveDate) {
        self.app.state.clock.set_today(day);
        boussole::jobs::enqueue_daily(&self.app.state, None)
            .await
            .unwrap();
        boussole::jobs::run_due(&self.app.state).await.unwrap();
    }

    /// The digests received by `email` so far, decoded.
    fn digests_to(&self, email: &str) -> Vec<String> {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| decode(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
            .filter(|m| {
                m.lines()
                    .any(|l| l.starts_with("To: ") && l.contains(email))
            })
            .filter(|m| m.contains(&format!("{SITE}/me/digest")))
            .collect()
    }
}

/// A captured message with its body decoded (quoted-printable or base64).
fn decode(raw: &str) -> String {
    use base64::Engine;
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or("7bit")
        .trim()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "quoted-printable" => {
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap()
        }
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(body.replace('\n', "").trim())
            .unwrap(),
        _ => body.as_bytes().to_vec(),
    };
    format!("{head}\n\n{}", String::from_utf8(bytes).unwrap())
}

/// The lines ("- Account · text") of a digest's section, from its heading to the
/// next blank line after the list.
fn section(mail: &str, heading: &str) -> Vec<String> {
    let mut lines = mail.lines().skip_while(|l| !l.contains(heading)).skip(1);
    let mut out = Vec::new();
    for l in lines.by_ref() {
        if l.starts_with("- ") {
            out.push(l.trim().to_owned());
        } else if l.trim().is_empty() && !out.is_empty() {
            break;
        }
    }
    out
}

async fn red_value(app: &mut TestApp, account: i64, kpi: i64, month: &str) {
    let r = app
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/values"),
            &[
                ("from", "scorecard"),
                ("month", month),
                ("period", month),
                ("value", "40"),
                ("comment", "bad month"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A plan for Acme with two overdue actions: one shared, one internal.
async fn overdue_actions(w: &World) {
    let year = w.today.year();
    let plan: i64 = sqlx::query_scalar(
        "INSERT INTO account_plans (account_id, period_start, period_end, status) \
         VALUES ($1, make_date($2, 1, 1), make_date($2, 12, 31), 'active') RETURNING id",
    )
    .bind(w.acme)
    .bind(year)
    .fetch_one(&w.app.db)
    .await
    .unwrap();
    for (title, shared) in [("Joint forecast review", true), ("Margin rescue", false)] {
        sqlx::query(
            "INSERT INTO plan_actions (account_id, plan_id, title, owner_user_id, starts, due, shared) \
             VALUES ($1, $2, $3, (SELECT id FROM users WHERE email = 'kate@kam.example'), \
                     $4::date - 20, $4::date - 3, $5)",
        )
        .bind(w.acme)
        .bind(plan)
        .bind(title)
        .bind(w.today)
        .bind(shared)
        .execute(&w.app.db)
        .await
        .unwrap();
    }
}

async fn set_digest(app: &mut TestApp, choice: &str) {
    let page = app.get("/me/digest").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = app.post_form("/me/digest", &[("digest", choice)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_kams_and_the_clients_digests_list_exactly_their_events_once() {
    let w = world().await;
    let month = boussole::period::Period::containing(boussole::domain::Frequency::Monthly, w.today)
        .prev()
        .code();

    // Kate follows her accounts by default and unfollows Bolt from its page.
    let mut kate = w.app.other_browser();
    kate.accept_language = Some("en".into());
    kate.login("kate@kam.example").await;
    let page = kate.get(&format!("/accounts/{}", w.bolt)).await;
    assert_eq!(page.text("#follow-button").trim(), "Unfollow");
    let r = kate
        .post_form(&format!("/accounts/{}/follow", w.bolt), &[("follow", "no")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = kate.get(&format!("/accounts/{}", w.bolt)).await;
    assert_eq!(page.text("#follow-button").trim(), "Follow");
    let r = kate
        .post_form(
            &format!("/accounts/{}/follow", w.bolt),
            &[("follow", "maybe")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    set_digest(&mut kate, "daily").await;

    // Dora, a director, follows Acme only, weekly.
    let mut dora = w.app.other_browser();
    dora.accept_language = Some("en".into());
    dora.login("dora@dir.example").await;
    let r = dora
        .post_form(
            &format!("/accounts/{}/follow", w.acme),
            &[("follow", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    set_digest(&mut dora, "weekly").await;
    let page = dora.get("/me/digest").await;
    assert!(page.text("#digest-followed").contains("one account"));

    // Carl, Acme's client, follows it without choosing; daily digest in French.
    let mut carl = w.app.other_browser();
    carl.login("carl@acme.example").await;
    set_digest(&mut carl, "daily").await;

    // Today: three KPIs turn red (two at Acme, one at Bolt); Carl contests the
    // shared one; two of Acme's plan actions are overdue.
    red_value(&mut kate, w.acme, w.shared, &month).await;
    red_value(&mut kate, w.acme, w.internal, &month).await;
    red_value(&mut kate, w.bolt, w.bolt_kpi, &month).await;
    let r = carl
        .post_form(
            &format!("/portal/kpis/{}/evaluate", w.shared),
            &[
                ("period", &month),
                ("action", "contest"),
                ("body", "Deux livraisons manquent"),
                ("proposed_value", "45"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    overdue_actions(&w).await;
    // An event of ten days ago: outside every digest below.
    sqlx::query(
        "INSERT INTO audit_log (at, action, entity, entity_id, account_id) \
         VALUES (now() - interval '10 days', 'kpi_value.validated', 'kpi_value', $1 || ':' || $2, $3)",
    )
    .bind(w.shared.to_string())
    .bind(format!("{month}-01"))
    .bind(w.acme)
    .execute(&w.app.db)
    .await
    .unwrap();

    // Tomorrow morning's pass, twice (a retry, a second instance).
    let tomorrow = w.today.checked_add_days(Days::new(1)).unwrap();
    w.pass(tomorrow).await;
    w.pass(tomorrow).await;

    let mails = w.digests_to("kate@kam.example");
    assert_eq!(
        mails.len(),
        1,
        "one digest for the day, however often the pass runs"
    );
    let mail = &mails[0];
    let mut events = section(mail, "What changed");
    events.sort();
    let mut expected = vec![
        "- Acme Retail · EN margin turned red".to_owned(),
        "- Acme Retail · EN otif turned red".to_owned(),
        format!(
            "- Acme Retail · Carl Client contested EN otif ({})",
            label_en(&month)
        ),
    ];
    expected.sort();
    assert_eq!(events, expected, "{mail}");
    assert!(!mail.contains("Bolt"), "Bolt is not followed: {mail}");
    assert!(mail.contains(&format!("{SITE}/accounts/{}/kpis/{}", w.acme, w.shared)));
    let attention = section(mail, "Needs attention");
    assert_eq!(attention.len(), 2, "{mail}");
    assert!(
        attention
            .iter()
            .any(|l| l.contains("Action overdue: Margin rescue"))
    );
    assert!(mail.contains(&format!("{SITE}/me/digest")));

    // In step: every event of the digest is on Kate's notifications page.
    let page = kate.get("/notifications").await;
    let feed = page.texts("#feed li");
    for e in &expected {
        let text = e.trim_start_matches("- Acme Retail · ");
        assert!(
            feed.iter().any(|f| f.contains(text)),
            "{text} not in {feed:?}"
        );
    }
    assert_eq!(page.count("#attention li[data-kind='action']"), 2);

    // Carl's digest: in French, the shared KPI only, the shared action only,
    // links into the portal.
    let mails = w.digests_to("carl@acme.example");
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    let events = section(mail, "Ce qui a changé");
    assert_eq!(events.len(), 2, "{mail}");
    assert!(
        events
            .iter()
            .any(|l| l.contains("FR otif est passé au rouge"))
    );
    assert!(
        events.iter().any(|l| l.contains("Carl Client a contesté")),
        "{mail}"
    );
    assert!(!mail.contains("margin"), "an internal KPI: {mail}");
    assert!(
        !mail.contains("Margin rescue"),
        "an internal action: {mail}"
    );
    assert!(mail.contains("Joint forecast review"));
    assert!(mail.contains(&format!("{SITE}/portal/kpis/{}", w.shared)));
    assert!(!mail.contains(&format!("{SITE}/accounts/")), "{mail}");

    // Dora is weekly: nothing on a day that is not Monday, one digest on Monday.
    assert!(w.digests_to("dora@dir.example").is_empty());
    let monday = (1..=7)
        .map(|n| w.today.checked_add_days(Days::new(n)).unwrap())
        .find(|d| d.weekday() == Weekday::Mon)
        .unwrap();
    let other = (1..=7)
        .map(|n| w.today.checked_add_days(Days::new(n)).unwrap())
        .find(|d| d.weekday() != Weekday::Mon)
        .unwrap();
    w.pass(other).await;
    assert!(
        w.digests_to("dora@dir.example").is_empty(),
        "not a digest day"
    );
    w.pass(monday).await;
    w.pass(monday).await;
    let mails = w.digests_to("dora@dir.example");
    assert_eq!(mails.len(), 1);
    assert_eq!(section(&mails[0], "What changed").len(), 3, "{}", mails[0]);
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM digests_sent")
        .fetch_one(&w.app.db)
        .await
        .unwrap();
    assert!(recorded >= 3);
    std::fs::remove_dir_all(&w.dir).ok();
}

fn label_en(code: &str) -> String {
    let p = boussole::period::Period::parse(boussole::domain::Frequency::Monthly, code).unwrap();
    p.label(boussole::i18n::Locale::En)
}
