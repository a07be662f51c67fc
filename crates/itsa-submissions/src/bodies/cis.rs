//! The body of HMRC's CIS Deductions API 3.0 Create CIS Deductions for Subcontractor: what
//! one contractor paid a subcontractor and deducted under the Construction Industry Scheme
//! in a tax year, month by month.

use itsa_engine::{Date, TaxYear};
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, IsoDate, check_date_years, is_line_break};

/// The first tax year HMRC takes CIS deductions for.
const FIRST_YEAR: u16 = 2020;

/// HMRC's Create CIS Deductions for Subcontractor request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CisDeductions {
    /// The first day of the tax year the deductions are for (6 April).
    pub from_date: IsoDate,
    /// The last day of that tax year (5 April).
    pub to_date: IsoDate,
    /// The name of the contractor the subcontractor worked for.
    pub contractor_name: String,
    /// The contractor's employer reference, such as `123/AB56797`.
    pub employer_ref: String,
    /// The deductions, at least one, one per tax month.
    pub period_data: Vec<CisPeriod>,
}

/// One tax month's payment and deduction.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CisPeriod {
    /// The tax the contractor deducted.
    pub deduction_amount: Amount,
    /// The start of the tax month, a 6th.
    pub deduction_from_date: IsoDate,
    /// The end of the tax month, the 5th of the following month.
    pub deduction_to_date: IsoDate,
    /// The cost of materials the subcontractor incurred.
    pub cost_of_materials: Option<Amount>,
    /// The gross amount the contractor paid.
    pub gross_amount_paid: Option<Amount>,
}

impl CisDeductions {
    /// The tax year the deductions are for: the one `toDate` falls in.
    pub fn tax_year(&self) -> TaxYear {
        TaxYear::containing(self.to_date.0)
    }
}

/// HMRC's `^[0-9]{3}\/[^ ].{0,9}$`.
fn is_employer_ref(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    chars.len() >= 5
        && chars.len() <= 14
        && chars[..3].iter().all(char::is_ascii_digit)
        && chars[3] == '/'
        && chars[4] != ' '
        && !chars[4..].iter().any(|&c| is_line_break(c))
}

impl Check for CisDeductions {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        let (from, to) = (self.from_date.0, self.to_date.0);
        check_date_years(self.from_date, "fromDate", "FORMAT_FROM_DATE")?;
        check_date_years(self.to_date, "toDate", "FORMAT_TO_DATE")?;
        if to < from {
            return Err(BodyError::new(
                "toDate",
                "RULE_DATE_RANGE_INVALID",
                format!("toDate {to} is before fromDate {from}"),
            ));
        }
        let year = self.tax_year();
        if (from, to) != (year.first_day(), year.last_day()) {
            return Err(BodyError::new(
                "/",
                "RULE_DATE_RANGE_INVALID",
                format!("{from} to {to} is not a whole tax year (6 April to 5 April)"),
            ));
        }
        if year.start_year() < FIRST_YEAR {
            return Err(BodyError::new(
                "/",
                "RULE_TAX_YEAR_NOT_SUPPORTED",
                format!("{year} is before 2020-21, the first tax year HMRC takes CIS deductions for"),
            ));
        }
        let name = &self.contractor_name;
        let length = name.chars().count();
        if !(1..=105).contains(&length) || name.chars().any(is_line_break) || name.trim().is_empty() {
            return Err(BodyError::new(
                "contractorName",
                "FORMAT_CONTRACTOR_NAME",
                format!("'{name}' must be 1 to 105 characters on one line, not only spaces"),
            ));
        }
        if !is_employer_ref(&self.employer_ref) {
            return Err(BodyError::new(
                "employerRef",
                "FORMAT_EMPLOYER_REFERENCE",
                format!("'{}' is not an employer reference such as 123/AB56797", self.employer_ref),
            ));
        }
        if self.period_data.is_empty() {
            return Err(BodyError::incorrect_or_empty("periodData", "at least one deduction period is required"));
        }
        for (i, p) in self.period_data.iter().enumerate() {
            let path = format!("periodData/{i}");
            check_date_years(
                p.deduction_from_date,
                &format!("{path}/deductionFromDate"),
                "FORMAT_DEDUCTIONS_FROM_DATE",
            )?;
            check_date_years(p.deduction_to_date, &format!("{path}/deductionToDate"), "FORMAT_DEDUCTIONS_TO_DATE")?;
            let (start, end) = (p.deduction_from_date.0, p.deduction_to_date.0);
            let next_month = start.add_years_months(0, 1);
            if start.day() != 6 || Date::new(next_month.year(), next_month.month(), 5) != Some(end) {
                return Err(BodyError::new(
                    path,
                    "RULE_DEDUCTIONS_DATE_RANGE_INVALID",
                    format!("{start} to {end} is not a tax month (the 6th of one month to the 5th of the next)"),
                ));
            }
            if start < from || end > to {
                return Err(BodyError::new(
                    path,
                    "RULE_UNALIGNED_DEDUCTIONS_PERIOD",
                    format!("{start} to {end} is not within {from} to {to}"),
                ));
            }
            if self.period_data[..i].iter().any(|q| q.deduction_from_date == p.deduction_from_date) {
                return Err(BodyError::new(
                    path,
                    "RULE_DUPLICATE_PERIOD",
                    format!("the tax month from {start} is given more than once"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: TaxYear = TaxYear::starting(2024);

    const VALID: &str = r#"{
        "fromDate": "2024-04-06",
        "toDate": "2025-04-05",
        "contractorName": "Bridge & Tunnel Builders Ltd",
        "employerRef": "123/AB56797",
        "periodData": [
            {"deductionAmount": 240.00, "deductionFromDate": "2024-04-06", "deductionToDate": "2024-05-05",
             "costOfMaterials": 150.50, "grossAmountPaid": 1350.50},
            {"deductionAmount": 180.20, "deductionFromDate": "2024-12-06", "deductionToDate": "2025-01-05",
             "grossAmountPaid": 901}
        ]
    }"#;

    fn body(json: &str) -> CisDeductions {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_full_body_passes() {
        let b = body(VALID);
        assert_eq!(b.tax_year(), YEAR);
        assert_eq!(b.period_data[1].gross_amount_paid.unwrap().to_string(), "901");
        b.check(YEAR).unwrap();
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = VALID.replace(r#""deductionAmount": 240.00,"#, r#""deductionAmount": 240.00, "vat": 1,"#);
        let e = serde_json::from_str::<CisDeductions>(&json).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
        let json = VALID.replace(r#""toDate""#, r#""source": "customer", "toDate""#);
        assert!(serde_json::from_str::<CisDeductions>(&json).is_err());
    }

    #[test]
    fn formats_are_checked() {
        let code = |from: &str, to: &str| body(&VALID.replace(from, to)).check(YEAR).unwrap_err().code;
        assert_eq!(code("123/AB56797", "12/AB56797"), "FORMAT_EMPLOYER_REFERENCE");
        assert_eq!(code("123/AB56797", "123/ AB5679"), "FORMAT_EMPLOYER_REFERENCE");
        assert_eq!(code("123/AB56797", "123/AB567970123"), "FORMAT_EMPLOYER_REFERENCE");
        assert_eq!(code("Bridge & Tunnel Builders Ltd", "   "), "FORMAT_CONTRACTOR_NAME");
        assert_eq!(code("Bridge & Tunnel Builders Ltd", &"x".repeat(106)), "FORMAT_CONTRACTOR_NAME");
        body(&VALID.replace("123/AB56797", "123/A B")).check(YEAR).unwrap();
    }

    #[test]
    fn dates_must_be_a_tax_year_of_tax_months() {
        let code = |from: &str, to: &str| body(&VALID.replace(from, to)).check(YEAR).unwrap_err().code;
        assert_eq!(code(r#""toDate": "2025-04-05""#, r#""toDate": "2024-04-05""#), "RULE_DATE_RANGE_INVALID");
        assert_eq!(code(r#""fromDate": "2024-04-06""#, r#""fromDate": "2024-05-06""#), "RULE_DATE_RANGE_INVALID");
        assert_eq!(
            code(r#""deductionToDate": "2024-05-05""#, r#""deductionToDate": "2024-05-31""#),
            "RULE_DEDUCTIONS_DATE_RANGE_INVALID"
        );
        assert_eq!(
            code(
                r#""deductionFromDate": "2024-12-06", "deductionToDate": "2025-01-05""#,
                r#""deductionFromDate": "2024-04-06", "deductionToDate": "2024-05-05""#
            ),
            "RULE_DUPLICATE_PERIOD"
        );
        let before = VALID
            .replace(
                "2024-04-06\",\n        \"toDate\": \"2025-04-05\"",
                "2019-04-06\",\n        \"toDate\": \"2020-04-05\"",
            )
            .replace(
                "2024-04-06\", \"deductionToDate\": \"2024-05-05\"",
                "2019-04-06\", \"deductionToDate\": \"2019-05-05\"",
            )
            .replace(
                "2024-12-06\", \"deductionToDate\": \"2025-01-05\"",
                "2019-12-06\", \"deductionToDate\": \"2020-01-05\"",
            );
        assert_eq!(body(&before).check(TaxYear::starting(2019)).unwrap_err().code, "RULE_TAX_YEAR_NOT_SUPPORTED");
        let outside = VALID.replace(
            r#""deductionFromDate": "2024-12-06", "deductionToDate": "2025-01-05""#,
            r#""deductionFromDate": "2025-04-06", "deductionToDate": "2025-05-05""#,
        );
        assert_eq!(body(&outside).check(YEAR).unwrap_err().code, "RULE_UNALIGNED_DEDUCTIONS_PERIOD");
        let empty = r#"{"fromDate": "2024-04-06", "toDate": "2025-04-05", "contractorName": "A", "employerRef": "123/A", "periodData": []}"#;
        assert_eq!(body(empty).check(YEAR).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
