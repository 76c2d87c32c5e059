//! Calls to the coordination server's API with the browser's fetch, in postcard both ways
//! (`faltlogg_core::api::POSTCARD_MEDIA_TYPE`): a JSON codec would cost the wasm about 23 KB.

use faltlogg_core::api::{ErrorBody, POSTCARD_MEDIA_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why a call to the server did not give its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The server could not be reached: no network, or the server is down.
    Offline,
    /// The server refused the request, and said why.
    Rejected(ErrorBody),
    /// The server refused the request for now (busy, or its database unreachable: `429`,
    /// `503`), said why, and when to ask again: its `Retry-After`, in seconds.
    Busy(ErrorBody, u32),
    /// The server answered with something that is not the API's shape (a proxy error page).
    Unexpected,
    /// The server speaks another version of the API (406 or 415): this app is older than
    /// the server, and a reload brings the one it serves.
    Outdated,
}

/// What a reply that is not 2xx means. The body is an [`ErrorBody`] in postcard, except from
/// a gateway (its own page) or when the API versions differ (the server then answers in JSON,
/// the one format every version reads). `retry_after` is the reply's `Retry-After` header; the
/// server sends it as seconds, and a date (which HTTP allows too) is not read.
fn refusal(status: u16, body: &[u8], retry_after: Option<String>) -> CallError {
    if matches!(status, 406 | 415) {
        return CallError::Outdated;
    }
    let retry_after_s = retry_after.and_then(|s| s.trim().parse().ok());
    match postcard::from_bytes::<ErrorBody>(body) {
        Ok(error) => match retry_after_s {
            Some(seconds) => CallError::Busy(error, seconds),
            None => CallError::Rejected(error),
        },
        // A gateway in front of a stopped server answers 502/503/504 with its own page.
        Err(_) if matches!(status, 502..=504) => CallError::Offline,
        Err(_) => CallError::Unexpected,
    }
}

/// One call: `method` to `path`, with a session `token` and a `body` (postcard) if given; the
/// reply's bytes, or why there are none.
pub async fn send(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> Result<Vec<u8>, CallError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = &body {
        init.set_body(&js_sys::Uint8Array::from(body.as_slice()));
    }
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| CallError::Unexpected)?;
    let headers = request.headers();
    let _ = headers.set("Accept", POSTCARD_MEDIA_TYPE);
    if body.is_some() {
        let _ = headers.set("Content-Type", POSTCARD_MEDIA_TYPE);
    }
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    let window = web_sys::window().ok_or(CallError::Unexpected)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| CallError::Offline)?
        .unchecked_into();
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| CallError::Unexpected)?)
        .await
        .map_err(|_| CallError::Offline)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if response.ok() {
        Ok(bytes)
    } else {
        let retry_after = response.headers().get("Retry-After").ok().flatten();
        Err(refusal(response.status(), &bytes, retry_after))
    }
}

fn parse<R: DeserializeOwned>(bytes: Vec<u8>) -> Result<R, CallError> {
    postcard::from_bytes(&bytes).map_err(|_| CallError::Unexpected)
}

pub async fn get<R: DeserializeOwned>(path: &str, token: &str) -> Result<R, CallError> {
    parse(send("GET", path, Some(token), None).await?)
}

pub async fn post<B: Serialize, R: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, CallError> {
    let body = postcard::to_allocvec(body).map_err(|_| CallError::Unexpected)?;
    parse(send("POST", path, token, Some(body)).await?)
}

/// A `PUT` whose reply has no body (`204`).
pub async fn put<B: Serialize>(path: &str, token: &str, body: &B) -> Result<(), CallError> {
    let body = postcard::to_allocvec(body).map_err(|_| CallError::Unexpected)?;
    send("PUT", path, Some(token), Some(body)).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use faltlogg_core::api::ErrorCode;

    #[test]
    fn a_refusal_says_why_and_a_version_mismatch_asks_for_an_update() {
        let body = ErrorBody {
            error: ErrorCode::SessionExpired,
            message: "session expired".into(),
            index: None,
        };
        let bytes = postcard::to_allocvec(&body).unwrap();
        assert_eq!(refusal(401, &bytes, None), CallError::Rejected(body));
        // The server answers a version mismatch in JSON; the status alone tells.
        let json = br#"{"error":"malformed_request","message":"reload","index":null}"#;
        assert_eq!(refusal(406, json, None), CallError::Outdated);
        assert_eq!(refusal(415, json, None), CallError::Outdated);
        assert_eq!(
            refusal(502, b"<html>Bad gateway</html>", None),
            CallError::Offline
        );
        assert_eq!(
            refusal(500, b"<html>oops</html>", None),
            CallError::Unexpected
        );
    }

    #[test]
    fn a_busy_server_s_retry_after_is_kept_and_a_date_or_nonsense_ignored() {
        let body = ErrorBody {
            error: ErrorCode::Unavailable,
            message: "try again later".into(),
            index: None,
        };
        let bytes = postcard::to_allocvec(&body).unwrap();
        let with = |header: &str| refusal(503, &bytes, Some(header.into()));
        assert_eq!(with("30"), CallError::Busy(body.clone(), 30));
        assert_eq!(with(" 5 "), CallError::Busy(body.clone(), 5));
        assert_eq!(
            with("Wed, 21 Oct 2026 07:28:00 GMT"),
            CallError::Rejected(body.clone())
        );
        assert_eq!(with("-1"), CallError::Rejected(body.clone()));
        assert_eq!(
            refusal(503, b"<html>down</html>", Some("30".into())),
            CallError::Offline,
            "a gateway's page, whatever its header"
        );
    }
}
