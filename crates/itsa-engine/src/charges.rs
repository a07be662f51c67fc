//! Charges outside the income bands: the State Pension lump sum charge (F(No.2)A 2005
//! s7), the pension savings tax charges other than the annual allowance charge's banding
//! (FA 2004 Part 4 Chapter 5) and the Winter Fuel Payment charge (ITEPA 2003 s681I).

use itsa_rules::{Money, Rate, YearRules};

use crate::bands;
use crate::calculation::{
    BandName, FlatCharge, PensionSavingsTaxCharges, ShortServiceRefundBand, ShortServiceRefundCharge,
};
use crate::inputs::{AmountAndTaxPaid, PensionChargeInputs, StateBenefit};

/// The rate of the State Pension lump sum charge (F(No.2)A 2005 s7(5), (5A), (5B)), set by
/// the taxpayer's Step 3 income (ITA 2007 s23: net income less allowances; the lump sum is
/// not part of total income, s7(2)): nil when that is nil; the basic rate while it is
/// within the basic rate limit; above it the rate of the band it reaches (higher or
/// additional; for a Scottish taxpayer the highest Scottish rate that applies). The limits
/// are those extended for Gift Aid and pension contributions (docs/differences.md).
pub(crate) fn state_pension_lump_sum_rate(rules: &YearRules, step3_income: Money, extension: Money) -> Rate {
    if !step3_income.is_positive() {
        return Rate::ZERO;
    }
    let specs = bands::non_savings_bands(rules, extension);
    let basic = specs.iter().find(|b| b.name == BandName::BasicRate);
    if let Some(basic) = basic
        && basic.extended_limit.is_none_or(|limit| step3_income <= limit)
    {
        return basic.rate;
    }
    specs
        .iter()
        .find(|b| b.extended_limit.is_none_or(|limit| step3_income <= limit))
        .or(specs.last())
        .map_or(Rate::ZERO, |b| b.rate)
}

/// The State Pension lump sums in whole pounds (rounded down, as income is), and the charge
/// on them at `rate`, truncated to the penny.
pub(crate) fn state_pension_lump_sum_charge(lump_sums: &[StateBenefit], rate: Rate) -> (Money, Money) {
    let total: Money = lump_sums.iter().map(|l| l.amount.round_down_to_pound()).sum();
    (total, bands::tax_on(total, rate))
}

/// The Winter Fuel Payment charge (ITEPA 2003 s681I): the whole of the winter payments
/// received when total income (ITA 2007 s23 step 1) is over the threshold; none before
/// 2025-26.
pub(crate) fn winter_fuel_payment_charge(rules: &YearRules, payment: Money, total_income: Money) -> Option<Money> {
    let threshold = rules.winter_fuel_payment_charge_threshold?;
    (payment.is_positive() && total_income > threshold).then_some(payment)
}

fn flat(a: &AmountAndTaxPaid, rate: Rate) -> FlatCharge {
    let amount = a.amount.at_least_zero();
    FlatCharge { amount, tax_paid: a.tax_paid.at_least_zero(), rate, charge: bands::tax_on(amount, rate) }
}

/// The short service refund lump sum charge (FA 2004 s205(4)): the lower rate up to the
/// lower limit, the upper rate above it, each band truncated to the penny.
fn short_service_refund(rules: &YearRules, a: &AmountAndTaxPaid) -> ShortServiceRefundCharge {
    let amount = a.amount.at_least_zero();
    let limit = rules.short_service_refund_lower_limit;
    let lower = amount.min(limit);
    let parts = [
        (false, rules.short_service_refund_lower_rate, lower),
        (true, rules.short_service_refund_upper_rate, amount - lower),
    ];
    let bands: Vec<ShortServiceRefundBand> = parts
        .into_iter()
        .filter(|(_, _, part)| part.is_positive())
        .map(|(upper, rate, part)| ShortServiceRefundBand {
            upper,
            rate,
            band_limit: limit,
            amount: part,
            charge: bands::tax_on(part, rate),
        })
        .collect();
    let charge = bands.iter().map(|b| b.charge).sum();
    ShortServiceRefundCharge { amount, bands, charge, tax_paid: a.tax_paid.at_least_zero() }
}

/// Every pension savings tax charge: the annual allowance charge as banded (with what the
/// scheme paid set against it), the unauthorised payments charge and surcharge (FA 2004
/// s208-s210: payments subject to the surcharge are charged at the two rates together),
/// the overseas transfer charge (s244A) and the short service refund lump sum charge
/// (s205). Tax paid on a charge reduces what is due on it, never below nil.
pub(crate) fn pension_savings_tax_charges(
    rules: &YearRules,
    p: &PensionChargeInputs,
    annual_allowance: Option<PensionSavingsTaxCharges>,
) -> Option<PensionSavingsTaxCharges> {
    if annual_allowance.is_none() && p.is_empty() {
        return None;
    }
    let mut c = annual_allowance.unwrap_or_default();
    c.annual_allowance_tax_paid = p.annual_allowance_tax_paid.at_least_zero();
    let surcharged = Rate::new(
        rules.unauthorised_payments_charge_rate.as_percent() + rules.unauthorised_payments_surcharge_rate.as_percent(),
    );
    c.unauthorised_payments_surcharge = p.unauthorised_surcharge.as_ref().map(|a| flat(a, surcharged));
    c.unauthorised_payments_no_surcharge =
        p.unauthorised_no_surcharge.as_ref().map(|a| flat(a, rules.unauthorised_payments_charge_rate));
    c.overseas_transfer = p.overseas_transfer.as_ref().map(|a| flat(a, rules.overseas_transfer_charge_rate));
    c.short_service_refund = p.short_service_refund.as_ref().map(|a| short_service_refund(rules, a));
    // The lifetime allowance charge: none from 2023-24, when its rates are gone.
    c.lifetime_allowance_lump_sum = p
        .lifetime_allowance_lump_sum
        .as_ref()
        .zip(rules.lifetime_allowance_lump_sum_charge_rate)
        .map(|(a, rate)| flat(a, rate));
    c.lifetime_allowance_other = p
        .lifetime_allowance_other
        .as_ref()
        .zip(rules.lifetime_allowance_other_charge_rate)
        .map(|(a, rate)| flat(a, rate));

    let flats = [
        c.unauthorised_payments_surcharge,
        c.unauthorised_payments_no_surcharge,
        c.overseas_transfer,
        c.lifetime_allowance_lump_sum,
        c.lifetime_allowance_other,
    ];
    let ssr = c.short_service_refund.as_ref();
    c.total_pension_charges = c.annual_allowance_charge
        + flats.iter().flatten().map(|f| f.charge).sum::<Money>()
        + ssr.map_or(Money::ZERO, |s| s.charge);
    c.total_tax_paid = c.annual_allowance_tax_paid
        + flats.iter().flatten().map(|f| f.tax_paid).sum::<Money>()
        + ssr.map_or(Money::ZERO, |s| s.tax_paid);
    c.total_pension_savings_tax_charges = c.annual_allowance_charge.saturating_sub(c.annual_allowance_tax_paid)
        + flats.iter().flatten().map(FlatCharge::due).sum::<Money>()
        + ssr.map_or(Money::ZERO, ShortServiceRefundCharge::due);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Regime, Rules, TaxYear};

    fn rules(regime: Regime) -> &'static YearRules {
        Rules::for_year(TaxYear::starting(2025), regime).unwrap()
    }

    #[test]
    fn the_lump_sum_rate_follows_step3_income() {
        let r = rules(Regime::RestOfUk);
        let rate = |income: i64, extension: i64| {
            state_pension_lump_sum_rate(r, Money::pounds(income), Money::pounds(extension)).as_percent()
        };
        assert_eq!(rate(0, 0), Rate::ZERO.as_percent());
        assert_eq!(rate(1, 0), Rate::percent(20).as_percent());
        assert_eq!(rate(37_700, 0), Rate::percent(20).as_percent());
        assert_eq!(rate(37_701, 0), Rate::percent(40).as_percent());
        assert_eq!(rate(37_701, 1), Rate::percent(20).as_percent());
        assert_eq!(rate(125_140, 0), Rate::percent(40).as_percent());
        assert_eq!(rate(125_141, 0), Rate::percent(45).as_percent());
        let s = rules(Regime::Scotland);
        let scottish = |income: i64| state_pension_lump_sum_rate(s, Money::pounds(income), Money::ZERO);
        // Within the Scottish basic rate limit (the starter band included): the basic rate.
        assert_eq!(scottish(1), s.scottish_basic_rate.unwrap());
        assert_eq!(scottish(200_000), s.scottish_top_rate.unwrap());
    }

    #[test]
    fn pension_charges_and_tax_paid() {
        let r = rules(Regime::RestOfUk);
        let at = |amount: i64, tax_paid: i64| AmountAndTaxPaid {
            amount: Money::pounds(amount),
            tax_paid: Money::pounds(tax_paid),
        };
        let p = PensionChargeInputs {
            annual_allowance_tax_paid: Money::ZERO,
            unauthorised_surcharge: Some(at(10_000, 500)),
            unauthorised_no_surcharge: Some(at(1_000, 0)),
            overseas_transfer: Some(at(4_000, 2_000)),
            short_service_refund: Some(at(25_000, 0)),
            ..PensionChargeInputs::default()
        };
        let c = pension_savings_tax_charges(r, &p, None).unwrap();
        assert_eq!(c.unauthorised_payments_surcharge.unwrap().charge, Money::pounds(5_500));
        assert_eq!(c.unauthorised_payments_no_surcharge.unwrap().charge, Money::pounds(400));
        // More tax paid than the charge: nothing due, nothing repaid.
        assert_eq!(c.overseas_transfer.unwrap().charge, Money::pounds(1_000));
        assert_eq!(c.overseas_transfer.unwrap().due(), Money::ZERO);
        let ssr = c.short_service_refund.as_ref().unwrap();
        assert_eq!(ssr.charge, Money::pounds(4_000 + 2_500));
        assert_eq!(c.total_pension_charges, Money::pounds(5_500 + 400 + 1_000 + 6_500));
        assert_eq!(c.total_tax_paid, Money::pounds(2_500));
        assert_eq!(c.total_pension_savings_tax_charges, Money::pounds(5_000 + 400 + 6_500));
        assert!(pension_savings_tax_charges(r, &PensionChargeInputs::default(), None).is_none());
    }

    #[test]
    fn lifetime_allowance_charge_to_2022_23_only() {
        let at = |amount: i64, tax_paid: i64| AmountAndTaxPaid {
            amount: Money::pounds(amount),
            tax_paid: Money::pounds(tax_paid),
        };
        let p = PensionChargeInputs {
            lifetime_allowance_lump_sum: Some(at(10_000, 5_500)),
            lifetime_allowance_other: Some(at(8_000, 0)),
            ..PensionChargeInputs::default()
        };
        let r = Rules::for_year(TaxYear::starting(2022), Regime::RestOfUk).unwrap();
        let c = pension_savings_tax_charges(r, &p, None).unwrap();
        assert_eq!(c.lifetime_allowance_lump_sum.unwrap().charge, Money::pounds(5_500));
        assert_eq!(c.lifetime_allowance_other.unwrap().charge, Money::pounds(2_000));
        assert_eq!(c.total_pension_savings_tax_charges, Money::pounds(2_000));
        let later = Rules::for_year(TaxYear::starting(2023), Regime::RestOfUk).unwrap();
        assert_eq!(pension_savings_tax_charges(later, &p, None).unwrap().total_pension_charges, Money::ZERO);
    }

    #[test]
    fn winter_fuel_payment_charge_over_the_threshold_only() {
        let r = rules(Regime::RestOfUk);
        assert_eq!(winter_fuel_payment_charge(r, Money::pounds(200), Money::pounds(35_000)), None);
        assert_eq!(winter_fuel_payment_charge(r, Money::pounds(200), Money::pounds(35_001)), Some(Money::pounds(200)));
        let before = Rules::for_year(TaxYear::starting(2024), Regime::RestOfUk).unwrap();
        assert_eq!(winter_fuel_payment_charge(before, Money::pounds(200), Money::pounds(90_000)), None);
    }
}
