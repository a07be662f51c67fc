//! Every parameter in itsa-rules is read by the engine somewhere: a rate nobody reads is
//! either dead data or, worse, a rule the engine forgot. The PAYE parameters (the K-code
//! overriding limit, the coding-out limits) are read by itsa-taxcode, and the limits of
//! the trading and property income allowances by itsa-submissions where it works out a
//! business's profit; their sources are scanned too.

use std::fs;
use std::path::PathBuf;

#[test]
fn every_rules_parameter_is_read_by_the_engine() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut engine = String::new();
    for src in [crate_dir.join("src"), crate_dir.join("../itsa-taxcode/src"), crate_dir.join("../itsa-submissions/src")]
    {
        for entry in fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                engine.push_str(&fs::read_to_string(&path).unwrap());
            }
        }
    }
    let names = itsa_engine::Rules::parameter_names();
    assert!(names.len() > 40, "the catalogue has only {} parameters", names.len());
    // A field of YearRules is named after its parameter; the engine reads it as `rules.<name>`.
    let unread: Vec<&str> = names
        .into_iter()
        .filter(|name| {
            let access = format!(".{name}");
            !engine.match_indices(&access).any(|(at, _)| {
                let next = engine[at + access.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .collect();
    assert!(unread.is_empty(), "parameters neither the engine, itsa-taxcode nor itsa-submissions reads: {unread:?}");
}
