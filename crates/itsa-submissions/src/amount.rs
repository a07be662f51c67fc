//! The scalar values of HMRC's request bodies: amounts of money, dates and identifiers,
//! each checked on reading against the rule HMRC's schemas give it.
//!
//! An amount is read from the JSON number exactly as written (serde_json prints a number
//! back in its shortest exact form, so no binary rounding reaches the engine), and written
//! back the same way.

use std::fmt;
use std::str::FromStr;

use itsa_engine::{Date, Money};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount HMRC's submission schemas accept: 99,999,999,999.99.
pub const MAXIMUM: Decimal = Decimal::from_parts(1_316_134_911, 2_328, 0, false, 2);

fn read_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let text = n.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| serde::de::Error::custom(format!("{text} is not an amount of money")))
}

fn write_decimal<S: Serializer>(value: Decimal, s: S) -> Result<S::Ok, S::Error> {
    let value = value.normalize();
    if value.fract().is_zero()
        && let Some(whole) = value.to_i64()
    {
        return s.serialize_i64(whole);
    }
    s.serialize_f64(value.to_f64().unwrap_or_default())
}

fn check(value: Decimal, minimum: Decimal) -> Result<Decimal, String> {
    // Normalising only lowers the scale: an amount written to two places or fewer is in
    // pence without it.
    if value.scale() > 2 && value.normalize().scale() > 2 {
        return Err(format!("{value} has more than two decimal places: amounts are pounds and pence"));
    }
    if value < minimum {
        return Err(if minimum.is_zero() {
            format!("{value} is negative, which this amount cannot be")
        } else {
            format!("{value} is less than the smallest amount accepted, {minimum}")
        });
    }
    if value > MAXIMUM {
        return Err(format!("{value} is more than the largest amount accepted, {MAXIMUM}"));
    }
    Ok(value)
}

macro_rules! amount_type {
    ($(#[$doc:meta])* $name:ident, $minimum:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name(Money);

        impl $name {
            /// The amount, if it is within this type's range and in whole pence.
            pub fn new(value: Decimal) -> Result<Self, String> {
                check(value, $minimum).map(|v| $name(Money::new(v)))
            }

            pub const fn money(self) -> Money {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $name::new(read_decimal(d)?).map_err(serde::de::Error::custom)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                write_decimal(self.0.amount(), s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.amount().fmt(f)
            }
        }
    };
}

amount_type!(
    /// An amount of 0 to 99,999,999,999.99 in pounds and pence: HMRC's usual money field
    /// (`"minimum": 0, "maximum": 99999999999.99, "multipleOf": 0.01`).
    Amount,
    Decimal::ZERO
);

amount_type!(
    /// An amount that may be negative, -99,999,999,999.99 to 99,999,999,999.99: HMRC's
    /// adjustments, losses and tax refunded (`"minimum": -99999999999.99`).
    SignedAmount,
    -MAXIMUM
);

/// Money of an optional field: zero when the field is absent.
pub fn or_zero<T: Into<Money> + Copy>(value: Option<T>) -> Money {
    value.map_or(Money::ZERO, Into::into)
}

impl From<Amount> for Money {
    fn from(a: Amount) -> Money {
        a.0
    }
}

impl From<SignedAmount> for Money {
    fn from(a: SignedAmount) -> Money {
        a.0
    }
}

/// A calendar date written `YYYY-MM-DD` (HMRC's `format: date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate(pub Date);

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map(IsoDate).map_err(|e| serde::de::Error::custom(format!("'{text}': {e}")))
    }
}

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_is_hmrcs() {
        assert_eq!(MAXIMUM.to_string(), "99999999999.99");
    }

    #[test]
    fn amounts_are_read_exactly_and_checked() {
        let a: Amount = serde_json::from_str("12345.67").unwrap();
        assert_eq!(a.money().amount().to_string(), "12345.67");
        assert_eq!(serde_json::to_string(&a).unwrap(), "12345.67");
        let whole: Amount = serde_json::from_str("1500.00").unwrap();
        assert_eq!(serde_json::to_string(&whole).unwrap(), "1500");
        for (text, why) in [
            ("-1", "negative"),
            ("0.001", "more than two decimal places"),
            ("100000000000", "more than the largest"),
            ("\"5\"", "invalid type"),
        ] {
            let e = serde_json::from_str::<Amount>(text).unwrap_err().to_string();
            assert!(e.contains(why), "{text}: {e}");
        }
        let s: SignedAmount = serde_json::from_str("-99999999999.99").unwrap();
        assert!(s.money().is_negative());
        assert!(serde_json::from_str::<SignedAmount>("-100000000000").is_err());
    }

    #[test]
    fn dates_are_calendar_dates() {
        let d: IsoDate = serde_json::from_str("\"2025-04-06\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2025-04-06\"");
        assert!(serde_json::from_str::<IsoDate>("\"2025-02-30\"").is_err());
        assert!(serde_json::from_str::<IsoDate>("\"6/4/2025\"").is_err());
    }
}
