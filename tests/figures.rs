//! Every figure a page prints is the figure its CSV export holds (issue 10): the
//! page is parsed in its own locale (French: decimal comma, U+202F thousands
//! separator, "12,5 %"; English: "12.5%"), the CSV as plain numbers, and each
//! figure is compared with the CSV cell of the same row and column, rounded to the
//! decimals the page shows. Demo data, as the director, in both languages.

mod common;

use boussole::i18n::Locale;
use common::{TestApp, TestResponse};
use scraper::{ElementRef, Selector};

const DIRECTOR: &str = "direction@boussole.example";
const NNBSP: char = '\u{202F}';

// ---------------------------------------------------------------------------
// Reading numbers the way a person reads them in each locale
// ---------------------------------------------------------------------------

/// A number read on a page: its value and the decimals shown.
#[derive(Debug, Clone, Copy)]
struct Shown {
    value: f64,
    decimals: usize,
}

/// Every number written in `text`, read in `locale`. Panics on a number written
/// in the other locale's way (a French "0,8" on an English page, "12.5" on a
/// French one), since that is a figure the reader would misread.
fn numbers(locale: Locale, text: &str) -> Vec<Shown> {
    let (group, decimal) = match locale {
        Locale::Fr => (NNBSP, ','),
        Locale::En => (',', '.'),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let negative = i > 0 && matches!(chars[i - 1], '-' | '−');
        let mut int = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            int.push(chars[i]);
            i += 1;
        }
        // Thousands groups: a separator followed by exactly three digits.
        while i + 3 < chars.len()
            && chars[i] == group
            && chars[i + 1..=i + 3].iter().all(char::is_ascii_digit)
            && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            int.extend(&chars[i + 1..=i + 3]);
            i += 4;
        }
        let mut frac = String::new();
        if i + 1 < chars.len() && chars[i] == decimal && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                frac.push(chars[i]);
                i += 1;
            }
        }
        let other_decimal = match locale {
            Locale::Fr => '.',
            Locale::En => ',',
        };
        assert!(
            !(i + 1 < chars.len() && chars[i] == other_decimal && chars[i + 1].is_ascii_digit()),
            "{text:?} is not written the {locale} way"
        );
        let v: f64 = format!("{int}.{}", if frac.is_empty() { "0" } else { &frac })
            .parse()
            .unwrap();
        out.push(Shown {
            value: if negative { -v } else { v },
            decimals: frac.len(),
        });
    }
    out
}

/// The one number in `text` (panics when there is none).
fn number(locale: Locale, text: &str) -> Shown {
    *numbers(locale, text)
        .first()
        .unwrap_or_else(|| panic!("no number in {text:?}"))
}

/// A percentage as the locale writes it ("12,5 %" / "12.5%").
fn percent(locale: Locale, text: &str) -> Shown {
    let ok = match locale {
        Locale::Fr => text.ends_with(&format!("{NNBSP}%")),
        Locale::En => text.ends_with('%') && !text.ends_with(" %"),
    };
    assert!(ok, "{text:?} is not a {locale} percentage");
    number(locale, text)
}

/// Money as the locale writes it ("1 234 €" / "€1,234").
fn money(locale: Locale, text: &str) -> Shown {
    let ok = match locale {
        Locale::Fr => text.ends_with("\u{A0}€"),
        Locale::En => text.starts_with('€') || text.starts_with("-€"),
    };
    assert!(ok, "{text:?} is not {locale} money");
    number(locale, text)
}

/// The page's figure and the CSV's agree once the CSV is rounded as the page is.
fn agree(what: &str, page: Shown, csv: &str) {
    let c: f64 = csv
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: CSV cell {csv:?} is not a number"));
    let tolerance = 0.5 * 10f64.powi(-(page.decimals as i32)) + 1e-6;
    assert!(
        (page.value - c).abs() <= tolerance,
        "{what}: the page shows {} ({} decimals) but the CSV says {csv}",
        page.value,
        page.decimals
    );
}

const DASH: &str = "—";

// ---------------------------------------------------------------------------
// Pages, CSVs and locales
// ---------------------------------------------------------------------------

struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no CSV column {header:?} in {:?}", self.headers))
    }

    /// The row whose column `key` holds `value`.
    fn row(&self, key: usize, value: &str) -> &Vec<String> {
        self.rows
            .iter()
            .find(|r| r[key] == value)
            .unwrap_or_else(|| panic!("no CSV row with {value:?} in column {key}"))
    }
}

fn csv_of(r: &TestResponse) -> Table {
    assert_eq!(r.status, 200, "CSV:\n{}", r.body);
    let body = r.body.trim_start_matches('\u{FEFF}');
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    Table { headers, rows }
}

/// The text of an element, ASCII whitespace collapsed; no-break spaces are kept,
/// since they are part of how the locale writes numbers.
fn text_of(e: ElementRef) -> String {
    e.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells (`th` and `td`) of a row, in order.
fn cells_of(tr: ElementRef) -> Vec<ElementRef> {
    tr.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "th" | "td"))
        .collect()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

async fn director_in(locale: Locale) -> TestApp {
    let mut app = TestApp::with_demo().await;
    app.login(DIRECTOR).await;
    let r = app
        .post_form("/language", &[("lang", locale.code()), ("next", "/")])
        .await;
    assert_eq!(r.status, 303);
    app
}

async fn page(app: &mut TestApp, path: &str) -> TestResponse {
    let r = app.get(path).await;
    assert_eq!(r.status, 200, "{path}:\n{}", r.body);
    r
}

const LOCALES: [Locale; 2] = [Locale::Fr, Locale::En];

// ---------------------------------------------------------------------------
// /portfolio
// ---------------------------------------------------------------------------

async fn portfolio_agrees_with_its_csv(locale: Locale) {
    let mut app = director_in(locale).await;
    let csv = csv_of(&app.get("/portfolio.csv").await);
    let id_col = csv.col("id");
    let first = page(&mut app, "/portfolio").await;
    let pages: usize = first
        .text("#page-of")
        .split('/')
        .nth(1)
        .and_then(|p| p.trim().parse().ok())
        .expect("page n / m");
    let mut seen = 0;
    let mut compared = 0;
    for p in 1..=pages {
        let r = page(&mut app, &format!("/portfolio?page={p}")).await;
        let html = r.html();
        // The page's column headers name the CSV's columns.
        let headers: Vec<String> = html
            .select(&sel("#portfolio-table thead th"))
            .map(text_of)
            .collect();
        for tr in html.select(&sel("#portfolio-table tbody tr[data-account]")) {
            let id = tr.value().attr("data-account").unwrap();
            let row = csv.row(id_col, id);
            seen += 1;
            let cells = cells_of(tr);
            assert_eq!(cells.len(), headers.len());
            for (cell, header) in cells.iter().zip(&headers) {
                let col = cell.value().attr("data-col").unwrap_or_default();
                let shown = text_of(*cell);
                let what = format!("{locale} /portfolio account {id} column {header:?}");
                let kind = match col {
                    "score" | "universe" | "trend" | "alerts" | "nps" | "contested" => "number",
                    "revenue" | "clv" => "money",
                    "growth" | "fresh" | "validated" => "percent",
                    _ => continue,
                };
                let v = &row[csv.col(header)];
                if numbers(locale, &shown).is_empty() {
                    assert!(v.is_empty(), "{what}: page shows a dash, CSV says {v:?}");
                    continue;
                }
                let figure = match kind {
                    "money" => money(locale, &shown),
                    "percent" => percent(locale, &shown),
                    _ => number(locale, &shown),
                };
                // A universe's CSV column holds its score as a plain number (its
                // status in words is the next column).
                agree(&what, figure, v);
                compared += 1;
            }
        }
    }
    assert_eq!(seen, csv.rows.len(), "every CSV row is on some page");
    assert!(compared > seen * 5, "compared {compared} figures");
    println!("{locale} /portfolio: {seen} accounts, {compared} figures agree with the CSV");
}

#[tokio::test]
async fn portfolio_figures_match_the_csv_in_french() {
    portfolio_agrees_with_its_csv(Locale::Fr).await;
}

#[tokio::test]
async fn portfolio_figures_match_the_csv_in_english() {
    portfolio_agrees_with_its_csv(Locale::En).await;
}

// ---------------------------------------------------------------------------
// /capabilities
// ---------------------------------------------------------------------------

#[tokio::test]
async fn capabilities_figures_match_the_csv_in_both_languages() {
    for locale in LOCALES {
        let mut app = director_in(locale).await;
        let r = page(&mut app, "/capabilities").await;
        let csv = csv_of(&page(&mut app, "/capabilities.csv").await);
        let code = csv.col("code");
        let unit = csv.col(&locale.t("cap-unit"));
        let html = r.html();
        let mut compared = 0;
        for tr in html.select(&sel("tr[data-metric]")) {
            let metric = tr.value().attr("data-metric").unwrap();
            let row = csv.row(code, metric);
            for td in tr.select(&sel("td[data-year]")) {
                let year = td.value().attr("data-year").unwrap();
                let v = &row[csv.col(year)];
                let shown = text_of(td);
                let what = format!("{locale} /capabilities {metric} {year}");
                if shown == DASH {
                    assert!(v.is_empty(), "{what}: page shows a dash, CSV says {v:?}");
                    continue;
                }
                let figure = if row[unit] == locale.t("cap-unit-percent") {
                    percent(locale, &shown)
                } else if row[unit] == locale.t("cap-unit-eur") {
                    money(locale, &shown)
                } else {
                    number(locale, &shown)
                };
                agree(&what, figure, v);
                compared += 1;
            }
        }
        assert!(compared >= 20, "{locale}: compared {compared} figures");
        println!("{locale} /capabilities: {compared} figures agree with the CSV");
    }
}

// ---------------------------------------------------------------------------
// /drivers and /drivers/{code}
// ---------------------------------------------------------------------------

#[tokio::test]
async fn drivers_and_their_scatter_match_the_csv_in_both_languages() {
    for locale in LOCALES {
        let mut app = director_in(locale).await;
        let mut compared = 0;
        let mut scatters = 0;
        for outcome in boussole::drivers::OUTCOMES {
            let r = page(&mut app, &format!("/drivers?outcome={outcome}")).await;
            let csv = csv_of(&page(&mut app, &format!("/drivers.csv?outcome={outcome}")).await);
            let code = csv.col("code");
            let html = r.html();
            let mut codes = Vec::new();
            for tr in html.select(&sel("#drivers-table tr[data-kpi-code]")) {
                let kpi = tr.value().attr("data-kpi-code").unwrap();
                codes.push(kpi.to_owned());
                let row = csv.row(code, kpi);
                let cell = |c: &str| {
                    text_of(
                        tr.select(&sel(&format!("[data-col={c}]")))
                            .next()
                            .unwrap_or_else(|| panic!("no {c} cell")),
                    )
                };
                let what = format!("{locale} /drivers?outcome={outcome} {kpi}");
                agree(&what, number(locale, &cell("rho")), &row[csv.col("rho")]);
                let interval = numbers(locale, &cell("interval"));
                assert_eq!(interval.len(), 2, "{what}: interval {:?}", cell("interval"));
                agree(&what, interval[0], &row[csv.col("ci_low")]);
                agree(&what, interval[1], &row[csv.col("ci_high")]);
                for (c, key) in [
                    ("pairs", "drivers-col-pairs"),
                    ("accounts", "drivers-col-accounts"),
                    ("effective", "drivers-col-effective"),
                ] {
                    agree(
                        &what,
                        number(locale, &cell(c)),
                        &row[csv.col(&locale.t(key))],
                    );
                }
                compared += 6;
            }
            assert_eq!(codes.len(), csv.rows.len(), "{outcome}: same drivers");
            // The scatter behind the first driver, and its data table's CSV.
            let Some(kpi) = codes.first() else { continue };
            let r = page(&mut app, &format!("/drivers/{kpi}?outcome={outcome}")).await;
            let csv = csv_of(
                &page(
                    &mut app,
                    &format!("/drivers/{kpi}/scatter.csv?outcome={outcome}"),
                )
                .await,
            );
            let html = r.html();
            let rows: Vec<ElementRef> = html.select(&sel("#scatter-table tbody tr")).collect();
            assert_eq!(rows.len(), csv.rows.len(), "{outcome} {kpi}: same pairs");
            assert!(!rows.is_empty());
            for (tr, row) in rows.iter().zip(&csv.rows) {
                assert_eq!(tr.value().attr("data-account"), Some(row[1].as_str()));
                assert_eq!(tr.value().attr("data-period"), Some(row[2].as_str()));
                let what = format!("{locale} /drivers/{kpi} {} {}", row[1], row[2]);
                let x = text_of(tr.select(&sel("[data-col=x]")).next().unwrap());
                let y = text_of(tr.select(&sel("[data-col=y]")).next().unwrap());
                agree(&what, number(locale, &x), &row[3]);
                agree(&what, number(locale, &y), &row[4]);
                compared += 2;
            }
            scatters += 1;
        }
        assert!(
            scatters >= 1 && compared > 20,
            "{locale}: {compared} figures"
        );
        println!("{locale} /drivers: {compared} figures agree with the CSVs ({scatters} scatters)");
    }
}

// ---------------------------------------------------------------------------
// /accounts/{id}/value and the scorecard /accounts/{id}
// ---------------------------------------------------------------------------

/// The accounts of the demo portfolio as the director sees them.
async fn account_ids(app: &mut TestApp) -> Vec<String> {
    let csv = csv_of(&app.get("/portfolio.csv").await);
    let id = csv.col("id");
    csv.rows.iter().map(|r| r[id].clone()).collect()
}

#[tokio::test]
async fn value_figures_match_the_csv_in_both_languages() {
    for locale in LOCALES {
        let mut app = director_in(locale).await;
        let mut compared = 0;
        let mut percents = 0;
        for id in account_ids(&mut app).await.iter().take(4) {
            let r = page(&mut app, &format!("/accounts/{id}/value")).await;
            let csv = csv_of(&page(&mut app, &format!("/accounts/{id}/value.csv")).await);
            let value = csv.headers.len() - 1;
            let html = r.html();
            for e in html.select(&sel("[data-figure]")) {
                let code = e.value().attr("data-figure").unwrap();
                let year = e
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .find_map(|a| a.value().attr("data-year"))
                    .unwrap_or_default();
                let row = csv
                    .rows
                    .iter()
                    .find(|r| r[0] == code && r[2] == year)
                    .unwrap_or_else(|| panic!("no CSV row {code} {year}"));
                let shown = text_of(e);
                let what = format!("{locale} /accounts/{id}/value {code} {year}");
                let figure = match code {
                    "retention" | "discount" => {
                        percents += 1;
                        percent(locale, &shown)
                    }
                    "horizon" => number(locale, &shown),
                    _ => money(locale, &shown),
                };
                agree(&what, figure, &row[value]);
                compared += 1;
            }
        }
        assert!(percents >= 2 && compared > 20, "{locale}: {compared}");
        println!("{locale} /accounts/{{id}}/value: {compared} figures agree with the CSV");
    }
}

#[tokio::test]
async fn scorecard_figures_match_the_csv_in_both_languages() {
    for locale in LOCALES {
        let mut app = director_in(locale).await;
        let mut compared = 0;
        for id in account_ids(&mut app).await.iter().take(3) {
            let r = page(&mut app, &format!("/accounts/{id}")).await;
            let csv = csv_of(&page(&mut app, &format!("/accounts/{id}/scorecard.csv")).await);
            let code = csv.col(&locale.t("col-code"));
            let value = csv.col(&locale.t("col-value"));
            let target = csv.col(&locale.t("col-target"));
            let attainment = csv.col(&locale.t("col-attainment"));
            let html = r.html();
            for tr in html.select(&sel("tr[data-kpi-code]")) {
                let kpi = tr.value().attr("data-kpi-code").unwrap();
                let unit = tr.value().attr("data-unit").unwrap_or_default();
                let row = csv.row(code, kpi);
                let what = format!("{locale} /accounts/{id} {kpi}");
                let read = |text: &str| match unit {
                    "percent" => percent(locale, text),
                    "eur" => money(locale, text),
                    _ => number(locale, text),
                };
                let cells: Vec<ElementRef> = cells_of(tr)
                    .into_iter()
                    .filter(|c| c.value().name() == "td")
                    .collect();
                let shown = text_of(tr.select(&sel(".kpi-value")).next().unwrap());
                if shown == DASH {
                    assert!(row[value].is_empty(), "{what}: dash vs {:?}", row[value]);
                } else {
                    agree(&what, read(&shown), &row[value]);
                    compared += 1;
                }
                let shown = text_of(cells[1]);
                agree(&what, read(&shown), &row[target]);
                let shown = text_of(cells[2]);
                if shown == DASH {
                    assert!(row[attainment].is_empty(), "{what}: attainment");
                } else {
                    agree(&what, percent(locale, &shown), &row[attainment]);
                    compared += 1;
                }
                compared += 1;
            }
        }
        assert!(compared > 30, "{locale}: {compared}");
        println!("{locale} /accounts/{{id}}: {compared} figures agree with the scorecard CSV");
    }
}

// ---------------------------------------------------------------------------
// The reader itself
// ---------------------------------------------------------------------------

#[test]
fn the_reader_reads_each_locale_and_refuses_the_other() {
    let fr = numbers(Locale::Fr, "1\u{202F}234,5\u{A0}€ et 12,5\u{202F}%");
    assert_eq!((fr[0].value, fr[0].decimals), (1234.5, 1));
    assert_eq!((fr[1].value, fr[1].decimals), (12.5, 1));
    let en = numbers(Locale::En, "€1,234 and [-0.25 ; 0.5]");
    assert_eq!(en[0].value, 1234.0);
    assert_eq!((en[1].value, en[1].decimals), (-0.25, 2));
    assert!(std::panic::catch_unwind(|| numbers(Locale::Fr, "12.5 %")).is_err());
    assert!(std::panic::catch_unwind(|| numbers(Locale::En, "0,8%")).is_err());
    assert!(std::panic::catch_unwind(|| percent(Locale::En, "12 %")).is_err());
}

// ---------------------------------------------------------------------------
// Counts read in the plural they need
// ---------------------------------------------------------------------------

#[test]
fn counts_take_the_plural_they_need_in_both_languages() {
    let say = |l: Locale, key: &str, n: i64| {
        l.t_args(
            key,
            &[("count", n.into()), ("nps", 9.into()), ("days", 14.into())],
        )
        .replace(['\u{2068}', '\u{2069}'], "")
    };
    assert_eq!(
        say(Locale::Fr, "portfolio-key-accounts-count", 8),
        "8 comptes clés"
    );
    assert_eq!(
        say(Locale::Fr, "portfolio-key-accounts-count", 1),
        "1 compte clé"
    );
    assert_eq!(
        say(Locale::En, "portfolio-key-accounts-count", 8),
        "8 key accounts"
    );
    assert_eq!(say(Locale::En, "portfolio-accounts-count", 1), "1 account");
    for l in LOCALES {
        for key in [
            "alert-hidden-discontent",
            "alert-contest-waiting",
            "portfolio-alert-count-contest_waiting",
        ] {
            for n in [1, 2, 8] {
                let s = say(l, key, n);
                assert!(!s.contains("(s)"), "{l} {key} {n}: {s}");
                assert!(s.starts_with(&n.to_string()), "{l} {key} {n}: {s}");
            }
        }
    }
    assert!(say(Locale::Fr, "alert-hidden-discontent", 1).starts_with("1 réponse récente "));
    assert!(say(Locale::Fr, "alert-hidden-discontent", 3).starts_with("3 réponses récentes "));
    assert!(say(Locale::En, "alert-contest-waiting", 1).starts_with("1 contested value waiting"));
    let stale = |n: i64| {
        Locale::Fr
            .t_args(
                "universe-counts",
                &[
                    ("fresh", 2.into()),
                    ("stale", n.into()),
                    ("missing", 0.into()),
                ],
            )
            .replace(['\u{2068}', '\u{2069}'], "")
    };
    assert!(stale(1).contains("1 périmé,"), "{}", stale(1));
    assert!(stale(3).contains("3 périmés,"), "{}", stale(3));
}

// ---------------------------------------------------------------------------
// The new CSV exports respect what the viewer may see
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_kams_exports_hold_only_their_accounts_and_agree_with_their_pages() {
    let mut app = TestApp::with_demo().await;
    app.login("kam.alice@boussole.example").await;
    let mine = account_ids(&mut app).await;
    assert!(!mine.is_empty());
    // The scatter behind a driver: only pairs of Alice's accounts.
    let csv = csv_of(&app.get("/drivers/otif/scatter.csv?outcome=nps").await);
    for row in &csv.rows {
        assert!(mine.contains(&row[1]), "account {} is not Alice's", row[1]);
    }
    // The value of an account she does not see: not found, like its page.
    let other: i64 = sqlx::query_scalar(
        "SELECT a.id FROM accounts a WHERE NOT (a.id::text = ANY($1)) ORDER BY a.id LIMIT 1",
    )
    .bind(&mine)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        app.get(&format!("/accounts/{other}/value")).await.status,
        404
    );
    assert_eq!(
        app.get(&format!("/accounts/{other}/value.csv"))
            .await
            .status,
        404
    );
    // Her capabilities are computed on her accounts alone: the CSV's yearly
    // revenue is the sum of her accounts' booked revenue, as the page shows it.
    let page = page(&mut app, "/capabilities").await;
    let csv = csv_of(&app.get("/capabilities.csv").await);
    let row = csv.row(csv.col("code"), "revenue");
    let (year, revenue) = csv
        .headers
        .iter()
        .zip(row)
        .rev()
        .find(|(h, v)| h.parse::<i32>().is_ok() && !v.is_empty())
        .expect("a year with revenue");
    let sum: f64 = sqlx::query_scalar(
        "SELECT sum(revenue)::float8 FROM account_financials WHERE year = $1 AND account_id::text = ANY($2)",
    )
    .bind(year.parse::<i32>().unwrap())
    .bind(&mine)
    .fetch_one(&app.db)
    .await
    .unwrap();
    agree(
        "Alice's revenue",
        Shown {
            value: sum,
            decimals: 0,
        },
        revenue,
    );
    let html = page.html();
    let cell = html
        .select(&sel(&format!(
            "tr[data-metric=revenue] td[data-year=\"{year}\"]"
        )))
        .next()
        .unwrap();
    agree(
        "Alice's revenue on the page",
        money(Locale::Fr, &text_of(cell)),
        revenue,
    );
    println!("Alice's {year} revenue: {sum} in the CSV and on the page");
}
