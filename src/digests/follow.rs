//! Following accounts: whose news reaches whom by e-mail. A KAM follows the
//! accounts they own unless they unfollow one; anyone who sees an account may
//! follow it (`POST /accounts/{id}/follow`, the button on the account's page); a
//! client user follows their own account, always (nothing to choose).

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgExecutor;

use crate::accounts::VisibleAccount;
use crate::audit;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::User;
use crate::web::context::RequestCtx;
use crate::web::{flash, see_other};

/// The condition on `accounts a` (with `account_follows f` joined for user `$u`)
/// for "followed": the explicit choice, else the KAM's own accounts.
fn followed_sql(u: usize) -> String {
    format!("coalesce(f.follows, a.owner_id = ${u})")
}

/// The accounts `user` follows among those they see, by id.
pub async fn followed(db: impl PgExecutor<'_>, user: &User) -> sqlx::Result<Vec<i64>> {
    if authz::is_client(user) {
        return Ok(user.account_id.into_iter().collect());
    }
    sqlx::query_scalar(&format!(
        "SELECT a.id FROM accounts a \
         LEFT JOIN account_follows f ON f.account_id = a.id AND f.user_id = $2 \
         WHERE {} AND {} ORDER BY a.id",
        authz::sees_account_sql(1),
        followed_sql(2)
    ))
    .bind(authz::member_filter(user))
    .bind(user.id)
    .fetch_all(db)
    .await
}

/// Whether `user` follows `account_id` (one they see).
pub async fn follows(db: impl PgExecutor<'_>, user: &User, account_id: i64) -> sqlx::Result<bool> {
    if authz::is_client(user) {
        return Ok(user.account_id == Some(account_id));
    }
    sqlx::query_scalar(&format!(
        "SELECT {} FROM accounts a \
         LEFT JOIN account_follows f ON f.account_id = a.id AND f.user_id = $2 \
         WHERE a.id = $1",
        followed_sql(2)
    ))
    .bind(account_id)
    .bind(user.id)
    .fetch_optional(db)
    .await
    .map(|f: Option<bool>| f.unwrap_or(false))
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowForm {
    /// `yes` to follow, `no` to stop.
    #[serde(default)]
    pub follow: String,
}

/// `POST /accounts/{id}/follow`: follow or stop following, audited.
pub async fn save(
    State(state): State<AppState>,
    VisibleAccount { user, account }: VisibleAccount,
    ctx: RequestCtx,
    Form(form): Form<FollowForm>,
) -> AppResult<Response> {
    let follow = match form.follow.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::Unprocessable("follow-invalid")),
    };
    let mut tx = state.db.begin().await?;
    let before = follows(&mut *tx, &user, account.id).await?;
    if before != follow {
        sqlx::query(
            "INSERT INTO account_follows (user_id, account_id, follows) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, account_id) DO UPDATE SET follows = EXCLUDED.follows",
        )
        .bind(user.id)
        .bind(account.id)
        .bind(follow)
        .execute(&mut *tx)
        .await?;
        let action = if follow {
            audit::Action::AccountFollowed
        } else {
            audit::Action::AccountUnfollowed
        };
        audit::record(
            &mut *tx,
            &ctx.actor(),
            audit::Entry::new(action)
                .on("account", account.id)
                .account(Some(account.id)),
        )
        .await?;
    }
    crate::db::commit(tx).await?;
    flash::push(
        &ctx.session,
        flash::Kind::Success,
        if follow {
            "follow-now-on"
        } else {
            "follow-now-off"
        },
    )
    .await?;
    Ok(see_other(&format!("/accounts/{}", account.id)))
}
