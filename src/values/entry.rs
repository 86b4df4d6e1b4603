//! Entering a value: inline on the scorecard (htmx or plain form) or on its own page.

use std::str::FromStr;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::accounts::{self, Account};
use crate::auth::extract::StaffUser;
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::kpis::{self, AccountKpi, units};
use crate::period::Period;
use crate::scorecard::page::{InlineError, PeriodQuery, month_from, show};
use crate::state::AppState;
use crate::users::User;
use crate::values::{self, NewValue, Saved};
use crate::web::context::RequestCtx;
use crate::web::layout::Ui;
use crate::web::{flash, render_status, see_other};

/// The account and KPI if the user may enter values for it: whoever may edit the
/// account, or the KPI's owner (a contributor supplying their figures). Anything
/// else is 404, so ids reveal nothing.
pub async fn authorize(
    state: &AppState,
    user: &User,
    account_id: i64,
    kpi_id: i64,
) -> AppResult<(Account, AccountKpi)> {
    let kpi = kpis::find(&state.db, account_id, kpi_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owns_kpi = kpi.owner_id == Some(user.id);
    let account = match accounts::find_visible(&state.db, user, account_id).await? {
        Some(a) => a,
        None if owns_kpi => accounts::find_unchecked(&state.db, account_id)
            .await?
            .ok_or(AppError::NotFound)?,
        None => return Err(AppError::NotFound),
    };
    if accounts::can_edit(user, &account) || owns_kpi {
        Ok((account, kpi))
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ValueForm {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub version: String,
    /// Where the form was: "scorecard" (inline), "inbox", or the value page.
    #[serde(default)]
    pub from: String,
    /// The scorecard month to come back to.
    #[serde(default)]
    pub month: String,
}

/// A checked value, or the translation key of what is wrong (and which field).
pub struct Checked {
    pub period: Period,
    pub value: Decimal,
    pub comment: String,
}

pub fn check(kpi: &AccountKpi, form: &ValueForm) -> Result<Checked, (&'static str, &'static str)> {
    // Control characters: this form is shown again with its input (see web::input).
    for (field, text) in [
        ("period", &form.period),
        ("value", &form.value),
        ("comment", &form.comment),
    ] {
        if crate::web::input::has_forbidden(text) {
            return Err((field, crate::web::input::MESSAGE_KEY));
        }
    }
    let period = Period::parse(kpi.frequency, &form.period).map_err(|e| ("period", e.key()))?;
    let number = format::parse_number(&form.value).ok_or(("value", "value-not-a-number"))?;
    units::check(kpi.unit, number).map_err(|k| ("value", k))?;
    // Through the shortest decimal that reads back as the same number: "0.1" stays 0.1.
    let value =
        Decimal::from_str(&number.to_string()).map_err(|_| ("value", "value-not-a-number"))?;
    let comment = form.comment.trim().to_owned();
    if comment.chars().count() > 2000 {
        return Err(("comment", "field-too-long"));
    }
    Ok(Checked {
        period,
        value,
        comment,
    })
}

impl ValueForm {
    /// The form with any control character replaced by U+FFFD, to show it back.
    pub fn visible(self) -> Self {
        use crate::web::input::visible;
        Self {
            period: visible(&self.period),
            value: visible(&self.value),
            comment: visible(&self.comment),
            version: visible(&self.version),
            from: visible(&self.from),
            month: visible(&self.month),
        }
    }
}

#[derive(Template)]
#[template(path = "values/form.html")]
pub struct ValuePage {
    pub ui: Ui,
    pub account: Account,
    pub kpi_id: i64,
    pub kpi_name: String,
    pub unit_label: String,
    pub format_hint: String,
    pub form: ValueForm,
    pub error_field: &'static str,
    pub error: Option<String>,
    pub current_text: Option<String>,
    pub back: String,
}

#[derive(Deserialize)]
pub struct FormQuery {
    period: Option<String>,
    from: Option<String>,
}

fn back_link(form: &ValueForm, account_id: i64, kpi_id: i64) -> String {
    match form.from.as_str() {
        "scorecard" => format!("/accounts/{account_id}?period={}#kpi-{kpi_id}", form.month),
        "inbox" => "/inbox".into(),
        _ => format!("/accounts/{account_id}/kpis/{kpi_id}"),
    }
}

/// `GET …/value?period=`: the form for one period, with the stored value if any.
pub async fn form_page(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Query(q): Query<FormQuery>,
) -> AppResult<Response> {
    let (account, kpi) = authorize(&state, &user, id, kpi_id).await?;
    let period = q
        .period
        .as_deref()
        .and_then(|p| Period::parse(kpi.frequency, p).ok())
        .unwrap_or_else(|| Period::containing(kpi.frequency, chrono::Utc::now().date_naive()));
    let stored = values::one(&state.db, kpi.id, period.start).await?;
    let form = ValueForm {
        period: period.code(),
        value: stored
            .as_ref()
            .map(|v| format::number(ui.locale, v.value, 4).replace('\u{202F}', ""))
            .unwrap_or_default(),
        comment: stored
            .as_ref()
            .map(|v| v.comment.clone())
            .unwrap_or_default(),
        version: stored
            .as_ref()
            .map(|v| v.version.to_string())
            .unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        month: String::new(),
    };
    let page = value_page(ui, account, &kpi, form, "", None, stored.map(|v| v.value));
    render_status(StatusCode::OK, &page)
}

fn value_page(
    ui: Ui,
    account: Account,
    kpi: &AccountKpi,
    form: ValueForm,
    error_field: &'static str,
    error: Option<String>,
    current: Option<f64>,
) -> ValuePage {
    ValuePage {
        kpi_id: kpi.id,
        kpi_name: kpi.name(ui.locale).to_owned(),
        unit_label: ui.t(&kpi.unit.label_key()),
        format_hint: ui.t(crate::period::format_hint(kpi.frequency)),
        current_text: current.map(|v| units::display(kpi.unit, v, ui.locale)),
        back: back_link(&form, account.id, kpi.id),
        account,
        form,
        error_field,
        error,
        ui,
    }
}

/// `POST /accounts/{id}/kpis/{kpi_id}/values`.
pub async fn save(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    ctx: RequestCtx,
    ui: Ui,
    Path((id, kpi_id)): Path<(i64, i64)>,
    Form(form): Form<ValueForm>,
) -> AppResult<Response> {
    let (account, kpi) = authorize(&state, &user, id, kpi_id).await?;
    let inline = form.from == "scorecard" && !crate::authz::is_contributor(&user);
    let month = month_from(&PeriodQuery {
        period: Some(form.month.clone()),
    })
    .unwrap_or_else(|_| crate::scorecard::current_month());

    let checked = match check(&kpi, &form) {
        Ok(c) => c,
        Err((field, key)) => {
            let message = ui.t(key);
            let form = form.visible();
            return if inline {
                let e = InlineError {
                    kpi_id,
                    message,
                    input: form.value.clone(),
                    comment: form.comment.clone(),
                };
                show(
                    &state,
                    &user,
                    ui,
                    account,
                    month,
                    Some(e),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            } else {
                let page = value_page(ui, account, &kpi, form, field, Some(message), None);
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            };
        }
    };

    let mut tx = state.db.begin().await?;
    let outcome = values::save(
        &mut tx,
        &kpi,
        &NewValue {
            period: checked.period.start,
            value: checked.value,
            comment: &checked.comment,
            source: if crate::authz::is_contributor(&user) {
                "contributor"
            } else {
                "manual"
            },
            expected_version: form.version.trim().parse().ok(),
            check_version: true,
        },
        &ctx.actor(),
    )
    .await?;
    if matches!(outcome, Saved::Locked | Saved::CommentRequired) {
        drop(tx);
        // The period was closed (after a review), or a red value needs its
        // comment: say so, keep what they typed.
        let (message, field) = if outcome == Saved::Locked {
            (
                values::locked_message(ui.locale, &kpi, checked.period.start),
                "period",
            )
        } else {
            (ui.t("value-comment-required"), "comment")
        };
        let form = form.visible();
        return if inline {
            let e = InlineError {
                kpi_id,
                message,
                input: form.value.clone(),
                comment: form.comment.clone(),
            };
            show(
                &state,
                &user,
                ui,
                account,
                month,
                Some(e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        } else {
            let page = value_page(ui, account, &kpi, form, field, Some(message), None);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        };
    }
    if outcome == Saved::Conflict {
        drop(tx);
        // Show what is there now, and keep what they typed so they can decide.
        let stored = values::one(&state.db, kpi.id, checked.period.start).await?;
        let who = stored
            .as_ref()
            .and_then(|v| v.entered_by_name.clone())
            .unwrap_or_default();
        let now = stored
            .as_ref()
            .map(|v| units::display(kpi.unit, v.value, ui.locale))
            .unwrap_or_else(|| "—".into());
        let message = ui.locale.t_args(
            "value-conflict",
            &[("who", who.into()), ("value", now.into())],
        );
        return if inline {
            let e = InlineError {
                kpi_id,
                message,
                input: form.value.clone(),
                comment: form.comment.clone(),
            };
            show(
                &state,
                &user,
                ui,
                account,
                month,
                Some(e),
                StatusCode::CONFLICT,
            )
            .await
        } else {
            let mut form = form;
            form.version = stored
                .as_ref()
                .map(|v| v.version.to_string())
                .unwrap_or_default();
            let page = value_page(
                ui,
                account,
                &kpi,
                form,
                "value",
                Some(message),
                stored.map(|v| v.value),
            );
            render_status(StatusCode::CONFLICT, &page)
        };
    }
    crate::db::commit(tx).await?;
    let key = match outcome {
        Saved::Unchanged => "value-unchanged",
        _ => "value-saved",
    };
    flash::push(&ctx.session, flash::Kind::Success, key).await?;
    let to = if inline {
        format!("/accounts/{id}?period={}#kpi-{kpi_id}", month.code())
    } else {
        back_link(&form, id, kpi_id)
    };
    Ok(see_other(&to))
}
