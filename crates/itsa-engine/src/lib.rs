//! The itsa tax engine: a UK Self Assessment income tax calculation for 2017-18 to
//! 2026-27, in the rUK, Scottish and Welsh regimes.
//!
//! [`calculate`] turns one taxpayer's [`Inputs`] for a year into a [`Calculation`]
//! carrying every figure HMRC's calculation shows for those income types, and the
//! information, warnings and errors that go with it. The engine is pure: no I/O, no
//! async, no floating point. Every rate and threshold comes from `itsa-rules`.

mod bands;
mod calculate;
pub mod calculation;
pub mod capital_gains;
mod charges;
mod coding_out;
pub mod employment;
mod estimate;
pub mod explain;
pub mod foreign;
pub mod inputs;
pub mod losses;
pub mod messages;
mod nics;
pub mod reliefs;
mod student_loans;

pub use calculation::Calculation;
pub use inputs::Inputs;
pub use itsa_rules::{Date, Money, Rate, Regime, Rules, RulesError, Sex, TaxYear, YearRules};
pub use messages::{Message, Messages};

/// The most HMRC accepts for any amount (its schemas' maximum, 99,999,999,999.99).
pub const MAXIMUM_AMOUNT: Money = Money::new(rust_decimal::Decimal::from_parts(1_316_134_911, 2_328, 0, false, 2));

/// Why a calculation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: String },
}

impl EngineError {
    /// A short machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Rules(RulesError::UnsupportedTaxYear(_)) => "TAX_YEAR_NOT_SUPPORTED",
            EngineError::Rules(_) => "RULES_UNAVAILABLE",
            EngineError::InvalidInput { .. } => "INVALID_INPUT",
        }
    }
}

/// Calculate the tax for one taxpayer and year.
pub fn calculate(inputs: &Inputs) -> Result<Calculation, EngineError> {
    validate(inputs)?;
    let rules = Rules::for_year(inputs.tax_year, inputs.regime)?;
    let mut calculation = calculate::calculate_year(rules, inputs);
    if let Some(to) = inputs.income_to_date {
        let annualised = estimate::annualise(inputs, to);
        let full_year = calculate::calculate_year(rules, &annualised);
        calculation.end_of_year_estimate = Some(estimate::end_of_year_estimate(&annualised, &full_year));
    }
    Ok(calculation)
}

fn validate(inputs: &Inputs) -> Result<(), EngineError> {
    let invalid =
        |field: &str, reason: &str| Err(EngineError::InvalidInput { field: field.into(), reason: reason.into() });
    let mut amounts: Vec<(&str, Money, bool)> = vec![
        ("state_pension", inputs.state_pension, false),
        ("dividends", inputs.dividends, false),
        ("other_income", inputs.other_income, false),
        ("gift_aid_paid", inputs.gift_aid_paid, false),
        ("pension_contributions_relief_at_source", inputs.pension_contributions_relief_at_source, false),
        ("annual_allowance_excess", inputs.annual_allowance_excess, false),
        ("pension_charges.annual_allowance_tax_paid", inputs.pension_charges.annual_allowance_tax_paid, false),
        ("winter_fuel_payment", inputs.winter_fuel_payment, false),
        ("investment_subscriptions.vct", inputs.investment_subscriptions.vct, false),
        ("investment_subscriptions.eis", inputs.investment_subscriptions.eis, false),
        (
            "investment_subscriptions.eis_knowledge_intensive",
            inputs.investment_subscriptions.eis_knowledge_intensive,
            false,
        ),
        ("investment_subscriptions.seis", inputs.investment_subscriptions.seis, false),
        ("child_benefit", inputs.child_benefit, false),
        ("coded_out.sa_underpayments", inputs.coded_out.sa_underpayments, false),
        ("coded_out.paye_underpayments", inputs.coded_out.paye_underpayments, false),
    ];
    amounts.extend(inputs.post_cessation_receipts.iter().map(|r| ("post_cessation_receipts", *r, false)));
    for e in &inputs.employments {
        amounts.extend([
            ("employments.pay", e.pay, false),
            ("employments.benefits_in_kind", e.benefits_in_kind, false),
            // Negative where the employer refunded more PAYE tax than it took off.
            ("employments.tax_deducted", e.tax_deducted, true),
            ("employments.student_loan_deductions", e.student_loan_deductions, false),
            ("employments.postgraduate_loan_deductions", e.postgraduate_loan_deductions, false),
        ]);
    }
    for p in &inputs.pensions {
        amounts.extend([("pensions.amount", p.amount, false), ("pensions.tax_deducted", p.tax_deducted, true)]);
    }
    for b in &inputs.state_benefits {
        amounts.extend([
            ("state_benefits.amount", b.amount, false),
            // Negative where more tax was repaid than taken off, as PAYE may be.
            ("state_benefits.tax_deducted", b.tax_deducted, true),
        ]);
    }
    for b in inputs.state_pension_sources.iter().chain(&inputs.state_pension_lump_sums) {
        amounts.extend([
            ("state_pension_lump_sums.amount", b.amount, false),
            ("state_pension_lump_sums.tax_deducted", b.tax_deducted, true),
        ]);
    }
    let p = &inputs.pension_charges;
    for a in [
        &p.unauthorised_surcharge,
        &p.unauthorised_no_surcharge,
        &p.overseas_transfer,
        &p.short_service_refund,
        &p.lifetime_allowance_lump_sum,
        &p.lifetime_allowance_other,
    ]
    .into_iter()
    .flatten()
    {
        amounts.extend([("pension_charges.amount", a.amount, false), ("pension_charges.tax_paid", a.tax_paid, false)]);
    }
    for se in &inputs.self_employments {
        amounts.extend([
            ("self_employments.adjusted_profit", se.adjusted_profit, true),
            ("self_employments.losses_brought_forward", se.losses_brought_forward, false),
        ]);
    }
    if let Some(p) = &inputs.uk_property {
        amounts.extend([
            ("uk_property.profit", p.profit, true),
            ("uk_property.residential_finance_costs", p.residential_finance_costs, false),
            ("uk_property.finance_costs_brought_forward", p.finance_costs_brought_forward, false),
            ("uk_property.losses_brought_forward", p.losses_brought_forward, false),
        ]);
    }
    for g in &inputs.life_policy_gains {
        amounts.extend([("life_policy_gains.gain", g.gain, false), ("life_policy_gains.tax_paid", g.tax_paid, false)]);
    }
    let f = &inputs.foreign;
    amounts.push(("foreign.other_uk_dividends", f.other_uk_dividends, false));
    amounts.push(("foreign.patent_royalties_paid", f.patent_royalties_paid, false));
    for d in &f.other_dividends {
        amounts.push(("foreign.other_dividends.gross_amount", d.gross_amount, false));
    }
    for s in &f.sources {
        amounts.extend([
            ("foreign.sources.taxable_amount", s.taxable_amount, false),
            ("foreign.sources.foreign_tax", s.foreign_tax, false),
        ]);
    }
    if let Some(sec) = &f.uk_securities {
        amounts.extend([
            ("foreign.uk_securities.gross_amount", sec.gross_amount, false),
            ("foreign.uk_securities.tax_deducted", sec.tax_deducted, false),
        ]);
    }
    if let Some(b) = &f.benefits_and_gifts {
        amounts.push(("foreign.benefits_and_gifts", b.total(), false));
    }
    if let Some(g) = f.offshore_income_gains {
        amounts.push(("foreign.offshore_income_gains", g, false));
    }
    if let Some(r) = f.customer_calculated_relief {
        amounts.push(("foreign.customer_calculated_relief", r, false));
    }
    if let Some(p) = &inputs.foreign_property {
        amounts.push(("foreign_property.profit", p.profit, true));
        for c in &p.countries {
            amounts.extend([
                ("foreign_property.countries.profit", c.profit, true),
                ("foreign_property.countries.residential_finance_costs", c.residential_finance_costs, false),
                ("foreign_property.countries.finance_costs_brought_forward", c.finance_costs_brought_forward, false),
                ("foreign_property.countries.foreign_tax", c.foreign_tax, false),
            ]);
        }
    }
    amounts.push(("business_tax_deducted.foreign_property", inputs.business_tax_deducted.foreign_property, false));
    amounts.push(("foreign_dividends", inputs.foreign_dividends, false));
    for a in &inputs.savings_accounts {
        amounts.extend([
            ("savings_accounts.gross_interest", a.gross_interest, false),
            ("savings_accounts.tax_deducted", a.tax_deducted, false),
        ]);
    }
    if let Some(g) = &inputs.capital_gains {
        amounts.extend([
            ("capital_gains.residential_gains", g.residential_gains, false),
            ("capital_gains.other_gains", g.other_gains, false),
            ("capital_gains.attributed_gains", g.attributed_gains, false),
            ("capital_gains.relief_gains", g.relief_gains, false),
            ("capital_gains.losses_of_year", g.losses_of_year, false),
            ("capital_gains.losses_brought_forward", g.losses_brought_forward, false),
            ("capital_gains.adjustments", g.adjustments, true),
            ("capital_gains.tax_already_paid", g.tax_already_paid, false),
            ("capital_gains.share_losses_against_income", g.share_losses_against_income, false),
        ]);
    }
    for (field, amount, may_be_negative) in amounts {
        if amount.amount().abs() > MAXIMUM_AMOUNT.amount() {
            return invalid(field, "must be no more than 99999999999.99");
        }
        if amount.is_negative() && !may_be_negative {
            return invalid(field, "must not be negative");
        }
    }
    if let Some(to) = inputs.income_to_date
        && (to < inputs.tax_year.first_day() || to > inputs.tax_year.last_day())
    {
        return invalid("income_to_date", "must fall within the tax year");
    }
    if let Some(dob) = inputs.date_of_birth
        && dob > inputs.tax_year.last_day()
    {
        return invalid("date_of_birth", "must be before the end of the tax year");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_amount_is_hmrcs() {
        assert_eq!(MAXIMUM_AMOUNT.to_string(), "99999999999.99");
    }
}
