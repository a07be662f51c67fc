//! The request bodies of HMRC's income-submission APIs, one type per endpoint, typed from
//! HMRC's request schemas (`schemas/…/request.json` of each API version).
//!
//! Each type accepts exactly the fields of HMRC's schema, in any of the schema's variants
//! by tax year, and refuses any other field: a misspelt field must never be dropped
//! silently and leave a wrong bill. What a schema says beyond types (patterns, lengths,
//! fields that only some tax years have, HMRC's business rules that need no server) is
//! checked by [`Check::check`], which names the field.
//!
//! The checks the bodies share are here: empty bodies, objects and arrays
//! ([`INCORRECT_OR_EMPTY`]), and HMRC's text patterns such as its reference pattern.

use itsa_engine::TaxYear;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::amount::{Amount, IsoDate, SignedAmount};

pub mod accounts;
pub mod bsas;
pub mod business_details;
pub mod capital_gains;
pub mod charges;
pub mod cis;
pub mod disclosures;
pub mod dividends;
pub mod employments;
pub mod expenses;
pub mod foreign_income;
pub mod insurance_policies;
pub mod losses;
pub mod other_income;
pub mod pensions_income;
pub mod property;
pub mod reliefs;
pub mod savings;
pub mod self_employment;
pub mod state_benefits;

/// Why HMRC would refuse a body: the field (a JSON path such as
/// `periodExpenses/consolidatedExpenses`, `/` for the body itself), HMRC's error code and
/// a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message} ({code})")]
pub struct BodyError {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

impl BodyError {
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        BodyError { path: path.into(), code, message: message.into() }
    }

    /// A value of the wrong form (HMRC's `FORMAT_…` errors).
    pub fn format(path: impl Into<String>, message: impl Into<String>) -> Self {
        BodyError::new(path, "FORMAT_VALUE", message)
    }

    /// An empty body, object or array, or a missing required field ([`INCORRECT_OR_EMPTY`]).
    pub fn incorrect_or_empty(path: impl Into<String>, message: impl Into<String>) -> Self {
        BodyError::new(path, INCORRECT_OR_EMPTY, message)
    }

    /// An empty object or array at `path`, or an empty body (`/`; `""` is taken as `/`).
    pub fn empty(path: &str) -> Self {
        BodyError::incorrect_or_empty(if path.is_empty() { "/" } else { path }, "must not be empty")
    }
}

/// HMRC's code for an empty body, an empty object or array within one, or a missing
/// field that the schema requires.
pub const INCORRECT_OR_EMPTY: &str = "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED";

/// Refuse an object or body with none of its optional fields: HMRC refuses empty objects
/// anywhere in a body.
pub(crate) fn refuse_empty<T: Default + PartialEq>(value: &T, path: &str) -> Result<(), BodyError> {
    if *value == T::default() {
        return Err(BodyError::empty(path));
    }
    Ok(())
}

/// Refuse an array that is present but has no items.
pub(crate) fn refuse_empty_array<T>(items: &Option<Vec<T>>, path: &str) -> Result<(), BodyError> {
    if items.as_ref().is_some_and(Vec::is_empty) {
        return Err(BodyError::incorrect_or_empty(path, "must not be an empty array"));
    }
    Ok(())
}

/// What a body's schema and HMRC's server-free rules say beyond its types.
pub trait Check {
    /// `year` is the tax year the body is for (the path's, or the one its dates fall in).
    fn check(&self, year: TaxYear) -> Result<(), BodyError>;
}

/// Refuse `field` when it is present but not in the schema variant of `year`: HMRC's
/// schema for that year does not have it. `first`/`last` bound the years that have it
/// (start years, so 2024 is 2024-25).
pub fn only_in_years(
    present: bool,
    path: &str,
    year: TaxYear,
    first: Option<u16>,
    last: Option<u16>,
) -> Result<(), BodyError> {
    let start = year.start_year();
    let inside = first.is_none_or(|f| start >= f) && last.is_none_or(|l| start <= l);
    if present && !inside {
        return Err(BodyError::incorrect_or_empty(path, format!("is not in HMRC's schema for {year}")));
    }
    Ok(())
}

/// Refuse a string whose length in characters is outside `min..=max` (`minLength`,
/// `maxLength`).
pub fn check_length(value: &str, path: &str, min: usize, max: usize) -> Result<(), BodyError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(BodyError::format(path, format!("'{value}' must be {min} to {max} characters long")));
    }
    Ok(())
}

/// HMRC refuses dates outside the years 1900 to 2099 as badly formed, with `code`.
pub(crate) fn check_date_years(date: IsoDate, path: &str, code: &'static str) -> Result<(), BodyError> {
    if !(1900..=2099).contains(&date.0.year()) {
        return Err(BodyError::new(path, code, format!("{} is outside the years 1900 to 2099", date.0)));
    }
    Ok(())
}

// --- Text checks shared by the income APIs -------------------------------------------

/// Refuse `value` unless it is `min..=max` characters long and each character is
/// `allowed`: HMRC's `^[…]{min,max}$` patterns, refused with HMRC's FORMAT error `code`
/// for the field.
pub(crate) fn check_pattern(
    value: &str,
    path: &str,
    code: &'static str,
    (min, max): (usize, usize),
    allowed: impl Fn(char) -> bool,
) -> Result<(), BodyError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(BodyError::new(path, code, format!("'{value}' must be {min} to {max} characters long")));
    }
    if let Some(bad) = value.chars().find(|&c| !allowed(c)) {
        return Err(BodyError::new(path, code, format!("'{value}' may not contain '{bad}'")));
    }
    Ok(())
}

/// HMRC's reference pattern ``^[0-9a-zA-Z{À-˿’}\- _&`():.'^]{1,max}$`` (customer
/// references, names, descriptions), refused with HMRC's `code` for the field.
pub(crate) fn check_reference(value: &str, path: &str, code: &'static str, max: usize) -> Result<(), BodyError> {
    check_pattern(value, path, code, (1, max), is_reference_char)
}

/// A character that ends a line: what the `.` of HMRC's (Java) patterns does not match.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Any character but a line break: the `.` of HMRC's `^.{1,105}$` patterns.
pub(crate) fn is_line_char(c: char) -> bool {
    !is_line_break(c)
}

/// A character of HMRC's reference pattern ``[0-9a-zA-Z{À-˿’}\- _&`():.'^]``: letters
/// and digits, the Latin letters with accents (U+00C0 to U+02FF), braces, the curly and
/// straight apostrophes and ``- _&`():.^``.
pub(crate) fn is_reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{C0}'..='\u{2FF}').contains(&c)
        || matches!(c, '{' | '}' | '’' | '-' | ' ' | '_' | '&' | '`' | '(' | ')' | ':' | '.' | '\'' | '^')
}

/// A country as HMRC's schemas write it: three capital letters, ISO 3166-1 alpha-3
/// (`"FRA"`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(CountryCode(text))
        } else {
            Err(serde::de::Error::custom(format!("'{text}' is not a three-letter ISO 3166 country code")))
        }
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_characters_follow_hmrc_pattern() {
        assert!(check_reference("Ünïcode ’ref’ (1):^_`&", "p", "C", 90).is_ok());
        assert!(check_reference("", "p", "C", 90).is_err());
        assert!(check_reference(&"a".repeat(91), "p", "C", 90).is_err());
        assert!(check_reference(&"a".repeat(105), "p", "C", 105).is_ok());
        assert!(check_reference("a,b", "p", "C", 90).is_err());
        assert!(check_reference("Ω", "p", "C", 90).is_err());
    }

    #[test]
    fn an_empty_body_is_at_the_root() {
        let e = BodyError::empty("");
        assert_eq!((e.path.as_str(), e.code), ("/", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"));
        assert_eq!(BodyError::empty("losses").path, "losses");
    }
}
