//! `/inbox`: the KPIs a person supplies figures for (they own them), with what is
//! due. A contributor enters values from here without seeing the rest of the
//! scorecard.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;

use crate::auth::extract::InboxUser;
use crate::domain::Frequency;
use crate::error::AppResult;
use crate::kpis::units;
use crate::period::Period;
use crate::state::AppState;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(sqlx::FromRow)]
struct Owned {
    kpi_id: i64,
    account_id: i64,
    account_name: String,
    name_fr: String,
    name_en: String,
    unit: crate::domain::Unit,
    frequency: Frequency,
    latest_period: Option<NaiveDate>,
    latest_value: Option<f64>,
}

pub struct Item {
    pub kpi_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub name: String,
    pub latest: String,
    pub due_period: String,
    pub due_label: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "inbox/index.html")]
pub struct InboxPage {
    pub ui: Ui,
    pub items: Vec<Item>,
    /// Open data requests to this person, soonest due first, answered in place.
    pub requests: Vec<crate::requests::RequestView>,
}

pub async fn page(
    State(state): State<AppState>,
    InboxUser(user): InboxUser,
    ui: Ui,
) -> AppResult<Response> {
    let rows: Vec<Owned> = sqlx::query_as(
        "SELECT k.id AS kpi_id, a.id AS account_id, a.name AS account_name, k.name_fr, k.name_en, k.unit, \
                k.frequency, lv.period AS latest_period, lv.value::float8 AS latest_value \
         FROM account_kpis k JOIN accounts a ON a.id = k.account_id \
         LEFT JOIN LATERAL (SELECT period, value FROM kpi_values v WHERE v.account_kpi_id = k.id \
                            ORDER BY period DESC LIMIT 1) lv ON true \
         WHERE k.owner_id = $1 ORDER BY a.name, k.universe, k.position",
    )
    .bind(user.id)
    .fetch_all(&state.db)
    .await?;
    let today = state.clock.today();
    let requests = crate::requests::store::open_for_owner(&state.db, user.id)
        .await?
        .iter()
        .map(|r| crate::requests::view(&ui, r, today))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            // The period due is the last complete one (figures arrive after a period closes).
            let due = Period::containing(r.frequency, today).prev();
            let overdue = r.latest_period.is_none_or(|p| p < due.start);
            Item {
                kpi_id: r.kpi_id,
                account_id: r.account_id,
                account_name: r.account_name,
                name: match ui.locale {
                    crate::i18n::Locale::Fr => r.name_fr,
                    crate::i18n::Locale::En => r.name_en,
                },
                latest: match (
                    r.latest_value,
                    r.latest_period
                        .and_then(|p| Period::from_start(r.frequency, p)),
                ) {
                    (Some(v), Some(p)) => format!(
                        "{} ({})",
                        units::display(r.unit, v, ui.locale),
                        p.label(ui.locale)
                    ),
                    _ => "—".into(),
                },
                due_period: due.code(),
                due_label: due.label(ui.locale),
                overdue,
            }
        })
        .collect();
    render(&InboxPage {
        ui,
        items,
        requests,
    })
}
