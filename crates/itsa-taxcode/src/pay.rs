//! Tax due on a payment under a code: HMRC's "Specification for PAYE Tax Table Routines"
//! (SPEC) sections 4 to 8.
//!
//! **Suffix, 0T and K codes, cumulative basis.** With `t` the week or month of the
//! payday and `N` the periods in the year (52 or 12): pay adjustment to date
//! `A = t x` the Tables A value; taxable pay to date `U = pay to date - A` (suffix codes)
//! or `+ A` (K codes); nil tax if `U <= 0`, otherwise `T = U` rounded down to whole
//! pounds. Each band limit `C_i` (annual taxable pay) is pro-rated to `c_i = C_i x t / N`
//! (exact), and `v_i = c_i` rounded up to whole pounds decides the band: if `U <= v_1`
//! the tax to date is `T x R_1`; otherwise, with `j` the first band where `U <= v_j` (or
//! the top band), it is `k_(j-1) + (T - c_(j-1)) x R_j`, where `k_i` is the tax on a
//! full band up to `C_i`, pro-rated by `t / N`. The tax to date is rounded down to the
//! penny; this payment's tax is that less the tax deducted before, and for a K code no
//! more than the overriding limit, 50% of this payment's pay.
//!
//! **Week 1 / month 1** (W1, M1, X): every payment is taxed as if it were the first of
//! the year (`t = 1`, no earlier pay or tax), the overriding limit per payment.
//!
//! **Week 53** (and the 27th two-weekly, 14th four-weekly payday): taxed on the week 1
//! (2, 4) table non-cumulatively, whatever the code's basis (PAYE70015).
//!
//! **BR and D codes**: pay to date (cumulative) or this pay (non-cumulative), pence
//! ignored, times the code's flat rate. **NT**: no tax.
//!
//! Every calculation is exact: band limits pro-rated by `t / N` stay as fractions until
//! the single final division (see `rounding::tax_rounded_down_to_penny`).

use itsa_rules::{Money, Rate, Rules, RulesError, TaxYear, YearRules};
use rust_decimal::Decimal;

use crate::bands::{self, PayeBand};
use crate::code::{Basis, Kind, TaxCode, TaxCodeError};
use crate::rounding::{
    band_test_limit_rounded_up_to_pound, overriding_limit_rounded_down_to_penny, tax_rounded_down_to_penny,
    taxable_pay_rounded_down_to_pound,
};
use crate::tables::{PayFrequency, Table, period_value};

/// One payday under a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub frequency: PayFrequency,
    /// The payday's number in the year: week 1 to 53, two-weekly 1 to 27, four-weekly 1
    /// to 14, month 1 to 12.
    pub period: u32,
    /// Taxable pay in this period.
    pub pay_this_period: Option<Money>,
    /// Taxable pay from 6 April to this payday, this period included (cumulative codes).
    pub pay_to_date: Option<Money>,
    /// Tax deducted on earlier paydays this year (cumulative codes).
    pub tax_deducted_previous_periods: Money,
}

/// The tax on one payment. Figures the payment's details do not determine are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentTax {
    /// How this payment was taxed: non-cumulative for W1/M1/X codes and on week 53.
    pub basis: Basis,
    /// Whether this is the extra payday of a year with 53 weeks (or 27 or 14 paydays).
    pub extra_payday: bool,
    /// Free pay (positive) or additional pay (negative) to date; for a non-cumulative
    /// payment, for this payment. Zero for BR and D codes; `None` for NT.
    pub pay_adjustment_to_date: Option<Money>,
    /// Pay to date less free pay (or plus additional pay), before rounding; for a
    /// non-cumulative payment, this payment's taxable pay.
    pub taxable_pay_to_date: Option<Money>,
    /// Tax due to date before the overriding limit; non-cumulative: on this payment.
    pub tax_due_to_date: Option<Money>,
    /// Tax to deduct (negative: to refund) on this payday, after the overriding limit.
    pub tax_due_this_period: Option<Money>,
    /// Whether the overriding limit cut this payment's tax.
    pub overriding_limit_applied: bool,
}

/// Why a payment could not be taxed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayError {
    #[error(transparent)]
    Code(#[from] TaxCodeError),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("{frequency} pay has paydays 1 to {last} in a tax year, not {period}")]
    Period { frequency: &'static str, period: u32, last: u32 },
    #[error("{0} cannot be negative")]
    Negative(&'static str),
}

impl PayError {
    pub fn code(&self) -> &'static str {
        match self {
            PayError::Code(e) => e.code(),
            PayError::Rules(RulesError::UnsupportedTaxYear(_)) => "TAX_YEAR_NOT_SUPPORTED",
            PayError::Rules(_) => "RULES_UNAVAILABLE",
            PayError::Period { .. } | PayError::Negative(_) => "INVALID_PAYMENT",
        }
    }
}

/// The tax on one payment under `code` in `tax_year`.
pub fn tax_on_payment(code: &TaxCode, tax_year: TaxYear, payment: &Payment) -> Result<PaymentTax, PayError> {
    code.check_year(tax_year)?;
    let rules = Rules::for_year(tax_year, code.regime())?;
    let frequency = payment.frequency;
    if payment.period == 0 || payment.period > frequency.last_payday() {
        return Err(PayError::Period {
            frequency: frequency.as_str(),
            period: payment.period,
            last: frequency.last_payday(),
        });
    }
    if payment.pay_this_period.is_some_and(Money::is_negative) {
        return Err(PayError::Negative("pay_this_period"));
    }
    if payment.pay_to_date.is_some_and(Money::is_negative) {
        return Err(PayError::Negative("pay_to_date"));
    }

    let extra_payday = payment.period > frequency.regular_paydays();
    let basis = if extra_payday { Basis::NonCumulative } else { code.basis() };
    let per_payment = frequency.table_periods_per_payment();
    let (pay, table_periods) = match basis {
        Basis::NonCumulative => (payment.pay_this_period, per_payment),
        Basis::Cumulative => (payment.pay_to_date, payment.period * per_payment),
    };
    let table = frequency.table();
    let mut result = PaymentTax {
        basis,
        extra_payday,
        pay_adjustment_to_date: None,
        taxable_pay_to_date: None,
        tax_due_to_date: None,
        tax_due_this_period: None,
        overriding_limit_applied: false,
    };

    match code.kind() {
        Kind::NoTax => {
            result.tax_due_to_date = Some(Money::ZERO);
            result.tax_due_this_period = Some(Money::ZERO);
            return Ok(result);
        }
        Kind::BasicRate | Kind::D0 | Kind::D1 | Kind::D2 | Kind::D3 => {
            let rate = flat_rate(code, rules).expect("a BR or D code valid in the year has a rate");
            result.pay_adjustment_to_date = Some(Money::ZERO);
            result.taxable_pay_to_date = pay;
            result.tax_due_to_date =
                pay.map(|p| taxable_pay_rounded_down_to_pound(p).percent(rate).round_down_to_penny());
        }
        Kind::Suffix | Kind::K => {
            let number = code.number().expect("suffix and K codes have a number");
            let adjustment = period_value(number, table).times(table_periods);
            let is_k = code.kind() == Kind::K;
            result.pay_adjustment_to_date = Some(if is_k { -adjustment } else { adjustment });
            let taxable = pay.map(|p| if is_k { p + adjustment } else { p - adjustment });
            result.taxable_pay_to_date = taxable;
            result.tax_due_to_date =
                taxable.map(|u| banded_tax_to_date(&bands::paye_bands(rules), u, table_periods, table));
        }
    }

    let before_limit = match basis {
        Basis::NonCumulative => result.tax_due_to_date,
        Basis::Cumulative => result.tax_due_to_date.map(|l| l - payment.tax_deducted_previous_periods),
    };
    // FORMAT.md: this period's tax needs this period's pay (the overriding limit is a
    // share of it), so it is left undetermined without it.
    result.tax_due_this_period = match (before_limit, payment.pay_this_period) {
        (Some(tax), Some(pay)) if code.kind() == Kind::K => {
            let limit = overriding_limit_rounded_down_to_penny(pay.percent(rules.paye_overriding_limit));
            result.overriding_limit_applied = tax > limit;
            Some(tax.min(limit))
        }
        (Some(tax), Some(_)) => Some(tax),
        _ => None,
    };
    Ok(result)
}

/// The flat rate of a BR or D code in the code's regime and year; `None` for other codes
/// or a D code that does not exist that year.
pub fn flat_rate(code: &TaxCode, rules: &YearRules) -> Option<Rate> {
    match code.kind() {
        Kind::BasicRate => Some(bands::basic_rate(rules)),
        _ => {
            let n = usize::from(code.d_index()?);
            bands::rates_above_basic(rules).get(n).map(|b| b.rate)
        }
    }
}

/// SPEC 4.4: tax due to date on taxable pay to date `taxable` at table period `t`.
pub fn banded_tax_to_date(bands: &[PayeBand], taxable: Money, t: u32, table: Table) -> Money {
    if !taxable.is_positive() {
        return Money::ZERO;
    }
    let n = table.periods_in_year();
    let (t_dec, n_dec) = (Decimal::from(t), Decimal::from(n));
    let u = taxable.amount();
    let whole = taxable_pay_rounded_down_to_pound(taxable).amount();
    // The band below the one taxable pay has reached: its annual limit C and the annual
    // tax on everything up to it, K.
    let mut lower_limit = Decimal::ZERO;
    let mut tax_below = Decimal::ZERO;
    let mut rate = Decimal::ZERO;
    for band in bands {
        rate = band.rate.as_percent() / Decimal::ONE_HUNDRED;
        let Some(limit) = band.limit.map(Money::amount) else { break };
        if u <= band_test_limit_rounded_up_to_pound(limit * t_dec / n_dec) {
            break;
        }
        tax_below += (limit - lower_limit) * rate;
        lower_limit = limit;
    }
    // L = K t/N + (T - C t/N) R, computed times N so it stays exact: K t + (T N - C t) R.
    let scaled = tax_below * t_dec + (whole * n_dec - lower_limit * t_dec) * rate;
    tax_rounded_down_to_penny(scaled, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn pay(
        code: &str,
        year: u16,
        frequency: PayFrequency,
        period: u32,
        this: Option<Decimal>,
        to_date: Option<Decimal>,
        previous: Decimal,
    ) -> PaymentTax {
        let payment = Payment {
            frequency,
            period,
            pay_this_period: this.map(Money::new),
            pay_to_date: to_date.map(Money::new),
            tax_deducted_previous_periods: Money::new(previous),
        };
        tax_on_payment(&TaxCode::parse(code).unwrap(), TaxYear::starting(year), &payment).unwrap()
    }

    fn m(d: Decimal) -> Option<Money> {
        Some(Money::new(d))
    }

    #[test]
    fn hmrc_developer_test_data() {
        let r = pay("510L", 2017, PayFrequency::Weekly, 8, None, Some(dec!(2046.15)), dec!(0));
        assert_eq!(r.pay_adjustment_to_date, m(dec!(786.08)));
        assert_eq!(r.taxable_pay_to_date, m(dec!(1260.07)));
        assert_eq!(r.tax_due_to_date, m(dec!(252.00)));
        let r = pay("K255", 2017, PayFrequency::Monthly, 5, None, Some(dec!(6023.66)), dec!(0));
        assert_eq!(r.pay_adjustment_to_date, m(dec!(-1066.25)));
        assert_eq!(r.taxable_pay_to_date, m(dec!(7089.91)));
        assert_eq!(r.tax_due_to_date, m(dec!(1417.80)));
    }

    #[test]
    fn scottish_bands_pro_rated_exactly() {
        let r = pay("S1257L", 2025, PayFrequency::Monthly, 1, Some(dec!(3000)), Some(dec!(3000)), dec!(0));
        assert_eq!(r.tax_due_this_period, m(dec!(394.92)));
    }

    #[test]
    fn the_band_test_uses_limits_rounded_up_to_pounds() {
        // Month 1: c_1 = 37,700 / 12 = 3,141.67, v_1 = 3,142. Taxable pay of exactly 3,142.00
        // is still "in" the basic rate band: 3,142 x 20% = 628.40 (taxing the 0.33 above
        // c_1 at 40% would give 628.46).
        let r = pay("1257L", 2025, PayFrequency::Monthly, 1, Some(dec!(4190.26)), Some(dec!(4190.26)), dec!(0));
        assert_eq!(r.taxable_pay_to_date, m(dec!(3142.00)));
        assert_eq!(r.tax_due_to_date, m(dec!(628.40)));
        // One penny more and the higher rate applies from c_1: 628.33 + (3,142 - 3,141.67) x 40%.
        let r = pay("1257L", 2025, PayFrequency::Monthly, 1, Some(dec!(4190.27)), Some(dec!(4190.27)), dec!(0));
        assert_eq!(r.tax_due_to_date, m(dec!(628.46)));
    }

    #[test]
    fn week_53_is_taxed_on_the_week_1_table() {
        let r = pay("1257L", 2025, PayFrequency::Weekly, 53, Some(dec!(600)), Some(dec!(31000)), dec!(5000));
        assert!(r.extra_payday);
        assert_eq!(r.basis, Basis::NonCumulative);
        assert_eq!(r.pay_adjustment_to_date, m(dec!(241.92)));
        assert_eq!(r.tax_due_this_period, m(dec!(71.60)));
        // The 27th two-weekly payday: the week 2 table, once.
        let r = pay("1257L", 2025, PayFrequency::TwoWeekly, 27, Some(dec!(1200)), None, dec!(0));
        assert_eq!(r.pay_adjustment_to_date, m(dec!(483.84)));
        assert_eq!(r.tax_due_this_period, m(dec!(143.20))); // 716 x 20%
    }

    #[test]
    fn k_code_overriding_limit() {
        // K9999 monthly: additional pay 8,333.25 + 8,332.59 ... on pay of 1,000 a month.
        let r = pay("K9999", 2025, PayFrequency::Monthly, 1, Some(dec!(1000)), Some(dec!(1000)), dec!(0));
        assert!(r.overriding_limit_applied);
        assert_eq!(r.tax_due_this_period, m(dec!(500.00)));
        assert!(r.tax_due_to_date.unwrap() > Money::pounds(500));
        // Month 2, cumulative: the shortfall carries forward, still capped at 50%.
        let r = pay("K9999", 2025, PayFrequency::Monthly, 2, Some(dec!(1000.01)), Some(dec!(2000.01)), dec!(500));
        assert_eq!(r.tax_due_this_period, m(dec!(500.00)));
    }

    #[test]
    fn flat_rate_codes_ignore_pence() {
        let r = pay("BR", 2025, PayFrequency::Monthly, 1, Some(dec!(1000.99)), Some(dec!(1000.99)), dec!(0));
        assert_eq!(r.tax_due_this_period, m(dec!(200.00)));
        let r = pay("SD3 M1", 2025, PayFrequency::Monthly, 7, Some(dec!(2000.50)), None, dec!(0));
        assert_eq!(r.tax_due_this_period, m(dec!(960.00)));
        let r = pay("NT", 2025, PayFrequency::Weekly, 3, Some(dec!(900)), Some(dec!(2700)), dec!(0));
        assert_eq!((r.tax_due_this_period, r.pay_adjustment_to_date), (Some(Money::ZERO), None));
    }

    #[test]
    fn suffix_codes_can_refund_and_non_cumulative_codes_cannot() {
        // Month 3, pay fell: tax to date below what was deducted.
        let r = pay("1257L", 2025, PayFrequency::Monthly, 3, Some(dec!(0)), Some(dec!(3000)), dec!(600));
        assert!(r.tax_due_this_period.unwrap().is_negative());
        let r = pay("1257L M1", 2025, PayFrequency::Monthly, 3, Some(dec!(500)), None, dec!(600));
        assert_eq!(r.tax_due_this_period, Some(Money::ZERO));
    }

    #[test]
    fn undetermined_figures_are_none() {
        let r = pay("1257L", 2025, PayFrequency::Monthly, 3, None, Some(dec!(9000)), dec!(0));
        assert!(r.tax_due_to_date.is_some() && r.tax_due_this_period.is_none());
        let r = pay("1257L", 2025, PayFrequency::Monthly, 3, Some(dec!(3000)), None, dec!(0));
        assert!(r.taxable_pay_to_date.is_none() && r.tax_due_this_period.is_none());
    }

    #[test]
    fn refuses_impossible_paydays() {
        let code = TaxCode::parse("1257L").unwrap();
        let payment = |frequency, period| Payment {
            frequency,
            period,
            pay_this_period: None,
            pay_to_date: None,
            tax_deducted_previous_periods: Money::ZERO,
        };
        let year = TaxYear::starting(2025);
        assert!(tax_on_payment(&code, year, &payment(PayFrequency::Monthly, 13)).is_err());
        assert!(tax_on_payment(&code, year, &payment(PayFrequency::Weekly, 0)).is_err());
        assert!(tax_on_payment(&code, year, &payment(PayFrequency::Weekly, 54)).is_err());
        assert!(tax_on_payment(&code, year, &payment(PayFrequency::FourWeekly, 14)).is_ok());
    }
}
