//! `/selection`: choosing the key accounts. Each account's two axis scores
//! (attractiveness, strength of our position) from the director's weighted
//! criteria, its cell in the GE-McKinsey 3×3 matrix, how it moved since its
//! previous rating, and warnings on the size and balance of the portfolio.

pub mod criteria;
pub mod data;
pub mod rating;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::{self, AccountSummary, Tier};
use crate::auth::extract::PortfolioUser;
use crate::charts::{MatrixPoint, matrix_chart};
use crate::director::matrix::{self, AccountPlacement, Axis, Cell, Warning};
use crate::error::AppResult;
use crate::portfolio::data as pdata;
use crate::state::AppState;
use crate::users::User;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::render;

pub struct Placed {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    pub owner: String,
    pub owner_id: Option<i64>,
    pub attractiveness: f64,
    pub strength: f64,
    pub cell: Cell,
    pub rated_on: chrono::NaiveDate,
    pub previous: Option<(f64, f64)>,
    pub movement: matrix::Movement,
    pub missing: usize,
}

/// Every visible account with a rating, placed on the matrix.
pub async fn placements(
    state: &AppState,
    user: &User,
) -> AppResult<(Vec<AccountSummary>, Vec<Placed>)> {
    let all = accounts::visible_to(&state.db, user).await?;
    let crit: Vec<matrix::Criterion> = data::criteria(&state.db)
        .await?
        .into_iter()
        .map(|c| c.criterion)
        .collect();
    let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
    let owners: std::collections::HashMap<i64, Option<i64>> =
        sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT id, owner_id FROM accounts WHERE id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&state.db)
        .await?
        .into_iter()
        .collect();
    let versions = data::latest_versions(&state.db, &ids).await?;
    let scores = |v: &data::Version| {
        let a = matrix::axis_score(&crit, &v.inputs, Axis::Attractiveness)?;
        let s = matrix::axis_score(&crit, &v.inputs, Axis::Strength)?;
        Some((a.score, s.score, a.missing.len() + s.missing.len()))
    };
    let mut placed = Vec::new();
    for a in &all {
        let Some(vs) = versions.get(&a.id) else {
            continue;
        };
        let Some(latest) = vs.first() else { continue };
        let Some((att, str_, missing)) = scores(latest) else {
            continue;
        };
        let previous = vs.get(1).and_then(scores).map(|(a, s, _)| (a, s));
        placed.push(Placed {
            id: a.id,
            name: a.name.clone(),
            tier: a.tier,
            owner: a.owner_name.clone().unwrap_or_default(),
            owner_id: owners.get(&a.id).copied().flatten(),
            attractiveness: att,
            strength: str_,
            cell: Cell::from_scores(att, str_),
            rated_on: latest.rated_on,
            previous,
            movement: matrix::movement(previous, (att, str_)),
            missing,
        });
    }
    Ok((all, placed))
}

pub struct RowView {
    pub id: i64,
    pub name: String,
    pub tier_label: String,
    pub owner: String,
    pub attractiveness: String,
    pub strength: String,
    /// "high-medium": attractiveness band, strength band
    pub cell: String,
    pub cell_label: String,
    pub reading: &'static str,
    pub reading_label: String,
    pub moved: String,
    pub direction: &'static str,
    pub rated_on: String,
    pub can_rate: bool,
}

pub struct WarningView {
    pub code: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "selection/index.html")]
pub struct SelectionPage {
    pub ui: Ui,
    pub svg: String,
    pub rows: Vec<RowView>,
    pub warnings: Vec<WarningView>,
    pub unrated: Vec<(i64, String, bool)>,
    pub is_director: bool,
    pub max_key_accounts: i32,
    pub criteria: Vec<(String, String, u32, String)>,
}

fn band_label(ui: &Ui, b: matrix::Band) -> String {
    ui.t(&format!("band-{}", b.code()))
}

pub fn cell_label(ui: &Ui, c: Cell) -> String {
    format!(
        "{} {} · {} {}",
        ui.t("axis-attractiveness"),
        band_label(ui, c.attractiveness),
        ui.t("axis-strength"),
        band_label(ui, c.strength)
    )
}

fn warning_text(
    ui: &Ui,
    w: &Warning,
    name: &dyn Fn(i64) -> String,
    kam: &dyn Fn(i64) -> String,
) -> String {
    let l = ui.locale;
    match w {
        Warning::TooManyKeyAccounts { count, max } => l.t_args(
            "selection-warn-too-many",
            &[
                ("count", (*count as i64).into()),
                ("max", (*max as i64).into()),
            ],
        ),
        Warning::KamOverloaded {
            kam: k,
            count,
            fair_share,
        } => l.t_args(
            "selection-warn-kam-overloaded",
            &[
                ("kam", kam(*k).into()),
                ("count", (*count as i64).into()),
                ("share", ui.num(*fair_share, 1).into()),
            ],
        ),
        Warning::KeyAccountWithoutKam { id } => {
            l.t_args("selection-warn-no-kam", &[("account", name(*id).into())])
        }
        Warning::KeyAccountPlacedLow { id } => l.t_args(
            "selection-warn-placed-low",
            &[("account", name(*id).into())],
        ),
        Warning::Candidate { id } => {
            l.t_args("selection-warn-candidate", &[("account", name(*id).into())])
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<Response> {
    let (all, placed) = placements(&state, &user).await?;
    let settings = pdata::settings(&state.db).await?;
    let is_director = crate::authz::allows(user.role, crate::authz::Area::Direction);
    let can_rate = |owner: Option<i64>| is_director || owner == Some(user.id);
    let owners: std::collections::HashMap<i64, Option<i64>> =
        placed.iter().map(|p| (p.id, p.owner_id)).collect();
    let warnings = matrix::warnings(
        &placed
            .iter()
            .map(|p| AccountPlacement {
                id: p.id,
                tier_is_key: p.tier == Tier::KeyAccount,
                kam: p.owner_id,
                cell: p.cell,
            })
            .collect::<Vec<_>>(),
        settings.max_key_accounts.max(1) as usize,
        settings.kam_share,
    );
    // The portfolio's size counts every key account, rated or not.
    let key_accounts = all.iter().filter(|a| a.tier == Tier::KeyAccount).count();
    let max = settings.max_key_accounts.max(1) as usize;
    let mut warnings: Vec<Warning> = warnings
        .into_iter()
        .filter(|w| !matches!(w, Warning::TooManyKeyAccounts { .. }))
        .collect();
    if key_accounts > max {
        warnings.insert(
            0,
            Warning::TooManyKeyAccounts {
                count: key_accounts,
                max,
            },
        );
    }
    let name = |id: i64| {
        all.iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let kam = |id: i64| {
        placed
            .iter()
            .find(|p| p.owner_id == Some(id))
            .map(|p| p.owner.clone())
            .unwrap_or_default()
    };
    let warnings = warnings
        .iter()
        .map(|w| WarningView {
            code: w.code(),
            text: warning_text(&ui, w, &name, &kam),
        })
        .collect();
    let readings = [
        ["invest", "invest", "selective"],
        ["invest", "selective", "harvest"],
        ["selective", "harvest", "harvest"],
    ];
    let points: Vec<MatrixPoint> = placed
        .iter()
        .map(|p| MatrixPoint {
            label: &p.name,
            attractiveness: p.attractiveness,
            strength: p.strength,
        })
        .collect();
    let svg = matrix_chart(
        "matrix-title",
        readings,
        &|code| ui.t(&format!("reading-{code}")),
        &ui.t("axis-strength"),
        &ui.t("axis-attractiveness"),
        &points,
    );
    let rows = placed
        .iter()
        .map(|p| {
            let m = &p.movement;
            let moved = match (m.d_attractiveness, m.d_strength) {
                (Some(da), Some(ds)) => {
                    ui.locale.t_args(
                        "selection-moved",
                        &[
                            (
                                "da",
                                format!("{}{}", if da >= 0.0 { "+" } else { "" }, ui.num(da, 2))
                                    .into(),
                            ),
                            (
                                "ds",
                                format!("{}{}", if ds >= 0.0 { "+" } else { "" }, ui.num(ds, 2))
                                    .into(),
                            ),
                        ],
                    ) + &if m.cell_changed {
                        format!(" · {}", ui.t("selection-cell-changed"))
                    } else {
                        String::new()
                    }
                }
                _ => ui.t("selection-first-rating"),
            };
            RowView {
                id: p.id,
                name: p.name.clone(),
                tier_label: ui.t(p.tier.label_key()),
                owner: p.owner.clone(),
                attractiveness: ui.num(p.attractiveness, 2),
                strength: ui.num(p.strength, 2),
                cell: format!(
                    "{}-{}",
                    p.cell.attractiveness.code(),
                    p.cell.strength.code()
                ),
                cell_label: cell_label(&ui, p.cell),
                reading: p.cell.reading().code(),
                reading_label: ui.t(&format!("reading-{}", p.cell.reading().code())),
                moved,
                direction: match m.direction {
                    matrix::Direction::Up => "up",
                    matrix::Direction::Down => "down",
                    matrix::Direction::Same => "flat",
                },
                rated_on: ui.date(&p.rated_on),
                can_rate: can_rate(owners.get(&p.id).copied().flatten()),
            }
        })
        .collect();
    let all_owners: std::collections::HashMap<i64, Option<i64>> =
        sqlx::query_as::<_, (i64, Option<i64>)>("SELECT id, owner_id FROM accounts")
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .collect();
    let unrated = all
        .iter()
        .filter(|a| !placed.iter().any(|p| p.id == a.id))
        .map(|a| {
            (
                a.id,
                a.name.clone(),
                can_rate(all_owners.get(&a.id).copied().flatten()),
            )
        })
        .collect();
    let criteria = data::criteria(&state.db)
        .await?
        .into_iter()
        .map(|c| {
            (
                ui.t(&format!("axis-{}", c.criterion.axis.code())),
                c.criterion.name,
                c.criterion.weight,
                c.kpi_code.unwrap_or_else(|| ui.t("criterion-rating")),
            )
        })
        .collect();
    render(&SelectionPage {
        ui,
        svg,
        rows,
        warnings,
        unrated,
        is_director,
        max_key_accounts: settings.max_key_accounts,
        criteria,
    })
}

/// `GET /selection.csv`: the matrix as a table.
pub async fn csv(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<CsvResponse> {
    let (_, placed) = placements(&state, &user).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("col-account"),
        "id".into(),
        t("col-tier"),
        t("col-owner"),
        t("axis-attractiveness"),
        t("axis-strength"),
        t("selection-col-cell"),
        t("selection-col-reading"),
        t("selection-col-rated-on"),
    ])?;
    for p in &placed {
        out.row(&[
            p.name.clone(),
            p.id.to_string(),
            t(p.tier.label_key()),
            p.owner.clone(),
            format!("{:.2}", p.attractiveness),
            format!("{:.2}", p.strength),
            cell_label(&ui, p.cell),
            t(&format!("reading-{}", p.cell.reading().code())),
            p.rated_on.to_string(),
        ])?;
    }
    out.finish("selection.csv")
}
