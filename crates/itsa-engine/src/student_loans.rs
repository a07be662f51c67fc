//! Student and postgraduate loan repayments through Self Assessment (Education (Student
//! Loans) (Repayment) Regulations 2009 reg 29; HMRC CSLM16030).

use itsa_rules::{Money, Rate, YearRules};

use crate::calculation::StudentLoan;
use crate::inputs::StudentLoanPlan;

/// Income counted for student loans.
pub(crate) struct LoanIncome {
    /// Employment earnings (pay, not benefits in kind).
    pub paye_earnings: Money,
    /// Trading profits after losses.
    pub trading_profits: Money,
    /// Everything else: pensions, benefits, property, savings, dividends, other income.
    pub unearned: Money,
    pub student_loan_deductions: Money,
    pub postgraduate_loan_deductions: Money,
}

/// The threshold of an undergraduate plan in this year, if the plan exists then. Scottish
/// loans were Plan 1 loans until Plan 4 began in 2021-22.
fn undergraduate_threshold(rules: &YearRules, plan: StudentLoanPlan) -> Option<Money> {
    match plan {
        StudentLoanPlan::Plan1 => Some(rules.student_loan_plan1_threshold),
        StudentLoanPlan::Plan2 => Some(rules.student_loan_plan2_threshold),
        StudentLoanPlan::Plan4 => rules.student_loan_plan4_threshold.or(Some(rules.student_loan_plan1_threshold)),
        StudentLoanPlan::Plan5 => rules.student_loan_plan5_threshold,
        StudentLoanPlan::Postgraduate => None,
    }
}

/// Repayments: one 9% charge over the lowest threshold of the undergraduate plans held
/// (reg 29(5A)), and 6% over the postgraduate threshold, each rounded down to whole pounds
/// and reduced by what employers already deducted (never below nil).
pub(crate) fn student_loans(rules: &YearRules, plans: &[StudentLoanPlan], income: &LoanIncome) -> Vec<StudentLoan> {
    // Most taxpayers have no plan: nothing to repay, and no list to make for it.
    if plans.is_empty() {
        return Vec::new();
    }
    let non_paye_earned = income.trading_profits;
    let unearned =
        if income.unearned > rules.student_loan_unearned_income_limit { income.unearned } else { Money::ZERO };
    let non_paye_income = non_paye_earned + unearned;
    let total_income = income.paye_earnings + non_paye_income;

    let mut out = Vec::with_capacity(2);
    let undergraduate = plans
        .iter()
        .filter_map(|&p| undergraduate_threshold(rules, p).map(|t| (p, t)))
        .min_by_key(|&(_, threshold)| threshold);
    if let Some((plan, threshold)) = undergraduate {
        out.push(repayment(
            plan,
            threshold,
            rules.student_loan_undergraduate_rate,
            total_income,
            income,
            income.student_loan_deductions,
            non_paye_income,
        ));
    }
    if plans.contains(&StudentLoanPlan::Postgraduate)
        && let (Some(threshold), Some(rate)) =
            (rules.student_loan_postgraduate_threshold, rules.student_loan_postgraduate_rate)
    {
        out.push(repayment(
            StudentLoanPlan::Postgraduate,
            threshold,
            rate,
            total_income,
            income,
            income.postgraduate_loan_deductions,
            non_paye_income,
        ));
    }
    out
}

fn repayment(
    plan: StudentLoanPlan,
    threshold: Money,
    rate: Rate,
    total_income: Money,
    income: &LoanIncome,
    deductions: Money,
    non_paye_income: Money,
) -> StudentLoan {
    let chargeable_income = total_income.saturating_sub(threshold);
    // Rounded down to whole pounds (CSLM13013, CSLM18025).
    let repayment_amount = chargeable_income.percent(rate).round_down_to_pound();
    StudentLoan {
        plan,
        total_income,
        chargeable_income,
        repayment_amount,
        deductions_from_employment: deductions,
        repayment_amount_net_of_deductions: repayment_amount.saturating_sub(deductions),
        threshold,
        rate,
        paye_income: income.paye_earnings,
        non_paye_income,
    }
}
