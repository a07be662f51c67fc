//! The body of HMRC's Individuals Other Income API (2.0, to 2025-26): post-cessation and
//! other business receipts, income received abroad, offshore fund gains, chargeable
//! foreign benefits and gifts, and omitted foreign income.

use itsa_engine::{Date, TaxYear};
use serde::{Deserialize, Serialize};

use super::disclosures::parse_tax_year_field;
use super::reliefs::items;
use super::{
    Amount, BodyError, Check, CountryCode, IsoDate, check_pattern, check_reference, is_line_char, only_in_years,
    refuse_empty_array,
};

/// Create and Amend Other Income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherIncome {
    /// Sums received after a business ceased. Only in the schema from 2023-24.
    pub post_cessation_receipts: Option<Vec<PostCessationReceipt>>,
    /// Post-cessation or other business receipts taxed as income of an earlier year.
    pub business_receipts: Option<Vec<BusinessReceipt>>,
    /// Other income received abroad, by country.
    pub all_other_income_received_whilst_abroad: Option<Vec<IncomeReceivedAbroad>>,
    /// Gains on disposals of holdings in offshore funds.
    pub overseas_income_and_gains: Option<OverseasIncomeAndGains>,
    pub chargeable_foreign_benefits_and_gifts: Option<ChargeableForeignBenefitsAndGifts>,
    /// Foreign income omitted from an earlier return.
    pub omitted_foreign_income: Option<OmittedForeignIncome>,
}

/// A sum received from a trade after the business ceased.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostCessationReceipt {
    /// The customer's reference for the income.
    pub customer_reference: Option<String>,
    pub business_name: Option<String>,
    pub date_business_ceased: Option<IsoDate>,
    pub business_description: Option<String>,
    pub income_source: Option<String>,
    pub amount: Amount,
    /// The tax year in which the income is taxed (`2023-24`): the path's tax year.
    pub tax_year_income_to_be_taxed: String,
}

/// Business receipts taxed as income of an earlier year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BusinessReceipt {
    pub gross_amount: Amount,
    /// The tax year whose income they are (`2021-22`).
    pub tax_year: String,
}

/// Other income received abroad in one country.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IncomeReceivedAbroad {
    pub country_code: CountryCode,
    /// The income before any tax taken off.
    pub amount_before_tax: Option<Amount>,
    /// Foreign tax taken off.
    pub tax_taken_off: Option<Amount>,
    /// Special Withholding Tax taken off.
    pub special_withholding_tax: Option<Amount>,
    /// Whether Foreign Tax Credit Relief is claimed.
    pub foreign_tax_credit_relief: Option<bool>,
    /// The amount taxable in the UK.
    pub taxable_amount: Amount,
    /// Residential property finance costs (restricted to basic-rate relief).
    pub residential_financial_cost_amount: Option<Amount>,
    /// Unused residential finance costs brought forward.
    pub brought_fwd_residential_financial_cost_amount: Option<Amount>,
}

/// Gains on disposals of holdings in offshore funds.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverseasIncomeAndGains {
    pub gain_amount: Amount,
}

/// Chargeable foreign benefits and gifts (transfer of assets abroad, settlements).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChargeableForeignBenefitsAndGifts {
    /// Benefit received on an overseas transaction.
    pub transaction_benefit: Option<Amount>,
    /// Benefit received from a protected foreign-source income.
    pub protected_foreign_income_source_benefit: Option<Amount>,
    /// Protected foreign income received as an onward gift.
    pub protected_foreign_income_onward_gift: Option<Amount>,
    /// Benefit received as a settlor.
    pub benefit_received_as_a_settler: Option<Amount>,
    /// Onward gift received as a settlor.
    pub onward_gift_received_as_a_settler: Option<Amount>,
}

/// Foreign income omitted from an earlier return.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OmittedForeignIncome {
    pub amount: Amount,
}

/// A business name or description: letters, digits and ` -,.&'\/`.
fn is_business_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " -,.&'\\/".contains(c)
}

impl Check for OtherIncome {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == OtherIncome::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        only_in_years(self.post_cessation_receipts.is_some(), "postCessationReceipts", year, Some(2023), None)?;
        refuse_empty_array(&self.post_cessation_receipts, "postCessationReceipts")?;
        let (earliest, latest) = (Date::new(1900, 1, 1).expect("a date"), Date::new(2100, 1, 1).expect("a date"));
        for (i, r) in items(&self.post_cessation_receipts).iter().enumerate() {
            let p = format!("postCessationReceipts/{i}");
            if let Some(c) = &r.customer_reference {
                check_reference(c, &format!("{p}/customerReference"), "FORMAT_CUSTOMER_REFERENCE", 90)?;
            }
            if let Some(n) = &r.business_name {
                check_pattern(n, &format!("{p}/businessName"), "FORMAT_BUSINESS_NAME", (1, 105), is_business_char)?;
            }
            if let Some(IsoDate(d)) = r.date_business_ceased
                && (d < earliest || d > latest)
            {
                return Err(BodyError::new(
                    format!("{p}/dateBusinessCeased"),
                    "RULE_DATE_RANGE_INVALID",
                    format!("{d} is outside 1900-01-01 to 2100-01-01"),
                ));
            }
            if let Some(d) = &r.business_description {
                check_pattern(
                    d,
                    &format!("{p}/businessDescription"),
                    "FORMAT_BUSINESS_DESCRIPTION",
                    (2, 35),
                    is_business_char,
                )?;
            }
            if let Some(s) = &r.income_source {
                check_pattern(s, &format!("{p}/incomeSource"), "FORMAT_INCOME_SOURCE", (1, 105), is_line_char)?;
            }
            let path = format!("{p}/taxYearIncomeToBeTaxed");
            if parse_tax_year_field(&r.tax_year_income_to_be_taxed, &path)? != year {
                return Err(BodyError::new(
                    path,
                    "RULE_UNALIGNED_CESSATION_TAX_YEAR",
                    format!("'{}' is not the tax year of the submission, {year}", r.tax_year_income_to_be_taxed),
                ));
            }
        }
        refuse_empty_array(&self.business_receipts, "businessReceipts")?;
        for (i, r) in items(&self.business_receipts).iter().enumerate() {
            parse_tax_year_field(&r.tax_year, &format!("businessReceipts/{i}/taxYear"))?;
        }
        refuse_empty_array(&self.all_other_income_received_whilst_abroad, "allOtherIncomeReceivedWhilstAbroad")?;
        if self.chargeable_foreign_benefits_and_gifts.as_ref() == Some(&ChargeableForeignBenefitsAndGifts::default()) {
            return Err(BodyError::incorrect_or_empty("chargeableForeignBenefitsAndGifts", "is an empty object"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
        "postCessationReceipts": [{"customerReference": "PCR-1", "businessName": "Old Shop Ltd",
            "dateBusinessCeased": "2023-06-16", "businessDescription": "Retail, hardware", "incomeSource": "XAIS1234",
            "amount": 1200.5, "taxYearIncomeToBeTaxed": "2024-25"}],
        "businessReceipts": [{"grossAmount": 800, "taxYear": "2019-20"}],
        "allOtherIncomeReceivedWhilstAbroad": [{"countryCode": "FRA", "amountBeforeTax": 1000, "taxTakenOff": 100,
            "specialWithholdingTax": 0, "foreignTaxCreditRelief": true, "taxableAmount": 1000,
            "residentialFinancialCostAmount": 50, "broughtFwdResidentialFinancialCostAmount": 20}],
        "overseasIncomeAndGains": {"gainAmount": 300},
        "chargeableForeignBenefitsAndGifts": {"transactionBenefit": 1, "protectedForeignIncomeSourceBenefit": 2,
            "protectedForeignIncomeOnwardGift": 3, "benefitReceivedAsASettler": 4, "onwardGiftReceivedAsASettler": 5},
        "omittedForeignIncome": {"amount": 40}
    }"#;

    #[test]
    fn other_income_parses_and_checks() {
        let body: OtherIncome = serde_json::from_str(FULL).unwrap();
        body.check(TaxYear::starting(2024)).unwrap();
        let e = serde_json::from_str::<OtherIncome>(r#"{"omittedForeignIncome": {"amount": 1, "tax": 1}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        // Post-cessation receipts are not in the schema before 2023-24.
        let mut early = body.clone();
        early.post_cessation_receipts.as_mut().unwrap()[0].tax_year_income_to_be_taxed = "2022-23".into();
        assert_eq!(early.check(TaxYear::starting(2022)).unwrap_err().path, "postCessationReceipts");
    }

    #[test]
    fn other_income_rules() {
        let body: OtherIncome = serde_json::from_str(FULL).unwrap();
        let e = body.check(TaxYear::starting(2023)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.code),
            ("postCessationReceipts/0/taxYearIncomeToBeTaxed", "RULE_UNALIGNED_CESSATION_TAX_YEAR")
        );
        let mut old = body.clone();
        old.post_cessation_receipts.as_mut().unwrap()[0].date_business_ceased =
            Some(IsoDate(Date::new(1899, 12, 31).unwrap()));
        assert_eq!(old.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_DATE_RANGE_INVALID");
        let mut name = body.clone();
        name.post_cessation_receipts.as_mut().unwrap()[0].business_description = Some("X".into());
        assert_eq!(name.check(TaxYear::starting(2024)).unwrap_err().code, "FORMAT_BUSINESS_DESCRIPTION");
        let receipts: OtherIncome =
            serde_json::from_str(r#"{"businessReceipts": [{"grossAmount": 1, "taxYear": "2019-21"}]}"#).unwrap();
        assert_eq!(receipts.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_TAX_YEAR_RANGE_INVALID");
        let empty: OtherIncome = serde_json::from_str(r#"{"chargeableForeignBenefitsAndGifts": {}}"#).unwrap();
        assert_eq!(empty.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
