//! The body of HMRC's Self Assessment Accounts API (4.0) that income submissions use:
//! the customer's own figures for the debts collected through their PAYE tax code.

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::reliefs::items;
use super::{Amount, BodyError, Check, refuse_empty_array};

/// The largest identifier HMRC accepts for a coded-out amount.
const MAXIMUM_ID: u64 = 999_999_999_999_999;

/// Create or Amend Coding Out Underpayments and Debts: amounts collected through the tax
/// code that replace the ones HMRC holds for a past tax year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CodingOutUnderpayments {
    pub tax_code_components: TaxCodeComponents,
}

/// The coded-out amounts by kind.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaxCodeComponents {
    /// PAYE underpayments of earlier years.
    pub paye_underpayment: Option<Vec<CodedOutAmount>>,
    /// Self Assessment underpayments of earlier years.
    pub self_assessment_underpayment: Option<Vec<CodedOutAmount>>,
    /// Debts HMRC classifies as such.
    pub debt: Option<Vec<CodedOutAmount>>,
    /// In-year tax code adjustments to collect underpayments or debts.
    pub in_year_adjustment: Option<CodedOutAmount>,
}

/// One coded-out amount and its identifier.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CodedOutAmount {
    /// HMRC's identifier of the amount, 1 to 999999999999999.
    pub id: u64,
    pub amount: Amount,
}

fn total(v: &Option<Vec<CodedOutAmount>>) -> Money {
    items(v).iter().map(|c| c.amount.money()).sum()
}

impl CodingOutUnderpayments {
    /// PAYE underpayments being collected through the tax code.
    pub fn paye_underpayments(&self) -> Money {
        total(&self.tax_code_components.paye_underpayment)
    }

    /// Self Assessment underpayments being collected through the tax code.
    pub fn sa_underpayments(&self) -> Money {
        total(&self.tax_code_components.self_assessment_underpayment)
    }

    /// Debts being collected through the tax code.
    pub fn debts(&self) -> Money {
        total(&self.tax_code_components.debt)
    }

    /// The in-year adjustment being collected through the tax code.
    pub fn in_year_adjustment(&self) -> Money {
        self.tax_code_components.in_year_adjustment.as_ref().map_or(Money::ZERO, |c| c.amount.money())
    }
}

fn check_id(id: u64, path: &str) -> Result<(), BodyError> {
    if (1..=MAXIMUM_ID).contains(&id) {
        Ok(())
    } else {
        Err(BodyError::new(path, "FORMAT_ID", format!("{id} is not an identifier from 1 to {MAXIMUM_ID}")))
    }
}

fn check_list(v: &Option<Vec<CodedOutAmount>>, path: &str) -> Result<(), BodyError> {
    refuse_empty_array(v, path)?;
    let list = items(v);
    for (i, c) in list.iter().enumerate() {
        check_id(c.id, &format!("{path}/{i}/id"))?;
        if list[..i].iter().any(|earlier| earlier.id == c.id) {
            return Err(BodyError::new(
                format!("{path}/{i}/id"),
                "RULE_DUPLICATE_ID_NOT_ALLOWED",
                format!("the identifier {} appears twice", c.id),
            ));
        }
    }
    Ok(())
}

impl Check for CodingOutUnderpayments {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        let t = &self.tax_code_components;
        if *t == TaxCodeComponents::default() {
            return Err(BodyError::incorrect_or_empty("taxCodeComponents", "is an empty object"));
        }
        check_list(&t.paye_underpayment, "taxCodeComponents/payeUnderpayment")?;
        check_list(&t.self_assessment_underpayment, "taxCodeComponents/selfAssessmentUnderpayment")?;
        check_list(&t.debt, "taxCodeComponents/debt")?;
        if let Some(a) = &t.in_year_adjustment {
            check_id(a.id, "taxCodeComponents/inYearAdjustment/id")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    #[test]
    fn coding_out_parses_checks_and_sums() {
        let body: CodingOutUnderpayments = serde_json::from_str(
            r#"{"taxCodeComponents": {
                "payeUnderpayment": [{"id": 12345, "amount": 250.5}, {"id": 12346, "amount": 100}],
                "selfAssessmentUnderpayment": [{"id": 22345, "amount": 900}],
                "debt": [{"id": 32345, "amount": 40}],
                "inYearAdjustment": {"id": 42345, "amount": 75}}}"#,
        )
        .unwrap();
        body.check(year(2024)).unwrap();
        assert_eq!(body.paye_underpayments().amount().to_string(), "350.5");
        assert_eq!(body.sa_underpayments(), Money::pounds(900));
        assert_eq!(body.debts(), Money::pounds(40));
        assert_eq!(body.in_year_adjustment(), Money::pounds(75));

        let e = serde_json::from_str::<CodingOutUnderpayments>(r#"{"taxCodeComponents": {"debts": []}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));
        assert!(
            serde_json::from_str::<CodingOutUnderpayments>(
                r#"{"taxCodeComponents": {"debt": [{"id": 1.5, "amount": 1}]}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn coding_out_rules() {
        let dup: CodingOutUnderpayments = serde_json::from_str(
            r#"{"taxCodeComponents": {"debt": [{"id": 7, "amount": 1}, {"id": 7, "amount": 2}]}}"#,
        )
        .unwrap();
        let e = dup.check(year(2024)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("taxCodeComponents/debt/1/id", "RULE_DUPLICATE_ID_NOT_ALLOWED"));
        let zero: CodingOutUnderpayments =
            serde_json::from_str(r#"{"taxCodeComponents": {"inYearAdjustment": {"id": 0, "amount": 1}}}"#).unwrap();
        assert_eq!(zero.check(year(2024)).unwrap_err().code, "FORMAT_ID");
        let empty: CodingOutUnderpayments = serde_json::from_str(r#"{"taxCodeComponents": {}}"#).unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
