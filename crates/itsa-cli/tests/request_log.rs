//! The shipped binary logs one line per request on standard error, carrying the id the
//! answer's `X-CorrelationId` header gave the client, and nothing is lost at exit;
//! `RUST_LOG=warn` turns the lines off.

mod common;

use common::{Launch, Node, WorkDir, free_ports};

/// `2026-12-04T15:33:20.561441Z`: a UTC timestamp to the microsecond.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 27
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            19 => *b == b'.',
            26 => *b == b'Z',
            _ => b.is_ascii_digit(),
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_is_logged_with_its_correlation_id() {
    let work = WorkDir::new("request-log");
    let client = common::client(1);
    let [port, quiet_port] = free_ports::<2>();
    let mut node = Node::spawn("node", &work.0, Launch::serve(&work.0.join("data"), None, 0), port);
    node.wait_ready(&client).await;

    let mut ids = Vec::new();
    for path in ["/individuals/calculations/AA123456A/self-assessment/2025-26", "/no/such/path"] {
        let answer = client.get(format!("{}{path}", node.base())).send().await.expect("an answer");
        let id = answer.headers()["x-correlationid"].to_str().expect("text").to_owned();
        ids.push((id, path, answer.status().as_u16()));
    }
    assert!(node.stop().is_some_and(|s| s.success()));
    let log = node.log_tail(1000);
    for (id, path, status) in &ids {
        let line = log
            .lines()
            .find(|line| line.contains(&format!("correlation_id={id} ")))
            .unwrap_or_else(|| panic!("no log line for {id}:\n{log}"));
        let (timestamp, rest) = line.split_once(' ').expect("a timestamp first");
        assert!(is_timestamp(timestamp), "{line}");
        assert_eq!(
            rest,
            format!(
                " INFO request correlation_id={id} method=GET path={path} status={status} elapsed_us={}",
                rest.rsplit_once('=').expect("elapsed_us last").1
            ),
            "{line}"
        );
        assert!(rest.rsplit_once('=').unwrap().1.parse::<u64>().is_ok(), "{line}");
    }

    let mut quiet = Node::spawn(
        "quiet",
        &work.0,
        Launch::serve(&work.0.join("quiet"), None, 0).env("RUST_LOG", "warn"),
        quiet_port,
    );
    quiet.wait_ready(&client).await;
    client.get(format!("{}/no/such/path", quiet.base())).send().await.expect("an answer");
    assert!(quiet.stop().is_some_and(|s| s.success()));
    assert!(!quiet.log_tail(1000).contains(" request correlation_id="), "{}", quiet.log_tail(20));
}

/// `itsa serve` with workers computes its own triggers as it stores them (docs/api.md):
/// the calculation is retrievable as soon as the trigger is answered, computed by the
/// trigger rather than claimed from the store's queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_computes_its_own_triggers() {
    let work = WorkDir::new("computing");
    let client = common::client(1);
    let [port] = free_ports::<1>();
    let mut node = Node::spawn("node", &work.0, Launch::serve(&work.0.join("data"), None, 1), port);
    node.wait_ready(&client).await;
    let base = node.base();
    let token: serde_json::Value = client
        .post(format!("{base}/test-support/tokens"))
        .json(&serde_json::json!({"role": "individual", "nino": "AA123456A",
            "scopes": ["read:self-assessment", "write:self-assessment"]}))
        .send()
        .await
        .expect("a token")
        .json()
        .await
        .expect("JSON");
    let token = token["access_token"].as_str().expect("an access token").to_owned();
    let income = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/sole-trader-2025-26.json"))
        .expect("the example income");
    let seeded = client
        .put(format!("{base}/test-support/individuals/AA123456A/2025-26/income"))
        .header("content-type", "application/json")
        .body(income)
        .send()
        .await
        .expect("seeded");
    assert_eq!(seeded.status().as_u16(), 204);
    let calculations = format!("{base}/individuals/calculations/AA123456A/self-assessment/2025-26");
    let api = |request: reqwest::RequestBuilder| {
        request.header("accept", "application/vnd.hmrc.9.0+json").bearer_auth(&token).send()
    };
    let triggered = api(client.post(format!("{calculations}/trigger/in-year"))).await.expect("triggered");
    assert_eq!(triggered.status().as_u16(), 202);
    let correlation = triggered.headers()["x-correlationid"].to_str().expect("text").to_owned();
    let body: serde_json::Value = triggered.json().await.expect("JSON");
    let id = body["calculationId"].as_str().expect("a calculation id").to_owned();
    let retrieved = api(client.get(format!("{calculations}/{id}"))).await.expect("retrieved");
    assert_eq!(retrieved.status().as_u16(), 200, "not computed when the trigger was answered");
    assert!(node.stop().is_some_and(|s| s.success()));
    let log = node.log_tail(1000);
    let computed = log
        .lines()
        .find(|line| line.contains("calculation computed") && line.contains(&format!("calculation_id={id}")))
        .unwrap_or_else(|| panic!("no line for the computed calculation:\n{log}"));
    assert!(computed.contains(&format!("correlation_id={correlation}")), "{computed}");
    assert!(computed.contains("from=\"trigger\""), "computed from the store's queue, not by the trigger: {computed}");
}
