//! Bodies of HMRC's Individuals Employments Income API (2.0): custom employments and their
//! financial details, non-PAYE income, other employment income and payrolled benefits that
//! affect student loans.

use itsa_engine::{Date, Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::{
    Amount, BodyError, Check, IsoDate, SignedAmount, check_reference, is_line_break, only_in_years, refuse_empty,
    refuse_empty_array,
};
use crate::amount::or_zero;

/// Whether `value` is an employer's PAYE reference by HMRC's pattern
/// `^[0-9]{3}/[^ ].{0,9}$`: three digits, a slash, then 1 to 10 characters of which the
/// first is not a space (`123/AB56797`).
pub fn is_employer_ref(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    (5..=14).contains(&chars.len())
        && chars[..3].iter().all(char::is_ascii_digit)
        && chars[3] == '/'
        && chars[4] != ' '
        && !chars[5..].iter().any(|&c| is_line_break(c))
}

/// Refuse a value that is not an employer's PAYE reference ([`is_employer_ref`]) with
/// HMRC's `FORMAT_EMPLOYER_REF`.
pub fn check_employer_ref(value: &str, path: &str) -> Result<(), BodyError> {
    if !is_employer_ref(value) {
        return Err(BodyError::new(
            path,
            "FORMAT_EMPLOYER_REF",
            format!("'{value}' is not an employer reference: three digits, '/', then 1 to 10 characters (123/AB56797)"),
        ));
    }
    Ok(())
}

/// Refuse an employer name of a custom employment that does not follow HMRC's pattern
/// `^\S.{0,73}$`: 1 to 74 characters on one line, not starting with a space.
pub fn check_employer_name(value: &str, path: &str) -> Result<(), BodyError> {
    let n = value.chars().count();
    let ok = value.chars().next().is_some_and(|c| !c.is_whitespace()) && n <= 74 && !value.chars().any(is_line_break);
    if !ok {
        return Err(BodyError::new(
            path,
            "FORMAT_EMPLOYER_NAME",
            format!("'{value}' must be 1 to 74 characters on one line, the first not a space"),
        ));
    }
    Ok(())
}

/// Whether `c` may appear in a payroll ID, HMRC's class `[A-Za-z0-9 .,\-()/=!"%&*;<>'+:?#]`.
fn is_payroll_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " .,-()/=!\"%&*;<>'+:?#".contains(c)
}

/// Refuse a date outside 1900-01-01 to 2100-01-01 (HMRC's `RULE_DATE_RANGE_INVALID`).
fn check_date_range(date: IsoDate, path: &str) -> Result<(), BodyError> {
    let first = Date::new(1900, 1, 1).expect("a date");
    let last = Date::new(2100, 1, 1).expect("a date");
    if date.0 < first || date.0 > last {
        return Err(BodyError::new(
            path,
            "RULE_DATE_RANGE_INVALID",
            format!("{} is outside the range 1900-01-01 to 2100-01-01", date.0),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Add a Custom Employment
// ---------------------------------------------------------------------------------------

/// Add a Custom Employment: an employment or occupational pension that HMRC's list lacks.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CustomEmployment {
    /// The employer's PAYE reference (`123/AB56797`).
    pub employer_ref: Option<String>,
    pub employer_name: String,
    /// The date the employment began.
    pub start_date: IsoDate,
    /// The date the employment ended.
    pub cessation_date: Option<IsoDate>,
    /// The employer's identifier for the employee (HMRC keeps the first 35 characters).
    pub payroll_id: Option<String>,
    /// Whether this income is an occupational pension rather than pay.
    pub occupational_pension: bool,
}

impl Check for CustomEmployment {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if let Some(r) = &self.employer_ref {
            check_employer_ref(r, "employerRef")?;
        }
        check_employer_name(&self.employer_name, "employerName")?;
        if let Some(id) = &self.payroll_id
            && (id.chars().count() > 38 || !id.chars().all(is_payroll_id_char))
        {
            return Err(BodyError::new(
                "payrollId",
                "FORMAT_PAYROLL_ID",
                format!("'{id}' must be up to 38 letters, digits, spaces or the characters .,-()/=!\"%&*;<>'+:?#"),
            ));
        }
        if self.start_date.0 > year.last_day() {
            return Err(BodyError::new(
                "startDate",
                "RULE_START_DATE_AFTER_TAX_YEAR_END",
                format!("the employment starts after the end of {year}"),
            ));
        }
        if let Some(end) = self.cessation_date {
            if end.0 < year.first_day() {
                return Err(BodyError::new(
                    "cessationDate",
                    "RULE_CESSATION_DATE_BEFORE_TAX_YEAR_START",
                    format!("the employment ends before the start of {year}"),
                ));
            }
            if end < self.start_date {
                return Err(BodyError::new(
                    "cessationDate",
                    "RULE_CESSATION_DATE_BEFORE_START_DATE",
                    "the cessation date is earlier than the start date",
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Create and Amend Employment Financial Details
// ---------------------------------------------------------------------------------------

/// Create and Amend Employment Financial Details: the pay, tax, deductions and benefits of
/// one employment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmploymentFinancialDetails {
    pub employment: FinancialDetailsEmployment,
}

/// The financial data of a single employment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FinancialDetailsEmployment {
    pub pay: Pay,
    pub deductions: Option<Deductions>,
    pub benefits_in_kind: Option<BenefitsInKind>,
    /// Whether the employer deducts PAYE because the contract falls under the off-payroll
    /// working rules. 2023-24 on only, and required there.
    pub off_payroll_worker: Option<bool>,
}

/// The pay details of a single employment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Pay {
    /// The gross taxable pay for this employment.
    pub taxable_pay_to_date: Amount,
    /// The tax deducted for this employment; negative for a refund.
    pub total_tax_to_date: SignedAmount,
}

impl Pay {
    /// The taxable pay.
    pub fn taxable_pay(&self) -> Money {
        self.taxable_pay_to_date.money()
    }

    /// The PAYE tax deducted (negative when refunded).
    pub fn tax_deducted(&self) -> Money {
        self.total_tax_to_date.money()
    }
}

/// The deductions of a single employment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Deductions {
    pub student_loans: Option<DeductionsStudentLoans>,
}

/// Student loan repayments the employer deducted.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeductionsStudentLoans {
    /// The amount deducted for an undergraduate student loan.
    pub ugl_deduction_amount: Option<Amount>,
    /// The amount deducted for a postgraduate loan.
    pub pgl_deduction_amount: Option<Amount>,
}

/// HMRC's `benefitsInKind` of employment financial details: the cash equivalents of the
/// benefits an employer provided, each taxed as employment income on top of pay.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BenefitsInKind {
    /// Living accommodation provided by the employer.
    pub accommodation: Option<Amount>,
    /// Goods provided by the employer and not used only for work.
    pub assets: Option<Amount>,
    /// Company assets transferred to the employee.
    pub asset_transfer: Option<Amount>,
    /// Interest-free or low-interest loans from the employer.
    pub beneficial_loan: Option<Amount>,
    /// The cash equivalent of company cars.
    pub car: Option<Amount>,
    /// Fuel for company cars.
    pub car_fuel: Option<Amount>,
    /// Scholarships or school fees paid by the employer.
    pub educational_services: Option<Amount>,
    /// Entertainment paid for or reimbursed by the employer.
    pub entertaining: Option<Amount>,
    /// Expenses reimbursed by the employer.
    pub expenses: Option<Amount>,
    /// Medical or dental insurance premiums paid by the employer.
    pub medical_insurance: Option<Amount>,
    /// Telephone costs paid by the employer that are not exempt.
    pub telephone: Option<Amount>,
    /// Services used by the employee and paid for by the employer.
    pub service: Option<Amount>,
    /// Taxable expenses reimbursed by the employer.
    pub taxable_expenses: Option<Amount>,
    /// The cash equivalent of company vans.
    pub van: Option<Amount>,
    /// Fuel for company vans.
    pub van_fuel: Option<Amount>,
    /// Mileage payments above HMRC's approved rates for the employee's own vehicle.
    pub mileage: Option<Amount>,
    /// Relocation costs that do not qualify for the exemption.
    pub non_qualifying_relocation_expenses: Option<Amount>,
    /// Childcare paid by the employer above the exempt limit.
    pub nursery_places: Option<Amount>,
    /// Any other benefits.
    pub other_items: Option<Amount>,
    /// The employee's own costs paid by the employer.
    pub payments_on_employees_behalf: Option<Amount>,
    /// Incidental personal expenses while travelling on business.
    pub personal_incidental_expenses: Option<Amount>,
    /// Qualifying relocation costs, bridging loans included.
    pub qualifying_relocation_expenses: Option<Amount>,
    /// Professional fees and subscriptions paid by the employer.
    pub employer_provided_professional_subscriptions: Option<Amount>,
    /// Services provided by the employer.
    pub employer_provided_services: Option<Amount>,
    /// A director's income tax paid by the employer and not recovered.
    pub income_tax_paid_by_director: Option<Amount>,
    /// Travel and subsistence paid by the employer that is not exempt.
    pub travel_and_subsistence: Option<Amount>,
    /// Vouchers and spending on employer-provided credit cards.
    pub vouchers_and_credit_cards: Option<Amount>,
    /// Other non-cash benefits.
    pub non_cash: Option<Amount>,
}

impl BenefitsInKind {
    /// Every benefit amount, absent ones as `None`.
    fn amounts(&self) -> [Option<Amount>; 28] {
        [
            self.accommodation,
            self.assets,
            self.asset_transfer,
            self.beneficial_loan,
            self.car,
            self.car_fuel,
            self.educational_services,
            self.entertaining,
            self.expenses,
            self.medical_insurance,
            self.telephone,
            self.service,
            self.taxable_expenses,
            self.van,
            self.van_fuel,
            self.mileage,
            self.non_qualifying_relocation_expenses,
            self.nursery_places,
            self.other_items,
            self.payments_on_employees_behalf,
            self.personal_incidental_expenses,
            self.qualifying_relocation_expenses,
            self.employer_provided_professional_subscriptions,
            self.employer_provided_services,
            self.income_tax_paid_by_director,
            self.travel_and_subsistence,
            self.vouchers_and_credit_cards,
            self.non_cash,
        ]
    }

    /// The sum of all the benefits.
    pub fn total(&self) -> Money {
        self.amounts().into_iter().map(or_zero).sum()
    }

    /// The benefits given, by HMRC's name, in HMRC's order (that of [`Self::amounts`]).
    pub fn named(&self) -> Vec<(&'static str, Money)> {
        const NAMES: [&str; 28] = [
            "accommodation",
            "assets",
            "assetTransfer",
            "beneficialLoan",
            "car",
            "carFuel",
            "educationalServices",
            "entertaining",
            "expenses",
            "medicalInsurance",
            "telephone",
            "service",
            "taxableExpenses",
            "van",
            "vanFuel",
            "mileage",
            "nonQualifyingRelocationExpenses",
            "nurseryPlaces",
            "otherItems",
            "paymentsOnEmployeesBehalf",
            "personalIncidentalExpenses",
            "qualifyingRelocationExpenses",
            "employerProvidedProfessionalSubscriptions",
            "employerProvidedServices",
            "incomeTaxPaidByDirector",
            "travelAndSubsistence",
            "vouchersAndCreditCards",
            "nonCash",
        ];
        NAMES.into_iter().zip(self.amounts()).filter_map(|(name, a)| a.map(|a| (name, a.money()))).collect()
    }
}

impl Check for BenefitsInKind {
    /// An object of benefits must hold at least one.
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")
    }
}

impl EmploymentFinancialDetails {
    /// The taxable pay of the employment.
    pub fn taxable_pay(&self) -> Money {
        self.employment.pay.taxable_pay()
    }

    /// The PAYE tax deducted (negative when refunded).
    pub fn tax_deducted(&self) -> Money {
        self.employment.pay.tax_deducted()
    }

    fn student_loans(&self) -> Option<&DeductionsStudentLoans> {
        self.employment.deductions.as_ref().and_then(|d| d.student_loans.as_ref())
    }

    /// Undergraduate student loan repayments the employer deducted.
    pub fn student_loan_deductions(&self) -> Money {
        or_zero(self.student_loans().and_then(|s| s.ugl_deduction_amount))
    }

    /// Postgraduate loan repayments the employer deducted.
    pub fn postgraduate_loan_deductions(&self) -> Money {
        or_zero(self.student_loans().and_then(|s| s.pgl_deduction_amount))
    }

    /// The total of the benefits in kind.
    pub fn benefits_in_kind(&self) -> Money {
        self.employment.benefits_in_kind.as_ref().map_or(Money::ZERO, BenefitsInKind::total)
    }
}

impl Check for EmploymentFinancialDetails {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        let e = &self.employment;
        let opw = "employment/offPayrollWorker";
        only_in_years(e.off_payroll_worker.is_some(), opw, year, Some(2023), None)
            .map_err(|err| BodyError { code: "NOT_ALLOWED_OFF_PAYROLL_WORKER", ..err })?;
        if e.off_payroll_worker.is_none() && year.start_year() >= 2023 {
            return Err(BodyError::new(opw, "MISSING_OFF_PAYROLL_WORKER", format!("is required for {year}")));
        }
        if let Some(d) = &e.deductions {
            refuse_empty(d, "employment/deductions")?;
            if let Some(s) = &d.student_loans {
                refuse_empty(s, "employment/deductions/studentLoans")?;
            }
        }
        if let Some(b) = &e.benefits_in_kind {
            b.check(year).map_err(|err| BodyError { path: "employment/benefitsInKind".into(), ..err })?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Create and Amend Non-PAYE Employment Income
// ---------------------------------------------------------------------------------------

/// Create and Amend Non-PAYE Employment Income: tips not taxed through PAYE.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NonPayeIncome {
    /// The total of tips received.
    pub tips: Option<Amount>,
}

impl Check for NonPayeIncome {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")
    }
}

// ---------------------------------------------------------------------------------------
// Create and Amend Other Employment Income
// ---------------------------------------------------------------------------------------

/// Create and Amend Other Employment Income: share schemes, lump sums and disability and
/// foreign service deductions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherEmploymentIncome {
    pub share_option: Option<Vec<ShareOption>>,
    pub shares_awarded_or_received: Option<Vec<SharesAwardedOrReceived>>,
    /// The exemption claimed for payments received for a disability when the employment
    /// ended or its terms changed.
    pub disability: Option<EmploymentDeduction>,
    /// Post-employment notice pay not taxable in the UK because it is taxable abroad.
    pub foreign_service: Option<EmploymentDeduction>,
    pub lump_sums: Option<Vec<LumpSum>>,
}

/// HMRC's share scheme or plan types for share options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareOptionSchemePlanType {
    /// Enterprise Management Incentive.
    Emi,
    /// Company Share Option Plan.
    Csop,
    /// Save As You Earn.
    Saye,
    Other,
}

/// HMRC's share scheme or plan types for shares awarded or received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SharesAwardedSchemePlanType {
    /// Share Incentive Plan.
    Sip,
    Other,
}

/// Income from a share option.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShareOption {
    pub employer_name: String,
    /// The employer's PAYE reference.
    pub employer_ref: Option<String>,
    pub scheme_plan_type: ShareOptionSchemePlanType,
    pub date_of_option_grant: IsoDate,
    pub date_of_event: IsoDate,
    /// Whether the option was not exercised but consideration was received for letting
    /// it lapse, releasing or assigning it.
    pub option_not_exercised_but_consideration_received: Option<bool>,
    pub amount_of_consideration_received: Amount,
    /// The number of shares acquired (a whole number).
    pub no_of_shares_acquired: u64,
    pub class_of_shares_acquired: Option<String>,
    /// The price per share at which the option could be exercised.
    pub exercise_price: Amount,
    pub amount_paid_for_option: Amount,
    /// The market value of the shares when the option was exercised (HMRC's spelling).
    pub market_value_of_shares_on_excise: Amount,
    pub profit_on_option_exercised: Amount,
    /// Employer's National Insurance contributions paid by the employee on the option.
    pub employers_nic_paid: Amount,
    /// The taxable amount not taxed through PAYE.
    pub taxable_amount: Amount,
}

/// Income from shares awarded or received.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SharesAwardedOrReceived {
    pub employer_name: String,
    /// The employer's PAYE reference.
    pub employer_ref: Option<String>,
    pub scheme_plan_type: SharesAwardedSchemePlanType,
    pub date_shares_ceased_to_be_subject_to_plan: IsoDate,
    /// The number of shares awarded (a whole number).
    pub no_of_share_securities_awarded: u64,
    /// The class of the shares awarded (their voting rights).
    pub class_of_share_awarded: String,
    pub date_shares_awarded: IsoDate,
    /// Whether the shares are not fully transferable until conditions are met.
    pub shares_subject_to_restrictions: bool,
    /// Whether an election was made to ignore some of the restrictions.
    pub election_entered_ignore_restrictions: bool,
    pub actual_market_value_of_shares_on_award: Amount,
    pub unrestricted_market_value_of_shares_on_award: Amount,
    pub amount_paid_for_shares_on_award: Amount,
    pub market_value_after_restrictions_lifted: Amount,
    /// The taxable amount not taxed through PAYE.
    pub taxable_amount: Amount,
}

/// A deduction from employment income (disability or foreign service).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmploymentDeduction {
    /// The customer's own reference for the record.
    pub customer_reference: Option<String>,
    pub amount_deducted: Amount,
}

/// Lump sums received from one employer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LumpSum {
    pub employer_name: String,
    /// The employer's PAYE reference.
    pub employer_ref: String,
    pub taxable_lump_sums_and_certain_income: Option<TaxedLumpSum>,
    /// Benefits from an employer-financed retirement benefits scheme.
    pub benefit_from_employer_financed_retirement_scheme: Option<RetirementSchemeBenefit>,
    /// Redundancy and compensation payments above the exemption.
    pub redundancy_compensation_payments_over_exemption: Option<TaxedLumpSum>,
    /// Redundancy and compensation payments within the exemption.
    pub redundancy_compensation_payments_under_exemption: Option<ExemptLumpSum>,
}

/// A lump sum with the tax paid on it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaxedLumpSum {
    pub amount: Amount,
    pub tax_paid: Option<Amount>,
    /// Whether the tax was taken off in the employment.
    pub tax_taken_off_in_employment: Option<bool>,
}

/// A benefit from an employer-financed retirement benefits scheme.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RetirementSchemeBenefit {
    pub amount: Amount,
    /// The part of the benefit exempt from tax.
    pub exempt_amount: Option<Amount>,
    pub tax_paid: Option<Amount>,
    /// Whether the tax was taken off in the employment.
    pub tax_taken_off_in_employment: Option<bool>,
}

/// Redundancy and compensation payments within the exemption.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExemptLumpSum {
    pub amount: Amount,
}

impl Check for OtherEmploymentIncome {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")?;
        refuse_empty_array(&self.share_option, "shareOption")?;
        refuse_empty_array(&self.shares_awarded_or_received, "sharesAwardedOrReceived")?;
        refuse_empty_array(&self.lump_sums, "lumpSums")?;
        for (i, s) in self.share_option.iter().flatten().enumerate() {
            let p = |f: &str| format!("shareOption/{i}/{f}");
            check_reference(&s.employer_name, &p("employerName"), "FORMAT_EMPLOYER_NAME", 105)?;
            if let Some(r) = &s.employer_ref {
                check_employer_ref(r, &p("employerRef"))?;
            }
            check_date_range(s.date_of_option_grant, &p("dateOfOptionGrant"))?;
            check_date_range(s.date_of_event, &p("dateOfEvent"))?;
            if let Some(c) = &s.class_of_shares_acquired {
                check_reference(c, &p("classOfSharesAcquired"), "FORMAT_CLASS_OF_SHARES_ACQUIRED", 90)?;
            }
        }
        for (i, s) in self.shares_awarded_or_received.iter().flatten().enumerate() {
            let p = |f: &str| format!("sharesAwardedOrReceived/{i}/{f}");
            check_reference(&s.employer_name, &p("employerName"), "FORMAT_EMPLOYER_NAME", 105)?;
            if let Some(r) = &s.employer_ref {
                check_employer_ref(r, &p("employerRef"))?;
            }
            check_date_range(s.date_shares_ceased_to_be_subject_to_plan, &p("dateSharesCeasedToBeSubjectToPlan"))?;
            check_date_range(s.date_shares_awarded, &p("dateSharesAwarded"))?;
            check_reference(
                &s.class_of_share_awarded,
                &p("classOfShareAwarded"),
                "FORMAT_CLASS_OF_SHARES_AWARDED",
                90,
            )?;
        }
        for (name, d) in [("disability", &self.disability), ("foreignService", &self.foreign_service)] {
            if let Some(r) = d.as_ref().and_then(|d| d.customer_reference.as_ref()) {
                check_reference(r, &format!("{name}/customerReference"), "FORMAT_CUSTOMER_REF", 90)?;
            }
        }
        for (i, l) in self.lump_sums.iter().flatten().enumerate() {
            let p = |f: &str| format!("lumpSums/{i}/{f}");
            check_reference(&l.employer_name, &p("employerName"), "FORMAT_EMPLOYER_NAME", 105)?;
            check_employer_ref(&l.employer_ref, &p("employerRef"))?;
            if l.taxable_lump_sums_and_certain_income.is_none()
                && l.benefit_from_employer_financed_retirement_scheme.is_none()
                && l.redundancy_compensation_payments_over_exemption.is_none()
                && l.redundancy_compensation_payments_under_exemption.is_none()
            {
                return Err(BodyError::new(
                    format!("lumpSums/{i}"),
                    "RULE_LUMP_SUMS",
                    "at least one kind of lump sum is required for each employer",
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Create or Amend Student Loan Benefits in Kind
// ---------------------------------------------------------------------------------------

/// Create or Amend Student Loan Benefits in Kind: payrolled benefits of one employment that
/// count for student loan repayments.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StudentLoanBenefitInKind {
    /// Benefits taxed through the payroll that affect student loan repayments.
    pub payrolled_benefits: Amount,
}

impl Check for StudentLoanBenefitInKind {
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

    fn pence(p: i64) -> Money {
        Money::new(rust_decimal::Decimal::new(p, 2))
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn shared_checks_follow_hmrcs_patterns() {
        for ok in ["123/AB56797", "001/A", "999/abcdefghij", "123/A B"] {
            assert!(check_employer_ref(ok, "r").is_ok(), "{ok}");
        }
        for bad in ["12/AB1", "123AB56797", "123/ AB", "123/", "123/ABCDEFGHIJK", "abc/AB1"] {
            assert_eq!(check_employer_ref(bad, "r").unwrap_err().code, "FORMAT_EMPLOYER_REF", "{bad}");
        }
        assert!(check_employer_name("Acme Widgets Ltd.", "n").is_ok());
        assert!(check_employer_name(" Acme", "n").is_err());
        assert!(check_employer_name("", "n").is_err());
        assert!(check_employer_name(&"x".repeat(75), "n").is_err());
        assert!(check_reference("Café (Ltd) & Co.", "c", "FORMAT_CUSTOMER_REF", 90).is_ok());
        assert!(check_reference("a/b", "c", "FORMAT_CUSTOMER_REF", 90).is_err());
        assert!(check_reference("", "c", "FORMAT_CUSTOMER_REF", 90).is_err());
        assert!(check_reference(&"a".repeat(91), "c", "FORMAT_CUSTOMER_REF", 90).is_err());
    }

    const CUSTOM: &str = r#"{
        "employerRef": "123/AB56797",
        "employerName": "Brightwater Dairies Ltd",
        "startDate": "2019-09-02",
        "cessationDate": "2025-01-31",
        "payrollId": "BW-00417",
        "occupationalPension": false
    }"#;

    #[test]
    fn custom_employment() {
        let e: CustomEmployment = parse(CUSTOM).unwrap();
        assert_eq!(e.check(y(2024)), Ok(()));
        assert!(!e.occupational_pension);

        let unknown = CUSTOM.replace("\"payrollId\"", "\"payrollID\"");
        assert!(parse::<CustomEmployment>(&unknown).unwrap_err().contains("unknown field"));

        let before = CUSTOM.replace("2019-09-02", "2025-02-01");
        let e: CustomEmployment = parse(&before).unwrap();
        assert_eq!(e.check(y(2024)).unwrap_err().code, "RULE_CESSATION_DATE_BEFORE_START_DATE");
        assert_eq!(
            parse::<CustomEmployment>(CUSTOM).unwrap().check(y(2025)).unwrap_err().code,
            "RULE_CESSATION_DATE_BEFORE_TAX_YEAR_START"
        );
        let late = CUSTOM.replace("2019-09-02", "2025-04-06").replace("\"2025-01-31\"", "\"2025-06-30\"");
        assert_eq!(
            parse::<CustomEmployment>(&late).unwrap().check(y(2024)).unwrap_err().code,
            "RULE_START_DATE_AFTER_TAX_YEAR_END"
        );
        let bad_ref = CUSTOM.replace("123/AB56797", "AB56797");
        assert_eq!(
            parse::<CustomEmployment>(&bad_ref).unwrap().check(y(2024)).unwrap_err().code,
            "FORMAT_EMPLOYER_REF"
        );
        let bad_payroll = CUSTOM.replace("BW-00417", "BW_00417");
        assert_eq!(
            parse::<CustomEmployment>(&bad_payroll).unwrap().check(y(2024)).unwrap_err().code,
            "FORMAT_PAYROLL_ID"
        );
        assert!(parse::<CustomEmployment>(&CUSTOM.replace("2019-09-02", "2019/09/02")).is_err());
    }

    const FINANCIAL: &str = r#"{
        "employment": {
            "pay": { "taxablePayToDate": 38250.40, "totalTaxToDate": 5137.20 },
            "deductions": { "studentLoans": { "uglDeductionAmount": 1215, "pglDeductionAmount": 420.50 } },
            "benefitsInKind": {
                "accommodation": 1, "assets": 2, "assetTransfer": 3, "beneficialLoan": 4, "car": 4320,
                "carFuel": 5, "educationalServices": 6, "entertaining": 7, "expenses": 8,
                "medicalInsurance": 912.50, "telephone": 9, "service": 10, "taxableExpenses": 11,
                "van": 12, "vanFuel": 13, "mileage": 14, "nonQualifyingRelocationExpenses": 15,
                "nurseryPlaces": 16, "otherItems": 17, "paymentsOnEmployeesBehalf": 18,
                "personalIncidentalExpenses": 19, "qualifyingRelocationExpenses": 20,
                "employerProvidedProfessionalSubscriptions": 21, "employerProvidedServices": 22,
                "incomeTaxPaidByDirector": 23, "travelAndSubsistence": 24,
                "vouchersAndCreditCards": 25, "nonCash": 26
            },
            "offPayrollWorker": false
        }
    }"#;

    #[test]
    fn employment_financial_details() {
        let f: EmploymentFinancialDetails = parse(FINANCIAL).unwrap();
        assert_eq!(f.check(y(2024)), Ok(()));
        assert_eq!(f.taxable_pay(), pence(3_825_040));
        assert_eq!(f.tax_deducted(), pence(513_720));
        assert_eq!(f.student_loan_deductions(), Money::pounds(1215));
        assert_eq!(f.postgraduate_loan_deductions(), pence(42_050));
        // 1 + 2 + ... + 26 = 351, plus the car and medical insurance.
        assert_eq!(f.benefits_in_kind(), pence(558_350));

        let unknown = FINANCIAL.replace("\"nonCash\"", "\"nonCashBenefit\"");
        assert!(parse::<EmploymentFinancialDetails>(&unknown).unwrap_err().contains("unknown field"));

        // offPayrollWorker is only in the 2023-24 on schema, and required there.
        assert_eq!(f.check(y(2022)).unwrap_err().code, "NOT_ALLOWED_OFF_PAYROLL_WORKER");
        let without = FINANCIAL.replace(",\n            \"offPayrollWorker\": false", "");
        let f: EmploymentFinancialDetails = parse(&without).unwrap();
        assert_eq!(f.check(y(2022)), Ok(()));
        assert_eq!(f.check(y(2023)).unwrap_err().code, "MISSING_OFF_PAYROLL_WORKER");

        let refund: EmploymentFinancialDetails =
            parse(r#"{"employment": {"pay": {"taxablePayToDate": 0, "totalTaxToDate": -120.45}}}"#).unwrap();
        assert!(refund.tax_deducted().is_negative());
        assert_eq!(refund.benefits_in_kind(), Money::ZERO);
        let empty: EmploymentFinancialDetails =
            parse(r#"{"employment": {"pay": {"taxablePayToDate": 100, "totalTaxToDate": 0}, "benefitsInKind": {}}}"#)
                .unwrap();
        let e = empty.check(y(2021)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "employment/benefitsInKind"));
        assert!(parse::<EmploymentFinancialDetails>(r#"{"employment": {"pay": {"taxablePayToDate": 100}}}"#).is_err());
    }

    #[test]
    fn non_paye_income() {
        let n: NonPayeIncome = parse(r#"{"tips": 642.18}"#).unwrap();
        assert_eq!(n.check(y(2023)), Ok(()));
        assert!(parse::<NonPayeIncome>(r#"{"tips": 1, "gratuities": 2}"#).unwrap_err().contains("unknown field"));
        let empty: NonPayeIncome = parse("{}").unwrap();
        assert_eq!(empty.check(y(2023)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const OTHER: &str = r#"{
        "shareOption": [{
            "employerName": "Northfield Engineering Ltd",
            "employerRef": "475/NF2291",
            "schemePlanType": "csop",
            "dateOfOptionGrant": "2020-06-15",
            "dateOfEvent": "2024-07-01",
            "optionNotExercisedButConsiderationReceived": false,
            "amountOfConsiderationReceived": 0,
            "noOfSharesAcquired": 2500,
            "classOfSharesAcquired": "Ordinary A",
            "exercisePrice": 1.20,
            "amountPaidForOption": 0,
            "marketValueOfSharesOnExcise": 7250,
            "profitOnOptionExercised": 4250,
            "employersNicPaid": 0,
            "taxableAmount": 4250
        }],
        "sharesAwardedOrReceived": [{
            "employerName": "Northfield Engineering Ltd",
            "employerRef": "475/NF2291",
            "schemePlanType": "sip",
            "dateSharesCeasedToBeSubjectToPlan": "2024-11-30",
            "noOfShareSecuritiesAwarded": 300,
            "classOfShareAwarded": "Ordinary A",
            "dateSharesAwarded": "2019-11-30",
            "sharesSubjectToRestrictions": false,
            "electionEnteredIgnoreRestrictions": false,
            "actualMarketValueOfSharesOnAward": 870,
            "unrestrictedMarketValueOfSharesOnAward": 870,
            "amountPaidForSharesOnAward": 0,
            "marketValueAfterRestrictionsLifted": 1140,
            "taxableAmount": 1140
        }],
        "disability": { "customerReference": "DIS-2024", "amountDeducted": 3000 },
        "foreignService": { "amountDeducted": 1800.75 },
        "lumpSums": [{
            "employerName": "Harbour Freight Ltd",
            "employerRef": "120/HF881",
            "taxableLumpSumsAndCertainIncome": { "amount": 5400, "taxPaid": 1080, "taxTakenOffInEmployment": true },
            "benefitFromEmployerFinancedRetirementScheme": {
                "amount": 2000, "exemptAmount": 500, "taxPaid": 300, "taxTakenOffInEmployment": true
            },
            "redundancyCompensationPaymentsOverExemption": { "amount": 12000, "taxPaid": 2400 },
            "redundancyCompensationPaymentsUnderExemption": { "amount": 30000 }
        }]
    }"#;

    #[test]
    fn other_employment_income() {
        let o: OtherEmploymentIncome = parse(OTHER).unwrap();
        assert_eq!(o.check(y(2024)), Ok(()));
        assert_eq!(o.share_option.as_ref().unwrap()[0].scheme_plan_type, ShareOptionSchemePlanType::Csop);

        let unknown = OTHER.replace("\"exemptAmount\"", "\"exemptionAmount\"");
        assert!(parse::<OtherEmploymentIncome>(&unknown).unwrap_err().contains("unknown field"));
        assert!(parse::<OtherEmploymentIncome>(&OTHER.replace("\"csop\"", "\"CSOP\"")).is_err());
        assert!(parse::<OtherEmploymentIncome>(&OTHER.replace("\"sip\"", "\"emi\"")).is_err());

        let bare = r#"{"lumpSums": [{"employerName": "Harbour Freight Ltd", "employerRef": "120/HF881"}]}"#;
        let e = parse::<OtherEmploymentIncome>(bare).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_LUMP_SUMS", "lumpSums/0"));
        let old = OTHER.replace("2020-06-15", "1899-12-31");
        let e = parse::<OtherEmploymentIncome>(&old).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_DATE_RANGE_INVALID", "shareOption/0/dateOfOptionGrant"));
        let bad_class = OTHER.replace("\"classOfShareAwarded\": \"Ordinary A\"", "\"classOfShareAwarded\": \"\"");
        assert_eq!(
            parse::<OtherEmploymentIncome>(&bad_class).unwrap().check(y(2024)).unwrap_err().code,
            "FORMAT_CLASS_OF_SHARES_AWARDED"
        );
        assert_eq!(
            parse::<OtherEmploymentIncome>(r#"{"shareOption": []}"#).unwrap().check(y(2024)).unwrap_err().code,
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
    }

    #[test]
    fn student_loan_benefit_in_kind() {
        let s: StudentLoanBenefitInKind = parse(r#"{"payrolledBenefits": 2750.60}"#).unwrap();
        assert_eq!(s.check(y(2025)), Ok(()));
        assert!(parse::<StudentLoanBenefitInKind>(r#"{"payrolledBenefits": 1, "car": 2}"#).is_err());
        assert!(parse::<StudentLoanBenefitInKind>("{}").unwrap_err().contains("missing field"));
        assert!(parse::<StudentLoanBenefitInKind>(r#"{"payrolledBenefits": -1}"#).is_err());
    }
}
