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
    // Made where the result is returned: a calculation is several kilobytes, too large to
    // make and then move.
    Ok(calculate::calculate_year_and_estimate(rules, inputs))
}

fn validate(inputs: &Inputs) -> Result<(), EngineError> {
    let invalid =
        |field: &str, reason: &str| Err(EngineError::InvalidInput { field: field.into(), reason: reason.into() });
    // Every amount is checked in turn, the first out of range reported.
    let check = check_amount;
    check("state_pension", inputs.state_pension, false)?;
    check("dividends", inputs.dividends, false)?;
    check("other_income", inputs.other_income, false)?;
    check("gift_aid_paid", inputs.gift_aid_paid, false)?;
    check("pension_contributions_relief_at_source", inputs.pension_contributions_relief_at_source, false)?;
    check("annual_allowance_excess", inputs.annual_allowance_excess, false)?;
    check("pension_charges.annual_allowance_tax_paid", inputs.pension_charges.annual_allowance_tax_paid, false)?;
    check("winter_fuel_payment", inputs.winter_fuel_payment, false)?;
    check("investment_subscriptions.vct", inputs.investment_subscriptions.vct, false)?;
    check("investment_subscriptions.eis", inputs.investment_subscriptions.eis, false)?;
    check(
        "investment_subscriptions.eis_knowledge_intensive",
        inputs.investment_subscriptions.eis_knowledge_intensive,
        false,
    )?;
    check("investment_subscriptions.seis", inputs.investment_subscriptions.seis, false)?;
    check("child_benefit", inputs.child_benefit, false)?;
    check("coded_out.sa_underpayments", inputs.coded_out.sa_underpayments, false)?;
    check("coded_out.paye_underpayments", inputs.coded_out.paye_underpayments, false)?;
    for r in &inputs.post_cessation_receipts {
        check("post_cessation_receipts", *r, false)?;
    }
    for e in &inputs.employments {
        check("employments.pay", e.pay, false)?;
        check("employments.benefits_in_kind", e.benefits_in_kind, false)?;
        // Negative where the employer refunded more PAYE tax than it took off.
        check("employments.tax_deducted", e.tax_deducted, true)?;
        check("employments.student_loan_deductions", e.student_loan_deductions, false)?;
        check("employments.postgraduate_loan_deductions", e.postgraduate_loan_deductions, false)?;
    }
    for p in &inputs.pensions {
        check("pensions.amount", p.amount, false)?;
        check("pensions.tax_deducted", p.tax_deducted, true)?;
    }
    for b in &inputs.state_benefits {
        check("state_benefits.amount", b.amount, false)?;
        // Negative where more tax was repaid than taken off, as PAYE may be.
        check("state_benefits.tax_deducted", b.tax_deducted, true)?;
    }
    for b in inputs.state_pension_sources.iter().chain(&inputs.state_pension_lump_sums) {
        check("state_pension_lump_sums.amount", b.amount, false)?;
        check("state_pension_lump_sums.tax_deducted", b.tax_deducted, true)?;
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
        check("pension_charges.amount", a.amount, false)?;
        check("pension_charges.tax_paid", a.tax_paid, false)?;
    }
    for se in &inputs.self_employments {
        check("self_employments.adjusted_profit", se.adjusted_profit, true)?;
        check("self_employments.losses_brought_forward", se.losses_brought_forward, false)?;
    }
    if let Some(p) = &inputs.uk_property {
        check("uk_property.profit", p.profit, true)?;
        check("uk_property.residential_finance_costs", p.residential_finance_costs, false)?;
        check("uk_property.finance_costs_brought_forward", p.finance_costs_brought_forward, false)?;
        check("uk_property.losses_brought_forward", p.losses_brought_forward, false)?;
    }
    for g in &inputs.life_policy_gains {
        check("life_policy_gains.gain", g.gain, false)?;
        check("life_policy_gains.tax_paid", g.tax_paid, false)?;
    }
    let f = &inputs.foreign;
    check("foreign.other_uk_dividends", f.other_uk_dividends, false)?;
    check("foreign.patent_royalties_paid", f.patent_royalties_paid, false)?;
    for d in &f.other_dividends {
        check("foreign.other_dividends.gross_amount", d.gross_amount, false)?;
    }
    for s in &f.sources {
        check("foreign.sources.taxable_amount", s.taxable_amount, false)?;
        check("foreign.sources.foreign_tax", s.foreign_tax, false)?;
    }
    if let Some(sec) = &f.uk_securities {
        check("foreign.uk_securities.gross_amount", sec.gross_amount, false)?;
        check("foreign.uk_securities.tax_deducted", sec.tax_deducted, false)?;
    }
    if let Some(b) = &f.benefits_and_gifts {
        check("foreign.benefits_and_gifts", b.total(), false)?;
    }
    if let Some(g) = f.offshore_income_gains {
        check("foreign.offshore_income_gains", g, false)?;
    }
    if let Some(r) = f.customer_calculated_relief {
        check("foreign.customer_calculated_relief", r, false)?;
    }
    if let Some(p) = &inputs.foreign_property {
        check("foreign_property.profit", p.profit, true)?;
        for c in &p.countries {
            check("foreign_property.countries.profit", c.profit, true)?;
            check("foreign_property.countries.residential_finance_costs", c.residential_finance_costs, false)?;
            check("foreign_property.countries.finance_costs_brought_forward", c.finance_costs_brought_forward, false)?;
            check("foreign_property.countries.foreign_tax", c.foreign_tax, false)?;
        }
    }
    check("business_tax_deducted.foreign_property", inputs.business_tax_deducted.foreign_property, false)?;
    check("foreign_dividends", inputs.foreign_dividends, false)?;
    for a in &inputs.savings_accounts {
        check("savings_accounts.gross_interest", a.gross_interest, false)?;
        check("savings_accounts.tax_deducted", a.tax_deducted, false)?;
    }
    if let Some(g) = &inputs.capital_gains {
        check("capital_gains.residential_gains", g.residential_gains, false)?;
        check("capital_gains.other_gains", g.other_gains, false)?;
        check("capital_gains.attributed_gains", g.attributed_gains, false)?;
        check("capital_gains.relief_gains", g.relief_gains, false)?;
        check("capital_gains.losses_of_year", g.losses_of_year, false)?;
        check("capital_gains.losses_brought_forward", g.losses_brought_forward, false)?;
        check("capital_gains.adjustments", g.adjustments, true)?;
        check("capital_gains.tax_already_paid", g.tax_already_paid, false)?;
        check("capital_gains.share_losses_against_income", g.share_losses_against_income, false)?;
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

/// An amount checked against the range HMRC accepts: no more than [`MAXIMUM_AMOUNT`] either
/// way, and not negative unless `may_be_negative`. Written into each of the many checks
/// (most amounts are nil or plainly in range); the error is made apart, only when one is
/// out of range.
#[inline(always)]
fn check_amount(field: &str, amount: Money, may_be_negative: bool) -> Result<(), EngineError> {
    if amount.is_zero() || (!beyond_maximum(amount) && (may_be_negative || !amount.is_negative())) {
        Ok(())
    } else {
        Err(amount_out_of_range(field, amount))
    }
}

/// The error for an amount `check_amount` finds out of range: beyond the maximum first.
#[cold]
#[inline(never)]
fn amount_out_of_range(field: &str, amount: Money) -> EngineError {
    let reason = if beyond_maximum(amount) { "must be no more than 99999999999.99" } else { "must not be negative" };
    EngineError::InvalidInput { field: field.into(), reason: reason.into() }
}

/// Whether an amount is beyond [`MAXIMUM_AMOUNT`] either way: at a scale of at most two
/// places its mantissa against the maximum at that scale, rounded down (a whole number
/// of units above that is above the maximum); at a finer scale by value.
#[inline]
fn beyond_maximum(amount: Money) -> bool {
    const MAXIMUM_AT_SCALE: [u128; 3] = [99_999_999_999, 999_999_999_999, 9_999_999_999_999];
    let d = amount.amount();
    match MAXIMUM_AT_SCALE.get(d.scale() as usize) {
        Some(&most) => d.mantissa().unsigned_abs() > most,
        None => Money::new(d.abs()) > MAXIMUM_AMOUNT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_beyond_the_maximum_are_those_above_it_by_value() {
        for m in [0_i128, 1, 9_999_999_999, 99_999_999_999, 100_000_000_000, 999_999_999_999, 9_999_999_999_999] {
            for m in [m - 1, m, m + 1, -m] {
                for s in 0..=6 {
                    let d = rust_decimal::Decimal::from_i128_with_scale(m, s);
                    assert_eq!(beyond_maximum(Money::new(d)), d.abs() > MAXIMUM_AMOUNT.amount(), "{d}");
                }
            }
        }
    }

    #[test]
    fn the_maximum_amount_is_hmrcs() {
        assert_eq!(MAXIMUM_AMOUNT.to_string(), "99999999999.99");
    }
}
