//! The bodies of HMRC's Individuals Charges API (3.0): pension charges, the High Income
//! Child Benefit Charge and the Winter Fuel Payment charge.

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::reliefs::items;
use super::{
    Amount, BodyError, Check, CountryCode, IsoDate, check_pattern, is_line_char, only_in_years, refuse_empty_array,
};

// --- Pension charges ------------------------------------------------------------------

/// Create and Amend Pension Charges: tax charges on pension savings (annual allowance,
/// unauthorised payments, overseas transfers, short service refunds).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionCharges {
    /// Lifetime allowance charges. Only in the schema to 2023-24 (the lifetime allowance
    /// was abolished from April 2024; HMRC asks that its amounts are no longer sent).
    pub pension_savings_tax_charges: Option<PensionSavingsTaxCharges>,
    /// The overseas transfer charge.
    pub pension_scheme_overseas_transfers: Option<PensionSchemeOverseasTransfers>,
    /// Unauthorised payments from pension schemes.
    pub pension_scheme_unauthorised_payments: Option<PensionSchemeUnauthorisedPayments>,
    /// Contributions above the annual allowance.
    pub pension_contributions: Option<PensionContributions>,
    /// Short service refunds of overseas pension contributions.
    pub overseas_pension_contributions: Option<OverseasPensionContributions>,
}

/// Lifetime allowance charges (to 2023-24).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionSavingsTaxCharges {
    /// The schemes' Pension Scheme Tax References (8 digits, `R`, a letter).
    pub pension_scheme_tax_reference: Vec<String>,
    /// A lump sum benefit taken above the lifetime allowance, and the tax on it.
    pub lump_sum_benefit_taken_in_excess_of_lifetime_allowance: Option<ChargeAndTax>,
    /// Another benefit taken above the lifetime allowance, and the tax on it.
    pub benefit_in_excess_of_lifetime_allowance: Option<ChargeAndTax>,
}

/// An amount subject to a charge and the tax paid on it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChargeAndTax {
    pub amount: Amount,
    pub tax_paid: Amount,
}

/// A pension transferred to an overseas scheme, and the transfer charge.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionSchemeOverseasTransfers {
    pub overseas_scheme_provider: Vec<OverseasSchemeProvider>,
    /// The overseas transfer charge.
    pub transfer_charge: Amount,
    /// Tax paid on the transfer charge.
    pub transfer_charge_tax_paid: Amount,
}

/// An overseas pension provider, named by a QROPS reference or by Pension Scheme Tax
/// References (HMRC's schema allows one or the other, not both).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverseasSchemeProvider {
    pub provider_name: String,
    pub provider_address: String,
    pub provider_country_code: CountryCode,
    /// Qualifying recognised overseas pension scheme references (`Q` and 6 digits).
    pub qualifying_recognised_overseas_pension_scheme: Option<Vec<String>>,
    /// Pension Scheme Tax References (8 digits, `R`, a letter).
    pub pension_scheme_tax_reference: Option<Vec<String>>,
}

/// Unauthorised payments from registered pension schemes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionSchemeUnauthorisedPayments {
    /// The schemes' Pension Scheme Tax References.
    pub pension_scheme_tax_reference: Vec<String>,
    /// Payments subject to the unauthorised payments surcharge.
    pub surcharge: Option<UnauthorisedPayment>,
    /// Payments not subject to the surcharge.
    pub no_surcharge: Option<UnauthorisedPayment>,
}

/// An unauthorised payment and the foreign tax paid on it, in sterling.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UnauthorisedPayment {
    pub amount: Amount,
    pub foreign_tax_paid: Amount,
}

/// Pension savings above the annual allowance.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionContributions {
    /// The schemes' Pension Scheme Tax References.
    pub pension_scheme_tax_reference: Vec<String>,
    /// Pension savings above the annual allowance.
    pub in_excess_of_the_annual_allowance: Amount,
    /// Annual allowance tax paid by the scheme.
    pub annual_allowance_tax_paid: Amount,
    /// Whether the annual allowance was reduced; if so, tapered or money purchase must say
    /// why.
    pub is_annual_allowance_reduced: bool,
    /// Whether the tapered annual allowance applies.
    pub tapered_annual_allowance: Option<bool>,
    /// Whether the money purchase annual allowance applies.
    pub money_purchased_allowance: Option<bool>,
}

/// Short service refunds of overseas pension contributions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverseasPensionContributions {
    pub overseas_scheme_provider: Vec<OverseasSchemeProvider>,
    /// The short service refund.
    pub short_service_refund: Amount,
    /// Tax paid on the refund.
    pub short_service_refund_tax_paid: Amount,
}

/// A Pension Scheme Tax Reference: 8 digits, `R` and a letter (`00123456RA`).
fn is_pstr(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[..8].iter().all(u8::is_ascii_digit) && b[8] == b'R' && b[9].is_ascii_alphabetic()
}

/// A QROPS reference: `Q` and 6 digits (`Q123456`).
fn is_qrops(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7 && b[0] == b'Q' && b[1..].iter().all(u8::is_ascii_digit)
}

fn check_pstrs(refs: &[String], path: &str) -> Result<(), BodyError> {
    if refs.is_empty() {
        return Err(BodyError::incorrect_or_empty(format!("{path}/pensionSchemeTaxReference"), "is an empty array"));
    }
    for (i, r) in refs.iter().enumerate() {
        if !is_pstr(r) {
            return Err(BodyError::new(
                format!("{path}/pensionSchemeTaxReference/{i}"),
                "FORMAT_PENSION_SCHEME_TAX_REFERENCE",
                format!("'{r}' is not a pension scheme tax reference (8 digits, R and a letter)"),
            ));
        }
    }
    Ok(())
}

fn check_providers(providers: &[OverseasSchemeProvider], path: &str) -> Result<(), BodyError> {
    if providers.is_empty() {
        return Err(BodyError::incorrect_or_empty(format!("{path}/overseasSchemeProvider"), "is an empty array"));
    }
    for (i, p) in providers.iter().enumerate() {
        let at = format!("{path}/overseasSchemeProvider/{i}");
        check_pattern(&p.provider_name, &format!("{at}/providerName"), "FORMAT_PROVIDER_NAME", (1, 105), is_line_char)?;
        check_pattern(
            &p.provider_address,
            &format!("{at}/providerAddress"),
            "FORMAT_PROVIDERS_ADDRESS",
            (1, 250),
            is_line_char,
        )?;
        if p.qualifying_recognised_overseas_pension_scheme.is_some() && p.pension_scheme_tax_reference.is_some() {
            return Err(BodyError::new(
                at,
                "RULE_PENSION_REFERENCE",
                "give a QROPS reference or pension scheme tax references, not both",
            ));
        }
        let qrops = &p.qualifying_recognised_overseas_pension_scheme;
        refuse_empty_array(qrops, &format!("{at}/qualifyingRecognisedOverseasPensionScheme"))?;
        for (j, q) in items(qrops).iter().enumerate() {
            if !is_qrops(q) {
                return Err(BodyError::new(
                    format!("{at}/qualifyingRecognisedOverseasPensionScheme/{j}"),
                    "FORMAT_QOPS_REF",
                    format!("'{q}' is not a QROPS reference (Q and 6 digits)"),
                ));
            }
        }
        if let Some(refs) = &p.pension_scheme_tax_reference {
            check_pstrs(refs, &at)?;
        }
    }
    Ok(())
}

impl PensionCharges {
    /// The annual allowance charge's base: pension savings above the annual allowance.
    pub fn in_excess_of_annual_allowance(&self) -> Money {
        self.pension_contributions.as_ref().map_or(Money::ZERO, |c| c.in_excess_of_the_annual_allowance.money())
    }
}

impl Check for PensionCharges {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == PensionCharges::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        only_in_years(self.pension_savings_tax_charges.is_some(), "pensionSavingsTaxCharges", year, None, Some(2023))?;
        if let Some(s) = &self.pension_savings_tax_charges {
            check_pstrs(&s.pension_scheme_tax_reference, "pensionSavingsTaxCharges")?;
        }
        if let Some(t) = &self.pension_scheme_overseas_transfers {
            check_providers(&t.overseas_scheme_provider, "pensionSchemeOverseasTransfers")?;
        }
        if let Some(u) = &self.pension_scheme_unauthorised_payments {
            check_pstrs(&u.pension_scheme_tax_reference, "pensionSchemeUnauthorisedPayments")?;
        }
        if let Some(c) = &self.pension_contributions {
            check_pstrs(&c.pension_scheme_tax_reference, "pensionContributions")?;
            let reason_given = c.tapered_annual_allowance == Some(true) || c.money_purchased_allowance == Some(true);
            if c.is_annual_allowance_reduced && !reason_given {
                return Err(BodyError::new(
                    "pensionContributions/isAnnualAllowanceReduced",
                    "RULE_IS_ANNUAL_ALLOWANCE_REDUCED",
                    "a reduced annual allowance needs taperedAnnualAllowance or moneyPurchasedAllowance true",
                ));
            }
        }
        if let Some(o) = &self.overseas_pension_contributions {
            check_providers(&o.overseas_scheme_provider, "overseasPensionContributions")?;
        }
        Ok(())
    }
}

// --- High Income Child Benefit Charge -------------------------------------------------

/// Create or Amend High Income Child Benefit Charge Submission: the Child Benefit the
/// household received in the year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HighIncomeChildBenefitCharge {
    /// Child Benefit received in the year.
    pub amount_of_child_benefit_received: Amount,
    /// The children it was paid for, 1 to 99.
    pub number_of_children: u32,
    /// When the Child Benefit stopped, if it did in the year.
    pub date_ceased: Option<IsoDate>,
}

impl HighIncomeChildBenefitCharge {
    /// Child Benefit received in the year: the amount the charge recovers a share of.
    pub fn child_benefit(&self) -> Money {
        self.amount_of_child_benefit_received.money()
    }
}

impl Check for HighIncomeChildBenefitCharge {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if !(1..=99).contains(&self.number_of_children) {
            return Err(BodyError::format(
                "numberOfChildren",
                format!("{} is not a whole number from 1 to 99", self.number_of_children),
            ));
        }
        if let Some(IsoDate(d)) = self.date_ceased
            && (d < year.first_day() || d > year.last_day())
        {
            return Err(BodyError::new("dateCeased", "RULE_DATE_CEASED", format!("{d} is not within {year}")));
        }
        Ok(())
    }
}

// --- Winter Fuel Payment --------------------------------------------------------------

/// Create or Amend Winter Fuel Payment: the Winter Fuel Payment received, which is taxed
/// back above an income threshold (2026-27 on).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WinterFuelPaymentCharge {
    /// The payment received: zero, or the year's minimum or maximum payment.
    pub winter_fuel_payment: Amount,
}

impl WinterFuelPaymentCharge {
    /// The Winter Fuel Payment received.
    pub fn amount(&self) -> Money {
        self.winter_fuel_payment.money()
    }
}

impl Check for WinterFuelPaymentCharge {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    const FULL: &str = r#"{
        "pensionSavingsTaxCharges": {"pensionSchemeTaxReference": ["00123456RA"],
            "lumpSumBenefitTakenInExcessOfLifetimeAllowance": {"amount": 800, "taxPaid": 200},
            "benefitInExcessOfLifetimeAllowance": {"amount": 400, "taxPaid": 100}},
        "pensionSchemeOverseasTransfers": {"overseasSchemeProvider": [{"providerName": "Overseas Pensions Plc",
            "providerAddress": "1 Harbour Road, George Town", "providerCountryCode": "CYM",
            "qualifyingRecognisedOverseasPensionScheme": ["Q123456"]}],
            "transferCharge": 1000, "transferChargeTaxPaid": 250},
        "pensionSchemeUnauthorisedPayments": {"pensionSchemeTaxReference": ["00123456RB"],
            "surcharge": {"amount": 500, "foreignTaxPaid": 0}, "noSurcharge": {"amount": 300, "foreignTaxPaid": 10}},
        "pensionContributions": {"pensionSchemeTaxReference": ["00123456Rc"], "inExcessOfTheAnnualAllowance": 4000,
            "annualAllowanceTaxPaid": 0, "isAnnualAllowanceReduced": true, "taperedAnnualAllowance": true,
            "moneyPurchasedAllowance": false},
        "overseasPensionContributions": {"overseasSchemeProvider": [{"providerName": "Euro Pensions SA",
            "providerAddress": "2 Rue X, Paris", "providerCountryCode": "FRA",
            "pensionSchemeTaxReference": ["12345678RZ"]}], "shortServiceRefund": 600, "shortServiceRefundTaxPaid": 60}
    }"#;

    #[test]
    fn pension_charges_parse_and_check() {
        let body: PensionCharges = serde_json::from_str(FULL).unwrap();
        body.check(year(2023)).unwrap();
        assert_eq!(body.in_excess_of_annual_allowance(), Money::pounds(4000));
        // The lifetime allowance object is not in the schema from 2024-25.
        assert_eq!(body.check(year(2024)).unwrap_err().path, "pensionSavingsTaxCharges");
        let e = serde_json::from_str::<PensionCharges>(
            r#"{"pensionContributions": {"pensionSchemeTaxReference": [],
            "inExcessOfTheAnnualAllowance": 1, "annualAllowanceTaxPaid": 0, "isAnnualAllowanceReduced": false,
            "reason": "x"}}"#,
        );
        assert!(e.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn pension_charges_rules() {
        let reduced: PensionCharges = serde_json::from_str(
            r#"{"pensionContributions": {"pensionSchemeTaxReference": ["00123456RA"], "inExcessOfTheAnnualAllowance": 1,
                "annualAllowanceTaxPaid": 0, "isAnnualAllowanceReduced": true, "taperedAnnualAllowance": false}}"#,
        )
        .unwrap();
        assert_eq!(reduced.check(year(2024)).unwrap_err().code, "RULE_IS_ANNUAL_ALLOWANCE_REDUCED");

        let both: PensionCharges = serde_json::from_str(
            r#"{"overseasPensionContributions": {"overseasSchemeProvider": [{"providerName": "P", "providerAddress": "A",
                "providerCountryCode": "FRA", "qualifyingRecognisedOverseasPensionScheme": ["Q123456"],
                "pensionSchemeTaxReference": ["00123456RA"]}], "shortServiceRefund": 1, "shortServiceRefundTaxPaid": 0}}"#,
        )
        .unwrap();
        assert_eq!(both.check(year(2024)).unwrap_err().code, "RULE_PENSION_REFERENCE");

        let bad_pstr: PensionCharges = serde_json::from_str(
            r#"{"pensionSchemeUnauthorisedPayments": {"pensionSchemeTaxReference": ["00123456XA"]}}"#,
        )
        .unwrap();
        let e = bad_pstr.check(year(2024)).unwrap_err();
        assert_eq!(e.code, "FORMAT_PENSION_SCHEME_TAX_REFERENCE");
        assert_eq!(e.path, "pensionSchemeUnauthorisedPayments/pensionSchemeTaxReference/0");

        let empty: PensionCharges = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn hicbc_parses_and_checks() {
        let body: HighIncomeChildBenefitCharge = serde_json::from_str(
            r#"{"amountOfChildBenefitReceived": 2251.2, "numberOfChildren": 2, "dateCeased": "2026-01-31"}"#,
        )
        .unwrap();
        body.check(year(2025)).unwrap();
        assert_eq!(body.child_benefit().amount().to_string(), "2251.2");
        let e = serde_json::from_str::<HighIncomeChildBenefitCharge>(
            r#"{"amountOfChildBenefitReceived": 1, "numberOfChildren": 1, "children": 1}"#,
        );
        assert!(e.unwrap_err().to_string().contains("unknown field"));
        let e = body.check(year(2026)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("dateCeased", "RULE_DATE_CEASED"));
        let none: HighIncomeChildBenefitCharge =
            serde_json::from_str(r#"{"amountOfChildBenefitReceived": 0, "numberOfChildren": 0}"#).unwrap();
        assert_eq!(none.check(year(2025)).unwrap_err().code, "FORMAT_VALUE");
        assert!(serde_json::from_str::<HighIncomeChildBenefitCharge>(r#"{"numberOfChildren": 1}"#).is_err());
    }

    #[test]
    fn winter_fuel_payment_parses() {
        let body: WinterFuelPaymentCharge = serde_json::from_str(r#"{"winterFuelPayment": 200}"#).unwrap();
        body.check(year(2026)).unwrap();
        assert_eq!(body.amount(), Money::pounds(200));
        assert!(serde_json::from_str::<WinterFuelPaymentCharge>(r#"{"winterFuelPayment": 200, "x": 1}"#).is_err());
        assert!(serde_json::from_str::<WinterFuelPaymentCharge>("{}").is_err());
    }
}
