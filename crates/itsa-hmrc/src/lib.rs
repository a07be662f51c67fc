//! HMRC's wire formats: the values in request paths and queries ([`domain`]), the error
//! catalogue ([`errors`]), request validation for Individual Calculations 1.0 ([`v1`]),
//! 3.0 ([`v3`]), 8.0 and 9.0 ([`v8`]), and the JSON views of an engine [`Calculation`] and its metadata for each
//! API version and tax-year schema variant ([`views`]).
//!
//! Everything here is a pure function: no HTTP framework, no I/O.
//!
//! [`Calculation`]: itsa_engine::Calculation

pub mod accounts;
pub mod domain;
pub mod errors;
pub mod v1;
pub mod v3;
pub mod v8;
pub mod views;

pub use domain::{CalculationId, CalculationType, Nino, parse_tax_year};
pub use errors::{ApiError, Era, ErrorCode, ErrorItem};
pub use views::{
    Borrowed, Buffer, CalculationOutcome, CalculationReason, CalculationTrigger, Field, In, Items, Key, KeyName,
    ListItem, ListVariant, MetadataInput, Node, Num, Obj, Object, ObjectIfAny, RequestedBy, SchemaVariant,
    calculation_v8, calculation_v8_field, calculation_v8_node, hmrc_timestamp, income_source_id, inputs_v8,
    json_number, list_v8, list_v8_text, messages_v8, metadata_v8, object, object_if_any, retrieve_response_v8,
};
