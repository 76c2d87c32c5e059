//! The server's API over HTTP, in postcard both ways (as the PWA speaks it), and the core
//! engine's [`Transport`] on it.

use faltlogg_core::api::{
    DeviceInfo, DeviceList, ErrorBody, ErrorCode, PullResponse, PushRequest, PushResponse,
    POSTCARD_MEDIA_TYPE, PULL_SKIP_OWN, PUSH_PARTIAL,
};
use faltlogg_core::sync::{Failure, Transport};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Not reaching the server, or a reply that is not the API's.
#[derive(Debug)]
pub enum NetError {
    Transport(reqwest::Error),
    /// A status without the API's error body (a proxy's, say).
    Status(StatusCode),
    /// A reply that does not decode.
    Body,
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Transport(e) => write!(f, "cannot reach the server: {e}"),
            NetError::Status(s) => write!(f, "unexpected reply: {s}"),
            NetError::Body => f.write_str("a reply that does not decode"),
        }
    }
}

impl std::error::Error for NetError {}

/// A refusal made here, before any request: said as the server would.
pub(crate) fn local_refusal(message: &str) -> Failure<NetError> {
    Failure::Refused(ErrorBody {
        error: ErrorCode::Forbidden,
        message: message.into(),
        index: None,
    })
}

/// One server, and the session to call it with.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// The server's base URL; a device may switch servers at any time (several servers on
    /// one database serve the same team).
    pub url: String,
    pub token: Option<String>,
}

impl Api {
    pub fn new(url: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            url: url.trim_end_matches('/').to_string(),
            token: None,
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Option<T>, Failure<NetError>> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header(ACCEPT, POSTCARD_MEDIA_TYPE);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, POSTCARD_MEDIA_TYPE).body(body);
        }
        let unreached = |e| Failure::Unreached(NetError::Transport(e));
        let response = request.send().await.map_err(unreached)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(unreached)?;
        if status.is_success() {
            if status == StatusCode::NO_CONTENT {
                return Ok(None);
            }
            return postcard::from_bytes(&bytes)
                .map(Some)
                .map_err(|_| Failure::Unreached(NetError::Body));
        }
        Err(match postcard::from_bytes::<ErrorBody>(&bytes) {
            Ok(body) => Failure::Refused(body),
            Err(_) => Failure::Unreached(NetError::Status(status)),
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure<NetError>> {
        self.call(Method::GET, path, None)
            .await?
            .ok_or(Failure::Unreached(NetError::Body))
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure<NetError>> {
        let bytes = postcard::to_allocvec(body).expect("requests serialize");
        self.call(Method::POST, path, Some(bytes))
            .await?
            .ok_or(Failure::Unreached(NetError::Body))
    }

    /// A `PUT` whose reply has no body (`204`).
    pub async fn put_empty<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(), Failure<NetError>> {
        let bytes = postcard::to_allocvec(body).expect("requests serialize");
        self.call::<()>(Method::PUT, path, Some(bytes)).await?;
        Ok(())
    }
}

impl Transport for Api {
    type Error = NetError;

    async fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure<NetError>> {
        self.post(&format!("/api/envelopes?{PUSH_PARTIAL}"), request)
            .await
    }

    async fn pull(&mut self, after: i64) -> Result<PullResponse, Failure<NetError>> {
        self.get(&format!("/api/envelopes?after={after}&{PULL_SKIP_OWN}"))
            .await
    }

    async fn devices(&mut self) -> Result<Vec<DeviceInfo>, Failure<NetError>> {
        Ok(self.get::<DeviceList>("/api/devices").await?.devices)
    }
}
