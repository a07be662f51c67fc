//! What every API version shows of a stored calculation, read the same way for all:
//! who asked for it, its id in HMRC's form, when it was calculated, and when it was used
//! for the final declaration.

use itsa_hmrc::{CalculationId, RequestedBy};
use itsa_store::{CalculationRecord, Uuid};

use crate::clock::from_millis;
use crate::service::{CalculationView, Submission};

/// `requestedBy` from the stored requester (`customer`, `agent` or `hmrc`).
pub(crate) fn requested_by(stored: &str) -> RequestedBy {
    match stored {
        "agent" => RequestedBy::Agent,
        "hmrc" => RequestedBy::Hmrc,
        _ => RequestedBy::Customer,
    }
}

/// A stored calculation's id as HMRC's `calculationId`.
pub(crate) fn calculation_id(id: Uuid) -> Option<CalculationId> {
    CalculationId::parse(&id.to_string())
}

/// When the result was stored (the request time until then).
pub(crate) fn calculation_timestamp(record: &CalculationRecord) -> time::OffsetDateTime {
    from_millis(record.completed_at.unwrap_or(record.requested_at))
}

/// When the calculation was used for the final declaration, if it was.
pub(crate) fn declared_at(view: &CalculationView) -> Option<time::OffsetDateTime> {
    view.declaration
        .as_ref()
        .filter(|d| d.kind == Submission::FinalDeclaration.as_str())
        .map(|d| from_millis(d.declared_at))
}
