//! Allowances, reliefs, tax deducted at source, Gift Aid, marriage allowance, pension
//! contribution reliefs, student loans and coded-out underpayments.

use itsa_engine::Calculation;
use itsa_engine::Money;
use itsa_engine::calculation::ReliefType;
use itsa_engine::calculation::{
    AllowancesAndDeductions, CodedOutUnderpayments, GiftAid, MarriageAllowanceTransferOut,
    MarriageAllowanceTransferredIn, PensionContributionReliefs, ReliefClaimed, ResidentialFinanceCosts, StudentLoan,
    TaxDeductedAtSource,
};
use itsa_engine::inputs::StudentLoanPlan;
use itsa_engine::reliefs::{PensionDeductions, ReliefDetail};

use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::{Field, Node, Obj, money, money_if_not_zero, object, object_if_any, percent, pounds};

/// `allowancesAndDeductions`.
///
/// The engine's `pension_contributions` (gross relief-at-source contributions) is not
/// written here: HMRC's `allowancesAndDeductions.pensionContributions` is the total of
/// contributions relieved by deduction from income (retirement annuity payments,
/// employer schemes without tax relief, overseas schemes), the engine's
/// `deductions.pension_contributions`. Relief-at-source contributions appear as
/// `pensionContributionReliefs` and `reliefs.basicRateExtension`. `total_allowances` is
/// `taxCalculation.incomeTax.totalAllowancesAndDeductions`.
pub(super) fn allowances_and_deductions(a: &AllowancesAndDeductions) -> impl Field {
    let d = &a.deductions;
    object(move |o| {
        o.set(key!("personalAllowance"), pounds(a.personal_allowance))
            .opt(
                key!("marriageAllowanceTransferOut"),
                a.marriage_allowance_transfer_out.as_ref().map(marriage_allowance_transfer_out),
            )
            .opt(key!("reducedPersonalAllowance"), a.reduced_personal_allowance.map(pounds))
            .opt(key!("giftOfInvestmentsAndPropertyToCharity"), d.gifts_of_investments.map(pounds))
            .opt(key!("blindPersonsAllowance"), a.blind_persons_allowance.map(pounds))
            .opt(key!("lossesAppliedToGeneralIncome"), a.losses_applied_to_general_income.map(pounds))
            .opt(
                key!("cgtLossSetAgainstInYearGeneralIncome"),
                a.cgt_loss_set_against_in_year_general_income.map(pounds),
            )
            .opt(key!("qualifyingLoanInterestFromInvestments"), d.qualifying_loan_interest.map(money))
            .opt(key!("postCessationTradeReceipts"), d.post_cessation_relief.map(money))
            .opt(
                key!("paymentsToTradeUnionsForDeathBenefits"),
                a.payments_to_trade_unions_for_death_benefits.map(money),
            )
            .opt(key!("grossAnnuityPayments"), d.annual_payments.map(|p| money(p.gross)))
            .opt(
                key!("annuityPayments"),
                d.annual_payments.map(|p| {
                    Obj::new().set(key!("reliefClaimed"), money(p.gross)).set(key!("rate"), percent(p.rate)).build()
                }),
            )
            .opt(key!("pensionContributions"), d.pension_contributions.map(|p| money(p.total())))
            .opt(key!("pensionContributionsDetail"), d.pension_contributions.map(pension_contributions_detail))
    })
}

/// `allowancesAndDeductions.pensionContributionsDetail`: the contributions relieved on a
/// claim, by kind; a kind not claimed is left out.
fn pension_contributions_detail(p: PensionDeductions) -> impl Field {
    object(move |o| {
        o.opt(key!("retirementAnnuityPayments"), money_if_not_zero(p.retirement_annuity_payments))
            .opt(key!("paymentToEmployersSchemeNoTaxRelief"), money_if_not_zero(p.employer_scheme_no_tax_relief))
            .opt(key!("overseasPensionSchemeContributions"), money_if_not_zero(p.overseas_scheme_contributions))
    })
}

/// `allowancesAndDeductions.marriageAllowanceTransferOut`. HMRC has no field for the
/// allowance after the transfer (it is `personalAllowanceBeforeTransferOut` less
/// `transferredOutAmount`).
fn marriage_allowance_transfer_out(t: &MarriageAllowanceTransferOut) -> impl Field {
    object(move |o| {
        o.set(key!("personalAllowanceBeforeTransferOut"), money(t.personal_allowance_before_transfer_out))
            .set(key!("transferredOutAmount"), money(t.transferred_out_amount))
    })
}

/// `reliefs`: residential finance costs, investment reliefs, top slicing relief and the
/// basic rate extension for Gift Aid and relief-at-source pension contributions.
pub(super) fn reliefs(c: &Calculation, variant: SchemaVariant) -> impl Field {
    let claimed = c
        .reliefs
        .reliefs_claimed
        .iter()
        // Social investment relief ended with 2022-23's investments: def3 has no type for it.
        .filter(move |r| r.kind != ReliefType::SocialEnterpriseInvestment || variant <= SchemaVariant::Def2)
        .map(|r| relief_claimed(r, &c.reliefs.reliefs_claimed_detail));
    object_if_any(move |o| {
        o.opt(
            key!("residentialFinanceCosts"),
            c.reliefs.residential_finance_costs.as_ref().map(residential_finance_costs),
        )
        .non_empty(key!("reliefsClaimed"), claimed)
        .opt(
            key!("foreignTaxCreditRelief"),
            c.foreign.foreign_tax_credit_relief.as_ref().map(super::foreign::foreign_tax_credit_relief),
        )
        .opt(
            key!("topSlicingRelief"),
            c.reliefs.top_slicing_relief.map(|t| Obj::new().set(key!("amount"), money(t.amount)).build()),
        )
        .opt(key!("basicRateExtension"), basic_rate_extension(c))
    })
}

/// One item of `reliefs.reliefsClaimed`, with the investments or payments behind it.
fn relief_claimed(r: &ReliefClaimed, details: &[ReliefDetail]) -> Node {
    let detail: Vec<Node> = details
        .iter()
        .filter(|d| d.kind == r.kind)
        .map(|d| {
            Obj::new()
                .set(key!("amountClaimed"), money(d.amount_claimed))
                .opt(key!("uniqueInvestmentRef"), d.unique_investment_ref.clone())
                .opt(key!("name"), d.name.clone())
                .opt(key!("companyName"), d.company_name.clone())
                .opt(key!("customerReference"), d.customer_reference.clone())
                .build()
        })
        .collect();
    Obj::new()
        .set(key!("type"), r.kind.hmrc_name())
        .set(key!("amountClaimed"), money(r.amount_claimed))
        .set(key!("allowableAmount"), money(r.allowable_amount))
        .set(key!("amountUsed"), money(r.amount_used))
        .set(key!("rate"), percent(r.rate))
        .non_empty(key!("reliefsClaimedDetail"), detail)
        .build()
}

/// `notionalTax`: the basic-rate tax treated as paid on life policy gains.
pub(super) fn notional_tax(c: &Calculation) -> Option<Node> {
    let notional = c.tax_calculation.income_tax.total_notional_tax;
    notional.is_positive().then(|| Obj::new().set(key!("chargeableGains"), money(notional)).build())
}

/// `reliefs.residentialFinanceCosts`: the reduction for the UK and foreign property
/// businesses together, then each business's part, the foreign one country by country.
/// `amountClaimed` is whole pounds in HMRC's schema: costs claimed round up, as on a return.
fn residential_finance_costs(r: &ResidentialFinanceCosts) -> impl Field {
    let claimed = |m: Money| pounds(m.round_up_to_pound());
    object(move |o| {
        o.set(key!("adjustedTotalIncome"), money(r.adjusted_total_income))
            .set(key!("totalAllowableAmount"), money(r.total_allowable_amount))
            .set(key!("relievableAmount"), money(r.relievable_amount))
            .set(key!("rate"), percent(r.rate))
            .set(key!("totalResidentialFinanceCostsRelief"), money(r.total_residential_finance_costs_relief))
            .opt(
                key!("ukProperty"),
                r.uk_property.map(|p| {
                    Obj::new()
                        .set(key!("amountClaimed"), claimed(p.amount_claimed))
                        .set(key!("allowableAmount"), money(p.allowable_amount))
                        .set(key!("carryForwardAmount"), money(p.carry_forward_amount))
                        .build()
                }),
            )
            .opt(
                key!("foreignProperty"),
                r.foreign_property.as_ref().map(|f| {
                    let countries: Vec<Node> = f
                        .countries
                        .iter()
                        .map(|c| {
                            Obj::new()
                                .set(key!("countryCode"), c.country_code.clone())
                                .set(key!("amountClaimed"), claimed(c.amount_claimed))
                                .set(key!("allowableAmount"), money(c.allowable_amount))
                                .set(key!("carryForwardAmount"), money(c.carry_forward_amount))
                                .build()
                        })
                        .collect();
                    Obj::new()
                        .set(key!("totalForeignPropertyAllowableAmount"), money(f.business.allowable_amount))
                        .set(key!("foreignPropertyRfcDetail"), countries)
                        .build()
                }),
            )
    })
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
            .set(key!("totalBasicRateExtension"), money(total))
            .opt(key!("giftAidRelief"), gift_aid.map(pounds))
            .opt(key!("pensionContributionReliefs"), pensions.map(money))
            .build(),
    )
}

/// `taxDeductedAtSource`, or `None` if no tax was deducted from any source. PAYE tax is
/// negative where employers or pension payers repaid more than they deducted; HMRC's
/// `payeEmployments` and `occupationalPensions` are never below nil, so a negative total
/// is left out there and shows only in `totalTaxDeducted`.
pub(super) fn tax_deducted_at_source(t: &TaxDeductedAtSource) -> impl Field {
    let not_negative = |m: Option<Money>| m.filter(|m| !m.is_negative()).map(money);
    object_if_any(move |o| {
        o.opt(key!("bbsi"), t.bbsi.map(money))
            .opt(key!("ukLandAndProperty"), t.uk_land_and_property.map(money))
            .opt(key!("cis"), t.cis.map(money))
            .opt(key!("securities"), t.securities.map(money))
            .opt(key!("voidedIsa"), t.voided_isa.map(money))
            .opt(key!("payeEmployments"), not_negative(t.pay_employments))
            .opt(key!("occupationalPensions"), not_negative(t.occupational_pensions))
            .opt(key!("stateBenefits"), t.state_benefits.map(money))
            .opt(key!("specialWithholdingTaxOrUkTaxPaid"), t.special_withholding_tax_or_uk_tax_paid.map(money))
            .opt(key!("taxTakenOffTradingIncome"), t.tax_taken_off_trading_income.map(money))
    })
}

/// `giftAid`.
pub(super) fn gift_aid(g: &GiftAid) -> impl Field {
    object(move |o| {
        o
            // Whole pounds in HMRC's schema: the engine's whole-pound gross, by which the basic
            // rate limit was extended (rounded up from the exact gross).
            .set(key!("grossGiftAidPayments"), pounds(g.band_extension))
            .set(key!("rate"), percent(g.rate))
            .set(key!("giftAidTax"), money(g.gift_aid_tax))
            .set(key!("giftAidTaxReductions"), money(g.gift_aid_tax_reductions))
            .set(
                key!("incomeTaxChargedAfterGiftAidTaxReductions"),
                money(g.income_tax_charged_after_gift_aid_tax_reductions),
            )
            .set(key!("giftAidCharge"), money(g.gift_aid_charge))
    })
}

/// `marriageAllowanceTransferredIn`.
pub(super) fn marriage_allowance_transferred_in(m: &MarriageAllowanceTransferredIn) -> Node {
    Obj::new().set(key!("amount"), money(m.amount)).set(key!("rate"), percent(m.rate)).build()
}

/// `pensionContributionReliefs`.
pub(super) fn pension_contribution_reliefs(p: &PensionContributionReliefs) -> impl Field {
    object(move |o| {
        o.set(key!("totalPensionContributionReliefs"), money(p.total_pension_contribution_reliefs)).set(
            key!("pensionContributionDetail"),
            Obj::new()
                .set(key!("regularPensionContributions"), money(p.regular_pension_contributions))
                .opt(key!("oneOffPensionContributionsPaid"), p.one_off_pension_contributions_paid.map(money))
                .build(),
        )
    })
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

/// The items of `studentLoans[]` (left out when there are none, no repayments worked
/// out). A plan the variant has no `planType` for is left out (the engine has no
/// threshold for it then).
pub(super) fn student_loans(loans: &[StudentLoan], variant: SchemaVariant) -> impl Iterator<Item = impl Field> {
    loans.iter().filter_map(move |loan| plan_type(loan.plan, variant).map(|plan_type| student_loan(loan, plan_type)))
}

fn student_loan(s: &StudentLoan, plan_type: &'static str) -> impl Field {
    object(move |o| {
        o.set(key!("planType"), plan_type)
            .set(key!("studentLoanTotalIncomeAmount"), money(s.total_income))
            .set(key!("studentLoanChargeableIncomeAmount"), money(s.chargeable_income))
            .set(key!("studentLoanRepaymentAmount"), money(s.repayment_amount))
            .set(key!("studentLoanDeductionsFromEmployment"), money(s.deductions_from_employment))
            .set(key!("studentLoanRepaymentAmountNetOfDeductions"), money(s.repayment_amount_net_of_deductions))
            .set(key!("studentLoanApportionedIncomeThreshold"), pounds(s.threshold))
            .set(key!("studentLoanRate"), percent(s.rate))
            .set(key!("payeIncomeForStudentLoan"), money(s.paye_income))
            .set(key!("nonPayeIncomeForStudentLoan"), money(s.non_paye_income))
    })
}

/// `codedOutUnderpayments`.
pub(super) fn coded_out_underpayments(c: &CodedOutUnderpayments) -> impl Field {
    object(move |o| {
        o.opt(key!("totalPayeUnderpayments"), c.total_paye_underpayments.map(money))
            .non_empty(key!("payeUnderpaymentsDetail"), c.total_paye_underpayments.map(|m| detail(c, m, None)))
            .opt(key!("totalSelfAssessmentUnderpayments"), c.total_self_assessment_underpayments.map(money))
            .opt(
                key!("totalCollectedSelfAssessmentUnderpayments"),
                c.total_collected_self_assessment_underpayments.map(money),
            )
            .opt(
                key!("totalUncollectedSelfAssessmentUnderpayments"),
                c.total_uncollected_self_assessment_underpayments.map(money),
            )
            .non_empty(
                key!("selfAssessmentUnderpaymentsDetail"),
                c.total_self_assessment_underpayments.map(|m| {
                    let split = c
                        .total_collected_self_assessment_underpayments
                        .zip(c.total_uncollected_self_assessment_underpayments);
                    detail(c, m, split)
                }),
            )
    })
}

/// One coded-out amount: itsa holds one amount of each kind, so each detail list has one
/// entry, for the year the debt relates to.
fn detail(c: &CodedOutUnderpayments, amount: Money, collected: Option<(Money, Money)>) -> impl Field {
    object(move |o| {
        o.set(key!("amount"), money(amount))
            .set(key!("relatedTaxYear"), c.related_tax_year.to_string())
            .set(key!("source"), if c.from_customer { "customer" } else { "hmrc-held" })
            .opt(key!("collectedAmount"), collected.map(|(m, _)| money(m)))
            .opt(key!("uncollectedAmount"), collected.map(|(_, m)| money(m)))
    })
}
