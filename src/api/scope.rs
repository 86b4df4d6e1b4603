//! What a token may reach, decided by the rules the pages use: staff see the
//! accounts `authz::sees_account_sql` gives them (`accounts::find_visible`), client
//! users their own account and its shared KPIs (`kpis::shared_for_account`,
//! `authz::CLIENT_SEES_SQL`); the token's account limit narrows both. Anything
//! else is 404, never 403, so ids reveal nothing.

use super::caller::Caller;
use super::problem::{ApiResult, Problem};
use crate::accounts::{self, Account};
use crate::authz::{self, Area};
use crate::kpis::{self, AccountKpi};
use crate::state::AppState;

/// Whether the caller reads as a client (the portal's view) or as staff.
pub fn as_client(c: &Caller) -> bool {
    authz::is_client(&c.user)
}

/// The role family of the account endpoints: the portal's for clients, the
/// scorecards' for staff (contributors reach values through their KPIs only).
pub fn require_account_area(c: &Caller) -> ApiResult<()> {
    c.require(if as_client(c) {
        Area::Portal
    } else {
        Area::Accounts
    })
}

pub async fn account(state: &AppState, c: &Caller, id: i64) -> ApiResult<Account> {
    require_account_area(c)?;
    let found = if as_client(c) {
        // The account comes from the user, never from the URL.
        match c.user.account_id {
            Some(own) if own == id => accounts::find_unchecked(&state.db, own).await?,
            _ => None,
        }
    } else {
        accounts::find_visible(&state.db, &c.user, id).await?
    };
    found
        .filter(|a| c.token.reaches(a.id))
        .ok_or_else(Problem::not_found)
}

pub async fn kpis(state: &AppState, c: &Caller, account: &Account) -> ApiResult<Vec<AccountKpi>> {
    Ok(if as_client(c) {
        kpis::shared_for_account(&state.db, account.id).await?
    } else {
        kpis::for_account(&state.db, account.id).await?
    })
}

pub async fn kpi(
    state: &AppState,
    c: &Caller,
    account: &Account,
    kpi_id: i64,
) -> ApiResult<AccountKpi> {
    let found = if as_client(c) {
        kpis::find_shared(&state.db, account.id, kpi_id).await?
    } else {
        kpis::find(&state.db, account.id, kpi_id).await?
    };
    found.ok_or_else(Problem::not_found)
}

/// A KPI the caller may enter values for, by the rules of the pages: staff through
/// `values::entry::authorize` (whoever may edit the account, or the KPI's owner);
/// client users a joint KPI of their own account from stage 4 (the portal's rule).
/// Not visible: 404; visible but not writable: 403.
pub async fn writable_kpi(
    state: &AppState,
    c: &Caller,
    account_id: i64,
    kpi_id: i64,
) -> ApiResult<(Account, AccountKpi)> {
    if !c.token.reaches(account_id) {
        return Err(Problem::not_found());
    }
    if as_client(c) {
        let account = account(state, c, account_id).await?;
        let kpi = kpi(state, c, &account, kpi_id).await?;
        if !crate::sharing::client_can_enter_values(account.stage, kpi.visibility) {
            return Err(Problem::new(
                axum::http::StatusCode::FORBIDDEN,
                "error-forbidden",
            ));
        }
        return Ok((account, kpi));
    }
    c.require(Area::Staff)?;
    Ok(crate::values::entry::authorize(state, &c.user, account_id, kpi_id).await?)
}

/// The source recorded with a value written through the API, as the pages do.
pub fn source(c: &Caller) -> &'static str {
    if as_client(c) {
        "client"
    } else if authz::is_contributor(&c.user) {
        "contributor"
    } else {
        "api"
    }
}
