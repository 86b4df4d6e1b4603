//! Language choice, translation catalogues, and forms that keep what was typed.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::{TestApp, count};

#[tokio::test]
async fn accept_language_decides_until_the_user_chooses() {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some("en-GB,en;q=0.9".into());
    let page = app.get("/login").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(page.text("main h1"), "Sign in");

    let home = app.login("kam.alice@boussole.example").await;
    assert_eq!(home.text("main h1"), "My accounts");
    assert_eq!(
        home.attr("button[name=lang][value=en]", "aria-pressed")
            .as_deref(),
        Some("true")
    );

    // Switching to French from the accounts page comes back to it, in French.
    let r = app
        .post_form("/language", &[("lang", "fr"), ("next", "/accounts")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/accounts"));
    let page = app.get("/accounts").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("fr"));
    assert_eq!(page.text("main h1"), "Mes comptes");

    // Stored on the user: a new browser in English still gets French after login.
    let stored: Option<String> =
        sqlx::query_scalar("SELECT locale FROM users WHERE email = 'kam.alice@boussole.example'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("fr"));
    let mut other = app.other_browser();
    other.accept_language = Some("en".into());
    let home = other.login("kam.alice@boussole.example").await;
    assert_eq!(home.attr("html", "lang").as_deref(), Some("fr"));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'user.locale_changed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn dates_and_numbers_follow_the_locale() {
    let mut app = TestApp::with_demo().await;
    app.accept_language = Some("en".into());
    let page = app.login("direction@boussole.example").await;
    let row = page.text("tr[data-account] th[scope=row]");
    assert!(!row.is_empty());
    assert!(
        page.body.contains("1 Mar 2016"),
        "English date for Lumière Retail's start"
    );
    app.post_form("/language", &[("lang", "fr"), ("next", "/portfolio")])
        .await;
    let page = app.get("/portfolio").await;
    assert!(
        page.body.contains("1 mars 2016"),
        "French date for Lumière Retail's start"
    );
}

#[tokio::test]
async fn a_bad_user_form_answers_422_keeps_the_input_and_writes_nothing() {
    let mut app = TestApp::with_demo().await;
    app.login("admin@boussole.example").await;
    let users_before = count(&app.db, "users").await;
    let audit_before = count(&app.db, "audit_log").await;
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("email", "not-an-email"),
                ("name", "Zoé Garnier"),
                ("role", "client"),
                ("account_id", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr("input[name=email]", "value").as_deref(),
        Some("not-an-email")
    );
    assert_eq!(
        r.attr("input[name=name]", "value").as_deref(),
        Some("Zoé Garnier")
    );
    assert_eq!(
        r.attr("select[name=role] option[selected]", "value")
            .as_deref(),
        Some("client")
    );
    assert_eq!(
        r.text("#email-error"),
        "Saisissez une adresse e-mail du type nom@entreprise.fr."
    );
    assert_eq!(
        r.text("#account_id-error"),
        "Un utilisateur client doit appartenir à un compte."
    );
    assert!(r.text("#password-error").contains("10 caractères"));
    assert_eq!(r.count(".error-summary li"), 3);
    assert_eq!(count(&app.db, "users").await, users_before);
    assert_eq!(count(&app.db, "audit_log").await, audit_before);

    // A taken e-mail is caught by the unique constraint and shown on the field.
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("email", "kam.alice@boussole.example"),
                ("name", "Alice Bis"),
                ("role", "kam"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text("#email-error"),
        "Un utilisateur avec cette adresse e-mail existe déjà."
    );
    assert_eq!(count(&app.db, "users").await, users_before);

    // The corrected form creates the user, audited with the record as it now is.
    let r = app
        .post_form(
            "/admin/users",
            &[
                ("email", "zoe.garnier@lumiere-retail.example"),
                ("name", "Zoé Garnier"),
                ("role", "client"),
                ("account_id", &lumiere_id(&app).await.to_string()),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, page) = app.get_follow("/admin/users").await;
    assert_eq!(page.text(".flash--success"), "L’utilisateur a été créé.");
    assert!(
        page.texts("#users-table tbody th")
            .contains(&"Zoé Garnier".to_string())
    );
    let after: serde_json::Value = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'user.created' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(after["email"], "zoe.garnier@lumiere-retail.example");
    assert_eq!(after["role"], "client");
    assert!(after.get("password_hash").is_none(), "never audit secrets");
    // She can sign in with it.
    let mut zoe = app.other_browser();
    let r = zoe
        .post_form(
            "/login",
            &[
                ("email", "zoe.garnier@lumiere-retail.example"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/portal"));
}

async fn lumiere_id(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Every key exists in both languages, and every key the code or templates use exists.
#[test]
fn catalogues_are_complete() {
    let root = env!("CARGO_MANIFEST_DIR");
    // Every .ftl file of a language (one per feature), keys collected together.
    let keys = |lang: &str| -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for entry in std::fs::read_dir(format!("{root}/locales/{lang}")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for l in text.lines() {
                // `key = value`, or `key =` with the value on the indented lines below.
                let k = l
                    .split_once(" = ")
                    .map(|(k, _)| k)
                    .or_else(|| l.strip_suffix(" ="));
                if let Some(k) = k {
                    let k = k.trim();
                    if !k.starts_with('#')
                        && !k.is_empty()
                        && !k.starts_with('.')
                        && !l.starts_with(' ')
                    {
                        assert!(all.insert(k.to_owned()), "key {k} defined twice in {lang}");
                    }
                }
            }
        }
        all
    };
    let fr = keys("fr");
    let en = keys("en");
    assert_eq!(
        fr.symmetric_difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new()
    );

    // Literal keys in templates (ui.t("…")) and in code ("…-…" strings passed as keys).
    let mut used = BTreeSet::new();
    let re_t = |text: &str, out: &mut BTreeSet<String>| {
        // `.t("key")` in templates and code; `Unprocessable("key")` for error keys.
        let parts = text
            .split(".t(\"")
            .skip(1)
            .chain(text.split("Unprocessable(\"").skip(1));
        for part in parts {
            if let Some(end) = part.find('"') {
                out.insert(part[..end].to_owned());
            }
        }
    };
    for dir in ["templates", "src"] {
        visit(&format!("{root}/{dir}"), &mut |text| re_t(text, &mut used));
    }
    // Keys built from vocabularies (enums): every label of every variant, and the
    // feed's sentence of every feed action. Removing one from a .ftl fails here.
    used.extend(boussole::audit::Action::ALL.iter().map(|a| a.label_key()));
    used.extend(boussole::feed::FEED_ACTIONS.iter().map(|a| a.feed_key()));
    used.extend(boussole::domain::vocabulary_keys());
    used.extend(boussole::voc::vocab::keys());
    used.extend(
        boussole::opportunities::Outcome::ALL
            .iter()
            .map(|v| v.label_key()),
    );
    // "no-such-key" is the unit test of what a missing key looks like.
    let missing: Vec<_> = used
        .iter()
        .filter(|k| !en.contains(*k) && *k != "no-such-key")
        .collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalogues: {missing:?}"
    );
}

fn visit(dir: &str, f: &mut dyn FnMut(&str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(path.to_str().unwrap(), f);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            f(&text);
        }
    }
}
