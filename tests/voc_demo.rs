//! The voice-of-the-customer demo: contacts everywhere, two years of surveys and
//! notes in both languages, the planted score/word mismatches, Helios kept stale,
//! and survey answers that agree with the scorecards' NPS.

mod common;

use common::TestApp;

async fn scalar_i64(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn the_demo_tells_the_voice_of_the_customer() {
    let app = TestApp::with_demo().await;

    let without_contacts = scalar_i64(
        &app,
        "SELECT count(*) FROM accounts a WHERE NOT EXISTS \
         (SELECT 1 FROM contacts c WHERE c.account_id = a.id)",
    )
    .await;
    assert_eq!(without_contacts, 0, "every account has contacts");

    let responses = scalar_i64(&app, "SELECT count(*) FROM survey_responses").await;
    assert!(responses >= 300, "{responses} responses");
    let notes = scalar_i64(&app, "SELECT count(*) FROM feedback_notes").await;
    assert!(notes >= 80, "{notes} notes");
    let languages = scalar_i64(&app, "SELECT count(DISTINCT language) FROM voc_verbatims").await;
    assert_eq!(languages, 2, "French and English verbatims");

    // Every answered link has its response, at the same time.
    let mismatched = scalar_i64(
        &app,
        "SELECT count(*) FROM survey_links l LEFT JOIN survey_responses r ON r.link_id = l.id \
         WHERE (l.answered_at IS NULL) <> (r.id IS NULL) OR l.answered_at <> r.answered_at",
    )
    .await;
    assert_eq!(mismatched, 0);

    let hidden = scalar_i64(
        &app,
        "SELECT count(*) FROM survey_responses r JOIN accounts a ON a.id = r.account_id \
         WHERE a.slug = 'lumiere-retail' AND r.flag = 'hidden_discontent' \
           AND r.answered_at > now() - interval '3 months'",
    )
    .await;
    assert!(hidden >= 1, "hidden discontent planted at Lumière");
    let hidden = scalar_i64(
        &app,
        "SELECT count(*) FROM survey_responses r JOIN accounts a ON a.id = r.account_id \
         WHERE a.slug = 'oceane-cosmetiques' AND r.flag = 'hidden_discontent' \
           AND r.answered_at > now() - interval '3 months'",
    )
    .await;
    assert!(hidden >= 1, "hidden discontent planted at Océane");
    let praise = scalar_i64(
        &app,
        "SELECT count(*) FROM survey_responses WHERE flag = 'hidden_praise'",
    )
    .await;
    assert!(praise >= 1, "a hidden praise somewhere");
    // The planted cases are the only flags: ordinary answers agree with their words.
    let flags = scalar_i64(
        &app,
        "SELECT count(*) FROM survey_responses WHERE flag IS NOT NULL",
    )
    .await;
    assert_eq!(flags, 3);

    // Helios stays stale: nothing heard in the last eight months.
    let recent = scalar_i64(
        &app,
        "SELECT (SELECT count(*) FROM survey_responses r WHERE r.account_id = a.id \
                   AND r.answered_at > now() - interval '8 months') \
              + (SELECT count(*) FROM feedback_notes n WHERE n.account_id = a.id \
                   AND n.said_on > current_date - interval '8 months') \
              + (SELECT count(*) FROM voc_verbatims v WHERE v.account_id = a.id \
                   AND v.said_on > current_date - interval '8 months') \
              + (SELECT count(*) FROM contacts c WHERE c.account_id = a.id \
                   AND c.last_met_on > current_date - interval '8 months') \
         FROM accounts a WHERE a.slug = 'helios-energy'",
    )
    .await;
    assert_eq!(recent, 0, "Helios heard from in the last 8 months");

    // Each client user has answered before and has one open survey.
    let clients: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT u.email, count(l.answered_at), \
                count(*) FILTER (WHERE l.answered_at IS NULL AND l.expires_at > now()) \
         FROM users u LEFT JOIN survey_links l ON l.user_id = u.id \
         WHERE u.role = 'client' GROUP BY u.email",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!clients.is_empty());
    for (email, answered, open) in clients {
        assert!(answered >= 1, "{email} has answered no survey");
        assert_eq!(open, 1, "{email} should have one open survey");
    }

    // Lumière's last complete quarter: the answers' NPS is close to the scorecard's.
    let (computed, kpi): (f64, f64) = sqlx::query_as(
        "WITH q AS (SELECT (date_trunc('quarter', now()) - interval '3 months')::date AS start), \
              r AS (SELECT s.nps FROM survey_responses s JOIN accounts a ON a.id = s.account_id, q \
                    WHERE a.slug = 'lumiere-retail' AND s.answered_at >= q.start \
                      AND s.answered_at < q.start + interval '3 months') \
         SELECT (100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) \
                 / count(*))::float8, \
                (SELECT v.value::float8 FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
                 JOIN accounts a ON a.id = k.account_id, q \
                 WHERE a.slug = 'lumiere-retail' AND k.code = 'nps' AND v.period = q.start) \
         FROM r",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        (computed - kpi).abs() <= 20.0,
        "Lumière last quarter: answers say {computed}, scorecard {kpi}"
    );
}
