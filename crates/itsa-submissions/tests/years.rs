//! Submission cases read and turned into inputs: how submissions add up, and what is
//! refused, with which code and field.

use itsa_engine::{Inputs, Money};
use itsa_submissions::{NOT_CALCULATED, SubmissionError, TaxpayerYear, to_inputs};
use serde_json::{Value, json};

fn case(tax_year: &str, businesses: Value, submissions: Value) -> Value {
    json!({
        "id": "t",
        "tax_year": tax_year,
        "hmrc_held": {"regime": "rUK", "employments": [{"employerName": "Acme", "pay": 20000, "taxDeducted": 1486}]},
        "businesses": businesses,
        "submissions": submissions,
    })
}

fn read(case: &Value) -> Result<Inputs, SubmissionError> {
    let (_, year) = TaxpayerYear::parse_case(&case.to_string())?;
    to_inputs(&year)
}

fn refused(case: &Value) -> SubmissionError {
    read(case).expect_err("refused")
}

fn pounds(text: &str) -> Money {
    Money::new(text.parse().unwrap())
}

fn trade() -> Value {
    json!([{"alias": "shop", "typeOfBusiness": "self-employment", "tradingName": "Shop"}])
}

fn cumulative(to: &str, turnover: u32, expenses: u32) -> Value {
    json!({"endpoint": "se-cumulative", "ids": {"businessId": "shop"}, "body": {
        "periodDates": {"periodStartDate": "2025-04-06", "periodEndDate": to},
        "periodIncome": {"turnover": turnover},
        "periodExpenses": {"consolidatedExpenses": expenses}}})
}

#[test]
fn a_cumulative_summary_replaces_the_last_and_period_summaries_add_up() {
    let inputs = read(&case(
        "2025-26",
        trade(),
        json!([cumulative("2025-07-05", 5000, 1000), cumulative("2026-04-05", 30000, 6000)]),
    ))
    .unwrap();
    assert_eq!(inputs.self_employments[0].adjusted_profit, pounds("24000"));
    assert_eq!(inputs.self_employments[0].business_id, "XAIS00000000001");

    let period = |from: &str, to: &str, turnover: u32| {
        json!({"endpoint": "se-period", "ids": {"businessId": "shop"}, "body": {
            "periodDates": {"periodStartDate": from, "periodEndDate": to},
            "periodIncome": {"turnover": turnover},
            "periodExpenses": {"adminCosts": 100.5, "businessEntertainmentCosts": 50},
            "periodDisallowableExpenses": {"businessEntertainmentCostsDisallowable": 50}}})
    };
    let inputs = read(&case(
        "2024-25",
        trade(),
        json!([period("2024-04-06", "2024-10-05", 6000), period("2024-10-06", "2025-04-05", 4000),
            {"endpoint": "se-annual", "ids": {"businessId": "shop"},
             "body": {"allowances": {"annualInvestmentAllowance": 800}, "adjustments": {"goodsAndServicesOwnUse": 99}}}]),
    ))
    .unwrap();
    // 10,000 - 2 x 150.50 + 2 x 50 disallowed + 99 own use - 800 allowance.
    assert_eq!(inputs.self_employments[0].adjusted_profit, pounds("9098"));
}

#[test]
fn the_trading_income_allowance_replaces_expenses_and_makes_no_loss() {
    let allowance = |turnover: u32, expenses: u32| {
        read(&case(
            "2025-26",
            trade(),
            json!([cumulative("2026-04-05", turnover, expenses),
                {"endpoint": "se-annual", "ids": {"businessId": "shop"}, "body": {"allowances": {"tradingIncomeAllowance": 1000}}}]),
        ))
        .unwrap()
        .self_employments[0]
            .adjusted_profit
    };
    assert_eq!(allowance(3400, 500), pounds("2400"));
    assert_eq!(allowance(600, 0), Money::ZERO);
}

#[test]
fn taxed_interest_is_grossed_up_and_its_tax_deducted() {
    let inputs = read(&case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "savings-account-create", "creates": "bond", "body": {"accountName": "Bond"}},
               {"endpoint": "savings-account-annual", "ids": {"savingsId": "bond"}, "body": {"taxedUkInterest": 800, "untaxedUkInterest": 10}}]),
    ))
    .unwrap();
    let account = &inputs.savings_accounts[0];
    assert_eq!(
        (account.name.as_str(), account.gross_interest, account.tax_deducted),
        ("Bond", pounds("1010"), pounds("200"))
    );
}

#[test]
fn hmrcs_refusals_carry_hmrcs_codes_and_name_the_field() {
    for (case, code, field) in [
        (
            case("2024-25", trade(), json!([cumulative("2025-04-05", 1, 0)])),
            "RULE_TAX_YEAR_NOT_SUPPORTED",
            "submissions/0 (se-cumulative)",
        ),
        (
            case(
                "2025-26",
                json!([{"alias": "flat", "typeOfBusiness": "uk-property"}]),
                json!([{"endpoint": "se-annual", "ids": {"businessId": "flat"}, "body": {"allowances": {"annualInvestmentAllowance": 1}}}]),
            ),
            "RULE_TYPE_OF_BUSINESS_INCORRECT",
            "ids/businessId",
        ),
        (
            case(
                "2025-26",
                trade(),
                json!([{"endpoint": "se-cumulative", "ids": {"businessId": "shop"}, "body": {
                "periodIncome": {"turnover": 1}, "periodExpenses": {"consolidatedExpenses": 1, "adminCosts": 1}}}]),
            ),
            "RULE_BOTH_EXPENSES_SUPPLIED",
            "body/periodExpenses",
        ),
        (
            case(
                "2025-26",
                trade(),
                json!([{"endpoint": "se-cumulative", "ids": {"businessId": "shop"}, "body": {
                "periodIncome": {"turnover": 1, "turnuver": 2}}}]),
            ),
            "FORMAT_VALUE",
            "body/periodIncome",
        ),
        (
            case(
                "2025-26",
                trade(),
                json!([{"endpoint": "se-cumulative", "ids": {"businessId": "shop"}, "body": {
                "periodIncome": {"turnover": 0.001}}}]),
            ),
            "FORMAT_VALUE",
            "periodIncome/turnover",
        ),
        (
            case("2025-26", json!([{"alias": "shop", "typeOfBusiness": "self-employment"}]), json!([])),
            "RULE_MISSING_TRADING_NAME",
            "businesses/0/tradingName",
        ),
        (
            case(
                "2025-26",
                json!([]),
                json!([{"endpoint": "dividends-other", "body": {"foreignDividend": [{"countryCode": "USA", "taxableAmount": 1, "taxTakenOff": "{nobody}"}]}}]),
            ),
            "INVALID_CASE",
            "placeholder {nobody}",
        ),
    ] {
        let e = refused(&case);
        assert_eq!(e.code, code, "{e}");
        assert!(e.message.contains(field), "{field}: {e}");
    }
}

#[test]
fn an_in_year_case_cannot_use_what_needs_the_year_ended() {
    let mut in_year = case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "employment-create", "creates": "job", "body": {"employerName": "Acme", "startDate": "2020-01-01", "occupationalPension": false}}]),
    );
    in_year["calculation_type"] = json!("in-year");
    assert_eq!(refused(&in_year).code, "RULE_TAX_YEAR_NOT_ENDED");
    // Jobseeker's Allowance is the exception: HMRC takes it in year.
    in_year["submissions"] = json!([
        {"endpoint": "state-benefit-create", "creates": "jsa", "body": {"benefitType": "jobSeekersAllowance", "startDate": "2025-05-01"}},
        {"endpoint": "state-benefit-amounts", "ids": {"benefitId": "jsa"}, "body": {"amount": 1200}}]);
    let inputs = read(&in_year).unwrap();
    assert_eq!(inputs.state_benefits[0].amount, pounds("1200"));
    assert_eq!(inputs.income_to_date, Some(itsa_engine::TaxYear::parse("2025-26").unwrap().last_day()));
    in_year["submissions"][0]["body"]["benefitType"] = json!("incapacityBenefit");
    assert_eq!(refused(&in_year).code, "RULE_TAX_YEAR_NOT_ENDED");
}

#[test]
fn what_itsa_does_not_calculate_yet_is_refused_not_left_out() {
    for submissions in [
        json!([{"endpoint": "insurance-policies", "body": {"lifeInsurance": [
            {"customerReference": "P1", "gainAmount": 5000, "taxPaid": true},
            {"customerReference": "P2", "gainAmount": 700, "taxPaid": false}]}}]),
        json!([{"endpoint": "savings-other", "body": {"securities": {"grossAmount": 100}}}]),
        json!([{"endpoint": "dividends-other", "body": {"foreignDividend": [{"countryCode": "USA", "taxableAmount": 100, "taxTakenOff": 15, "foreignTaxCreditRelief": true}]}}]),
        json!([{"endpoint": "reliefs-pensions", "body": {"pensionReliefs": {"retirementAnnuityPayments": 100}}}]),
    ] {
        let e = refused(&case("2025-26", json!([]), submissions.clone()));
        assert_eq!(e.code, NOT_CALCULATED, "{submissions}: {e}");
        assert!(e.message.contains("submissions/0"), "{e}");
    }
    let transition = case(
        "2025-26",
        trade(),
        json!([cumulative("2026-04-05", 30000, 6000),
            {"endpoint": "se-annual", "ids": {"businessId": "shop"}, "body": {"adjustments": {"transitionProfitAmount": 4000}}}]),
    );
    // Transition profits are calculated now: taken apart from the year's profit.
    let taken = read(&transition).unwrap();
    assert_eq!(taken.self_employments[0].adjusted_profit, pounds("24000"));
    assert_eq!(taken.self_employments[0].extras.transition_profit, pounds("4000"));
    // The same endpoints with figures itsa does calculate are taken.
    let inputs = read(&case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "dividends-other", "body": {"foreignDividend": [{"countryCode": "USA", "taxableAmount": 100}]}},
               {"endpoint": "reliefs-pensions", "body": {"pensionReliefs": {"regularPensionContributions": 1000, "oneOffPensionContributionsPaid": 400}}}]),
    ))
    .unwrap();
    assert_eq!(inputs.foreign_dividends, pounds("100"));
    assert_eq!(inputs.pension_contributions_relief_at_source, pounds("1000"));
}

#[test]
fn a_year_written_out_reads_back_the_same() {
    let original = case(
        "2025-26",
        trade(),
        json!([cumulative("2026-04-05", 30000, 6000),
            {"endpoint": "savings-account-create", "creates": "acct", "body": {"accountName": "Saver"}},
            {"endpoint": "savings-account-annual", "ids": {"savingsId": "acct"}, "body": {"untaxedUkInterest": 12.34}}]),
    );
    let (id, year) = TaxpayerYear::parse_case(&original.to_string()).unwrap();
    let written = year.to_case_json(&id);
    let (_, reread) = TaxpayerYear::parse_case(&written.to_string()).unwrap();
    assert_eq!(reread, year);
    assert_eq!(written["submissions"][2]["body"]["untaxedUkInterest"], json!(12.34));
}
