//! What itsa's own request handling costs, in process and without a socket: a retrieve
//! of a computed calculation (token and body cached, as under load) through the whole
//! application router, correlation id, log line and all, against a bare axum router
//! answering the same bytes. The report to read is the ratio of the two times.

use std::hint::black_box;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{Request, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use itsa_server::config::{Config, Mode};
use itsa_server::worker::Worker;
use itsa_server::{AppState, router};
use itsa_store::{AnyStore, SqliteStore, Store};
use tower::ServiceExt;

const NINO: &str = "AA123456A";
const CASE: &str = r#"{"id":"bench","tax_year":"2025-26","regime":"rUK","employment_income":52000,"paye_tax_deducted":8000,"self_employment_profit":12000,"savings_interest":900,"dividends":3000}"#;
const ACCEPT: &str = "application/vnd.hmrc.9.0+json";

async fn call<App>(app: &App, request: Request<Body>) -> (u16, Bytes)
where
    App: tower::Service<Request<Body>, Response = axum::response::Response, Error = std::convert::Infallible> + Clone,
{
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.expect("a body").to_bytes())
}

/// An application with one computed calculation: the router and the retrieve's path and token.
async fn application() -> (itsa_server::App, String, String) {
    let store = SqliteStore::in_memory().await.expect("a store");
    store.migrate().await.expect("migrated");
    let store = Arc::new(AnyStore::Sqlite(store));
    let app = router(AppState::new(store.clone(), Config { mode: Mode::Sandbox, ..Config::default() }));
    let json = |method: &str, uri: &str, body: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .expect("a request")
    };
    let body =
        format!(r#"{{"role":"individual","nino":"{NINO}","scopes":["read:self-assessment","write:self-assessment"]}}"#);
    let (_, token) = call(&app, json("POST", "/test-support/tokens", &body)).await;
    let token: serde_json::Value = serde_json::from_slice(&token).expect("json");
    let token = token["access_token"].as_str().expect("a token").to_owned();
    call(&app, json("PUT", &format!("/test-support/individuals/{NINO}/2025-26/income"), CASE)).await;
    let trigger = Request::builder()
        .method("POST")
        .uri(format!("/individuals/calculations/{NINO}/self-assessment/2025-26/trigger/in-year"))
        .header(header::ACCEPT, ACCEPT)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("a request");
    let (_, id) = call(&app, trigger).await;
    let id: serde_json::Value = serde_json::from_slice(&id).expect("json");
    let path =
        format!("/individuals/calculations/{NINO}/self-assessment/2025-26/{}", id["calculationId"].as_str().unwrap());
    let worker = Worker::new(store, "bench", Mode::Sandbox);
    while worker.run_one().await.expect("the worker runs") {}
    (app, path, token)
}

fn retrieve(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (app, path, token) = runtime.block_on(application());
    let request = || {
        Request::builder()
            .uri(&path)
            .header(header::ACCEPT, ACCEPT)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::USER_AGENT, "bench")
            .body(Body::empty())
            .expect("a request")
    };
    let (status, body) = runtime.block_on(call(&app, request()));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let bare = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    });

    let mut group = c.benchmark_group("retrieve");
    group.bench_function("bare axum router, same bytes", |b| {
        b.iter(|| runtime.block_on(async { black_box(call(&bare, request()).await) }))
    });
    group.bench_function("itsa router, cached", |b| {
        b.iter(|| runtime.block_on(async { black_box(call(&app, request()).await) }))
    });
    group.finish();
}

criterion_group!(benches, retrieve);
criterion_main!(benches);
