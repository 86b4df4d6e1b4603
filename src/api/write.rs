//! Value writes: a batch (`POST /api/v1/values`, up to 1 000 items, all or
//! nothing, `Idempotency-Key`) and one value (`PUT …/values/{period}`, `If-Match`).
//! Each item is checked as the value form checks it (`values::entry::check`: the
//! period must match the KPI's frequency, the unit's range, control characters),
//! authorised as the pages authorise it (`scope::writable_kpi`), then everything is
//! written in one transaction through `values::save` (history and audit rows, the
//! token id on each) and committed through `db::commit` (the scorecard state).

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{self, JsonBody};
use super::caller::Caller;
use super::problem::{ApiResult, Problem};
use super::read::{VALUE_SELECT, ValueOut};
use super::scope;
use crate::accounts::Account;
use crate::kpis::AccountKpi;
use crate::period::Period;
use crate::state::AppState;
use crate::values::entry::{self, ValueForm};
use crate::values::{self, NewValue, Saved};

pub const MAX_BATCH: usize = 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    /// 1 to 1 000 values (each checked apart, so a bad one is named).
    #[schema(value_type = Vec<ItemIn>, min_items = 1, max_items = 1000)]
    pub items: Vec<serde_json::Value>,
}

/// One value of a batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    /// The account's slug (`lumiere-retail`).
    pub account: String,
    /// The KPI's code in that account (`otif`).
    pub kpi: String,
    /// `2026-09` (monthly), `2026-Q3` (quarterly), `2026` (yearly): the KPI's frequency.
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")]
    pub period: String,
    pub value: f64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemOut {
    pub item: usize,
    pub kpi_id: i64,
    pub period: String,
    /// created | updated | unchanged
    pub outcome: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchOut {
    pub items: Vec<ItemOut>,
}

fn outcome_code(s: Saved) -> &'static str {
    match s {
        Saved::Created => "created",
        Saved::Updated => "updated",
        // Locked values never reach here: the batch stops on them (409).
        Saved::Unchanged | Saved::Conflict | Saved::Locked | Saved::CommentRequired => "unchanged",
    }
}

fn problem_of_item(item: usize, field: &str, key: &'static str) -> (usize, String, &'static str) {
    (item, field.to_owned(), key)
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let k = v.to_str().unwrap_or_default().trim();
    if k.is_empty() || k.len() > 255 || crate::web::input::has_forbidden(k) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "api-idempotency-key-invalid",
        )
        .field(None, "Idempotency-Key", "api-idempotency-key-invalid"));
    }
    Ok(Some(k.to_owned()))
}

/// What an `Idempotency-Key` found: nothing yet (the key is now claimed by this
/// transaction), or the stored answer to replay.
enum Claim {
    Fresh,
    Replay(StatusCode, serde_json::Value),
}

async fn claim(
    tx: &mut sqlx::PgConnection,
    token_id: i64,
    key: &str,
    fingerprint: &[u8],
) -> ApiResult<Claim> {
    // A concurrent request with the same key waits here until the first commits.
    let fresh = sqlx::query(
        "INSERT INTO api_idempotency (token_id, key, request_hash, status, response) \
         VALUES ($1, $2, $3, 200, 'null') ON CONFLICT DO NOTHING",
    )
    .bind(token_id)
    .bind(key)
    .bind(fingerprint)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if fresh {
        return Ok(Claim::Fresh);
    }
    let (hash, status, response): (Vec<u8>, i16, serde_json::Value) = sqlx::query_as(
        "SELECT request_hash, status, response FROM api_idempotency WHERE token_id = $1 AND key = $2",
    )
    .bind(token_id)
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    if hash != fingerprint {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "api-idempotency-mismatch",
        ));
    }
    Ok(Claim::Replay(
        StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK),
        response,
    ))
}

async fn remember(
    tx: &mut sqlx::PgConnection,
    token_id: i64,
    key: &str,
    status: StatusCode,
    response: &serde_json::Value,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $3, response = $4 WHERE token_id = $1 AND key = $2",
    )
    .bind(token_id)
    .bind(key)
    .bind(status.as_u16() as i16)
    .bind(response)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn replayed(status: StatusCode, body: serde_json::Value) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}

/// A checked item, ready to write.
struct Ready {
    item: usize,
    kpi: AccountKpi,
    checked: entry::Checked,
}

async fn kpi_by_code(
    state: &AppState,
    account_slug: &str,
    code: &str,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "SELECT a.id, k.id FROM accounts a JOIN account_kpis k ON k.account_id = a.id \
         WHERE a.slug = $1 AND k.code = $2",
    )
    .bind(account_slug)
    .bind(code)
    .fetch_optional(&state.db)
    .await
}

/// A KPI named by (account slug, code): writable, or the key of why not.
type Lookup = Result<(Account, AccountKpi), &'static str>;

/// Every item checked and authorised, or every item's problem (nothing written).
async fn check_batch(
    state: &AppState,
    c: &Caller,
    items: Vec<serde_json::Value>,
) -> ApiResult<Vec<Ready>> {
    let mut ready = Vec::with_capacity(items.len());
    let mut shape = Vec::new();
    let mut errors = Vec::new();
    // One lookup and one authorisation per KPI, however many periods it has.
    let mut kpis: HashMap<(String, String), Lookup> = HashMap::new();
    let mut seen = HashSet::new();
    for (i, raw) in items.into_iter().enumerate() {
        let item: ItemIn = match body::typed(raw, Some(i)) {
            Ok(v) => v,
            Err(e) => {
                shape.push(e);
                continue;
            }
        };
        let pair = (item.account.clone(), item.kpi.clone());
        if !kpis.contains_key(&pair) {
            let found = match kpi_by_code(state, &item.account, &item.kpi).await? {
                None => Err("error-not-found"),
                Some((account_id, kpi_id)) => {
                    match scope::writable_kpi(state, c, account_id, kpi_id).await {
                        Ok(v) => Ok(v),
                        Err(p) if p.status == StatusCode::NOT_FOUND => Err("error-not-found"),
                        Err(p) if p.status == StatusCode::FORBIDDEN => Err("api-item-forbidden"),
                        Err(p) => return Err(p),
                    }
                }
            };
            kpis.insert(pair.clone(), found);
        }
        let kpi = match &kpis[&pair] {
            Ok((_, k)) => k.clone(),
            Err(key) => {
                errors.push(problem_of_item(i, "kpi", key));
                continue;
            }
        };
        let form = ValueForm {
            period: item.period.clone(),
            value: item.value.to_string(),
            comment: item.comment.clone(),
            ..ValueForm::default()
        };
        match entry::check(&kpi, &form) {
            Err((field, key)) => errors.push(problem_of_item(i, field, key)),
            Ok(checked) => {
                if !seen.insert((kpi.id, checked.period.start)) {
                    errors.push(problem_of_item(i, "period", "api-duplicate-item"));
                    continue;
                }
                ready.push(Ready {
                    item: i,
                    kpi,
                    checked,
                });
            }
        }
    }
    if !shape.is_empty() {
        return Err(body::invalid(shape));
    }
    if !errors.is_empty() {
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-batch-invalid")
            .arg("count", errors.len());
        for (i, field, key) in errors.into_iter().take(100) {
            p = p.field(Some(i), &field, key);
        }
        return Err(p);
    }
    Ok(ready)
}

/// Records many values at once, all or nothing.
#[utoipa::path(post, path = "/api/v1/values", tag = "values",
    request_body(content = BatchIn, description = "items: objects of `ItemIn`"),
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body answer the first answer again, writing nothing")),
    responses((status = 200, body = BatchOut), (status = 400, body = super::problem::ProblemBody),
              (status = 403, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody),
              (status = 413, body = super::problem::ProblemBody),
              (status = 415, body = super::problem::ProblemBody), (status = 422, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn batch(
    State(state): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    c.require_write()?;
    let key = idempotency_key(&headers)?;
    let fingerprint = body.fingerprint("POST", "/api/v1/values");
    let batch: BatchIn = body::typed(body.value, None).map_err(|e| body::invalid(vec![e]))?;
    if batch.items.is_empty() || batch.items.len() > MAX_BATCH {
        return Err(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-batch-size")
                .arg("max", MAX_BATCH)
                .arg("count", batch.items.len())
                .field(None, "items", "api-batch-size-field"),
        );
    }
    let mut tx = state.db.begin().await?;
    if let Some(k) = &key
        && let Claim::Replay(status, stored) = claim(&mut tx, c.token.id, k, &fingerprint).await?
    {
        return Ok(replayed(status, stored));
    }
    let ready = check_batch(&state, &c, batch.items).await?;
    let actor = c.actor();
    let source = scope::source(&c);
    let mut out = Vec::with_capacity(ready.len());
    for r in &ready {
        let saved = values::save(
            &mut tx,
            &r.kpi,
            &NewValue {
                period: r.checked.period.start,
                value: r.checked.value,
                comment: &r.checked.comment,
                source,
                expected_version: None,
                check_version: false,
            },
            &actor,
        )
        .await?;
        if saved == Saved::Locked {
            // Dropping the transaction writes nothing of the batch.
            return Err(
                Problem::new(StatusCode::CONFLICT, "api-period-locked").field(
                    Some(r.item),
                    "period",
                    "api-period-locked",
                ),
            );
        }
        if saved == Saved::CommentRequired {
            return Err(
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-comment-required").field(
                    Some(r.item),
                    "comment",
                    "value-comment-required",
                ),
            );
        }
        out.push(ItemOut {
            item: r.item,
            kpi_id: r.kpi.id,
            period: r.checked.period.code(),
            outcome: outcome_code(saved).into(),
        });
    }
    let response =
        serde_json::to_value(BatchOut { items: out }).map_err(crate::error::AppError::internal)?;
    if let Some(k) = &key {
        remember(&mut tx, c.token.id, k, StatusCode::OK, &response).await?;
    }
    crate::db::commit(tx).await?;
    Ok((StatusCode::OK, Json(response)).into_response())
}

fn etag(version: i32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits")
}

async fn stored(state: &AppState, kpi_id: i64, period: Period) -> sqlx::Result<Option<ValueOut>> {
    let row: Option<ValueOut> = sqlx::query_as(&format!(
        "{VALUE_SELECT} WHERE v.account_kpi_id = $1 AND v.period = $2"
    ))
    .bind(kpi_id)
    .bind(period.start)
    .fetch_optional(&state.db)
    .await?;
    Ok(row.map(ValueOut::with_code))
}

fn period_of(kpi: &AccountKpi, code: &str) -> ApiResult<Period> {
    Period::parse(kpi.frequency, code).map_err(|e| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.key()).field(None, "period", e.key())
    })
}

/// One value, with its `ETag` (its version).
#[utoipa::path(get, path = "/api/v1/accounts/{id}/kpis/{kpi_id}/values/{period}", tag = "values",
    params(("id" = i64, Path), ("kpi_id" = i64, Path), ("period" = String, Path, description = "`2026-09`, `2026-Q3` or `2026`", pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")),
    responses((status = 200, body = ValueOut, headers(("ETag" = String))),
              (status = 404, body = super::problem::ProblemBody), (status = 422, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn one(
    State(state): State<AppState>,
    c: Caller,
    Path((id, kpi_id, period)): Path<(i64, i64, String)>,
) -> ApiResult<Response> {
    let account = scope::account(&state, &c, id).await?;
    let kpi = scope::kpi(&state, &c, &account, kpi_id).await?;
    let period = period_of(&kpi, &period)?;
    let v = stored(&state, kpi.id, period)
        .await?
        .ok_or_else(Problem::not_found)?;
    let mut r = Json(&v).into_response();
    r.headers_mut().insert(header::ETAG, etag(v.version));
    Ok(r)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueIn {
    pub value: f64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// `If-Match: "<version>"`, if given (`*` or absent: no check).
fn if_match(headers: &HeaderMap) -> ApiResult<Option<i32>> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or_default().trim();
    if s == "*" {
        return Ok(None);
    }
    s.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| Problem::new(StatusCode::PRECONDITION_FAILED, "api-precondition-failed"))
}

/// Records one value; with `If-Match`, only if it is still the version read.
#[utoipa::path(put, path = "/api/v1/accounts/{id}/kpis/{kpi_id}/values/{period}", tag = "values",
    params(("id" = i64, Path), ("kpi_id" = i64, Path),
           ("period" = String, Path, pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"),
           ("If-Match" = Option<String>, Header, description = "the ETag read: 412 if the value changed since")),
    request_body = ValueIn,
    responses((status = 200, body = ValueOut, headers(("ETag" = String))),
              (status = 201, body = ValueOut, headers(("ETag" = String))),
              (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody),
              (status = 409, body = super::problem::ProblemBody), (status = 412, body = super::problem::ProblemBody),
              (status = 422, body = super::problem::ProblemBody)),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Path((id, kpi_id, period)): Path<(i64, i64, String)>,
    body: JsonBody,
) -> ApiResult<Response> {
    c.require_write()?;
    let (_, kpi) = scope::writable_kpi(&state, &c, id, kpi_id).await?;
    let input: ValueIn = body::typed(body.value, None).map_err(|e| body::invalid(vec![e]))?;
    let form = ValueForm {
        period,
        value: input.value.to_string(),
        comment: input.comment,
        ..ValueForm::default()
    };
    let checked = entry::check(&kpi, &form).map_err(|(field, key)| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, key).field(None, field, key)
    })?;
    // After the input's checks: a bad request is told so, whatever its If-Match.
    let expected = if_match(&headers)?;
    let mut tx = state.db.begin().await?;
    let saved = values::save(
        &mut tx,
        &kpi,
        &NewValue {
            period: checked.period.start,
            value: checked.value,
            comment: &checked.comment,
            source: scope::source(&c),
            expected_version: expected,
            check_version: expected.is_some(),
        },
        &c.actor(),
    )
    .await?;
    if saved == Saved::Conflict {
        return Err(Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "api-precondition-failed",
        ));
    }
    if saved == Saved::Locked {
        return Err(
            Problem::new(StatusCode::CONFLICT, "api-period-locked").field(
                None,
                "period",
                "api-period-locked",
            ),
        );
    }
    if saved == Saved::CommentRequired {
        return Err(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-comment-required").field(
                None,
                "comment",
                "value-comment-required",
            ),
        );
    }
    crate::db::commit(tx).await?;
    let v = stored(&state, kpi.id, checked.period)
        .await?
        .ok_or_else(|| crate::error::AppError::internal(anyhow::anyhow!("saved value missing")))?;
    let status = if saved == Saved::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut r = (status, Json(&v)).into_response();
    r.headers_mut().insert(header::ETAG, etag(v.version));
    Ok(r)
}
