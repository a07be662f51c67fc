//! The v8/v9 `calculation` view validates against HMRC's published retrieve-response
//! schemas (8.0 and 9.0, def1 … def4) for a spread of taxpayers in every supported tax
//! year and regime.
//!
//! The schemas are read from `shared/hmrc-api/individual-calculations/` beside the
//! workspace; without that directory the test says so and passes. Nothing is fetched
//! over the network: every `$ref` is to a file beside the schema and is read from disk.

mod common;

use common::{cases, retrieve_schemas, shared_dir};
use itsa_engine::{Regime, TaxYear};
use itsa_hmrc::{SchemaVariant, calculation_v8, messages_v8};
use itsa_testkit::render_toggles;
use serde_json::{Value, json};

fn metadata(year: TaxYear, variant: SchemaVariant) -> Value {
    let common = json!({
        "calculationId": "3f2b8c1e-5d4a-4e7b-9c6d-0a1b2c3d4e5f",
        "taxYear": year.to_string(),
        "requestedBy": "customer",
        "calculationReason": "customer-request",
        "calculationType": "in-year",
        "periodFrom": year.first_day().to_string(),
        "periodTo": year.last_day().to_string(),
    });
    let mut metadata = common;
    if variant <= SchemaVariant::Def2 {
        metadata["intentToSubmitFinalDeclaration"] = json!(false);
        metadata["finalDeclaration"] = json!(false);
    }
    metadata
}

fn inputs(regime: Regime) -> Value {
    let tax_regime = match regime {
        Regime::RestOfUk => "uk",
        Regime::Scotland => "scotland",
        Regime::Wales => "wales",
    };
    json!({
        "personalInformation": { "identifier": "AB123456C", "taxRegime": tax_regime },
        "incomeSources": {},
    })
}

fn retrieve_response(inputs_json: Value, year: TaxYear, calculation: &itsa_engine::Calculation) -> Value {
    let variant = SchemaVariant::for_tax_year(year);
    let mut response = json!({
        "metadata": metadata(year, variant),
        "inputs": inputs_json,
        "calculation": calculation_v8(calculation),
    });
    if let Some(messages) = messages_v8(&calculation.messages) {
        response["messages"] = messages;
    }
    response
}

#[test]
fn calculation_view_matches_hmrc_schemas_for_every_year_and_regime() {
    let Some(dir) = shared_dir() else { return };
    let mut failures = Vec::new();
    let mut validated = 0;
    for year in TaxYear::supported() {
        let variant = SchemaVariant::for_tax_year(year);
        let schemas = retrieve_schemas(&dir, variant);
        for regime in Regime::ALL {
            for (name, case) in cases(year, regime) {
                let calculation =
                    itsa_engine::calculate(&case).unwrap_or_else(|e| panic!("{year} {regime} {name}: {e}"));
                let response = retrieve_response(inputs(regime), year, &calculation);
                for schema in &schemas {
                    validated += 1;
                    for error in schema.validator.iter_errors(&response) {
                        failures.push(format!(
                            "{year} {regime} [{}] {name}: {} at {} (schema {})",
                            schema.label,
                            error,
                            error.instance_path(),
                            error.schema_path()
                        ));
                    }
                }
            }
        }
    }
    println!("validated {validated} responses");
    assert!(failures.is_empty(), "{} schema violations:\n{}", failures.len(), failures.join("\n"));
}

/// The in-year case really gives an end-of-year estimate and the property and trades
/// cases give what the schema test is meant to cover, so the test above cannot pass by
/// leaving objects out.
#[test]
fn the_cases_cover_the_objects_the_view_writes() {
    for year in [TaxYear::starting(2017), TaxYear::starting(2024), TaxYear::starting(2026)] {
        let mut seen = std::collections::BTreeSet::new();
        for (_, case) in cases(year, Regime::Scotland) {
            let calculation = itsa_engine::calculate(&case).unwrap();
            if let Value::Object(fields) = calculation_v8(&calculation) {
                seen.extend(fields.keys().cloned());
            }
        }
        let mut expected = vec![
            "allowancesAndDeductions",
            "reliefs",
            "taxDeductedAtSource",
            "giftAid",
            "notionalTax",
            "marriageAllowanceTransferredIn",
            "pensionContributionReliefs",
            "pensionSavingsTaxCharges",
            "studentLoans",
            "codedOutUnderpayments",
            "businessProfitAndLoss",
            "employmentAndPensionsIncome",
            "stateBenefitsIncome",
            "chargeableEventGainsIncome",
            "savingsAndGainsIncome",
            "otherIncome",
            "dividendsIncome",
            "incomeSummaryTotals",
            "taxCalculation",
            "endOfYearEstimate",
        ];
        if SchemaVariant::for_tax_year(year) <= SchemaVariant::Def3 {
            expected.push("lossesAndClaims");
        }
        if SchemaVariant::for_tax_year(year) >= SchemaVariant::Def3 {
            expected.push("highIncomeChildBenefitCharge");
        }
        for key in expected {
            assert!(seen.contains(key), "{year}: no case writes {key}");
        }
    }
}

/// The property case writes the foreign property's finance costs country by country, the
/// credit on its income, the UK tax paid on it and (def4) the foreign tax paid, so that
/// the schema test above checks those fields in every variant.
#[test]
fn the_property_case_writes_the_foreign_property_fields() {
    for year in [2017, 2022, 2025, 2026].map(TaxYear::starting) {
        let (_, case) = cases(year, Regime::RestOfUk)
            .into_iter()
            .find(|(name, _)| name.starts_with("UK and foreign property"))
            .expect("the property case");
        let c = calculation_v8(&itsa_engine::calculate(&case).unwrap());
        let rfc = &c["reliefs"]["residentialFinanceCosts"];
        assert!(rfc["ukProperty"]["carryForwardAmount"].is_number(), "{year}: {rfc}");
        let detail = &rfc["foreignProperty"]["foreignPropertyRfcDetail"];
        assert_eq!(detail.as_array().map(Vec::len), Some(3), "{year}: {rfc}");
        assert!(detail[0]["carryForwardAmount"].is_number(), "{year}: {rfc}");
        let ftcr = &c["reliefs"]["foreignTaxCreditRelief"];
        assert!(ftcr["foreignTaxCreditReliefOnProperty"].is_number(), "{year}: {ftcr}");
        assert_eq!(ftcr["foreignTaxCreditReliefDetail"][0]["incomeSourceType"], "foreign-property");
        assert_eq!(c["taxDeductedAtSource"]["specialWithholdingTaxOrUkTaxPaid"], json!(120.4));
        let foreign = c["businessProfitAndLoss"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["incomeSourceType"] == "foreign-property")
            .unwrap()
            .clone();
        let def4 = SchemaVariant::for_tax_year(year) >= SchemaVariant::Def4;
        assert_eq!(foreign.get("foreignTaxPaid").is_some(), def4, "{year}: {foreign}");
    }
}

#[test]
fn template_toggles_render_both_ways() {
    let text = r#"{"a": 1, {{#if (enabled 'x')}}"b": "{{#unless (releasedInProduction 'x')}}[Test only] {{/unless}}on",{{else}}"b": "off",{{/if}} "c": 3}"#;
    assert_eq!(render_toggles(text, true, "t"), r#"{"a": 1, "b": "on", "c": 3}"#);
    assert_eq!(render_toggles(text, false, "t"), r#"{"a": 1, "b": "off", "c": 3}"#);
}

/// The validators really check the calculation: unknown fields, decimals in whole-pound
/// fields, fields of a later variant and negative amounts where HMRC forbids them are
/// all rejected (so a schema whose `$ref`s did not resolve could not pass unnoticed).
#[test]
fn the_schemas_reject_what_hmrc_forbids() {
    let Some(dir) = shared_dir() else { return };
    let year = TaxYear::starting(2023);
    let (_, case) = cases(year, Regime::RestOfUk).into_iter().nth(1).unwrap();
    let calculation = itsa_engine::calculate(&case).unwrap();
    let valid = retrieve_response(inputs(Regime::RestOfUk), year, &calculation);
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 4] = [
        ("unknown field", |r| r["calculation"]["taxCalculation"]["incomeTax"]["madeUp"] = json!(1)),
        ("decimal whole-pound figure", |r| {
            r["calculation"]["taxCalculation"]["incomeTax"]["totalTaxableIncome"] = json!(1.5)
        }),
        ("def3 field in def1", |r| {
            r["calculation"]["taxCalculation"]["incomeTax"]["highIncomeBenefitCharge"] = json!(10)
        }),
        ("negative amount", |r| r["calculation"]["giftAid"]["giftAidTax"] = json!(-1)),
    ];
    for schema in retrieve_schemas(&dir, SchemaVariant::Def1) {
        assert!(schema.validator.is_valid(&valid), "{}: the unmutated response is invalid", schema.label);
        for (what, mutate) in &mutations {
            let mut response = valid.clone();
            mutate(&mut response);
            assert!(!schema.validator.is_valid(&response), "{}: {what} was accepted", schema.label);
        }
    }
}
