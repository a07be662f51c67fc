//! Tax-code cases (`shared/taxcodes/FORMAT.md`): one JSON object per line in, one out.

use std::str::FromStr;

use itsa_rules::{Money, TaxYear};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value, json};

use crate::code::TaxCode;
use crate::explain::explain;
use crate::json;
use crate::pay::{Payment, tax_on_payment};
use crate::tables::PayFrequency;

/// An amount as written in the case (a JSON number), read as an exact decimal: serde_json
/// prints a number back in its shortest exact form, so no binary rounding reaches the
/// arithmetic.
#[derive(Debug, Clone, Copy)]
struct Amount(Money);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(|v| Amount(Money::new(v)))
            .map_err(|_| serde::de::Error::custom(format!("{text} is not an amount of money")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    code: String,
    tax_year: String,
    pay_frequency: Option<String>,
    period: Option<u32>,
    pay_this_period: Option<Amount>,
    pay_to_date: Option<Amount>,
    tax_deducted_previous_periods: Option<Amount>,
    // Test files carry these four; they are not inputs.
    #[serde(default, rename = "expected")]
    _expected: Option<IgnoredAny>,
    #[serde(default, rename = "source")]
    _source: Option<IgnoredAny>,
    #[serde(default, rename = "working")]
    _working: Option<IgnoredAny>,
    #[serde(default, rename = "tolerance")]
    _tolerance: Option<IgnoredAny>,
}

/// The four keys `pay` adds to the explanation.
const PAY_KEYS: [&str; 4] = ["pay_adjustment_to_date", "taxable_pay_to_date", "tax_due_to_date", "tax_due_this_period"];

/// Work out one case line: the explanation's keys and the four pay keys, or
/// `{"id", "error": {"code", "message"}}`.
pub fn pay_case_line(line: &str) -> Value {
    let id = serde_json::from_str::<Value>(line).ok().and_then(|v| v.get("id").cloned()).unwrap_or(Value::Null);
    match run_case(line) {
        Ok(map) => Value::Object(map),
        Err((code, message)) => json!({"id": id, "error": {"code": code, "message": message}}),
    }
}

fn run_case(line: &str) -> Result<Map<String, Value>, (&'static str, String)> {
    let invalid = |message: String| ("INVALID_CASE", message);
    let case: Case = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
    let tax_year = TaxYear::parse(&case.tax_year).map_err(|e| invalid(e.to_string()))?;
    let code = TaxCode::parse(&case.code).map_err(|e| (e.code(), e.to_string()))?;
    let explanation = explain(&code, tax_year).map_err(|e| (e.code(), e.to_string()))?;

    let mut out = Map::new();
    out.insert("id".into(), json!(case.id));
    out.extend(json::explanation(&explanation));
    for key in PAY_KEYS {
        out.insert(key.into(), Value::Null);
    }
    let frequency = match (case.pay_frequency.as_deref(), case.period) {
        (None, None) => return Ok(out),
        (Some(text), Some(_)) => PayFrequency::parse(text).ok_or_else(|| {
            invalid(format!("pay_frequency '{text}' is not weekly, two-weekly, four-weekly or monthly"))
        })?,
        (Some(_), None) => return Err(invalid("pay_frequency needs a period".into())),
        (None, Some(_)) => return Err(invalid("period needs a pay_frequency".into())),
    };
    let payment = Payment {
        frequency,
        period: case.period.unwrap_or_default(),
        pay_this_period: case.pay_this_period.map(|a| a.0),
        pay_to_date: case.pay_to_date.map(|a| a.0),
        tax_deducted_previous_periods: case.tax_deducted_previous_periods.map_or(Money::ZERO, |a| a.0),
    };
    let tax = tax_on_payment(&code, tax_year, &payment).map_err(|e| (e.code(), e.to_string()))?;
    out.insert("pay_adjustment_to_date".into(), json::money(tax.pay_adjustment_to_date));
    out.insert("taxable_pay_to_date".into(), json::money(tax.taxable_pay_to_date));
    out.insert("tax_due_to_date".into(), json::money(tax.tax_due_to_date));
    out.insert("tax_due_this_period".into(), json::money(tax.tax_due_this_period));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_gets_every_key_in_order() {
        let line = r#"{"id": "a", "code": "s1257l", "tax_year": "2025-26", "pay_frequency": "monthly", "period": 1,
            "pay_this_period": 3000, "pay_to_date": 3000, "expected": {"x": 1}, "source": "s", "working": "w"}"#;
        let out = pay_case_line(line);
        let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "code",
                "tax_year",
                "regime",
                "basis",
                "basis_marker",
                "kind",
                "code_number",
                "suffix",
                "annual_pay_adjustment",
                "weekly_pay_adjustment",
                "monthly_pay_adjustment",
                "flat_rate_pct",
                "pay_adjustment_to_date",
                "taxable_pay_to_date",
                "tax_due_to_date",
                "tax_due_this_period"
            ]
        );
        assert_eq!(out["code"], "S1257L");
        assert_eq!(out["tax_due_this_period"].to_string(), "394.92");
        assert_eq!(out["taxable_pay_to_date"].to_string(), "1951.74");
    }

    #[test]
    fn description_only_cases_have_null_pay_keys() {
        let out = pay_case_line(r#"{"id": "b", "code": "NT", "tax_year": "2020-21"}"#);
        for key in PAY_KEYS {
            assert!(out[key].is_null(), "{key}");
        }
        assert!(out["annual_pay_adjustment"].is_null());
    }

    #[test]
    fn errors_are_lines_too() {
        let cases = [
            (r#"{"id": "c", "code": "1257L", "tax_year": "2025-26", "colour": "red"}"#, "INVALID_CASE"),
            (r#"{"id": "c", "code": "SNT", "tax_year": "2025-26"}"#, "INVALID_TAX_CODE"),
            (r#"{"id": "c", "code": "C1257L", "tax_year": "2018-19"}"#, "TAX_CODE_NOT_VALID_IN_TAX_YEAR"),
            (r#"{"id": "c", "code": "1257L", "tax_year": "2030-31"}"#, "TAX_YEAR_NOT_SUPPORTED"),
            (
                r#"{"id": "c", "code": "1257L", "tax_year": "2025-26", "pay_frequency": "monthly", "period": 13}"#,
                "INVALID_PAYMENT",
            ),
            (
                r#"{"id": "c", "code": "1257L", "tax_year": "2025-26", "pay_frequency": "daily", "period": 1}"#,
                "INVALID_CASE",
            ),
        ];
        for (line, code) in cases {
            let out = pay_case_line(line);
            assert_eq!(out["id"], "c", "{line}");
            assert_eq!(out["error"]["code"], code, "{line}: {out}");
        }
        assert!(pay_case_line("not json")["id"].is_null());
    }
}
