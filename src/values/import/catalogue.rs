//! What a user may import into: the accounts they may edit, with their KPIs, in
//! one query whatever their number (a director's 500 accounts × 40 KPIs used to
//! cost 1 + 2 × 500 queries). The page's list of codes and the checking of a file
//! both read it.

use crate::authz;
use crate::domain::{Frequency, Unit};
use crate::i18n::Locale;
use crate::users::User;
use crate::values::csv_import::{Catalogue, KpiRef, RedRule};

use super::{AccountCodes, KpiCode};

/// One KPI of an editable account (an account without KPI: one row, KPI columns empty).
#[derive(Debug, sqlx::FromRow)]
struct Row {
    account_id: i64,
    slug: String,
    name: String,
    kpi_id: Option<i64>,
    code: Option<String>,
    name_fr: Option<String>,
    name_en: Option<String>,
    unit: Option<Unit>,
    frequency: Option<Frequency>,
}

/// The editable accounts and their KPIs, in the order of the accounts list.
pub struct Editable {
    rows: Vec<Row>,
    /// Locked months of those accounts (`locks`): rows into them are refused.
    locked: Vec<(i64, chrono::NaiveDate)>,
    /// KPIs that ask for a comment with a red value, and their per-period targets.
    red: Vec<RedRow>,
    targets: Vec<(i64, chrono::NaiveDate, f64)>,
}

#[derive(sqlx::FromRow)]
struct RedRow {
    id: i64,
    target: f64,
    green_from: f64,
    amber_from: f64,
    direction: crate::domain::Direction,
}

/// The accounts `user` may edit (every account for admins and directors, the
/// accounts they own for KAMs: `accounts::can_edit`), with their KPIs.
pub async fn editable(db: &sqlx::PgPool, user: &User) -> sqlx::Result<Editable> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id AS account_id, a.slug, a.name, k.id AS kpi_id, k.code, k.name_fr, k.name_en, \
                k.unit, k.frequency \
         FROM accounts a LEFT JOIN account_kpis k ON k.account_id = a.id \
         WHERE $1 OR a.owner_id = $2 \
         ORDER BY a.tier, lower(a.name), a.id, k.universe, k.position, k.id",
    )
    .bind(authz::edits_every_account(user.role))
    .bind(user.id)
    .fetch_all(db)
    .await?;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
    ids.dedup();
    let locked = crate::locks::locked_months(db, &ids).await?;
    let red: Vec<RedRow> = sqlx::query_as(
        "SELECT id, target::float8 AS target, green_from::float8 AS green_from, \
                amber_from::float8 AS amber_from, direction \
         FROM account_kpis WHERE account_id = ANY($1) AND comment_when_red",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    let red_ids: Vec<i64> = red.iter().map(|r| r.id).collect();
    let targets = sqlx::query_as(
        "SELECT account_kpi_id, period, target::float8 FROM kpi_targets WHERE account_kpi_id = ANY($1)",
    )
    .bind(&red_ids)
    .fetch_all(db)
    .await?;
    Ok(Editable {
        rows,
        locked,
        red,
        targets,
    })
}

impl Editable {
    /// What checking a file needs: codes to ids, units and frequencies.
    pub fn catalogue(&self) -> Catalogue {
        let mut c = Catalogue::default();
        let mut last = None;
        for r in &self.rows {
            if last != Some(r.account_id) {
                c.add_account(&r.slug, r.account_id);
                last = Some(r.account_id);
            }
            if let (Some(id), Some(code), Some(unit), Some(frequency)) =
                (r.kpi_id, &r.code, r.unit, r.frequency)
            {
                c.add_kpi(
                    &r.slug,
                    code,
                    KpiRef {
                        id,
                        unit,
                        frequency,
                    },
                );
            }
        }
        for (account_id, month) in &self.locked {
            c.add_lock(*account_id, *month);
        }
        for r in &self.red {
            c.add_red_rule(
                r.id,
                RedRule {
                    target: r.target,
                    direction: r.direction,
                    thresholds: crate::scoring::Thresholds {
                        green_from: r.green_from,
                        amber_from: r.amber_from,
                    },
                },
            );
        }
        for (kpi, period, target) in &self.targets {
            c.add_target(*kpi, *period, *target);
        }
        c
    }

    /// The page's list: each account with its KPI codes.
    pub fn reference(&self, locale: Locale) -> Vec<AccountCodes> {
        let mut out: Vec<AccountCodes> = Vec::new();
        let mut last = None;
        for r in &self.rows {
            if last != Some(r.account_id) {
                out.push(AccountCodes {
                    name: r.name.clone(),
                    slug: r.slug.clone(),
                    kpis: Vec::new(),
                });
                last = Some(r.account_id);
            }
            if let (Some(code), Some(frequency), Some(fr), Some(en)) =
                (&r.code, r.frequency, &r.name_fr, &r.name_en)
                && let Some(account) = out.last_mut()
            {
                account.kpis.push(KpiCode {
                    code: code.clone(),
                    name: match locale {
                        Locale::Fr => fr.clone(),
                        Locale::En => en.clone(),
                    },
                    frequency_key: super::frequency_key(frequency),
                });
            }
        }
        out
    }
}
