//! Signing in and out, and switching language.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use crate::audit;
use crate::auth::{keys, password, safe_next, throttle};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::users;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{csrf, flash, render, render_status, see_other};

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub ui: Ui,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    ctx: RequestCtx,
    ui: Ui,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        return Ok(see_other(user.role.home()));
    }
    render(&LoginPage {
        ui,
        email: String::new(),
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ui: Ui,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let next = safe_next(Some(&form.next)).unwrap_or_default();
    let again = |ui: Ui, status: StatusCode, key: &str| {
        let error = Some(ui.t(key));
        render_status(
            status,
            &LoginPage {
                ui,
                email: form.email.clone(),
                next: next.clone(),
                error,
            },
        )
    };
    if email.is_empty() || form.password.is_empty() {
        return again(ui, StatusCode::UNPROCESSABLE_ENTITY, "login-missing-fields");
    }
    // Control characters: refused here rather than by the input middleware, so that
    // the attempt is counted (under the e-mail made safe to store) like a failure.
    let bad_input = [&form.email, &form.password, &form.next]
        .into_iter()
        .any(|s| crate::web::input::has_forbidden(s));
    let email = if bad_input {
        crate::web::input::visible(&email)
    } else {
        email
    };

    let actor = audit::Actor {
        user_id: None,
        email: Some(email.clone()),
        ip: ctx.ip,
        token_id: None,
    };
    if let Some(wait) = throttle::check(&state.db, &email, ctx.ip).await? {
        audit::record(
            &state.db,
            &actor,
            audit::Entry::new(audit::Action::AuthLoginThrottled),
        )
        .await?;
        let mut response = again(ui, StatusCode::TOO_MANY_REQUESTS, "login-throttled")?;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(response);
    }

    if bad_input {
        let mut tx = state.db.begin().await?;
        throttle::record(&mut *tx, &email, ctx.ip, false).await?;
        audit::record(
            &mut *tx,
            &actor,
            audit::Entry::new(audit::Action::AuthLoginFailed),
        )
        .await?;
        crate::db::commit(tx).await?;
        let ui_email = crate::web::input::visible(&form.email);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &LoginPage {
                error: Some(ui.t(crate::web::input::MESSAGE_KEY)),
                ui,
                email: ui_email,
                next: String::new(),
            },
        );
    }
    let found = users::find_for_login(&state.db, &email).await?;
    let (user, hash) = match found {
        Some((u, h)) if u.active => (Some(u), h),
        _ => (None, None),
    };
    let pw = form.password.clone();
    let verified = tokio::task::spawn_blocking(move || password::verify(&pw, hash.as_deref()))
        .await
        .map_err(AppError::internal)?;

    let mut tx = state.db.begin().await?;
    throttle::record(&mut *tx, &email, ctx.ip, verified && user.is_some()).await?;
    let Some(user) = user.filter(|_| verified) else {
        audit::record(
            &mut *tx,
            &actor,
            audit::Entry::new(audit::Action::AuthLoginFailed),
        )
        .await?;
        crate::db::commit(tx).await?;
        // The same answer for an unknown e-mail and a wrong password.
        return again(ui, StatusCode::UNAUTHORIZED, "login-failed");
    };
    users::touch_login(&mut *tx, user.id).await?;
    audit::record(
        &mut *tx,
        &audit::Actor {
            user_id: Some(user.id),
            ..actor
        },
        audit::Entry::new(audit::Action::AuthLogin)
            .on("user", user.id)
            .account(user.account_id),
    )
    .await?;
    crate::db::commit(tx).await?;

    // A new session id at login defeats session fixation; a new CSRF token too.
    let session = &ctx.session;
    session.cycle_id().await?;
    session.insert(keys::USER_ID, user.id).await?;
    session
        .insert(keys::AUTH_AT, Utc::now().timestamp_micros())
        .await?;
    session.insert(keys::CSRF, csrf::new_token()).await?;
    // An anonymous language choice becomes the user's if they had none.
    if user.locale.is_none() && session.get::<String>(keys::LANG).await?.is_some() {
        users::set_locale(&state.db, user.id, ctx.locale).await?;
    }
    let to = if next.is_empty() {
        user.role.home().to_owned()
    } else {
        next
    };
    Ok(see_other(&to))
}

pub async fn logout(State(state): State<AppState>, ctx: RequestCtx) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        audit::record(
            &state.db,
            &ctx.actor(),
            audit::Entry::new(audit::Action::AuthLogout)
                .on("user", user.id)
                .account(user.account_id),
        )
        .await?;
    }
    // Deletes the session from the store: the old cookie is worthless from now on.
    ctx.session.flush().await?;
    ctx.session.insert(keys::LANG, ctx.locale.code()).await?;
    flash::push(&ctx.session, flash::Kind::Info, "logout-done").await?;
    Ok(see_other("/login"))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    next: String,
}

pub async fn language(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let locale = Locale::parse(&form.lang).ok_or(AppError::Unprocessable("error-bad-request"))?;
    ctx.session.insert(keys::LANG, locale.code()).await?;
    if let Some(user) = &ctx.user {
        let mut tx = state.db.begin().await?;
        users::set_locale(&mut *tx, user.id, locale).await?;
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::UserLocaleChanged)
                .on("user", user.id)
                .before(serde_json::json!({ "locale": user.locale }))
                .after(serde_json::json!({ "locale": locale.code() })),
        )
        .await?;
        crate::db::commit(tx).await?;
    }
    let back = safe_next(Some(&form.next))
        .or_else(|| referer_path(&headers))
        .unwrap_or_else(|| "/".into());
    Ok(see_other(&back))
}

fn referer_path(headers: &HeaderMap) -> Option<String> {
    let r = headers.get(header::REFERER)?.to_str().ok()?;
    let u = url::Url::parse(r).ok()?;
    let mut p = u.path().to_owned();
    if let Some(q) = u.query() {
        p.push('?');
        p.push_str(q);
    }
    safe_next(Some(&p))
}

/// `/`: the role's home, or the login page.
pub async fn root(ctx: RequestCtx) -> impl IntoResponse {
    match &ctx.user {
        Some(u) => see_other(u.role.home()),
        None => see_other("/login"),
    }
}
