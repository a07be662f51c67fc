//! JSON views of a calculation: 1.0's sub-resources ([`v1`]), 3.0's retrieve response
//! ([`v3`]) and 8.0/9.0's (`v8`).

pub(crate) mod json;
pub mod v1;
pub mod v3;
mod v8;

use itsa_engine::TaxYear;

pub use json::{
    Borrowed, Buffer, Field, In, Items, Key, KeyName, Node, Num, Obj, Object, ObjectIfAny, Text,
    decimal as json_number, object, object_if_any,
};
pub use v8::inputs::{income_source_id, inputs_v8};
pub use v8::list::{
    CalculationOutcome, CalculationTrigger, ListItem, ListVariant, list_calculation_type, list_v8, list_v8_text,
};
pub use v8::metadata::{CalculationReason, MetadataInput, RequestedBy, hmrc_timestamp, metadata_v8};
pub use v8::{calculation_v8, calculation_v8_field, calculation_v8_node, messages_v8, retrieve_response_v8};

/// HMRC's retrieve-response schema variant for a tax year in API versions 8.0 and 9.0
/// (def1 to 2023-24, def2 2024-25, def3 2025-26, def4 from 2026-27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchemaVariant {
    Def1,
    Def2,
    Def3,
    Def4,
}

impl SchemaVariant {
    pub fn for_tax_year(year: TaxYear) -> Self {
        match year.start_year() {
            ..=2023 => SchemaVariant::Def1,
            2024 => SchemaVariant::Def2,
            2025 => SchemaVariant::Def3,
            _ => SchemaVariant::Def4,
        }
    }

    /// The schema directory name: `def1` … `def4`.
    pub const fn name(self) -> &'static str {
        match self {
            SchemaVariant::Def1 => "def1",
            SchemaVariant::Def2 => "def2",
            SchemaVariant::Def3 => "def3",
            SchemaVariant::Def4 => "def4",
        }
    }
}
