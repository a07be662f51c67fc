//! The sandbox's `Gov-Test-Scenario` values for Individual Calculations 1.0, endpoint by
//! endpoint, as the seed documentation's test-data tables list them.
//!
//! A documented error scenario answers with that error; a documented success scenario
//! answers with a canned body the endpoint's handler builds (the realistic examples are
//! real engine calculations). Neither changes stored state. `STATEFUL`, or no header,
//! means the stored state is used. Any other value is `400
//! RULE_INCORRECT_GOV_TEST_SCENARIO`.

use crate::errors::{ApiError, Era, ErrorCode};

/// What a `Gov-Test-Scenario` value asks for (versions 1.0 and 3.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// `STATEFUL` or no header: answer from the stored state.
    Stateful,
    /// Answer with this error.
    Error(ApiError),
    /// A canned success answer, named by the header value (`MULTIPLE_CALCULATIONS`,
    /// `ERROR_MESSAGES_EXIST`, `UK_SE_GIFTAID_EXAMPLE`, `MESSAGES_INFO`, …).
    Canned(&'static str),
    /// Not a value this endpoint documents.
    Unknown,
}

impl Scenario {
    /// The error to answer with, for [`Scenario::Error`] and [`Scenario::Unknown`].
    pub fn error(&self, era: Era) -> Option<ApiError> {
        match self {
            Scenario::Error(error) => Some(error.clone()),
            Scenario::Unknown => Some(ApiError::new(ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO, era)),
            _ => None,
        }
    }
}

/// The seven "realistic example" scenarios, in HMRC's order.
pub const EXAMPLES: [&str; 7] = [
    "UK_MULTIPLE_INCOMES_EXAMPLE",
    "UK_PROP_DIVIDENDS_EXAMPLE",
    "UK_PROP_GIFTAID_EXAMPLE",
    "UK_PROP_SAVINGS_EXAMPLE",
    "UK_SE_GIFTAID_EXAMPLE",
    "UK_SE_SAVINGS_EXAMPLE",
    "SCOT_SE_DIVIDENDS_EXAMPLE",
];

/// The messages endpoint's canned sets of messages.
pub const MESSAGE_SCENARIOS: [&str; 5] =
    ["MESSAGES_INFO", "MESSAGES_INFO_WARNINGS", "MESSAGES_WARNINGS", "MESSAGES_WARNINGS_ERRORS", "MESSAGES_ERRORS"];

/// The endpoints of version 1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    List,
    Trigger,
    Metadata,
    IncomeTaxNicsCalculated,
    TaxableIncome,
    AllowancesDeductionsReliefs,
    EndOfYearEstimate,
    Messages,
    IntentToCrystallise,
    Crystallise,
}

fn v1(code: ErrorCode) -> Scenario {
    Scenario::Error(ApiError::new(code, Era::V1))
}

/// What `value` means on `endpoint` in version 1.0. Values are case-sensitive.
pub fn scenario(endpoint: Endpoint, value: &str) -> Scenario {
    use Endpoint::*;
    use ErrorCode::*;
    if value == "STATEFUL" {
        return Scenario::Stateful;
    }
    let not_found = value == "NOT_FOUND";
    let example = EXAMPLES.iter().find(|&&name| name == value).copied();
    match endpoint {
        List if not_found => v1(MATCHING_RESOURCE_NOT_FOUND),
        List => match value {
            "MULTIPLE_CALCULATIONS" => Scenario::Canned("MULTIPLE_CALCULATIONS"),
            "CRYSTALLISATION" => Scenario::Canned("CRYSTALLISATION"),
            _ => Scenario::Unknown,
        },
        Trigger if value == "NO_INCOME_SUBMISSIONS_EXIST" => v1(RULE_NO_INCOME_SUBMISSIONS_EXIST),
        Trigger => Scenario::Unknown,
        Metadata if not_found => v1(MATCHING_RESOURCE_NOT_FOUND),
        Metadata => match (value, example) {
            (_, Some(name)) => Scenario::Canned(name),
            ("ERROR_MESSAGES_EXIST", _) => Scenario::Canned("ERROR_MESSAGES_EXIST"),
            ("CRYSTALLISATION_METADATA", _) => Scenario::Canned("CRYSTALLISATION_METADATA"),
            _ => Scenario::Unknown,
        },
        IncomeTaxNicsCalculated | TaxableIncome | AllowancesDeductionsReliefs | EndOfYearEstimate => {
            match (value, example) {
                (_, Some(name)) => Scenario::Canned(name),
                ("NOT_FOUND", _) => v1(MATCHING_RESOURCE_NOT_FOUND),
                ("ERROR_MESSAGES_EXIST", _) => v1(RULE_CALCULATION_ERROR_MESSAGES_EXIST),
                ("EOY_ESTIMATE_NOT_PRESENT", _) if endpoint == EndOfYearEstimate => {
                    v1(END_OF_YEAR_ESTIMATE_NOT_PRESENT)
                }
                ("NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST", _) if endpoint == AllowancesDeductionsReliefs => {
                    v1(NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST)
                }
                _ => Scenario::Unknown,
            }
        }
        Messages if not_found => v1(MATCHING_RESOURCE_NOT_FOUND),
        Messages if value == "NO_MESSAGES_PRESENT" => v1(NO_MESSAGES_PRESENT),
        // The examples are accepted here too, so that the messages link of an example's
        // metadata can be followed with the same header.
        Messages => MESSAGE_SCENARIOS
            .iter()
            .chain(&EXAMPLES)
            .find(|&&n| n == value)
            .map_or(Scenario::Unknown, |n| Scenario::Canned(n)),
        IntentToCrystallise => match value {
            "NO_SUBMISSIONS_EXIST" => v1(RULE_NO_SUBMISSIONS_EXIST),
            "FINAL_DECLARATION_RECEIVED" => v1(RULE_FINAL_DECLARATION_RECEIVED),
            _ => Scenario::Unknown,
        },
        Crystallise => match value {
            "NOT_FOUND" => v1(MATCHING_RESOURCE_NOT_FOUND),
            "INCOME_SOURCES_CHANGED" => v1(RULE_INCOME_SOURCES_CHANGED),
            "RECENT_SUBMISSIONS_EXIST" => v1(RULE_RECENT_SUBMISSIONS_EXIST),
            "RESIDENCY_CHANGED" => v1(RULE_RESIDENCY_CHANGED),
            "FINAL_DECLARATION_RECEIVED" => v1(RULE_FINAL_DECLARATION_RECEIVED),
            _ => Scenario::Unknown,
        },
    }
}

/// The scenario for a request, from the header if there is one.
pub fn scenario_header(endpoint: Endpoint, header: Option<&str>) -> Scenario {
    header.map_or(Scenario::Stateful, |value| scenario(endpoint, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Endpoint::*;

    fn answer(endpoint: Endpoint, value: &str) -> (u16, ErrorCode) {
        let e = scenario(endpoint, value).error(Era::V1).unwrap_or_else(|| panic!("{value} is not an error"));
        (e.status, e.code)
    }

    #[test]
    fn list_and_trigger() {
        assert_eq!(answer(List, "NOT_FOUND"), (404, ErrorCode::MATCHING_RESOURCE_NOT_FOUND));
        assert_eq!(scenario(List, "MULTIPLE_CALCULATIONS"), Scenario::Canned("MULTIPLE_CALCULATIONS"));
        assert_eq!(scenario(List, "CRYSTALLISATION"), Scenario::Canned("CRYSTALLISATION"));
        assert_eq!(answer(Trigger, "NO_INCOME_SUBMISSIONS_EXIST"), (403, ErrorCode::RULE_NO_INCOME_SUBMISSIONS_EXIST));
        assert_eq!(answer(Trigger, "NOT_FOUND"), (400, ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO));
        assert_eq!(scenario_header(Trigger, None), Scenario::Stateful);
        assert_eq!(scenario(Trigger, "STATEFUL"), Scenario::Stateful);
    }

    #[test]
    fn metadata_and_sub_resources() {
        assert_eq!(scenario(Metadata, "ERROR_MESSAGES_EXIST"), Scenario::Canned("ERROR_MESSAGES_EXIST"));
        assert_eq!(scenario(Metadata, "CRYSTALLISATION_METADATA"), Scenario::Canned("CRYSTALLISATION_METADATA"));
        for endpoint in
            [Metadata, IncomeTaxNicsCalculated, TaxableIncome, AllowancesDeductionsReliefs, EndOfYearEstimate]
        {
            assert_eq!(answer(endpoint, "NOT_FOUND"), (404, ErrorCode::MATCHING_RESOURCE_NOT_FOUND));
            for name in EXAMPLES {
                assert_eq!(scenario(endpoint, name), Scenario::Canned(name));
            }
        }
        assert_eq!(
            answer(TaxableIncome, "ERROR_MESSAGES_EXIST"),
            (403, ErrorCode::RULE_CALCULATION_ERROR_MESSAGES_EXIST)
        );
        assert_eq!(
            answer(EndOfYearEstimate, "EOY_ESTIMATE_NOT_PRESENT"),
            (404, ErrorCode::END_OF_YEAR_ESTIMATE_NOT_PRESENT)
        );
        assert_eq!(scenario(TaxableIncome, "EOY_ESTIMATE_NOT_PRESENT"), Scenario::Unknown);
        assert_eq!(
            answer(AllowancesDeductionsReliefs, "NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST"),
            (404, ErrorCode::NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST)
        );
    }

    #[test]
    fn messages_and_crystallisation() {
        assert_eq!(answer(Messages, "NO_MESSAGES_PRESENT"), (404, ErrorCode::NO_MESSAGES_PRESENT));
        for name in MESSAGE_SCENARIOS.iter().chain(&EXAMPLES) {
            assert_eq!(scenario(Messages, name), Scenario::Canned(name));
        }
        assert_eq!(answer(IntentToCrystallise, "NO_SUBMISSIONS_EXIST"), (403, ErrorCode::RULE_NO_SUBMISSIONS_EXIST));
        assert_eq!(answer(Crystallise, "RESIDENCY_CHANGED"), (403, ErrorCode::RULE_RESIDENCY_CHANGED));
        assert_eq!(answer(Crystallise, "NOT_FOUND"), (404, ErrorCode::MATCHING_RESOURCE_NOT_FOUND));
        assert_eq!(answer(Crystallise, "SUBMISSION_FAILED"), (400, ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO));
    }
}
