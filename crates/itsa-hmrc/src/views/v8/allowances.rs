//! Allowances, reliefs, tax deducted at source, Gift Aid, marriage allowance, pension
//! contribution reliefs, student loans and coded-out underpayments.

use itsa_engine::Calculation;
use itsa_engine::Money;
use itsa_engine::calculation::{
    AllowancesAndDeductions, CodedOutUnderpayments, GiftAid, MarriageAllowanceTransferOut,
    MarriageAllowanceTransferredIn, PensionContributionReliefs, ReliefClaimed, ResidentialFinanceCosts, StudentLoan,
    TaxDeductedAtSource,
};
use itsa_engine::inputs::StudentLoanPlan;

use crate::views::SchemaVariant;
use crate::views::json::{Node, Obj, money, non_empty_array, percent, pounds};

/// `allowancesAndDeductions`.
///
/// The engine's `pension_contributions` (gross relief-at-source contributions) is not
/// written here: HMRC's `allowancesAndDeductions.pensionContributions` is the total of
/// contributions relieved by deduction from income (retirement annuity payments,
/// employer schemes without tax relief, overseas schemes), which itsa does not handle.
/// Relief-at-source contributions appear as `pensionContributionReliefs` and
/// `reliefs.basicRateExtension`. `total_allowances` is
/// `taxCalculation.incomeTax.totalAllowancesAndDeductions`.
pub(super) fn allowances_and_deductions(a: &AllowancesAndDeductions) -> Node {
    Obj::new()
        .set("personalAllowance", pounds(a.personal_allowance))
        .opt(
            "marriageAllowanceTransferOut",
            a.marriage_allowance_transfer_out.as_ref().map(marriage_allowance_transfer_out),
        )
        .opt("reducedPersonalAllowance", a.reduced_personal_allowance.map(pounds))
        .opt("blindPersonsAllowance", a.blind_persons_allowance.map(pounds))
        .opt("lossesAppliedToGeneralIncome", a.losses_applied_to_general_income.map(pounds))
        .opt("paymentsToTradeUnionsForDeathBenefits", a.payments_to_trade_unions_for_death_benefits.map(money))
        .build()
}

/// `allowancesAndDeductions.marriageAllowanceTransferOut`. HMRC has no field for the
/// allowance after the transfer (it is `personalAllowanceBeforeTransferOut` less
/// `transferredOutAmount`).
fn marriage_allowance_transfer_out(t: &MarriageAllowanceTransferOut) -> Node {
    Obj::new()
        .set("personalAllowanceBeforeTransferOut", money(t.personal_allowance_before_transfer_out))
        .set("transferredOutAmount", money(t.transferred_out_amount))
        .build()
}

/// `reliefs`: residential finance costs, investment reliefs, top slicing relief and the
/// basic rate extension for Gift Aid and relief-at-source pension contributions.
pub(super) fn reliefs(c: &Calculation) -> Option<Node> {
    Obj::new()
        .opt("residentialFinanceCosts", c.reliefs.residential_finance_costs.as_ref().map(residential_finance_costs))
        .non_empty("reliefsClaimed", c.reliefs.reliefs_claimed.iter().map(relief_claimed).collect())
        .opt(
            "topSlicingRelief",
            c.reliefs.top_slicing_relief.map(|t| Obj::new().set("amount", money(t.amount)).build()),
        )
        .opt("basicRateExtension", basic_rate_extension(c))
        .some_if_not_empty()
}

/// One item of `reliefs.reliefsClaimed`.
fn relief_claimed(r: &ReliefClaimed) -> Node {
    Obj::new()
        .set("type", r.kind.hmrc_name())
        .set("amountClaimed", money(r.amount_claimed))
        .set("allowableAmount", money(r.allowable_amount))
        .set("amountUsed", money(r.amount_used))
        .set("rate", percent(r.rate))
        .build()
}

/// `notionalTax`: the basic-rate tax treated as paid on life policy gains.
pub(super) fn notional_tax(c: &Calculation) -> Option<Node> {
    let notional = c.tax_calculation.income_tax.total_notional_tax;
    notional.is_positive().then(|| Obj::new().set("chargeableGains", money(notional)).build())
}

/// `reliefs.residentialFinanceCosts`, all for UK property (itsa has no foreign property).
fn residential_finance_costs(r: &ResidentialFinanceCosts) -> Node {
    Obj::new()
        .set("adjustedTotalIncome", money(r.adjusted_total_income))
        .set("totalAllowableAmount", money(r.total_allowable_amount))
        .set("relievableAmount", money(r.relievable_amount))
        .set("rate", percent(r.rate))
        .set("totalResidentialFinanceCostsRelief", money(r.total_residential_finance_costs_relief))
        .set(
            "ukProperty",
            Obj::new()
                // Whole pounds in HMRC's schema; costs claimed round up, as on a return.
                .set("amountClaimed", pounds(r.amount_claimed.round_up_to_pound()))
                .set("allowableAmount", money(r.total_allowable_amount))
                .set("carryForwardAmount", money(r.carry_forward_amount))
                .build(),
        )
        .build()
}

/// `reliefs.basicRateExtension`: how far the basic rate limit moved for Gift Aid (the
/// engine's whole-pound extension) and for relief-at-source pension contributions.
fn basic_rate_extension(c: &Calculation) -> Option<Node> {
    let gift_aid = c.gift_aid.map(|g| g.band_extension);
    let pensions = c.pension_contribution_reliefs.map(|p| p.total_pension_contribution_reliefs);
    if gift_aid.is_none() && pensions.is_none() {
        return None;
    }
    let total = gift_aid.unwrap_or_default() + pensions.unwrap_or_default();
    Some(
        Obj::new()
            .set("totalBasicRateExtension", money(total))
            .opt("giftAidRelief", gift_aid.map(pounds))
            .opt("pensionContributionReliefs", pensions.map(money))
            .build(),
    )
}

/// `taxDeductedAtSource`, or `None` if no tax was deducted from any source.
pub(super) fn tax_deducted_at_source(t: &TaxDeductedAtSource) -> Option<Node> {
    Obj::new()
        .opt("bbsi", t.bbsi.map(money))
        .opt("payeEmployments", t.pay_employments.map(money))
        .opt("occupationalPensions", t.occupational_pensions.map(money))
        .opt("stateBenefits", t.state_benefits.map(money))
        .some_if_not_empty()
}

/// `giftAid`.
pub(super) fn gift_aid(g: &GiftAid) -> Node {
    Obj::new()
        // Whole pounds in HMRC's schema: the engine's whole-pound gross, by which the basic
        // rate limit was extended (rounded up from the exact gross).
        .set("grossGiftAidPayments", pounds(g.band_extension))
        .set("rate", percent(g.rate))
        .set("giftAidTax", money(g.gift_aid_tax))
        .set("giftAidCharge", money(g.gift_aid_charge))
        .build()
}

/// `marriageAllowanceTransferredIn`.
pub(super) fn marriage_allowance_transferred_in(m: &MarriageAllowanceTransferredIn) -> Node {
    Obj::new().set("amount", money(m.amount)).set("rate", percent(m.rate)).build()
}

/// `pensionContributionReliefs`.
pub(super) fn pension_contribution_reliefs(p: &PensionContributionReliefs) -> Node {
    Obj::new()
        .set("totalPensionContributionReliefs", money(p.total_pension_contribution_reliefs))
        .set(
            "pensionContributionDetail",
            Obj::new().set("regularPensionContributions", money(p.regular_pension_contributions)).build(),
        )
        .build()
}

/// HMRC's `planType` for a plan, where the variant's enum has it: Plan 5 exists only from
/// def4 (2026-27, the first year Plan 5 loans are repaid).
fn plan_type(plan: StudentLoanPlan, variant: SchemaVariant) -> Option<&'static str> {
    match plan {
        StudentLoanPlan::Plan1 => Some("plan1"),
        StudentLoanPlan::Plan2 => Some("plan2"),
        StudentLoanPlan::Postgraduate => Some("postgraduate"),
        StudentLoanPlan::Plan4 => Some("plan4"),
        StudentLoanPlan::Plan5 => (variant >= SchemaVariant::Def4).then_some("plan5"),
    }
}

/// `studentLoans[]`, or `None` when there are no repayments worked out. A plan the
/// variant has no `planType` for is left out (the engine has no threshold for it then).
pub(super) fn student_loans(loans: &[StudentLoan], variant: SchemaVariant) -> Option<Node> {
    let items: Vec<Node> = loans
        .iter()
        .filter_map(|loan| plan_type(loan.plan, variant).map(|plan_type| student_loan(loan, plan_type)))
        .collect();
    non_empty_array(items)
}

fn student_loan(s: &StudentLoan, plan_type: &'static str) -> Node {
    Obj::new()
        .set("planType", plan_type)
        .set("studentLoanTotalIncomeAmount", money(s.total_income))
        .set("studentLoanChargeableIncomeAmount", money(s.chargeable_income))
        .set("studentLoanRepaymentAmount", money(s.repayment_amount))
        .set("studentLoanDeductionsFromEmployment", money(s.deductions_from_employment))
        .set("studentLoanRepaymentAmountNetOfDeductions", money(s.repayment_amount_net_of_deductions))
        .set("studentLoanApportionedIncomeThreshold", pounds(s.threshold))
        .set("studentLoanRate", percent(s.rate))
        .set("payeIncomeForStudentLoan", money(s.paye_income))
        .set("nonPayeIncomeForStudentLoan", money(s.non_paye_income))
        .build()
}

/// `codedOutUnderpayments`.
pub(super) fn coded_out_underpayments(c: &CodedOutUnderpayments) -> Node {
    Obj::new()
        .opt("totalPayeUnderpayments", c.total_paye_underpayments.map(money))
        .non_empty(
            "payeUnderpaymentsDetail",
            c.total_paye_underpayments.map(|m| detail(c, m, None)).into_iter().collect(),
        )
        .opt("totalSelfAssessmentUnderpayments", c.total_self_assessment_underpayments.map(money))
        .opt("totalCollectedSelfAssessmentUnderpayments", c.total_collected_self_assessment_underpayments.map(money))
        .opt(
            "totalUncollectedSelfAssessmentUnderpayments",
            c.total_uncollected_self_assessment_underpayments.map(money),
        )
        .non_empty(
            "selfAssessmentUnderpaymentsDetail",
            c.total_self_assessment_underpayments
                .map(|m| {
                    let split = c
                        .total_collected_self_assessment_underpayments
                        .zip(c.total_uncollected_self_assessment_underpayments);
                    detail(c, m, split)
                })
                .into_iter()
                .collect(),
        )
        .build()
}

/// One coded-out amount: itsa holds one amount of each kind, so each detail list has one
/// entry, for the year the debt relates to.
fn detail(c: &CodedOutUnderpayments, amount: Money, collected: Option<(Money, Money)>) -> Node {
    Obj::new()
        .set("amount", money(amount))
        .set("relatedTaxYear", c.related_tax_year.to_string())
        .set("source", if c.from_customer { "customer" } else { "hmrc-held" })
        .opt("collectedAmount", collected.map(|(m, _)| money(m)))
        .opt("uncollectedAmount", collected.map(|(_, m)| money(m)))
        .build()
}
