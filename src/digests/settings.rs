//! `/me/digest`: each person's choice of digest (daily, weekly, none), linked from
//! the foot of every digest and from the notifications page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::audit;
use crate::auth::extract::AnyUser;
use crate::digests::rules::DigestFrequency;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

#[derive(Template)]
#[template(path = "digests/settings.html")]
pub struct DigestPage {
    pub ui: Ui,
    pub choices: Vec<(&'static str, String)>,
    pub chosen: String,
    pub error: Option<String>,
    /// "Your digest covers N accounts."
    pub followed_text: String,
}

async fn show(
    state: &AppState,
    user: &crate::users::User,
    ui: Ui,
    chosen: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let followed = super::follow::followed(&state.db, user).await?.len();
    let followed_text = ui
        .locale
        .t_args("digest-followed", &[("count", (followed as i64).into())]);
    let choices = DigestFrequency::ALL
        .iter()
        .map(|f| (f.code(), ui.t(&f.label_key())))
        .collect();
    render_status(
        status,
        &DigestPage {
            ui,
            choices,
            chosen,
            error,
            followed_text,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
) -> AppResult<Response> {
    let chosen: String = sqlx::query_scalar("SELECT digest FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&state.db)
        .await?;
    show(&state, &user, ui, chosen, None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    pub digest: String,
}

pub async fn save(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<DigestForm>,
) -> AppResult<Response> {
    let Some(choice) = DigestFrequency::parse(&form.digest) else {
        let error = Some(ui.t("digest-choice-invalid"));
        return show(
            &state,
            &user,
            ui,
            form.digest,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    let before: String = sqlx::query_scalar(
        "UPDATE users u SET digest = $2 FROM users old \
         WHERE u.id = $1 AND old.id = u.id RETURNING old.digest",
    )
    .bind(user.id)
    .bind(choice.code())
    .fetch_one(&mut *tx)
    .await?;
    if before != choice.code() {
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::UserDigestChanged)
                .on("user", user.id)
                .before(serde_json::json!({ "digest": before }))
                .after(serde_json::json!({ "digest": choice.code() })),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "digest-saved").await?;
    Ok(see_other("/me/digest"))
}
