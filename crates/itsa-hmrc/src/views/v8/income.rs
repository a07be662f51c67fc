//! Income by source: businesses, employments and pensions, state benefits, savings,
//! other income, dividends and the income summary totals.

use itsa_engine::calculation::{
    BusinessProfitAndLoss, DividendsIncome, EmploymentAndPensionsIncome, IncomeSummaryTotals, SavingsAccountIncome,
    SavingsAndGainsIncome,
};
use itsa_engine::foreign::ForeignFigures;
use itsa_engine::{Money, TaxYear};

use super::inputs::business_income_source_id;
use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::{
    Borrowed, Either, Field, Node, Obj, is_income_source_id, money, money_if_not_zero, object, object_if_any, pounds,
    pounds_if_not_zero,
};

/// The items of `businessProfitAndLoss[]` (left out with no self-employment or property
/// business).
pub(super) fn business_profit_and_loss(
    businesses: &[BusinessProfitAndLoss],
    variant: SchemaVariant,
) -> impl Iterator<Item = impl Field> {
    businesses.iter().map(move |b| business(b, variant))
}

/// One business. `incomeSourceId` is required and HMRC's pattern is `^[A-Za-z0-9]{15}$`
/// (the business id, XAIS12345678901 or XPIS12345678901). The engine's id is written as
/// it is when it has that form; a business known by another name gets the stable id
/// derived from it, the same one the `inputs` object shows
/// ([`super::inputs::income_source_id`]).
///
/// HMRC's `taxableProfit` is the profit before losses brought forward (the engine's
/// `net_profit`, whole pounds); the engine's `taxable_profit`, after those losses, is
/// HMRC's `taxableProfitAfterIncomeTaxLossesDeduction`.
fn business(b: &BusinessProfitAndLoss, variant: SchemaVariant) -> impl Field {
    let profit = b.net_loss.is_zero();
    let up_to_def3 = variant <= SchemaVariant::Def3;
    let from_def3 = variant >= SchemaVariant::Def3;
    let accounts = b.accounts.as_ref();
    let adjusted = accounts.and_then(|a| a.adjusted_profit);
    // With the accounts' totals, HMRC's net profit or loss is income less expenses, to
    // which the additions and deductions lead to the taxable profit; without them, the
    // engine's adjusted profit.
    let net = accounts.map_or(b.net_profit - b.net_loss, |a| a.total_income - a.total_expenses);
    let up_to_def3_pounds = move |m: Money| pounds_if_not_zero(m).filter(|_| up_to_def3);
    let is_trade = b.income_source_type == itsa_engine::calculation::IncomeSourceType::SelfEmployment;
    object(move |o| {
        o.set(key!("incomeSourceId"), business_income_source_id(&b.income_source_id, b.income_source_type))
            .set(key!("incomeSourceType"), b.income_source_type.hmrc_name())
            .opt(key!("incomeSourceName"), accounts.and_then(|a| a.name.clone()))
            .opt(key!("totalIncome"), accounts.map(|a| money(a.total_income.at_least_zero())))
            .opt(key!("totalExpenses"), accounts.map(|a| money(a.total_expenses)))
            .set_if(!net.is_negative(), key!("netProfit"), money(net.at_least_zero()))
            .set_if(net.is_negative(), key!("netLoss"), money(-net))
            .opt(key!("totalAdditions"), accounts.map(|a| money(a.total_additions)))
            .opt(key!("totalDeductions"), accounts.map(|a| money(a.total_deductions.at_least_zero())))
            .opt(key!("accountingAdjustments"), accounts.and_then(|a| a.accounting_adjustments).map(money))
            .set_if(profit, key!("taxableProfit"), pounds(b.net_profit))
            .set_if(!profit, key!("adjustedIncomeTaxLoss"), pounds(b.net_loss))
            .opt(key!("totalBroughtForwardIncomeTaxLosses"), pounds_if_not_zero(b.total_losses_brought_forward))
            .opt(key!("broughtForwardIncomeTaxLossesUsed"), pounds_if_not_zero(b.losses_used))
            .set_if(profit, key!("taxableProfitAfterIncomeTaxLossesDeduction"), pounds(b.taxable_profit))
            // def4 drops the carry-sideways, carried-forward and Class 4 loss fields.
            .opt(key!("carrySidewaysIncomeTaxLossesUsed"), up_to_def3_pounds(b.carry_sideways_losses_used))
            .opt(key!("totalIncomeTaxLossesCarriedForward"), up_to_def3_pounds(b.losses_carried_forward))
            .opt(key!("class4Loss"), up_to_def3_pounds(b.class4_loss))
            .opt(
                key!("totalBroughtForwardClass4Losses"),
                up_to_def3_pounds(b.class4.total_brought_forward).filter(|_| is_trade),
            )
            .opt(
                key!("broughtForwardClass4LossesUsed"),
                up_to_def3_pounds(b.class4.brought_forward_used).filter(|_| is_trade),
            )
            .opt(
                key!("carrySidewaysClass4LossesUsed"),
                up_to_def3_pounds(b.class4.carry_sideways_used).filter(|_| is_trade),
            )
            .opt(
                key!("totalClass4LossesCarriedForward"),
                up_to_def3_pounds(b.class4.carried_forward).filter(|_| is_trade),
            )
            .opt(key!("adjustedProfit"), adjusted.filter(|p| !p.is_negative()).filter(|_| from_def3).map(money))
            // def4 shows a negative adjusted profit as a loss.
            .opt(
                key!("adjustedLoss"),
                adjusted.filter(|p| p.is_negative() && variant >= SchemaVariant::Def4).map(|p| money(-p)),
            )
            .opt(
                key!("foreignTaxPaid"),
                accounts.and_then(|a| a.foreign_tax_paid).filter(|_| variant >= SchemaVariant::Def4).map(money),
            )
            .opt(
                key!("outstandingBusinessIncome"),
                accounts.and_then(|a| a.outstanding_business_income).filter(|_| from_def3).map(money),
            )
    })
}

/// `employmentAndPensionsIncome`.
pub(super) fn employment_and_pensions_income(e: &EmploymentAndPensionsIncome) -> impl Field {
    object(move |o| {
        o.opt(
            key!("totalPayeEmploymentAndLumpSumIncome"),
            money_if_not_zero(e.total_pay_employment_and_lump_sum_income),
        )
        .opt(key!("totalOccupationalPensionIncome"), money_if_not_zero(e.total_occupational_pension_income))
        .opt(key!("totalBenefitsInKind"), money_if_not_zero(e.total_benefits_in_kind))
        .opt(key!("tipsIncome"), money_if_not_zero(e.tips_income))
        .non_empty(key!("employmentAndPensionsIncomeDetail"), e.details.iter().map(super::employment::detail))
    })
}

/// `savingsAndGainsIncome`: UK accounts and securities, then foreign savings.
pub(super) fn savings_and_gains_income(s: &SavingsAndGainsIncome, f: &ForeignFigures) -> impl Field {
    object(move |o| {
        let uk = s.accounts.iter().map(|a| Either::Left(savings_account(a)));
        let uk = uk.chain(super::foreign::uk_securities(f).map(Either::Right));
        let o = o
            .set(key!("totalChargeableSavingsAndGains"), pounds(s.total_chargeable_savings_and_gains))
            .set(key!("totalUkSavingsAndGains"), pounds(s.total_uk_savings_and_gains))
            .non_empty(key!("ukSavingsAndGainsIncome"), uk);
        super::foreign::foreign_savings(o, f)
    })
}

/// One UK savings account: its name is HMRC's savings account id when it matches the id
/// pattern, otherwise the account's name.
fn savings_account(a: &SavingsAccountIncome) -> impl Field {
    let name = Borrowed(&a.name);
    let (id, name) = if is_income_source_id(&a.name) { (Some(name), None) } else { (None, Some(name)) };
    object(move |o| {
        o.opt(key!("incomeSourceId"), id)
            .set(key!("incomeSourceType"), "uk-savings-and-gains")
            .opt(key!("incomeSourceName"), name)
            .set(key!("grossIncome"), money(a.gross_income))
            .set(key!("netIncome"), money(a.net_income))
            .set(key!("taxDeducted"), money(a.tax_deducted))
    })
}

/// `otherIncome`, with the post-cessation receipts within it, each taxed in the year of
/// the calculation (`taxYearIncomeToBeTaxed`).
pub(super) fn other_income(total: Money, post_cessation_receipts: &[Money], year: TaxYear) -> Node {
    let receipts: Vec<Node> = post_cessation_receipts
        .iter()
        .map(|r| {
            Obj::new().set(key!("amount"), money(*r)).set(key!("taxYearIncomeToBeTaxed"), year.to_string()).build()
        })
        .collect();
    let post_cessation = (!receipts.is_empty()).then(|| {
        Obj::new()
            .set(key!("totalPostCessationReceipts"), money(post_cessation_receipts.iter().sum()))
            .set(key!("postCessationReceipts"), receipts)
            .build()
    });
    Obj::new().set(key!("totalOtherIncome"), money(total)).opt(key!("postCessationIncome"), post_cessation).build()
}

/// `dividendsIncome`: UK dividends (cash dividends and other UK dividends), other
/// distributions, and foreign dividends.
pub(super) fn dividends_income(d: &DividendsIncome, f: &ForeignFigures) -> impl Field {
    let other_uk = f.amounts.other_uk_dividends;
    let uk = object(move |o| {
        o.set(key!("incomeSourceType"), "uk-dividends")
            .set(key!("dividends"), pounds(d.total_uk_dividends - other_uk))
            .opt(key!("otherUkDividends"), pounds_if_not_zero(other_uk))
    });
    object(move |o| {
        let o = o
            .set(key!("totalChargeableDividends"), pounds(d.total_chargeable_dividends))
            .set(key!("totalUkDividends"), pounds(d.total_uk_dividends))
            .set_if(d.total_uk_dividends.is_positive(), key!("ukDividends"), uk);
        super::foreign::other_and_foreign_dividends(o, f, d.total_foreign_dividends)
    })
}

/// `incomeSummaryTotals`: the totals there is income for; `None` if there is none.
pub(super) fn income_summary_totals(t: &IncomeSummaryTotals) -> impl Field {
    object_if_any(move |o| {
        o.opt(key!("totalSelfEmploymentProfit"), pounds_if_not_zero(t.total_self_employment_profit))
            .opt(key!("totalPropertyProfit"), pounds_if_not_zero(t.total_property_profit))
            .opt(key!("totalUKOtherPropertyProfit"), pounds_if_not_zero(t.total_uk_other_property_profit))
            .opt(key!("totalForeignPropertyProfit"), pounds_if_not_zero(t.total_foreign_property_profit))
            .opt(key!("totalEmploymentIncome"), pounds_if_not_zero(t.total_employment_income))
    })
}
