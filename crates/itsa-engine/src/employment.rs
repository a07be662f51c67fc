//! Employment income beyond PAYE pay and the total of benefits in kind: what HMRC's
//! Employments and Expenses APIs carry (ITEPA 2003).
//!
//! - Each employment's particulars (employer reference, payroll id, dates) and its benefits
//!   in kind item by item, as the calculation shows them.
//! - Tips not taxed through PAYE: earnings (s62).
//! - Share scheme income (ITEPA Part 7): employment income.
//! - Lump sums: taxable lump sums and benefits from employer-financed retirement benefits
//!   schemes (s394) are employment income; termination payments over the £30,000
//!   threshold (s403) are employment income treated as the highest part of total income
//!   (s404A), less the disability and foreign service reductions (s406, s413-414).
//! - Employment expenses (s336-s377): deducted from the earnings they relate to, never
//!   below nil (s328).
//! - Payments to trade unions for death benefits (s457): a deduction from net income.
//! - Payroll giving (Part 12, s713): donations withheld from PAYE income, deducted from the
//!   income they were withheld from, never below nil.
//!
//! [`figures`] works out, from [`EmploymentExtras`] and the employments, the amounts the
//! calculation adds to income.

use itsa_rules::{Date, Money};

use crate::inputs::{Employment, Inputs};

/// Where HMRC's record of an employment comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// Reported by the employer in real time.
    #[default]
    HmrcHeld,
    /// Added by the customer (a custom employment).
    Customer,
}

impl Source {
    /// HMRC's `dataSource` name.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            Source::HmrcHeld => "hmrc-held",
            Source::Customer => "customer",
        }
    }
}

/// The particulars of one employment that the calculation shows but does not compute
/// with, and its benefits in kind item by item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmploymentRecord {
    /// HMRC's employment id (a UUID) when the employment has one.
    pub id: Option<String>,
    pub source: Source,
    /// The employer's PAYE reference (`123/AB56797`).
    pub employer_ref: Option<String>,
    pub payroll_id: Option<String>,
    pub start_date: Option<Date>,
    pub date_ended: Option<Date>,
    /// Whether the engager deducts PAYE under the off-payroll working rules (2023-24 on).
    pub off_payroll_worker: Option<bool>,
    /// Benefits in kind by HMRC's name (`car`, `medicalInsurance`, …), in HMRC's order;
    /// they add up to the employment's `benefits_in_kind`.
    pub benefits: Vec<(&'static str, Money)>,
    /// Lump sums from this employer.
    pub lump_sums: Option<LumpSums>,
}

/// The lump sums one employer paid (SA101 "Lump sums and compensation payments").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LumpSums {
    pub employer_name: String,
    pub employer_ref: Option<String>,
    /// Taxable lump sums and certain income (not redundancy or compensation).
    pub taxable_lump_sums: Option<TaxedLumpSum>,
    /// Benefits from an employer-financed retirement benefits scheme (s394), with the part
    /// that is exempt.
    pub retirement_scheme: Option<TaxedLumpSum>,
    /// Redundancy and compensation payments above the £30,000 threshold (s403).
    pub redundancy_over_exemption: Option<TaxedLumpSum>,
    /// Redundancy and compensation payments within the threshold: not taxed, shown only.
    pub redundancy_under_exemption: Option<Money>,
}

/// A lump sum, what of it is exempt, and the tax taken off it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TaxedLumpSum {
    pub amount: Money,
    pub exempt_amount: Option<Money>,
    pub tax_paid: Option<Money>,
    /// Whether the tax is already in the employment's PAYE tax (`totalTaxToDate`).
    pub tax_taken_off_in_employment: Option<bool>,
}

impl TaxedLumpSum {
    /// The amount less its exempt part, never below nil.
    pub fn taxable(&self) -> Money {
        self.amount.saturating_sub(self.exempt_amount.unwrap_or(Money::ZERO))
    }

    /// Tax taken off that is not already in an employment's PAYE tax.
    pub fn tax_deducted_separately(&self) -> Money {
        if self.tax_taken_off_in_employment == Some(true) { Money::ZERO } else { self.tax_paid.unwrap_or(Money::ZERO) }
    }
}

impl LumpSums {
    fn items(&self) -> impl Iterator<Item = &TaxedLumpSum> {
        [&self.taxable_lump_sums, &self.retirement_scheme, &self.redundancy_over_exemption].into_iter().flatten()
    }

    /// Lump sums charged as ordinary employment income: taxable lump sums and the
    /// taxable part of retirement scheme benefits.
    pub fn ordinary(&self) -> Money {
        self.taxable_lump_sums.map_or(Money::ZERO, |l| l.taxable())
            + self.retirement_scheme.map_or(Money::ZERO, |l| l.taxable())
    }

    /// Termination payments over the threshold (s403), before the disability and foreign
    /// service reductions.
    pub fn over_threshold(&self) -> Money {
        self.redundancy_over_exemption.map_or(Money::ZERO, |l| l.amount)
    }

    /// HMRC's `totalLumpSum`: every amount given, exempt parts and payments within the
    /// threshold included.
    pub fn total(&self) -> Money {
        self.items().map(|l| l.amount).sum::<Money>() + self.redundancy_under_exemption.unwrap_or(Money::ZERO)
    }

    /// HMRC's `totalTaxPaid`: all the tax taken off the lump sums.
    pub fn total_tax_paid(&self) -> Money {
        self.items().filter_map(|l| l.tax_paid).sum()
    }

    /// Tax taken off the lump sums that is not already in an employment's PAYE tax.
    pub fn tax_deducted_separately(&self) -> Money {
        self.items().map(TaxedLumpSum::tax_deducted_separately).sum()
    }
}

/// HMRC's share scheme types in the calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSchemeKind {
    ShareOption,
    SharesAwardedOrReceived,
}

impl ShareSchemeKind {
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            ShareSchemeKind::ShareOption => "share-option",
            ShareSchemeKind::SharesAwardedOrReceived => "shares-awarded-or-received",
        }
    }
}

/// Income from one share option or award not taxed through PAYE (ITEPA Part 7).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareScheme {
    pub kind: ShareSchemeKind,
    pub employer_name: String,
    pub employer_ref: Option<String>,
    pub taxable_amount: Money,
}

/// HMRC's employment expenses (SA102 boxes 17-20), all employments together.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EmploymentExpenses {
    pub business_travel_costs: Option<Money>,
    pub job_expenses: Option<Money>,
    pub flat_rate_job_expenses: Option<Money>,
    pub professional_subscriptions: Option<Money>,
    pub hotel_and_meal_expenses: Option<Money>,
    pub other_and_capital_allowances: Option<Money>,
    pub vehicle_expenses: Option<Money>,
    pub mileage_allowance_relief: Option<Money>,
}

impl EmploymentExpenses {
    /// Each expense by HMRC's name, in HMRC's order.
    pub fn named(&self) -> [(&'static str, Option<Money>); 8] {
        [
            ("businessTravelCosts", self.business_travel_costs),
            ("jobExpenses", self.job_expenses),
            ("flatRateJobExpenses", self.flat_rate_job_expenses),
            ("professionalSubscriptions", self.professional_subscriptions),
            ("hotelAndMealExpenses", self.hotel_and_meal_expenses),
            ("otherAndCapitalAllowances", self.other_and_capital_allowances),
            ("vehicleExpenses", self.vehicle_expenses),
            ("mileageAllowanceRelief", self.mileage_allowance_relief),
        ]
    }

    pub fn total(&self) -> Money {
        self.named().iter().filter_map(|(_, m)| *m).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.named().iter().all(|(_, m)| m.is_none())
    }
}

/// Employment income and deductions that are not one employment's PAYE figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmploymentExtras {
    /// Tips and other non-PAYE earnings.
    pub tips: Money,
    pub share_schemes: Vec<ShareScheme>,
    /// Lump sums from employers the taxpayer has no employment with in the year (those of
    /// an employment are in its record).
    pub lump_sums: Vec<LumpSums>,
    /// The exemption for a termination payment on account of disability (s406).
    pub disability_deduction: Money,
    /// The reduction of a termination payment for foreign service (s413-414).
    pub foreign_service_deduction: Money,
    pub expenses: Option<EmploymentExpenses>,
    /// The amount deductible for payments to a trade union or friendly society for death
    /// benefits (s457).
    pub trade_union_death_benefits: Money,
    /// Donations to charity withheld from pay or a pension under a payroll giving scheme,
    /// as claimed (s713; HMRC's Other Reliefs `payrollGiving.reliefClaimed`).
    pub payroll_giving: Money,
}

impl EmploymentExtras {
    pub fn is_empty(&self) -> bool {
        *self == EmploymentExtras::default()
    }
}

/// Employment income of the year beyond pay and benefits in kind, whole pounds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EmploymentFigures {
    pub tips: Money,
    pub share_schemes: Money,
    /// Taxable lump sums and retirement scheme benefits: ordinary employment income.
    pub lump_sums: Money,
    /// Termination payments over the threshold after the reductions (s403, s404A).
    pub termination_payments: Money,
    /// The expenses claimed, rounded up to whole pounds.
    pub expenses_claimed: Money,
    /// The expenses deducted: no more than the earnings they are deducted from (s328).
    pub expenses_deducted: Money,
    /// Tax taken off lump sums that is not in any employment's PAYE tax.
    pub lump_sum_tax: Money,
    /// The payroll giving claimed, rounded up to whole pounds.
    pub payroll_giving_claimed: Money,
    /// The payroll giving deducted from earnings (s713(4)(a)): no more than the earnings
    /// left after expenses.
    pub payroll_giving_from_earnings: Money,
    /// The payroll giving deducted from pension income (s713(4)(c)): what the earnings
    /// could not take, no more than the pensions.
    pub payroll_giving_from_pensions: Money,
}

impl EmploymentFigures {
    /// Employment income other than pay, benefits in kind and termination payments, less
    /// the expenses and the payroll giving deducted.
    pub fn other_employment_income(&self) -> Money {
        self.tips + self.share_schemes + self.lump_sums - self.expenses_deducted - self.payroll_giving_from_earnings
    }
}

/// Every employer's lump sums: those attached to an employment and those on their own.
pub fn all_lump_sums(inputs: &Inputs) -> impl Iterator<Item = &LumpSums> {
    inputs
        .employments
        .iter()
        .filter_map(|e| e.record.lump_sums.as_ref())
        .chain(inputs.employment_extras.lump_sums.iter())
}

/// The employment figures of the year. Each amount is rounded down to whole pounds as
/// income is; the expenses and payroll giving, deductions, are rounded up
/// (docs/rounding.md). Expenses are deducted from earnings only: pay, benefits in kind and
/// tips (s327(3), s328); lump sums, share scheme income and termination payments are
/// specific employment income.
///
/// Payroll giving is deducted from the PAYE income the donations were withheld from
/// (s713(3)-(4)): from earnings in calculating net taxable earnings (s11(1)), or from
/// pension income (s567(3)). HMRC's submission gives one amount for the year and not
/// the payment it came out of, so itsa takes it off the earnings left after expenses
/// first and then off occupational and private pensions, each never below nil (net
/// taxable earnings and net taxable pension income are at least nil); any excess gets no
/// relief (docs/differences.md).
pub fn figures(inputs: &Inputs) -> EmploymentFigures {
    let down = Money::round_down_to_pound;
    let x = &inputs.employment_extras;
    let tips = down(x.tips);
    let share_schemes = x.share_schemes.iter().map(|s| down(s.taxable_amount)).sum();
    let lump_sums = all_lump_sums(inputs).map(|l| down(l.ordinary())).sum();
    let over_threshold: Money = all_lump_sums(inputs).map(|l| down(l.over_threshold())).sum();
    let reductions = (x.disability_deduction + x.foreign_service_deduction).round_up_to_pound();
    let termination_payments = over_threshold.saturating_sub(reductions);
    let earnings: Money =
        inputs.employments.iter().map(|e: &Employment| down(e.pay) + down(e.benefits_in_kind)).sum::<Money>() + tips;
    let expenses_claimed = x.expenses.map_or(Money::ZERO, |e| e.total()).at_least_zero().round_up_to_pound();
    let expenses_deducted = expenses_claimed.min(earnings);
    let payroll_giving_claimed = x.payroll_giving.at_least_zero().round_up_to_pound();
    let payroll_giving_from_earnings = payroll_giving_claimed.min(earnings - expenses_deducted);
    let pensions: Money = inputs.pensions.iter().map(|p| down(p.amount)).sum();
    let payroll_giving_from_pensions = (payroll_giving_claimed - payroll_giving_from_earnings).min(pensions);
    EmploymentFigures {
        tips,
        share_schemes,
        lump_sums,
        termination_payments,
        expenses_claimed,
        expenses_deducted,
        lump_sum_tax: all_lump_sums(inputs).map(LumpSums::tax_deducted_separately).sum(),
        payroll_giving_claimed,
        payroll_giving_from_earnings,
        payroll_giving_from_pensions,
    }
}

/// Non-savings income of `amount` charged as the part of income above `below`: each band
/// holds the difference the amount makes to it, its tax truncated to the penny as on
/// other income. The bands are put into `out`.
pub(crate) fn allocate_non_savings_above(
    below: Money,
    amount: Money,
    specs: &[crate::bands::BandSpec],
    out: &mut impl crate::bands::BandSink,
) {
    use crate::bands::{allocate_non_savings, tax_on};
    if !amount.is_positive() {
        return;
    }
    let without = allocate_non_savings(below, specs);
    allocate_non_savings(below + amount, specs)
        .into_iter()
        .filter_map(|band| {
            let under = without.iter().find(|b| b.name == band.name).map_or(Money::ZERO, |b| b.income);
            let income = band.income - under;
            income.is_positive().then(|| crate::calculation::TaxBand {
                income,
                tax_amount: tax_on(income, band.rate),
                ..band
            })
        })
        .for_each(|band| out.push(band));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Employment;
    use itsa_rules::{Regime, TaxYear};

    fn inputs() -> Inputs {
        let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
        i.employments.push(Employment {
            name: "Acme".into(),
            pay: Money::pounds(3_000),
            benefits_in_kind: Money::new("200.60".parse().unwrap()),
            ..Default::default()
        });
        i
    }

    #[test]
    fn expenses_are_rounded_up_and_never_take_earnings_below_nil() {
        let mut i = inputs();
        i.employment_extras.tips = Money::new("99.99".parse().unwrap());
        i.employment_extras.expenses = Some(EmploymentExpenses {
            job_expenses: Some(Money::new("5000.01".parse().unwrap())),
            ..Default::default()
        });
        let f = figures(&i);
        assert_eq!(f.expenses_claimed, Money::pounds(5_001));
        // Earnings 3,000 + 200 + 99: the expenses stop there.
        assert_eq!(f.expenses_deducted, Money::pounds(3_299));
        assert_eq!(f.other_employment_income(), Money::pounds(99 - 3_299));
    }

    #[test]
    fn payroll_giving_comes_off_earnings_after_expenses_then_pensions() {
        // Earnings 3,000 + 200 (benefits 200.60 rounded down) = 3,200; expenses 1,000
        // leave 2,200. Payroll giving 2,500.10, rounded up to 2,501: 2,200 off the
        // earnings, the other 301 off the pension of 250 (250.90 rounded down), and 51
        // gets no relief (ITEPA 2003 s713(4), s11(1)).
        let mut i = inputs();
        i.employment_extras.expenses =
            Some(EmploymentExpenses { job_expenses: Some(Money::pounds(1_000)), ..Default::default() });
        i.employment_extras.payroll_giving = Money::new("2500.10".parse().unwrap());
        i.pensions.push(crate::inputs::Pension {
            name: "Works".into(),
            amount: Money::new("250.90".parse().unwrap()),
            tax_deducted: Money::ZERO,
        });
        let f = figures(&i);
        assert_eq!(f.payroll_giving_claimed, Money::pounds(2_501));
        assert_eq!(f.payroll_giving_from_earnings, Money::pounds(2_200));
        assert_eq!(f.payroll_giving_from_pensions, Money::pounds(250));
        assert_eq!(f.other_employment_income(), Money::pounds(-1_000 - 2_200));

        // Within the earnings the pension is untouched.
        i.employment_extras.payroll_giving = Money::pounds(600);
        let f = figures(&i);
        assert_eq!((f.payroll_giving_from_earnings, f.payroll_giving_from_pensions), (Money::pounds(600), Money::ZERO));
    }

    #[test]
    fn termination_payments_are_reduced_by_disability_and_foreign_service() {
        let mut i = inputs();
        i.employments[0].record.lump_sums = Some(LumpSums {
            redundancy_over_exemption: Some(TaxedLumpSum {
                amount: Money::pounds(5_000),
                tax_paid: Some(Money::pounds(1_000)),
                tax_taken_off_in_employment: Some(true),
                ..Default::default()
            }),
            retirement_scheme: Some(TaxedLumpSum {
                amount: Money::pounds(800),
                exempt_amount: Some(Money::pounds(900)),
                tax_paid: Some(Money::pounds(50)),
                ..Default::default()
            }),
            ..Default::default()
        });
        i.employment_extras.disability_deduction = Money::pounds(4_000);
        i.employment_extras.foreign_service_deduction = Money::new("1500.50".parse().unwrap());
        let f = figures(&i);
        assert_eq!(f.termination_payments, Money::ZERO);
        // The exempt part can exceed the benefit: nothing is taxed, never less.
        assert_eq!(f.lump_sums, Money::ZERO);
        // Tax already in the PAYE figure is not counted again.
        assert_eq!(f.lump_sum_tax, Money::pounds(50));
    }

    #[test]
    fn a_termination_payment_is_the_top_slice_above_savings() {
        // 2025-26: pay 40,000, savings 2,000, a termination payment of 10,000. Allowance
        // against pay; savings 500 at 0% and 1,500 at 20% from 27,430; the payment from
        // 29,430: 8,270 at 20% and 1,730 at 40%. Charged 5,486 + 300 + 2,346 = 8,132.
        let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
        i.employments.push(Employment { name: "Acme".into(), pay: Money::pounds(40_000), ..Default::default() });
        i.savings_accounts.push(crate::inputs::SavingsAccount {
            name: "Bank".into(),
            gross_interest: Money::pounds(2_000),
            tax_deducted: Money::ZERO,
        });
        i.employment_extras.lump_sums.push(LumpSums {
            employer_name: "Old Co".into(),
            redundancy_over_exemption: Some(TaxedLumpSum { amount: Money::pounds(10_000), ..Default::default() }),
            ..Default::default()
        });
        let c = crate::calculate(&i).unwrap();
        let lump = c.tax_calculation.income_tax.lump_sums.as_ref().unwrap();
        assert_eq!(lump.income_received, Money::pounds(10_000));
        assert_eq!(lump.income_tax_amount, Money::pounds(8_270 * 20 / 100 + 1_730 * 40 / 100));
        assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::new("8132.00".parse().unwrap()));
    }
}
