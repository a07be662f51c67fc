//! The bodies of HMRC's Self-Employment Business API (version 5.0): a self-employment's
//! period summaries (one period each, to 2024-25), its cumulative period summary (the
//! year's totals to date, 2025-26 on) and its annual submission (adjustments, allowances
//! and non-financial details for a tax year).

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check, IsoDate, SignedAmount, check_reference, only_in_years};
use crate::amount::or_zero;

/// The last tax year (by its start year) of the first period-summary schema, whose
/// expenses are mostly not negative: 2022-23.
const PERIOD_DEF1_LAST: u16 = 2022;

/// An empty body, object or array, named `what` in the message.
fn empty(path: &str, what: &str) -> BodyError {
    BodyError::incorrect_or_empty(path, format!("{what} is empty"))
}

/// Refuse a negative amount in a field that HMRC's schema for `year` keeps at zero or more.
fn not_negative(value: Option<SignedAmount>, path: &str, year: TaxYear) -> Result<(), BodyError> {
    match value {
        Some(v) if v.money().is_negative() => {
            Err(BodyError::format(path, format!("{v} is negative, which HMRC's schema for {year} does not allow")))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Period summaries (se-period) and cumulative period summaries (se-cumulative)
// ---------------------------------------------------------------------------------------

/// A self-employment period summary (HMRC's "Create a Self-Employment Period Summary"
/// request), one period's income and expenses, 2017-18 to 2024-25.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodSummary {
    pub period_dates: PeriodDates,
    pub period_income: Option<PeriodIncome>,
    pub period_expenses: Option<PeriodExpenses>,
    pub period_disallowable_expenses: Option<PeriodDisallowableExpenses>,
}

/// A self-employment cumulative period summary (HMRC's "Create or Amend a Self-Employment
/// Cumulative Period Summary" request): the year's income and expenses to date, 2025-26
/// on. Each submission replaces the last.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CumulativePeriodSummary {
    /// Left out by a customer whose ITSA status is annual, or whose income source is
    /// latent.
    pub period_dates: Option<PeriodDates>,
    pub period_income: Option<PeriodIncome>,
    pub period_expenses: Option<PeriodExpenses>,
    pub period_disallowable_expenses: Option<PeriodDisallowableExpenses>,
}

/// The first and last days a summary covers (HMRC's `periodDates`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodDates {
    pub period_start_date: IsoDate,
    pub period_end_date: IsoDate,
}

/// A self-employment's income for the period (HMRC's `periodIncome`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodIncome {
    /// Takings, fees and sales: the money the business earned.
    pub turnover: Option<Amount>,
    /// Any other business income not in the turnover.
    pub other: Option<Amount>,
    /// Tax taken off trading income, other than CIS deductions. 2023-24 on.
    pub tax_taken_off_trading_income: Option<Amount>,
}

/// A self-employment's allowable expenses for the period (HMRC's `periodExpenses`):
/// either one consolidated figure or itemised expenses, never both.
///
/// Every field may be negative from 2023-24; in 2022-23 and before, the consolidated
/// expenses, payments to subcontractors, wages and staff costs, car, van and travel,
/// administration, entertainment, advertising and other expenses may not.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodExpenses {
    /// All the allowable expenses of the period as one sum.
    pub consolidated_expenses: Option<SignedAmount>,
    /// Cost of goods bought for resale or goods used.
    pub cost_of_goods: Option<SignedAmount>,
    /// Payments to construction industry subcontractors.
    pub payments_to_subcontractors: Option<SignedAmount>,
    /// Wages, salaries and other staff costs.
    pub wages_and_staff_costs: Option<SignedAmount>,
    /// Car, van and travel expenses.
    pub car_van_travel_expenses: Option<SignedAmount>,
    /// Rent, rates, power and insurance.
    pub premises_running_costs: Option<SignedAmount>,
    /// Repairs and renewals of property and equipment.
    pub maintenance_costs: Option<SignedAmount>,
    /// Phone, fax, stationery and other office costs.
    pub admin_costs: Option<SignedAmount>,
    pub business_entertainment_costs: Option<SignedAmount>,
    pub advertising_costs: Option<SignedAmount>,
    /// Interest on bank and other loans.
    pub interest_on_bank_other_loans: Option<SignedAmount>,
    /// Bank, credit card and other financial charges.
    pub finance_charges: Option<SignedAmount>,
    /// Irrecoverable debts written off.
    pub irrecoverable_debts: Option<SignedAmount>,
    /// Accountancy, legal and other professional fees.
    pub professional_fees: Option<SignedAmount>,
    /// Depreciation and loss or profit on sales of assets.
    pub depreciation: Option<SignedAmount>,
    pub other_expenses: Option<SignedAmount>,
}

/// The part of each expense that cannot be claimed for tax (HMRC's
/// `periodDisallowableExpenses`).
///
/// Every field may be negative from 2023-24; in 2022-23 and before, the disallowable
/// payments to subcontractors, wages and staff costs, car, van and travel,
/// administration, entertainment, advertising, professional fees and other expenses may
/// not.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeriodDisallowableExpenses {
    pub cost_of_goods_disallowable: Option<SignedAmount>,
    /// Of payments to subcontractors under the Construction Industry Scheme.
    pub payments_to_subcontractors_disallowable: Option<SignedAmount>,
    pub wages_and_staff_costs_disallowable: Option<SignedAmount>,
    pub car_van_travel_expenses_disallowable: Option<SignedAmount>,
    /// Of rent, rates, power and insurance.
    pub premises_running_costs_disallowable: Option<SignedAmount>,
    /// Of repairs and renewals of property and equipment.
    pub maintenance_costs_disallowable: Option<SignedAmount>,
    /// Of phone, fax, stationery and other office costs.
    pub admin_costs_disallowable: Option<SignedAmount>,
    pub business_entertainment_costs_disallowable: Option<SignedAmount>,
    pub advertising_costs_disallowable: Option<SignedAmount>,
    pub interest_on_bank_other_loans_disallowable: Option<SignedAmount>,
    /// Of bank, credit card and other financial charges.
    pub finance_charges_disallowable: Option<SignedAmount>,
    pub irrecoverable_debts_disallowable: Option<SignedAmount>,
    /// Of legal and other professional fees.
    pub professional_fees_disallowable: Option<SignedAmount>,
    /// Of depreciation and loss or profit on sales of assets.
    pub depreciation_disallowable: Option<SignedAmount>,
    pub other_expenses_disallowable: Option<SignedAmount>,
}

impl PeriodDates {
    fn check(&self) -> Result<(), BodyError> {
        if self.period_end_date < self.period_start_date {
            return Err(BodyError::new(
                "periodDates/periodEndDate",
                "RULE_END_DATE_BEFORE_START_DATE",
                format!("{} is before the start date {}", self.period_end_date.0, self.period_start_date.0),
            ));
        }
        Ok(())
    }
}

impl PeriodIncome {
    /// The period's income: turnover and other income. The tax taken off trading income
    /// is tax already paid, not income, and is not in it.
    pub fn total(&self) -> Money {
        or_zero(self.turnover) + or_zero(self.other)
    }

    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == PeriodIncome::default() {
            return Err(empty("periodIncome", "periodIncome"));
        }
        only_in_years(
            self.tax_taken_off_trading_income.is_some(),
            "periodIncome/taxTakenOffTradingIncome",
            year,
            Some(PERIOD_DEF1_LAST + 1),
            None,
        )
    }
}

impl PeriodExpenses {
    /// HMRC's names of the fields that may not be negative in 2022-23 and before.
    const NOT_NEGATIVE_TO_2022: [&'static str; 8] = [
        "consolidatedExpenses",
        "paymentsToSubcontractors",
        "wagesAndStaffCosts",
        "carVanTravelExpenses",
        "adminCosts",
        "businessEntertainmentCosts",
        "advertisingCosts",
        "otherExpenses",
    ];

    /// The itemised expenses, by HMRC's names.
    fn itemised(&self) -> [(&'static str, Option<SignedAmount>); 15] {
        [
            ("costOfGoods", self.cost_of_goods),
            ("paymentsToSubcontractors", self.payments_to_subcontractors),
            ("wagesAndStaffCosts", self.wages_and_staff_costs),
            ("carVanTravelExpenses", self.car_van_travel_expenses),
            ("premisesRunningCosts", self.premises_running_costs),
            ("maintenanceCosts", self.maintenance_costs),
            ("adminCosts", self.admin_costs),
            ("businessEntertainmentCosts", self.business_entertainment_costs),
            ("advertisingCosts", self.advertising_costs),
            ("interestOnBankOtherLoans", self.interest_on_bank_other_loans),
            ("financeCharges", self.finance_charges),
            ("irrecoverableDebts", self.irrecoverable_debts),
            ("professionalFees", self.professional_fees),
            ("depreciation", self.depreciation),
            ("otherExpenses", self.other_expenses),
        ]
    }

    /// Whether the expenses are given as one consolidated figure.
    pub fn is_consolidated(&self) -> bool {
        self.consolidated_expenses.is_some()
    }

    /// Whether any expense is itemised.
    pub fn is_itemised(&self) -> bool {
        self.itemised().iter().any(|(_, v)| v.is_some())
    }

    /// The period's allowable expenses: the consolidated figure and every itemised
    /// expense given (HMRC accepts only one of the two).
    pub fn total(&self) -> Money {
        or_zero(self.consolidated_expenses) + self.itemised().iter().map(|(_, v)| or_zero(*v)).sum::<Money>()
    }

    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == PeriodExpenses::default() {
            return Err(empty("periodExpenses", "periodExpenses"));
        }
        if year.start_year() <= PERIOD_DEF1_LAST {
            let all = std::iter::once(("consolidatedExpenses", self.consolidated_expenses)).chain(self.itemised());
            for (name, value) in all.filter(|(name, _)| Self::NOT_NEGATIVE_TO_2022.contains(name)) {
                not_negative(value, &format!("periodExpenses/{name}"), year)?;
            }
        }
        Ok(())
    }
}

impl PeriodDisallowableExpenses {
    /// HMRC's names of the fields that may not be negative in 2022-23 and before.
    const NOT_NEGATIVE_TO_2022: [&'static str; 8] = [
        "paymentsToSubcontractorsDisallowable",
        "wagesAndStaffCostsDisallowable",
        "carVanTravelExpensesDisallowable",
        "adminCostsDisallowable",
        "businessEntertainmentCostsDisallowable",
        "advertisingCostsDisallowable",
        "professionalFeesDisallowable",
        "otherExpensesDisallowable",
    ];

    /// The disallowable expenses, by HMRC's names.
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 15] {
        [
            ("costOfGoodsDisallowable", self.cost_of_goods_disallowable),
            ("paymentsToSubcontractorsDisallowable", self.payments_to_subcontractors_disallowable),
            ("wagesAndStaffCostsDisallowable", self.wages_and_staff_costs_disallowable),
            ("carVanTravelExpensesDisallowable", self.car_van_travel_expenses_disallowable),
            ("premisesRunningCostsDisallowable", self.premises_running_costs_disallowable),
            ("maintenanceCostsDisallowable", self.maintenance_costs_disallowable),
            ("adminCostsDisallowable", self.admin_costs_disallowable),
            ("businessEntertainmentCostsDisallowable", self.business_entertainment_costs_disallowable),
            ("advertisingCostsDisallowable", self.advertising_costs_disallowable),
            ("interestOnBankOtherLoansDisallowable", self.interest_on_bank_other_loans_disallowable),
            ("financeChargesDisallowable", self.finance_charges_disallowable),
            ("irrecoverableDebtsDisallowable", self.irrecoverable_debts_disallowable),
            ("professionalFeesDisallowable", self.professional_fees_disallowable),
            ("depreciationDisallowable", self.depreciation_disallowable),
            ("otherExpensesDisallowable", self.other_expenses_disallowable),
        ]
    }

    /// The period's disallowable expenses: the sum of every disallowable field given,
    /// the amount added back to the profit.
    pub fn total(&self) -> Money {
        self.fields().iter().map(|(_, v)| or_zero(*v)).sum()
    }

    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == PeriodDisallowableExpenses::default() {
            return Err(empty("periodDisallowableExpenses", "periodDisallowableExpenses"));
        }
        if year.start_year() <= PERIOD_DEF1_LAST {
            for (name, value) in self.fields().into_iter().filter(|(name, _)| Self::NOT_NEGATIVE_TO_2022.contains(name))
            {
                not_negative(value, &format!("periodDisallowableExpenses/{name}"), year)?;
            }
        }
        Ok(())
    }
}

/// What the period and cumulative summaries share: income and expenses, checked alike.
/// HMRC refuses consolidated expenses given with any itemised expense, allowable or
/// disallowable (`RULE_BOTH_EXPENSES_SUPPLIED`).
fn check_income_and_expenses(
    year: TaxYear,
    income: Option<&PeriodIncome>,
    expenses: Option<&PeriodExpenses>,
    disallowable: Option<&PeriodDisallowableExpenses>,
) -> Result<(), BodyError> {
    if let Some(income) = income {
        income.check(year)?;
    }
    if let Some(expenses) = expenses {
        expenses.check(year)?;
    }
    if let Some(disallowable) = disallowable {
        disallowable.check(year)?;
    }
    if let Some(expenses) = expenses
        && expenses.is_consolidated()
        && (expenses.is_itemised() || disallowable.is_some())
    {
        return Err(BodyError::new(
            "periodExpenses/consolidatedExpenses",
            "RULE_BOTH_EXPENSES_SUPPLIED",
            "consolidated expenses cannot be given with itemised or disallowable expenses",
        ));
    }
    Ok(())
}

impl Check for PeriodSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        self.period_dates.check()?;
        check_income_and_expenses(
            year,
            self.period_income.as_ref(),
            self.period_expenses.as_ref(),
            self.period_disallowable_expenses.as_ref(),
        )
    }
}

impl Check for CumulativePeriodSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == CumulativePeriodSummary::default() {
            return Err(empty("/", "the body"));
        }
        if let Some(dates) = &self.period_dates {
            dates.check()?;
        }
        check_income_and_expenses(
            year,
            self.period_income.as_ref(),
            self.period_expenses.as_ref(),
            self.period_disallowable_expenses.as_ref(),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Annual submissions (se-annual)
// ---------------------------------------------------------------------------------------

/// A self-employment annual submission (HMRC's "Create and Amend Self-Employment Annual
/// Submission" request): the year's adjustments, allowances and non-financial details.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AnnualSubmission {
    pub adjustments: Option<Adjustments>,
    pub allowances: Option<Allowances>,
    pub non_financials: Option<NonFinancials>,
}

/// The year's adjustments to the accounts' profit (HMRC's `adjustments`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Adjustments {
    /// Income and profits in the accounts that are not taxable as business profits.
    pub included_non_taxable_profits: Option<Amount>,
    /// Where the basis period is not the accounting period, the adjustment to reach the
    /// basis period's profit; negative when it reduces the profit.
    pub basis_adjustment: Option<SignedAmount>,
    /// Overlap relief used this year. To 2025-26 in HMRC's schemas, and refused by HMRC
    /// from 2024-25, overlap relief having ended with 2023-24.
    pub overlap_relief_used: Option<Amount>,
    /// Adjustment for a change of accounting practice.
    pub accounting_adjustment: Option<Amount>,
    /// Averaging adjustment of farmers, market gardeners and creators of literary or
    /// artistic works; negative when it reduces the profit.
    pub averaging_adjustment: Option<SignedAmount>,
    /// Any other business income not in another field.
    pub outstanding_business_income: Option<Amount>,
    /// Balancing charge on sale or cessation of business use, where Business Premises
    /// Renovation Allowance was claimed.
    pub balancing_charge_bpra: Option<Amount>,
    /// Balancing charge on sale or cessation of business use of other assets sold for
    /// more than their tax value.
    pub balancing_charge_other: Option<Amount>,
    /// Normal sale price of goods or stock taken out of the business for own use.
    pub goods_and_services_own_use: Option<Amount>,
    /// Transition profit arising this year (basis period reform). 2024-25 on.
    pub transition_profit_amount: Option<Amount>,
    /// Further transition profit elected to be treated as arising this year. 2024-25 on.
    pub transition_profit_acceleration_amount: Option<Amount>,
    /// The total of the adjustments to profit for Class 4 NICs alone (income disregarded
    /// for Class 4, accounting practice changes, excluded interest, earnings already
    /// taxed as employment). 2026-27 on.
    #[serde(rename = "adjustmentToProfitsForClass4")]
    pub adjustment_to_profits_for_class4: Option<Amount>,
}

/// The year's capital allowances, or the trading income allowance (HMRC's
/// `allowances`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Allowances {
    /// Annual investment allowance, up to the AIA limit.
    pub annual_investment_allowance: Option<Amount>,
    /// Capital allowances on the main pool (equipment, cars with lower CO2 emissions).
    pub capital_allowance_main_pool: Option<Amount>,
    /// Capital allowances on the special rate pool (cars with higher CO2 emissions).
    pub capital_allowance_special_rate_pool: Option<Amount>,
    /// Zero emissions goods vehicle allowance. To 2024-25.
    pub zero_emissions_goods_vehicle_allowance: Option<Amount>,
    /// Business Premises Renovation Allowance.
    pub business_premises_renovation_allowance: Option<Amount>,
    /// Other enhanced capital allowances.
    pub enhanced_capital_allowance: Option<Amount>,
    /// Allowances on sale or cessation of business use, for assets sold for less than
    /// their tax value.
    pub allowance_on_sales: Option<Amount>,
    /// Capital allowances on all single asset pools.
    pub capital_allowance_single_asset_pool: Option<Amount>,
    /// Expenditure on electric charge-point equipment. To 2024-25.
    pub electric_charge_point_allowance: Option<Amount>,
    pub zero_emissions_car_allowance: Option<Amount>,
    /// First-year allowance on qualifying plant and machinery. 2026-27 on.
    pub first_year_allowance_on_plant_and_machinery: Option<Amount>,
    /// The trading income allowance, at most 1,000; not with any other allowance.
    pub trading_income_allowance: Option<Amount>,
    pub structured_building_allowance: Option<Vec<StructuredBuildingAllowance>>,
    pub enhanced_structured_building_allowance: Option<Vec<StructuredBuildingAllowance>>,
}

/// One building's structures and buildings allowance, or enhanced structures and
/// buildings allowance (an item of HMRC's `structuredBuildingAllowance` or
/// `enhancedStructuredBuildingAllowance`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StructuredBuildingAllowance {
    /// The allowance claimed this year.
    pub amount: Amount,
    /// The first year's qualifying date and expenditure.
    pub first_year: Option<FirstYear>,
    pub building: Building,
}

/// When a building's allowance was first claimed (HMRC's `firstYear`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FirstYear {
    /// The date the building qualified for the allowance.
    pub qualifying_date: IsoDate,
    /// The qualifying expenditure.
    pub qualifying_amount_expenditure: Amount,
}

/// The building an allowance is for (HMRC's `building`): its postcode and at least one of
/// its name and number.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Building {
    pub name: Option<String>,
    pub number: Option<String>,
    pub postcode: String,
}

/// The year's non-financial details (HMRC's `nonFinancials`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NonFinancials {
    /// Whether the business's details have changed recently.
    pub business_details_changed_recently: bool,
    /// Why the trader does not pay Class 4 National Insurance, if exempt.
    #[serde(rename = "class4NicsExemptionReason")]
    pub class4_nics_exemption_reason: Option<Class4NicsExemptionReason>,
}

/// Why a trader is exempt from Class 4 National Insurance (HMRC's
/// `class4NicsExemptionReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Class4NicsExemptionReason {
    /// Not resident in the UK.
    #[serde(rename = "non-resident")]
    NonResident,
    #[serde(rename = "trustee")]
    Trustee,
    /// A diver or diving supervisor.
    #[serde(rename = "diver")]
    Diver,
    /// Profits taxed under ITTOIA 2005 that are not Class 4 profits.
    #[serde(rename = "ITTOIA-2005")]
    Ittoia2005,
    /// Over State Pension age at the start of the tax year.
    #[serde(rename = "over-state-pension-age")]
    OverStatePensionAge,
    /// Under 16 at the start of the tax year.
    #[serde(rename = "under-16")]
    Under16,
}

/// The schema variants of the annual submission, by start year: to 2023-24, 2024-25,
/// 2025-26, 2026-27 on.
const ANNUAL_DEF1_LAST: u16 = 2023;
const ANNUAL_DEF2: u16 = 2024;
const ANNUAL_DEF3: u16 = 2025;
const ANNUAL_DEF4_FIRST: u16 = 2026;

impl Adjustments {
    /// The net amount the adjustments add to the accounts' profit (negative when they
    /// reduce it). Each field, by HMRC's description:
    ///
    /// - `includedNonTaxableProfits` subtracts: income in the accounts that is not
    ///   taxable as business profit is taken out.
    /// - `basisAdjustment` is added as signed: HMRC asks for it negative when it reduces
    ///   the profit.
    /// - `overlapReliefUsed` subtracts: the relief reduces the profit charged.
    /// - `accountingAdjustment` adds: the adjustment charged on a change of accounting
    ///   practice (never negative in HMRC's schema) is taxed as profit.
    /// - `averagingAdjustment` is added as signed, like `basisAdjustment`.
    /// - `outstandingBusinessIncome` adds: business income not in the accounts.
    /// - `balancingChargeBpra` and `balancingChargeOther` add: a balancing charge
    ///   claws back allowances given, as profit.
    /// - `goodsAndServicesOwnUse` adds: goods taken for own use count as sold at their
    ///   normal price.
    /// - `transitionProfitAmount` and `transitionProfitAccelerationAmount` add: the
    ///   transition profit treated as arising this year is taxed with the year's profit.
    ///
    /// `adjustmentToProfitsForClass4` is not in the sum: it adjusts only the profits on
    /// which Class 4 NICs are charged, not the profit for income tax.
    pub fn net(&self) -> Money {
        let additions = or_zero(self.basis_adjustment)
            + or_zero(self.accounting_adjustment)
            + or_zero(self.averaging_adjustment)
            + or_zero(self.outstanding_business_income)
            + or_zero(self.balancing_charge_bpra)
            + or_zero(self.balancing_charge_other)
            + or_zero(self.goods_and_services_own_use)
            + or_zero(self.transition_profit_amount)
            + or_zero(self.transition_profit_acceleration_amount);
        additions - or_zero(self.included_non_taxable_profits) - or_zero(self.overlap_relief_used)
    }

    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == Adjustments::default() {
            return Err(empty("adjustments", "adjustments"));
        }
        let overlap = self.overlap_relief_used.is_some();
        only_in_years(overlap, "adjustments/overlapReliefUsed", year, None, Some(ANNUAL_DEF3))?;
        if overlap && year.start_year() > ANNUAL_DEF1_LAST {
            return Err(BodyError::new(
                "adjustments/overlapReliefUsed",
                "RULE_OVERLAP_RELIEF_USED_NOT_ALLOWED",
                "overlap relief was last used in 2023-24 and is not applicable from 2024-25",
            ));
        }
        for (present, path) in [
            (self.transition_profit_amount.is_some(), "adjustments/transitionProfitAmount"),
            (self.transition_profit_acceleration_amount.is_some(), "adjustments/transitionProfitAccelerationAmount"),
        ] {
            only_in_years(present, path, year, Some(ANNUAL_DEF2), None)?;
        }
        only_in_years(
            self.adjustment_to_profits_for_class4.is_some(),
            "adjustments/adjustmentToProfitsForClass4",
            year,
            Some(ANNUAL_DEF4_FIRST),
            None,
        )?;
        if self.transition_profit_acceleration_amount.is_some() && self.transition_profit_amount.is_none() {
            return Err(BodyError::new(
                "adjustments/transitionProfitAccelerationAmount",
                "RULE_WRONG_TPA_AMOUNT_SUBMITTED",
                "an accelerated transition profit cannot be given without the transition profit",
            ));
        }
        Ok(())
    }
}

impl Allowances {
    /// The largest trading income allowance HMRC accepts: 1,000.
    const TRADING_INCOME_ALLOWANCE_MAXIMUM: i64 = 1000;

    /// The allowances other than the trading income allowance and the building
    /// allowances, by HMRC's names.
    fn capital_allowances(&self) -> [(&'static str, Option<Amount>); 11] {
        [
            ("annualInvestmentAllowance", self.annual_investment_allowance),
            ("capitalAllowanceMainPool", self.capital_allowance_main_pool),
            ("capitalAllowanceSpecialRatePool", self.capital_allowance_special_rate_pool),
            ("zeroEmissionsGoodsVehicleAllowance", self.zero_emissions_goods_vehicle_allowance),
            ("businessPremisesRenovationAllowance", self.business_premises_renovation_allowance),
            ("enhancedCapitalAllowance", self.enhanced_capital_allowance),
            ("allowanceOnSales", self.allowance_on_sales),
            ("capitalAllowanceSingleAssetPool", self.capital_allowance_single_asset_pool),
            ("electricChargePointAllowance", self.electric_charge_point_allowance),
            ("zeroEmissionsCarAllowance", self.zero_emissions_car_allowance),
            ("firstYearAllowanceOnPlantAndMachinery", self.first_year_allowance_on_plant_and_machinery),
        ]
    }

    fn buildings(&self) -> [(&'static str, &Option<Vec<StructuredBuildingAllowance>>); 2] {
        [
            ("structuredBuildingAllowance", &self.structured_building_allowance),
            ("enhancedStructuredBuildingAllowance", &self.enhanced_structured_building_allowance),
        ]
    }

    /// Every allowance claimed: the capital allowances, the trading income allowance and
    /// the amount of each structures and buildings allowance, enhanced or not.
    pub fn total(&self) -> Money {
        let capital: Money = self.capital_allowances().iter().map(|(_, v)| or_zero(*v)).sum();
        let buildings: Money =
            self.buildings().iter().flat_map(|(_, list)| list.iter().flatten()).map(|b| b.amount.money()).sum();
        capital + or_zero(self.trading_income_allowance) + buildings
    }

    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == Allowances::default() {
            return Err(empty("allowances", "allowances"));
        }
        for (present, path) in [
            (self.zero_emissions_goods_vehicle_allowance.is_some(), "allowances/zeroEmissionsGoodsVehicleAllowance"),
            (self.electric_charge_point_allowance.is_some(), "allowances/electricChargePointAllowance"),
        ] {
            only_in_years(present, path, year, None, Some(ANNUAL_DEF2))?;
        }
        only_in_years(
            self.first_year_allowance_on_plant_and_machinery.is_some(),
            "allowances/firstYearAllowanceOnPlantAndMachinery",
            year,
            Some(ANNUAL_DEF4_FIRST),
            None,
        )?;
        if let Some(allowance) = self.trading_income_allowance {
            if allowance.money() > Money::pounds(Self::TRADING_INCOME_ALLOWANCE_MAXIMUM) {
                return Err(BodyError::format(
                    "allowances/tradingIncomeAllowance",
                    format!("{allowance} is more than {}", Self::TRADING_INCOME_ALLOWANCE_MAXIMUM),
                ));
            }
            let others = self.capital_allowances().iter().any(|(_, v)| v.is_some())
                || self.buildings().iter().any(|(_, list)| list.is_some());
            if others {
                return Err(BodyError::new(
                    "allowances/tradingIncomeAllowance",
                    "RULE_BOTH_ALLOWANCES_SUPPLIED",
                    "the trading income allowance cannot be given with any other allowance",
                ));
            }
        }
        for (name, list) in self.buildings() {
            let Some(list) = list else { continue };
            let path = format!("allowances/{name}");
            if list.is_empty() {
                return Err(empty(&path, name));
            }
            for (i, item) in list.iter().enumerate() {
                item.building.check(&format!("{path}/{i}/building"), year)?;
            }
        }
        Ok(())
    }
}

impl Building {
    /// HMRC's pattern for a building's name, number and postcode: the reference pattern of
    /// 1 to 90 characters.
    fn check_text(value: &str, path: &str, year: TaxYear) -> Result<(), BodyError> {
        check_reference(value, path, "FORMAT_STRING", 90)?;
        // HMRC's schemas to 2023-24 and from 2026-27 add that the text may not be only
        // whitespace; those of 2024-25 and 2025-26 do not.
        let start = year.start_year();
        if (start <= ANNUAL_DEF1_LAST || start >= ANNUAL_DEF4_FIRST) && value.trim().is_empty() {
            return Err(BodyError::new(path, "FORMAT_STRING", "must not be only whitespace"));
        }
        Ok(())
    }

    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        if let Some(name) = &self.name {
            Self::check_text(name, &format!("{path}/name"), year)?;
        }
        if let Some(number) = &self.number {
            Self::check_text(number, &format!("{path}/number"), year)?;
        }
        Self::check_text(&self.postcode, &format!("{path}/postcode"), year)?;
        if self.name.is_none() && self.number.is_none() {
            return Err(BodyError::new(
                path,
                "RULE_BUILDING_NAME_NUMBER",
                "a building needs its postcode and at least one of its name and number",
            ));
        }
        Ok(())
    }
}

impl Check for AnnualSubmission {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == AnnualSubmission::default() {
            return Err(empty("/", "the body"));
        }
        if let Some(adjustments) = &self.adjustments {
            adjustments.check(year)?;
        }
        if let Some(allowances) = &self.allowances {
            allowances.check(year)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    fn money(text: &str) -> Money {
        Money::new(text.parse().unwrap())
    }

    fn period(json: &str) -> PeriodSummary {
        serde_json::from_str(json).unwrap()
    }

    const FULL_PERIOD: &str = r#"{
        "periodDates": { "periodStartDate": "2024-04-06", "periodEndDate": "2024-07-05" },
        "periodIncome": { "turnover": 18250.40, "other": 312.15, "taxTakenOffTradingIncome": 45.00 },
        "periodExpenses": {
            "costOfGoods": 2104.33, "paymentsToSubcontractors": 900, "wagesAndStaffCosts": 1500.50,
            "carVanTravelExpenses": 410.20, "premisesRunningCosts": 1200, "maintenanceCosts": -35.10,
            "adminCosts": 88.64, "businessEntertainmentCosts": 120, "advertisingCosts": 75.25,
            "interestOnBankOtherLoans": 64.12, "financeCharges": 19.99, "irrecoverableDebts": 230,
            "professionalFees": 480, "depreciation": 350.75, "otherExpenses": 42.18
        },
        "periodDisallowableExpenses": {
            "costOfGoodsDisallowable": 10, "paymentsToSubcontractorsDisallowable": 20,
            "wagesAndStaffCostsDisallowable": 30, "carVanTravelExpensesDisallowable": 102.55,
            "premisesRunningCostsDisallowable": 40, "maintenanceCostsDisallowable": -5,
            "adminCostsDisallowable": 6, "businessEntertainmentCostsDisallowable": 120,
            "advertisingCostsDisallowable": 7, "interestOnBankOtherLoansDisallowable": 8,
            "financeChargesDisallowable": 9, "irrecoverableDebtsDisallowable": 11,
            "professionalFeesDisallowable": 12, "depreciationDisallowable": 350.75,
            "otherExpensesDisallowable": 13
        }
    }"#;

    #[test]
    fn a_full_period_summary_parses_and_passes() {
        let body = period(FULL_PERIOD);
        body.check(year(2024)).unwrap();
        let income = body.period_income.as_ref().unwrap();
        assert_eq!(income.total(), money("18562.55"));
        let expenses = body.period_expenses.as_ref().unwrap();
        assert!(!expenses.is_consolidated());
        assert_eq!(expenses.total(), money("7550.86"));
        assert_eq!(body.period_disallowable_expenses.as_ref().unwrap().total(), money("734.30"));
    }

    #[test]
    fn a_period_summary_refuses_an_unknown_field() {
        let json = FULL_PERIOD.replace("\"other\": 312.15", "\"otherIncome\": 312.15");
        let e = serde_json::from_str::<PeriodSummary>(&json).unwrap_err().to_string();
        assert!(e.contains("unknown field `otherIncome`"), "{e}");
    }

    #[test]
    fn tax_taken_off_trading_income_is_refused_before_2023_24() {
        let e = period(FULL_PERIOD).check(year(2022)).unwrap_err();
        assert_eq!(e.path, "periodIncome/taxTakenOffTradingIncome");
        assert_eq!(e.code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn negative_wages_are_refused_before_2023_24_only() {
        let json = r#"{
            "periodDates": { "periodStartDate": "2022-04-06", "periodEndDate": "2022-07-05" },
            "periodExpenses": { "wagesAndStaffCosts": -10, "maintenanceCosts": -35.10 }
        }"#;
        let e = period(json).check(year(2022)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("periodExpenses/wagesAndStaffCosts", "FORMAT_VALUE"));
        period(&json.replace("2022-", "2023-")).check(year(2023)).unwrap();
    }

    #[test]
    fn consolidated_and_itemised_expenses_are_refused() {
        let consolidated = r#"{
            "periodDates": { "periodStartDate": "2023-04-06", "periodEndDate": "2023-07-05" },
            "periodIncome": { "turnover": 9000, "other": 0 },
            "periodExpenses": { "consolidatedExpenses": 2500.50 }
        }"#;
        let body = period(consolidated);
        body.check(year(2023)).unwrap();
        assert!(body.period_expenses.as_ref().unwrap().is_consolidated());
        assert_eq!(body.period_expenses.as_ref().unwrap().total(), money("2500.50"));

        let both = consolidated.replace("2500.50 }", "2500.50, \"adminCosts\": 10 }");
        let e = period(&both).check(year(2023)).unwrap_err();
        assert_eq!(e.code, "RULE_BOTH_EXPENSES_SUPPLIED");

        let with_disallowable = consolidated
            .replace("2500.50 }", "2500.50 }, \"periodDisallowableExpenses\": { \"adminCostsDisallowable\": 5 }");
        let e = period(&with_disallowable).check(year(2023)).unwrap_err();
        assert_eq!(e.code, "RULE_BOTH_EXPENSES_SUPPLIED");
    }

    #[test]
    fn an_end_date_before_the_start_date_is_refused() {
        let json = r#"{ "periodDates": { "periodStartDate": "2021-07-05", "periodEndDate": "2021-04-06" } }"#;
        let e = period(json).check(year(2021)).unwrap_err();
        assert_eq!(e.code, "RULE_END_DATE_BEFORE_START_DATE");
    }

    #[test]
    fn an_empty_object_is_refused() {
        let json = r#"{
            "periodDates": { "periodStartDate": "2021-04-06", "periodEndDate": "2021-07-05" },
            "periodIncome": {}
        }"#;
        let e = period(json).check(year(2021)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("periodIncome", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"));
    }

    const FULL_CUMULATIVE: &str = r#"{
        "periodDates": { "periodStartDate": "2025-04-06", "periodEndDate": "2025-10-05" },
        "periodIncome": { "turnover": 36500, "other": 620.40, "taxTakenOffTradingIncome": 0 },
        "periodExpenses": {
            "costOfGoods": 4208.66, "paymentsToSubcontractors": -100, "wagesAndStaffCosts": 3001,
            "carVanTravelExpenses": 820.40, "premisesRunningCosts": 2400, "maintenanceCosts": 70.20,
            "adminCosts": 177.28, "businessEntertainmentCosts": 240, "advertisingCosts": 150.50,
            "interestOnBankOtherLoans": 128.24, "financeCharges": 39.98, "irrecoverableDebts": 460,
            "professionalFees": 960, "depreciation": 701.50, "otherExpenses": 84.36
        },
        "periodDisallowableExpenses": {
            "businessEntertainmentCostsDisallowable": 240, "depreciationDisallowable": 701.50,
            "carVanTravelExpensesDisallowable": -12.25
        }
    }"#;

    #[test]
    fn a_full_cumulative_summary_parses_and_passes() {
        let body: CumulativePeriodSummary = serde_json::from_str(FULL_CUMULATIVE).unwrap();
        body.check(year(2025)).unwrap();
        assert_eq!(body.period_income.as_ref().unwrap().total(), money("37120.40"));
        assert_eq!(body.period_disallowable_expenses.as_ref().unwrap().total(), money("929.25"));
    }

    #[test]
    fn a_cumulative_summary_refuses_an_unknown_field() {
        let json = FULL_CUMULATIVE.replace("\"depreciation\":", "\"amortisation\":");
        assert!(serde_json::from_str::<CumulativePeriodSummary>(&json).is_err());
    }

    #[test]
    fn a_cumulative_summary_refuses_both_expenses_and_an_empty_body() {
        let json = r#"{
            "periodIncome": { "turnover": 1000, "other": 0 },
            "periodExpenses": { "consolidatedExpenses": 300, "costOfGoods": 100 }
        }"#;
        let body: CumulativePeriodSummary = serde_json::from_str(json).unwrap();
        assert_eq!(body.check(year(2025)).unwrap_err().code, "RULE_BOTH_EXPENSES_SUPPLIED");
        let body: CumulativePeriodSummary = serde_json::from_str("{}").unwrap();
        assert_eq!(body.check(year(2025)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const FULL_ANNUAL_2024: &str = r#"{
        "adjustments": {
            "includedNonTaxableProfits": 150.00, "basisAdjustment": -420.10, "accountingAdjustment": 80,
            "averagingAdjustment": 35.50, "outstandingBusinessIncome": 210, "balancingChargeBpra": 15,
            "balancingChargeOther": 60.25, "goodsAndServicesOwnUse": 95.40, "transitionProfitAmount": 1200,
            "transitionProfitAccelerationAmount": 300
        },
        "allowances": {
            "annualInvestmentAllowance": 2500, "capitalAllowanceMainPool": 640.18,
            "capitalAllowanceSpecialRatePool": 120.06, "zeroEmissionsGoodsVehicleAllowance": 900,
            "businessPremisesRenovationAllowance": 50, "enhancedCapitalAllowance": 75,
            "allowanceOnSales": 20, "capitalAllowanceSingleAssetPool": 310.50,
            "electricChargePointAllowance": 350, "zeroEmissionsCarAllowance": 1800,
            "structuredBuildingAllowance": [{
                "amount": 436.20,
                "firstYear": { "qualifyingDate": "2021-05-14", "qualifyingAmountExpenditure": 14540 },
                "building": { "name": "Mill House", "postcode": "LS1 4AP" }
            }],
            "enhancedStructuredBuildingAllowance": [{
                "amount": 250,
                "building": { "number": "12A", "postcode": "EH1 1YZ" }
            }]
        },
        "nonFinancials": { "businessDetailsChangedRecently": false, "class4NicsExemptionReason": "over-state-pension-age" }
    }"#;

    fn annual(json: &str) -> AnnualSubmission {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_full_annual_submission_parses_and_passes() {
        let body = annual(FULL_ANNUAL_2024);
        body.check(year(2024)).unwrap();
        // 80 + 35.50 + 210 + 15 + 60.25 + 95.40 + 1200 + 300 - 420.10 - 150
        assert_eq!(body.adjustments.as_ref().unwrap().net(), money("1426.05"));
        // 2500 + 640.18 + 120.06 + 900 + 50 + 75 + 20 + 310.50 + 350 + 1800 + 436.20 + 250
        assert_eq!(body.allowances.as_ref().unwrap().total(), money("7451.94"));
        assert_eq!(
            body.non_financials.unwrap().class4_nics_exemption_reason,
            Some(Class4NicsExemptionReason::OverStatePensionAge)
        );
    }

    #[test]
    fn an_annual_submission_refuses_an_unknown_field_and_reason() {
        let json = FULL_ANNUAL_2024.replace("\"allowanceOnSales\"", "\"allowanceOnSale\"");
        assert!(serde_json::from_str::<AnnualSubmission>(&json).is_err());
        let json = FULL_ANNUAL_2024.replace("over-state-pension-age", "retired");
        assert!(serde_json::from_str::<AnnualSubmission>(&json).is_err());
    }

    #[test]
    fn annual_fields_are_refused_outside_their_years() {
        let e = annual(FULL_ANNUAL_2024).check(year(2023)).unwrap_err();
        assert_eq!(e.path, "adjustments/transitionProfitAmount");
        let e = annual(FULL_ANNUAL_2024).check(year(2025)).unwrap_err();
        assert_eq!(e.path, "allowances/zeroEmissionsGoodsVehicleAllowance");
        assert_eq!(e.code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let class4 = annual(r#"{ "adjustments": { "adjustmentToProfitsForClass4": 100 } }"#);
        class4.check(year(2026)).unwrap();
        assert_eq!(class4.check(year(2025)).unwrap_err().path, "adjustments/adjustmentToProfitsForClass4");
    }

    #[test]
    fn overlap_relief_is_refused_from_2024_25() {
        let body = annual(r#"{ "adjustments": { "overlapReliefUsed": 500 } }"#);
        body.check(year(2023)).unwrap();
        assert_eq!(body.adjustments.as_ref().unwrap().net(), money("-500"));
        assert_eq!(body.check(year(2024)).unwrap_err().code, "RULE_OVERLAP_RELIEF_USED_NOT_ALLOWED");
        assert_eq!(body.check(year(2026)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn the_trading_allowance_alone_passes_and_with_others_is_refused() {
        let alone = annual(r#"{ "allowances": { "tradingIncomeAllowance": 1000 } }"#);
        alone.check(year(2025)).unwrap();
        assert_eq!(alone.allowances.as_ref().unwrap().total(), money("1000"));
        let both = annual(r#"{ "allowances": { "tradingIncomeAllowance": 1000, "allowanceOnSales": 1 } }"#);
        assert_eq!(both.check(year(2025)).unwrap_err().code, "RULE_BOTH_ALLOWANCES_SUPPLIED");
        let over = annual(r#"{ "allowances": { "tradingIncomeAllowance": 1000.01 } }"#);
        assert_eq!(over.check(year(2025)).unwrap_err().code, "FORMAT_VALUE");
    }

    #[test]
    fn accelerated_transition_profit_needs_the_transition_profit() {
        let body = annual(r#"{ "adjustments": { "transitionProfitAccelerationAmount": 300 } }"#);
        assert_eq!(body.check(year(2024)).unwrap_err().code, "RULE_WRONG_TPA_AMOUNT_SUBMITTED");
    }

    #[test]
    fn buildings_need_a_name_or_number_and_valid_text() {
        let json = |building: &str| {
            format!(
                r#"{{ "allowances": {{ "structuredBuildingAllowance": [{{ "amount": 10, "building": {building} }}] }} }}"#
            )
        };
        let e = annual(&json(r#"{ "postcode": "LS1 4AP" }"#)).check(year(2025)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.code),
            ("allowances/structuredBuildingAllowance/0/building", "RULE_BUILDING_NAME_NUMBER")
        );
        let e = annual(&json(r#"{ "name": "Mill House!", "postcode": "LS1 4AP" }"#)).check(year(2025)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.code),
            ("allowances/structuredBuildingAllowance/0/building/name", "FORMAT_STRING")
        );
        annual(&json(r#"{ "name": "Château d’Eau (Unit 2)", "postcode": "LS1 4AP" }"#)).check(year(2025)).unwrap();
        let blank = annual(&json(r#"{ "name": "  ", "postcode": "LS1 4AP" }"#));
        blank.check(year(2025)).unwrap();
        assert_eq!(blank.check(year(2023)).unwrap_err().code, "FORMAT_STRING");
    }

    #[test]
    fn empty_annual_bodies_are_refused() {
        for json in [r#"{}"#, r#"{ "adjustments": {} }"#, r#"{ "allowances": { "structuredBuildingAllowance": [] } }"#]
        {
            assert_eq!(
                annual(json).check(year(2024)).unwrap_err().code,
                "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED",
                "{json}"
            );
        }
    }
}
