//! The JSON documents of `shared/taxcodes/FORMAT.md` (the explanation of a code) and of
//! docs/taxcodes.md (coding out). `f64` appears only here, at the JSON boundary: every
//! figure is an exact decimal with at most two places until it is written, and such a
//! decimal's nearest double prints back as the same digits.

use itsa_rules::{Money, Rate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Number, Value, json};

use crate::coding_out::CodingOut;
use crate::explain::Explanation;

/// An exact decimal as a JSON number: whole values as integers, others as the double
/// that prints as the same digits.
pub fn decimal(value: Decimal) -> Value {
    let value = value.normalize();
    if value.fract().is_zero()
        && let Some(whole) = value.to_i64()
    {
        return Value::Number(Number::from(whole));
    }
    value.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

pub fn money(amount: Option<Money>) -> Value {
    amount.map_or(Value::Null, |m| decimal(m.amount()))
}

/// A percentage always written with a fraction (`20.0`), as FORMAT.md shows it.
pub fn percent(rate: Option<Rate>) -> Value {
    rate.and_then(|r| r.as_percent().to_f64()).and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

/// The keys of `itsa taxcode explain CODE --tax-year Y --json`, in FORMAT.md's order.
pub fn explanation(e: &Explanation) -> Map<String, Value> {
    let code = &e.code;
    let mut map = Map::new();
    map.insert("code".into(), json!(code.to_string()));
    map.insert("tax_year".into(), json!(e.tax_year.to_string()));
    map.insert("regime".into(), json!(code.regime().as_str()));
    map.insert("basis".into(), json!(code.basis().as_str()));
    map.insert("basis_marker".into(), json!(code.basis_marker().map(|m| m.as_str())));
    map.insert("kind".into(), json!(code.kind().as_str()));
    map.insert("code_number".into(), json!(code.number()));
    map.insert("suffix".into(), json!(code.suffix().map(|s| s.letter().to_string())));
    map.insert("annual_pay_adjustment".into(), money(e.annual_pay_adjustment));
    map.insert("weekly_pay_adjustment".into(), money(e.weekly_pay_adjustment));
    map.insert("monthly_pay_adjustment".into(), money(e.monthly_pay_adjustment));
    map.insert("flat_rate_pct".into(), percent(e.flat_rate));
    map
}

/// The explanation with its words: the FORMAT.md keys, then `summary`, `parts`
/// (`{"part", "meaning"}` each) and the year's `emergency_code` (the server's answer).
pub fn explanation_with_words(e: &Explanation) -> Value {
    let mut map = explanation(e);
    map.insert("summary".into(), json!(e.summary()));
    let parts: Vec<Value> = e.parts.iter().map(|p| json!({"part": p.text, "meaning": p.meaning})).collect();
    map.insert("parts".into(), Value::Array(parts));
    map.insert("emergency_code".into(), json!(e.emergency_code.to_string()));
    map.insert("is_emergency_code".into(), json!(e.is_emergency_code()));
    Value::Object(map)
}

/// The answer of `itsa taxcode coding-out --json` (documented in docs/taxcodes.md).
pub fn coding_out(c: &CodingOut) -> Value {
    let r = &c.request;
    json!({
        "tax_year": r.tax_year.to_string(),
        "debt": decimal(r.debt.amount()),
        "kind": r.kind.as_str(),
        "paye_income": decimal(r.paye_income.amount()),
        "current_code": c.current_code.to_string(),
        "regime": c.current_code.regime().as_str(),
        "limit": decimal(c.limit.amount()),
        "marginal_rate_pct": percent(c.marginal_rate),
        "restriction": money(c.restriction),
        "effective_rate_pct": percent(c.effective_rate.map(|r| Rate::new(r.as_percent().round_dp(2)))),
        "new_code": c.new_code.map(|code| code.to_string()),
        "annual_tax_before": money(c.annual_tax_before),
        "annual_tax_after": money(c.annual_tax_after),
        "extra_tax": money(c.extra_tax()),
        "would_code_out": c.would_code_out(),
        "refusals": c.refusals.iter().map(|r| json!({"code": r.code(), "message": r.to_string()})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimals_print_as_written() {
        assert_eq!(decimal(dec!(12579)).to_string(), "12579");
        assert_eq!(decimal(dec!(241.92)).to_string(), "241.92");
        assert_eq!(decimal(dec!(-396.59)).to_string(), "-396.59");
        assert_eq!(decimal(dec!(394.920)).to_string(), "394.92");
        assert_eq!(percent(Some(Rate::percent(20))).to_string(), "20.0");
    }
}
