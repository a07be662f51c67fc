//! Request validation for Individual Calculations 8.0 and 9.0: the path and query
//! parameters of the four endpoints, parsed into typed requests.
//!
//! HMRC's current validators resolve every parameter independently and collect all
//! their errors; rules that need several parameters run only once every parameter has
//! parsed. Several errors are merged and sorted by code ([`ApiError::accumulated`]).
//! The NINO is checked before any of this (it is answered on its own, before
//! authorisation), so it is not a parameter here.

use itsa_engine::TaxYear;

use crate::domain::{CalculationId, CalculationType, parse_tax_year};
use crate::errors::{ApiError, Era, ErrorCode};

/// The first tax year the list, trigger and retrieve endpoints accept.
pub const MINIMUM_TAX_YEAR: TaxYear = TaxYear::starting(2017);

/// Whether a tax year lies within the supported range: from HMRC's minimum, 2017-18, to
/// the last year itsa has the rules of. HMRC's validators check the minimum and leave
/// later years to the downstream service, which answers `TAX_YEAR_NOT_SUPPORTED` for a
/// year it cannot calculate; itsa, which is that service, answers
/// `RULE_TAX_YEAR_NOT_SUPPORTED` for such a year where HMRC checks the minimum.
pub fn supported_tax_year(year: TaxYear) -> bool {
    year >= MINIMUM_TAX_YEAR && year <= TaxYear::LAST_SUPPORTED
}

/// The last tax year whose calculations cannot be amended (amendments start in 2025-26).
const LAST_YEAR_BEFORE_AMENDMENTS: TaxYear = TaxYear::starting(2024);

/// The last tax year whose list accepts no `calculationType` filter at all.
const LAST_YEAR_WITHOUT_LIST_FILTER: TaxYear = TaxYear::starting(2022);

/// `POST /{nino}/self-assessment/{taxYear}/trigger/{calculationType}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerRequest {
    tax_year: TaxYear,
    calculation_type: CalculationType,
}

impl TriggerRequest {
    pub fn tax_year(&self) -> TaxYear {
        self.tax_year
    }

    /// `in-year`, `intent-to-finalise` or `intent-to-amend` (the last from 2025-26 only).
    pub fn calculation_type(&self) -> CalculationType {
        self.calculation_type
    }
}

/// `GET /{nino}/self-assessment/{taxYear}[?calculationType]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    tax_year: TaxYear,
    calculation_type: Option<CalculationType>,
}

impl ListRequest {
    pub fn tax_year(&self) -> TaxYear {
        self.tax_year
    }

    /// The filter, if one was asked for.
    pub fn calculation_type(&self) -> Option<CalculationType> {
        self.calculation_type
    }
}

/// `GET /{nino}/self-assessment/{taxYear}/{calculationId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrieveRequest {
    tax_year: TaxYear,
    calculation_id: CalculationId,
}

impl RetrieveRequest {
    pub fn tax_year(&self) -> TaxYear {
        self.tax_year
    }

    pub fn calculation_id(&self) -> &CalculationId {
        &self.calculation_id
    }
}

/// `POST /{nino}/self-assessment/{taxYear}/{calculationId}/{calculationType}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitRequest {
    tax_year: TaxYear,
    calculation_id: CalculationId,
    calculation_type: CalculationType,
}

impl SubmitRequest {
    pub fn tax_year(&self) -> TaxYear {
        self.tax_year
    }

    pub fn calculation_id(&self) -> &CalculationId {
        &self.calculation_id
    }

    /// `final-declaration`, or `confirm-amendment` (from 2025-26 only).
    pub fn calculation_type(&self) -> CalculationType {
        self.calculation_type
    }
}

/// Trigger: tax year (format, range, 2017-18 or later) and a calculation type of
/// `in-year`, `intent-to-finalise` or `intent-to-amend` (else `FORMAT_CALCULATION_TYPE`);
/// then `intent-to-amend` for 2024-25 or earlier is `RULE_CALCULATION_TYPE_NOT_ALLOWED`.
pub fn trigger(tax_year: &str, calculation_type: &str) -> Result<TriggerRequest, ApiError> {
    use CalculationType::*;
    let (tax_year, calculation_type) = all_parsed2(
        tax_year_from_2017_18(tax_year),
        calculation_type_among(calculation_type, &[InYear, IntentToFinalise, IntentToAmend]),
    )?;
    if calculation_type == IntentToAmend && tax_year <= LAST_YEAR_BEFORE_AMENDMENTS {
        return Err(error(ErrorCode::RULE_CALCULATION_TYPE_NOT_ALLOWED));
    }
    Ok(TriggerRequest { tax_year, calculation_type })
}

/// List: tax year (format, range, 2017-18 or later) and an optional calculation type of
/// any of the five kinds (else `FORMAT_CALCULATION_TYPE`). Then
/// `RULE_CALCULATION_TYPE_NOT_ALLOWED` for any filter up to 2022-23, and for a filter
/// other than `in-year`, `intent-to-finalise` or `final-declaration` in 2023-24 and
/// 2024-25. An empty query value (`?calculationType=`) is a present, invalid filter.
pub fn list(tax_year: &str, calculation_type: Option<&str>) -> Result<ListRequest, ApiError> {
    use CalculationType::*;
    let filter = match calculation_type {
        Some(text) => calculation_type_among(text, &CalculationType::ALL).map(Some),
        None => Ok(None),
    };
    let (tax_year, calculation_type) = all_parsed2(tax_year_from_2017_18(tax_year), filter)?;
    let allowed = match (tax_year, calculation_type) {
        (_, None) => true,
        (year, Some(_)) if year <= LAST_YEAR_WITHOUT_LIST_FILTER => false,
        (year, Some(kind)) if year <= LAST_YEAR_BEFORE_AMENDMENTS => {
            matches!(kind, InYear | IntentToFinalise | FinalDeclaration)
        }
        _ => true,
    };
    if !allowed {
        return Err(error(ErrorCode::RULE_CALCULATION_TYPE_NOT_ALLOWED));
    }
    Ok(ListRequest { tax_year, calculation_type })
}

/// Retrieve: tax year (format, range, 2017-18 or later) and calculation id
/// (`FORMAT_CALCULATION_ID`). The minimum year is part of the tax-year check, so
/// `/2016-17/bad-id` gives both errors.
pub fn retrieve(tax_year: &str, calculation_id: &str) -> Result<RetrieveRequest, ApiError> {
    let (tax_year, calculation_id) =
        all_parsed2(tax_year_from_2017_18(tax_year), parse_calculation_id(calculation_id))?;
    Ok(RetrieveRequest { tax_year, calculation_id })
}

/// Submit: tax year (format and range, no minimum), calculation id, and a calculation
/// type of `final-declaration` or `confirm-amendment` (else `FORMAT_CALCULATION_TYPE`);
/// then `confirm-amendment` for 2024-25 or earlier is `RULE_SUBMISSION_FAILED`.
pub fn submit(tax_year: &str, calculation_id: &str, calculation_type: &str) -> Result<SubmitRequest, ApiError> {
    use CalculationType::*;
    let parsed = (
        parse_tax_year(tax_year).map_err(error),
        parse_calculation_id(calculation_id),
        calculation_type_among(calculation_type, &[FinalDeclaration, ConfirmAmendment]),
    );
    let (tax_year, calculation_id, calculation_type) = match parsed {
        (Ok(year), Ok(id), Ok(kind)) => (year, id, kind),
        (year, id, kind) => return Err(combined([year.err(), id.err(), kind.err()])),
    };
    if calculation_type == ConfirmAmendment && tax_year <= LAST_YEAR_BEFORE_AMENDMENTS {
        return Err(error(ErrorCode::RULE_SUBMISSION_FAILED));
    }
    Ok(SubmitRequest { tax_year, calculation_id, calculation_type })
}

/// An error in the v8/v9 wording.
fn error(code: ErrorCode) -> ApiError {
    ApiError::new(code, Era::Current)
}

/// A tax year no earlier than 2017-18 (HMRC's `ResolveTaxYearMinimum`): format, range,
/// then `RULE_TAX_YEAR_NOT_SUPPORTED`.
fn tax_year_from_2017_18(text: &str) -> Result<TaxYear, ApiError> {
    let year = parse_tax_year(text).map_err(error)?;
    if !supported_tax_year(year) {
        return Err(error(ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED));
    }
    Ok(year)
}

fn parse_calculation_id(text: &str) -> Result<CalculationId, ApiError> {
    CalculationId::parse(text).ok_or_else(|| error(ErrorCode::FORMAT_CALCULATION_ID))
}

/// A calculation type among those an endpoint accepts.
fn calculation_type_among(text: &str, accepted: &[CalculationType]) -> Result<CalculationType, ApiError> {
    CalculationType::parse(text)
        .filter(|kind| accepted.contains(kind))
        .ok_or_else(|| error(ErrorCode::FORMAT_CALCULATION_TYPE))
}

/// Both parameters, or every error among them combined.
fn all_parsed2<A, B>(a: Result<A, ApiError>, b: Result<B, ApiError>) -> Result<(A, B), ApiError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(combined([a.err(), b.err()])),
    }
}

fn combined<const N: usize>(errors: [Option<ApiError>; N]) -> ApiError {
    ApiError::accumulated(errors.into_iter().flatten().collect(), Era::Current)
        .expect("combined is called only when some parameter failed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    const ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";

    /// The code of a single error, or the codes inside an `INVALID_REQUEST`.
    fn codes<T: std::fmt::Debug>(result: Result<T, ApiError>) -> Vec<ErrorCode> {
        let error = result.expect_err("expected an error");
        assert_eq!(error.status, 400, "{error}");
        if error.code == INVALID_REQUEST {
            assert_eq!(error.message, "Invalid request");
            error.errors.iter().map(|e| e.code).collect()
        } else {
            assert!(error.errors.is_empty());
            vec![error.code]
        }
    }

    #[test]
    fn trigger_validation() {
        let ok = trigger("2025-26", "intent-to-amend").unwrap();
        assert_eq!((ok.tax_year(), ok.calculation_type()), (TaxYear::starting(2025), CalculationType::IntentToAmend));
        assert_eq!(trigger("2017-18", "in-year").unwrap().calculation_type(), CalculationType::InYear);
        assert!(trigger("2024-25", "intent-to-finalise").is_ok());

        assert_eq!(codes(trigger("2024-25", "intent-to-amend")), [RULE_CALCULATION_TYPE_NOT_ALLOWED]);
        assert_eq!(codes(trigger("2025-26", "final-declaration")), [FORMAT_CALCULATION_TYPE]);
        assert_eq!(codes(trigger("2025-26", "confirm-amendment")), [FORMAT_CALCULATION_TYPE]);
        assert_eq!(codes(trigger("2025-27", "in-year")), [RULE_TAX_YEAR_RANGE_INVALID]);
        assert_eq!(codes(trigger("2016-17", "in-year")), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        // The rule runs only when every parameter parsed.
        assert_eq!(codes(trigger("2016-17", "foo")), [FORMAT_CALCULATION_TYPE, RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(trigger("2016-17", "intent-to-amend")), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        // Beyond the last year of the rules, as the downstream service would answer.
        assert_eq!(codes(trigger("2027-28", "in-year")), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(list("2030-31", None)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(retrieve("2027-28", "bad-id")), [FORMAT_CALCULATION_ID, RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert!(trigger("2026-27", "in-year").is_ok());
    }

    #[test]
    fn list_validation() {
        let ok = list("2025-26", None).unwrap();
        assert_eq!((ok.tax_year(), ok.calculation_type()), (TaxYear::starting(2025), None));
        assert!(list("2017-18", None).is_ok());
        assert_eq!(
            list("2025-26", Some("confirm-amendment")).unwrap().calculation_type(),
            Some(CalculationType::ConfirmAmendment)
        );
        for allowed in ["in-year", "intent-to-finalise", "final-declaration"] {
            assert!(list("2023-24", Some(allowed)).is_ok(), "{allowed}");
            assert!(list("2024-25", Some(allowed)).is_ok(), "{allowed}");
        }

        assert_eq!(codes(list("2025", Some("foo"))), [FORMAT_CALCULATION_TYPE, FORMAT_TAX_YEAR]);
        assert_eq!(codes(list("2015-16", None)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(list("2016-17", Some("in-year"))), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(list("2025-27", None)), [RULE_TAX_YEAR_RANGE_INVALID]);
        assert_eq!(codes(list("2022-23", Some("in-year"))), [RULE_CALCULATION_TYPE_NOT_ALLOWED]);
        assert_eq!(codes(list("2024-25", Some("intent-to-amend"))), [RULE_CALCULATION_TYPE_NOT_ALLOWED]);
        assert_eq!(codes(list("2023-24", Some("confirm-amendment"))), [RULE_CALCULATION_TYPE_NOT_ALLOWED]);
        assert_eq!(codes(list("2025-26", Some(""))), [FORMAT_CALCULATION_TYPE]);
        assert_eq!(codes(list("2025-26", Some("In-Year"))), [FORMAT_CALCULATION_TYPE]);
    }

    #[test]
    fn retrieve_validation() {
        let ok = retrieve("2023-24", ID).unwrap();
        assert_eq!((ok.tax_year(), ok.calculation_id().as_str()), (TaxYear::starting(2023), ID));
        assert!(retrieve("2017-18", "12345678").is_ok());

        assert_eq!(codes(retrieve("2016-17", "bad-id")), [FORMAT_CALCULATION_ID, RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(retrieve("2025-26", "bad-id")), [FORMAT_CALCULATION_ID]);
        assert_eq!(codes(retrieve("2099-00", ID)), [FORMAT_TAX_YEAR]);
        assert_eq!(codes(retrieve("2019-21", "x")), [FORMAT_CALCULATION_ID, RULE_TAX_YEAR_RANGE_INVALID]);
    }

    #[test]
    fn submit_validation() {
        let ok = submit("2025-26", ID, "confirm-amendment").unwrap();
        assert_eq!(ok.calculation_type(), CalculationType::ConfirmAmendment);
        assert_eq!(ok.calculation_id().as_str(), ID);
        // No minimum tax year.
        assert_eq!(submit("2016-17", ID, "final-declaration").unwrap().tax_year(), TaxYear::starting(2016));
        assert_eq!(submit("2010-11", ID, "final-declaration").unwrap().tax_year(), TaxYear::starting(2010));

        assert_eq!(codes(submit("2025-26", "bad-id", "foo")), [FORMAT_CALCULATION_ID, FORMAT_CALCULATION_TYPE]);
        assert_eq!(codes(submit("2024-25", ID, "confirm-amendment")), [RULE_SUBMISSION_FAILED]);
        assert_eq!(codes(submit("2025-26", ID, "intent-to-finalise")), [FORMAT_CALCULATION_TYPE]);
        assert_eq!(codes(submit("2025-26", ID, "in-year")), [FORMAT_CALCULATION_TYPE]);
        assert_eq!(
            codes(submit("2025", "bad-id", "foo")),
            [FORMAT_CALCULATION_ID, FORMAT_CALCULATION_TYPE, FORMAT_TAX_YEAR]
        );
        assert_eq!(codes(submit("2024-25", "bad-id", "confirm-amendment")), [FORMAT_CALCULATION_ID]);
    }

    #[test]
    fn wrapped_errors_carry_current_messages() {
        let body = retrieve("2016-17", "bad-id").unwrap_err().to_json();
        assert_eq!(
            body,
            serde_json::json!({
                "code": "INVALID_REQUEST",
                "message": "Invalid request",
                "errors": [
                    {"code": "FORMAT_CALCULATION_ID", "message": "The provided calculation ID is invalid"},
                    {"code": "RULE_TAX_YEAR_NOT_SUPPORTED", "message": "The tax year specified does not lie within the supported range"},
                ]
            })
        );
    }
}
