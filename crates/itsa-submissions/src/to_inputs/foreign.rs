//! Dividends other than UK cash dividends, other savings, income received abroad, foreign
//! reliefs, life policy gains of every kind and patent royalties paid, turned into the
//! engine's inputs.

use itsa_engine::Money;
use itsa_engine::foreign::{
    ForeignBenefitsAndGifts, ForeignInputs, ForeignSource, ForeignSourceKind, OtherDividend, OtherDividendKind,
    UkSecurities,
};
use itsa_engine::inputs::{LifePolicyGain, PolicyKind};
use std::fmt::Display;

use super::{not_calculated, refuse_if_any};
use crate::SubmissionError;
use crate::amount::{Amount, or_zero};
use crate::bodies::reliefs::items;

/// One source of foreign income as HMRC's bodies carry it.
struct Submitted<'a> {
    country_code: &'a str,
    amount_before_tax: Option<Amount>,
    tax_taken_off: Option<Amount>,
    special_withholding_tax: Option<Amount>,
    foreign_tax_credit_relief: Option<bool>,
    taxable_amount: Amount,
}

/// Each body's entry for one foreign source holds the same fields under the same names.
macro_rules! submitted_from {
    ($($body:ty),+) => {$(
        impl<'a> From<&'a $body> for Submitted<'a> {
            fn from(f: &'a $body) -> Self {
                Submitted {
                    country_code: f.country_code.as_str(),
                    amount_before_tax: f.amount_before_tax,
                    tax_taken_off: f.tax_taken_off,
                    special_withholding_tax: f.special_withholding_tax,
                    foreign_tax_credit_relief: f.foreign_tax_credit_relief,
                    taxable_amount: f.taxable_amount,
                }
            }
        }
    )+};
}
submitted_from!(
    crate::bodies::dividends::ForeignDividend,
    crate::bodies::savings::ForeignInterest,
    crate::bodies::other_income::IncomeReceivedAbroad
);

/// The engine's source of foreign income, with the special withholding tax submitted on
/// it (the EU Savings Directive's; submitting it is the claim of TIOPA 2010 s137).
fn source(kind: ForeignSourceKind, s: Submitted<'_>) -> ForeignSource {
    ForeignSource {
        kind,
        country_code: s.country_code.to_owned(),
        amount_before_tax: s.amount_before_tax.map(Amount::money),
        foreign_tax: or_zero(s.tax_taken_off),
        claims_credit: s.foreign_tax_credit_relief.unwrap_or(false),
        taxable_amount: s.taxable_amount.money(),
        special_withholding_tax: or_zero(s.special_withholding_tax),
    }
}

/// `dividends-other`: stock dividends, redeemable shares, bonus issues, close company
/// loans written off, foreign dividends and dividends received while abroad.
pub(super) fn other_dividends(
    d: &crate::bodies::dividends::OtherDividends,
) -> (Vec<OtherDividend>, Vec<ForeignSource>) {
    let others = [
        (OtherDividendKind::StockDividend, &d.stock_dividend),
        (OtherDividendKind::RedeemableShares, &d.redeemable_shares),
        (OtherDividendKind::BonusIssuesOfSecurities, &d.bonus_issues_of_securities),
        (OtherDividendKind::CloseCompanyLoansWrittenOff, &d.close_company_loans_written_off),
    ]
    .into_iter()
    .filter_map(|(kind, g)| {
        g.as_ref().map(|g| OtherDividend {
            kind,
            customer_reference: g.customer_reference.clone(),
            gross_amount: g.gross_amount.money(),
        })
    })
    .collect();
    let mut sources = Vec::new();
    for (kind, list) in [
        (ForeignSourceKind::Dividends, &d.foreign_dividend),
        (ForeignSourceKind::DividendsReceivedWhilstAbroad, &d.dividend_income_received_whilst_abroad),
    ] {
        for f in items(list) {
            sources.push(source(kind, f.into()));
        }
    }
    (others, sources)
}

/// `savings-other`: interest from UK securities and foreign interest.
pub(super) fn other_savings(o: &crate::bodies::savings::OtherSavings) -> (Option<UkSecurities>, Vec<ForeignSource>) {
    let securities = o
        .securities
        .as_ref()
        .map(|s| UkSecurities { gross_amount: s.gross_amount.money(), tax_deducted: or_zero(s.tax_taken_off) });
    let sources = items(&o.foreign_interest).iter().map(|f| source(ForeignSourceKind::Savings, f.into())).collect();
    (securities, sources)
}

/// What `other-income` brings.
#[derive(Default)]
pub(super) struct OtherIncomeFigures {
    pub sources: Vec<ForeignSource>,
    /// Post-cessation receipts, each taxed in the year of the submission.
    pub post_cessation_receipts: Vec<Money>,
    pub benefits_and_gifts: Option<ForeignBenefitsAndGifts>,
    pub offshore_income_gains: Option<Money>,
}

/// `other-income`: income received while abroad, offshore income gains, chargeable
/// foreign benefits and gifts and post-cessation receipts (HMRC's validation holds each
/// to the submission's tax year). Business receipts of earlier years, omitted foreign
/// income and finance costs of income received abroad are refused until calculated.
pub(super) fn other_income(
    o: &crate::bodies::other_income::OtherIncome,
    at: &dyn Display,
) -> Result<OtherIncomeFigures, SubmissionError> {
    if o.business_receipts.is_some() {
        return Err(not_calculated(at, "business receipts taxed as income of an earlier year"));
    }
    if o.omitted_foreign_income.is_some() {
        return Err(not_calculated(at, "omitted foreign income"));
    }
    let mut figures = OtherIncomeFigures {
        post_cessation_receipts: items(&o.post_cessation_receipts).iter().map(|r| r.amount.money()).collect(),
        ..Default::default()
    };
    for i in items(&o.all_other_income_received_whilst_abroad) {
        refuse_if_any(
            or_zero(i.residential_financial_cost_amount) + or_zero(i.brought_fwd_residential_financial_cost_amount),
            at,
            "residential finance costs of income received abroad",
        )?;
        figures.sources.push(source(ForeignSourceKind::OtherIncomeReceivedWhilstAbroad, i.into()));
    }
    figures.offshore_income_gains = o.overseas_income_and_gains.as_ref().map(|g| g.gain_amount.money());
    figures.benefits_and_gifts = o.chargeable_foreign_benefits_and_gifts.as_ref().map(|b| ForeignBenefitsAndGifts {
        transaction_benefit: or_zero(b.transaction_benefit),
        protected_foreign_income_source_benefit: or_zero(b.protected_foreign_income_source_benefit),
        protected_foreign_income_onward_gift: or_zero(b.protected_foreign_income_onward_gift),
        benefit_received_as_a_settler: or_zero(b.benefit_received_as_a_settler),
        onward_gift_received_as_a_settler: or_zero(b.onward_gift_received_as_a_settler),
    });
    Ok(figures)
}

/// `reliefs-foreign`: the taxpayer's own foreign tax credit relief, and the foreign tax
/// for which no credit is claimed. Credit on income given only here (a foreign employment
/// or lump sum) is refused until calculated.
pub(super) fn foreign_reliefs(
    r: &crate::bodies::reliefs::ForeignReliefs,
    at: &dyn Display,
    foreign: &mut ForeignInputs,
) -> Result<(), SubmissionError> {
    if !items(&r.foreign_income_tax_credit_relief).is_empty() {
        return Err(not_calculated(at, "foreign tax credit relief on income not submitted elsewhere"));
    }
    foreign.customer_calculated_relief = r.foreign_tax_credit_relief.as_ref().map(|a| a.amount.money());
    foreign.foreign_tax_not_credited = r.foreign_tax_for_ftcr_not_claimed.as_ref().map(|a| a.amount.money());
    Ok(())
}

/// `other-expenses`: patent royalties paid.
pub(super) fn patent_royalties(e: &crate::bodies::expenses::OtherExpenses) -> Money {
    e.patent_royalties_payments.as_ref().map_or(Money::ZERO, |p| p.expense_amount.money())
}

/// Gains on UK life insurance policies, capital redemption policies and life annuities
/// (basic-rate tax treated as paid or not, s530), voided ISAs and foreign policies.
/// Deficiency relief is refused until calculated.
pub(super) fn life_policy_gains(
    p: &crate::bodies::insurance_policies::InsurancePolicies,
    at: &dyn Display,
) -> Result<Vec<LifePolicyGain>, SubmissionError> {
    refuse_if_any(p.total_deficiency_relief(), at, "deficiency relief")?;
    // Top slicing divides by the complete years since the last gain on the policy, or
    // since it began when there was none (ITTOIA 2005 s536(2)-(4)).
    let gain = |kind, reference: &Option<String>, gain: Money, held: Option<u32>, since: Option<u32>| LifePolicyGain {
        kind,
        name: reference.clone().unwrap_or_default(),
        gain,
        years: since.or(held).unwrap_or(1).max(1),
        tax_treated_as_paid: false,
        tax_paid: Money::ZERO,
        years_held: held,
        years_held_since_last_gain: since,
    };
    let mut gains = Vec::new();
    for (kind, list) in [
        (PolicyKind::LifeInsurance, &p.life_insurance),
        (PolicyKind::CapitalRedemption, &p.capital_redemption),
        (PolicyKind::LifeAnnuity, &p.life_annuity),
    ] {
        gains.extend(items(list).iter().map(|g| LifePolicyGain {
            tax_treated_as_paid: g.tax_paid,
            ..gain(kind, &g.customer_reference, g.gain_amount.money(), g.years_held, g.years_held_since_last_gain)
        }));
    }
    gains.extend(items(&p.voided_isa).iter().map(|g| LifePolicyGain {
        tax_paid: or_zero(g.tax_paid_amount),
        ..gain(
            PolicyKind::VoidedIsa,
            &g.customer_reference,
            g.gain_amount.money(),
            g.years_held,
            g.years_held_since_last_gain,
        )
    }));
    // A foreign policy's years are those submitted, already reduced for any time the
    // taxpayer was not resident (s536(7)-(8), docs/differences.md).
    gains.extend(items(&p.foreign).iter().map(|g| LifePolicyGain {
        tax_paid: or_zero(g.tax_paid_amount),
        ..gain(PolicyKind::Foreign, &g.customer_reference, g.gain_amount.money(), g.years_held, None)
    }));
    Ok(gains)
}
