//! The responses of the Individual Calculations API v8.0 and v9.0 (the two versions
//! share these schemas): the retrieve response's `metadata`, `inputs`, `calculation` and
//! `messages` objects, and the list response.
//!
//! Each HMRC object is written by one small function, fields in HMRC's order, and only
//! in the schema variants (def1 … def4) that have the field. An object the engine has no
//! figures for is left out; nothing is filled in that the engine did not work out.

mod allowances;
mod benefits;
mod capital_gains;
mod employment;
mod estimate;
mod foreign;
mod income;
pub(crate) mod inputs;
pub(crate) mod list;
mod losses;
pub(crate) mod metadata;
mod tax_calculation;

use itsa_engine::{Calculation, Message, Messages};
use serde_json::Value;

use super::SchemaVariant;
use super::json::{Field, Node, Obj, object};
use crate::key;

/// The `calculation` object of the v8/v9 retrieve response, in the schema variant for
/// the calculation's tax year.
pub fn calculation_v8(calculation: &Calculation) -> Value {
    calculation_v8_node(calculation).into()
}

/// [`calculation_v8`] as a [`Node`], to write out without building a [`Value`].
pub fn calculation_v8_node(calculation: &Calculation) -> Node {
    Node::from_object(calculation_v8_field(calculation))
}

/// [`calculation_v8`] as a field of another object, written in place into its text.
pub fn calculation_v8_field(calculation: &Calculation) -> impl Field {
    calculation_object(calculation, SchemaVariant::for_tax_year(calculation.tax_year))
}

/// The `calculation` object in a given schema variant. Version 3.0's object is written
/// from the def1 shape, its ancestor (see `views::v3`).
pub(crate) fn calculation_in(calculation: &Calculation, variant: SchemaVariant) -> Node {
    Node::from_object(calculation_object(calculation, variant))
}

/// [`calculation_in`], written in place.
fn calculation_object(c: &Calculation, variant: SchemaVariant) -> impl Field {
    object(move |o| {
        o.set(key!("allowancesAndDeductions"), allowances::allowances_and_deductions(&c.allowances_and_deductions))
            .set(key!("reliefs"), allowances::reliefs(c, variant))
            .set(key!("taxDeductedAtSource"), allowances::tax_deducted_at_source(&c.tax_deducted_at_source))
            .opt(key!("giftAid"), c.gift_aid.as_ref().map(allowances::gift_aid))
            .opt(key!("royaltyPayments"), foreign::royalty_payments(&c.foreign))
            .opt(key!("notionalTax"), allowances::notional_tax(c))
            .opt(
                key!("marriageAllowanceTransferredIn"),
                c.marriage_allowance_transferred_in.as_ref().map(allowances::marriage_allowance_transferred_in),
            )
            .opt(
                key!("pensionContributionReliefs"),
                c.pension_contribution_reliefs.as_ref().map(allowances::pension_contribution_reliefs),
            )
            .opt(key!("pensionSavingsTaxCharges"), benefits::pension_savings_tax_charges(c, variant))
            .non_empty(key!("studentLoans"), allowances::student_loans(&c.student_loans, variant))
            .opt(
                key!("codedOutUnderpayments"),
                c.coded_out_underpayments.as_ref().map(allowances::coded_out_underpayments),
            )
            .non_empty(
                key!("businessProfitAndLoss"),
                income::business_profit_and_loss(&c.business_profit_and_loss, variant),
            )
            .opt(
                key!("employmentAndPensionsIncome"),
                c.employment_and_pensions_income.as_ref().map(income::employment_and_pensions_income),
            )
            .opt(key!("employmentExpenses"), c.employment.as_ref().and_then(employment::employment_expenses))
            .opt(key!("foreignTaxForFtcrNotClaimed"), foreign::foreign_tax_for_ftcr_not_claimed(&c.foreign))
            .opt(key!("stateBenefitsIncome"), c.state_benefits_income.as_ref().map(benefits::state_benefits_income))
            .opt(key!("shareSchemesIncome"), c.employment.as_ref().and_then(employment::share_schemes_income))
            .opt(key!("foreignIncome"), foreign::foreign_income(&c.foreign))
            .opt(key!("chargeableEventGainsIncome"), foreign::chargeable_event_gains_income(&c.chargeable_event_gains))
            .opt(
                key!("savingsAndGainsIncome"),
                c.savings_and_gains_income.as_ref().map(|s| income::savings_and_gains_income(s, &c.foreign)),
            )
            .opt(
                key!("otherIncome"),
                c.other_income.map(|t| income::other_income(t, &c.post_cessation_receipts, c.tax_year)),
            )
            .opt(key!("dividendsIncome"), c.dividends_income.as_ref().map(|d| income::dividends_income(d, &c.foreign)))
            .set(key!("incomeSummaryTotals"), income::income_summary_totals(&c.income_summary_totals))
            .set(
                key!("taxCalculation"),
                tax_calculation::tax_calculation(&c.tax_calculation, &c.student_loans, variant),
            )
            .opt(key!("endOfYearEstimate"), c.end_of_year_estimate.as_ref().map(estimate::end_of_year_estimate))
            .opt(key!("lossesAndClaims"), losses::losses_and_claims(c, variant))
            .opt(key!("transitionProfit"), losses::transition_profit(c, variant))
            .opt(key!("highIncomeChildBenefitCharge"), tax_calculation::high_income_child_benefit_charge(c, variant))
    })
}

/// The whole v8/v9 retrieve response: `metadata` ([`metadata::metadata_v8`]), `inputs`
/// ([`inputs::inputs_v8`]), `calculation` ([`calculation_v8`]) and `messages` when there
/// are any. `variant` must be the calculation's tax year's variant, the one the metadata
/// and inputs were written in.
pub fn retrieve_response_v8(
    metadata: Value,
    inputs: Value,
    calculation: &Calculation,
    variant: SchemaVariant,
) -> Value {
    debug_assert_eq!(variant, SchemaVariant::for_tax_year(calculation.tax_year), "variant of another tax year");
    Obj::new()
        .set(key!("metadata"), metadata)
        .set(key!("inputs"), inputs)
        .set(key!("calculation"), calculation_v8_field(calculation))
        .opt(key!("messages"), messages_node(&calculation.messages))
        .build()
        .into()
}

/// The `messages` object of the v8/v9 retrieve response: `info`, `warnings` and `errors`,
/// each `[{id, text}]`, empty lists left out; `None` when there are no messages at all.
/// The object is the same in every schema variant.
pub fn messages_v8(messages: &Messages) -> Option<Value> {
    messages_node(messages).map(Value::from)
}

/// [`messages_v8`] as a [`Node`].
fn messages_node(messages: &Messages) -> Option<Node> {
    let list = |items: &[Message]| -> Vec<Node> {
        items.iter().map(|m| Obj::new().set(key!("id"), m.id).set(key!("text"), m.text.clone()).build()).collect()
    };
    Obj::new()
        .non_empty(key!("info"), list(&messages.info))
        .non_empty(key!("warnings"), list(&messages.warnings))
        .non_empty(key!("errors"), list(&messages.errors))
        .some_if_not_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_engine::inputs::Employment;
    use itsa_engine::{Inputs, Money, Regime, TaxYear};

    fn calculation(inputs: &Inputs) -> Value {
        calculation_v8(&itsa_engine::calculate(inputs).unwrap())
    }

    #[test]
    fn dividend_band_figures_are_whole_pounds_and_exact_tax() {
        // 2023-24: £2,000 of dividends on top of £30,000 of pay; the £1,000 allowance, then
        // £1,000 at the 8.75% ordinary rate.
        let mut inputs = Inputs::new(TaxYear::starting(2023), Regime::RestOfUk);
        inputs.employments.push(Employment { name: "Acme".into(), pay: Money::pounds(30_000), ..Default::default() });
        inputs.dividends = Money::pounds(2_000);
        let calc = calculation(&inputs);
        let dividends = &calc["taxCalculation"]["incomeTax"]["dividends"];
        let bands = dividends["taxBands"].as_array().unwrap();
        let basic = bands.iter().find(|b| b["name"] == "basic-rate").unwrap();
        assert!(basic["income"].is_i64());
        assert_eq!(basic["income"], 1_000);
        assert_eq!(basic["rate"].to_string(), "8.75");
        assert_eq!(basic["taxAmount"].to_string(), "87.5");
        assert!(basic["bandLimit"].is_i64());
        let allowance = bands.iter().find(|b| b["name"] == "allowance-awarded-at-basic-rate").unwrap();
        assert_eq!(allowance["income"], 1_000);
        assert_eq!(allowance["taxAmount"], 0);
        assert_eq!(dividends["incomeTaxAmount"].to_string(), "87.5");
        assert!(calc["taxCalculation"]["incomeTax"]["totalTaxableIncome"].is_i64());
        // def1 has no High Income Child Benefit Charge object, and no advanced rate.
        assert!(calc.get("highIncomeChildBenefitCharge").is_none());
    }

    #[test]
    fn the_variant_decides_which_fields_appear() {
        let mut inputs = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
        inputs.employments.push(Employment { name: "Acme".into(), pay: Money::pounds(70_000), ..Default::default() });
        inputs.child_benefit = Money::pounds(2_000);
        let calc = calculation(&inputs);
        // 2025-26 (def3): £10,000 over the £60,000 threshold in £200 steps is 50%.
        assert_eq!(calc["taxCalculation"]["incomeTax"]["highIncomeBenefitCharge"], 1_000);
        let hicbc = &calc["highIncomeChildBenefitCharge"];
        assert_eq!(hicbc["incomeThreshold"], 60_000);
        assert_eq!(hicbc["childBenefitChargeTaper"], 200);
        assert_eq!(hicbc["rate"], 1);
        assert_eq!(hicbc["highIncomeBenefitCharge"], 1_000);

        inputs.tax_year = TaxYear::starting(2024);
        let calc = calculation(&inputs);
        assert!(calc["taxCalculation"]["incomeTax"].get("highIncomeBenefitCharge").is_none());
        assert!(calc.get("highIncomeChildBenefitCharge").is_none());
    }

    #[test]
    fn a_paye_refund_beyond_the_tax_deducted_shows_in_the_total_only() {
        // 2025-26: pay 5,000, within the personal allowance, no tax charged; the employer
        // repaid 250.40 more than it deducted. Tax deducted -250.40, so 250.40 is due.
        let mut inputs = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
        inputs.employments.push(Employment {
            name: "Acme".into(),
            pay: Money::pounds(5_000),
            tax_deducted: Money::new("-250.40".parse().unwrap()),
            ..Default::default()
        });
        let calc = calculation(&inputs);
        let tc = &calc["taxCalculation"];
        assert_eq!(tc["totalTaxDeducted"].to_string(), "-250.4");
        assert_eq!(tc["totalIncomeTaxAndNicsDue"].to_string(), "250.4");
        // HMRC's schema keeps these at nil or more: left out rather than shown wrong.
        assert!(tc.get("totalTaxDeductedBeforeCodingOut").is_none());
        assert!(calc.get("taxDeductedAtSource").is_none());
        let detail = &calc["employmentAndPensionsIncome"]["employmentAndPensionsIncomeDetail"][0];
        assert_eq!(detail["totalTaxToDate"].to_string(), "-250.4");

        // With another employment's tax the PAYE total is positive again and shown.
        inputs.employments.push(Employment {
            name: "Beta".into(),
            pay: Money::pounds(20_000),
            tax_deducted: Money::pounds(2_486),
            ..Default::default()
        });
        let calc = calculation(&inputs);
        assert_eq!(calc["taxDeductedAtSource"]["payeEmployments"].to_string(), "2235.6");
        assert_eq!(calc["taxCalculation"]["totalTaxDeductedBeforeCodingOut"].to_string(), "2235.6");
    }

    #[test]
    fn messages_leave_out_empty_lists() {
        assert_eq!(messages_v8(&Messages::default()), None);
        let messages =
            Messages { info: vec![Message { id: "C22201", text: "Band extended.".into() }], ..Default::default() };
        assert_eq!(
            messages_v8(&messages),
            Some(serde_json::json!({ "info": [{ "id": "C22201", "text": "Band extended." }] }))
        );
    }
}
