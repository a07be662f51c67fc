//! `endOfYearEstimate`: the in-year income projected to a whole year and taxed.

use itsa_engine::calculation::{EndOfYearEstimate, EstimatedIncomeSource, EstimatedSourceType, IncomeSourceType};

use super::inputs::business_income_source_id;
use crate::views::json::{Field, Node, Obj, is_income_source_id, money, money_if_not_zero, object, pounds};

/// `endOfYearEstimate`.
pub(super) fn end_of_year_estimate(e: &EndOfYearEstimate) -> impl Field {
    object(move |o| {
        o.non_empty("incomeSource", e.income_sources.iter().map(income_source))
            .set("totalEstimatedIncome", pounds(e.total_estimated_income))
            .set("totalTaxableIncome", pounds(e.total_taxable_income))
            .set("incomeTaxAmount", money(e.income_tax_amount))
            .set("nic2", money(e.nic2))
            .set("nic4", money(e.nic4))
            // Never below nil in HMRC's schema (a PAYE refund can take it there).
            .opt(
                "totalTaxDeductedBeforeCodingOut",
                Some(e.total_tax_deducted_before_coding_out).filter(|m| !m.is_negative()).map(money),
            )
            .opt("saUnderpaymentsCodedOut", money_if_not_zero(e.sa_underpayments_coded_out))
            .set("totalNicAmount", money(e.total_nic_amount))
            .set("totalStudentLoansRepaymentAmount", money(e.total_student_loans_repayment_amount))
            .set("totalTaxDeducted", money(e.total_tax_deducted))
            .set("incomeTaxNicAmount", money(e.income_tax_nic_amount))
            .opt("cgtAmount", e.cgt_amount.map(money))
            .set("incomeTaxNicAndCgtAmount", money(e.income_tax_nic_amount + e.cgt_amount.unwrap_or_default()))
            .set("totalAllowancesAndDeductions", pounds(e.total_allowances_and_deductions))
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
        .opt("incomeSourceId", id)
        .set("incomeSourceType", source_type(s.income_source_type))
        .opt("incomeSourceName", name.map(str::to_owned))
        .set("taxableIncome", pounds(s.taxable_income))
        .set("totalAllowancesAndDeductions", pounds(s.total_allowances_and_deductions))
        .build()
}
