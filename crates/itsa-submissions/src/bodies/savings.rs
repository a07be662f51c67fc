//! Bodies of HMRC's Individuals Savings Income API (2.0): UK savings accounts with their
//! yearly interest, and other savings income (securities and foreign interest).

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, CountryCode, refuse_empty, refuse_empty_array};

/// Whether `c` may appear in an account name, HMRC's class ``[A-Za-z0-9 &'()*,\-./@£]``.
fn is_account_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '&' | '\'' | '(' | ')' | '*' | ',' | '-' | '.' | '/' | '@' | '£')
}

/// Add a UK Savings Account: the name of a new account, which lasts across tax years.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SavingsAccountCreate {
    /// The customer's name for the account: 1 to 32 letters, digits, spaces or ``&'()*,-./@£``.
    pub account_name: String,
}

impl Check for SavingsAccountCreate {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        let name = &self.account_name;
        if !(1..=32).contains(&name.chars().count()) || !name.chars().all(is_account_name_char) {
            return Err(BodyError::new(
                "accountName",
                "FORMAT_ACCOUNT_NAME",
                format!("'{name}' must be 1 to 32 letters, digits, spaces or the characters &'()*,-./@£"),
            ));
        }
        Ok(())
    }
}

/// Create and Amend a UK Savings Account Annual Summary: one account's interest for a tax
/// year. A field left out removes the amount held before.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SavingsAccountAnnual {
    /// Interest received after 20% tax was taken off (net).
    pub taxed_uk_interest: Option<Amount>,
    /// Interest received without tax taken off.
    pub untaxed_uk_interest: Option<Amount>,
}

impl Check for SavingsAccountAnnual {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")
    }
}

/// Create and Amend Savings Income: securities and foreign interest.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherSavings {
    /// Interest from gilt-edged and other securities, and accrued income profits.
    pub securities: Option<Securities>,
    pub foreign_interest: Option<Vec<ForeignInterest>>,
}

/// Interest from gilt-edged and other securities.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Securities {
    /// UK tax deducted from the interest.
    pub tax_taken_off: Option<Amount>,
    /// The interest before tax, tax deducted included.
    pub gross_amount: Amount,
    /// The interest after tax was deducted.
    pub net_amount: Option<Amount>,
}

/// Interest from one country abroad.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignInterest {
    pub country_code: CountryCode,
    /// The interest in pounds before foreign tax.
    pub amount_before_tax: Option<Amount>,
    /// Foreign tax taken off the interest.
    pub tax_taken_off: Option<Amount>,
    /// Special Withholding Tax and any UK tax taken off the interest.
    pub special_withholding_tax: Option<Amount>,
    /// Whether Foreign Tax Credit Relief is claimed.
    pub foreign_tax_credit_relief: Option<bool>,
    /// The amount of the interest that is taxable in the UK.
    pub taxable_amount: Amount,
}

impl Check for OtherSavings {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")?;
        refuse_empty_array(&self.foreign_interest, "foreignInterest")
    }
}

#[cfg(test)]
mod tests {
    use itsa_engine::Money;
    use rust_decimal::Decimal;

    use super::*;

    fn y(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn savings_account_create() {
        let a: SavingsAccountCreate = parse(r#"{"accountName": "Nationwide Flex Saver (joint) £"}"#).unwrap();
        assert_eq!(a.check(y(2025)), Ok(()));
        assert!(parse::<SavingsAccountCreate>(r#"{"accountName": "Saver", "sortCode": "01"}"#).is_err());
        assert!(parse::<SavingsAccountCreate>("{}").unwrap_err().contains("missing field"));
        for bad in ["", "Saver #1", "An account name much longer than 32"] {
            let a = SavingsAccountCreate { account_name: bad.into() };
            assert_eq!(a.check(y(2025)).unwrap_err().code, "FORMAT_ACCOUNT_NAME", "{bad}");
        }
    }

    #[test]
    fn savings_account_annual() {
        let a: SavingsAccountAnnual = parse(r#"{"taxedUkInterest": 412.80, "untaxedUkInterest": 1500}"#).unwrap();
        assert_eq!(a.check(y(2017)), Ok(()));
        assert_eq!(a.taxed_uk_interest.unwrap().money(), Money::new(Decimal::new(41_280, 2)));
        assert!(parse::<SavingsAccountAnnual>(r#"{"untaxedUKInterest": 1500}"#).unwrap_err().contains("unknown field"));
        assert!(parse::<SavingsAccountAnnual>(r#"{"untaxedUkInterest": 10.001}"#).is_err());
        let e = parse::<SavingsAccountAnnual>("{}").unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "/"));
    }

    const OTHER: &str = r#"{
        "securities": { "taxTakenOff": 120, "grossAmount": 600, "netAmount": 480 },
        "foreignInterest": [
            {
                "countryCode": "DEU",
                "amountBeforeTax": 845.20,
                "taxTakenOff": 126.78,
                "specialWithholdingTax": 0,
                "foreignTaxCreditRelief": true,
                "taxableAmount": 845.20
            },
            { "countryCode": "IRL", "taxableAmount": 95 }
        ]
    }"#;

    #[test]
    fn other_savings() {
        let o: OtherSavings = parse(OTHER).unwrap();
        assert_eq!(o.check(y(2024)), Ok(()));
        assert_eq!(o.foreign_interest.as_ref().unwrap()[1].country_code.as_str(), "IRL");
        let unknown = OTHER.replace("\"netAmount\"", "\"net\"");
        assert!(parse::<OtherSavings>(&unknown).unwrap_err().contains("unknown field"));
        assert!(parse::<OtherSavings>(&OTHER.replace("\"IRL\"", "\"IE\"")).is_err());
        assert!(parse::<OtherSavings>(r#"{"securities": {"netAmount": 480}}"#).unwrap_err().contains("grossAmount"));
        let e = parse::<OtherSavings>(r#"{"foreignInterest": []}"#).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "foreignInterest"));
        assert_eq!(
            parse::<OtherSavings>("{}").unwrap().check(y(2024)).unwrap_err().code,
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
    }
}
