//! The body of HMRC's Individuals Insurance Policies Income API (2.0): gains on life
//! insurance policies, capital redemption policies, life annuities, voided ISAs and
//! foreign policies.

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::reliefs::items;
use super::{Amount, BodyError, Check, check_reference, refuse_empty_array};

/// Create and Amend Insurance Policies Income: chargeable event gains for the year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InsurancePolicies {
    /// Gains on UK life insurance policies.
    pub life_insurance: Option<Vec<PolicyGain>>,
    /// Gains on UK capital redemption policies.
    pub capital_redemption: Option<Vec<PolicyGain>>,
    /// Gains on UK life annuity contracts.
    pub life_annuity: Option<Vec<PolicyGain>>,
    /// Gains on ISAs voided by the manager.
    pub voided_isa: Option<Vec<VoidedIsa>>,
    /// Gains on foreign policies.
    pub foreign: Option<Vec<ForeignPolicy>>,
}

/// A gain on a life insurance policy, capital redemption policy or life annuity.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyGain {
    /// The customer's reference for the policy.
    pub customer_reference: Option<String>,
    /// The policy event (for example "Policy matured").
    pub event: Option<String>,
    pub gain_amount: Amount,
    /// Whether the gain is treated as having had basic-rate tax paid.
    pub tax_paid: bool,
    /// Complete years the policy was held, 0 to 99.
    pub years_held: Option<u32>,
    /// Complete years since the last gain, 0 to 99.
    pub years_held_since_last_gain: Option<u32>,
    /// Deficiency relief available.
    pub deficiency_relief: Option<Amount>,
}

/// A gain on a voided ISA.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VoidedIsa {
    /// The customer's reference for the ISA.
    pub customer_reference: Option<String>,
    /// The event that voided it.
    pub event: Option<String>,
    /// Tax paid on the gain.
    pub tax_paid_amount: Option<Amount>,
    pub gain_amount: Amount,
    /// Complete years the ISA was held, 0 to 99.
    pub years_held: Option<u32>,
    /// Complete years since the last gain, 0 to 99.
    pub years_held_since_last_gain: Option<u32>,
}

/// A gain on a foreign policy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPolicy {
    /// The customer's reference for the policy.
    pub customer_reference: Option<String>,
    pub gain_amount: Amount,
    /// Tax paid on the gain.
    pub tax_paid_amount: Option<Amount>,
    /// Complete years the policy was held, 0 to 99.
    pub years_held: Option<u32>,
}

impl InsurancePolicies {
    /// All the gains of the year, of every kind of policy.
    pub fn total_gains(&self) -> Money {
        let uk: Money = [&self.life_insurance, &self.capital_redemption, &self.life_annuity]
            .into_iter()
            .flat_map(items)
            .map(|g| g.gain_amount.money())
            .sum();
        let isa: Money = items(&self.voided_isa).iter().map(|g| g.gain_amount.money()).sum();
        let foreign: Money = items(&self.foreign).iter().map(|g| g.gain_amount.money()).sum();
        uk + isa + foreign
    }

    /// Deficiency relief available on the life insurance, capital redemption and life
    /// annuity policies.
    pub fn total_deficiency_relief(&self) -> Money {
        [&self.life_insurance, &self.capital_redemption, &self.life_annuity]
            .into_iter()
            .flat_map(items)
            .filter_map(|g| g.deficiency_relief.map(Amount::money))
            .sum()
    }
}

fn check_years(value: Option<u32>, path: &str) -> Result<(), BodyError> {
    match value {
        Some(n) if n > 99 => Err(BodyError::format(path, format!("{n} is not a whole number of years from 0 to 99"))),
        _ => Ok(()),
    }
}

fn check_texts(reference: &Option<String>, event: &Option<String>, path: &str) -> Result<(), BodyError> {
    if let Some(r) = reference {
        check_reference(r, &format!("{path}/customerReference"), "FORMAT_CUSTOMER_REF", 90)?;
    }
    if let Some(e) = event {
        check_reference(e, &format!("{path}/event"), "FORMAT_EVENT", 90)?;
    }
    Ok(())
}

impl Check for InsurancePolicies {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if *self == InsurancePolicies::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        for (name, list) in [
            ("lifeInsurance", &self.life_insurance),
            ("capitalRedemption", &self.capital_redemption),
            ("lifeAnnuity", &self.life_annuity),
        ] {
            refuse_empty_array(list, name)?;
            for (i, g) in items(list).iter().enumerate() {
                let p = format!("{name}/{i}");
                check_texts(&g.customer_reference, &g.event, &p)?;
                check_years(g.years_held, &format!("{p}/yearsHeld"))?;
                check_years(g.years_held_since_last_gain, &format!("{p}/yearsHeldSinceLastGain"))?;
            }
        }
        refuse_empty_array(&self.voided_isa, "voidedIsa")?;
        for (i, g) in items(&self.voided_isa).iter().enumerate() {
            let p = format!("voidedIsa/{i}");
            check_texts(&g.customer_reference, &g.event, &p)?;
            check_years(g.years_held, &format!("{p}/yearsHeld"))?;
            check_years(g.years_held_since_last_gain, &format!("{p}/yearsHeldSinceLastGain"))?;
        }
        refuse_empty_array(&self.foreign, "foreign")?;
        for (i, g) in items(&self.foreign).iter().enumerate() {
            let p = format!("foreign/{i}");
            check_texts(&g.customer_reference, &None, &p)?;
            check_years(g.years_held, &format!("{p}/yearsHeld"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
        "lifeInsurance": [{"customerReference": "INPOLY123A", "event": "Death of spouse", "gainAmount": 2000.99,
            "taxPaid": true, "yearsHeld": 15, "yearsHeldSinceLastGain": 12, "deficiencyRelief": 500}],
        "capitalRedemption": [{"customerReference": "INPOLY123B", "event": "Policy matured", "gainAmount": 3000,
            "taxPaid": false, "yearsHeld": 5, "yearsHeldSinceLastGain": 5, "deficiencyRelief": 100}],
        "lifeAnnuity": [{"customerReference": "INPOLY123C", "event": "Surrender", "gainAmount": 1000,
            "taxPaid": true, "yearsHeld": 3, "yearsHeldSinceLastGain": 2}],
        "voidedIsa": [{"customerReference": "INPOLY123D", "event": "Voided", "taxPaidAmount": 100, "gainAmount": 400,
            "yearsHeld": 4, "yearsHeldSinceLastGain": 4}],
        "foreign": [{"customerReference": "INPOLY123E", "gainAmount": 600, "taxPaidAmount": 60, "yearsHeld": 9}]
    }"#;

    #[test]
    fn insurance_policies_parse_check_and_sum() {
        let body: InsurancePolicies = serde_json::from_str(FULL).unwrap();
        body.check(TaxYear::starting(2024)).unwrap();
        assert_eq!(body.total_gains().amount().to_string(), "7000.99");
        assert_eq!(body.total_deficiency_relief(), Money::pounds(600));
        assert_eq!(body.life_insurance.as_ref().unwrap()[0].years_held, Some(15));

        let e = serde_json::from_str::<InsurancePolicies>(r#"{"foreign": [{"gainAmount": 1, "taxPaid": true}]}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn insurance_policies_rules() {
        let bad: InsurancePolicies =
            serde_json::from_str(r#"{"lifeAnnuity": [{"event": "", "gainAmount": 1, "taxPaid": true}]}"#).unwrap();
        let e = bad.check(TaxYear::starting(2024)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("lifeAnnuity/0/event", "FORMAT_EVENT"));
        let years: InsurancePolicies =
            serde_json::from_str(r#"{"foreign": [{"gainAmount": 1, "yearsHeld": 100}]}"#).unwrap();
        assert_eq!(years.check(TaxYear::starting(2024)).unwrap_err().code, "FORMAT_VALUE");
        let empty: InsurancePolicies = serde_json::from_str(r#"{"voidedIsa": []}"#).unwrap();
        assert_eq!(empty.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
