//! `GET /accounts/{id}/plan/relationships`: the relationship map — who reports
//! to whom among the client's contacts, drawn as an org chart (SVG, built on the
//! server by `orgchart.rs`) with the same facts in a table beside it, and the
//! coverage warnings: no executive sponsor, no decision maker, no champion
//! known. The links are set on the contacts page ("reports to").

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::orgchart::{self, Person};
use crate::accounts::{Account, VisibleAccount};
use crate::error::AppResult;
use crate::state::AppState;
use crate::voc::contacts::{self, ContactRow, label};
use crate::voc::network::{Attitude, Influence};
use crate::web::layout::Ui;
use crate::web::render;

pub struct Row {
    pub contact: ContactRow,
    pub manager: String,
    pub influence: String,
    pub attitude: String,
}

#[derive(Template)]
#[template(path = "plan/relationships.html")]
pub struct RelationshipsPage {
    pub ui: Ui,
    pub account: Account,
    pub rows: Vec<Row>,
    pub chart: String,
    /// Message keys of the roles nobody holds: the coverage warnings.
    pub warnings: Vec<&'static str>,
}

/// The roles a plan needs someone in, and whether someone holds them.
pub fn coverage(rows: &[ContactRow]) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !rows.iter().any(|c| c.executive_sponsor) {
        missing.push("relations-warning-sponsor");
    }
    if !rows
        .iter()
        .any(|c| c.influence == Influence::DecisionMaker.code())
    {
        missing.push("relations-warning-decision-maker");
    }
    if !rows.iter().any(|c| c.attitude == Attitude::Champion.code()) {
        missing.push("relations-warning-champion");
    }
    missing
}

/// `GET /accounts/{id}/plan/relationships`
pub async fn show(
    State(state): State<AppState>,
    VisibleAccount { account, .. }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let contacts = contacts::for_account(&state.db, account.id).await?;
    let warnings = coverage(&contacts);
    let rows: Vec<Row> = contacts
        .iter()
        .map(|c| Row {
            manager: c
                .reports_to
                .and_then(|m| contacts.iter().find(|x| x.id == m))
                .map(|m| m.name.clone())
                .unwrap_or_else(|| "—".into()),
            influence: label(&ui, Influence::parse(&c.influence).map(|v| v.label_key())),
            attitude: label(&ui, Attitude::parse(&c.attitude).map(|v| v.label_key())),
            contact: c.clone(),
        })
        .collect();
    let people: Vec<Person> = rows
        .iter()
        .map(|r| Person {
            id: r.contact.id,
            name: r.contact.name.clone(),
            title: r.contact.title.clone(),
            manager: r.contact.reports_to,
            words: format!("{} · {}", r.influence, r.attitude),
        })
        .collect();
    let chart = orgchart::svg(
        &people,
        &format!("{} — {}", ui.t("relations-chart"), account.name),
    );
    render(&RelationshipsPage {
        ui,
        account,
        rows,
        chart,
        warnings,
    })
}
