//! The API (`/api/v1`): tokens (scopes, expiry, revocation, account limit, rate),
//! what a client token reaches (the portal's rules), value writes (batch all or
//! nothing, idempotency, If-Match) and problem details in both languages.

mod common;

use axum::http::StatusCode;
use common::{TestApp, TestResponse, count};
use serde_json::{Value, json};

const DIRECTOR: &str = "direction@boussole.example";
const ALICE: &str = "kam.alice@boussole.example";
const CLIENT_LUMIERE: &str = "client@lumiere-retail.example";

fn json_of(r: &TestResponse) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

fn problem(r: &TestResponse) -> Value {
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{} {}",
        r.status,
        r.body
    );
    let p = json_of(r);
    assert_eq!(p["status"], r.status.as_u16(), "{p}");
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
    assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
    p
}

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

async fn lumiere(app: &TestApp) -> i64 {
    id_of(app, "SELECT id FROM accounts WHERE slug = 'lumiere-retail'").await
}

async fn northwind(app: &TestApp) -> i64 {
    id_of(
        app,
        "SELECT id FROM accounts WHERE slug = 'northwind-logistics'",
    )
    .await
}

/// A monthly KPI of Lumière: (id, code), internal or shared.
async fn lumiere_monthly(app: &TestApp, internal: bool) -> (i64, String) {
    sqlx::query_as(&format!(
        "SELECT k.id, k.code FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         WHERE a.slug = 'lumiere-retail' AND k.frequency = 'monthly' AND k.unit = 'percent' \
           AND (k.visibility = 'internal') = {internal} ORDER BY k.id LIMIT 1"
    ))
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_token_reads_as_its_user_and_nothing_without_one() {
    let mut app = TestApp::with_demo().await;
    let (_, director) = app.api_token(DIRECTOR, false, None).await;
    let (_, alice) = app.api_token(ALICE, false, None).await;

    let r = app.api("GET", "/api/v1/accounts", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header("www-authenticate").is_some());
    assert_eq!(problem(&r)["code"], "api-token-missing");
    let r = app
        .api("GET", "/api/v1/accounts", Some("bsl_nope"), None, &[])
        .await;
    assert_eq!(problem(&r)["code"], "api-token-invalid");

    let all = json_of(
        &app.api("GET", "/api/v1/accounts", Some(&director), None, &[])
            .await,
    );
    let mine = json_of(
        &app.api("GET", "/api/v1/accounts", Some(&alice), None, &[])
            .await,
    );
    let n_all = count(&app.db, "accounts").await as usize;
    assert_eq!(all["items"].as_array().unwrap().len(), n_all);
    let alice_sees: i64 = id_of(
        &app,
        "SELECT count(*) FROM accounts a WHERE a.owner_id = (SELECT id FROM users WHERE email = 'kam.alice@boussole.example') \
         OR EXISTS (SELECT 1 FROM account_team t JOIN users u ON u.id = t.user_id WHERE t.account_id = a.id AND u.email = 'kam.alice@boussole.example')",
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len() as i64, alice_sees);
    // Another KAM's account: 404, never 403.
    let r = app
        .api(
            "GET",
            &format!("/api/v1/accounts/{}", northwind(&app).await),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    problem(&r);
    // The token's last use is recorded.
    let used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT max(last_used_at) FROM api_tokens")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(used.is_some());
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_refused_and_the_account_limit_narrows() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let (expired_id, expired) = app.api_token(DIRECTOR, false, None).await;
    sqlx::query("UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = $1")
        .bind(expired_id)
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .api("GET", "/api/v1/accounts", Some(&expired), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem(&r)["code"], "api-token-expired");

    // Revoked from the tokens page by its owner: refused at once.
    let (revoked_id, revoked) = app.api_token(DIRECTOR, false, None).await;
    assert_eq!(
        app.api("GET", "/api/v1/accounts", Some(&revoked), None, &[])
            .await
            .status,
        StatusCode::OK
    );
    app.login(DIRECTOR).await;
    let r = app
        .post_form(&format!("/settings/tokens/{revoked_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .api("GET", "/api/v1/accounts", Some(&revoked), None, &[])
        .await;
    assert_eq!(problem(&r)["code"], "api-token-revoked");
    assert!(
        app.audit_actions()
            .await
            .contains(&"api_token.revoked".to_owned())
    );

    // Limited to Lumière: the others do not exist for it.
    let (_, limited) = app.api_token(DIRECTOR, false, Some(vec![lum])).await;
    let list = json_of(
        &app.api("GET", "/api/v1/accounts", Some(&limited), None, &[])
            .await,
    );
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![lum]);
    let r = app
        .api(
            "GET",
            &format!("/api/v1/accounts/{}", northwind(&app).await),
            Some(&limited),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_tokens_page_shows_the_secret_once_and_keeps_only_its_hash() {
    let mut app = TestApp::with_demo().await;
    app.login(ALICE).await;
    let page = app.get("/settings/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    let once = page.attr("input[name=_once]", "value").unwrap();
    let r = app
        .post_form(
            "/settings/tokens",
            &[
                ("name", "ERP"),
                ("scope", "write"),
                ("expires_days", "30"),
                ("_once", &once),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.text("#token-secret");
    assert!(secret.starts_with("bsl_"), "{secret}");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM api_tokens WHERE token_hash = sha256($1::bytea)")
            .bind(secret.as_bytes())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, 1);
    let anywhere: i64 =
        sqlx::query_scalar("SELECT count(*) FROM api_tokens WHERE prefix = $1 OR name = $1")
            .bind(&secret)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(anywhere, 0, "the secret itself is stored nowhere");
    // Listed without its secret.
    let again = app.get("/settings/tokens").await;
    assert!(!again.body.contains(&secret));
    assert_eq!(again.count("#tokens-table tbody tr"), 1);
    // The token works, and writes.
    let (kpi, code) = lumiere_monthly(&app, true).await;
    let body = json!({"items": [{"account": "lumiere-retail", "kpi": code, "period": "2031-01", "value": 50}]}).to_string();
    let r = app
        .api("POST", "/api/v1/values", Some(&secret), Some(&body), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The same form sent again makes nothing more.
    let r = app
        .post_form(
            "/settings/tokens",
            &[("name", "ERP"), ("scope", "write"), ("_once", &once)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db, "api_tokens").await, 1);
    // A bad form: 422, the message, the input kept.
    let r = app
        .post_form(
            "/settings/tokens",
            &[("name", ""), ("scope", "admin"), ("expires_days", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr("#expires_days", "value").as_deref(), Some("x"));
    assert_eq!(r.count(".error-summary li"), 3);
    let _ = kpi;
}

#[tokio::test]
async fn a_client_token_sees_what_the_portal_shows_and_nothing_else() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let (_, client) = app.api_token(CLIENT_LUMIERE, true, None).await;
    let (internal, _) = lumiere_monthly(&app, true).await;

    let list = json_of(
        &app.api("GET", "/api/v1/accounts", Some(&client), None, &[])
            .await,
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], lum);
    assert!(
        list["items"][0].get("tier").is_none(),
        "the portal does not show the tier"
    );
    // Another account: 404.
    for path in [
        format!("/api/v1/accounts/{}", northwind(&app).await),
        format!("/api/v1/accounts/{}/kpis", northwind(&app).await),
        format!("/api/v1/accounts/{}/values", northwind(&app).await),
        format!("/api/v1/accounts/{lum}/kpis/{internal}"),
        format!("/api/v1/accounts/{lum}/values?kpi={internal}"),
        format!("/api/v1/accounts/{lum}/kpis/{internal}/values/2026-01"),
    ] {
        let r = app.api("GET", &path, Some(&client), None, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        problem(&r);
    }
    // The KPIs are the portal's: the shared ones, by the same SQL rule.
    let kpis = json_of(
        &app.api(
            "GET",
            &format!("/api/v1/accounts/{lum}/kpis"),
            Some(&client),
            None,
            &[],
        )
        .await,
    );
    let shared: i64 = id_of(
        &app,
        &format!("SELECT count(*) FROM account_kpis k JOIN accounts a ON a.id = k.account_id WHERE a.id = {lum} AND {}", boussole::authz::CLIENT_SEES_SQL),
    )
    .await;
    assert_eq!(kpis["items"].as_array().unwrap().len() as i64, shared);
    assert!(
        kpis["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["visibility"] != "internal")
    );
    // Every value it reads is of a shared KPI.
    let values = json_of(
        &app.api(
            "GET",
            &format!("/api/v1/accounts/{lum}/values?limit=1000"),
            Some(&client),
            None,
            &[],
        )
        .await,
    );
    let ids: Vec<i64> = kpis["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .collect();
    assert!(!values["items"].as_array().unwrap().is_empty());
    assert!(
        values["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| ids.contains(&v["kpi_id"].as_i64().unwrap()))
    );
    // Writing an internal KPI: the item does not exist for it; nothing written.
    let code: String = sqlx::query_scalar("SELECT code FROM account_kpis WHERE id = $1")
        .bind(internal)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let before = count(&app.db, "kpi_values").await;
    let body = json!({"items": [{"account": "lumiere-retail", "kpi": code, "period": "2031-01", "value": 1}]}).to_string();
    let r = app
        .api("POST", "/api/v1/values", Some(&client), Some(&body), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(&r)["errors"][0]["code"], "error-not-found");
    assert_eq!(count(&app.db, "kpi_values").await, before);
    // The portfolio is not the client's.
    let r = app
        .api("GET", "/api/v1/portfolio", Some(&client), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn values_are_read_with_filters_and_keyset_pages() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let (_, t) = app.api_token(ALICE, false, None).await;
    let all = json_of(
        &app.api(
            "GET",
            &format!("/api/v1/accounts/{lum}/values?limit=1000"),
            Some(&t),
            None,
            &[],
        )
        .await,
    );
    let all = all["items"].as_array().unwrap().clone();
    let total: i64 = id_of(&app, &format!("SELECT count(*) FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id WHERE k.account_id = {lum}")).await;
    assert_eq!(all.len() as i64, total.min(1000));
    let mut paged = Vec::new();
    let mut url = format!("/api/v1/accounts/{lum}/values?limit=7");
    loop {
        let p = json_of(&app.api("GET", &url, Some(&t), None, &[]).await);
        paged.extend(p["items"].as_array().unwrap().iter().cloned());
        match p["next"].as_str() {
            Some(n) => url = format!("/api/v1/accounts/{lum}/values?limit=7&after={n}"),
            None => break,
        }
    }
    assert_eq!(paged.len() as i64, total);
    assert_eq!(&paged[..all.len()], &all[..]);
    let (kpi, _) = lumiere_monthly(&app, true).await;
    let f = json_of(
        &app.api(
            "GET",
            &format!("/api/v1/accounts/{lum}/values?kpi={kpi}&from=2026-01-01&to=2026-06-01"),
            Some(&t),
            None,
            &[],
        )
        .await,
    );
    for v in f["items"].as_array().unwrap() {
        assert_eq!(v["kpi_id"], kpi);
        let p = v["period"].as_str().unwrap();
        assert!(("2026-01-01"..="2026-06-01").contains(&p), "{p}");
        assert_eq!(v["period_code"].as_str().unwrap(), &p[..7]);
    }
    let r = app
        .api(
            "GET",
            &format!("/api/v1/accounts/{lum}/values?limit=0"),
            Some(&t),
            None,
            &[],
        )
        .await;
    assert_eq!(problem(&r)["code"], "api-bad-limit");
    let r = app
        .api(
            "GET",
            &format!("/api/v1/accounts/{lum}/values?colour=red"),
            Some(&t),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    problem(&r);
}

#[tokio::test]
async fn a_batch_is_written_once_per_idempotency_key_and_all_or_nothing() {
    let mut app = TestApp::with_demo().await;
    let (token_id, t) = app.api_token(ALICE, true, None).await;
    let (kpi, code) = lumiere_monthly(&app, true).await;
    let items: Vec<Value> = (1..=12)
        .map(|m| json!({"account": "lumiere-retail", "kpi": code, "period": format!("2030-{m:02}"), "value": 80 + m, "comment": "ERP"}))
        .collect();
    let body = json!({ "items": items }).to_string();
    let history = count(&app.db, "kpi_value_history").await;
    let key = [("idempotency-key", "erp-2030")];
    let first = app
        .api("POST", "/api/v1/values", Some(&t), Some(&body), &key)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        json_of(&first)["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["outcome"] == "created")
    );
    let second = app
        .api("POST", "/api/v1/values", Some(&t), Some(&body), &key)
        .await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(json_of(&second), json_of(&first), "the stored answer again");
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        count(&app.db, "kpi_value_history").await,
        history + 12,
        "written once"
    );
    // Every value's audit row carries the token.
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE api_token_id = $1 AND action = 'kpi_value.created'",
    )
    .bind(token_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 12);
    let source: String = sqlx::query_scalar("SELECT DISTINCT source FROM kpi_values WHERE account_kpi_id = $1 AND period >= '2030-01-01'")
        .bind(kpi)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(source, "api");
    // The same key with another body: refused.
    let other = body.replace("\"ERP\"", "\"CRM\"");
    let r = app
        .api("POST", "/api/v1/values", Some(&t), Some(&other), &key)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(&r)["code"], "api-idempotency-mismatch");

    // One bad value (a quarter for a monthly KPI) among good ones: nothing written,
    // the item named.
    let mut items: Vec<Value> = (1..=5)
        .map(|m| json!({"account": "lumiere-retail", "kpi": code, "period": format!("2031-{m:02}"), "value": 90}))
        .collect();
    items[3]["period"] = json!("2031-Q2");
    let before = count(&app.db, "kpi_values").await;
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&t),
            Some(&json!({ "items": items }).to_string()),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = problem(&r);
    assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["errors"][0]["item"], 3);
    assert_eq!(p["errors"][0]["field"], "period");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("Nothing was recorded"),
        "{p}"
    );
    assert_eq!(count(&app.db, "kpi_values").await, before);

    // Wrong types and unknown fields: 422 naming the item; too many: a clear problem.
    let r = app
        .api("POST", "/api/v1/values", Some(&t), Some(r#"{"items":[{"account":"lumiere-retail","kpi":"x","period":"2031-01","value":"high"},{"account":"a","kpi":"b","period":"2031-01","value":1,"colour":"red"}]}"#), &[])
        .await;
    let p = problem(&r);
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["item"], 0);
    assert_eq!(p["errors"][1]["item"], 1);
    assert!(
        p["errors"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{p}"
    );
    let many: Vec<Value> = (0..10_000)
        .map(|i| json!({"account": "lumiere-retail", "kpi": code, "period": "2031-01", "value": i}))
        .collect();
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&t),
            Some(&json!({ "items": many }).to_string()),
            &[],
        )
        .await;
    assert_eq!(problem(&r)["code"], "api-batch-size");
    // Malformed JSON, not JSON, 10 MB.
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&t),
            Some("{\"items\": ["),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(problem(&r)["code"], "api-malformed-json");
    let big = format!("{{\"items\": [\"{}\"]}}", "x".repeat(10 * 1024 * 1024));
    let r = app
        .api("POST", "/api/v1/values", Some(&t), Some(&big), &[])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    problem(&r);
    assert_eq!(count(&app.db, "kpi_values").await, before);
    // A read-only token may not write.
    let (_, ro) = app.api_token(ALICE, false, None).await;
    let r = app
        .api("POST", "/api/v1/values", Some(&ro), Some(&body), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(problem(&r)["code"], "api-scope-write");
}

#[tokio::test]
async fn a_single_value_is_updated_with_if_match() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let (_, t) = app.api_token(ALICE, true, None).await;
    let (kpi, _) = lumiere_monthly(&app, true).await;
    let url = format!("/api/v1/accounts/{lum}/kpis/{kpi}/values/2032-03");
    let r = app
        .api(
            "PUT",
            &url,
            Some(&t),
            Some(r#"{"value": 91.5, "comment": "first"}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let etag = r.header("etag").unwrap().to_owned();
    let r = app.api("GET", &url, Some(&t), None, &[]).await;
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(json_of(&r)["value"], 91.5);
    let r = app
        .api(
            "PUT",
            &url,
            Some(&t),
            Some(r#"{"value": 92}"#),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    // The old ETag again: someone changed it meanwhile.
    let r = app
        .api(
            "PUT",
            &url,
            Some(&t),
            Some(r#"{"value": 93}"#),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(problem(&r)["code"], "api-precondition-failed");
    let v: f64 = sqlx::query_scalar(
        "SELECT value::float8 FROM kpi_values WHERE account_kpi_id = $1 AND period = '2032-03-01'",
    )
    .bind(kpi)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(v, 92.0);
    // A period that does not match the frequency.
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/accounts/{lum}/kpis/{kpi}/values/2032-Q1"),
            Some(&t),
            Some(r#"{"value": 1}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    problem(&r);
}

/// A request without a token, asked in `accept`: the problem's language and the
/// start of its detail.
async fn unauthorised_in(app: &mut TestApp, accept: &str, language: &str, detail: &str) {
    let r = app
        .api(
            "GET",
            "/api/v1/accounts",
            None,
            None,
            &[("accept-language", accept)],
        )
        .await;
    assert_eq!(r.header("content-language"), Some(language), "{accept}");
    let p = problem(&r);
    assert!(
        p["detail"].as_str().unwrap().starts_with(detail),
        "{accept}: {p}"
    );
}

#[tokio::test]
async fn problems_speak_the_callers_language() {
    let mut app = TestApp::with_demo().await;
    for (accept, language, detail) in [
        ("en", "en", "Send an API token"),
        ("fr-FR", "fr", "Envoyez un jeton"),
    ] {
        unauthorised_in(&mut app, accept, language, detail).await;
    }
    // The router's own 404 and 405 under /api too.
    let (_, t) = app.api_token(ALICE, false, None).await;
    let r = app
        .api(
            "GET",
            "/api/v1/nothing-here",
            Some(&t),
            None,
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    problem(&r);
    let r = app
        .api("DELETE", "/api/v1/accounts", Some(&t), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    problem(&r);
}

#[tokio::test]
async fn past_its_rate_a_token_gets_429_with_retry_after() {
    let config = boussole::config::Config {
        api_rate_per_minute: 10,
        ..boussole::config::Config::for_tests()
    };
    let mut app = TestApp::with_demo_config(config).await;
    let (_, t) = app.api_token(ALICE, false, None).await;
    let (_, other) = app.api_token(ALICE, false, None).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            app.api("GET", "/api/v1/accounts", Some(&t), None, &[])
                .await,
        );
    }
    let limited = statuses
        .iter()
        .find(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .expect("a 429");
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(problem(limited)["code"], "api-rate-limited");
    assert_eq!(
        app.api("GET", "/api/v1/accounts", Some(&other), None, &[])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_portfolio_rows_are_the_csvs() {
    let mut app = TestApp::with_demo().await;
    let (_, t) = app.api_token(DIRECTOR, false, None).await;
    let api = json_of(
        &app.api("GET", "/api/v1/portfolio", Some(&t), None, &[])
            .await,
    );
    app.login(DIRECTOR).await;
    let csv = app.get("/portfolio.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let items = api["items"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    assert!(!items.is_empty());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(
            row[1].parse::<i64>().unwrap(),
            item["account_id"].as_i64().unwrap()
        );
        assert_eq!(&row[0], item["name"].as_str().unwrap());
        let shown = item["score"]
            .as_f64()
            .map(|s| boussole::scoring::shown(s).to_string())
            .unwrap_or_default();
        let csv_score = if row[7].is_empty() {
            String::new()
        } else {
            row[7].parse::<f64>().unwrap().to_string()
        };
        assert_eq!(csv_score, shown, "{}", &row[0]);
        let nps = item["nps"]
            .as_f64()
            .map(|v| format!("{v:.0}"))
            .unwrap_or_default();
        assert_eq!(&row[21], nps.as_str(), "NPS of {}", &row[0]);
        assert_eq!(
            row[27].parse::<i64>().unwrap(),
            item["contests_open"].as_i64().unwrap()
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_the_reference_page_shows_it() {
    let mut app = TestApp::new().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = json_of(&r);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let routes =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes.rs")).unwrap();
    let mut seen = 0;
    for line in routes.lines() {
        let Some(start) = line.find("\"/api/v1") else {
            continue;
        };
        let path = line[start + 1..].split('"').next().unwrap();
        let ops = doc["paths"][path]
            .as_object()
            .unwrap_or_else(|| panic!("{path} missing from the OpenAPI document"));
        assert!(!ops.is_empty());
        seen += 1;
    }
    assert!(seen >= 8, "{seen}");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let page = app
        .get_with("/api/docs", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "API reference");
    assert_eq!(page.count("script"), 0);
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(page.count("main section.card[id] h2 code"), documented);
    assert!(page.count("table caption") >= documented);
}

#[test]
fn every_message_key_of_the_api_is_in_both_catalogues() {
    use boussole::i18n::Locale;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut keys = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let looks_like_key = ["api-", "error-", "period-", "value-", "field-"]
                .iter()
                .any(|p| literal.starts_with(p))
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !literal.ends_with('-');
            if looks_like_key {
                keys.insert(literal.to_owned());
            }
        }
    }
    assert!(keys.len() > 30, "{keys:?}");
    for locale in Locale::ALL {
        // With the arguments the API passes (a message with placeables needs them).
        let args = [
            ("max", 1.into()),
            ("count", 2.into()),
            ("seconds", 3.into()),
        ];
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| locale.t_args(k, &args) == **k)
            .collect();
        assert!(missing.is_empty(), "{locale}: {missing:?}");
    }
}

#[tokio::test]
async fn the_readme_example_pushes_its_values() {
    let mut app = TestApp::with_demo().await;
    let (_, t) = app
        .api_token("kam.alice@boussole.example", true, None)
        .await;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("-d '{\"items\"")
        .expect("the README's curl example")
        + 4;
    let body = &readme[start..start + readme[start..].find("}]}'").unwrap() + 3];
    let key = [
        ("idempotency-key", "erp-2026-09"),
        ("accept-language", "en"),
    ];
    let r = app
        .api("POST", "/api/v1/values", Some(&t), Some(body), &key)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json_of(&r)["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_locked_period_refuses_the_api_too_and_nothing_of_the_batch_is_written() {
    let mut app = TestApp::with_demo().await;
    let lum = lumiere(&app).await;
    let (_, t) = app.api_token(ALICE, true, None).await;
    let (kpi, code) = lumiere_monthly(&app, true).await;
    // The KAM locks September 2026 after the review (the locks page, as in data_flow.rs).
    app.login(ALICE).await;
    let r = app
        .post_form(
            &format!("/accounts/{lum}/locks"),
            &[("month", "2026-09"), ("note", "Q3 review")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let history = count(&app.db, "kpi_value_history").await;
    let body = json!({ "items": [
        {"account": "lumiere-retail", "kpi": code, "period": "2026-08", "value": 55},
        {"account": "lumiere-retail", "kpi": code, "period": "2026-09", "value": 56},
    ]})
    .to_string();
    let r = app
        .api(
            "POST",
            "/api/v1/values",
            Some(&t),
            Some(&body),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let p = problem(&r);
    assert!(p.to_string().contains("locked"), "{p}");
    assert_eq!(
        p["errors"][0]["item"], 1,
        "the locked item (0-based) is named: {p}"
    );
    assert_eq!(
        count(&app.db, "kpi_value_history").await,
        history,
        "nothing written"
    );
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/accounts/{lum}/kpis/{kpi}/values/2026-09"),
            Some(&t),
            Some(r#"{"value": 57}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(count(&app.db, "kpi_value_history").await, history);
}
