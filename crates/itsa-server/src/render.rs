//! A calculation's stored result: the engine is run once, by the worker, and every API
//! view of the result is rendered then and stored with it, so reads never recompute and
//! a stored calculation never changes. The document holds the total due, the number of
//! error messages, and one part per API shape: `"v8"` (8.0 and 9.0: `inputs`,
//! `calculation`, `messages`), `"v3"` (3.0: the same three objects in 3.0's shape) and
//! `"v1"` (1.0: each sub-resource's body by its path, absent when it has no data).
//! Metadata and links depend on the calculation's journey and the request, and are
//! written when it is read.

use itsa_engine::{Money, TaxYear};
use itsa_hmrc::{Nino, SchemaVariant};
use itsa_store::{CalculationRecord, ComputedResult, Millis, NewCalculation};
use serde_json::{Value, json};

use crate::clock::from_millis;

/// The id of the error message given when the engine cannot calculate the inputs.
pub const ENGINE_ERROR_MESSAGE_ID: &str = "ITSA0100";

/// The text of the sandbox's `ERROR_MESSAGES_EXIST` answers, in every version.
pub const CANNED_ERROR_TEXT: &str = "The calculation could not be made from the income submitted. Correct the submissions and trigger a new calculation.";

/// What a calculation is made for, besides its input: the taxpayer, the year, the kind of
/// calculation and when the income it is made of was submitted.
pub struct Subject<'a> {
    pub nino: &'a str,
    pub tax_year: i32,
    pub calculation_type: &'a str,
    pub income_submitted_at: Millis,
}

impl<'a> Subject<'a> {
    pub fn of_stored(record: &'a CalculationRecord) -> Self {
        Subject {
            nino: &record.nino,
            tax_year: record.tax_year,
            calculation_type: &record.calculation_type,
            income_submitted_at: record.income_submitted_at,
        }
    }

    pub fn of_new(calculation: &'a NewCalculation) -> Self {
        Subject {
            nino: &calculation.nino,
            tax_year: calculation.tax_year,
            calculation_type: &calculation.calculation_type,
            income_submitted_at: calculation.income_submitted_at,
        }
    }
}

/// Run the engine on a calculation's input (its income document) and render its views.
pub fn compute(record: Subject<'_>, input: &str) -> ComputedResult {
    let tax_year = TaxYear::starting(record.tax_year as u16);
    let variant = SchemaVariant::for_tax_year(tax_year);
    let nino = Nino::parse(record.nino).unwrap_or_else(|| Nino::parse("AA000000A").expect("a valid NINO"));
    let parsed = itsa_cases::parse_case(input).map_err(|e| e.to_string());
    let outcome = parsed.and_then(|(_, mut inputs)| {
        if record.calculation_type == "in-year" {
            // The income submitted is the year's: the estimate is of the whole year.
            inputs.income_to_date = Some(tax_year.last_day());
        }
        itsa_engine::calculate(&inputs).map(|c| (inputs, c)).map_err(|e| e.to_string())
    });
    let document = match outcome {
        Ok((inputs, calculation)) => {
            let mut v8 = json!({
                "inputs": itsa_hmrc::inputs_v8(&inputs, &nino, from_millis(record.income_submitted_at), variant),
                "calculation": itsa_hmrc::calculation_v8(&calculation),
            });
            if let Some(messages) = itsa_hmrc::messages_v8(&calculation.messages) {
                v8["messages"] = messages;
            }
            let mut v3 = json!({
                "inputs": itsa_hmrc::views::v3::inputs_v3(&inputs, &nino, from_millis(record.income_submitted_at)),
                "calculation": itsa_hmrc::views::v3::calculation_v3(&calculation),
            });
            if let Some(messages) = itsa_hmrc::messages_v8(&calculation.messages) {
                v3["messages"] = messages;
            }
            let crystallisation = record.calculation_type == "intent-to-finalise";
            json!({
                "totalIncomeTaxAndNicsDue": itsa_hmrc::json_number(calculation.tax_calculation.total_income_tax_and_nics_due.amount()),
                "errorCount": calculation.messages.errors.len(),
                "v8": v8,
                "v3": v3,
                "v1": itsa_hmrc::views::v1::sub_resources_v1(&calculation, crystallisation),
            })
        }
        Err(error) => {
            let messages = json!({"errors": [{"id": ENGINE_ERROR_MESSAGE_ID, "text": format!("The calculation could not be made: {error}")}]});
            json!({
                "totalIncomeTaxAndNicsDue": itsa_hmrc::json_number(Money::ZERO.amount()),
                "errorCount": 1,
                "v8": {
                    "inputs": {"personalInformation": {"identifier": record.nino, "taxRegime": "uk"}, "incomeSources": {}},
                    "messages": messages,
                },
                "v3": {"inputs": itsa_hmrc::views::v3::failed_inputs_v3(record.nino), "messages": messages},
                "v1": {"messages": messages},
            })
        }
    };
    let error_count = document["errorCount"].as_i64().unwrap_or(0) as i32;
    let total_due = total_due(&document).unwrap_or(Money::ZERO).amount().to_string();
    ComputedResult { document: document.to_string(), error_count, total_due }
}

/// The `totalIncomeTaxAndNicsDue` a result document records, read back exactly.
pub fn total_due(document: &Value) -> Option<Money> {
    let number = document.get("totalIncomeTaxAndNicsDue")?.as_number()?;
    number.to_string().parse().ok().map(Money::new)
}

/// The total due stored beside a calculation's result, read back exactly.
pub fn stored_total_due(total_due: Option<&str>) -> Option<Money> {
    total_due?.parse().ok().map(Money::new)
}

/// The stored result document of a done calculation.
pub fn document(record: &CalculationRecord) -> Option<Value> {
    serde_json::from_str(record.result_document.as_deref()?).ok()
}
