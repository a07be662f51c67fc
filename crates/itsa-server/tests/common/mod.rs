//! An in-process itsa service for tests: the real router on a real store (a SQLite file
//! in a temporary directory, or a fresh PostgreSQL schema when `DATABASE_URL` is set),
//! requests sent with `tower::ServiceExt::oneshot`, and the worker run by hand so tests
//! decide when calculations are computed.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use itsa_server::AppState;
use itsa_server::config::{Config, Mode};
use itsa_server::worker::Worker;
use itsa_store::{AnyStore, PgStore, SqliteStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const NINO: &str = "AA123456A";

pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: itsa_server::App,
    pub store: Arc<AnyStore>,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Schema { url: String, schema: String },
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl TestApp {
    /// `None` (the test is skipped, saying so) for PostgreSQL without `DATABASE_URL`.
    pub async fn start(backend: Backend, mode: Mode) -> Option<TestApp> {
        Self::start_with(backend, mode, None).await
    }

    /// An app whose triggers compute their calculations as they store them, as `itsa
    /// serve` with workers does, recording `computes_as` as the one that computed them.
    pub async fn start_computing(backend: Backend, mode: Mode, computes_as: &str) -> Option<TestApp> {
        Self::start_with(backend, mode, Some(computes_as.to_owned())).await
    }

    async fn start_with(backend: Backend, mode: Mode, computes_as: Option<String>) -> Option<TestApp> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (store, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("itsa-server-test-{unique}"));
                let store = SqliteStore::open(&dir.join("itsa.sqlite3")).await.expect("open sqlite");
                (AnyStore::Sqlite(store), Cleanup::Dir(dir))
            }
            Backend::Postgres => {
                let url = itsa_testkit::database_url()?;
                let schema = format!("itsa_server_test_{unique}");
                let store = PgStore::connect_with_schema(&url, &schema).await.expect("connect to postgres");
                (AnyStore::Postgres(store), Cleanup::Schema { url, schema })
            }
        };
        store.migrate().await.expect("migrate");
        let store = Arc::new(store);
        let config = Config { mode, ..Config::default() };
        let router = itsa_server::router(AppState::computing(store.clone(), config, computes_as));
        Some(TestApp { router, store, cleanup })
    }

    pub async fn finish(self) {
        match self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { url, schema } => {
                drop(self.router);
                let admin = PgStore::connect(&url).await.expect("connect to postgres");
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
                    .execute(admin.pool())
                    .await;
            }
        }
    }

    pub async fn send(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Option<Value>) -> Response {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let response = self.router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let raw = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Response { status, headers, body, raw }
    }

    /// A v8 (or other version) API call with a bearer token.
    pub async fn api(
        &self,
        version: &str,
        method: Method,
        path: &str,
        token: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        let accept = format!("application/vnd.hmrc.{version}+json");
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("accept", accept.as_str()), ("authorization", bearer.as_str())];
        headers.extend_from_slice(extra);
        self.send(method, path, &headers, None).await
    }

    pub async fn token(&self, body: Value) -> String {
        let r = self.send(Method::POST, "/test-support/tokens", &[], Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A read and write token for one taxpayer.
    pub async fn individual(&self, nino: &str) -> String {
        self.token(
            json!({"role": "individual", "nino": nino, "scopes": ["read:self-assessment", "write:self-assessment"]}),
        )
        .await
    }

    pub async fn pin_clock(&self, now: &str) {
        let r = self.send(Method::PUT, "/test-support/clock", &[], Some(json!({"now": now}))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }

    pub async fn seed(&self, nino: &str, case: Value) {
        let year = case["tax_year"].as_str().unwrap().to_owned();
        let r =
            self.send(Method::PUT, &format!("/test-support/individuals/{nino}/{year}/income"), &[], Some(case)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    }

    /// Run the worker until no job is left.
    pub async fn compute_all(&self) -> usize {
        let worker = Worker::new(self.store.clone(), "test-worker", Mode::Sandbox);
        let mut n = 0;
        while worker.run_one().await.expect("worker") {
            n += 1;
        }
        n
    }

    /// Trigger a v8 calculation and return its id (asserting 202).
    pub async fn trigger(&self, nino: &str, year: &str, kind: &str, token: &str) -> String {
        let r = self
            .api(
                "8.0",
                Method::POST,
                &format!("/individuals/calculations/{nino}/self-assessment/{year}/trigger/{kind}"),
                token,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{kind}: {:?}", r.body);
        r.body["calculationId"].as_str().unwrap().to_owned()
    }
}

/// A plausible case for a tax year.
pub fn case(year: &str) -> Value {
    json!({
        "id": format!("test-{year}"), "tax_year": year, "regime": "rUK",
        "employment_income": 32_000, "paye_tax_deducted": 3_886,
        "self_employment_profit": 8_400, "savings_interest": 1_250, "dividends": 2_300,
        "property_profit": 6_000, "property_finance_costs": 1_200,
        "gift_aid_paid": 200, "child_benefit_received": 1_200, "student_loan_plans": ["plan1"]
    })
}

/// Define, for each named `async fn name(app: &TestApp)` of the calling test file, a module
/// `name` with a `sqlite` and a `postgres` test running it in sandbox mode (the PostgreSQL
/// one skips, saying so, without `DATABASE_URL`). The calling file must have `TestApp`,
/// `Backend` and `Mode` in scope.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = super::TestApp::start(super::Backend::Sqlite, super::Mode::Sandbox).await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = super::TestApp::start(super::Backend::Postgres, super::Mode::Sandbox).await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }
            }
        )*
    };
}
