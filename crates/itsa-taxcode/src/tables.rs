//! HMRC's pay adjustment tables (Tables A): how much pay is free of tax (suffix codes) or
//! added to taxable pay (K codes) for a week, a month and the year.
//!
//! SPEC 4.3.1, the "note for programmers": for a code number `n` of 1 or more, let
//! `q, r = divmod(n - 1, 500)` and `r = r + 1`. A period's value is
//! `(10r + 9) / P` rounded up to the penny, plus `q` times the value of 500 code points
//! for the period (£96.16 a week, £416.67 a month), where `P` is 52 or 12. On the
//! cumulative basis the value to date at week or month `t` is `t` times the period's
//! value, not rounded again. Two-weekly and four-weekly pay use the weekly table at weeks
//! 2, 4, …; the published rounded thresholds ("£242 a week") are never used here.

use itsa_rules::Money;
use rust_decimal::Decimal;

use crate::rounding::table_value_rounded_up_to_penny;

/// Which of HMRC's tables a payment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Weekly,
    Monthly,
}

impl Table {
    /// Periods in a year for the table: 52 weeks or 12 months.
    pub const fn periods_in_year(self) -> u32 {
        match self {
            Table::Weekly => 52,
            Table::Monthly => 12,
        }
    }

    /// The table's figure for 500 code points (5,000 pounds a year): £96.16 a week and
    /// £416.67 a month (Tables A; each is 5,000/P rounded up to the penny).
    pub fn per_500_points(self) -> Money {
        match self {
            Table::Weekly => Money::new(Decimal::new(9616, 2)),
            Table::Monthly => Money::new(Decimal::new(41667, 2)),
        }
    }
}

/// How often the employee is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayFrequency {
    Weekly,
    TwoWeekly,
    FourWeekly,
    Monthly,
}

impl PayFrequency {
    pub const ALL: [PayFrequency; 4] =
        [PayFrequency::Weekly, PayFrequency::TwoWeekly, PayFrequency::FourWeekly, PayFrequency::Monthly];

    /// `weekly`, `two-weekly`, `four-weekly` or `monthly`.
    pub fn parse(text: &str) -> Option<PayFrequency> {
        PayFrequency::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            PayFrequency::Weekly => "weekly",
            PayFrequency::TwoWeekly => "two-weekly",
            PayFrequency::FourWeekly => "four-weekly",
            PayFrequency::Monthly => "monthly",
        }
    }

    pub const fn table(self) -> Table {
        match self {
            PayFrequency::Monthly => Table::Monthly,
            _ => Table::Weekly,
        }
    }

    /// How many of the table's periods one payment covers (a two-weekly payment is two
    /// weeks of the weekly table).
    pub const fn table_periods_per_payment(self) -> u32 {
        match self {
            PayFrequency::Weekly | PayFrequency::Monthly => 1,
            PayFrequency::TwoWeekly => 2,
            PayFrequency::FourWeekly => 4,
        }
    }

    /// Regular paydays in a tax year: 52, 26, 13 or 12.
    pub const fn regular_paydays(self) -> u32 {
        self.table().periods_in_year() / self.table_periods_per_payment()
    }

    /// The last payday number a tax year can have: week 53 for weekly pay, the 27th
    /// two-weekly or 14th four-weekly payday (weeks 54 and 56), month 12 (PAYE70015).
    pub const fn last_payday(self) -> u32 {
        match self {
            PayFrequency::Monthly => 12,
            _ => self.regular_paydays() + 1,
        }
    }
}

/// Tables A: the pay adjustment for one period of `table` for code number `number`
/// (free pay for a suffix code, additional pay for a K code). Zero for `0T`.
pub fn period_value(number: u32, table: Table) -> Money {
    if number == 0 {
        return Money::ZERO;
    }
    let (q, r) = ((number - 1) / 500, (number - 1) % 500 + 1);
    let share = Decimal::from(10 * r + 9) / Decimal::from(table.periods_in_year());
    table_value_rounded_up_to_penny(share) + table.per_500_points().times(q)
}

/// The annual pay adjustment: `10n + 9` pounds (a code number stands for allowances
/// with their last digit dropped, so the tables allow the most that digit could have
/// been). Zero for `0T`.
pub fn annual_value(number: u32) -> Money {
    if number == 0 { Money::ZERO } else { Money::pounds(i64::from(number) * 10 + 9) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn week(n: u32) -> Decimal {
        period_value(n, Table::Weekly).amount()
    }

    fn month(n: u32) -> Decimal {
        period_value(n, Table::Monthly).amount()
    }

    #[test]
    fn matches_hmrc_figures() {
        // The reference's examples, confirmed by HMRC's developer test data.
        assert_eq!(week(1257), dec!(241.92));
        assert_eq!(month(1257), dec!(1048.26));
        assert_eq!(week(510), dec!(98.26));
        assert_eq!(month(560), dec!(467.42));
        assert_eq!(month(255), dec!(213.25));
        assert_eq!(week(1185), dec!(228.07));
        assert_eq!(month(1185), dec!(988.26));
        assert_eq!(week(1150), dec!(221.34));
        assert_eq!(month(1250), dec!(1042.43));
        assert_eq!(week(29), dec!(5.75));
        assert_eq!(month(29), dec!(24.92));
        assert_eq!(month(0), dec!(0));
        assert_eq!(annual_value(1257), Money::pounds(12579));
        assert_eq!(annual_value(0), Money::ZERO);
    }

    #[test]
    fn the_500_point_figures_are_5000_over_the_periods_rounded_up() {
        for table in [Table::Weekly, Table::Monthly] {
            let exact = dec!(5000) / Decimal::from(table.periods_in_year());
            assert_eq!(table.per_500_points(), table_value_rounded_up_to_penny(exact));
        }
    }

    #[test]
    fn each_period_value_is_never_below_its_share_of_the_year() {
        for n in [1, 9, 10, 499, 500, 501, 999, 1000, 1001, 1257, 99_999, 999_999] {
            for table in [Table::Weekly, Table::Monthly] {
                let year = period_value(n, table).times(table.periods_in_year());
                let excess = year - annual_value(n);
                assert!(!excess.is_negative(), "{n} {table:?}");
                // 1p per period of rounding at most, plus the 500-point figure's rounding.
                let bound = Decimal::from(table.periods_in_year()) * (dec!(0.01) + dec!(0.01) * Decimal::from(n / 500));
                assert!(excess.amount() <= bound, "{n} {table:?}: {excess}");
            }
        }
    }

    #[test]
    fn paydays_in_a_year() {
        assert_eq!(PayFrequency::Weekly.last_payday(), 53);
        assert_eq!(PayFrequency::TwoWeekly.last_payday(), 27);
        assert_eq!(PayFrequency::FourWeekly.last_payday(), 14);
        assert_eq!(PayFrequency::Monthly.last_payday(), 12);
        for f in PayFrequency::ALL {
            assert_eq!(PayFrequency::parse(f.as_str()), Some(f));
        }
    }
}
