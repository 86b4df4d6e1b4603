//! The stored scorecard state stays equal to a rebuild from the raw values after
//! any sequence of writes of every kind (property test), every write of the app
//! commits through `db::commit` (which keeps it), and the pages print the stored
//! figures.

mod common;

use boussole::db;
use boussole::scorecard::{Audience, state};
use chrono::{Datelike, Months, NaiveDate, Utc};
use common::build::{self, Kpi};
use common::{TestApp, fresh_database};
use proptest::prelude::*;
use sqlx::PgPool;

/// One write, as the app's forms and imports make them (by SQL, in a transaction
/// committed through `db::commit`, like every handler).
#[derive(Debug, Clone)]
enum Write {
    /// A value entered or changed for a month `back` months ago.
    Value {
        kpi: usize,
        back: u32,
        value: f64,
    },
    DeleteValue {
        kpi: usize,
        back: u32,
    },
    Target {
        kpi: usize,
        back: u32,
        target: f64,
    },
    DeleteTarget {
        kpi: usize,
        back: u32,
    },
    UniverseWeight {
        account: usize,
        universe: usize,
        weight: f64,
    },
    Thresholds {
        kpi: usize,
        green: f64,
        amber: f64,
    },
    KpiWeight {
        kpi: usize,
        weight: f64,
    },
    Visibility {
        kpi: usize,
        visibility: usize,
    },
    Stage {
        account: usize,
        stage: i16,
    },
    Validation {
        kpi: usize,
        back: u32,
        state: usize,
    },
    /// A bulk write that commits without recomputing (left to the keeper).
    Deferred {
        kpi: usize,
        back: u32,
        value: f64,
    },
    NewKpi {
        account: usize,
        universe: usize,
    },
    DeleteKpi {
        kpi: usize,
    },
}

const UNIVERSES: [&str; 5] = [
    "marketing",
    "process",
    "relationship",
    "logistics",
    "financial",
];
const VISIBILITY: [&str; 3] = ["internal", "shared", "joint"];
const VALIDATION: [&str; 3] = ["awaiting", "validated", "contested"];

fn write() -> impl Strategy<Value = Write> {
    let kpi = 0usize..8;
    let back = 0u32..14;
    let amount = (0u32..2400).prop_map(|v| f64::from(v) / 10.0);
    prop_oneof![
        4 => (kpi.clone(), back.clone(), amount.clone()).prop_map(|(kpi, back, value)| Write::Value { kpi, back, value }),
        1 => (kpi.clone(), back.clone()).prop_map(|(kpi, back)| Write::DeleteValue { kpi, back }),
        1 => (kpi.clone(), back.clone(), (1u32..200)).prop_map(|(kpi, back, t)| Write::Target { kpi, back, target: f64::from(t) }),
        1 => (kpi.clone(), back.clone()).prop_map(|(kpi, back)| Write::DeleteTarget { kpi, back }),
        1 => (0usize..2, 0usize..5, 0u32..=100).prop_map(|(account, universe, w)| Write::UniverseWeight { account, universe, weight: f64::from(w) }),
        1 => (kpi.clone(), 80u32..120, 40u32..80).prop_map(|(kpi, g, a)| Write::Thresholds { kpi, green: f64::from(g), amber: f64::from(a) }),
        1 => (kpi.clone(), 1u32..6).prop_map(|(kpi, w)| Write::KpiWeight { kpi, weight: f64::from(w) }),
        1 => (kpi.clone(), 0usize..3).prop_map(|(kpi, visibility)| Write::Visibility { kpi, visibility }),
        1 => (0usize..2, 1i16..=4).prop_map(|(account, stage)| Write::Stage { account, stage }),
        1 => (kpi.clone(), back.clone(), 0usize..3).prop_map(|(kpi, back, state)| Write::Validation { kpi, back, state }),
        1 => (kpi.clone(), back, amount).prop_map(|(kpi, back, value)| Write::Deferred { kpi, back, value }),
        1 => (0usize..2, 0usize..5).prop_map(|(account, universe)| Write::NewKpi { account, universe }),
        1 => kpi.prop_map(|kpi| Write::DeleteKpi { kpi }),
    ]
}

/// The first day of the month `back` months before this one.
fn month(back: u32) -> NaiveDate {
    let today = Utc::now().date_naive();
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() - Months::new(back)
}

struct World {
    db: PgPool,
    accounts: Vec<i64>,
}

impl World {
    async fn new() -> World {
        let (db, _) = fresh_database().await;
        sqlx::query(
            "INSERT INTO users (email, name, role, password_hash) \
             VALUES ('kam@state.test', 'Kam', 'kam', 'x')",
        )
        .execute(&db)
        .await
        .unwrap();
        let mut accounts = Vec::new();
        for (i, slug) in ["alpha", "beta"].iter().enumerate() {
            let a = build::account(&db, slug, "kam@state.test").await;
            for (j, universe) in UNIVERSES.iter().enumerate().take(4) {
                let frequency = if j == 3 { "quarterly" } else { "monthly" };
                let k = build::kpi(
                    &db,
                    a,
                    Kpi {
                        code: &format!("k{i}{j}"),
                        universe,
                        frequency,
                        domain: if j == 2 { "client" } else { "internal" },
                        direction: if j == 1 {
                            "lower_better"
                        } else {
                            "higher_better"
                        },
                        ..Kpi::default()
                    },
                )
                .await;
                for back in [1, 2, 3, 6, 9] {
                    if frequency == "monthly" || month(back).month() % 3 == 1 {
                        build::value(&db, k, month(back), 70.0 + f64::from(back * 7 % 40)).await;
                    }
                }
            }
            accounts.push(a);
        }
        // The seed wrote by SQL, outside the app: bring it up to date as a page would.
        state::bring_up_to_date(&db, &accounts).await.unwrap();
        World { db, accounts }
    }

    /// The i-th KPI of the world (modulo how many there are now), if any.
    async fn kpi(&self, i: usize) -> Option<i64> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM account_kpis ORDER BY id")
            .fetch_all(&self.db)
            .await
            .unwrap();
        (!ids.is_empty()).then(|| ids[i % ids.len()])
    }

    async fn apply(&self, w: &Write) {
        let mut tx = self.db.begin().await.unwrap();
        let kpi_of = |i: usize| self.kpi(i);
        let sql = |q: &'static str| sqlx::query(q);
        match *w {
            Write::Value { kpi, back, value } | Write::Deferred { kpi, back, value } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("INSERT INTO kpi_values (account_kpi_id, period, value, source) \
                     VALUES ($1, $2, $3::float8::numeric, 'manual') \
                     ON CONFLICT (account_kpi_id, period) DO UPDATE SET value = EXCLUDED.value, version = kpi_values.version + 1")
                    .bind(k).bind(month(back)).bind(value).execute(&mut *tx).await.unwrap();
            }
            Write::DeleteValue { kpi, back } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("DELETE FROM kpi_values WHERE account_kpi_id = $1 AND period = $2")
                    .bind(k)
                    .bind(month(back))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            Write::Target { kpi, back, target } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("INSERT INTO kpi_targets (account_kpi_id, period, target) VALUES ($1, $2, $3::float8::numeric) \
                     ON CONFLICT (account_kpi_id, period) DO UPDATE SET target = EXCLUDED.target")
                    .bind(k).bind(month(back)).bind(target).execute(&mut *tx).await.unwrap();
            }
            Write::DeleteTarget { kpi, back } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("DELETE FROM kpi_targets WHERE account_kpi_id = $1 AND period = $2")
                    .bind(k)
                    .bind(month(back))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            Write::UniverseWeight {
                account,
                universe,
                weight,
            } => {
                sql("INSERT INTO universe_weights (account_id, universe, weight) VALUES ($1, $2::universe, $3::float8::numeric) \
                     ON CONFLICT (account_id, universe) DO UPDATE SET weight = EXCLUDED.weight")
                    .bind(self.accounts[account]).bind(UNIVERSES[universe]).bind(weight)
                    .execute(&mut *tx).await.unwrap();
            }
            Write::Thresholds { kpi, green, amber } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("UPDATE account_kpis SET green_from = $2::float8::numeric, amber_from = $3::float8::numeric WHERE id = $1")
                    .bind(k).bind(green).bind(amber).execute(&mut *tx).await.unwrap();
            }
            Write::KpiWeight { kpi, weight } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("UPDATE account_kpis SET weight = $2::float8::numeric WHERE id = $1")
                    .bind(k)
                    .bind(weight)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            Write::Visibility { kpi, visibility } => {
                let Some(k) = kpi_of(kpi).await else { return };
                // The stage may not allow it (a trigger refuses): then nothing changes.
                sql("SAVEPOINT v").execute(&mut *tx).await.unwrap();
                if sql("UPDATE account_kpis SET visibility = $2::kpi_visibility WHERE id = $1")
                    .bind(k)
                    .bind(VISIBILITY[visibility])
                    .execute(&mut *tx)
                    .await
                    .is_err()
                {
                    sql("ROLLBACK TO SAVEPOINT v")
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
            }
            Write::Stage { account, stage } => {
                sql("SAVEPOINT s").execute(&mut *tx).await.unwrap();
                if sql("UPDATE accounts SET stage = $2 WHERE id = $1")
                    .bind(self.accounts[account])
                    .bind(stage)
                    .execute(&mut *tx)
                    .await
                    .is_err()
                {
                    sql("ROLLBACK TO SAVEPOINT s")
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
            }
            Write::Validation { kpi, back, state } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("UPDATE kpi_values SET validation = $3::validation_status, validation_at = now() \
                     WHERE account_kpi_id = $1 AND period = $2")
                    .bind(k).bind(month(back)).bind(VALIDATION[state]).execute(&mut *tx).await.unwrap();
            }
            Write::NewKpi { account, universe } => {
                sql("INSERT INTO account_kpis (account_id, code, universe, name_fr, name_en, unit, direction, \
                                               frequency, domain, target, weight) \
                     VALUES ($1, 'n' || (SELECT COALESCE(max(id), 0) + 1 FROM account_kpis), $2::universe, 'n', 'n', 'count', \
                             'higher_better', 'monthly', 'internal', 50, 1)")
                    .bind(self.accounts[account]).bind(UNIVERSES[universe]).execute(&mut *tx).await.unwrap();
            }
            Write::DeleteKpi { kpi } => {
                let Some(k) = kpi_of(kpi).await else { return };
                sql("DELETE FROM account_kpis WHERE id = $1")
                    .bind(k)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        if matches!(w, Write::Deferred { .. }) {
            // Committed without recomputing: the state is out of date, and says so.
            tx.commit().await.unwrap();
            let dirty: i64 = sqlx::query_scalar("SELECT count(*) FROM scorecard_dirty")
                .fetch_one(&self.db)
                .await
                .unwrap();
            assert!(dirty > 0, "a deferred write leaves its account marked");
            let left = state::bring_up_to_date(&self.db, &self.accounts)
                .await
                .unwrap();
            assert_eq!(left, 0);
        } else {
            db::commit(tx).await.unwrap();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// After every write of a random sequence, nothing is left marked and the
    /// stored state equals the one rebuilt from the raw values.
    #[test]
    fn maintained_state_equals_rebuilt_state(writes in prop::collection::vec(write(), 1..25)) {
        runtime().block_on(async {
            let world = World::new().await;
            for (i, w) in writes.iter().enumerate() {
                world.apply(w).await;
                let dirty: i64 = sqlx::query_scalar("SELECT count(*) FROM scorecard_dirty")
                    .fetch_one(&world.db).await.unwrap();
                assert_eq!(dirty, 0, "write {i} {w:?} left an account marked");
                let maintained = state::snapshot(&world.db).await.unwrap();
                assert_eq!(maintained.len(), 4, "two accounts × two audiences");
                state::rebuild_all(&world.db).await.unwrap();
                let rebuilt = state::snapshot(&world.db).await.unwrap();
                assert_eq!(maintained, rebuilt, "after write {i}: {w:?}");
                // The state reads only the latest values; the whole history gives the same.
                for account in &world.accounts {
                    for audience in Audience::ALL {
                        let stored = state::scores(&world.db, *account, audience, state::today())
                            .await.unwrap().expect("stored");
                        let full = state::scores_from_history(&world.db, *account, audience)
                            .await.unwrap().expect("account");
                        assert_eq!(stored, full, "after write {i}: {w:?} ({audience:?})");
                    }
                }
            }
        });
    }
}

/// Every write of the app commits through `db::commit`, which recomputes the
/// state: a `.commit()` anywhere else would let a write skip it.
#[test]
fn every_write_commits_through_db_commit() {
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let allowed = path.ends_with("db/mod.rs") || path.ends_with("scorecard/state.rs");
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.contains(".commit()") && !allowed {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "commit through db::commit:\n{}",
        offenders.join("\n")
    );
}

/// A value entered through the page moves the stored state in the same request,
/// and the scorecard, the portfolio and the accounts list print the stored score.
#[tokio::test]
async fn a_value_entered_on_the_page_is_in_the_state_when_the_page_answers() {
    let mut app = TestApp::with_demo().await;
    app.login("direction@boussole.example").await;
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = 'lumiere-retail'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Every demo account has its state, computed today, nothing marked.
    let dirty: i64 = sqlx::query_scalar("SELECT count(*) FROM scorecard_dirty")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(dirty, 0);
    let stored_before: Option<f64> = sqlx::query_scalar(
        "SELECT overall FROM scorecard_state WHERE account_id = $1 AND audience = 'internal'",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();

    let page = app.get(&format!("/accounts/{account}")).await;
    let kpi: i64 = sqlx::query_scalar(
        "SELECT id FROM account_kpis WHERE account_id = $1 AND code = 'share_of_wallet'",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let form = format!("form[action='/accounts/{account}/kpis/{kpi}/values']");
    let period = page
        .attr(&format!("{form} input[name=period]"), "value")
        .unwrap();
    let version = page
        .attr(&format!("{form} input[name=version]"), "value")
        .unwrap_or_default();
    let month = page
        .attr(&format!("{form} input[name=month]"), "value")
        .unwrap_or_default();
    let r = app
        .post_form(
            &format!("/accounts/{account}/kpis/{kpi}/values"),
            &[
                ("from", "scorecard"),
                ("month", &month),
                ("period", &period),
                ("value", "10"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // No page has been read since: the write itself recomputed the state.
    let stored_after: Option<f64> = sqlx::query_scalar(
        "SELECT overall FROM scorecard_state WHERE account_id = $1 AND audience = 'internal'",
    )
    .bind(account)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        stored_after.unwrap() < stored_before.unwrap() - 1.0,
        "10 % share of wallet lowers the stored score: {stored_before:?} → {stored_after:?}"
    );
    let shown = boussole::scoring::shown(stored_after.unwrap());
    let page = app.get(&format!("/accounts/{account}")).await;
    let printed = page.attr("#overall .stat__value", "data-score").unwrap();
    assert!(
        printed.starts_with(&format!("{shown}")),
        "scorecard prints the stored score {shown}: {printed:?}"
    );
    let csv = app.get("/accounts.csv").await;
    let line = csv
        .body
        .lines()
        .find(|l| l.contains("Lumi"))
        .expect("Lumière in the accounts CSV");
    assert!(
        line.split([',', ';'])
            .any(|cell| cell.trim_matches('"') == format!("{shown}")),
        "accounts CSV carries the stored score {shown}: {line}"
    );
}
