//! The organisation's time zone: every date and time is shown in it. Read by the
//! page layout on each request; set by the director (`timezone`).

use std::str::FromStr;

use chrono_tz::Tz;

/// Until someone sets it: where Boussole's first users are.
pub const DEFAULT: Tz = Tz::Europe__Paris;

/// A zone name as typed ("Europe/Paris", "europe/paris", " UTC "), if the IANA
/// database knows it.
pub fn parse(name: &str) -> Option<Tz> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    Tz::from_str(name).ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
    })
}

/// The organisation's time zone (the default if the stored name is unknown to
/// this build's database).
pub async fn current(db: &sqlx::PgPool) -> sqlx::Result<Tz> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT time_zone FROM director_settings WHERE id = 1")
            .fetch_optional(db)
            .await?;
    Ok(name.as_deref().and_then(parse).unwrap_or(DEFAULT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_are_parsed_leniently_and_strictly() {
        assert_eq!(parse("Europe/Paris"), Some(Tz::Europe__Paris));
        assert_eq!(parse(" europe/london "), Some(Tz::Europe__London));
        assert_eq!(parse("UTC"), Some(Tz::UTC));
        assert_eq!(parse("Mars/Olympus_Mons"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("Europe/Paris; DROP TABLE"), None);
    }
}
