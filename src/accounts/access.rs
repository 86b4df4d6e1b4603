//! The account a request is about, resolved from the path (`{id}`) and the
//! session, with the right proven: handlers take `VisibleAccount` or
//! `EditableAccount` instead of each looking the account up and checking.
//!
//! Not visible → 404 (an account one may not see does not exist for them);
//! visible but not editable → 403. Refusals are recorded in the audit trail by
//! `web::errors::render`, like every other refusal. The decisions themselves are
//! `authz`'s: the visibility SQL (`find_visible`) and `may_edit_account`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use super::{Account, can_edit, find_visible};
use crate::auth::extract::AccountsUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::User;

/// An internal user (admin, director, KAM) and an account they may see.
pub struct VisibleAccount {
    pub user: Arc<User>,
    pub account: Account,
}

/// An internal user and an account they may change (its record, team, KPIs).
pub struct EditableAccount {
    pub user: Arc<User>,
    pub account: Account,
}

/// The route's `{id}`: a path that is not a number names no account (404).
async fn account_id(parts: &mut Parts, state: &AppState) -> Result<i64, AppError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::NotFound)?;
    params
        .iter()
        .find(|(name, _)| *name == "id")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or(AppError::NotFound)
}

async fn visible(parts: &mut Parts, state: &AppState) -> Result<VisibleAccount, AppError> {
    let AccountsUser(user) = AccountsUser::from_request_parts(parts, state).await?;
    let id = account_id(parts, state).await?;
    let account = find_visible(&state.db, &user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(VisibleAccount { user, account })
}

impl FromRequestParts<AppState> for VisibleAccount {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        visible(parts, state).await
    }
}

impl FromRequestParts<AppState> for EditableAccount {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let VisibleAccount { user, account } = visible(parts, state).await?;
        if !can_edit(&user, &account) {
            return Err(AppError::Forbidden);
        }
        Ok(EditableAccount { user, account })
    }
}

/// The same decision for code that is not a handler (a helper shared by handlers
/// whose path holds more than the account).
pub async fn editable(state: &AppState, user: &User, id: i64) -> AppResult<Account> {
    let account = find_visible(&state.db, user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !can_edit(user, &account) {
        return Err(AppError::Forbidden);
    }
    Ok(account)
}
