//! Extractors that admit a request only for the right roles. One per area of the
//! app; each asks `authz` and records refusals in the audit trail.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::authz::{self, Area};
use crate::error::AppError;
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;

async fn require(parts: &mut Parts, state: &AppState, area: Area) -> Result<Arc<User>, AppError> {
    let ctx = RequestCtx::from_request_parts(parts, state).await?;
    let Some(user) = ctx.user.clone() else {
        return Err(AppError::Unauthorized);
    };
    if authz::allows(user.role, area) {
        return Ok(user);
    }
    // Recorded in the audit trail by `web::errors::render`, like every refusal.
    Err(AppError::Forbidden)
}

macro_rules! area_extractor {
    ($(#[$doc:meta])* $name:ident, $area:expr) => {
        $(#[$doc])*
        pub struct $name(pub Arc<User>);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                require(parts, state, $area).await.map($name)
            }
        }
    };
}

area_extractor!(
    /// Any signed-in user.
    AnyUser,
    Area::Any
);
area_extractor!(
    /// Every internal user (not client users).
    StaffUser,
    Area::Staff
);
area_extractor!(
    /// Admins, directors and KAMs: account scorecards.
    AccountsUser,
    Area::Accounts
);
area_extractor!(
    /// Portfolio views.
    PortfolioUser,
    Area::Portfolio
);
area_extractor!(
    /// Directors and admins: selection criteria and the director's settings.
    DirectorUser,
    Area::Direction
);
area_extractor!(
    /// Contributors' inbox.
    InboxUser,
    Area::Inbox
);
area_extractor!(
    /// Client users, in the portal.
    ClientUser,
    Area::Portal
);
area_extractor!(
    /// Administrators.
    AdminUser,
    Area::Admin
);
