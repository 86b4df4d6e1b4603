//! Webhooks: subscriptions made on `/settings/webhooks`, deliveries to a real HTTP
//! receiver started here (127.0.0.1, any port) that checks every signature; what a
//! subscriber may not see is never sent to it; a rolled-back write sends nothing; a
//! failing receiver is retried and the log shows each answer; a silent one never
//! holds a write back.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::TestApp;
use serde_json::{Value, json};

const ALICE: &str = "kam.alice@boussole.example";
const BRUNO: &str = "kam.bruno@boussole.example";
const CLIENT_LUMIERE: &str = "client@lumiere-retail.example";
const CONTRIBUTOR: &str = "logistique@boussole.example";

/// One request the receiver got: its path name, signature header and body.
#[derive(Debug, Clone)]
struct Received {
    name: String,
    signature: String,
    event: String,
    body: Vec<u8>,
}

#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<Received>>,
    /// Statuses to answer, in order; 200 once empty.
    script: Mutex<VecDeque<u16>>,
    /// Answer nothing for this long (a receiver that hangs).
    hang: Mutex<Option<Duration>>,
}

impl Receiver {
    fn of(&self, name: &str) -> Vec<Received> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.name == name)
            .cloned()
            .collect()
    }
}

async fn receive(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let hang = *r.hang.lock().unwrap();
    if let Some(d) = hang {
        tokio::time::sleep(d).await;
    }
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    r.got.lock().unwrap().push(Received {
        name,
        signature: h("boussole-signature"),
        event: h("boussole-event"),
        body: body.to_vec(),
    });
    let status = r.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// A receiver on 127.0.0.1 at a port of the system's choosing: its base URL.
async fn receiver() -> (Arc<Receiver>, String) {
    let r = Arc::new(Receiver::default());
    let app = Router::new()
        .route("/hooks/{name}", post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, format!("http://127.0.0.1:{}/hooks", addr.port()))
}

/// Subscribes `email` through the page: the subscription's id and its secret.
async fn subscribe(app: &TestApp, email: &str, url: &str, events: &[&str]) -> (i64, String) {
    let mut b = app.other_browser();
    b.login(email).await;
    let page = b.get("/settings/webhooks").await;
    assert_eq!(page.status, StatusCode::OK, "{email}: {}", page.body);
    let once = page.attr("input[name=_once]", "value").unwrap();
    let mut fields = vec![("url", url), ("_once", once.as_str())];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let r = b.post_form("/settings/webhooks", &fields).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.text("#webhook-secret");
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(
        !b.get("/settings/webhooks").await.body.contains(&secret),
        "the secret is shown once"
    );
    let id = sqlx::query_scalar("SELECT max(id) FROM webhook_subscriptions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    (id, secret)
}

/// Checks the signature of `r` with `secret`, and gives its JSON body.
fn verified(r: &Received, secret: &str) -> Value {
    assert!(
        boussole::webhooks::sign::verify(secret, &r.signature, &r.body).is_some(),
        "bad signature {} on {}",
        r.signature,
        String::from_utf8_lossy(&r.body)
    );
    assert!(boussole::webhooks::sign::verify("whsec_wrong", &r.signature, &r.body).is_none());
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["type"], r.event.as_str());
    v
}

async fn kpi_code(app: &TestApp, internal: bool) -> String {
    sqlx::query_scalar(&format!(
        "SELECT k.code FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.frequency = 'monthly' AND k.unit = 'percent' \
           AND (k.visibility = 'internal') = {internal} ORDER BY k.id LIMIT 1"
    ))
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn run_jobs(app: &TestApp) {
    boussole::jobs::run_due(&app.state).await.unwrap();
}

/// As if every backoff had elapsed: pending retries become due now.
async fn backoff_elapses(app: &TestApp) {
    sqlx::query(
        "UPDATE underway.task SET delay = interval '0' \
         WHERE task_queue_name = 'webhooks' AND state = 'pending'",
    )
    .execute(&app.db)
    .await
    .unwrap();
}

fn batch(code: &str, periods: &[&str]) -> String {
    let items: Vec<Value> = periods
        .iter()
        .map(|p| json!({"account": "lumiere-retail", "kpi": code, "period": p, "value": 77}))
        .collect();
    json!({ "items": items }).to_string()
}

#[tokio::test]
async fn each_subscriber_gets_signed_events_about_what_they_may_see_and_nothing_else() {
    let mut app = TestApp::with_demo().await;
    let bruno_sees_lumiere: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM accounts a JOIN users u ON u.email = $1 \
         WHERE a.slug = 'lumiere-retail' AND (a.owner_id = u.id OR EXISTS \
           (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = u.id)))",
    )
    .bind(BRUNO)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!bruno_sees_lumiere, "the demo's Bruno is not on Lumière");
    let (rx, base) = receiver().await;
    let all = ["value.recorded", "value.contested", "evaluation.answered"];
    let (_, alice_secret) = subscribe(&app, ALICE, &format!("{base}/alice"), &all).await;
    let (_, _) = subscribe(&app, BRUNO, &format!("{base}/bruno"), &all).await;
    let (_, client_secret) = subscribe(&app, CLIENT_LUMIERE, &format!("{base}/client"), &all).await;

    // Alice records two values of an internal KPI through the API.
    let (_, token) = app.api_token(ALICE, true, None).await;
    let internal = kpi_code(&app, true).await;
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&token),
            Some(&batch(&internal, &["2031-01", "2031-02"])),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        rx.got.lock().unwrap().is_empty(),
        "the write answered before any delivery"
    );
    run_jobs(&app).await;
    let to_alice = rx.of("alice");
    assert_eq!(to_alice.len(), 2, "{to_alice:?}");
    let mut periods = Vec::new();
    for d in &to_alice {
        let v = verified(d, &alice_secret);
        assert_eq!(v["type"], "value.recorded");
        assert_eq!(v["data"]["account"]["slug"], "lumiere-retail");
        assert_eq!(v["data"]["kpi"]["code"], internal.as_str());
        assert_eq!(v["data"]["value"], "77");
        periods.push(v["data"]["period"].as_str().unwrap().to_owned());
    }
    periods.sort();
    assert_eq!(periods, ["2031-01", "2031-02"]);
    assert!(rx.of("bruno").is_empty(), "another KAM's account");
    assert!(rx.of("client").is_empty(), "an internal KPI");

    // A shared KPI: the client is told too (its own account, the portal's KPI).
    let shared = kpi_code(&app, false).await;
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&token),
            Some(&batch(&shared, &["2031-03"])),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    run_jobs(&app).await;
    let to_client = rx.of("client");
    assert_eq!(to_client.len(), 1);
    let v = verified(&to_client[0], &client_secret);
    assert_eq!(v["data"]["kpi"]["code"], shared.as_str());
    assert!(
        !String::from_utf8_lossy(&to_client[0].body).contains(&internal),
        "nothing internal in the client's payload"
    );
    assert_eq!(rx.of("alice").len(), 3);
    assert!(rx.of("bruno").is_empty());

    // A batch refused (one bad item) is rolled back: nothing is sent.
    let before = rx.got.lock().unwrap().len();
    let mut bad: Value = serde_json::from_str(&batch(&shared, &["2031-04", "2031-05"])).unwrap();
    bad["items"][1]["period"] = json!("2031-Q2");
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&token),
            Some(&bad.to_string()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    run_jobs(&app).await;
    assert_eq!(rx.got.lock().unwrap().len(), before);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_and_the_log_shows_each_answer() {
    let mut app = TestApp::with_demo().await;
    let (rx, base) = receiver().await;
    rx.script.lock().unwrap().extend([500, 503]);
    let (id, secret) = subscribe(&app, ALICE, &format!("{base}/flaky"), &["value.recorded"]).await;
    app.login(ALICE).await;
    let r = app
        .post_form(&format!("/settings/webhooks/{id}/test"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    run_jobs(&app).await;
    assert_eq!(rx.of("flaky").len(), 1);
    // Not retried before its backoff.
    run_jobs(&app).await;
    assert_eq!(rx.of("flaky").len(), 1);
    for _ in 0..2 {
        backoff_elapses(&app).await;
        run_jobs(&app).await;
    }
    let got = rx.of("flaky");
    assert_eq!(got.len(), 3);
    let ids: Vec<Value> = got
        .iter()
        .map(|d| verified(d, &secret)["id"].clone())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one event, three attempts"
    );
    assert_eq!(got[0].event, "test");

    let page = app
        .get_with(
            &format!("/settings/webhooks/{id}"),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let statuses: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("#deliveries-table tbody tr").unwrap())
        .map(|tr| tr.value().attr("data-status").unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["200", "503", "500"], "newest first");
    assert_eq!(page.count("#deliveries-table tbody tr[data-ok=false]"), 2);
    assert!(page.body.contains("failed") && page.body.contains("delivered"));
    let csv = app
        .get(&format!("/settings/webhooks/{id}/deliveries.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[3].to_owned(), r[4].to_owned())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("3".into(), "200".into()),
            ("2".into(), "503".into()),
            ("1".into(), "500".into())
        ]
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"webhook.tested".to_owned())
    );
}

#[tokio::test]
async fn a_receiver_that_hangs_never_holds_the_write_back() {
    let mut app = TestApp::with_demo().await;
    let (rx, base) = receiver().await;
    *rx.hang.lock().unwrap() = Some(Duration::from_secs(3600));
    let (id, _) = subscribe(&app, ALICE, &format!("{base}/silent"), &["value.recorded"]).await;
    let (_, token) = app.api_token(ALICE, true, None).await;
    let code = kpi_code(&app, true).await;
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&token),
            Some(&batch(&code, &["2031-06"])),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM underway.task WHERE task_queue_name = 'webhooks' AND state = 'pending'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(queued, 1, "queued with the write, sent after it");
    // The runner gives up on the attempt at the configured timeout and logs it.
    run_jobs(&app).await;
    let (status, error): (Option<i16>, Option<String>) = sqlx::query_as(
        "SELECT status_code, error FROM webhook_deliveries WHERE subscription_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(status, None);
    assert_eq!(error.as_deref(), Some("timed out"));
}

#[tokio::test]
async fn the_form_refuses_bad_input_and_others_cannot_reach_a_subscription() {
    let mut app = TestApp::with_demo().await;
    app.login(ALICE).await;
    let r = app
        .get_with("/settings/webhooks", &[("accept-language", "en")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Each message in English and French (the page speaks the user's language).
    for (url, events, message) in [
        (
            "http://erp.example.com/h",
            vec!["value.recorded"],
            ["must start with https://", "doit commencer par https://"],
        ),
        (
            "https://erp.example.com/h",
            vec![],
            ["at least one event", "au moins un événement"],
        ),
        (
            "https://erp.example.com/h",
            vec!["value.deleted"],
            ["from the list", "de la liste"],
        ),
        (
            "https://u:p@erp.example.com/h",
            vec!["value.recorded"],
            ["without a user name", "sans nom d’utilisateur"],
        ),
        (
            "https://erp.example.com/\u{0}",
            vec!["value.recorded"],
            ["", ""],
        ),
    ] {
        let mut fields = vec![("url", url)];
        fields.extend(events.iter().map(|e| ("events", *e)));
        let r = app.post_form("/settings/webhooks", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            message.iter().any(|m| r.body.contains(m)),
            "{url}: {message:?}"
        );
        // A NUL is refused by the app's input layer before the form (`web::input`).
        if !url.contains('\u{0}') {
            assert_eq!(r.count(".error-summary li"), 1, "{url}");
            assert_eq!(r.attr("#url", "value").as_deref(), Some(url), "input kept");
        }
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_subscriptions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 0);

    let (id, _) = subscribe(
        &app,
        ALICE,
        "https://erp.example.com/boussole",
        &["kpi.turned_red"],
    )
    .await;
    // Another KAM: it does not exist for them; a contributor: no webhooks at all.
    let mut bruno = app.other_browser();
    bruno.login(BRUNO).await;
    for path in [
        format!("/settings/webhooks/{id}"),
        format!("/settings/webhooks/{id}/deliveries.csv"),
    ] {
        assert_eq!(bruno.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    let r = bruno
        .post_form(&format!("/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut contributor = app.other_browser();
    contributor.login(CONTRIBUTOR).await;
    assert_eq!(
        contributor.get("/settings/webhooks").await.status,
        StatusCode::FORBIDDEN
    );
    // Its owner deletes it: listed no more, nothing more sent.
    let r = app
        .post_form(&format!("/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/settings/webhooks")
            .await
            .count("#webhooks-table tbody tr"),
        0
    );
}

#[tokio::test]
async fn a_kpi_turning_red_is_told_once_with_its_status_before() {
    let mut app = TestApp::with_demo().await;
    let (rx, base) = receiver().await;
    let (_, secret) = subscribe(&app, ALICE, &format!("{base}/red"), &["kpi.turned_red"]).await;
    // A monthly higher-is-better KPI of Lumière that is not red now (the stored state).
    let (account, kpi): (i64, i64) = sqlx::query_as(
        "SELECT a.id, k.id FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         JOIN scorecard_state s ON s.account_id = a.id AND s.audience = 'internal' \
         CROSS JOIN LATERAL jsonb_array_elements(s.now->'kpis') r \
         WHERE a.slug = 'lumiere-retail' AND k.frequency = 'monthly' AND k.target > 0 \
           AND k.direction = 'higher_better' AND (r->>'id')::bigint = k.id AND r->>'rag' <> 'red' \
         ORDER BY k.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let today = chrono::Utc::now().date_naive();
    let month = format!("{}", today.format("%Y-%m"));
    let (_, token) = app.api_token(ALICE, true, None).await;
    let url = format!("/api/v1/accounts/{account}/kpis/{kpi}/values/{month}");
    let r = app
        .api("PUT", &url, Some(&token), Some(r#"{"value": 0}"#), &[])
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    run_jobs(&app).await;
    let got = rx.of("red");
    assert_eq!(got.len(), 1, "{got:?}");
    let v = verified(&got[0], &secret);
    assert_eq!(v["type"], "kpi.turned_red");
    assert_eq!(v["data"]["kpi"]["id"], kpi);
    assert_ne!(v["data"]["was"], "red");
    // Still red after another low value: not told again.
    let r = app
        .api("PUT", &url, Some(&token), Some(r#"{"value": 1}"#), &[])
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    run_jobs(&app).await;
    assert_eq!(rx.of("red").len(), 1);
}

/// A server run as in production (`--webhook-allow-local` off): a client user
/// cannot make it post inside its own network, whatever the scheme.
#[tokio::test]
async fn internal_addresses_are_refused_to_every_subscriber_by_default() {
    let config = boussole::config::Config {
        webhook_allow_local: false,
        ..boussole::config::Config::for_tests()
    };
    let mut app = TestApp::with_demo_config(config).await;
    app.login("client@lumiere-retail.example").await;
    for url in [
        "http://127.0.0.1:5432/",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.7/admin",
        "https://localhost/h",
    ] {
        let fields = [("url", url), ("events", "value.recorded")];
        let r = app.post_form("/settings/webhooks", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            r.body.contains("dans le réseau du serveur lui-même")
                || r.body.contains("inside the server's own network"),
            "{url}: {}",
            r.body
        );
        assert_eq!(r.attr("#url", "value").as_deref(), Some(url), "input kept");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_subscriptions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
