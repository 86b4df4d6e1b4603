//! `/me/reminders`: each person's choice to receive reminder e-mails or not (the
//! link at the foot of every reminder leads here). Requests stay in the inbox
//! either way.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::audit;
use crate::auth::extract::AnyUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, see_other};

#[derive(Template)]
#[template(path = "requests/settings.html")]
pub struct RemindersPage {
    pub ui: Ui,
    pub off: bool,
}

pub async fn page(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
) -> AppResult<Response> {
    let off: bool = sqlx::query_scalar("SELECT reminders_off FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&state.db)
        .await?;
    render(&RemindersPage { ui, off })
}

#[derive(Debug, Default, Deserialize)]
pub struct RemindersForm {
    /// "off" to stop reminders, anything else to receive them.
    #[serde(default)]
    pub reminders: String,
}

pub async fn save(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    Form(form): Form<RemindersForm>,
) -> AppResult<Response> {
    let off = form.reminders == "off";
    let mut tx = state.db.begin().await?;
    let before: bool = sqlx::query_scalar(
        "UPDATE users u SET reminders_off = $2 FROM users old \
                            WHERE u.id = $1 AND old.id = u.id RETURNING old.reminders_off",
    )
    .bind(user.id)
    .bind(off)
    .fetch_one(&mut *tx)
    .await?;
    if before != off {
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::UserRemindersChanged)
                .on("user", user.id)
                .before(serde_json::json!({ "reminders_off": before }))
                .after(serde_json::json!({ "reminders_off": off })),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        if off {
            "reminders-now-off"
        } else {
            "reminders-now-on"
        },
    )
    .await?;
    Ok(see_other("/me/reminders"))
}
