//! Acceptance: the journey's one-time steps happen once, however many callers race for
//! them, over real sockets against the shipped binary: on SQLite, on PostgreSQL, and with
//! two `itsa serve` nodes sharing one PostgreSQL.
//!
//! Ten trials, each on a taxpayer of its own:
//! - 50 concurrent intent-to-finalise triggers with no worker running: exactly one is
//!   accepted (202), every other is `RULE_CALCULATION_IN_PROGRESS`;
//! - once a worker has computed it, 50 concurrent final declarations of that calculation:
//!   exactly one 204, every other `RULE_FINAL_DECLARATION_RECEIVED`;
//! - then an intent-to-amend and 50 concurrent confirm-amendments of it: exactly one 204.
//!
//! and the database holds exactly ten final declarations and ten confirmed amendments.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Launch, Node, SchemaGuard, WorkDir, free_ports};
use serde_json::{Value, json};

const TRIALS: usize = 10;
const CONCURRENT: usize = 50;
const TAX_YEAR: &str = "2025-26";
const ACCEPT: &str = "application/vnd.hmrc.9.0+json";
const COMPUTE_TIMEOUT: Duration = Duration::from_secs(60);

fn nino(trial: usize) -> String {
    format!("AB{trial:06}C")
}

/// The nodes' addresses and a token acting for every trial's taxpayer.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    bases: Arc<Vec<String>>,
    token: Arc<String>,
}

/// A status and HMRC's error code, if the body has one.
type Answer = (u16, Option<String>, Value);

impl Api {
    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request
            .header("Accept", ACCEPT)
            .bearer_auth(self.token.as_str())
            .send()
            .await
            .expect("the request reaches the node");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = body["code"].as_str().map(str::to_owned);
        (status, code, body)
    }

    fn base(&self, k: usize) -> &str {
        &self.bases[k % self.bases.len()]
    }

    async fn trigger(&self, k: usize, nino: &str, kind: &str) -> Answer {
        let url = format!("{}/individuals/calculations/{nino}/self-assessment/{TAX_YEAR}/trigger/{kind}", self.base(k));
        self.send(self.client.post(url)).await
    }

    async fn submit(&self, k: usize, nino: &str, id: &str, kind: &str) -> Answer {
        let url = format!("{}/individuals/calculations/{nino}/self-assessment/{TAX_YEAR}/{id}/{kind}", self.base(k));
        self.send(self.client.post(url)).await
    }

    /// Wait until the calculation can be retrieved.
    async fn computed(&self, nino: &str, id: &str) {
        let deadline = Instant::now() + COMPUTE_TIMEOUT;
        let url = format!("{}/individuals/calculations/{nino}/self-assessment/{TAX_YEAR}/{id}", self.base(0));
        loop {
            let (status, _, body) = self.send(self.client.get(&url)).await;
            if status == 200 {
                return;
            }
            assert_eq!(status, 404, "retrieving {id}: {body}");
            assert!(Instant::now() < deadline, "calculation {id} not computed within {COMPUTE_TIMEOUT:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `CONCURRENT` copies of a request at once, spread over the nodes; their answers.
    async fn race<F, Fut>(&self, request: F) -> Vec<Answer>
    where
        F: Fn(Api, usize) -> Fut,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        let tasks: Vec<_> = (0..CONCURRENT).map(|k| tokio::spawn(request(self.clone(), k))).collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.expect("a request task panicked"));
        }
        answers
    }
}

/// The one answer of `answers` with status `winner`, every other `loser_code`.
fn exactly_one<'a>(what: &str, answers: &'a [Answer], winner: u16, loser_code: &str) -> &'a Answer {
    let winners: Vec<&Answer> = answers.iter().filter(|(status, _, _)| *status == winner).collect();
    let others: Vec<String> = answers
        .iter()
        .filter(|(status, code, _)| *status != winner && code.as_deref() != Some(loser_code))
        .map(|(status, _, body)| format!("{status} {body}"))
        .collect();
    assert_eq!(winners.len(), 1, "{what}: {} answered {winner}", winners.len());
    assert!(others.is_empty(), "{what}: answers other than {winner} and {loser_code}: {others:?}");
    winners[0]
}

/// Everything up to the races: the clock after 2025-26, each trial's income, one token.
async fn set_up(client: &reqwest::Client, bases: Vec<String>) -> Api {
    let base = &bases[0];
    let pinned = client.put(format!("{base}/test-support/clock")).json(&json!({"now": "2026-06-15T09:00:00Z"}));
    assert_eq!(pinned.send().await.expect("pin the clock").status(), 204);
    for trial in 0..TRIALS {
        let case = json!({"id": format!("race-{trial}"), "tax_year": TAX_YEAR, "regime": "rUK",
                          "employment_income": 30000 + trial, "paye_tax_deducted": 3000});
        let url = format!("{}/test-support/individuals/{}/{TAX_YEAR}/income", bases[trial % bases.len()], nino(trial));
        let response = client.put(url).json(&case).send().await.expect("seed income");
        assert_eq!(response.status(), 204, "seeding {}", nino(trial));
    }
    let clients: Vec<String> = (0..TRIALS).map(nino).collect();
    let response = client
        .post(format!("{base}/test-support/tokens"))
        .json(
            &json!({"role": "agent", "clients": clients, "scopes": ["read:self-assessment", "write:self-assessment"]}),
        )
        .send()
        .await
        .expect("issue a token");
    assert_eq!(response.status(), 201);
    let token: Value = response.json().await.expect("the token's JSON");
    let token = token["access_token"].as_str().expect("an access token").to_owned();
    Api { client: client.clone(), bases: Arc::new(bases), token: Arc::new(token) }
}

/// The races against nodes running no worker; `start_worker` starts one when the triggers
/// have raced. Returns each trial's calculation ids (intent to finalise, intent to amend).
async fn race(api: &Api, start_worker: impl FnOnce() -> Node) -> (Node, Vec<(String, String)>) {
    let mut finalise_ids = Vec::new();
    for trial in 0..TRIALS {
        let nino = nino(trial);
        let answers = api
            .race(|api, k| {
                let nino = nino.clone();
                async move { api.trigger(k, &nino, "intent-to-finalise").await }
            })
            .await;
        let (_, _, body) = exactly_one(
            &format!("trial {trial}: intent-to-finalise triggers"),
            &answers,
            202,
            "RULE_CALCULATION_IN_PROGRESS",
        );
        finalise_ids.push(body["calculationId"].as_str().expect("a calculationId").to_owned());
    }

    let worker = start_worker();
    let mut ids = Vec::new();
    for (trial, finalise) in finalise_ids.into_iter().enumerate() {
        let nino = nino(trial);
        api.computed(&nino, &finalise).await;
        let answers = api
            .race(|api, k| {
                let (nino, id) = (nino.clone(), finalise.clone());
                async move { api.submit(k, &nino, &id, "final-declaration").await }
            })
            .await;
        exactly_one(&format!("trial {trial}: final declarations"), &answers, 204, "RULE_FINAL_DECLARATION_RECEIVED");

        let (status, _, body) = api.trigger(trial, &nino, "intent-to-amend").await;
        assert_eq!(status, 202, "trial {trial}: intent to amend: {body}");
        let amend = body["calculationId"].as_str().expect("a calculationId").to_owned();
        api.computed(&nino, &amend).await;
        let answers = api
            .race(|api, k| {
                let (nino, id) = (nino.clone(), amend.clone());
                async move { api.submit(k, &nino, &id, "confirm-amendment").await }
            })
            .await;
        exactly_one(&format!("trial {trial}: confirm-amendments"), &answers, 204, "RULE_FINAL_DECLARATION_RECEIVED");
        ids.push((finalise, amend));
    }
    (worker, ids)
}

/// The declarations stored, by kind: (final declarations, confirmed amendments).
const COUNT_DECLARATIONS: &str = "SELECT \
    COALESCE(SUM(CASE WHEN kind = 'final-declaration' THEN 1 ELSE 0 END), 0), \
    COALESCE(SUM(CASE WHEN kind = 'confirm-amendment' THEN 1 ELSE 0 END), 0) FROM declarations";

fn assert_declarations(stored: (i64, i64)) {
    assert_eq!(stored, (TRIALS as i64, TRIALS as i64), "(final declarations, confirmed amendments) stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_records_each_step_once() {
    let work = WorkDir::new("exactly_once_sqlite");
    let data = work.0.join("data");
    let client = common::client(CONCURRENT);
    let mut node = Node::spawn("serve", &work.0, Launch::serve(&data, None, 0), free_ports::<1>()[0]);
    node.wait_ready(&client).await;
    let api = set_up(&client, vec![node.base()]).await;
    let (_worker, _) = race(&api, || Node::spawn("worker", &work.0, Launch::worker(&data, None, 1), 0)).await;

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("itsa.sqlite3").display()))
        .await
        .expect("open the node's database");
    let stored: (i64, i64) = sqlx::query_as(COUNT_DECLARATIONS).fetch_one(&pool).await.expect("count");
    pool.close().await;
    assert_declarations(stored);
}

/// One or two nodes on a fresh PostgreSQL schema.
async fn on_postgres(name: &str, nodes: usize) {
    let Some(url) = itsa_testkit::database_url() else { return };
    let schema = SchemaGuard::new(&url, &format!("itsa_{name}"));
    // Creates the schema, which the nodes then migrate.
    let store = itsa_store::PgStore::connect_with_schema(&url, &schema.name).await.expect("connect");
    let node_url = schema.node_url();
    let work = WorkDir::new(name);
    let client = common::client(CONCURRENT);
    let ports = free_ports::<2>();
    let mut serving = Vec::new();
    for (n, port) in ports.into_iter().enumerate().take(nodes) {
        let launch = Launch::serve(&work.0.join(format!("node-{n}")), Some(&node_url), 0);
        serving.push(Node::spawn(&format!("node-{n}"), &work.0, launch, port));
    }
    for node in &mut serving {
        node.wait_ready(&client).await;
    }
    let api = set_up(&client, serving.iter().map(Node::base).collect()).await;
    let worker = || Node::spawn("worker", &work.0, Launch::worker(&work.0.join("worker"), Some(&node_url), 1), 0);
    let (_worker, _) = race(&api, worker).await;

    let stored: (i64, i64) = sqlx::query_as(COUNT_DECLARATIONS).fetch_one(store.pool()).await.expect("count");
    store.pool().close().await;
    assert_declarations(stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_records_each_step_once() {
    on_postgres("exactly_once_postgres", 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_record_each_step_once() {
    on_postgres("exactly_once_two_nodes", 2).await;
}
