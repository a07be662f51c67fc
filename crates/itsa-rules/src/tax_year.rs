//! Tax years and regimes.

use std::fmt;
use std::str::FromStr;

use crate::date::Date;

/// A UK tax year, 6 April to 5 April, written `2024-25`.
///
/// Any well-formed tax year can be held; whether itsa has rules for it is a separate
/// question answered by [`crate::Rules::for_year`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaxYear(u16);

/// Why a string is not a tax year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a tax year: expected the form 2024-25, two consecutive years")]
pub struct TaxYearParseError(pub String);

impl TaxYear {
    /// The first tax year itsa has rules for.
    pub const FIRST_SUPPORTED: TaxYear = TaxYear(2017);
    /// The last tax year itsa has rules for.
    pub const LAST_SUPPORTED: TaxYear = TaxYear(2026);

    /// The tax year starting on 6 April of `year`.
    pub const fn starting(year: u16) -> Self {
        TaxYear(year)
    }

    /// Parse `2024-25`.
    pub fn parse(text: &str) -> Result<Self, TaxYearParseError> {
        let err = || TaxYearParseError(text.to_owned());
        let (start, end) = text.split_once('-').ok_or_else(err)?;
        if start.len() != 4 || end.len() != 2 || !start.bytes().chain(end.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let start: u16 = start.parse().map_err(|_| err())?;
        let end: u16 = end.parse().map_err(|_| err())?;
        if (start + 1) % 100 != end || start < 1900 {
            return Err(err());
        }
        Ok(TaxYear(start))
    }

    /// The calendar year in which the tax year starts (2024 for 2024-25).
    pub const fn start_year(self) -> u16 {
        self.0
    }

    /// The tax year a day falls in (6 April to 5 April). Years outside `u16` are held
    /// at its bounds; no such date is ever a supported year.
    pub fn containing(date: Date) -> TaxYear {
        let year = date.year().clamp(1, i32::from(u16::MAX)) as u16;
        if (date.month(), date.day()) >= (4, 6) { TaxYear(year) } else { TaxYear(year - 1) }
    }

    /// 6 April, the first day of the tax year.
    pub fn first_day(self) -> Date {
        Date::new(self.0 as i32, 4, 6).expect("6 April is a date")
    }

    /// 5 April, the last day of the tax year.
    pub fn last_day(self) -> Date {
        Date::new(self.0 as i32 + 1, 4, 5).expect("5 April is a date")
    }

    pub fn is_supported(self) -> bool {
        (Self::FIRST_SUPPORTED..=Self::LAST_SUPPORTED).contains(&self)
    }

    /// Every tax year itsa has rules for, oldest first.
    pub fn supported() -> impl Iterator<Item = TaxYear> {
        (Self::FIRST_SUPPORTED.0..=Self::LAST_SUPPORTED.0).map(TaxYear)
    }

    pub fn next(self) -> TaxYear {
        TaxYear(self.0 + 1)
    }

    pub fn previous(self) -> TaxYear {
        TaxYear(self.0 - 1)
    }
}

impl fmt::Display for TaxYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1) % 100)
    }
}

impl FromStr for TaxYear {
    type Err = TaxYearParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaxYear::parse(s)
    }
}

/// Which income tax rates apply to a taxpayer's non-savings income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Regime {
    /// England and Northern Ireland ("rUK").
    RestOfUk,
    /// Scottish taxpayers (ITA 2007 s11A).
    Scotland,
    /// Welsh taxpayers (Welsh rates of income tax from 2019-20; the same combined rates as rUK).
    Wales,
}

/// Why a string is not a regime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a regime: expected rUK, Scotland or Wales")]
pub struct RegimeParseError(pub String);

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::RestOfUk, Regime::Scotland, Regime::Wales];

    /// Parse the case-file spelling: `rUK`, `Scotland`, `Wales`.
    pub fn parse(text: &str) -> Result<Self, RegimeParseError> {
        match text {
            "rUK" => Ok(Regime::RestOfUk),
            "Scotland" => Ok(Regime::Scotland),
            "Wales" => Ok(Regime::Wales),
            other => Err(RegimeParseError(other.to_owned())),
        }
    }

    /// The case-file spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Regime::RestOfUk => "rUK",
            Regime::Scotland => "Scotland",
            Regime::Wales => "Wales",
        }
    }

    /// HMRC's `nationalRegime` value: "UK", "Scotland" or "Wales".
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            Regime::RestOfUk => "UK",
            Regime::Scotland => "Scotland",
            Regime::Wales => "Wales",
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_falls_in_the_tax_year_that_starts_on_the_6_april_before_it() {
        let of = |d: &str| TaxYear::containing(Date::parse(d).unwrap()).to_string();
        assert_eq!(of("2025-04-05"), "2024-25");
        assert_eq!(of("2025-04-06"), "2025-26");
        assert_eq!(of("2026-01-20"), "2025-26");
    }

    #[test]
    fn parses_and_prints_tax_years() {
        let y = TaxYear::parse("2024-25").unwrap();
        assert_eq!(y.start_year(), 2024);
        assert_eq!(y.to_string(), "2024-25");
        assert_eq!(TaxYear::parse("1999-00").unwrap().to_string(), "1999-00");
        for bad in ["2024-26", "2024/25", "24-25", "2024-5", "x024-25", "", "2024-25 "] {
            assert!(TaxYear::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn supported_range_is_ten_years() {
        let years: Vec<_> = TaxYear::supported().map(|y| y.to_string()).collect();
        assert_eq!(years.first().unwrap(), "2017-18");
        assert_eq!(years.last().unwrap(), "2026-27");
        assert_eq!(years.len(), 10);
    }

    #[test]
    fn regimes_round_trip() {
        for r in Regime::ALL {
            assert_eq!(Regime::parse(r.as_str()).unwrap(), r);
        }
        assert!(Regime::parse("England").is_err());
    }
}
