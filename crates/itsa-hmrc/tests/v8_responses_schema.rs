//! Whole v8/v9 responses validate against HMRC's published schemas (8.0 and 9.0): the
//! retrieve response built from `metadata_v8`, `inputs_v8` and `retrieve_response_v8`
//! for a spread of taxpayers and every calculation type in every supported tax year,
//! and the list response in all three list variants.
//!
//! The schemas are read from `shared/hmrc-api/individual-calculations/` beside the
//! workspace; without that directory each test says so and passes.

mod common;

use common::{cases, list_schemas, m, retrieve_schemas, shared_dir};
use itsa_engine::inputs::{Employment, Pension, SelfEmployment, StateBenefit, UkProperty};
use itsa_engine::{Inputs, Money, Regime, TaxYear};
use itsa_hmrc::{
    CalculationId, CalculationOutcome, CalculationTrigger, CalculationType, ListItem, ListVariant, MetadataInput, Nino,
    RequestedBy, SchemaVariant, inputs_v8, list_v8, metadata_v8, retrieve_response_v8,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

const CALCULATION_ID: &str = "3f2b8c1e-5d4a-4e7b-9c6d-0a1b2c3d4e5f";

/// The calculation types a stored calculation of `year` can have: amendments only from
/// 2025-26.
fn calculation_types(year: TaxYear) -> Vec<CalculationType> {
    CalculationType::ALL
        .into_iter()
        .filter(|kind| {
            year >= TaxYear::starting(2025)
                || !matches!(kind, CalculationType::IntentToAmend | CalculationType::ConfirmAmendment)
        })
        .collect()
}

/// `hour`:00 on 15 June after the tax year ends, when a declaration could be made.
fn after_year_end(year: TaxYear, hour: u8) -> OffsetDateTime {
    let day = time::Date::from_calendar_date(i32::from(year.start_year()) + 1, time::Month::June, 15).unwrap();
    day.with_hms_milli(hour, 0, 0, 123).unwrap().assume_utc()
}

/// Metadata for a calculation of `kind`: declared calculations carry a finalisation
/// timestamp, confirmed amendments a confirmation timestamp too.
fn metadata_input(year: TaxYear, kind: CalculationType) -> MetadataInput {
    let mut input =
        MetadataInput::new(CalculationId::parse(CALCULATION_ID).unwrap(), year, kind, after_year_end(year, 9));
    input.calculation_timestamp = after_year_end(year, 10);
    if matches!(kind, CalculationType::FinalDeclaration | CalculationType::ConfirmAmendment) {
        input.finalisation_timestamp = Some(after_year_end(year, 11));
    }
    if kind == CalculationType::ConfirmAmendment {
        input.confirmation_timestamp = Some(after_year_end(year, 12));
    }
    input
}

/// A taxpayer whose sources are known by names rather than HMRC ids, so `inputs` and
/// `calculation` must derive the ids.
fn named_sources(year: TaxYear, regime: Regime) -> Inputs {
    let mut inputs = Inputs::new(year, regime);
    inputs.self_employments.push(SelfEmployment {
        business_id: "Joe's Bakery".into(),
        adjusted_profit: m(24_000),
        losses_brought_forward: m(1_000),
        claims_sideways: false,
        ..Default::default()
    });
    inputs.self_employments.push(SelfEmployment {
        business_id: "Window cleaning".into(),
        adjusted_profit: m(-2_000),
        losses_brought_forward: m(0),
        claims_sideways: false,
        ..Default::default()
    });
    inputs.uk_property = Some(UkProperty {
        business_id: "Flat 2, 14 High Street".into(),
        profit: m(6_000),
        residential_finance_costs: m(500),
        ..Default::default()
    });
    inputs.employments.push(Employment {
        name: "0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f".into(),
        pay: m(8_000),
        tax_deducted: m(0),
        ..Default::default()
    });
    inputs.pensions.push(Pension { name: "Aviva".into(), amount: m(3_000), tax_deducted: m(0) });
    inputs.state_pension = m(9_000);
    inputs.state_benefits.push(StateBenefit {
        name: "jobSeekersAllowance".into(),
        amount: m(500),
        tax_deducted: m(0),
        ..Default::default()
    });
    inputs.other_income = m(200);
    inputs.gift_aid_paid = m(100);
    inputs.income_to_date = Some(common::mid_year(year));
    inputs
}

fn retrieve_response(inputs: &Inputs, kind: CalculationType) -> Value {
    let year = inputs.tax_year;
    let variant = SchemaVariant::for_tax_year(year);
    let calculation = itsa_engine::calculate(inputs).unwrap_or_else(|e| panic!("{year}: {e}"));
    let nino = Nino::parse("AA123456A").unwrap();
    let metadata = metadata_v8(&metadata_input(year, kind), variant);
    let inputs_json = inputs_v8(inputs, &nino, after_year_end(year, 8), variant);
    retrieve_response_v8(metadata, inputs_json, &calculation, variant)
}

#[test]
fn retrieve_responses_match_hmrc_schemas_for_every_year_type_and_regime() {
    let Some(dir) = shared_dir() else { return };
    let mut failures = Vec::new();
    let mut validated = 0;
    for year in TaxYear::supported() {
        let schemas = retrieve_schemas(&dir, SchemaVariant::for_tax_year(year));
        let kinds = calculation_types(year);
        for regime in Regime::ALL {
            let mut taxpayers = cases(year, regime);
            taxpayers.push(("sources known by name", named_sources(year, regime)));
            // Each taxpayer with one calculation type, cycling through the year's types.
            for (index, (name, inputs)) in taxpayers.iter().enumerate() {
                let kind = kinds[index % kinds.len()];
                let response = retrieve_response(inputs, kind);
                for schema in &schemas {
                    validated += 1;
                    failures.extend(schema.violations(&format!("{year} {regime} {kind} {name}"), &response));
                }
            }
        }
        // Every calculation type, for the fullest taxpayer.
        for kind in kinds {
            let response = retrieve_response(&named_sources(year, Regime::Scotland), kind);
            for schema in &schemas {
                validated += 1;
                failures.extend(schema.violations(&format!("{year} {kind}"), &response));
            }
        }
    }
    println!("validated {validated} responses");
    assert!(failures.is_empty(), "{} schema violations:\n{}", failures.len(), failures.join("\n"));
}

/// The sources known by name really get derived ids in both `inputs` and `calculation`,
/// and they agree.
#[test]
fn derived_ids_agree_between_inputs_and_calculation() {
    let year = TaxYear::starting(2025);
    let response = retrieve_response(&named_sources(year, Regime::RestOfUk), CalculationType::InYear);
    let inputs_ids: Vec<&Value> = response["inputs"]["incomeSources"]["businessIncomeSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| &source["incomeSourceId"])
        .collect();
    let calculation_ids: Vec<&Value> = response["calculation"]["businessProfitAndLoss"]
        .as_array()
        .unwrap()
        .iter()
        .map(|business| &business["incomeSourceId"])
        .collect();
    assert_eq!(inputs_ids.len(), 3);
    assert_eq!(inputs_ids, calculation_ids);
    assert!(inputs_ids[0].as_str().unwrap().starts_with("XAIS"));
    assert!(inputs_ids[2].as_str().unwrap().starts_with("XPIS"));
    let kinds: Vec<&str> = response["inputs"]["incomeSources"]["nonBusinessIncomeSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| source["incomeSourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["employments", "employments", "state-benefits", "other-income", "charitable-giving"]);
}

fn list_item(year: TaxYear, kind: CalculationType, full: bool) -> ListItem {
    let declared = matches!(kind, CalculationType::FinalDeclaration | CalculationType::ConfirmAmendment);
    ListItem {
        calculation_id: CalculationId::parse(CALCULATION_ID).unwrap(),
        tax_year: year,
        calculation_timestamp: after_year_end(year, 10),
        calculation_type: kind,
        requested_by: RequestedBy::Customer,
        calculation_trigger: if full { CalculationTrigger::Attended } else { CalculationTrigger::Class2NicEvent },
        calculation_outcome: if full { CalculationOutcome::Processed } else { CalculationOutcome::Rejected },
        total_income_tax_and_nics_due: full.then(|| Money::new("-1234.56".parse().unwrap())),
        finalisation_timestamp: (full && declared).then(|| after_year_end(year, 11)),
        from_date: full.then(|| year.first_day()),
        to_date: full.then(|| year.last_day()),
    }
}

#[test]
fn list_responses_match_hmrc_schemas_for_every_year() {
    let Some(dir) = shared_dir() else { return };
    let mut failures = Vec::new();
    for year in (2017..=2027).map(TaxYear::starting) {
        let variant = ListVariant::for_tax_year(year);
        let items: Vec<ListItem> = calculation_types(year)
            .into_iter()
            .flat_map(|kind| [list_item(year, kind, true), list_item(year, kind, false)])
            .collect();
        let response = list_v8(&items, variant);
        for schema in list_schemas(&dir, variant) {
            failures.extend(schema.violations(&year.to_string(), &response));
        }
    }
    assert!(failures.is_empty(), "{} schema violations:\n{}", failures.len(), failures.join("\n"));
}

/// The list validators really check: each variant refuses another variant's item.
#[test]
fn list_schemas_reject_another_variants_items() {
    let Some(dir) = shared_dir() else { return };
    let year = TaxYear::starting(2025);
    let items = [list_item(year, CalculationType::IntentToAmend, true)];
    for (variant, wrong) in [
        (ListVariant::Def1, ListVariant::Def2),
        (ListVariant::Def2, ListVariant::Def3),
        (ListVariant::Def3, ListVariant::Def1),
    ] {
        for schema in list_schemas(&dir, variant) {
            assert!(!schema.validator.is_valid(&list_v8(&items, wrong)), "{} accepted {}", schema.label, wrong.name());
        }
    }
    for schema in list_schemas(&dir, ListVariant::Def2) {
        assert!(!schema.validator.is_valid(&json!({"calculations": [{"calculationId": CALCULATION_ID}]})));
    }
}

/// The retrieve validators really check `metadata` and `inputs`: spellings of another
/// variant or of HMRC's examples, and missing required fields, are refused.
#[test]
fn retrieve_schemas_check_metadata_and_inputs() {
    let Some(dir) = shared_dir() else { return };
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("def3 calculation type name", |r| r["metadata"]["calculationType"] = json!("declare-finalisation")),
        ("def3 timestamp field", |r| r["metadata"]["finalisationTimestamp"] = json!("2024-06-15T10:00:00.123Z")),
        ("tax regime in capitals", |r| r["inputs"]["personalInformation"]["taxRegime"] = json!("UK")),
        ("no latestReceivedDateTime", |r| {
            r["inputs"]["incomeSources"]["businessIncomeSources"][0]
                .as_object_mut()
                .unwrap()
                .remove("latestReceivedDateTime");
        }),
        ("id of another form", |r| {
            r["inputs"]["incomeSources"]["businessIncomeSources"][0]["incomeSourceId"] = json!("Joe's Bakery")
        }),
    ];
    let year = TaxYear::starting(2023);
    let valid = retrieve_response(&named_sources(year, Regime::Wales), CalculationType::IntentToFinalise);
    for schema in retrieve_schemas(&dir, SchemaVariant::Def1) {
        assert!(schema.validator.is_valid(&valid), "{}: the unmutated response is invalid", schema.label);
        for (what, mutate) in &mutations {
            let mut response = valid.clone();
            mutate(&mut response);
            assert!(!schema.validator.is_valid(&response), "{}: {what} was accepted", schema.label);
        }
    }
}
