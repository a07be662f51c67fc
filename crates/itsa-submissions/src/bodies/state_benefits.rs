//! Bodies of HMRC's Individuals State Benefits API (2.0): a state benefit HMRC's list lacks,
//! and the amounts of a benefit for a tax year.

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, IsoDate, SignedAmount};

/// HMRC's state benefit types, with HMRC's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BenefitType {
    /// `incapacityBenefit`.
    IncapacityBenefit,
    /// `statePension`.
    StatePension,
    /// `statePensionLumpSum`: a lump sum for deferring the State Pension.
    StatePensionLumpSum,
    /// `employmentSupportAllowance`.
    EmploymentSupportAllowance,
    /// `jobSeekersAllowance`.
    JobSeekersAllowance,
    /// `bereavementAllowance`.
    BereavementAllowance,
    /// `otherStateBenefits`.
    OtherStateBenefits,
}

impl BenefitType {
    /// Every type, in HMRC's order.
    pub const ALL: [BenefitType; 7] = [
        BenefitType::IncapacityBenefit,
        BenefitType::StatePension,
        BenefitType::StatePensionLumpSum,
        BenefitType::EmploymentSupportAllowance,
        BenefitType::JobSeekersAllowance,
        BenefitType::BereavementAllowance,
        BenefitType::OtherStateBenefits,
    ];

    /// HMRC's name for the type.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            BenefitType::IncapacityBenefit => "incapacityBenefit",
            BenefitType::StatePension => "statePension",
            BenefitType::StatePensionLumpSum => "statePensionLumpSum",
            BenefitType::EmploymentSupportAllowance => "employmentSupportAllowance",
            BenefitType::JobSeekersAllowance => "jobSeekersAllowance",
            BenefitType::BereavementAllowance => "bereavementAllowance",
            BenefitType::OtherStateBenefits => "otherStateBenefits",
        }
    }

    /// The type HMRC names `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.hmrc_name() == text)
    }
}

/// Create State Benefit: a benefit the customer received that HMRC does not hold.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StateBenefitCreate {
    pub benefit_type: BenefitType,
    /// The date the benefit started.
    pub start_date: IsoDate,
    /// The date the benefit ended.
    pub end_date: Option<IsoDate>,
}

impl Check for StateBenefitCreate {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if self.start_date.0 > year.last_day() {
            return Err(BodyError::new(
                "startDate",
                "RULE_START_DATE_AFTER_TAX_YEAR_END",
                format!("the benefit starts after the end of {year}"),
            ));
        }
        if let Some(end) = self.end_date {
            if end.0 < year.first_day() {
                return Err(BodyError::new(
                    "endDate",
                    "RULE_END_DATE_BEFORE_TAX_YEAR_START",
                    format!("the benefit ends before the start of {year}"),
                ));
            }
            if end < self.start_date {
                return Err(BodyError::new(
                    "endDate",
                    "RULE_END_DATE_BEFORE_START_DATE",
                    "the end date is earlier than the start date",
                ));
            }
        }
        Ok(())
    }
}

/// Amend State Benefit Amounts: what one benefit paid in the tax year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StateBenefitAmounts {
    /// The total of the benefit in the year.
    pub amount: Amount,
    /// Tax taken off the benefit; negative for tax refunded.
    pub tax_paid: Option<SignedAmount>,
}

impl Check for StateBenefitAmounts {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
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

    const CREATE: &str =
        r#"{"benefitType": "jobSeekersAllowance", "startDate": "2024-05-13", "endDate": "2024-09-27"}"#;

    #[test]
    fn state_benefit_create() {
        let b: StateBenefitCreate = parse(CREATE).unwrap();
        assert_eq!(b.check(y(2024)), Ok(()));
        assert_eq!(b.benefit_type, BenefitType::JobSeekersAllowance);
        for t in BenefitType::ALL {
            let parsed: BenefitType = parse(&format!("\"{}\"", t.hmrc_name())).unwrap();
            assert_eq!(parsed, t);
            assert_eq!(BenefitType::parse(t.hmrc_name()), Some(t));
        }
        assert!(parse::<StateBenefitCreate>(&CREATE.replace("jobSeekersAllowance", "JobSeekersAllowance")).is_err());
        assert!(
            parse::<StateBenefitCreate>(&CREATE.replace("\"endDate\"", "\"finishDate\""))
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(parse::<StateBenefitCreate>(r#"{"benefitType": "statePension"}"#).unwrap_err().contains("startDate"));

        let backwards = CREATE.replace("2024-09-27", "2024-05-12");
        let e = parse::<StateBenefitCreate>(&backwards).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_END_DATE_BEFORE_START_DATE", "endDate"));
        assert_eq!(b.check(y(2025)).unwrap_err().code, "RULE_END_DATE_BEFORE_TAX_YEAR_START");
        assert_eq!(b.check(y(2023)).unwrap_err().code, "RULE_START_DATE_AFTER_TAX_YEAR_END");
        let pension: StateBenefitCreate =
            parse(r#"{"benefitType": "statePension", "startDate": "2016-10-01"}"#).unwrap();
        assert_eq!(pension.check(y(2024)), Ok(()));
    }

    #[test]
    fn state_benefit_amounts() {
        let a: StateBenefitAmounts = parse(r#"{"amount": 11502.40, "taxPaid": -45.10}"#).unwrap();
        assert_eq!(a.check(y(2024)), Ok(()));
        assert!(a.tax_paid.unwrap().money().is_negative());
        assert!(parse::<StateBenefitAmounts>(r#"{"amount": 1, "tax": 0}"#).unwrap_err().contains("unknown field"));
        assert!(parse::<StateBenefitAmounts>(r#"{"taxPaid": 10}"#).unwrap_err().contains("missing field"));
        assert!(parse::<StateBenefitAmounts>(r#"{"amount": -1}"#).is_err());
    }
}
