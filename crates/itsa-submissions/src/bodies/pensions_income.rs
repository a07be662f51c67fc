//! Bodies of HMRC's Individuals Pensions Income API (2.0): foreign pensions and
//! contributions to overseas pension schemes (UK pensions are employments).

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, CountryCode, check_reference, refuse_empty, refuse_empty_array};

/// Create and Amend Pensions Income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionsIncome {
    pub foreign_pensions: Option<Vec<ForeignPension>>,
    pub overseas_pension_contributions: Option<Vec<OverseasPensionContribution>>,
}

/// Pensions from one country abroad.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPension {
    pub country_code: CountryCode,
    /// The pension in pounds before tax.
    pub amount_before_tax: Option<Amount>,
    /// Tax taken off the pension.
    pub tax_taken_off: Option<Amount>,
    /// Special Withholding Tax taken off the pension.
    pub special_withholding_tax: Option<Amount>,
    /// Whether Foreign Tax Credit Relief is claimed.
    pub foreign_tax_credit_relief: Option<bool>,
    /// The amount of the pension that is taxable in the UK.
    pub taxable_amount: Amount,
}

/// Contributions to an overseas pension scheme.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverseasPensionContribution {
    /// The customer's own reference for the record.
    pub customer_reference: Option<String>,
    /// The employer's contributions to the overseas scheme that are exempt.
    pub exempt_employers_pension_contribs: Amount,
    /// The qualifying overseas pension scheme (QOPS) reference, for migrant member relief.
    pub migrant_mem_relief_qops_ref_no: Option<String>,
    /// Relief given as a credit for tax on the overseas earnings.
    pub dbl_taxation_relief: Option<Amount>,
    /// The country of the double taxation agreement.
    pub dbl_taxation_country_code: Option<CountryCode>,
    /// The article of the double taxation treaty.
    pub dbl_taxation_article: Option<String>,
    /// The name of the double taxation treaty.
    pub dbl_taxation_treaty: Option<String>,
    /// The SF74 reference for a claim to transitional corresponding relief.
    #[serde(rename = "sf74reference")]
    pub sf74_reference: Option<String>,
}

impl Check for PensionsIncome {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")?;
        refuse_empty_array(&self.foreign_pensions, "foreignPensions")?;
        refuse_empty_array(&self.overseas_pension_contributions, "overseasPensionContributions")?;
        for (i, c) in self.overseas_pension_contributions.iter().flatten().enumerate() {
            for (field, value, code) in [
                ("customerReference", &c.customer_reference, "FORMAT_CUSTOMER_REF"),
                ("migrantMemReliefQopsRefNo", &c.migrant_mem_relief_qops_ref_no, "FORMAT_QOPS_REF"),
                ("dblTaxationArticle", &c.dbl_taxation_article, "FORMAT_DOUBLE_TAXATION_ARTICLE"),
                ("dblTaxationTreaty", &c.dbl_taxation_treaty, "FORMAT_DOUBLE_TAXATION_TREATY"),
                ("sf74reference", &c.sf74_reference, "FORMAT_SF74_REF"),
            ] {
                if let Some(v) = value {
                    check_reference(v, &format!("overseasPensionContributions/{i}/{field}"), code, 90)?;
                }
            }
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

    const PENSIONS: &str = r#"{
        "foreignPensions": [
            {
                "countryCode": "AUS",
                "amountBeforeTax": 6400,
                "taxTakenOff": 960,
                "specialWithholdingTax": 0,
                "foreignTaxCreditRelief": true,
                "taxableAmount": 6400
            },
            { "countryCode": "NZL", "taxableAmount": 1250.75 }
        ],
        "overseasPensionContributions": [{
            "customerReference": "Zurich scheme 2024",
            "exemptEmployersPensionContribs": 2100,
            "migrantMemReliefQopsRefNo": "QOPS000214",
            "dblTaxationRelief": 350,
            "dblTaxationCountryCode": "CHE",
            "dblTaxationArticle": "Art. 18(2)",
            "dblTaxationTreaty": "UK-Switzerland",
            "sf74reference": "SF74-44721"
        }]
    }"#;

    #[test]
    fn pensions_income() {
        let p: PensionsIncome = parse(PENSIONS).unwrap();
        assert_eq!(p.check(y(2024)), Ok(()));
        let c = &p.overseas_pension_contributions.as_ref().unwrap()[0];
        assert_eq!(c.sf74_reference.as_deref(), Some("SF74-44721"));
        assert_eq!(c.dbl_taxation_country_code.as_ref().unwrap().as_str(), "CHE");

        let unknown = PENSIONS.replace("\"sf74reference\"", "\"sf74Reference\"");
        assert!(parse::<PensionsIncome>(&unknown).unwrap_err().contains("unknown field"));
        assert!(parse::<PensionsIncome>(&PENSIONS.replace("\"NZL\"", "\"nzl\"")).is_err());

        let bad = PENSIONS.replace("QOPS000214", "QOPS/214");
        let e = parse::<PensionsIncome>(&bad).unwrap().check(y(2024)).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_str()),
            ("FORMAT_QOPS_REF", "overseasPensionContributions/0/migrantMemReliefQopsRefNo")
        );
        let bad = PENSIONS.replace("Art. 18(2)", "");
        assert_eq!(
            parse::<PensionsIncome>(&bad).unwrap().check(y(2024)).unwrap_err().code,
            "FORMAT_DOUBLE_TAXATION_ARTICLE"
        );
        assert_eq!(
            parse::<PensionsIncome>("{}").unwrap().check(y(2024)).unwrap_err().code,
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
        let e = parse::<PensionsIncome>(r#"{"foreignPensions": []}"#).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "foreignPensions"));
    }
}
