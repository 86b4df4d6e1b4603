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

/// The JSON pointers (RFC 6901) of every key or string holding a forbidden character.
fn forbidden_strings(v: &serde_json::Value, at: &mut String, out: &mut Vec<String>) {
    use serde_json::Value as V;
    let len = at.len();
    match v {
        V::String(s) if crate::web::input::has_forbidden(s) => out.push(at.clone()),
        V::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                forbidden_strings(item, at, out);
                at.truncate(len);
            }
        }
        V::Object(map) => {
            for (k, item) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                if crate::web::input::has_forbidden(k) {
                    out.push(format!("{at}/{}", crate::web::input::visible(&key)));
                    continue;
                }
                at.push('/');
                at.push_str(&key);
                forbidden_strings(item, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
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
        // Control characters anywhere (a NUL cannot even be stored): refused whole,
        // each place named, as the forms refuse them (`web::input`).
        let mut bad = Vec::new();
        forbidden_strings(&value, &mut String::new(), &mut bad);
        if !bad.is_empty() {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::web::input::MESSAGE_KEY,
            );
            for pointer in bad.into_iter().take(100) {
                let item = pointer
                    .strip_prefix("/items/")
                    .and_then(|r| r.split('/').next())
                    .and_then(|n| n.parse().ok());
                p = p.field(item, &pointer, crate::web::input::MESSAGE_KEY);
            }
            return Err(p);
        }
        Ok(JsonBody { bytes, value })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_found_with_their_place() {
        let v = serde_json::json!({"items": [{"kpi": "ok"}, {"kpi": "a\u{0}b", "comment": "x"}], "n\u{1b}": 1});
        let mut out = Vec::new();
        super::forbidden_strings(&v, &mut String::new(), &mut out);
        out.sort();
        assert_eq!(
            out,
            vec!["/items/1/kpi".to_owned(), "/n\u{fffd}".to_owned()]
        );
    }
}
