//! Client users: invited by the KAM, joining through a single-use link, revoked
//! at once when needed.
//!
//! Without an SMTP server configured the link is shown to the KAM to pass on.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::accounts::Account;
use crate::accounts::EditableAccount;
use crate::audit;
use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, NewUser, Role};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render, render_status, see_other};

pub const VALID_DAYS: i64 = 7;

/// 32 random bytes: 256 bits, well above the 128 the link needs to be unguessable.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingRow {
    pub name: String,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "sharing/clients.html")]
pub struct ClientsPage {
    pub ui: Ui,
    pub account: Account,
    pub clients: Vec<ClientRow>,
    pub pending: Vec<PendingRow>,
    pub email: String,
    pub name: String,
    pub error_field: &'static str,
    pub error: Option<String>,
    /// The link just created, shown once to pass on.
    pub link: Option<String>,
    /// The address the invitation was mailed to.
    pub mailed_to: Option<String>,
    /// A mail server is configured but refused the message.
    pub mail_failed: bool,
    /// Production without a public URL: no invitation link can be sent.
    pub links_blocked: bool,
}

async fn page(state: &AppState, ui: Ui, account: Account) -> AppResult<ClientsPage> {
    let clients = sqlx::query_as(
        "SELECT id, name, email::text AS email, active, last_login_at FROM users \
         WHERE account_id = $1 AND role = 'client' ORDER BY lower(name)",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let pending = sqlx::query_as(
        "SELECT name, email::text AS email, expires_at FROM invitations \
         WHERE account_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() \
         ORDER BY created_at DESC",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    Ok(ClientsPage {
        links_blocked: !state.config.can_build_links(),
        ui,
        account,
        clients,
        pending,
        email: String::new(),
        name: String::new(),
        error_field: "",
        error: None,
        link: None,
        mailed_to: None,
        mail_failed: false,
    })
}

pub async fn list(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    render(&page(&state, ui, account).await?)
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
}

/// The site's address for links: the configured public URL, else (demo and tests
/// only) the Host asked for; `None` in production without a public URL, where a
/// forged Host header would end up in the links sent to clients.
pub fn site(state: &AppState, headers: &HeaderMap) -> Option<String> {
    match &state.config.public_url {
        Some(u) => Some(u.as_str().trim_end_matches('/').to_owned()),
        None if state.config.links_from_host => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            Some(format!("http://{host}"))
        }
        None => None,
    }
}

pub async fn invite(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let _id = account.id;
    let parsed = crate::email::Email::parse(&form.email);
    let email = parsed
        .as_ref()
        .map(|e| e.to_string())
        .unwrap_or_else(|_| form.email.trim().to_lowercase());
    let name = form.name.trim().to_owned();
    let problem = if let Err(e) = parsed {
        Some(("email", e.message_key()))
    } else if name.is_empty() || name.chars().count() > 200 {
        Some(("name", "field-required"))
    } else if users::find_by_email(&state.db, &email).await?.is_some() {
        Some(("email", "email-taken"))
    } else if site(&state, &headers).is_none() {
        Some(("email", "links-need-public-url"))
    } else {
        None
    };
    if let Some((field, key)) = problem {
        let mut p = page(&state, ui, account).await?;
        p.email = form.email;
        p.name = form.name;
        p.error_field = field;
        p.error = Some(p.ui.t(key));
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let token = new_token();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO invitations (token_hash, account_id, email, name, invited_by, expires_at) \
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))",
    )
    .bind(hash(&token))
    .bind(account.id)
    .bind(&email)
    .bind(&name)
    .bind(user.id)
    .bind(VALID_DAYS as i32)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ClientInvited)
            .on("account", account.id)
            .account(Some(account.id))
            .after(serde_json::json!({ "email": email, "name": name, "valid_days": VALID_DAYS })),
    )
    .await?;
    let link = format!(
        "{}/invitation/{token}",
        site(&state, &headers).unwrap_or_default()
    );
    // With a mail server, the message is queued in this transaction (the page never
    // waits for the server; a refusal is retried, and shows on /admin/jobs).
    let mailed = state.jobs.mails();
    if mailed {
        let body = ui.locale.t_args(
            "invitation-mail-body",
            &[
                ("name", name.clone().into()),
                ("kam", user.name.clone().into()),
                ("account", account.name.clone().into()),
                ("link", link.clone().into()),
                ("days", VALID_DAYS.into()),
            ],
        );
        let mail = crate::jobs::OutgoingMail {
            kind: "invitation".into(),
            to_name: name.clone(),
            to_email: email.clone(),
            subject: ui.t("invitation-mail-subject"),
            body,
        };
        state.jobs.send_mail(&mut tx, &mail).await?;
    }
    crate::db::commit(tx).await?;
    let mut p = page(&state, ui, account).await?;
    if mailed {
        p.mailed_to = Some(email);
    } else {
        p.mail_failed = state.mailer.is_some();
        p.link = Some(link);
    }
    render(&p)
}

pub async fn revoke(
    State(state): State<AppState>,
    EditableAccount { user: _, account }: EditableAccount,
    ctx: RequestCtx,
    Path((id, client_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    // Deactivating and moving the session horizon ends their sessions at once
    // (every request re-checks the user; see web::context).
    let revoked = sqlx::query(
        "UPDATE users SET active = false, sessions_valid_after = now() \
         WHERE id = $1 AND account_id = $2 AND role = 'client' AND active",
    )
    .bind(client_id)
    .bind(account.id)
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() == 0 {
        // Not an active client user of this account: nothing to do, nothing to reveal.
        flash::push(&ctx.session, flash::Kind::Info, "client-nothing-to-revoke").await?;
        return Ok(see_other(&format!("/accounts/{id}/clients")));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::ClientRevoked)
            .on("user", client_id)
            .account(Some(account.id))
            .before(serde_json::json!({ "active": true }))
            .after(serde_json::json!({ "active": false })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "client-revoked").await?;
    Ok(see_other(&format!("/accounts/{id}/clients")))
}

// ---------------------------------------------------------------------------
// The invited contact's side (no login)
// ---------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct Open {
    id: i64,
    account_id: i64,
    account_name: String,
    email: String,
    name: String,
}

async fn open(state: &AppState, token: &str) -> AppResult<Option<Open>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.account_id, a.name AS account_name, i.email::text AS email, i.name FROM invitations i \
         JOIN accounts a ON a.id = i.account_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()",
    )
    .bind(hash(token))
    .fetch_optional(&state.db)
    .await?)
}

#[derive(Template)]
#[template(path = "sharing/accept.html")]
pub struct AcceptPage {
    pub ui: Ui,
    pub token: String,
    /// None: the link is unknown, used or expired (one message for all three).
    pub invitation: Option<(String, String, String)>,
    pub error: Option<String>,
}

pub async fn accept_page(
    State(state): State<AppState>,
    ui: Ui,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let inv = open(&state, &token).await?;
    let status = if inv.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render_status(
        status,
        &AcceptPage {
            ui,
            token,
            invitation: inv.map(|i| (i.account_name, i.name, i.email)),
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: RequestCtx,
    ui: Ui,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let Some(inv) = open(&state, &token).await? else {
        return render_status(
            StatusCode::NOT_FOUND,
            &AcceptPage {
                ui,
                token,
                invitation: None,
                error: None,
            },
        );
    };
    let problem = password::check_new(&form.password)
        .err()
        .or_else(|| (form.password != form.confirm).then_some("password-mismatch"));
    if let Some(key) = problem {
        let error = Some(ui.t(key));
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AcceptPage {
                ui,
                token,
                invitation: Some((inv.account_name, inv.name, inv.email)),
                error,
            },
        );
    }
    let pw = form.password.clone();
    let hashed = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(AppError::internal)??;
    let mut tx = state.db.begin().await?;
    // Used exactly once, even if two browsers submit at the same moment.
    let claimed =
        sqlx::query("UPDATE invitations SET used_at = now() WHERE id = $1 AND used_at IS NULL")
            .bind(inv.id)
            .execute(&mut *tx)
            .await?;
    if claimed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let user = users::insert(
        &mut *tx,
        &NewUser {
            email: &inv.email,
            name: &inv.name,
            role: Role::Client,
            account_id: Some(inv.account_id),
            password_hash: Some(&hashed),
            locale: Some(ui.locale),
        },
    )
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("users_email_key") => {
            AppError::Conflict("email-taken")
        }
        _ => e.into(),
    })?;
    audit::record(
        &mut *tx,
        &audit::Actor {
            user_id: Some(user.id),
            email: Some(user.email.clone()),
            ip: ctx.ip,
            token_id: None,
        },
        audit::Entry::new(audit::Action::ClientJoined)
            .on("user", user.id)
            .account(Some(inv.account_id))
            .after(&user),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "invitation-accepted").await?;
    Ok(see_other("/login"))
}
