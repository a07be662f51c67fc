//! itsa's HTTP service.
//!
//! Requests pass through HMRC's platform layers in HMRC's order: the `Accept` header picks
//! the API version (406, 404), the version's router picks the endpoint (404), the gateway
//! checks the bearer token and its scope (401, 403), and the endpoint checks the NINO, the
//! client relationship, its parameters and then the business rules. Calculations are
//! asynchronous: a trigger stores the request and its job durably and answers 202; a
//! worker (in-process, or `itsa worker` elsewhere) computes it.

pub mod auth;
mod cache;
pub mod clock;
mod coding_out;
pub mod config;
pub mod connections;
mod correlation;
mod docs;
mod examples;
pub mod log;
mod oauth;
pub mod render;
mod reply;
mod routes;
pub mod service;
mod stored;
mod taxcodes;
mod test_support;
mod v1;
mod v3;
mod v8;
pub mod versions;
pub mod worker;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use itsa_hmrc::accounts::AccountsVersion;
use itsa_hmrc::errors::{ApiError, Era, ErrorCode};
use itsa_store::{AnyStore, Store};
use tower::ServiceExt;

use crate::auth::{Principal, Refusal};
use crate::clock::Clock;
use crate::config::{Config, Mode};
use crate::reply::{Early, NoCorrelationId, Reply};
use crate::versions::ApiVersion;

/// The correlation id of the request being served: a UUID's text, held inline so that
/// handing it to a handler copies 36 bytes rather than allocating.
#[derive(Debug, Clone, Copy)]
pub struct CorrelationId([u8; 36]);

impl CorrelationId {
    fn new(id: uuid::Uuid) -> Self {
        let mut text = [0u8; 36];
        id.hyphenated().encode_lower(&mut text);
        CorrelationId(text)
    }

    pub fn as_str(&self) -> &str {
        // A UUID's text: always ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn header_value(&self) -> HeaderValue {
        HeaderValue::from_bytes(&self.0).expect("a UUID's text is a header value")
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<AnyStore>,
    pub clock: Clock,
    pub config: Config,
    pub(crate) caches: cache::Caches,
    /// The name this node computes triggered calculations under, as it stores them; none
    /// on a node that queues them for workers instead.
    pub(crate) computes_as: Option<String>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State whose triggers queue calculations for any worker to claim from the store.
    pub fn new(store: Arc<AnyStore>, config: Config) -> Self {
        Self::computing(store, config, None)
    }

    /// State whose triggers compute their calculations as they store them, recording
    /// `computes_as` as the one that computed them (with `None`, as [`AppState::new`]).
    pub fn computing(store: Arc<AnyStore>, config: Config, computes_as: Option<String>) -> Self {
        let clock = Clock::new(store.clone(), config.mode);
        let caches = cache::Caches::new(config.cache_bytes);
        AppState(Arc::new(Inner { store, clock, config, caches, computes_as }))
    }

    pub fn sandbox(&self) -> bool {
        self.config.mode == Mode::Sandbox
    }
}

/// The versions of one API context (`/individuals/calculations`, …), each its own router.
struct ApiContext {
    prefix: &'static str,
    versions: BTreeMap<ApiVersion, routes::ApiRouter>,
    /// Versions documented in RAML, whose early rejections carry no correlation id.
    raml_versions: &'static [ApiVersion],
}

struct Dispatch {
    state: AppState,
    contexts: Vec<ApiContext>,
}

/// The Individual Calculations versions HMRC documented in RAML.
const RAML_CALCULATION_VERSIONS: [ApiVersion; 2] = [ApiVersion::new(1, 0), ApiVersion::new(3, 0)];

/// The whole application: every request gets a correlation id and a log line, then goes
/// by its path to an API context (whose versions are routers of their own) or to the
/// service's own routes (documentation, tax codes, OAuth, test support).
#[derive(Clone)]
pub struct App(Arc<AppParts>);

struct AppParts {
    dispatch: Dispatch,
    /// The service's own routes; anything they do not route is HMRC's 404.
    own: Router,
    ids: correlation::CorrelationIds,
    /// The largest body an extractor reads (413 above it), told to each request that may
    /// carry one, here once rather than by a layer around every route.
    body_limit: axum::extract::DefaultBodyLimit,
}

/// The application serving `state`.
pub fn router(state: AppState) -> App {
    let max_body_bytes = state.config.max_body_bytes;
    let calculations = ApiContext {
        prefix: "/individuals/calculations",
        versions: BTreeMap::from([
            (ApiVersion::new(1, 0), version_router(&state, v1::routes())),
            (ApiVersion::new(3, 0), version_router(&state, v3::routes())),
            (ApiVersion::new(8, 0), version_router(&state, v8::routes(ApiVersion::new(8, 0)))),
            (ApiVersion::new(9, 0), version_router(&state, v8::routes(ApiVersion::new(9, 0)))),
        ]),
        raml_versions: &RAML_CALCULATION_VERSIONS,
    };
    let accounts = ApiContext {
        prefix: "/accounts/self-assessment",
        versions: [
            (ApiVersion::new(1, 0), AccountsVersion::V1),
            (ApiVersion::new(2, 0), AccountsVersion::V2),
            (ApiVersion::new(3, 0), AccountsVersion::V3),
            (ApiVersion::new(4, 0), AccountsVersion::V4),
        ]
        .into_iter()
        .map(|(api, version)| (api, version_router(&state, coding_out::routes(version))))
        .collect(),
        raml_versions: &[],
    };
    let mut own = Router::new()
        .route("/api/definition", get(docs::definition))
        .route("/tax-codes/{code}", get(taxcodes::explain))
        .route("/api/conf/{version}/application.yaml", get(docs::application_yaml))
        .route("/oauth/token", post(oauth::token));
    if state.sandbox() {
        own = own.nest("/test-support", test_support::routes());
    }
    let own = own.with_state(state.clone()).fallback(unrouted);
    App(Arc::new(AppParts {
        dispatch: Dispatch { state, contexts: vec![calculations, accounts] },
        own,
        ids: correlation::CorrelationIds::default(),
        body_limit: axum::extract::DefaultBodyLimit::max(max_body_bytes),
    }))
}

impl tower::Service<Request> for App {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let app = self.0.clone();
        Box::pin(async move { Ok(app.serve(request).await) })
    }
}

static X_CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlationid");
static X_CONTENT_TYPE_OPTIONS: HeaderName = HeaderName::from_static("x-content-type-options");

impl AppParts {
    /// Give the request a correlation id, serve it, add the id (and `nosniff`) to its
    /// answer (unless the answer is marked [`NoCorrelationId`]), and log one line.
    async fn serve(&self, mut request: Request) -> Response {
        let started = Instant::now();
        let id = CorrelationId::new(self.ids.next());
        request.extensions_mut().insert(id);
        // GET and HEAD handlers read no body.
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            self.body_limit.apply(&mut request);
        }
        let method = request.method().clone();
        let uri = request.uri().clone();
        let path = uri.path();
        let mut response = match self.dispatch.context(path) {
            Some(context) => self.dispatch.call(context, request).await,
            None => match self.own.clone().oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            },
        };
        let correlated = response.extensions().get::<NoCorrelationId>().is_none();
        let headers = response.headers_mut();
        headers.insert(X_CONTENT_TYPE_OPTIONS.clone(), HeaderValue::from_static("nosniff"));
        if correlated {
            headers.insert(X_CORRELATION_ID.clone(), id.header_value());
        }
        log::request(id.as_str(), &method, path, response.status().as_u16(), started.elapsed().as_micros() as u64);
        response
    }
}

/// A version's routes behind the gateway's credential and scope checks; anything they do
/// not route, wrong methods included, is HMRC's 404 MATCHING_RESOURCE_NOT_FOUND.
fn version_router(state: &AppState, routes: routes::ApiRoutes) -> routes::ApiRouter {
    routes.build(state.clone())
}

async fn unrouted() -> Reply {
    Reply::Early(ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current))
}

impl Dispatch {
    /// The API context a path belongs to.
    fn context(&self, path: &str) -> Option<&ApiContext> {
        self.contexts
            .iter()
            .find(|c| path.strip_prefix(c.prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
    }

    /// Serve a request of `context`: its `Accept` header picks the version's router.
    async fn call(&self, context: &ApiContext, mut request: Request) -> Response {
        // HMRC strips one trailing slash and routes again.
        let path = request.uri().path();
        if path.len() > 1 && path.ends_with('/') {
            let trimmed = &path[..path.len() - 1];
            let uri = match request.uri().query() {
                Some(q) => format!("{trimmed}?{q}"),
                None => trimmed.to_owned(),
            };
            if let Ok(uri) = uri.parse() {
                *request.uri_mut() = uri;
            }
        }
        let Some(version) = versions::from_accept(request.headers()) else {
            return Reply::Early(ApiError::new(ErrorCode::ACCEPT_HEADER_INVALID, Era::Current)).into_response();
        };
        let Some(router) = context.versions.get(&version) else {
            return Reply::Early(ApiError::new(ErrorCode::NOT_FOUND, Era::Current)).into_response();
        };
        let mut response = router.serve(request).await;
        if context.raml_versions.contains(&version) && response.extensions().get::<Early>().is_some() {
            response.extensions_mut().insert(NoCorrelationId);
        }
        let deprecated = &self.state.config.deprecated_versions;
        if !deprecated.is_empty()
            && let Some(date) = deprecated.get(&version.to_string())
        {
            docs::add_deprecation_headers(response.headers_mut(), *date, context.prefix);
        }
        response
    }
}

pub(crate) fn refusal_error(refusal: Refusal) -> ApiError {
    let code = match refusal {
        Refusal::MissingCredentials => ErrorCode::MISSING_CREDENTIALS,
        Refusal::InvalidCredentials => ErrorCode::INVALID_CREDENTIALS,
        Refusal::InvalidScope => ErrorCode::INVALID_SCOPE,
        Refusal::NotAuthorised => ErrorCode::CLIENT_OR_AGENT_NOT_AUTHORISED,
    };
    ApiError::new(code, Era::Current)
}

/// The NINO pre-check and the client check, in that order, both before the endpoint's
/// own validation and both without a correlation id.
pub(crate) fn subject(principal: &Principal, raw_nino: &str, era: Era) -> Result<itsa_hmrc::domain::Nino, Reply> {
    let nino = match era {
        Era::Current => itsa_hmrc::domain::Nino::parse(raw_nino),
        _ => itsa_hmrc::domain::Nino::parse_legacy(raw_nino),
    }
    .ok_or_else(|| Reply::Early(ApiError::new(ErrorCode::FORMAT_NINO, era)))?;
    principal.check_subject(nino.as_str()).map_err(|r| Reply::Early(ApiError::new(refusal_code(r), era)))?;
    Ok(nino)
}

/// The request's `Gov-Test-Scenario` header, taken without copying the other headers.
#[derive(Debug, Clone, Default)]
pub(crate) struct TestScenario(Option<HeaderValue>);

/// What a `Gov-Test-Scenario` value that is not text is read as: no endpoint's value.
pub(crate) const NOT_TEXT: &str = "\u{fffd}";

impl TestScenario {
    pub(crate) fn from_headers(headers: &axum::http::HeaderMap) -> Self {
        TestScenario(headers.get("gov-test-scenario").cloned())
    }

    /// The value asked for, in the sandbox (production ignores the header); a value that
    /// is not text is no documented value.
    pub(crate) fn value(&self, state: &AppState) -> Option<&str> {
        if !state.sandbox() {
            return None;
        }
        self.0.as_ref().map(|v| v.to_str().unwrap_or(NOT_TEXT))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for TestScenario {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(TestScenario::from_headers(&parts.headers))
    }
}

/// Whether a request declares a JSON body (`application/json` or `text/json`, with any
/// parameters), as HMRC's JSON body parser requires.
pub(crate) fn declares_json(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json") || essence.eq_ignore_ascii_case("text/json")
    })
}

fn refusal_code(refusal: Refusal) -> ErrorCode {
    match refusal {
        Refusal::MissingCredentials => ErrorCode::MISSING_CREDENTIALS,
        Refusal::InvalidCredentials => ErrorCode::INVALID_CREDENTIALS,
        Refusal::InvalidScope => ErrorCode::INVALID_SCOPE,
        Refusal::NotAuthorised => ErrorCode::CLIENT_OR_AGENT_NOT_AUTHORISED,
    }
}

/// Open the configured store and bring its schema up to date.
pub async fn open_store(config: &Config) -> itsa_store::Result<Arc<AnyStore>> {
    let store = AnyStore::open(config.database_url.as_deref(), &config.data_dir).await?;
    store.migrate().await?;
    Ok(Arc::new(store))
}

/// Open the store for serving or working in `config.mode`: a database keeps the mode it
/// was first served in, so that a sandbox node (with its test support: tokens for anyone,
/// a movable clock) never runs on a production database, nor the reverse.
pub async fn open_store_in_mode(config: &Config) -> Result<Arc<AnyStore>, ServeError> {
    let store = open_store(config).await?;
    let recorded = store.claim_mode(config.mode.as_str()).await?;
    if recorded != config.mode.as_str() {
        return Err(ServeError::ModeMismatch { database: recorded, asked: config.mode.as_str() });
    }
    Ok(store)
}

/// Files a node keeps open besides its connections: the listener, the database's
/// connections and files, the log.
const OTHER_OPEN_FILES: usize = 64;

/// How long, once asked to stop, the requests in progress have to finish.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Run the service until SIGTERM or Ctrl-C: stop taking requests, let those in flight and
/// the worker's current job finish, then return. Accepted calculations are already stored,
/// so any still queued are computed on the next start (or by another node).
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let store = open_store_in_mode(&config).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for n in 0..config.workers {
        let worker = worker::Worker::new(store.clone(), format!("{}-{n}", node_name()), config.mode);
        workers.push(tokio::spawn(worker.run(stopped.clone())));
    }
    // A node that computes (it runs workers) computes the calculations it is asked for as
    // it stores them; a node without workers queues them for the workers of other nodes.
    let computes_as = (config.workers > 0).then(|| format!("{}-trigger", node_name()));
    let state = AppState::computing(store.clone(), config.clone(), computes_as);
    let listener = connections::listen(config.bind).map_err(ServeError::Bind)?;
    let limits = connections::Limits {
        max_connections: connections::fit_open_files(config.limits.max_connections, OTHER_OPEN_FILES),
        ..config.limits
    };
    tracing::info!(
        address = %config.bind,
        backend = store.backend_name(),
        mode = ?config.mode,
        max_connections = limits.max_connections,
        "itsa is listening"
    );
    connections::serve(listener, router(state), limits, shutdown_signal(), DRAIN).await.map_err(ServeError::Serve)?;
    tracing::info!("shutting down: finishing the work in hand");
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
    Ok(())
}

/// Run workers only (no HTTP), until SIGTERM or Ctrl-C.
pub async fn run_workers(config: Config, count: usize) -> Result<(), ServeError> {
    let store = open_store_in_mode(&config).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for n in 0..count.max(1) {
        let worker = worker::Worker::new(store.clone(), format!("{}-{n}", node_name()), config.mode);
        workers.push(tokio::spawn(worker.run(stopped.clone())));
    }
    shutdown_signal().await;
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] itsa_store::StoreError),
    #[error("cannot listen: {0}")]
    Bind(std::io::Error),
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error(
        "this database is served in {database} mode, so it cannot be served in {asked} mode: \
         start itsa in {database} mode, or give it another database (--data-dir or --database-url)"
    )]
    ModeMismatch { database: String, asked: &'static str },
}

/// This process's name among the nodes: its host and process id.
fn node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "itsa".into());
    format!("{host}-{}", std::process::id())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
