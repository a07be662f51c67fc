//! What every API version shows of a stored calculation, read the same way for all, from
//! a whole record or a list's summary: who asked for it, its id in HMRC's form, its type
//! now, when it was calculated, its total due, and when it was used for the final
//! declaration.

use itsa_engine::Money;
use itsa_hmrc::{CalculationId, RequestedBy};
use itsa_store::{CalculationRecord, CalculationSummary, Declaration, Millis, Uuid};

use crate::clock::from_millis;
use crate::render;
use crate::service::Submission;

/// The columns a stored calculation and its list summary share.
pub(crate) trait Stored {
    fn stored_type(&self) -> &str;
    fn requested_at(&self) -> Millis;
    fn completed_at(&self) -> Option<Millis>;
    fn total_due_text(&self) -> Option<&str>;
    fn declaration(&self) -> Option<&Declaration>;
}

macro_rules! stored {
    ($type:ty) => {
        impl Stored for $type {
            fn stored_type(&self) -> &str {
                &self.calculation_type
            }
            fn requested_at(&self) -> Millis {
                self.requested_at
            }
            fn completed_at(&self) -> Option<Millis> {
                self.completed_at
            }
            fn total_due_text(&self) -> Option<&str> {
                self.total_due.as_deref()
            }
            fn declaration(&self) -> Option<&Declaration> {
                self.declaration.as_ref()
            }
        }
    };
}

stored!(CalculationRecord);
stored!(CalculationSummary);

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
    CalculationId::parse(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
}

/// The calculation's type now: a declared intent-to-finalise calculation is the final
/// declaration's, a confirmed intent-to-amend calculation the amendment's.
pub(crate) fn effective_type(calculation: &impl Stored) -> &str {
    calculation.declaration().map_or(calculation.stored_type(), |d| d.kind.as_str())
}

/// When the result was stored (the request time until then).
pub(crate) fn calculation_timestamp(calculation: &impl Stored) -> time::OffsetDateTime {
    from_millis(calculation.completed_at().unwrap_or(calculation.requested_at()))
}

/// The total due stored with the result.
pub(crate) fn total_due(calculation: &impl Stored) -> Option<Money> {
    render::stored_total_due(calculation.total_due_text())
}

/// When the calculation was used for the final declaration, if it was.
pub(crate) fn declared_at(calculation: &impl Stored) -> Option<time::OffsetDateTime> {
    calculation
        .declaration()
        .filter(|d| d.kind == Submission::FinalDeclaration.as_str())
        .map(|d| from_millis(d.declared_at))
}
