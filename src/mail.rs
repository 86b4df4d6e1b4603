//! Outgoing e-mail (invitations, survey links), through lettre. Configured by one
//! URL: an SMTP server, or a directory where each message is written as a .eml
//! file (a pickup directory, and what the tests read).

use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// A plain-text message to one person.
pub struct Mail<'a> {
    pub to_name: &'a str,
    pub to_email: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

impl Mailer {
    /// Errors name what to fix in the configuration.
    pub fn from_url(url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("BOUSSOLE_MAIL_FROM is not an address ({e}): {from}"))?;
        let transport = if let Some(path) = url.strip_prefix("file://") {
            let dir = std::path::PathBuf::from(path);
            if !dir.is_dir() {
                return Err(format!(
                    "BOUSSOLE_MAIL_URL names the directory {path}, which does not exist"
                ));
            }
            Transport::Dir(AsyncFileTransport::new(dir))
        } else if url.starts_with("smtp://") || url.starts_with("smtps://") {
            Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("BOUSSOLE_MAIL_URL is not a usable SMTP URL: {e}"))?
                    .build(),
            )
        } else {
            return Err("BOUSSOLE_MAIL_URL must start with smtp://, smtps:// or file://".into());
        };
        Ok(Self { transport, from })
    }

    /// Sends one message. The caller decides what a failure means for the user
    /// (the link is then shown instead, so nothing is lost).
    pub async fn send(&self, mail: &Mail<'_>) -> Result<(), String> {
        let to = Mailbox::new(
            Some(mail.to_name.to_owned()),
            mail.to_email
                .parse()
                .map_err(|e| format!("not an address: {e}"))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .body(mail.body.to_owned())
            .map_err(|e| e.to_string())?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Dir(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}
