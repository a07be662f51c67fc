//! The trace of a calculation: every figure reached by a step that names its rule, and
//! every parameter a step names is one `itsa-rules` has for that year and regime.

use itsa_engine::explain::explain;
use itsa_engine::{Money, Rules, calculate};

fn cases() -> Vec<String> {
    let Some(path) = itsa_testkit::shared_file("cases/policyengine-2000.jsonl") else { return Vec::new() };
    std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect()
}

#[test]
fn every_step_names_its_rule_and_real_parameters_and_the_bands_add_up() {
    let cases = cases();
    if cases.is_empty() {
        return;
    }
    for line in &cases {
        let (id, inputs) = itsa_cases::parse_case(line).unwrap();
        let c = calculate(&inputs).unwrap();
        let steps = explain(&inputs, &c);
        for s in &steps {
            assert!(s.rule.len() > 10, "{id}: {} has no rule", s.figure);
            for p in &s.parameters {
                let value = Rules::value_text(p, inputs.tax_year, inputs.regime);
                assert!(value.is_some_and(|v| v != "n/a"), "{id}: {} names {p}, which has no value", s.figure);
            }
        }
        let amount = |figure: &str| steps.iter().find(|s| s.figure == figure).map(|s| s.amount);
        let it = &c.tax_calculation.income_tax;
        assert_eq!(amount("taxCalculation.incomeTax.incomeTaxCharged"), Some(it.income_tax_charged), "{id}");
        assert_eq!(
            amount("taxCalculation.totalIncomeTaxAndNicsDue"),
            Some(c.tax_calculation.total_income_tax_and_nics_due),
            "{id}"
        );
        let bands: Money = steps.iter().filter(|s| s.figure.contains(".taxBands[")).map(|s| s.amount).sum();
        assert_eq!(bands, it.income_tax_charged, "{id}: the band steps do not add up to the tax charged");
        // Every source of income is named.
        let income = &steps[0];
        assert_eq!(income.figure, "taxCalculation.incomeTax.totalIncomeReceivedFromAllSources");
        assert!(inputs.employments.is_empty() || income.inputs.iter().any(|i| i.starts_with("employments[0]")), "{id}");
        if c.tax_calculation.nics.class4.is_some() {
            assert!(amount("taxCalculation.nics.class4Nics.totalAmount").is_some(), "{id}");
        }
    }
}

/// Capital gains tax is explained in every year, its steps reaching the figures of the
/// calculation and naming parameters the year has.
#[test]
fn capital_gains_steps_in_every_year() {
    use itsa_engine::inputs::{CapitalGains, Employment};
    use itsa_engine::{Inputs, Regime, TaxYear};
    for year in TaxYear::supported() {
        let mut inputs = Inputs::new(year, Regime::RestOfUk);
        inputs.employments.push(Employment {
            name: "Employer".into(),
            pay: Money::pounds(30_000),
            ..Default::default()
        });
        inputs.capital_gains = Some(CapitalGains {
            residential_gains: Money::pounds(20_000),
            other_gains: Money::pounds(10_000),
            relief_gains: Money::pounds(5_000),
            losses_of_year: Money::pounds(1_000),
            adjustments: Money::pounds(if year.start_year() < 2025 { -50 } else { 50 }),
            ..Default::default()
        });
        let c = calculate(&inputs).unwrap();
        let cgt = c.tax_calculation.capital_gains_tax.as_ref().unwrap();
        let steps = explain(&inputs, &c);
        let step = |figure: &str| {
            steps
                .iter()
                .find(|s| s.figure == format!("taxCalculation.capitalGainsTax.{figure}"))
                .unwrap_or_else(|| panic!("{year}: no step for {figure}"))
        };
        assert_eq!(step("capitalGainsTaxAmount").amount, cgt.capital_gains_tax_amount, "{year}");
        assert_eq!(step("capitalGainsTaxDue").amount, cgt.capital_gains_tax_due, "{year}");
        assert_eq!(step("annualExemptionAmount").amount, cgt.annual_exemption_amount, "{year}");
        for s in steps.iter().filter(|s| s.figure.contains("capitalGainsTax")) {
            for p in &s.parameters {
                let value = Rules::value_text(p, year, Regime::RestOfUk);
                assert!(value.is_some_and(|v| v != "n/a"), "{year}: {} names {p}, which has no value", s.figure);
            }
        }
    }
}
