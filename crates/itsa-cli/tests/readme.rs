//! README.md's "Using the service" block, run as pasted against `itsa serve` (only the port
//! changed): it captures the token and the calculation id and prints the amount due.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Launch, Node, WorkDir, free_ports};

/// The first `sh` block after `heading`.
fn block_after(readme: &str, heading: &str) -> String {
    let rest = &readme[readme.find(heading).unwrap_or_else(|| panic!("README.md has no {heading:?}"))..];
    let start = rest.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let end = start + rest[start..].find("```").expect("the block's end");
    rest[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_usage_block_runs_as_pasted() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = block_after(&readme, "## Using the service");
    assert!(block.contains("localhost:8080"), "the block talks to the default address");

    let work = WorkDir::new("readme");
    let [port] = free_ports::<1>();
    let mut node = Node::spawn("serve", &work.0, Launch::serve(&work.0.join("data"), None, 1), port);
    node.wait_ready(&common::client(1)).await;

    // Where a user would paste it: a clone's root, here a copy of its examples.
    let here = work.0.join("clone");
    std::fs::create_dir_all(here.join("examples")).unwrap();
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), here.join("examples").join(entry.file_name())).unwrap();
    }
    let script = format!("set -eu\n{}", block.replace("localhost:8080", &format!("127.0.0.1:{}", node.port)));
    let out = Command::new("bash").arg("-c").arg(&script).current_dir(&here).output().expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the block failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));

    // The figures the README's comments promise, printed by its last line.
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "15964.55 2968", "the amount due the block prints");
    assert!(block.contains("(15964.55 for this example)") && block.contains("beside it (2968)"));
    let calculation: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(here.join("calculation.json")).unwrap()).unwrap();
    assert_eq!(calculation["metadata"]["calculationType"], "in-year");
}
