//! The sandbox's `Gov-Test-Scenario` header for Individual Calculations 8.0 and 9.0:
//! which values each endpoint documents and what each one answers.
//!
//! A documented error scenario answers with that error and changes nothing. A
//! documented success scenario (`DYNAMIC`, the retrieve examples) answers with a canned
//! body shaped like the endpoint's example. `STATEFUL` (or no header) means the stored
//! state is used. Any other value is `400 RULE_INCORRECT_GOV_TEST_SCENARIO`.

use itsa_engine::TaxYear;

use crate::errors::{ApiError, Era, ErrorCode};

/// The four endpoints of v8 and v9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    List,
    Trigger,
    Retrieve,
    Submit,
}

/// What a `Gov-Test-Scenario` value asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// `STATEFUL` (or no header): answer from the stored state.
    Stateful,
    /// Answer with this error.
    Error(ApiError),
    /// `DYNAMIC`: a canned success whose tax year and timestamps follow the request.
    Dynamic,
    /// A canned retrieve response: `ERROR_MESSAGES_EXIST` or one of the seven examples
    /// (`UK_MULTIPLE_INCOMES_EXAMPLE`, …), named as in the header.
    Example(&'static str),
    /// Not a value this endpoint documents: `400 RULE_INCORRECT_GOV_TEST_SCENARIO`.
    Unknown,
}

/// The first tax year whose retrieve `DYNAMIC` scenario exists.
const FIRST_DYNAMIC_RETRIEVE_YEAR: TaxYear = TaxYear::starting(2023);

const RETRIEVE_EXAMPLES: [&str; 8] = [
    "ERROR_MESSAGES_EXIST",
    "UK_MULTIPLE_INCOMES_EXAMPLE",
    "UK_PROP_DIVIDENDS_EXAMPLE",
    "UK_PROP_GIFTAID_EXAMPLE",
    "UK_PROP_SAVINGS_EXAMPLE",
    "UK_SE_GIFTAID_EXAMPLE",
    "UK_SE_SAVINGS_EXAMPLE",
    "SCOT_SE_DIVIDENDS_EXAMPLE",
];

/// Trigger scenarios; each answers `400 RULE_<name>`.
const TRIGGER_RULES: [&str; 8] = [
    "NO_INCOME_SUBMISSIONS_EXIST",
    "FINAL_DECLARATION_RECEIVED",
    "INCOME_SOURCES_CHANGED",
    "RECENT_SUBMISSIONS_EXIST",
    "RESIDENCY_CHANGED",
    "CALCULATION_IN_PROGRESS",
    "BUSINESS_VALIDATION_FAILURE",
    "TAX_YEAR_NOT_ENDED",
];

/// Submit scenarios answering `400 RULE_<name>` (`NOT_FOUND` is handled apart).
const SUBMIT_RULES: [&str; 11] = [
    "OUTSIDE_AMENDMENT_WINDOW",
    "FINAL_DECLARATION_IN_PROGRESS",
    "FINAL_DECLARATION_RECEIVED",
    "FINAL_DECLARATION_TAX_YEAR",
    "INCOME_SOURCES_CHANGED",
    "INCOME_SOURCES_INVALID",
    "NO_INCOME_SUBMISSIONS_EXIST",
    "RECENT_SUBMISSIONS_EXIST",
    "RESIDENCY_CHANGED",
    "SUBMISSION_FAILED",
    "TAX_YEAR_NOT_SUPPORTED",
];

/// What the `Gov-Test-Scenario` value `value` means on `endpoint` in v8/v9. Values are
/// case-sensitive. `NOT_FOUND` gives `404 MATCHING_RESOURCE_NOT_FOUND` on the list,
/// retrieve and submit endpoints (the trigger documents no 404); see
/// [`Scenario::in_tax_year`] for the retrieve `DYNAMIC` year limit.
pub fn scenario(endpoint: Endpoint, value: &str) -> Scenario {
    if value == "STATEFUL" {
        return Scenario::Stateful;
    }
    if value == "NOT_FOUND" && endpoint != Endpoint::Trigger {
        return Scenario::Error(ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current));
    }
    match endpoint {
        Endpoint::List | Endpoint::Retrieve if value == "DYNAMIC" => Scenario::Dynamic,
        Endpoint::Retrieve => example(value),
        Endpoint::Trigger => rule_error(value, &TRIGGER_RULES),
        Endpoint::Submit => rule_error(value, &SUBMIT_RULES),
        Endpoint::List => Scenario::Unknown,
    }
}

/// The scenario for a request, from the header if there is one (a value that is not
/// text is no documented value).
pub fn scenario_header(endpoint: Endpoint, header: Option<&[u8]>) -> Scenario {
    match header.map(std::str::from_utf8) {
        None => Scenario::Stateful,
        Some(Ok(value)) => scenario(endpoint, value),
        Some(Err(_)) => Scenario::Unknown,
    }
}

impl Scenario {
    /// The scenario for a request's tax year: retrieve's `DYNAMIC` exists only from
    /// 2023-24, so earlier years get [`Scenario::Unknown`].
    pub fn in_tax_year(self, tax_year: TaxYear) -> Scenario {
        match self {
            Scenario::Dynamic if tax_year < FIRST_DYNAMIC_RETRIEVE_YEAR => Scenario::Unknown,
            other => other,
        }
    }

    /// The error to answer with, for [`Scenario::Error`] and [`Scenario::Unknown`].
    pub fn error(&self) -> Option<ApiError> {
        match self {
            Scenario::Error(error) => Some(error.clone()),
            Scenario::Unknown => Some(unknown_scenario()),
            _ => None,
        }
    }
}

/// `400 RULE_INCORRECT_GOV_TEST_SCENARIO` in the v8/v9 wording.
pub fn unknown_scenario() -> ApiError {
    ApiError::new(ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO, Era::Current)
}

fn example(value: &str) -> Scenario {
    RETRIEVE_EXAMPLES.iter().find(|&&name| name == value).map_or(Scenario::Unknown, |name| Scenario::Example(name))
}

/// `RULE_<value>` if `value` is one of `documented`.
fn rule_error(value: &str, documented: &[&str]) -> Scenario {
    if !documented.contains(&value) {
        return Scenario::Unknown;
    }
    let code = ErrorCode::from_code(&format!("RULE_{value}")).expect("every documented scenario names a RULE_ code");
    Scenario::Error(ApiError::new(code, Era::Current))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_code(endpoint: Endpoint, value: &str) -> (u16, ErrorCode) {
        let error = scenario(endpoint, value).error().unwrap_or_else(|| panic!("{value} is not an error"));
        (error.status, error.code)
    }

    #[test]
    fn stateful_everywhere_and_not_found_where_documented() {
        for endpoint in [Endpoint::List, Endpoint::Trigger, Endpoint::Retrieve, Endpoint::Submit] {
            assert_eq!(scenario(endpoint, "STATEFUL"), Scenario::Stateful);
            assert_eq!(scenario_header(endpoint, None), Scenario::Stateful);
            assert_eq!(scenario_header(endpoint, Some(b"\xff\xfe")), Scenario::Unknown, "not text");
            let not_found = if endpoint == Endpoint::Trigger {
                (400, ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO)
            } else {
                (404, ErrorCode::MATCHING_RESOURCE_NOT_FOUND)
            };
            assert_eq!(error_code(endpoint, "NOT_FOUND"), not_found, "{endpoint:?}");
            assert_eq!(scenario(endpoint, "NO_SUCH_THING"), Scenario::Unknown);
            assert_eq!(scenario(endpoint, "stateful"), Scenario::Unknown);
            assert_eq!(error_code(endpoint, "NO_SUCH_THING"), (400, ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO));
        }
    }

    #[test]
    fn list_and_retrieve() {
        assert_eq!(scenario(Endpoint::List, "DYNAMIC"), Scenario::Dynamic);
        assert_eq!(scenario(Endpoint::List, "ERROR_MESSAGES_EXIST"), Scenario::Unknown);
        assert_eq!(scenario(Endpoint::Retrieve, "DYNAMIC"), Scenario::Dynamic);
        for name in RETRIEVE_EXAMPLES {
            assert_eq!(scenario(Endpoint::Retrieve, name), Scenario::Example(name));
        }
        let dynamic = scenario(Endpoint::Retrieve, "DYNAMIC");
        assert_eq!(dynamic.clone().in_tax_year(TaxYear::starting(2022)), Scenario::Unknown);
        assert_eq!(dynamic.in_tax_year(TaxYear::starting(2023)), Scenario::Dynamic);
        assert_eq!(scenario(Endpoint::Retrieve, "UK_SE_SAVINGS_EXAMPLE").error(), None);
    }

    #[test]
    fn trigger_rules() {
        for name in TRIGGER_RULES {
            let (status, code) = error_code(Endpoint::Trigger, name);
            assert_eq!((status, code.as_str()), (400, format!("RULE_{name}").as_str()));
        }
        assert_eq!(scenario(Endpoint::Trigger, "SUBMISSION_FAILED"), Scenario::Unknown);
        assert_eq!(scenario(Endpoint::Trigger, "DYNAMIC"), Scenario::Unknown);
    }

    #[test]
    fn submit_rules() {
        for name in SUBMIT_RULES {
            let (status, code) = error_code(Endpoint::Submit, name);
            assert_eq!((status, code.as_str()), (400, format!("RULE_{name}").as_str()));
        }
        assert_eq!(scenario(Endpoint::Submit, "CALCULATION_IN_PROGRESS"), Scenario::Unknown);
    }
}
