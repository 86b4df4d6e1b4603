//! The signature of a delivery, the way Stripe signs its webhooks: HMAC-SHA256 of
//! `"{timestamp}.{body}"` with the subscription's secret, sent as
//! `Boussole-Signature: t=<unix seconds>,v1=<hex>`. The timestamp is signed too, so
//! a receiver can refuse an old delivery replayed (say, more than five minutes old).
//!
//! `hmac` + `sha2` (RustCrypto): the HMAC construction and a constant-time
//! comparison, rather than a hand-written one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const HEADER: &str = "Boussole-Signature";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` sent at `timestamp` (unix seconds).
pub fn header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let sig = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(sig))
}

/// What a receiver does: the header parsed, the signature checked in constant
/// time. Returns the signed timestamp when the signature is right.
pub fn verify(secret: &str, header: &str, body: &[u8]) -> Option<i64> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let t = t?;
    v1.iter()
        .any(|sig| mac(secret, t, body).verify_slice(sig).is_ok())
        .then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let h = header("whsec_test", 1_700_000_000, b"{\"a\":1}");
        assert!(h.starts_with("t=1700000000,v1="));
        assert_eq!(verify("whsec_test", &h, b"{\"a\":1}"), Some(1_700_000_000));
        assert_eq!(verify("whsec_test", &h, b"{\"a\":2}"), None);
        assert_eq!(verify("other", &h, b"{\"a\":1}"), None);
        let moved = h.replace("t=1700000000", "t=1700000001");
        assert_eq!(verify("whsec_test", &moved, b"{\"a\":1}"), None);
    }
}
