//! JSON views of a calculation.

use itsa_engine::{Calculation, TaxYear};
use serde_json::Value;

/// HMRC's retrieve-response schema variant for a tax year in API versions 8.0 and 9.0
/// (def1 to 2023-24, def2 2024-25, def3 2025-26, def4 from 2026-27).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// The `calculation` object of the v8/v9 retrieve response.
pub fn calculation_v8(calculation: &Calculation) -> Value {
    let _ = calculation;
    todo!("the v8/v9 calculation view")
}
