//! What the README promises about building: the minimum Rust version is the one the locked
//! dependencies need, and the test build reuses what `cargo build --release --bin itsa`
//! compiled (the same features of every shared dependency).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(args)
        .args(["--locked", "--offline"])
        .current_dir(workspace())
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "cargo {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("cargo prints UTF-8")
}

/// `1.94` and `1.94.0` alike, as three numbers.
fn version(text: &str) -> [u32; 3] {
    let mut parts = text.split('.').map(|part| part.parse().expect("a numeric version part"));
    [parts.next().expect("a major version"), parts.next().unwrap_or(0), parts.next().unwrap_or(0)]
}

/// The platform this test runs on; cargo reads only the manifests of packages built for it
/// (those of other platforms are not downloaded, and are never built here).
fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(rustc).arg("-vV").output().expect("run rustc -vV");
    let text = String::from_utf8(out.stdout).expect("rustc prints UTF-8");
    text.lines().find_map(|line| line.strip_prefix("host: ")).expect("rustc -vV names the host").to_owned()
}

#[test]
fn the_minimum_rust_version_is_what_the_locked_dependencies_need() {
    let host = host();
    let metadata: serde_json::Value =
        serde_json::from_str(&cargo(&["metadata", "--format-version", "1", "--filter-platform", &host]))
            .expect("cargo metadata's JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let (needed, by) = packages
        .iter()
        .filter(|p| p["source"].is_string())
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), format!("{} {}", p["name"], p["version"]))))
        .max()
        .expect("some dependency states its rust-version");
    let needed_text = format!("{}.{}.{}", needed[0], needed[1], needed[2]);

    let ours: BTreeSet<&str> = packages
        .iter()
        .filter(|p| p["source"].is_null())
        .map(|p| p["rust_version"].as_str().expect("every workspace crate states its rust-version"))
        .collect();
    assert_eq!(ours.len(), 1, "the workspace crates disagree on rust-version: {ours:?}");
    let declared = version(ours.first().unwrap());
    assert_eq!(declared, needed, "the workspace's rust-version should be {needed_text}, which {by} needs");

    let short = needed_text.trim_end_matches(".0");
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    assert!(readme.contains(&format!("Rust {short} or newer")), "README.md should say 'Rust {short} or newer'");
}

/// Each package's features, keyed by name and version, from `cargo tree`.
fn features(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in cargo(&[&["tree", "--prefix", "none", "-f", "{p}|{f}"], args].concat()).lines() {
        let Some((package, features)) = line.trim_end_matches(" (*)").split_once('|') else { continue };
        let mut words = package.split(' ');
        let key = format!("{} {}", words.next().unwrap_or(""), words.next().unwrap_or(""));
        out.entry(key).or_default().insert(features.to_owned());
    }
    out
}

#[test]
fn the_test_build_reuses_the_release_build() {
    let binary = features(&["-p", "itsa-cli", "-e", "normal,build"]);
    let tests = features(&["--workspace", "-e", "normal,build,dev"]);
    let differ: Vec<String> = binary
        .iter()
        .filter(|(package, set)| tests.get(*package) != Some(set))
        .map(|(package, set)| format!("{package}: binary {set:?}, tests {:?}", tests.get(package)))
        .collect();
    assert!(
        differ.is_empty(),
        "the tests turn on features the binary does not, so cargo would compile these twice \
         (add the features to itsa-cli's build-reuse dependencies):\n{}",
        differ.join("\n")
    );
}
