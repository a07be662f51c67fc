//! The shared tax-code examples (`shared/taxcodes/examples.jsonl`), run through the
//! library exactly as `check-cases.py --taxcodes` runs them through the binary: the pay
//! line of every case, and the explanation of its code, compared with `expected`.

use std::str::FromStr;

use itsa_taxcode::{TaxCode, TaxYear, cases, explain, json};
use rust_decimal::Decimal;
use serde_json::Value;

const EXPLAIN_KEYS: [&str; 10] = [
    "regime",
    "basis",
    "basis_marker",
    "kind",
    "code_number",
    "suffix",
    "annual_pay_adjustment",
    "weekly_pay_adjustment",
    "monthly_pay_adjustment",
    "flat_rate_pct",
];

fn number(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).or_else(|_| Decimal::from_scientific(&n.to_string())).ok()
        }
        _ => None,
    }
}

/// The checker's comparison: numbers to the penny (or the case's tolerance), strings
/// exactly, an expected null as null or absent.
fn matches(expected: &Value, got: Option<&Value>, tolerance: Decimal) -> bool {
    match expected {
        Value::Null => got.is_none_or(Value::is_null),
        Value::Number(_) => match (number(expected), got.and_then(number)) {
            (Some(e), Some(g)) => {
                let difference = (e - g).abs();
                if tolerance.is_zero() { difference < Decimal::new(5, 3) } else { difference <= tolerance }
            }
            _ => false,
        },
        other => got == Some(other),
    }
}

#[test]
fn shared_taxcode_examples_pass() {
    let Some(file) = itsa_testkit::shared_file("taxcodes/examples.jsonl") else { return };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        count += 1;
        let case: Value = serde_json::from_str(line).expect("a JSON case");
        let id = case["id"].as_str().unwrap_or("?").to_owned();
        let expected = case["expected"].as_object().cloned().unwrap_or_default();
        let tolerance = number(&case["tolerance"]).unwrap_or(Decimal::ZERO);

        let result = cases::pay_case_line(line);
        if result.get("error").is_some() {
            failures.push(format!("{id}: {}", result["error"]));
            continue;
        }
        for (key, want) in &expected {
            if !matches(want, result.get(key), tolerance) {
                failures.push(format!("{id} {key}: expected {want}, got {:?}", result.get(key)));
            }
        }

        let code = TaxCode::parse(case["code"].as_str().unwrap()).unwrap();
        let year = TaxYear::parse(case["tax_year"].as_str().unwrap()).unwrap();
        let explanation = json::explanation(&explain(&code, year).expect("explains"));
        for key in EXPLAIN_KEYS.iter().filter(|k| expected.contains_key(**k)) {
            if !matches(&expected[*key], explanation.get(*key), tolerance) {
                failures.push(format!(
                    "{id} explain.{key}: expected {}, got {:?}",
                    expected[*key],
                    explanation.get(*key)
                ));
            }
        }
    }
    assert!(count >= 31, "only {count} cases in {}", file.display());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    println!("{count} passed, 0 failed");
}
