//! Money and rates.
//!
//! Every amount is a [`Money`] (a `rust_decimal::Decimal` of pounds) and every rate a
//! [`Rate`] (a percentage, as HMRC's API shows it: `20` means 20%). No binary float is
//! ever used for either. Each rounding has a name that says what it does and, in its doc
//! comment, the rule it applies; `docs/rounding.md` lists them all.

use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in pounds, exact to any number of decimal places.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub const fn new(pounds: Decimal) -> Self {
        Money(pounds)
    }

    pub fn pounds(whole: i64) -> Self {
        Money(Decimal::from(whole))
    }

    pub const fn amount(self) -> Decimal {
        self.0
    }

    #[inline]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    #[inline]
    pub fn is_positive(self) -> bool {
        !self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The amount, or zero if it is negative.
    #[inline]
    pub fn at_least_zero(self) -> Self {
        // `self.max(Money::ZERO)`: the amount when above zero, else zero itself.
        if self.is_positive() { self } else { Money::ZERO }
    }

    /// `self - other`, but never below zero.
    pub fn saturating_sub(self, other: Money) -> Self {
        (self - other).at_least_zero()
    }

    /// `rate` per cent of this amount, exactly (no rounding).
    pub fn percent(self, rate: Rate) -> Self {
        Money(self.0 * rate.0 / Decimal::ONE_HUNDRED)
    }

    /// Multiply by a whole count (weeks, for example), exactly.
    pub fn times(self, count: u32) -> Self {
        Money(self.0 * Decimal::from(count))
    }

    /// Income rounded down to whole pounds: Self Assessment returns are completed in
    /// whole pounds with income rounded down and pence ignored (SA100 notes; HMRC's
    /// calculation shows income, taxable income and band limits as whole pounds).
    pub fn round_down_to_pound(self) -> Self {
        Money(self.0.round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity))
    }

    /// Deductions, reliefs and allowances claimed rounded up to whole pounds, in the
    /// taxpayer's favour (SA100 notes: "round up tax deducted and expenses").
    pub fn round_up_to_pound(self) -> Self {
        Money(self.0.round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity))
    }

    /// Tax truncated to the penny: HMRC rounds tax down wherever a rate gives a
    /// fraction of a penny (8.75%, 9.73%, 39.35% …); see docs/rounding.md.
    pub fn round_down_to_penny(self) -> Self {
        Money(self.0.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity))
    }

    /// Rounded to the nearest penny, halves up: used only where the law states an exact
    /// amount that is already in pence (weeks times a weekly rate).
    pub fn round_to_nearest_penny(self) -> Self {
        Money(self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The two amounts' mantissas at their common scale, when that can be had exactly in an
/// `i128` without rescaling by more than 10^8 (amounts of pounds and pence, and the
/// products of rates, always can): the fast path of the ordering below. `None` sends
/// the comparison to `Decimal`'s own, which gives the same answer more slowly.
#[inline]
fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    const MOST_RESCALE: u32 = 8;
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (a.mantissa(), b.mantissa());
    // A mantissa is below 2^96, so one rescaled by at most 10^8 stays far inside i128.
    match sa.cmp(&sb) {
        Ordering::Equal => Some((ma, mb, sa)),
        Ordering::Less if sb - sa <= MOST_RESCALE => Some((ma * 10_i128.pow(sb - sa), mb, sb)),
        Ordering::Greater if sa - sb <= MOST_RESCALE => Some((ma, mb * 10_i128.pow(sa - sb), sa)),
        _ => None,
    }
}

// Sums with a zero are most of an engine's sums (most of a taxpayer's figures are nil):
// they are answered here, exactly as `Decimal` answers them (the other operand as it is,
// its scale and sign included), without going into `Decimal`'s arithmetic.

impl Add for Money {
    type Output = Money;
    #[inline]
    fn add(self, rhs: Money) -> Money {
        if self.0.is_zero() {
            rhs
        } else if rhs.0.is_zero() {
            self
        } else {
            Money(self.0 + rhs.0)
        }
    }
}

impl AddAssign for Money {
    #[inline]
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    #[inline]
    fn sub(self, rhs: Money) -> Money {
        if self.0.is_zero() {
            if rhs.0.is_zero() { rhs } else { Money(-rhs.0) }
        } else if rhs.0.is_zero() {
            self
        } else {
            Money(self.0 - rhs.0)
        }
    }
}

impl SubAssign for Money {
    #[inline]
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Ord for Money {
    /// By value, as `Decimal` orders (1.5 = 1.50), comparing mantissas directly when the
    /// scales can be aligned.
    #[inline]
    fn cmp(&self, other: &Money) -> Ordering {
        match aligned(self.0, other.0) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.0.cmp(&other.0),
        }
    }
}

impl PartialOrd for Money {
    #[inline]
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// A rate as a percentage (`Rate::percent(20)` is 20%).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(Decimal);

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    pub const fn new(percent: Decimal) -> Self {
        Rate(percent)
    }

    pub fn percent(whole: i64) -> Self {
        Rate(Decimal::from(whole))
    }

    /// The percentage (20 for 20%).
    pub const fn as_percent(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn roundings_go_the_named_way() {
        let m = Money::new(dec!(1234.569));
        assert_eq!(m.round_down_to_pound(), Money::new(dec!(1234)));
        assert_eq!(m.round_up_to_pound(), Money::new(dec!(1235)));
        assert_eq!(m.round_down_to_penny(), Money::new(dec!(1234.56)));
        assert_eq!(Money::new(dec!(0.125)).round_to_nearest_penny(), Money::new(dec!(0.13)));
        assert_eq!(Money::new(dec!(-0.5)).round_down_to_pound(), Money::pounds(-1));
    }

    /// Sums and differences give exactly what `Decimal` gives, the scale and the sign of
    /// a zero included, with zeros of every scale and sign among the operands.
    #[test]
    fn sums_are_decimals_sums() {
        let mut values = Vec::new();
        for m in [0_i128, 1, -1, 5, -50, 123_456, -99_999_999_999, 1 << 60, (1 << 96) - 1, -((1 << 96) - 1)] {
            for s in [0_u32, 1, 2, 4, 9, 28] {
                if let Ok(d) = Decimal::try_from_i128_with_scale(m, s) {
                    values.push(d);
                    values.push(-d);
                }
            }
        }
        let exactly = |d: Decimal| (d, d.scale(), d.is_sign_negative());
        for &a in &values {
            for &b in &values {
                let (x, y) = (Money::new(a), Money::new(b));
                if let Some(sum) = a.checked_add(b) {
                    assert_eq!(exactly((x + y).amount()), exactly(sum), "{a:?} + {b:?}");
                    let mut z = x;
                    z += y;
                    assert_eq!(exactly(z.amount()), exactly(sum), "{a:?} += {b:?}");
                }
                if let Some(difference) = a.checked_sub(b) {
                    assert_eq!(exactly((x - y).amount()), exactly(difference), "{a:?} - {b:?}");
                    let mut z = x;
                    z -= y;
                    assert_eq!(exactly(z.amount()), exactly(difference), "{a:?} -= {b:?}");
                }
            }
        }
    }

    #[test]
    fn percent_is_exact() {
        let tax = Money::pounds(1000).percent(Rate::new(dec!(8.75)));
        assert_eq!(tax, Money::new(dec!(87.5)));
        assert_eq!(Money::pounds(3).percent(Rate::new(dec!(8.75))).round_down_to_penny(), Money::new(dec!(0.26)));
    }

    /// The fast path of the ordering gives exactly what `Decimal` gives, over amounts of
    /// every scale and size, near the limits too.
    #[test]
    fn ordering_is_decimals_ordering() {
        let mantissas: [i128; 9] = [
            0,
            1,
            -1,
            5,
            -123_456,
            99_999_999_999,
            -7_922_816_251_426_433_759_354_395_033,
            7_922_816_251_426_433_759_354_395_033,
            1 << 60,
        ];
        let scales = [0_u32, 1, 2, 3, 6, 9, 12, 20, 28];
        let mut values = Vec::new();
        for m in mantissas {
            for s in scales {
                if let Ok(d) = Decimal::try_from_i128_with_scale(m, s) {
                    values.push(d);
                }
            }
        }
        values.push(Decimal::MAX);
        values.push(Decimal::MIN);
        values.push(-Decimal::ZERO);
        for &a in &values {
            for &b in &values {
                let (x, y) = (Money::new(a), Money::new(b));
                assert_eq!(x.cmp(&y), a.cmp(&b), "{a} against {b}");
                assert_eq!(x.is_positive(), a > Decimal::ZERO, "{a}");
                let floor = x.at_least_zero().amount();
                let expected = Ord::max(a, Decimal::ZERO);
                assert_eq!(
                    (floor, floor.scale(), floor.is_sign_negative()),
                    (expected, expected.scale(), expected.is_sign_negative()),
                    "{a:?}"
                );
                assert_eq!(x.is_negative(), a < Decimal::ZERO, "{a}");
            }
        }
    }
}
