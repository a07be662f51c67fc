//! `stateBenefitsIncome` and `pensionSavingsTaxCharges`.

use itsa_engine::calculation::{
    BandName, FlatCharge, PensionSavingsTaxCharges, ShortServiceRefundCharge, StateBenefitDetail, StateBenefitsIncome,
};
use itsa_engine::{Calculation, Money};

use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::is_uuid;
use crate::views::json::{Field, Node, Obj, money, object, object_if_any, percent, pounds};

/// HMRC's benefit types in the order of `stateBenefitsDetail`, and whether each has a
/// `taxPaid` and a `rate`.
const BENEFIT_TYPES: [(&str, bool, bool); 7] = [
    ("incapacityBenefit", true, false),
    ("statePension", false, false),
    ("statePensionLumpSum", true, true),
    ("employmentSupportAllowance", true, false),
    ("jobSeekersAllowance", true, false),
    ("bereavementAllowance", false, false),
    ("otherStateBenefits", false, false),
];

/// `stateBenefitsIncome`: the totals, and the detail of every benefit with HMRC's id (its
/// `incomeSourceId` is required, so a benefit without one is in the totals only).
pub(super) fn state_benefits_income(s: &StateBenefitsIncome) -> impl Field {
    let detail = object_if_any(move |mut detail| {
        for (kind, has_tax_paid, has_rate) in BENEFIT_TYPES {
            let items = s
                .details
                .iter()
                .filter(move |d| d.benefit_type == kind && is_uuid(&d.income_source_id))
                .map(move |d| benefit(d, has_tax_paid, has_rate));
            detail = detail.non_empty(kind, items);
        }
        detail
    });
    object(move |o| {
        o.set(key!("totalStateBenefitsIncome"), money(s.total_state_benefits_income))
            .opt(key!("totalStateBenefitsTaxPaid"), s.total_state_benefits_tax_paid.map(money))
            .set(key!("stateBenefitsDetail"), detail)
            .set(
                key!("totalStateBenefitsIncomeExcStatePensionLumpSum"),
                money(s.total_state_benefits_income_exc_state_pension_lump_sum),
            )
    })
}

/// One benefit. `taxPaid` is left out where HMRC's item has none, and for Incapacity
/// Benefit when negative (HMRC's minimum there is nil).
fn benefit(d: &StateBenefitDetail, has_tax_paid: bool, has_rate: bool) -> impl Field {
    let tax_paid = d.tax_paid.filter(|t| has_tax_paid && (d.benefit_type != "incapacityBenefit" || !t.is_negative()));
    object(move |o| {
        o.set(key!("incomeSourceId"), d.income_source_id.clone())
            .set(key!("amount"), money(d.amount))
            .opt(key!("taxPaid"), tax_paid.map(money))
            .opt(key!("rate"), d.rate.filter(|_| has_rate).map(percent))
            .set(key!("source"), if d.hmrc_held { "hmrc-held" } else { "customer" })
    })
}

/// `pensionSavingsTaxCharges`: the totals and each charge. HMRC's pension band names have
/// no starter rate; a Scottish taxpayer's excess within it is in the totals only. The
/// lifetime allowance charge has its object only in def1 (to 2023-24).
pub(super) fn pension_savings_tax_charges(c: &Calculation, variant: SchemaVariant) -> Option<Node> {
    let p = c.tax_calculation.income_tax.pension_savings_tax_charges.as_ref()?;
    let unauthorised = (p.unauthorised_payments_surcharge.is_some() || p.unauthorised_payments_no_surcharge.is_some())
        .then(|| unauthorised_payments(p));
    let lifetime = (variant == SchemaVariant::Def1
        && (p.lifetime_allowance_lump_sum.is_some() || p.lifetime_allowance_other.is_some()))
    .then(|| {
        let both = [p.lifetime_allowance_lump_sum, p.lifetime_allowance_other];
        Obj::new()
            .set(key!("totalChargeableAmount"), money(both.iter().flatten().map(|f| f.charge).sum::<Money>()))
            .set(key!("totalTaxPaid"), money(both.iter().flatten().map(|f| f.tax_paid).sum::<Money>()))
            .opt(
                key!("lumpSumBenefitTakenInExcessOfLifetimeAllowance"),
                p.lifetime_allowance_lump_sum.as_ref().map(flat),
            )
            .opt(key!("benefitInExcessOfLifetimeAllowance"), p.lifetime_allowance_other.as_ref().map(flat))
            .build()
    });
    let detail = Obj::new()
        .opt(key!("excessOfLifeTimeAllowance"), lifetime)
        .opt(key!("pensionSchemeUnauthorisedPayments"), unauthorised)
        .opt(key!("pensionSchemeOverseasTransfers"), p.overseas_transfer.as_ref().map(overseas_transfers))
        .opt(key!("pensionContributionsInExcessOfTheAnnualAllowance"), annual_allowance(p))
        .opt(key!("overseasPensionContributions"), p.short_service_refund.as_ref().map(short_service_refund))
        .some_if_not_empty();
    Some(
        Obj::new()
            .set(key!("totalPensionCharges"), money(p.total_pension_charges))
            .set(key!("totalTaxPaid"), money(p.total_tax_paid))
            .set(key!("totalPensionChargesDue"), money(p.total_pension_savings_tax_charges))
            .opt(key!("pensionSavingsTaxChargesDetail"), detail)
            .build(),
    )
}

fn annual_allowance(p: &PensionSavingsTaxCharges) -> Option<Node> {
    if !p.annual_allowance_excess.is_positive() && !p.annual_allowance_tax_paid.is_positive() {
        return None;
    }
    let bands: Vec<Node> = p
        .pension_bands
        .iter()
        .filter(|b| b.name != BandName::StarterRate)
        .map(|b| {
            Obj::new()
                .set(key!("name"), b.name.hmrc_name())
                .set(key!("rate"), percent(b.rate))
                .set(key!("bandLimit"), pounds(b.band_limit))
                .set(key!("apportionedBandLimit"), pounds(b.apportioned_band_limit))
                .set(key!("contributionAmount"), money(b.income))
                .set(key!("pensionCharge"), money(b.tax_amount))
                .build()
        })
        .collect();
    Some(
        Obj::new()
            .set(key!("totalContributions"), money(p.annual_allowance_excess))
            .set(key!("totalPensionCharge"), money(p.annual_allowance_charge))
            .set(key!("annualAllowanceTaxPaid"), money(p.annual_allowance_tax_paid))
            .set(
                key!("totalPensionChargeDue"),
                money(p.annual_allowance_charge.saturating_sub(p.annual_allowance_tax_paid)),
            )
            .non_empty(key!("pensionBands"), bands)
            .build(),
    )
}

/// `chargeableAmount` is the charge: the rate on the amount.
fn flat(f: &FlatCharge) -> impl Field {
    object(move |o| {
        o.set(key!("amount"), money(f.amount))
            .set(key!("taxPaid"), money(f.tax_paid))
            .set(key!("rate"), percent(f.rate))
            .set(key!("chargeableAmount"), money(f.charge))
    })
}

fn unauthorised_payments(p: &PensionSavingsTaxCharges) -> impl Field {
    let both = [p.unauthorised_payments_surcharge, p.unauthorised_payments_no_surcharge];
    object(move |o| {
        o.set(key!("totalChargeableAmount"), money(both.iter().flatten().map(|f| f.charge).sum::<Money>()))
            .set(key!("totalTaxPaid"), money(both.iter().flatten().map(|f| f.tax_paid).sum::<Money>()))
            .opt(
                key!("pensionSchemeUnauthorisedPaymentsSurcharge"),
                p.unauthorised_payments_surcharge.as_ref().map(flat),
            )
            .opt(
                key!("pensionSchemeUnauthorisedPaymentsNonSurcharge"),
                p.unauthorised_payments_no_surcharge.as_ref().map(flat),
            )
    })
}

fn overseas_transfers(f: &FlatCharge) -> impl Field {
    object(move |o| {
        o.set(key!("transferCharge"), money(f.amount))
            .set(key!("transferChargeTaxPaid"), money(f.tax_paid))
            .set(key!("rate"), percent(f.rate))
            .set(key!("chargeableAmount"), money(f.charge))
    })
}

fn short_service_refund(s: &ShortServiceRefundCharge) -> Node {
    let bands: Vec<Node> = s
        .bands
        .iter()
        .map(|b| {
            Obj::new()
                .set(key!("name"), if b.upper { "upper-band" } else { "lower-band" })
                .set(key!("rate"), percent(b.rate))
                .set(key!("bandLimit"), pounds(b.band_limit))
                .set(key!("apportionedBandLimit"), pounds(b.band_limit))
                .set(key!("shortServiceRefundAmount"), money(b.amount))
                .set(key!("shortServiceRefundCharge"), money(b.charge))
                .build()
        })
        .collect();
    Obj::new()
        .set(key!("totalShortServiceRefund"), money(s.amount))
        .set(key!("totalShortServiceRefundCharge"), money(s.charge))
        .set(key!("shortServiceRefundTaxPaid"), money(s.tax_paid))
        .set(key!("totalShortServiceRefundChargeDue"), money(s.due()))
        .non_empty(key!("shortServiceRefundBands"), bands)
        .build()
}
