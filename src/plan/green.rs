//! The path to green: for each red or amber KPI of an account (statuses read from
//! the stored scorecard state), the gap to green, the period the KPI's own Holt
//! forecast (the one its page draws) reaches green, and the open actions linked
//! to it. And the alert "red KPI without an open action".

use std::collections::HashMap;

use sqlx::PgPool;

use super::model::{self, GREEN_HORIZON, PathToGreen};
use crate::forecast;
use crate::i18n::Locale;
use crate::kpis::{self, AccountKpi, units};
use crate::period::Period;
use crate::scoring::{Rag, Thresholds};
use crate::values::ValueRow;

/// One red or amber KPI's way back to green.
#[derive(Debug, Clone)]
pub struct GreenRow {
    pub kpi_id: i64,
    pub name: String,
    pub rag: Rag,
    /// "red" / "amber" and its name.
    pub rag_code: &'static str,
    pub rag_label: String,
    /// The gap in the KPI's unit, signed ("+5 %"), or empty without a value.
    pub gap: String,
    pub path: PathToGreen,
    /// The period the forecast turns green, in the reader's words.
    pub when: Option<String>,
    /// What the reader is told: that period, "not at this pace" or "too few values".
    pub when_text: String,
    /// "at", "not_at_this_pace" or "no_forecast" (for tests and CSS).
    pub path_code: &'static str,
    /// Open actions linked to the KPI: (id, title).
    pub actions: Vec<(i64, String)>,
}

/// The stored status of every KPI of the account (staff audience).
pub async fn stored_statuses(
    db: impl sqlx::PgExecutor<'_>,
    account_id: i64,
) -> sqlx::Result<HashMap<i64, Rag>> {
    let rows: Vec<(i64, sqlx::types::Json<Rag>)> = sqlx::query_as(
        "SELECT k.id, to_jsonb(k.rag) FROM scorecard_state s \
         CROSS JOIN LATERAL jsonb_to_recordset(s.now -> 'kpis') AS k(id bigint, rag text) \
         WHERE s.account_id = $1 AND s.audience = 'internal'",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, r)| (id, r.0)).collect())
}

/// Open actions linked to each KPI of the account: kpi id → [(action id, title)].
pub async fn open_actions(
    db: &PgPool,
    account_id: i64,
) -> sqlx::Result<HashMap<i64, Vec<(i64, String)>>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT ak.kpi_id, x.id, x.title FROM action_kpis ak \
         JOIN plan_actions x ON x.id = ak.action_id \
         WHERE ak.account_id = $1 AND x.status IN ('open', 'in_progress') ORDER BY x.due, x.id",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let mut out: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (kpi, id, title) in rows {
        out.entry(kpi).or_default().push((id, title));
    }
    Ok(out)
}

/// The path to green of one KPI from its values (oldest first).
pub fn path_of(
    kpi: &AccountKpi,
    vals: &[ValueRow],
    overrides: &[(i64, chrono::NaiveDate, f64)],
) -> (Option<f64>, PathToGreen, Option<Period>) {
    let (last, observed) = crate::scorecard::kpi_page::observed_series(kpi, vals);
    let thresholds = Thresholds {
        green_from: kpi.green_from,
        amber_from: kpi.amber_from,
    };
    let gap = vals.last().map(|v| {
        let target = kpis::target_for(kpi, v.period, overrides);
        model::gap_to_green(v.value, target, kpi.direction, thresholds)
    });
    let fc = forecast::holt(&observed, GREEN_HORIZON);
    let path = model::path_to_green(
        fc.as_ref().map(|f| f.points.as_slice()),
        |step| kpis::target_for(kpi, last.offset(step as i32).start, overrides),
        kpi.direction,
        thresholds,
    );
    let when = match path {
        PathToGreen::At { step, .. } => Some(last.offset(step as i32)),
        _ => None,
    };
    (gap, path, when)
}

/// Every red or amber KPI of the account with its path to green, red first.
pub async fn for_account(
    db: &PgPool,
    account_id: i64,
    locale: Locale,
) -> sqlx::Result<Vec<GreenRow>> {
    crate::scorecard::state::bring_up_to_date(db, &[account_id]).await?;
    let statuses = stored_statuses(db, account_id).await?;
    let kpis = kpis::for_account(db, account_id).await?;
    let overrides = kpis::target_overrides(db, account_id).await?;
    let values =
        crate::values::for_account(db, account_id, chrono::Utc::now().date_naive()).await?;
    let mut actions = open_actions(db, account_id).await?;
    let mut out = Vec::new();
    for k in &kpis {
        let rag = statuses.get(&k.id).copied().unwrap_or(Rag::None);
        if !matches!(rag, Rag::Red | Rag::Amber) {
            continue;
        }
        let vals: Vec<ValueRow> = values
            .iter()
            .filter(|v| v.account_kpi_id == k.id)
            .cloned()
            .collect();
        let (gap, path, when) = path_of(k, &vals, &overrides);
        let when = when.map(|p| p.label(locale));
        let (path_code, when_text) = match &path {
            PathToGreen::At { .. } => ("at", when.clone().unwrap_or_default()),
            PathToGreen::NotAtThisPace => ("not_at_this_pace", locale.t("green-not-at-this-pace")),
            PathToGreen::NoForecast => ("no_forecast", locale.t("green-no-forecast")),
        };
        out.push(GreenRow {
            rag_code: rag.code(),
            rag_label: locale.t(rag.label_key()),
            when_text,
            path_code,
            kpi_id: k.id,
            name: k.name(locale).to_owned(),
            rag,
            gap: gap
                .map(|g| {
                    let sign = if g >= 0.0 { "+" } else { "−" };
                    format!("{sign}{}", units::display(k.unit, g.abs(), locale))
                })
                .unwrap_or_default(),
            path,
            when,
            actions: actions.remove(&k.id).unwrap_or_default(),
        });
    }
    out.sort_by_key(|r| (r.rag != Rag::Red, r.kpi_id));
    Ok(out)
}

/// Per account, how many red KPIs (stored status) have no open action linked:
/// the portfolio's and the scorecard's "red KPI without action" alert.
pub async fn red_without_action(db: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT a.id, a.name, count(*) FROM scorecard_state s JOIN accounts a ON a.id = s.account_id \
         CROSS JOIN LATERAL jsonb_to_recordset(s.now -> 'kpis') AS k(id bigint, rag text) \
         WHERE s.account_id = ANY($1) AND s.audience = 'internal' AND k.rag = 'red' \
           AND NOT EXISTS (SELECT 1 FROM action_kpis ak JOIN plan_actions x ON x.id = ak.action_id \
                           WHERE ak.kpi_id = k.id AND x.status IN ('open', 'in_progress')) \
         GROUP BY a.id, a.name ORDER BY a.name",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}
