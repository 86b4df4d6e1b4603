//! `/evaluations`: what clients have to look at, and what they dispute. Contested
//! values first (they wait for the KAM), then the latest values awaiting the client.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::extract::AccountsUser;
use crate::domain::{Frequency, Unit};
use crate::error::AppResult;
use crate::evaluation::rules::Status;
use crate::i18n::Locale;
use crate::kpis::units;
use crate::period::Period;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

#[derive(sqlx::FromRow)]
struct Row {
    account_id: i64,
    account_name: String,
    kpi_id: i64,
    name_fr: String,
    name_en: String,
    unit: Unit,
    frequency: Frequency,
    period: NaiveDate,
    value: f64,
    validation: Status,
    updated_at: DateTime<Utc>,
    contest: Option<String>,
    proposal: Option<f64>,
}

pub struct Item {
    pub account_id: i64,
    pub account_name: String,
    pub kpi_id: i64,
    pub kpi_name: String,
    pub period_code: String,
    pub period_label: String,
    pub value_text: String,
    pub status: &'static str,
    pub status_label: String,
    pub contest: String,
    pub proposal: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "evaluation/queue.html")]
pub struct QueuePage {
    pub ui: Ui,
    pub sections: Vec<Section>,
}

pub struct Section {
    pub id: &'static str,
    pub title_key: &'static str,
    pub items: Vec<Item>,
}

async fn items(state: &AppState, user: &crate::users::User, ui: &Ui) -> AppResult<Vec<Item>> {
    let all = crate::authz::sees_every_account(user);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id AS account_id, a.name AS account_name, k.id AS kpi_id, k.name_fr, k.name_en, k.unit, k.frequency, \
                v.period, v.value::float8 AS value, v.validation, v.updated_at, \
                (SELECT m.body FROM value_messages m WHERE m.value_id = v.id AND m.kind = 'contested' \
                  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS contest, \
                (SELECT m.proposed_value::float8 FROM value_messages m WHERE m.value_id = v.id AND m.kind = 'contested' \
                  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS proposal \
         FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id JOIN accounts a ON a.id = k.account_id \
         WHERE k.visibility <> 'internal' AND a.stage >= 3 \
           AND (v.validation = 'contested' \
                OR (v.validation = 'awaiting' AND v.period = (SELECT max(period) FROM kpi_values WHERE account_kpi_id = k.id))) \
           AND ($1 OR a.owner_id = $2 OR EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = $2)) \
         ORDER BY v.validation = 'contested' DESC, v.updated_at \
         LIMIT 1000",
    )
    .bind(all)
    .bind(user.id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let period = Period::from_start(r.frequency, r.period);
            Item {
                account_id: r.account_id,
                account_name: r.account_name,
                kpi_id: r.kpi_id,
                kpi_name: if ui.locale == Locale::Fr {
                    r.name_fr
                } else {
                    r.name_en
                },
                period_code: period.map(|p| p.code()).unwrap_or_default(),
                period_label: period.map(|p| p.label(ui.locale)).unwrap_or_default(),
                value_text: units::display(r.unit, r.value, ui.locale),
                status: r.validation.code(),
                status_label: ui.t(r.validation.label_key()),
                contest: r.contest.unwrap_or_default(),
                proposal: r
                    .proposal
                    .map(|v| units::display(r.unit, v, ui.locale))
                    .unwrap_or_default(),
                since: ui.date_of(&r.updated_at),
            }
        })
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<Response> {
    let all = items(&state, &user, &ui).await?;
    let (contested, awaiting): (Vec<Item>, Vec<Item>) =
        all.into_iter().partition(|i| i.status == "contested");
    let sections = vec![
        Section {
            id: "contested",
            title_key: "evaluation-queue-contested",
            items: contested,
        },
        Section {
            id: "awaiting",
            title_key: "evaluation-queue-awaiting",
            items: awaiting,
        },
    ];
    render(&QueuePage { ui, sections })
}

pub async fn csv(
    State(state): State<AppState>,
    AccountsUser(user): AccountsUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let all = items(&state, &user, &ui).await?;
    let mut out = Csv::new(&[
        ui.t("col-account"),
        ui.t("col-kpi"),
        ui.t("col-period"),
        ui.t("col-value"),
        ui.t("col-status"),
        ui.t("evaluation-contest"),
        ui.t("evaluation-proposal"),
    ])?;
    for i in all {
        out.row(&[
            i.account_name,
            i.kpi_name,
            i.period_code,
            i.value_text,
            i.status_label,
            i.contest,
            i.proposal,
        ])?;
    }
    out.finish("evaluations.csv")
}
