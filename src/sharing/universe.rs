//! Setting the visibility of a whole universe at once ("share all our logistics
//! KPIs"), within what the stage allows. Each KPI that changes gets its own audit
//! row, so the feed and the history read the same as one-by-one changes.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;

use crate::accounts::EditableAccount;
use crate::audit;
use crate::domain::{Universe, Visibility};
use crate::error::{AppError, AppResult};
use crate::sharing;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, see_other};

/// How many KPIs of a universe are at each visibility.
pub struct UniverseSharing {
    pub code: &'static str,
    pub label: String,
    pub internal: i64,
    pub shared: i64,
    pub joint: i64,
}

pub async fn summary(
    db: impl PgExecutor<'_>,
    ui: &Ui,
    account_id: i64,
) -> sqlx::Result<Vec<UniverseSharing>> {
    let counts: Vec<(Universe, Visibility, i64)> = sqlx::query_as(
        "SELECT universe, visibility, count(*) FROM account_kpis WHERE account_id = $1 \
         GROUP BY universe, visibility",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let count = |u: Universe, v: Visibility| {
        counts
            .iter()
            .find(|(cu, cv, _)| *cu == u && *cv == v)
            .map(|c| c.2)
            .unwrap_or(0)
    };
    Ok(Universe::ALL
        .iter()
        .map(|&u| UniverseSharing {
            code: u.code(),
            label: ui.t(&u.label_key()),
            internal: count(u, Visibility::Internal),
            shared: count(u, Visibility::Shared),
            joint: count(u, Visibility::Joint),
        })
        .collect())
}

#[derive(Deserialize)]
pub struct UniverseForm {
    #[serde(default)]
    visibility: String,
}

#[derive(Serialize)]
struct VisibilityRecord {
    visibility: Visibility,
}

/// `POST /accounts/{id}/universes/{universe}/visibility`
pub async fn set(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, universe)): Path<(i64, String)>,
    Form(form): Form<UniverseForm>,
) -> AppResult<Response> {
    let universe = Universe::parse(&universe).ok_or(AppError::NotFound)?;
    let back = format!("/accounts/{id}/stage#universes");
    let Some(visibility) = Visibility::parse(&form.visibility) else {
        flash::push(&ctx.session, flash::Kind::Error, "kpi-choose-from-list").await?;
        return Ok(see_other(&back));
    };
    if !sharing::allowed(account.stage, visibility) {
        let allowed = ui.t(&sharing::max_visibility(account.stage).label_key());
        let text = ui.locale.t_args(
            "universe-visibility-beyond-stage",
            &[
                ("stage", i64::from(account.stage).into()),
                ("allowed", allowed.into()),
            ],
        );
        flash::push_text(&ctx.session, flash::Kind::Error, &text).await?;
        return Ok(see_other(&back));
    }
    let mut tx = state.db.begin().await?;
    let changed: Vec<(i64, Visibility)> = sqlx::query_as(
        "WITH old AS (SELECT id, visibility FROM account_kpis \
                      WHERE account_id = $1 AND universe = $2 AND visibility <> $3 FOR UPDATE) \
         UPDATE account_kpis k SET visibility = $3 FROM old WHERE k.id = old.id \
         RETURNING k.id, old.visibility",
    )
    .bind(id)
    .bind(universe)
    .bind(visibility)
    .fetch_all(&mut *tx)
    .await?;
    for (kpi_id, before) in &changed {
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::AccountKpiVisibilityChanged)
                .on("account_kpi", kpi_id)
                .account(Some(id))
                .before(VisibilityRecord {
                    visibility: *before,
                })
                .after(VisibilityRecord { visibility }),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    let text = ui.locale.t_args(
        "universe-visibility-set",
        &[
            ("count", (changed.len() as i64).into()),
            ("universe", ui.t(&universe.label_key()).into()),
            ("visibility", ui.t(&visibility.label_key()).into()),
        ],
    );
    flash::push_text(&ctx.session, flash::Kind::Success, &text).await?;
    Ok(see_other(&back))
}
