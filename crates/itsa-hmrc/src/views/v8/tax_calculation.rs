//! `taxCalculation`: income tax by category and band, National Insurance, and what is
//! due; and the High Income Child Benefit Charge object (def3 onwards).

use itsa_engine::calculation::{
    BandName, Class2Nics, Class4Band, Class4Nics, IncomeTax, IncomeTaxCategory, Nics, StudentLoan, TaxBand,
    TaxCalculation,
};
use itsa_engine::{Calculation, Rate, Rules};

use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::{Field, Items, money, money_if_not_zero, object, percent, pounds};

/// `taxCalculation`.
pub(super) fn tax_calculation(t: &TaxCalculation, student_loans: &[StudentLoan], variant: SchemaVariant) -> impl Field {
    object(move |o| {
        o.set(key!("incomeTax"), income_tax(&t.income_tax, variant))
            .opt(key!("nics"), nics(&t.nics, variant))
            // Never below nil in HMRC's schema; a PAYE refund can take it there, and then
            // only `totalTaxDeducted` shows it.
            .opt(
                key!("totalTaxDeductedBeforeCodingOut"),
                Some(t.total_tax_deducted_before_coding_out).filter(|m| !m.is_negative()).map(money),
            )
            .opt(key!("saUnderpaymentsCodedOut"), money_if_not_zero(t.sa_underpayments_coded_out))
            .set(key!("totalIncomeTaxNicsCharged"), money(t.total_income_tax_nics_charged))
            .set_if(
                !student_loans.is_empty(),
                key!("totalStudentLoansRepaymentAmount"),
                money(t.total_student_loans_repayment_amount),
            )
            .opt(key!("totalAnnuityPaymentsTaxCharged"), money_if_not_zero(t.total_annuity_payments_tax_charged))
            .opt(key!("totalRoyaltyPaymentsTaxCharged"), money_if_not_zero(t.total_royalty_payments_tax_charged))
            .set(key!("totalTaxDeducted"), money(t.total_tax_deducted))
            .set(key!("totalIncomeTaxAndNicsDue"), money(t.total_income_tax_and_nics_due))
            .opt(key!("capitalGainsTax"), t.capital_gains_tax.as_ref().map(super::capital_gains::capital_gains_tax))
            .opt(
                key!("totalIncomeTaxAndNicsAndCgt"),
                super::capital_gains::total_income_tax_and_nics_and_cgt(t, variant),
            )
    })
}

/// `taxCalculation.incomeTax`. The High Income Child Benefit Charge has a field of its
/// own only from def3 (2025-26); before that it is in `totalIncomeTaxDue` alone.
fn income_tax(i: &IncomeTax, variant: SchemaVariant) -> impl Field {
    let hicbc = i.high_income_child_benefit_charge.filter(|_| variant >= SchemaVariant::Def3);
    object(move |o| {
        o.set(key!("totalIncomeReceivedFromAllSources"), pounds(i.total_income_received_from_all_sources))
            .set(key!("totalAllowancesAndDeductions"), pounds(i.total_allowances_and_deductions))
            .set(key!("totalTaxableIncome"), pounds(i.total_taxable_income))
            .opt(key!("payPensionsProfit"), i.pay_pensions_profit.as_ref().map(|c| category(c, variant)))
            .opt(key!("savingsAndGains"), i.savings_and_gains.as_ref().map(|c| category(c, variant)))
            .opt(key!("dividends"), i.dividends.as_ref().map(|c| category(c, variant)))
            .opt(key!("lumpSums"), i.lump_sums.as_ref().map(|c| category(c, variant)))
            .opt(key!("gainsOnLifePolicies"), i.gains_on_life_policies.as_ref().map(|c| category(c, variant)))
            .set(key!("incomeTaxCharged"), money(i.income_tax_charged))
            // incomeTaxCharged is the tax on all bands; of it, what the transition profits add,
            // and the rest (docs/differences.md).
            .opt(
                key!("incomeTaxChargedOnTransitionProfits"),
                i.income_tax_charged_on_transition_profits.filter(|_| variant >= SchemaVariant::Def2).map(money),
            )
            .opt(
                key!("incomeTaxChargedAfterTransitionProfits"),
                i.income_tax_charged_on_transition_profits
                    .filter(|_| variant >= SchemaVariant::Def2)
                    .map(|on| money(i.income_tax_charged - on)),
            )
            .opt(key!("totalReliefs"), money_if_not_zero(i.total_reliefs))
            .set(key!("incomeTaxDueAfterReliefs"), money(i.income_tax_due_after_reliefs))
            .opt(key!("totalNotionalTax"), money_if_not_zero(i.total_notional_tax))
            .opt(key!("marriageAllowanceRelief"), money_if_not_zero(i.marriage_allowance_relief))
            .set(key!("incomeTaxDueAfterTaxReductions"), money(i.income_tax_due_after_tax_reductions))
            .set(key!("incomeTaxDueAfterGiftAid"), money(i.income_tax_due_after_gift_aid))
            .opt(
                key!("totalPensionSavingsTaxCharges"),
                i.pension_savings_tax_charges.as_ref().map(|p| money(p.total_pension_savings_tax_charges)),
            )
            .opt(key!("statePensionLumpSumCharges"), i.state_pension_lump_sum_charges.map(money))
            .opt(key!("highIncomeBenefitCharge"), hicbc.map(|h| money(h.amount)))
            .opt(key!("payeUnderpaymentsCodedOut"), money_if_not_zero(i.paye_underpayments_coded_out))
            .set(key!("totalIncomeTaxDue"), money(i.total_income_tax_due))
    })
}

/// `payPensionsProfit`, `savingsAndGains`, `dividends` or `gainsOnLifePolicies`.
fn category(c: &IncomeTaxCategory, variant: SchemaVariant) -> impl Field {
    object(move |o| {
        o.set(key!("incomeReceived"), pounds(c.income_received))
            .set(key!("allowancesAllocated"), pounds(c.allowances_allocated))
            .set(key!("taxableIncome"), pounds(c.taxable_income))
            .set(key!("incomeTaxAmount"), money(c.income_tax_amount))
            .non_empty(key!("taxBands"), c.tax_bands.iter().filter_map(|b| tax_band(b, variant)))
    })
}

/// HMRC's band name where the variant has it. `advanced-rate` is in the enum only from
/// def2; the Scottish advanced rate began in 2024-25, so the engine never gives such a
/// band in a def1 year.
fn band_name(name: BandName, variant: SchemaVariant) -> Option<&'static str> {
    match name {
        BandName::AdvancedRate if variant == SchemaVariant::Def1 => None,
        _ => Some(name.hmrc_name()),
    }
}

fn tax_band(b: &TaxBand, variant: SchemaVariant) -> Option<impl Field> {
    let name = band_name(b.name, variant)?;
    Some(object(move |o| {
        o.set(key!("name"), name)
            .set(key!("rate"), percent(b.rate))
            .set(key!("bandLimit"), pounds(b.band_limit))
            .set(key!("apportionedBandLimit"), pounds(b.apportioned_band_limit))
            .set(key!("income"), pounds(b.income))
            .set(key!("taxAmount"), money(b.tax_amount))
    }))
}

/// `taxCalculation.nics`, or `None` without self-employment. Class 2 and Class 4 "net of
/// deductions" (def1-def3) or "amount" (def4) are the amounts: nothing is deducted at
/// source.
fn nics(n: &Nics, variant: SchemaVariant) -> Option<impl Field> {
    if n.class2.is_none() && n.class4.is_none() {
        return None;
    }
    let (nic2_key, nic4_key) = if variant >= SchemaVariant::Def4 {
        ("nic2Amount", "nic4Amount")
    } else {
        ("nic2NetOfDeductions", "nic4NetOfDeductions")
    };
    Some(object(move |o| {
        o.opt(key!("class2Nics"), n.class2.as_ref().map(class2_nics))
            .opt(key!("class4Nics"), n.class4.as_ref().map(|c| class4_nics(c, variant)))
            .opt(nic2_key, n.class2.map(|c| money(c.amount)))
            .opt(nic4_key, n.class4.as_ref().map(|c| money(c.total_amount)))
            .set(key!("totalNic"), money(n.total_nic))
    }))
}

/// `class2Nics`. itsa works out Class 2 for a whole year of self-employment, so the
/// apportioned limit is the limit.
fn class2_nics(c: &Class2Nics) -> impl Field {
    object(move |o| {
        o.set(key!("amount"), money(c.amount))
            .set(key!("weeklyRate"), money(c.weekly_rate))
            .set(key!("weeks"), c.weeks)
            .set(key!("limit"), pounds(c.limit))
            .set(key!("apportionedLimit"), pounds(c.limit))
            .set(key!("underSmallProfitThreshold"), c.under_small_profit_threshold)
            .set(key!("actualClass2Nic"), c.actual_class2_nic)
            .opt(key!("underLowerProfitThreshold"), c.under_lower_profit_threshold)
    })
}

/// `class4Nics`: the profits liable (transition profits included, exempt trades left
/// out), the Class 4 losses (def1 to def3), the Class 4 adjustments (def4) and what is
/// charged. `nic4Bands` is required; it is empty when an age exemption applies.
fn class4_nics(c: &Class4Nics, variant: SchemaVariant) -> impl Field {
    let p = &c.profits;
    let losses = variant <= SchemaVariant::Def3 && (p.losses_available.is_positive() || p.losses_used.is_positive());
    let liable = if p.liable.is_positive() || p.losses_used.is_positive() { p.liable } else { c.total_income };
    object(move |o| {
        o.set(key!("totalIncomeLiableToClass4Charge"), pounds(liable))
            .set_if(losses, key!("totalClass4LossesAvailable"), pounds(p.losses_available))
            .set_if(losses, key!("totalClass4LossesUsed"), pounds(p.losses_used))
            .set_if(losses, key!("totalClass4LossesCarriedForward"), pounds(p.losses_carried_forward))
            .set(key!("totalIncomeChargeableToClass4"), pounds(c.total_income))
            .set(key!("totalAmount"), money(c.total_amount))
            .opt(
                key!("adjustmentToProfitsForClass4"),
                money_if_not_zero(p.adjustment).filter(|_| variant >= SchemaVariant::Def4),
            )
            .set(key!("nic4Bands"), Items(c.bands.iter().map(class4_band)))
    })
}

fn class4_band(b: &Class4Band) -> impl Field {
    object(move |o| {
        o.set(key!("name"), b.name.hmrc_name())
            .set(key!("rate"), percent(b.rate))
            .opt(key!("threshold"), b.threshold.map(pounds))
            // A whole year's threshold: nothing is apportioned.
            .opt(key!("apportionedThreshold"), b.threshold.map(pounds))
            .set(key!("income"), pounds(b.income))
            .set(key!("amount"), money(b.amount))
    })
}

/// `highIncomeChildBenefitCharge` (def3 onwards). The threshold and the taper step are
/// the year's rules (`hicbc_threshold`, `hicbc_taper_step`) the engine charged with; the
/// rate is the 1% of Child Benefit charged for each step of income over the threshold
/// (ITEPA 2003 s681C), fixed in law rather than a yearly parameter.
pub(super) fn high_income_child_benefit_charge(c: &Calculation, variant: SchemaVariant) -> Option<impl Field> {
    if variant < SchemaVariant::Def3 {
        return None;
    }
    let h = c.tax_calculation.income_tax.high_income_child_benefit_charge?;
    let rules = Rules::for_year(c.tax_year, c.regime).ok()?;
    Some(object(move |o| {
        o.set(key!("adjustedNetIncome"), money(h.adjusted_net_income))
            .set(key!("amountOfChildBenefitReceived"), money(h.child_benefit_amount))
            .set(key!("incomeThreshold"), money(rules.hicbc_threshold))
            .set(key!("childBenefitChargeTaper"), money(rules.hicbc_taper_step))
            .set(key!("rate"), percent(Rate::percent(1)))
            .set(key!("highIncomeBenefitCharge"), money(h.amount))
    }))
}
