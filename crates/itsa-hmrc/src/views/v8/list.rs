//! The v8/v9 list response, `{"calculations": [...]}`, in HMRC's three list schemas.

use itsa_engine::{Date, Money, TaxYear};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::{CalculationId, CalculationType};
use crate::views::json::decimal_text;
use crate::views::v8::metadata::{HmrcTimestamp, RequestedBy, digits};

/// HMRC's list-response schema for a tax year in 8.0 and 9.0 (`schemas/list/def1..3`).
/// The years differ from the retrieve variants: def1 to 2022-23, def2 2023-24 and
/// 2024-25, def3 from 2025-26 (HMRC's `ListCalculationsSchema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListVariant {
    Def1,
    Def2,
    Def3,
}

impl ListVariant {
    pub fn for_tax_year(year: TaxYear) -> Self {
        match year.start_year() {
            ..=2022 => ListVariant::Def1,
            2023 | 2024 => ListVariant::Def2,
            _ => ListVariant::Def3,
        }
    }

    /// The schema directory name: `def1` … `def3`.
    pub const fn name(self) -> &'static str {
        match self {
            ListVariant::Def1 => "def1",
            ListVariant::Def2 => "def2",
            ListVariant::Def3 => "def3",
        }
    }
}

/// What started a calculation (`calculationTrigger`, def2 and def3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalculationTrigger {
    /// Asked for through software: every calculation itsa triggers.
    Attended,
    Class2NicEvent,
    Unattended,
    CesaSaReturn,
    NewLossEvent,
    UpdatedLossEvent,
}

impl CalculationTrigger {
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculationTrigger::Attended => "attended",
            CalculationTrigger::Class2NicEvent => "class2NICEvent",
            CalculationTrigger::Unattended => "unattended",
            CalculationTrigger::CesaSaReturn => "cesaSAReturn",
            CalculationTrigger::NewLossEvent => "newLossEvent",
            CalculationTrigger::UpdatedLossEvent => "updatedLossEvent",
        }
    }
}

/// How a calculation request ended (`calculationOutcome`, def2 and def3): processed
/// (with or without business-rule errors), a system error, or refused by validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalculationOutcome {
    Processed,
    Error,
    Rejected,
}

impl CalculationOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculationOutcome::Processed => "PROCESSED",
            CalculationOutcome::Error => "ERROR",
            CalculationOutcome::Rejected => "REJECTED",
        }
    }
}

/// One stored calculation as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub calculation_id: CalculationId,
    pub tax_year: TaxYear,
    pub calculation_timestamp: OffsetDateTime,
    pub calculation_type: CalculationType,
    pub requested_by: RequestedBy,
    pub calculation_trigger: CalculationTrigger,
    pub calculation_outcome: CalculationOutcome,
    /// The calculation's `totalIncomeTaxAndNicsDue` (def1) or `liabilityAmount` (def2,
    /// def3), when it has one.
    pub total_income_tax_and_nics_due: Option<Money>,
    /// When the calculation was used for a final declaration.
    pub finalisation_timestamp: Option<OffsetDateTime>,
    /// The period the calculation covers (def3 `fromDate`/`toDate`).
    pub from_date: Option<Date>,
    pub to_date: Option<Date>,
}

/// The list response for calculations of one tax year, in `variant`, as a [`Value`]:
/// [`list_v8_text`] read back.
pub fn list_v8(items: &[ListItem], variant: ListVariant) -> Value {
    serde_json::from_str(&list_v8_text(items, variant)).expect("a list is written as JSON")
}

/// The list response as JSON text, written straight from the items: a list holds up to a
/// hundred of them, and building a [`Value`] for each, or even serialising each field
/// through serde's string escaping, cost more than the rest of the request. The text is
/// what serde_json would write for the same object (tested).
pub fn list_v8_text(items: &[ListItem], variant: ListVariant) -> String {
    // An item takes about 270 bytes in def3: room for the whole list at once.
    let mut out = String::with_capacity(32 + 300 * items.len());
    out.push_str("{\"calculations\":[");
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        write_item(&mut out, item, variant);
    }
    out.push_str("]}");
    out
}

/// A field's `"key":`, after a comma unless it is the object's first.
fn key(out: &mut String, key: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

/// `"key":"value"`, the value escaped as JSON requires (ids, timestamps and HMRC's names
/// never need it, but nothing here assumes so).
fn text_field(out: &mut String, name: &str, value: &str) {
    key(out, name);
    if value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&Value::from(value).to_string());
    } else {
        out.push('"');
        out.push_str(value);
        out.push('"');
    }
}

/// `"key":value`, for a value already JSON (a number or a boolean).
fn raw_field(out: &mut String, name: &str, value: &str) {
    key(out, name);
    out.push_str(value);
}

/// One item, with the fields of its variant in HMRC's order.
fn write_item(out: &mut String, item: &ListItem, variant: ListVariant) {
    use CalculationType::*;
    out.push('{');
    text_field(out, "calculationId", item.calculation_id.as_str());
    text_field(out, "calculationTimestamp", HmrcTimestamp::new(item.calculation_timestamp).as_str());
    text_field(out, "calculationType", list_calculation_type(item.calculation_type, variant));
    let total = item.total_income_tax_and_nics_due.map(|total| decimal_text(total.amount()));
    if variant == ListVariant::Def1 {
        // The v3-style item, with the declaration flags.
        let intent = matches!(item.calculation_type, IntentToFinalise | FinalDeclaration);
        let declared = item.calculation_type == FinalDeclaration || item.finalisation_timestamp.is_some();
        text_field(out, "requestedBy", item.requested_by.as_str());
        text_field(out, "taxYear", &item.tax_year.to_string());
        if let Some(total) = &total {
            raw_field(out, "totalIncomeTaxAndNicsDue", total);
        }
        raw_field(out, "intentToSubmitFinalDeclaration", if intent { "true" } else { "false" });
        raw_field(out, "finalDeclaration", if declared { "true" } else { "false" });
        if let Some(at) = item.finalisation_timestamp {
            text_field(out, "finalDeclarationTimestamp", HmrcTimestamp::new(at).as_str());
        }
    } else {
        // def2, and the start of def3: trigger, outcome and liability.
        text_field(out, "calculationTrigger", item.calculation_trigger.as_str());
        text_field(out, "calculationOutcome", item.calculation_outcome.as_str());
        if let Some(total) = &total {
            raw_field(out, "liabilityAmount", total);
        }
        if variant == ListVariant::Def3 {
            if let Some(from) = item.from_date {
                text_field(out, "fromDate", iso_date(&mut [0; 10], from));
            }
            if let Some(to) = item.to_date {
                text_field(out, "toDate", iso_date(&mut [0; 10], to));
            }
        }
    }
    out.push('}');
}

/// `date` as `YYYY-MM-DD` (its `Display`), written into `text`.
fn iso_date(text: &mut [u8; 10], date: Date) -> &str {
    *text = *b"0000-00-00";
    digits(&mut text[0..4], date.year().rem_euclid(10_000) as u32);
    digits(&mut text[5..7], u32::from(date.month()));
    digits(&mut text[8..10], u32::from(date.day()));
    std::str::from_utf8(text).unwrap_or_default()
}

/// The list's `calculationType`. def1 knows only `in-year` and `final-declaration` (an
/// intent-to-finalise calculation of those years is a crystallisation, shown with
/// `intentToSubmitFinalDeclaration: true`); def2 adds `intent-to-finalise`; def3 has
/// all five kinds. Amendments cannot exist before 2025-26; should one be listed there,
/// it is shown as its nearest def1/def2 kind so the response stays valid.
pub const fn list_calculation_type(kind: CalculationType, variant: ListVariant) -> &'static str {
    use CalculationType::*;
    match (variant, kind) {
        (ListVariant::Def3, kind) => kind.as_str(),
        (_, InYear) => "in-year",
        (ListVariant::Def2, IntentToFinalise | IntentToAmend) => "intent-to-finalise",
        _ => "final-declaration",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::json::decimal;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn the_text_is_the_values_text() {
        use CalculationType::*;
        let kinds = [InYear, IntentToFinalise, FinalDeclaration, IntentToAmend, ConfirmAmendment];
        let totals =
            [None, Some("0"), Some("10000.12"), Some("1626.6"), Some("-42.5"), Some("99999999999.99"), Some("0.01")];
        for variant in [ListVariant::Def1, ListVariant::Def2, ListVariant::Def3] {
            for (n, kind) in kinds.iter().enumerate() {
                for total in totals {
                    let mut a = item(2017 + n as u16, *kind);
                    a.total_income_tax_and_nics_due = total.map(|t| Money::new(t.parse().unwrap()));
                    a.finalisation_timestamp = (n % 2 == 0).then_some(datetime!(2027-01-31 23:59:59.999 UTC));
                    a.from_date = Some(a.tax_year.first_day());
                    a.to_date = (n % 3 != 0).then_some(a.tax_year.last_day());
                    a.requested_by = if n % 2 == 0 { RequestedBy::Agent } else { RequestedBy::Customer };
                    let expected_total = a.total_income_tax_and_nics_due.map(|total| decimal(total.amount()));
                    let b = item(2025, InYear);
                    let items = [a, b];
                    let value = list_v8(&items, variant);
                    assert_eq!(list_v8_text(&items, variant), value.to_string(), "{variant:?} {kind:?} {total:?}");
                    let amount =
                        if variant == ListVariant::Def1 { "totalIncomeTaxAndNicsDue" } else { "liabilityAmount" };
                    assert_eq!(value["calculations"][0].get(amount).cloned(), expected_total, "{variant:?} {total:?}");
                }
            }
        }
        assert_eq!(list_v8_text(&[], ListVariant::Def3), r#"{"calculations":[]}"#);
    }

    #[test]
    fn dates_are_written_as_their_display() {
        let mut date = Date::new(1999, 12, 25).unwrap();
        while date.year() < 2032 {
            assert_eq!(iso_date(&mut [0; 10], date), date.to_string());
            date = date.add_years_months(0, 1);
        }
        let leap = Date::new(2028, 2, 29).unwrap();
        assert_eq!(iso_date(&mut [0; 10], leap), "2028-02-29");
    }

    fn item(year: u16, kind: CalculationType) -> ListItem {
        ListItem {
            calculation_id: CalculationId::parse("c432a56d-e811-474c-a26a-76fc3bcaefe5").unwrap(),
            tax_year: TaxYear::starting(year),
            calculation_timestamp: datetime!(2021-07-12 07:51:43.112 UTC),
            calculation_type: kind,
            requested_by: RequestedBy::Customer,
            calculation_trigger: CalculationTrigger::Attended,
            calculation_outcome: CalculationOutcome::Processed,
            total_income_tax_and_nics_due: Some(Money::new("10000.12".parse().unwrap())),
            finalisation_timestamp: None,
            from_date: None,
            to_date: None,
        }
    }

    #[test]
    fn variants_by_year() {
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2017)), ListVariant::Def1);
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2022)), ListVariant::Def1);
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2023)), ListVariant::Def2);
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2024)), ListVariant::Def2);
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2025)), ListVariant::Def3);
        assert_eq!(ListVariant::for_tax_year(TaxYear::starting(2030)), ListVariant::Def3);
    }

    #[test]
    fn def1_item() {
        let mut declared = item(2021, CalculationType::IntentToFinalise);
        declared.finalisation_timestamp = Some(datetime!(2021-07-13 07:51:43.112 UTC));
        assert_eq!(
            list_v8(&[declared], ListVariant::Def1),
            json!({"calculations": [{
                "calculationId": "c432a56d-e811-474c-a26a-76fc3bcaefe5",
                "calculationTimestamp": "2021-07-12T07:51:43.112Z",
                "calculationType": "final-declaration",
                "requestedBy": "customer",
                "taxYear": "2021-22",
                "totalIncomeTaxAndNicsDue": 10000.12,
                "intentToSubmitFinalDeclaration": true,
                "finalDeclaration": true,
                "finalDeclarationTimestamp": "2021-07-13T07:51:43.112Z",
            }]})
        );
    }

    #[test]
    fn def2_and_def3_items() {
        let def2 = list_v8(&[item(2023, CalculationType::IntentToFinalise)], ListVariant::Def2);
        assert_eq!(
            def2["calculations"][0],
            json!({
                "calculationId": "c432a56d-e811-474c-a26a-76fc3bcaefe5",
                "calculationTimestamp": "2021-07-12T07:51:43.112Z",
                "calculationType": "intent-to-finalise",
                "calculationTrigger": "attended",
                "calculationOutcome": "PROCESSED",
                "liabilityAmount": 10000.12,
            })
        );
        let mut amended = item(2025, CalculationType::ConfirmAmendment);
        amended.from_date = Some(TaxYear::starting(2025).first_day());
        amended.to_date = Some(TaxYear::starting(2025).last_day());
        let def3 = list_v8(&[amended.clone()], ListVariant::Def3);
        assert_eq!(def3["calculations"][0]["calculationType"], "confirm-amendment");
        assert_eq!(def3["calculations"][0]["fromDate"], "2025-04-06");
        assert_eq!(def3["calculations"][0]["toDate"], "2026-04-05");
        assert_eq!(list_v8(&[], ListVariant::Def3), json!({"calculations": []}));
        // The text is the same serialisation, field order included.
        let text = list_v8_text(&[amended], ListVariant::Def3);
        assert_eq!(text, serde_json::to_string(&def3).unwrap());
        assert!(text.starts_with(r#"{"calculations":[{"calculationId":"#), "{text}");
    }

    #[test]
    fn list_calculation_types() {
        use CalculationType::*;
        assert_eq!(list_calculation_type(IntentToFinalise, ListVariant::Def1), "final-declaration");
        assert_eq!(list_calculation_type(FinalDeclaration, ListVariant::Def2), "final-declaration");
        assert_eq!(list_calculation_type(FinalDeclaration, ListVariant::Def3), "final-declaration");
        assert_eq!(list_calculation_type(IntentToAmend, ListVariant::Def3), "intent-to-amend");
    }
}
