//! Money and rates.
//!
//! Every amount is a [`Money`] (a `rust_decimal::Decimal` of pounds) and every rate a
//! [`Rate`] (a percentage, as HMRC's API shows it: `20` means 20%). No binary float is
//! ever used for either. Each rounding has a name that says what it does and, in its doc
//! comment, the rule it applies; `docs/rounding.md` lists them all.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in pounds, exact to any number of decimal places.
#[derive(Debug, Clone, Copy, Default)]
pub struct Money(Decimal);

/// Equal by value, as `Decimal` is (1.5 = 1.50, -0 = 0), by the ordering's fast path.
impl PartialEq for Money {
    #[inline]
    fn eq(&self, other: &Money) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Money {}

/// `Decimal`'s hash, which amounts equal by value share.
impl Hash for Money {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

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

    #[inline]
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
    #[inline]
    pub fn saturating_sub(self, other: Money) -> Self {
        (self - other).at_least_zero()
    }

    /// `rate` per cent of this amount, exactly (no rounding).
    #[inline]
    pub fn percent(self, rate: Rate) -> Self {
        Money(percent_of(self.0, rate.0).unwrap_or_else(|| self.0 * rate.0 / Decimal::ONE_HUNDRED))
    }

    /// Multiply by a whole count (weeks, for example), exactly.
    pub fn times(self, count: u32) -> Self {
        Money(self.0 * Decimal::from(count))
    }

    /// Income rounded down to whole pounds: Self Assessment returns are completed in
    /// whole pounds with income rounded down and pence ignored (SA100 notes; HMRC's
    /// calculation shows income, taxable income and band limits as whole pounds).
    #[inline]
    pub fn round_down_to_pound(self) -> Self {
        Money(round_directed(self.0, 0, RoundingStrategy::ToNegativeInfinity))
    }

    /// Deductions, reliefs and allowances claimed rounded up to whole pounds, in the
    /// taxpayer's favour (SA100 notes: "round up tax deducted and expenses").
    #[inline]
    pub fn round_up_to_pound(self) -> Self {
        Money(round_directed(self.0, 0, RoundingStrategy::ToPositiveInfinity))
    }

    /// Tax truncated to the penny: HMRC rounds tax down wherever a rate gives a
    /// fraction of a penny (8.75%, 9.73%, 39.35% …); see docs/rounding.md.
    #[inline]
    pub fn round_down_to_penny(self) -> Self {
        Money(round_directed(self.0, 2, RoundingStrategy::ToNegativeInfinity))
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
        Ordering::Less if sb - sa <= MOST_RESCALE => Some((ma * POWERS_OF_TEN[(sb - sa) as usize] as i128, mb, sb)),
        Ordering::Greater if sa - sb <= MOST_RESCALE => Some((ma, mb * POWERS_OF_TEN[(sa - sb) as usize] as i128, sa)),
        _ => None,
    }
}

/// Powers of ten that fit in a `u64`.
const POWERS_OF_TEN: [u64; 20] = {
    let mut powers = [1_u64; 20];
    let mut i = 1;
    while i < powers.len() {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// A decimal from the magnitude and sign of its mantissa and its scale, a zero always
/// positive, as `Decimal`'s arithmetic gives it.
#[inline]
fn from_magnitude(magnitude: u128, negative: bool, scale: u32) -> Decimal {
    Decimal::from_parts(magnitude as u32, (magnitude >> 32) as u32, (magnitude >> 64) as u32, negative, scale)
}

/// The exact sum of two amounts at their common scale, which is what `Decimal` gives
/// whenever that sum fits in its 96-bit mantissa; `None` (the scales too far apart or
/// the sum too large) leaves the sum to `Decimal`.
#[inline]
fn exact_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b, scale) = aligned(a, b)?;
    // Each is below 2^96 times 10^8, so their sum stays inside i128.
    let sum = a + b;
    let magnitude = sum.unsigned_abs();
    (magnitude >> 96 == 0).then(|| from_magnitude(magnitude, sum < 0, scale))
}

/// `d.round_dp_with_strategy(dp, strategy)` for a rounding towards one infinity, worked
/// on the mantissa when it fits in a `u64` and no more than 19 places are dropped (any
/// amount of pounds and pence, and its products with rates); `Decimal` rounds the rest.
/// A decimal with no more than `dp` places is returned as it is, as `Decimal` returns it.
#[inline]
fn round_directed(d: Decimal, dp: u32, strategy: RoundingStrategy) -> Decimal {
    let scale = d.scale();
    if scale <= dp {
        return d;
    }
    let mantissa = d.mantissa();
    let dropped = scale - dp;
    let magnitude = mantissa.unsigned_abs();
    // Zeros keep their sign when rounded: `Decimal` deals with them.
    if mantissa == 0 || dropped >= POWERS_OF_TEN.len() as u32 || magnitude >> 64 != 0 {
        return d.round_dp_with_strategy(dp, strategy);
    }
    let (magnitude, power) = (magnitude as u64, POWERS_OF_TEN[dropped as usize]);
    let (quotient, remainder) = (magnitude / power, magnitude % power);
    let negative = mantissa < 0;
    // Truncation moves towards zero; a remainder moves the result one further from zero
    // when the rounding's infinity lies that way.
    let away = match strategy {
        RoundingStrategy::ToNegativeInfinity => negative,
        RoundingStrategy::ToPositiveInfinity => !negative,
        _ => return d.round_dp_with_strategy(dp, strategy),
    };
    let quotient = if away && remainder != 0 { quotient + 1 } else { quotient };
    from_magnitude(quotient.into(), negative, dp)
}

/// `amount * rate / 100` as `Decimal` works it, on the mantissas when both fit in a `u64`,
/// their product does too and the scale leaves room for the two places the division
/// adds; `None` leaves the rest to `Decimal`. A product with zero is `Decimal`'s zero, of
/// scale 0. Otherwise the product is exact, and so is the quotient: a hundredth of the
/// product at its scale when it divides, else the quotient `Decimal`'s division gives
/// with its own trailing zeros (see `unscaled_quotient`).
#[inline]
fn percent_of(amount: Decimal, rate: Decimal) -> Option<Decimal> {
    if amount.is_zero() || rate.is_zero() {
        return Some(Decimal::ZERO);
    }
    let scale = amount.scale() + rate.scale();
    let (a, r) = (amount.mantissa().unsigned_abs(), rate.mantissa().unsigned_abs());
    if a >> 64 != 0 || r >> 64 != 0 || scale + 2 > Decimal::MAX_SCALE {
        return None;
    }
    // Divided as a `u64`, which divides by a constant without a call.
    let Ok(product) = u64::try_from(a * r) else {
        return None;
    };
    let negative = amount.is_sign_negative() != rate.is_sign_negative();
    Some(if product % 100 == 0 {
        from_magnitude((product / 100).into(), negative, scale)
    } else {
        let (magnitude, scale) = unscaled_quotient(product, scale);
        from_magnitude(magnitude, negative, scale)
    })
}

/// `product / 100` at `scale` (the product below 2^64 and not a multiple of 100, the scale
/// at most 26) as `Decimal`'s division leaves it: the quotient scaled up by 10^9 (by as
/// much as the largest scale allows, near it), which leaves no remainder, then trailing
/// zeros taken off 10^8 at a time while the low 32 bits are zero, then 10^4, 10^2 and 10
/// once each where they divide. `1 x 10 / 100` is `0.10`, for example, not `0.1`.
///
/// Worked in a `u64` when the scaled quotient fits in one (products of amounts below about
/// two million million with their rates), whose divisions by a constant are a multiply:
/// those of a `u128` are calls. The steps are the same either way.
#[inline]
fn unscaled_quotient(product: u64, scale: u32) -> (u128, u32) {
    const MOST_AT_ONCE: u32 = 9;
    let up = MOST_AT_ONCE.min(Decimal::MAX_SCALE - scale);
    let power = POWERS_OF_TEN[(up - 2) as usize];
    match product.checked_mul(power) {
        Some(magnitude) => {
            let (magnitude, scale) = strip_u64(magnitude, scale + up);
            (magnitude.into(), scale)
        }
        None => strip_u128(u128::from(product) * u128::from(power), scale + up),
    }
}

/// The trailing zeros `unscaled_quotient` takes off, from a quotient that fits in a `u64`.
#[inline]
fn strip_u64(mut magnitude: u64, mut scale: u32) -> (u64, u32) {
    while magnitude as u32 == 0 && scale >= 8 && magnitude.is_multiple_of(100_000_000) {
        magnitude /= 100_000_000;
        scale -= 8;
    }
    for (places, power, low_bits) in [(4, 10_000, 0xF), (2, 100, 0x3), (1, 10, 0x1)] {
        if magnitude & low_bits == 0 && scale >= places && magnitude.is_multiple_of(power) {
            magnitude /= power;
            scale -= places;
        }
    }
    (magnitude, scale)
}

/// The trailing zeros `unscaled_quotient` takes off, from a quotient too large for a `u64`.
#[inline(never)]
fn strip_u128(mut magnitude: u128, mut scale: u32) -> (u128, u32) {
    while magnitude as u32 == 0 && scale >= 8 && magnitude.is_multiple_of(100_000_000) {
        magnitude /= 100_000_000;
        scale -= 8;
    }
    for (places, power, low_bits) in [(4, 10_000, 0xF), (2, 100, 0x3), (1, 10, 0x1)] {
        if magnitude & low_bits == 0 && scale >= places && magnitude.is_multiple_of(power) {
            magnitude /= power;
            scale -= places;
        }
    }
    (magnitude, scale)
}

/// The sum of two amounts, neither zero, as `Decimal` gives it. Kept out of the callers'
/// code, as `Decimal`'s own sum is, so that the checks for zero stay small enough to be
/// written into every sum.
#[inline(never)]
fn sum(a: Decimal, b: Decimal) -> Decimal {
    match exact_sum(a, b) {
        Some(sum) => sum,
        None => decimal_sum(a, b),
    }
}

/// `Decimal`'s own sum, for the sums `exact_sum` leaves: out of `sum`'s way, so that its
/// common case needs no more than a few registers.
#[cold]
#[inline(never)]
fn decimal_sum(a: Decimal, b: Decimal) -> Decimal {
    a + b
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
            Money(sum(self.0, rhs.0))
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
            Money(sum(self.0, -rhs.0))
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

    /// Amounts of every size and scale, zeros of every scale and sign among them.
    fn amounts() -> Vec<Decimal> {
        let mut values = Vec::new();
        for m in [
            0_i128,
            1,
            5,
            9,
            10,
            15,
            99,
            100,
            101,
            12_345,
            123_456_789,
            1_000_000,
            120_000_000,
            10_000_000_000,
            99_999_999_999,
            4_000_000_000_000_000_000,
            (1 << 32) - 1,
            1 << 32,
            (1 << 63) + 7,
            (1 << 64) - 1,
            1 << 64,
            (1 << 96) - 1,
        ] {
            for s in 0..=28 {
                if let Ok(d) = Decimal::try_from_i128_with_scale(m, s) {
                    values.push(d);
                    values.push(-d);
                }
            }
        }
        values
    }

    /// The roundings give exactly what `Decimal` gives, the scale and the sign of a zero
    /// included.
    #[test]
    fn roundings_are_decimals_roundings() {
        let exactly = |d: Decimal| (d, d.scale(), d.is_sign_negative());
        for a in amounts() {
            let m = Money::new(a);
            let down = RoundingStrategy::ToNegativeInfinity;
            let up = RoundingStrategy::ToPositiveInfinity;
            assert_eq!(exactly(m.round_down_to_pound().amount()), exactly(a.round_dp_with_strategy(0, down)), "{a:?}");
            assert_eq!(exactly(m.round_up_to_pound().amount()), exactly(a.round_dp_with_strategy(0, up)), "{a:?}");
            assert_eq!(exactly(m.round_down_to_penny().amount()), exactly(a.round_dp_with_strategy(2, down)), "{a:?}");
        }
    }

    /// A percentage gives exactly what `Decimal`'s product and quotient give, the scale
    /// and the sign of a zero included.
    #[test]
    fn percentages_are_decimals_percentages() {
        let exactly = |d: Decimal| (d, d.scale(), d.is_sign_negative());
        let mut rates: Vec<Decimal> =
            ["0", "0.00", "-0", "1", "7.5", "8.75", "10", "20", "39.35", "45", "100", "0.001"]
                .iter()
                .map(|r| r.parse().unwrap())
                .collect();
        rates.extend(amounts().into_iter().step_by(7));
        for a in amounts() {
            for &r in &rates {
                let Some(expected) = a.checked_mul(r).and_then(|p| p.checked_div(Decimal::ONE_HUNDRED)) else {
                    continue;
                };
                assert_eq!(exactly(Money::new(a).percent(Rate::new(r)).amount()), exactly(expected), "{a:?} x {r:?}");
            }
        }
    }

    /// Products on either side of the largest a quotient worked in a `u64` can come from,
    /// each against `Decimal`'s product and quotient: the two ways of stripping the
    /// quotient's trailing zeros agree.
    #[test]
    fn percentages_near_the_narrow_limit_are_decimals() {
        let exactly = |d: Decimal| (d, d.scale(), d.is_sign_negative());
        let limit = u64::MAX / 10_000_000;
        for rate in ["1", "7", "20", "8.75", "39.35", "0.01", "45"] {
            let r: Decimal = rate.parse().unwrap();
            let r_mantissa = r.mantissa() as u64;
            let near = limit / r_mantissa;
            for m in (near - 300..near + 300).chain([1, 3, 7, 99, 12_345, 1_000_001]) {
                for s in [0_u32, 1, 2, 5, 12, 17, 18, 19, 20, 24, 26] {
                    let a = Decimal::from_i128_with_scale(m.into(), s);
                    for a in [a, -a] {
                        let Some(expected) = a.checked_mul(r).and_then(|p| p.checked_div(Decimal::ONE_HUNDRED)) else {
                            continue;
                        };
                        let got = Money::new(a).percent(Rate::new(r)).amount();
                        assert_eq!(exactly(got), exactly(expected), "{a:?} x {r:?}");
                    }
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
                assert_eq!(x == y, a == b, "{a} against {b}");
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
