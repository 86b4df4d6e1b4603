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

use async_trait::async_trait;
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
