//! Bodies of HMRC's Individuals Dividends Income API (2.0): UK dividends, other dividends
//! (foreign, stock, redeemable shares, bonus issues, close company loans written off) and
//! additional directorship information.

use itsa_engine::TaxYear;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, CountryCode, IsoDate, check_reference, refuse_empty, refuse_empty_array};

/// Create and Amend a UK Dividends Income Annual Summary.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkDividends {
    /// Dividends from UK companies, employee share schemes included.
    pub uk_dividends: Option<Amount>,
    /// Dividends from UK authorised unit trusts, open-ended investment companies and
    /// investment trusts, reinvested accumulation units included.
    pub other_uk_dividends: Option<Amount>,
}

impl Check for UkDividends {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")
    }
}

/// Create and Amend Dividends Income: dividends other than UK companies' cash dividends.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherDividends {
    pub foreign_dividend: Option<Vec<ForeignDividend>>,
    /// Foreign dividends received while the customer was abroad.
    pub dividend_income_received_whilst_abroad: Option<Vec<ForeignDividend>>,
    /// Shares received instead of a cash dividend.
    pub stock_dividend: Option<GrossDividend>,
    /// Redeemable shares received as a dividend.
    pub redeemable_shares: Option<GrossDividend>,
    /// Bonus issues of securities redeemable later.
    pub bonus_issues_of_securities: Option<GrossDividend>,
    /// Loans from a close company to a participator that were written off.
    pub close_company_loans_written_off: Option<GrossDividend>,
}

/// Dividends from one country abroad.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignDividend {
    pub country_code: CountryCode,
    /// The dividends in pounds before foreign tax.
    pub amount_before_tax: Option<Amount>,
    /// Foreign tax taken off the dividends.
    pub tax_taken_off: Option<Amount>,
    /// Special Withholding Tax and any UK tax taken off the dividends.
    pub special_withholding_tax: Option<Amount>,
    /// Whether Foreign Tax Credit Relief is claimed.
    pub foreign_tax_credit_relief: Option<bool>,
    /// The amount of the dividends that is taxable in the UK.
    pub taxable_amount: Amount,
}

/// A gross amount with the customer's own reference for it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrossDividend {
    /// The customer's own reference for the income.
    pub customer_reference: Option<String>,
    pub gross_amount: Amount,
}

impl OtherDividends {
    /// Whether the body holds anything besides `foreignDividend`: dividends received
    /// whilst abroad, stock dividends, redeemable shares, bonus issues or close company
    /// loans written off.
    pub fn has_other_than_foreign_dividends(&self) -> bool {
        self.dividend_income_received_whilst_abroad.as_ref().is_some_and(|d| !d.is_empty())
            || self.stock_dividend.is_some()
            || self.redeemable_shares.is_some()
            || self.bonus_issues_of_securities.is_some()
            || self.close_company_loans_written_off.is_some()
    }
}

impl Check for OtherDividends {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")?;
        refuse_empty_array(&self.foreign_dividend, "foreignDividend")?;
        refuse_empty_array(&self.dividend_income_received_whilst_abroad, "dividendIncomeReceivedWhilstAbroad")?;
        for (name, d) in [
            ("stockDividend", &self.stock_dividend),
            ("redeemableShares", &self.redeemable_shares),
            ("bonusIssuesOfSecurities", &self.bonus_issues_of_securities),
            ("closeCompanyLoansWrittenOff", &self.close_company_loans_written_off),
        ] {
            if let Some(r) = d.as_ref().and_then(|d| d.customer_reference.as_ref()) {
                check_reference(r, &format!("{name}/customerReference"), "FORMAT_CUSTOMER_REF", 90)?;
            }
        }
        Ok(())
    }
}

/// Create or Amend Additional Directorship and Dividend Information: about the company of a
/// custom employment (2025-26 on). It is information only and changes no figure.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DirectorshipDividends {
    /// Whether the customer is a director of the company.
    pub company_director: bool,
    /// Whether the company is a close company; required for a director.
    pub close_company: Option<bool>,
    /// The date the directorship ended, within the tax year.
    pub directorship_ceased_date: Option<IsoDate>,
    /// The company's name at Companies House (up to 160 characters); required for a close
    /// company, as are the three fields below.
    pub company_name: Option<String>,
    /// The company's Companies House number: eight digits, or two letters and six digits.
    pub company_number: Option<String>,
    /// The percentage of the company's shares held, 0 to 100.
    pub shareholding: Option<Amount>,
    /// The dividends received from the company.
    pub dividend_received: Option<Amount>,
}

/// Whether `value` is a Companies House number, `^(?:\d{8}|[A-Za-z]{2}\d{6})$`.
fn is_company_number(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 8
        && (b.iter().all(u8::is_ascii_digit)
            || (b[..2].iter().all(u8::is_ascii_alphabetic) && b[2..].iter().all(u8::is_ascii_digit)))
}

impl Check for DirectorshipDividends {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if let Some(name) = &self.company_name
            && (name.chars().count() > 160 || name.chars().any(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')))
        {
            return Err(BodyError::new(
                "companyName",
                "FORMAT_COMPANY_NAME",
                "must be up to 160 characters on one line",
            ));
        }
        if let Some(number) = &self.company_number
            && !is_company_number(number)
        {
            return Err(BodyError::new(
                "companyNumber",
                "FORMAT_COMPANY_NUMBER",
                format!("'{number}' is not a company number: eight digits, or two letters and six digits"),
            ));
        }
        if let Some(share) = self.shareholding
            && share.money().amount() > Decimal::ONE_HUNDRED
        {
            return Err(BodyError::format("shareholding", format!("{share} is more than 100 per cent")));
        }
        if self.company_director && self.close_company.is_none() {
            return Err(BodyError::new(
                "closeCompany",
                "RULE_MISSING_CLOSE_COMPANY",
                "closeCompany is required when companyDirector is true",
            ));
        }
        if self.close_company == Some(true) {
            let missing = [
                ("companyName", self.company_name.is_none()),
                ("companyNumber", self.company_number.is_none()),
                ("shareholding", self.shareholding.is_none()),
                ("dividendReceived", self.dividend_received.is_none()),
            ];
            if let Some((field, _)) = missing.into_iter().find(|(_, m)| *m) {
                return Err(BodyError::new(
                    field,
                    "RULE_MISSING_CLOSE_COMPANY_DETAILS",
                    "companyName, companyNumber, shareholding and dividendReceived are required for a close company",
                ));
            }
        }
        if let Some(ceased) = self.directorship_ceased_date
            && (ceased.0 < year.first_day() || ceased.0 > year.last_day())
        {
            return Err(BodyError::new(
                "directorshipCeasedDate",
                "RULE_DIRECTORSHIP_CEASED_DATE",
                format!("{} is not within {year}", ceased.0),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn uk_dividends() {
        let d: UkDividends = parse(r#"{"ukDividends": 3200, "otherUkDividends": 415.62}"#).unwrap();
        assert_eq!(d.check(y(2017)), Ok(()));
        assert!(parse::<UkDividends>(r#"{"ukDividend": 3200}"#).unwrap_err().contains("unknown field"));
        assert!(parse::<UkDividends>(r#"{"ukDividends": -1}"#).is_err());
        let e = parse::<UkDividends>("{}").unwrap().check(y(2024)).unwrap_err();
        assert_eq!(e.code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const OTHER: &str = r#"{
        "foreignDividend": [{
            "countryCode": "USA",
            "amountBeforeTax": 1250,
            "taxTakenOff": 187.50,
            "specialWithholdingTax": 0,
            "foreignTaxCreditRelief": true,
            "taxableAmount": 1250
        }],
        "dividendIncomeReceivedWhilstAbroad": [{ "countryCode": "ESP", "taxableAmount": 310.40 }],
        "stockDividend": { "customerReference": "Scrip in lieu 2024", "grossAmount": 220 },
        "redeemableShares": { "grossAmount": 75 },
        "bonusIssuesOfSecurities": { "customerReference": "Bonus issue (May)", "grossAmount": 40 },
        "closeCompanyLoansWrittenOff": { "customerReference": "Director’s loan", "grossAmount": 5000 }
    }"#;

    #[test]
    fn other_dividends() {
        let d: OtherDividends = parse(OTHER).unwrap();
        assert_eq!(d.check(y(2024)), Ok(()));
        assert!(d.has_other_than_foreign_dividends());
        let foreign_only = r#"{"foreignDividend": [{"countryCode": "USA", "taxableAmount": 80}]}"#;
        assert!(!parse::<OtherDividends>(foreign_only).unwrap().has_other_than_foreign_dividends());
        assert_eq!(d.foreign_dividend.as_ref().unwrap()[0].country_code.as_str(), "USA");
        let unknown = OTHER.replace("\"redeemableShares\"", "\"redeemableShare\"");
        assert!(parse::<OtherDividends>(&unknown).unwrap_err().contains("unknown field"));
        let bad_ref = OTHER.replace("Scrip in lieu 2024", "Scrip #4");
        let e = parse::<OtherDividends>(&bad_ref).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("FORMAT_CUSTOMER_REF", "stockDividend/customerReference"));
        let e = parse::<OtherDividends>(r#"{"foreignDividend": []}"#).unwrap().check(y(2024)).unwrap_err();
        assert_eq!(e.code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const DIRECTOR: &str = r#"{
        "companyDirector": true,
        "closeCompany": true,
        "directorshipCeasedDate": "2025-12-31",
        "companyName": "Pennant Joinery Ltd",
        "companyNumber": "SC123456",
        "shareholding": 40.50,
        "dividendReceived": 18000
    }"#;

    #[test]
    fn directorship_dividends() {
        let d: DirectorshipDividends = parse(DIRECTOR).unwrap();
        assert_eq!(d.check(y(2025)), Ok(()));
        let unknown = DIRECTOR.replace("\"shareholding\"", "\"shareHolding\"");
        assert!(parse::<DirectorshipDividends>(&unknown).unwrap_err().contains("unknown field"));
        assert_eq!(d.check(y(2026)).unwrap_err().code, "RULE_DIRECTORSHIP_CEASED_DATE");

        let no_close = parse::<DirectorshipDividends>(r#"{"companyDirector": true}"#).unwrap();
        assert_eq!(no_close.check(y(2025)).unwrap_err().code, "RULE_MISSING_CLOSE_COMPANY");
        let not_director = parse::<DirectorshipDividends>(r#"{"companyDirector": false}"#).unwrap();
        assert_eq!(not_director.check(y(2025)), Ok(()));
        let e =
            parse::<DirectorshipDividends>(r#"{"companyDirector": true, "closeCompany": true, "companyName": "X"}"#)
                .unwrap()
                .check(y(2025))
                .unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_MISSING_CLOSE_COMPANY_DETAILS", "companyNumber"));

        let bad_number = DIRECTOR.replace("SC123456", "SC12345");
        assert_eq!(
            parse::<DirectorshipDividends>(&bad_number).unwrap().check(y(2025)).unwrap_err().code,
            "FORMAT_COMPANY_NUMBER"
        );
        assert!(is_company_number("01234567"));
        let share = DIRECTOR.replace("40.50", "100.01");
        assert_eq!(parse::<DirectorshipDividends>(&share).unwrap().check(y(2025)).unwrap_err().code, "FORMAT_VALUE");
        let long = DIRECTOR.replace("Pennant Joinery Ltd", &"P".repeat(161));
        assert_eq!(
            parse::<DirectorshipDividends>(&long).unwrap().check(y(2025)).unwrap_err().code,
            "FORMAT_COMPANY_NAME"
        );
    }
}
