//! The request bodies of HMRC's Property Business API (6.0): UK and foreign property
//! income and expenses (period summaries to 2024-25, cumulative summaries from 2025-26),
//! annual adjustments and allowances, and from 2026-27 the details of each foreign
//! property.
//!
//! Furnished holiday lettings (FHL) ended in 2025-26: from then on a UK property business
//! has one `ukProperty` object, and a foreign one a `foreignProperty` list with no FHL
//! (EEA) part. Foreign property figures are per country in 2025-26 and per property (a
//! `propertyId` made by the details endpoint) from 2026-27.

use std::fmt::Display;

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::{
    Amount, BodyError, Check, CountryCode, IsoDate, SignedAmount, check_date_years, check_reference, is_line_break,
    only_in_years, refuse_empty,
};
use crate::amount::or_zero;

const BOTH_EXPENSES: &str = "RULE_BOTH_EXPENSES_SUPPLIED";
const BOTH_ALLOWANCES: &str = "RULE_BOTH_ALLOWANCES_SUPPLIED";

/// The first tax year (start year) whose income and expenses schemas allow negative
/// expenses (2024-25).
const FIRST_YEAR_OF_NEGATIVE_EXPENSES: u16 = 2024;
/// The last tax year (start year) with furnished holiday lettings (2024-25).
const LAST_YEAR_OF_FHL: u16 = 2024;
/// The last tax year (start year) whose foreign property figures are per country (2025-26).
const LAST_YEAR_PER_COUNTRY: u16 = 2025;

// ---------------------------------------------------------------------------------------
// UK property: period summary (2022-23 to 2024-25) and cumulative summary (2025-26 on)
// ---------------------------------------------------------------------------------------

/// HMRC's "Create a UK Property Income & Expenses Period Summary" body (2022-23 to 2024-25).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyPeriodSummary {
    /// The first day the period covers.
    pub from_date: IsoDate,
    /// The last day the period covers.
    pub to_date: IsoDate,
    /// The income and expenses of UK furnished holiday lettings.
    pub uk_fhl_property: Option<UkFhlPropertyPeriod>,
    /// The income and expenses of the UK property business other than furnished holiday
    /// lettings.
    pub uk_non_fhl_property: Option<UkPropertyIncomeAndExpenses>,
}

impl Check for UkPropertyPeriodSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_period_dates(self.from_date, self.to_date)?;
        if let Some(fhl) = &self.uk_fhl_property {
            fhl.check_at("ukFhlProperty", year)?;
        }
        if let Some(property) = &self.uk_non_fhl_property {
            property.check_at("ukNonFhlProperty", year)?;
        }
        Ok(())
    }
}

/// HMRC's "Create or Amend a UK Property Cumulative Period Summary" body (2025-26 on):
/// the year-to-date totals, each submission replacing the last.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyCumulativeSummary {
    /// The first day the totals cover; not sent by customers reporting annually or with
    /// a latent income source.
    pub from_date: Option<IsoDate>,
    /// The last day the totals cover; sent together with `fromDate`.
    pub to_date: Option<IsoDate>,
    /// The income and expenses of the UK property business.
    pub uk_property: UkPropertyIncomeAndExpenses,
}

impl Check for UkPropertyCumulativeSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_optional_period_dates(self.from_date, self.to_date)?;
        self.uk_property.check_at("ukProperty", year)
    }
}

/// The income and expenses of UK furnished holiday lettings for a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlPropertyPeriod {
    pub income: Option<UkFhlIncome>,
    pub expenses: Option<UkFhlExpenses>,
}

impl UkFhlPropertyPeriod {
    /// All the income of the period (see [`UkFhlIncome::total`]); zero without income.
    pub fn income_total(&self) -> Money {
        self.income.as_ref().map_or(Money::ZERO, UkFhlIncome::total)
    }

    /// All the allowable expenses of the period (see [`UkFhlExpenses::total`]).
    pub fn expenses_total(&self) -> Money {
        self.expenses.as_ref().map_or(Money::ZERO, UkFhlExpenses::total)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(income) = &self.income {
            let path = at(path, "income");
            refuse_empty(income, &path)?;
            if let Some(rar) = &income.rent_a_room {
                refuse_empty(rar, &at(&path, "rentARoom"))?;
            }
        }
        if let Some(expenses) = &self.expenses {
            expenses.check_at(&at(path, "expenses"), year)?;
        }
        Ok(())
    }
}

/// The income of UK furnished holiday lettings for a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlIncome {
    /// Rents, ground rents and rent charges, but not rent-a-room rents.
    pub period_amount: Option<Amount>,
    /// Tax already deducted from the income.
    pub tax_deducted: Option<Amount>,
    /// Rents received under the rent-a-room scheme.
    pub rent_a_room: Option<RentARoomIncome>,
}

impl UkFhlIncome {
    /// All the income: rents (`periodAmount`) and rent-a-room rents. Tax deducted is not
    /// income and is left out (see [`UkFhlIncome::tax_deducted`]).
    pub fn total(&self) -> Money {
        or_zero(self.period_amount) + self.rent_a_room_rents()
    }

    /// The rent-a-room rents received, included in [`UkFhlIncome::total`].
    pub fn rent_a_room_rents(&self) -> Money {
        self.rent_a_room.as_ref().map_or(Money::ZERO, |r| or_zero(r.rents_received))
    }

    /// The UK tax already deducted from the income: a payment of tax, not income.
    pub fn tax_deducted(&self) -> Money {
        or_zero(self.tax_deducted)
    }
}

/// Rent-a-room rents received in a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RentARoomIncome {
    /// The rents received from letting furnished rooms in the customer's own home.
    pub rents_received: Option<Amount>,
}

/// The rent-a-room relief claimed for a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RentARoomExpenses {
    /// The rent-a-room relief claimed against the rent-a-room rents.
    pub amount_claimed: Option<Amount>,
}

/// The expenses of UK furnished holiday lettings for a period. Amounts may be negative from
/// 2024-25 only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlExpenses {
    /// Rent, rates, insurance, ground rents and other running costs.
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    /// Loan interest and other financial costs.
    pub financial_costs: Option<SignedAmount>,
    /// Legal, management and other professional fees.
    pub professional_fees: Option<SignedAmount>,
    /// The cost of services provided, including wages.
    pub cost_of_services: Option<SignedAmount>,
    /// Car, van and travel costs of running the business.
    pub travel_costs: Option<SignedAmount>,
    /// Other allowable property expenses.
    pub other: Option<SignedAmount>,
    /// The rent-a-room relief claimed.
    pub rent_a_room: Option<RentARoomExpenses>,
    /// All allowable expenses as one figure, instead of the itemised ones (with
    /// `rentARoom` too from 2024-25).
    pub consolidated_expenses: Option<SignedAmount>,
}

impl UkFhlExpenses {
    fn itemised(&self) -> [(Option<SignedAmount>, &'static str); 7] {
        [
            (self.premises_running_costs, "premisesRunningCosts"),
            (self.repairs_and_maintenance, "repairsAndMaintenance"),
            (self.financial_costs, "financialCosts"),
            (self.professional_fees, "professionalFees"),
            (self.cost_of_services, "costOfServices"),
            (self.travel_costs, "travelCosts"),
            (self.other, "other"),
        ]
    }

    /// All the allowable expenses: the itemised ones or the consolidated figure, and the
    /// rent-a-room relief claimed.
    pub fn total(&self) -> Money {
        sum(&self.itemised().map(|(v, _)| v))
            + or_zero(self.consolidated_expenses)
            + self.rent_a_room.as_ref().map_or(Money::ZERO, |r| or_zero(r.amount_claimed))
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(rar) = &self.rent_a_room {
            refuse_empty(rar, &at(path, "rentARoom"))?;
        }
        no_negatives_before_2024(&self.itemised(), path, year)?;
        no_negatives_before_2024(&[(self.consolidated_expenses, "consolidatedExpenses")], path, year)?;
        if self.consolidated_expenses.is_some() {
            let itemised = self.itemised().iter().any(|(v, _)| v.is_some());
            let rent_a_room = self.rent_a_room.is_some() && year.start_year() < FIRST_YEAR_OF_NEGATIVE_EXPENSES;
            if itemised || rent_a_room {
                return Err(both_expenses(path));
            }
        }
        Ok(())
    }
}

/// The income and expenses of a UK property business other than furnished holiday
/// lettings: `ukNonFhlProperty` of a period summary and `ukProperty` of a cumulative one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyIncomeAndExpenses {
    pub income: Option<UkPropertyIncome>,
    pub expenses: Option<UkPropertyExpenses>,
}

impl UkPropertyIncomeAndExpenses {
    /// All the income (see [`UkPropertyIncome::total`]); zero without income.
    pub fn income_total(&self) -> Money {
        self.income.as_ref().map_or(Money::ZERO, UkPropertyIncome::total)
    }

    /// The allowable expenses, residential finance costs excluded (see
    /// [`UkPropertyExpenses::total`]).
    pub fn expenses_total(&self) -> Money {
        self.expenses.as_ref().map_or(Money::ZERO, UkPropertyExpenses::total)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(income) = &self.income {
            let path = at(path, "income");
            refuse_empty(income, &path)?;
            if let Some(rar) = &income.rent_a_room {
                refuse_empty(rar, &at(&path, "rentARoom"))?;
            }
        }
        if let Some(expenses) = &self.expenses {
            expenses.check_at(&at(path, "expenses"), year)?;
        }
        Ok(())
    }
}

/// The income of a UK property business other than furnished holiday lettings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyIncome {
    /// Premiums received for the grant of a lease, and other lump sums to possess a
    /// property.
    pub premiums_of_lease_grant: Option<Amount>,
    /// Sums a landlord or outgoing tenant paid to induce a new tenant to take a lease.
    pub reverse_premiums: Option<Amount>,
    /// Rents from property (not ground rents, rent charges or rent-a-room rents).
    pub period_amount: Option<Amount>,
    /// Tax already deducted from the rental income.
    pub tax_deducted: Option<Amount>,
    /// Other rent and income for services provided to tenants.
    pub other_income: Option<Amount>,
    /// Rents received under the rent-a-room scheme.
    pub rent_a_room: Option<RentARoomIncome>,
}

impl UkPropertyIncome {
    /// All the income: premiums of lease grants, reverse premiums, rents (`periodAmount`),
    /// other income and rent-a-room rents. Tax deducted is not income and is left out
    /// (see [`UkPropertyIncome::tax_deducted`]).
    pub fn total(&self) -> Money {
        sum(&[self.premiums_of_lease_grant, self.reverse_premiums, self.period_amount, self.other_income])
            + self.rent_a_room_rents()
    }

    /// The rent-a-room rents received, included in [`UkPropertyIncome::total`].
    pub fn rent_a_room_rents(&self) -> Money {
        self.rent_a_room.as_ref().map_or(Money::ZERO, |r| or_zero(r.rents_received))
    }

    /// The UK tax already deducted from the rents: a payment of tax, not income.
    pub fn tax_deducted(&self) -> Money {
        or_zero(self.tax_deducted)
    }
}

/// The expenses of a UK property business other than furnished holiday lettings. The
/// itemised and consolidated amounts may be negative from 2024-25 only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyExpenses {
    /// Rent, rates, insurance, ground rents and other running costs.
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    /// Loan interest and other financial costs (not of residential property).
    pub financial_costs: Option<SignedAmount>,
    /// Legal, management and other professional fees.
    pub professional_fees: Option<SignedAmount>,
    /// The cost of services provided, including wages.
    pub cost_of_services: Option<SignedAmount>,
    /// Other allowable property expenses.
    pub other: Option<SignedAmount>,
    /// Finance costs of residential property (mortgage interest and the like), relieved
    /// as a reduction of tax rather than deducted from the profit.
    pub residential_financial_cost: Option<Amount>,
    /// Car, van and travel costs of running the business.
    pub travel_costs: Option<SignedAmount>,
    /// Residential finance costs of earlier years not yet relieved, brought into this
    /// year (HMRC's name says "carried forward").
    pub residential_financial_costs_carried_forward: Option<Amount>,
    /// The rent-a-room relief claimed.
    pub rent_a_room: Option<RentARoomExpenses>,
    /// All allowable expenses as one figure, instead of the itemised ones; from 2024-25
    /// it may come with the residential finance costs and `rentARoom`.
    pub consolidated_expenses: Option<SignedAmount>,
}

impl UkPropertyExpenses {
    fn itemised(&self) -> [(Option<SignedAmount>, &'static str); 7] {
        [
            (self.premises_running_costs, "premisesRunningCosts"),
            (self.repairs_and_maintenance, "repairsAndMaintenance"),
            (self.financial_costs, "financialCosts"),
            (self.professional_fees, "professionalFees"),
            (self.cost_of_services, "costOfServices"),
            (self.other, "other"),
            (self.travel_costs, "travelCosts"),
        ]
    }

    /// The allowable expenses deducted from the profit: the itemised ones or the
    /// consolidated figure, and the rent-a-room relief claimed. Residential finance costs
    /// are left out: they are relieved as a reduction of tax (see
    /// [`UkPropertyExpenses::residential_finance_costs`] and
    /// [`UkPropertyExpenses::finance_costs_brought_forward`]).
    pub fn total(&self) -> Money {
        sum(&self.itemised().map(|(v, _)| v))
            + or_zero(self.consolidated_expenses)
            + self.rent_a_room.as_ref().map_or(Money::ZERO, |r| or_zero(r.amount_claimed))
    }

    /// This period's residential finance costs (`residentialFinancialCost`).
    pub fn residential_finance_costs(&self) -> Money {
        or_zero(self.residential_financial_cost)
    }

    /// Residential finance costs of earlier years not yet relieved
    /// (`residentialFinancialCostsCarriedForward`).
    pub fn finance_costs_brought_forward(&self) -> Money {
        or_zero(self.residential_financial_costs_carried_forward)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(rar) = &self.rent_a_room {
            refuse_empty(rar, &at(path, "rentARoom"))?;
        }
        no_negatives_before_2024(&self.itemised(), path, year)?;
        no_negatives_before_2024(&[(self.consolidated_expenses, "consolidatedExpenses")], path, year)?;
        if self.consolidated_expenses.is_some() {
            let itemised = self.itemised().iter().any(|(v, _)| v.is_some());
            let others = self.residential_financial_cost.is_some()
                || self.residential_financial_costs_carried_forward.is_some()
                || self.rent_a_room.is_some();
            if itemised || (others && year.start_year() < FIRST_YEAR_OF_NEGATIVE_EXPENSES) {
                return Err(both_expenses(path));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// UK property: annual submission
// ---------------------------------------------------------------------------------------

/// HMRC's "Create and Amend a UK Property Business Annual Submission" body: the year's
/// adjustments and allowances.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAnnualSubmission {
    /// UK furnished holiday lettings (to 2024-25 only).
    pub uk_fhl_property: Option<UkFhlPropertyAnnual>,
    /// The UK property business, other than furnished holiday lettings to 2024-25
    /// (required from 2025-26).
    pub uk_property: Option<UkPropertyAnnual>,
}

impl Check for UkPropertyAnnualSubmission {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.uk_fhl_property.is_some(), "ukFhlProperty", year, None, Some(LAST_YEAR_OF_FHL))?;
        required_in_years(self.uk_property.is_some(), "ukProperty", year, Some(LAST_YEAR_OF_FHL + 1), None)?;
        refuse_empty(self, "/")?;
        if let Some(fhl) = &self.uk_fhl_property {
            fhl.check_at("ukFhlProperty")?;
        }
        if let Some(property) = &self.uk_property {
            property.check_at("ukProperty", year)?;
        }
        Ok(())
    }
}

/// The annual adjustments and allowances of UK furnished holiday lettings (to 2024-25).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlPropertyAnnual {
    pub adjustments: Option<UkFhlPropertyAdjustments>,
    pub allowances: Option<UkFhlPropertyAllowances>,
}

impl UkFhlPropertyAnnual {
    /// The allowances deducted from the profit, the property income allowance excluded
    /// (see [`UkFhlPropertyAllowances::allowances_total`]).
    pub fn allowances_total(&self) -> Money {
        self.allowances.as_ref().map_or(Money::ZERO, UkFhlPropertyAllowances::allowances_total)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.allowances.as_ref().and_then(UkFhlPropertyAllowances::property_income_allowance)
    }

    /// The adjustments added to the profit (see
    /// [`UkFhlPropertyAdjustments::adjustments_net`]).
    pub fn adjustments_net(&self) -> Money {
        self.adjustments.as_ref().map_or(Money::ZERO, UkFhlPropertyAdjustments::adjustments_net)
    }

    fn check_at(&self, path: &str) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(allowances) = &self.allowances {
            let path = at(path, "allowances");
            refuse_empty(allowances, &path)?;
            check_property_income_allowance(allowances.property_income_allowance, &path)?;
            if allowances.property_income_allowance.is_some() && allowances.others_claimed() {
                return Err(both_allowances(&path));
            }
        }
        let private_use = self.adjustments.as_ref().is_some_and(|a| a.private_use_adjustment.is_some());
        check_income_allowance_with_private_use(self.property_income_allowance().is_some(), private_use, path)
    }
}

/// The annual adjustments of UK furnished holiday lettings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlPropertyAdjustments {
    /// The part of expenses or allowances not solely for the business (added back).
    pub private_use_adjustment: Option<Amount>,
    /// A charge when an item that had capital allowances is sold, given away or no
    /// longer used.
    pub balancing_charge: Option<Amount>,
    /// The property did not qualify as a furnished holiday letting this year but did the
    /// year before (a period of grace).
    pub period_of_grace_adjustment: bool,
    /// A charge on selling or granting a long lease of renovated business premises within
    /// seven years of first use.
    pub business_premises_renovation_allowance_balancing_charges: Option<Amount>,
    /// The customer is a non-resident landlord.
    pub non_resident_landlord: bool,
    /// Whether rent-a-room income is shared with another person.
    pub rent_a_room: Option<RentARoomShared>,
}

impl UkFhlPropertyAdjustments {
    /// The adjustments added to the profit, all of them positive: the private use
    /// adjustment (+, expenses not wholly for the business), the balancing charge (+,
    /// capital allowances given back) and the business premises renovation allowance
    /// balancing charges (+).
    pub fn adjustments_net(&self) -> Money {
        sum(&[
            self.private_use_adjustment,
            self.balancing_charge,
            self.business_premises_renovation_allowance_balancing_charges,
        ])
    }

    /// Whether rent-a-room income is shared with another person (false if not stated).
    pub fn rent_a_room_jointly_let(&self) -> bool {
        self.rent_a_room.as_ref().is_some_and(|r| r.jointly_let)
    }
}

/// Whether rent-a-room income is shared.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RentARoomShared {
    /// The rent-a-room income is shared with another person (which halves the limit of
    /// rent-a-room relief).
    pub jointly_let: bool,
}

/// The annual allowances of UK furnished holiday lettings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkFhlPropertyAllowances {
    /// Annual investment allowance on equipment (except cars).
    pub annual_investment_allowance: Option<Amount>,
    /// Allowance for renovating or converting derelict business premises.
    pub business_premises_renovation_allowance: Option<Amount>,
    /// All other capital allowances.
    pub other_capital_allowance: Option<Amount>,
    /// Allowance for electric charge-point equipment.
    pub electric_charge_point_allowance: Option<Amount>,
    /// Allowance for zero-emission cars.
    pub zero_emissions_car_allowance: Option<Amount>,
    /// The property income allowance (at most 1,000), instead of all other allowances
    /// and expenses.
    pub property_income_allowance: Option<Amount>,
}

impl UkFhlPropertyAllowances {
    fn others(&self) -> [Option<Amount>; 5] {
        [
            self.annual_investment_allowance,
            self.business_premises_renovation_allowance,
            self.other_capital_allowance,
            self.electric_charge_point_allowance,
            self.zero_emissions_car_allowance,
        ]
    }

    fn others_claimed(&self) -> bool {
        self.others().iter().any(Option::is_some)
    }

    /// All the allowances deducted from the profit, the property income allowance
    /// excluded (see [`UkFhlPropertyAllowances::property_income_allowance`]).
    pub fn allowances_total(&self) -> Money {
        sum(&self.others())
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.property_income_allowance.map(Amount::money)
    }
}

/// The annual adjustments and allowances of a UK property business (other than furnished
/// holiday lettings to 2024-25).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAnnual {
    pub adjustments: Option<UkPropertyAdjustments>,
    pub allowances: Option<UkPropertyAllowances>,
}

impl UkPropertyAnnual {
    /// The allowances deducted from the profit, structured building allowances included
    /// and the property income allowance excluded (see
    /// [`UkPropertyAllowances::allowances_total`]).
    pub fn allowances_total(&self) -> Money {
        self.allowances.as_ref().map_or(Money::ZERO, UkPropertyAllowances::allowances_total)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.allowances.as_ref().and_then(UkPropertyAllowances::property_income_allowance)
    }

    /// The adjustments added to the profit (see [`UkPropertyAdjustments::adjustments_net`]).
    pub fn adjustments_net(&self) -> Money {
        self.adjustments.as_ref().map_or(Money::ZERO, UkPropertyAdjustments::adjustments_net)
    }

    /// Whether the customer is a non-resident landlord (false without adjustments).
    pub fn non_resident_landlord(&self) -> bool {
        self.adjustments.as_ref().is_some_and(|a| a.non_resident_landlord)
    }

    /// Whether rent-a-room income is shared with another person (false if not stated).
    pub fn rent_a_room_jointly_let(&self) -> bool {
        self.adjustments.as_ref().is_some_and(UkPropertyAdjustments::rent_a_room_jointly_let)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(allowances) = &self.allowances {
            allowances.check_at(&at(path, "allowances"), year)?;
        }
        let private_use = self.adjustments.as_ref().is_some_and(|a| a.private_use_adjustment.is_some());
        check_income_allowance_with_private_use(self.property_income_allowance().is_some(), private_use, path)
    }
}

/// The annual adjustments of a UK property business.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAdjustments {
    /// A charge when an item that had capital allowances is sold, given away or no
    /// longer used.
    pub balancing_charge: Option<Amount>,
    /// The part of expenses or allowances not solely for the business (added back).
    pub private_use_adjustment: Option<Amount>,
    /// A charge on selling or granting a long lease of renovated business premises within
    /// seven years of first use.
    pub business_premises_renovation_allowance_balancing_charges: Option<Amount>,
    /// The customer is a non-resident landlord.
    pub non_resident_landlord: bool,
    /// Whether rent-a-room income is shared with another person.
    pub rent_a_room: Option<RentARoomShared>,
}

impl UkPropertyAdjustments {
    /// The adjustments added to the profit, all of them positive: the private use
    /// adjustment (+, expenses not wholly for the business), the balancing charge (+,
    /// capital allowances given back) and the business premises renovation allowance
    /// balancing charges (+).
    pub fn adjustments_net(&self) -> Money {
        sum(&[
            self.private_use_adjustment,
            self.balancing_charge,
            self.business_premises_renovation_allowance_balancing_charges,
        ])
    }

    /// Whether rent-a-room income is shared with another person (false if not stated).
    pub fn rent_a_room_jointly_let(&self) -> bool {
        self.rent_a_room.as_ref().is_some_and(|r| r.jointly_let)
    }
}

/// The annual allowances of a UK property business.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UkPropertyAllowances {
    /// Annual investment allowance on equipment (except cars).
    pub annual_investment_allowance: Option<Amount>,
    /// Allowance for zero-emission goods vehicles (to 2024-25 only).
    pub zero_emissions_goods_vehicle_allowance: Option<Amount>,
    /// Allowance for renovating or converting derelict business premises.
    pub business_premises_renovation_allowance: Option<Amount>,
    /// All other capital allowances.
    pub other_capital_allowance: Option<Amount>,
    /// Relief for replacing domestic items (formerly the wear and tear allowance).
    pub cost_of_replacing_domestic_items: Option<Amount>,
    /// Allowance for electric charge-point equipment (to 2024-25 only).
    pub electric_charge_point_allowance: Option<Amount>,
    /// Allowance for zero-emission cars.
    pub zero_emissions_car_allowance: Option<Amount>,
    /// The property income allowance (at most 1,000), instead of all other allowances
    /// and expenses.
    pub property_income_allowance: Option<Amount>,
    /// Structured buildings allowances, one per building.
    pub structured_building_allowance: Option<Vec<StructuredBuildingAllowance>>,
    /// Enhanced structured buildings allowances (freeport and investment zone buildings),
    /// one per building.
    pub enhanced_structured_building_allowance: Option<Vec<StructuredBuildingAllowance>>,
}

impl UkPropertyAllowances {
    fn amounts(&self) -> [Option<Amount>; 7] {
        [
            self.annual_investment_allowance,
            self.zero_emissions_goods_vehicle_allowance,
            self.business_premises_renovation_allowance,
            self.other_capital_allowance,
            self.cost_of_replacing_domestic_items,
            self.electric_charge_point_allowance,
            self.zero_emissions_car_allowance,
        ]
    }

    fn others_claimed(&self) -> bool {
        self.amounts().iter().any(Option::is_some)
            || self.structured_building_allowance.is_some()
            || self.enhanced_structured_building_allowance.is_some()
    }

    /// All the allowances deducted from the profit, including the amounts of the
    /// structured and enhanced structured buildings allowances; the property income
    /// allowance is excluded (see [`UkPropertyAllowances::property_income_allowance`]).
    pub fn allowances_total(&self) -> Money {
        sum(&self.amounts())
            + buildings_total(&self.structured_building_allowance)
            + buildings_total(&self.enhanced_structured_building_allowance)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.property_income_allowance.map(Amount::money)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        let last = Some(LAST_YEAR_OF_FHL);
        only_in_years(
            self.zero_emissions_goods_vehicle_allowance.is_some(),
            &at(path, "zeroEmissionsGoodsVehicleAllowance"),
            year,
            None,
            last,
        )?;
        only_in_years(
            self.electric_charge_point_allowance.is_some(),
            &at(path, "electricChargePointAllowance"),
            year,
            None,
            last,
        )?;
        check_property_income_allowance(self.property_income_allowance, path)?;
        check_buildings(&self.structured_building_allowance, &at(path, "structuredBuildingAllowance"))?;
        check_buildings(
            &self.enhanced_structured_building_allowance,
            &at(path, "enhancedStructuredBuildingAllowance"),
        )?;
        if self.property_income_allowance.is_some() && self.others_claimed() {
            return Err(both_allowances(path));
        }
        Ok(())
    }
}

/// A structured buildings allowance (or an enhanced one) for one building.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StructuredBuildingAllowance {
    /// The allowance claimed this year.
    pub amount: Amount,
    /// The qualifying date and expenditure, given in the first year of a claim.
    pub first_year: Option<FirstYear>,
    /// The building the allowance is for.
    pub building: Building,
}

/// The first year of a structured buildings allowance.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FirstYear {
    /// The date the building qualified for the allowance.
    pub qualifying_date: IsoDate,
    /// The qualifying expenditure.
    pub qualifying_amount_expenditure: Amount,
}

/// A building, identified by its name or number and its postcode.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Building {
    /// The building's name (this or `number` is required).
    pub name: Option<String>,
    /// The building's number (this or `name` is required).
    pub number: Option<String>,
    /// The building's postcode (for a foreign building, its local equivalent).
    pub postcode: String,
}

// ---------------------------------------------------------------------------------------
// Foreign property: period summary (2022-23 to 2024-25)
// ---------------------------------------------------------------------------------------

/// HMRC's "Create a Foreign Property Income & Expenses Period Summary" body (2022-23 to
/// 2024-25).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyPeriodSummary {
    /// The first day the period covers.
    pub from_date: IsoDate,
    /// The last day the period covers.
    pub to_date: IsoDate,
    /// The income and expenses of furnished holiday lettings in the European Economic
    /// Area.
    pub foreign_fhl_eea: Option<ForeignFhlEeaPeriod>,
    /// The income and expenses of other foreign property, one entry per country (the
    /// totals of all the properties in it).
    pub foreign_non_fhl_property: Option<Vec<ForeignNonFhlPropertyPeriod>>,
}

impl Check for ForeignPropertyPeriodSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_period_dates(self.from_date, self.to_date)?;
        if let Some(fhl) = &self.foreign_fhl_eea {
            let path = "foreignFhlEea";
            refuse_empty(fhl, path)?;
            if let Some(expenses) = &fhl.expenses {
                expenses.check_at(&at(path, "expenses"), year)?;
            }
        }
        if let Some(entries) = &self.foreign_non_fhl_property {
            let path = "foreignNonFhlProperty";
            not_empty_list(entries, path)?;
            no_duplicates(
                entries.iter().map(|e| Some(e.country_code.as_str())),
                path,
                "countryCode",
                DUPLICATE_COUNTRY,
            )?;
            for (n, entry) in entries.iter().enumerate() {
                if let Some(expenses) = &entry.expenses {
                    expenses.check_at(&format!("{path}/{n}/expenses"), year)?;
                }
            }
        }
        Ok(())
    }
}

/// The income and expenses of furnished holiday lettings in the EEA for a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaPeriod {
    pub income: Option<ForeignFhlEeaIncome>,
    pub expenses: Option<ForeignFhlEeaExpenses>,
}

impl ForeignFhlEeaPeriod {
    /// The rent and other income of the period; zero without income.
    pub fn income_total(&self) -> Money {
        self.income.as_ref().map_or(Money::ZERO, ForeignFhlEeaIncome::total)
    }

    /// All the allowable expenses of the period.
    pub fn expenses_total(&self) -> Money {
        self.expenses.as_ref().map_or(Money::ZERO, ForeignFhlEeaExpenses::total)
    }
}

/// The income of furnished holiday lettings in the EEA for a period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaIncome {
    /// Rent and other income from the property.
    pub rent_amount: Amount,
}

impl ForeignFhlEeaIncome {
    /// All the income: the rent and other income from property.
    pub fn total(&self) -> Money {
        self.rent_amount.money()
    }
}

/// The expenses of furnished holiday lettings in the EEA for a period. Amounts may be
/// negative from 2024-25 only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaExpenses {
    /// Rent, rates, insurance, ground rents and other running costs.
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    /// Loan interest and other financial costs.
    pub financial_costs: Option<SignedAmount>,
    /// Legal, management and other professional fees.
    pub professional_fees: Option<SignedAmount>,
    /// The cost of services provided, including wages.
    pub cost_of_services: Option<SignedAmount>,
    /// Car, van and travel costs of running the business.
    pub travel_costs: Option<SignedAmount>,
    /// Other allowable property expenses.
    pub other: Option<SignedAmount>,
    /// All allowable expenses as one figure, instead of the itemised ones.
    pub consolidated_expenses: Option<SignedAmount>,
}

impl ForeignFhlEeaExpenses {
    fn itemised(&self) -> [(Option<SignedAmount>, &'static str); 7] {
        [
            (self.premises_running_costs, "premisesRunningCosts"),
            (self.repairs_and_maintenance, "repairsAndMaintenance"),
            (self.financial_costs, "financialCosts"),
            (self.professional_fees, "professionalFees"),
            (self.cost_of_services, "costOfServices"),
            (self.travel_costs, "travelCosts"),
            (self.other, "other"),
        ]
    }

    /// All the allowable expenses: the itemised ones or the consolidated figure.
    pub fn total(&self) -> Money {
        sum(&self.itemised().map(|(v, _)| v)) + or_zero(self.consolidated_expenses)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        no_negatives_before_2024(&self.itemised(), path, year)?;
        no_negatives_before_2024(&[(self.consolidated_expenses, "consolidatedExpenses")], path, year)?;
        if self.consolidated_expenses.is_some() && self.itemised().iter().any(|(v, _)| v.is_some()) {
            return Err(both_expenses(path));
        }
        Ok(())
    }
}

/// The income and expenses of the foreign property (other than FHL in the EEA) in one
/// country for a period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignNonFhlPropertyPeriod {
    /// The country of the property.
    pub country_code: CountryCode,
    pub income: ForeignPropertyPeriodIncome,
    pub expenses: Option<ForeignPropertyExpenses>,
}

impl ForeignNonFhlPropertyPeriod {
    /// The allowable expenses, residential finance costs excluded (see
    /// [`ForeignPropertyExpenses::total`]).
    pub fn expenses_total(&self) -> Money {
        self.expenses.as_ref().map_or(Money::ZERO, ForeignPropertyExpenses::total)
    }
}

/// The income of foreign property in one country for a period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyPeriodIncome {
    pub rent_income: ForeignRentIncome,
    /// Foreign tax credit relief is claimed on the foreign tax paid.
    pub foreign_tax_credit_relief: bool,
    /// Premiums received for the grant of a lease, and other lump sums to possess a
    /// property.
    pub premiums_of_lease_grant: Option<Amount>,
    /// Other property income: rent charges, ground rents, caravan or houseboat pitches
    /// and the like.
    pub other_property_income: Option<Amount>,
    /// Foreign tax paid on or deducted from the income.
    pub foreign_tax_paid_or_deducted: Option<Amount>,
    /// Special withholding tax, or UK tax paid on the rents (non-resident landlords).
    pub special_withholding_tax_or_uk_tax_paid: Option<Amount>,
}

impl ForeignPropertyPeriodIncome {
    /// All the income: rent, premiums of lease grants and other property income. Taxes
    /// paid are not income and are left out.
    pub fn total(&self) -> Money {
        self.rent_income.rent_amount.money() + sum(&[self.premiums_of_lease_grant, self.other_property_income])
    }

    /// The foreign tax paid on or deducted from the income (`foreignTaxPaidOrDeducted`).
    pub fn foreign_tax_paid(&self) -> Money {
        or_zero(self.foreign_tax_paid_or_deducted)
    }

    /// Special withholding tax or UK tax paid on the rents
    /// (`specialWithholdingTaxOrUkTaxPaid`).
    pub fn uk_tax_paid(&self) -> Money {
        or_zero(self.special_withholding_tax_or_uk_tax_paid)
    }

    /// Whether foreign tax credit relief is claimed.
    pub fn foreign_tax_credit_relief(&self) -> bool {
        self.foreign_tax_credit_relief
    }
}

/// The rent of foreign property for a period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignRentIncome {
    /// Rent and other income from the property.
    pub rent_amount: Amount,
}

/// The expenses of foreign property (other than FHL in the EEA) in one country, or of one
/// property from 2026-27: of period and cumulative summaries alike. The itemised and
/// consolidated amounts may be negative from 2024-25 only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyExpenses {
    /// Rent, rates, insurance, ground rents and other running costs.
    pub premises_running_costs: Option<SignedAmount>,
    pub repairs_and_maintenance: Option<SignedAmount>,
    /// Loan interest and other financial costs (not of residential property).
    pub financial_costs: Option<SignedAmount>,
    /// Legal, management and other professional fees.
    pub professional_fees: Option<SignedAmount>,
    /// Car, van and travel costs of running the business.
    pub travel_costs: Option<SignedAmount>,
    /// The cost of services provided, including wages.
    pub cost_of_services: Option<SignedAmount>,
    /// Finance costs of residential property, relieved as a reduction of tax rather than
    /// deducted from the profit.
    pub residential_financial_cost: Option<Amount>,
    /// Residential finance costs of earlier years not yet relieved, brought forward.
    pub brought_fwd_residential_financial_cost: Option<Amount>,
    /// Other allowable property expenses.
    pub other: Option<SignedAmount>,
    /// All allowable expenses as one figure, instead of the itemised ones (it may come
    /// with the residential finance costs).
    pub consolidated_expenses: Option<SignedAmount>,
}

impl ForeignPropertyExpenses {
    fn itemised(&self) -> [(Option<SignedAmount>, &'static str); 7] {
        [
            (self.premises_running_costs, "premisesRunningCosts"),
            (self.repairs_and_maintenance, "repairsAndMaintenance"),
            (self.financial_costs, "financialCosts"),
            (self.professional_fees, "professionalFees"),
            (self.travel_costs, "travelCosts"),
            (self.cost_of_services, "costOfServices"),
            (self.other, "other"),
        ]
    }

    fn is_itemised(&self) -> bool {
        self.itemised().iter().any(|(v, _)| v.is_some())
    }

    /// The allowable expenses deducted from the profit: the itemised ones or the
    /// consolidated figure. Residential finance costs are left out: they are relieved as
    /// a reduction of tax (see [`ForeignPropertyExpenses::residential_finance_costs`] and
    /// [`ForeignPropertyExpenses::finance_costs_brought_forward`]).
    pub fn total(&self) -> Money {
        sum(&self.itemised().map(|(v, _)| v)) + or_zero(self.consolidated_expenses)
    }

    /// This period's residential finance costs (`residentialFinancialCost`).
    pub fn residential_finance_costs(&self) -> Money {
        or_zero(self.residential_financial_cost)
    }

    /// Residential finance costs of earlier years not yet relieved
    /// (`broughtFwdResidentialFinancialCost`).
    pub fn finance_costs_brought_forward(&self) -> Money {
        or_zero(self.brought_fwd_residential_financial_cost)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        no_negatives_before_2024(&self.itemised(), path, year)?;
        no_negatives_before_2024(&[(self.consolidated_expenses, "consolidatedExpenses")], path, year)?;
        if self.consolidated_expenses.is_some() && self.is_itemised() {
            return Err(both_expenses(path));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Foreign property: details (2026-27 on) and cumulative summary (2025-26 on)
// ---------------------------------------------------------------------------------------

/// HMRC's "Create Foreign Property Details" body (2026-27 on): one foreign property, for
/// which HMRC makes a `propertyId`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyDetails {
    /// The customer's name for the property, unique within its country (1 to 105
    /// characters).
    pub property_name: String,
    /// The country of the property.
    pub country_code: CountryCode,
    /// The day income from the property stopped, within the tax year; sent with
    /// `endReason`.
    pub end_date: Option<IsoDate>,
    /// Why the property record ends; sent with `endDate`.
    pub end_reason: Option<EndReason>,
}

/// Why a foreign property record ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndReason {
    /// The property is no longer let (`no-longer-renting-property-out`).
    NoLongerRentingPropertyOut,
    /// The property was disposed of (`disposal`).
    Disposal,
}

impl Check for ForeignPropertyDetails {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        let name = &self.property_name;
        let count = name.chars().count();
        if count == 0 || count > 105 || name.trim().is_empty() || name.chars().any(is_line_break) {
            return Err(BodyError::new(
                "propertyName",
                "FORMAT_PROPERTY_NAME",
                format!("'{name}' must be 1 to 105 characters on one line, not only spaces"),
            ));
        }
        if self.end_date.is_some() != self.end_reason.is_some() {
            let missing = if self.end_date.is_some() { "endReason" } else { "endDate" };
            return Err(BodyError::new(
                missing,
                "RULE_MISSING_END_DETAILS",
                "an end date and an end reason must be given together",
            ));
        }
        if let Some(IsoDate(end)) = self.end_date {
            if end < year.first_day() {
                return Err(BodyError::new(
                    "endDate",
                    "RULE_END_DATE_BEFORE_TAX_YEAR_START",
                    format!("{end} is before the start of {year}"),
                ));
            }
            if end > year.last_day() {
                return Err(BodyError::new(
                    "endDate",
                    "RULE_END_DATE_AFTER_TAX_YEAR_END",
                    format!("{end} is after the end of {year}"),
                ));
            }
        }
        Ok(())
    }
}

/// HMRC's "Create or Amend a Foreign Property Cumulative Period Summary" body (2025-26
/// on): the year-to-date totals, per country in 2025-26 and per property from 2026-27.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyCumulativeSummary {
    /// The first day the totals cover; not sent by customers reporting annually or with
    /// a latent income source.
    pub from_date: Option<IsoDate>,
    /// The last day the totals cover; sent together with `fromDate`.
    pub to_date: Option<IsoDate>,
    /// The income and expenses, one entry per country (2025-26) or per property (from
    /// 2026-27).
    pub foreign_property: Vec<ForeignPropertyCumulativeEntry>,
}

impl Check for ForeignPropertyCumulativeSummary {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_optional_period_dates(self.from_date, self.to_date)?;
        let path = "foreignProperty";
        not_empty_list(&self.foreign_property, path)?;
        for (n, entry) in self.foreign_property.iter().enumerate() {
            let path = format!("{path}/{n}");
            refuse_empty(entry, &path)?;
            check_foreign_id(entry.country_code.as_ref(), entry.property_id.as_deref(), &path, year)?;
            if let Some(income) = &entry.income {
                let path = at(&path, "income");
                refuse_empty(income, &path)?;
                if let Some(rent) = &income.rent_income {
                    refuse_empty(rent, &at(&path, "rentIncome"))?;
                }
            }
            if let Some(expenses) = &entry.expenses {
                expenses.check_at(&at(&path, "expenses"), year)?;
            }
        }
        let entries = &self.foreign_property;
        no_duplicates(
            entries.iter().map(|e| e.country_code.as_ref().map(CountryCode::as_str)),
            path,
            "countryCode",
            DUPLICATE_COUNTRY,
        )?;
        no_duplicates(entries.iter().map(|e| e.property_id.as_deref()), path, "propertyId", DUPLICATE_PROPERTY_ID)?;
        // One expense type for all the foreign properties: consolidated or itemised.
        let consolidated =
            entries.iter().position(|e| e.expenses.as_ref().is_some_and(|x| x.consolidated_expenses.is_some()));
        let itemised =
            entries.iter().position(|e| e.expenses.as_ref().is_some_and(ForeignPropertyExpenses::is_itemised));
        if let (Some(c), Some(i)) = (consolidated, itemised) {
            return Err(BodyError::new(
                format!("{path}/{}/expenses", c.max(i)),
                BOTH_EXPENSES,
                "a single expense type, consolidated or itemised, must be used for all foreign properties",
            ));
        }
        Ok(())
    }
}

/// The year-to-date income and expenses of foreign property in one country (2025-26) or
/// of one property (from 2026-27).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyCumulativeEntry {
    /// The country of the property (2025-26 only, then required).
    pub country_code: Option<CountryCode>,
    /// The property, as the details endpoint identified it (from 2026-27, then
    /// required).
    pub property_id: Option<String>,
    pub income: Option<ForeignPropertyCumulativeIncome>,
    pub expenses: Option<ForeignPropertyExpenses>,
}

impl ForeignPropertyCumulativeEntry {
    /// All the income (see [`ForeignPropertyCumulativeIncome::total`]); zero without
    /// income.
    pub fn income_total(&self) -> Money {
        self.income.as_ref().map_or(Money::ZERO, ForeignPropertyCumulativeIncome::total)
    }

    /// The allowable expenses, residential finance costs excluded (see
    /// [`ForeignPropertyExpenses::total`]).
    pub fn expenses_total(&self) -> Money {
        self.expenses.as_ref().map_or(Money::ZERO, ForeignPropertyExpenses::total)
    }
}

/// The year-to-date income of foreign property in one country or of one property.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyCumulativeIncome {
    pub rent_income: Option<CumulativeRentIncome>,
    /// Foreign tax credit relief is claimed on the foreign tax paid.
    pub foreign_tax_credit_relief: Option<bool>,
    /// Premiums received for the grant of a lease, and other lump sums to possess a
    /// property.
    pub premiums_of_lease_grant: Option<Amount>,
    /// Other property income: rent charges, ground rents, caravan or houseboat pitches
    /// and the like.
    pub other_property_income: Option<Amount>,
    /// Foreign tax paid on or deducted from the income.
    pub foreign_tax_paid_or_deducted: Option<Amount>,
    /// Special withholding tax, or UK tax paid on the rents (non-resident landlords).
    pub special_withholding_tax_or_uk_tax_paid: Option<Amount>,
}

impl ForeignPropertyCumulativeIncome {
    /// All the income: rent, premiums of lease grants and other property income. Taxes
    /// paid are not income and are left out.
    pub fn total(&self) -> Money {
        let rent = self.rent_income.as_ref().and_then(|r| r.rent_amount);
        sum(&[rent, self.premiums_of_lease_grant, self.other_property_income])
    }

    /// The foreign tax paid on or deducted from the income (`foreignTaxPaidOrDeducted`).
    pub fn foreign_tax_paid(&self) -> Money {
        or_zero(self.foreign_tax_paid_or_deducted)
    }

    /// Special withholding tax or UK tax paid on the rents
    /// (`specialWithholdingTaxOrUkTaxPaid`).
    pub fn uk_tax_paid(&self) -> Money {
        or_zero(self.special_withholding_tax_or_uk_tax_paid)
    }

    /// Whether foreign tax credit relief is claimed (false if not stated).
    pub fn foreign_tax_credit_relief(&self) -> bool {
        self.foreign_tax_credit_relief.unwrap_or(false)
    }
}

/// The year-to-date rent of foreign property.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CumulativeRentIncome {
    /// Rent and other income from the property.
    pub rent_amount: Option<Amount>,
}

// ---------------------------------------------------------------------------------------
// Foreign property: annual submission
// ---------------------------------------------------------------------------------------

/// HMRC's "Create and Amend a Foreign Property Annual Submission" body: the year's
/// adjustments and allowances.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyAnnualSubmission {
    /// Furnished holiday lettings in the European Economic Area (to 2024-25 only).
    pub foreign_fhl_eea: Option<ForeignFhlEeaAnnual>,
    /// Other foreign property: one entry per country to 2025-26, per property from
    /// 2026-27 (required from 2025-26).
    pub foreign_property: Option<Vec<ForeignPropertyAnnualEntry>>,
}

impl Check for ForeignPropertyAnnualSubmission {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        only_in_years(self.foreign_fhl_eea.is_some(), "foreignFhlEea", year, None, Some(LAST_YEAR_OF_FHL))?;
        required_in_years(self.foreign_property.is_some(), "foreignProperty", year, Some(LAST_YEAR_OF_FHL + 1), None)?;
        refuse_empty(self, "/")?;
        if let Some(fhl) = &self.foreign_fhl_eea {
            fhl.check_at("foreignFhlEea")?;
        }
        if let Some(entries) = &self.foreign_property {
            let path = "foreignProperty";
            not_empty_list(entries, path)?;
            for (n, entry) in entries.iter().enumerate() {
                entry.check_at(&format!("{path}/{n}"), year)?;
            }
            no_duplicates(
                entries.iter().map(|e| e.country_code.as_ref().map(CountryCode::as_str)),
                path,
                "countryCode",
                DUPLICATE_COUNTRY,
            )?;
            no_duplicates(entries.iter().map(|e| e.property_id.as_deref()), path, "propertyId", DUPLICATE_PROPERTY_ID)?;
        }
        Ok(())
    }
}

/// The annual adjustments and allowances of furnished holiday lettings in the EEA (to
/// 2024-25).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaAnnual {
    pub adjustments: Option<ForeignFhlEeaAdjustments>,
    pub allowances: Option<ForeignFhlEeaAllowances>,
}

impl ForeignFhlEeaAnnual {
    /// The allowances deducted from the profit, the property income allowance excluded.
    pub fn allowances_total(&self) -> Money {
        self.allowances.as_ref().map_or(Money::ZERO, ForeignFhlEeaAllowances::allowances_total)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.allowances.as_ref().and_then(ForeignFhlEeaAllowances::property_income_allowance)
    }

    /// The adjustments added to the profit (see
    /// [`ForeignFhlEeaAdjustments::adjustments_net`]).
    pub fn adjustments_net(&self) -> Money {
        self.adjustments.as_ref().map_or(Money::ZERO, ForeignFhlEeaAdjustments::adjustments_net)
    }

    fn check_at(&self, path: &str) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        if let Some(allowances) = &self.allowances {
            let path = at(path, "allowances");
            refuse_empty(allowances, &path)?;
            check_property_income_allowance(allowances.property_income_allowance, &path)?;
            if allowances.property_income_allowance.is_some() && allowances.others().iter().any(Option::is_some) {
                return Err(both_allowances(&path));
            }
        }
        let private_use = self.adjustments.as_ref().is_some_and(|a| a.private_use_adjustment.is_some());
        check_income_allowance_with_private_use(self.property_income_allowance().is_some(), private_use, path)
    }
}

/// The annual adjustments of furnished holiday lettings in the EEA.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaAdjustments {
    /// The part of expenses or allowances not solely for the business (added back).
    pub private_use_adjustment: Option<Amount>,
    /// A charge when an item that had capital allowances is sold, given away or no
    /// longer used.
    pub balancing_charge: Option<Amount>,
    /// The property did not qualify as a furnished holiday letting this year but did the
    /// year before (a period of grace).
    pub period_of_grace_adjustment: bool,
}

impl ForeignFhlEeaAdjustments {
    /// The adjustments added to the profit, both positive: the private use adjustment
    /// (+, expenses not wholly for the business) and the balancing charge (+, capital
    /// allowances given back).
    pub fn adjustments_net(&self) -> Money {
        sum(&[self.private_use_adjustment, self.balancing_charge])
    }
}

/// The annual allowances of furnished holiday lettings in the EEA.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignFhlEeaAllowances {
    /// Annual investment allowance on equipment (except cars).
    pub annual_investment_allowance: Option<Amount>,
    /// All other capital allowances.
    pub other_capital_allowance: Option<Amount>,
    /// Allowance for electric charge-point equipment.
    pub electric_charge_point_allowance: Option<Amount>,
    /// Allowance for zero-emission cars.
    pub zero_emissions_car_allowance: Option<Amount>,
    /// The property income allowance (at most 1,000), instead of all other allowances
    /// and expenses.
    pub property_income_allowance: Option<Amount>,
}

impl ForeignFhlEeaAllowances {
    fn others(&self) -> [Option<Amount>; 4] {
        [
            self.annual_investment_allowance,
            self.other_capital_allowance,
            self.electric_charge_point_allowance,
            self.zero_emissions_car_allowance,
        ]
    }

    /// All the allowances deducted from the profit, the property income allowance
    /// excluded (see [`ForeignFhlEeaAllowances::property_income_allowance`]).
    pub fn allowances_total(&self) -> Money {
        sum(&self.others())
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.property_income_allowance.map(Amount::money)
    }
}

/// The annual adjustments and allowances of foreign property (other than FHL in the EEA)
/// in one country (to 2025-26) or of one property (from 2026-27).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyAnnualEntry {
    /// The country of the property (to 2025-26, then required).
    pub country_code: Option<CountryCode>,
    /// The property, as the details endpoint identified it (from 2026-27, then
    /// required).
    pub property_id: Option<String>,
    pub adjustments: Option<ForeignPropertyAdjustments>,
    pub allowances: Option<ForeignPropertyAllowances>,
}

impl ForeignPropertyAnnualEntry {
    /// The allowances deducted from the profit, structured building allowances included
    /// and the property income allowance excluded (see
    /// [`ForeignPropertyAllowances::allowances_total`]).
    pub fn allowances_total(&self) -> Money {
        self.allowances.as_ref().map_or(Money::ZERO, ForeignPropertyAllowances::allowances_total)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.allowances.as_ref().and_then(ForeignPropertyAllowances::property_income_allowance)
    }

    /// The adjustments added to the profit (see
    /// [`ForeignPropertyAdjustments::adjustments_net`]).
    pub fn adjustments_net(&self) -> Money {
        self.adjustments.as_ref().map_or(Money::ZERO, ForeignPropertyAdjustments::adjustments_net)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        check_foreign_id(self.country_code.as_ref(), self.property_id.as_deref(), path, year)?;
        if let Some(adjustments) = &self.adjustments {
            refuse_empty(adjustments, &at(path, "adjustments"))?;
        }
        if let Some(allowances) = &self.allowances {
            allowances.check_at(&at(path, "allowances"), year)?;
        }
        let private_use = self.adjustments.as_ref().is_some_and(|a| a.private_use_adjustment.is_some());
        check_income_allowance_with_private_use(self.property_income_allowance().is_some(), private_use, path)
    }
}

/// The annual adjustments of foreign property.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyAdjustments {
    /// The part of expenses or allowances not solely for the business (added back).
    pub private_use_adjustment: Option<Amount>,
    /// A charge when an item that had capital allowances is sold, given away or no
    /// longer used.
    pub balancing_charge: Option<Amount>,
}

impl ForeignPropertyAdjustments {
    /// The adjustments added to the profit, both positive: the private use adjustment
    /// (+, expenses not wholly for the business) and the balancing charge (+, capital
    /// allowances given back).
    pub fn adjustments_net(&self) -> Money {
        sum(&[self.private_use_adjustment, self.balancing_charge])
    }
}

/// The annual allowances of foreign property.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignPropertyAllowances {
    /// Annual investment allowance on equipment (except cars).
    pub annual_investment_allowance: Option<Amount>,
    /// Relief for replacing domestic items (formerly the wear and tear allowance).
    pub cost_of_replacing_domestic_items: Option<Amount>,
    /// Allowance for zero-emission goods vehicles (to 2024-25 only).
    pub zero_emissions_goods_vehicle_allowance: Option<Amount>,
    /// All other capital allowances.
    pub other_capital_allowance: Option<Amount>,
    /// Allowance for electric charge-point equipment (to 2024-25 only).
    pub electric_charge_point_allowance: Option<Amount>,
    /// Allowance for zero-emission cars.
    pub zero_emissions_car_allowance: Option<Amount>,
    /// The property income allowance (at most 1,000), instead of all other allowances
    /// and expenses.
    pub property_income_allowance: Option<Amount>,
    /// Structured buildings allowances, one per building.
    pub structured_building_allowance: Option<Vec<StructuredBuildingAllowance>>,
}

impl ForeignPropertyAllowances {
    fn amounts(&self) -> [Option<Amount>; 6] {
        [
            self.annual_investment_allowance,
            self.cost_of_replacing_domestic_items,
            self.zero_emissions_goods_vehicle_allowance,
            self.other_capital_allowance,
            self.electric_charge_point_allowance,
            self.zero_emissions_car_allowance,
        ]
    }

    /// All the allowances deducted from the profit, including the amounts of the
    /// structured buildings allowances; the property income allowance is excluded (see
    /// [`ForeignPropertyAllowances::property_income_allowance`]).
    pub fn allowances_total(&self) -> Money {
        sum(&self.amounts()) + buildings_total(&self.structured_building_allowance)
    }

    /// The property income allowance claimed, if one is.
    pub fn property_income_allowance(&self) -> Option<Money> {
        self.property_income_allowance.map(Amount::money)
    }

    fn check_at(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        refuse_empty(self, path)?;
        let last = Some(LAST_YEAR_OF_FHL);
        only_in_years(
            self.zero_emissions_goods_vehicle_allowance.is_some(),
            &at(path, "zeroEmissionsGoodsVehicleAllowance"),
            year,
            None,
            last,
        )?;
        only_in_years(
            self.electric_charge_point_allowance.is_some(),
            &at(path, "electricChargePointAllowance"),
            year,
            None,
            last,
        )?;
        check_property_income_allowance(self.property_income_allowance, path)?;
        check_buildings(&self.structured_building_allowance, &at(path, "structuredBuildingAllowance"))?;
        let others = self.amounts().iter().any(Option::is_some) || self.structured_building_allowance.is_some();
        if self.property_income_allowance.is_some() && others {
            return Err(both_allowances(path));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------

const DUPLICATE_COUNTRY: &str = "RULE_DUPLICATE_COUNTRY_CODE";
const DUPLICATE_PROPERTY_ID: &str = "RULE_DUPLICATE_PROPERTY_ID";

/// `base/name`, or `name` at the top of the body.
fn at(base: &str, name: impl Display) -> String {
    if base.is_empty() || base == "/" { name.to_string() } else { format!("{base}/{name}") }
}

/// The sum of optional amounts, an absent one counting as zero.
fn sum<T: Into<Money> + Copy>(values: &[Option<T>]) -> Money {
    values.iter().map(|v| or_zero(*v)).sum()
}

/// The allowance amounts of a list of structured buildings allowances.
fn buildings_total(buildings: &Option<Vec<StructuredBuildingAllowance>>) -> Money {
    buildings.iter().flatten().map(|b| b.amount.money()).sum()
}

/// Refuse an empty array.
fn not_empty_list<T>(items: &[T], path: &str) -> Result<(), BodyError> {
    if items.is_empty() {
        return Err(BodyError::incorrect_or_empty(path, "must not be an empty array"));
    }
    Ok(())
}

/// Refuse the absence of `field` in a year whose schema requires it (`first`/`last` bound
/// those years, as start years).
fn required_in_years(
    present: bool,
    path: &str,
    year: TaxYear,
    first: Option<u16>,
    last: Option<u16>,
) -> Result<(), BodyError> {
    let start = year.start_year();
    let inside = first.is_none_or(|f| start >= f) && last.is_none_or(|l| start <= l);
    if inside && !present {
        return Err(BodyError::incorrect_or_empty(path, format!("is required in HMRC's schema for {year}")));
    }
    Ok(())
}

/// Refuse negative expenses before 2024-25: HMRC's schemas to 2023-24 accept 0 upwards.
fn no_negatives_before_2024(
    fields: &[(Option<SignedAmount>, &str)],
    path: &str,
    year: TaxYear,
) -> Result<(), BodyError> {
    if year.start_year() >= FIRST_YEAR_OF_NEGATIVE_EXPENSES {
        return Ok(());
    }
    for (value, name) in fields {
        if let Some(v) = value
            && v.money().is_negative()
        {
            return Err(BodyError::format(
                at(path, name),
                format!("{v} is negative: HMRC accepts negative expenses from 2024-25 only"),
            ));
        }
    }
    Ok(())
}

fn both_expenses(path: &str) -> BodyError {
    BodyError::new(path, BOTH_EXPENSES, "consolidatedExpenses cannot be given with itemised expenses")
}

fn both_allowances(path: &str) -> BodyError {
    BodyError::new(path, BOTH_ALLOWANCES, "propertyIncomeAllowance cannot be given with other allowances")
}

/// The property income allowance is at most 1,000.
fn check_property_income_allowance(value: Option<Amount>, path: &str) -> Result<(), BodyError> {
    if let Some(v) = value
        && v.money() > Money::pounds(1000)
    {
        return Err(BodyError::format(
            at(path, "propertyIncomeAllowance"),
            format!("{v} is more than 1000, the largest property income allowance"),
        ));
    }
    Ok(())
}

/// `RULE_PROPERTY_INCOME_ALLOWANCE`: no property income allowance with a private use
/// adjustment.
fn check_income_allowance_with_private_use(allowance: bool, private_use: bool, path: &str) -> Result<(), BodyError> {
    if allowance && private_use {
        return Err(BodyError::new(
            at(path, "allowances/propertyIncomeAllowance"),
            "RULE_PROPERTY_INCOME_ALLOWANCE",
            "propertyIncomeAllowance cannot be given with a privateUseAdjustment",
        ));
    }
    Ok(())
}

/// Each structured buildings allowance: its building's strings, its name or number, and
/// the year of its qualifying date.
fn check_buildings(buildings: &Option<Vec<StructuredBuildingAllowance>>, path: &str) -> Result<(), BodyError> {
    let Some(buildings) = buildings else { return Ok(()) };
    not_empty_list(buildings, path)?;
    for (n, sba) in buildings.iter().enumerate() {
        let path = format!("{path}/{n}");
        if let Some(first) = &sba.first_year {
            check_date_years(first.qualifying_date, &at(&path, "firstYear/qualifyingDate"), "FORMAT_DATE")?;
        }
        let building = &sba.building;
        let path = at(&path, "building");
        if let Some(name) = &building.name {
            check_building_text(name, &at(&path, "name"))?;
        }
        if let Some(number) = &building.number {
            check_building_text(number, &at(&path, "number"))?;
        }
        check_building_text(&building.postcode, &at(&path, "postcode"))?;
        if building.name.is_none() && building.number.is_none() {
            return Err(BodyError::new(path, "RULE_BUILDING_NAME_NUMBER", "a building needs a name or a number"));
        }
    }
    Ok(())
}

/// HMRC's pattern for a building's name, number and postcode: the reference pattern of 1
/// to 90 characters, and not only spaces.
fn check_building_text(value: &str, path: &str) -> Result<(), BodyError> {
    check_reference(value, path, "FORMAT_STRING", 90)?;
    if value.trim().is_empty() {
        return Err(BodyError::new(path, "FORMAT_STRING", "must not be only spaces"));
    }
    Ok(())
}

/// A period's dates: years HMRC accepts, and the end not before the start.
fn check_period_dates(from: IsoDate, to: IsoDate) -> Result<(), BodyError> {
    check_date_years(from, "fromDate", "FORMAT_FROM_DATE")?;
    check_date_years(to, "toDate", "FORMAT_TO_DATE")?;
    if to < from {
        return Err(BodyError::new(
            "toDate",
            "RULE_TO_DATE_BEFORE_FROM_DATE",
            format!("{} is before fromDate {}", to.0, from.0),
        ));
    }
    Ok(())
}

/// A cumulative summary's dates: both or neither.
fn check_optional_period_dates(from: Option<IsoDate>, to: Option<IsoDate>) -> Result<(), BodyError> {
    match (from, to) {
        (Some(from), Some(to)) => check_period_dates(from, to),
        (None, None) => Ok(()),
        (Some(_), None) => {
            Err(BodyError::new("toDate", "RULE_MISSING_SUBMISSION_DATES", "fromDate and toDate must be given together"))
        }
        (None, Some(_)) => Err(BodyError::new(
            "fromDate",
            "RULE_MISSING_SUBMISSION_DATES",
            "fromDate and toDate must be given together",
        )),
    }
}

/// A foreign property entry names its country to 2025-26 and its property (a `propertyId`
/// in HMRC's UUID form) from 2026-27.
fn check_foreign_id(
    country: Option<&CountryCode>,
    property_id: Option<&str>,
    path: &str,
    year: TaxYear,
) -> Result<(), BodyError> {
    let last_per_country = Some(LAST_YEAR_PER_COUNTRY);
    let first_per_property = Some(LAST_YEAR_PER_COUNTRY + 1);
    only_in_years(country.is_some(), &at(path, "countryCode"), year, None, last_per_country)?;
    only_in_years(property_id.is_some(), &at(path, "propertyId"), year, first_per_property, None)?;
    required_in_years(country.is_some(), &at(path, "countryCode"), year, None, last_per_country)?;
    required_in_years(property_id.is_some(), &at(path, "propertyId"), year, first_per_property, None)?;
    if let Some(id) = property_id
        && !is_uuid(id)
    {
        return Err(BodyError::new(
            at(path, "propertyId"),
            "FORMAT_PROPERTY_ID",
            format!("'{id}' is not a property ID (a UUID such as 8e8b8450-dc1b-4360-8109-7067337b42cb)"),
        ));
    }
    Ok(())
}

/// HMRC's UUID form: `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`.
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// Refuse a value that an earlier entry of the list already has (`field` of each entry of
/// `path`); the error names the later entry.
fn no_duplicates<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
    path: &str,
    field: &str,
    code: &'static str,
) -> Result<(), BodyError> {
    let mut seen: Vec<Option<&str>> = Vec::new();
    for (n, value) in values.enumerate() {
        if let Some(value) = value
            && let Some(first) = seen.iter().position(|s| *s == Some(value))
        {
            return Err(BodyError::new(
                format!("{path}/{n}/{field}"),
                code,
                format!("'{value}' is also given at {path}/{first}/{field}"),
            ));
        }
        seen.push(value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    fn parse<T: DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("the body parses")
    }

    fn refused<T: DeserializeOwned>(value: Value) -> String {
        serde_json::from_value::<T>(value).map(|_| ()).expect_err("the body is refused").to_string()
    }

    fn error<T: Check>(body: &T, start: u16) -> BodyError {
        body.check(year(start)).expect_err("the check fails")
    }

    fn money(text: &str) -> Money {
        Money::new(text.parse().unwrap())
    }

    /// Set `value` at the JSON pointer `pointer` of `body` (the parent must exist).
    fn with(mut body: Value, pointer: &str, value: Value) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = body.pointer_mut(parent).unwrap();
        match parent {
            Value::Object(map) => {
                map.insert(key.to_owned(), value);
            }
            Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
            _ => panic!("{pointer} has no parent object"),
        }
        body
    }

    fn without(mut body: Value, pointer: &str) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key);
        body
    }

    // --- uk-property-period ---

    fn uk_period() -> Value {
        json!({
            "fromDate": "2023-04-06",
            "toDate": "2023-07-05",
            "ukFhlProperty": {
                "income": { "periodAmount": 5000.99, "taxDeducted": 312.21, "rentARoom": { "rentsReceived": 532.12 } },
                "expenses": {
                    "premisesRunningCosts": 100.10, "repairsAndMaintenance": 200.20, "financialCosts": 300.30,
                    "professionalFees": 400.40, "costOfServices": 500.50, "travelCosts": 60.60, "other": 70.70,
                    "rentARoom": { "amountClaimed": 80.80 }
                }
            },
            "ukNonFhlProperty": {
                "income": {
                    "premiumsOfLeaseGrant": 42.12, "reversePremiums": 84.31, "periodAmount": 9884.93,
                    "taxDeducted": 842.99, "otherIncome": 31.44, "rentARoom": { "rentsReceived": 947.66 }
                },
                "expenses": {
                    "premisesRunningCosts": 1000, "repairsAndMaintenance": 2000, "financialCosts": 300,
                    "professionalFees": 400, "costOfServices": 500, "other": 600, "residentialFinancialCost": 7000,
                    "travelCosts": 80, "residentialFinancialCostsCarriedForward": 900, "rentARoom": { "amountClaimed": 10 }
                }
            }
        })
    }

    #[test]
    fn uk_period_full_body_is_valid_and_adds_up() {
        let body: UkPropertyPeriodSummary = parse(uk_period());
        body.check(year(2023)).unwrap();
        let fhl = body.uk_fhl_property.as_ref().unwrap();
        assert_eq!(fhl.income_total(), money("5533.11"));
        assert_eq!(fhl.income.as_ref().unwrap().tax_deducted(), money("312.21"));
        assert_eq!(fhl.expenses_total(), money("1713.60"));
        let other = body.uk_non_fhl_property.as_ref().unwrap();
        assert_eq!(other.income_total(), money("10990.46"));
        assert_eq!(other.income.as_ref().unwrap().tax_deducted(), money("842.99"));
        let expenses = other.expenses.as_ref().unwrap();
        assert_eq!(expenses.total(), money("4890"));
        assert_eq!(expenses.residential_finance_costs(), money("7000"));
        assert_eq!(expenses.finance_costs_brought_forward(), money("900"));
    }

    #[test]
    fn uk_period_refuses_unknown_fields() {
        let e = refused::<UkPropertyPeriodSummary>(with(uk_period(), "/ukFhlProperty/income/otherIncome", json!(5)));
        assert!(e.contains("unknown field"), "{e}");
        assert!(
            refused::<UkPropertyPeriodSummary>(with(uk_period(), "/ukProperty", json!({}))).contains("unknown field")
        );
    }

    #[test]
    fn uk_period_expenses_may_be_negative_from_2024_25_only() {
        let body: UkPropertyPeriodSummary =
            parse(with(uk_period(), "/ukNonFhlProperty/expenses/premisesRunningCosts", json!(-250.5)));
        let e = error(&body, 2023);
        assert_eq!((e.code, e.path.as_str()), ("FORMAT_VALUE", "ukNonFhlProperty/expenses/premisesRunningCosts"));
        body.check(year(2024)).unwrap();
        assert_eq!(body.uk_non_fhl_property.unwrap().expenses_total(), money("3639.5"));
    }

    #[test]
    fn uk_period_consolidated_expenses_go_alone_or_with_finance_costs_from_2024_25() {
        let consolidated = json!({ "consolidatedExpenses": 988.18, "residentialFinancialCost": 500,
            "residentialFinancialCostsCarriedForward": 20, "rentARoom": { "amountClaimed": 7 } });
        let body: UkPropertyPeriodSummary =
            parse(with(uk_period(), "/ukNonFhlProperty/expenses", consolidated.clone()));
        body.check(year(2024)).unwrap();
        assert_eq!(body.uk_non_fhl_property.as_ref().unwrap().expenses_total(), money("995.18"));
        let e = error(&body, 2023);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_EXPENSES_SUPPLIED", "ukNonFhlProperty/expenses"));
        let both: UkPropertyPeriodSummary =
            parse(with(uk_period(), "/ukNonFhlProperty/expenses/consolidatedExpenses", json!(10)));
        assert_eq!(error(&both, 2024).code, "RULE_BOTH_EXPENSES_SUPPLIED");
        let fhl: UkPropertyPeriodSummary = parse(with(
            uk_period(),
            "/ukFhlProperty/expenses",
            json!({ "consolidatedExpenses": 50, "rentARoom": { "amountClaimed": 7 } }),
        ));
        fhl.check(year(2024)).unwrap();
        assert_eq!(error(&fhl, 2022).path, "ukFhlProperty/expenses");
    }

    #[test]
    fn uk_period_dates_and_empty_objects() {
        let body: UkPropertyPeriodSummary = parse(with(uk_period(), "/toDate", json!("2023-04-05")));
        let e = error(&body, 2023);
        assert_eq!((e.code, e.path.as_str()), ("RULE_TO_DATE_BEFORE_FROM_DATE", "toDate"));
        let body: UkPropertyPeriodSummary = parse(with(uk_period(), "/ukFhlProperty/income/rentARoom", json!({})));
        let e = error(&body, 2023);
        assert_eq!(
            (e.code, e.path.as_str()),
            ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "ukFhlProperty/income/rentARoom")
        );
        let body: UkPropertyPeriodSummary = parse(with(uk_period(), "/ukNonFhlProperty", json!({})));
        assert_eq!(error(&body, 2023).code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert!(
            refused::<UkPropertyPeriodSummary>(with(uk_period(), "/fromDate", json!("2023-02-30")))
                .contains("2023-02-30")
        );
    }

    // --- uk-property-cumulative ---

    fn uk_cumulative() -> Value {
        json!({
            "fromDate": "2025-04-06",
            "toDate": "2025-10-05",
            "ukProperty": {
                "income": {
                    "premiumsOfLeaseGrant": 1000, "reversePremiums": 200, "periodAmount": 12000.5,
                    "taxDeducted": 150, "otherIncome": 300, "rentARoom": { "rentsReceived": 4000 }
                },
                "expenses": {
                    "premisesRunningCosts": 500, "repairsAndMaintenance": -50, "financialCosts": 100,
                    "professionalFees": 200, "costOfServices": 300, "other": 40, "residentialFinancialCost": 2500,
                    "travelCosts": 60, "residentialFinancialCostsCarriedForward": 300, "rentARoom": { "amountClaimed": 1000 }
                }
            }
        })
    }

    #[test]
    fn uk_cumulative_full_body_is_valid_and_adds_up() {
        let body: UkPropertyCumulativeSummary = parse(uk_cumulative());
        body.check(year(2025)).unwrap();
        assert_eq!(body.uk_property.income_total(), money("17500.5"));
        let expenses = body.uk_property.expenses.as_ref().unwrap();
        assert_eq!(expenses.total(), money("2150"));
        assert_eq!(expenses.residential_finance_costs(), money("2500"));
        assert_eq!(expenses.finance_costs_brought_forward(), money("300"));
        let consolidated: UkPropertyCumulativeSummary = parse(with(
            uk_cumulative(),
            "/ukProperty/expenses",
            json!({ "consolidatedExpenses": -988.18, "residentialFinancialCost": 9000.10,
                "residentialFinancialCostsCarriedForward": 300.13, "rentARoom": { "amountClaimed": 860.88 } }),
        ));
        consolidated.check(year(2026)).unwrap();
        let annual: UkPropertyCumulativeSummary = parse(without(without(uk_cumulative(), "/fromDate"), "/toDate"));
        annual.check(year(2025)).unwrap();
    }

    #[test]
    fn uk_cumulative_refuses_unknown_fields_and_a_missing_business() {
        assert!(
            refused::<UkPropertyCumulativeSummary>(with(uk_cumulative(), "/ukFhlProperty", json!({})))
                .contains("unknown field")
        );
        assert!(
            refused::<UkPropertyCumulativeSummary>(json!({ "fromDate": "2025-04-06", "toDate": "2025-07-05" }))
                .contains("ukProperty")
        );
    }

    #[test]
    fn uk_cumulative_business_rules() {
        let body: UkPropertyCumulativeSummary =
            parse(with(uk_cumulative(), "/ukProperty/expenses/consolidatedExpenses", json!(100)));
        let e = error(&body, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_EXPENSES_SUPPLIED", "ukProperty/expenses"));
        let body: UkPropertyCumulativeSummary = parse(without(uk_cumulative(), "/toDate"));
        let e = error(&body, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_MISSING_SUBMISSION_DATES", "toDate"));
        let body: UkPropertyCumulativeSummary = parse(with(uk_cumulative(), "/fromDate", json!("1899-12-31")));
        assert_eq!(error(&body, 2025).code, "FORMAT_FROM_DATE");
    }

    // --- uk-property-annual ---

    fn uk_annual_2024() -> Value {
        json!({
            "ukFhlProperty": {
                "adjustments": {
                    "privateUseAdjustment": 100.25, "balancingCharge": 200, "periodOfGraceAdjustment": false,
                    "businessPremisesRenovationAllowanceBalancingCharges": 50, "nonResidentLandlord": false,
                    "rentARoom": { "jointlyLet": true }
                },
                "allowances": {
                    "annualInvestmentAllowance": 1000, "businessPremisesRenovationAllowance": 500,
                    "otherCapitalAllowance": 300, "electricChargePointAllowance": 200, "zeroEmissionsCarAllowance": 100
                }
            },
            "ukProperty": {
                "adjustments": {
                    "balancingCharge": 10, "privateUseAdjustment": 20,
                    "businessPremisesRenovationAllowanceBalancingCharges": 30, "nonResidentLandlord": true,
                    "rentARoom": { "jointlyLet": false }
                },
                "allowances": {
                    "annualInvestmentAllowance": 100, "zeroEmissionsGoodsVehicleAllowance": 200,
                    "businessPremisesRenovationAllowance": 300, "otherCapitalAllowance": 400,
                    "costOfReplacingDomesticItems": 500, "electricChargePointAllowance": 600,
                    "zeroEmissionsCarAllowance": 700,
                    "structuredBuildingAllowance": [{
                        "amount": 800,
                        "firstYear": { "qualifyingDate": "2020-03-29", "qualifyingAmountExpenditure": 32000 },
                        "building": { "name": "Grange Hall", "postcode": "GF49JH" }
                    }],
                    "enhancedStructuredBuildingAllowance": [{
                        "amount": 900.5,
                        "building": { "number": "12", "postcode": "TF3 4EH" }
                    }]
                }
            }
        })
    }

    fn uk_annual_2025() -> Value {
        json!({
            "ukProperty": {
                "adjustments": { "balancingCharge": 120, "nonResidentLandlord": false, "rentARoom": { "jointlyLet": true } },
                "allowances": { "propertyIncomeAllowance": 1000 }
            }
        })
    }

    #[test]
    fn uk_annual_full_bodies_are_valid_and_add_up() {
        let body: UkPropertyAnnualSubmission = parse(uk_annual_2024());
        body.check(year(2024)).unwrap();
        let fhl = body.uk_fhl_property.as_ref().unwrap();
        assert_eq!(fhl.allowances_total(), money("2100"));
        assert_eq!(fhl.adjustments_net(), money("350.25"));
        assert_eq!(fhl.property_income_allowance(), None);
        assert!(fhl.adjustments.as_ref().unwrap().rent_a_room_jointly_let());
        let property = body.uk_property.as_ref().unwrap();
        assert_eq!(property.allowances_total(), money("4500.5"));
        assert_eq!(property.adjustments_net(), money("60"));
        assert!(property.non_resident_landlord());
        assert!(!property.rent_a_room_jointly_let());

        let body: UkPropertyAnnualSubmission = parse(uk_annual_2025());
        body.check(year(2025)).unwrap();
        let property = body.uk_property.as_ref().unwrap();
        assert_eq!(property.property_income_allowance(), Some(money("1000")));
        assert_eq!(property.allowances_total(), Money::ZERO);
        assert_eq!(property.adjustments_net(), money("120"));
        assert!(property.rent_a_room_jointly_let());
    }

    #[test]
    fn uk_annual_refuses_unknown_fields() {
        let body = with(
            uk_annual_2024(),
            "/ukProperty/allowances/structuredBuildingAllowance/0/building/town",
            json!("Leeds"),
        );
        assert!(refused::<UkPropertyAnnualSubmission>(body).contains("unknown field"));
        assert!(
            refused::<UkPropertyAnnualSubmission>(with(uk_annual_2025(), "/ukNonFhlProperty", json!({})))
                .contains("unknown field")
        );
    }

    #[test]
    fn uk_annual_fields_follow_the_year() {
        let body: UkPropertyAnnualSubmission = parse(uk_annual_2024());
        let e = error(&body, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "ukFhlProperty"));
        let body: UkPropertyAnnualSubmission = parse(without(uk_annual_2024(), "/ukFhlProperty"));
        let e = error(&body, 2025);
        assert_eq!(e.path, "ukProperty/allowances/zeroEmissionsGoodsVehicleAllowance");
        let body: UkPropertyAnnualSubmission = parse(json!({}));
        assert_eq!(error(&body, 2025).path, "ukProperty");
        assert_eq!(error(&body, 2024).path, "/");
    }

    #[test]
    fn uk_annual_business_rules() {
        let both: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2025(), "/ukProperty/allowances/annualInvestmentAllowance", json!(5)));
        let e = error(&both, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_ALLOWANCES_SUPPLIED", "ukProperty/allowances"));
        let with_sba: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2024(), "/ukProperty/allowances/propertyIncomeAllowance", json!(500)));
        assert_eq!(error(&with_sba, 2024).code, "RULE_BOTH_ALLOWANCES_SUPPLIED");
        let fhl_both: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2024(), "/ukFhlProperty/allowances/propertyIncomeAllowance", json!(500)));
        assert_eq!(error(&fhl_both, 2024).path, "ukFhlProperty/allowances");
        let private_use: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2025(), "/ukProperty/adjustments/privateUseAdjustment", json!(40)));
        let e = error(&private_use, 2025);
        assert_eq!(
            (e.code, e.path.as_str()),
            ("RULE_PROPERTY_INCOME_ALLOWANCE", "ukProperty/allowances/propertyIncomeAllowance")
        );
        let too_much: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2025(), "/ukProperty/allowances/propertyIncomeAllowance", json!(1000.01)));
        assert_eq!(error(&too_much, 2025).code, "FORMAT_VALUE");
        let nameless: UkPropertyAnnualSubmission =
            parse(without(uk_annual_2024(), "/ukProperty/allowances/structuredBuildingAllowance/0/building/name"));
        let e = error(&nameless, 2024);
        assert_eq!(
            (e.code, e.path.as_str()),
            ("RULE_BUILDING_NAME_NUMBER", "ukProperty/allowances/structuredBuildingAllowance/0/building")
        );
        let bad_postcode: UkPropertyAnnualSubmission = parse(with(
            uk_annual_2024(),
            "/ukProperty/allowances/enhancedStructuredBuildingAllowance/0/building/postcode",
            json!("TF3 4EH!"),
        ));
        assert_eq!(error(&bad_postcode, 2024).code, "FORMAT_STRING");
        let accented: UkPropertyAnnualSubmission = parse(with(
            uk_annual_2024(),
            "/ukProperty/allowances/structuredBuildingAllowance/0/building/name",
            json!("Château d’Eau (Annexe)"),
        ));
        accented.check(year(2024)).unwrap();
        let no_sba: UkPropertyAnnualSubmission =
            parse(with(uk_annual_2024(), "/ukProperty/allowances/structuredBuildingAllowance", json!([])));
        assert_eq!(error(&no_sba, 2024).code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    // --- foreign-property-period ---

    fn foreign_period() -> Value {
        json!({
            "fromDate": "2024-04-06",
            "toDate": "2024-07-05",
            "foreignFhlEea": {
                "income": { "rentAmount": 5000 },
                "expenses": {
                    "premisesRunningCosts": 100, "repairsAndMaintenance": 200, "financialCosts": 300,
                    "professionalFees": 400, "costOfServices": 500, "travelCosts": 600, "other": -50
                }
            },
            "foreignNonFhlProperty": [
                {
                    "countryCode": "FRA",
                    "income": {
                        "rentIncome": { "rentAmount": 8000 }, "foreignTaxCreditRelief": true,
                        "premiumsOfLeaseGrant": 1000, "otherPropertyIncome": 500,
                        "foreignTaxPaidOrDeducted": 1200, "specialWithholdingTaxOrUkTaxPaid": 80
                    },
                    "expenses": {
                        "premisesRunningCosts": 100, "repairsAndMaintenance": 200, "financialCosts": 300,
                        "professionalFees": 400, "travelCosts": 50, "costOfServices": 60,
                        "residentialFinancialCost": 700, "broughtFwdResidentialFinancialCost": 70, "other": 10
                    }
                },
                {
                    "countryCode": "ESP",
                    "income": { "rentIncome": { "rentAmount": 3000 }, "foreignTaxCreditRelief": false },
                    "expenses": { "consolidatedExpenses": 900, "residentialFinancialCost": 100 }
                }
            ]
        })
    }

    #[test]
    fn foreign_period_full_body_is_valid_and_adds_up() {
        let body: ForeignPropertyPeriodSummary = parse(foreign_period());
        body.check(year(2024)).unwrap();
        let fhl = body.foreign_fhl_eea.as_ref().unwrap();
        assert_eq!((fhl.income_total(), fhl.expenses_total()), (money("5000"), money("2050")));
        let france = &body.foreign_non_fhl_property.as_ref().unwrap()[0];
        assert_eq!(france.income.total(), money("9500"));
        assert_eq!(france.income.foreign_tax_paid(), money("1200"));
        assert_eq!(france.income.uk_tax_paid(), money("80"));
        assert!(france.income.foreign_tax_credit_relief());
        let expenses = france.expenses.as_ref().unwrap();
        assert_eq!(expenses.total(), money("1120"));
        assert_eq!(expenses.residential_finance_costs(), money("700"));
        assert_eq!(expenses.finance_costs_brought_forward(), money("70"));
        assert_eq!(body.foreign_non_fhl_property.as_ref().unwrap()[1].expenses_total(), money("900"));
    }

    #[test]
    fn foreign_period_refuses_unknown_fields_and_missing_required_ones() {
        assert!(
            refused::<ForeignPropertyPeriodSummary>(with(
                foreign_period(),
                "/foreignFhlEea/income/premiumsOfLeaseGrant",
                json!(1)
            ))
            .contains("unknown field")
        );
        assert!(
            refused::<ForeignPropertyPeriodSummary>(without(
                foreign_period(),
                "/foreignNonFhlProperty/1/income/foreignTaxCreditRelief"
            ))
            .contains("foreignTaxCreditRelief")
        );
        assert!(
            refused::<ForeignPropertyPeriodSummary>(with(
                foreign_period(),
                "/foreignNonFhlProperty/0/countryCode",
                json!("fr")
            ))
            .contains("country code")
        );
    }

    #[test]
    fn foreign_period_expenses_may_be_negative_from_2024_25_only() {
        let body: ForeignPropertyPeriodSummary = parse(with(foreign_period(), "/fromDate", json!("2023-04-06")));
        let e = error(&body, 2023);
        assert_eq!((e.code, e.path.as_str()), ("FORMAT_VALUE", "foreignFhlEea/expenses/other"));
    }

    #[test]
    fn foreign_period_business_rules() {
        let body: ForeignPropertyPeriodSummary =
            parse(with(foreign_period(), "/foreignNonFhlProperty/1/countryCode", json!("FRA")));
        let e = error(&body, 2024);
        assert_eq!((e.code, e.path.as_str()), ("RULE_DUPLICATE_COUNTRY_CODE", "foreignNonFhlProperty/1/countryCode"));
        let body: ForeignPropertyPeriodSummary =
            parse(with(foreign_period(), "/foreignNonFhlProperty/1/expenses/other", json!(5)));
        let e = error(&body, 2024);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_EXPENSES_SUPPLIED", "foreignNonFhlProperty/1/expenses"));
        let body: ForeignPropertyPeriodSummary =
            parse(with(foreign_period(), "/foreignFhlEea/expenses/consolidatedExpenses", json!(5)));
        assert_eq!(error(&body, 2024).path, "foreignFhlEea/expenses");
        let body: ForeignPropertyPeriodSummary = parse(with(foreign_period(), "/foreignNonFhlProperty", json!([])));
        assert_eq!(error(&body, 2024).code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let body: ForeignPropertyPeriodSummary = parse(with(foreign_period(), "/toDate", json!("2024-04-05")));
        assert_eq!(error(&body, 2024).code, "RULE_TO_DATE_BEFORE_FROM_DATE");
    }

    // --- foreign-property-details ---

    fn details() -> Value {
        json!({
            "propertyName": "Bob & Bobby Co",
            "countryCode": "FRA",
            "endDate": "2026-08-24",
            "endReason": "no-longer-renting-property-out"
        })
    }

    #[test]
    fn details_full_body_is_valid() {
        let body: ForeignPropertyDetails = parse(details());
        body.check(year(2026)).unwrap();
        assert_eq!(body.end_reason, Some(EndReason::NoLongerRentingPropertyOut));
        let body: ForeignPropertyDetails = parse(with(details(), "/endReason", json!("disposal")));
        assert_eq!(body.end_reason, Some(EndReason::Disposal));
        let open: ForeignPropertyDetails = parse(json!({ "propertyName": "Villa Rosa", "countryCode": "ITA" }));
        open.check(year(2027)).unwrap();
    }

    #[test]
    fn details_refuses_unknown_fields_and_values() {
        assert!(
            refused::<ForeignPropertyDetails>(with(details(), "/propertyId", json!("x"))).contains("unknown field")
        );
        assert!(
            refused::<ForeignPropertyDetails>(with(details(), "/endReason", json!("sold"))).contains("unknown variant")
        );
    }

    #[test]
    fn details_business_rules() {
        let body: ForeignPropertyDetails = parse(without(details(), "/endReason"));
        let e = error(&body, 2026);
        assert_eq!((e.code, e.path.as_str()), ("RULE_MISSING_END_DETAILS", "endReason"));
        let body: ForeignPropertyDetails = parse(with(details(), "/endDate", json!("2027-04-06")));
        assert_eq!(error(&body, 2026).code, "RULE_END_DATE_AFTER_TAX_YEAR_END");
        let body: ForeignPropertyDetails = parse(details());
        assert_eq!(error(&body, 2027).code, "RULE_END_DATE_BEFORE_TAX_YEAR_START");
        for name in ["", "   ", &"x".repeat(106), "two\nlines"] {
            let body: ForeignPropertyDetails = parse(with(details(), "/propertyName", json!(name)));
            assert_eq!(error(&body, 2026).code, "FORMAT_PROPERTY_NAME", "{name:?}");
        }
    }

    // --- foreign-property-cumulative ---

    const PROPERTY_A: &str = "8e8b8450-dc1b-4360-8109-7067337b42cb";
    const PROPERTY_B: &str = "00000000-0000-4000-8000-000000000002";

    fn foreign_cumulative_2025() -> Value {
        json!({
            "fromDate": "2025-04-06",
            "toDate": "2026-01-05",
            "foreignProperty": [
                {
                    "countryCode": "FRA",
                    "income": {
                        "rentIncome": { "rentAmount": 9000 }, "foreignTaxCreditRelief": true,
                        "premiumsOfLeaseGrant": 100, "otherPropertyIncome": 200,
                        "foreignTaxPaidOrDeducted": 900, "specialWithholdingTaxOrUkTaxPaid": 30
                    },
                    "expenses": {
                        "premisesRunningCosts": 100, "repairsAndMaintenance": -20, "financialCosts": 300,
                        "professionalFees": 400, "travelCosts": 50, "costOfServices": 60, "other": 10,
                        "residentialFinancialCost": 1000, "broughtFwdResidentialFinancialCost": 200
                    }
                },
                {
                    "countryCode": "DEU",
                    "income": { "otherPropertyIncome": 400 }
                }
            ]
        })
    }

    fn foreign_cumulative_2026() -> Value {
        json!({
            "foreignProperty": [
                {
                    "propertyId": PROPERTY_A,
                    "income": { "rentIncome": { "rentAmount": 6000 }, "foreignTaxCreditRelief": false },
                    "expenses": { "consolidatedExpenses": 1500, "residentialFinancialCost": 300 }
                },
                {
                    "propertyId": PROPERTY_B,
                    "expenses": { "consolidatedExpenses": 200 }
                }
            ]
        })
    }

    #[test]
    fn foreign_cumulative_full_bodies_are_valid_and_add_up() {
        let body: ForeignPropertyCumulativeSummary = parse(foreign_cumulative_2025());
        body.check(year(2025)).unwrap();
        let france = &body.foreign_property[0];
        assert_eq!(france.income_total(), money("9300"));
        assert_eq!(france.expenses_total(), money("900"));
        let income = france.income.as_ref().unwrap();
        assert_eq!((income.foreign_tax_paid(), income.uk_tax_paid()), (money("900"), money("30")));
        assert!(income.foreign_tax_credit_relief());
        let expenses = france.expenses.as_ref().unwrap();
        assert_eq!(
            (expenses.residential_finance_costs(), expenses.finance_costs_brought_forward()),
            (money("1000"), money("200"))
        );
        assert!(!body.foreign_property[1].income.as_ref().unwrap().foreign_tax_credit_relief());

        let body: ForeignPropertyCumulativeSummary = parse(foreign_cumulative_2026());
        body.check(year(2026)).unwrap();
        assert_eq!(body.foreign_property[0].income_total(), money("6000"));
        assert_eq!(body.foreign_property[1].expenses_total(), money("200"));
    }

    #[test]
    fn foreign_cumulative_refuses_unknown_fields() {
        let body = with(foreign_cumulative_2025(), "/foreignProperty/1/income/rentAmount", json!(5));
        assert!(refused::<ForeignPropertyCumulativeSummary>(body).contains("unknown field"));
        assert!(refused::<ForeignPropertyCumulativeSummary>(json!({})).contains("foreignProperty"));
    }

    #[test]
    fn foreign_cumulative_names_countries_then_properties() {
        let body: ForeignPropertyCumulativeSummary = parse(foreign_cumulative_2026());
        let e = error(&body, 2025);
        assert_eq!(
            (e.code, e.path.as_str()),
            ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "foreignProperty/0/propertyId")
        );
        let body: ForeignPropertyCumulativeSummary = parse(foreign_cumulative_2025());
        assert_eq!(error(&body, 2026).path, "foreignProperty/0/countryCode");
        let body: ForeignPropertyCumulativeSummary =
            parse(without(foreign_cumulative_2026(), "/foreignProperty/1/propertyId"));
        assert_eq!(error(&body, 2026).path, "foreignProperty/1/propertyId");
    }

    #[test]
    fn foreign_cumulative_business_rules() {
        let body: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2026(), "/foreignProperty/1/propertyId", json!(PROPERTY_A)));
        let e = error(&body, 2026);
        assert_eq!((e.code, e.path.as_str()), ("RULE_DUPLICATE_PROPERTY_ID", "foreignProperty/1/propertyId"));
        let body: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2026(), "/foreignProperty/1/propertyId", json!("{flat}")));
        assert_eq!(error(&body, 2026).code, "FORMAT_PROPERTY_ID");
        let body: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2025(), "/foreignProperty/1/countryCode", json!("FRA")));
        assert_eq!(error(&body, 2025).code, "RULE_DUPLICATE_COUNTRY_CODE");
        let body: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2025(), "/foreignProperty/0/expenses/consolidatedExpenses", json!(1)));
        let e = error(&body, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_EXPENSES_SUPPLIED", "foreignProperty/0/expenses"));
        let mixed: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2026(), "/foreignProperty/1/expenses", json!({ "other": 200 })));
        let e = error(&mixed, 2026);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_EXPENSES_SUPPLIED", "foreignProperty/1/expenses"));
        let empty: ForeignPropertyCumulativeSummary =
            parse(with(foreign_cumulative_2025(), "/foreignProperty/1/income/rentIncome", json!({})));
        assert_eq!(error(&empty, 2025).path, "foreignProperty/1/income/rentIncome");
    }

    // --- foreign-property-annual ---

    fn foreign_annual_2024() -> Value {
        json!({
            "foreignFhlEea": {
                "adjustments": { "privateUseAdjustment": 100, "balancingCharge": 50.5, "periodOfGraceAdjustment": true },
                "allowances": {
                    "annualInvestmentAllowance": 100, "otherCapitalAllowance": 200,
                    "electricChargePointAllowance": 300, "zeroEmissionsCarAllowance": 400
                }
            },
            "foreignProperty": [
                {
                    "countryCode": "FRA",
                    "adjustments": { "privateUseAdjustment": 10, "balancingCharge": 20 },
                    "allowances": {
                        "annualInvestmentAllowance": 1, "costOfReplacingDomesticItems": 2,
                        "zeroEmissionsGoodsVehicleAllowance": 3, "otherCapitalAllowance": 4,
                        "electricChargePointAllowance": 5, "zeroEmissionsCarAllowance": 6,
                        "structuredBuildingAllowance": [{
                            "amount": 1000,
                            "firstYear": { "qualifyingDate": "2021-05-01", "qualifyingAmountExpenditure": 40000 },
                            "building": { "name": "Le Moulin", "number": "3", "postcode": "75001" }
                        }]
                    }
                },
                {
                    "countryCode": "ESP",
                    "allowances": { "propertyIncomeAllowance": 1000 }
                }
            ]
        })
    }

    fn foreign_annual_2026() -> Value {
        json!({
            "foreignProperty": [
                {
                    "propertyId": PROPERTY_A,
                    "adjustments": { "balancingCharge": 75 },
                    "allowances": { "annualInvestmentAllowance": 250, "costOfReplacingDomesticItems": 80 }
                },
                {
                    "propertyId": PROPERTY_B,
                    "allowances": { "propertyIncomeAllowance": 600.5 }
                }
            ]
        })
    }

    #[test]
    fn foreign_annual_full_bodies_are_valid_and_add_up() {
        let body: ForeignPropertyAnnualSubmission = parse(foreign_annual_2024());
        body.check(year(2024)).unwrap();
        let fhl = body.foreign_fhl_eea.as_ref().unwrap();
        assert_eq!((fhl.allowances_total(), fhl.adjustments_net()), (money("1000"), money("150.5")));
        let entries = body.foreign_property.as_ref().unwrap();
        assert_eq!((entries[0].allowances_total(), entries[0].adjustments_net()), (money("1021"), money("30")));
        assert_eq!(entries[1].property_income_allowance(), Some(money("1000")));

        let body: ForeignPropertyAnnualSubmission = parse(foreign_annual_2026());
        body.check(year(2026)).unwrap();
        let entries = body.foreign_property.as_ref().unwrap();
        assert_eq!((entries[0].allowances_total(), entries[0].adjustments_net()), (money("330"), money("75")));
        assert_eq!(entries[1].property_income_allowance(), Some(money("600.5")));
    }

    #[test]
    fn foreign_annual_refuses_unknown_fields() {
        let body = with(foreign_annual_2026(), "/foreignProperty/0/adjustments/nonResidentLandlord", json!(true));
        assert!(refused::<ForeignPropertyAnnualSubmission>(body).contains("unknown field"));
    }

    #[test]
    fn foreign_annual_fields_follow_the_year() {
        let body: ForeignPropertyAnnualSubmission = parse(foreign_annual_2024());
        let e = error(&body, 2025);
        assert_eq!((e.code, e.path.as_str()), ("RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", "foreignFhlEea"));
        let body: ForeignPropertyAnnualSubmission = parse(without(foreign_annual_2024(), "/foreignFhlEea"));
        assert_eq!(error(&body, 2025).path, "foreignProperty/0/allowances/zeroEmissionsGoodsVehicleAllowance");
        assert_eq!(error(&body, 2026).path, "foreignProperty/0/countryCode");
        let body: ForeignPropertyAnnualSubmission =
            parse(json!({ "foreignFhlEea": { "allowances": { "propertyIncomeAllowance": 300 } } }));
        body.check(year(2023)).unwrap();
        assert_eq!(error(&body, 2025).path, "foreignFhlEea");
    }

    #[test]
    fn foreign_annual_business_rules() {
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2024(), "/foreignProperty/1/countryCode", json!("FRA")));
        let e = error(&body, 2024);
        assert_eq!((e.code, e.path.as_str()), ("RULE_DUPLICATE_COUNTRY_CODE", "foreignProperty/1/countryCode"));
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2026(), "/foreignProperty/1/propertyId", json!(PROPERTY_A)));
        assert_eq!(error(&body, 2026).code, "RULE_DUPLICATE_PROPERTY_ID");
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2026(), "/foreignProperty/1/allowances/otherCapitalAllowance", json!(1)));
        let e = error(&body, 2026);
        assert_eq!((e.code, e.path.as_str()), ("RULE_BOTH_ALLOWANCES_SUPPLIED", "foreignProperty/1/allowances"));
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2026(), "/foreignProperty/1/adjustments", json!({ "privateUseAdjustment": 20 })));
        assert_eq!(error(&body, 2026).code, "RULE_PROPERTY_INCOME_ALLOWANCE");
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2024(), "/foreignFhlEea/allowances/propertyIncomeAllowance", json!(10)));
        assert_eq!(error(&body, 2024).code, "RULE_BOTH_ALLOWANCES_SUPPLIED");
        let body: ForeignPropertyAnnualSubmission = parse(with(
            foreign_annual_2024(),
            "/foreignProperty/0/allowances/structuredBuildingAllowance/0/firstYear/qualifyingDate",
            json!("2100-01-01"),
        ));
        assert_eq!(error(&body, 2024).code, "FORMAT_DATE");
        let body: ForeignPropertyAnnualSubmission =
            parse(with(foreign_annual_2026(), "/foreignProperty/0/adjustments", json!({})));
        assert_eq!(error(&body, 2026).path, "foreignProperty/0/adjustments");
    }
}
