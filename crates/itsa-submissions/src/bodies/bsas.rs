//! The bodies of HMRC's Self Assessment BSAS API 7.0 (Business Source Adjustable Summary):
//! the trigger of a summary for a business's accounting period, and the accounting
//! adjustments to a self-employment's, a UK property business's or a foreign property
//! business's summary.
//!
//! Every adjustment is an amount that may be negative but not zero.

use itsa_engine::TaxYear;
use serde::{Deserialize, Deserializer, Serialize};

use super::losses::check_business_id;
use super::{BodyError, Check, CountryCode, IsoDate, SignedAmount, check_date_years, only_in_years};

fn join(base: &str, name: &str) -> String {
    if base.is_empty() { name.to_owned() } else { format!("{base}/{name}") }
}

/// Refuse an object of adjustments that has none, and any adjustment of zero.
fn check_adjustments(path: &str, fields: &[(&str, Option<SignedAmount>)]) -> Result<(), BodyError> {
    if fields.iter().all(|(_, v)| v.is_none()) {
        return Err(BodyError::empty(path));
    }
    for (name, value) in fields {
        if value.is_some_and(|v| v.money().is_zero()) {
            return Err(BodyError::format(join(path, name), "an adjustment must not be zero"));
        }
    }
    Ok(())
}

/// Consolidated expenses replace the itemised ones (`allowed` may go with them).
fn check_consolidated(path: &str, fields: &[(&str, Option<SignedAmount>)], allowed: &[&str]) -> Result<(), BodyError> {
    let consolidated = fields.iter().any(|(n, v)| *n == "consolidatedExpenses" && v.is_some());
    let itemised = fields.iter().any(|(n, v)| *n != "consolidatedExpenses" && !allowed.contains(n) && v.is_some());
    if consolidated && itemised {
        return Err(BodyError::new(
            path,
            "RULE_BOTH_EXPENSES_SUPPLIED",
            "consolidatedExpenses cannot be given with itemised expenses",
        ));
    }
    Ok(())
}

/// `zeroAdjustments` (HMRC's schema allows only `true`) says there are no adjustments, so
/// it cannot come with any.
fn check_zero_adjustments(path: &str, zero: Option<bool>, has_adjustments: bool) -> Result<(), BodyError> {
    match zero {
        Some(false) => Err(BodyError::new(
            join(path, "zeroAdjustments"),
            "RULE_ZERO_ADJUSTMENTS_INVALID",
            "zeroAdjustments can only be true",
        )),
        Some(true) if has_adjustments => Err(BodyError::new(
            if path.is_empty() { "/" } else { path },
            "RULE_BOTH_ADJUSTMENTS_SUPPLIED",
            "zeroAdjustments cannot be given with adjustments",
        )),
        _ => Ok(()),
    }
}

/// HMRC's business types of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BsasBusinessType {
    #[serde(rename = "self-employment")]
    SelfEmployment,
    /// UK furnished holiday lettings (to 2024-25).
    #[serde(rename = "uk-property-fhl")]
    UkPropertyFhl,
    #[serde(rename = "uk-property")]
    UkProperty,
    /// Furnished holiday lettings in the EEA (to 2024-25).
    #[serde(rename = "foreign-property-fhl-eea")]
    ForeignPropertyFhlEea,
    #[serde(rename = "foreign-property")]
    ForeignProperty,
}

/// HMRC's Trigger a Business Source Adjustable Summary request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BsasTrigger {
    pub accounting_period: AccountingPeriod,
    /// The FHL types are only in the schema to 2024-25.
    pub type_of_business: BsasBusinessType,
    /// The business the summary is for.
    pub business_id: String,
}

/// The accounting period a summary covers: a whole tax year, 6 April to 5 April.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountingPeriod {
    pub start_date: IsoDate,
    pub end_date: IsoDate,
}

impl BsasTrigger {
    /// The tax year of the accounting period: the one its end date falls in.
    pub fn tax_year(&self) -> TaxYear {
        TaxYear::containing(self.accounting_period.end_date.0)
    }
}

impl Check for BsasTrigger {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_business_id(&self.business_id, "businessId")?;
        let period = &self.accounting_period;
        check_date_years(period.start_date, "accountingPeriod/startDate", "FORMAT_START_DATE")?;
        check_date_years(period.end_date, "accountingPeriod/endDate", "FORMAT_END_DATE")?;
        let (start, end) = (period.start_date.0, period.end_date.0);
        if end < start {
            return Err(BodyError::new(
                "accountingPeriod",
                "RULE_END_DATE_BEFORE_START_DATE",
                format!("endDate {end} is before startDate {start}"),
            ));
        }
        use BsasBusinessType::*;
        let fhl = matches!(self.type_of_business, UkPropertyFhl | ForeignPropertyFhlEea);
        if fhl && year.start_year() >= 2025 {
            return Err(BodyError::new(
                "typeOfBusiness",
                "FORMAT_TYPE_OF_BUSINESS",
                "furnished holiday lettings are not a type of business from 2025-26",
            ));
        }
        let first = match self.type_of_business {
            SelfEmployment | UkPropertyFhl | UkProperty => 2019,
            ForeignPropertyFhlEea | ForeignProperty => 2021,
        };
        if self.tax_year().start_year() < first {
            return Err(BodyError::new(
                "accountingPeriod/endDate",
                "RULE_ACCOUNTING_PERIOD_NOT_SUPPORTED",
                format!(
                    "the earliest tax year of an accounting period of this business is {}",
                    TaxYear::starting(first)
                ),
            ));
        }
        let tax_year = self.tax_year();
        if (start, end) != (tax_year.first_day(), tax_year.last_day()) {
            return Err(BodyError::new(
                "accountingPeriod",
                "RULE_ACCOUNTING_PERIOD_NOT_ALIGNED",
                format!("{start} to {end} is not a whole tax year (6 April to 5 April)"),
            ));
        }
        Ok(())
    }
}

/// HMRC's Submit Self-Employment Accounting Adjustments request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelfEmploymentAdjustments {
    pub income: Option<SeIncomeAdjustments>,
    pub expenses: Option<SeExpensesAdjustments>,
    pub additions: Option<SeAdditionsAdjustments>,
    /// There are no adjustments (only `true`; from 2024-25).
    pub zero_adjustments: Option<bool>,
}

/// Adjustments to a self-employment's income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeIncomeAdjustments {
    /// Takings, fees and sales.
    pub turnover: Option<SignedAmount>,
    /// Other business income.
    pub other: Option<SignedAmount>,
}

impl SeIncomeAdjustments {
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 2] {
        [("turnover", self.turnover), ("other", self.other)]
    }
}

/// Adjustments to a self-employment's allowable expenses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeExpensesAdjustments {
    pub cost_of_goods: Option<SignedAmount>,
    /// Payments to construction industry subcontractors.
    pub payments_to_subcontractors: Option<SignedAmount>,
    pub wages_and_staff_costs: Option<SignedAmount>,
    pub car_van_travel_expenses: Option<SignedAmount>,
    /// Rent, rates, power and insurance.
    pub premises_running_costs: Option<SignedAmount>,
    /// Repairs and renewals.
    pub maintenance_costs: Option<SignedAmount>,
    /// Phone, stationery and other office costs.
    pub admin_costs: Option<SignedAmount>,
    pub interest_on_bank_other_loans: Option<SignedAmount>,
    /// Bank, credit card and other financial charges.
    pub finance_charges: Option<SignedAmount>,
    /// Debts written off.
    pub irrecoverable_debts: Option<SignedAmount>,
    pub professional_fees: Option<SignedAmount>,
    /// Depreciation and loss or profit on sales of assets.
    pub depreciation: Option<SignedAmount>,
    pub other_expenses: Option<SignedAmount>,
    pub advertising_costs: Option<SignedAmount>,
    pub business_entertainment_costs: Option<SignedAmount>,
    /// All expenses as one sum, instead of the itemised ones.
    pub consolidated_expenses: Option<SignedAmount>,
}

impl SeExpensesAdjustments {
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 16] {
        [
            ("costOfGoods", self.cost_of_goods),
            ("paymentsToSubcontractors", self.payments_to_subcontractors),
            ("wagesAndStaffCosts", self.wages_and_staff_costs),
            ("carVanTravelExpenses", self.car_van_travel_expenses),
            ("premisesRunningCosts", self.premises_running_costs),
            ("maintenanceCosts", self.maintenance_costs),
            ("adminCosts", self.admin_costs),
            ("interestOnBankOtherLoans", self.interest_on_bank_other_loans),
            ("financeCharges", self.finance_charges),
            ("irrecoverableDebts", self.irrecoverable_debts),
            ("professionalFees", self.professional_fees),
            ("depreciation", self.depreciation),
            ("otherExpenses", self.other_expenses),
            ("advertisingCosts", self.advertising_costs),
            ("businessEntertainmentCosts", self.business_entertainment_costs),
            ("consolidatedExpenses", self.consolidated_expenses),
        ]
    }
}

/// Adjustments to a self-employment's disallowable expenses (added back to profit).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeAdditionsAdjustments {
    pub cost_of_goods_disallowable: Option<SignedAmount>,
    pub payments_to_subcontractors_disallowable: Option<SignedAmount>,
    pub wages_and_staff_costs_disallowable: Option<SignedAmount>,
    pub car_van_travel_expenses_disallowable: Option<SignedAmount>,
    pub premises_running_costs_disallowable: Option<SignedAmount>,
    pub maintenance_costs_disallowable: Option<SignedAmount>,
    pub admin_costs_disallowable: Option<SignedAmount>,
    pub interest_on_bank_other_loans_disallowable: Option<SignedAmount>,
    pub finance_charges_disallowable: Option<SignedAmount>,
    pub irrecoverable_debts_disallowable: Option<SignedAmount>,
    pub professional_fees_disallowable: Option<SignedAmount>,
    pub depreciation_disallowable: Option<SignedAmount>,
    pub other_expenses_disallowable: Option<SignedAmount>,
    pub advertising_costs_disallowable: Option<SignedAmount>,
    pub business_entertainment_costs_disallowable: Option<SignedAmount>,
}

impl SeAdditionsAdjustments {
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 15] {
        [
            ("costOfGoodsDisallowable", self.cost_of_goods_disallowable),
            ("paymentsToSubcontractorsDisallowable", self.payments_to_subcontractors_disallowable),
            ("wagesAndStaffCostsDisallowable", self.wages_and_staff_costs_disallowable),
            ("carVanTravelExpensesDisallowable", self.car_van_travel_expenses_disallowable),
            ("premisesRunningCostsDisallowable", self.premises_running_costs_disallowable),
            ("maintenanceCostsDisallowable", self.maintenance_costs_disallowable),
            ("adminCostsDisallowable", self.admin_costs_disallowable),
            ("interestOnBankOtherLoansDisallowable", self.interest_on_bank_other_loans_disallowable),
            ("financeChargesDisallowable", self.finance_charges_disallowable),
            ("irrecoverableDebtsDisallowable", self.irrecoverable_debts_disallowable),
            ("professionalFeesDisallowable", self.professional_fees_disallowable),
            ("depreciationDisallowable", self.depreciation_disallowable),
            ("otherExpensesDisallowable", self.other_expenses_disallowable),
            ("advertisingCostsDisallowable", self.advertising_costs_disallowable),
            ("businessEntertainmentCostsDisallowable", self.business_entertainment_costs_disallowable),
        ]
    }
}

impl Check for SelfEmploymentAdjustments {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.zero_adjustments.is_some(), "zeroAdjustments", year, Some(2024), None)?;
        let has_adjustments = self.income.is_some() || self.expenses.is_some() || self.additions.is_some();
        if !has_adjustments && self.zero_adjustments.is_none() {
            return Err(BodyError::empty(""));
        }
        check_zero_adjustments("", self.zero_adjustments, has_adjustments)?;
        if let Some(income) = &self.income {
            check_adjustments("income", &income.fields())?;
        }
        if let Some(expenses) = &self.expenses {
            check_adjustments("expenses", &expenses.fields())?;
        }
        if let Some(additions) = &self.additions {
            check_adjustments("additions", &additions.fields())?;
        }
        if let Some(expenses) = &self.expenses {
            check_consolidated("expenses", &expenses.fields(), &[])?;
            if expenses.consolidated_expenses.is_some() && self.additions.is_some() {
                return Err(BodyError::new(
                    "expenses",
                    "RULE_BOTH_EXPENSES_SUPPLIED",
                    "consolidatedExpenses cannot be given with additions",
                ));
            }
        }
        Ok(())
    }
}

/// Adjustments to a property business's expenses (UK, or one foreign country or property).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertyExpensesAdjustments {
    /// All expenses as one sum, instead of the itemised ones (residential finance costs
    /// apart).
    pub consolidated_expenses: Option<SignedAmount>,
    /// Rent, rates, insurance and ground rents.
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    /// Loan interest and other financial costs.
    pub financial_costs: Option<SignedAmount>,
    pub professional_fees: Option<SignedAmount>,
    pub cost_of_services: Option<SignedAmount>,
    /// Residential property finance costs (relieved at the basic rate).
    pub residential_financial_cost: Option<SignedAmount>,
    pub other: Option<SignedAmount>,
    pub travel_costs: Option<SignedAmount>,
}

impl PropertyExpensesAdjustments {
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 9] {
        [
            ("consolidatedExpenses", self.consolidated_expenses),
            ("premisesRunningCosts", self.premises_running_costs),
            ("repairsAndMaintenance", self.repairs_and_maintenance),
            ("financialCosts", self.financial_costs),
            ("professionalFees", self.professional_fees),
            ("costOfServices", self.cost_of_services),
            ("residentialFinancialCost", self.residential_financial_cost),
            ("other", self.other),
            ("travelCosts", self.travel_costs),
        ]
    }

    fn check(&self, path: &str) -> Result<(), BodyError> {
        check_adjustments(path, &self.fields())?;
        check_consolidated(path, &self.fields(), &["residentialFinancialCost"])
    }
}

/// Adjustments to furnished holiday lettings (UK or EEA), to 2024-25.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FhlAdjustments {
    pub income: Option<FhlIncomeAdjustments>,
    pub expenses: Option<FhlExpensesAdjustments>,
    /// There are no adjustments (only `true`; 2024-25).
    pub zero_adjustments: Option<bool>,
}

/// Adjustments to furnished holiday lettings income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FhlIncomeAdjustments {
    pub total_rents_received: Option<SignedAmount>,
}

/// Adjustments to furnished holiday lettings expenses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FhlExpensesAdjustments {
    /// All expenses as one sum, instead of the itemised ones.
    pub consolidated_expenses: Option<SignedAmount>,
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    pub financial_costs: Option<SignedAmount>,
    pub professional_fees: Option<SignedAmount>,
    pub cost_of_services: Option<SignedAmount>,
    pub other: Option<SignedAmount>,
    pub travel_costs: Option<SignedAmount>,
}

impl FhlExpensesAdjustments {
    fn fields(&self) -> [(&'static str, Option<SignedAmount>); 8] {
        [
            ("consolidatedExpenses", self.consolidated_expenses),
            ("premisesRunningCosts", self.premises_running_costs),
            ("repairsAndMaintenance", self.repairs_and_maintenance),
            ("financialCosts", self.financial_costs),
            ("professionalFees", self.professional_fees),
            ("costOfServices", self.cost_of_services),
            ("other", self.other),
            ("travelCosts", self.travel_costs),
        ]
    }
}

impl FhlAdjustments {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.zero_adjustments.is_some(), &join(path, "zeroAdjustments"), year, Some(2024), None)?;
        let has_adjustments = self.income.is_some() || self.expenses.is_some();
        if !has_adjustments && self.zero_adjustments.is_none() {
            return Err(BodyError::empty(path));
        }
        check_zero_adjustments(path, self.zero_adjustments, has_adjustments)?;
        if let Some(income) = &self.income {
            check_adjustments(&join(path, "income"), &[("totalRentsReceived", income.total_rents_received)])?;
        }
        if let Some(expenses) = &self.expenses {
            let path = join(path, "expenses");
            check_adjustments(&path, &expenses.fields())?;
            check_consolidated(&path, &expenses.fields(), &[])?;
        }
        Ok(())
    }
}

/// HMRC's Submit UK Property Accounting Adjustments request: adjustments to one of the
/// UK property business (non-FHL) or its furnished holiday lettings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAdjustments {
    pub uk_property: Option<UkPropertyAdjustment>,
    /// Furnished holiday lettings (to 2024-25).
    pub furnished_holiday_let: Option<FhlAdjustments>,
}

/// Adjustments to the UK property business other than furnished holiday lettings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAdjustment {
    pub income: Option<UkPropertyIncomeAdjustments>,
    pub expenses: Option<PropertyExpensesAdjustments>,
    /// There are no adjustments (only `true`; from 2024-25).
    pub zero_adjustments: Option<bool>,
}

/// Adjustments to UK property income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyIncomeAdjustments {
    pub total_rents_received: Option<SignedAmount>,
    /// Premiums received for the grant of a lease.
    pub premiums_of_lease_grant: Option<SignedAmount>,
    /// Reverse premiums and inducements.
    pub reverse_premiums: Option<SignedAmount>,
    pub other_property_income: Option<SignedAmount>,
}

impl Check for UkPropertyAdjustments {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.furnished_holiday_let.is_some(), "furnishedHolidayLet", year, None, Some(2024))?;
        match (&self.uk_property, &self.furnished_holiday_let) {
            (None, None) => return Err(BodyError::empty("")),
            (Some(_), Some(_)) => {
                return Err(BodyError::new(
                    "/",
                    "RULE_BOTH_PROPERTIES_SUPPLIED",
                    "only one of ukProperty and furnishedHolidayLet may be given",
                ));
            }
            _ => {}
        }
        if let Some(fhl) = &self.furnished_holiday_let {
            fhl.check("furnishedHolidayLet", year)?;
        }
        let Some(uk) = &self.uk_property else { return Ok(()) };
        only_in_years(uk.zero_adjustments.is_some(), "ukProperty/zeroAdjustments", year, Some(2024), None)?;
        let has_adjustments = uk.income.is_some() || uk.expenses.is_some();
        if !has_adjustments && uk.zero_adjustments.is_none() {
            return Err(BodyError::empty("ukProperty"));
        }
        check_zero_adjustments("ukProperty", uk.zero_adjustments, has_adjustments)?;
        if let Some(i) = &uk.income {
            check_adjustments(
                "ukProperty/income",
                &[
                    ("totalRentsReceived", i.total_rents_received),
                    ("premiumsOfLeaseGrant", i.premiums_of_lease_grant),
                    ("reversePremiums", i.reverse_premiums),
                    ("otherPropertyIncome", i.other_property_income),
                ],
            )?;
        }
        if let Some(expenses) = &uk.expenses {
            expenses.check("ukProperty/expenses")?;
        }
        Ok(())
    }
}

/// HMRC's Submit Foreign Property Accounting Adjustments request: adjustments to one of the
/// foreign property business (non-FHL) or its EEA furnished holiday lettings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyAdjustments {
    /// An array of countries to 2023-24, an object from 2024-25.
    pub foreign_property: Option<ForeignPropertyPart>,
    /// EEA furnished holiday lettings (to 2024-25).
    pub foreign_fhl_eea: Option<FhlAdjustments>,
}

/// `foreignProperty`, whose shape changed in 2024-25.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ForeignPropertyPart {
    /// To 2023-24: one entry per country.
    Countries(Vec<CountryAdjustments>),
    /// From 2024-25.
    Detail(ForeignPropertyDetail),
}

impl<'de> Deserialize<'de> for ForeignPropertyPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let part = if value.is_array() {
            Vec::deserialize(value).map(ForeignPropertyPart::Countries)
        } else {
            ForeignPropertyDetail::deserialize(value).map(ForeignPropertyPart::Detail)
        };
        part.map_err(serde::de::Error::custom)
    }
}

/// The foreign property adjustments from 2024-25.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyDetail {
    /// Per country (2024-25 and 2025-26).
    pub country_level_detail: Option<Vec<CountryAdjustments>>,
    /// Per property (from 2026-27).
    pub property_level_detail: Option<Vec<PropertyAdjustments>>,
    /// There are no adjustments (only `true`).
    pub zero_adjustments: Option<bool>,
}

/// Adjustments to the foreign property income and expenses of one country.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CountryAdjustments {
    pub country_code: CountryCode,
    pub income: Option<ForeignPropertyIncomeAdjustments>,
    pub expenses: Option<PropertyExpensesAdjustments>,
}

/// Adjustments to the income and expenses of one foreign property.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertyAdjustments {
    /// The property's id (a UUID) from its Create Foreign Property Details.
    pub property_id: String,
    pub income: Option<ForeignPropertyIncomeAdjustments>,
    pub expenses: Option<PropertyExpensesAdjustments>,
}

/// Adjustments to foreign property income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyIncomeAdjustments {
    pub total_rents_received: Option<SignedAmount>,
    /// Premiums received for the grant of a lease.
    pub premiums_of_lease_grant: Option<SignedAmount>,
    pub other_property_income: Option<SignedAmount>,
}

impl ForeignPropertyIncomeAdjustments {
    fn check(&self, path: &str) -> Result<(), BodyError> {
        check_adjustments(
            path,
            &[
                ("totalRentsReceived", self.total_rents_received),
                ("premiumsOfLeaseGrant", self.premiums_of_lease_grant),
                ("otherPropertyIncome", self.other_property_income),
            ],
        )
    }
}

fn check_income_expenses(
    path: &str,
    income: &Option<ForeignPropertyIncomeAdjustments>,
    expenses: &Option<PropertyExpensesAdjustments>,
) -> Result<(), BodyError> {
    if let Some(income) = income {
        income.check(&join(path, "income"))?;
    }
    if let Some(expenses) = expenses {
        expenses.check(&join(path, "expenses"))?;
    }
    Ok(())
}

fn check_countries(path: &str, countries: &[CountryAdjustments]) -> Result<(), BodyError> {
    if countries.is_empty() {
        return Err(BodyError::empty(path));
    }
    for (i, c) in countries.iter().enumerate() {
        let item = format!("{path}/{i}");
        if countries[..i].iter().any(|o| o.country_code == c.country_code) {
            return Err(BodyError::new(
                join(&item, "countryCode"),
                "RULE_DUPLICATE_COUNTRY_CODE",
                format!("{} is given more than once", c.country_code.as_str()),
            ));
        }
        check_income_expenses(&item, &c.income, &c.expenses)?;
    }
    Ok(())
}

/// HMRC's property ids are lower-case UUIDs.
fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

impl Check for ForeignPropertyAdjustments {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.foreign_fhl_eea.is_some(), "foreignFhlEea", year, None, Some(2024))?;
        match (&self.foreign_property, &self.foreign_fhl_eea) {
            (None, None) => return Err(BodyError::empty("")),
            (Some(_), Some(_)) => {
                return Err(BodyError::new(
                    "/",
                    "RULE_BOTH_PROPERTIES_SUPPLIED",
                    "only one of foreignProperty and foreignFhlEea may be given",
                ));
            }
            _ => {}
        }
        if let Some(fhl) = &self.foreign_fhl_eea {
            fhl.check("foreignFhlEea", year)?;
        }
        match &self.foreign_property {
            None => {}
            Some(ForeignPropertyPart::Countries(countries)) => {
                only_in_years(true, "foreignProperty", year, None, Some(2023))
                    .map_err(|e| BodyError { message: format!("{}: from 2024-25 it is an object", e.message), ..e })?;
                check_countries("foreignProperty", countries)?;
            }
            Some(ForeignPropertyPart::Detail(detail)) => {
                only_in_years(true, "foreignProperty", year, Some(2024), None)
                    .map_err(|e| BodyError { message: format!("{}: to 2023-24 it is an array", e.message), ..e })?;
                let countries = detail.country_level_detail.as_deref();
                let properties = detail.property_level_detail.as_deref();
                only_in_years(countries.is_some(), "foreignProperty/countryLevelDetail", year, Some(2024), Some(2025))?;
                only_in_years(properties.is_some(), "foreignProperty/propertyLevelDetail", year, Some(2026), None)?;
                if countries.is_none() && properties.is_none() && detail.zero_adjustments.is_none() {
                    return Err(BodyError::empty("foreignProperty"));
                }
                let has_adjustments = countries
                    .is_some_and(|c| c.iter().any(|c| c.income.is_some() || c.expenses.is_some()))
                    || properties.is_some_and(|p| p.iter().any(|p| p.income.is_some() || p.expenses.is_some()));
                check_zero_adjustments("foreignProperty", detail.zero_adjustments, has_adjustments)?;
                if let Some(countries) = countries {
                    check_countries("foreignProperty/countryLevelDetail", countries)?;
                }
                if let Some(properties) = properties {
                    let path = "foreignProperty/propertyLevelDetail";
                    if properties.is_empty() {
                        return Err(BodyError::empty(path));
                    }
                    for (i, p) in properties.iter().enumerate() {
                        let item = format!("{path}/{i}");
                        if !is_uuid(&p.property_id) {
                            return Err(BodyError::new(
                                join(&item, "propertyId"),
                                "FORMAT_PROPERTY_ID",
                                format!("'{}' is not a property id (a UUID)", p.property_id),
                            ));
                        }
                        if properties[..i].iter().any(|o| o.property_id == p.property_id) {
                            return Err(BodyError::new(
                                join(&item, "propertyId"),
                                "RULE_DUPLICATE_PROPERTY_ID",
                                format!("the property id '{}' is given more than once", p.property_id),
                            ));
                        }
                        check_income_expenses(&item, &p.income, &p.expenses)?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    fn unknown<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) {
        let e = serde_json::from_str::<T>(json).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    fn code<T: serde::de::DeserializeOwned + Check>(json: &str, year: u16) -> &'static str {
        read::<T>(json).check(TaxYear::starting(year)).unwrap_err().code
    }

    const TRIGGER: &str = r#"{"accountingPeriod": {"startDate": "2025-04-06", "endDate": "2026-04-05"},
        "typeOfBusiness": "self-employment", "businessId": "XAIS12345678910"}"#;

    #[test]
    fn trigger() {
        let t: BsasTrigger = read(TRIGGER);
        assert_eq!(t.tax_year(), TaxYear::starting(2025));
        t.check(TaxYear::starting(2025)).unwrap();
        unknown::<BsasTrigger>(&TRIGGER.replace(r#""businessId""#, r#""taxYear": "2025-26", "businessId""#));
        let fhl = TRIGGER
            .replace("self-employment", "uk-property-fhl")
            .replace("2025-04-06", "2024-04-06")
            .replace("2026-04-05", "2025-04-05");
        read::<BsasTrigger>(&fhl).check(TaxYear::starting(2024)).unwrap();
        assert_eq!(
            code::<BsasTrigger>(&TRIGGER.replace("self-employment", "uk-property-fhl"), 2025),
            "FORMAT_TYPE_OF_BUSINESS"
        );
        assert_eq!(
            code::<BsasTrigger>(&TRIGGER.replace("2025-04-06", "2025-05-01"), 2025),
            "RULE_ACCOUNTING_PERIOD_NOT_ALIGNED"
        );
        assert_eq!(
            code::<BsasTrigger>(&TRIGGER.replace("2025-04-06", "2026-05-01"), 2025),
            "RULE_END_DATE_BEFORE_START_DATE"
        );
        assert_eq!(code::<BsasTrigger>(&TRIGGER.replace("XAIS12345678910", "{se1}"), 2025), "FORMAT_BUSINESS_ID");
        let early = TRIGGER
            .replace("self-employment", "foreign-property")
            .replace("2025-04-06", "2020-04-06")
            .replace("2026-04-05", "2021-04-05");
        assert_eq!(code::<BsasTrigger>(&early, 2020), "RULE_ACCOUNTING_PERIOD_NOT_SUPPORTED");
        read::<BsasTrigger>(&early.replace("foreign-property", "uk-property")).check(TaxYear::starting(2020)).unwrap();
    }

    const SE: &str = r#"{
        "income": {"turnover": 1000.45, "other": -20},
        "expenses": {"costOfGoods": 100, "paymentsToSubcontractors": 1, "wagesAndStaffCosts": 2, "carVanTravelExpenses": -3,
            "premisesRunningCosts": 4, "maintenanceCosts": 5, "adminCosts": 6, "interestOnBankOtherLoans": 7,
            "financeCharges": 8, "irrecoverableDebts": 9, "professionalFees": 10, "depreciation": 11,
            "otherExpenses": 12, "advertisingCosts": 13, "businessEntertainmentCosts": 14},
        "additions": {"costOfGoodsDisallowable": 1, "paymentsToSubcontractorsDisallowable": 2,
            "wagesAndStaffCostsDisallowable": 3, "carVanTravelExpensesDisallowable": 4,
            "premisesRunningCostsDisallowable": 5, "maintenanceCostsDisallowable": 6, "adminCostsDisallowable": 7,
            "interestOnBankOtherLoansDisallowable": 8, "financeChargesDisallowable": 9,
            "irrecoverableDebtsDisallowable": 10, "professionalFeesDisallowable": 11, "depreciationDisallowable": 12,
            "otherExpensesDisallowable": 13, "advertisingCostsDisallowable": 14,
            "businessEntertainmentCostsDisallowable": -15}
    }"#;

    #[test]
    fn self_employment_adjustments() {
        let b: SelfEmploymentAdjustments = read(SE);
        b.check(TaxYear::starting(2023)).unwrap();
        b.check(TaxYear::starting(2025)).unwrap();
        unknown::<SelfEmploymentAdjustments>(&SE.replace(r#""other": -20"#, r#""other": -20, "tips": 1"#));
        read::<SelfEmploymentAdjustments>(r#"{"zeroAdjustments": true}"#).check(TaxYear::starting(2024)).unwrap();
        assert_eq!(
            code::<SelfEmploymentAdjustments>(r#"{"zeroAdjustments": true}"#, 2023),
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(r#"{"zeroAdjustments": false}"#, 2024),
            "RULE_ZERO_ADJUSTMENTS_INVALID"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(r#"{"zeroAdjustments": true, "income": {"turnover": 5}}"#, 2024),
            "RULE_BOTH_ADJUSTMENTS_SUPPLIED"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(&SE.replace("\"other\": -20", "\"other\": 0.00"), 2024),
            "FORMAT_VALUE"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(
                &SE.replace("\"costOfGoods\": 100", "\"consolidatedExpenses\": 100"),
                2024
            ),
            "RULE_BOTH_EXPENSES_SUPPLIED"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(
                r#"{"expenses": {"consolidatedExpenses": 5}, "additions": {"costOfGoodsDisallowable": 1}}"#,
                2024
            ),
            "RULE_BOTH_EXPENSES_SUPPLIED"
        );
        assert_eq!(
            code::<SelfEmploymentAdjustments>(r#"{"income": {}}"#, 2024),
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
        assert_eq!(code::<SelfEmploymentAdjustments>("{}", 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const UK: &str = r#"{"ukProperty": {
        "income": {"totalRentsReceived": 1000.45, "premiumsOfLeaseGrant": 10, "reversePremiums": -10, "otherPropertyIncome": 5},
        "expenses": {"premisesRunningCosts": 1, "repairsAndMaintenance": 2, "financialCosts": 3, "professionalFees": 4,
            "costOfServices": 5, "residentialFinancialCost": 6, "other": 7, "travelCosts": -8}}}"#;

    const UK_FHL: &str = r#"{"furnishedHolidayLet": {
        "income": {"totalRentsReceived": 300},
        "expenses": {"premisesRunningCosts": 1, "repairsAndMaintenance": 2, "financialCosts": 3, "professionalFees": 4,
            "costOfServices": 5, "other": 7, "travelCosts": 8}}}"#;

    #[test]
    fn uk_property_adjustments() {
        read::<UkPropertyAdjustments>(UK).check(TaxYear::starting(2025)).unwrap();
        read::<UkPropertyAdjustments>(UK_FHL).check(TaxYear::starting(2023)).unwrap();
        unknown::<UkPropertyAdjustments>(&UK.replace(r#""other": 7"#, r#""other": 7, "rentARoom": 1"#));
        assert_eq!(code::<UkPropertyAdjustments>(UK_FHL, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let both = format!("{{{}, {}", &UK[1..UK.len() - 1], &UK_FHL[1..]);
        assert_eq!(code::<UkPropertyAdjustments>(&both, 2024), "RULE_BOTH_PROPERTIES_SUPPLIED");
        let consolidated = UK.replace(r#""premisesRunningCosts": 1"#, r#""consolidatedExpenses": 1"#);
        assert_eq!(code::<UkPropertyAdjustments>(&consolidated, 2025), "RULE_BOTH_EXPENSES_SUPPLIED");
        let allowed = r#"{"ukProperty": {"expenses": {"consolidatedExpenses": 1, "residentialFinancialCost": 6}}}"#;
        read::<UkPropertyAdjustments>(allowed).check(TaxYear::starting(2025)).unwrap();
        let zero = r#"{"ukProperty": {"zeroAdjustments": true}}"#;
        read::<UkPropertyAdjustments>(zero).check(TaxYear::starting(2024)).unwrap();
        assert_eq!(code::<UkPropertyAdjustments>(zero, 2023), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const FP_2023: &str = r#"{"foreignProperty": [
        {"countryCode": "FRA", "income": {"totalRentsReceived": 100, "premiumsOfLeaseGrant": 2, "otherPropertyIncome": 3},
         "expenses": {"premisesRunningCosts": 1, "repairsAndMaintenance": 2, "financialCosts": 3, "professionalFees": 4,
            "costOfServices": 5, "residentialFinancialCost": 6, "other": 7, "travelCosts": 8}},
        {"countryCode": "ESP", "expenses": {"consolidatedExpenses": -50}}]}"#;

    const FP_2026: &str = r#"{"foreignProperty": {"propertyLevelDetail": [
        {"propertyId": "717f3a7a-db8e-11e9-8a34-2a2ae2dbcce4",
         "income": {"totalRentsReceived": 100, "premiumsOfLeaseGrant": 2, "otherPropertyIncome": 3},
         "expenses": {"consolidatedExpenses": 40, "residentialFinancialCost": 6}}]}}"#;

    #[test]
    fn foreign_property_adjustments() {
        read::<ForeignPropertyAdjustments>(FP_2023).check(TaxYear::starting(2023)).unwrap();
        read::<ForeignPropertyAdjustments>(FP_2026).check(TaxYear::starting(2026)).unwrap();
        let fp_2025 = r#"{"foreignProperty": {"countryLevelDetail": [{"countryCode": "DEU", "income": {"totalRentsReceived": 12}}]}}"#;
        read::<ForeignPropertyAdjustments>(fp_2025).check(TaxYear::starting(2025)).unwrap();
        let fhl =
            r#"{"foreignFhlEea": {"income": {"totalRentsReceived": 10}, "expenses": {"consolidatedExpenses": 4}}}"#;
        read::<ForeignPropertyAdjustments>(fhl).check(TaxYear::starting(2024)).unwrap();
        unknown::<ForeignPropertyAdjustments>(
            &FP_2026.replace(r#""propertyId""#, r#""countryCode": "FRA", "propertyId""#),
        );
        assert!(
            serde_json::from_str::<ForeignPropertyAdjustments>(&FP_2023.replace("\"ESP\"", "\"ESP\", \"x\": 1"))
                .is_err()
        );
        // The array of countries is 2023-24's shape; per-property details start in 2026-27.
        assert_eq!(code::<ForeignPropertyAdjustments>(FP_2023, 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code::<ForeignPropertyAdjustments>(FP_2026, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code::<ForeignPropertyAdjustments>(fp_2025, 2026), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code::<ForeignPropertyAdjustments>(fhl, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(
            code::<ForeignPropertyAdjustments>(&FP_2023.replace("ESP", "FRA"), 2023),
            "RULE_DUPLICATE_COUNTRY_CODE"
        );
        assert_eq!(
            code::<ForeignPropertyAdjustments>(
                &FP_2023.replace(r#""premisesRunningCosts": 1"#, r#""consolidatedExpenses": 1"#),
                2023
            ),
            "RULE_BOTH_EXPENSES_SUPPLIED"
        );
        assert_eq!(
            code::<ForeignPropertyAdjustments>(&FP_2026.replace("717f3a7a", "717F3A7A"), 2026),
            "FORMAT_PROPERTY_ID"
        );
        let zero = r#"{"foreignProperty": {"zeroAdjustments": true, "countryLevelDetail": [{"countryCode": "DEU", "income": {"totalRentsReceived": 12}}]}}"#;
        assert_eq!(code::<ForeignPropertyAdjustments>(zero, 2025), "RULE_BOTH_ADJUSTMENTS_SUPPLIED");
        let both = r#"{"foreignProperty": {"zeroAdjustments": true}, "foreignFhlEea": {"zeroAdjustments": true}}"#;
        assert_eq!(code::<ForeignPropertyAdjustments>(both, 2024), "RULE_BOTH_PROPERTIES_SUPPLIED");
    }
}
