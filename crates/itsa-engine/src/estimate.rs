//! The end-of-year estimate for an in-year calculation: the income submitted so far,
//! scaled up to a whole year by the days it covers, and taxed as a full year.

use itsa_rules::{Date, Money};

use crate::calculation::{
    Calculation, EndOfYearEstimate, EstimatedIncomeSource, EstimatedSourceType, IncomeTaxCategory,
};
use crate::inputs::Inputs;

/// The inputs with every income and tax-deducted amount scaled from the days covered
/// (6 April to `to`) to the whole tax year, in pence rounded down. Claims that are made
/// for the year as a whole (Gift Aid, pension contributions, losses brought forward,
/// Child Benefit, coded-out amounts) are kept as they are.
pub(crate) fn annualise(inputs: &Inputs, to: Date) -> Inputs {
    let year = inputs.tax_year;
    let days_in_year = year.first_day().days_until(year.last_day()) + 1;
    let days_covered = (year.first_day().days_until(to) + 1).clamp(1, days_in_year);
    let scale = |m: Money| {
        Money::new(m.amount() * rust_decimal::Decimal::from(days_in_year) / rust_decimal::Decimal::from(days_covered))
            .round_down_to_penny()
    };
    let mut out = inputs.clone();
    out.income_to_date = None;
    for e in &mut out.employments {
        e.pay = scale(e.pay);
        e.benefits_in_kind = scale(e.benefits_in_kind);
        e.tax_deducted = scale(e.tax_deducted);
        e.student_loan_deductions = scale(e.student_loan_deductions);
        e.postgraduate_loan_deductions = scale(e.postgraduate_loan_deductions);
    }
    for p in &mut out.pensions {
        p.amount = scale(p.amount);
        p.tax_deducted = scale(p.tax_deducted);
    }
    out.state_pension = scale(out.state_pension);
    for b in &mut out.state_pension_sources {
        b.amount = scale(b.amount);
        b.tax_deducted = scale(b.tax_deducted);
    }
    for b in &mut out.state_benefits {
        b.amount = scale(b.amount);
        b.tax_deducted = scale(b.tax_deducted);
    }
    for se in &mut out.self_employments {
        se.adjusted_profit = scale(se.adjusted_profit);
    }
    if let Some(p) = &mut out.uk_property {
        p.profit = scale(p.profit);
        p.residential_finance_costs = scale(p.residential_finance_costs);
    }
    for a in &mut out.savings_accounts {
        a.gross_interest = scale(a.gross_interest);
        a.tax_deducted = scale(a.tax_deducted);
    }
    if let Some(p) = &mut out.foreign_property {
        p.profit = scale(p.profit);
        for c in &mut p.countries {
            c.profit = scale(c.profit);
            c.residential_finance_costs = scale(c.residential_finance_costs);
            c.foreign_tax = scale(c.foreign_tax);
        }
    }
    out.dividends = scale(out.dividends);
    out.foreign_dividends = scale(out.foreign_dividends);
    out.other_income = scale(out.other_income);
    out
}

pub(crate) fn end_of_year_estimate(annualised: &Inputs, full_year: &Calculation) -> EndOfYearEstimate {
    let tc = &full_year.tax_calculation;
    let it = &tc.income_tax;
    let mut income_sources = Vec::new();
    for b in &full_year.business_profit_and_loss {
        let (kind, name) = match b.income_source_type {
            crate::calculation::IncomeSourceType::SelfEmployment => {
                (EstimatedSourceType::SelfEmployment, Some(b.income_source_id.clone()))
            }
            crate::calculation::IncomeSourceType::UkProperty => (EstimatedSourceType::UkProperty, None),
            crate::calculation::IncomeSourceType::ForeignProperty => (EstimatedSourceType::ForeignProperty, None),
        };
        income_sources.push(EstimatedIncomeSource {
            income_source_type: kind,
            income_source_name: name,
            taxable_income: b.taxable_profit,
            total_allowances_and_deductions: Money::ZERO,
        });
    }
    let mut push = |kind, amount: Money| {
        if amount.is_positive() {
            income_sources.push(EstimatedIncomeSource {
                income_source_type: kind,
                income_source_name: None,
                taxable_income: amount,
                total_allowances_and_deductions: Money::ZERO,
            });
        }
    };
    push(
        EstimatedSourceType::Employments,
        annualised.employments.iter().map(|e| (e.pay + e.benefits_in_kind).round_down_to_pound()).sum::<Money>()
            + annualised.pensions.iter().map(|p| p.amount.round_down_to_pound()).sum::<Money>(),
    );
    push(
        EstimatedSourceType::UkSavings,
        full_year.savings_and_gains_income.as_ref().map_or(Money::ZERO, |s| s.total_uk_savings_and_gains),
    );
    push(EstimatedSourceType::UkDividends, full_year.dividends_income.map_or(Money::ZERO, |d| d.total_uk_dividends));
    push(
        EstimatedSourceType::ForeignDividends,
        full_year.dividends_income.map_or(Money::ZERO, |d| d.total_foreign_dividends),
    );
    push(
        EstimatedSourceType::StatePension,
        full_year.state_benefits_income.as_ref().map_or(Money::ZERO, |s| s.total_state_benefits_income),
    );
    push(EstimatedSourceType::OtherIncome, full_year.other_income.unwrap_or(Money::ZERO));

    let allocated = |c: &Option<IncomeTaxCategory>| c.as_ref().map_or(Money::ZERO, |c| c.allowances_allocated);
    allocate_allowances(
        &mut income_sources,
        [allocated(&it.pay_pensions_profit), allocated(&it.savings_and_gains), allocated(&it.dividends)],
    );

    let nic2 = tc.nics.class2.map_or(Money::ZERO, |c| c.amount);
    let nic4 = tc.nics.class4.as_ref().map_or(Money::ZERO, |c| c.total_amount);
    EndOfYearEstimate {
        income_sources,
        total_estimated_income: it.total_income_received_from_all_sources,
        total_taxable_income: it.total_taxable_income,
        income_tax_amount: it.total_income_tax_due,
        nic2,
        nic4,
        total_nic_amount: tc.nics.total_nic,
        total_student_loans_repayment_amount: tc.total_student_loans_repayment_amount,
        total_tax_deducted: tc.total_tax_deducted,
        income_tax_nic_amount: tc.total_income_tax_nics_charged,
        cgt_amount: tc.capital_gains_tax.as_ref().map(|g| g.capital_gains_tax_after_ftcr),
        total_tax_deducted_before_coding_out: tc.total_tax_deducted_before_coding_out,
        sa_underpayments_coded_out: tc.sa_underpayments_coded_out,
        total_allowances_and_deductions: it.total_allowances_and_deductions,
    }
}

/// The income category of an estimated source: 0 non-savings, 1 savings, 2 dividends.
fn category(kind: EstimatedSourceType) -> usize {
    match kind {
        EstimatedSourceType::UkSavings => 1,
        EstimatedSourceType::UkDividends | EstimatedSourceType::ForeignDividends => 2,
        _ => 0,
    }
}

/// Shares out the allowances the estimate set against each category of income among that
/// category's sources, in the order they are listed, each at most its own income. HMRC
/// does not publish how it attributes allowances to a source (docs/differences.md 45).
/// `by_category`: the allowances set against non-savings, savings and dividend income.
pub(crate) fn allocate_allowances(sources: &mut [EstimatedIncomeSource], by_category: [Money; 3]) {
    let mut left = by_category;
    for s in sources {
        let left = &mut left[category(s.income_source_type)];
        let share = (*left).min(s.taxable_income.at_least_zero());
        s.total_allowances_and_deductions = share;
        *left -= share;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(kind: EstimatedSourceType, income: i64) -> EstimatedIncomeSource {
        EstimatedIncomeSource {
            income_source_type: kind,
            income_source_name: None,
            taxable_income: Money::pounds(income),
            total_allowances_and_deductions: Money::ZERO,
        }
    }

    #[test]
    fn allowances_are_shared_within_each_category_in_order() {
        let mut sources = vec![
            source(EstimatedSourceType::SelfEmployment, 8_000),
            source(EstimatedSourceType::Employments, 10_000),
            source(EstimatedSourceType::UkSavings, 500),
            source(EstimatedSourceType::UkDividends, 3_000),
        ];
        allocate_allowances(&mut sources, [Money::pounds(12_570), Money::ZERO, Money::ZERO]);
        let shares: Vec<Money> = sources.iter().map(|s| s.total_allowances_and_deductions).collect();
        assert_eq!(shares, [Money::pounds(8_000), Money::pounds(4_570), Money::ZERO, Money::ZERO]);
    }
}
