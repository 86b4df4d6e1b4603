//! Demo data requests for the month being collected (the previous month): some
//! answered on time, some late, some missing past their due date and some still
//! open, so that the inbox, the completion views and the director's page show
//! every state. A request still open or missing has no value yet (the demo value
//! of that month is taken back).

use chrono::{Days, NaiveDate, TimeZone, Utc};
use sqlx::PgConnection;

use crate::authz;
use crate::domain::Frequency;
use crate::period::Period;

/// Requests per state (on time, late, missing, open).
const PER_STATE: usize = 3;

pub async fn load(tx: &mut PgConnection, today: NaiveDate) -> sqlx::Result<()> {
    let month = Period::containing(Frequency::Monthly, today).prev();
    let kpis: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT k.id, k.owner_id, a.owner_id FROM account_kpis k \
         JOIN accounts a ON a.id = k.account_id JOIN users u ON u.id = k.owner_id \
         WHERE k.frequency = 'monthly' AND {} ORDER BY a.id, k.id",
        authz::ASKABLE_OWNER_SQL
    ))
    .fetch_all(&mut *tx)
    .await?;
    // The earliest a value can be due is the day after the month ends.
    let first = month.end().succ_opt().unwrap_or(today);
    let day = |back: u64| {
        today
            .checked_sub_days(Days::new(back))
            .unwrap_or(today)
            .max(first)
    };
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(10, 0, 0).unwrap_or_default());
    for (i, (kpi, owner, kam)) in kpis.iter().take(4 * PER_STATE).enumerate() {
        // Cycle through the states so each account shows a mix.
        let (due, fulfilled) = match i % 4 {
            0 => (day(2), Some(at(day(3)))),
            1 => {
                let due = day(5);
                (
                    due,
                    Some(at(due
                        .checked_add_days(Days::new(2))
                        .unwrap_or(due)
                        .min(today))),
                )
            }
            2 => (day(3), None),
            _ => (today.checked_add_days(Days::new(4)).unwrap_or(today), None),
        };
        if fulfilled.is_none() {
            sqlx::query("DELETE FROM kpi_value_history WHERE account_kpi_id = $1 AND period = $2")
                .bind(kpi)
                .bind(month.start)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM kpi_values WHERE account_kpi_id = $1 AND period = $2")
                .bind(kpi)
                .bind(month.start)
                .execute(&mut *tx)
                .await?;
        }
        // Every other request is the schedule's, the rest the KAM's.
        let by = if i % 2 == 0 { None } else { *kam };
        sqlx::query(
            "INSERT INTO data_requests (account_kpi_id, period, owner_id, requested_by, due_on, note, \
                                        fulfilled_at, fulfilled_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 IS NULL THEN NULL ELSE $3 END, $8) \
             ON CONFLICT (account_kpi_id, period) DO NOTHING",
        )
        .bind(kpi)
        .bind(month.start)
        .bind(owner)
        .bind(by)
        .bind(due)
        .bind(if by.is_some() { "Pour la revue d'affaires" } else { "" })
        .bind(fulfilled)
        .bind(at(first))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
