//! The bodies of HMRC's Business Details API 2.0 that a taxpayer sends for a business and a
//! tax year: the quarterly period type, the accounting type and the periods of account.

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{BodyError, Check, IsoDate, refuse_empty_array};

/// Which quarters a business reports by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum PeriodType {
    /// Quarters from 6 April (6 April to 5 July, ...).
    #[serde(rename = "standard")]
    Standard,
    /// Calendar quarters from 1 April (1 April to 30 June, ...).
    #[serde(rename = "calendar")]
    Calendar,
}

/// HMRC's Create and Amend Quarterly Period Type request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QuarterlyPeriodType {
    pub quarterly_period_type: PeriodType,
}

impl Check for QuarterlyPeriodType {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        Ok(())
    }
}

/// How a business works out its income and expenses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum AccountingType {
    /// Cash basis: money actually received and paid out.
    #[serde(rename = "CASH")]
    Cash,
    /// Accruals: income and expenses when they are incurred.
    #[serde(rename = "ACCRUAL")]
    Accrual,
}

/// HMRC's Update Accounting Type request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountingTypeUpdate {
    pub accounting_type: AccountingType,
}

impl Check for AccountingTypeUpdate {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        Ok(())
    }
}

/// HMRC's Create or Update Periods of Account request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodsOfAccount {
    /// Whether the business has periods of account; if so their dates must be given, if
    /// not they must not be.
    pub periods_of_account: bool,
    pub periods_of_account_dates: Option<Vec<PeriodOfAccountDates>>,
}

/// One period of account.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodOfAccountDates {
    pub start_date: IsoDate,
    pub end_date: IsoDate,
}

impl Check for PeriodsOfAccount {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        const PATH: &str = "periodsOfAccountDates";
        refuse_empty_array(&self.periods_of_account_dates, PATH)?;
        match (self.periods_of_account, &self.periods_of_account_dates) {
            (true, None) => {
                return Err(BodyError::new(
                    PATH,
                    "RULE_PERIODS_OF_ACCOUNT",
                    "periods of account dates must be given when periodsOfAccount is true",
                ));
            }
            (false, Some(_)) => {
                return Err(BodyError::new(
                    PATH,
                    "RULE_PERIODS_OF_ACCOUNT",
                    "periods of account dates must not be given when periodsOfAccount is false",
                ));
            }
            _ => {}
        }
        let periods = self.periods_of_account_dates.as_deref().unwrap_or_default();
        let (first, last) = (year.first_day(), year.last_day());
        for (i, p) in periods.iter().enumerate() {
            let (start, end) = (p.start_date.0, p.end_date.0);
            if end < start {
                return Err(BodyError::new(
                    format!("{PATH}/{i}"),
                    "RULE_END_DATE_BEFORE_START_DATE",
                    format!("endDate {end} is before startDate {start}"),
                ));
            }
            if start > last {
                return Err(BodyError::new(
                    format!("{PATH}/{i}/startDate"),
                    "RULE_START_DATE",
                    format!("{start} is after the end of {year}: a period of account must start within or before it"),
                ));
            }
            if end < first || end > last {
                return Err(BodyError::new(
                    format!("{PATH}/{i}/endDate"),
                    "RULE_END_DATE",
                    format!("{end} is not within {year}"),
                ));
            }
        }
        for (i, a) in periods.iter().enumerate() {
            for b in &periods[i + 1..] {
                if !(a.end_date < b.start_date || b.end_date < a.start_date) {
                    return Err(BodyError::new(
                        PATH,
                        "RULE_PERIODS_OVERLAP",
                        format!(
                            "the periods {} to {} and {} to {} overlap",
                            a.start_date.0, a.end_date.0, b.start_date.0, b.end_date.0
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: TaxYear = TaxYear::starting(2025);

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn quarterly_period_type_reads_hmrc_values_only() {
        let b: QuarterlyPeriodType = read(r#"{"quarterlyPeriodType": "calendar"}"#).unwrap();
        assert_eq!(b.quarterly_period_type, PeriodType::Calendar);
        b.check(YEAR).unwrap();
        let b: QuarterlyPeriodType = read(r#"{"quarterlyPeriodType": "standard"}"#).unwrap();
        assert_eq!(b.quarterly_period_type, PeriodType::Standard);
        assert!(read::<QuarterlyPeriodType>(r#"{"quarterlyPeriodType": "Calendar"}"#).is_err());
        let e = read::<QuarterlyPeriodType>(r#"{"quarterlyPeriodType": "standard", "periodType": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    #[test]
    fn accounting_type_reads_hmrc_values_only() {
        let b: AccountingTypeUpdate = read(r#"{"accountingType": "ACCRUAL"}"#).unwrap();
        assert_eq!(b.accounting_type, AccountingType::Accrual);
        b.check(YEAR).unwrap();
        // Test support's spelling is not Business Details'.
        assert!(read::<AccountingTypeUpdate>(r#"{"accountingType": "ACCRUALS"}"#).is_err());
        let e = read::<AccountingTypeUpdate>(r#"{"accountingType": "CASH", "basis": "CASH"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    #[test]
    fn periods_of_account_valid_body_passes() {
        let b: PeriodsOfAccount = read(
            r#"{
                "periodsOfAccount": true,
                "periodsOfAccountDates": [
                    {"startDate": "2024-10-01", "endDate": "2025-09-30"},
                    {"startDate": "2025-10-01", "endDate": "2026-03-31"}
                ]
            }"#,
        )
        .unwrap();
        b.check(YEAR).unwrap();
        let none: PeriodsOfAccount = read(r#"{"periodsOfAccount": false}"#).unwrap();
        none.check(YEAR).unwrap();
    }

    #[test]
    fn periods_of_account_refuses_unknown_fields() {
        let e = read::<PeriodsOfAccount>(
            r#"{"periodsOfAccount": true, "periodsOfAccountDates": [{"startDate": "2025-04-06", "endDate": "2026-04-05", "note": "x"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    #[test]
    fn periods_of_account_rules() {
        let code = |json: &str| read::<PeriodsOfAccount>(json).unwrap().check(YEAR).unwrap_err().code;
        assert_eq!(code(r#"{"periodsOfAccount": true}"#), "RULE_PERIODS_OF_ACCOUNT");
        assert_eq!(
            code(
                r#"{"periodsOfAccount": false, "periodsOfAccountDates": [{"startDate": "2025-04-06", "endDate": "2026-04-05"}]}"#
            ),
            "RULE_PERIODS_OF_ACCOUNT"
        );
        assert_eq!(
            code(r#"{"periodsOfAccount": true, "periodsOfAccountDates": []}"#),
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
        assert_eq!(
            code(
                r#"{"periodsOfAccount": true, "periodsOfAccountDates": [{"startDate": "2025-09-01", "endDate": "2025-08-31"}]}"#
            ),
            "RULE_END_DATE_BEFORE_START_DATE"
        );
        assert_eq!(
            code(
                r#"{"periodsOfAccount": true, "periodsOfAccountDates": [{"startDate": "2026-04-06", "endDate": "2026-05-05"}]}"#
            ),
            "RULE_START_DATE"
        );
        assert_eq!(
            code(
                r#"{"periodsOfAccount": true, "periodsOfAccountDates": [{"startDate": "2025-04-06", "endDate": "2026-04-30"}]}"#
            ),
            "RULE_END_DATE"
        );
        assert_eq!(
            code(
                r#"{"periodsOfAccount": true, "periodsOfAccountDates": [
                    {"startDate": "2025-04-06", "endDate": "2025-10-01"},
                    {"startDate": "2025-10-01", "endDate": "2026-04-05"}]}"#
            ),
            "RULE_PERIODS_OVERLAP"
        );
    }
}
