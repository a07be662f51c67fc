//! Request validation for Individual Calculations 1.0, as the seed documentation of
//! autumn 2019 describes it.
//!
//! Version 1.0 validates in levels: each endpoint's checks are grouped, the groups run in
//! order, and the first group that finds anything is the answer, its errors in the order
//! they were found with duplicates removed ([`ApiError::first_level`]). Errors carry the
//! v1 wording. The NINO is checked before any of this (on its own, before the client
//! check), so it is not a parameter here.
//!
//! The seed era names a tax year that spans more than one year
//! `RULE_TAX_YEAR_RANGE_EXCEEDED` (HMRC renamed it `RULE_TAX_YEAR_RANGE_INVALID` in
//! December 2019) and a malformed calculation id `FORMAT_CALC_ID`.

use itsa_engine::TaxYear;
use serde_json::Value;

use crate::domain::{CalculationId, parse_tax_year};
use crate::errors::{ApiError, Era, ErrorCode};
use crate::v8::requests::supported_tax_year;

/// The kinds of message the `type` filter of the messages endpoint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    Info,
    Warning,
    Error,
}

impl MessageType {
    /// `info`, `warning` or `error`; case matters.
    pub fn parse(text: &str) -> Option<MessageType> {
        match text {
            "info" => Some(MessageType::Info),
            "warning" => Some(MessageType::Warning),
            "error" => Some(MessageType::Error),
            _ => None,
        }
    }
}

/// The messages endpoint's filter: the kinds asked for, or every kind when none was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFilter(Vec<MessageType>);

impl MessageFilter {
    /// Every kind of message.
    pub fn all() -> Self {
        MessageFilter(Vec::new())
    }

    pub fn includes(&self, kind: MessageType) -> bool {
        self.0.is_empty() || self.0.contains(&kind)
    }
}

/// `GET /{nino}/self-assessment/{calculationId}/messages[?type=…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagesRequest {
    pub calculation_id: CalculationId,
    pub filter: MessageFilter,
}

/// `POST /crystallisation/{nino}/{taxYear}/crystallise`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrystalliseRequest {
    pub tax_year: TaxYear,
    pub calculation_id: CalculationId,
}

fn error(code: ErrorCode) -> ApiError {
    ApiError::new(code, Era::V1)
}

/// The answer for a request whose levels found errors.
fn first_level(levels: Vec<Vec<ApiError>>) -> ApiError {
    ApiError::first_level(levels, Era::V1).expect("called only when some level has an error")
}

/// A tax year's format and range, in the seed era's codes.
fn tax_year_format(text: &str) -> Result<TaxYear, ApiError> {
    parse_tax_year(text).map_err(|code| match code {
        ErrorCode::RULE_TAX_YEAR_RANGE_INVALID => error(ErrorCode::RULE_TAX_YEAR_RANGE_EXCEEDED),
        other => error(other),
    })
}

/// The minimum tax year, 2017-18, and the last one itsa has the rules of.
fn tax_year_minimum(year: TaxYear) -> Result<TaxYear, ApiError> {
    if supported_tax_year(year) { Ok(year) } else { Err(error(ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED)) }
}

/// Format and range, then the minimum: two levels.
fn tax_year(text: &str) -> Result<TaxYear, ApiError> {
    tax_year_minimum(tax_year_format(text)?)
}

fn calculation_id(text: &str) -> Result<CalculationId, ApiError> {
    CalculationId::parse(text).ok_or_else(|| error(ErrorCode::FORMAT_CALC_ID))
}

/// The string field `name` of a JSON object body; anything else (no object, `{}`, the
/// field missing or not a string) is `RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`. Other
/// fields are ignored, as HMRC's reader does.
fn body_string<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    body.get(name).and_then(Value::as_str).ok_or_else(|| error(ErrorCode::RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED))
}

/// List: the tax year asked for (format and range, then 2017-18 or later), or
/// `current` when the query has none.
pub fn list(tax_year_query: Option<&str>, current: TaxYear) -> Result<TaxYear, ApiError> {
    match tax_year_query {
        Some(text) => tax_year(text),
        None => Ok(current),
    }
}

/// Trigger, from its JSON body `{"taxYear": "2019-20"}`: the body's shape, then the tax
/// year's format and range, then the minimum.
pub fn trigger(body: &Value) -> Result<TaxYear, ApiError> {
    tax_year(body_string(body, "taxYear")?)
}

/// Metadata and the sub-resources: the calculation id (`FORMAT_CALC_ID`).
pub fn calculation(calculation_id_text: &str) -> Result<CalculationId, ApiError> {
    calculation_id(calculation_id_text)
}

/// Messages: the calculation id and each `type` value (`info`, `warning` or `error`,
/// else `FORMAT_TYPE`), all in one level. An empty value (`?type=`) is a bad value.
pub fn messages(calculation_id_text: &str, types: &[String]) -> Result<MessagesRequest, ApiError> {
    let id = calculation_id(calculation_id_text);
    let kinds: Vec<Result<MessageType, ApiError>> =
        types.iter().map(|t| MessageType::parse(t).ok_or_else(|| error(ErrorCode::FORMAT_TYPE))).collect();
    let mut errors: Vec<ApiError> = id.as_ref().err().cloned().into_iter().collect();
    errors.extend(kinds.iter().filter_map(|k| k.as_ref().err().cloned()));
    if !errors.is_empty() {
        return Err(first_level(vec![errors]));
    }
    let mut filter: Vec<MessageType> = kinds.into_iter().flatten().collect();
    filter.sort();
    filter.dedup();
    Ok(MessagesRequest { calculation_id: id.expect("no errors"), filter: MessageFilter(filter) })
}

/// Intent to crystallise: the tax year (format and range, then the minimum).
pub fn intent_to_crystallise(tax_year_text: &str) -> Result<TaxYear, ApiError> {
    tax_year(tax_year_text)
}

/// Crystallise: the tax year (format and range, then the minimum), then the body's
/// shape (`{"calculationId": "…"}`), then the id's format.
pub fn crystallise(tax_year_text: &str, body: &Value) -> Result<CrystalliseRequest, ApiError> {
    let tax_year = tax_year(tax_year_text)?;
    let calculation_id = calculation_id(body_string(body, "calculationId")?)?;
    Ok(CrystalliseRequest { tax_year, calculation_id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;
    use serde_json::json;

    const ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";

    fn codes<T: std::fmt::Debug>(result: Result<T, ApiError>) -> Vec<ErrorCode> {
        let error = result.expect_err("expected an error");
        if error.code == INVALID_REQUEST { error.errors.iter().map(|e| e.code).collect() } else { vec![error.code] }
    }

    #[test]
    fn list_defaults_to_the_current_year() {
        let current = TaxYear::starting(2020);
        assert_eq!(list(None, current), Ok(current));
        assert_eq!(list(Some("2017-18"), current), Ok(TaxYear::starting(2017)));
        assert_eq!(codes(list(Some("2019"), current)), [FORMAT_TAX_YEAR]);
        assert_eq!(codes(list(Some("2018-20"), current)), [RULE_TAX_YEAR_RANGE_EXCEEDED]);
        assert_eq!(codes(list(Some("2016-17"), current)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(list(Some(""), current)), [FORMAT_TAX_YEAR]);
    }

    #[test]
    fn trigger_checks_the_body_first() {
        assert_eq!(trigger(&json!({"taxYear": "2019-20"})), Ok(TaxYear::starting(2019)));
        assert_eq!(trigger(&json!({"taxYear": "2019-20", "extra": 1})), Ok(TaxYear::starting(2019)));
        for bad in [json!({}), json!({"taxYear": 2019}), json!([]), json!("2019-20"), json!(null)] {
            assert_eq!(codes(trigger(&bad)), [RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED], "{bad}");
        }
        assert_eq!(codes(trigger(&json!({"taxYear": "2019"}))), [FORMAT_TAX_YEAR]);
        assert_eq!(codes(trigger(&json!({"taxYear": "2016-17"}))), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(trigger(&json!({"taxYear": "2027-28"}))), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        let range = trigger(&json!({"taxYear": "2018-20"})).unwrap_err();
        assert_eq!(range.code, RULE_TAX_YEAR_RANGE_EXCEEDED);
        assert_eq!(range.message, "Tax year range exceeded. A tax year range of one year is required");
    }

    #[test]
    fn calculation_ids() {
        assert_eq!(calculation(ID).unwrap().as_str(), ID);
        for bad in
            ["2021-22", "F2FB30E5-4AB6-4A29-B3C1-C7264259FF1C", "f2fb30e5-4ab6-6a29-b3c1-c7264259ff1c", "1234567"]
        {
            let e = calculation(bad).unwrap_err();
            assert_eq!((e.status, e.code), (400, FORMAT_CALC_ID), "{bad}");
            assert_eq!(e.message, "The provided Calculation ID is invalid");
        }
    }

    #[test]
    fn message_filters() {
        let all = messages(ID, &[]).unwrap();
        assert!(all.filter.includes(MessageType::Error));
        let some = messages(ID, &["warning".into(), "info".into(), "info".into()]).unwrap();
        assert!(some.filter.includes(MessageType::Info) && some.filter.includes(MessageType::Warning));
        assert!(!some.filter.includes(MessageType::Error));

        assert_eq!(codes(messages(ID, &["fatal".into()])), [FORMAT_TYPE]);
        assert_eq!(codes(messages(ID, &["info".into(), "fatal".into(), "bad".into()])), [FORMAT_TYPE]);
        assert_eq!(codes(messages(ID, &["".into()])), [FORMAT_TYPE]);
        assert_eq!(codes(messages(ID, &["Info".into()])), [FORMAT_TYPE]);
        assert_eq!(codes(messages("bad-id", &["fatal".into()])), [FORMAT_CALC_ID, FORMAT_TYPE]);
    }

    #[test]
    fn crystallisation() {
        assert_eq!(intent_to_crystallise("2019-20"), Ok(TaxYear::starting(2019)));
        assert_eq!(codes(intent_to_crystallise("2016-17")), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        let ok = crystallise("2019-20", &json!({"calculationId": ID})).unwrap();
        assert_eq!((ok.tax_year, ok.calculation_id.as_str()), (TaxYear::starting(2019), ID));
        // The tax year comes before the body, and the body before the id's format.
        assert_eq!(codes(crystallise("2019", &json!({}))), [FORMAT_TAX_YEAR]);
        assert_eq!(codes(crystallise("2016-17", &json!({}))), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(crystallise("2019-20", &json!({}))), [RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED]);
        assert_eq!(codes(crystallise("2019-20", &json!({"calculationId": "x"}))), [FORMAT_CALC_ID]);
    }

    #[test]
    fn rule_errors_are_403_in_v1() {
        assert_eq!(ApiError::new(RULE_NO_INCOME_SUBMISSIONS_EXIST, Era::V1).status, 403);
        assert_eq!(ApiError::new(RULE_CALCULATION_ERROR_MESSAGES_EXIST, Era::V1).status, 403);
        assert_eq!(ApiError::new(NO_MESSAGES_PRESENT, Era::V1).status, 404);
    }
}
