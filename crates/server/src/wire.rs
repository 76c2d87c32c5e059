//! The API's two encodings of the same wire types (`faltlogg_core::api`): JSON for people and
//! tools (curl, the operator, the tests), postcard for the PWA. A JSON codec costs the PWA's
//! wasm about 23 KB brotli, a tenth of it, while postcard is already in it for the records.
//!
//! A request body is decoded by its `Content-Type` ([`Body`]). A reply is encoded in the format
//! the request's `Accept` asks for: handlers and errors return a [`Reply`] that holds the typed
//! value, and the [`negotiate`] layer, which has seen the request, encodes it. A reply that
//! reaches the client without passing that layer would have an empty body, which every test
//! of an endpoint would notice.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use faltlogg_core::api::{ErrorCode, POSTCARD_MEDIA_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::HttpError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Postcard,
}

impl Format {
    fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Postcard => POSTCARD_MEDIA_TYPE,
        }
    }

    /// The format of a request body, from its `Content-Type` (parameters such as `charset`
    /// ignored). `None` for anything else.
    fn of_body(headers: &HeaderMap) -> Option<Format> {
        let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let essence = value.split(';').next().unwrap_or("").trim();
        if essence.eq_ignore_ascii_case("application/json") {
            Some(Format::Json)
        } else if essence.eq_ignore_ascii_case(POSTCARD_MEDIA_TYPE) {
            Some(Format::Postcard)
        } else {
            None
        }
    }

    /// The format a reply is written in: postcard when `Accept` names it, JSON otherwise
    /// (the API's default, so a bare `curl` reads it).
    fn accepted(headers: &HeaderMap) -> Format {
        let names_postcard = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let essence = item.split(';').next().unwrap_or("").trim();
                essence.eq_ignore_ascii_case(POSTCARD_MEDIA_TYPE)
            });
        if names_postcard {
            Format::Postcard
        } else {
            Format::Json
        }
    }

    /// Whether the request asks for postcard in another version of the API than this one:
    /// an app older (or newer) than the server, which must be told so rather than be
    /// answered in JSON it cannot read.
    fn other_version_asked(headers: &HeaderMap) -> bool {
        [header::ACCEPT, header::CONTENT_TYPE].iter().any(|name| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|item| item.split(';').next().unwrap_or("").trim())
                .any(|essence| {
                    let essence = essence.to_ascii_lowercase();
                    essence.starts_with("application/vnd.faltlogg.")
                        && essence.ends_with("+postcard")
                        && essence != POSTCARD_MEDIA_TYPE
                })
        })
    }

    fn encode<T: Serialize>(self, value: &T) -> Result<Vec<u8>, String> {
        match self {
            Format::Json => serde_json::to_vec(value).map_err(|e| e.to_string()),
            Format::Postcard => postcard::to_allocvec(value).map_err(|e| e.to_string()),
        }
    }
}

/// A request body in either format. Rejections are API errors: 415 for another content type,
/// 413 past the body limit, 400 for bytes that are not the expected shape.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, HttpError> {
        let format = Format::of_body(request.headers()).ok_or_else(|| {
            HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::MalformedRequest,
                format!("expected Content-Type application/json or {POSTCARD_MEDIA_TYPE}"),
            )
        })?;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    HttpError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        ErrorCode::PayloadTooLarge,
                        "request body too large",
                    )
                } else {
                    HttpError::malformed("the request body could not be read")
                }
            })?;
        let value = match format {
            // serde_json names the problem (line, column, field); it may quote a value back to
            // the caller who sent it, and is never logged.
            Format::Json => serde_json::from_slice(&bytes)
                .map_err(|e| HttpError::malformed(format!("invalid JSON body: {e}")))?,
            Format::Postcard => postcard::from_bytes(&bytes)
                .map_err(|_| HttpError::malformed("invalid postcard body"))?,
        };
        Ok(Body(value))
    }
}

type Encoder = dyn Fn(Format) -> Result<Vec<u8>, String> + Send + Sync;

/// A reply not yet encoded: the [`negotiate`] layer finds it in the response's extensions.
#[derive(Clone)]
struct Unencoded(Arc<Encoder>);

/// A typed reply with a status; what every API handler and error returns.
pub struct Reply<T>(pub StatusCode, pub T);

impl<T: Serialize + Send + Sync + 'static> IntoResponse for Reply<T> {
    fn into_response(self) -> Response {
        let Reply(status, value) = self;
        let mut response = status.into_response();
        let encoder: Arc<Encoder> = Arc::new(move |format| format.encode(&value));
        response.extensions_mut().insert(Unencoded(encoder));
        response
    }
}

/// A 200 reply.
pub fn ok<T>(value: T) -> Reply<T> {
    Reply(StatusCode::OK, value)
}

/// The layer over the whole app that encodes each [`Reply`] in the format the request accepts. A
/// request in another version of the postcard API is refused before any handler sees it:
/// 406 for what it accepts, 415 for what it sends, both in JSON.
pub async fn negotiate(request: Request, next: Next) -> Response {
    if Format::other_version_asked(request.headers()) {
        let status = if request.headers().contains_key(header::CONTENT_TYPE) {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        } else {
            StatusCode::NOT_ACCEPTABLE
        };
        return HttpError::new(
            status,
            ErrorCode::MalformedRequest,
            format!("this server speaks {POSTCARD_MEDIA_TYPE}: reload the app to update it"),
        )
        .into_plain(Format::Json);
    }
    let format = Format::accepted(request.headers());
    let mut response = next.run(request).await;
    let Some(Unencoded(encode)) = response.extensions_mut().remove::<Unencoded>() else {
        // Not one of ours (axum's bare 405): passed through as it is.
        return response;
    };
    match encode(format) {
        Ok(bytes) => {
            *response.body_mut() = axum::body::Body::from(bytes);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.media_type()),
            );
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            response
        }
        Err(error) => HttpError::internal("could not encode a reply", &error).into_plain(format),
    }
}

impl HttpError {
    /// This error encoded directly, for the one place that cannot go through [`negotiate`].
    fn into_plain(self, format: Format) -> Response {
        match format.encode(&self.body) {
            Ok(bytes) => (
                self.status,
                [(header::CONTENT_TYPE, format.media_type())],
                bytes,
            )
                .into_response(),
            Err(_) => self.status.into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn the_body_format_comes_from_the_content_type_alone() {
        let of = |v| Format::of_body(&headers(header::CONTENT_TYPE, v));
        assert_eq!(of("application/json"), Some(Format::Json));
        assert_eq!(of("Application/JSON; charset=utf-8"), Some(Format::Json));
        assert_eq!(of(POSTCARD_MEDIA_TYPE), Some(Format::Postcard));
        assert_eq!(of("text/plain"), None);
        assert_eq!(Format::of_body(&HeaderMap::new()), None);
    }

    #[test]
    fn another_version_of_the_postcard_api_is_recognised() {
        let asks = |name, v: &str| Format::other_version_asked(&headers(name, v));
        assert!(asks(header::ACCEPT, "application/vnd.faltlogg.v1+postcard"));
        assert!(asks(
            header::CONTENT_TYPE,
            "application/vnd.faltlogg.v3+postcard"
        ));
        assert!(!asks(header::ACCEPT, POSTCARD_MEDIA_TYPE));
        assert!(!asks(header::ACCEPT, "application/json, */*"));
        assert!(!asks(header::CONTENT_TYPE, "application/json"));
    }

    #[test]
    fn replies_are_json_unless_postcard_is_asked_for() {
        let accept = |v| Format::accepted(&headers(header::ACCEPT, v));
        assert_eq!(Format::accepted(&HeaderMap::new()), Format::Json);
        assert_eq!(accept("*/*"), Format::Json);
        assert_eq!(accept("application/json"), Format::Json);
        assert_eq!(
            accept(&format!("text/html, {POSTCARD_MEDIA_TYPE};q=0.9")),
            Format::Postcard
        );
    }
}
