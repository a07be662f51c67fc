//! `itsa calc` on one case: the breakdown and the trace of every figure.

use std::process::Command;

fn calc(case: &str, args: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("itsa-calc-test-{}-{}", std::process::id(), args.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("case.json");
    std::fs::write(&path, case).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_itsa")).arg("calc").arg(&path).args(args).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A submission case with a trade's loss set against employment income.
const LOSS: &str = r#"{"id": "loss", "tax_year": "2022-23",
  "hmrc_held": {"regime": "rUK", "employments": [{"employerName": "Acme", "pay": 30000}]},
  "businesses": [{"alias": "t", "typeOfBusiness": "self-employment", "tradingName": "T"}],
  "submissions": [
    {"endpoint": "se-period", "ids": {"businessId": "t"}, "body": {"periodDates": {"periodStartDate": "2022-04-06", "periodEndDate": "2023-04-05"},
      "periodIncome": {"turnover": 5000}, "periodExpenses": {"consolidatedExpenses": 25000}}},
    {"endpoint": "loss-claim", "body": {"taxYearClaimedFor": "2022-23", "typeOfLoss": "self-employment", "typeOfClaim": "carry-sideways", "businessId": "{t}"}}]}"#;

#[test]
fn the_breakdown_shows_the_loss_set_sideways() {
    let out = calc(LOSS, &[]);
    assert!(out.contains("Less: trading losses set against other income"), "{out}");
    assert!(out.contains("-£20,000.00"), "{out}");
}

#[test]
fn explain_traces_each_figure_to_its_inputs_parameters_and_rule() {
    let out = calc(LOSS, &["--explain"]);
    // The loss, its claim's rule and the cap's parameters with their values and sources.
    assert!(out.contains("allowancesAndDeductions.lossesAppliedToGeneralIncome  £20,000.00"), "{out}");
    assert!(out.contains("ITA 2007 s64"), "{out}");
    assert!(out.contains("parameter income_tax_relief_cap_minimum = 50000 (ITA 2007 s24A"), "{out}");
    // Income from the employment, taxed band by band with the year's rate.
    assert!(out.contains("from: employments[0] (Acme) pay = 30000"), "{out}");
    assert!(out.contains("parameter personal_allowance = 12570"), "{out}");
    assert!(out.contains("taxCalculation.totalIncomeTaxAndNicsDue  £0.00"), "{out}");
}
