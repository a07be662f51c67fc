//! Triggers on a node with workers hand their calculations over in memory; a worker
//! that finds several waiting stores their results in one transaction, each computed
//! once, its job finished.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use itsa_server::config::Mode;
use itsa_server::worker::Worker;
use itsa_store::Store;

/// What the worker logs, captured: the test reads its `burst` field.
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
async fn sqlite_burst() {
    burst(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_burst() {
    burst(Backend::Postgres).await;
}

async fn burst(backend: Backend) {
    let log = captured();
    let Some(app) = TestApp::start_with_hand_over(backend, Mode::Sandbox).await else { return };
    let ninos: Vec<String> = (1..=5).map(|n| format!("AA00000{n}A")).collect();
    let mut ids = Vec::new();
    for nino in &ninos {
        app.seed(nino, case("2025-26")).await;
        let token = app.individual(nino).await;
        ids.push(app.trigger(nino, "2025-26", "in-year", &token).await);
    }
    assert_eq!(app.store.pending_jobs().await.unwrap(), 5, "stored, leased to the hand-over");

    // The worker starts with all five waiting: it takes them as one burst.
    let worker = Worker::new(app.store.clone(), "test-local", Mode::Sandbox)
        .with_local_queue(app.hand_over.as_ref().expect("a hand-over"));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopping));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.store.pending_jobs().await.unwrap() > 0 {
        assert!(std::time::Instant::now() < deadline, "the handed-over jobs were not finished");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap();

    let mut completed = std::collections::BTreeSet::new();
    for id in &ids {
        let stored = app.store.get_calculation(id.parse().unwrap()).await.unwrap().expect("stored");
        assert_eq!(stored.computations, 1, "{id} computed once");
        assert!(stored.result_document.is_some(), "{id} has its result");
        completed.insert(stored.completed_at);
    }
    assert_eq!(completed.len(), 1, "one transaction stored the burst: {completed:?}");
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    for id in &ids {
        let line = text
            .lines()
            .find(|line| line.contains("calculation computed") && line.contains(id.as_str()))
            .unwrap_or_else(|| panic!("no line for {id}:\n{text}"));
        assert!(line.contains("burst=5"), "computed one by one, not as a burst: {line}");
        assert!(line.contains("from=\"hand-over\""), "{line}");
    }
    app.finish().await;
}
