//! One e-mail rule (issue 11): `a@@b.com` and its kin on every form that takes an
//! address get a field message in the user's language, with their input kept,
//! never a 500, and nothing written.

mod common;

use axum::http::StatusCode;
use common::{TestApp, TestResponse};

const BAD: [&str; 4] = ["a@@b.com", "a@b", "a b@c.com", "@client.fr"];

/// The page shows the field message of `lang` and keeps what was typed.
fn refused(r: &TestResponse, lang: &str, typed: &str) {
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{typed}: {}",
        r.body
    );
    let message = match lang {
        "fr" => "Saisissez une adresse e-mail du type nom@entreprise.fr.",
        _ => "Enter an e-mail address like name@company.com.",
    };
    assert!(r.body.contains(message), "{lang} message for {typed:?}");
    assert_eq!(
        r.attr("input[name=email]", "value").as_deref(),
        Some(typed.trim()),
        "input kept"
    );
}

async fn demo(email: &str, lang: &str) -> (TestApp, i64) {
    let mut app = TestApp::with_demo().await;
    app.login(email).await;
    let r = app
        .post_form("/language", &[("lang", lang), ("next", "/")])
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    (app, account)
}

#[tokio::test]
async fn admin_user_form() {
    for lang in ["fr", "en"] {
        let (mut app, _) = demo("admin@boussole.example", lang).await;
        let before = common::count(&app.db, "users").await;
        for bad in BAD {
            let r = app
                .post_form(
                    "/admin/users",
                    &[
                        ("email", bad),
                        ("name", "Someone"),
                        ("role", "kam"),
                        ("account_id", ""),
                        ("password", "a long enough password"),
                    ],
                )
                .await;
            refused(&r, lang, bad);
        }
        assert_eq!(common::count(&app.db, "users").await, before);
    }
}

#[tokio::test]
async fn contact_form() {
    for lang in ["fr", "en"] {
        let (mut app, account) = demo("direction@boussole.example", lang).await;
        let before = common::count(&app.db, "contacts").await;
        for bad in BAD {
            let r = app
                .post_form(
                    &format!("/accounts/{account}/contacts"),
                    &[
                        ("name", "Someone"),
                        ("title", ""),
                        ("function", "purchasing"),
                        ("email", bad),
                        ("influence", "user"),
                        ("attitude", "neutral"),
                        ("language", "fr"),
                    ],
                )
                .await;
            refused(&r, lang, bad);
        }
        assert_eq!(common::count(&app.db, "contacts").await, before);
    }
}

#[tokio::test]
async fn invitation_form() {
    for lang in ["fr", "en"] {
        let (mut app, account) = demo("direction@boussole.example", lang).await;
        let before = common::count(&app.db, "invitations").await;
        for bad in BAD {
            let r = app
                .post_form(
                    &format!("/accounts/{account}/clients/invite"),
                    &[("email", bad), ("name", "Someone")],
                )
                .await;
            refused(&r, lang, bad);
        }
        assert_eq!(common::count(&app.db, "invitations").await, before);
    }
}
