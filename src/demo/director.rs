//! Demo data of the director's pages: business reviews, opportunities, account
//! plan objectives, yearly financials and acquisition costs, the GE-McKinsey
//! criteria with two rating dates for every account, and planted drivers of NPS.
//!
//! PLANTED DRIVERS (what `/drivers?outcome=nps` must find at the top):
//! - `otif` (positive): each quarterly NPS value is rewritten as
//!   `38 + 3.0·(otif_q − 95) − 3.0·(response_time_q − 8) + noise(±3)`, where
//!   `otif_q` and `response_time_q` are the means of the account's monthly values
//!   in that quarter (8 hours when the account has no response-time KPI);
//! - `response_time` (negative: slower answers, lower NPS).
//!
//! Nothing else is planted: any other KPI that shows up is chance or shared trend.
//! Values with a comment (the planted stories of `scorecard.rs`) are left alone.

use chrono::{Datelike, Months, NaiveDate, Utc};
use sqlx::PgConnection;

use super::ACCOUNTS;

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A deterministic number in [0, 1) from a label.
fn unit(label: &str) -> f64 {
    (fnv(label) % 10_000) as f64 / 10_000.0
}

pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    plant_drivers(tx).await?;
    let today = Utc::now().date_naive();
    let accounts: Vec<(i64, String, String, Option<NaiveDate>)> =
        sqlx::query_as("SELECT id, slug, tier::text, relationship_start FROM accounts ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    for (id, slug, tier, since) in &accounts {
        let key = tier == "key_account";
        reviews(tx, *id, slug, key, today).await?;
        opportunities(tx, *id, slug, key, today).await?;
        if key {
            objectives(tx, *id, slug, today).await?;
        }
        financials(tx, *id, slug, since.unwrap_or(today), today).await?;
    }
    selection(tx, today).await?;
    Ok(())
}

async fn plant_drivers(tx: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query(
        "WITH q AS ( \
             SELECT k.account_id, date_trunc('quarter', v.period)::date AS quarter, \
                    avg(v.value) FILTER (WHERE k.code = 'otif')::float8 AS otif, \
                    avg(v.value) FILTER (WHERE k.code = 'response_time')::float8 AS rt \
             FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
             WHERE k.code IN ('otif', 'response_time') GROUP BY 1, 2) \
         UPDATE kpi_values v SET value = round(greatest(-100, least(100, \
                38 + 3.0 * (q.otif - 95) - 3.0 * (COALESCE(q.rt, 8) - 8) \
                + ((abs(hashtext(a.slug || v.period::text)) % 600) / 100.0 - 3))))::numeric \
         FROM account_kpis k, accounts a, q \
         WHERE v.account_kpi_id = k.id AND k.code = 'nps' AND a.id = k.account_id \
           AND q.account_id = k.account_id AND q.quarter = v.period AND q.otif IS NOT NULL \
           AND v.comment = ''",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn reviews(
    tx: &mut PgConnection,
    id: i64,
    slug: &str,
    key: bool,
    today: NaiveDate,
) -> sqlx::Result<()> {
    // Key accounts meet twice a year; others once a year, some not for long.
    let gaps: &[u32] = if key { &[2, 8, 14] } else { &[11, 23] };
    for (i, months) in gaps.iter().enumerate() {
        let shift = (unit(&format!("{slug}-review-{i}")) * 40.0) as u64;
        let held = today - Months::new(*months) - chrono::Days::new(shift);
        sqlx::query(
            "INSERT INTO business_reviews (account_id, held_on, title, notes) VALUES ($1, $2, $3, '')",
        )
        .bind(id)
        .bind(held)
        .bind(if key {
            "Revue d’affaires semestrielle"
        } else {
            "Revue annuelle"
        })
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn opportunities(
    tx: &mut PgConnection,
    id: i64,
    slug: &str,
    key: bool,
    today: NaiveDate,
) -> sqlx::Result<()> {
    let n = if key { 6 } else { 3 };
    for i in 0..n {
        let u = unit(&format!("{slug}-opp-{i}"));
        let opened = today - Months::new(2 + (i * 7) as u32) - chrono::Days::new((u * 20.0) as u64);
        let (outcome, closed) = if i == 0 {
            ("open", None)
        } else if u < if key { 0.62 } else { 0.4 } {
            (
                "won",
                Some(opened + chrono::Days::new(45 + (u * 120.0) as u64)),
            )
        } else {
            (
                "lost",
                Some(opened + chrono::Days::new(60 + (u * 90.0) as u64)),
            )
        };
        let closed = closed.map(|c: NaiveDate| c.min(today));
        sqlx::query(
            "INSERT INTO opportunities (account_id, name, value, opened_on, closed_on, outcome, innovation) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(format!("Opportunité {}", i + 1))
        .bind(rust_decimal::Decimal::from((50_000.0 + u * 400_000.0) as i64))
        .bind(opened)
        .bind(closed)
        .bind(outcome)
        .bind(key && i % 3 == 1)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn objectives(
    tx: &mut PgConnection,
    id: i64,
    slug: &str,
    today: NaiveDate,
) -> sqlx::Result<()> {
    let items = [
        (
            "Développer la part de portefeuille",
            Some("share_of_wallet"),
            false,
        ),
        ("Fiabiliser les livraisons (OTIF)", Some("otif"), false),
        ("Lancer un projet d’innovation conjoint", None, true),
        ("Revue de direction trimestrielle", None, false),
    ];
    for (i, (title, code, innovation)) in items.iter().enumerate() {
        let u = unit(&format!("{slug}-obj-{i}"));
        let status = match u {
            u if u < 0.45 => "on_track",
            u if u < 0.65 => "done",
            u if u < 0.85 => "at_risk",
            _ => "off_track",
        };
        let due =
            today + Months::new(2 + (i as u32) * 3) - Months::new(if i == 0 { 12 } else { 0 });
        sqlx::query(
            "INSERT INTO account_objectives (account_id, title, kpi_code, due, status, innovation) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(*title)
        .bind(*code)
        .bind(due)
        .bind(status)
        .bind(*innovation)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn financials(
    tx: &mut PgConnection,
    id: i64,
    slug: &str,
    since: NaiveDate,
    today: NaiveDate,
) -> sqlx::Result<()> {
    // The last complete year is the revenue KPI's last 12 months, rounded.
    let last12: Option<f64> = sqlx::query_scalar(
        "SELECT sum(v.value)::float8 FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.account_id = $1 AND k.code = 'revenue' AND v.period > $2",
    )
    .bind(id)
    .bind(today - Months::new(12))
    .fetch_one(&mut *tx)
    .await?;
    let base = last12.unwrap_or(500_000.0);
    let last_year = today.year() - 1;
    let first = since.year().max(last_year - 7);
    let growth = 0.02 + unit(&format!("{slug}-growth")) * 0.08;
    let margin_rate = 0.24 + unit(&format!("{slug}-margin")) * 0.12;
    for year in first..=last_year {
        let back = last_year - year;
        let wobble = 1.0 + (unit(&format!("{slug}-{year}")) - 0.5) * 0.06;
        let revenue = (base / (1.0 + growth).powi(back) * wobble).round();
        let retention = (revenue * (0.03 + unit(&format!("{slug}-ret")) * 0.03)).round();
        sqlx::query(
            "INSERT INTO account_financials (account_id, year, revenue, gross_margin, retention_cost) \
             VALUES ($1, $2, $3::float8::numeric, $4::float8::numeric, $5::float8::numeric)",
        )
        .bind(id)
        .bind(year)
        .bind(revenue)
        .bind((revenue * margin_rate).round())
        .bind(retention)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE accounts SET acquisition_cost = $2::float8::numeric WHERE id = $1")
        .bind(id)
        .bind((base * (0.05 + unit(&format!("{slug}-acq")) * 0.1)).round())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Axis, name, weight, and for a quantitative criterion (KPI code, low, high).
type DemoCriterion = (
    &'static str,
    &'static str,
    i32,
    Option<(&'static str, f64, f64)>,
);

/// The criteria of both axes and two rating dates (seven months and one month ago).
async fn selection(tx: &mut PgConnection, today: NaiveDate) -> anyhow::Result<()> {
    let criteria: &[DemoCriterion] = &[
        (
            "attractiveness",
            "Chiffre d’affaires",
            30,
            Some(("revenue", 20_000.0, 1_000_000.0)),
        ),
        (
            "attractiveness",
            "Croissance",
            20,
            Some(("revenue_growth", -2.0, 10.0)),
        ),
        ("attractiveness", "Capacité à innover", 20, None),
        ("attractiveness", "Présence internationale", 15, None),
        (
            "attractiveness",
            "Prêt à partager un tableau de bord",
            15,
            None,
        ),
        (
            "strength",
            "Part de portefeuille",
            30,
            Some(("share_of_wallet", 10.0, 60.0)),
        ),
        ("strength", "Qualité de la relation", 30, None),
        (
            "strength",
            "Qualité de service (OTIF)",
            20,
            Some(("otif", 85.0, 99.0)),
        ),
        ("strength", "Profondeur du réseau", 20, None),
    ];
    let mut ids = Vec::new();
    for (i, (axis, name, weight, kpi)) in criteria.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO selection_criteria (axis, name, weight, source, kpi_code, low, high, position) \
             VALUES ($1, $2, $3, $4, $5, $6::float8::numeric, $7::float8::numeric, $8) RETURNING id",
        )
        .bind(axis)
        .bind(name)
        .bind(weight)
        .bind(if kpi.is_some() { "kpi" } else { "rating" })
        .bind(kpi.map(|k| k.0))
        .bind(kpi.map(|k| k.1))
        .bind(kpi.map(|k| k.2))
        .bind(i as i32)
        .fetch_one(&mut *tx)
        .await?;
        ids.push((id, kpi.map(|k| k.0)));
    }
    let director: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'direction@boussole.example'")
            .fetch_optional(&mut *tx)
            .await?;
    for a in ACCOUNTS {
        let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE slug = $1")
            .bind(a.slug)
            .fetch_one(&mut *tx)
            .await?;
        // Key accounts rate high, managed ones low; candidates in between.
        let level = match a.tier {
            "key_account" => 3.8,
            "candidate" => 3.4,
            _ => 2.0,
        };
        for (v, months) in [(0, 7u32), (1, 1u32)] {
            let rated_on = today - Months::new(months);
            let rating: i64 = sqlx::query_scalar(
                "INSERT INTO selection_ratings (account_id, rated_on, rated_by) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(account)
            .bind(rated_on)
            .bind(director)
            .fetch_one(&mut *tx)
            .await?;
            for (cid, code) in &ids {
                match code {
                    None => {
                        let u = unit(&format!("{}-{cid}-{v}", a.slug));
                        let r = (level + (u - 0.5) * 2.4).round().clamp(1.0, 5.0) as i16;
                        sqlx::query(
                            "INSERT INTO selection_scores (rating_id, criterion_id, rating) VALUES ($1, $2, $3)",
                        )
                        .bind(rating)
                        .bind(cid)
                        .bind(r)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Some(code) => {
                        // The KPI's latest value as of the rating date.
                        let value: Option<f64> = sqlx::query_scalar(
                            "SELECT v.value::float8 FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
                             WHERE k.account_id = $1 AND k.code = $2 AND v.period <= $3 \
                             ORDER BY v.period DESC LIMIT 1",
                        )
                        .bind(account)
                        .bind(code)
                        .bind(rated_on)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(value) = value {
                            sqlx::query(
                                "INSERT INTO selection_scores (rating_id, criterion_id, kpi_value) \
                                 VALUES ($1, $2, $3::float8::numeric)",
                            )
                            .bind(rating)
                            .bind(cid)
                            .bind(value)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
