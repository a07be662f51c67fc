//! The sandbox's "realistic example" taxpayers (Gov-Test-Scenario `UK_SE_GIFTAID_EXAMPLE`
//! and the rest): plausible people of each description, calculated by the engine like
//! anyone else. HMRC's sandbox answers these scenarios with fixed figures; itsa answers
//! with the real calculation of the taxpayer the scenario describes, for the tax year asked.

use itsa_engine::TaxYear;
use serde_json::{Value, json};

/// The scenario names, in HMRC's order.
#[cfg(test)]
const EXAMPLES: [&str; 7] = [
    "UK_MULTIPLE_INCOMES_EXAMPLE",
    "UK_PROP_DIVIDENDS_EXAMPLE",
    "UK_PROP_GIFTAID_EXAMPLE",
    "UK_PROP_SAVINGS_EXAMPLE",
    "UK_SE_GIFTAID_EXAMPLE",
    "UK_SE_SAVINGS_EXAMPLE",
    "SCOT_SE_DIVIDENDS_EXAMPLE",
];

/// The engine's in-year calculation of the taxpayer a scenario describes, for `year`:
/// the income stands for the whole year, so the calculation has an end-of-year estimate
/// (as a stored in-year calculation does). `None` for an unknown name, or a year the
/// engine does not support.
pub fn example_calculation(name: &str, year: TaxYear) -> Option<(itsa_engine::Inputs, itsa_engine::Calculation)> {
    let (_, mut inputs) = itsa_cases::parse_case(&example_case(name, year)?).ok()?;
    inputs.income_to_date = Some(year.last_day());
    let calculation = itsa_engine::calculate(&inputs).ok()?;
    Some((inputs, calculation))
}

/// The case (shared/cases/FORMAT.md) of the taxpayer a scenario describes, for `year`.
pub fn example_case(name: &str, year: TaxYear) -> Option<String> {
    let mut case = match name {
        // An employee with a side business, a rented flat, savings and dividends.
        "UK_MULTIPLE_INCOMES_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1978-03-14",
            "employment_income": 38_500, "paye_tax_deducted": 5_186,
            "self_employment_profit": 6_200, "property_profit": 7_800, "property_finance_costs": 1_900,
            "savings_interest": 640, "dividends": 1_350
        }),
        // A landlord living on rents and a share portfolio.
        "UK_PROP_DIVIDENDS_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1969-11-02",
            "property_profit": 31_400, "property_finance_costs": 6_300, "dividends": 9_800
        }),
        // A landlord who gives regularly to charity.
        "UK_PROP_GIFTAID_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1972-06-21",
            "property_profit": 46_250, "property_finance_costs": 4_100, "gift_aid_paid": 2_400
        }),
        // A retired landlord with savings.
        "UK_PROP_SAVINGS_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1958-09-30",
            "property_profit": 18_600, "savings_interest": 3_900, "pension_income": 9_200, "paye_tax_deducted": 0
        }),
        // A self-employed designer who gives to charity.
        "UK_SE_GIFTAID_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1986-01-17",
            "self_employment_profit": 54_300, "gift_aid_paid": 1_600, "student_loan_plans": ["plan2"]
        }),
        // A self-employed plumber with savings.
        "UK_SE_SAVINGS_EXAMPLE" => json!({
            "regime": "rUK", "date_of_birth": "1981-08-05",
            "self_employment_profit": 29_750, "savings_interest": 2_150
        }),
        // A Scottish sole trader who pays themselves partly in dividends.
        "SCOT_SE_DIVIDENDS_EXAMPLE" => json!({
            "regime": "Scotland", "date_of_birth": "1983-04-28",
            "self_employment_profit": 41_200, "dividends": 6_500
        }),
        _ => return None,
    };
    case["id"] = Value::from(name.to_ascii_lowercase());
    case["tax_year"] = Value::from(year.to_string());
    Some(case.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_a_real_calculation_in_every_year() {
        for year in TaxYear::supported() {
            for name in EXAMPLES {
                let case = example_case(name, year).unwrap();
                let (_, inputs) = itsa_cases::parse_case(&case).unwrap();
                let c = itsa_engine::calculate(&inputs).unwrap();
                assert!(c.tax_calculation.income_tax.income_tax_charged.is_positive(), "{name} {year} pays no tax");
                assert!(c.messages.errors.is_empty());
            }
        }
    }
}
