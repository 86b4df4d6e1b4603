//! Clean, honest pages (issue 10): the VoC page of one account in pages of 20
//! with its filters kept, only negative texts in /voc's "most negative" list,
//! quarters named the same way everywhere, NPS points from few answers marked,
//! and every date-time shown in the organisation's time zone.

mod common;

use std::collections::HashSet;

use axum::http::StatusCode;
use common::{TestApp, TestResponse};

async fn account_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The href of the page nav's `rel` link, as a path to GET.
fn nav_link(page: &TestResponse, rel: &str) -> Option<String> {
    page.attr(&format!("#verbatim-pages a[rel={rel}]"), "href")
        .map(|h| h.split('#').next().unwrap().replace("&amp;", "&"))
}

fn verbatim_ids(page: &TestResponse) -> Vec<String> {
    let sel = scraper::Selector::parse("#verbatims > li").unwrap();
    page.html()
        .select(&sel)
        .map(|e| e.value().attr("id").unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_voc_page_of_one_account_comes_in_pages_that_keep_the_filters() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let id = account_id(&kam, "lumiere-retail").await;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM voc_verbatims WHERE account_id = $1")
        .bind(id)
        .fetch_one(&kam.db)
        .await
        .unwrap();
    assert!(
        total > 40,
        "the demo gives Lumière more than two pages ({total})"
    );
    let pages = (total + 19) / 20;

    // Walk every page through its "next" link: 20 texts a page, each text once.
    let mut seen = HashSet::new();
    let mut path = Some(format!("/accounts/{id}/voc"));
    let mut n = 0;
    while let Some(p) = path {
        n += 1;
        let page = kam.get(&p).await;
        assert_eq!(page.status, StatusCode::OK, "{p}");
        let ids = verbatim_ids(&page);
        let expected = if n < pages {
            20
        } else {
            total - 20 * (pages - 1)
        };
        assert_eq!(ids.len() as i64, expected, "page {n} of {pages}");
        for i in ids {
            assert!(seen.insert(i.clone()), "{i} shown twice");
        }
        assert_eq!(
            page.text("#verbatim-page-of"),
            format!("Page {n} sur {pages}")
        );
        let first = 20 * (n - 1) + 1;
        let last = (20 * n).min(total);
        assert_eq!(
            page.text("#verbatim-count"),
            format!("Textes {first} à {last} sur {total}")
        );
        assert_eq!(nav_link(&page, "prev").is_some(), n > 1);
        path = nav_link(&page, "next");
        assert!(n <= pages, "more pages than texts");
    }
    assert_eq!(n, pages);
    assert_eq!(seen.len() as i64, total);

    // A page past the end shows the last one; the filters stay in the links.
    let negative: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM voc_verbatims WHERE account_id = $1 \
         AND coalesce(label_corrected, label) = 'negative'",
    )
    .bind(id)
    .fetch_one(&kam.db)
    .await
    .unwrap();
    let page = kam
        .get(&format!("/accounts/{id}/voc?sentiment=negative&page=999"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let neg_pages = ((negative + 19) / 20).max(1);
    assert!(
        page.text("#verbatim-count")
            .ends_with(&format!("sur {negative}")),
        "{}",
        page.text("#verbatim-count")
    );
    assert!(
        page.count("#verbatims > li") > 0
            && page.count("#verbatims > li") == page.count("#verbatims > li[data-label=negative]")
    );
    if neg_pages > 1 {
        assert_eq!(
            page.text("#verbatim-page-of"),
            format!("Page {neg_pages} sur {neg_pages}")
        );
        let prev = nav_link(&page, "prev").expect("a previous page");
        assert!(prev.contains("sentiment=negative"), "{prev}");
        assert!(prev.contains(&format!("page={}", neg_pages - 1)), "{prev}");
    }
}

#[tokio::test]
async fn the_most_negative_words_are_all_negative() {
    let mut director = TestApp::with_demo().await;
    director.login("direction@boussole.example").await;
    let page = director.get("/voc").await;
    assert_eq!(page.status, StatusCode::OK);
    let texts = page.texts("#most-negative .verbatim__text");
    assert!(!texts.is_empty(), "the demo has negative words");
    for t in &texts {
        let (label, score): (String, f32) = sqlx::query_as(
            "SELECT coalesce(label_corrected, label), score FROM voc_verbatims \
             WHERE regexp_replace(body, '\\s+', ' ', 'g') = $1 LIMIT 1",
        )
        .bind(t)
        .fetch_one(&director.db)
        .await
        .unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(label, "negative", "{t}");
        assert!(score < 0.0, "{t} reads {score}");
    }
}

#[tokio::test]
async fn quarters_read_the_same_everywhere_and_thin_evidence_is_marked() {
    let mut kam = TestApp::with_demo().await;
    kam.login("kam.alice@boussole.example").await;
    let id = account_id(&kam, "lumiere-retail").await;
    let page = kam.get(&format!("/accounts/{id}/voc")).await;
    let quarters = page.texts("#nps-table tbody th[scope=row]");
    assert_eq!(quarters.len(), 8);
    let fr = regex_like_quarter('T');
    for q in &quarters {
        assert!(fr(q), "French quarter label {q}");
    }
    // The chart's x labels use the same words as the table.
    assert!(page.body.contains(&format!(">{}</text>", quarters[7])));
    // Quarters answered by fewer than 5 people: said in the table, drawn apart.
    let sel = scraper::Selector::parse("#nps-table tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let html = page.html();
    let mut weak = 0;
    for row in html.select(&sel) {
        let cells: Vec<String> = row
            .select(&td)
            .map(|c| c.text().collect::<String>().trim().to_owned())
            .collect();
        let respondents: usize = cells[2].parse().unwrap();
        let marked = row.value().attr("data-weak").is_some();
        assert_eq!(marked, respondents > 0 && respondents < 5, "{cells:?}");
        weak += usize::from(marked);
    }
    assert_eq!(page.count("#nps svg .chart-point--weak"), weak);
    assert_eq!(page.count(".chart-legend"), 1);

    let r = kam
        .post_form("/language", &[("lang", "en"), ("next", "/accounts")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = kam.get(&format!("/accounts/{id}/voc")).await;
    let en = regex_like_quarter('Q');
    for q in page.texts("#nps-table tbody th[scope=row]") {
        assert!(en(&q), "English quarter label {q}");
    }
}

/// "T3 2026" (French) or "Q3 2026" (English), never "2026-Q3".
fn regex_like_quarter(letter: char) -> impl Fn(&str) -> bool {
    move |s: &str| {
        let mut parts = s.split(' ');
        let (Some(q), Some(y), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        q.len() == 2
            && q.starts_with(letter)
            && matches!(&q[1..], "1" | "2" | "3" | "4")
            && y.len() == 4
            && y.chars().all(|c| c.is_ascii_digit())
    }
}

#[tokio::test]
async fn times_are_shown_in_the_organisations_time_zone_which_directors_set() {
    let mut admin = TestApp::with_demo().await;
    admin.login("admin@boussole.example").await;
    // A login at 23:30 UTC on a winter evening.
    let user: i64 = sqlx::query_scalar(
        "UPDATE users SET last_login_at = '2026-01-14 23:30:00+00' \
         WHERE email = 'kam.bruno@boussole.example' RETURNING id",
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let last_login =
        |page: &TestResponse| page.text(&format!("tr[data-user=\"{user}\"] td:last-child"));

    // Paris by default: half past midnight the next day.
    let page = admin.get("/admin/users").await;
    assert_eq!(last_login(&page), "15 janv. 2026 à 00:30");

    let form = admin.get("/director/time-zone").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.attr("#time_zone", "value").as_deref(),
        Some("Europe/Paris")
    );

    // An unknown zone is refused in French, the input kept, nothing written.
    let audits = admin.audit_actions().await.len();
    let r = admin
        .post_form("/director/time-zone", &[("time_zone", "Mars/Olympus_Mons")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.attr("#time_zone", "value").as_deref(),
        Some("Mars/Olympus_Mons")
    );
    assert!(
        r.text("#time_zone-error")
            .contains("fuseau horaire est inconnu")
    );
    assert_eq!(admin.audit_actions().await.len(), audits);

    // New York: the same login is 18:30 the same day, and the change is audited.
    let r = admin
        .post_form("/director/time-zone", &[("time_zone", "america/new_york")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored: String = sqlx::query_scalar("SELECT time_zone FROM director_settings WHERE id = 1")
        .fetch_one(&admin.db)
        .await
        .unwrap();
    assert_eq!(stored, "America/New_York");
    assert_eq!(
        admin.audit_actions().await.last().map(String::as_str),
        Some("director.time_zone_updated")
    );
    let page = admin.get("/admin/users").await;
    assert_eq!(last_login(&page), "14 janv. 2026 à 18:30");

    // KAMs may not change it.
    let mut kam = admin.other_browser();
    kam.login("kam.alice@boussole.example").await;
    let r = kam
        .post_form("/director/time-zone", &[("time_zone", "UTC")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
