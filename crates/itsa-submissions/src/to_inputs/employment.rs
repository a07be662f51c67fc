//! The Employments and Expenses APIs' figures beyond pay and tax: each employment's
//! particulars and benefits item by item, tips, share schemes, lump sums, the disability
//! and foreign service reductions, employment expenses and trade union death benefits.

use itsa_engine::employment::{
    EmploymentExpenses, EmploymentRecord, LumpSums, ShareScheme, ShareSchemeKind, Source, TaxedLumpSum,
};
use itsa_engine::{Inputs, Money};

use crate::bodies::employments::{BenefitsInKind, CustomEmployment, LumpSum, OtherEmploymentIncome};
use crate::bodies::expenses::{EmploymentExpenseAmounts, OtherExpenses};
use crate::{NOT_CALCULATED, SubmissionError};

/// HMRC keeps the first 35 characters of a payroll id (the calculation's pattern allows
/// no more).
const PAYROLL_ID_KEPT: usize = 35;

/// The record of an employment HMRC holds from the employer's real-time reports.
pub(super) fn held_record(employer_ref: Option<&String>, benefits: Option<&BenefitsInKind>) -> EmploymentRecord {
    EmploymentRecord {
        source: Source::HmrcHeld,
        employer_ref: employer_ref.cloned(),
        benefits: benefits.map(BenefitsInKind::named).unwrap_or_default(),
        ..EmploymentRecord::default()
    }
}

/// The record of a custom employment the customer added, known by the id it was given.
pub(super) fn custom_record(id: &str, e: &CustomEmployment) -> EmploymentRecord {
    EmploymentRecord {
        id: Some(id.to_owned()),
        source: Source::Customer,
        employer_ref: e.employer_ref.clone(),
        payroll_id: e.payroll_id.as_ref().map(|p| p.chars().take(PAYROLL_ID_KEPT).collect()),
        start_date: Some(e.start_date.0),
        date_ended: e.cessation_date.map(|d| d.0),
        ..EmploymentRecord::default()
    }
}

fn taxed(
    amount: crate::amount::Amount,
    tax_paid: Option<crate::amount::Amount>,
    in_employment: Option<bool>,
) -> TaxedLumpSum {
    TaxedLumpSum {
        amount: amount.money(),
        exempt_amount: None,
        tax_paid: tax_paid.map(|t| t.money()),
        tax_taken_off_in_employment: in_employment,
    }
}

fn lump_sums(l: &LumpSum) -> LumpSums {
    LumpSums {
        employer_name: l.employer_name.clone(),
        employer_ref: Some(l.employer_ref.clone()),
        taxable_lump_sums: l
            .taxable_lump_sums_and_certain_income
            .as_ref()
            .map(|t| taxed(t.amount, t.tax_paid, t.tax_taken_off_in_employment)),
        retirement_scheme: l.benefit_from_employer_financed_retirement_scheme.as_ref().map(|r| TaxedLumpSum {
            exempt_amount: r.exempt_amount.map(|a| a.money()),
            ..taxed(r.amount, r.tax_paid, r.tax_taken_off_in_employment)
        }),
        redundancy_over_exemption: l
            .redundancy_compensation_payments_over_exemption
            .as_ref()
            .map(|t| taxed(t.amount, t.tax_paid, t.tax_taken_off_in_employment)),
        redundancy_under_exemption: l
            .redundancy_compensation_payments_under_exemption
            .as_ref()
            .map(|u| u.amount.money()),
    }
}

/// Share scheme income, lump sums and the termination payment reductions of Other
/// Employment Income. Each employer's lump sums go with the employment that has the
/// employer's reference, if there is one; otherwise they stand on their own.
pub(super) fn other_employment_income(inputs: &mut Inputs, o: &OtherEmploymentIncome) {
    let x = &mut inputs.employment_extras;
    x.share_schemes = o
        .share_option
        .iter()
        .flatten()
        .map(|s| ShareScheme {
            kind: ShareSchemeKind::ShareOption,
            employer_name: s.employer_name.clone(),
            employer_ref: s.employer_ref.clone(),
            taxable_amount: s.taxable_amount.money(),
        })
        .chain(o.shares_awarded_or_received.iter().flatten().map(|s| ShareScheme {
            kind: ShareSchemeKind::SharesAwardedOrReceived,
            employer_name: s.employer_name.clone(),
            employer_ref: s.employer_ref.clone(),
            taxable_amount: s.taxable_amount.money(),
        }))
        .collect();
    x.disability_deduction = o.disability.as_ref().map_or(Money::ZERO, |d| d.amount_deducted.money());
    x.foreign_service_deduction = o.foreign_service.as_ref().map_or(Money::ZERO, |d| d.amount_deducted.money());
    x.lump_sums.clear();
    for e in &mut inputs.employments {
        e.record.lump_sums = None;
    }
    for l in o.lump_sums.iter().flatten() {
        let sums = lump_sums(l);
        let employment = inputs.employments.iter_mut().find(|e| {
            e.record.lump_sums.is_none() && e.record.employer_ref.as_deref() == Some(l.employer_ref.as_str())
        });
        match employment {
            Some(e) => e.record.lump_sums = Some(sums),
            None => inputs.employment_extras.lump_sums.push(sums),
        }
    }
}

/// Employment expenses as claimed.
pub(super) fn expenses(e: &EmploymentExpenseAmounts) -> EmploymentExpenses {
    let m = |a: Option<crate::amount::Amount>| a.map(|a| a.money());
    EmploymentExpenses {
        business_travel_costs: m(e.business_travel_costs),
        job_expenses: m(e.job_expenses),
        flat_rate_job_expenses: m(e.flat_rate_job_expenses),
        professional_subscriptions: m(e.professional_subscriptions),
        hotel_and_meal_expenses: m(e.hotel_and_meal_expenses),
        other_and_capital_allowances: m(e.other_and_capital_allowances),
        vehicle_expenses: m(e.vehicle_expenses),
        mileage_allowance_relief: m(e.mileage_allowance_relief),
    }
}

/// The deduction for payments to a trade union for death benefits: half of what was paid
/// (ITEPA 2003 s457(3); the `expenseAmount` is the payment, docs/differences.md).
pub(super) fn trade_union_death_benefits(o: &OtherExpenses) -> Money {
    let paid = o.payments_to_trade_unions_for_death_benefits.as_ref().map_or(Money::ZERO, |p| p.expense_amount.money());
    Money::new(paid.amount() / rust_decimal::Decimal::TWO)
}

/// Student loans through Self Assessment count income by kind (earnings through PAYE,
/// other earnings, unearned income); where tips, share scheme income, lump sums,
/// employment expenses or payroll giving fall in them is not settled, so a year with both
/// is refused.
pub(super) fn refuse_with_student_loans(inputs: &Inputs) -> Result<(), SubmissionError> {
    let x = &inputs.employment_extras;
    let any = !x.tips.is_zero()
        || !x.share_schemes.is_empty()
        || !x.lump_sums.is_empty()
        || x.expenses.is_some()
        || !x.payroll_giving.is_zero()
        || inputs.employments.iter().any(|e| e.record.lump_sums.is_some());
    if any && !inputs.student_loan_plans.is_empty() {
        return Err(SubmissionError::new(
            NOT_CALCULATED,
            "hmrc_held/student_loan_plans: itsa does not calculate student loan repayments on tips, share scheme income, lump sums or after employment expenses or payroll giving yet, so it refuses the year rather than leave them out of the bill".to_owned(),
        ));
    }
    Ok(())
}
