//! One-use form tokens against double submits (see migration 0014).
//!
//! A form that creates something carries `<input type="hidden" name="_once"
//! value="{{ ui.form_token() }}">`. Its handler calls [`claim`] inside the
//! transaction that creates the thing: the first submit records the token with
//! where it sends the browser; a second submit of the same rendered form finds the
//! token taken and answers with that outcome ("already saved") instead of creating
//! a duplicate. Concurrent submits serialise on the token's primary key.
//! A form without a token (an older page, a script) is handled as before.

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::error::AppError;

/// The form field carrying the token.
pub const FIELD: &str = "_once";

/// A fresh token for one rendered form.
pub fn new_token() -> String {
    crate::web::csrf::new_token()
}

/// What a submit is, given its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The first submit of this form (or a form without a token): go ahead.
    Fresh,
    /// The form was already submitted: send the browser where the first went.
    Seen { outcome: String },
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Takes `token` for `user_id`, inside the caller's transaction. On `Fresh` the
/// caller creates its record and commits; on `Seen` it creates nothing.
pub async fn claim(
    conn: &mut PgConnection,
    token: &str,
    user_id: Option<i64>,
    outcome: &str,
) -> Result<Claim, AppError> {
    let token = token.trim();
    if token.is_empty() {
        return Ok(Claim::Fresh);
    }
    if token.len() > 128 {
        return Err(AppError::Unprocessable("error-bad-request"));
    }
    let hashed = hash(token);
    let inserted: Option<i32> = sqlx::query_scalar(
        "INSERT INTO form_submissions (token_hash, user_id, outcome) VALUES ($1, $2, $3) \
         ON CONFLICT (token_hash) DO NOTHING RETURNING 1",
    )
    .bind(&hashed)
    .bind(user_id)
    .bind(outcome)
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_some() {
        return Ok(Claim::Fresh);
    }
    let (owner, outcome): (Option<i64>, String) =
        sqlx::query_as("SELECT user_id, outcome FROM form_submissions WHERE token_hash = $1")
            .bind(&hashed)
            .fetch_one(&mut *conn)
            .await?;
    if owner != user_id {
        // Someone else's token: nothing to say about it, nothing created.
        return Err(AppError::Conflict("form-already-sent"));
    }
    tracing::info!(outcome = %outcome, "a form was sent twice; the second submit created nothing");
    Ok(Claim::Seen { outcome })
}

/// True when `token` was already used by `user_id` for a submit that led to
/// `outcome`: for forms whose target is gone after the first submit (a survey link
/// is closed once answered), so the second submit can still get the first's page.
pub async fn was_sent(
    db: &sqlx::PgPool,
    token: Option<&str>,
    user_id: Option<i64>,
    outcome: &str,
) -> sqlx::Result<bool> {
    let Some(token) = token
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
    else {
        return Ok(false);
    };
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM form_submissions \
                        WHERE token_hash = $1 AND user_id IS NOT DISTINCT FROM $2 AND outcome = $3)",
    )
    .bind(hash(token))
    .bind(user_id)
    .bind(outcome)
    .fetch_one(db)
    .await
}

/// The answer to a second submit: the first one's page, with "already saved".
pub async fn already_saved(
    session: &tower_sessions::Session,
    outcome: &str,
) -> Result<axum::response::Response, AppError> {
    crate::web::flash::push(session, crate::web::flash::Kind::Info, "form-already-sent").await?;
    Ok(crate::web::see_other(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_hashed_to_the_column_format() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        let h = hash(&a);
        assert_eq!(h.len(), 64);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }
}
