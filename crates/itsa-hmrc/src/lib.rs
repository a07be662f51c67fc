//! HMRC's wire formats: the JSON views of an engine [`Calculation`] for each API version
//! and tax-year schema variant.

pub mod views;

pub use views::{calculation_v8, SchemaVariant};
