//! Web Push for the check-in's alert: when a check-in goes overdue, every coordinator's browser
//! that asked for it is pushed, so the alert reaches a phone whose app is closed.
//!
//! The protocol is the browsers' own: the push goes to the push service the browser named
//! (RFC 8030), encrypted to the browser's keys (RFC 8291, aes128gcm, by `web-push-native`),
//! and signed with this server's key so that the service takes it from this server alone
//! (VAPID, RFC 8292: an ES256 JWT, by RustCrypto's `p256`). What the push says is only
//! [`PAYLOAD`]: a check-in is overdue. Never whose, where or with whom; the app says the rest
//! once opened. The push service learns when a push comes, nothing else.
//!
//! The server posts to push services alone: an endpoint must be on the configured list
//! ([`PushConfig::services`]), so a subscription cannot make the server call an address of
//! the operator's own network.
//!
//! [`run`] looks every few seconds for check-ins that have gone overdue and not been pushed
//! (`Store::take_overdue_check_ins` marks them in the same statement, so each is pushed once).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Uri;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use faltlogg_core::api::PushSubscription;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use rand_core::OsRng;

use crate::db::{Store, StoreError, StoreResult};
use crate::{now_ms, AppState};

/// What every push carries. The service worker shows the alert in the app's words.
pub const PAYLOAD: &[u8] = b"check-in-overdue";
/// How long a push service keeps a push for a browser that is offline: an alert older than
/// this is not worth a notification, and the app shows the check-in as it is when opened.
const TTL_SECONDS: u64 = 6 * 3600;
/// How long one push service may take to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The name of the VAPID key among the server's secrets.
const VAPID_KEY: &str = "vapid";

/// Where the server may push, how often it looks, and whom push services may contact.
#[derive(Clone, Debug)]
pub struct PushConfig {
    /// The push services' origins (`https://fcm.googleapis.com`), `*.` before a host for its
    /// subdomains (`https://*.notify.windows.com`).
    pub services: Vec<String>,
    /// How often the server looks for check-ins gone overdue.
    pub every: Duration,
    /// The operator's address for push services (`mailto:` or `https:`), the JWT's `sub`.
    pub contact: Option<String>,
}

impl PushConfig {
    /// The push services of the browsers in use: Chrome and Edge on Android (Google's),
    /// Firefox (Mozilla's), Safari (Apple's), Edge on Windows (Microsoft's).
    pub const DEFAULT_SERVICES: &'static str = "https://fcm.googleapis.com,\
        https://updates.push.services.mozilla.com,https://web.push.apple.com,\
        https://*.notify.windows.com";
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            services: PushConfig::DEFAULT_SERVICES
                .split(',')
                .map(str::to_string)
                .collect(),
            every: Duration::from_secs(10),
            contact: None,
        }
    }
}

/// Whether `endpoint` is on one of the `services`: the same scheme, port and host, or a
/// subdomain of a `*.` host.
pub fn allowed(services: &[String], endpoint: &str) -> bool {
    let Ok(uri) = endpoint.parse::<Uri>() else {
        return false;
    };
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return false;
    };
    services.iter().any(|service| {
        let Ok(rule) = service.parse::<Uri>() else {
            return false;
        };
        let (Some(rule_scheme), Some(rule_host)) = (rule.scheme_str(), rule.host()) else {
            return false;
        };
        let host_matches = match rule_host.strip_prefix("*.") {
            Some(domain) => host.len() > domain.len() && host.ends_with(&format!(".{domain}")),
            None => host.eq_ignore_ascii_case(rule_host),
        };
        rule_scheme == scheme && host_matches && rule.port_u16() == uri.port_u16()
    })
}

/// The server's side of Web Push: its key, and the client that posts to push services.
pub struct Pusher {
    key: SigningKey,
    public: Vec<u8>,
    client: reqwest::Client,
}

impl fmt::Debug for Pusher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pusher")
            .field("key", &"(redacted)")
            .finish()
    }
}

/// What became of one push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// The browser has unsubscribed (404 or 410): the subscription is forgotten.
    Gone,
    Failed,
}

impl Pusher {
    /// The server's key, made and kept on first use.
    pub async fn load(store: &dyn Store) -> StoreResult<Pusher> {
        let fresh = SigningKey::random(&mut OsRng).to_bytes().to_vec();
        let secret = store.server_secret(VAPID_KEY, fresh).await?;
        let key = SigningKey::from_slice(&secret)
            .map_err(|_| StoreError::Unusable("the Web Push key"))?;
        let public = key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec();
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| StoreError::Unusable("the Web Push client"))?;
        Ok(Pusher {
            key,
            public,
            client,
        })
    }

    /// The key browsers subscribe with: an uncompressed P-256 point.
    pub fn public_key(&self) -> &[u8] {
        &self.public
    }

    /// The `Authorization` header for a push to `endpoint` (VAPID: a JWT for the endpoint's
    /// origin, valid for 12 hours, and the key that checks it).
    fn vapid(&self, endpoint: &Uri, contact: Option<&str>, now_s: i64) -> Option<String> {
        let origin = format!("{}://{}", endpoint.scheme_str()?, endpoint.authority()?);
        let mut claims = serde_json::json!({ "aud": origin, "exp": now_s + 12 * 3600 });
        if let Some(contact) = contact {
            claims["sub"] = contact.into();
        }
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{body}");
        let signature: Signature = self.key.sign(signed.as_bytes());
        Some(format!(
            "vapid t={signed}.{}, k={}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            URL_SAFE_NO_PAD.encode(&self.public)
        ))
    }

    /// Pushes [`PAYLOAD`] to one browser.
    pub async fn send(&self, subscription: &PushSubscription, contact: Option<&str>) -> Sent {
        let Ok(endpoint) = subscription.endpoint.parse::<Uri>() else {
            return Sent::Gone;
        };
        let (Ok(browser), Some(auth)) = (
            p256::PublicKey::from_sec1_bytes(&subscription.p256dh),
            (subscription.auth.len() == 16)
                .then(|| web_push_native::Auth::clone_from_slice(&subscription.auth)),
        ) else {
            return Sent::Gone;
        };
        let Ok(body) = web_push_native::encrypt(PAYLOAD.to_vec(), &browser, &auth) else {
            return Sent::Failed;
        };
        let Some(authorization) = self.vapid(&endpoint, contact, now_ms() / 1000) else {
            return Sent::Gone;
        };
        let sent = self
            .client
            .post(&subscription.endpoint)
            .header("TTL", TTL_SECONDS)
            .header("Urgency", "high")
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", authorization)
            .body(body)
            .send()
            .await;
        match sent.map(|r| r.status().as_u16()) {
            Ok(200..=202) => Sent::Delivered,
            Ok(404 | 410) => Sent::Gone,
            Ok(status) => {
                tracing::warn!(status, "a push service refused a push");
                Sent::Failed
            }
            Err(error) => {
                tracing::warn!(error = %error.without_url(), "a push service could not be reached");
                Sent::Failed
            }
        }
    }
}

/// Pushes, every `PushConfig::every`, each check-in gone overdue to its team's coordinators.
/// Runs until the process ends.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(state.config.push.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = push_overdue(&state).await {
            tracing::error!(%error, "pushing overdue check-ins");
        }
    }
}

/// One look for check-ins gone overdue, and their pushes.
pub async fn push_overdue(state: &AppState) -> StoreResult<()> {
    let mut teams = state.store.take_overdue_check_ins(now_ms()).await?;
    if teams.is_empty() {
        return Ok(());
    }
    teams.sort();
    teams.dedup();
    let pusher = state.pusher().await?;
    let contact = state.config.push.contact.as_deref();
    for team in teams {
        for (device, subscription) in state.store.coordinator_push_subscriptions(team).await? {
            if pusher.send(&subscription, contact).await == Sent::Gone {
                state.store.end_push_subscription(device).await?;
            }
        }
    }
    Ok(())
}

/// The pusher, made on first use (its key is in the database).
pub type SharedPusher = Arc<tokio::sync::OnceCell<Pusher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_push_services_are_allowed() {
        let services: Vec<String> = PushConfig::default().services;
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
            "https://web.push.apple.com/QOK",
            "https://wns2-par02p.notify.windows.com/w/?token=AQE",
        ] {
            assert!(allowed(&services, ok), "{ok}");
        }
        for refused in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://fcm.googleapis.com:8443/fcm/send/abc",
            "https://evil.example/fcm.googleapis.com",
            "https://fcm.googleapis.com.evil.example/x",
            "https://notify.windows.com/x",
            "https://127.0.0.1/x",
            "not a url",
            "",
        ] {
            assert!(!allowed(&services, refused), "{refused}");
        }
        let local = vec!["http://127.0.0.1:4000".to_string()];
        assert!(allowed(&local, "http://127.0.0.1:4000/push/1"));
        assert!(!allowed(&local, "http://127.0.0.1:4001/push/1"));
    }
}
