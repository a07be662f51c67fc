//! Properties of every year a taxpayer can submit: thousands of generated submission
//! cases, every tax year and regime, each read as HMRC would read it and calculated.

use itsa_engine::inputs::AllowanceOrder;
use itsa_engine::{Calculation, Inputs, Money, Rate, calculate};
use itsa_submissions::{TaxpayerYear, to_inputs};
use proptest::prelude::*;
use serde_json::{Value, json};

/// What a generated year holds; `case` turns it into a submission case.
#[derive(Debug, Clone)]
struct Year {
    start: u16,
    regime: &'static str,
    born: i32,
    pay: u32,
    benefits_in_kind: u32,
    pension: u32,
    state_pension: u32,
    jobseekers: u32,
    /// Each trade: turnover, expenses, capital allowance, trading allowance claimed,
    /// quarterly (four period summaries before 2025-26), loss set sideways.
    trades: Vec<(u32, u32, u32, bool, bool, bool)>,
    /// Rent, expenses, finance costs (from 2022-23).
    property: Option<(u32, u32, u32)>,
    untaxed_interest: u32,
    taxed_interest: u32,
    uk_dividends: u32,
    foreign_dividends: u32,
    gift_aid: u32,
    pension_contributions: u32,
    eis: u32,
    vct: u32,
    annual_allowance_excess: u32,
    child_benefit: u32,
    marriage: &'static str,
    /// A UK life policy gain: amount, complete years, basic-rate tax treated as paid.
    policy_gain: Option<(u32, u32, bool)>,
    /// Payroll giving (from 2022-23, the first year HMRC takes other reliefs on).
    payroll_giving: u32,
    /// Tax taken off the State Pension.
    state_pension_tax: u32,
    /// The employer repaid more PAYE than it took off: a negative figure.
    paye_repaid: bool,
    /// Special withholding tax levied on the foreign dividends.
    special_withholding_tax: u32,
}

fn money() -> impl Strategy<Value = u32> {
    prop_oneof![4 => Just(0u32), 5 => 0u32..150_000, 1 => 0u32..3_000_000]
}

fn trade() -> impl Strategy<Value = (u32, u32, u32, bool, bool, bool)> {
    (money(), money(), 0u32..20_000, proptest::bool::weighted(0.15), any::<bool>(), proptest::bool::weighted(0.3))
}

fn year(marriage: Vec<&'static str>) -> impl Strategy<Value = Year> {
    (
        (2017u16..=2026, proptest::sample::select(vec!["rUK", "Scotland", "Wales"]), 1935i32..2005),
        (money(), 0u32..15_000, money(), 0u32..12_000, 0u32..6_000),
        (proptest::collection::vec(trade(), 0..=2), proptest::option::of((money(), money(), 0u32..20_000))),
        (
            money(),
            0u32..5_000,
            money(),
            0u32..20_000,
            proptest::option::weighted(0.2, (money(), 0u32..30, any::<bool>())),
        ),
        (0u32..10_000, 0u32..60_000, 0u32..300_000, 0u32..100_000, 0u32..60_000, 0u32..3_000),
        proptest::sample::select(marriage),
        (
            prop_oneof![3 => Just(0u32), 1 => 1u32..5_000],
            0u32..2_000,
            proptest::bool::weighted(0.1),
            prop_oneof![3 => Just(0u32), 1 => 1u32..2_000],
        ),
    )
        .prop_map(
            |(
                (start, regime, born),
                (pay, bik, pension, state, jsa),
                (trades, property),
                income,
                reliefs,
                marriage,
                (payroll_giving, state_pension_tax, paye_repaid, special_withholding_tax),
            )| {
                let (untaxed_interest, taxed_interest, uk_dividends, foreign_dividends, policy_gain) = income;
                let (gift_aid, pension_contributions, eis, vct, annual_allowance_excess, child_benefit) = reliefs;
                Year {
                    start,
                    regime,
                    born,
                    pay,
                    benefits_in_kind: bik,
                    pension,
                    state_pension: state,
                    jobseekers: jsa,
                    trades,
                    property,
                    untaxed_interest,
                    taxed_interest,
                    uk_dividends,
                    foreign_dividends,
                    gift_aid,
                    pension_contributions,
                    eis,
                    vct,
                    annual_allowance_excess,
                    child_benefit,
                    marriage,
                    policy_gain,
                    payroll_giving,
                    state_pension_tax,
                    paye_repaid,
                    special_withholding_tax,
                }
            },
        )
}

fn date(year: u16, month_day: &str) -> String {
    format!("{year}-{month_day}")
}

/// The submission case of a generated year, sending each figure through the endpoint
/// HMRC takes it on in that year (and leaving out what has no endpoint that year).
fn case(y: &Year) -> Value {
    let s = y.start;
    let tax_year = format!("{s}-{:02}", (s + 1) % 100);
    let mut employments = Vec::new();
    if y.pay > 0 || y.benefits_in_kind > 0 {
        let tax: i64 = if y.paye_repaid { -i64::from(y.pay / 50) } else { i64::from(y.pay / 5) };
        let mut e = json!({"employerName": "Acme Ltd", "pay": y.pay, "taxDeducted": tax});
        if y.benefits_in_kind > 0 {
            e["benefitsInKind"] = json!({"car": y.benefits_in_kind});
        }
        employments.push(e);
    }
    if y.pension > 0 {
        employments.push(json!({"employerName": "Pension Trust", "occupationalPension": true, "pay": y.pension}));
    }
    let mut benefits = Vec::new();
    if y.state_pension > 0 {
        benefits
            .push(json!({"benefitType": "statePension", "amount": y.state_pension, "taxPaid": y.state_pension_tax}));
    }
    if y.jobseekers > 0 {
        benefits.push(json!({"benefitType": "jobSeekersAllowance", "amount": y.jobseekers}));
    }
    let mut held = json!({"regime": y.regime, "date_of_birth": format!("{}-07-15", y.born),
        "employments": employments, "state_benefits": benefits, "marriage_allowance": y.marriage});
    let mut businesses = Vec::new();
    let mut submissions = Vec::new();
    for (n, &(turnover, expenses, capital_allowance, trading_allowance, quarterly, sideways)) in
        y.trades.iter().enumerate()
    {
        let alias = format!("trade{n}");
        businesses
            .push(json!({"alias": alias, "typeOfBusiness": "self-employment", "tradingName": format!("Trade {n}")}));
        let summary = |from: String, to: String, turnover: u32, expenses: u32| {
            json!({"periodDates": {"periodStartDate": from, "periodEndDate": to},
                   "periodIncome": {"turnover": turnover}, "periodExpenses": {"consolidatedExpenses": expenses}})
        };
        if s >= 2025 {
            submissions.push(json!({"endpoint": "se-cumulative", "ids": {"businessId": alias},
                "body": summary(date(s, "04-06"), date(s + 1, "04-05"), turnover, expenses)}));
        } else if quarterly {
            let quarters = [
                (date(s, "04-06"), date(s, "07-05")),
                (date(s, "07-06"), date(s, "10-05")),
                (date(s, "10-06"), date(s + 1, "01-05")),
                (date(s + 1, "01-06"), date(s + 1, "04-05")),
            ];
            for (q, (from, to)) in quarters.into_iter().enumerate() {
                let share = |v: u32| if q == 3 { v - 3 * (v / 4) } else { v / 4 };
                submissions.push(json!({"endpoint": "se-period", "ids": {"businessId": alias},
                    "body": summary(from, to, share(turnover), share(expenses))}));
            }
        } else {
            submissions.push(json!({"endpoint": "se-period", "ids": {"businessId": alias},
                "body": summary(date(s, "04-06"), date(s + 1, "04-05"), turnover, expenses)}));
        }
        let allowances = if trading_allowance {
            json!({"tradingIncomeAllowance": 1000})
        } else {
            json!({"annualInvestmentAllowance": capital_allowance})
        };
        submissions
            .push(json!({"endpoint": "se-annual", "ids": {"businessId": alias}, "body": {"allowances": allowances}}));
        if sideways && (2019..=2025).contains(&s) {
            submissions.push(json!({"endpoint": "loss-claim", "body": {"taxYearClaimedFor": tax_year,
                "typeOfLoss": "self-employment", "typeOfClaim": "carry-sideways", "businessId": format!("{{{alias}}}")}}));
        }
    }
    if let (Some((rent, expenses, finance)), true) = (y.property, s >= 2022) {
        businesses.push(json!({"alias": "let", "typeOfBusiness": "uk-property"}));
        let mut figures = json!({"income": {"periodAmount": rent}, "expenses": {"premisesRunningCosts": expenses}});
        if finance > 0 {
            figures["expenses"]["residentialFinancialCost"] = json!(finance);
        }
        let (endpoint, body) = if s >= 2025 {
            (
                "uk-property-cumulative",
                json!({"fromDate": date(s, "04-06"), "toDate": date(s + 1, "04-05"), "ukProperty": figures}),
            )
        } else {
            (
                "uk-property-period",
                json!({"fromDate": date(s, "04-06"), "toDate": date(s + 1, "04-05"), "ukNonFhlProperty": figures}),
            )
        };
        submissions.push(json!({"endpoint": endpoint, "ids": {"businessId": "let"}, "body": body}));
    }
    if y.untaxed_interest > 0 || y.taxed_interest > 0 {
        submissions
            .push(json!({"endpoint": "savings-account-create", "creates": "acct", "body": {"accountName": "Saver"}}));
        submissions.push(json!({"endpoint": "savings-account-annual", "ids": {"savingsId": "acct"},
            "body": {"untaxedUkInterest": y.untaxed_interest, "taxedUkInterest": y.taxed_interest}}));
    }
    if y.uk_dividends > 0 {
        submissions.push(json!({"endpoint": "dividends-uk", "body": {"ukDividends": y.uk_dividends}}));
    }
    if y.foreign_dividends > 0 && s >= 2019 {
        submissions.push(json!({"endpoint": "dividends-other", "body": {"foreignDividend": [
            {"countryCode": "USA", "amountBeforeTax": y.foreign_dividends, "taxableAmount": y.foreign_dividends,
             "specialWithholdingTax": y.special_withholding_tax}]}}));
    }
    if y.gift_aid > 0 {
        submissions.push(
            json!({"endpoint": "reliefs-charitable-giving", "body": {"giftAidPayments": {"totalAmount": y.gift_aid}}}),
        );
    }
    if y.pension_contributions > 0 && s >= 2020 {
        submissions.push(json!({"endpoint": "reliefs-pensions", "body": {"pensionReliefs": {"regularPensionContributions": y.pension_contributions}}}));
    }
    if y.payroll_giving > 0 && s >= 2022 {
        submissions.push(json!({"endpoint": "reliefs-other", "body": {"payrollGiving": {"customerReference": "GIVE", "reliefClaimed": y.payroll_giving}}}));
    }
    if (y.eis > 0 || y.vct > 0) && s >= 2022 {
        let mut body = json!({});
        if y.eis > 0 {
            body["eisSubscription"] = json!([{"uniqueInvestmentRef": "EIS1", "name": "Robots Ltd", "knowledgeIntensive": false,
                "dateOfInvestment": date(s, "09-01"), "amountInvested": y.eis, "reliefClaimed": y.eis}]);
        }
        if y.vct > 0 {
            body["vctSubscription"] = json!([{"uniqueInvestmentRef": "VCT1", "name": "Growth VCT",
                "dateOfInvestment": date(s, "09-01"), "amountInvested": y.vct, "reliefClaimed": y.vct}]);
        }
        submissions.push(json!({"endpoint": "reliefs-investment", "body": body}));
    }
    if y.annual_allowance_excess > 0 && s >= 2021 {
        submissions.push(json!({"endpoint": "charges-pensions", "body": {"pensionContributions": {
            "pensionSchemeTaxReference": ["00123456RA"], "inExcessOfTheAnnualAllowance": y.annual_allowance_excess,
            "annualAllowanceTaxPaid": 0, "isAnnualAllowanceReduced": false}}}));
    }
    // Top slicing relief with Gift Aid or pension contributions is refused until calculated.
    let without_extensions = y.gift_aid == 0 && (y.pension_contributions == 0 || s < 2020);
    if let (Some((gain, years, tax_paid)), true) = (y.policy_gain, s >= 2021 && without_extensions) {
        submissions.push(json!({"endpoint": "insurance-policies", "body": {"lifeInsurance": [
            {"customerReference": "POLICY-1", "gainAmount": gain, "taxPaid": tax_paid, "yearsHeld": years}]}}));
    }
    if y.child_benefit > 0 {
        if s >= 2025 {
            submissions.push(json!({"endpoint": "charges-hicbc", "body": {"amountOfChildBenefitReceived": y.child_benefit, "numberOfChildren": 2}}));
        } else {
            held["child_benefit_received"] = json!(y.child_benefit);
        }
    }
    json!({"id": "p", "tax_year": tax_year, "hmrc_held": held, "businesses": businesses, "submissions": submissions})
}

fn inputs(y: &Year) -> Inputs {
    let case = case(y);
    let (_, year) = TaxpayerYear::parse_case(&case.to_string()).unwrap_or_else(|e| panic!("{e}\n{case}"));
    to_inputs(&year).unwrap_or_else(|e| panic!("{e}\n{case}"))
}

fn run(y: &Year) -> Calculation {
    calculate(&inputs(y)).expect("supported years calculate")
}

/// Everything charged before tax deducted at source: income tax, charges, NICs, loans.
fn charged(c: &Calculation) -> Money {
    c.tax_calculation.total_income_tax_nics_charged
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Every generated year is one HMRC would take, and it calculates without a panic to
    /// figures that are never negative.
    #[test]
    fn every_year_calculates_and_no_tax_is_negative(y in year(vec!["none", "transferor", "recipient"])) {
        let c = run(&y);
        let it = &c.tax_calculation.income_tax;
        prop_assert!(!it.income_tax_due_after_gift_aid.is_negative(), "{}", it.income_tax_due_after_gift_aid);
        prop_assert!(!it.total_income_tax_due.is_negative());
        prop_assert!(!charged(&c).is_negative());
        prop_assert!(it.total_reliefs <= it.income_tax_charged);
    }

    /// More of one income never lowers what is charged, but for one effect of the law. A
    /// marriage allowance transferor is left out: the law takes the election away once they
    /// are liable above the basic rate. And the cap on a loss set against general income
    /// (ITA 2007 s24A: the greater of £50,000 and 25% of adjusted total income) rises with
    /// the income, so income taxed at 0% (the dividend allowance, the savings nil rates) can
    /// buy more relief than it costs: the tax may fall, by no more than the extra relief at
    /// the highest marginal rate there is (75% bounds the additional rate with the personal
    /// allowance tapering away, in every regime). Relief-at-source pension contributions are
    /// relieved only up to relevant UK earnings (FA 2004 s190), so more earnings can extend
    /// the bands further: the same bound holds for that extra relief.
    #[test]
    fn more_income_never_lowers_the_tax(
        y in year(vec!["none", "recipient"]),
        which in 0usize..6,
        extra in 1u32..100_000,
    ) {
        let mut more = y.clone();
        match which {
            0 => more.pay += extra,
            1 => if let Some(t) = more.trades.first_mut() { t.0 += extra } else { more.pay += extra },
            2 => more.untaxed_interest += extra,
            3 => more.uk_dividends += extra,
            4 => more.state_pension += extra,
            _ => more.pension += extra,
        }
        let (before, after) = (run(&y), run(&more));
        let relief = |c: &Calculation| {
            let a = &c.allowances_and_deductions;
            a.losses_applied_to_general_income.unwrap_or_default() + a.pension_contributions.unwrap_or_default()
        };
        let more_relief = relief(&after) - relief(&before);
        let allowed_fall = more_relief.percent(Rate::percent(75)).at_least_zero();
        prop_assert!(
            charged(&after) + allowed_fall >= charged(&before),
            "income {which} +{extra}: {} -> {} with {more_relief} more relief",
            charged(&before),
            charged(&after)
        );
    }

    /// A trading loss set against general income never raises the year's tax.
    #[test]
    fn a_loss_set_sideways_never_raises_the_tax(
        y in year(vec!["none", "transferor", "recipient"]),
        start in 2019u16..=2025,
        (turnover, expenses) in (0u32..50_000, 0u32..200_000),
    ) {
        let mut y = y;
        y.start = start;
        y.trades.push((turnover, turnover + expenses + 1, 0, false, false, true));
        let mut without = y.clone();
        for t in &mut without.trades {
            t.5 = false;
        }
        let (with_claim, without_claim) = (run(&y), run(&without));
        let income_tax = |c: &Calculation| c.tax_calculation.income_tax.total_income_tax_due;
        prop_assert!(income_tax(&with_claim) <= income_tax(&without_claim));
    }

    /// Allowances and reliefs set where they save most tax (ITA 2007 s25(2)) never charge
    /// more than HMRC's default order.
    #[test]
    fn the_statutory_allocation_is_never_worse_than_the_default_order(y in year(vec!["none", "transferor", "recipient"])) {
        let mut inputs = inputs(&y);
        let statutory = calculate(&inputs).unwrap();
        inputs.allowance_order = AllowanceOrder::DefaultOrder;
        let default = calculate(&inputs).unwrap();
        let tax = |c: &Calculation| c.tax_calculation.income_tax.income_tax_charged;
        prop_assert!(tax(&statutory) <= tax(&default), "{} > {}", tax(&statutory), tax(&default));
    }
}
