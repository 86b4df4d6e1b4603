//! `/accounts/{id}/scorecard.csv`: the scorecard as the page shows it, one row per KPI.

use axum::extract::{Query, State};

use crate::accounts::VisibleAccount;
use crate::error::AppResult;
use crate::scorecard::page::{PeriodQuery, month_from};
use crate::scorecard::{self, Board};
use crate::scoring::Rag;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;

pub async fn export(
    State(state): State<AppState>,
    VisibleAccount { user: _, account }: VisibleAccount,
    ui: Ui,
    Query(q): Query<PeriodQuery>,
) -> AppResult<CsvResponse> {
    let _id = account.id;
    let month = month_from(&q)?;
    let loaded =
        scorecard::load_page(&state.db, account, month, scorecard::Audience::Internal).await?;
    write(&ui, &Board::build(&loaded, month))
}

/// The board as CSV: shared by the staff export and the portal's (which builds its
/// board from shared KPIs only).
pub fn write(ui: &Ui, board: &Board) -> AppResult<CsvResponse> {
    let slug = board.loaded.account.slug.clone();
    let month = board.month;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("kpi-universe"),
        t("col-code"),
        t("col-kpi"),
        t("col-period"),
        t("col-value"),
        t("col-target"),
        t("col-attainment"),
        t("col-status"),
        t("col-domain"),
        t("kpi-visibility"),
        t("col-updated"),
    ])?;
    for row in &board.rows {
        let k = row.kpi;
        let result = board.now.kpi(k.id);
        out.row(&[
            t(&k.universe.label_key()),
            k.code.clone(),
            k.name(ui.locale).to_owned(),
            row.latest_period.map(|p| p.code()).unwrap_or_default(),
            row.latest.map(|v| v.value.to_string()).unwrap_or_default(),
            row.target.to_string(),
            result
                .and_then(|r| r.attainment)
                .map(|a| crate::i18n::format::Share::new(a).csv(1))
                .unwrap_or_default(),
            t(result.map(|r| r.rag).unwrap_or(Rag::None).label_key()),
            k.domain.code().to_owned(),
            k.visibility.code().to_owned(),
            row.latest
                .map(|v| v.updated_at.to_rfc3339())
                .unwrap_or_default(),
        ])?;
    }
    out.finish(&format!("scorecard-{slug}-{}.csv", month.code()))
}
