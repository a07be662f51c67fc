//! The `metadata` object of the v8/v9 retrieve response, and HMRC's timestamp format.

use itsa_engine::{Date, TaxYear};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::{CalculationId, CalculationType};
use crate::views::SchemaVariant;
use crate::views::json::Obj;

/// Who asked for a calculation (`requestedBy`). HMRC currently reports agents'
/// requests as `customer` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestedBy {
    Customer,
    Hmrc,
    Agent,
}

impl RequestedBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestedBy::Customer => "customer",
            RequestedBy::Hmrc => "hmrc",
            RequestedBy::Agent => "agent",
        }
    }
}

/// Why a calculation was made (`calculationReason`): the values every schema variant
/// of 8.0 and 9.0 has (def4 dropped the loss and claim events of def1 to def3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalculationReason {
    /// Asked for by the customer through software: every calculation itsa triggers.
    CustomerRequest,
    Class2NicEvent,
    NewAnnualAdjustmentEvent,
    UpdatedAnnualAdjustmentEvent,
    UnattendedCalculation,
}

impl CalculationReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculationReason::CustomerRequest => "customer-request",
            CalculationReason::Class2NicEvent => "class2-nic-event",
            CalculationReason::NewAnnualAdjustmentEvent => "new-annual-adjustment-event",
            CalculationReason::UpdatedAnnualAdjustmentEvent => "updated-annual-adjustment-event",
            CalculationReason::UnattendedCalculation => "unattended-calculation",
        }
    }
}

/// What the metadata is written from: a stored calculation's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataInput {
    pub calculation_id: CalculationId,
    pub tax_year: TaxYear,
    pub requested_by: RequestedBy,
    pub calculation_reason: CalculationReason,
    pub calculation_type: CalculationType,
    pub requested_timestamp: OffsetDateTime,
    pub calculation_timestamp: OffsetDateTime,
    /// When the calculation was used for a final declaration.
    pub finalisation_timestamp: Option<OffsetDateTime>,
    /// When an amendment based on it was confirmed.
    pub confirmation_timestamp: Option<OffsetDateTime>,
    pub period_from: Date,
    pub period_to: Date,
}

impl MetadataInput {
    /// A customer's request covering the whole tax year (6 April to 5 April), calculated
    /// at the moment it was requested; change fields as needed.
    pub fn new(
        calculation_id: CalculationId,
        tax_year: TaxYear,
        calculation_type: CalculationType,
        requested: OffsetDateTime,
    ) -> Self {
        MetadataInput {
            calculation_id,
            tax_year,
            requested_by: RequestedBy::Customer,
            calculation_reason: CalculationReason::CustomerRequest,
            calculation_type,
            requested_timestamp: requested,
            calculation_timestamp: requested,
            finalisation_timestamp: None,
            confirmation_timestamp: None,
            period_from: tax_year.first_day(),
            period_to: tax_year.last_day(),
        }
    }
}

/// HMRC's timestamp format `YYYY-MM-DDThh:mm:ss.SSSZ`: UTC, milliseconds, a literal `Z`.
pub fn hmrc_timestamp(at: OffsetDateTime) -> String {
    HmrcTimestamp::new(at).as_str().to_owned()
}

/// A timestamp in HMRC's format, written on the stack (a list writes two per item).
#[derive(Clone, Copy)]
pub struct HmrcTimestamp([u8; 24]);

impl HmrcTimestamp {
    pub fn new(at: OffsetDateTime) -> Self {
        let at = at.to_offset(time::UtcOffset::UTC);
        let mut text = *b"0000-00-00T00:00:00.000Z";
        // Years before 0 or after 9999 cannot come from a millisecond clock of this era;
        // they would be written modulo 10,000 rather than break the format.
        digits(&mut text[0..4], at.year().rem_euclid(10_000) as u32);
        digits(&mut text[5..7], u32::from(u8::from(at.month())));
        digits(&mut text[8..10], u32::from(at.day()));
        digits(&mut text[11..13], u32::from(at.hour()));
        digits(&mut text[14..16], u32::from(at.minute()));
        digits(&mut text[17..19], u32::from(at.second()));
        digits(&mut text[20..23], u32::from(at.millisecond()));
        HmrcTimestamp(text)
    }

    pub fn as_str(&self) -> &str {
        // Digits and the format's punctuation only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// `value`'s last `into.len()` decimal digits, zero-padded, into `into`.
pub(crate) fn digits(into: &mut [u8], mut value: u32) {
    for place in into.iter_mut().rev() {
        *place = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// The `metadata` object in the variant for its tax year.
///
/// def1 and def2 (to 2024-25) describe declarations with `intentToSubmitFinalDeclaration`
/// (an intent-to-finalise or final-declaration calculation), `finalDeclaration` (it has
/// been declared: it is a final-declaration calculation or has a finalisation timestamp)
/// and `finalDeclarationTimestamp`. def3 and def4 replace these with
/// `finalisationTimestamp` and `confirmationTimestamp`. Fields are in HMRC's order.
pub fn metadata_v8(input: &MetadataInput, variant: SchemaVariant) -> Value {
    let common = Obj::new()
        .set("calculationId", input.calculation_id.as_str().to_owned())
        .set("taxYear", input.tax_year.to_string())
        .set("requestedBy", input.requested_by.as_str())
        .set("requestedTimestamp", hmrc_timestamp(input.requested_timestamp))
        .set("calculationReason", input.calculation_reason.as_str())
        .set("calculationTimestamp", hmrc_timestamp(input.calculation_timestamp))
        .set("calculationType", input.calculation_type.metadata_name(variant));
    let with_declaration = if variant <= SchemaVariant::Def2 {
        let declared =
            input.calculation_type == CalculationType::FinalDeclaration || input.finalisation_timestamp.is_some();
        let intent =
            matches!(input.calculation_type, CalculationType::IntentToFinalise | CalculationType::FinalDeclaration);
        common
            .set("intentToSubmitFinalDeclaration", intent)
            .set("finalDeclaration", declared)
            .opt("finalDeclarationTimestamp", input.finalisation_timestamp.map(hmrc_timestamp))
    } else {
        common
            .opt("finalisationTimestamp", input.finalisation_timestamp.map(hmrc_timestamp))
            .opt("confirmationTimestamp", input.confirmation_timestamp.map(hmrc_timestamp))
    };
    with_declaration
        .set("periodFrom", input.period_from.to_string())
        .set("periodTo", input.period_to.to_string())
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_written_as_hmrc_writes_them() {
        assert_eq!(hmrc_timestamp(datetime!(2026-01-31 09:05:03.007 UTC)), "2026-01-31T09:05:03.007Z");
        assert_eq!(hmrc_timestamp(datetime!(2025-04-06 00:30 +01:00)), "2025-04-05T23:30:00.000Z", "in UTC");
        // Every millisecond, second and day boundary over years, against the formatter.
        let mut at = datetime!(1999-12-31 23:59:59.999 UTC);
        while at.year() < 2031 {
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second(),
                at.millisecond()
            );
            assert_eq!(hmrc_timestamp(at), expected);
            at += time::Duration::milliseconds(86_399_001 + 3_599_001);
        }
    }

    fn input(year: u16, kind: CalculationType) -> MetadataInput {
        MetadataInput::new(
            CalculationId::parse("f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c").unwrap(),
            TaxYear::starting(year),
            kind,
            datetime!(2026-06-15 09:00:00.5 UTC),
        )
    }

    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        assert_eq!(hmrc_timestamp(datetime!(2019-02-15 09:35:15.094 UTC)), "2019-02-15T09:35:15.094Z");
        assert_eq!(hmrc_timestamp(datetime!(2019-02-15 09:35:15 UTC)), "2019-02-15T09:35:15.000Z");
        assert_eq!(hmrc_timestamp(datetime!(2019-02-15 09:35:15.0949 UTC)), "2019-02-15T09:35:15.094Z");
        assert_eq!(hmrc_timestamp(datetime!(2019-07-01 00:30:00 +01:00)), "2019-06-30T23:30:00.000Z");
    }

    #[test]
    fn def3_metadata() {
        let mut declared = input(2025, CalculationType::FinalDeclaration);
        declared.finalisation_timestamp = Some(datetime!(2026-06-16 10:00:00 UTC));
        assert_eq!(
            metadata_v8(&declared, SchemaVariant::Def3),
            json!({
                "calculationId": "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c",
                "taxYear": "2025-26",
                "requestedBy": "customer",
                "requestedTimestamp": "2026-06-15T09:00:00.500Z",
                "calculationReason": "customer-request",
                "calculationTimestamp": "2026-06-15T09:00:00.500Z",
                "calculationType": "declare-finalisation",
                "finalisationTimestamp": "2026-06-16T10:00:00.000Z",
                "periodFrom": "2025-04-06",
                "periodTo": "2026-04-05",
            })
        );
    }

    #[test]
    fn def1_metadata_describes_declarations_with_flags() {
        let in_year = metadata_v8(&input(2022, CalculationType::InYear), SchemaVariant::Def1);
        assert_eq!(in_year["calculationType"], "in-year");
        assert_eq!(in_year["intentToSubmitFinalDeclaration"], false);
        assert_eq!(in_year["finalDeclaration"], false);
        assert!(in_year.get("finalDeclarationTimestamp").is_none());

        let intent = metadata_v8(&input(2022, CalculationType::IntentToFinalise), SchemaVariant::Def1);
        assert_eq!(intent["calculationType"], "final-declaration");
        assert_eq!(intent["intentToSubmitFinalDeclaration"], true);
        assert_eq!(intent["finalDeclaration"], false);

        let mut declared = input(2024, CalculationType::IntentToFinalise);
        declared.finalisation_timestamp = Some(datetime!(2025-06-16 10:00:00 UTC));
        let declared = metadata_v8(&declared, SchemaVariant::Def2);
        assert_eq!(declared["finalDeclaration"], true);
        assert_eq!(declared["finalDeclarationTimestamp"], "2025-06-16T10:00:00.000Z");
        assert!(declared.get("finalisationTimestamp").is_none());
    }
}
