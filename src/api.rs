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
    /// The server answered with something that is not the API's shape (a proxy error page).
    Unexpected,
}

async fn send(
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
        match postcard::from_bytes::<ErrorBody>(&bytes) {
            Ok(error) => Err(CallError::Rejected(error)),
            // A gateway in front of a stopped server answers 502/503/504 with its own page.
            Err(_) if matches!(response.status(), 502..=504) => Err(CallError::Offline),
            Err(_) => Err(CallError::Unexpected),
        }
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
