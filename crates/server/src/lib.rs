//! Fältlogg's coordination server.
//!
//! It relays end-to-end encrypted envelopes between the devices of a team, keeps the device
//! register, and serves the PWA. Invariant: the server never holds a team key or any record
//! plaintext; it sees only routing metadata (team, device, sizes, times).

pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup_file;
pub mod bootstrap;
pub mod config;
pub mod db;
mod edge;
pub mod error;
pub mod passwords;
pub mod push;
mod routes;
mod static_files;
pub mod throttle;
pub mod wire;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::Router;
use faltlogg_core::api::MAX_BODY_BYTES;
use tower::ServiceExt;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
use db::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub throttle: Arc<throttle::Throttle>,
    /// Web Push, made on first use: its key is in the database.
    pub pusher: push::SharedPusher,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> AppState {
        AppState {
            store,
            throttle: Arc::new(throttle::Throttle::new(config.sign_in_limits)),
            config: Arc::new(config),
            pusher: Default::default(),
        }
    }

    /// The server's side of Web Push, its key made and kept on first use.
    pub async fn pusher(&self) -> db::StoreResult<&push::Pusher> {
        self.pusher
            .get_or_try_init(|| push::Pusher::load(self.store.as_ref()))
            .await
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The whole HTTP application: the API under `/api`, the PWA everywhere else.
/// Tests call this directly, without a socket.
pub fn app(state: AppState) -> Router {
    let shell = static_files::ShellHeaders::for_dist(&state.config.dist_dir);
    let timeouts = state.config.timeouts;
    let api = routes::api()
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .nest("/api", api)
        // `nest` matches `/api` and `/api/…` but not `/api/` itself, which would otherwise
        // get the app's HTML.
        .route("/api/", axum::routing::any(routes::no_such_endpoint))
        .fallback_service(static_files::service(&state.config.dist_dir))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            shell,
            static_files::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            timeouts.request,
            edge::limit_time,
        ))
        // Spans carry method and path only: no bodies, no query strings, no headers.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        // A target out of bounds is refused before anything reads or logs it.
        .layer(axum::middleware::from_fn(edge::bound_target))
        // Outermost, so that every reply of ours is encoded, the API's fallback and the
        // refusals above included; other responses (files, axum's bare 405) pass as they are.
        .layer(axum::middleware::from_fn(wire::negotiate))
}

/// Serves on `listener` until `shutdown` completes, then finishes the requests in flight.
/// HTTP/1.1 only (behind the municipality's TLS proxy), with the header and idle timeout of
/// [`config::Timeouts`]: a connection that sends nothing is closed, where `axum::serve` would
/// keep it open for good.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let header_timeout = state.config.timeouts.header;
    // Pushes overdue check-ins for as long as the server serves.
    let pushing = tokio::spawn(push::run(state.clone()));
    let app = app(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Every request of the connection carries its peer's address (for the sign-in limits).
        let peer = throttle::ClientAddress(peer.ip());
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(peer);
                request
            },
        ));
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out ends its connection; nothing to report.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    pushing.abort();
    graceful.shutdown().await;
    Ok(())
}
