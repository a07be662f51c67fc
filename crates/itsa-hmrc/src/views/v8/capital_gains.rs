//! `taxCalculation.capitalGainsTax` and `totalIncomeTaxAndNicsAndCgt`: the same shape in
//! every schema variant (def1 to def4).

use itsa_engine::Money;
use itsa_engine::calculation::{CapitalGainsTax, CgtBand, GainsGroup, TaxCalculation};

use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::{Field, Num, money, money_if_not_zero, object, percent};

/// `taxCalculation.capitalGainsTax`. The figures are the engine's: gains in whole
/// pounds, tax in pounds and pence. Adjustments and Foreign Tax Credit Relief are left
/// out when there are none, as HMRC leaves out amounts that do not arise; the totals
/// after them are always written.
pub(super) fn capital_gains_tax(c: &CapitalGainsTax) -> impl Field {
    object(move |o| {
        o.set(key!("totalCapitalGainsIncome"), money(c.total_capital_gains_income))
            .set(key!("annualExemptionAmount"), money(c.annual_exemption_amount))
            .set(key!("totalTaxableGains"), money(c.total_taxable_gains))
            .opt(
                key!("businessAssetsDisposalsAndInvestorsRel"),
                c.business_assets_disposals_and_investors_rel.as_ref().map(relief),
            )
            .opt(
                key!("residentialPropertyAndCarriedInterest"),
                c.residential_property_and_carried_interest.as_ref().map(|g| group(g, false)),
            )
            .opt(key!("otherGains"), c.other_gains.as_ref().map(|g| group(g, true)))
            .set(key!("capitalGainsTaxAmount"), money(c.capital_gains_tax_amount))
            .opt(key!("adjustments"), money_if_not_zero(c.adjustments))
            .set(key!("adjustedCapitalGainsTax"), money(c.adjusted_capital_gains_tax))
            .opt(key!("foreignTaxCreditRelief"), money_if_not_zero(c.foreign_tax_credit_relief))
            .set(key!("capitalGainsTaxAfterFTCR"), money(c.capital_gains_tax_after_ftcr))
            .opt(key!("taxOnGainsAlreadyPaid"), money_if_not_zero(c.tax_on_gains_already_paid))
            .set(key!("capitalGainsTaxDue"), money(c.capital_gains_tax_due))
            .opt(key!("capitalGainsOverpaid"), money_if_not_zero(c.capital_gains_overpaid))
    })
}

/// `businessAssetsDisposalsAndInvestorsRel`: one rate for all the gains.
fn relief(g: &GainsGroup) -> impl Field {
    object(move |o| {
        o.set(key!("gainsIncome"), money(g.gains_income))
            .set(key!("lossesBroughtForward"), money(g.losses_brought_forward))
            .set(key!("lossesArisingThisYear"), money(g.losses_arising_this_year))
            .set(key!("gainsAfterLosses"), money(g.gains_after_losses))
            .set(key!("annualExemptionAmount"), money(g.annual_exemption_amount))
            .set(key!("taxableGains"), money(g.taxable_gains))
            .opt(key!("rate"), g.bands.first().map(|b| percent(b.rate)))
            .set(key!("taxAmount"), money(g.total_tax_amount))
    })
}

/// `residentialPropertyAndCarriedInterest`, or `otherGains` (`other`), which also has
/// the attributed gains and the net gains.
fn group(g: &GainsGroup, other: bool) -> impl Field {
    object(move |o| {
        o.set(key!("gainsIncome"), money(g.gains_income))
            .set(key!("lossesBroughtForward"), money(g.losses_brought_forward))
            .set(key!("lossesArisingThisYear"), money(g.losses_arising_this_year))
            .set(key!("gainsAfterLosses"), money(g.gains_after_losses))
            .set_if(other, key!("attributedGains"), money(g.attributed_gains))
            .set_if(other, key!("netGains"), money(g.net_gains))
            .set(key!("annualExemptionAmount"), money(g.annual_exemption_amount))
            .set(key!("taxableGains"), money(g.taxable_gains))
            .non_empty(key!("cgtTaxBands"), g.bands.iter().map(band))
            .set(key!("totalTaxAmount"), money(g.total_tax_amount))
    })
}

fn band(b: &CgtBand) -> impl Field {
    object(move |o| {
        o.set(key!("name"), b.name.hmrc_name())
            .set(key!("rate"), percent(b.rate))
            .set(key!("income"), money(b.income))
            .set(key!("taxAmount"), money(b.tax_amount))
    })
}

/// `totalIncomeTaxAndNicsAndCgt`: income tax and National Insurance due plus the capital
/// gains tax due, less any overpaid; only with capital gains tax. Before def3 the schema
/// allows no negative total, so a negative one is left out there.
pub(super) fn total_income_tax_and_nics_and_cgt(t: &TaxCalculation, variant: SchemaVariant) -> Option<Num> {
    let c = t.capital_gains_tax.as_ref()?;
    let total = t.total_income_tax_and_nics_due + c.capital_gains_tax_due - c.capital_gains_overpaid;
    (variant >= SchemaVariant::Def3 || total >= Money::ZERO).then(|| money(total))
}
