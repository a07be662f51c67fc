//! The calculation, step by step in HMRC's order (ITA 2007 s23, then charges, National
//! Insurance, student loans and tax deducted). Each step is a function below whose name
//! says what it works out.

use itsa_rules::{Money, Rate, Regime, YearRules};

use crate::bands::{self, PositionRates, StackedIncome, UkLimits};
use crate::calculation::*;
use crate::charges;
use crate::inputs::{AllowanceOrder, Inputs, MarriageAllowance};
use crate::losses;
use crate::messages::{Messages, ids};
use crate::nics;
use crate::student_loans::{self, LoanIncome};

/// Income by source after losses, in whole pounds.
#[derive(Clone)]
struct Incomes {
    employment_pay: Money,
    benefits_in_kind: Money,
    /// Tips, share scheme income and lump sums less employment expenses and payroll giving.
    employment_other: Money,
    /// Termination payments over the threshold, the highest part of income (ITEPA 2003 s404A).
    termination: Money,
    employment: crate::employment::EmploymentFigures,
    /// Pensions less any payroll giving deducted from them.
    pensions: Money,
    state_pension: Money,
    state_benefits: Money,
    other: Money,
    trading_profits: Money,
    property_profits: Money,
    foreign_property_profits: Money,
    savings: Money,
    uk_dividends: Money,
    dividends: Money,
    /// Gains on life policies (savings income charged as the top slice, ITA 2007 s1012).
    gains: Money,
    /// Dividends, savings and non-savings income of `crate::foreign` (in the totals above
    /// except the non-savings, which `non_savings` adds).
    foreign: crate::foreign::ForeignAmounts,
    businesses: Vec<BusinessProfitAndLoss>,
    property: Option<PropertyIncome>,
    foreign_property: Option<PropertyIncome>,
}

/// A property business's residential finance costs and the profits that limit their relief.
#[derive(Clone)]
struct PropertyIncome {
    costs: FinanceCostsIn,
    taxable_profit: Money,
    /// A foreign property business's costs country by country.
    countries: Vec<(String, FinanceCostsIn)>,
}

/// The residential finance costs of a property business, or of a foreign property
/// business's properties in one country: this year's, the part of them still deducted
/// from rents (before 2020-21, ITTOIA 2005 s272A), and those brought forward unrelieved.
#[derive(Clone, Copy, Default)]
struct FinanceCostsIn {
    claimed: Money,
    deducted: Money,
    brought_forward: Money,
}

impl FinanceCostsIn {
    fn new(rules: &YearRules, claimed: Money, brought_forward: Money) -> Self {
        let claimed = claimed.at_least_zero();
        FinanceCostsIn {
            claimed,
            deducted: claimed.percent(rules.residential_finance_costs_deductible).round_up_to_pound(),
            brought_forward: brought_forward.at_least_zero(),
        }
    }

    fn any(&self) -> bool {
        (self.claimed + self.brought_forward).is_positive()
    }

    /// The costs not deducted from rents plus the costs brought forward: the relievable
    /// amount (ITTOIA 2005 s274A).
    fn allowable_amount(&self) -> Money {
        self.claimed - self.deducted + self.brought_forward
    }
}

impl std::iter::Sum for FinanceCostsIn {
    fn sum<I: Iterator<Item = FinanceCostsIn>>(costs: I) -> Self {
        costs.fold(FinanceCostsIn::default(), |a, b| FinanceCostsIn {
            claimed: a.claimed + b.claimed,
            deducted: a.deducted + b.deducted,
            brought_forward: a.brought_forward + b.brought_forward,
        })
    }
}

impl Incomes {
    /// Relevant UK earnings (FA 2004 s189(2)): employment income, benefits in kind included,
    /// and the profits of trades.
    fn relevant_uk_earnings(&self) -> Money {
        self.employment_pay
            + self.benefits_in_kind
            + self.employment_other
            + self.termination
            + self.trading_profits.at_least_zero()
    }

    fn non_savings(&self) -> Money {
        self.employment_pay
            + self.benefits_in_kind
            + self.employment_other
            + self.pensions
            + self.state_pension
            + self.state_benefits
            + self.other
            + self.trading_profits
            + self.property_profits
            + self.foreign_property_profits
            + self.foreign.non_savings()
    }

    /// The total income, its non-savings part (`non_savings`) worked out already.
    fn total_with(&self, non_savings: Money) -> Money {
        non_savings + self.savings + self.dividends + self.gains + self.termination
    }
}

/// Step 1: income from each source, rounded down to whole pounds, with losses brought
/// forward set against profits of the same source (ITA 2007 s83 trading, s118 property).
/// The foreign sources marked in `excluded` are left out (TIOPA 2010 s36).
fn incomes(rules: &YearRules, inputs: &Inputs, excluded: &[bool]) -> Incomes {
    let down = Money::round_down_to_pound;
    let employment_pay = inputs.employments.iter().map(|e| down(e.pay)).sum();
    let benefits_in_kind = inputs.employments.iter().map(|e| down(e.benefits_in_kind)).sum();

    let mut businesses: Vec<BusinessProfitAndLoss> = inputs
        .self_employments
        .iter()
        .map(|se| {
            let mut record = profit_and_loss(
                se.business_id.clone(),
                IncomeSourceType::SelfEmployment,
                down(se.adjusted_profit),
                se.losses_brought_forward,
            );
            record.accounts = se.extras.accounts.clone();
            record.transition = losses::trade_transition(&se.extras, &mut record);
            record
        })
        .collect();
    let trading_profits =
        businesses.iter().map(|b| b.taxable_profit + b.transition.map_or(Money::ZERO, |t| t.after_losses)).sum();

    // Each property business's record goes straight into the list (a record is large, and
    // most taxpayers have no property business to move one for).
    let property = inputs.uk_property.as_ref().map(|p| {
        let (income, record) = property_income(rules, p);
        businesses.push(record);
        income
    });
    // The countries of the foreign property business marked left out (TIOPA 2010 s36)
    // take their share of its profit with them; they follow the other foreign sources.
    let foreign_property = inputs.foreign_property.as_ref().map(|p| {
        let (mut income, record, sources) = foreign_property_income(rules, p);
        businesses.push(record);
        let first = inputs.foreign.sources.len();
        income.taxable_profit -= sources
            .iter()
            .enumerate()
            .filter(|(j, _)| excluded.get(first + j).copied().unwrap_or(false))
            .map(|(_, s)| s.taxable_amount)
            .sum::<Money>();
        income
    });
    let foreign_property_profits = foreign_property.as_ref().map_or(Money::ZERO, |p| p.taxable_profit);
    let uk_dividends = down(inputs.dividends);
    let employment = crate::employment::figures(inputs);
    let foreign = inputs.foreign.amounts(excluded);

    Incomes {
        employment_pay,
        benefits_in_kind,
        employment_other: employment.other_employment_income(),
        termination: employment.termination_payments,
        employment,
        // Less the payroll giving the earnings could not take (ITEPA 2003 s713(4)(c)).
        pensions: inputs.pensions.iter().map(|p| down(p.amount)).sum::<Money>()
            - employment.payroll_giving_from_pensions,
        state_pension: down(inputs.state_pension),
        state_benefits: inputs.state_benefits.iter().map(|b| down(b.amount)).sum(),
        other: down(inputs.other_income) + inputs.post_cessation_receipts.iter().map(|r| down(*r)).sum::<Money>(),
        trading_profits,
        property_profits: property.as_ref().map_or(Money::ZERO, |p| p.taxable_profit),
        foreign_property_profits,
        savings: inputs.savings_accounts.iter().map(|a| down(a.gross_interest)).sum::<Money>() + foreign.savings(),
        uk_dividends,
        dividends: uk_dividends + down(inputs.foreign_dividends) + foreign.dividends(),
        gains: inputs.life_policy_gains.iter().map(|g| down(g.gain)).sum(),
        foreign,
        businesses,
        property,
        foreign_property,
    }
}

/// A business's profit or loss for the year, with losses brought forward set against the
/// profit and what is left carried forward. A loss of the year is carried forward too: it
/// is set against other income only on a claim (ITA 2007 s64, s120), which itsa does not
/// take yet (docs/differences.md).
fn profit_and_loss(
    id: String,
    kind: IncomeSourceType,
    profit: Money,
    losses_brought_forward: Money,
) -> BusinessProfitAndLoss {
    let (net_profit, net_loss) = if profit.is_negative() { (Money::ZERO, -profit) } else { (profit, Money::ZERO) };
    let total_losses_brought_forward = losses_brought_forward.round_up_to_pound();
    let losses_used = total_losses_brought_forward.min(net_profit);
    BusinessProfitAndLoss {
        income_source_id: id,
        income_source_type: kind,
        net_profit,
        net_loss,
        taxable_profit: net_profit - losses_used,
        total_losses_brought_forward,
        losses_used,
        losses_carried_forward: total_losses_brought_forward - losses_used + net_loss,
        class4_loss: if kind == IncomeSourceType::SelfEmployment { net_loss } else { Money::ZERO },
        accounts: None,
        carry_sideways_losses_used: Money::ZERO,
        carried_back: Money::ZERO,
        class4: Default::default(),
        transition: None,
    }
}

/// UK property profits: before 2020-21 part of the residential finance costs is still
/// deducted from rents (ITTOIA 2005 s272A); losses brought forward are set against the
/// profits (ITA 2007 s118).
fn property_income(rules: &YearRules, p: &crate::inputs::UkProperty) -> (PropertyIncome, BusinessProfitAndLoss) {
    let costs = FinanceCostsIn::new(rules, p.residential_finance_costs, p.finance_costs_brought_forward);
    let mut record = profit_and_loss(
        p.business_id.clone(),
        IncomeSourceType::UkProperty,
        p.profit.round_down_to_pound() - costs.deducted,
        p.losses_brought_forward,
    );
    record.accounts = p.accounts.clone();
    let income = PropertyIncome { costs, taxable_profit: record.taxable_profit, countries: Vec::new() };
    (income, record)
}

/// Foreign property profits: the business's profit less the foreign tax of the countries
/// whose income no credit is claimed on (TIOPA 2010 s112) and, before 2020-21, the part
/// of the residential finance costs still deducted, country by country (ITTOIA 2005 s272A,
/// which applies to an overseas property business as to a UK one). With the income of
/// each country as a source of foreign tax credit relief (`crate::foreign::property_sources`).
fn foreign_property_income(
    rules: &YearRules,
    p: &crate::inputs::ForeignProperty,
) -> (PropertyIncome, BusinessProfitAndLoss, Vec<crate::foreign::ForeignSource>) {
    let countries: Vec<(String, FinanceCostsIn)> = p
        .countries
        .iter()
        .map(|c| {
            (
                c.country_code.clone(),
                FinanceCostsIn::new(rules, c.residential_finance_costs, c.finance_costs_brought_forward),
            )
        })
        .filter(|(_, costs)| costs.any())
        .collect();
    let costs: FinanceCostsIn = countries.iter().map(|(_, c)| *c).sum();
    let foreign_tax_deducted = p.foreign_tax_deducted();
    let mut record = profit_and_loss(
        p.business_id.clone(),
        IncomeSourceType::ForeignProperty,
        (p.profit - foreign_tax_deducted).round_down_to_pound() - costs.deducted,
        Money::ZERO,
    );
    let foreign_tax_paid: Money = p.countries.iter().map(|c| c.foreign_tax.at_least_zero()).sum();
    record.accounts = p.accounts.clone().map(|a| crate::losses::BusinessAccounts {
        total_deductions: a.total_deductions + foreign_tax_deducted,
        foreign_tax_paid: foreign_tax_paid.is_positive().then_some(foreign_tax_paid),
        ..a
    });
    let income = PropertyIncome { costs, taxable_profit: record.taxable_profit, countries };
    let sources = crate::foreign::property_sources(p, record.taxable_profit);
    (income, record, sources)
}

/// Step 2: trading losses of the year set against general income on a claim (ITA 2007
/// s64(2)(a)), trade by trade, each as far as the income left allows and all together no
/// more than the cap on income tax reliefs (s24A: the greater of £50,000 and 25% of
/// adjusted total income, total income less gross pension contributions). What is not
/// used stays carried forward against the trade's future profits (s83). Returns the
/// losses applied; each business's record is updated.
fn sideways_loss_relief(
    rules: &YearRules,
    inputs: &Inputs,
    businesses: &mut [BusinessProfitAndLoss],
    total_income: Money,
    extensions: &Extensions,
) -> Money {
    let adjusted_total_income = total_income.saturating_sub(extensions.pension_contributions_gross);
    let cap = rules
        .income_tax_relief_cap_minimum
        .max(adjusted_total_income.percent(rules.income_tax_relief_cap_percent).round_down_to_pound());
    let mut income_left = total_income;
    let mut applied = Money::ZERO;
    // The claims in the order the taxpayer set (loss-claims-order), else business order.
    let mut order: Vec<usize> = (0..inputs.self_employments.len().min(businesses.len())).collect();
    order.sort_by_key(|&i| inputs.self_employments[i].extras.sideways_order.unwrap_or(u32::MAX));
    for i in order {
        let (trade, record) = (&inputs.self_employments[i], &mut businesses[i]);
        if trade.extras.carry_back_first {
            losses::carry_back(&trade.extras, record);
        }
        if trade.claims_sideways && record.net_loss.is_positive() {
            let limit = trade.extras.sideways_limit.map_or(record.net_loss, |l| l.round_down_to_pound());
            let used = (record.net_loss - record.carried_back).min(limit).min(income_left).min(cap - applied);
            let used = used.at_least_zero();
            income_left -= used;
            applied += used;
            record.losses_carried_forward -= used;
            record.carry_sideways_losses_used = used;
        }
        if !trade.extras.carry_back_first {
            losses::carry_back(&trade.extras, record);
        }
    }
    applied
}

/// Gift Aid and relief-at-source pension contributions: gross amounts and the band extension.
struct Extensions {
    gift_aid_gross: Money,
    /// The contributions that get relief: at most the greater of the basic amount and the
    /// year's relevant UK earnings (FA 2004 s190).
    pension_contributions_gross: Money,
    /// The contributions paid beyond that limit, which get no relief.
    pension_contributions_unrelieved: Money,
}

impl Extensions {
    fn new(rules: &YearRules, inputs: &Inputs, incomes: &Incomes) -> Self {
        // Gross = net x 100 / (100 - basic rate) (ITA 2007 s414(2)).
        let net = inputs.gift_aid_paid.at_least_zero();
        let hundred = Rate::percent(100).as_percent();
        let gross = Money::new(net.amount() * hundred / (hundred - rules.gift_aid_gross_up_rate.as_percent()));
        let paid = inputs.pension_contributions_relief_at_source.at_least_zero();
        let limit = rules.pension_relief_basic_amount.max(incomes.relevant_uk_earnings());
        let relieved = paid.min(limit);
        Extensions {
            gift_aid_gross: gross,
            pension_contributions_gross: relieved,
            pension_contributions_unrelieved: paid - relieved,
        }
    }

    /// The band extension: exactly the gross amounts, as the statute extends the limits by
    /// the grossed-up gift (ITA 2007 s414(2)) and by the relievable contributions (FA 2004
    /// s192(4)), unrounded (docs/rounding.md).
    fn total(&self) -> Money {
        self.gift_aid_gross + self.pension_contributions_gross
    }
}

/// Step 3: the personal allowance after the taper (ITA 2007 s35): reduced by £1 for every
/// £2 of adjusted net income over the threshold, to nil.
fn tapered_personal_allowance(rules: &YearRules, adjusted_net_income: Money) -> Money {
    let excess = adjusted_net_income.saturating_sub(rules.personal_allowance_taper_threshold);
    // Most incomes are under the threshold: the allowance is then the full one, as the
    // division below (of nil) would leave it.
    if excess.is_zero() {
        return rules.personal_allowance.saturating_sub(Money::ZERO);
    }
    let divisor = rust_decimal::Decimal::from(rules.personal_allowance_taper_divisor);
    let reduction = Money::new(excess.amount() / divisor).round_down_to_pound();
    rules.personal_allowance.saturating_sub(reduction)
}

/// Income tax by category and band, for one set of allowances: each category as the
/// calculation shows it, or (while the allowances' allocations are weighed) as a [`TaxOnly`].
struct BandedIncomeTax<C = IncomeTaxCategory> {
    pay_pensions_profit: C,
    savings_and_gains: C,
    dividends: C,
    gains: C,
    lump_sums: C,
    personal_savings_allowance: Money,
}

impl<C: Category> BandedIncomeTax<C> {
    fn charged(&self) -> Money {
        self.pay_pensions_profit.tax()
            + self.savings_and_gains.tax()
            + self.dividends.tax()
            + self.gains.tax()
            + self.lump_sums.tax()
    }
}

impl BandedIncomeTax {
    fn taxable(&self) -> Money {
        self.pay_pensions_profit.taxable_income
            + self.savings_and_gains.taxable_income
            + self.dividends.taxable_income
            + self.gains.taxable_income
            + self.lump_sums.taxable_income
    }

    /// Whether the marriage allowance is barred by the rates charged (ITA 2007 s55B(2)(b) and
    /// (ba), s55C(1)(c) and (ca)): any income at a rate above the basic rate (the Scottish
    /// intermediate rate counts as basic), or dividends at the dividend nil rate that would
    /// be at the dividend upper or additional rate without it. Savings at the savings nil
    /// rate do not bar it: the statute has no such condition for them.
    fn charged_above_basic_rate(&self) -> bool {
        let above = |b: &TaxBand| {
            matches!(b.name, BandName::HigherRate | BandName::AdvancedRate | BandName::AdditionalRate)
                && b.income.is_positive()
        };
        let dividends_at_nil_rate_above = |b: &TaxBand| {
            matches!(b.name, BandName::AllowanceAwardedAtHigherRate | BandName::AllowanceAwardedAtAdditionalRate)
                && b.income.is_positive()
        };
        [&self.pay_pensions_profit, &self.savings_and_gains, &self.dividends, &self.gains, &self.lump_sums]
            .iter()
            .any(|c| c.tax_bands.iter().any(above))
            || self.dividends.tax_bands.iter().any(dividends_at_nil_rate_above)
    }
}

/// A kind of income's figures, its bands worked out by `tax_bands_of` from its taxable
/// income into room for `room` of them; no taxable income has no bands, in whatever bands
/// it would sit.
fn category<C: Category>(
    income_received: Money,
    allowances_allocated: Money,
    room: usize,
    tax_bands_of: impl FnOnce(Money, &mut C::Bands),
) -> C {
    let taxable_income = income_received - allowances_allocated;
    let mut bands = C::Bands::default();
    if taxable_income.is_positive() {
        bands = C::room_for(room);
        tax_bands_of(taxable_income, &mut bands);
    }
    C::new(income_received, allowances_allocated, taxable_income, bands)
}

/// A kind of income's figures, as far as banding needs them: the whole category for the
/// calculation, or only its taxable income and tax for an allocation of the allowances
/// being weighed against another (which needs no list of bands made and thrown away).
/// Both are worked out by the same banding, band by band, so that their tax is the same.
trait Category {
    type Bands: bands::BandSink + Default;
    /// Room for `n` bands.
    fn room_for(n: usize) -> Self::Bands;
    fn new(income_received: Money, allowances_allocated: Money, taxable_income: Money, bands: Self::Bands) -> Self;
    fn taxable(&self) -> Money;
    fn tax(&self) -> Money;
    /// The income in the category's nil-rate allowance bands.
    fn nil_rate_income(&self) -> Money;
}

impl Category for IncomeTaxCategory {
    type Bands = Vec<TaxBand>;

    fn room_for(n: usize) -> Vec<TaxBand> {
        Vec::with_capacity(n)
    }

    fn new(
        income_received: Money,
        allowances_allocated: Money,
        taxable_income: Money,
        tax_bands: Vec<TaxBand>,
    ) -> Self {
        let income_tax_amount = tax_bands.iter().map(|b| b.tax_amount).sum();
        IncomeTaxCategory { income_received, allowances_allocated, taxable_income, income_tax_amount, tax_bands }
    }

    fn taxable(&self) -> Money {
        self.taxable_income
    }

    fn tax(&self) -> Money {
        self.income_tax_amount
    }

    fn nil_rate_income(&self) -> Money {
        self.tax_bands.iter().filter(|b| bands::is_nil_rate_allowance(b)).map(|b| b.income).sum()
    }
}

/// A category's taxable income and what its bands add up to, without the bands.
struct TaxOnly {
    taxable_income: Money,
    tally: bands::TaxTally,
}

impl Category for TaxOnly {
    type Bands = bands::TaxTally;

    fn room_for(_: usize) -> bands::TaxTally {
        bands::TaxTally::default()
    }

    fn new(_: Money, _: Money, taxable_income: Money, tally: bands::TaxTally) -> Self {
        TaxOnly { taxable_income, tally }
    }

    fn taxable(&self) -> Money {
        self.taxable_income
    }

    fn tax(&self) -> Money {
        self.tally.tax
    }

    fn nil_rate_income(&self) -> Money {
        self.tally.nil_rate_income
    }
}

/// The kinds of income allowances are set against (ITA 2007 s25).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NonSavings,
    Savings,
    Dividends,
}

/// Every order in which allowances may be set against the kinds of income, HMRC's default
/// (non-savings, savings, dividends) first.
const ORDERS: [[Kind; 3]; 6] = {
    use Kind::*;
    [
        [NonSavings, Savings, Dividends],
        [NonSavings, Dividends, Savings],
        [Savings, NonSavings, Dividends],
        [Savings, Dividends, NonSavings],
        [Dividends, NonSavings, Savings],
        [Dividends, Savings, NonSavings],
    ]
};

/// Steps 4-5: allowances set against income in the way that gives the least tax (ITA 2007
/// s25(2)), HMRC's default order (non-savings, then savings, then dividends) unless another
/// charges less, and against life policy gains last; each kind of income is then taxed in
/// its bands, stacked in the statutory order whatever the allowances' (s16, s1012).
/// `non_savings` is the income's non-savings part, `incomes.non_savings()`.
fn banded_income_tax(
    rules: &YearRules,
    order: AllowanceOrder,
    incomes: &Incomes,
    non_savings: Money,
    allowances: Money,
    extension: Money,
) -> BandedIncomeTax {
    // Termination payments are non-savings income: allowances set against non-savings
    // income reach them last, as the highest part (ITEPA 2003 s404A).
    let amounts = [non_savings + incomes.termination, incomes.savings, incomes.dividends];
    let allocation = |order: &[Kind; 3]| {
        let mut left = allowances;
        let mut allocated = [Money::ZERO; 4];
        for kind in order {
            if left.is_zero() {
                break;
            }
            let i = *kind as usize;
            allocated[i] = left.min(amounts[i]);
            left -= allocated[i];
        }
        allocated[3] = left.min(incomes.gains);
        allocated
    };
    let default = allocation(&ORDERS[0]);
    // What every allocation shares, worked out once.
    let shared = Banding {
        rules,
        incomes,
        non_savings,
        total: incomes.total_with(non_savings),
        allowances,
        non_savings_bands: bands::non_savings_bands(rules, extension),
        uk_limits: UkLimits::new(rules, extension),
    };
    let mut best = banded_income_tax_allocated(&shared, default);
    let mut least = best.charged();
    // No allocation charges less than nothing. Without savings or dividends, allowances
    // (not negative) meet the same income in every order: every allocation is the default.
    if order == AllowanceOrder::DefaultOrder
        || least.is_zero()
        || (incomes.savings.is_zero() && incomes.dividends.is_zero() && !allowances.is_negative())
    {
        return best;
    }
    // Only an allocation that differs from those tried can charge less.
    let mut tried = [default; ORDERS.len()];
    for (n, order) in ORDERS.iter().enumerate().skip(1) {
        let allocated = allocation(order);
        tried[n] = allocated;
        if tried[..n].contains(&allocated) {
            continue;
        }
        // Weighed by its tax alone, and banded in full only if it charges less.
        let charged = banded_income_tax_allocated::<TaxOnly>(&shared, allocated).charged();
        if charged < least {
            best = banded_income_tax_allocated(&shared, allocated);
            least = charged;
        }
    }
    best
}

/// What every allocation of the allowances is banded with: the year's rules, the income
/// and its non-savings part and total, the allowances, and the bands.
struct Banding<'a> {
    rules: &'a YearRules,
    incomes: &'a Incomes,
    non_savings: Money,
    total: Money,
    allowances: Money,
    non_savings_bands: Vec<bands::BandSpec>,
    uk_limits: UkLimits,
}

/// Income tax by category and band with `allocated[kind]` of the allowances set against
/// each kind of income (non-savings income first, then termination payments), and
/// `allocated[3]` against life policy gains.
fn banded_income_tax_allocated<C: Category>(shared: &Banding<'_>, allocated: [Money; 4]) -> BandedIncomeTax<C> {
    let Banding { rules, incomes, non_savings, total, allowances, ref non_savings_bands, ref uk_limits } = *shared;
    let non_savings_allocated = allocated[Kind::NonSavings as usize].min(non_savings);
    let termination_allocated = allocated[Kind::NonSavings as usize] - non_savings_allocated;
    let pay_pensions_profit: C =
        category(non_savings, non_savings_allocated, non_savings_bands.len(), |taxable, out| {
            bands::allocate_non_savings_into(taxable, non_savings_bands, out)
        });
    let n = pay_pensions_profit.taxable();

    // Personal savings allowance by the highest rate any income would be charged at,
    // judged on the UK bands (ITA 2007 s12B).
    let total_taxable = total.saturating_sub(allowances);
    let personal_savings_allowance = match uk_limits.position_of(total_taxable) {
        bands::UkPosition::Basic => rules.personal_savings_allowance_basic,
        bands::UkPosition::Higher => rules.personal_savings_allowance_higher,
        bands::UkPosition::Additional => rules.personal_savings_allowance_additional,
    };

    // Room for the usual few bands of stacked income at once.
    let savings_and_gains: C = category(incomes.savings, allocated[Kind::Savings as usize], 4, |taxable, out| {
        bands::allocate_stacked_into(
            &StackedIncome {
                start: n,
                amount: taxable,
                // The starting rate covers savings within the first £5,000 of taxable income (ITA 2007 s12).
                starting_rate: Some((
                    rules.savings_starting_rate_limit,
                    rules.savings_starting_rate,
                    rules.savings_starting_rate_limit.saturating_sub(n),
                )),
                nil_rate_allowance: personal_savings_allowance,
                rates: PositionRates {
                    basic: rules.savings_basic_rate,
                    higher: rules.savings_higher_rate,
                    additional: rules.savings_additional_rate,
                },
            },
            uk_limits,
            out,
        )
    });
    let dividends: C = category(incomes.dividends, allocated[Kind::Dividends as usize], 4, |taxable, out| {
        bands::allocate_stacked_into(
            &StackedIncome {
                start: n + savings_and_gains.taxable(),
                amount: taxable,
                starting_rate: None,
                nil_rate_allowance: rules.dividend_allowance,
                rates: PositionRates {
                    basic: rules.dividend_ordinary_rate,
                    higher: rules.dividend_upper_rate,
                    additional: rules.dividend_additional_rate,
                },
            },
            uk_limits,
            out,
        )
    });
    // Life policy gains: savings income, charged as the highest part of income (ITA 2007
    // s1012), with what is left of the starting rate and the personal savings allowance.
    let start = n + savings_and_gains.taxable() + dividends.taxable();
    let savings_allowance_used = savings_and_gains.nil_rate_income();
    let gains: C = category(incomes.gains, allocated[3], 4, |taxable, out| {
        bands::allocate_stacked_into(
            &StackedIncome {
                start,
                amount: taxable,
                starting_rate: Some((
                    rules.savings_starting_rate_limit,
                    rules.savings_starting_rate,
                    rules.savings_starting_rate_limit.saturating_sub(start),
                )),
                nil_rate_allowance: personal_savings_allowance.saturating_sub(savings_allowance_used),
                rates: PositionRates {
                    basic: rules.savings_basic_rate,
                    higher: rules.savings_higher_rate,
                    additional: rules.savings_additional_rate,
                },
            },
            uk_limits,
            out,
        )
    });
    // Termination payments over the threshold: non-savings income charged as the highest
    // part of total income (ITEPA 2003 s404A; ITA 2007 s1012), in the non-savings bands.
    // Scottish rates apply to non-savings income alone, so there they sit on the other
    // non-savings income; elsewhere on all the income below them.
    let below = if rules.regime == Regime::Scotland {
        n
    } else {
        n + savings_and_gains.taxable() + dividends.taxable() + gains.taxable()
    };
    // Room made as the bands come, as few taxpayers have termination payments.
    let lump_sums: C = category(incomes.termination, termination_allocated, 0, |taxable, out| {
        crate::employment::allocate_non_savings_above(below, taxable, non_savings_bands, out)
    });
    BandedIncomeTax { pay_pensions_profit, savings_and_gains, dividends, gains, lump_sums, personal_savings_allowance }
}

/// Step 6a: the residential finance costs tax reduction (ITTOIA 2005 s274A-s274C). Each
/// property business with costs has an allowable amount, the costs not deducted from rents
/// plus the costs brought forward, and relief is due on the lower ("L") of that and the
/// business's profits; where the Ls together exceed adjusted total income, relief is
/// given on that income instead, shared between the businesses in proportion to their Ls
/// (s274AA). The reduction is the basic rate on the total, limited to the tax left; what
/// a business gets no relief on is carried forward to its next year (s274C). A foreign
/// property business's figures are shown country by country, the amount relieved shared
/// between the countries in proportion to their allowable amounts (docs/differences.md).
fn residential_finance_costs(
    rules: &YearRules,
    uk: Option<&PropertyIncome>,
    foreign: Option<&PropertyIncome>,
    adjusted_total_income: Money,
    tax_left: Money,
) -> Option<ResidentialFinanceCosts> {
    let uk = uk.filter(|p| p.costs.any());
    let foreign = foreign.filter(|p| p.costs.any());
    if uk.is_none() && foreign.is_none() {
        return None;
    }
    let lower = |p: Option<&PropertyIncome>| {
        p.map_or(Money::ZERO, |p| p.costs.allowable_amount().min(p.taxable_profit).at_least_zero())
    };
    let ls = [lower(uk), lower(foreign)];
    let adjusted_total_income = adjusted_total_income.at_least_zero();
    let relieved = if ls[0] + ls[1] <= adjusted_total_income { ls.to_vec() } else { share(adjusted_total_income, &ls) };
    let business = |p: &PropertyIncome, relieved: Money| PropertyFinanceCosts {
        amount_claimed: p.costs.claimed,
        deducted_from_rents: p.costs.deducted,
        allowable_amount: p.costs.allowable_amount(),
        relieved_amount: relieved,
        carry_forward_amount: p.costs.allowable_amount() - relieved,
    };
    let foreign_property = foreign.map(|p| {
        let allowable: Vec<Money> = p.countries.iter().map(|(_, c)| c.allowable_amount()).collect();
        let shares = share(relieved[1], &allowable);
        ForeignPropertyFinanceCosts {
            business: business(p, relieved[1]),
            countries: p
                .countries
                .iter()
                .zip(allowable.iter().zip(shares))
                .map(|((country_code, c), (allowable, relieved))| CountryFinanceCosts {
                    country_code: country_code.clone(),
                    amount_claimed: c.claimed,
                    allowable_amount: *allowable,
                    carry_forward_amount: *allowable - relieved,
                })
                .collect(),
        }
    });
    let relievable_amount = relieved[0] + relieved[1];
    let relief = relievable_amount.percent(rules.residential_finance_costs_relief_rate).round_down_to_penny();
    Some(ResidentialFinanceCosts {
        adjusted_total_income,
        total_allowable_amount: [uk, foreign].into_iter().flatten().map(|p| p.costs.allowable_amount()).sum(),
        relievable_amount,
        rate: rules.residential_finance_costs_relief_rate,
        total_residential_finance_costs_relief: relief.min(tax_left.at_least_zero()),
        uk_property: uk.map(|p| business(p, relieved[0])),
        foreign_property,
    })
}

/// `total` shared in proportion to `weights` (none negative): each share truncated to the
/// penny, except the last with any weight, which takes what is left so that the shares add
/// up to `total` (docs/rounding.md).
fn share(total: Money, weights: &[Money]) -> Vec<Money> {
    let mut shares = vec![Money::ZERO; weights.len()];
    let Some(last) = weights.iter().rposition(|w| w.is_positive()) else { return shares };
    let sum: Money = weights.iter().copied().sum();
    let mut given = Money::ZERO;
    for (i, weight) in weights.iter().enumerate().take(last) {
        if weight.is_positive() {
            shares[i] = Money::new(total.amount() * weight.amount() / sum.amount()).round_down_to_penny();
            given += shares[i];
        }
    }
    shares[last] = total - given;
    shares
}

/// Step 6: relief for share subscriptions (ITA 2007 s26(1)(a)), venture capital trusts,
/// then the enterprise and seed enterprise investment schemes: the scheme's rate on the
/// amount claimed up to the year's limit (s262-263, s158, s257AB), rounded down to the
/// penny, each limited to the tax left (s29).
fn investment_reliefs(
    rules: &YearRules,
    subscriptions: &crate::inputs::InvestmentSubscriptions,
    claims: &crate::reliefs::ReliefClaims,
    tax_charged: Money,
) -> Vec<ReliefClaimed> {
    // Above the general limit, only subscriptions in knowledge-intensive companies count.
    let eis_limit = rules.eis_maximum_subscriptions
        + subscriptions
            .eis_knowledge_intensive
            .min(rules.eis_maximum_subscriptions_knowledge_intensive - rules.eis_maximum_subscriptions);
    let schemes = [
        (ReliefType::VctSubscriptions, subscriptions.vct, rules.vct_maximum_subscriptions, rules.vct_relief_rate),
        (ReliefType::EisSubscriptions, subscriptions.eis, eis_limit, rules.eis_relief_rate),
        (
            ReliefType::SeedEnterpriseInvestment,
            subscriptions.seis,
            rules.seis_maximum_subscriptions,
            rules.seis_relief_rate,
        ),
    ];
    let mut reductions: Vec<(ReliefType, Money, Money, Rate)> = schemes
        .into_iter()
        .filter(|(_, amount_claimed, _, _)| amount_claimed.is_positive())
        .map(|(kind, amount_claimed, limit, rate)| {
            (kind, amount_claimed, amount_claimed.min(limit).percent(rate).round_down_to_penny(), rate)
        })
        .collect();
    // Community investment, social investment and maintenance payments (crate::reliefs),
    // community investment in HMRC's place for it, after EIS.
    let others = crate::reliefs::other_tax_reductions(rules, claims);
    let at = reductions.iter().position(|r| r.0 == ReliefType::SeedEnterpriseInvestment).unwrap_or(reductions.len());
    let (community, rest): (Vec<_>, Vec<_>) = others.into_iter().partition(|r| r.0 == ReliefType::CommunityInvestment);
    reductions.splice(at..at, community);
    reductions.extend(rest);
    let mut tax_left = tax_charged.at_least_zero();
    let mut out = Vec::new();
    for (kind, amount_claimed, allowable_amount, rate) in reductions {
        let amount_used = allowable_amount.min(tax_left);
        tax_left -= amount_used;
        out.push(ReliefClaimed { kind, amount_claimed, allowable_amount, amount_used, rate });
    }
    out
}

/// Step 7: the annual allowance charge (FA 2004 s227): the excess taxed as if it were the
/// highest part of the taxpayer's income, at the rates for non-savings income of their
/// regime, in the bands as extended for Gift Aid and pension contributions. The slice of
/// each band is the difference the excess makes to it; its tax is truncated to the penny as
/// on income.
fn annual_allowance_charge(
    rules: &YearRules,
    excess: Money,
    taxable_income: Money,
    extension: Money,
) -> Option<PensionSavingsTaxCharges> {
    let excess = excess.round_down_to_pound();
    if !excess.is_positive() {
        return None;
    }
    let specs = bands::non_savings_bands(rules, extension);
    let without = bands::allocate_non_savings(taxable_income, &specs);
    let with = bands::allocate_non_savings(taxable_income + excess, &specs);
    let pension_bands: Vec<TaxBand> = with
        .into_iter()
        .filter_map(|band| {
            let below = without.iter().find(|b| b.name == band.name).map_or(Money::ZERO, |b| b.income);
            let income = band.income - below;
            income.is_positive().then(|| TaxBand { income, tax_amount: bands::tax_on(income, band.rate), ..band })
        })
        .collect();
    let annual_allowance_charge = pension_bands.iter().map(|b| b.tax_amount).sum();
    Some(PensionSavingsTaxCharges {
        annual_allowance_excess: excess,
        pension_bands,
        annual_allowance_charge,
        total_pension_savings_tax_charges: annual_allowance_charge,
        ..PensionSavingsTaxCharges::default()
    })
}

/// Step 7: the High Income Child Benefit Charge (ITEPA 2003 s681C): 1% of the Child
/// Benefit for every step of adjusted net income over the threshold, up to 100%; the
/// benefit, the percentage and the charge are each rounded down.
fn high_income_child_benefit_charge(
    rules: &YearRules,
    child_benefit: Money,
    adjusted_net_income: Money,
) -> Option<HighIncomeChildBenefitCharge> {
    if !child_benefit.is_positive() {
        return None;
    }
    let child_benefit_amount = child_benefit.round_down_to_pound();
    let excess = adjusted_net_income.saturating_sub(rules.hicbc_threshold);
    let steps = Money::new(excess.amount() / rules.hicbc_taper_step.amount()).round_down_to_pound();
    let charge_percentage = steps.amount().min(rust_decimal::Decimal::ONE_HUNDRED);
    let amount = child_benefit_amount.percent(Rate::new(charge_percentage)).round_down_to_pound();
    Some(HighIncomeChildBenefitCharge {
        child_benefit_amount,
        adjusted_net_income,
        charge_percentage: charge_percentage.try_into().unwrap_or(100),
        amount,
    })
}

pub(crate) fn calculate_year(rules: &YearRules, inputs: &Inputs) -> Calculation {
    calculate_year_with(rules, inputs, None)
}

/// The calculation for the year and, with income only to a date, the estimate for the
/// whole year (made first, from the income annualised, so that the calculation can be
/// made in the place it is returned to).
pub(crate) fn calculate_year_and_estimate(rules: &YearRules, inputs: &Inputs) -> Calculation {
    let end_of_year_estimate = inputs.income_to_date.map(|to| {
        let annualised = crate::estimate::annualise(inputs, to);
        let full_year = calculate_year(rules, &annualised);
        crate::estimate::end_of_year_estimate(&annualised, &full_year)
    });
    calculate_year_with(rules, inputs, end_of_year_estimate)
}

fn calculate_year_with(
    rules: &YearRules,
    inputs: &Inputs,
    end_of_year_estimate: Option<EndOfYearEstimate>,
) -> Calculation {
    // Foreign tax credit relief is limited by the liability with and without each source
    // (TIOPA 2010 s36), worked out without any credit (s36(5)(b)). The sources are the
    // foreign income and then the foreign property business's countries.
    let property = inputs.foreign_property.as_ref().map_or_else(Vec::new, |p| foreign_property_income(rules, p).2);
    let sources = crate::foreign::credit_sources(&inputs.foreign, &property);
    let relief =
        crate::foreign::foreign_tax_credit_relief(inputs.foreign.customer_calculated_relief, &sources, |excluded| {
            calculate_with(rules, inputs, excluded, None, None).tax_calculation.income_tax.income_tax_due_after_reliefs
        });
    calculate_with(rules, inputs, &[], relief, end_of_year_estimate)
}

/// The calculation with the foreign sources marked in `excluded` left out, the foreign
/// tax credit relief `foreign_tax_credit_relief` given and the end of year estimate (if
/// any) shown.
fn calculate_with(
    rules: &YearRules,
    inputs: &Inputs,
    excluded: &[bool],
    foreign_tax_credit_relief: Option<crate::foreign::ForeignTaxCreditRelief>,
    end_of_year_estimate: Option<EndOfYearEstimate>,
) -> Calculation {
    let mut messages = Messages::default();
    let mut incomes = incomes(rules, inputs, excluded);
    let extensions = Extensions::new(rules, inputs, &incomes);

    // Step 2-3: net income, adjusted net income and allowances.
    // The non-savings income is worked out once: nothing below changes it but the
    // transition profits, whose banding works it out again.
    let non_savings = incomes.non_savings();
    let total_income = incomes.total_with(non_savings);
    let sideways_losses = sideways_loss_relief(rules, inputs, &mut incomes.businesses, total_income, &extensions);
    // Losses on shares set against general income (ITA 2007 s131), after the trade losses.
    let share_losses = inputs.capital_gains.as_ref().map_or(Money::ZERO, |g| {
        let adjusted_total_income = total_income.saturating_sub(extensions.pension_contributions_gross);
        crate::capital_gains::share_loss_relief(rules, g, total_income, adjusted_total_income, sideways_losses)
    });
    // Half the payments to a trade union for death benefits, deducted at Step 2 with the
    // losses (ITEPA 2003 s457; ITA 2007 s24), no more than the income left.
    let trade_union_relief = inputs
        .employment_extras
        .trade_union_death_benefits
        .at_least_zero()
        .round_up_to_pound()
        .min(total_income - sideways_losses - share_losses);
    // Patent royalties paid are deducted at Step 2 (ITA 2007 s448-449), as far as the
    // income left allows.
    let royalty_payments =
        crate::foreign::royalty_payments(inputs.foreign.patent_royalties_paid, rules.royalty_payments_deduction_rate);
    let royalties_deducted = royalty_payments
        .map_or(Money::ZERO, |r| r.gross_royalty_payments)
        .min((total_income - sideways_losses - share_losses - trade_union_relief).at_least_zero());
    let losses_applied = sideways_losses + share_losses + trade_union_relief + royalties_deducted;
    // The other Step 2 deductions (crate::reliefs), after the losses and the deductions
    // above; they share the cap on reliefs (ITA 2007 s24A) with the losses.
    let deductions = crate::reliefs::deductions(
        rules,
        &inputs.relief_claims,
        &crate::reliefs::DeductionBasis {
            income_left: total_income - losses_applied,
            total_income,
            relief_at_source_relieved: extensions.pension_contributions_gross,
            relevant_uk_earnings: incomes.relevant_uk_earnings(),
            losses_applied: sideways_losses + share_losses,
        },
    );
    let step2_deductions = losses_applied + deductions.total();
    let net_income = total_income - step2_deductions;
    // Adjusted net income (ITA 2007 s58), never below nil.
    let adjusted_net_income =
        net_income.saturating_sub(extensions.gift_aid_gross + extensions.pension_contributions_gross);
    let personal_allowance = tapered_personal_allowance(rules, adjusted_net_income);
    let blind_persons_allowance = inputs.blind_persons_allowance.then_some(rules.blind_persons_allowance);
    let transfer_out = (inputs.marriage_allowance == MarriageAllowance::Transferor)
        .then(|| rules.marriage_allowance_transferable_amount.min(personal_allowance));
    let allowances_with = |transfer: Option<Money>| {
        personal_allowance - transfer.unwrap_or(Money::ZERO) + blind_persons_allowance.unwrap_or(Money::ZERO)
    };
    // The losses set sideways and the other Step 2 deductions are deducted from the kinds
    // of income as the allowances are, in the way that gives the least tax (ITA 2007 s25(2)).
    let deductions_with = |transfer: Option<Money>| allowances_with(transfer) + step2_deductions;

    // Steps 4-5: taxable income and tax by band. A transferor liable above the basic rate
    // cannot give the allowance away (ITA 2007 s55B(2)): then tax without the transfer.
    let extension = extensions.total();
    let mut banded = banded_income_tax(
        rules,
        inputs.allowance_order,
        &incomes,
        non_savings,
        deductions_with(transfer_out),
        extension,
    );
    let mut transfer_out = transfer_out;
    if transfer_out.is_some() && banded.charged_above_basic_rate() {
        messages.warning(
            ids::MARRIAGE_ALLOWANCE_NOT_DUE,
            "Marriage Allowance has not been transferred: you are liable to tax above the basic rate, so you cannot give part of your Personal Allowance to your partner.".into(),
        );
        transfer_out = None;
        banded =
            banded_income_tax(rules, inputs.allowance_order, &incomes, non_savings, deductions_with(None), extension);
    }
    // Taxable income, which the charges and capital gains tax below are set by.
    let taxable = banded.taxable();
    let total_allowances = allowances_with(transfer_out);
    for (id, extension, what) in [
        (ids::GIFT_AID_BAND_EXTENSION, extensions.gift_aid_gross, "Gift Aid payments"),
        (ids::PENSION_BAND_EXTENSION, extensions.pension_contributions_gross, "pension contributions"),
    ] {
        if extension.is_positive() {
            messages.info(
                id,
                format!(
                    "Your Basic Rate limit has been increased by £{} to £{} for {what}.",
                    extension.round_down_to_penny(),
                    (rules.basic_rate_limit + extension).round_down_to_penny()
                ),
            );
        }
    }
    if extensions.pension_contributions_unrelieved.is_positive() {
        messages.warning(
            ids::PENSION_CONTRIBUTIONS_OVER_LIMIT,
            format!(
                "£{} of your relief at source pension contributions gets no tax relief: relief is limited to the greater of £{} and your relevant UK earnings.",
                extensions.pension_contributions_unrelieved.round_down_to_penny(),
                rules.pension_relief_basic_amount
            ),
        );
    }
    let income_tax_charged = banded.charged();
    // What the transition profits add to the tax charged: the tax with them less the tax
    // without them, the allowances and deductions as they are (docs/differences.md).
    let transition_profits: Money =
        incomes.businesses.iter().filter_map(|b| b.transition).map(|t| t.after_losses).sum();
    let income_tax_charged_on_transition_profits =
        incomes.businesses.iter().any(|b| b.transition.is_some()).then(|| {
            let mut without = incomes.clone();
            without.trading_profits -= transition_profits;
            let deductions = deductions_with(transfer_out);
            let other = banded_income_tax(
                rules,
                inputs.allowance_order,
                &without,
                without.non_savings(),
                deductions,
                extension,
            );
            income_tax_charged.saturating_sub(other.charged())
        });

    // Step 6: tax reductions, each limited to the tax left: the investment reliefs first,
    // then finance costs, whose unused part is carried forward rather than lost.
    let reliefs_claimed =
        investment_reliefs(rules, &inputs.investment_subscriptions, &inputs.relief_claims, income_tax_charged);
    let claims = &inputs.relief_claims;
    if claims.maintenance_payments.is_positive() && !claims.maintenance_party_born_before_1935 {
        messages.warning(
            ids::MAINTENANCE_RELIEF_NOT_DUE,
            "Maintenance payments get no tax relief: neither you nor your former spouse or civil partner was born before 6 April 1935.".into(),
        );
    }
    let maintenance_relief_used: Money =
        reliefs_claimed.iter().filter(|r| r.kind == ReliefType::MaintenancePayments).map(|r| r.amount_used).sum();
    let reliefs_claimed_detail: Vec<crate::reliefs::ReliefDetail> =
        claims.details.iter().filter(|d| reliefs_claimed.iter().any(|r| r.kind == d.kind)).cloned().collect();
    let investment_reliefs_used: Money = reliefs_claimed.iter().map(|r| r.amount_used).sum();
    let tax_left = income_tax_charged - investment_reliefs_used;
    let finance_costs = residential_finance_costs(
        rules,
        incomes.property.as_ref(),
        incomes.foreign_property.as_ref(),
        banded.pay_pensions_profit.taxable_income,
        tax_left,
    );
    if let Some(carried) = finance_costs.as_ref().map(|fc| fc.carry_forward_amount()).filter(|m| m.is_positive()) {
        messages.info(
            ids::FINANCE_COSTS_CARRIED_FORWARD,
            format!("£{carried} of residential finance costs could not be relieved this year and is carried forward."),
        );
    }
    let finance_costs_relief = finance_costs.as_ref().map_or(Money::ZERO, |f| f.total_residential_finance_costs_relief);

    // Top slicing relief on life policy gains, worked on the gains' annual equivalents
    // with the personal allowance recomputed as if they were the gains (ITTOIA 2005
    // s535-537 as amended by FA 2020 s24); then the tax treated as paid on the gains (s530).
    let down = Money::round_down_to_pound;
    let gains: Vec<&crate::inputs::LifePolicyGain> =
        inputs.life_policy_gains.iter().filter(|g| down(g.gain).is_positive()).collect();
    // Tax treated as paid on `amount` of a gain: basic-rate tax on a UK policy (s530); on
    // a foreign policy, its share of the tax paid as submitted (docs/differences.md).
    let notional_tax = |g: &crate::inputs::LifePolicyGain, amount: Money| {
        if g.tax_treated_as_paid {
            amount.percent(rules.savings_basic_rate).round_down_to_penny()
        } else if g.kind == crate::inputs::PolicyKind::Foreign && g.tax_paid.is_positive() {
            Money::new(g.tax_paid.amount() * amount.amount() / down(g.gain).amount()).round_down_to_penny()
        } else {
            Money::ZERO
        }
    };
    let notional_on_gains: Money = gains.iter().map(|g| notional_tax(g, down(g.gain))).sum();
    let mut top_slicing_relief = (!gains.is_empty()).then(|| {
        let liability_on_gain = banded.gains.income_tax_amount.saturating_sub(notional_on_gains);
        let annual_equivalent_of = |g: &crate::inputs::LifePolicyGain| {
            Money::new(down(g.gain).amount() / rust_decimal::Decimal::from(g.years.max(1))).round_down_to_penny()
        };
        // Several gains: the annual equivalents added together (s537 Step 1).
        let annual_equivalent: Money = gains.iter().map(|g| annual_equivalent_of(g)).sum();
        let slice_incomes = Incomes { gains: annual_equivalent, ..incomes.clone() };
        let slice_allowance =
            tapered_personal_allowance(rules, adjusted_net_income.saturating_sub(incomes.gains) + annual_equivalent);
        let slice_deductions = slice_allowance - transfer_out.unwrap_or(Money::ZERO).min(slice_allowance)
            + blind_persons_allowance.unwrap_or(Money::ZERO)
            + step2_deductions;
        let slice =
            banded_income_tax(rules, inputs.allowance_order, &slice_incomes, non_savings, slice_deductions, extension);
        let notional_on_slice: Money = gains.iter().map(|g| notional_tax(g, annual_equivalent_of(g))).sum();
        let slice_liability = slice.gains.income_tax_amount.saturating_sub(notional_on_slice);
        // One gain: times the years (s536 Step 3). Several: times the total of the gains
        // over the total annual equivalent (s537 Step 4), rounded down to the penny.
        let relieved_liability = match gains.as_slice() {
            [g] => slice_liability.times(g.years.max(1)),
            _ => Money::new(slice_liability.amount() * incomes.gains.amount() / annual_equivalent.amount())
                .round_down_to_penny(),
        };
        TopSlicingRelief {
            liability_on_gain,
            annual_equivalent,
            relieved_liability,
            amount: liability_on_gain.saturating_sub(relieved_liability),
        }
    });
    let tax_left = tax_left - finance_costs_relief;
    if let Some(t) = &mut top_slicing_relief {
        t.amount = t.amount.min(tax_left.at_least_zero());
    }
    let tax_left = tax_left - top_slicing_relief.map_or(Money::ZERO, |t| t.amount);
    // Foreign tax credit relief after the other reductions, limited to the tax left
    // (ITA 2007 s26(1)(b), s29; TIOPA 2010 s36(6)).
    let foreign_tax_credit_relief = foreign_tax_credit_relief.map(|mut r| {
        r.total = r.total.min(tax_left.at_least_zero());
        r
    });
    let total_reliefs = investment_reliefs_used
        + finance_costs_relief
        + top_slicing_relief.map_or(Money::ZERO, |t| t.amount)
        + foreign_tax_credit_relief.as_ref().map_or(Money::ZERO, |r| r.total);
    let income_tax_due_after_reliefs = income_tax_charged - total_reliefs;
    let total_notional_tax = notional_on_gains.min(income_tax_due_after_reliefs.at_least_zero());
    let income_tax_due_after_notional_tax = income_tax_due_after_reliefs - total_notional_tax;

    let mut marriage_allowance_transferred_in = None;
    let mut marriage_allowance_relief = Money::ZERO;
    if inputs.marriage_allowance == MarriageAllowance::Recipient {
        if banded.charged_above_basic_rate() {
            messages.warning(
                ids::MARRIAGE_ALLOWANCE_NOT_DUE,
                "Marriage Allowance relief has not been given: you are liable to tax above the basic rate.".into(),
            );
        } else {
            let amount = rules.marriage_allowance_transferable_amount;
            let rate = rules.marriage_allowance_relief_rate;
            marriage_allowance_relief =
                amount.percent(rate).round_down_to_penny().min(income_tax_due_after_notional_tax.at_least_zero());
            marriage_allowance_transferred_in = Some(MarriageAllowanceTransferredIn { amount, rate });
        }
    }
    let income_tax_due_after_tax_reductions = income_tax_due_after_notional_tax - marriage_allowance_relief;

    // Step 7: the Gift Aid charge (ITA 2007 s424), then the other charges.
    let gift_aid = extensions.gift_aid_gross.is_positive().then(|| {
        let gift_aid_tax = extensions.gift_aid_gross.percent(rules.gift_aid_gross_up_rate).round_down_to_penny();
        // Amount C (s424(2), s425): the tax after the reductions, those for maintenance
        // payments ignored.
        let charged_after_reductions = (income_tax_due_after_tax_reductions + maintenance_relief_used).at_least_zero();
        GiftAid {
            gross_gift_aid_payments: extensions.gift_aid_gross,
            rate: rules.gift_aid_gross_up_rate,
            gift_aid_tax,
            gift_aid_tax_reductions: income_tax_charged.saturating_sub(charged_after_reductions),
            income_tax_charged_after_gift_aid_tax_reductions: charged_after_reductions,
            gift_aid_charge: gift_aid_tax.saturating_sub(charged_after_reductions),
            band_extension: extensions.gift_aid_gross,
        }
    });
    let income_tax_due_after_gift_aid =
        income_tax_due_after_tax_reductions + gift_aid.map_or(Money::ZERO, |g| g.gift_aid_charge);
    let hicbc = high_income_child_benefit_charge(rules, inputs.child_benefit, adjusted_net_income);
    let pension_charges = charges::pension_savings_tax_charges(
        rules,
        &inputs.pension_charges,
        annual_allowance_charge(rules, inputs.annual_allowance_excess, taxable, extension),
    );
    // The State Pension lump sum: one rate set by Step 3 income, which it is not part of
    // (worked out only when there is a lump sum).
    let lump_sum_rate = if inputs.state_pension_lump_sums.is_empty() {
        Rate::ZERO
    } else {
        charges::state_pension_lump_sum_rate(rules, taxable, extension)
    };
    let (_, lump_sum_charge) = charges::state_pension_lump_sum_charge(&inputs.state_pension_lump_sums, lump_sum_rate);
    let state_pension_lump_sum_charges = (!inputs.state_pension_lump_sums.is_empty()).then_some(lump_sum_charge);
    let winter_fuel_payment_charge =
        charges::winter_fuel_payment_charge(rules, inputs.winter_fuel_payment, total_income);
    let paye_underpayments_coded_out = inputs.coded_out.paye_underpayments.at_least_zero();
    let total_income_tax_due = income_tax_due_after_gift_aid
        + hicbc.map_or(Money::ZERO, |h| h.amount)
        + pension_charges.as_ref().map_or(Money::ZERO, |p| p.total_pension_savings_tax_charges)
        + state_pension_lump_sum_charges.unwrap_or(Money::ZERO)
        + winter_fuel_payment_charge.unwrap_or(Money::ZERO)
        + paye_underpayments_coded_out;

    // Step 8: National Insurance on trading profits.
    let nics = if inputs.self_employments.is_empty() {
        Nics::default()
    } else {
        let exemption = nics::age_exemption(rules, inputs.date_of_birth, inputs.sex);
        let class2 = nics::class2(rules, incomes.trading_profits, inputs.class2_voluntary, exemption, &mut messages);
        let class4_profits = losses::class4_profits(inputs, &mut incomes.businesses);
        let mut class4 = nics::class4(rules, class4_profits.chargeable, exemption, &mut messages);
        class4.profits = class4_profits;
        let total_nic = class2.amount + class4.total_amount;
        Nics { class2: Some(class2), class4: Some(class4), total_nic }
    };

    // Step 8b: student loans.
    let student_loans = student_loans::student_loans(
        rules,
        &inputs.student_loan_plans,
        &LoanIncome {
            paye_earnings: incomes.employment_pay,
            trading_profits: incomes.trading_profits,
            unearned: incomes.pensions
                + incomes.state_pension
                + incomes.state_benefits
                + incomes.other
                + incomes.property_profits
                + incomes.foreign_property_profits
                + incomes.savings
                + incomes.dividends
                + incomes.gains
                + incomes.foreign.non_savings(),
            student_loan_deductions: inputs.employments.iter().map(|e| e.student_loan_deductions).sum(),
            postgraduate_loan_deductions: inputs.employments.iter().map(|e| e.postgraduate_loan_deductions).sum(),
        },
    );
    let total_student_loans_repayment_amount: Money =
        student_loans.iter().map(|s| s.repayment_amount_net_of_deductions).sum();

    // Steps 9-10: tax deducted at source, coding out, and what is due.
    let some_if = |m: Money, present: bool| present.then_some(m);
    let positive = |m: Money| Some(m).filter(|m| m.is_positive());
    let tax_deducted_at_source = TaxDeductedAtSource {
        bbsi: some_if(
            inputs.savings_accounts.iter().map(|a| a.tax_deducted).sum(),
            inputs.savings_accounts.iter().any(|a| !a.tax_deducted.is_zero()),
        ),
        uk_land_and_property: positive(inputs.business_tax_deducted.uk_property),
        cis: positive(inputs.business_tax_deducted.cis),
        tax_taken_off_trading_income: positive(inputs.business_tax_deducted.trading_income),
        // UK tax paid on foreign property income, and special withholding tax, which is
        // income tax treated as deducted at source (TIOPA 2010 s137(5)): credited and
        // repayable like other tax deducted at source (TMA 1970 s59B(1)(b)).
        special_withholding_tax_or_uk_tax_paid: positive(
            inputs.business_tax_deducted.foreign_property
                + inputs.foreign.sources.iter().map(|s| s.special_withholding_tax).sum::<Money>(),
        ),
        securities: inputs.foreign.uk_securities.map(|s| s.tax_deducted).filter(|t| t.is_positive()),
        voided_isa: Some(
            inputs
                .life_policy_gains
                .iter()
                .filter(|g| g.kind == crate::inputs::PolicyKind::VoidedIsa)
                .map(|g| g.tax_paid)
                .sum::<Money>(),
        )
        .filter(|t| t.is_positive()),
        pay_employments: some_if(
            inputs.employments.iter().map(|e| e.tax_deducted).sum::<Money>() + incomes.employment.lump_sum_tax,
            !inputs.employments.is_empty() || incomes.employment.lump_sum_tax.is_positive(),
        ),
        occupational_pensions: some_if(
            inputs.pensions.iter().map(|p| p.tax_deducted).sum(),
            !inputs.pensions.is_empty(),
        ),
        // Tax taken off taxable benefits, the State Pension and State Pension lump sums
        // (TMA 1970 s59B(1)(b)).
        state_benefits: some_if(
            benefits_with_tax(inputs).map(|b| b.tax_deducted).sum(),
            benefits_with_tax(inputs).any(|b| !b.tax_deducted.is_zero()),
        ),
    };
    let total_tax_deducted_before_coding_out = tax_deducted_at_source.total();
    let sa_underpayments_coded_out = inputs.coded_out.sa_underpayments.at_least_zero();
    let total_tax_deducted = total_tax_deducted_before_coding_out - sa_underpayments_coded_out;
    let total_annuity_payments_tax_charged = deductions.annual_payments_tax_charged();
    // The basic-rate tax kept from royalty payments is charged with the rest (ITA 2007 s903).
    let total_income_tax_nics_charged = total_income_tax_due
        + nics.total_nic
        + total_student_loans_repayment_amount
        + total_annuity_payments_tax_charged
        + royalty_payments.map_or(Money::ZERO, |r| r.tax_charged);
    let total_income_tax_and_nics_due = total_income_tax_nics_charged - total_tax_deducted;

    let losses: Vec<LossCarriedForward> = incomes
        .businesses
        .iter()
        .filter(|b| b.losses_carried_forward.is_positive())
        .map(|b| LossCarriedForward {
            income_source_id: b.income_source_id.clone(),
            income_source_type: b.income_source_type,
            amount: b.losses_carried_forward,
        })
        .collect();
    for loss in &losses {
        messages.info(
            ids::LOSS_CARRIED_FORWARD,
            format!(
                "A loss of £{} from {} is carried forward to set against future profits of the same business.",
                loss.amount, loss.income_source_id
            ),
        );
    }

    let state_benefits_income = state_benefits(inputs, &incomes, lump_sum_rate);
    let losses_and_claims = {
        let mut l = losses::results(inputs, &incomes.businesses);
        l.carried_forward = losses;
        let any = !(l.carried_forward.is_empty()
            && l.result_of_claims_applied.is_empty()
            && l.carried_forward_losses.is_empty()
            && l.default_carried_forward.is_empty()
            && l.claims_not_applied.is_empty());
        any.then_some(l)
    };
    Calculation {
        tax_year: rules.tax_year,
        regime: rules.regime,
        allowances_and_deductions: AllowancesAndDeductions {
            personal_allowance,
            reduced_personal_allowance: (personal_allowance < rules.personal_allowance).then_some(personal_allowance),
            marriage_allowance_transfer_out: transfer_out.map(|transferred_out_amount| MarriageAllowanceTransferOut {
                personal_allowance_before_transfer_out: personal_allowance,
                transferred_out_amount,
                personal_allowance_after_transfer_out: personal_allowance - transferred_out_amount,
            }),
            blind_persons_allowance,
            pension_contributions: extensions
                .pension_contributions_gross
                .is_positive()
                .then_some(extensions.pension_contributions_gross),
            total_allowances,
            losses_applied_to_general_income: sideways_losses.is_positive().then_some(sideways_losses),
            cgt_loss_set_against_in_year_general_income: share_losses.is_positive().then_some(share_losses),
            payments_to_trade_unions_for_death_benefits: trade_union_relief.is_positive().then_some(trade_union_relief),
            deductions,
        },
        reliefs: Reliefs {
            residential_finance_costs: finance_costs,
            reliefs_claimed,
            reliefs_claimed_detail,
            top_slicing_relief,
        },
        foreign: crate::foreign::ForeignFigures {
            inputs: inputs.foreign.clone(),
            amounts: incomes.foreign,
            foreign_tax_credit_relief,
            royalty_payments,
        },
        tax_deducted_at_source,
        gift_aid,
        marriage_allowance_transferred_in,
        pension_contribution_reliefs: extensions.pension_contributions_gross.is_positive().then_some(
            PensionContributionReliefs {
                total_pension_contribution_reliefs: extensions.pension_contributions_gross,
                regular_pension_contributions: extensions.pension_contributions_gross,
                one_off_pension_contributions_paid: claims
                    .one_off_pension_contributions
                    .is_positive()
                    .then(|| claims.one_off_pension_contributions.min(extensions.pension_contributions_gross)),
            },
        ),
        student_loans,
        coded_out_underpayments: (paye_underpayments_coded_out.is_positive()
            || sa_underpayments_coded_out.is_positive())
        .then(|| {
            crate::coding_out::coded_out_underpayments(inputs, paye_underpayments_coded_out, sa_underpayments_coded_out)
        }),
        business_profit_and_loss: incomes.businesses,
        employment_and_pensions_income: employment_and_pensions(inputs, &incomes.employment),
        employment: (incomes.employment != Default::default() || inputs.employment_extras.expenses.is_some()).then(
            || EmploymentIncome {
                figures: incomes.employment,
                expenses: inputs.employment_extras.expenses,
                share_schemes: inputs.employment_extras.share_schemes.clone(),
            },
        ),
        state_benefits_income,
        savings_and_gains_income: (!inputs.savings_accounts.is_empty()
            || inputs.foreign.uk_securities.is_some()
            || inputs.foreign.sources.iter().any(|s| s.kind == crate::foreign::ForeignSourceKind::Savings))
        .then(|| SavingsAndGainsIncome {
            total_chargeable_savings_and_gains: incomes.savings,
            total_uk_savings_and_gains: incomes.savings - incomes.foreign.foreign_savings,
            accounts: inputs
                .savings_accounts
                .iter()
                .map(|a| SavingsAccountIncome {
                    name: a.name.clone(),
                    gross_income: a.gross_interest,
                    net_income: a.gross_interest - a.tax_deducted,
                    tax_deducted: a.tax_deducted,
                })
                .collect(),
        }),
        dividends_income: incomes.dividends.is_positive().then_some(DividendsIncome {
            total_chargeable_dividends: incomes.dividends,
            total_uk_dividends: incomes.uk_dividends + incomes.foreign.other_uk_dividends,
            total_foreign_dividends: down(inputs.foreign_dividends) + incomes.foreign.foreign_dividends,
        }),
        other_income: incomes.other.is_positive().then_some(incomes.other),
        post_cessation_receipts: inputs.post_cessation_receipts.iter().map(|r| down(*r)).collect(),
        chargeable_event_gains: gains
            .iter()
            .map(|g| crate::inputs::LifePolicyGain { gain: down(g.gain), ..(*g).clone() })
            .collect(),
        income_summary_totals: IncomeSummaryTotals {
            total_self_employment_profit: incomes.trading_profits,
            total_property_profit: incomes.property_profits,
            total_uk_other_property_profit: incomes.property_profits,
            total_foreign_property_profit: incomes.foreign_property_profits,
            total_employment_income: incomes.employment_pay
                + incomes.benefits_in_kind
                + incomes.employment_other
                + incomes.termination,
        },
        tax_calculation: TaxCalculation {
            // Made in place, as the capital gains tax below: both are large records, and
            // each move of one was a copy.
            income_tax: IncomeTax {
                total_income_received_from_all_sources: total_income,
                total_allowances_and_deductions: (total_allowances + step2_deductions).min(total_income),
                total_taxable_income: taxable,
                pay_pensions_profit: Some(banded.pay_pensions_profit).filter(|c| c.income_received.is_positive()),
                savings_and_gains: Some(banded.savings_and_gains).filter(|c| c.income_received.is_positive()),
                dividends: Some(banded.dividends).filter(|c| c.income_received.is_positive()),
                gains_on_life_policies: Some(banded.gains).filter(|c| c.income_received.is_positive()),
                lump_sums: Some(banded.lump_sums).filter(|c| c.income_received.is_positive()),
                income_tax_charged,
                income_tax_charged_on_transition_profits,
                total_reliefs,
                income_tax_due_after_reliefs,
                marriage_allowance_relief,
                total_notional_tax,
                income_tax_due_after_tax_reductions,
                income_tax_due_after_gift_aid,
                high_income_child_benefit_charge: hicbc,
                pension_savings_tax_charges: pension_charges,
                state_pension_lump_sum_charges,
                winter_fuel_payment_charge,
                paye_underpayments_coded_out,
                total_income_tax_due,
                adjusted_net_income,
                personal_savings_allowance: banded.personal_savings_allowance,
            },
            nics,
            total_tax_deducted_before_coding_out,
            sa_underpayments_coded_out,
            total_income_tax_nics_charged,
            total_student_loans_repayment_amount,
            total_annuity_payments_tax_charged,
            total_royalty_payments_tax_charged: royalty_payments.map_or(Money::ZERO, |r| r.tax_charged),
            total_tax_deducted,
            total_income_tax_and_nics_due,
            // Capital gains tax, in the basic rate band left by taxable income (TCGA 1992 s1I).
            capital_gains_tax: inputs
                .capital_gains
                .as_ref()
                .map(|g| crate::capital_gains::capital_gains_tax(rules, g, taxable, extension)),
        },
        end_of_year_estimate,
        losses_and_claims,
        messages,
    }
}

fn employment_and_pensions(
    inputs: &Inputs,
    figures: &crate::employment::EmploymentFigures,
) -> Option<EmploymentAndPensionsIncome> {
    let extras = &inputs.employment_extras;
    if inputs.employments.is_empty()
        && inputs.pensions.is_empty()
        && extras.lump_sums.is_empty()
        && figures.tips.is_zero()
    {
        return None;
    }
    let down = Money::round_down_to_pound;
    let mut details: Vec<EmploymentOrPensionDetail> = inputs
        .employments
        .iter()
        .map(|e| EmploymentOrPensionDetail {
            name: e.name.clone(),
            occupational_pension: false,
            taxable_pay_to_date: e.pay,
            total_tax_to_date: e.tax_deducted,
            benefits_in_kind: e.benefits_in_kind,
            student_loan_deductions: e.student_loan_deductions,
            postgraduate_loan_deductions: e.postgraduate_loan_deductions,
            record: e.record.clone(),
        })
        .collect();
    // Lump sums from an employer with no employment in the year: an entry of their own.
    details.extend(extras.lump_sums.iter().map(|l| EmploymentOrPensionDetail {
        name: l.employer_name.clone(),
        occupational_pension: false,
        taxable_pay_to_date: Money::ZERO,
        total_tax_to_date: Money::ZERO,
        benefits_in_kind: Money::ZERO,
        student_loan_deductions: Money::ZERO,
        postgraduate_loan_deductions: Money::ZERO,
        record: crate::employment::EmploymentRecord {
            source: crate::employment::Source::Customer,
            employer_ref: l.employer_ref.clone(),
            lump_sums: Some(l.clone()),
            ..Default::default()
        },
    }));
    details.extend(inputs.pensions.iter().map(|p| EmploymentOrPensionDetail {
        name: p.name.clone(),
        occupational_pension: true,
        taxable_pay_to_date: p.amount,
        total_tax_to_date: p.tax_deducted,
        benefits_in_kind: Money::ZERO,
        student_loan_deductions: Money::ZERO,
        postgraduate_loan_deductions: Money::ZERO,
        record: Default::default(),
    }));
    Some(EmploymentAndPensionsIncome {
        total_pay_employment_and_lump_sum_income: inputs.employments.iter().map(|e| down(e.pay)).sum::<Money>()
            + figures.lump_sums
            + figures.termination_payments,
        tips_income: figures.tips,
        total_benefits_in_kind: inputs.employments.iter().map(|e| down(e.benefits_in_kind)).sum(),
        total_occupational_pension_income: inputs.pensions.iter().map(|p| down(p.amount)).sum(),
        details,
    })
}

/// Every state benefit that can have had tax taken off: the taxable benefits, the State
/// Pension and State Pension lump sums. What was taken off each is tax deducted at source.
fn benefits_with_tax(inputs: &Inputs) -> impl Iterator<Item = &crate::inputs::StateBenefit> {
    inputs.state_benefits.iter().chain(&inputs.state_pension_sources).chain(&inputs.state_pension_lump_sums)
}

/// State benefits, State Pension lump sums included (charged apart, F(No.2)A 2005 s7),
/// and the detail of every benefit that has an id.
fn state_benefits(inputs: &Inputs, incomes: &Incomes, lump_sum_rate: Rate) -> Option<StateBenefitsIncome> {
    if incomes.state_pension.is_zero() && inputs.state_benefits.is_empty() && inputs.state_pension_lump_sums.is_empty()
    {
        return None;
    }
    let with_tax = || benefits_with_tax(inputs);
    let tax_paid: Money = with_tax().map(|b| b.tax_deducted).sum();
    let (lump_sums, _) = charges::state_pension_lump_sum_charge(&inputs.state_pension_lump_sums, lump_sum_rate);
    let excluding_lump_sums = incomes.state_pension + incomes.state_benefits;
    let detail = |b: &crate::inputs::StateBenefit, kind: &str, rate: Option<Rate>| {
        b.income_source_id.as_ref().map(|id| StateBenefitDetail {
            benefit_type: kind.to_owned(),
            income_source_id: id.clone(),
            amount: b.amount,
            tax_paid: (!b.tax_deducted.is_zero()).then_some(b.tax_deducted),
            hmrc_held: b.hmrc_held,
            rate,
        })
    };
    let details = inputs
        .state_pension_sources
        .iter()
        .filter_map(|b| detail(b, "statePension", None))
        .chain(
            inputs.state_pension_lump_sums.iter().filter_map(|b| detail(b, "statePensionLumpSum", Some(lump_sum_rate))),
        )
        .chain(inputs.state_benefits.iter().filter_map(|b| detail(b, &b.name, None)))
        .collect();
    Some(StateBenefitsIncome {
        total_state_benefits_income: excluding_lump_sums + lump_sums,
        total_state_benefits_tax_paid: with_tax().any(|b| !b.tax_deducted.is_zero()).then_some(tax_paid),
        total_state_benefits_income_exc_state_pension_lump_sum: excluding_lump_sums,
        state_pension: incomes.state_pension,
        other_benefits: inputs
            .state_benefits
            .iter()
            .map(|b| (b.name.clone(), b.amount.round_down_to_pound()))
            .collect(),
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Rules, TaxYear};

    /// An allocation weighed by its tax alone charges what the same allocation banded in
    /// full charges, to the penny, whatever the regime, income and allowances.
    #[test]
    fn an_allocation_weighed_by_its_tax_alone_charges_what_it_does_in_full() {
        let pounds = |p: &str| Money::new(p.parse().unwrap());
        let amounts = ["0", "1", "2500", "6000.50", "13000", "40000", "60000.99", "130000", "400000"];
        let mut compared = 0;
        for (year, regime) in [(2019, Regime::RestOfUk), (2024, Regime::Scotland), (2025, Regime::Wales)] {
            let rules = Rules::for_year(TaxYear::starting(year), regime).unwrap();
            let inputs = Inputs::new(rules.tax_year, regime);
            for (i, other) in amounts.iter().enumerate() {
                for (j, savings) in amounts.iter().enumerate() {
                    // The dividends, gains and termination payments taken round the same
                    // amounts at different steps, so that each meets each of the others.
                    let dividends = amounts[(i + 2 * j) % amounts.len()];
                    let gains = amounts[(3 * i + j) % amounts.len()];
                    let termination = amounts[(i * j) % amounts.len()];
                    let mut incomes = incomes(rules, &inputs, &[]);
                    incomes.other = pounds(other);
                    incomes.savings = pounds(savings);
                    incomes.dividends = pounds(dividends);
                    incomes.gains = pounds(gains);
                    incomes.termination = pounds(termination);
                    let non_savings = incomes.non_savings();
                    for extension in [Money::ZERO, pounds("1250.75")] {
                        for allowances in ["0", "12570", "15000.25", "-100"].map(pounds) {
                            let shared = Banding {
                                rules,
                                incomes: &incomes,
                                non_savings,
                                total: non_savings
                                    + incomes.savings
                                    + incomes.dividends
                                    + incomes.gains
                                    + incomes.termination,
                                allowances,
                                non_savings_bands: bands::non_savings_bands(rules, extension),
                                uk_limits: UkLimits::new(rules, extension),
                            };
                            let amounts = [non_savings + incomes.termination, incomes.savings, incomes.dividends];
                            for order in &ORDERS {
                                let mut left = allowances;
                                let mut allocated = [Money::ZERO; 4];
                                for kind in order {
                                    let i = *kind as usize;
                                    allocated[i] = left.min(amounts[i]);
                                    left -= allocated[i];
                                }
                                allocated[3] = left.min(incomes.gains);
                                let full: BandedIncomeTax = banded_income_tax_allocated(&shared, allocated);
                                let tax_only = banded_income_tax_allocated::<TaxOnly>(&shared, allocated);
                                let charged = (full.charged(), tax_only.charged());
                                assert_eq!(charged.0, charged.1, "{regime:?} {year} {allocated:?}");
                                assert_eq!(charged.0.amount().scale(), charged.1.amount().scale());
                                assert_eq!(
                                    full.savings_and_gains.nil_rate_income(),
                                    tax_only.savings_and_gains.nil_rate_income()
                                );
                                compared += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(compared > 10_000);
    }
}
