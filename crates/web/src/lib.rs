//! The web layer: staff pages (server-rendered Chinese, askama), the public portal under
//! `/gongkai`, and the JSON API under `/api/v1` with its OpenAPI document.
//!
//! Handlers are thin: they read the request, call a module's service (which checks permission
//! and scope and writes the audit events) and render the answer. No SQL and no rules live here.

mod api;
mod cookie;
mod error;
mod extract;
pub mod gate;
mod html;
mod nav;
mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use platform::Platform;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use crate::error::WebError;

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// How long an upload's page waits for its import before sending the browser to the job's
    /// page (the import goes on either way).
    pub job_wait: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            job_wait: Duration::from_secs(5),
        }
    }
}

/// What every handler shares. Holds no state that matters beyond the database (the search index
/// is derived and follows the audit log): any number of servers can run side by side on one
/// PostgreSQL. One pointer to clone: axum clones the state for every extractor of every request.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services a handler reaches through [`AppState`].
#[derive(Debug)]
pub struct Services {
    pub platform: Platform,
    pub laws: laws::Laws,
    pub power: power::Power,
    pub reconsideration: reconsideration::Reconsideration,
    pub mediation: mediation::Mediation,
    pub enforcement: enforcement::Enforcement,
    pub report: report::Report,
    /// Where the search index's documents come from.
    pub sources: search::Sources,
    pub search: Arc<search::Search>,
    pub config: WebConfig,
    /// Places for uploads in flight (each up to [`UPLOAD_LIMIT`] while it is read and imported).
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Each user's to-do list of the day, kept while the tables it reads are unchanged (the
    /// law-change worklist alone reads every item version; the menu asks on every page).
    pub todo: platform::Cache<(String, chrono::NaiveDate), Arc<Vec<html::dashboard::Task>>>,
    /// The 工作台's charts of the year by month, per reader's scope, kept the same way.
    pub year_charts: platform::Cache<(String, i32), Arc<Vec<html::figures::ChartView>>>,
}

impl AppState {
    pub fn new(platform: Platform, search: search::Search, config: WebConfig) -> AppState {
        let sources = search::Sources::new(platform.clone());
        AppState(Arc::new(Services {
            laws: sources.laws.clone(),
            power: sources.power.clone(),
            reconsideration: reconsideration::Reconsideration::new(platform.clone()),
            mediation: mediation::Mediation::new(platform.clone()),
            enforcement: enforcement::Enforcement::new(platform.clone()),
            report: report::Report::new(platform.clone()),
            sources,
            platform,
            search: Arc::new(search),
            config,
            uploads: Arc::new(tokio::sync::Semaphore::new(UPLOADS_IN_FLIGHT)),
            todo: platform::Cache::new(html::dashboard::TODO_TABLES, 10_000),
            year_charts: platform::Cache::new(
                &["orgs", "reconsideration_cases", "mediation_disputes"],
                1_000,
            ),
        }))
    }
}

/// How often the search index looks for new audit events.
const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// Keeps the search index up to the audit log while the server runs.
async fn follow_audit_log(state: AppState) {
    loop {
        match state
            .search
            .clone()
            .catch_up_aside(state.sources.clone())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(records = n, "search index caught up"),
            Err(search::Error::Busy) => {
                // Another process holds the index writer (an import); pick up its commits.
                if let Err(e) = state.search.refresh() {
                    tracing::warn!(error = %e, "search index refresh failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "search index could not follow the audit log"),
        }
        tokio::time::sleep(FOLLOW_EVERY).await;
    }
}

/// How often a running server takes a checkpoint of the audit chain (when events came since).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(3600);

/// Takes a checkpoint of the audit chain every hour in which events were written, so that a
/// history rewritten with recomputed hashes disagrees with a keyed checkpoint after it.
async fn take_checkpoints(state: AppState) {
    let server = platform::Actor::cli("服务进程");
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        match state.platform.audit_checkpoint(&server, true).await {
            Ok(Some(c)) => tracing::info!(seq = c.seq, "audit checkpoint taken"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
        }
    }
}

/// Requests and forms: 1 MiB. Ledger uploads have their own, larger limit.
pub const BODY_LIMIT: usize = 1024 * 1024;
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
/// Uploads read and imported at once; the others wait their turn before their bodies are read.
/// One: with two, 32 clients sending the worst files the hostile bench builds took the server to
/// 292 MiB of private memory; with one, 218 MiB, and as many uploads answered (a district's
/// clerks upload a ledger now and then; the next waits a second).
pub const UPLOADS_IN_FLIGHT: usize = 1;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let pages = html::routes(state.clone());
    let api = api::routes(state.clone());
    Router::new()
        .merge(pages)
        .nest("/api/v1", api)
        .route("/api/openapi.json", get(api::openapi))
        .route("/healthz", get(healthz))
        .route("/static/fazhi.css", get(stylesheet))
        .route("/static/fazhi.js", get(script))
        .route("/static/echarts.min.js", get(echarts))
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::csrf_guard,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caching_and_transport,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Nothing a signed-in person sees is kept by the browser or a proxy (`no-store`; the public
/// portal and the stylesheet may be cached); behind HTTPS (the `secure_cookies` setting) the
/// browser is told to use nothing else (HSTS, one year).
async fn caching_and_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let public = {
        let path = request.uri().path();
        path == "/gongkai" || path.starts_with("/gongkai/") || path.starts_with("/static/")
    };
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // The server's own time for the answer (Server-Timing: the browser's developer tools and the
    // browser suite read it): what a slow page costs here, apart from the network and rendering.
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.2}")) {
        headers.insert(HeaderName::from_static("server-timing"), value);
    }
    if !public && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let follower = tokio::spawn(follow_audit_log(state.clone()));
    let checkpoints = tokio::spawn(take_checkpoints(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    follower.abort();
    checkpoints.abort();
    served
}

/// Liveness and database reachability, for load balancers.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match ping(&state).await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": "ok"})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "error", "database": "unreachable"})),
            )
        }
    }
}

async fn ping(state: &AppState) -> Result<(), platform::Error> {
    state.platform.ping().await
}

/// Apache ECharts (npm `echarts`, vendored by scripts/vendor-echarts), served from the binary:
/// pages with charts load it, never from a CDN.
async fn echarts() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/vendor/echarts-6.1.0.min.js"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/fazhi.js"),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/fazhi.css"),
    )
}
