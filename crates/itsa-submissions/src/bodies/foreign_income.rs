//! The body of HMRC's Individuals Foreign Income API (2.0): foreign earnings not taxable
//! in the UK and unremittable foreign income.

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, CountryCode, check_reference, refuse_empty_array};

/// Create and Amend Foreign Income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignIncome {
    pub foreign_earnings: Option<ForeignEarnings>,
    /// Foreign income that could not be brought to the UK, by country.
    pub unremittable_foreign_income: Option<Vec<UnremittableForeignIncome>>,
}

/// Foreign earnings that are not taxable in the UK.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignEarnings {
    /// The customer's reference for the income.
    pub customer_reference: Option<String>,
    /// Earnings abroad that could not be transferred to the UK because of exchange
    /// controls, in pounds.
    #[serde(rename = "earningsNotTaxableUK")]
    pub earnings_not_taxable_uk: Amount,
}

/// Foreign income of one country that could not be brought to the UK.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UnremittableForeignIncome {
    pub country_code: CountryCode,
    /// The income, in the country's own currency.
    pub amount_in_foreign_currency: Amount,
    /// The tax paid on it, in the country's own currency.
    pub amount_tax_paid: Option<Amount>,
}

impl Check for ForeignIncome {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if *self == ForeignIncome::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        if let Some(r) = self.foreign_earnings.as_ref().and_then(|e| e.customer_reference.as_ref()) {
            check_reference(r, "foreignEarnings/customerReference", "FORMAT_CUSTOMER_REF", 90)?;
        }
        refuse_empty_array(&self.unremittable_foreign_income, "unremittableForeignIncome")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_income_parses_and_checks() {
        let body: ForeignIncome = serde_json::from_str(
            r#"{"foreignEarnings": {"customerReference": "FOREIGNINCME123A", "earningsNotTaxableUK": 1999.99},
                "unremittableForeignIncome": [{"countryCode": "FRA", "amountInForeignCurrency": 2500,
                    "amountTaxPaid": 300}, {"countryCode": "IND", "amountInForeignCurrency": 100000}]}"#,
        )
        .unwrap();
        body.check(TaxYear::starting(2024)).unwrap();
        assert_eq!(body.foreign_earnings.as_ref().unwrap().earnings_not_taxable_uk.to_string(), "1999.99");

        let e = serde_json::from_str::<ForeignIncome>(r#"{"foreignEarnings": {"earningsNotTaxableUk": 1}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        let bad: ForeignIncome =
            serde_json::from_str(r#"{"foreignEarnings": {"customerReference": "A;B", "earningsNotTaxableUK": 1}}"#)
                .unwrap();
        assert_eq!(bad.check(TaxYear::starting(2024)).unwrap_err().code, "FORMAT_CUSTOMER_REF");
        let empty: ForeignIncome = serde_json::from_str(r#"{"unremittableForeignIncome": []}"#).unwrap();
        assert_eq!(empty.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
