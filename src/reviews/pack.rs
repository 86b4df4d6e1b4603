//! The review pack: one builder for both audiences, producing a `Pack` of
//! already worded and formatted text that the printable page and the PDF lay out.
//!
//! - **Figures are the scorecard page's own**: the pack loads the board exactly as
//!   the scorecard (staff) or the portal (client) does — `scorecard::load_page`
//!   with the audience, i.e. the stored `scorecard_state` row of that audience —
//!   and words it with the page's own builder (`scorecard::page::build`), so a
//!   score or a value cannot be printed differently in the pack.
//! - **The client pack sees what the portal sees, by construction**: its KPIs and
//!   values come from the `Client` audience (`kpis::shared_for_account`, i.e.
//!   `authz::CLIENT_SEES_SQL`), its plan items from `plan::Scope::SharedOnly`
//!   (and only from the stage the portal shows the plan), its voice of the
//!   customer is aggregated (never anyone's words), as on `/portal/voc`.
//! - Frozen, the pack is stored as JSON beside its PDF: a frozen pack is never
//!   built again.

use std::sync::Arc;

use chrono::{Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::{Review, model};
use crate::accounts::Account;
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::period::Period;
use crate::scorecard::{self, Audience, Board};
use crate::scoring::{self, Rag};
use crate::users::User;
use crate::web::layout::Ui;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pack {
    /// "internal" or "client".
    pub audience: String,
    pub locale: String,
    pub supplier: String,
    pub client: String,
    pub title: String,
    pub kind: String,
    pub held_on: String,
    pub period: String,
    pub confidentiality: String,
    pub generated: String,
    pub supplier_attendees: Vec<Attendee>,
    pub client_attendees: Vec<Attendee>,
    pub agenda: Vec<String>,
    pub summary: Summary,
    pub chart: Chart,
    pub universes: Vec<PackUniverse>,
    pub voc: Voc,
    pub commitments: Vec<Commitment>,
    pub objectives: Vec<PlanItem>,
    pub actions: Vec<PlanItem>,
    pub decisions_sought: Vec<String>,
    pub appendix: Vec<Definition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub score: String,
    /// green | amber | red | none
    pub status: String,
    pub status_label: String,
    pub trend: String,
    /// What moved the score since last month (the scorecard's explanation).
    pub moved: Vec<Moved>,
    pub wins: Vec<Highlight>,
    pub misses: Vec<Highlight>,
    /// Share of the shared values the client validated ("—" when none).
    pub validation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Moved {
    pub name: String,
    pub points: String,
    pub up: bool,
    pub change: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Highlight {
    pub name: String,
    pub value: String,
    pub target: String,
}

/// The score over the last twelve months: labels and the score printed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chart {
    pub caption: String,
    pub labels: Vec<String>,
    pub scores: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackUniverse {
    pub label: String,
    pub score: String,
    pub status: String,
    pub status_label: String,
    pub rows: Vec<PackRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackRow {
    pub name: String,
    pub period: String,
    pub value: String,
    pub target: String,
    /// green | amber | red | stale | none (never shown alone: `status_label` says it).
    pub status: String,
    pub status_label: String,
    pub vs_quarter: String,
    pub vs_year: String,
    pub forecast: String,
    /// The client's verdict in words ("" for an internal KPI).
    pub validation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Voc {
    pub nps: String,
    pub respondents: String,
    pub margin: String,
    pub themes: Vec<String>,
    pub verbatims: Vec<Verbatim>,
    /// What the section leaves out and why (client pack: nobody's words).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verbatim {
    pub text: String,
    pub who: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Commitment {
    pub text: String,
    pub owner: String,
    pub due: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanItem {
    pub title: String,
    pub side: String,
    pub owner: String,
    pub due: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub definition: String,
    pub source: String,
    pub freshness: String,
}

impl Pack {
    pub fn is_client(&self) -> bool {
        self.audience == "client"
    }
}

/// Which pack: internal (everything) or client (what the portal shows).
pub fn audience(code: &str) -> Option<Audience> {
    match code {
        "internal" => Some(Audience::Internal),
        "client" => Some(Audience::Client),
        _ => None,
    }
}

/// A value a period earlier than `period` (same KPI), displayed; "—" if none.
fn earlier(
    values: &[&crate::values::ValueRow],
    period: NaiveDate,
    months: u32,
    unit: crate::domain::Unit,
    locale: Locale,
) -> String {
    period
        .checked_sub_months(Months::new(months))
        .and_then(|p| values.iter().find(|v| v.period == p))
        .map(|v| units::display(unit, v.value, locale))
        .unwrap_or_else(|| "—".into())
}

/// Builds the pack of `review` for `audience`, worded in `locale`. `user` is the
/// reader (for the layout context the scorecard's builder needs).
#[tracing::instrument(level = "debug", skip_all, fields(review_id = review.id))]
pub async fn build(
    db: &PgPool,
    account: &Account,
    review: &Review,
    audience: Audience,
    locale: Locale,
    user: Arc<User>,
) -> sqlx::Result<Pack> {
    let tz = crate::i18n::zone::current(db).await?;
    let ui = Ui::plain(locale, user, tz);
    let t = |k: &str| locale.t(k);
    let client = audience == Audience::Client;
    let month = scorecard::current_month();
    let loaded = scorecard::load_page(db, account.clone(), month, audience).await?;
    let board = Board::build(&loaded, month);
    // The scorecard page's own wording of every figure.
    let page = scorecard::page::build(ui, &board, false, None);
    let validation = crate::evaluation::validated_share(db, account.id)
        .await?
        .map(|v| format::percent(locale, format::Percent::new(v), 0))
        .unwrap_or_else(|| "—".into());

    // KPI rows, with vs last quarter / last year and the Holt forecast.
    let mut universes = Vec::new();
    let mut appendix = Vec::new();
    let mut graded: Vec<(Rag, f64, Highlight)> = Vec::new();
    for u in &page.universes {
        let mut rows = Vec::new();
        for r in &u.rows {
            let Some(k) = loaded.kpis.iter().find(|k| k.id == r.id) else {
                continue;
            };
            let values: Vec<&crate::values::ValueRow> = loaded
                .values
                .iter()
                .filter(|v| v.account_kpi_id == k.id && v.period <= board.as_of)
                .collect();
            let latest = values.last().map(|v| v.period);
            let (vs_quarter, vs_year) = match latest {
                Some(p) if k.frequency != crate::domain::Frequency::Yearly => (
                    earlier(&values, p, 3, k.unit, locale),
                    earlier(&values, p, 12, k.unit, locale),
                ),
                Some(p) => ("—".into(), earlier(&values, p, 12, k.unit, locale)),
                None => ("—".into(), "—".into()),
            };
            let history: Vec<f64> = values.iter().map(|v| v.value).collect();
            let forecast = crate::forecast::holt(&history, 1)
                .and_then(|f| f.points.first().map(|p| p.value))
                .map(|v| units::display(k.unit, v, locale))
                .unwrap_or_else(|| "—".into());
            if let Some(res) = board.now.kpi(k.id)
                && let Some(a) = res.attainment
                && matches!(res.rag, Rag::Green | Rag::Red | Rag::Amber)
            {
                graded.push((
                    res.rag,
                    a,
                    Highlight {
                        name: r.name.clone(),
                        value: r.value_text.clone(),
                        target: r.target_text.clone(),
                    },
                ));
            }
            rows.push(PackRow {
                name: r.name.clone(),
                period: r.period_label.clone(),
                value: r.value_text.clone(),
                target: r.target_text.clone(),
                status: r.rag.to_owned(),
                status_label: r.rag_label.clone(),
                vs_quarter,
                vs_year,
                forecast,
                validation: r.validation_label.clone(),
            });
            appendix.push(Definition {
                name: r.name.clone(),
                definition: r.description.clone(),
                source: r.domain_label.clone(),
                freshness: r.freshness_text.clone(),
            });
        }
        universes.push(PackUniverse {
            label: u.label.clone(),
            score: u.score_text.clone(),
            status: u.status.to_owned(),
            status_label: u.status_label.clone(),
            rows,
        });
    }
    // Wins: the best-attained green KPIs; misses: the worst red, then amber.
    let mut wins: Vec<&(Rag, f64, Highlight)> =
        graded.iter().filter(|g| g.0 == Rag::Green).collect();
    wins.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut misses: Vec<&(Rag, f64, Highlight)> = graded
        .iter()
        .filter(|g| matches!(g.0, Rag::Red | Rag::Amber))
        .collect();
    misses.sort_by(|a, b| {
        (a.0 != Rag::Red)
            .cmp(&(b.0 != Rag::Red))
            .then(a.1.total_cmp(&b.1))
    });
    let moved = page
        .contributions
        .iter()
        .chain(page.other_contributions.iter())
        .map(|c| Moved {
            name: c.name.clone(),
            points: c.points_text.clone(),
            up: c.up,
            change: if c.from_label.is_empty() {
                String::new()
            } else {
                format!("{} → {}", c.from_label, c.to_label)
            },
        })
        .collect();
    let summary = Summary {
        score: page.overall_text.clone(),
        status: page.overall_status.to_owned(),
        status_label: page.overall_status_label.clone(),
        trend: page.trend_text.clone(),
        moved,
        wins: wins.iter().take(3).map(|g| g.2.clone()).collect(),
        misses: misses.iter().take(3).map(|g| g.2.clone()).collect(),
        validation,
    };

    // The score over twelve months: history computed by `scoring` from the
    // values as they were (as the scorecard's earlier months are), today's
    // point the stored state the page printed.
    let chart = {
        let mut conn = db.acquire().await?;
        let full = scorecard::load_on(&mut conn, account.clone(), board.as_of, audience).await?;
        let months: Vec<Period> = month.last_n(12);
        let mut labels = Vec::new();
        let mut scores = Vec::new();
        for m in &months {
            labels.push(format::month(locale, m.start));
            let score = if *m == month {
                board.now.overall
            } else {
                let as_of = m.end();
                scoring::score(&scorecard::inputs(&full, as_of), &full.weights, as_of).overall
            };
            scores.push(score.map(scoring::shown));
        }
        Chart {
            caption: t("pack-chart-caption"),
            labels,
            scores,
        }
    };

    // Voice of the customer: the NPS of the last twelve months.
    let since = board.as_of - Months::new(12);
    let answers: Vec<i16> = sqlx::query_scalar(
        "SELECT nps FROM survey_responses WHERE account_id = $1 AND answered_at >= $2",
    )
    .bind(account.id)
    .bind(since)
    .fetch_all(db)
    .await?;
    let scores: Vec<u8> = answers.iter().map(|s| (*s).clamp(0, 10) as u8).collect();
    let nps = crate::voc::nps::nps(&scores);
    let theme_names = crate::voc::page::theme_names(db, locale).await?;
    let themes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT theme, count(*) FROM voc_verbatims v, unnest(coalesce(v.themes_corrected, v.themes)) theme \
         WHERE v.account_id = $1 AND v.said_on >= $2 GROUP BY theme ORDER BY count(*) DESC, theme LIMIT 3",
    )
    .bind(account.id)
    .bind(since)
    .fetch_all(db)
    .await?;
    let verbatims: Vec<(String, Option<String>, NaiveDate)> = if client {
        Vec::new()
    } else {
        sqlx::query_as(
            "SELECT v.body, c.name, v.said_on FROM voc_verbatims v LEFT JOIN contacts c ON c.id = v.contact_id \
             WHERE v.account_id = $1 AND v.said_on >= $2 AND length(v.body) BETWEEN 20 AND 400 \
             ORDER BY abs(coalesce(v.score, 0)) DESC, v.said_on DESC, v.id LIMIT 3",
        )
        .bind(account.id)
        .bind(since)
        .fetch_all(db)
        .await?
    };
    let voc = Voc {
        nps: nps
            .map(|n| format::number(locale, n.score, 0))
            .unwrap_or_else(|| "—".into()),
        respondents: nps.map(|n| n.n.to_string()).unwrap_or_else(|| "0".into()),
        margin: nps
            .map(|n| format!("± {}", format::number(locale, n.margin_of_error, 0)))
            .unwrap_or_else(|| "—".into()),
        themes: themes
            .iter()
            .map(|(code, n)| {
                let name = theme_names
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| code.clone());
                format!("{name} ({n})")
            })
            .collect(),
        verbatims: verbatims
            .into_iter()
            .map(|(text, who, on)| Verbatim {
                text,
                who: format!(
                    "{} · {}",
                    who.unwrap_or_else(|| t("pack-anonymous")),
                    format::date(locale, on)
                ),
            })
            .collect(),
        note: if client {
            t("pack-voc-client-note")
        } else {
            String::new()
        },
    };

    // The previous review's commitments and where each stands.
    let today = Utc::now().date_naive();
    let commitments = super::previous_commitments(db, account.id, review.id, review.held_on)
        .await?
        .into_iter()
        .map(|d| Commitment {
            status: commitment_status(locale, &d, today),
            text: d.body,
            owner: d.owner_name,
            due: format::date(locale, d.due),
        })
        .collect();

    // The plan: objectives and open actions on both sides (shared ones only for
    // the client, from the stage the portal shows the plan).
    let (mut objectives, mut actions) = (Vec::new(), Vec::new());
    let plan_shown = !client || crate::authz::client_reads_plan(account.stage);
    let plans = crate::plan::plans_of(db, account.id).await?;
    if plan_shown && let Some(plan) = crate::plan::current(&plans) {
        let scope = if client {
            crate::plan::Scope::SharedOnly
        } else {
            crate::plan::Scope::Everything
        };
        for o in crate::plan::objectives(db, plan, scope).await? {
            objectives.push(PlanItem {
                title: o.title,
                side: t(&format!("plan-side-{}", o.side)),
                owner: o.owner_name.unwrap_or_default(),
                due: format::date(locale, o.due),
                status: t(&format!("objective-{}", o.status)),
            });
        }
        for a in crate::plan::actions(db, plan, scope).await? {
            if !crate::plan::model::is_open(&a.status) {
                continue;
            }
            let side = if a.owner_kind == "supplier" {
                "ours"
            } else {
                "client"
            };
            actions.push(PlanItem {
                title: a.title,
                side: t(&format!("plan-side-{side}")),
                owner: a.owner_name,
                due: format::date(locale, a.due),
                status: if crate::plan::model::is_overdue(&a.status, a.due, today) {
                    t("pack-overdue")
                } else {
                    t(&format!("action-{}", a.status))
                },
            });
        }
    }

    let people = super::participants(db, review.id).await?;
    let attendees = |side: &str| {
        people
            .iter()
            .filter(|p| p.side == side)
            .map(|p| Attendee {
                name: p.name.clone(),
                role: if side == "supplier" {
                    role_label(locale, &p.role)
                } else {
                    p.role.clone()
                },
            })
            .collect()
    };
    let period = match (review.period_start, review.period_end) {
        (Some(s), Some(e)) => format!("{} – {}", format::date(locale, s), format::date(locale, e)),
        _ => "—".into(),
    };
    Ok(Pack {
        audience: audience.code().to_owned(),
        locale: locale.code().to_owned(),
        supplier: t("pack-supplier-name"),
        client: account.name.clone(),
        title: review.title.clone(),
        kind: t(&review.kind_key()),
        held_on: format::date(locale, review.held_on),
        period,
        confidentiality: t(if client {
            "pack-confidential-client"
        } else {
            "pack-confidential-internal"
        }),
        generated: locale.t_args(
            "pack-generated",
            &[("date", format::datetime(locale, Utc::now(), tz).into())],
        ),
        supplier_attendees: attendees("supplier"),
        client_attendees: attendees("client"),
        agenda: model::lines(&review.agenda),
        summary,
        chart,
        universes,
        voc,
        commitments,
        objectives,
        actions,
        decisions_sought: model::lines(&review.decisions_sought),
        appendix,
    })
}

/// Where a commitment stands: its plan action's status, else due or overdue.
fn commitment_status(locale: Locale, d: &super::Decision, today: NaiveDate) -> String {
    match &d.action_status {
        Some(s) if crate::plan::model::is_overdue(s, d.due, today) => locale.t("pack-overdue"),
        Some(s) => locale.t(&format!("action-{s}")),
        None if d.due < today => locale.t("pack-commitment-untracked-late"),
        None => locale.t("pack-commitment-untracked"),
    }
}

/// A supplier attendee's role: the team function, or "key account manager".
pub fn role_label(locale: Locale, role: &str) -> String {
    if role == "kam" {
        locale.t("review-role-kam")
    } else {
        locale.t(&format!("teamfunction-{}", role.replace('_', "-")))
    }
}
