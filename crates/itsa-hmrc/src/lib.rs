//! HMRC's wire formats: the JSON views of an engine [`Calculation`] for each API version
//! and tax-year schema variant.
//!
//! [`Calculation`]: itsa_engine::Calculation

pub mod views;

pub use views::{SchemaVariant, calculation_v8, json_number, messages_v8};
