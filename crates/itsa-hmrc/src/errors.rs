//! HMRC's error catalogue for the Individual Calculations API and the API platform in
//! front of it: every code, its HTTP status, its message in each era of the API, and the
//! `{code, message[, paths][, errors]}` body HMRC answers with.
//!
//! Messages changed over the years (for example `FORMAT_NINO` said "The provided NINO is
//! invalid" until HMRC's 2024 validator rewrite), so a message is looked up for an
//! [`Era`]. Two rules combine several parameter errors into one answer: the legacy
//! level rule of v1 to v3 ([`ApiError::first_level`]) and the current accumulate, merge
//! and sort rule of v8 and v9 ([`ApiError::accumulated`]).

use std::fmt;

use serde_json::{Map, Value, json};

/// Which generation of HMRC's code a response imitates; it decides the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// Individual Calculations 1.0 and 2.0 (2019 to 2021).
    V1,
    /// Individual Calculations 3.0 with its "level" validators (2022 to mid 2024).
    V3,
    /// HMRC's current code: versions 8.0 and 9.0.
    Current,
}

macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// An error code HMRC's Individual Calculations API or its platform can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(non_camel_case_types)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it appears on the wire (`FORMAT_NINO`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    // Parameter format errors.
    FORMAT_NINO => "FORMAT_NINO",
    FORMAT_TAX_YEAR => "FORMAT_TAX_YEAR",
    FORMAT_CALC_ID => "FORMAT_CALC_ID",
    FORMAT_CALCULATION_ID => "FORMAT_CALCULATION_ID",
    FORMAT_TYPE => "FORMAT_TYPE",
    FORMAT_FINAL_DECLARATION => "FORMAT_FINAL_DECLARATION",
    FORMAT_CALCULATION_TYPE => "FORMAT_CALCULATION_TYPE",
    // Rules on the parameters.
    RULE_TAX_YEAR_NOT_SUPPORTED => "RULE_TAX_YEAR_NOT_SUPPORTED",
    RULE_TAX_YEAR_RANGE_EXCEEDED => "RULE_TAX_YEAR_RANGE_EXCEEDED",
    RULE_TAX_YEAR_RANGE_INVALID => "RULE_TAX_YEAR_RANGE_INVALID",
    RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED => "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED",
    RULE_CALCULATION_TYPE_NOT_ALLOWED => "RULE_CALCULATION_TYPE_NOT_ALLOWED",
    RULE_TAX_YEAR_FOR_VERSION_NOT_SUPPORTED => "RULE_TAX_YEAR_FOR_VERSION_NOT_SUPPORTED",
    RULE_INCORRECT_GOV_TEST_SCENARIO => "RULE_INCORRECT_GOV_TEST_SCENARIO",
    // Business rules (answers from the calculation service).
    RULE_NO_INCOME_SUBMISSIONS_EXIST => "RULE_NO_INCOME_SUBMISSIONS_EXIST",
    RULE_NO_SUBMISSIONS_EXIST => "RULE_NO_SUBMISSIONS_EXIST",
    RULE_CALCULATION_ERROR_MESSAGES_EXIST => "RULE_CALCULATION_ERROR_MESSAGES_EXIST",
    RULE_FINAL_DECLARATION_RECEIVED => "RULE_FINAL_DECLARATION_RECEIVED",
    RULE_INCOME_SOURCES_CHANGED => "RULE_INCOME_SOURCES_CHANGED",
    RULE_RECENT_SUBMISSIONS_EXIST => "RULE_RECENT_SUBMISSIONS_EXIST",
    RULE_RESIDENCY_CHANGED => "RULE_RESIDENCY_CHANGED",
    RULE_INCOME_SOURCES_INVALID => "RULE_INCOME_SOURCES_INVALID",
    RULE_SUBMISSION_FAILED => "RULE_SUBMISSION_FAILED",
    RULE_CALCULATION_IN_PROGRESS => "RULE_CALCULATION_IN_PROGRESS",
    RULE_BUSINESS_VALIDATION_FAILURE => "RULE_BUSINESS_VALIDATION_FAILURE",
    RULE_TAX_YEAR_NOT_ENDED => "RULE_TAX_YEAR_NOT_ENDED",
    RULE_FINAL_DECLARATION_TAX_YEAR => "RULE_FINAL_DECLARATION_TAX_YEAR",
    RULE_FINAL_DECLARATION_IN_PROGRESS => "RULE_FINAL_DECLARATION_IN_PROGRESS",
    RULE_PREMATURE_FINALISATION => "RULE_PREMATURE_FINALISATION",
    RULE_DECLARATION_NOT_RECEIVED => "RULE_DECLARATION_NOT_RECEIVED",
    RULE_OUTSIDE_AMENDMENT_WINDOW => "RULE_OUTSIDE_AMENDMENT_WINDOW",
    BUSINESS_ERROR => "BUSINESS_ERROR",
    // Nothing to return (v1 sub-resources).
    NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST => "NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST",
    END_OF_YEAR_ESTIMATE_NOT_PRESENT => "END_OF_YEAR_ESTIMATE_NOT_PRESENT",
    NO_MESSAGES_PRESENT => "NO_MESSAGES_PRESENT",
    // Routing, authorisation and the platform.
    MATCHING_RESOURCE_NOT_FOUND => "MATCHING_RESOURCE_NOT_FOUND",
    NOT_FOUND => "NOT_FOUND",
    CLIENT_OR_AGENT_NOT_AUTHORISED => "CLIENT_OR_AGENT_NOT_AUTHORISED",
    UNAUTHORIZED => "UNAUTHORIZED",
    MISSING_CREDENTIALS => "MISSING_CREDENTIALS",
    INVALID_CREDENTIALS => "INVALID_CREDENTIALS",
    INCORRECT_ACCESS_TOKEN_TYPE => "INCORRECT_ACCESS_TOKEN_TYPE",
    INVALID_SCOPE => "INVALID_SCOPE",
    ACCEPT_HEADER_INVALID => "ACCEPT_HEADER_INVALID",
    INVALID_BODY_TYPE => "INVALID_BODY_TYPE",
    INVALID_REQUEST => "INVALID_REQUEST",
    INTERNAL_SERVER_ERROR => "INTERNAL_SERVER_ERROR",
    GATEWAY_TIMEOUT => "GATEWAY_TIMEOUT",
    // Coding out (Self Assessment Accounts API).
    FORMAT_VALUE => "FORMAT_VALUE",
    FORMAT_ID => "FORMAT_ID",
    FORMAT_SOURCE => "FORMAT_SOURCE",
    RULE_DUPLICATE_ID_NOT_ALLOWED => "RULE_DUPLICATE_ID_NOT_ALLOWED",
    RULE_BUSINESS_PARTNER_NOT_EXIST => "RULE_BUSINESS_PARTNER_NOT_EXIST",
    RULE_ITSA_CONTRACT_OBJECT_NOT_EXIST => "RULE_ITSA_CONTRACT_OBJECT_NOT_EXIST",
    RULE_ALREADY_OPTED_IN => "RULE_ALREADY_OPTED_IN",
    RULE_ALREADY_OPTED_OUT => "RULE_ALREADY_OPTED_OUT",
}

/// A code's message in each era; `None` where that era's code did not use the code.
struct EraMessages {
    v1: Option<&'static str>,
    v3: Option<&'static str>,
    current: Option<&'static str>,
}

/// The same message in every era.
const fn always(message: &'static str) -> EraMessages {
    EraMessages { v1: Some(message), v3: Some(message), current: Some(message) }
}

/// One message in v1, another from v3 on.
const fn v1_then(v1: &'static str, from_v3: &'static str) -> EraMessages {
    EraMessages { v1: Some(v1), v3: Some(from_v3), current: Some(from_v3) }
}

/// The v1 and v3 message, then the current one.
const fn legacy_then(legacy: &'static str, current: &'static str) -> EraMessages {
    EraMessages { v1: Some(legacy), v3: Some(legacy), current: Some(current) }
}

/// First used in v3, unchanged since.
const fn from_v3(message: &'static str) -> EraMessages {
    EraMessages { v1: None, v3: Some(message), current: Some(message) }
}

/// Only in HMRC's current code.
const fn current_only(message: &'static str) -> EraMessages {
    EraMessages { v1: None, v3: None, current: Some(message) }
}

/// Only in v1 (and v2).
const fn v1_only(message: &'static str) -> EraMessages {
    EraMessages { v1: Some(message), v3: None, current: None }
}

impl ErrorCode {
    /// The code named `text`, if HMRC's catalogue has it.
    pub fn from_code(text: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|code| code.as_str() == text)
    }

    /// The HTTP status HMRC's current code answers this error with. Rule errors are 400
    /// since HMRC's change of December 2022 (the v3 seed documentation and v1 had 403 for
    /// some: see [`ErrorCode::status_in`] and [`ApiError::with_status`]). The trigger
    /// endpoint of v7 onwards answers `RULE_INCOME_SOURCES_INVALID` with 422, which the
    /// caller sets with [`ApiError::with_status`].
    pub const fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            UNAUTHORIZED | MISSING_CREDENTIALS | INVALID_CREDENTIALS | INCORRECT_ACCESS_TOKEN_TYPE => 401,
            CLIENT_OR_AGENT_NOT_AUTHORISED | INVALID_SCOPE => 403,
            MATCHING_RESOURCE_NOT_FOUND
            | NOT_FOUND
            | NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST
            | END_OF_YEAR_ESTIMATE_NOT_PRESENT
            | NO_MESSAGES_PRESENT => 404,
            ACCEPT_HEADER_INVALID => 406,
            INVALID_BODY_TYPE => 415,
            INTERNAL_SERVER_ERROR => 500,
            GATEWAY_TIMEOUT => 504,
            _ => 400,
        }
    }

    /// The status in an era. v1 answered its business-rule errors with 403 (its status
    /// map); v3's 403s depended on the endpoint and date, so v3 and current use
    /// [`ErrorCode::status`] and the caller overrides where needed.
    pub const fn status_in(self, era: Era) -> u16 {
        use ErrorCode::*;
        match (era, self) {
            (
                Era::V1,
                RULE_NO_INCOME_SUBMISSIONS_EXIST
                | RULE_CALCULATION_ERROR_MESSAGES_EXIST
                | RULE_NO_SUBMISSIONS_EXIST
                | RULE_FINAL_DECLARATION_RECEIVED
                | RULE_INCOME_SOURCES_CHANGED
                | RULE_RECENT_SUBMISSIONS_EXIST
                | RULE_RESIDENCY_CHANGED,
            ) => 403,
            _ => self.status(),
        }
    }

    fn messages(self) -> EraMessages {
        use ErrorCode::*;
        match self {
            FORMAT_NINO => legacy_then("The provided NINO is invalid", "The NINO format is invalid"),
            FORMAT_TAX_YEAR => {
                legacy_then("The provided tax year is invalid", "The provided tax year format is invalid")
            }
            FORMAT_CALC_ID => v1_only("The provided Calculation ID is invalid"),
            FORMAT_CALCULATION_ID => EraMessages {
                v1: None,
                v3: Some("The provided calculationId is invalid"),
                current: Some("The provided calculation ID is invalid"),
            },
            FORMAT_TYPE => v1_only("The provided type value is invalid"),
            FORMAT_FINAL_DECLARATION => from_v3("The provided finalDeclaration is invalid"),
            FORMAT_CALCULATION_TYPE => current_only("The provided calculation type is not valid"),
            RULE_TAX_YEAR_NOT_SUPPORTED => v1_then(
                "Tax year not supported, because it precedes the earliest allowable tax year",
                "The tax year specified does not lie within the supported range",
            ),
            RULE_TAX_YEAR_RANGE_EXCEEDED => {
                v1_only("Tax year range exceeded. A tax year range of one year is required")
            }
            RULE_TAX_YEAR_RANGE_INVALID => legacy_then(
                "Tax year range invalid. A tax year range of one year is required",
                "A tax year range of one year is required",
            ),
            RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED => v1_only("An empty or non-matching body was submitted"),
            RULE_CALCULATION_TYPE_NOT_ALLOWED => {
                current_only("The provided calculation type is not applicable for this tax year")
            }
            RULE_TAX_YEAR_FOR_VERSION_NOT_SUPPORTED => current_only(
                "This version of the API supports tax years up to, and including, 2024-25. \
                 For tax years from 2025-26 onwards, use version 7",
            ),
            RULE_INCORRECT_GOV_TEST_SCENARIO => EraMessages {
                v1: None,
                v3: Some("The Gov-Test-Scenario was not found"),
                current: Some("The supplied Gov-Test-Scenario is not valid"),
            },
            RULE_NO_INCOME_SUBMISSIONS_EXIST => always("No income submissions exist for the tax year"),
            RULE_NO_SUBMISSIONS_EXIST => v1_only("No periodic or annual income data has been submitted"),
            RULE_CALCULATION_ERROR_MESSAGES_EXIST => {
                v1_only("Calculation error messages exist for the supplied calculation ID")
            }
            RULE_FINAL_DECLARATION_RECEIVED => v1_then(
                "Crystallisation declaration has already been received",
                "Final declaration has already been received",
            ),
            RULE_INCOME_SOURCES_CHANGED => v1_then(
                "Income sources data has changed. Perform intent to crystallise",
                "Income sources data has changed. Trigger a new calculation",
            ),
            RULE_RECENT_SUBMISSIONS_EXIST => v1_then(
                "More recent submissions exist. Perform intent to crystallise",
                "More recent submissions exist. Trigger a new calculation",
            ),
            RULE_RESIDENCY_CHANGED => v1_then(
                "Residency has changed. Perform intent to crystallise",
                "Residency has changed. Trigger a new calculation",
            ),
            RULE_INCOME_SOURCES_INVALID => from_v3("No valid income sources could be found"),
            RULE_SUBMISSION_FAILED => from_v3("The submission cannot be completed due to validation failures"),
            RULE_CALCULATION_IN_PROGRESS => {
                from_v3("A calculation is in progress. Please wait before triggering a new calculation")
            }
            RULE_BUSINESS_VALIDATION_FAILURE => from_v3("Business validation rule failures"),
            RULE_TAX_YEAR_NOT_ENDED => EraMessages {
                v1: None,
                v3: Some("Tax year not ended"),
                current: Some("The specified tax year has not yet ended"),
            },
            RULE_FINAL_DECLARATION_TAX_YEAR => {
                from_v3("Final declaration cannot be submitted until after the end of the tax year")
            }
            RULE_FINAL_DECLARATION_IN_PROGRESS => from_v3("There is a calculation in progress for the tax year"),
            RULE_PREMATURE_FINALISATION => {
                current_only("Finalisation cannot occur until after the end of the tax year")
            }
            RULE_DECLARATION_NOT_RECEIVED => current_only("The final declaration has not been received"),
            RULE_OUTSIDE_AMENDMENT_WINDOW => current_only("You are outside the amendment window"),
            BUSINESS_ERROR => always("Business validation error"),
            NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST => v1_only("No allowances, deductions and reliefs data exists"),
            END_OF_YEAR_ESTIMATE_NOT_PRESENT => {
                v1_only("End of year estimate data will only be returned for an in-year calculation")
            }
            NO_MESSAGES_PRESENT => v1_only("No messages present"),
            MATCHING_RESOURCE_NOT_FOUND => always("Matching resource not found"),
            NOT_FOUND => always("The requested resource could not be found"),
            CLIENT_OR_AGENT_NOT_AUTHORISED => {
                legacy_then("The client and/or agent is not authorised", "The client or agent is not authorised")
            }
            UNAUTHORIZED => always("Bearer token is missing or not authorized"),
            MISSING_CREDENTIALS => always("Authentication information is not provided"),
            INVALID_CREDENTIALS => always("Invalid Authentication information provided"),
            INCORRECT_ACCESS_TOKEN_TYPE => always("The access token type used is not supported when invoking the API"),
            INVALID_SCOPE => {
                always("Cannot access the required resource. Ensure this token has all the required scopes.")
            }
            ACCEPT_HEADER_INVALID => always("The accept header is missing or invalid"),
            INVALID_BODY_TYPE => always("Expecting text/json or application/json body"),
            INVALID_REQUEST => always("Invalid request"),
            INTERNAL_SERVER_ERROR => always("An internal server error occurred"),
            GATEWAY_TIMEOUT => current_only("The request has timed out"),
            // Coding out: v1 and v2 of the accounts API are the V1 era here, v3 and v4 current.
            FORMAT_VALUE => v1_then(
                "The value must be between 0.00 and 99999999999.99",
                "The value must be between 0 and 99999999999.99",
            ),
            FORMAT_ID => v1_then("The format of the ID is invalid", "The ID format is invalid"),
            FORMAT_SOURCE => always("The format of the supplied source is not valid"),
            RULE_DUPLICATE_ID_NOT_ALLOWED => always("Duplicate IDs are not allowed"),
            RULE_BUSINESS_PARTNER_NOT_EXIST => always("Provided NINO is not registered as business partner"),
            RULE_ITSA_CONTRACT_OBJECT_NOT_EXIST => always("ITSA contract object does not exist"),
            RULE_ALREADY_OPTED_IN => always("Customer is already opted in to coding out"),
            RULE_ALREADY_OPTED_OUT => always("Customer is already opted out of coding out"),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The message for `code` in `era`. Where that era had no such error the current
/// message is used, and for codes HMRC has since retired (v1's `FORMAT_CALC_ID`) the
/// latest message they had.
pub fn message(code: ErrorCode, era: Era) -> &'static str {
    let m = code.messages();
    let own = match era {
        Era::V1 => m.v1,
        Era::V3 => m.v3,
        Era::Current => m.current,
    };
    own.or(m.current).or(m.v3).or(m.v1).expect("every code has a message in some era")
}

/// The message the API gateway gives for a version HMRC has retired: a 404
/// `MATCHING_RESOURCE_NOT_FOUND` worded differently from the microservice's own.
pub const GATEWAY_RESOURCE_NOT_FOUND_MESSAGE: &str =
    "A resource with the name in the request can not be found in the API";

/// One error inside the `errors` array of an `INVALID_REQUEST` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorItem {
    pub code: ErrorCode,
    pub message: String,
    pub paths: Vec<String>,
}

impl ErrorItem {
    fn to_json(&self) -> Value {
        error_body(self.code, &self.message, &self.paths)
    }
}

/// An error answer: the HTTP status and HMRC's JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    /// Body field paths the error is about (`/amount`), written as `"paths"` when any.
    pub paths: Vec<String>,
    /// For `INVALID_REQUEST` carrying several errors.
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    /// The error `code` with its status ([`ErrorCode::status_in`]) and its message in `era`.
    pub fn new(code: ErrorCode, era: Era) -> Self {
        ApiError {
            status: code.status_in(era),
            code,
            message: message(code, era).to_owned(),
            paths: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The same error answered with another status (403 for a v3 seed-era rule error,
    /// 422 for v8 trigger's `RULE_INCOME_SOURCES_INVALID`).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The same error with another message (v1-era JSON parser text, the gateway's
    /// wording of `MATCHING_RESOURCE_NOT_FOUND`).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The same error about body fields.
    pub fn with_paths(mut self, paths: Vec<String>) -> Self {
        self.paths = paths;
        self
    }

    /// The JSON body: `{"code","message"}`, with `"paths"` when there are any and
    /// `"errors"` for a wrapper of several errors.
    pub fn to_json(&self) -> Value {
        let mut body = error_body(self.code, &self.message, &self.paths);
        if !self.errors.is_empty() {
            body["errors"] = Value::Array(self.errors.iter().map(ErrorItem::to_json).collect());
        }
        body
    }

    /// HMRC's current rule for several parameter errors (calc v4+ `Validated` validators):
    /// every error is collected; errors with the same message become one, their paths
    /// joined; the result is sorted by code. One error is answered as itself, two or more
    /// as `400 INVALID_REQUEST` "Invalid request" listing them. `None` if there are none.
    pub fn accumulated(errors: Vec<ApiError>, era: Era) -> Option<ApiError> {
        let mut merged: Vec<ApiError> = Vec::new();
        for error in errors {
            match merged.iter_mut().find(|m| m.message == error.message) {
                Some(same) => same.paths.extend(error.paths),
                None => merged.push(error),
            }
        }
        merged.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        Self::single_or_wrapped(merged, era)
    }

    /// The legacy "level" rule (calc v1 to v3): validations run in levels and the first
    /// level with errors is the answer, its errors in validation order with duplicates
    /// removed. One error is answered as itself, several as `400 INVALID_REQUEST`.
    pub fn first_level(levels: Vec<Vec<ApiError>>, era: Era) -> Option<ApiError> {
        let level = levels.into_iter().find(|level| !level.is_empty())?;
        let mut distinct: Vec<ApiError> = Vec::new();
        for error in level {
            if !distinct.contains(&error) {
                distinct.push(error);
            }
        }
        Self::single_or_wrapped(distinct, era)
    }

    fn single_or_wrapped(mut errors: Vec<ApiError>, era: Era) -> Option<ApiError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => {
                let items = errors
                    .into_iter()
                    .map(|e| ErrorItem { code: e.code, message: e.message, paths: e.paths })
                    .collect();
                Some(ApiError { errors: items, ..ApiError::new(ErrorCode::INVALID_REQUEST, era) })
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        for item in &self.errors {
            write!(f, "; {}: {}", item.code, item.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

fn error_body(code: ErrorCode, message: &str, paths: &[String]) -> Value {
    let mut body = Map::new();
    body.insert("code".into(), json!(code.as_str()));
    body.insert("message".into(), json!(message));
    if !paths.is_empty() {
        body.insert("paths".into(), json!(paths));
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    fn current(code: ErrorCode) -> ApiError {
        ApiError::new(code, Era::Current)
    }

    #[test]
    fn codes_round_trip_and_every_code_has_a_message_in_every_era() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            for era in [Era::V1, Era::V3, Era::Current] {
                assert!(!message(code, era).is_empty(), "{code} {era:?}");
            }
        }
        assert_eq!(ErrorCode::from_code("NOPE"), None);
    }

    #[test]
    fn messages_follow_the_era() {
        assert_eq!(message(FORMAT_NINO, Era::V1), "The provided NINO is invalid");
        assert_eq!(message(FORMAT_NINO, Era::V3), "The provided NINO is invalid");
        assert_eq!(message(FORMAT_NINO, Era::Current), "The NINO format is invalid");
        assert_eq!(message(RULE_TAX_YEAR_NOT_SUPPORTED, Era::V3), message(RULE_TAX_YEAR_NOT_SUPPORTED, Era::Current));
        assert_eq!(message(RULE_RESIDENCY_CHANGED, Era::V1), "Residency has changed. Perform intent to crystallise");
        assert_eq!(message(RULE_INCORRECT_GOV_TEST_SCENARIO, Era::V3), "The Gov-Test-Scenario was not found");
        // No v1 message: the current one.
        assert_eq!(message(FORMAT_CALCULATION_TYPE, Era::V1), "The provided calculation type is not valid");
        assert_eq!(message(FORMAT_CALCULATION_ID, Era::V1), "The provided calculation ID is invalid");
        // Retired codes keep their last message.
        assert_eq!(message(FORMAT_CALC_ID, Era::Current), "The provided Calculation ID is invalid");
    }

    #[test]
    fn statuses() {
        assert_eq!(MISSING_CREDENTIALS.status(), 401);
        assert_eq!(INVALID_SCOPE.status(), 403);
        assert_eq!(ACCEPT_HEADER_INVALID.status(), 406);
        assert_eq!(INVALID_BODY_TYPE.status(), 415);
        assert_eq!(MATCHING_RESOURCE_NOT_FOUND.status(), 404);
        assert_eq!(RULE_FINAL_DECLARATION_RECEIVED.status(), 400);
        assert_eq!(RULE_FINAL_DECLARATION_RECEIVED.status_in(Era::V1), 403);
        assert_eq!(RULE_TAX_YEAR_NOT_SUPPORTED.status_in(Era::V1), 400);
        assert_eq!(ApiError::new(RULE_SUBMISSION_FAILED, Era::V3).with_status(403).status, 403);
    }

    #[test]
    fn body_has_paths_only_when_there_are_any() {
        assert_eq!(
            current(FORMAT_NINO).to_json(),
            json!({"code": "FORMAT_NINO", "message": "The NINO format is invalid"})
        );
        let with_paths = current(FORMAT_TAX_YEAR).with_paths(vec!["/taxYear".into()]);
        assert_eq!(with_paths.to_json()["paths"], json!(["/taxYear"]));
    }

    #[test]
    fn accumulated_merges_by_message_sorts_by_code_and_wraps() {
        assert_eq!(ApiError::accumulated(vec![], Era::Current), None);
        let one = ApiError::accumulated(vec![current(FORMAT_TAX_YEAR)], Era::Current).unwrap();
        assert_eq!(one, current(FORMAT_TAX_YEAR));

        let errors = vec![
            current(RULE_TAX_YEAR_NOT_SUPPORTED),
            current(FORMAT_CALCULATION_ID).with_paths(vec!["/a".into()]),
            current(FORMAT_CALCULATION_ID).with_paths(vec!["/b".into()]),
        ];
        let wrapped = ApiError::accumulated(errors, Era::Current).unwrap();
        assert_eq!(wrapped.status, 400);
        assert_eq!(
            wrapped.to_json(),
            json!({
                "code": "INVALID_REQUEST",
                "message": "Invalid request",
                "errors": [
                    {"code": "FORMAT_CALCULATION_ID", "message": "The provided calculation ID is invalid", "paths": ["/a", "/b"]},
                    {"code": "RULE_TAX_YEAR_NOT_SUPPORTED", "message": "The tax year specified does not lie within the supported range"},
                ]
            })
        );

        // Two copies of the same error are one error.
        let same = ApiError::accumulated(vec![current(FORMAT_TAX_YEAR), current(FORMAT_TAX_YEAR)], Era::Current);
        assert_eq!(same, Some(current(FORMAT_TAX_YEAR)));
    }

    #[test]
    fn first_level_wins_keeping_order_without_duplicates() {
        let v3 = |code| ApiError::new(code, Era::V3);
        assert_eq!(ApiError::first_level(vec![vec![], vec![]], Era::V3), None);
        let answer = ApiError::first_level(
            vec![
                vec![],
                vec![v3(FORMAT_TAX_YEAR), v3(FORMAT_CALCULATION_ID), v3(FORMAT_TAX_YEAR)],
                vec![v3(RULE_TAX_YEAR_NOT_SUPPORTED)],
            ],
            Era::V3,
        )
        .unwrap();
        let codes: Vec<ErrorCode> = answer.errors.iter().map(|e| e.code).collect();
        assert_eq!(answer.code, INVALID_REQUEST);
        assert_eq!(codes, [FORMAT_TAX_YEAR, FORMAT_CALCULATION_ID]);

        let single = ApiError::first_level(
            vec![vec![v3(FORMAT_CALCULATION_ID)], vec![v3(RULE_TAX_YEAR_NOT_SUPPORTED)]],
            Era::V3,
        );
        assert_eq!(single, Some(v3(FORMAT_CALCULATION_ID)));
    }
}
