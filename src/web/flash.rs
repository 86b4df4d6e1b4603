//! One-shot messages shown on the next page ("Saved", "Signed out"). Stored as
//! translation keys so they appear in the language of the page that shows them.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::auth::keys;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Success,
    Error,
    Info,
}

impl Kind {
    pub fn css(self) -> &'static str {
        match self {
            Kind::Success => "success",
            Kind::Error => "error",
            Kind::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: Kind,
    /// A translation key, or (when `literal`) a message already translated because it
    /// carries numbers or names.
    pub key: String,
    #[serde(default)]
    pub literal: bool,
}

pub async fn push(
    session: &Session,
    kind: Kind,
    key: &str,
) -> Result<(), tower_sessions::session::Error> {
    let mut all: Vec<Flash> = session.get(keys::FLASH).await?.unwrap_or_default();
    all.push(Flash {
        kind,
        key: key.to_owned(),
        literal: false,
    });
    session.insert(keys::FLASH, all).await
}

/// A message already in the user's language (for messages with arguments).
pub async fn push_text(
    session: &Session,
    kind: Kind,
    text: &str,
) -> Result<(), tower_sessions::session::Error> {
    let mut all: Vec<Flash> = session.get(keys::FLASH).await?.unwrap_or_default();
    all.push(Flash {
        kind,
        key: text.to_owned(),
        literal: true,
    });
    session.insert(keys::FLASH, all).await
}

/// The messages to show, removed from the session. Only a session that holds some is
/// modified: removing nothing would still mark it modified, and every page view would
/// then re-save the session.
pub async fn take(session: &Session) -> Result<Vec<Flash>, tower_sessions::session::Error> {
    if session.get_value(keys::FLASH).await?.is_none() {
        return Ok(Vec::new());
    }
    Ok(session.remove(keys::FLASH).await?.unwrap_or_default())
}
