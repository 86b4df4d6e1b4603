//! The organisation's time zone: every date-time shown to people is converted to
//! it (`Ui::datetime`); timestamps stay stored in UTC. Directors and admins set
//! it on `/director/time-zone`; it is kept on the director settings row
//! (migration 0013). Names come from the IANA database shipped by `chrono-tz`.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::audit;
use crate::auth::extract::DirectorUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

pub use crate::i18n::zone::{DEFAULT, current, parse};

#[derive(Debug, Default, Deserialize)]
pub struct ZoneForm {
    #[serde(default)]
    pub time_zone: String,
}

#[derive(Template)]
#[template(path = "timezone/page.html")]
pub struct ZonePage {
    pub ui: Ui,
    pub value: String,
    pub error: Option<String>,
    /// Every zone name, for the input's suggestions.
    pub zones: Vec<&'static str>,
    /// Now, in the zone shown: the proof of the setting.
    pub now: String,
}

fn page(ui: Ui, value: String, error: Option<String>) -> ZonePage {
    let now = ui.datetime(&chrono::Utc::now());
    ZonePage {
        ui,
        value,
        error,
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
        now,
    }
}

/// `GET /director/time-zone`
pub async fn show(DirectorUser(_u): DirectorUser, ui: Ui) -> AppResult<Response> {
    let value = ui.tz.name().to_owned();
    render(&page(ui, value, None))
}

/// `POST /director/time-zone`: an unknown name is refused (422) with the input kept.
pub async fn save(
    State(state): State<AppState>,
    DirectorUser(_u): DirectorUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<ZoneForm>,
) -> AppResult<Response> {
    let Some(tz) = parse(&form.time_zone) else {
        let error = ui.t("time-zone-unknown");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(ui, form.time_zone, Some(error)),
        );
    };
    let mut tx = state.db.begin().await?;
    let before: String =
        sqlx::query_scalar("SELECT time_zone FROM director_settings WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE director_settings SET time_zone = $1, updated_by = $2 WHERE id = 1")
        .bind(tz.name())
        .bind(ctx.user.as_ref().map(|u| u.id))
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::DirectorTimeZoneUpdated)
            .on("director_settings", 1)
            .before(serde_json::json!({ "time_zone": before }))
            .after(serde_json::json!({ "time_zone": tz.name() })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "time-zone-saved").await?;
    Ok(see_other("/director/time-zone"))
}
