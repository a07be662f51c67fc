//! The values in HMRC's request paths and queries, parsed once into types that can
//! only hold valid values: [`Nino`], [`CalculationId`], tax years ([`parse_tax_year`])
//! and [`CalculationType`].

use std::fmt;

use itsa_engine::TaxYear;

use crate::errors::ErrorCode;
use crate::views::SchemaVariant;
use crate::views::json::is_uuid;

/// A National Insurance number as HMRC's APIs accept it: upper case, two prefix letters,
/// six digits and, in the current rule, an optional suffix letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nino(String);

impl Nino {
    /// HMRC's current rule (calc API since February 2024): the `ninoRegex` prefix rules,
    /// six digits and an optional suffix `A`–`D` (or a space), with the prefixes BG, GB,
    /// NK, KN, TN, NT and ZZ refused. `AA123456` is accepted.
    pub fn parse(text: &str) -> Option<Nino> {
        let bytes = text.as_bytes();
        let (prefix, rest) = bytes.split_at_checked(2)?;
        let (digits, suffix) = rest.split_at_checked(6)?;
        let valid = valid_prefix(prefix[0], prefix[1])
            && digits.iter().all(u8::is_ascii_digit)
            && matches!(suffix, [] | [b'A'..=b'D' | b' ']);
        valid.then(|| Nino(text.to_owned()))
    }

    /// The rule of the v1 to v3 era (calc code before February 2024): as [`Nino::parse`]
    /// and the suffix letter `A`–`D` is mandatory, so `AA123456` is refused.
    pub fn parse_legacy(text: &str) -> Option<Nino> {
        Nino::parse(text).filter(|nino| matches!(nino.0.as_bytes().get(8), Some(b'A'..=b'D')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nino {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The prefix part of HMRC's `ninoRegex`: which second letters each first letter allows,
/// then the excluded pairs (already outside the allowed letters, checked anyway as HMRC
/// does).
fn valid_prefix(first: u8, second: u8) -> bool {
    let allowed_second: &[u8] = match first {
        b'A' | b'C' | b'E' | b'H' | b'J' | b'L' | b'M' | b'O' | b'P' | b'R' | b'S' | b'W' | b'X' | b'Y' => {
            b"ABCEGHJKLMNPRSTWXYZ"
        }
        b'B' => b"ABCEHJKLMNPRSTWXYZ",
        b'G' => b"ACEGHJKLMNPRSTWXYZ",
        b'K' | b'T' => b"ABCEGHJKLMPRSTWXYZ",
        b'N' => b"ABCEGHJLMNPRSWXYZ",
        b'Z' => b"ABCEGHJKLMNPRSTWXY",
        _ => return false,
    };
    const EXCLUDED: [&[u8; 2]; 7] = [b"BG", b"GB", b"NK", b"KN", b"TN", b"NT", b"ZZ"];
    allowed_second.contains(&second) && !EXCLUDED.contains(&&[first, second])
}

/// A calculation id: exactly 8 digits (HMRC's older ids) or a lower-case UUID of
/// version 1 to 5 with variant 8, 9, a or b, matched against the whole string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CalculationId(String);

impl CalculationId {
    pub fn parse(text: &str) -> Option<CalculationId> {
        let eight_digits = text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit());
        (eight_digits || is_uuid(text)).then(|| CalculationId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CalculationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tax year in a request path or query, by HMRC's rule for the calc API (all
/// versions): the whole string must match `20[1-9][0-9]-[1-9][0-9]`, else
/// `FORMAT_TAX_YEAR`; then the second year must be the one after the first, else
/// `RULE_TAX_YEAR_RANGE_INVALID`. So `2009-10` and `2099-00` are format errors and
/// `2019-21` a range error. Minimum years are the endpoint's to check.
pub fn parse_tax_year(text: &str) -> Result<TaxYear, ErrorCode> {
    let format = || ErrorCode::FORMAT_TAX_YEAR;
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 7
        && bytes.starts_with(b"20")
        && (b'1'..=b'9').contains(&bytes[2])
        && bytes[3].is_ascii_digit()
        && bytes[4] == b'-'
        && (b'1'..=b'9').contains(&bytes[5])
        && bytes[6].is_ascii_digit();
    if !well_formed {
        return Err(format());
    }
    let start: u16 = text[..4].parse().map_err(|_| format())?;
    let end: u16 = text[5..].parse().map_err(|_| format())?;
    if end != start % 100 + 1 {
        return Err(ErrorCode::RULE_TAX_YEAR_RANGE_INVALID);
    }
    Ok(TaxYear::starting(start))
}

/// The kinds of calculation in Individual Calculations 8.0 and 9.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalculationType {
    InYear,
    IntentToFinalise,
    IntentToAmend,
    FinalDeclaration,
    ConfirmAmendment,
}

impl CalculationType {
    pub const ALL: [CalculationType; 5] = [
        CalculationType::InYear,
        CalculationType::IntentToFinalise,
        CalculationType::IntentToAmend,
        CalculationType::FinalDeclaration,
        CalculationType::ConfirmAmendment,
    ];

    /// Parse the spelling of the v8/v9 paths and list query (`in-year`, …). Case matters.
    pub fn parse(text: &str) -> Option<CalculationType> {
        CalculationType::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The v8/v9 path and query spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculationType::InYear => "in-year",
            CalculationType::IntentToFinalise => "intent-to-finalise",
            CalculationType::IntentToAmend => "intent-to-amend",
            CalculationType::FinalDeclaration => "final-declaration",
            CalculationType::ConfirmAmendment => "confirm-amendment",
        }
    }

    /// The `metadata.calculationType` of the retrieve response in a schema variant.
    ///
    /// def1 and def2 (to 2024-25) know only `in-year` and `final-declaration`: HMRC's
    /// backend of those years files an intent-to-finalise calculation as a
    /// crystallisation, shown as `final-declaration` with
    /// `intentToSubmitFinalDeclaration: true`. def3 and def4 have all five, the declared
    /// one spelt `declare-finalisation`. Amendments cannot exist before 2025-26 (the
    /// trigger and submit rules refuse them); should one be asked for, it is written as
    /// `final-declaration` so the response stays valid.
    pub const fn metadata_name(self, variant: SchemaVariant) -> &'static str {
        match (variant, self) {
            (SchemaVariant::Def1 | SchemaVariant::Def2, CalculationType::InYear) => "in-year",
            (SchemaVariant::Def1 | SchemaVariant::Def2, _) => "final-declaration",
            (_, CalculationType::FinalDeclaration) => "declare-finalisation",
            (_, other) => other.as_str(),
        }
    }
}

impl fmt::Display for CalculationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_nino_rule() {
        for good in ["AA123456A", "AA123456", "AB123456D", "ZY000000", "AA123456 ", "CR000000C"] {
            assert!(Nino::parse(good).is_some(), "{good:?}");
        }
        for bad in [
            "aa123456a",
            "AA123456E",
            "AA12345",
            "AA1234567",
            "AA123456AA",
            "DA123456A", // D is never a first letter
            "AD123456A", // nor D a second
            "AO123456A", // O is never a second letter
            "BG123456A",
            "GB123456A",
            "NK123456A",
            "KN123456A",
            "TN123456A",
            "NT123456A",
            "ZZ123456A",
            "",
            "AA 12 34 56 A",
        ] {
            assert!(Nino::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(Nino::parse("AA123456A").unwrap().to_string(), "AA123456A");
    }

    #[test]
    fn legacy_nino_rule_needs_the_suffix_letter() {
        assert!(Nino::parse_legacy("AA123456A").is_some());
        assert!(Nino::parse_legacy("AA123456").is_none());
        assert!(Nino::parse_legacy("AA123456 ").is_none());
        assert!(Nino::parse_legacy("aa123456a").is_none());
        assert_eq!(Nino::parse_legacy("AA123456D").unwrap().as_str(), "AA123456D");
    }

    #[test]
    fn calculation_ids() {
        for good in ["12345678", "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c", "717f3a7a-db8e-11e9-8a34-2a2ae2dbcce4"] {
            assert_eq!(CalculationId::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "bad-id",
            "1234567",
            "123456789",
            "F2FB30E5-4AB6-4A29-B3C1-C7264259FF1C",
            "f2fb30e5-4ab6-6a29-b3c1-c7264259ff1c", // version 6
            "f2fb30e5-4ab6-4a29-c3c1-c7264259ff1c", // variant c
            "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c0",
            "12345678-4ab6-4a29-b3c1-c7264259ff1",
            "",
        ] {
            assert!(CalculationId::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn tax_years() {
        assert_eq!(parse_tax_year("2025-26"), Ok(TaxYear::starting(2025)));
        assert_eq!(parse_tax_year("2010-11"), Ok(TaxYear::starting(2010)));
        assert_eq!(parse_tax_year("2015-16"), Ok(TaxYear::starting(2015)));
        for format in
            ["2025", "2099-00", "2009-10", "1999-00", "2025-6", "2025/26", " 2025-26", "2025-26 ", "20x5-26", ""]
        {
            assert_eq!(parse_tax_year(format), Err(ErrorCode::FORMAT_TAX_YEAR), "{format:?}");
        }
        for range in ["2025-27", "2019-21", "2020-19", "2099-10"] {
            assert_eq!(parse_tax_year(range), Err(ErrorCode::RULE_TAX_YEAR_RANGE_INVALID), "{range:?}");
        }
    }

    #[test]
    fn calculation_types() {
        for t in CalculationType::ALL {
            assert_eq!(CalculationType::parse(t.as_str()), Some(t));
        }
        assert_eq!(CalculationType::parse("In-Year"), None);
        assert_eq!(CalculationType::parse("inYear"), None);
        assert_eq!(CalculationType::parse(""), None);
    }

    #[test]
    fn metadata_names_per_variant() {
        use CalculationType::*;
        for old in [SchemaVariant::Def1, SchemaVariant::Def2] {
            assert_eq!(InYear.metadata_name(old), "in-year");
            assert_eq!(IntentToFinalise.metadata_name(old), "final-declaration");
            assert_eq!(FinalDeclaration.metadata_name(old), "final-declaration");
        }
        for new in [SchemaVariant::Def3, SchemaVariant::Def4] {
            assert_eq!(InYear.metadata_name(new), "in-year");
            assert_eq!(IntentToFinalise.metadata_name(new), "intent-to-finalise");
            assert_eq!(IntentToAmend.metadata_name(new), "intent-to-amend");
            assert_eq!(FinalDeclaration.metadata_name(new), "declare-finalisation");
            assert_eq!(ConfirmAmendment.metadata_name(new), "confirm-amendment");
        }
    }
}
