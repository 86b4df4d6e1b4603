//! `/settings/webhooks`: a user's subscriptions (admins see everyone's), a form to
//! add one (URL, events; the secret is shown once, on the answer), and each
//! subscription's page: its delivery log (+ CSV), "send test event", delete.
//!
//! URLs must be `https://`, except `http://` to the machine itself (`localhost`,
//! `127.0.0.1`, `[::1]`): a local relay, and the tests' receivers. No credentials
//! in the URL (they would show in the list). Redirects are not followed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use rand::RngCore;

use super::{Delivery, Event};
use crate::audit;
use crate::auth::extract::AnyUser;
use crate::authz::{self, Area};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::csv::{Csv, CsvResponse};
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

pub const SECRET_PREFIX: &str = "whsec_";

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    user_id: i64,
    user_email: String,
    url: String,
    events: Vec<String>,
    created_at: DateTime<Utc>,
    last_status: Option<i16>,
    last_error: Option<String>,
    last_at: Option<DateTime<Utc>>,
}

pub struct Row {
    pub id: i64,
    pub owner: String,
    pub url: String,
    pub events: String,
    pub created: String,
    pub last: String,
}

#[derive(Default, Clone)]
pub struct HookForm {
    pub url: String,
    pub events: Vec<String>,
    pub once: String,
}

#[derive(Template)]
#[template(path = "webhooks/list.html")]
pub struct ListPage {
    pub ui: Ui,
    pub rows: Vec<Row>,
    pub form: HookForm,
    pub errors: Vec<(&'static str, String)>,
    /// (code, label) of each event a subscription may choose.
    pub events: Vec<(&'static str, String)>,
    /// The secret of the subscription just made: shown once.
    pub secret: Option<String>,
}

impl ListPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }

    pub fn chosen(&self, code: &&str) -> bool {
        self.form.events.iter().any(|e| e == code)
    }
}

pub struct LogRow {
    pub at: String,
    pub event: String,
    pub event_id: String,
    pub attempt: i32,
    pub status: String,
    pub ok: bool,
    pub error: String,
    pub duration_ms: i32,
}

#[derive(Template)]
#[template(path = "webhooks/show.html")]
pub struct ShowPage {
    pub ui: Ui,
    pub id: i64,
    pub row: Row,
    pub log: Vec<LogRow>,
}

const SELECT: &str = "SELECT s.id, s.user_id, u.email AS user_email, s.url, s.events, s.created_at, \
       d.status_code AS last_status, d.error AS last_error, d.at AS last_at \
     FROM webhook_subscriptions s JOIN users u ON u.id = s.user_id \
     LEFT JOIN LATERAL (SELECT status_code, error, at FROM webhook_deliveries \
                        WHERE subscription_id = s.id ORDER BY at DESC, id DESC LIMIT 1) d ON true \
     WHERE s.deleted_at IS NULL";

fn event_label(ui: &Ui, code: &str) -> String {
    Event::parse(code)
        .map(|e| ui.t(&e.label_key()))
        .unwrap_or_else(|| code.to_owned())
}

fn outcome(ui: &Ui, status: Option<i16>, error: Option<&str>) -> (String, bool) {
    match status {
        Some(s) if (200..300).contains(&s) => (format!("{s} · {}", ui.t("webhook-ok")), true),
        Some(s) => (format!("{s} · {}", ui.t("webhook-failed")), false),
        None => (
            format!("{} · {}", ui.t("webhook-failed"), error.unwrap_or("")),
            false,
        ),
    }
}

fn row_of(ui: &Ui, s: Stored) -> Row {
    Row {
        id: s.id,
        owner: s.user_email,
        url: s.url,
        events: s
            .events
            .iter()
            .map(|e| event_label(ui, e))
            .collect::<Vec<_>>()
            .join(", "),
        created: ui.datetime(&s.created_at),
        last: match s.last_at {
            None => ui.t("webhook-never-sent"),
            Some(at) => format!(
                "{} — {}",
                ui.datetime(&at),
                outcome(ui, s.last_status, s.last_error.as_deref()).0
            ),
        },
    }
}

fn require(user: &User) -> AppResult<()> {
    if authz::allows(user.role, Area::Webhooks) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn list_page(
    state: &AppState,
    user: &User,
    ui: Ui,
    form: HookForm,
    errors: Vec<(&'static str, String)>,
    secret: Option<String>,
) -> AppResult<ListPage> {
    // Admins see every subscription (to remove a leaking one); others their own.
    let everyone = authz::sees_every_webhook(user);
    let stored: Vec<Stored> = sqlx::query_as(&format!(
        "{SELECT} AND ($1 OR s.user_id = $2) ORDER BY s.created_at DESC, s.id DESC"
    ))
    .bind(everyone)
    .bind(user.id)
    .fetch_all(&state.db)
    .await?;
    let rows = stored.into_iter().map(|s| row_of(&ui, s)).collect();
    let events = Event::SUBSCRIBABLE
        .iter()
        .map(|e| (e.code(), ui.t(&e.label_key())))
        .collect();
    Ok(ListPage {
        ui,
        rows,
        form,
        errors,
        events,
        secret,
    })
}

/// `GET /settings/webhooks`.
pub async fn show_list(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
) -> AppResult<Response> {
    require(&user)?;
    let p = list_page(&state, &user, ui, HookForm::default(), Vec::new(), None).await?;
    render_status(StatusCode::OK, &p)
}

/// The URL rule: https, or http to this machine; no credentials; a host. Unless
/// `allow_local` (`Config::webhook_allow_local`), a URL naming this machine or a
/// private, link-local or loopback address is refused: the server would POST
/// inside its own network on a subscriber's behalf (client users included).
/// A public name that resolves to such an address is not caught here.
pub fn check_url(raw: &str, allow_local: bool) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("field-required");
    }
    if raw.len() > 2000 {
        return Err("field-too-long");
    }
    if crate::web::input::has_forbidden(raw) {
        return Err(crate::web::input::MESSAGE_KEY);
    }
    let Ok(url) = url::Url::parse(raw) else {
        return Err("webhook-url-invalid");
    };
    if !url.username().is_empty() || url.password().is_some() || url.host().is_none() {
        return Err("webhook-url-invalid");
    }
    let local = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    if !allow_local && internal(&url) {
        return Err("webhook-url-internal");
    }
    match url.scheme() {
        "https" => Ok(url.to_string()),
        "http" if local => Ok(url.to_string()),
        _ => Err("webhook-url-https"),
    }
}

/// This machine, or an address of a private, link-local, shared or loopback range.
fn internal(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost") || d.ends_with(".internal")
        }
        Some(url::Host::Ipv4(ip)) => {
            ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT.
                || (ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64)
        }
        Some(url::Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback()
                || ip.is_unspecified()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private() || v4.is_link_local())
        }
        None => true,
    }
}

fn parse_form(fields: &[(String, String)]) -> HookForm {
    let mut f = HookForm::default();
    for (k, v) in fields {
        match k.as_str() {
            "url" => f.url = v.clone(),
            "events" => f.events.push(v.clone()),
            "_once" => f.once = v.clone(),
            _ => {}
        }
    }
    f
}

/// `POST /settings/webhooks`: checks, then makes the subscription and its secret.
pub async fn create(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&user)?;
    let form = parse_form(&fields);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let url = match check_url(&form.url, state.config.webhook_allow_local) {
        Ok(u) => u,
        Err(key) => {
            errors.push(("url", ui.t(key)));
            String::new()
        }
    };
    let mut events: Vec<&'static str> = Vec::new();
    for e in &form.events {
        match Event::parse(e).filter(|e| Event::SUBSCRIBABLE.contains(e)) {
            Some(e) if !events.contains(&e.code()) => events.push(e.code()),
            Some(_) => {}
            None => {
                errors.push(("events", ui.t("webhook-events-invalid")));
                break;
            }
        }
    }
    if events.is_empty() && !errors.iter().any(|(f, _)| *f == "events") {
        errors.push(("events", ui.t("webhook-events-required")));
    }
    if !errors.is_empty() {
        let form = HookForm {
            url: crate::web::input::visible(&form.url),
            events: form
                .events
                .iter()
                .map(|e| crate::web::input::visible(e))
                .collect(),
            ..form
        };
        let p = list_page(&state, &user, ui, form, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    if let crate::web::once::Claim::Seen { outcome } =
        crate::web::once::claim(&mut tx, &form.once, Some(user.id), "/settings/webhooks").await?
    {
        drop(tx);
        flash::push(&ctx.session, flash::Kind::Info, "webhook-already-created").await?;
        return Ok(see_other(&outcome));
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(bytes));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_subscriptions (user_id, url, events, secret, created_by) \
         VALUES ($1, $2, $3, $4, $1) RETURNING id",
    )
    .bind(user.id)
    .bind(&url)
    .bind(&events)
    .bind(&secret)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::WebhookCreated)
            .on("webhook", id)
            .after(serde_json::json!({ "url": url, "events": events })),
    )
    .await?;
    crate::db::commit(tx).await?;
    let p = list_page(
        &state,
        &user,
        ui,
        HookForm::default(),
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

/// A subscription `user` may manage, or 404 (someone else's does not exist for them).
async fn managed(db: impl sqlx::PgExecutor<'_>, user: &User, id: i64) -> AppResult<Stored> {
    require(user)?;
    let s: Stored = sqlx::query_as(&format!("{SELECT} AND s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !authz::may_manage_webhook(user, s.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

#[derive(sqlx::FromRow)]
struct LogStored {
    at: DateTime<Utc>,
    event: String,
    event_id: uuid::Uuid,
    attempt: i32,
    status_code: Option<i16>,
    error: Option<String>,
    duration_ms: i32,
}

/// The last 200 attempts, newest first: what the page and its CSV show.
async fn log(state: &AppState, ui: &Ui, id: i64) -> AppResult<Vec<LogRow>> {
    let rows: Vec<LogStored> = sqlx::query_as(
        "SELECT at, event, event_id, attempt, status_code, error, duration_ms \
         FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY at DESC, id DESC LIMIT 200",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (status, ok) = outcome(ui, r.status_code, r.error.as_deref());
            LogRow {
                at: ui.datetime(&r.at),
                event: event_label(ui, &r.event),
                event_id: r.event_id.to_string(),
                attempt: r.attempt,
                status: r
                    .status_code
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "—".into()),
                ok,
                error: if ok {
                    String::new()
                } else {
                    r.error.unwrap_or(status)
                },
                duration_ms: r.duration_ms,
            }
        })
        .collect())
}

/// `GET /settings/webhooks/{webhook_id}`: the subscription and its delivery log.
pub async fn show(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = managed(&state.db, &user, id).await?;
    let log = log(&state, &ui, id).await?;
    let row = row_of(&ui, s);
    render_status(StatusCode::OK, &ShowPage { ui, id, row, log })
}

/// `GET /settings/webhooks/{webhook_id}/deliveries.csv`: the log as on the page.
pub async fn csv(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ui: Ui,
    Path(id): Path<i64>,
) -> AppResult<CsvResponse> {
    managed(&state.db, &user, id).await?;
    let rows = log(&state, &ui, id).await?;
    let t = |k: &str| ui.t(k);
    let mut out = Csv::new(&[
        t("webhook-col-at"),
        t("webhook-col-event"),
        t("webhook-col-event-id"),
        t("webhook-col-attempt"),
        t("webhook-col-status"),
        t("webhook-col-error"),
        t("webhook-col-duration"),
    ])?;
    for r in rows {
        out.row(&[
            r.at,
            r.event,
            r.event_id,
            r.attempt.to_string(),
            r.status,
            r.error,
            r.duration_ms.to_string(),
        ])?;
    }
    out.finish(&format!("webhook-{id}-deliveries.csv"))
}

/// `POST /settings/webhooks/{webhook_id}/test`: queues a signed `test` event.
pub async fn test(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    managed(&mut *tx, &user, id).await?;
    let delivery = Delivery::new(
        id,
        Event::Test,
        Utc::now(),
        serde_json::json!({ "message": "Boussole test event" }),
    );
    state.jobs.send_webhook(&mut tx, &delivery).await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::WebhookTested)
            .on("webhook", id)
            .after(serde_json::json!({ "event_id": delivery.event_id })),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "webhook-test-queued").await?;
    Ok(see_other(&format!("/settings/webhooks/{id}")))
}

/// `POST /settings/webhooks/{webhook_id}/delete`: no more deliveries, at once.
pub async fn delete(
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    ctx: RequestCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    managed(&mut *tx, &user, id).await?;
    sqlx::query(
        "UPDATE webhook_subscriptions SET deleted_at = now(), active = false WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::WebhookDeleted).on("webhook", id),
    )
    .await?;
    crate::db::commit(tx).await?;
    flash::push(&ctx.session, flash::Kind::Success, "webhook-deleted").await?;
    Ok(see_other("/settings/webhooks"))
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn https_or_this_machine_only() {
        assert!(check_url("https://erp.example.com/hooks", true).is_ok());
        assert!(check_url("http://127.0.0.1:8080/h", true).is_ok());
        assert!(check_url("http://localhost/h", true).is_ok());
        assert!(check_url("http://[::1]:9/h", true).is_ok());
        assert_eq!(
            check_url("http://erp.example.com/h", true),
            Err("webhook-url-https")
        );
        assert_eq!(
            check_url("ftp://127.0.0.1/h", true),
            Err("webhook-url-https")
        );
        assert_eq!(
            check_url("https://u:p@erp.example.com/h", true),
            Err("webhook-url-invalid")
        );
        assert_eq!(check_url("not a url", true), Err("webhook-url-invalid"));
        assert_eq!(check_url("", true), Err("field-required"));
    }

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080/h",
            "http://localhost/h",
            "https://localhost/h",
            "https://127.0.0.1/h",
            "https://10.1.2.3/h",
            "https://172.16.0.1/h",
            "https://192.168.1.10/h",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/h",
            "https://0.0.0.0/h",
            "https://[::1]/h",
            "https://[fd00::1]/h",
            "https://[fe80::1]/h",
            "https://[::ffff:10.0.0.1]/h",
            "https://db.internal/h",
            "https://admin.localhost/h",
        ] {
            assert_eq!(check_url(url, false), Err("webhook-url-internal"), "{url}");
        }
        assert!(check_url("https://erp.example.com/hooks", false).is_ok());
        assert!(check_url("https://203.0.113.7/hooks", false).is_ok());
        assert!(check_url("https://172.32.0.1/h", false).is_ok());
    }
}
