//! Alerts at the top of the portfolio: what needs the director's attention now.

use sqlx::PgPool;

use crate::accounts::AccountSummary;
use crate::domain::Universe;
use crate::i18n::Locale;
use crate::scoring::band;

use super::data::{CONTEST_WAIT_DAYS, Figures};

/// Every kind of alert, in the order the summary names them.
pub const KINDS: &[&str] = &[
    "turning_red",
    "hidden_discontent",
    "stale_client_data",
    "contest_waiting",
    "red_without_action",
];

pub struct Alert {
    /// turning_red | stale_client_data | hidden_discontent | contest_waiting | red_without_action
    pub kind: &'static str,
    pub account_id: i64,
    pub account_name: String,
    pub text: String,
}

/// Accounts turning red (overall or a universe red now that was not at the end of
/// last month), client data gone stale, contests waiting too long.
pub fn alerts(
    locale: Locale,
    accounts: &[AccountSummary],
    figures: &std::collections::HashMap<i64, Figures>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for a in accounts {
        let Some(f) = figures.get(&a.id) else {
            continue;
        };
        let alert = |kind, text| Alert {
            kind,
            account_id: a.id,
            account_name: a.name.clone(),
            text,
        };
        let mut red: Vec<String> = Vec::new();
        if band(f.now.overall).code() == "red" && band(f.before.overall).code() != "red" {
            red.push(locale.t("overall-score"));
        }
        for &u in Universe::ALL {
            let now = band(f.now.universe(u).score).code();
            let before = band(f.before.universe(u).score).code();
            if now == "red" && before != "red" {
                red.push(locale.t(&u.label_key()));
            }
        }
        if !red.is_empty() {
            out.push(alert(
                "turning_red",
                locale.t_args("alert-turning-red", &[("what", red.join(", ").into())]),
            ));
        }
        if f.client_kpis > 0 && f.client_fresh == 0 {
            out.push(alert(
                "stale_client_data",
                locale.t_args(
                    "alert-stale-client-data",
                    &[("count", (f.client_kpis as i64).into())],
                ),
            ));
        }
        if f.contested_old > 0 {
            out.push(alert(
                "contest_waiting",
                locale.t_args(
                    "alert-contest-waiting",
                    &[
                        ("count", f.contested_old.into()),
                        ("days", i64::from(CONTEST_WAIT_DAYS).into()),
                    ],
                ),
            ));
        }
    }
    out
}

/// Good scores hiding discontent in the client's own words: survey answers of the
/// last 90 days flagged by the voice of the customer (`voc::flags`).
pub async fn hidden_discontent_alerts(
    db: &PgPool,
    locale: Locale,
    account_ids: &[i64],
) -> sqlx::Result<Vec<Alert>> {
    let rows: Vec<(i64, String, i64, i16)> = sqlx::query_as(
        "SELECT a.id, a.name, count(*), max(r.nps) FROM survey_responses r JOIN accounts a ON a.id = r.account_id \
         WHERE r.account_id = ANY($1) AND r.flag = 'hidden_discontent' \
           AND r.answered_at > now() - interval '90 days' \
         GROUP BY a.id, a.name ORDER BY a.name",
    )
    .bind(account_ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, count, nps)| Alert {
            kind: "hidden_discontent",
            account_id: id,
            account_name: name,
            text: locale.t_args(
                "alert-hidden-discontent",
                &[("count", count.into()), ("nps", i64::from(nps).into())],
            ),
        })
        .collect())
}

/// Red KPIs (stored status) that no open action of the account plan is linked to.
pub async fn red_without_action_alerts(
    db: &PgPool,
    locale: Locale,
    account_ids: &[i64],
) -> sqlx::Result<Vec<Alert>> {
    Ok(crate::plan::green::red_without_action(db, account_ids)
        .await?
        .into_iter()
        .map(|(id, name, count)| Alert {
            kind: "red_without_action",
            account_id: id,
            account_name: name,
            text: locale.t_args("alert-red-without-action", &[("count", count.into())]),
        })
        .collect())
}
