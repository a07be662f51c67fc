//! A civil date (no time, no zone): enough for dates of birth and tax-year boundaries.

use std::fmt;

/// A calendar date in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: expected YYYY-MM-DD")]
pub struct DateParseError(pub String);

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, DateParseError> {
        let err = || DateParseError(text.to_owned());
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u32, DateParseError> {
            let s = &text[r];
            if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().map_err(|_| err()) } else { Err(err()) }
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        Date::new(y as i32, m as u8, d as u8).ok_or_else(err)
    }

    pub const fn year(self) -> i32 {
        self.year
    }

    pub const fn month(self) -> u8 {
        self.month
    }

    pub const fn day(self) -> u8 {
        self.day
    }

    /// The date `years` years and `months` months later; a day that does not exist in
    /// the target month becomes the last day of that month.
    pub fn add_years_months(self, years: u32, months: u32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + (years * 12 + months) as i32;
        let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// Age in whole years on `on`.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(Date::parse("1980-01-01").unwrap().to_string(), "1980-01-01");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("1980-1-01").is_err());
        assert!(Date::parse("1980-13-01").is_err());
    }

    #[test]
    fn ages_and_month_arithmetic() {
        let dob = Date::parse("1960-04-06").unwrap();
        assert_eq!(dob.age_on(Date::parse("2026-04-05").unwrap()), 65);
        assert_eq!(dob.age_on(Date::parse("2026-04-06").unwrap()), 66);
        assert_eq!(Date::parse("2024-01-31").unwrap().add_years_months(0, 1).to_string(), "2024-02-29");
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(Date::parse("2024-04-06").unwrap().days_until(Date::parse("2025-04-06").unwrap()), 365);
        assert_eq!(Date::parse("2023-04-06").unwrap().days_until(Date::parse("2024-04-06").unwrap()), 366);
    }
}
