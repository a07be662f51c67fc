//! Small helpers for building HMRC's JSON: a light JSON tree ([`Node`]), objects built
//! field by field with optional fields ([`Obj`]), and money, whole-pound and rate
//! figures as JSON numbers.

use itsa_engine::{Money, Rate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// A JSON value as the views build it: objects are their fields in order, keyed by
/// HMRC's field names, with no map or hashing behind them. It is written out directly
/// (it is [`Serialize`]) or turned into a [`Value`] with the same fields in the same
/// order and the same text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    /// An exact decimal, written as [`number`] describes; kept as a decimal so that the
    /// common figures (pounds, pounds and pence, rates) are written without a detour
    /// through `f64`.
    Decimal(Decimal),
    /// Text fixed in the program: HMRC's names and enumerated values.
    Str(&'static str),
    /// Text from the calculation: ids and names.
    String(String),
    Array(Vec<Node>),
    /// Fields in the order they were set, each key once. Keys are field names (letters,
    /// digits and hyphens), which JSON writes as they are.
    Object(Vec<(&'static str, Node)>),
    /// A value built elsewhere.
    Value(Box<Value>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::Decimal(d) => decimal_number(*d).serialize(serializer),
            Node::Str(text) => serializer.serialize_str(text),
            Node::String(text) => serializer.serialize_str(text),
            Node::Array(items) => serializer.collect_seq(items),
            Node::Object(fields) => serializer.collect_map(fields.iter().map(|(key, value)| (key, value))),
            Node::Value(value) => value.serialize(serializer),
        }
    }
}

impl Node {
    /// Append the JSON text of this value to `out`: the text serde_json writes for it.
    /// Numbers and strings are written by serde_json itself; object keys, HMRC's field
    /// names, need no escaping and are copied as they are.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Node::Number(n) => write_serialized(out, n),
            Node::Decimal(d) => write_decimal(out, *d),
            Node::Str(text) => write_serialized(out, text),
            Node::String(text) => write_serialized(out, text),
            Node::Array(items) => {
                out.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
            Node::Object(fields) => {
                out.push(b'{');
                for (n, (key, value)) in fields.iter().enumerate() {
                    out.extend_from_slice(if n > 0 { b",\"" } else { b"\"" });
                    out.extend_from_slice(key.as_bytes());
                    out.extend_from_slice(b"\":");
                    value.write_json(out);
                }
                out.push(b'}');
            }
            Node::Value(value) => write_serialized(out, value),
        }
    }
}

/// The largest mantissa written digit by digit: below 10^15 a decimal has at most 15
/// significant digits, so the nearest `f64` prints back as the same digits (DBL_DIG), and
/// the text is the one serde_json would write for it.
const DIRECT_MANTISSA_LIMIT: u64 = 1_000_000_000_000_000;
/// The most decimal places written digit by digit: serde_json writes smaller fractions
/// (below 0.0001) in exponent form.
const DIRECT_SCALE_LIMIT: u32 = 4;

/// Append `value` as [`number`] writes it, without building a [`Number`]: whole values
/// as integers, others as their significant decimal digits. Values outside the direct
/// range go the way of [`number`].
fn write_decimal(out: &mut Vec<u8>, value: Decimal) {
    let mut scale = value.scale();
    let mut mantissa = value.mantissa().unsigned_abs();
    while scale > 0 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    let Ok(mantissa) = u64::try_from(mantissa) else {
        return write_serialized(out, &decimal_number(value));
    };
    if mantissa == 0 {
        out.push(b'0');
        return;
    }
    if scale > DIRECT_SCALE_LIMIT || mantissa >= DIRECT_MANTISSA_LIMIT {
        return write_serialized(out, &decimal_number(value));
    }
    if value.is_sign_negative() {
        out.push(b'-');
    }
    let unit = 10_u64.pow(scale);
    write_digits(out, mantissa / unit);
    if scale > 0 {
        out.push(b'.');
        let start = out.len();
        // `unit` adds a leading 1 that keeps the fraction's leading zeros.
        write_digits(out, mantissa % unit + unit);
        out.remove(start);
    }
}

/// `value` as JSON number text, as [`write_decimal`] writes it.
pub(crate) fn decimal_text(value: Decimal) -> String {
    let mut text = Vec::with_capacity(24);
    write_decimal(&mut text, value);
    // Digits, a sign, a point, or serde_json's own number text: ASCII throughout.
    String::from_utf8(text).unwrap_or_default()
}

/// Append the decimal digits of `n`.
fn write_digits(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + u8::try_from(n % 10).expect("a digit");
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `value` as serde_json writes it, appended to `out`.
fn write_serialized(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    serde_json::to_writer(out, value).expect("numbers, strings and values serialise to a Vec");
}

impl From<Node> for Value {
    fn from(node: Node) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::Decimal(d) => decimal_number(d),
            Node::Str(text) => Value::String(text.to_owned()),
            Node::String(text) => Value::String(text),
            Node::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Node::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (key, value) in fields {
                    map.insert(key.to_owned(), value.into());
                }
                Value::Object(map)
            }
            Node::Value(value) => *value,
        }
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Self {
        Node::Bool(b)
    }
}

impl From<u32> for Node {
    fn from(n: u32) -> Self {
        Node::Number(n.into())
    }
}

impl From<&'static str> for Node {
    fn from(text: &'static str) -> Self {
        Node::Str(text)
    }
}

impl From<String> for Node {
    fn from(text: String) -> Self {
        Node::String(text)
    }
}

impl From<Vec<Node>> for Node {
    fn from(items: Vec<Node>) -> Self {
        Node::Array(items)
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Self {
        Node::Value(Box::new(value))
    }
}

/// A JSON object built field by field in HMRC's order; optional fields that are `None`
/// are left out. Each field is set once.
#[derive(Debug, Default)]
pub(crate) struct Obj(Vec<(&'static str, Node)>);

impl Obj {
    pub(crate) fn new() -> Self {
        // Room for the fields of nearly every HMRC object: setting them does not move
        // the ones set before.
        Obj(Vec::with_capacity(16))
    }

    /// Set a field.
    pub(crate) fn set(mut self, key: &'static str, value: impl Into<Node>) -> Self {
        debug_assert!(is_field_name(key), "{key:?} is not a field name");
        debug_assert!(self.0.iter().all(|(k, _)| *k != key), "{key} set twice");
        self.0.push((key, value.into()));
        self
    }

    /// Set a field if there is a value for it.
    pub(crate) fn opt(self, key: &'static str, value: Option<impl Into<Node>>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    /// Set a field only when `condition` holds.
    pub(crate) fn set_if(self, condition: bool, key: &'static str, value: impl Into<Node>) -> Self {
        if condition { self.set(key, value) } else { self }
    }

    /// Set an array field unless the array is empty.
    pub(crate) fn non_empty(self, key: &'static str, items: Vec<Node>) -> Self {
        if items.is_empty() { self } else { self.set(key, items) }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object, or `None` if no field was set (HMRC leaves out empty objects).
    pub(crate) fn some_if_not_empty(self) -> Option<Node> {
        (!self.is_empty()).then(|| self.build())
    }

    pub(crate) fn build(self) -> Node {
        Node::Object(self.0)
    }
}

/// Whether `key` is a field name as HMRC writes them (`totalIncomeTaxDue`,
/// `income-tax-nics-calculated`): letters, digits and hyphens, written in JSON as they
/// are.
fn is_field_name(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An exact decimal as a JSON number: whole values as integers, others as `f64`.
///
/// `f64` is used only here, at the JSON boundary: every figure is a `Decimal` until it
/// is written out. HMRC's amounts have at most 2 decimal places and are below 10^12, so
/// `to_f64` gives the nearest double and serde_json's shortest round-trip printing
/// writes back exactly the same digits (87.5, 1234.56).
pub(crate) fn number(value: Decimal) -> Node {
    Node::Decimal(value)
}

/// [`number`] as serde_json's [`Value`]: `Null` for the (impossible) decimal no `f64`
/// can hold.
fn decimal_number(value: Decimal) -> Value {
    let value = value.normalize();
    // Normalised, a decimal is whole exactly when it has no decimal places.
    if value.scale() == 0
        && let Ok(whole) = i64::try_from(value.mantissa())
    {
        return Value::Number(Number::from(whole));
    }
    value.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

/// [`number`] as a [`Value`].
pub fn decimal(value: Decimal) -> Value {
    number(value).into()
}

/// A monetary value to 2 decimal places ("up to 2 decimal places" in HMRC's schemas).
pub(crate) fn money(amount: Money) -> Node {
    number(amount.amount())
}

/// A whole-pound figure ("No decimals" in HMRC's schemas), always a JSON integer.
/// Engine figures for these fields are already whole pounds; should one ever carry pence
/// they are dropped, as for income on a return (rounded down).
pub(crate) fn pounds(amount: Money) -> Node {
    number(amount.round_down_to_pound().amount())
}

/// A percentage rate (20 for 20%, 8.75 for 8.75%).
pub(crate) fn percent(rate: Rate) -> Node {
    number(rate.as_percent())
}

/// An array, or `None` when there are no items (HMRC leaves out empty lists).
pub(crate) fn non_empty_array(items: Vec<Node>) -> Option<Node> {
    (!items.is_empty()).then_some(Node::Array(items))
}

/// `Some(money)` when the amount is not zero: for optional fields HMRC leaves out when
/// nothing arises.
pub(crate) fn money_if_not_zero(amount: Money) -> Option<Node> {
    (!amount.is_zero()).then(|| money(amount))
}

/// `Some(pounds)` when the amount is not zero.
pub(crate) fn pounds_if_not_zero(amount: Money) -> Option<Node> {
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

    fn text(node: Node) -> String {
        serde_json::to_string(&node).unwrap()
    }

    #[test]
    fn whole_amounts_are_integers_and_others_exact_decimals() {
        assert_eq!(text(money(m("12570.00"))), "12570");
        assert!(matches!(Value::from(money(m("12570.00"))), Value::Number(n) if n.is_i64()));
        assert_eq!(text(money(m("87.50"))), "87.5");
        assert_eq!(text(money(m("1234.56"))), "1234.56");
        assert_eq!(text(money(m("0.01"))), "0.01");
        assert_eq!(text(money(m("99999999999.99"))), "99999999999.99");
        assert_eq!(text(money(m("-123.45"))), "-123.45");
        assert_eq!(text(money(m("-0.00"))), "0");
        assert_eq!(text(pounds(m("1000.99"))), "1000");
        assert_eq!(text(percent(Rate::new(Decimal::from_str("8.75").unwrap()))), "8.75");
        assert_eq!(text(percent(Rate::percent(20))), "20");
    }

    #[test]
    fn a_tree_is_written_as_its_value_is() {
        let tree = Obj::new()
            .set("name", "basic-rate")
            .set("text", "a \"quoted\" \\ line\nwith\ttabs and £ and \u{1}".to_owned())
            .set("rate", percent(Rate::new(Decimal::from_str("8.75").unwrap())))
            .set("amount", money(m("-1234.50")))
            .set("whole", pounds(m("12570.99")))
            .set("weeks", 52_u32)
            .set("flag", false)
            .set("empty", Obj::new().build())
            .set("none", Vec::<Node>::new())
            .set("list", vec![Obj::new().set("a", true).build(), Node::Null, money(m("0.01"))])
            .set("value", serde_json::json!({"z": 1, "a": [2.5, "x"]}))
            .build();
        let value = Value::from(tree.clone());
        let expected = serde_json::to_string(&value).unwrap();
        assert_eq!(text(tree.clone()), expected, "serialised");
        let mut written = Vec::new();
        tree.write_json(&mut written);
        assert_eq!(String::from_utf8(written).unwrap(), expected, "written");
        assert!(expected.starts_with(r#"{"name":"basic-rate","text":"a \"quoted\""#), "{expected}");
    }

    #[test]
    fn numbers_are_whole_exactly_when_their_fraction_is_zero() {
        for text in [
            "12570.00",
            "12570",
            "-42.000",
            "-0.00",
            "0.01",
            "87.50",
            "-123.45",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "1000000000000000.0000000000000",
            "0.0000000000000000000000000001",
        ] {
            let value = Decimal::from_str(text).unwrap();
            let normalized = value.normalize();
            let whole = normalized.fract().is_zero().then(|| normalized.to_i64()).flatten();
            let expected = match whole {
                Some(whole) => Value::from(whole),
                None => normalized.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number),
            };
            assert_eq!(Value::from(number(value)), expected, "{text}");
        }
    }

    /// Written digit by digit, a decimal gives exactly the text serde_json writes for its
    /// value: whole, with pence, with rates' places, negative, tiny and huge.
    #[test]
    fn decimals_are_written_as_serde_json_writes_them() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0.00",
            "0.01",
            "0.1",
            "0.0001",
            "0.00001",
            "0.000001",
            "1e-7",
            "87.50",
            "-123.45",
            "12570",
            "12570.000",
            "8.75",
            "39.35",
            "99999999999.99",
            "999999999999999",
            "1000000000000000",
            "-1000000000000000.5",
            "9223372036854775807",
            "18446744073709551616",
            "0.0000000000000000000000000001",
        ]
        .iter()
        .map(|t| Decimal::from_scientific(t).or_else(|_| Decimal::from_str(t)).unwrap())
        .collect();
        // Pence and rates across the range, from a fixed linear congruential sequence.
        let mut x: u64 = 20_261_207;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let mantissa = i64::try_from(x >> 16).unwrap() % 100_000_000_000_000 - 50_000_000_000_000;
            values.push(Decimal::new(mantissa >> (x % 40), u32::try_from(x % 7).unwrap()));
        }
        for value in values {
            let mut written = Vec::new();
            write_decimal(&mut written, value);
            let expected = serde_json::to_string(&decimal_number(value)).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), expected, "{value}");
        }
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
