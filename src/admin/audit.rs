//! `/admin/audit`: the audit trail for administrators, newest first, filtered by
//! action and account (both in the URL, so a filtered view can be linked), a
//! hundred entries a page with an "older" link (keyset on the id: no offset scans
//! over a log that only grows), and the same rows as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;

use crate::accounts;
use crate::audit::Action;
use crate::auth::extract::AdminUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

/// Entries per page.
const PER_PAGE: i64 = 100;
/// Most rows in one CSV file.
const CSV_MAX: i64 = 50_000;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub action: String,
    pub account: String,
    /// Entries older than this id (the "older" link).
    pub before: String,
}

/// The query's filters, parsed: anything unknown is simply no filter.
struct Filter {
    action: Option<Action>,
    account: Option<i64>,
    before: Option<i64>,
}

impl AuditQuery {
    fn filter(&self) -> Filter {
        Filter {
            action: Action::parse(&self.action),
            account: self.account.trim().parse().ok(),
            before: self.before.trim().parse().ok(),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    who: Option<String>,
    action: String,
    account_name: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    ip: Option<String>,
}

async fn rows(db: impl PgExecutor<'_>, f: &Filter, limit: i64) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT l.id, l.at, coalesce(u.email, l.actor_email) AS who, l.action, a.name AS account_name, \
                l.entity, l.entity_id, l.before, l.after, host(l.ip) AS ip \
         FROM audit_log l \
         LEFT JOIN users u ON u.id = l.actor_id \
         LEFT JOIN accounts a ON a.id = l.account_id \
         WHERE ($1::text IS NULL OR l.action = $1) \
           AND ($2::bigint IS NULL OR l.account_id = $2) \
           AND ($3::bigint IS NULL OR l.id < $3) \
         ORDER BY l.id DESC LIMIT $4",
    )
    .bind(f.action.map(Action::code))
    .bind(f.account)
    .bind(f.before)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub struct Entry {
    pub when: String,
    pub who: String,
    pub action: String,
    pub account: String,
    pub entity: String,
    pub change: String,
    pub ip: String,
}

/// The label of a stored action; a code this version no longer knows stays readable.
fn action_label(ui: &Ui, code: &str) -> String {
    Action::parse(code).map_or_else(|| code.to_owned(), |a| ui.t(&a.label_key()))
}

/// Before → after, compact: what changed is what an auditor reads first.
fn change(before: &Option<serde_json::Value>, after: &Option<serde_json::Value>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => a.to_string(),
        (Some(b), None) => format!("{b} → ∅"),
        (None, None) => String::new(),
    }
}

fn entry(ui: &Ui, r: &Row) -> Entry {
    Entry {
        when: ui.datetime(&r.at),
        who: r.who.clone().unwrap_or_default(),
        action: action_label(ui, &r.action),
        account: r.account_name.clone().unwrap_or_default(),
        entity: match (&r.entity, &r.entity_id) {
            (Some(e), Some(id)) => format!("{e} {id}"),
            (Some(e), None) => e.clone(),
            _ => String::new(),
        },
        change: change(&r.before, &r.after),
        ip: r.ip.clone().unwrap_or_default(),
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub ui: Ui,
    pub entries: Vec<Entry>,
    pub actions: Vec<Choice>,
    pub accounts: Vec<Choice>,
    /// The "older entries" link, when there are more.
    pub older: Option<String>,
    /// The CSV of the same filters.
    pub csv: String,
}

fn filter_query(f: &Filter) -> String {
    let mut q = Vec::new();
    if let Some(a) = f.action {
        q.push(format!("action={}", a.code()));
    }
    if let Some(a) = f.account {
        q.push(format!("account={a}"));
    }
    q.join("&")
}

pub async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let f = q.filter();
    let mut found = rows(&state.db, &f, PER_PAGE + 1).await?;
    let more = found.len() as i64 > PER_PAGE;
    found.truncate(PER_PAGE as usize);
    let base = filter_query(&f);
    let older = match (more, found.last()) {
        (true, Some(last)) if base.is_empty() => Some(format!("/admin/audit?before={}", last.id)),
        (true, Some(last)) => Some(format!("/admin/audit?{base}&before={}", last.id)),
        _ => None,
    };
    let mut actions: Vec<Choice> = Action::ALL
        .iter()
        .map(|a| Choice {
            value: a.code().to_owned(),
            label: ui.t(&a.label_key()),
            selected: f.action == Some(*a),
        })
        .collect();
    actions.sort_by(|a, b| a.label.cmp(&b.label));
    let accounts = accounts::options(&state.db)
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            value: id.to_string(),
            label: name,
            selected: f.account == Some(id),
        })
        .collect();
    let entries = found.iter().map(|r| entry(&ui, r)).collect();
    let csv = if base.is_empty() {
        "/admin/audit.csv".to_owned()
    } else {
        format!("/admin/audit.csv?{base}")
    };
    render(&AuditPage {
        ui,
        entries,
        actions,
        accounts,
        older,
        csv,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    _admin: AdminUser,
    ui: Ui,
    Query(q): Query<AuditQuery>,
) -> AppResult<CsvResponse> {
    let f = q.filter();
    let found = rows(&state.db, &f, CSV_MAX).await?;
    let mut out = Csv::new(&[
        "id".into(),
        ui.t("audit-col-when"),
        ui.t("audit-col-who"),
        "action".into(),
        ui.t("audit-col-action"),
        ui.t("audit-col-account"),
        ui.t("audit-col-entity"),
        ui.t("audit-col-change"),
        ui.t("audit-col-ip"),
    ])?;
    for r in &found {
        let e = entry(&ui, r);
        out.row(&[
            r.id.to_string(),
            r.at.to_rfc3339(),
            e.who,
            r.action.clone(),
            e.action,
            e.account,
            e.entity,
            e.change,
            e.ip,
        ])?;
    }
    out.finish("audit.csv")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn change_reads_before_then_after() {
        assert_eq!(change(&Some(json!(1)), &Some(json!(2))), "1 → 2");
        assert_eq!(change(&None, &Some(json!({"a": 1}))), r#"{"a":1}"#);
        assert_eq!(change(&None, &None), "");
    }

    #[test]
    fn filters_ignore_what_they_do_not_know() {
        let f = AuditQuery {
            action: "no.such".into(),
            account: "x".into(),
            before: "12".into(),
        }
        .filter();
        assert!(f.action.is_none() && f.account.is_none());
        assert_eq!(f.before, Some(12));
        assert_eq!(
            filter_query(
                &AuditQuery {
                    action: "auth.login".into(),
                    account: "3".into(),
                    before: String::new()
                }
                .filter()
            ),
            "action=auth.login&account=3"
        );
    }
}
