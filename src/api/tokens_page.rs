//! `/settings/tokens`: a user makes API tokens for themselves (admins also service
//! tokens for an integration user), sees them listed, and revokes them. The secret
//! is shown once, on the answer to the form that made it; only its hash is kept.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};

use super::token::{self, Kind, NewToken};
use crate::accounts;
use crate::audit;
use crate::auth::extract::AnyUser;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, User};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

pub struct Row {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub kind: String,
    pub prefix: String,
    pub scope: String,
    pub accounts: String,
    pub expires: String,
    pub last_used: String,
    pub status: String,
    pub revocable: bool,
}

#[derive(Default, Clone)]
pub struct TokenForm {
    pub name: String,
    pub scope: String,
    pub accounts: Vec<i64>,
    pub expires_days: String,
    pub owner: String,
    pub once: String,
}

#[derive(Template)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    pub ui: Ui,
    pub rows: Vec<Row>,
    pub form: TokenForm,
    pub errors: Vec<(&'static str, String)>,
    /// The secret just made: shown once.
    pub secret: Option<String>,
    pub account_options: Vec<(i64, String)>,
    /// Admins: the users a service token may act as.
    pub owner_options: Vec<(i64, String)>,
}

impl TokensPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }

    pub fn account_selected(&self, id: &i64) -> bool {
        self.form.accounts.contains(id)
    }

    pub fn owner_selected(&self, id: &i64) -> bool {
        self.form.owner == id.to_string()
    }
}

async fn page(
    state: &AppState,
    user: &User,
    ui: Ui,
    form: TokenForm,
    errors: Vec<(&'static str, String)>,
    secret: Option<String>,
) -> AppResult<TokensPage> {
    let admin = authz::may_create_service_tokens(user);
    let listed = token::list(&state.db, user.id, admin).await?;
    let now = Utc::now();
    let rows = listed
        .into_iter()
        .map(|t| {
            let status = if t.revoked_at.is_some() {
                "api-token-status-revoked"
            } else if t.expires_at.is_some_and(|e| e <= now) {
                "api-token-status-expired"
            } else {
                "api-token-status-active"
            };
            Row {
                id: t.id,
                revocable: t.revoked_at.is_none() && authz::may_revoke_token(user, t.user_id),
                name: t.name,
                owner: t.user_email,
                kind: ui.t(&format!("api-token-kind-{}", t.kind)),
                prefix: format!("{}{}…", token::SECRET_PREFIX, t.prefix),
                scope: ui.t(if t.can_write {
                    "api-scope-read-write"
                } else {
                    "api-scope-read"
                }),
                accounts: t
                    .account_names
                    .map(|n| n.join(", "))
                    .unwrap_or_else(|| ui.t("api-token-all-accounts")),
                expires: t
                    .expires_at
                    .map(|e| ui.datetime(&e))
                    .unwrap_or_else(|| ui.t("api-token-never")),
                last_used: t
                    .last_used_at
                    .map(|e| ui.datetime(&e))
                    .unwrap_or_else(|| "—".into()),
                status: ui.t(status),
            }
        })
        .collect();
    let account_options = if authz::is_client(user) {
        Vec::new()
    } else {
        accounts::visible_to(&state.db, user)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect()
    };
    let owner_options = if admin {
        users::list(&state.db)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, format!("{} <{}>", u.name, u.email)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(TokensPage {
        ui,
        rows,
        form,
        errors,
        secret,
        account_options,
        owner_options,
    })
}

/// `GET /settings/tokens`.
pub async fn show(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
) -> AppResult<Response> {
    let p = page(&state, &user, ui, TokenForm::default(), Vec::new(), None).await?;
    render_status(StatusCode::OK, &p)
}

fn parse_form(fields: &[(String, String)]) -> TokenForm {
    let mut f = TokenForm::default();
    for (k, v) in fields {
        match k.as_str() {
            "name" => f.name = v.clone(),
            "scope" => f.scope = v.clone(),
            "expires_days" => f.expires_days = v.clone(),
            "owner" => f.owner = v.clone(),
            "_once" => f.once = v.clone(),
            "accounts" => {
                if let Ok(id) = v.trim().parse() {
                    f.accounts.push(id);
                }
            }
            _ => {}
        }
    }
    f
}

/// `POST /settings/tokens`: checks the form, then makes the token and its audit row.
pub async fn create(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = parse_form(&fields);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.push(("name", ui.t("field-required")));
    } else if name.chars().count() > 100 {
        errors.push(("name", ui.t("field-too-long")));
    } else if crate::web::input::has_forbidden(&name) {
        errors.push(("name", ui.t(crate::web::input::MESSAGE_KEY)));
    }
    let can_write = match form.scope.as_str() {
        "read" => false,
        "write" => true,
        _ => {
            errors.push(("scope", ui.t("api-token-scope-required")));
            false
        }
    };
    let expires_at = match form.expires_days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) if (1..=3650).contains(&n) => Some(Utc::now() + Duration::days(n)),
            _ => {
                errors.push(("expires_days", ui.t("api-token-expiry-invalid")));
                None
            }
        },
    };
    // A service token acts as the user an admin picks; any other token as its maker.
    let owner = match form.owner.trim() {
        "" => (*user).clone(),
        id if authz::may_create_service_tokens(&user) => {
            match id.parse().ok().map(|id| users::find(&state.db, id)) {
                Some(f) => match f.await?.filter(|u| u.active) {
                    Some(u) => u,
                    None => {
                        errors.push(("owner", ui.t("api-token-owner-invalid")));
                        (*user).clone()
                    }
                },
                None => {
                    errors.push(("owner", ui.t("api-token-owner-invalid")));
                    (*user).clone()
                }
            }
        }
        _ => return Err(AppError::Forbidden),
    };
    let kind = if owner.id == user.id {
        Kind::Personal
    } else {
        Kind::Service
    };
    // The limit can only name accounts the token's user sees (the same rule as pages).
    let account_ids = if form.accounts.is_empty() {
        None
    } else {
        let visible = accounts::visible_ids(&state.db, &owner).await?;
        let all_visible = match &visible {
            None => !authz::is_client(&owner),
            Some(ids) => form.accounts.iter().all(|a| ids.contains(a)),
        };
        if !all_visible || authz::is_client(&owner) {
            errors.push(("accounts", ui.t("api-token-accounts-invalid")));
        }
        Some(form.accounts.clone())
    };
    if !errors.is_empty() {
        let form = TokenForm {
            name: crate::web::input::visible(&form.name),
            ..form
        };
        let p = page(&state, &user, ui, form, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &form.once, Some(user.id), "/settings/tokens").await?
    {
        drop(tx);
        flash::push(&ctx.session, flash::Kind::Info, "api-token-already-created").await?;
        return Ok(see_other(&outcome));
    }
    let (id, secret) = token::create(
        &mut *tx,
        &NewToken {
            user_id: owner.id,
            kind,
            name: &name,
            can_write,
            account_ids: account_ids.clone(),
            expires_at,
            created_by: user.id,
        },
    )
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ApiTokenCreated)
            .on("api_token", id)
            .after(serde_json::json!({
                "name": name, "user_id": owner.id, "kind": kind.code(), "write": can_write,
                "accounts": account_ids, "expires_at": expires_at,
            })),
    )
    .await?;
    crate::db::commit(tx).await?;
    // The answer shows the secret once; it is neither stored nor put in the session.
    let p = page(
        &state,
        &user,
        ui,
        TokenForm::default(),
        Vec::new(),
        Some(secret),
    )
    .await?;
    let mut r = render_status(StatusCode::CREATED, &p)?;
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// `POST /settings/tokens/{token_id}/revoke`: its user or an admin; at once.
pub async fn revoke(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    Path(token_id): Path<i64>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let (owner, _kind, revoked) = token::owner(&mut *tx, token_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !authz::may_revoke_token(&user, owner) {
        // Someone else's token: it does not exist for this user.
        return Err(AppError::NotFound);
    }
    if !revoked {
        token::revoke(&mut *tx, token_id, user.id).await?;
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(audit::Action::ApiTokenRevoked).on("api_token", token_id),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        "api-token-revoked-flash",
    )
    .await?;
    Ok(see_other("/settings/tokens"))
}
