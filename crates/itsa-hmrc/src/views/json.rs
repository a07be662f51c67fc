//! Small helpers for building HMRC's JSON: objects with optional fields, and money,
//! whole-pound and rate figures as JSON numbers.

use itsa_engine::{Money, Rate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Number, Value};

/// A JSON object built field by field in HMRC's order; optional fields that are `None`
/// are left out.
#[derive(Debug, Default)]
pub(crate) struct Obj(Map<String, Value>);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(Map::new())
    }

    /// Set a field.
    pub(crate) fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    /// Set a field if there is a value for it.
    pub(crate) fn opt(self, key: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    /// Set a field only when `condition` holds.
    pub(crate) fn set_if(self, condition: bool, key: &str, value: impl Into<Value>) -> Self {
        if condition { self.set(key, value) } else { self }
    }

    /// Set an array field unless the array is empty.
    pub(crate) fn non_empty(self, key: &str, items: Vec<Value>) -> Self {
        if items.is_empty() { self } else { self.set(key, items) }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object, or `None` if no field was set (HMRC leaves out empty objects).
    pub(crate) fn some_if_not_empty(self) -> Option<Value> {
        (!self.is_empty()).then(|| self.build())
    }

    pub(crate) fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// An exact decimal as a JSON number: whole values as integers, others as `f64`.
///
/// `f64` is used only here, at the JSON boundary: every figure is a `Decimal` until it
/// is written out. HMRC's amounts have at most 2 decimal places and are below 10^12, so
/// `to_f64` gives the nearest double and serde_json's shortest round-trip printing
/// writes back exactly the same digits (87.5, 1234.56).
pub fn decimal(value: Decimal) -> Value {
    let value = value.normalize();
    if value.fract().is_zero()
        && let Some(whole) = value.to_i64()
    {
        return Value::Number(Number::from(whole));
    }
    value.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

/// A monetary value to 2 decimal places ("up to 2 decimal places" in HMRC's schemas).
pub(crate) fn money(amount: Money) -> Value {
    decimal(amount.amount())
}

/// A whole-pound figure ("No decimals" in HMRC's schemas), always a JSON integer.
/// Engine figures for these fields are already whole pounds; should one ever carry pence
/// they are dropped, as for income on a return (rounded down).
pub(crate) fn pounds(amount: Money) -> Value {
    decimal(amount.round_down_to_pound().amount())
}

/// A percentage rate (20 for 20%, 8.75 for 8.75%).
pub(crate) fn percent(rate: Rate) -> Value {
    decimal(rate.as_percent())
}

/// An array, or `None` when there are no items (HMRC leaves out empty lists).
pub(crate) fn non_empty_array(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

/// `Some(money)` when the amount is not zero: for optional fields HMRC leaves out when
/// nothing arises.
pub(crate) fn money_if_not_zero(amount: Money) -> Option<Value> {
    (!amount.is_zero()).then(|| money(amount))
}

/// `Some(pounds)` when the amount is not zero.
pub(crate) fn pounds_if_not_zero(amount: Money) -> Option<Value> {
    (!amount.is_zero()).then(|| pounds(amount))
}

/// Whether `id` matches HMRC's business and account id pattern `^[A-Za-z0-9]{15}$`
/// (XAIS12345678901).
pub(crate) fn is_income_source_id(id: &str) -> bool {
    id.len() == 15 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `id` matches HMRC's UUID pattern for employments and state benefits:
/// `^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            14 => (b'1'..=b'5').contains(&b),
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn m(text: &str) -> Money {
        Money::new(Decimal::from_str(text).unwrap())
    }

    #[test]
    fn whole_amounts_are_integers_and_others_exact_decimals() {
        assert_eq!(money(m("12570.00")).to_string(), "12570");
        assert!(money(m("12570.00")).is_i64());
        assert_eq!(money(m("87.50")).to_string(), "87.5");
        assert_eq!(money(m("1234.56")).to_string(), "1234.56");
        assert_eq!(money(m("0.01")).to_string(), "0.01");
        assert_eq!(money(m("99999999999.99")).to_string(), "99999999999.99");
        assert_eq!(money(m("-123.45")).to_string(), "-123.45");
        assert_eq!(pounds(m("1000.99")).to_string(), "1000");
        assert_eq!(percent(Rate::new(Decimal::from_str("8.75").unwrap())).to_string(), "8.75");
        assert_eq!(percent(Rate::percent(20)).to_string(), "20");
    }

    #[test]
    fn id_patterns() {
        assert!(is_income_source_id("XAIS12345678901"));
        assert!(!is_income_source_id("uk-property"));
        assert!(is_uuid("0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f"));
        assert!(!is_uuid("0F9E8D7C-6b5a-4c3d-8e1f-2a3b4c5d6e7f"));
        assert!(!is_uuid("Acme Ltd"));
    }
}
