//! Capital gains tax of an individual (TCGA 1992), worked as HMRC's Self Assessment
//! calculation shows it: gains in three groups (Business Asset Disposal Relief and
//! Investors' Relief; residential property; other gains), each less its share of the
//! year's losses, the losses brought forward and the annual exempt amount, then taxed at
//! the lower rate within the basic rate band left unused by taxable income and at the
//! higher rate above it.
//!
//! - This year's allowable losses are set against this year's gains as far as they go
//!   (s2(2)(a)); losses brought forward only so far as the gains left exceed the annual
//!   exempt amount (s2(2)(b), s2A); the exempt amount then covers what it can (s1K).
//! - Losses and the exempt amount may be set against the groups in the way that gives
//!   the least tax (s4B); every order of the groups is tried, the first listed
//!   (residential, other, relief) kept when several give the same tax.
//! - Gains charged at the relief rate are the lowest part of the gains: they use the
//!   unused basic rate band first (s169N(5)). What is left of the band goes to the
//!   residential or the other gains, whichever saves more tax (s1I: the individual may
//!   use any of the gains in it); residential gains first when both save the same
//!   (docs/differences.md).
//! - The basic rate band is the UK one in every regime, extended for Gift Aid and
//!   relief-at-source pension contributions as for income tax.
//!
//! Gains are whole pounds, rounded down; losses are rounded up; tax in each band is
//! truncated to the penny (docs/rounding.md).

use itsa_rules::{Money, Rate, YearRules};

use crate::bands::tax_on;
use crate::inputs::CapitalGains;

/// Tax on capital gains: HMRC's `taxCalculation.capitalGainsTax`.
#[derive(Debug, Clone, PartialEq)]
pub struct CapitalGainsTax {
    /// All gains before losses, attributed gains included.
    pub total_capital_gains_income: Money,
    /// The annual exempt amount used (at most the year's amount).
    pub annual_exemption_amount: Money,
    pub total_taxable_gains: Money,
    pub business_assets_disposals_and_investors_rel: Option<GainsGroup>,
    pub residential_property_and_carried_interest: Option<GainsGroup>,
    pub other_gains: Option<GainsGroup>,
    pub capital_gains_tax_amount: Money,
    /// Adjustments as the taxpayer gives them: from 2025-26 they increase the tax; to
    /// 2024-25 they may also reduce it, never below nil.
    pub adjustments: Money,
    pub adjusted_capital_gains_tax: Money,
    pub foreign_tax_credit_relief: Money,
    pub capital_gains_tax_after_ftcr: Money,
    /// Tax paid through the Real Time Transactions service.
    pub tax_on_gains_already_paid: Money,
    pub capital_gains_tax_due: Money,
    pub capital_gains_overpaid: Money,
    /// This year's losses not set against this year's gains, to carry forward.
    pub losses_carried_forward: Money,
}

/// One group of gains and its tax.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GainsGroup {
    /// Gains before losses (for other gains, without the attributed gains).
    pub gains_income: Money,
    pub losses_brought_forward: Money,
    pub losses_arising_this_year: Money,
    pub gains_after_losses: Money,
    /// Gains attributed from trusts, against which no personal losses are set (other
    /// gains only).
    pub attributed_gains: Money,
    /// Gains after losses plus attributed gains (other gains only).
    pub net_gains: Money,
    pub annual_exemption_amount: Money,
    pub taxable_gains: Money,
    /// The lower rate and higher rate slices; for relief gains one band at the relief rate.
    pub bands: Vec<CgtBand>,
    pub total_tax_amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CgtBand {
    pub name: CgtBandName,
    pub rate: Rate,
    pub income: Money,
    pub tax_amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgtBandName {
    LowerRate,
    HigherRate,
}

impl CgtBandName {
    /// HMRC's name in `cgtTaxBands[].name`.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            CgtBandName::LowerRate => "lower-rate",
            CgtBandName::HigherRate => "higher-rate",
        }
    }
}

/// The groups, in the order the exempt amount and losses are tried first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Residential = 0,
    Other = 1,
    Relief = 2,
}

const ORDERS: [[Group; 3]; 6] = {
    use Group::*;
    [
        [Residential, Other, Relief],
        [Residential, Relief, Other],
        [Other, Residential, Relief],
        [Other, Relief, Residential],
        [Relief, Residential, Other],
        [Relief, Other, Residential],
    ]
};

/// The deductions set against each group: (this year's losses, losses brought forward,
/// exempt amount), by group.
type Allocation = [[Money; 3]; 3];

/// Capital gains tax for the year, given the taxable income (ITA 2007 s23 step 3) and the
/// band extension for Gift Aid and pension contributions.
pub(crate) fn capital_gains_tax(
    rules: &YearRules,
    g: &CapitalGains,
    taxable_income: Money,
    extension: Money,
) -> CapitalGainsTax {
    let down = Money::round_down_to_pound;
    // Gains by group; attributed gains take no personal losses (other gains only).
    let gains = [down(g.residential_gains), down(g.other_gains), down(g.relief_gains)];
    let attributed = down(g.attributed_gains);
    let losses_gains: Money = gains.iter().copied().sum();
    let all_gains = losses_gains + attributed;

    let losses_of_year = g.losses_of_year.round_up_to_pound();
    let used_this_year = losses_of_year.min(losses_gains);
    // Losses brought forward only down to the exempt amount (s2(2)(b), s2A).
    let aea = rules.cgt_annual_exempt_amount;
    let brought_forward = g
        .losses_brought_forward
        .round_up_to_pound()
        .min(losses_gains - used_this_year)
        .min((all_gains - used_this_year).saturating_sub(aea));
    let aea_used = aea.min(all_gains - used_this_year - brought_forward);

    let unused_band = (rules.basic_rate_limit + extension).saturating_sub(taxable_income);
    let mut best: Option<(Money, [GainsGroup; 3])> = None;
    for order in &ORDERS {
        let allocation = allocate(order, gains, attributed, [used_this_year, brought_forward, aea_used]);
        let groups = tax_groups(rules, gains, attributed, &allocation, unused_band);
        let tax: Money = groups.iter().map(|g| g.total_tax_amount).sum();
        if best.as_ref().is_none_or(|(least, _)| tax < *least) {
            best = Some((tax, groups));
        }
    }
    let (capital_gains_tax_amount, [residential, other, relief]) = best.expect("six orders tried");

    let adjustments = g.adjustments;
    let adjusted_capital_gains_tax = (capital_gains_tax_amount + adjustments).at_least_zero();
    let foreign_tax_credit_relief = Money::ZERO;
    let capital_gains_tax_after_ftcr = adjusted_capital_gains_tax - foreign_tax_credit_relief;
    let paid = g.tax_already_paid.at_least_zero();
    let total_taxable_gains = residential.taxable_gains + other.taxable_gains + relief.taxable_gains;
    let present = |group: GainsGroup, any: bool| any.then_some(group);
    CapitalGainsTax {
        total_capital_gains_income: all_gains,
        annual_exemption_amount: aea_used,
        total_taxable_gains,
        business_assets_disposals_and_investors_rel: present(relief, gains[Group::Relief as usize].is_positive()),
        residential_property_and_carried_interest: present(
            residential,
            gains[Group::Residential as usize].is_positive(),
        ),
        other_gains: present(other, gains[Group::Other as usize].is_positive() || attributed.is_positive()),
        capital_gains_tax_amount,
        adjustments,
        adjusted_capital_gains_tax,
        foreign_tax_credit_relief,
        capital_gains_tax_after_ftcr,
        tax_on_gains_already_paid: paid,
        capital_gains_tax_due: capital_gains_tax_after_ftcr.saturating_sub(paid),
        capital_gains_overpaid: paid.saturating_sub(capital_gains_tax_after_ftcr),
        losses_carried_forward: losses_of_year - used_this_year,
    }
}

/// Share loss relief (ITA 2007 s131): the losses on shares claimed against general income,
/// after any trade losses set sideways, as far as the income left goes and within what
/// those losses leave of the cap on income tax reliefs (s24A: the greater of the minimum
/// and 25% of adjusted total income), rounded up to the pound as losses are.
pub(crate) fn share_loss_relief(
    rules: &YearRules,
    g: &CapitalGains,
    total_income: Money,
    adjusted_total_income: Money,
    trade_losses: Money,
) -> Money {
    let cap = rules
        .income_tax_relief_cap_minimum
        .max(adjusted_total_income.percent(rules.income_tax_relief_cap_percent).round_down_to_pound());
    g.share_losses_against_income
        .round_up_to_pound()
        .min(total_income.saturating_sub(trade_losses))
        .min(cap.saturating_sub(trade_losses))
}

/// Each kind of deduction (this year's losses, then losses brought forward, then the
/// exempt amount) set against the groups in `order`, each group as far as it goes.
/// Losses are not set against attributed gains; the exempt amount is.
fn allocate(order: &[Group; 3], gains: [Money; 3], attributed: Money, amounts: [Money; 3]) -> Allocation {
    let mut left = gains;
    let mut allocation = [[Money::ZERO; 3]; 3];
    for (kind, amount) in amounts.into_iter().enumerate() {
        let mut amount = amount;
        if kind == 2 {
            left[Group::Other as usize] += attributed;
        }
        for group in order {
            let i = *group as usize;
            let used = amount.min(left[i]);
            allocation[i][kind] = used;
            left[i] -= used;
            amount -= used;
        }
    }
    allocation
}

/// The groups' figures and tax for one allocation of the deductions. Relief gains use the
/// unused basic rate band first (s169N(5)); what is left goes first to the residential or
/// the other gains, whichever saves more a pound in it (the higher rate less the lower),
/// residential gains when both save the same (s1I). Gains are whole pounds and the rates
/// whole percentages, so taking the band greedily this way gives the least tax.
fn tax_groups(
    rules: &YearRules,
    gains: [Money; 3],
    attributed: Money,
    allocation: &Allocation,
    unused_band: Money,
) -> [GainsGroup; 3] {
    let group = |i: usize, attributed: Money| {
        let [this_year, brought_forward, aea] = allocation[i];
        let gains_after_losses = gains[i] - this_year - brought_forward;
        let net_gains = gains_after_losses + attributed;
        GainsGroup {
            gains_income: gains[i],
            losses_brought_forward: brought_forward,
            losses_arising_this_year: this_year,
            gains_after_losses,
            attributed_gains: attributed,
            net_gains,
            annual_exemption_amount: aea,
            taxable_gains: net_gains - aea,
            bands: Vec::new(),
            total_tax_amount: Money::ZERO,
        }
    };
    let mut relief = group(Group::Relief as usize, Money::ZERO);
    let mut residential = group(Group::Residential as usize, Money::ZERO);
    let mut other = group(Group::Other as usize, attributed);

    let rate = rules.cgt_business_asset_disposal_relief_rate;
    let band = CgtBand {
        name: CgtBandName::LowerRate,
        rate,
        income: relief.taxable_gains,
        tax_amount: tax_on(relief.taxable_gains, rate),
    };
    relief.total_tax_amount = band.tax_amount;
    relief.bands = vec![band];
    let mut band_left = unused_band.saturating_sub(relief.taxable_gains);
    let mut in_band_order = [
        (&mut residential, rules.cgt_residential_lower_rate, rules.cgt_residential_higher_rate),
        (&mut other, rules.cgt_lower_rate, rules.cgt_higher_rate),
    ];
    let saving = |lower: Rate, higher: Rate| higher.as_percent() - lower.as_percent();
    if saving(rules.cgt_lower_rate, rules.cgt_higher_rate)
        > saving(rules.cgt_residential_lower_rate, rules.cgt_residential_higher_rate)
    {
        in_band_order.reverse();
    }
    for (g, lower, higher) in in_band_order {
        let in_band = g.taxable_gains.min(band_left);
        band_left -= in_band;
        for (name, rate, income) in
            [(CgtBandName::LowerRate, lower, in_band), (CgtBandName::HigherRate, higher, g.taxable_gains - in_band)]
        {
            if income.is_positive() {
                g.bands.push(CgtBand { name, rate, income, tax_amount: tax_on(income, rate) });
            }
        }
        g.total_tax_amount = g.bands.iter().map(|b| b.tax_amount).sum();
    }
    [residential, other, relief]
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Regime, Rules, TaxYear};

    fn rules(year: u16) -> &'static YearRules {
        Rules::for_year(TaxYear::starting(year), Regime::RestOfUk).unwrap()
    }

    fn pounds(n: i64) -> Money {
        Money::pounds(n)
    }

    #[test]
    fn relief_gains_use_the_band_first_and_the_exempt_amount_goes_where_it_saves_most() {
        // 2025-26: taxable income 30,000 leaves 7,700 of the basic rate band. Relief gains
        // 5,000 at 14% use 5,000 of it; other gains 20,000 less the exempt amount 3,000 =
        // 17,000: 2,700 at 18%, 14,300 at 24%.
        let g = CapitalGains { other_gains: pounds(20_000), relief_gains: pounds(5_000), ..Default::default() };
        let t = capital_gains_tax(rules(2025), &g, pounds(30_000), Money::ZERO);
        let relief = t.business_assets_disposals_and_investors_rel.as_ref().unwrap();
        assert_eq!(relief.taxable_gains, pounds(5_000));
        assert_eq!(relief.total_tax_amount, pounds(700));
        let other = t.other_gains.as_ref().unwrap();
        assert_eq!(other.annual_exemption_amount, pounds(3_000));
        assert_eq!(other.bands[0].income, pounds(2_700));
        assert_eq!(other.bands[1].income, pounds(14_300));
        assert_eq!(t.capital_gains_tax_amount, pounds(4_618));
        assert_eq!(t.capital_gains_tax_due, t.capital_gains_tax_amount);
    }

    #[test]
    fn losses_brought_forward_stop_at_the_exempt_amount() {
        // Gains 10,000, this year's losses 4,000, 10,000 brought forward: only 3,000 of
        // them are used, leaving 3,000 for the exempt amount and nothing taxable.
        let g = CapitalGains {
            other_gains: pounds(10_000),
            losses_of_year: pounds(4_000),
            losses_brought_forward: pounds(10_000),
            ..Default::default()
        };
        let t = capital_gains_tax(rules(2026), &g, pounds(50_000), Money::ZERO);
        let other = t.other_gains.unwrap();
        assert_eq!(other.losses_arising_this_year, pounds(4_000));
        assert_eq!(other.losses_brought_forward, pounds(3_000));
        assert_eq!(other.annual_exemption_amount, pounds(3_000));
        assert_eq!(t.total_taxable_gains, Money::ZERO);
        assert_eq!(t.capital_gains_tax_due, Money::ZERO);
    }

    #[test]
    fn the_band_goes_to_the_gains_it_saves_most_on() {
        // 2024-25: taxable income 32,700 leaves 5,000 of the band. Residential gains save 6
        // points in it (18% against 24%), other gains 10 (10% against 20%), so the other
        // gains take it. Residential 13,000 less the exempt amount 3,000 (which saves more
        // there, at 24%, than on other gains at 20%) = 10,000 x 24% = 2,400.00; other
        // gains 6,000: 5,000 x 10% = 500.00 + 1,000 x 20% = 200.00.
        let g = CapitalGains { residential_gains: pounds(13_000), other_gains: pounds(6_000), ..Default::default() };
        let t = capital_gains_tax(rules(2024), &g, pounds(32_700), Money::ZERO);
        let residential = t.residential_property_and_carried_interest.as_ref().unwrap();
        assert_eq!(residential.annual_exemption_amount, pounds(3_000));
        assert_eq!(residential.bands.len(), 1);
        assert_eq!(residential.bands[0].rate, Rate::percent(24));
        assert_eq!(residential.total_tax_amount, pounds(2_400));
        let other = t.other_gains.as_ref().unwrap();
        assert_eq!(other.bands[0].income, pounds(5_000));
        assert_eq!(other.bands[0].rate, Rate::percent(10));
        assert_eq!(other.bands[1].rate, Rate::percent(20));
        assert_eq!(t.capital_gains_tax_amount, pounds(3_100));
        // 2023-24: both save 10 points; residential gains keep the band. Exempt amount
        // 6,000 against residential: 7,000: 5,000 x 18% = 900.00 + 2,000 x 28% = 560.00;
        // other gains 6,000 x 20% = 1,200.00.
        let t = capital_gains_tax(rules(2023), &g, pounds(32_700), Money::ZERO);
        let residential = t.residential_property_and_carried_interest.as_ref().unwrap();
        assert_eq!(residential.bands[0].income, pounds(5_000));
        assert_eq!(residential.total_tax_amount, pounds(1_460));
        assert_eq!(t.capital_gains_tax_amount, pounds(2_660));
    }

    #[test]
    fn an_adjustment_may_reduce_the_tax_but_not_below_nil() {
        let g = CapitalGains { other_gains: pounds(4_000), adjustments: pounds(-150), ..Default::default() };
        // 2024-25: 1,000 taxable x 20% = 200.00, less 150.00.
        let t = capital_gains_tax(rules(2024), &g, pounds(60_000), Money::ZERO);
        assert_eq!(t.capital_gains_tax_amount, pounds(200));
        assert_eq!(t.adjusted_capital_gains_tax, pounds(50));
        let g = CapitalGains { adjustments: pounds(-500), ..g };
        let t = capital_gains_tax(rules(2024), &g, pounds(60_000), Money::ZERO);
        assert_eq!(t.adjustments, pounds(-500));
        assert_eq!(t.adjusted_capital_gains_tax, Money::ZERO);
        assert_eq!(t.capital_gains_tax_due, Money::ZERO);
    }

    #[test]
    fn tax_paid_beyond_the_tax_is_overpaid() {
        let g = CapitalGains { residential_gains: pounds(4_000), tax_already_paid: pounds(500), ..Default::default() };
        let t = capital_gains_tax(rules(2025), &g, pounds(10_000), Money::ZERO);
        // 1,000 taxable at 18% = 180; 500 paid.
        assert_eq!(t.capital_gains_tax_amount, pounds(180));
        assert_eq!(t.capital_gains_tax_due, Money::ZERO);
        assert_eq!(t.capital_gains_overpaid, pounds(320));
    }
}
