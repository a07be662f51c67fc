//! Calculation cases: the flat, one-line-per-taxpayer format that the engine's command
//! line, the service's test-support loader and independent calculators all share.
//!
//! [`parse_case`] reads one case into engine [`Inputs`]; [`result_line`] renders the
//! engine's answer as a result object (`summary`, the HMRC-shaped `calculation` of the
//! newest API version for the tax year, and `messages`). Unknown fields are refused, so
//! that a typo can never produce a wrong tax bill; the test-file fields `expected`,
//! `source`, `working` and `tolerance` are the one exception and are ignored.

use std::str::FromStr;

use itsa_engine::inputs::{
    CodedOut, Employment, MarriageAllowance, Pension, SavingsAccount, SelfEmployment, StudentLoanPlan, UkProperty,
};
use itsa_engine::{Calculation, Date, EngineError, Inputs, Money, Regime, RulesError, TaxYear};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The business id given to the single self-employment of a case.
pub const CASE_BUSINESS_ID: &str = "XAIS00000000001";
/// The business id given to the UK property business of a case.
pub const CASE_PROPERTY_BUSINESS_ID: &str = "XPIS00000000001";
/// The date of birth assumed when a case gives none.
pub const DEFAULT_DATE_OF_BIRTH: &str = "1980-01-01";

/// Why a case could not be read or calculated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl CaseError {
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::Invalid(_) => "INVALID_CASE",
            CaseError::Engine(e) => e.code(),
        }
    }
}

/// An amount in pounds as written in the case (a JSON number), read as an exact decimal.
///
/// serde_json prints a number back in its shortest exact form, so the decimal read here is
/// exactly the digits written in the file: no binary float rounding reaches the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Amount(Money);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(|v| Amount(Money::new(v)))
            .map_err(|_| serde::de::Error::custom(format!("{text} is not an amount of money")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    tax_year: String,
    regime: String,
    date_of_birth: Option<String>,
    #[serde(default)]
    employment_income: Amount,
    #[serde(default)]
    paye_tax_deducted: Amount,
    self_employment_profit: Option<Amount>,
    #[serde(default)]
    property_profit: Amount,
    #[serde(default)]
    property_finance_costs: Amount,
    #[serde(default)]
    property_finance_costs_brought_forward: Amount,
    #[serde(default)]
    savings_interest: Amount,
    #[serde(default)]
    dividends: Amount,
    #[serde(default)]
    pension_income: Amount,
    #[serde(default)]
    state_pension: Amount,
    #[serde(default)]
    other_non_savings_income: Amount,
    #[serde(default)]
    gift_aid_paid: Amount,
    #[serde(default)]
    pension_contributions_gross: Amount,
    #[serde(default)]
    blind: bool,
    marriage_allowance: Option<String>,
    #[serde(default)]
    student_loan_plans: Vec<String>,
    #[serde(default)]
    child_benefit_received: Amount,
    #[serde(default)]
    sa_underpayment_coded_out: Amount,
    #[serde(default)]
    paye_underpayment_coded_out: Amount,
    // Test-file fields, accepted and ignored (FORMAT.md).
    #[serde(default, rename = "expected")]
    _expected: Option<Value>,
    #[serde(default, rename = "source")]
    _source: Option<Value>,
    #[serde(default, rename = "working")]
    _working: Option<Value>,
    #[serde(default, rename = "tolerance")]
    _tolerance: Option<Value>,
}

/// The `id` of a case line, if it has one, for error lines.
pub fn case_id(line: &str) -> Option<String> {
    serde_json::from_str::<Value>(line).ok()?.get("id")?.as_str().map(str::to_owned)
}

/// The largest amount HMRC's submission schemas accept, in pounds.
const MAXIMUM_AMOUNT: &str = "99999999999.99";

impl Case {
    /// Every amount with its field name and whether it may be negative (a loss).
    fn amounts(&self) -> Vec<(&'static str, Option<Amount>, bool)> {
        vec![
            ("employment_income", Some(self.employment_income), false),
            ("paye_tax_deducted", Some(self.paye_tax_deducted), false),
            ("self_employment_profit", self.self_employment_profit, true),
            ("property_profit", Some(self.property_profit), true),
            ("property_finance_costs", Some(self.property_finance_costs), false),
            ("property_finance_costs_brought_forward", Some(self.property_finance_costs_brought_forward), false),
            ("savings_interest", Some(self.savings_interest), false),
            ("dividends", Some(self.dividends), false),
            ("pension_income", Some(self.pension_income), false),
            ("state_pension", Some(self.state_pension), false),
            ("other_non_savings_income", Some(self.other_non_savings_income), false),
            ("gift_aid_paid", Some(self.gift_aid_paid), false),
            ("pension_contributions_gross", Some(self.pension_contributions_gross), false),
            ("child_benefit_received", Some(self.child_benefit_received), false),
            ("sa_underpayment_coded_out", Some(self.sa_underpayment_coded_out), false),
            ("paye_underpayment_coded_out", Some(self.paye_underpayment_coded_out), false),
        ]
    }

    /// What HMRC's submission schemas would refuse: an amount in fractions of a penny,
    /// over 99999999999.99, or negative where only a loss may be.
    fn check_amounts(&self) -> Result<(), CaseError> {
        let maximum = Decimal::from_str(MAXIMUM_AMOUNT).expect("the maximum is a decimal");
        for (field, amount, may_be_negative) in self.amounts() {
            let Some(Amount(amount)) = amount else { continue };
            let value = amount.amount();
            let refuse = |why: &str| Err(CaseError::Invalid(format!("{field}: {value} {why}")));
            if value.normalize().scale() > 2 {
                return refuse("has more than two decimal places: amounts are in pounds and pence");
            }
            if value.is_sign_negative() && !value.is_zero() && !may_be_negative {
                return refuse("is negative, which this amount cannot be");
            }
            if value.abs() > maximum {
                return refuse(&format!("is more than the largest amount accepted, {MAXIMUM_AMOUNT}"));
            }
        }
        Ok(())
    }
}

/// Read one case (a JSON object) into the engine's inputs, refusing what HMRC would refuse
/// on submission: a tax year itsa has no rules for, a date of birth after the year, and
/// amounts of fractions of a penny, of more than HMRC's maximum, or negative where only a
/// loss may be. Each refusal names its field.
pub fn parse_case(line: &str) -> Result<(String, Inputs), CaseError> {
    let case: Case = serde_json::from_str(line).map_err(|e| CaseError::Invalid(format!("not a valid case: {e}")))?;
    let invalid = |e: &dyn std::fmt::Display| CaseError::Invalid(e.to_string());
    let tax_year = TaxYear::parse(&case.tax_year).map_err(|e| invalid(&format!("tax_year: {e}")))?;
    if !tax_year.is_supported() {
        return Err(CaseError::Engine(EngineError::Rules(RulesError::UnsupportedTaxYear(tax_year))));
    }
    let regime = Regime::parse(&case.regime).map_err(|e| invalid(&format!("regime: {e}")))?;
    let mut inputs = Inputs::new(tax_year, regime);
    let date_of_birth = Date::parse(case.date_of_birth.as_deref().unwrap_or(DEFAULT_DATE_OF_BIRTH))
        .map_err(|e| invalid(&format!("date_of_birth: {e}")))?;
    if date_of_birth > tax_year.last_day() {
        return Err(CaseError::Invalid(format!("date_of_birth: {date_of_birth} is after the end of the tax year")));
    }
    inputs.date_of_birth = Some(date_of_birth);
    case.check_amounts()?;

    let paye = case.paye_tax_deducted.0;
    let has_employment = !case.employment_income.0.is_zero() || (case.pension_income.0.is_zero() && !paye.is_zero());
    if has_employment {
        inputs.employments.push(Employment {
            name: "employment".into(),
            pay: case.employment_income.0,
            tax_deducted: paye,
            ..Default::default()
        });
    }
    if !case.pension_income.0.is_zero() {
        let tax_deducted = if has_employment { Money::ZERO } else { paye };
        inputs.pensions.push(Pension { name: "pension".into(), amount: case.pension_income.0, tax_deducted });
    }
    if let Some(profit) = case.self_employment_profit.filter(|p| !p.0.is_zero()) {
        inputs.self_employments.push(SelfEmployment {
            business_id: CASE_BUSINESS_ID.into(),
            adjusted_profit: profit.0,
            ..Default::default()
        });
    }
    if [case.property_profit, case.property_finance_costs, case.property_finance_costs_brought_forward]
        .iter()
        .any(|a| !a.0.is_zero())
    {
        inputs.uk_property = Some(UkProperty {
            business_id: CASE_PROPERTY_BUSINESS_ID.into(),
            profit: case.property_profit.0,
            residential_finance_costs: case.property_finance_costs.0,
            finance_costs_brought_forward: case.property_finance_costs_brought_forward.0,
            losses_brought_forward: Money::ZERO,
        });
    }
    if !case.savings_interest.0.is_zero() {
        inputs.savings_accounts.push(SavingsAccount {
            name: "savings".into(),
            gross_interest: case.savings_interest.0,
            tax_deducted: Money::ZERO,
        });
    }
    inputs.dividends = case.dividends.0;
    inputs.state_pension = case.state_pension.0;
    inputs.other_income = case.other_non_savings_income.0;
    inputs.gift_aid_paid = case.gift_aid_paid.0;
    inputs.pension_contributions_relief_at_source = case.pension_contributions_gross.0;
    inputs.blind_persons_allowance = case.blind;
    inputs.marriage_allowance = match case.marriage_allowance.as_deref() {
        None | Some("none") => MarriageAllowance::None,
        Some("transferor") => MarriageAllowance::Transferor,
        Some("recipient") => MarriageAllowance::Recipient,
        Some(other) => {
            return Err(CaseError::Invalid(format!(
                "marriage_allowance: '{other}' is not none, transferor or recipient"
            )));
        }
    };
    for plan in &case.student_loan_plans {
        let plan = match plan.as_str() {
            "plan1" => StudentLoanPlan::Plan1,
            "plan2" => StudentLoanPlan::Plan2,
            "plan4" => StudentLoanPlan::Plan4,
            "plan5" => StudentLoanPlan::Plan5,
            "postgraduate" => StudentLoanPlan::Postgraduate,
            other => {
                return Err(CaseError::Invalid(format!(
                    "student_loan_plans: '{other}' is not plan1, plan2, plan4, plan5 or postgraduate"
                )));
            }
        };
        if !inputs.student_loan_plans.contains(&plan) {
            inputs.student_loan_plans.push(plan);
        }
    }
    inputs.child_benefit = case.child_benefit_received.0;
    inputs.coded_out = CodedOut {
        sa_underpayments: case.sa_underpayment_coded_out.0,
        paye_underpayments: case.paye_underpayment_coded_out.0,
    };
    Ok((case.id, inputs))
}

/// Money as a JSON number (pounds and pence).
fn money(m: Money) -> Value {
    itsa_hmrc::json_number(m.amount())
}

/// The `summary` object of a result (FORMAT.md "Result").
pub fn summary(calculation: &Calculation) -> Value {
    serde_json::to_value(Summary::of(calculation)).expect("a summary serialises")
}

/// The result object for a calculated case.
pub fn result_line(id: &str, calculation: &Calculation) -> Value {
    serde_json::to_value(ResultLine::of(id, calculation)).expect("a result serialises")
}

/// The `summary` object, its fields in this order.
#[derive(Serialize)]
struct Summary {
    personal_allowance: Value,
    taxable_income: Value,
    income_tax_charged: Value,
    income_tax_due: Value,
    hicbc: Value,
    class2: Value,
    class4: Value,
    student_loans: Value,
    total_tax_deducted: Value,
    total_income_tax_and_nics_due: Value,
}

impl Summary {
    fn of(calculation: &Calculation) -> Self {
        let tc = &calculation.tax_calculation;
        let it = &tc.income_tax;
        Summary {
            personal_allowance: money(calculation.allowances_and_deductions.personal_allowance),
            taxable_income: money(it.total_taxable_income),
            income_tax_charged: money(it.income_tax_charged),
            income_tax_due: money(it.income_tax_due_after_gift_aid),
            hicbc: money(it.high_income_child_benefit_charge.map_or(Money::ZERO, |h| h.amount)),
            class2: money(tc.nics.class2.map_or(Money::ZERO, |c| c.amount)),
            class4: money(tc.nics.class4.as_ref().map_or(Money::ZERO, |c| c.total_amount)),
            student_loans: money(tc.total_student_loans_repayment_amount),
            total_tax_deducted: money(tc.total_tax_deducted),
            total_income_tax_and_nics_due: money(tc.total_income_tax_and_nics_due),
        }
    }
}

#[derive(Serialize)]
struct MessageFields<'a> {
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct MessagesFields<'a> {
    info: Vec<MessageFields<'a>>,
    warnings: Vec<MessageFields<'a>>,
    errors: Vec<MessageFields<'a>>,
}

fn listed(list: &[itsa_engine::messages::Message]) -> Vec<MessageFields<'_>> {
    list.iter().map(|m| MessageFields { id: m.id, text: &m.text }).collect()
}

/// A result object, serialised field by field (no map is built for the summary, the
/// messages or the line around them).
#[derive(Serialize)]
struct ResultLine<'a> {
    id: &'a str,
    summary: Summary,
    calculation: Value,
    messages: MessagesFields<'a>,
}

impl<'a> ResultLine<'a> {
    fn of(id: &'a str, calculation: &'a Calculation) -> Self {
        let m = &calculation.messages;
        ResultLine {
            id,
            summary: Summary::of(calculation),
            calculation: itsa_hmrc::calculation_v8(calculation),
            messages: MessagesFields {
                info: listed(&m.info),
                warnings: listed(&m.warnings),
                errors: listed(&m.errors),
            },
        }
    }
}

/// The result object for a case that could not be calculated.
pub fn error_line(id: Option<&str>, error: &CaseError) -> Value {
    json!({"id": id, "error": {"code": error.code(), "message": error.to_string()}})
}

/// One case line calculated: its id and calculation, or its error object.
fn outcome(line: &str) -> Result<(String, Calculation), Value> {
    match parse_case(line) {
        Ok((id, inputs)) => match itsa_engine::calculate(&inputs) {
            Ok(calculation) => Ok((id, calculation)),
            Err(e) => Err(error_line(Some(&id), &e.into())),
        },
        Err(e) => Err(error_line(case_id(line).as_deref(), &e)),
    }
}

/// Calculate one case line: the result object, or an error object.
pub fn calculate_line(line: &str) -> Value {
    match outcome(line) {
        Ok((id, calculation)) => result_line(&id, &calculation),
        Err(error) => error,
    }
}

/// Calculate one case line and write its result object (or error object) to `out`: the
/// same text as `serde_json::to_writer(out, &calculate_line(line))`, written straight
/// from the calculation.
pub fn write_result_line(out: &mut impl std::io::Write, line: &str) -> serde_json::Result<()> {
    match outcome(line) {
        Ok((id, calculation)) => serde_json::to_writer(out, &ResultLine::of(&id, &calculation)),
        Err(error) => serde_json::to_writer(out, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_refused_but_test_fields_ignored() {
        let err = parse_case(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","employment_incme":1}"#).unwrap_err();
        assert!(err.to_string().contains("employment_incme"), "{err}");
        let (id, inputs) =
            parse_case(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","expected":{"x":1},"source":"s","working":"w","tolerance":0.02}"#).unwrap();
        assert_eq!(id, "a");
        assert!(!inputs.has_income());
    }

    #[test]
    fn amounts_are_read_exactly() {
        let (_, inputs) = parse_case(
            r#"{"id":"a","tax_year":"2024-25","regime":"rUK","employment_income":12345.67,"paye_tax_deducted":0.1}"#,
        )
        .unwrap();
        assert_eq!(inputs.employments[0].pay, Money::new(Decimal::from_str("12345.67").unwrap()));
        assert_eq!(inputs.employments[0].tax_deducted, Money::new(Decimal::from_str("0.1").unwrap()));
    }

    #[test]
    fn bad_values_are_refused_with_the_field_named() {
        for (line, needle) in [
            (r#"{"id":"a","tax_year":"2024/25","regime":"rUK"}"#, "tax year"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"England"}"#, "regime"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","marriage_allowance":"both"}"#, "marriage_allowance"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","student_loan_plans":["plan3"]}"#, "student_loan_plans"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","dividends":"100"}"#, "invalid type"),
        ] {
            let err = parse_case(line).unwrap_err().to_string();
            assert!(err.contains(needle), "{line}: {err}");
        }
    }

    #[test]
    fn what_hmrc_would_refuse_is_refused_with_the_field_named() {
        let case = |extra: &str| format!(r#"{{"id":"a","tax_year":"2024-25","regime":"rUK",{extra}}}"#);
        for (extra, needle) in [
            (r#""employment_income":100.001"#, "employment_income: 100.001 has more than two decimal places"),
            (r#""dividends":-1"#, "dividends: -1 is negative"),
            (r#""paye_tax_deducted":-0.01"#, "paye_tax_deducted: -0.01 is negative"),
            (r#""savings_interest":100000000000"#, "savings_interest: 100000000000 is more than the largest"),
            (r#""self_employment_profit":-100000000000"#, "self_employment_profit: -100000000000 is more than"),
            (r#""date_of_birth":"2030-01-01""#, "date_of_birth: 2030-01-01 is after the end of the tax year"),
        ] {
            let err = parse_case(&case(extra)).unwrap_err();
            assert_eq!(err.code(), "INVALID_CASE", "{extra}");
            assert!(err.to_string().contains(needle), "{extra}: {err}");
        }
        // Losses may be negative; trailing zeros are still pence; -0 is nothing.
        for extra in [
            r#""self_employment_profit":-5000.5"#,
            r#""property_profit":-1"#,
            r#""dividends":1.500"#,
            r#""dividends":-0"#,
        ] {
            assert!(parse_case(&case(extra)).is_ok(), "{extra}");
        }
        for year in ["2016-17", "2027-28"] {
            let line = format!(r#"{{"id":"a","tax_year":"{year}","regime":"rUK"}}"#);
            let err = parse_case(&line).unwrap_err();
            assert_eq!(err.code(), "TAX_YEAR_NOT_SUPPORTED", "{year}");
            assert!(err.to_string().contains(year), "{err}");
        }
    }

    #[test]
    fn an_unsupported_year_gives_an_error_line() {
        let out = calculate_line(r#"{"id":"old","tax_year":"2016-17","regime":"rUK","employment_income":1}"#);
        assert_eq!(out["id"], "old");
        assert_eq!(out["error"]["code"], "TAX_YEAR_NOT_SUPPORTED");
    }
}
