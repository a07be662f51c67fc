//! Triggers on a node that computes (one running workers) store their calculations
//! computed: retrievable as soon as the trigger is answered, computed once, with no job
//! left for a worker, and one line logged for each.

#[allow(unused_macros)]
mod common;

use std::sync::{Arc, Mutex, OnceLock};

use axum::http::Method;
use common::*;
use itsa_server::config::Mode;
use itsa_store::Store;

/// What the node logs, captured: the test reads its "calculation computed" lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).init();
        log
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_computing() {
    computing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_computing() {
    computing(Backend::Postgres).await;
}

async fn computing(backend: Backend) {
    let log = captured();
    let Some(app) = TestApp::start_computing(backend, Mode::Sandbox, "node-trigger").await else { return };
    let ninos: Vec<String> = (1..=5).map(|n| format!("AA00000{n}A")).collect();
    let mut ids = Vec::new();
    for nino in &ninos {
        app.seed(nino, case("2025-26")).await;
        let token = app.individual(nino).await;
        let id = app.trigger(nino, "2025-26", "in-year", &token).await;
        // No worker runs: the answer to the trigger found it computed.
        let path = format!("/individuals/calculations/{nino}/self-assessment/2025-26/{id}");
        let retrieved = app.api("9.0", Method::GET, &path, &token, &[]).await;
        assert_eq!(retrieved.status, 200, "{nino}: {}", retrieved.body);
        assert_eq!(retrieved.body["metadata"]["calculationId"], id.as_str());
        ids.push(id);
    }
    assert_eq!(app.store.pending_jobs().await.unwrap(), 0, "nothing left for a worker");
    for id in &ids {
        let stored = app.store.get_calculation(id.parse().unwrap()).await.unwrap().expect("stored");
        assert_eq!(stored.computations, 1, "{id} computed once");
        assert_eq!(stored.computed_by.as_deref(), Some("node-trigger"));
        assert!(stored.result_document.is_some(), "{id} has its result");
        assert_eq!(stored.completed_at, Some(stored.requested_at), "computed as it was stored");
    }
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    for id in &ids {
        let line = text
            .lines()
            .find(|line| line.contains("calculation computed") && line.contains(id.as_str()))
            .unwrap_or_else(|| panic!("no line for {id}:\n{text}"));
        assert!(line.contains("from=\"trigger\""), "{line}");
        assert!(line.contains("worker=node-trigger"), "{line}");
    }
    app.finish().await;
}
