//! The routes of one version of one of HMRC's APIs, and the gateway in front of them.
//!
//! A version's routes are a path table (matchit, as axum's own router uses) of handlers by
//! method. A request is matched first: a path or method the version does not have is
//! HMRC's `404 MATCHING_RESOURCE_NOT_FOUND`, before any credentials are looked at. Then the
//! gateway checks the bearer token and its scope, and the handler runs with the
//! [`Principal`] and the path's parameters ([`Segments`]) in the request's extensions.
//! Handlers are ordinary axum handlers; only the path's parameters come through
//! [`Segments`] instead of axum's `Path`. Doing this here, rather than with an axum
//! `Router` and a route layer, spares every request the work of matching and parameter
//! handling done for a general router: on a cached retrieve it was most of what itsa's
//! own handling cost (docs/performance.md).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{Extensions, Method, header};
use axum::response::{IntoResponse, Response};
use itsa_hmrc::errors::{ApiError, Era, ErrorCode};
use itsa_store::Store;

use crate::auth::{self, Principal};
use crate::reply::Reply;
use crate::{AppState, clock, refusal_error};

/// What an axum handler written as an `async fn` returns when called.
type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A handler, whatever its extractors.
trait Endpoint: Send + Sync {
    fn call(&self, request: Request, state: AppState) -> HandlerFuture;
}

struct Handled<H, T>(H, PhantomData<fn() -> T>);

impl<H, T> Endpoint for Handled<H, T>
where
    H: Handler<T, AppState, Future = HandlerFuture> + Sync,
    T: 'static,
{
    fn call(&self, request: Request, state: AppState) -> HandlerFuture {
        self.0.clone().call(request, state)
    }
}

/// The handlers of one path, by method.
type Methods = Vec<(Method, Arc<dyn Endpoint>)>;

/// Adds a value to every request of a version (e.g. which version it is).
type Insert = Arc<dyn Fn(&mut Extensions) + Send + Sync>;

/// A version's routes, before the state they serve is known.
#[derive(Default)]
pub struct ApiRoutes {
    routes: Vec<(String, Method, Arc<dyn Endpoint>)>,
    inserts: Vec<Insert>,
}

impl ApiRoutes {
    pub fn new() -> Self {
        ApiRoutes::default()
    }

    pub fn get<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState, Future = HandlerFuture> + Sync,
        T: 'static,
    {
        self.on(Method::GET, path, handler)
    }

    pub fn post<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState, Future = HandlerFuture> + Sync,
        T: 'static,
    {
        self.on(Method::POST, path, handler)
    }

    pub fn put<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState, Future = HandlerFuture> + Sync,
        T: 'static,
    {
        self.on(Method::PUT, path, handler)
    }

    pub fn delete<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState, Future = HandlerFuture> + Sync,
        T: 'static,
    {
        self.on(Method::DELETE, path, handler)
    }

    fn on<H, T>(mut self, method: Method, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState, Future = HandlerFuture> + Sync,
        T: 'static,
    {
        self.routes.push((path.to_owned(), method, Arc::new(Handled(handler, PhantomData))));
        self
    }

    /// Give every request of these routes `value` as an extension.
    pub fn with_extension<V: Clone + Send + Sync + 'static>(mut self, value: V) -> Self {
        self.inserts.push(Arc::new(move |extensions: &mut Extensions| {
            extensions.insert(value.clone());
        }));
        self
    }

    /// The routes, serving `state`. Panics on a path registered twice for one method or
    /// that the path syntax (`{name}` for a parameter) refuses: a programming error.
    pub fn build(self, state: AppState) -> ApiRouter {
        let mut by_path: Vec<(String, Methods)> = Vec::new();
        for (path, method, endpoint) in self.routes {
            match by_path.iter_mut().find(|(p, _)| *p == path) {
                Some((_, methods)) => {
                    assert!(methods.iter().all(|(m, _)| *m != method), "{method} {path} is routed twice");
                    methods.push((method, endpoint));
                }
                None => by_path.push((path, vec![(method, endpoint)])),
            }
        }
        let mut table = matchit::Router::new();
        for (path, methods) in by_path {
            table.insert(path.as_str(), methods).unwrap_or_else(|e| panic!("route {path}: {e}"));
        }
        ApiRouter { table, inserts: self.inserts, state }
    }
}

/// A version's routes, ready to serve.
pub struct ApiRouter {
    table: matchit::Router<Methods>,
    inserts: Vec<Insert>,
    state: AppState,
}

impl ApiRouter {
    /// Answer `request`: HMRC's 404 if no route has its path and method, the gateway's
    /// refusal if its credentials do not admit it, else the handler's answer.
    pub async fn serve(&self, mut request: Request) -> Response {
        let Ok(matched) = self.table.at(request.uri().path()) else {
            return unrouted();
        };
        // As an axum router does, a GET route answers HEAD too.
        let wanted = if request.method() == Method::HEAD { &Method::GET } else { request.method() };
        let Some((_, endpoint)) = matched.value.iter().find(|(method, _)| method == wanted) else {
            return unrouted();
        };
        let endpoint = Arc::clone(endpoint);
        let segments = Matched(matched.params.iter().map(|(_, value)| decode(value)).collect());
        let principal = match credentials(&self.state, &request) {
            Credentials::Known(principal) => principal,
            Credentials::Refused(refusal) => return refused(refusal),
            Credentials::Unknown(token) => match look_up_token(&self.state, token).await {
                Ok(principal) => principal,
                Err(refused) => return refused,
            },
        };
        if let Err(refusal) = principal.check_scope(request.method()) {
            return refused(refusal);
        }
        let extensions = request.extensions_mut();
        extensions.insert(principal);
        extensions.insert(segments);
        for insert in &self.inserts {
            insert(extensions);
        }
        endpoint.call(request, self.state.clone()).await
    }
}

/// HMRC's answer for a path or method an API version does not have.
pub(crate) fn unrouted() -> Response {
    Reply::Early(ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current)).into_response()
}

/// A path parameter as text: percent-decoded, any byte sequence that is not UTF-8 replaced
/// (so that it fails the parameter's own validation with HMRC's error for that field).
fn decode(value: &str) -> String {
    if value.contains('%') {
        percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned()
    } else {
        value.to_owned()
    }
}

/// What the gateway makes of a request's credentials before any store is read. The
/// gateway admits a known, unexpired bearer token with the scope the method needs; a
/// token seen lately is known without leaving the request's task (the usual case), and
/// only one not seen lately is looked up in the store.
enum Credentials {
    Known(Arc<Principal>),
    Unknown(String),
    Refused(auth::Refusal),
}

fn credentials(state: &AppState, request: &Request) -> Credentials {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Credentials::Refused(auth::Refusal::MissingCredentials);
    };
    let Some(token) = value.to_str().ok().and_then(auth::bearer) else {
        return Credentials::Refused(auth::Refusal::InvalidCredentials);
    };
    match state.caches.token(token, clock::real_millis()) {
        Some(principal) => Credentials::Known(principal),
        None => Credentials::Unknown(token.to_owned()),
    }
}

/// A refusal, as the gateway answers it.
pub(crate) fn refused(refusal: auth::Refusal) -> Response {
    Reply::Early(refusal_error(refusal)).into_response()
}

/// The principal a token stands for, found in the store by its hash (and remembered).
async fn look_up_token(state: &AppState, token: String) -> Result<Arc<Principal>, Response> {
    let record = match state.store.find_token(&auth::hash_secret(&token)).await {
        Ok(record) => record,
        Err(e) => {
            tracing::error!(error = %e, "cannot read tokens");
            return Err(Reply::Early(ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current)).into_response());
        }
    };
    let now = clock::real_millis();
    let expires_at = record.as_ref().map_or(0, |r| r.expires_at);
    let principal = Arc::new(auth::principal_for(record, now).map_err(refused)?);
    state.caches.remember_token(token, principal.clone(), expires_at, now);
    Ok(principal)
}

/// The path's parameters, in the order the route names them, percent-decoded. A handler
/// takes them as `Segments([nino, tax_year]): Segments<2>`.
#[derive(Debug, Clone)]
pub(crate) struct Segments<const N: usize>(pub [String; N]);

/// The matched parameters, as the router leaves them for the handler.
#[derive(Debug, Clone)]
struct Matched(Vec<String>);

impl<S: Send + Sync, const N: usize> FromRequestParts<S> for Segments<N> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let values = parts.extensions.remove::<Matched>().map(|m| m.0).unwrap_or_default();
        let count = values.len();
        <[String; N]>::try_from(values).map(Segments).map_err(|_| {
            // A route and its handler disagree on the parameters: a programming error.
            tracing::error!(expected = N, matched = count, "a handler's path parameters do not match its route");
            Reply::Early(ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current)).into_response()
        })
    }
}
