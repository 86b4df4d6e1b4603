//! Reading a JSON request body as problems, not as axum's plain-text rejections:
//! not JSON (415), too large (413, from the body limit), malformed (400), wrong
//! types or unknown fields (422). The raw bytes are kept for `Idempotency-Key`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::problem::Problem;

/// The largest body the API reads: a batch of 1 000 values with long comments fits
/// several times over; anything bigger is refused before it is read whole.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub struct JsonBody {
    pub bytes: Bytes,
    pub value: serde_json::Value,
}

impl JsonBody {
    /// SHA-256 of the method, path and body: what an idempotency key is bound to.
    pub fn fingerprint(&self, method: &str, path: &str) -> Vec<u8> {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update([0]);
        h.update(path.as_bytes());
        h.update([0]);
        h.update(&self.bytes);
        h.finalize().to_vec()
    }
}

/// serde's message without its position (useful, but not translated).
fn parser_detail(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// One typed value out of the JSON, as a 422 naming `item` and the parser's words.
pub fn typed<T: DeserializeOwned>(
    v: serde_json::Value,
    item: Option<usize>,
) -> Result<T, (Option<usize>, String)> {
    serde_json::from_value(v).map_err(|e| (item, parser_detail(&e)))
}

pub fn invalid(errors: Vec<(Option<usize>, String)>) -> Problem {
    let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "api-invalid-body");
    for (item, detail) in errors.into_iter().take(100) {
        p.errors.push(super::problem::FieldError {
            item,
            field: String::new(),
            code: "api-invalid-body".into(),
            detail,
        });
    }
    p
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|ct| {
                let ct = ct.trim();
                ct.eq_ignore_ascii_case("application/json") || ct.ends_with("+json")
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "api-not-json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "api-body-too-large")
                    .arg("max", MAX_BODY_BYTES / (1024 * 1024))
            } else {
                Problem::new(StatusCode::BAD_REQUEST, "error-bad-request")
            }
        })?;
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            let mut p = Problem::new(StatusCode::BAD_REQUEST, "api-malformed-json");
            p.parser = Some(e.to_string());
            p
        })?;
        Ok(JsonBody { bytes, value })
    }
}
