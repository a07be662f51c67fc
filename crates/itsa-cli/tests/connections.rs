//! Acceptance: idle and slow clients cannot lock others out. Against the shipped binary
//! (default connection limit, a four-second idle and head timeout), 1,100 connections
//! that never send a byte and 200 that send a request head one byte at a time are held
//! open; a new client is still answered within two seconds, and the server closes every
//! one of the 1,300 within its timeout (with the sweeper's half second and a second's
//! slack for a loaded machine).

mod common;

use std::time::{Duration, Instant};

use common::{Launch, Node, WorkDir, free_ports};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const IDLE: usize = 1_100;
const SLOW: usize = 200;
const TIMEOUT_SECONDS: u64 = 4;
/// How long after its timeout a connection may still be open: the sweeper looks every
/// half second at most, and a loaded machine is slow.
const SLACK: Duration = Duration::from_millis(1_500);
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// Wait until the server closes `stream` (end of file or reset); when it did.
async fn closed(mut stream: TcpStream, deadline: Instant) -> Result<Instant, String> {
    let mut buf = [0u8; 256];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(Instant::now()),
            Ok(Ok(_)) => continue,
            Err(_) => return Err("still open".to_owned()),
        }
    }
}

/// A client that sends a request head one byte every 300 ms, never finishing it, until
/// the server closes the connection; when it did.
async fn slow_client(port: u16, deadline: Instant) -> Result<Instant, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| e.to_string())?;
    stream.write_all(b"GET /api/definition HTTP/1.1\r\nHost: itsa\r\n").await.map_err(|e| e.to_string())?;
    let mut buf = [0u8; 256];
    for byte in b"X-Slow: ".iter().copied().cycle() {
        if Instant::now() > deadline {
            return Err("still open".to_owned());
        }
        if stream.write_all(&[byte]).await.is_err() {
            return Ok(Instant::now());
        }
        match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(Instant::now()),
            Ok(Ok(_)) => return Err("answered a request that never ended".to_owned()),
            Err(_) => {}
        }
    }
    unreachable!("the cycle never ends")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idle_and_slow_clients_do_not_lock_others_out() {
    // This test holds 1,300 sockets itself.
    itsa_server::connections::fit_open_files(IDLE + SLOW + 200, 64);
    let work = WorkDir::new("connections");
    let timeout = TIMEOUT_SECONDS.to_string();
    let launch = Launch::serve(&work.0.join("data"), None, 1)
        .env("ITSA_IDLE_TIMEOUT_SECONDS", &timeout)
        .env("ITSA_HEADER_READ_TIMEOUT_SECONDS", &timeout);
    let mut node = Node::spawn("serve", &work.0, launch, free_ports::<1>()[0]);
    let client = common::client(4);
    node.wait_ready(&client).await;
    let port = node.port;
    let limit = Duration::from_secs(TIMEOUT_SECONDS) + SLACK;

    let mut idle = Vec::new();
    let mut opened_idle = Vec::new();
    for _ in 0..IDLE {
        idle.push(TcpStream::connect(("127.0.0.1", port)).await.expect("open an idle connection"));
        opened_idle.push(Instant::now());
    }
    let slow_started = Instant::now();
    let slow: Vec<_> = (0..SLOW).map(|_| tokio::spawn(slow_client(port, slow_started + 3 * limit))).collect();
    // Let every slow client get its head going.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A new client, with all 1,300 held, is answered at once.
    let fresh = common::client(1);
    let asked = Instant::now();
    let answer = tokio::time::timeout(ANSWER_WITHIN, fresh.get(format!("{}/api/definition", node.base())).send())
        .await
        .unwrap_or_else(|_| panic!("no answer within {ANSWER_WITHIN:?}"))
        .expect("the request is answered");
    assert_eq!(answer.status(), 200);
    let answered_in = asked.elapsed();

    // The server closes every idle connection within its timeout.
    let watchers: Vec<_> = idle
        .into_iter()
        .zip(&opened_idle)
        .map(|(stream, opened)| tokio::spawn(closed(stream, *opened + 3 * limit)))
        .collect();
    let mut late = Vec::new();
    let mut longest_idle = Duration::ZERO;
    for (watcher, opened) in watchers.into_iter().zip(&opened_idle) {
        match watcher.await.expect("a watcher panicked") {
            Ok(at) => {
                let open_for = at - *opened;
                longest_idle = longest_idle.max(open_for);
                if open_for > limit {
                    late.push(format!("idle: open {open_for:?}"));
                }
            }
            Err(e) => late.push(format!("idle: {e}")),
        }
    }
    let mut longest_slow = Duration::ZERO;
    for client in slow {
        match client.await.expect("a slow client panicked") {
            Ok(at) => {
                let open_for = at - slow_started;
                longest_slow = longest_slow.max(open_for);
                if open_for > limit + Duration::from_millis(500) {
                    late.push(format!("slow: open {open_for:?}"));
                }
            }
            Err(e) => late.push(format!("slow: {e}")),
        }
    }
    assert!(
        late.is_empty(),
        "{} of {} connections outlived {limit:?}: {:?}",
        late.len(),
        IDLE + SLOW,
        &late[..late.len().min(10)]
    );

    // And the server still answers, and is still running.
    let again = fresh.get(format!("{}/api/definition", node.base())).send().await.expect("answered again");
    assert_eq!(again.status(), 200);
    assert!(node.exited().is_none(), "the server stopped:\n{}", node.log_tail(20));
    println!(
        "connections: a new client answered in {answered_in:?} with {IDLE} idle and {SLOW} slow clients held; \
         the longest an idle one stayed open {longest_idle:?}, a slow one {longest_slow:?} (timeout {TIMEOUT_SECONDS} s)"
    );
}

/// A request whose body never finishes arriving is cut off at the body timeout, and a
/// body larger than the limit is refused, while other clients are answered throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_oversized_bodies_are_refused() {
    let work = WorkDir::new("bodies");
    let launch = Launch::serve(&work.0.join("data"), None, 1)
        .env("ITSA_BODY_READ_TIMEOUT_SECONDS", "2")
        .env("ITSA_MAX_BODY_BYTES", "4096");
    let mut node = Node::spawn("serve", &work.0, launch, free_ports::<1>()[0]);
    let client = common::client(4);
    node.wait_ready(&client).await;

    let mut slow = TcpStream::connect(("127.0.0.1", node.port)).await.expect("connect");
    let head = "PUT /test-support/individuals/AA123456A/2025-26/income HTTP/1.1\r\nHost: itsa\r\n\
                Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":";
    slow.write_all(head.as_bytes()).await.expect("send the head");
    let started = Instant::now();
    let ended = closed(slow, started + Duration::from_secs(10)).await.expect("the server closes the connection");
    let open_for = ended - started;
    assert!(open_for <= Duration::from_secs(2) + SLACK, "a slow body held its connection {open_for:?}");

    let big = format!("{{\"id\":\"{}\"}}", "x".repeat(10_000));
    let url = format!("{}/test-support/individuals/AA123456A/2025-26/income", node.base());
    let refused = client.put(url).header("content-type", "application/json").body(big).send().await.expect("answered");
    assert_eq!(refused.status(), 413, "a body over the limit");
    let again = client.get(format!("{}/api/definition", node.base())).send().await.expect("answered");
    assert_eq!(again.status(), 200);
    println!("bodies: a body that never finished was cut off after {open_for:?} (timeout 2 s)");
}
