//! The responses of Individual Calculations 3.0: list, trigger and the retrieve response
//! with its `metadata`, `inputs`, `calculation`, `messages` and `links`.
//!
//! Version 3.0's `inputs` and `calculation` objects are the ancestors of 8.0's def1
//! objects: the same fields under the same names, bar a handful. So they are written by
//! the def1 builders and then put into 3.0's vocabulary, each difference named in
//! [`to_v3_vocabulary`]: the figures are the very ones 8.0 shows. Where 8.0 has a figure
//! 3.0's shape has no field for, it is left out.

use itsa_engine::{Calculation, Inputs, Money, TaxYear};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::domain::{CalculationId, CalculationType, Nino};
use crate::views::SchemaVariant;
use crate::views::json::{Node, Obj, money};
use crate::views::v8::metadata::{CalculationReason, MetadataInput, hmrc_timestamp};
use crate::views::v8::{calculation_in, inputs::inputs_v8};

const CALCULATIONS: &str = "/individuals/calculations";

/// One HATEOAS link.
pub(crate) fn link(href: String, rel: &'static str, method: &'static str) -> Node {
    Obj::new().set("href", href).set("rel", rel).set("method", method).build()
}

/// `calculationReason` in 3.0's spelling.
const fn calculation_reason(reason: CalculationReason) -> &'static str {
    match reason {
        CalculationReason::CustomerRequest => "customerRequest",
        CalculationReason::Class2NicEvent => "class2NICEvent",
        CalculationReason::NewAnnualAdjustmentEvent => "newAnnualAdjustmentEvent",
        CalculationReason::UpdatedAnnualAdjustmentEvent => "updatedAnnualAdjustmentEvent",
        CalculationReason::UnattendedCalculation => "unattendedCalculation",
    }
}

/// 3.0 knows two kinds of calculation: `inYear`, and `finalDeclaration` for one made to
/// declare with (an intent to finalise, whether declared yet or not). Amendments came
/// later; 3.0 has no name for them.
pub fn v3_calculation_type(kind: CalculationType) -> Option<&'static str> {
    match kind {
        CalculationType::InYear => Some("inYear"),
        CalculationType::IntentToFinalise | CalculationType::FinalDeclaration => Some("finalDeclaration"),
        CalculationType::IntentToAmend | CalculationType::ConfirmAmendment => None,
    }
}

/// Whether the calculation is one to declare with, and whether it has been declared.
fn declaration_flags(kind: CalculationType, finalised: bool) -> (bool, bool) {
    let intent = matches!(kind, CalculationType::IntentToFinalise | CalculationType::FinalDeclaration);
    (intent, kind == CalculationType::FinalDeclaration || finalised)
}

/// The `metadata` object, or `None` for an amendment (which 3.0 cannot show).
pub fn metadata_v3(input: &MetadataInput) -> Option<Value> {
    let kind = v3_calculation_type(input.calculation_type)?;
    let (intent, declared) = declaration_flags(input.calculation_type, input.finalisation_timestamp.is_some());
    Some(
        Obj::new()
            .set("calculationId", input.calculation_id.as_str().to_owned())
            .set("taxYear", input.tax_year.to_string())
            .set("requestedBy", input.requested_by.as_str())
            .set("requestedTimestamp", hmrc_timestamp(input.requested_timestamp))
            .set("calculationReason", calculation_reason(input.calculation_reason))
            .set("calculationTimestamp", hmrc_timestamp(input.calculation_timestamp))
            .set("calculationType", kind)
            .set("intentToSubmitFinalDeclaration", intent)
            .set("finalDeclaration", declared)
            .opt("finalDeclarationTimestamp", input.finalisation_timestamp.map(hmrc_timestamp))
            .set("periodFrom", input.period_from.to_string())
            .set("periodTo", input.period_to.to_string())
            .build()
            .into(),
    )
}

/// The `inputs` object: 8.0's def1 object in 3.0's vocabulary (`taxRegime` is `UK`,
/// `Scotland` or `Wales`; UK property is `uk-property-non-fhl`).
pub fn inputs_v3(inputs: &Inputs, nino: &Nino, latest_received: OffsetDateTime) -> Value {
    let mut value = inputs_v8(inputs, nino, latest_received, SchemaVariant::Def1);
    let regime = value["personalInformation"]["taxRegime"].as_str().map(|r| match r {
        "scotland" => "Scotland",
        "wales" => "Wales",
        _ => "UK",
    });
    if let Some(regime) = regime {
        value["personalInformation"]["taxRegime"] = Value::from(regime);
    }
    to_v3_vocabulary(&mut value);
    value
}

/// The `inputs` object of a calculation that could not be made: who it is for only.
pub fn failed_inputs_v3(nino: &str) -> Value {
    let identifier: String = nino.chars().filter(char::is_ascii_alphanumeric).collect();
    Obj::new()
        .set("personalInformation", Obj::new().set("identifier", identifier).set("taxRegime", "UK").build())
        .set("incomeSources", Obj::new().build())
        .build()
        .into()
}

/// The `calculation` object: 8.0's def1 object in 3.0's vocabulary, whatever the tax
/// year (3.0 has one shape for every year).
pub fn calculation_v3(calculation: &Calculation) -> Value {
    let mut value = Value::from(calculation_in(calculation, SchemaVariant::Def1));
    to_v3_vocabulary(&mut value);
    value
}

/// Where 3.0's objects differ from 8.0's def1 objects, for the fields itsa writes:
///
/// - UK property (`incomeSourceType`) is `uk-property-non-fhl`, a Class 4 loss
///   (`lossType`) is `class4nics`, and data HMRC holds (`source`) is `HMRC HELD`;
/// - 3.0 has no `reliefs.basicRateExtension` (the band extension shows in the tax
///   bands' `apportionedBandLimit`), no `otherIncome` object, no
///   `stateBenefitsIncome.totalStateBenefitsIncomeExcStatePensionLumpSum` and no
///   `class2Nics.underLowerProfitThreshold`, no `taxDeductedAtSource.taxTakenOffTradingIncome`
///   (still counted in `totalTaxDeducted`), and its end-of-year estimate has no
///   `totalAllowancesAndDeductions`; those figures are left out.
fn to_v3_vocabulary(value: &mut Value) {
    rename_values(value, "incomeSourceType", "uk-property", "uk-property-non-fhl");
    rename_values(value, "lossType", "class4-nics", "class4nics");
    rename_values(value, "source", "hmrc-held", "HMRC HELD");
    let Some(object) = value.as_object_mut() else { return };
    object.remove("otherIncome");
    remove_field(object, &["reliefs"], "basicRateExtension");
    remove_field(object, &["stateBenefitsIncome"], "totalStateBenefitsIncomeExcStatePensionLumpSum");
    remove_field(object, &["taxCalculation", "nics", "class2Nics"], "underLowerProfitThreshold");
    remove_field(object, &["taxDeductedAtSource"], "taxTakenOffTradingIncome");
    if let Some(estimate) = object.get_mut("endOfYearEstimate").and_then(Value::as_object_mut) {
        estimate.remove("totalAllowancesAndDeductions");
        for source in estimate.get_mut("incomeSource").and_then(Value::as_array_mut).into_iter().flatten() {
            source.as_object_mut().map(|s| s.remove("totalAllowancesAndDeductions"));
        }
    }
}

/// Replace the value `from` of every field `key`, at any depth, with `to`.
fn rename_values(value: &mut Value, key: &str, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == key && v.as_str() == Some(from) {
                    *v = Value::from(to);
                } else {
                    rename_values(v, key, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_values(v, key, from, to)),
        _ => {}
    }
}

/// Remove `field` from the object at `path`; an object left empty goes too.
fn remove_field(object: &mut Map<String, Value>, path: &[&str], field: &str) {
    let Some((first, rest)) = path.split_first() else {
        object.remove(field);
        return;
    };
    if let Some(Value::Object(inner)) = object.get_mut(*first) {
        remove_field(inner, rest, field);
        if inner.is_empty() {
            object.remove(*first);
        }
    }
}

/// The retrieve response's `links`: `trigger` and `self`, and `submit-final-declaration`
/// when HMRC offers it: the calculation is one to declare with, is not declared yet, and
/// has no error messages.
pub fn retrieve_links(nino: &Nino, tax_year: TaxYear, id: &CalculationId, submit: bool) -> Vec<Value> {
    links(nino, tax_year, id, submit).into_iter().map(Value::from).collect()
}

/// [`retrieve_links`] as [`Node`]s.
fn links(nino: &Nino, tax_year: TaxYear, id: &CalculationId, submit: bool) -> Vec<Node> {
    let year_path = format!("{CALCULATIONS}/{nino}/self-assessment/{tax_year}");
    let mut links = vec![link(year_path.clone(), "trigger", "POST"), link(format!("{year_path}/{id}"), "self", "GET")];
    if submit {
        links.push(link(format!("{year_path}/{id}/final-declaration"), "submit-final-declaration", "POST"));
    }
    links
}

/// Whether the `submit-final-declaration` link belongs on a retrieve response.
pub fn offers_submission(metadata: &Value, messages: Option<&Value>) -> bool {
    let errors = messages.and_then(|m| m.get("errors")).and_then(Value::as_array).is_some_and(|e| !e.is_empty());
    metadata["intentToSubmitFinalDeclaration"] == true && metadata["finalDeclaration"] == false && !errors
}

/// The whole retrieve response.
pub fn retrieve_response_v3(
    nino: &Nino,
    metadata: Value,
    inputs: Value,
    calculation: Option<Value>,
    messages: Option<Value>,
) -> Value {
    let submit = offers_submission(&metadata, messages.as_ref());
    let id = metadata["calculationId"].as_str().and_then(CalculationId::parse);
    let year = metadata["taxYear"].as_str().and_then(|y| crate::domain::parse_tax_year(y).ok());
    let links = match (id, year) {
        (Some(id), Some(year)) => links(nino, year, &id, submit),
        _ => Vec::new(),
    };
    Obj::new()
        .set("metadata", metadata)
        .set("inputs", inputs)
        .opt("calculation", calculation)
        .opt("messages", messages)
        .non_empty("links", links)
        .build()
        .into()
}

/// One calculation in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItemV3 {
    pub calculation_id: CalculationId,
    pub tax_year: TaxYear,
    pub calculation_timestamp: OffsetDateTime,
    pub calculation_type: CalculationType,
    pub requested_by: &'static str,
    /// The calculation's total; a calculation that could not be made shows nothing due.
    pub total_income_tax_and_nics_due: Money,
    pub finalisation_timestamp: Option<OffsetDateTime>,
}

/// The list response: the calculations (amendments left out), the list's `trigger`
/// link for the year and its `self` link.
pub fn list_v3(nino: &Nino, tax_year: TaxYear, items: &[ListItemV3]) -> Value {
    let base = format!("{CALCULATIONS}/{nino}/self-assessment");
    let calculations: Vec<Node> = items
        .iter()
        .filter_map(|item| {
            let kind = v3_calculation_type(item.calculation_type)?;
            let (intent, declared) = declaration_flags(item.calculation_type, item.finalisation_timestamp.is_some());
            Some(
                Obj::new()
                    .set("calculationId", item.calculation_id.as_str().to_owned())
                    .set("calculationTimestamp", hmrc_timestamp(item.calculation_timestamp))
                    .set("calculationType", kind)
                    .set("requestedBy", item.requested_by)
                    .set("taxYear", item.tax_year.to_string())
                    .set("totalIncomeTaxAndNicsDue", money(item.total_income_tax_and_nics_due))
                    .set("intentToSubmitFinalDeclaration", intent)
                    .set("finalDeclaration", declared)
                    .opt("finalDeclarationTimestamp", item.finalisation_timestamp.map(hmrc_timestamp))
                    .set(
                        "links",
                        vec![link(format!("{base}/{}/{}", item.tax_year, item.calculation_id), "self", "GET")],
                    )
                    .build(),
            )
        })
        .collect();
    Obj::new()
        .set("calculations", calculations)
        .set("links", vec![link(format!("{base}/{tax_year}"), "trigger", "POST"), link(base, "self", "GET")])
        .build()
        .into()
}

/// The trigger response: the id, and links to the list and to the calculation.
pub fn trigger_response_v3(nino: &Nino, tax_year: TaxYear, id: &CalculationId) -> Value {
    let base = format!("{CALCULATIONS}/{nino}/self-assessment");
    Obj::new()
        .set("calculationId", id.as_str().to_owned())
        .set("links", vec![link(base.clone(), "list", "GET"), link(format!("{base}/{tax_year}/{id}"), "self", "GET")])
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_engine::inputs::{SelfEmployment, UkProperty};
    use itsa_engine::{Regime, TaxYear};
    use serde_json::json;
    use time::macros::datetime;

    const ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";

    fn nino() -> Nino {
        Nino::parse("AA123456A").unwrap()
    }

    #[test]
    fn metadata_flags() {
        let id = CalculationId::parse(ID).unwrap();
        let at = datetime!(2022-06-15 09:00:00 UTC);
        let year = TaxYear::starting(2021);
        let in_year = metadata_v3(&MetadataInput::new(id.clone(), year, CalculationType::InYear, at)).unwrap();
        assert_eq!(in_year["calculationType"], "inYear");
        assert_eq!(in_year["calculationReason"], "customerRequest");
        assert_eq!(
            (in_year["intentToSubmitFinalDeclaration"].clone(), in_year["finalDeclaration"].clone()),
            (json!(false), json!(false))
        );
        let mut intent = MetadataInput::new(id.clone(), year, CalculationType::IntentToFinalise, at);
        let open = metadata_v3(&intent).unwrap();
        assert_eq!(open["calculationType"], "finalDeclaration");
        assert!(offers_submission(&open, None));
        assert!(!offers_submission(&open, Some(&json!({"errors": [{"id": "x", "text": "y"}]}))));
        intent.finalisation_timestamp = Some(at);
        let declared = metadata_v3(&intent).unwrap();
        assert_eq!(declared["finalDeclaration"], true);
        assert_eq!(declared["finalDeclarationTimestamp"], "2022-06-15T09:00:00.000Z");
        assert!(!offers_submission(&declared, None));
        assert_eq!(metadata_v3(&MetadataInput::new(id, year, CalculationType::IntentToAmend, at)), None);

        let links = retrieve_links(&nino(), year, &CalculationId::parse(ID).unwrap(), true);
        let rels: Vec<&str> = links.iter().map(|l| l["rel"].as_str().unwrap()).collect();
        assert_eq!(rels, ["trigger", "self", "submit-final-declaration"]);
        assert_eq!(
            links[2]["href"],
            format!("/individuals/calculations/AA123456A/self-assessment/2021-22/{ID}/final-declaration")
        );
    }

    #[test]
    fn vocabulary_of_3_0() {
        let mut inputs = Inputs::new(TaxYear::starting(2021), Regime::Scotland);
        inputs.uk_property = Some(UkProperty {
            business_id: "XPIS00000000001".into(),
            profit: Money::pounds(-2_000),
            ..Default::default()
        });
        inputs.self_employments.push(SelfEmployment {
            business_id: "XAIS00000000001".into(),
            adjusted_profit: Money::pounds(-1_000),
            ..Default::default()
        });
        inputs.other_income = Money::pounds(500);
        let value = inputs_v3(&inputs, &nino(), datetime!(2022-05-01 12:00:00 UTC));
        assert_eq!(value["personalInformation"]["taxRegime"], "Scotland");
        assert_eq!(value["incomeSources"]["businessIncomeSources"][1]["incomeSourceType"], "uk-property-non-fhl");

        let calculation = calculation_v3(&itsa_engine::calculate(&inputs).unwrap());
        assert!(calculation.get("otherIncome").is_none());
        assert_eq!(calculation["businessProfitAndLoss"][1]["incomeSourceType"], "uk-property-non-fhl");
        let losses = calculation["lossesAndClaims"]["unclaimedLosses"].as_array().unwrap();
        assert!(losses.iter().any(|l| l["lossType"] == "class4nics"));
        assert!(losses.iter().all(|l| l["incomeSourceType"] != "uk-property"));
    }

    #[test]
    fn list_and_trigger() {
        let id = CalculationId::parse(ID).unwrap();
        let year = TaxYear::starting(2021);
        let item = ListItemV3 {
            calculation_id: id.clone(),
            tax_year: year,
            calculation_timestamp: datetime!(2022-06-15 09:00:00.112 UTC),
            calculation_type: CalculationType::InYear,
            requested_by: "customer",
            total_income_tax_and_nics_due: Money::new("10000.12".parse().unwrap()),
            finalisation_timestamp: None,
        };
        let amendment = ListItemV3 { calculation_type: CalculationType::ConfirmAmendment, ..item.clone() };
        let list = list_v3(&nino(), year, &[item, amendment]);
        assert_eq!(list["calculations"].as_array().unwrap().len(), 1);
        assert_eq!(list["calculations"][0]["totalIncomeTaxAndNicsDue"], json!(10000.12));
        assert_eq!(list["links"][0]["rel"], "trigger");
        assert_eq!(list["links"][0]["href"], "/individuals/calculations/AA123456A/self-assessment/2021-22");
        assert_eq!(list["links"][1]["href"], "/individuals/calculations/AA123456A/self-assessment");
        let trigger = trigger_response_v3(&nino(), year, &id);
        assert_eq!(
            trigger["links"][1]["href"],
            format!("/individuals/calculations/AA123456A/self-assessment/2021-22/{ID}")
        );
    }
}
