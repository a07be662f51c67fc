//! Acceptance: a database keeps the mode it was first served in. A sandbox node (test
//! support: tokens for anyone, a movable clock) refuses to start on a database first
//! served in production, and the reverse, saying why; the first mode still starts.

mod common;

use std::time::{Duration, Instant};

use common::{Launch, Node, WorkDir, free_ports};

/// Wait for the process to end on its own; its exit status and log.
fn refused(mut node: Node) -> (bool, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = node.exited() {
            return (status.success(), node.log_tail(5));
        }
        assert!(Instant::now() < deadline, "node {} kept running:\n{}", node.name, node.log_tail(10));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_keeps_the_mode_it_was_first_served_in() {
    let work = WorkDir::new("mode");
    let data = work.0.join("data");
    let client = common::client(1);
    let [first, second, third] = free_ports::<3>();

    let mut production = Node::spawn("production", &work.0, Launch::serve(&data, None, 0).mode("production"), first);
    production.wait_ready(&client).await;
    assert!(production.stop().is_some_and(|s| s.success()));

    let (succeeded, log) = refused(Node::spawn("sandbox", &work.0, Launch::serve(&data, None, 0), second));
    assert!(!succeeded, "a sandbox node started on a production database");
    assert!(log.contains("this database is served in production mode"), "{log}");
    let (succeeded, log) = refused(Node::spawn("worker", &work.0, Launch::worker(&data, None, 1), 0));
    assert!(!succeeded, "a sandbox worker started on a production database");
    assert!(log.contains("cannot be served in sandbox mode"), "{log}");

    let mut again = Node::spawn("again", &work.0, Launch::serve(&data, None, 0).mode("production"), third);
    again.wait_ready(&client).await;
    assert!(again.stop().is_some_and(|s| s.success()));

    // And the reverse.
    let sandbox_data = work.0.join("sandbox-data");
    let [fourth, fifth] = free_ports::<2>();
    let mut sandbox = Node::spawn("first-sandbox", &work.0, Launch::serve(&sandbox_data, None, 0), fourth);
    sandbox.wait_ready(&client).await;
    assert!(sandbox.stop().is_some_and(|s| s.success()));
    let launch = Launch::serve(&sandbox_data, None, 0).mode("production");
    let (succeeded, log) = refused(Node::spawn("then-production", &work.0, launch, fifth));
    assert!(!succeeded && log.contains("this database is served in sandbox mode"), "{log}");
}
