//! Background jobs (underway): mail leaves the page for the queue, a failing job
//! shows on /admin/jobs with its error and next attempt, and two runners on one
//! database send each message once.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use boussole::AppState;
use boussole::jobs::OutgoingMail;
use common::TestApp;

fn mail_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "boussole-jobs-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mails_in(dir: &PathBuf) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("=\r\n", "")
        })
        .collect()
}

async fn lumiere(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A mail server that accepts connections and never answers: what a page would
/// wait on if it sent mail itself.
async fn silent_smtp() -> (tokio::net::TcpListener, u16) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

#[tokio::test]
async fn a_slow_mail_server_never_slows_the_invitation_page() {
    let (listener, port) = silent_smtp().await;
    // Accept and hold connections without a word.
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            open.push(s);
        }
    });
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("smtp://127.0.0.1:{port}"));
    config.public_url = Some("https://boussole.example.com".parse().unwrap());
    let mut kam = TestApp::with_demo_config(config).await;
    kam.login("kam.alice@boussole.example").await;
    let id = lumiere(&kam).await;
    let started = Instant::now();
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[
                ("email", "lea.roux@lumiere-retail.example"),
                ("name", "Léa Roux"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the page answered without the mail server ({:?})",
        started.elapsed()
    );
    assert!(
        r.text("#invitation-mailed")
            .contains("lea.roux@lumiere-retail.example")
    );
    // The message waits in the queue, for the invitation's recipient.
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM underway.task WHERE task_queue_name = 'mail' AND state = 'pending' \
           AND input->>'to_email' = 'lea.roux@lumiere-retail.example'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    assert_eq!(queued, 1);
    held.abort();
}

#[tokio::test]
async fn a_refused_mail_shows_on_admin_jobs_with_its_error_and_next_retry() {
    // Nothing listens on this port: the connection is refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("smtp://127.0.0.1:{port}"));
    config.public_url = Some("https://boussole.example.com".parse().unwrap());
    let mut kam = TestApp::with_demo_config(config).await;
    kam.login("kam.alice@boussole.example").await;
    let id = lumiere(&kam).await;
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[
                ("email", "marc.petit@lumiere-retail.example"),
                ("name", "Marc Petit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // One attempt, refused; the next is not due yet, so nothing more runs now.
    assert_eq!(boussole::jobs::run_due(&kam.state).await.unwrap(), 1);
    assert_eq!(boussole::jobs::run_due(&kam.state).await.unwrap(), 0);

    let mut admin = kam.other_browser();
    admin.accept_language = Some("en".into());
    admin.login("admin@boussole.example").await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    let row = "#jobs-table tr[data-state=retrying]";
    assert_eq!(page.count(row), 1, "{}", page.body);
    let line = page.text(row);
    assert!(line.contains("marc.petit@lumiere-retail.example"), "{line}");
    assert!(line.contains("Failing, will retry"), "{line}");
    assert!(line.contains("1 / 6"), "one attempt of six: {line}");
    let error = page.text(&format!("{row} .job-error"));
    assert!(!error.trim().is_empty() && error.trim() != "—", "{error}");
    let next = page.text(&format!("{row} .job-next"));
    assert!(
        next.chars().any(|c| c.is_ascii_digit()),
        "next retry shown: {next}"
    );
    assert_eq!(page.text("#job-counts li[data-count=retrying] strong"), "1");
    // The next attempt is about a minute after the first (backoff), in the future.
    let due_in: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM created_at + delay - now())::float8 FROM underway.task \
         WHERE task_queue_name = 'mail'",
    )
    .fetch_one(&kam.db)
    .await
    .unwrap();
    assert!(due_in > 0.0 && due_in <= 60.0, "{due_in}");
    // The body (it holds the personal link) is never shown to admins.
    assert!(!page.body.contains("/invitation/"));

    // The CSV has the same line.
    let csv = admin.get("/admin/jobs.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[1].contains("marc.petit@lumiere-retail.example"));
    assert!(lines[1].contains("Failing, will retry"));
    assert!(lines[1].contains("1/6"));
}

#[tokio::test]
async fn two_job_runners_on_one_database_send_each_mail_once() {
    let dir = mail_dir("two-runners");
    let mut config = boussole::config::Config::for_tests();
    config.mail_url = Some(format!("file://{}", dir.display()));
    let app = TestApp::with_config(config.clone()).await;
    // A second instance: its own pool and state, the same database.
    let other_pool = boussole::db::pool(app.db_options.clone(), 5).await.unwrap();
    let other = AppState::new(other_pool, config);

    let mut tx = app.db.begin().await.unwrap();
    for i in 0..40 {
        let mail = OutgoingMail {
            kind: "test".into(),
            to_name: format!("Person {i}"),
            to_email: format!("person{i}@example.com"),
            subject: format!("Message {i}"),
            body: format!("Body {i}"),
        };
        app.state.jobs.send_mail(&mut tx, &mail).await.unwrap();
    }
    boussole::db::commit(tx).await.unwrap();

    let (a, b) = tokio::join!(
        boussole::jobs::run_due(&app.state),
        boussole::jobs::run_due(&other)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 40, "every mail ran once across both: {a} + {b}");
    let mails = mails_in(&dir);
    assert_eq!(mails.len(), 40);
    for i in 0..40 {
        let to = format!("person{i}@example.com");
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.contains(&format!("<{to}>")))
                .count(),
            1,
            "{to} got exactly one message"
        );
    }
    let succeeded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM underway.task WHERE task_queue_name = 'mail' AND state = 'succeeded'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(succeeded, 40);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn without_a_mail_server_nothing_is_queued_and_the_link_is_shown() {
    let mut config = boussole::config::Config::for_tests();
    config.public_url = Some("https://boussole.example.com".parse().unwrap());
    let mut kam = TestApp::with_demo_config(config).await;
    kam.login("kam.alice@boussole.example").await;
    let id = lumiere(&kam).await;
    let r = kam
        .post_form(
            &format!("/accounts/{id}/clients/invite"),
            &[
                ("email", "ines.blanc@lumiere-retail.example"),
                ("name", "Inès Blanc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text("#invitation-link code").contains("/invitation/"));
    assert_eq!(common::count(&kam.db, "underway.task").await, 0);
}
