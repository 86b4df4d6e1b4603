//! Authentication: passwords, sessions, login throttling, and the extractors that
//! turn a session into a checked user for handlers.

pub mod extract;
pub mod password;
pub mod routes;
pub mod throttle;

/// Keys under which the session stores what it knows. Kept together so nothing
/// else invents its own.
pub mod keys {
    pub const USER_ID: &str = "uid";
    /// When the user authenticated, in microseconds since the epoch: sessions older
    /// than the user's `sessions_valid_after`, or than the absolute lifetime, are dead.
    pub const AUTH_AT: &str = "auth_at";
    pub const CSRF: &str = "csrf";
    pub const FLASH: &str = "flash";
    /// The language an anonymous visitor picked.
    pub const LANG: &str = "lang";
    /// When the session's idle expiry was last pushed back, in seconds since the epoch
    /// (`web::session_store::keep_alive`).
    pub const SEEN_AT: &str = "seen_at";
}

/// A local path to go back to after login or a language switch. Anything that could
/// leave the site (`//host`, `https://…`, backslashes) is refused: no open redirects.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains("://")
        && !next.chars().any(char::is_control)
        && next.len() <= 2000;
    ok.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(
            safe_next(Some("/accounts?x=1")).as_deref(),
            Some("/accounts?x=1")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("accounts")), None);
        assert_eq!(safe_next(None), None);
    }
}
