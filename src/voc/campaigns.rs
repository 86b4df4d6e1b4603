//! Sending the survey: the KAM chooses contacts (and client users) of an account;
//! each gets a personal link (256-bit token, only its hash stored, one answer,
//! expiry). With a mail server they are mailed; otherwise listed to pass on.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::accounts::EditableAccount;
use crate::accounts::VisibleAccount;
use crate::accounts::{self, Account};
use crate::audit;
use crate::error::AppResult;
use crate::sharing::invitations::{hash, new_token, site};
use crate::state::AppState;
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{render, render_status};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub title: String,
    pub sent_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub sent_by: Option<String>,
    pub invited: i64,
    pub answered: i64,
}

/// Someone who can be sent the survey: a contact or a client user.
pub struct Invitee {
    pub key: String,
    pub name: String,
    pub detail: String,
    pub email: Option<String>,
    pub language: String,
}

/// A link just created, shown once.
pub struct CreatedLink {
    pub name: String,
    pub link: Option<String>,
    pub mailed_to: Option<String>,
}

#[derive(Template)]
#[template(path = "voc/campaigns.html")]
pub struct CampaignsPage {
    pub ui: Ui,
    pub account: Account,
    pub can_edit: bool,
    pub campaigns: Vec<CampaignRow>,
    pub invitees: Vec<Invitee>,
    pub title: String,
    pub days: String,
    pub chosen: Vec<String>,
    pub errors: Vec<(&'static str, String)>,
    pub created: Vec<CreatedLink>,
    /// Production without a public URL: no survey link can be sent.
    pub links_blocked: bool,
}

async fn page(
    state: &AppState,
    ui: Ui,
    account: Account,
    can_edit: bool,
) -> AppResult<CampaignsPage> {
    let campaigns: Vec<CampaignRow> = sqlx::query_as(
        "SELECT c.id, c.title, c.sent_at, c.closes_at, u.name AS sent_by, \
                (SELECT count(*) FROM survey_links l WHERE l.campaign_id = c.id) AS invited, \
                (SELECT count(*) FROM survey_links l WHERE l.campaign_id = c.id AND l.answered_at IS NOT NULL) AS answered \
         FROM survey_campaigns c LEFT JOIN users u ON u.id = c.sent_by \
         WHERE c.account_id = $1 ORDER BY c.sent_at DESC",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let contacts: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, name, title, email, language FROM contacts WHERE account_id = $1 ORDER BY lower(name)",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let users: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, name, email::text, coalesce(locale, 'fr') FROM users \
         WHERE account_id = $1 AND role = 'client' AND active ORDER BY lower(name)",
    )
    .bind(account.id)
    .fetch_all(&state.db)
    .await?;
    let portal = ui.t("survey-in-portal");
    let mut invitees: Vec<Invitee> = contacts
        .into_iter()
        .map(|(id, name, title, email, language)| Invitee {
            key: format!("c{id}"),
            name,
            detail: title,
            email,
            language,
        })
        .collect();
    invitees.extend(
        users
            .into_iter()
            .map(|(id, name, email, language)| Invitee {
                key: format!("u{id}"),
                name,
                detail: format!("{portal} · {email}"),
                email: None,
                language,
            }),
    );
    let title = format!(
        "{} {}",
        ui.t("survey-default-title"),
        crate::voc::page::quarter_label(ui.locale, Utc::now().date_naive())
    );
    Ok(CampaignsPage {
        links_blocked: !state.config.can_build_links(),
        ui,
        account,
        can_edit,
        campaigns,
        invitees,
        title,
        days: "30".into(),
        chosen: Vec::new(),
        errors: Vec::new(),
        created: Vec::new(),
    })
}

/// `GET /accounts/{id}/surveys`
pub async fn list(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ui: Ui,
) -> AppResult<Response> {
    let _id = account.id;
    let can_edit = accounts::can_edit(&user, &account);
    render(&page(&state, ui, account, can_edit).await?)
}

/// `POST /accounts/{id}/surveys`: the form repeats `to` once per chosen person,
/// so it is read as pairs rather than a map.
pub async fn send(
    State(state): State<AppState>,
    EditableAccount { user, account }: EditableAccount,
    ctx: RequestCtx,
    ui: Ui,
    headers: HeaderMap,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> AppResult<Response> {
    let id = account.id;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| n == "to")
        .map(|(_, v)| v.clone())
        .collect();
    let title = field("title").trim().to_owned();
    let days_raw = field("days");
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(("title", "field-required"));
    }
    let days = days_raw
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errors.push(("days", "survey-days-range"));
    }
    if chosen.is_empty() {
        errors.push(("to", "survey-choose-people"));
    }
    let site = site(&state, &headers);
    if site.is_none() {
        errors.push(("to", "links-need-public-url"));
    }
    let base = page(&state, ui, account, true).await?;
    // Only people of this account: a forged key finds nobody and is refused.
    let known: HashMap<&str, &Invitee> =
        base.invitees.iter().map(|i| (i.key.as_str(), i)).collect();
    if chosen.iter().any(|k| !known.contains_key(k.as_str())) {
        errors.push(("to", "kpi-choose-from-list"));
    }
    if !errors.is_empty() {
        let mut p = base;
        p.errors = errors.into_iter().map(|(f, k)| (f, p.ui.t(k))).collect();
        p.title = title;
        p.days = days_raw;
        p.chosen = chosen;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let days = days.unwrap_or(30);
    let site = site.unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO survey_campaigns (account_id, title, sent_by, closes_at) \
         VALUES ($1, $2, $3, now() + make_interval(days => $4)) RETURNING id",
    )
    .bind(id)
    .bind(&title)
    .bind(user.id)
    .bind(days)
    .fetch_one(&mut *tx)
    .await?;
    let mut to_send = Vec::new();
    for key in &chosen {
        let who = known[key.as_str()];
        let token = new_token();
        let (contact, client) = match key.split_at(1) {
            ("c", n) => (n.parse::<i64>().ok(), None),
            (_, n) => (None, n.parse::<i64>().ok()),
        };
        sqlx::query(
            "INSERT INTO survey_links (campaign_id, contact_id, user_id, token_hash, language, expires_at) \
             VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))",
        )
        .bind(campaign)
        .bind(contact)
        .bind(client)
        .bind(hash(&token))
        .bind(if who.language == "en" { "en" } else { "fr" })
        .bind(days)
        .execute(&mut *tx)
        .await?;
        // Client users answer in the portal; contacts through their link.
        let link = contact.map(|_| format!("{site}/survey/{token}"));
        to_send.push((
            who.name.clone(),
            who.email.clone(),
            link,
            who.language.clone(),
        ));
    }
    audit::record(
        &mut *tx,
        &ctx.actor(),
        audit::Entry::new(audit::Action::SurveySent)
            .on("survey_campaign", campaign)
            .account(Some(id))
            .after(serde_json::json!({ "title": title, "invited": chosen.len(), "days": days })),
    )
    .await?;
    // With a mail server, each personal link is queued in this transaction, in the
    // contact's language; the page never waits for the server.
    let mut created = Vec::new();
    for (name, email, link, language) in to_send {
        let mut mailed_to = None;
        if let (true, Some(email), Some(link)) = (state.jobs.mails(), &email, &link) {
            let locale = if language == "en" {
                crate::i18n::Locale::En
            } else {
                crate::i18n::Locale::Fr
            };
            let body = locale.t_args(
                "survey-mail-body",
                &[
                    ("name", name.clone().into()),
                    ("kam", user.name.clone().into()),
                    ("link", link.clone().into()),
                    ("days", i64::from(days).into()),
                ],
            );
            let mail = crate::jobs::OutgoingMail {
                kind: "survey".into(),
                to_name: name.clone(),
                to_email: email.clone(),
                subject: locale.t("survey-mail-subject"),
                body,
            };
            state.jobs.send_mail(&mut tx, &mail).await?;
            mailed_to = Some(email.clone());
        }
        created.push(CreatedLink {
            name,
            link: if mailed_to.is_some() { None } else { link },
            mailed_to,
        });
    }
    crate::db::commit(tx).await?;
    let CampaignsPage { ui, account, .. } = base;
    let mut p = page(&state, ui, account, true).await?;
    p.created = created;
    render(&p)
}
