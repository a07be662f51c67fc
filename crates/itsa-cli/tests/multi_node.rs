//! Acceptance: two `itsa serve` processes share one PostgreSQL database. 1,000 in-year
//! calculations are triggered across both. Each must be computed exactly once, and each
//! must be retrievable, with the same body, from either node.
//!
//! Needs `DATABASE_URL=postgres://…`. Without it the test records that it was skipped
//! (the test command reports it at the end) and passes. It
//! works in a fresh schema with a random name and drops that schema at the end, also
//! when the test fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Launch, Node, SchemaGuard, WorkDir, free_ports};
use itsa_store::{CalculationStatus, PgStore, Store, Uuid};
use serde_json::{Value, json};

const TAXPAYERS: usize = 1000;
/// HTTP requests in flight at once.
const CONCURRENCY: usize = 24;
const WORKERS_PER_NODE: usize = 2;
const TAX_YEAR: &str = "2025-26";
const ACCEPT: &str = "application/vnd.hmrc.8.0+json";
const COMPUTE_TIMEOUT: Duration = Duration::from_secs(60);

fn nino(i: usize) -> String {
    format!("AA{i:06}A")
}

/// Run `task(0..count)` with at most [`CONCURRENCY`] in flight; the results in order.
async fn run_all<T, F, Fut>(count: usize, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send,
{
    let task = Arc::new(task);
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..CONCURRENCY.min(count) {
        let (task, next) = (task.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return done;
                }
                done.push((i, task(i).await));
            }
        }));
    }
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for handle in handles {
        for (i, value) in handle.await.expect("a request task panicked") {
            results[i] = Some(value);
        }
    }
    results.into_iter().map(|r| r.expect("every index ran")).collect()
}

/// Fail with the first few of `failures`, if there are any.
fn assert_none_failed(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {TAXPAYERS} {what} failed; first ones:\n{}",
        failures.len(),
        failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The process id in a worker id (`<host>-<pid>-<n>`).
fn worker_pid(worker: &str) -> Option<u32> {
    let mut parts = worker.rsplitn(3, '-');
    parts.next()?;
    parts.next()?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_compute_each_calculation_exactly_once() {
    let Some(base_url) = itsa_testkit::database_url() else { return };
    let started = Instant::now();

    // A fresh schema, dropped at the end whatever happens.
    let schema = SchemaGuard::new(&base_url, "itsa_multi_node");
    let store = PgStore::connect_with_schema(&base_url, &schema.name).await.expect("connect to PostgreSQL");
    let node_url = schema.node_url();
    let work = WorkDir::new("multi_node");

    // Two nodes, started together (both run the migrations on the empty schema).
    let client = common::client(CONCURRENCY);
    let [port_a, port_b] = free_ports::<2>();
    let launch = |name: &str| Launch::serve(&work.0.join(name), Some(&node_url), WORKERS_PER_NODE);
    let mut a = Node::spawn("a", &work.0, launch("a"), port_a);
    let mut b = Node::spawn("b", &work.0, launch("b"), port_b);
    a.wait_ready(&client).await;
    b.wait_ready(&client).await;
    let bases = Arc::new([a.base(), b.base()]);
    let ready = started.elapsed();

    // Pin the clock (through A) before either node reads it, so both see the pin at once.
    let response = client
        .put(format!("{}/test-support/clock", bases[0]))
        .json(&json!({"now": "2026-06-15T09:00:00Z"}))
        .send()
        .await
        .expect("pin the clock");
    assert_eq!(response.status(), 204, "pinning the clock: {:?}", response.text().await);

    // Seed every taxpayer's income, alternating between the nodes.
    let seed_started = Instant::now();
    let seeded = {
        let (client, bases) = (client.clone(), bases.clone());
        run_all(TAXPAYERS, move |i| {
            let (client, bases) = (client.clone(), bases.clone());
            async move {
                let nino = nino(i);
                let case = json!({
                    "id": format!("multi-node-{i}"),
                    "tax_year": TAX_YEAR,
                    "regime": "rUK",
                    "employment_income": 20000 + 37 * i,
                });
                let url = format!("{}/test-support/individuals/{nino}/{TAX_YEAR}/income", bases[i % 2]);
                match client.put(url).json(&case).send().await {
                    Ok(r) if r.status() == 204 => Ok(()),
                    Ok(r) => Err(format!("{nino}: {} {}", r.status(), r.text().await.unwrap_or_default())),
                    Err(e) => Err(format!("{nino}: {e}")),
                }
            }
        })
        .await
    };
    let failures: Vec<String> = seeded.into_iter().filter_map(Result::err).collect();
    assert_none_failed("income seeds", &failures);

    // One agent token for all 1,000 clients (issued by B, used on both).
    let clients: Vec<String> = (0..TAXPAYERS).map(nino).collect();
    let response = client
        .post(format!("{}/test-support/tokens", bases[1]))
        .json(&json!({
            "role": "agent",
            "clients": clients,
            "scopes": ["read:self-assessment", "write:self-assessment"],
        }))
        .send()
        .await
        .expect("issue a token");
    assert_eq!(response.status(), 201, "issuing the token");
    let token: Value = response.json().await.expect("the token's JSON");
    let token = Arc::new(token["access_token"].as_str().expect("an access_token").to_owned());
    let seeding = seed_started.elapsed();

    // Trigger one in-year calculation per taxpayer. Each goes to the node that did not
    // seed that taxpayer, so the nodes alternate.
    let trigger_started = Instant::now();
    let triggered = {
        let (client, bases, token) = (client.clone(), bases.clone(), token.clone());
        run_all(TAXPAYERS, move |i| {
            let (client, bases, token) = (client.clone(), bases.clone(), token.clone());
            async move {
                let nino = nino(i);
                let url = format!(
                    "{}/individuals/calculations/{nino}/self-assessment/{TAX_YEAR}/trigger/in-year",
                    bases[(i + 1) % 2]
                );
                let response = client
                    .post(url)
                    .header("Accept", ACCEPT)
                    .bearer_auth(token.as_str())
                    .send()
                    .await
                    .map_err(|e| format!("{nino}: {e}"))?;
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                if status != 202 {
                    return Err(format!("{nino}: {status} {body}"));
                }
                let id = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v["calculationId"].as_str().and_then(|id| Uuid::parse_str(id).ok()))
                    .ok_or_else(|| format!("{nino}: no calculationId in {body}"))?;
                Ok(id)
            }
        })
        .await
    };
    let triggering = trigger_started.elapsed();
    let failures: Vec<String> = triggered.iter().filter_map(|r| r.as_ref().err().cloned()).collect();
    assert_none_failed("triggers", &failures);
    let ids: Vec<Uuid> = triggered.into_iter().map(Result::unwrap).collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), TAXPAYERS, "calculation ids repeat");

    // Wait until no job is left.
    let deadline = trigger_started + COMPUTE_TIMEOUT;
    loop {
        let pending = store.pending_jobs().await.expect("count the jobs");
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} jobs still pending {COMPUTE_TIMEOUT:?} after triggering began");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let computing = trigger_started.elapsed();

    // Through the database: each calculation done, and stored exactly once, by one of the
    // two nodes.
    let pids = BTreeMap::from([(a.pid, a.name.clone()), (b.pid, b.name.clone())]);
    let mut by_worker: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_node: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let Some(record) = store.get_calculation(*id).await.expect("read a calculation") else {
            failures.push(format!("{id}: not stored"));
            continue;
        };
        let worker = record.computed_by.clone().unwrap_or_default();
        let node = worker_pid(&worker).and_then(|pid| pids.get(&pid).cloned());
        if record.nino != nino(i)
            || record.status != CalculationStatus::Done
            || record.computations != 1
            || record.result_document.is_none()
            || node.is_none()
        {
            failures.push(format!(
                "{id} ({}): status {:?}, computations {}, computed_by {:?}, failure {:?}",
                record.nino, record.status, record.computations, record.computed_by, record.failure
            ));
            continue;
        }
        *by_worker.entry(worker).or_default() += 1;
        *by_node.entry(node.unwrap_or_default()).or_default() += 1;
    }
    assert_none_failed("calculations (exactly once, done, by a known node)", &failures);
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM calculations").fetch_one(store.pool()).await.expect("count");
    assert_eq!(stored, TAXPAYERS as i64, "calculations stored");
    assert_eq!(store.pending_jobs().await.expect("count the jobs"), 0, "job rows left");
    assert_eq!(
        by_node.len(),
        2,
        "one node computed every calculation ({by_node:?}); both nodes' workers should share the queue"
    );

    // Through HTTP: every calculation retrievable from both nodes, with the same body.
    let retrieve_started = Instant::now();
    let retrieved = {
        let (client, bases, token) = (client.clone(), bases.clone(), token.clone());
        let ids = Arc::new(ids.clone());
        run_all(TAXPAYERS, move |i| {
            let (client, bases, token, ids) = (client.clone(), bases.clone(), token.clone(), ids.clone());
            async move {
                let (nino, id) = (nino(i), ids[i]);
                let mut bodies = Vec::new();
                for base in bases.iter() {
                    let url = format!("{base}/individuals/calculations/{nino}/self-assessment/{TAX_YEAR}/{id}");
                    let response = client
                        .get(url)
                        .header("Accept", ACCEPT)
                        .bearer_auth(token.as_str())
                        .send()
                        .await
                        .map_err(|e| format!("{id} from {base}: {e}"))?;
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    if status != 200 {
                        return Err(format!("{id} from {base}: {status} {text}"));
                    }
                    let body: Value =
                        serde_json::from_str(&text).map_err(|e| format!("{id} from {base}: not JSON: {e}"))?;
                    bodies.push(body);
                }
                if bodies[0] != bodies[1] {
                    return Err(format!("{id}: the nodes answer differently:\n{}\n{}", bodies[0], bodies[1]));
                }
                if bodies[0]["metadata"]["calculationId"] != id.to_string() || bodies[0]["calculation"].is_null() {
                    return Err(format!("{id}: unexpected body {}", bodies[0]));
                }
                Ok(())
            }
        })
        .await
    };
    let failures: Vec<String> = retrieved.into_iter().filter_map(Result::err).collect();
    assert_none_failed("retrievals from both nodes", &failures);
    let retrieving = retrieve_started.elapsed();

    // Both nodes stop cleanly on SIGTERM.
    store.pool().close().await;
    for node in [&mut a, &mut b] {
        let status = node.stop().expect("the node was running");
        assert!(status.success(), "node {} ended with {status} after SIGTERM:\n{}", node.name, node.log_tail(20));
    }

    println!(
        "multi_node: {TAXPAYERS} calculations, each computed once; by node {by_node:?}; by worker {by_worker:?}; \
         ready {:.1}s, seed {:.1}s, trigger {:.1}s, all computed {:.1}s after the first trigger, \
         retrieve x2 {:.1}s, total {:.1}s",
        ready.as_secs_f64(),
        seeding.as_secs_f64(),
        triggering.as_secs_f64(),
        computing.as_secs_f64(),
        retrieving.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
}
