//! Request validation for Individual Calculations 3.0, as HMRC's code of 2022 did it.
//!
//! Version 3.0 validates in levels like 1.0 ([`ApiError::first_level`]): the parameters'
//! formats (tax year format and range, calculation id, `finalDeclaration`) together in
//! the first level, the minimum tax year (2017-18) in the second. A malformed
//! calculation id is `FORMAT_CALCULATION_ID` from this version on. The NINO is checked
//! before any of this, on its own.

use itsa_engine::TaxYear;

use crate::domain::{CalculationId, parse_tax_year};
use crate::errors::{ApiError, Era, ErrorCode};
use crate::v8::requests::supported_tax_year;

/// `GET /{nino}/self-assessment[?taxYear]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRequest {
    pub tax_year: TaxYear,
}

/// `POST /{nino}/self-assessment/{taxYear}[?finalDeclaration=true|false]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerRequest {
    pub tax_year: TaxYear,
    /// `finalDeclaration=true`: a calculation to make the final declaration with.
    pub final_declaration: bool,
}

/// `GET /{nino}/self-assessment/{taxYear}/{calculationId}` and
/// `POST …/{calculationId}/final-declaration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrieveRequest {
    pub tax_year: TaxYear,
    pub calculation_id: CalculationId,
}

fn error(code: ErrorCode) -> ApiError {
    ApiError::new(code, Era::V3)
}

/// The first level's errors, in validation order, or the minimum-year check.
fn levels(first: Vec<Option<ApiError>>, year: Option<TaxYear>) -> Result<(), ApiError> {
    let first: Vec<ApiError> = first.into_iter().flatten().collect();
    let second: Vec<ApiError> = match year {
        Some(year) if !supported_tax_year(year) => vec![error(ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED)],
        _ => Vec::new(),
    };
    match ApiError::first_level(vec![first, second], Era::V3) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn tax_year(text: &str) -> Result<TaxYear, ApiError> {
    parse_tax_year(text).map_err(error)
}

fn calculation_id(text: &str) -> Result<CalculationId, ApiError> {
    CalculationId::parse(text).ok_or_else(|| error(ErrorCode::FORMAT_CALCULATION_ID))
}

/// `finalDeclaration`: `true` or `false` in any case; absent is `false`; anything else,
/// the empty value included, is `FORMAT_FINAL_DECLARATION`.
fn final_declaration(text: Option<&str>) -> Result<bool, ApiError> {
    match text {
        None => Ok(false),
        Some(t) if t.eq_ignore_ascii_case("true") => Ok(true),
        Some(t) if t.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(error(ErrorCode::FORMAT_FINAL_DECLARATION)),
    }
}

/// List: the tax year asked for, or `current` when the query has none.
pub fn list(tax_year_query: Option<&str>, current: TaxYear) -> Result<ListRequest, ApiError> {
    let Some(text) = tax_year_query else {
        return Ok(ListRequest { tax_year: current });
    };
    let year = tax_year(text);
    levels(vec![year.as_ref().err().cloned()], year.as_ref().ok().copied())?;
    Ok(ListRequest { tax_year: year? })
}

/// Trigger: tax year and `finalDeclaration`, then the minimum year.
pub fn trigger(tax_year_text: &str, final_declaration_query: Option<&str>) -> Result<TriggerRequest, ApiError> {
    let year = tax_year(tax_year_text);
    let declaration = final_declaration(final_declaration_query);
    levels(vec![year.as_ref().err().cloned(), declaration.as_ref().err().cloned()], year.as_ref().ok().copied())?;
    Ok(TriggerRequest { tax_year: year?, final_declaration: declaration? })
}

/// Retrieve, and submit a final declaration: tax year and calculation id, then the
/// minimum year.
pub fn retrieve(tax_year_text: &str, calculation_id_text: &str) -> Result<RetrieveRequest, ApiError> {
    let year = tax_year(tax_year_text);
    let id = calculation_id(calculation_id_text);
    levels(vec![year.as_ref().err().cloned(), id.as_ref().err().cloned()], year.as_ref().ok().copied())?;
    Ok(RetrieveRequest { tax_year: year?, calculation_id: id? })
}

/// Submit a final declaration: as [`retrieve`].
pub fn submit(tax_year_text: &str, calculation_id_text: &str) -> Result<RetrieveRequest, ApiError> {
    retrieve(tax_year_text, calculation_id_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    const ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";

    fn codes<T: std::fmt::Debug>(result: Result<T, ApiError>) -> Vec<ErrorCode> {
        let error = result.expect_err("expected an error");
        if error.code == INVALID_REQUEST { error.errors.iter().map(|e| e.code).collect() } else { vec![error.code] }
    }

    #[test]
    fn list_validation() {
        let current = TaxYear::starting(2022);
        assert_eq!(list(None, current).unwrap().tax_year, current);
        assert_eq!(list(Some("2017-18"), current).unwrap().tax_year, TaxYear::starting(2017));
        assert_eq!(codes(list(Some("21-22"), current)), [FORMAT_TAX_YEAR]);
        assert_eq!(codes(list(Some("2016-17"), current)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(list(Some("2022-24"), current)), [RULE_TAX_YEAR_RANGE_INVALID]);
    }

    #[test]
    fn trigger_validation() {
        assert_eq!(
            trigger("2021-22", None),
            Ok(TriggerRequest { tax_year: TaxYear::starting(2021), final_declaration: false })
        );
        assert!(trigger("2021-22", Some("true")).unwrap().final_declaration);
        assert!(trigger("2021-22", Some("TRUE")).unwrap().final_declaration);
        assert!(!trigger("2021-22", Some("False")).unwrap().final_declaration);
        assert_eq!(codes(trigger("2021-22", Some(""))), [FORMAT_FINAL_DECLARATION]);
        // The first level wins: a bad flag hides the unsupported year.
        assert_eq!(codes(trigger("2016-17", Some("maybe"))), [FORMAT_FINAL_DECLARATION]);
        assert_eq!(codes(trigger("2016-17", None)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(trigger("2027-28", None)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(trigger("2022-24", None)), [RULE_TAX_YEAR_RANGE_INVALID]);
        assert_eq!(codes(trigger("2022", Some("x"))), [FORMAT_TAX_YEAR, FORMAT_FINAL_DECLARATION]);
    }

    #[test]
    fn retrieve_and_submit_validation() {
        let ok = retrieve("2021-22", ID).unwrap();
        assert_eq!((ok.tax_year, ok.calculation_id.as_str()), (TaxYear::starting(2021), ID));
        assert_eq!(codes(retrieve("2021-23", "bad-id")), [RULE_TAX_YEAR_RANGE_INVALID, FORMAT_CALCULATION_ID]);
        assert_eq!(codes(retrieve("2016-17", "bad-id")), [FORMAT_CALCULATION_ID]);
        assert_eq!(codes(submit("2016-17", ID)), [RULE_TAX_YEAR_NOT_SUPPORTED]);
        assert_eq!(codes(submit("2021-22", "bad-id")), [FORMAT_CALCULATION_ID]);
        let e = submit("2021-22", "bad-id").unwrap_err();
        assert_eq!(e.message, "The provided calculationId is invalid");
    }
}
