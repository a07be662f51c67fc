//! Dividends other than cash dividends of UK companies, UK securities, income from abroad
//! with the foreign tax on it and foreign tax credit relief (TIOPA 2010 s18, s36),
//! chargeable foreign benefits and gifts, offshore income gains, and patent royalties paid
//! with basic-rate tax deducted.
//!
//! The income of each source counts as the kind of income the law makes it: dividends
//! (ITTOIA 2005 s383, s402, s409-414, s415-416), savings (ITA 2007 s18) or non-savings
//! income. Each source is rounded down to whole pounds, as the engine's other sources are.

use std::collections::HashMap;

use itsa_rules::{Money, Rate};

/// What the engine calculates from for this module's income, reliefs and charges.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignInputs {
    /// HMRC's `otherUkDividends`: distributions from UK authorised unit trusts, open-ended
    /// investment companies and investment trusts, dividend income (ITTOIA 2005 s383, s386).
    pub other_uk_dividends: Money,
    /// Distributions that are not cash dividends, each dividend income.
    pub other_dividends: Vec<OtherDividend>,
    /// Income from abroad with its foreign tax, one item a source (country and kind).
    pub sources: Vec<ForeignSource>,
    /// Interest from gilt-edged and other UK securities (savings income, ITA 2007 s18).
    pub uk_securities: Option<UkSecurities>,
    /// Foreign tax credit relief the taxpayer has worked out themselves and claims
    /// (HMRC's `reliefs-foreign` `foreignTaxCreditRelief.amount`): given instead of the
    /// relief the engine would work out, up to the tax left.
    pub customer_calculated_relief: Option<Money>,
    /// Foreign tax on a foreign employment for which no credit is claimed (HMRC's
    /// `foreignTaxForFtcrNotClaimed`): shown, changing no figure (docs/differences.md).
    pub foreign_tax_not_credited: Option<Money>,
    /// Benefits and gifts charged under the transfer of assets abroad and settlements
    /// rules (ITA 2007 s731-735, s643A-643N; ITTOIA 2005 s643A): non-savings income.
    pub benefits_and_gifts: Option<ForeignBenefitsAndGifts>,
    /// Gains on disposals of interests in offshore funds, charged as income
    /// (Offshore Funds (Tax) Regulations 2009 reg 17-19): non-savings income.
    pub offshore_income_gains: Option<Money>,
    /// Patent royalties paid, gross: deducted at Step 2 (ITA 2007 s448-449), the
    /// basic-rate tax deducted from them charged on the payer (s903).
    pub patent_royalties_paid: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OtherDividend {
    pub kind: OtherDividendKind,
    pub customer_reference: Option<String>,
    pub gross_amount: Money,
}

/// Distributions that are not cash dividends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherDividendKind {
    /// Shares issued instead of a cash dividend: the cash equivalent (ITTOIA 2005 s409-414).
    StockDividend,
    /// Redeemable shares issued as a bonus (CTA 2010 s1000(1) C, ITTOIA 2005 s383).
    RedeemableShares,
    /// Bonus issues of securities (CTA 2010 s1000(1) C-D, ITTOIA 2005 s383).
    BonusIssuesOfSecurities,
    /// A close company's loan to a participator released or written off (ITTOIA 2005
    /// s415-416).
    CloseCompanyLoansWrittenOff,
}

impl OtherDividendKind {
    /// HMRC's name in the v8/v9 API.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            OtherDividendKind::StockDividend => "stock-dividend",
            OtherDividendKind::RedeemableShares => "redeemable-shares",
            OtherDividendKind::BonusIssuesOfSecurities => "bonus-issues-of-securities",
            OtherDividendKind::CloseCompanyLoansWrittenOff => "close-company-loans-written-off",
        }
    }
}

/// One source of income from abroad.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignSource {
    pub kind: ForeignSourceKind,
    /// ISO 3166-1 alpha-3.
    pub country_code: String,
    /// The income before foreign tax, as submitted.
    pub amount_before_tax: Option<Money>,
    /// Foreign tax taken off.
    pub foreign_tax: Money,
    /// Whether foreign tax credit relief is claimed (TIOPA 2010 s18). Without a claim the
    /// foreign tax is deducted from the income instead (s112), which the taxable amount
    /// submitted already reflects.
    pub claims_credit: bool,
    /// The income taxable in the UK, as submitted.
    pub taxable_amount: Money,
    /// Special withholding tax levied on the income (the EU Savings Directive's), as
    /// submitted: income tax treated as paid and deducted at source (TIOPA 2010 s137(5),
    /// s138), credited against the year's tax and repaid where it is more. It is not
    /// foreign tax for credit relief.
    pub special_withholding_tax: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignSourceKind {
    /// Dividends of non-UK resident companies (ITTOIA 2005 s402).
    Dividends,
    /// Dividends received while abroad, charged in the year of return (ITTOIA 2005 s408A).
    DividendsReceivedWhilstAbroad,
    /// Interest and other savings income from abroad (ITTOIA 2005 s369, ITA 2007 s18).
    Savings,
    /// Other income received while abroad (ITTOIA 2005 s832A): non-savings income.
    OtherIncomeReceivedWhilstAbroad,
    /// The profits of an overseas property business from the properties in one country
    /// (ITTOIA 2005 s265): non-savings income, part of the business's profit.
    Property,
}

impl ForeignSourceKind {
    /// The `incomeSourceType` of HMRC's `foreignTaxCreditReliefDetail`.
    pub const fn hmrc_income_source_type(self) -> &'static str {
        match self {
            ForeignSourceKind::Dividends | ForeignSourceKind::DividendsReceivedWhilstAbroad => "foreign-dividends",
            ForeignSourceKind::Savings => "foreign-savings-and-gains",
            ForeignSourceKind::OtherIncomeReceivedWhilstAbroad => "other-income",
            ForeignSourceKind::Property => "foreign-property",
        }
    }

    fn is_dividends(self) -> bool {
        matches!(self, ForeignSourceKind::Dividends | ForeignSourceKind::DividendsReceivedWhilstAbroad)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UkSecurities {
    pub gross_amount: Money,
    /// UK tax taken off, repaid like other tax deducted at source.
    pub tax_deducted: Money,
}

/// HMRC's `chargeableForeignBenefitsAndGifts`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ForeignBenefitsAndGifts {
    pub transaction_benefit: Money,
    pub protected_foreign_income_source_benefit: Money,
    pub protected_foreign_income_onward_gift: Money,
    pub benefit_received_as_a_settler: Money,
    pub onward_gift_received_as_a_settler: Money,
}

impl ForeignBenefitsAndGifts {
    pub fn total(&self) -> Money {
        self.transaction_benefit
            + self.protected_foreign_income_source_benefit
            + self.protected_foreign_income_onward_gift
            + self.benefit_received_as_a_settler
            + self.onward_gift_received_as_a_settler
    }
}

/// This module's income by kind, in whole pounds, as the calculation uses it and the
/// calculation object shows it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ForeignAmounts {
    pub other_uk_dividends: Money,
    /// Dividends of HMRC's "other dividends" kinds (stock dividends, redeemable shares,
    /// bonus issues, close company loans written off).
    pub other_dividends: Money,
    pub foreign_dividends: Money,
    pub uk_securities: Money,
    pub foreign_savings: Money,
    pub other_income_abroad: Money,
    pub benefits_and_gifts: Money,
    pub offshore_income_gains: Money,
}

impl ForeignAmounts {
    pub fn dividends(&self) -> Money {
        self.other_uk_dividends + self.other_dividends + self.foreign_dividends
    }

    pub fn savings(&self) -> Money {
        self.uk_securities + self.foreign_savings
    }

    pub fn non_savings(&self) -> Money {
        self.other_income_abroad + self.benefits_and_gifts + self.offshore_income_gains
    }
}

impl ForeignInputs {
    pub fn has_income(&self) -> bool {
        !self.other_uk_dividends.is_zero()
            || !self.other_dividends.is_empty()
            || !self.sources.is_empty()
            || self.uk_securities.is_some()
            || self.benefits_and_gifts.is_some()
            || self.offshore_income_gains.is_some()
    }

    /// The income by kind, each source rounded down to whole pounds, leaving out the
    /// sources marked in `excluded` (for the limit on credit, TIOPA 2010 s36).
    pub(crate) fn amounts(&self, excluded: &[bool]) -> ForeignAmounts {
        let down = Money::round_down_to_pound;
        let sources = |f: fn(ForeignSourceKind) -> bool| -> Money {
            self.sources
                .iter()
                .enumerate()
                .filter(|(i, s)| f(s.kind) && !excluded.get(*i).copied().unwrap_or(false))
                .map(|(_, s)| down(s.taxable_amount))
                .sum()
        };
        ForeignAmounts {
            other_uk_dividends: down(self.other_uk_dividends),
            other_dividends: self.other_dividends.iter().map(|d| down(d.gross_amount)).sum(),
            foreign_dividends: sources(ForeignSourceKind::is_dividends),
            uk_securities: self.uk_securities.map_or(Money::ZERO, |s| down(s.gross_amount)),
            foreign_savings: sources(|k| k == ForeignSourceKind::Savings),
            other_income_abroad: sources(|k| k == ForeignSourceKind::OtherIncomeReceivedWhilstAbroad),
            benefits_and_gifts: self.benefits_and_gifts.map_or(Money::ZERO, |b| down(b.total())),
            offshore_income_gains: self.offshore_income_gains.map_or(Money::ZERO, down),
        }
    }
}

/// HMRC's `reliefs.foreignTaxCreditRelief`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignTaxCreditRelief {
    /// The taxpayer worked out the relief (no detail), rather than the engine.
    pub customer_calculated: bool,
    /// The relief given: the credits, limited to the tax left (ITA 2007 s29).
    pub total: Money,
    pub details: Vec<ForeignTaxCredit>,
}

impl ForeignTaxCreditRelief {
    /// The credits given on sources of a kind, before the limit to the tax left.
    pub fn on(&self, f: impl Fn(ForeignSourceKind) -> bool) -> Option<Money> {
        let credits: Vec<Money> = self.details.iter().filter(|d| f(d.kind)).map(|d| d.foreign_tax_credit).collect();
        (!credits.is_empty()).then(|| credits.into_iter().sum())
    }
}

/// The credit for one source (TIOPA 2010 s18(2), s36).
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignTaxCredit {
    pub kind: ForeignSourceKind,
    pub country_code: String,
    /// The UK measure of the income (whole pounds).
    pub foreign_income: Money,
    pub foreign_tax: Money,
    /// The UK tax on the income taken as the top slice: the difference it makes to the
    /// tax liability (s36(2)).
    pub uk_liability_on_income: Money,
    /// The lesser of the foreign tax and the UK liability on the income.
    pub foreign_tax_credit: Money,
}

/// Patent royalties paid with tax deducted (HMRC's `royaltyPayments`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoyaltyPayments {
    pub gross_royalty_payments: Money,
    pub rate: Rate,
    /// The basic-rate tax deducted from the payments, charged on the payer.
    pub tax_charged: Money,
}

/// What the calculation shows of this module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignFigures {
    /// The inputs as submitted, for the detail of the calculation object.
    pub inputs: ForeignInputs,
    pub amounts: ForeignAmounts,
    pub foreign_tax_credit_relief: Option<ForeignTaxCreditRelief>,
    pub royalty_payments: Option<RoyaltyPayments>,
}

/// Sources with more claims than this are taken in the order of their rate of foreign
/// tax, highest first, rather than in every order (TIOPA 2010 s36(3)).
const MOST_SOURCES_TRIED_IN_EVERY_ORDER: usize = 6;

/// The sources foreign tax credit relief may be given on: the foreign income of
/// `inputs`, then the foreign property business's income country by country
/// ([`property_sources`]). The calculation marks a source left out by its place here.
pub(crate) fn credit_sources(inputs: &ForeignInputs, property: &[ForeignSource]) -> Vec<ForeignSource> {
    inputs.sources.iter().chain(property).cloned().collect()
}

/// A foreign property business's income as sources of foreign tax credit relief, one a
/// country: the business's profit charged (`taxable_profit`, whole pounds) shared between
/// the countries whose properties made a profit, in proportion to that profit (after the
/// foreign tax deducted where no credit is claimed, TIOPA 2010 s112), each share rounded
/// down to the pound; a country with a loss has no income (docs/differences.md).
pub fn property_sources(property: &crate::inputs::ForeignProperty, taxable_profit: Money) -> Vec<ForeignSource> {
    let weight = |c: &crate::inputs::ForeignPropertyCountry| {
        let deducted = if c.claims_credit { Money::ZERO } else { c.foreign_tax.at_least_zero() };
        (c.profit - deducted).at_least_zero()
    };
    let total: Money = property.countries.iter().map(weight).sum();
    property
        .countries
        .iter()
        .map(|c| {
            let share = if total.is_positive() && taxable_profit.is_positive() {
                Money::new(taxable_profit.amount() * weight(c).amount() / total.amount()).round_down_to_pound()
            } else {
                Money::ZERO
            };
            ForeignSource {
                kind: ForeignSourceKind::Property,
                country_code: c.country_code.clone(),
                amount_before_tax: None,
                foreign_tax: c.foreign_tax.at_least_zero(),
                claims_credit: c.claims_credit,
                taxable_amount: share,
                special_withholding_tax: Money::ZERO,
            }
        })
        .collect()
}

/// Foreign tax credit relief (TIOPA 2010 s18(2)): for each source with a claim, the
/// lesser of the foreign tax and the UK tax on the income, which is the difference
/// between the liability on total income less the sources already relieved and on that
/// less this source too (s36(2), (4)), the sources taken in the order that gives the
/// greatest relief (s36(3)). `liability(excluded)` is the income tax after the other tax
/// reductions and before any credit (s36(5)) with the sources marked left out.
/// The customer's own figure (`customer_calculated`), when claimed, is given instead.
pub(crate) fn foreign_tax_credit_relief(
    customer_calculated: Option<Money>,
    sources: &[ForeignSource],
    liability: impl Fn(&[bool]) -> Money,
) -> Option<ForeignTaxCreditRelief> {
    if let Some(amount) = customer_calculated {
        return Some(ForeignTaxCreditRelief { customer_calculated: true, total: amount, details: Vec::new() });
    }
    let claims: Vec<usize> = sources
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.claims_credit && s.foreign_tax.is_positive() && s.taxable_amount.round_down_to_pound().is_positive()
        })
        .map(|(i, _)| i)
        .collect();
    if claims.is_empty() {
        return None;
    }
    let mut memo: HashMap<Vec<bool>, Money> = HashMap::new();
    let mut liability_without =
        |excluded: &[bool]| -> Money { *memo.entry(excluded.to_vec()).or_insert_with(|| liability(excluded)) };
    let orders: Vec<Vec<usize>> = if claims.len() <= MOST_SOURCES_TRIED_IN_EVERY_ORDER {
        permutations(&claims)
    } else {
        let rate = |i: &usize| {
            let s = &sources[*i];
            s.foreign_tax.amount() / s.taxable_amount.amount()
        };
        let mut by_rate = claims.clone();
        by_rate.sort_by_key(|i| std::cmp::Reverse(rate(i)));
        vec![by_rate]
    };
    let mut best: Option<(Money, Vec<ForeignTaxCredit>)> = None;
    for order in orders {
        let mut excluded = vec![false; sources.len()];
        let mut credits = Vec::new();
        for i in order {
            let before = liability_without(&excluded);
            excluded[i] = true;
            let after = liability_without(&excluded);
            let s = &sources[i];
            let uk_liability_on_income = (before - after).at_least_zero();
            credits.push((
                i,
                ForeignTaxCredit {
                    kind: s.kind,
                    country_code: s.country_code.clone(),
                    foreign_income: s.taxable_amount.round_down_to_pound(),
                    foreign_tax: s.foreign_tax,
                    uk_liability_on_income,
                    foreign_tax_credit: s.foreign_tax.min(uk_liability_on_income),
                },
            ));
        }
        let total: Money = credits.iter().map(|(_, c)| c.foreign_tax_credit).sum();
        if best.as_ref().is_none_or(|(t, _)| total > *t) {
            credits.sort_by_key(|(i, _)| *i);
            best = Some((total, credits.into_iter().map(|(_, c)| c).collect()));
        }
    }
    best.map(|(total, details)| ForeignTaxCreditRelief { customer_calculated: false, total, details })
}

/// Every order of `items`, the given order first.
fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for (n, first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(n);
        for mut tail in permutations(&rest) {
            tail.insert(0, *first);
            out.push(tail);
        }
    }
    out
}

/// The tax charged on patent royalties paid: the basic rate on the gross payments,
/// rounded down to the penny (ITA 2007 s903).
pub(crate) fn royalty_payments(gross: Money, rate: Rate) -> Option<RoyaltyPayments> {
    let gross = gross.round_up_to_pound();
    gross.is_positive().then(|| RoyaltyPayments {
        gross_royalty_payments: gross,
        rate,
        tax_charged: gross.percent(rate).round_down_to_penny(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: i64) -> Money {
        Money::pounds(n)
    }

    fn source(kind: ForeignSourceKind, taxable: i64, tax: i64) -> ForeignSource {
        ForeignSource {
            kind,
            country_code: "USA".into(),
            amount_before_tax: None,
            foreign_tax: m(tax),
            claims_credit: true,
            taxable_amount: m(taxable),
            special_withholding_tax: Money::ZERO,
        }
    }

    #[test]
    fn permutations_start_with_the_given_order() {
        let p = permutations(&[1, 2, 3]);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![1, 2, 3]);
    }

    #[test]
    fn credit_is_the_lesser_of_the_foreign_tax_and_the_uk_tax_on_the_income() {
        // A toy liability: 20% of the income not left out.
        let inputs = ForeignInputs {
            sources: vec![source(ForeignSourceKind::Savings, 1_000, 300), source(ForeignSourceKind::Savings, 500, 50)],
            ..ForeignInputs::default()
        };
        let liability = |excluded: &[bool]| {
            let income: Money =
                inputs.sources.iter().zip(excluded).filter(|(_, e)| !**e).map(|(s, _)| s.taxable_amount).sum();
            income.percent(Rate::percent(20))
        };
        let relief = foreign_tax_credit_relief(None, &inputs.sources, liability).unwrap();
        assert_eq!(relief.details[0].foreign_tax_credit, m(200));
        assert_eq!(relief.details[1].foreign_tax_credit, m(50));
        assert_eq!(relief.total, m(250));
    }

    #[test]
    fn the_customers_own_figure_is_given_instead() {
        let sources = [source(ForeignSourceKind::Property, 1_000, 300)];
        let relief = foreign_tax_credit_relief(Some(m(75)), &sources, |_| unreachable!()).unwrap();
        assert!(relief.customer_calculated);
        assert_eq!(relief.total, m(75));
    }

    fn country(
        code: &str,
        profit: i64,
        foreign_tax: i64,
        claims_credit: bool,
    ) -> crate::inputs::ForeignPropertyCountry {
        crate::inputs::ForeignPropertyCountry {
            country_code: code.into(),
            profit: m(profit),
            foreign_tax: m(foreign_tax),
            claims_credit,
            ..Default::default()
        }
    }

    #[test]
    fn one_countrys_property_income_is_the_whole_profit_charged() {
        let property =
            crate::inputs::ForeignProperty { countries: vec![country("FRA", 8_400, 900, true)], ..Default::default() };
        let sources = property_sources(&property, m(8_400));
        assert_eq!(sources.len(), 1);
        assert_eq!((sources[0].kind, sources[0].country_code.as_str()), (ForeignSourceKind::Property, "FRA"));
        assert_eq!((sources[0].taxable_amount, sources[0].foreign_tax), (m(8_400), m(900)));
        assert_eq!(ForeignSourceKind::Property.hmrc_income_source_type(), "foreign-property");
    }

    #[test]
    fn a_loss_in_one_country_is_shared_by_the_profitable_countries() {
        // France 6,000 and Spain 3,000 of profit, Italy 1,000 of loss: the business's profit
        // is 8,000. France's share 8,000 x 6,000 / 9,000 = 5,333.33, Spain's 8,000 x 3,000 /
        // 9,000 = 2,666.67, each rounded down to the pound; Italy has no income.
        let property = crate::inputs::ForeignProperty {
            countries: vec![
                country("FRA", 6_000, 0, true),
                country("ESP", 3_000, 400, true),
                country("ITA", -1_000, 0, true),
            ],
            ..Default::default()
        };
        let shares: Vec<Money> = property_sources(&property, m(8_000)).iter().map(|s| s.taxable_amount).collect();
        assert_eq!(shares, vec![m(5_333), m(2_666), m(0)]);
    }

    #[test]
    fn foreign_tax_deducted_without_a_claim_lowers_the_countrys_share() {
        // Portugal 5,000 with 1,000 of foreign tax and no claim: 4,000 after the deduction
        // (TIOPA 2010 s112); Greece 4,000 with a claim. Profit charged 8,000: 4,000 each.
        let property = crate::inputs::ForeignProperty {
            countries: vec![country("PRT", 5_000, 1_000, false), country("GRC", 4_000, 500, true)],
            ..Default::default()
        };
        assert_eq!(property.foreign_tax_deducted(), m(1_000));
        let shares: Vec<Money> = property_sources(&property, m(8_000)).iter().map(|s| s.taxable_amount).collect();
        assert_eq!(shares, vec![m(4_000), m(4_000)]);
        // A business in loss has no foreign income at all.
        assert!(property_sources(&property, m(0)).iter().all(|s| s.taxable_amount.is_zero()));
    }
}
