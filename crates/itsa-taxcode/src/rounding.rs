//! Every rounding PAYE uses, each named after what it does and the rule it applies.
//! References are to HMRC's "Specification for PAYE Tax Table Routines" (SPEC) and the
//! PAYE Manual; docs/taxcodes.md lists them in one table.

use itsa_rules::Money;
use rust_decimal::{Decimal, RoundingStrategy};

/// Tables A: a week's or a month's share of the free (or additional) pay of the last
/// three digits of a code is rounded **up** to the next penny (SPEC 4.3.1, the "note for
/// programmers" on building Tables A).
pub fn table_value_rounded_up_to_penny(amount: Decimal) -> Money {
    Money::new(amount.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity))
}

/// Taxable pay to date is rounded **down** to whole pounds before tax is worked out
/// (SPEC 4.4; BR and D codes likewise ignore the pence of pay).
pub fn taxable_pay_rounded_down_to_pound(amount: Money) -> Money {
    amount.round_down_to_pound()
}

/// A band limit pro-rated to a point of the year, rounded **up** to whole pounds, is
/// used only to decide which band taxable pay to date has reached (SPEC 4.4: the `v`
/// values).
pub fn band_test_limit_rounded_up_to_pound(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity)
}

/// Tax due to date is rounded **down** to the penny (SPEC 4.4). `scaled` is the tax times
/// `divisor` (the number of periods in the year), exact; the division is done once here
/// so that a band limit such as 14,921/12 never has to be written as a rounded decimal.
pub fn tax_rounded_down_to_penny(scaled: Decimal, divisor: u32) -> Money {
    // `scaled * 100 / divisor` is a ratio of exact decimals with a few decimal places: when
    // it is a whole number of pence the decimal quotient is exact, and when it is not it
    // lies at least 1/(divisor x 10^places) of a penny from a whole penny, far more than
    // the 28-digit quotient's error, so taking its floor never crosses a penny boundary.
    let pence = (scaled * Decimal::ONE_HUNDRED / Decimal::from(divisor)).floor();
    Money::new(pence / Decimal::ONE_HUNDRED)
}

/// The overriding limit on one payment (50% of the pay) is rounded **down** to the
/// penny: the deduction may not exceed it (Income Tax (PAYE) Regulations 2003, the
/// "overriding limit"; SPEC parameter M).
pub fn overriding_limit_rounded_down_to_penny(amount: Money) -> Money {
    amount.round_down_to_penny()
}

/// A restriction of allowances to collect an amount through a code is rounded **up** to
/// whole pounds, so that no less than the amount is collected (PAYE13076 step 4 works in
/// whole pounds of allowance; itsa rounds up, see docs/taxcodes.md).
pub fn restriction_rounded_up_to_pound(amount: Decimal) -> Money {
    Money::new(amount.round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn each_rounding_goes_its_named_way() {
        assert_eq!(table_value_rounded_up_to_penny(dec!(2579) / dec!(52)), Money::new(dec!(49.60)));
        assert_eq!(table_value_rounded_up_to_penny(dec!(609) / dec!(12)), Money::new(dec!(50.75)));
        assert_eq!(taxable_pay_rounded_down_to_pound(Money::new(dec!(1260.99))), Money::pounds(1260));
        assert_eq!(band_test_limit_rounded_up_to_pound(dec!(14921) / dec!(12)), dec!(1244));
        assert_eq!(band_test_limit_rounded_up_to_pound(dec!(37700)), dec!(37700));
        assert_eq!(overriding_limit_rounded_down_to_penny(Money::new(dec!(500.005))), Money::new(dec!(500.00)));
        assert_eq!(restriction_rounded_up_to_pound(dec!(4766.6667)), Money::pounds(4767));
    }

    #[test]
    fn tax_is_truncated_exactly_once() {
        // 394.92 exactly, written as a multiple of 1/12: 4739.04 / 12.
        assert_eq!(tax_rounded_down_to_penny(dec!(4739.04), 12), Money::new(dec!(394.92)));
        assert_eq!(tax_rounded_down_to_penny(dec!(4739.0399), 12), Money::new(dec!(394.91)));
        assert_eq!(tax_rounded_down_to_penny(dec!(252.00), 1), Money::new(dec!(252.00)));
    }
}
