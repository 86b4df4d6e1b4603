//! An e-mail address, parsed once (issue 11): every form, the CLI and the
//! database agree on what an address is. The rule is the database's check
//! (`^[^@\s]+@[^@\s]+\.[^@\s]+$`, migration 0018) made stricter where Rust can
//! tell more (labels of the domain non-empty, no control characters), so an
//! address this type accepts is never refused by the database with a 500.

use std::fmt;

/// A valid address, trimmed and lowercased (addresses are compared that way).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an address was refused: each maps to a field message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    Invalid,
    TooLong,
}

impl EmailError {
    /// The message key shown beside the field.
    pub fn message_key(self) -> &'static str {
        match self {
            EmailError::Empty => "field-required",
            EmailError::Invalid => "email-invalid",
            EmailError::TooLong => "field-too-long",
        }
    }
}

/// RFC 5321's limit on a forward path.
const MAX_LEN: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let bad = |c: char| c.is_whitespace() || c.is_control() || c == '@';
        let Some((local, domain)) = s.split_once('@') else {
            return Err(EmailError::Invalid);
        };
        let ok = !local.is_empty()
            && !local.contains(bad)
            && !domain.contains(bad)
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty());
        if ok {
            Ok(Email(s))
        } else {
            Err(EmailError::Invalid)
        }
    }

    /// A field that may be left empty: `Ok(None)` when it is.
    pub fn parse_optional(raw: &str) -> Result<Option<Email>, EmailError> {
        match Email::parse(raw) {
            Err(EmailError::Empty) => Ok(None),
            other => other.map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Jeanne.Martin@Client.FR ").unwrap().as_str(),
            "jeanne.martin@client.fr"
        );
        assert!(Email::parse("a+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn refuses_what_the_database_would_refuse() {
        for bad in [
            "a@@b.com",
            "@b.com",
            "a@",
            "a@b",
            "a b@c.com",
            "a@b .com",
            "a@.com",
            "a@b.",
            "a@b..com",
            "a\u{7}@b.com",
            "plain",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad:?}");
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse_optional(""), Ok(None));
        let long = format!("{}@b.com", "a".repeat(260));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
