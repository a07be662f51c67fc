//! Bodies of HMRC's Individuals Expenses API (3.0): employment expenses and other expenses
//! (payments to trade unions for death benefits, patent royalties).

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, check_reference, refuse_empty};
use crate::amount::or_zero;

/// Create and Amend Employment Expenses: expenses of all the customer's employments.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmploymentExpenses {
    pub expenses: EmploymentExpenseAmounts,
}

/// The employment expenses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmploymentExpenseAmounts {
    /// Business travel costs.
    pub business_travel_costs: Option<Amount>,
    /// The actual cost of replacing or maintaining tools or special work clothes.
    pub job_expenses: Option<Amount>,
    /// The flat rate claimed for replacing or maintaining tools or special work clothes.
    pub flat_rate_job_expenses: Option<Amount>,
    /// Fees or subscriptions to professional bodies the employment requires.
    pub professional_subscriptions: Option<Amount>,
    /// Subsistence costs of the work.
    pub hotel_and_meal_expenses: Option<Amount>,
    /// Small items bought for the employment and capital allowances.
    pub other_and_capital_allowances: Option<Amount>,
    /// Costs of using one's own car, van or motorcycle for business mileage.
    pub vehicle_expenses: Option<Amount>,
    /// The shortfall when the employer pays less than the approved mileage rate.
    pub mileage_allowance_relief: Option<Amount>,
}

impl EmploymentExpenseAmounts {
    /// The sum of all the expenses.
    pub fn total(&self) -> Money {
        [
            self.business_travel_costs,
            self.job_expenses,
            self.flat_rate_job_expenses,
            self.professional_subscriptions,
            self.hotel_and_meal_expenses,
            self.other_and_capital_allowances,
            self.vehicle_expenses,
            self.mileage_allowance_relief,
        ]
        .into_iter()
        .map(or_zero)
        .sum()
    }
}

impl Check for EmploymentExpenses {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(&self.expenses, "expenses")
    }
}

/// Create and Amend Other Expenses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherExpenses {
    /// Payments to a trade union or friendly society for death benefits.
    pub payments_to_trade_unions_for_death_benefits: Option<OtherExpense>,
    /// Royalties paid by a licensee to the licensor for the use of a patent.
    pub patent_royalties_payments: Option<OtherExpense>,
}

/// An amount paid, with the customer's own reference for it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherExpense {
    /// The customer's own reference for the record.
    pub customer_reference: Option<String>,
    /// The amount paid.
    pub expense_amount: Amount,
}

impl Check for OtherExpenses {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, "/")?;
        for (name, e) in [
            ("paymentsToTradeUnionsForDeathBenefits", &self.payments_to_trade_unions_for_death_benefits),
            ("patentRoyaltiesPayments", &self.patent_royalties_payments),
        ] {
            if let Some(r) = e.as_ref().and_then(|e| e.customer_reference.as_ref()) {
                check_reference(r, &format!("{name}/customerReference"), "FORMAT_CUSTOMER_REFERENCE", 90)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    const EMPLOYMENT: &str = r#"{
        "expenses": {
            "businessTravelCosts": 820.40,
            "jobExpenses": 60,
            "flatRateJobExpenses": 140,
            "professionalSubscriptions": 295,
            "hotelAndMealExpenses": 312.15,
            "otherAndCapitalAllowances": 89.99,
            "vehicleExpenses": 0,
            "mileageAllowanceRelief": 1404
        }
    }"#;

    #[test]
    fn employment_expenses() {
        let e: EmploymentExpenses = parse(EMPLOYMENT).unwrap();
        assert_eq!(e.check(y(2024)), Ok(()));
        assert_eq!(e.expenses.total(), Money::new(rust_decimal::Decimal::new(312_154, 2)));
        let unknown = EMPLOYMENT.replace("\"vehicleExpenses\"", "\"vehicleCosts\"");
        assert!(parse::<EmploymentExpenses>(&unknown).unwrap_err().contains("unknown field"));
        assert!(parse::<EmploymentExpenses>("{}").unwrap_err().contains("missing field"));
        let e = parse::<EmploymentExpenses>(r#"{"expenses": {}}"#).unwrap().check(y(2024)).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "expenses"));
    }

    const OTHER: &str = r#"{
        "paymentsToTradeUnionsForDeathBenefits": { "customerReference": "UNITE death benefit", "expenseAmount": 36.50 },
        "patentRoyaltiesPayments": { "customerReference": "Licence 2024-07", "expenseAmount": 1200 }
    }"#;

    #[test]
    fn other_expenses() {
        let o: OtherExpenses = parse(OTHER).unwrap();
        assert_eq!(o.check(y(2023)), Ok(()));
        let unknown = OTHER.replace("\"expenseAmount\": 1200", "\"amount\": 1200");
        assert!(parse::<OtherExpenses>(&unknown).unwrap_err().contains("unknown field"));
        let bad = OTHER.replace("Licence 2024-07", "Licence #7");
        let e = parse::<OtherExpenses>(&bad).unwrap().check(y(2023)).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_str()),
            ("FORMAT_CUSTOMER_REFERENCE", "patentRoyaltiesPayments/customerReference")
        );
        assert_eq!(
            parse::<OtherExpenses>("{}").unwrap().check(y(2023)).unwrap_err().code,
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
    }
}
