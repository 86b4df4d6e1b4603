//! The session store as the session layer sees it: PostgreSQL's, except that a
//! failure to *save* a session after the handler has answered does not replace the
//! answer with an error.
//!
//! tower-sessions saves a modified session after the handler ran and, if that save
//! fails, throws the handler's response away for an empty 500. During a database
//! outage that turned a committed write (e.g. a value entry whose flash message was
//! being saved) into an error page, and a retry into a 409. The handler's answer is
//! the truth about what happened; losing a flash message or a language choice is the
//! lesser harm. Loading stays strict (a session that cannot be read is a 503), and
//! so does deleting (a logout must really end the session).
//!
//! A session is saved only when a request changes it, so a page view alone does not
//! write; `keep_alive` pushes the idle expiry back at most once a minute.

use async_trait::async_trait;
use tower_sessions::Session;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Debug, Clone)]
pub struct ForgivingStore(pub PostgresStore);

#[async_trait]
impl SessionStore for ForgivingStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        if let Err(e) = self.0.create(record).await {
            // The cookie then names no stored session: the next request is anonymous.
            tracing::warn!(error = %e, "session not created (the response is kept)");
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        if let Err(e) = self.0.save(record).await {
            tracing::warn!(error = %e, "session not saved (the response is kept)");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0.delete(id).await
    }
}

/// At most this often, a session in use has its idle expiry pushed back (one write).
pub const REFRESH_EVERY_SECONDS: i64 = 60;

/// Whether a session last refreshed at `seen_at` (seconds since the epoch) is due for
/// a refresh at `now`. A clock that went back counts as due.
pub fn due(seen_at: Option<i64>, now: i64) -> bool {
    seen_at.is_none_or(|t| now < t || now - t >= REFRESH_EVERY_SECONDS)
}

/// Called once per request by the request context: a stored session's idle expiry is
/// pushed back (by marking it modified, so the session layer saves it with a new expiry)
/// when it was last pushed back a minute ago or more. The idle timeout thus ends up to
/// a minute early, and a page view costs no write the rest of the time.
pub async fn keep_alive(
    session: &Session,
) -> std::result::Result<(), tower_sessions::session::Error> {
    let seen_at = session.get::<i64>(crate::auth::keys::SEEN_AT).await?;
    // Without an id (after the load above), there is no stored session to keep alive:
    // an anonymous visitor gets none until a page needs one.
    if session.id().is_none() {
        return Ok(());
    }
    let now = chrono::Utc::now().timestamp();
    if due(seen_at, now) {
        session.insert(crate::auth::keys::SEEN_AT, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_refreshed_at_most_once_a_minute() {
        assert!(due(None, 1_000));
        assert!(!due(Some(1_000), 1_000));
        assert!(!due(Some(1_000), 1_059));
        assert!(due(Some(1_000), 1_060));
        assert!(due(Some(1_000), 999), "a clock that went back");
    }
}
