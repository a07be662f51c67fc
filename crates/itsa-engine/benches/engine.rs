//! Full calculations per second on one core, over the 1,785 PolicyEngine cases of
//! shared/cases (or, without ../shared, over cases generated here), with a baseline in
//! the same run: cloning the same inputs. The report to read is the calculation's
//! throughput and its ratio to the baseline.
//!
//! The second group reads and calculates the same taxpayers in both case formats: each
//! flat line, and the submission case the project writes for it (the same year in HMRC's
//! submission bodies). Its ratio is what a submission case costs against a flat one.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itsa_engine::{Inputs, calculate};

fn lines() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases/policyengine-2000.jsonl");
    let lines: Vec<String> = match std::fs::read_to_string(&path) {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(_) => {
            eprintln!("../shared not found: benchmarking generated cases instead");
            (0..2000)
                .map(|i| {
                    let year = 2017 + i % 10;
                    let regime = ["rUK", "Scotland", "Wales"][i % 3];
                    format!(
                        r#"{{"id":"g{i}","tax_year":"{year}-{:02}","regime":"{regime}","employment_income":{},"self_employment_profit":{},"savings_interest":{},"dividends":{}}}"#,
                        (year + 1) % 100,
                        (i * 397) % 150_000,
                        (i * 131) % 60_000,
                        (i * 17) % 8_000,
                        (i * 29) % 12_000
                    )
                })
                .collect()
        }
    };
    lines.into_iter().filter(|l| !l.trim().is_empty()).collect()
}

fn cases() -> Vec<Inputs> {
    lines().iter().map(|l| itsa_cases::parse_case(l).expect("valid case").1).collect()
}

fn engine(c: &mut Criterion) {
    let inputs = cases();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("baseline: clone the inputs", |b| {
        b.iter(|| {
            for i in &inputs {
                black_box(black_box(i).clone());
            }
        })
    });
    group.bench_function("full calculation", |b| {
        b.iter(|| {
            for i in &inputs {
                black_box(calculate(black_box(i)).expect("calculates"));
            }
        })
    });
    group.finish();
}

fn formats(c: &mut Criterion) {
    let flat = lines();
    let submissions: Vec<String> = flat
        .iter()
        .map(|l| {
            let (id, year) = itsa_cases::flat_year(l).expect("valid case");
            year.to_case_json(&id).to_string()
        })
        .collect();
    let mut group = c.benchmark_group("read and calculate");
    group.throughput(Throughput::Elements(flat.len() as u64));
    group.bench_function("flat cases", |b| {
        b.iter(|| {
            for line in &flat {
                let (_, inputs) = itsa_cases::parse_case(black_box(line)).expect("valid case");
                black_box(calculate(&inputs).expect("calculates"));
            }
        })
    });
    group.bench_function("submission cases", |b| {
        b.iter(|| {
            for line in &submissions {
                // Any year: the flat cases include years before HMRC's current APIs.
                let (_, year) = itsa_submissions::TaxpayerYear::parse_case_in_any_year(black_box(line)).expect("valid");
                let inputs = itsa_submissions::to_inputs(&year).expect("valid");
                black_box(calculate(&inputs).expect("calculates"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, engine, formats);
criterion_main!(benches);
