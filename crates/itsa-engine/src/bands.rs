//! Allocating taxable income to rate bands (ITA 2007 s10-16).
//!
//! Income is stacked in HMRC's order: non-savings first, then savings, then dividends
//! (ITA 2007 s16). Non-savings income uses the taxpayer's regime's bands; savings and
//! dividends always sit in the UK bands, stacked on top of the taxable non-savings income
//! (ITA 2007 s16(1)(za) for Scottish taxpayers).

use itsa_rules::{Money, Rate, Regime, YearRules};

use crate::calculation::{BandName, TaxBand};

/// One band: its name, rate, statutory upper limit and the limit after extensions
/// (`None` for the top band, which has no upper limit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BandSpec {
    pub name: BandName,
    pub rate: Rate,
    pub limit: Option<Money>,
    pub extended_limit: Option<Money>,
    /// Where the band starts (the previous band's extended limit), for the top band's `bandLimit`.
    pub threshold: Money,
}

/// Where in the UK bands a slice of savings or dividends sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UkPosition {
    Basic,
    Higher,
    Additional,
}

/// The UK basic and higher rate limits, extended for Gift Aid and pension contributions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UkLimits {
    pub basic: Money,
    pub basic_extended: Money,
    pub higher: Money,
    pub higher_extended: Money,
}

impl UkLimits {
    pub(crate) fn new(rules: &YearRules, extension: Money) -> Self {
        UkLimits {
            basic: rules.basic_rate_limit,
            basic_extended: rules.basic_rate_limit + extension,
            higher: rules.higher_rate_limit,
            higher_extended: rules.higher_rate_limit + extension,
        }
    }

    /// Where income reaching up to `top` (taxable income) ends.
    pub(crate) fn position_of(&self, top: Money) -> UkPosition {
        if top > self.higher_extended {
            UkPosition::Additional
        } else if top > self.basic_extended {
            UkPosition::Higher
        } else {
            UkPosition::Basic
        }
    }

    /// Split the slice `[start, start + amount)` across the three UK positions.
    fn split(&self, start: Money, amount: Money) -> [(UkPosition, Money); 3] {
        let end = start + amount;
        let part = |lo: Money, hi: Option<Money>| {
            let from = start.max(lo);
            let to = hi.map_or(end, |h| end.min(h));
            to.saturating_sub(from)
        };
        // A position the slice starts above or ends below holds none of it (the limits are
        // in order and not negative): nil, as `part` would give, without working it out.
        // Most slices sit in one position.
        let (basic, higher) = (self.basic_extended, self.higher_extended);
        [
            (UkPosition::Basic, if start >= basic { Money::ZERO } else { part(Money::ZERO, Some(basic)) }),
            (UkPosition::Higher, if end <= basic || start >= higher { Money::ZERO } else { part(basic, Some(higher)) }),
            (UkPosition::Additional, if end <= higher { Money::ZERO } else { part(higher, None) }),
        ]
    }

    fn limits_for(&self, position: UkPosition) -> (Money, Money) {
        match position {
            UkPosition::Basic => (self.basic, self.basic_extended),
            UkPosition::Higher => (self.higher, self.higher_extended),
            // The top band has no upper limit: HMRC shows the threshold it starts at.
            UkPosition::Additional => (self.higher, self.higher_extended),
        }
    }
}

/// The non-savings bands for the taxpayer's regime. `extension` moves every limit from
/// the basic rate limit upwards; the Scottish starter limit does not move (ITA 2007
/// s414(2)(b) for Gift Aid; FA 2004 s192(4A) for pension contributions).
pub(crate) fn non_savings_bands(rules: &YearRules, extension: Money) -> Vec<BandSpec> {
    let mut bands = Vec::with_capacity(6);
    let mut push = |name: BandName, rate: Rate, limit: Option<Money>, extends: bool| {
        let threshold = bands.last().and_then(|b: &BandSpec| b.extended_limit).unwrap_or(Money::ZERO);
        let extended_limit = limit.map(|l| if extends { l + extension } else { l });
        bands.push(BandSpec { name, rate, limit, extended_limit, threshold });
    };
    match rules.regime {
        Regime::RestOfUk | Regime::Wales => {
            push(BandName::BasicRate, rules.basic_rate, Some(rules.basic_rate_limit), true);
            push(BandName::HigherRate, rules.higher_rate, Some(rules.higher_rate_limit), true);
            push(BandName::AdditionalRate, rules.additional_rate, None, true);
        }
        Regime::Scotland => {
            let pair = |limit: Option<Money>, rate: Option<Rate>| limit.zip(rate);
            if let Some((limit, rate)) = pair(rules.scottish_starter_limit, rules.scottish_starter_rate) {
                push(BandName::StarterRate, rate, Some(limit), false);
            }
            if let Some((limit, rate)) = pair(rules.scottish_basic_limit, rules.scottish_basic_rate) {
                push(BandName::BasicRate, rate, Some(limit), true);
            }
            if let Some((limit, rate)) = pair(rules.scottish_intermediate_limit, rules.scottish_intermediate_rate) {
                push(BandName::IntermediateRate, rate, Some(limit), true);
            }
            if let Some((limit, rate)) = pair(rules.scottish_higher_limit, rules.scottish_higher_rate) {
                push(BandName::HigherRate, rate, Some(limit), true);
            }
            if let Some((limit, rate)) = pair(rules.scottish_advanced_limit, rules.scottish_advanced_rate) {
                push(BandName::AdvancedRate, rate, Some(limit), true);
            }
            if let Some(rate) = rules.scottish_top_rate {
                push(BandName::AdditionalRate, rate, None, true);
            }
        }
    }
    bands
}

/// Tax on one slice of income in one band: truncated to the penny (see docs/rounding.md).
pub(crate) fn tax_on(income: Money, rate: Rate) -> Money {
    income.percent(rate).round_down_to_penny()
}

/// Where banding puts the bands it allocates: a list, for the calculation, or a
/// [`TaxTally`], where all that is wanted of an allocation is the tax it charges.
pub(crate) trait BandSink {
    fn push(&mut self, band: TaxBand);
}

impl BandSink for Vec<TaxBand> {
    #[inline]
    fn push(&mut self, band: TaxBand) {
        Vec::push(self, band);
    }
}

/// What a list of bands adds up to, without the list: the tax on them, and the income in
/// nil-rate bands other than the savings starting rate (the part of the personal savings
/// allowance used). Each is added up band by band in the order the bands are allocated,
/// from nil, as the list's totals are, so that both are the same amounts to the last
/// place.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TaxTally {
    pub tax: Money,
    pub nil_rate_income: Money,
}

impl BandSink for TaxTally {
    #[inline]
    fn push(&mut self, band: TaxBand) {
        self.tax += band.tax_amount;
        if is_nil_rate_allowance(&band) {
            self.nil_rate_income += band.income;
        }
    }
}

/// Whether a band is one of a nil-rate allowance: at a rate of nil, but not the savings
/// starting rate.
#[inline]
pub(crate) fn is_nil_rate_allowance(band: &TaxBand) -> bool {
    band.rate.as_percent().is_zero() && band.name != BandName::SavingsStarterRate
}

/// Tax non-savings income (which starts at zero) in the regime's bands.
pub(crate) fn allocate_non_savings(taxable: Money, bands: &[BandSpec]) -> Vec<TaxBand> {
    // No income, no bands (and nothing to allocate).
    if !taxable.is_positive() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(bands.len());
    allocate_non_savings_into(taxable, bands, &mut out);
    out
}

/// [`allocate_non_savings`], the bands put into `out`.
pub(crate) fn allocate_non_savings_into(taxable: Money, bands: &[BandSpec], out: &mut impl BandSink) {
    if !taxable.is_positive() {
        return;
    }
    let mut lower = Money::ZERO;
    for band in bands {
        if taxable <= lower {
            break;
        }
        let upper = band.extended_limit.map_or(taxable, |l| taxable.min(l));
        let income = upper.saturating_sub(lower);
        if income.is_positive() {
            out.push(TaxBand {
                name: band.name,
                rate: band.rate,
                band_limit: band.limit.unwrap_or(band.threshold),
                apportioned_band_limit: band.extended_limit.unwrap_or(band.threshold),
                income,
                tax_amount: tax_on(income, band.rate),
            });
        }
        if let Some(limit) = band.extended_limit {
            lower = lower.max(limit);
        }
    }
}

/// The rates for savings or dividends income by position in the UK bands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PositionRates {
    pub basic: Rate,
    pub higher: Rate,
    pub additional: Rate,
}

impl PositionRates {
    fn rate(&self, position: UkPosition) -> Rate {
        match position {
            UkPosition::Basic => self.basic,
            UkPosition::Higher => self.higher,
            UkPosition::Additional => self.additional,
        }
    }
}

fn charged_name(position: UkPosition) -> BandName {
    match position {
        UkPosition::Basic => BandName::BasicRate,
        UkPosition::Higher => BandName::HigherRate,
        UkPosition::Additional => BandName::AdditionalRate,
    }
}

fn nil_rate_name(position: UkPosition) -> BandName {
    match position {
        UkPosition::Basic => BandName::AllowanceAwardedAtBasicRate,
        UkPosition::Higher => BandName::AllowanceAwardedAtHigherRate,
        UkPosition::Additional => BandName::AllowanceAwardedAtAdditionalRate,
    }
}

/// Savings or dividend income stacked on top of `start`: first any amount at a starting
/// rate (savings only), then a nil-rate allowance (personal savings allowance or dividend
/// allowance), both of which use up band space, then the rest at the rates for its place
/// in the UK bands.
pub(crate) struct StackedIncome {
    pub start: Money,
    pub amount: Money,
    /// (band limit, rate, amount available) for the savings starting rate.
    pub starting_rate: Option<(Money, Rate, Money)>,
    pub nil_rate_allowance: Money,
    pub rates: PositionRates,
}

/// Stack `income` in the UK bands, the bands put into `out`.
pub(crate) fn allocate_stacked_into(income: &StackedIncome, limits: &UkLimits, out: &mut impl BandSink) {
    let mut position = income.start;
    let mut remaining = income.amount;

    if let Some((limit, rate, available)) = income.starting_rate {
        let used = remaining.min(available);
        if used.is_positive() {
            out.push(TaxBand {
                name: BandName::SavingsStarterRate,
                rate,
                band_limit: limit,
                apportioned_band_limit: limit,
                income: used,
                tax_amount: tax_on(used, rate),
            });
            position += used;
            remaining -= used;
        }
    }

    let nil = remaining.min(income.nil_rate_allowance);
    if nil.is_positive() {
        for (pos, part) in limits.split(position, nil) {
            if part.is_positive() {
                out.push(TaxBand {
                    name: nil_rate_name(pos),
                    rate: Rate::ZERO,
                    band_limit: income.nil_rate_allowance,
                    apportioned_band_limit: income.nil_rate_allowance,
                    income: part,
                    tax_amount: Money::ZERO,
                });
            }
        }
        position += nil;
        remaining -= nil;
    }

    if remaining.is_positive() {
        for (pos, part) in limits.split(position, remaining) {
            if part.is_positive() {
                let rate = income.rates.rate(pos);
                let (band_limit, apportioned_band_limit) = limits.limits_for(pos);
                out.push(TaxBand {
                    name: charged_name(pos),
                    rate,
                    band_limit,
                    apportioned_band_limit,
                    income: part,
                    tax_amount: tax_on(part, rate),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Rules, TaxYear};

    fn rules(year: u16, regime: Regime) -> &'static YearRules {
        Rules::for_year(TaxYear::starting(year), regime).unwrap()
    }

    #[test]
    fn scottish_starter_limit_does_not_move_with_gift_aid() {
        let bands = non_savings_bands(rules(2024, Regime::Scotland), Money::pounds(1250));
        assert_eq!(bands[0].extended_limit, Some(Money::pounds(2306)));
        assert_eq!(bands[1].extended_limit, Some(Money::pounds(15241)));
        assert_eq!(bands[2].extended_limit, Some(Money::pounds(32342)));
    }

    #[test]
    fn non_savings_fills_bands_in_order() {
        let r = rules(2023, Regime::RestOfUk);
        let bands = allocate_non_savings(Money::pounds(200_000), &non_savings_bands(r, Money::ZERO));
        let incomes: Vec<_> = bands.iter().map(|b| (b.name, b.income)).collect();
        assert_eq!(
            incomes,
            vec![
                (BandName::BasicRate, Money::pounds(37_700)),
                (BandName::HigherRate, Money::pounds(87_440)),
                (BandName::AdditionalRate, Money::pounds(74_860)),
            ]
        );
    }

    #[test]
    fn a_nil_rate_allowance_can_straddle_two_bands() {
        let limits = UkLimits::new(rules(2024, Regime::Scotland), Money::ZERO);
        let stacked = StackedIncome {
            start: Money::pounds(37_430),
            amount: Money::pounds(2_000),
            starting_rate: None,
            nil_rate_allowance: Money::pounds(500),
            rates: PositionRates { basic: Rate::percent(20), higher: Rate::percent(40), additional: Rate::percent(45) },
        };
        let mut bands = Vec::new();
        allocate_stacked_into(&stacked, &limits, &mut bands);
        let got: Vec<_> = bands.iter().map(|b| (b.name, b.income, b.tax_amount)).collect();
        assert_eq!(
            got,
            vec![
                (BandName::AllowanceAwardedAtBasicRate, Money::pounds(270), Money::ZERO),
                (BandName::AllowanceAwardedAtHigherRate, Money::pounds(230), Money::ZERO),
                (BandName::HigherRate, Money::pounds(1_500), Money::pounds(600)),
            ]
        );
    }
}
