//! `endOfYearEstimate`: the in-year income projected to a whole year and taxed.

use itsa_engine::calculation::{EndOfYearEstimate, EstimatedIncomeSource, EstimatedSourceType, IncomeSourceType};

use super::inputs::business_income_source_id;
use crate::key;
use crate::views::json::{Field, Node, Obj, is_income_source_id, money, money_if_not_zero, object, pounds};

/// `endOfYearEstimate`.
pub(super) fn end_of_year_estimate(e: &EndOfYearEstimate) -> impl Field {
    object(move |o| {
        o.non_empty(key!("incomeSource"), e.income_sources.iter().map(income_source))
            .set(key!("totalEstimatedIncome"), pounds(e.total_estimated_income))
            .set(key!("totalTaxableIncome"), pounds(e.total_taxable_income))
            .set(key!("incomeTaxAmount"), money(e.income_tax_amount))
            .set(key!("nic2"), money(e.nic2))
            .set(key!("nic4"), money(e.nic4))
            // Never below nil in HMRC's schema (a PAYE refund can take it there).
            .opt(
                key!("totalTaxDeductedBeforeCodingOut"),
                Some(e.total_tax_deducted_before_coding_out).filter(|m| !m.is_negative()).map(money),
            )
            .opt(key!("saUnderpaymentsCodedOut"), money_if_not_zero(e.sa_underpayments_coded_out))
            .set(key!("totalNicAmount"), money(e.total_nic_amount))
            .set(key!("totalStudentLoansRepaymentAmount"), money(e.total_student_loans_repayment_amount))
            .set(key!("totalTaxDeducted"), money(e.total_tax_deducted))
            .set(key!("incomeTaxNicAmount"), money(e.income_tax_nic_amount))
            .opt(key!("cgtAmount"), e.cgt_amount.map(money))
            .set(key!("incomeTaxNicAndCgtAmount"), money(e.income_tax_nic_amount + e.cgt_amount.unwrap_or_default()))
            .set(key!("totalAllowancesAndDeductions"), pounds(e.total_allowances_and_deductions))
    })
}

/// HMRC's `incomeSourceType` for an estimated source. Savings are
/// `uk-savings-and-gains` in HMRC's enum (`EstimatedSourceType::hmrc_name` gives
/// `uk-savings`, which the enum does not have); the others are the engine's names.
fn source_type(kind: EstimatedSourceType) -> &'static str {
    match kind {
        EstimatedSourceType::UkSavings => "uk-savings-and-gains",
        other => other.hmrc_name(),
    }
}

fn business_type(kind: EstimatedSourceType) -> Option<IncomeSourceType> {
    match kind {
        EstimatedSourceType::SelfEmployment => Some(IncomeSourceType::SelfEmployment),
        EstimatedSourceType::UkProperty => Some(IncomeSourceType::UkProperty),
        EstimatedSourceType::ForeignProperty => Some(IncomeSourceType::ForeignProperty),
        _ => None,
    }
}

/// One source: the engine's name for it is HMRC's income source id when it matches the
/// id pattern (a business id), otherwise the source's name. A business known by another
/// name also gets the id derived from it, as in `businessProfitAndLoss`.
fn income_source(s: &EstimatedIncomeSource) -> Node {
    let name = s.income_source_name.as_deref();
    let (id, name) = match (name, business_type(s.income_source_type)) {
        (Some(n), _) if is_income_source_id(n) => (Some(n.to_owned()), None),
        (Some(n), Some(kind)) => (Some(business_income_source_id(n, kind)), Some(n)),
        _ => (None, name),
    };
    Obj::new()
        .opt(key!("incomeSourceId"), id)
        .set(key!("incomeSourceType"), source_type(s.income_source_type))
        .opt(key!("incomeSourceName"), name.map(str::to_owned))
        .set(key!("taxableIncome"), pounds(s.taxable_income))
        .set(key!("totalAllowancesAndDeductions"), pounds(s.total_allowances_and_deductions))
        .build()
}
