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
            {"customerReference": "P1", "gainAmount": 5000, "taxPaid": true, "deficiencyRelief": 100}]}}]),
        json!([{"endpoint": "other-income", "body": {"businessReceipts": [{"grossAmount": 100, "taxYear": "2023-24"}]}}]),
        json!([{"endpoint": "reliefs-other", "body": {"qualifyingDistributionRedemptionOfSharesAndSecurities": {"amount": 100}}}]),
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
    assert_eq!(inputs.foreign.sources[0].taxable_amount, pounds("100"));
    assert_eq!(inputs.pension_contributions_relief_at_source, pounds("1000"));
}

#[test]
fn special_withholding_tax_is_taken_on_each_foreign_source() {
    let inputs = read(&case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "dividends-other", "body": {"foreignDividend": [
                    {"countryCode": "LUX", "taxableAmount": 100, "specialWithholdingTax": 15}]}},
               {"endpoint": "savings-other", "body": {"foreignInterest": [
                    {"countryCode": "AUT", "taxableAmount": 400, "specialWithholdingTax": 140.25}]}}]),
    ))
    .unwrap();
    let swt: Vec<_> =
        inputs.foreign.sources.iter().map(|s| (s.country_code.as_str(), s.special_withholding_tax)).collect();
    assert!(swt.contains(&("LUX", pounds("15"))), "{swt:?}");
    assert!(swt.contains(&("AUT", pounds("140.25"))), "{swt:?}");
}

#[test]
fn reliefs_are_read_into_the_claims() {
    let mut year = case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "reliefs-pensions", "body": {"pensionReliefs": {"retirementAnnuityPayments": 100,
                  "paymentToEmployersSchemeNoTaxRelief": 20, "overseasPensionSchemeContributions": 3}}},
               {"endpoint": "reliefs-charitable-giving", "body": {"giftAidPayments": {"totalAmount": 1000,
                  "amountTreatedAsPreviousTaxYear": 300, "amountTreatedAsSpecifiedTaxYear": 50},
                  "gifts": {"landAndBuildings": 700}}},
               {"endpoint": "reliefs-investment", "body": {"communityInvestment": [{"uniqueInvestmentRef": "C1",
                  "name": "CDFI", "reliefClaimed": 4000}]}},
               {"endpoint": "reliefs-other", "body": {"maintenancePayments": [{"exSpouseDateOfBirth": "1935-04-05",
                  "amount": 2000}], "annualPaymentsMade": {"reliefClaimed": 90},
                  "qualifyingLoanInterestPayments": [{"reliefClaimed": 10}, {"reliefClaimed": 5}]}}]),
    );
    let inputs = read(&year).unwrap();
    let c = &inputs.relief_claims;
    assert_eq!(
        (c.retirement_annuity_payments, c.employer_scheme_no_tax_relief, c.overseas_scheme_contributions),
        (pounds("100"), pounds("20"), pounds("3"))
    );
    // Paid 1,000, 300 of it carried back, 50 paid later brought back (ITA 2007 s426).
    assert_eq!(inputs.gift_aid_paid, pounds("750"));
    assert_eq!(c.gifts_of_investments, pounds("700"));
    assert_eq!(c.community_investment, pounds("4000"));
    assert_eq!((c.annual_payments, c.qualifying_loan_interest), (pounds("90"), pounds("15")));
    // The former spouse was born on 5 April 1935, before 6 April 1935.
    assert!(c.maintenance_party_born_before_1935);
    year["submissions"][3]["body"]["maintenancePayments"][0]["exSpouseDateOfBirth"] = json!("1935-04-06");
    assert!(!read(&year).unwrap().relief_claims.maintenance_party_born_before_1935);
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

#[test]
fn employment_figures_beyond_pay_are_read_and_lump_sums_go_with_their_employer() {
    let lump_sums = |employer_ref: &str| {
        json!({"endpoint": "employment-other", "body": {
            "foreignService": {"amountDeducted": 250},
            "lumpSums": [{"employerName": "Acme", "employerRef": employer_ref,
                "redundancyCompensationPaymentsOverExemption": {"amount": 5000, "taxPaid": 1000}}]}})
    };
    let mut c = case(
        "2025-26",
        json!([]),
        json!([
            {"endpoint": "non-paye-income", "body": {"tips": 120.5}},
            {"endpoint": "non-paye-income", "body": {"tips": 300}},
            lump_sums("123/AB1"),
            {"endpoint": "employment-expenses", "body": {"expenses": {"jobExpenses": 80}}},
            {"endpoint": "other-expenses", "body": {"paymentsToTradeUnionsForDeathBenefits": {"expenseAmount": 41}}},
        ]),
    );
    c["hmrc_held"]["employments"][0]["employerRef"] = json!("123/AB1");
    let inputs = read(&c).unwrap();
    let x = &inputs.employment_extras;
    // A PUT replaces what was there.
    assert_eq!(x.tips, pounds("300"));
    assert_eq!(x.foreign_service_deduction, pounds("250"));
    assert_eq!(x.expenses.unwrap().job_expenses, Some(pounds("80")));
    // Half the payment for death benefits (ITEPA 2003 s457).
    assert_eq!(x.trade_union_death_benefits, pounds("20.5"));
    assert!(x.lump_sums.is_empty());
    let record = &inputs.employments[0].record;
    assert_eq!(record.lump_sums.as_ref().unwrap().over_threshold(), pounds("5000"));
    assert_eq!(record.employer_ref.as_deref(), Some("123/AB1"));

    // An employer with no employment in the year: the lump sums stand on their own.
    c["submissions"][2] = lump_sums("999/ZZ9");
    let inputs = read(&c).unwrap();
    assert_eq!(inputs.employment_extras.lump_sums.len(), 1);
    assert!(inputs.employments[0].record.lump_sums.is_none());

    // With student loan plans, where these count is unsettled: refused.
    c["hmrc_held"]["student_loan_plans"] = json!(["plan2"]);
    let e = refused(&c);
    assert_eq!(e.code, NOT_CALCULATED);
    assert!(e.message.contains("student_loan_plans"), "{}", e.message);
}

#[test]
fn dividends_savings_gains_and_foreign_income_of_every_type_are_read() {
    let inputs = read(&case(
        "2025-26",
        json!([]),
        json!([
            {"endpoint": "dividends-uk", "body": {"ukDividends": 100, "otherUkDividends": 20}},
            {"endpoint": "dividends-other", "body": {"stockDividend": {"grossAmount": 30},
                "foreignDividend": [{"countryCode": "USA", "taxableAmount": 100, "taxTakenOff": 15, "foreignTaxCreditRelief": true}]}},
            {"endpoint": "savings-other", "body": {"securities": {"grossAmount": 100, "taxTakenOff": 20},
                "foreignInterest": [{"countryCode": "DEU", "taxableAmount": 50}]}},
            {"endpoint": "insurance-policies", "body": {
                "lifeInsurance": [{"gainAmount": 5000, "taxPaid": true, "yearsHeld": 9, "yearsHeldSinceLastGain": 3},
                                  {"gainAmount": 700, "taxPaid": false}],
                "voidedIsa": [{"gainAmount": 300, "taxPaidAmount": 60}],
                "foreign": [{"gainAmount": 900, "yearsHeld": 4}]}},
            {"endpoint": "other-expenses", "body": {"patentRoyaltiesPayments": {"expenseAmount": 250}}}]),
    ))
    .unwrap();
    assert_eq!((inputs.dividends, inputs.foreign.other_uk_dividends), (pounds("100"), pounds("20")));
    assert_eq!(inputs.foreign.other_dividends[0].gross_amount, pounds("30"));
    assert!(inputs.foreign.sources[0].claims_credit);
    assert_eq!(inputs.foreign.uk_securities.unwrap().tax_deducted, pounds("20"));
    assert_eq!(inputs.foreign.sources.len(), 2);
    assert_eq!(inputs.life_policy_gains.len(), 4);
    // Top slicing divides by the years since the last gain when there was one.
    assert_eq!(inputs.life_policy_gains[0].years, 3);
    assert_eq!(inputs.life_policy_gains[2].tax_paid, pounds("60"));
    assert_eq!(inputs.life_policy_gains[3].years, 4);
    assert_eq!(inputs.foreign.patent_royalties_paid, pounds("250"));
}

#[test]
fn tax_taken_off_the_state_pension_is_read_as_tax_deducted() {
    let mut year = case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "state-benefit-create", "creates": "sp", "body": {"benefitType": "statePension", "startDate": "2019-05-01"}},
               {"endpoint": "state-benefit-amounts", "ids": {"benefitId": "sp"}, "body": {"amount": 9000, "taxPaid": 120.5}}]),
    );
    year["hmrc_held"]["state_benefits"] = json!([{"benefitType": "statePension", "amount": 3000, "taxPaid": 30}]);
    let inputs = read(&year).unwrap();
    assert_eq!(inputs.state_pension, pounds("12000"));
    let taxes: Vec<Money> = inputs.state_pension_sources.iter().map(|b| b.tax_deducted).collect();
    assert_eq!(taxes, [pounds("30"), pounds("120.5")]);
    assert!(inputs.state_benefits.is_empty());
}

#[test]
fn a_negative_paye_figure_is_read_as_tax_repaid() {
    let mut year = case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "employment-create", "creates": "job", "body": {"employerName": "Beta", "startDate": "2020-01-01", "occupationalPension": false}},
               {"endpoint": "employment-financial-details", "ids": {"employmentId": "job"}, "body": {"employment": {"pay": {"taxablePayToDate": 1500, "totalTaxToDate": -120.45}, "offPayrollWorker": false}}}]),
    );
    year["hmrc_held"]["employments"][0]["taxDeducted"] = json!(-30);
    year["hmrc_held"]["employments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"employerName": "Pension", "occupationalPension": true, "pay": 4000, "taxDeducted": -12}));
    let inputs = read(&year).unwrap();
    let employments: Vec<Money> = inputs.employments.iter().map(|e| e.tax_deducted).collect();
    assert_eq!(employments, [pounds("-30"), pounds("-120.45")]);
    assert_eq!(inputs.pensions[0].tax_deducted, pounds("-12"));
}

/// Tax repaid on a taxable benefit, as HMRC's State Benefits API allows (a negative
/// `taxPaid`), HMRC-held or submitted: it lowers the tax deducted at source by as much.
#[test]
fn a_negative_benefit_tax_figure_is_read_as_tax_repaid() {
    let year = |held: f64, submitted: f64| {
        let mut year = case(
            "2025-26",
            json!([]),
            json!([{"endpoint": "state-benefit-create", "creates": "esa", "body": {"benefitType": "employmentSupportAllowance", "startDate": "2024-05-01"}},
                   {"endpoint": "state-benefit-amounts", "ids": {"benefitId": "esa"}, "body": {"amount": 4000, "taxPaid": submitted}}]),
        );
        year["hmrc_held"]["state_benefits"] =
            json!([{"benefitType": "jobSeekersAllowance", "amount": 2500, "taxPaid": held}]);
        year
    };
    let repaid = read(&year(-40.0, -25.5)).unwrap();
    let taxes: Vec<Money> = repaid.state_benefits.iter().map(|b| b.tax_deducted).collect();
    assert_eq!(taxes, [pounds("-40"), pounds("-25.5")]);
    let deducted = |inputs: &Inputs| itsa_engine::calculate(inputs).unwrap().tax_calculation.total_tax_deducted;
    let none = read(&year(0.0, 0.0)).unwrap();
    assert_eq!(deducted(&none) - deducted(&repaid), pounds("65.5"));
}

#[test]
fn payroll_giving_is_read_and_refused_only_beside_student_loans() {
    let mut year = case(
        "2025-26",
        json!([]),
        json!([{"endpoint": "reliefs-other", "body": {"payrollGiving": {"customerReference": "GIVE", "reliefClaimed": 240.5}}}]),
    );
    assert_eq!(read(&year).unwrap().employment_extras.payroll_giving, pounds("240.5"));
    // A later Other Reliefs submission without it replaces the year's.
    year["submissions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"endpoint": "reliefs-other", "body": {"annualPaymentsMade": {"reliefClaimed": 90}}}));
    assert_eq!(read(&year).unwrap().employment_extras.payroll_giving, Money::ZERO);
    year["submissions"].as_array_mut().unwrap().pop();
    year["hmrc_held"]["student_loan_plans"] = json!(["plan2"]);
    let e = refused(&year);
    assert_eq!(e.code, NOT_CALCULATED);
    assert!(e.message.contains("payroll giving"), "{e}");
}

fn foreign_property() -> Value {
    json!([{"alias": "abroad", "typeOfBusiness": "foreign-property"}])
}

#[test]
fn foreign_property_figures_are_read_country_by_country() {
    let period = |from: &str, to: &str, france_rent: u32| {
        json!({"endpoint": "foreign-property-period", "ids": {"businessId": "abroad"}, "body": {
            "fromDate": from, "toDate": to,
            "foreignNonFhlProperty": [
                {"countryCode": "FRA",
                 "income": {"rentIncome": {"rentAmount": france_rent}, "foreignTaxCreditRelief": true,
                            "foreignTaxPaidOrDeducted": 450, "specialWithholdingTaxOrUkTaxPaid": 20.5},
                 "expenses": {"premisesRunningCosts": 500, "residentialFinancialCost": 1000,
                              "broughtFwdResidentialFinancialCost": 150}},
                {"countryCode": "ESP",
                 "income": {"rentIncome": {"rentAmount": 2000}, "foreignTaxCreditRelief": false,
                            "foreignTaxPaidOrDeducted": 100},
                 "expenses": {"other": 300}}]}})
    };
    let inputs = read(&case(
        "2024-25",
        foreign_property(),
        json!([period("2024-04-06", "2024-10-05", 4000), period("2024-10-06", "2025-04-05", 5000),
            {"endpoint": "foreign-property-annual", "ids": {"businessId": "abroad"}, "body": {"foreignProperty": [
                {"countryCode": "FRA", "adjustments": {"privateUseAdjustment": 200}},
                {"countryCode": "ESP", "allowances": {"annualInvestmentAllowance": 100}}]}}]),
    ))
    .unwrap();
    let p = inputs.foreign_property.as_ref().unwrap();
    // France 9,000 - 1,000 + 200 = 8,200; Spain 4,000 - 600 - 100 = 3,300; the business
    // 11,500, before the Spanish tax (no claim) is deducted by the engine.
    assert_eq!(p.profit, pounds("11500"));
    let countries: Vec<(&str, Money, Money, Money, Money, bool)> = p
        .countries
        .iter()
        .map(|c| {
            let f = (c.residential_finance_costs, c.finance_costs_brought_forward);
            (c.country_code.as_str(), c.profit, f.0, f.1, c.foreign_tax, c.claims_credit)
        })
        .collect();
    assert_eq!(
        countries,
        vec![
            ("FRA", pounds("8200"), pounds("2000"), pounds("300"), pounds("900"), true),
            ("ESP", pounds("3300"), pounds("0"), pounds("0"), pounds("200"), false),
        ]
    );
    assert_eq!(p.foreign_tax_deducted(), pounds("200"));
    assert_eq!(inputs.business_tax_deducted.foreign_property, pounds("41"));
}

#[test]
fn foreign_properties_of_2026_27_are_read_into_their_countries() {
    let details = |alias: &str, name: &str, country: &str| {
        json!({"endpoint": "foreign-property-details", "ids": {"businessId": "abroad"}, "creates": alias,
               "body": {"propertyName": name, "countryCode": country}})
    };
    let cumulative = |properties: Value| {
        json!({"endpoint": "foreign-property-cumulative", "ids": {"businessId": "abroad"}, "body": {
            "fromDate": "2026-04-06", "toDate": "2027-04-05", "foreignProperty": properties}})
    };
    let inputs = read(&case(
        "2026-27",
        foreign_property(),
        json!([details("lyon", "Lyon flat", "FRA"), details("nice", "Nice flat", "FRA"), details("porto", "Porto flat", "PRT"),
            cumulative(json!([
                {"propertyId": "{lyon}", "income": {"rentIncome": {"rentAmount": 6000}, "foreignTaxCreditRelief": true,
                    "foreignTaxPaidOrDeducted": 600}, "expenses": {"consolidatedExpenses": 1000, "residentialFinancialCost": 800}},
                {"propertyId": "{porto}", "income": {"rentIncome": {"rentAmount": 3000}}, "expenses": {"consolidatedExpenses": 500}},
                {"propertyId": "{nice}", "income": {"rentIncome": {"rentAmount": 4000}, "foreignTaxPaidOrDeducted": 400},
                    "expenses": {"consolidatedExpenses": 500, "residentialFinancialCost": 200}}]))]),
    ))
    .unwrap();
    let p = inputs.foreign_property.as_ref().unwrap();
    assert_eq!(p.profit, pounds("11000"));
    let countries: Vec<(&str, Money, Money, Money, bool)> = p
        .countries
        .iter()
        .map(|c| (c.country_code.as_str(), c.profit, c.residential_finance_costs, c.foreign_tax, c.claims_credit))
        .collect();
    // Lyon and Nice are both in France: 5,000 + 3,500, with the claim Lyon's figures make.
    assert_eq!(
        countries,
        vec![
            ("FRA", pounds("8500"), pounds("1000"), pounds("1000"), true),
            ("PRT", pounds("2500"), pounds("0"), pounds("0"), false),
        ]
    );

    // A property no details submission of the case made has no known country.
    let unknown = case(
        "2026-27",
        foreign_property(),
        json!([cumulative(json!([{"propertyId": "8e8b8450-dc1b-4360-8109-7067337b42cb",
            "income": {"rentIncome": {"rentAmount": 6000}}}]))]),
    );
    let e = refused(&unknown);
    assert_eq!(e.code, NOT_CALCULATED, "{e}");
    assert!(e.message.contains("8e8b8450-dc1b-4360-8109-7067337b42cb"), "{e}");
}

/// One property income allowance for the UK and foreign property businesses together
/// (ITTOIA 2005 s783BC; PIM4438): £1,000 claimed by each is £1,000 in all, met
/// from the UK business first.
#[test]
fn the_property_income_allowance_is_one_for_both_property_businesses() {
    let year = |uk_claim: u32, foreign_claim: u32| {
        case(
            "2025-26",
            json!([{"alias": "ukp", "typeOfBusiness": "uk-property"}, {"alias": "abroad", "typeOfBusiness": "foreign-property"}]),
            json!([{"endpoint": "uk-property-cumulative", "ids": {"businessId": "ukp"}, "body": {"fromDate": "2025-04-06", "toDate": "2026-04-05",
                        "ukProperty": {"income": {"periodAmount": 3000}}}},
                   {"endpoint": "uk-property-annual", "ids": {"businessId": "ukp"}, "body": {"ukProperty": {"allowances": {"propertyIncomeAllowance": uk_claim}}}},
                   {"endpoint": "foreign-property-cumulative", "ids": {"businessId": "abroad"}, "body": {"fromDate": "2025-04-06", "toDate": "2026-04-05",
                        "foreignProperty": [{"countryCode": "FRA", "income": {"rentIncome": {"rentAmount": 2000}}}]}},
                   {"endpoint": "foreign-property-annual", "ids": {"businessId": "abroad"}, "body": {"foreignProperty": [
                        {"countryCode": "FRA", "allowances": {"propertyIncomeAllowance": foreign_claim}}]}}]),
        )
    };
    let profits = |uk_claim, foreign_claim| {
        let inputs = read(&year(uk_claim, foreign_claim)).unwrap();
        (inputs.uk_property.unwrap().profit, inputs.foreign_property.unwrap().profit)
    };
    // 1,000 each: the UK business takes it all; 3,000 - 1,000 and 2,000 - 0.
    assert_eq!(profits(1000, 1000), (pounds("2000"), pounds("2000")));
    // 400 in the UK leaves 600 for abroad: 2,600 and 1,400.
    assert_eq!(profits(400, 1000), (pounds("2600"), pounds("1400")));
    // Split as claimed when the two are within the allowance: 2,700 and 1,300.
    assert_eq!(profits(300, 700), (pounds("2700"), pounds("1300")));
}
