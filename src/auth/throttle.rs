//! Login throttling: after 5 failed attempts for one e-mail or from one address
//! within 15 minutes, further attempts are refused with 429 until the oldest of
//! those failures leaves the window. Stored in PostgreSQL so every instance agrees.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

/// Seconds to wait, given the time of the MAX_FAILURES-th most recent failure in the
/// window (None when there are fewer). Pure, so the arithmetic is unit-tested.
pub fn retry_after(nth_failure: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<u64> {
    let until = nth_failure? + Duration::minutes(WINDOW_MINUTES);
    let secs = (until - now).num_seconds();
    (secs > 0).then_some(secs as u64)
}

/// How long this e-mail or address must wait, if it must. A successful login
/// clears the e-mail's count (the owner proved who they are) but not the
/// address's, so one valid account cannot launder guesses at others.
pub async fn check(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
) -> sqlx::Result<Option<u64>> {
    let (by_email, by_ip): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT
           (SELECT at FROM login_attempts
             WHERE email = $1 AND NOT succeeded
               AND at > now() - make_interval(mins => $3)
               AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = $1 AND succeeded), '-infinity')
             ORDER BY at DESC OFFSET $4 - 1 LIMIT 1),
           (SELECT at FROM login_attempts
             WHERE $2::inet IS NOT NULL AND ip = $2::inet AND NOT succeeded
               AND at > now() - make_interval(mins => $3)
             ORDER BY at DESC OFFSET $4 - 1 LIMIT 1)",
    )
    .bind(email)
    .bind(ip.map(ipnetwork::IpNetwork::from))
    .bind(WINDOW_MINUTES as i32)
    .bind(MAX_FAILURES)
    .fetch_one(db)
    .await?;
    let now = Utc::now();
    let wait = retry_after(by_email, now).max(retry_after(by_ip, now));
    if wait.is_some() {
        metrics::counter!(crate::metrics::LOGIN_THROTTLED).increment(1);
    }
    Ok(wait)
}

pub async fn record(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
    succeeded: bool,
) -> sqlx::Result<()> {
    let outcome = if succeeded { "success" } else { "failure" };
    metrics::counter!(crate::metrics::LOGIN_ATTEMPTS, "outcome" => outcome).increment(1);
    sqlx::query("INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(ip.map(ipnetwork::IpNetwork::from))
        .bind(succeeded)
        .execute(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_the_fifth_failure_leaves_the_window() {
        let now = Utc::now();
        assert_eq!(retry_after(None, now), None);
        assert_eq!(
            retry_after(Some(now - Duration::minutes(5)), now),
            Some(600)
        );
        assert_eq!(retry_after(Some(now - Duration::minutes(15)), now), None);
        assert_eq!(retry_after(Some(now - Duration::minutes(20)), now), None);
    }
}
