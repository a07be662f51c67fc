//! Individual Calculations 3.0: the sandbox's `Gov-Test-Scenario` values, and the
//! status of each business-rule error.
//!
//! In the seed documentation (2022) some rule errors were answered with 403; HMRC moved
//! them all to 400 in December 2022. itsa answers as the seed documentation says:
//! [`rule_error`] gives each endpoint's status.

use crate::errors::{ApiError, Era, ErrorCode};
pub use crate::v1::scenario::{EXAMPLES, Scenario};

/// The four endpoints of version 3.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    List,
    Trigger,
    Retrieve,
    Submit,
}

/// Trigger's rule errors answered with 403 in the seed era.
const TRIGGER_FORBIDDEN: [ErrorCode; 2] =
    [ErrorCode::RULE_NO_INCOME_SUBMISSIONS_EXIST, ErrorCode::RULE_FINAL_DECLARATION_RECEIVED];

/// Submit's rule errors answered with 403 in the seed era.
const SUBMIT_FORBIDDEN: [ErrorCode; 7] = [
    ErrorCode::RULE_INCOME_SOURCES_CHANGED,
    ErrorCode::RULE_RECENT_SUBMISSIONS_EXIST,
    ErrorCode::RULE_RESIDENCY_CHANGED,
    ErrorCode::RULE_FINAL_DECLARATION_RECEIVED,
    ErrorCode::RULE_INCOME_SOURCES_INVALID,
    ErrorCode::RULE_NO_INCOME_SUBMISSIONS_EXIST,
    ErrorCode::RULE_SUBMISSION_FAILED,
];

/// Trigger scenarios added in November 2022, answered with 400.
const TRIGGER_LATER_RULES: [ErrorCode; 6] = [
    ErrorCode::RULE_INCOME_SOURCES_CHANGED,
    ErrorCode::RULE_RECENT_SUBMISSIONS_EXIST,
    ErrorCode::RULE_RESIDENCY_CHANGED,
    ErrorCode::RULE_CALCULATION_IN_PROGRESS,
    ErrorCode::RULE_BUSINESS_VALIDATION_FAILURE,
    ErrorCode::RULE_TAX_YEAR_NOT_ENDED,
];

/// A business-rule error of `endpoint` in the v3 wording, with the seed era's status:
/// 403 for the errors the seed documentation lists as forbidden, otherwise the code's
/// usual status.
pub fn rule_error(endpoint: Endpoint, code: ErrorCode) -> ApiError {
    let forbidden = match endpoint {
        Endpoint::Trigger => TRIGGER_FORBIDDEN.contains(&code),
        Endpoint::Submit => SUBMIT_FORBIDDEN.contains(&code),
        Endpoint::List | Endpoint::Retrieve => false,
    };
    let error = ApiError::new(code, Era::V3);
    if forbidden { error.with_status(403) } else { error }
}

/// What `value` means on `endpoint` in version 3.0. Values are case-sensitive.
pub fn scenario(endpoint: Endpoint, value: &str) -> Scenario {
    if value == "STATEFUL" {
        return Scenario::Stateful;
    }
    let rule = |code: ErrorCode| Scenario::Error(rule_error(endpoint, code));
    let named_rule = |codes: &[ErrorCode]| {
        codes
            .iter()
            .find(|code| code.as_str().strip_prefix("RULE_") == Some(value))
            .map_or(Scenario::Unknown, |&c| rule(c))
    };
    match endpoint {
        Endpoint::List | Endpoint::Retrieve | Endpoint::Submit if value == "NOT_FOUND" => {
            rule(ErrorCode::MATCHING_RESOURCE_NOT_FOUND)
        }
        Endpoint::List => Scenario::Unknown,
        Endpoint::Trigger => named_rule(&[&TRIGGER_FORBIDDEN[..], &TRIGGER_LATER_RULES[..]].concat()),
        Endpoint::Retrieve if value == "ERROR_MESSAGES_EXIST" => Scenario::Canned("ERROR_MESSAGES_EXIST"),
        Endpoint::Retrieve => EXAMPLES.iter().find(|&&n| n == value).map_or(Scenario::Unknown, |n| Scenario::Canned(n)),
        Endpoint::Submit => named_rule(&SUBMIT_FORBIDDEN),
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

    fn answer(endpoint: Endpoint, value: &str) -> (u16, &'static str) {
        let e = scenario(endpoint, value).error(Era::V3).unwrap_or_else(|| panic!("{value} is not an error"));
        (e.status, e.code.as_str())
    }

    #[test]
    fn seed_era_statuses() {
        assert_eq!(answer(Trigger, "NO_INCOME_SUBMISSIONS_EXIST"), (403, "RULE_NO_INCOME_SUBMISSIONS_EXIST"));
        assert_eq!(answer(Trigger, "FINAL_DECLARATION_RECEIVED"), (403, "RULE_FINAL_DECLARATION_RECEIVED"));
        for later in [
            "INCOME_SOURCES_CHANGED",
            "RECENT_SUBMISSIONS_EXIST",
            "RESIDENCY_CHANGED",
            "CALCULATION_IN_PROGRESS",
            "BUSINESS_VALIDATION_FAILURE",
            "TAX_YEAR_NOT_ENDED",
        ] {
            assert_eq!(answer(Trigger, later).0, 400, "{later}");
        }
        for name in [
            "INCOME_SOURCES_CHANGED",
            "RECENT_SUBMISSIONS_EXIST",
            "RESIDENCY_CHANGED",
            "FINAL_DECLARATION_RECEIVED",
            "INCOME_SOURCES_INVALID",
            "NO_INCOME_SUBMISSIONS_EXIST",
            "SUBMISSION_FAILED",
        ] {
            let (status, code) = answer(Submit, name);
            assert_eq!((status, code.strip_prefix("RULE_")), (403, Some(name)));
        }
        assert_eq!(rule_error(Submit, ErrorCode::RULE_FINAL_DECLARATION_TAX_YEAR).status, 400);
        assert_eq!(rule_error(Trigger, ErrorCode::RULE_CALCULATION_IN_PROGRESS).status, 400);
    }

    #[test]
    fn documented_values_only() {
        assert_eq!(answer(List, "NOT_FOUND"), (404, "MATCHING_RESOURCE_NOT_FOUND"));
        assert_eq!(answer(List, "NO_SUCH_SCENARIO"), (400, "RULE_INCORRECT_GOV_TEST_SCENARIO"));
        assert_eq!(scenario(List, "STATEFUL"), Scenario::Stateful);
        assert_eq!(answer(Trigger, "NOT_FOUND"), (400, "RULE_INCORRECT_GOV_TEST_SCENARIO"));
        assert_eq!(answer(Submit, "NOT_FOUND"), (404, "MATCHING_RESOURCE_NOT_FOUND"));
        assert_eq!(answer(Submit, "CALCULATION_IN_PROGRESS"), (400, "RULE_INCORRECT_GOV_TEST_SCENARIO"));
        assert_eq!(scenario(Retrieve, "ERROR_MESSAGES_EXIST"), Scenario::Canned("ERROR_MESSAGES_EXIST"));
        for name in EXAMPLES {
            assert_eq!(scenario(Retrieve, name), Scenario::Canned(name));
        }
        let unknown = scenario(Retrieve, "DYNAMIC").error(Era::V3).unwrap();
        assert_eq!(unknown.message, "The Gov-Test-Scenario was not found");
    }
}
