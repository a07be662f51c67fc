//! Rules the shared cases do not reach, each checked against figures worked by hand from
//! the rates in itsa-rules and the law cited beside them.

use itsa_engine::inputs::{Employment, MarriageAllowance, SelfEmployment, StudentLoanPlan, UkProperty};
use itsa_engine::{Calculation, Date, Inputs, Money, Regime, TaxYear, calculate};
use rust_decimal_macros::dec;

fn employee(year: u16, regime: Regime, pay: i64) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(year), regime);
    i.employments.push(Employment { name: "ACME".into(), pay: Money::pounds(pay), ..Default::default() });
    i
}

fn trader(year: u16, profit: i64) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(year), Regime::RestOfUk);
    i.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: Money::pounds(profit),
        ..Default::default()
    });
    i
}

fn run(i: &Inputs) -> Calculation {
    calculate(i).expect("calculates")
}

#[test]
fn marriage_allowance_recipient_gets_a_20_percent_reduction() {
    let mut i = employee(2024, Regime::RestOfUk, 30_000);
    i.marriage_allowance = MarriageAllowance::Recipient;
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    // (30,000 - 12,570) x 20% = 3,486.00; less 1,260 x 20% = 252.00.
    assert_eq!(it.income_tax_charged, Money::pounds(3_486));
    assert_eq!(it.marriage_allowance_relief, Money::pounds(252));
    assert_eq!(it.income_tax_due_after_tax_reductions, Money::pounds(3_234));
}

#[test]
fn marriage_allowance_is_refused_to_a_higher_rate_recipient() {
    let mut i = employee(2024, Regime::RestOfUk, 60_000);
    i.marriage_allowance = MarriageAllowance::Recipient;
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.marriage_allowance_relief, Money::ZERO);
    assert!(c.messages.warnings.iter().any(|m| m.id == "ITSA0001"));
}

#[test]
fn a_transferor_gives_away_1260_of_allowance() {
    let mut i = employee(2024, Regime::RestOfUk, 20_000);
    i.marriage_allowance = MarriageAllowance::Transferor;
    let c = run(&i);
    // Taxable 20,000 - (12,570 - 1,260) = 8,690 at 20% = 1,738.
    assert_eq!(c.tax_calculation.income_tax.total_taxable_income, Money::pounds(8_690));
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::pounds(1_738));
}

#[test]
fn gift_aid_charge_when_tax_paid_is_too_low() {
    let mut i = employee(2024, Regime::RestOfUk, 13_070);
    i.gift_aid_paid = Money::pounds(400);
    let c = run(&i);
    // Tax: 500 x 20% = 100; Gift Aid tax treated as deducted: 500 x 20% = 100 -> no charge.
    assert_eq!(c.gift_aid.unwrap().gift_aid_charge, Money::ZERO);
    i.employments[0].pay = Money::pounds(12_870);
    let c = run(&i);
    // Tax 300 x 20% = 60, so 40 is charged back (ITA 2007 s424).
    let g = c.gift_aid.unwrap();
    assert_eq!(
        (g.gross_gift_aid_payments, g.gift_aid_tax, g.gift_aid_charge),
        (Money::pounds(500), Money::pounds(100), Money::pounds(40))
    );
    assert_eq!(c.tax_calculation.income_tax.income_tax_due_after_gift_aid, Money::pounds(100));
}

#[test]
fn child_benefit_charge_is_the_whole_benefit_at_80000_from_2024() {
    let mut i = employee(2024, Regime::RestOfUk, 80_000);
    i.child_benefit = Money::new(dec!(2212.60));
    let h = run(&i).tax_calculation.income_tax.high_income_child_benefit_charge.unwrap();
    assert_eq!((h.charge_percentage, h.amount), (100, Money::pounds(2_212)));
    i.employments[0].pay = Money::pounds(60_000);
    let h = run(&i).tax_calculation.income_tax.high_income_child_benefit_charge.unwrap();
    assert_eq!(h.amount, Money::ZERO);
}

#[test]
fn personal_allowance_tapers_to_nil() {
    let c = run(&employee(2024, Regime::RestOfUk, 110_001));
    // 10,001 / 2 = 5,000.50, rounded down: 5,000 withdrawn.
    assert_eq!(c.allowances_and_deductions.personal_allowance, Money::pounds(7_570));
    let c = run(&employee(2024, Regime::RestOfUk, 125_140));
    assert_eq!(c.allowances_and_deductions.personal_allowance, Money::ZERO);
}

#[test]
fn class4_is_not_due_after_state_pension_age() {
    let mut i = trader(2024, 30_000);
    i.date_of_birth = Some(Date::parse("1955-01-01").unwrap());
    let c = run(&i);
    assert_eq!(c.tax_calculation.nics.total_nic, Money::ZERO);
    assert!(c.messages.warnings.iter().any(|m| m.id == "C11317"));
    i.date_of_birth = Some(Date::parse("1975-01-01").unwrap());
    // (30,000 - 12,570) x 6% = 1,045.80.
    assert_eq!(run(&i).tax_calculation.nics.total_nic, Money::new(dec!(1045.80)));
}

#[test]
fn class2_under_the_small_profits_threshold_is_not_charged_and_says_so() {
    let c = run(&trader(2021, 5_000));
    assert_eq!(c.tax_calculation.nics.class2.unwrap().amount, Money::ZERO);
    assert!(c.messages.info.iter().any(|m| m.id == "C22203"));
    // 2022-23: between the small profits threshold and the lower profits threshold: treated as paid.
    let c = run(&trader(2022, 10_000));
    let class2 = c.tax_calculation.nics.class2.unwrap();
    assert_eq!((class2.amount, class2.under_lower_profit_threshold), (Money::ZERO, Some(true)));
}

#[test]
fn voluntary_class2_is_charged_when_chosen() {
    let mut i = trader(2024, 3_000);
    i.class2_voluntary = true;
    // 52 weeks at £3.45.
    assert_eq!(run(&i).tax_calculation.nics.class2.unwrap().amount, Money::new(dec!(179.40)));
}

#[test]
fn losses_are_carried_forward_and_used_against_the_same_trade() {
    let c = run(&trader(2024, -4_000));
    assert_eq!(c.losses_and_claims.unwrap().carried_forward[0].amount, Money::pounds(4_000));
    let mut i = trader(2025, 20_000);
    i.self_employments[0].losses_brought_forward = Money::pounds(4_000);
    let c = run(&i);
    assert_eq!(c.income_summary_totals.total_self_employment_profit, Money::pounds(16_000));
    // Class 4 on 16,000 - 12,570 = 3,430 x 6% = 205.80.
    assert_eq!(c.tax_calculation.nics.class4.unwrap().total_amount, Money::new(dec!(205.80)));
}

#[test]
fn finance_costs_relief_is_capped_by_profits_and_the_excess_carried_forward() {
    let mut i = employee(2024, Regime::RestOfUk, 30_000);
    i.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: Money::pounds(2_000),
        residential_finance_costs: Money::pounds(5_000),
        ..Default::default()
    });
    let fc = run(&i).reliefs.residential_finance_costs.unwrap();
    assert_eq!(fc.relievable_amount, Money::pounds(2_000));
    assert_eq!(fc.total_residential_finance_costs_relief, Money::pounds(400));
    assert_eq!(fc.carry_forward_amount(), Money::pounds(3_000));
}

#[test]
fn scottish_plan4_loans_were_plan1_before_2021() {
    let mut i = employee(2020, Regime::Scotland, 30_000);
    i.student_loan_plans = vec![StudentLoanPlan::Plan4];
    let loans = run(&i).student_loans;
    // Plan 1 threshold 19,390: (30,000 - 19,390) x 9% = 954.90 -> 954.
    assert_eq!((loans[0].threshold, loans[0].repayment_amount), (Money::pounds(19_390), Money::pounds(954)));
}

#[test]
fn unearned_income_counts_for_student_loans_only_over_2000() {
    let mut i = employee(2025, Regime::RestOfUk, 30_000);
    i.student_loan_plans = vec![StudentLoanPlan::Plan2];
    i.dividends = Money::pounds(2_000);
    // (30,000 - 28,470) x 9% = 137.70 -> 137.
    assert_eq!(run(&i).tax_calculation.total_student_loans_repayment_amount, Money::pounds(137));
    i.dividends = Money::pounds(2_001);
    // (32,001 - 28,470) x 9% = 317.79 -> 317.
    assert_eq!(run(&i).tax_calculation.total_student_loans_repayment_amount, Money::pounds(317));
}

#[test]
fn an_in_year_calculation_projects_the_whole_year() {
    let mut i = employee(2025, Regime::RestOfUk, 15_000);
    // 6 April to 5 October 2025: 183 of 365 days.
    i.income_to_date = Some(Date::parse("2025-10-05").unwrap());
    let c = run(&i);
    let e = c.end_of_year_estimate.unwrap();
    // 15,000 x 365 / 183 = 29,918.03 -> 29,918 of income; (29,918 - 12,570) x 20% = 3,469.60.
    assert_eq!(e.total_estimated_income, Money::pounds(29_918));
    assert_eq!(e.income_tax_amount, Money::new(dec!(3469.60)));
    assert_eq!(c.tax_calculation.income_tax.total_income_received_from_all_sources, Money::pounds(15_000));
}

#[test]
fn inputs_it_cannot_calculate_are_errors_not_figures() {
    let mut i = employee(2025, Regime::RestOfUk, 10_000);
    i.employments[0].pay = Money::pounds(-1);
    assert!(matches!(calculate(&i), Err(itsa_engine::EngineError::InvalidInput { .. })));
    let i = employee(2016, Regime::RestOfUk, 10_000);
    assert_eq!(calculate(&i).unwrap_err().code(), "TAX_YEAR_NOT_SUPPORTED");
    let mut i = employee(2025, Regime::RestOfUk, 10_000);
    i.income_to_date = Some(Date::parse("2026-05-01").unwrap());
    assert!(calculate(&i).is_err());
}

fn with_pension(i: &mut Inputs, pounds: i64) {
    i.pensions.push(itsa_engine::inputs::Pension {
        name: "ACME pension".into(),
        amount: Money::pounds(pounds),
        tax_deducted: Money::ZERO,
    });
}

fn with_untaxed_interest(i: &mut Inputs, pounds: i64) {
    i.savings_accounts.push(itsa_engine::inputs::SavingsAccount {
        name: "bank".into(),
        gross_interest: Money::pounds(pounds),
        tax_deducted: Money::ZERO,
    });
}

/// A pensioner: pension income is not relevant UK earnings (FA 2004 s189(2)).
fn pensioner(year: u16, pension: i64) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(year), Regime::RestOfUk);
    with_pension(&mut i, pension);
    i
}

#[test]
fn relief_at_source_is_limited_to_3600_without_relevant_earnings() {
    let mut i = pensioner(2024, 60_000);
    i.pension_contributions_relief_at_source = Money::pounds(10_000);
    let c = run(&i);
    // Relief on the greater of £3,600 and relevant UK earnings (none): basic rate limit
    // 37,700 + 3,600 = 41,300. Taxable 60,000 - 12,570 = 47,430:
    // 41,300 x 20% = 8,260 and 6,130 x 40% = 2,452.
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::pounds(10_712));
    let reliefs = c.pension_contribution_reliefs.expect("relief given");
    assert_eq!(reliefs.total_pension_contribution_reliefs, Money::pounds(3_600));
    let warning = c.messages.warnings.iter().find(|m| m.id == "ITSA0005").expect("the unrelieved part is told");
    assert!(warning.text.starts_with("£6400 of"), "{}", warning.text);
}

#[test]
fn relief_at_source_follows_relevant_uk_earnings() {
    // Pay of 60,000 is relevant UK earnings: all 10,000 relieved, the limit 47,700 is
    // above the taxable 47,430, so everything is taxed at 20%.
    let mut i = employee(2024, Regime::RestOfUk, 60_000);
    i.pension_contributions_relief_at_source = Money::pounds(10_000);
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::pounds(9_486));
    assert!(c.messages.warnings.iter().all(|m| m.id != "ITSA0005"));
    // A trader's profits count too; only 5,000 of them: relief on 5,000 of 8,000.
    let mut i = trader(2024, 5_000);
    with_pension(&mut i, 55_000);
    i.pension_contributions_relief_at_source = Money::pounds(8_000);
    let c = run(&i);
    assert_eq!(c.pension_contribution_reliefs.unwrap().total_pension_contribution_reliefs, Money::pounds(5_000));
}

#[test]
fn the_gift_aid_band_extension_is_the_exact_gross_gift() {
    // Net 10.01 is 12.5125 gross (ITA 2007 s414(2)); the basic rate limit becomes
    // 37,712.5125, not 37,713. Taxable income 50,283 - 12,570 = 37,713:
    // 37,712.5125 x 20% = 7,542.5025 -> 7,542.50; 0.4875 x 40% = 0.195 -> 0.19.
    let mut i = employee(2024, Regime::RestOfUk, 50_283);
    i.gift_aid_paid = Money::new(dec!(10.01));
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::new(dec!(7542.69)));
    assert_eq!(c.gift_aid.unwrap().band_extension, Money::new(dec!(12.5125)));
}

fn class4(i: &Inputs) -> Money {
    run(i).tax_calculation.nics.class4.map_or(Money::ZERO, |c| c.total_amount)
}

#[test]
fn state_pension_age_follows_the_womens_timetable() {
    // Born 1 June 1952: a woman reached state pension age on 6 July 2014 (Pensions Act 1995
    // Sch 4), so no Class 4 for 2017-18; a man reaches 65 on 1 June 2017, after 6 April.
    let mut i = trader(2017, 30_000);
    i.date_of_birth = Some(Date::parse("1952-06-01").unwrap());
    i.sex = itsa_engine::Sex::Female;
    assert_eq!(class4(&i), Money::ZERO);
    i.sex = itsa_engine::Sex::Male;
    // (30,000 - 8,164) x 9% = 1,965.24.
    assert_eq!(class4(&i), Money::new(dec!(1965.24)));
}

#[test]
fn state_pension_age_is_a_day_of_the_statutes_table_in_the_rise_to_66() {
    // Born 10 December 1953: state pension age on 6 March 2019 (Pensions Act 2011 Sch 1),
    // before 2019-20 began, though 66 would be December 2019.
    let mut i = trader(2019, 30_000);
    i.date_of_birth = Some(Date::parse("1953-12-10").unwrap());
    assert_eq!(class4(&i), Money::ZERO);
    // Born 10 January 1954: 6 May 2019, after 6 April: (30,000 - 8,632) x 9% = 1,923.12.
    i.date_of_birth = Some(Date::parse("1954-01-10").unwrap());
    assert_eq!(class4(&i), Money::new(dec!(1923.12)));
}

#[test]
fn dividends_at_the_nil_rate_above_the_basic_rate_limit_bar_the_marriage_allowance() {
    // 2024-25: pay 50,000 leaves 37,430 taxable; 500 of dividends at the dividend nil rate
    // reach 37,930, 230 beyond the basic rate limit: without s13A they would be at the
    // dividend upper rate, so no relief (ITA 2007 s55B(2)(ba)).
    let mut i = employee(2024, Regime::RestOfUk, 50_000);
    i.marriage_allowance = MarriageAllowance::Recipient;
    i.dividends = Money::pounds(500);
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.marriage_allowance_relief, Money::ZERO);
    assert!(c.messages.warnings.iter().any(|m| m.id == "ITSA0001"));
    // Pay 49,000: the dividends end at 36,930, inside the band: 1,260 x 20% = 252.
    i.employments[0].pay = Money::pounds(49_000);
    assert_eq!(run(&i).tax_calculation.income_tax.marriage_allowance_relief, Money::pounds(252));
    // Savings at the savings nil rate beyond the limit do not bar it (no such condition).
    let mut i = employee(2024, Regime::RestOfUk, 50_200);
    i.marriage_allowance = MarriageAllowance::Recipient;
    with_untaxed_interest(&mut i, 200);
    assert_eq!(run(&i).tax_calculation.income_tax.marriage_allowance_relief, Money::pounds(252));
}

#[test]
fn allowances_are_set_where_they_save_most_tax() {
    // 2024-25, savings 10,000 and dividends 10,000, nothing else. HMRC's default order sets
    // the 12,570 against savings first: dividends 7,430 taxable, 500 at nil and 6,930 at
    // 8.75% = 606.37. Set against dividends first, savings of 7,430 are taxable instead:
    // 5,000 at the starting rate for savings, 1,000 at the savings nil rate, 1,430 at 20% =
    // 286.00, which ITA 2007 s25(2) requires.
    let mut i = Inputs::new(TaxYear::starting(2024), Regime::RestOfUk);
    with_untaxed_interest(&mut i, 10_000);
    i.dividends = Money::pounds(10_000);
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    assert_eq!(it.income_tax_charged, Money::pounds(286));
    let dividends = it.dividends.as_ref().unwrap();
    assert_eq!((dividends.allowances_allocated, dividends.taxable_income), (Money::pounds(10_000), Money::ZERO));
    // Where the default order is best it stays: pay and savings.
    let mut i = employee(2024, Regime::RestOfUk, 20_000);
    with_untaxed_interest(&mut i, 2_000);
    // 7,430 x 20% = 1,486; savings 2,000: 1,000 at nil, 1,000 at 20% = 200.
    assert_eq!(run(&i).tax_calculation.income_tax.income_tax_charged, Money::pounds(1_686));
}

#[test]
fn investment_reliefs_are_capped_by_the_limit_and_by_the_tax() {
    // 2024-25, employment 71,420: taxable 58,850; 37,700 x 20% + 21,150 x 40% = 16,000.
    let mut i = employee(2024, Regime::RestOfUk, 71_420);
    i.investment_subscriptions.eis = Money::pounds(100_000);
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    assert_eq!(it.income_tax_charged, Money::pounds(16_000));
    let eis = c.reliefs.reliefs_claimed[0];
    // 30% of 100,000 is due; the tax, 16,000, is all that can be used (ITA 2007 s29).
    assert_eq!((eis.allowable_amount, eis.amount_used), (Money::pounds(30_000), Money::pounds(16_000)));
    assert_eq!(it.total_reliefs, Money::pounds(16_000));
    assert_eq!(it.income_tax_due_after_reliefs, Money::ZERO);

    // VCT first, then EIS; the SEIS limit is 100,000 to 2022-23 and 200,000 after.
    let mut i = employee(2022, Regime::RestOfUk, 200_000);
    i.investment_subscriptions.vct = Money::pounds(250_000); // limit 200,000: 60,000 due
    i.investment_subscriptions.seis = Money::pounds(150_000); // limit 100,000: 50,000 due
    let c = run(&i);
    let claimed: Vec<(Money, Money)> =
        c.reliefs.reliefs_claimed.iter().map(|r| (r.allowable_amount, r.amount_used)).collect();
    let charged = c.tax_calculation.income_tax.income_tax_charged;
    assert_eq!(claimed[0], (Money::pounds(60_000), Money::pounds(60_000)));
    assert_eq!(claimed[1], (Money::pounds(50_000), charged - Money::pounds(60_000)));
    let mut later = i.clone();
    later.tax_year = TaxYear::starting(2023);
    let c = run(&later);
    assert_eq!(c.reliefs.reliefs_claimed[1].allowable_amount, Money::pounds(75_000));
}

#[test]
fn eis_above_a_million_needs_knowledge_intensive_companies() {
    let mut i = employee(2024, Regime::RestOfUk, 2_000_000);
    i.investment_subscriptions.eis = Money::pounds(1_800_000);
    i.investment_subscriptions.eis_knowledge_intensive = Money::pounds(500_000);
    // 1,000,000 + 500,000 knowledge-intensive = 1,500,000 x 30%.
    assert_eq!(run(&i).reliefs.reliefs_claimed[0].allowable_amount, Money::pounds(450_000));
}

#[test]
fn a_trading_loss_set_sideways_reduces_net_income() {
    // 2022-23: employment 30,000 and a trading loss of 20,000 claimed against it (s64).
    let mut i = employee(2022, Regime::RestOfUk, 30_000);
    i.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: Money::pounds(-20_000),
        claims_sideways: true,
        ..Default::default()
    });
    let c = run(&i);
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(Money::pounds(20_000)));
    assert_eq!(c.tax_calculation.income_tax.total_taxable_income, Money::ZERO);
    assert_eq!(c.business_profit_and_loss[0].losses_carried_forward, Money::ZERO);

    // Without a claim the loss is carried forward and the employment taxed in full.
    i.self_employments[0].claims_sideways = false;
    let c = run(&i);
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, None);
    assert_eq!(c.business_profit_and_loss[0].losses_carried_forward, Money::pounds(20_000));
    assert_eq!(c.tax_calculation.income_tax.total_taxable_income, Money::pounds(17_430));
}

#[test]
fn sideways_relief_is_capped_at_the_greater_of_50000_and_a_quarter_of_income() {
    let mut i = employee(2024, Regime::RestOfUk, 300_000);
    i.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: Money::pounds(-120_000),
        claims_sideways: true,
        ..Default::default()
    });
    // Cap: 25% of 300,000 = 75,000 (ITA 2007 s24A); 45,000 stays carried forward.
    let c = run(&i);
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(Money::pounds(75_000)));
    assert_eq!(c.business_profit_and_loss[0].losses_carried_forward, Money::pounds(45_000));
    // A smaller income: the cap is 50,000.
    i.employments[0].pay = Money::pounds(80_000);
    let c = run(&i);
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(Money::pounds(50_000)));
}

#[test]
fn the_annual_allowance_charge_is_the_top_slice_at_the_taxpayers_rates() {
    // 2022-23: employment 240,000, property 24,000 (all non-savings), relief at source
    // 15,000 gross extends the higher rate limit to 165,000; the excess of 32,000 is all
    // above it: x 45% = 14,400.
    let mut i = employee(2022, Regime::RestOfUk, 240_000);
    i.uk_property =
        Some(UkProperty { business_id: "XPIS12345678901".into(), profit: Money::pounds(24_000), ..Default::default() });
    i.pension_contributions_relief_at_source = Money::pounds(15_000);
    i.annual_allowance_excess = Money::pounds(32_000);
    let c = run(&i);
    let charges = c.tax_calculation.income_tax.pension_savings_tax_charges.clone().unwrap();
    assert_eq!(charges.total_pension_savings_tax_charges, Money::pounds(14_400));

    // Straddling bands: 2024-25, employment 40,000 (taxable 27,430), excess 20,000:
    // 10,270 at 20% (to 37,700) + 9,730 at 40% = 2,054 + 3,892 = 5,946.
    let mut i = employee(2024, Regime::RestOfUk, 40_000);
    i.annual_allowance_excess = Money::pounds(20_000);
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    let charges = it.pension_savings_tax_charges.clone().unwrap();
    assert_eq!(charges.total_pension_savings_tax_charges, Money::pounds(5_946));
    assert_eq!(it.total_income_tax_due, it.income_tax_due_after_gift_aid + Money::pounds(5_946));
    // The income tax itself is unchanged.
    assert_eq!(it.income_tax_charged, Money::pounds(5_486));
}

#[test]
fn a_life_policy_gain_is_the_top_slice_and_gets_top_slicing_relief() {
    // HMRC IPTM3850's example: 2022-23, employment 45,000, a UK policy surrendered with a
    // gain of 50,000 after 5 complete years, basic-rate tax treated as paid.
    let mut i = employee(2022, Regime::RestOfUk, 45_000);
    i.life_policy_gains = vec![itsa_engine::inputs::LifePolicyGain {
        kind: Default::default(),
        name: "POLICY-1".into(),
        gain: Money::pounds(50_000),
        years: 5,
        tax_treated_as_paid: true,
        ..Default::default()
    }];
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    // Employment 32,430 x 20% = 6,486; gain: 500 at 0% (PSA), 4,770 x 20%, 44,730 x 40% = 18,846.
    assert_eq!(it.income_tax_charged, Money::pounds(25_332));
    let tsr = c.reliefs.top_slicing_relief.unwrap();
    // 18,846 - 10,000 = 8,846; slice 10,000: 954 + 1,892 - 2,000 = 846, x 5 = 4,230.
    assert_eq!((tsr.liability_on_gain, tsr.relieved_liability), (Money::pounds(8_846), Money::pounds(4_230)));
    assert_eq!(tsr.amount, Money::pounds(4_616));
    assert_eq!(it.total_notional_tax, Money::pounds(10_000));
    assert_eq!(it.income_tax_due_after_gift_aid, Money::pounds(10_716));

    // A basic-rate taxpayer's gain: the tax treated as paid covers it; no relief is due.
    let mut i = employee(2024, Regime::RestOfUk, 20_000);
    i.life_policy_gains = vec![itsa_engine::inputs::LifePolicyGain {
        kind: Default::default(),
        name: "P".into(),
        gain: Money::pounds(5_000),
        years: 3,
        tax_treated_as_paid: true,
        ..Default::default()
    }];
    let c = run(&i);
    let it = &c.tax_calculation.income_tax;
    assert_eq!(c.reliefs.top_slicing_relief.unwrap().amount, Money::ZERO);
    // 7,430 x 20% = 1,486; gain 1,000 at 0% (PSA), 4,000 x 20% = 800. The tax treated as
    // paid is on the whole gain, 1,000, and is set against the tax on the other income too,
    // though never repaid (ITTOIA 2005 s530).
    assert_eq!(it.income_tax_charged, Money::pounds(2_286));
    assert_eq!(it.total_notional_tax, Money::pounds(1_000));
    assert_eq!(it.income_tax_due_after_gift_aid, Money::pounds(1_286));
}

fn state_pension(i: &mut Inputs, amount: Money, tax_deducted: Money) {
    i.state_pension += amount;
    i.state_pension_sources.push(itsa_engine::inputs::StateBenefit {
        name: "statePension".into(),
        amount,
        tax_deducted,
        income_source_id: Some("00000000-0000-4000-9000-000000000001".into()),
        hmrc_held: true,
    });
}

#[test]
fn tax_taken_off_the_state_pension_is_tax_deducted_at_source() {
    // 2025-26: occupational pension 20,000 (PAYE 1,500), State Pension 12,000 with 150
    // taken off, Jobseeker's Allowance 1,000 with 40 taken off. Total income 33,000, less
    // the personal allowance 12,570: 20,430 x 20% = 4,086.00. Tax deducted at source
    // (TMA 1970 s59B(1)(b)): 1,500 + 150 + 40 = 1,690; due 4,086 - 1,690 = 2,396.00.
    let mut i = pensioner(2025, 20_000);
    i.pensions[0].tax_deducted = Money::pounds(1_500);
    state_pension(&mut i, Money::pounds(12_000), Money::pounds(150));
    i.state_benefits.push(itsa_engine::inputs::StateBenefit {
        name: "jobSeekersAllowance".into(),
        amount: Money::pounds(1_000),
        tax_deducted: Money::pounds(40),
        ..Default::default()
    });
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.total_income_tax_due, Money::new(dec!(4086.00)));
    assert_eq!(c.tax_deducted_at_source.state_benefits, Some(Money::pounds(190)));
    assert_eq!(c.state_benefits_income.as_ref().unwrap().total_state_benefits_tax_paid, Some(Money::pounds(190)));
    assert_eq!(c.tax_calculation.total_tax_deducted, Money::pounds(1_690));
    assert_eq!(c.tax_calculation.total_income_tax_and_nics_due, Money::new(dec!(2396.00)));

    // In year, to 5 October 2025 (183 of 365 days), the tax taken off is projected with
    // the pension: 100 x 365 / 183 = 199.453..., 199.45 in pence rounded down.
    let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
    state_pension(&mut i, Money::pounds(6_000), Money::pounds(100));
    i.income_to_date = Some(Date::parse("2025-10-05").unwrap());
    let e = run(&i).end_of_year_estimate.unwrap();
    assert_eq!(e.total_tax_deducted, Money::new(dec!(199.45)));
}

#[test]
fn a_paye_refund_reduces_the_tax_deducted_and_can_take_it_below_nil() {
    // 2025-26: pay 30,000 with 3,486 deducted, and 2,000 from a second job whose employer
    // repaid 400 more than it deducted (a negative totalTaxToDate). Total income 32,000,
    // less 12,570: 19,430 x 20% = 3,886.00. Tax deducted 3,486 - 400 = 3,086; due 800.00.
    let mut i = employee(2025, Regime::RestOfUk, 30_000);
    i.employments[0].tax_deducted = Money::pounds(3_486);
    i.employments.push(Employment {
        name: "Second job".into(),
        pay: Money::pounds(2_000),
        tax_deducted: Money::pounds(-400),
        ..Default::default()
    });
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.total_income_tax_due, Money::new(dec!(3886.00)));
    assert_eq!(c.tax_deducted_at_source.pay_employments, Some(Money::pounds(3_086)));
    assert_eq!(c.tax_calculation.total_income_tax_and_nics_due, Money::new(dec!(800.00)));

    // Pay 5,000 within the allowance, nothing charged, and 250.40 repaid on it beyond what
    // was deducted, with a pension repaying 40 the same way: tax deducted -290.40, and the
    // 290.40 the taxpayer was repaid is due.
    let mut i = employee(2025, Regime::RestOfUk, 5_000);
    i.employments[0].tax_deducted = Money::new(dec!(-250.40));
    with_pension(&mut i, 3_000);
    i.pensions[0].tax_deducted = Money::pounds(-40);
    let c = run(&i);
    assert_eq!(c.tax_calculation.income_tax.total_income_tax_due, Money::ZERO);
    assert_eq!(c.tax_calculation.total_tax_deducted_before_coding_out, Money::new(dec!(-290.40)));
    assert_eq!(c.tax_calculation.total_tax_deducted, Money::new(dec!(-290.40)));
    assert_eq!(c.tax_calculation.total_income_tax_and_nics_due, Money::new(dec!(290.40)));
}

#[test]
fn payroll_giving_is_deducted_from_the_income_it_was_withheld_from() {
    // 2025-26: pay 60,000 with 2,400.40 given through the payroll, rounded up to 2,401 and
    // deducted from the earnings (ITEPA 2003 s713(4)(a)): employment income 57,599. Less
    // 12,570: 45,029; 37,700 x 20% = 7,540.00 + 7,329 x 40% = 2,931.60 = 10,471.60.
    let mut i = employee(2025, Regime::RestOfUk, 60_000);
    i.employment_extras.payroll_giving = Money::new(dec!(2400.40));
    let c = run(&i);
    assert_eq!(c.income_summary_totals.total_employment_income, Money::pounds(57_599));
    assert_eq!(c.tax_calculation.income_tax.total_income_received_from_all_sources, Money::pounds(57_599));
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::new(dec!(10471.60)));

    // Earnings of 1,000 take 1,000 of 1,500; the other 500 comes off the pension of 26,000
    // (s713(4)(c)). Total income 1,000 + 26,000 - 1,500 = 25,500, less 12,570: 12,930 x
    // 20% = 2,586.00.
    let mut i = employee(2025, Regime::RestOfUk, 1_000);
    with_pension(&mut i, 26_000);
    i.employment_extras.payroll_giving = Money::pounds(1_500);
    let c = run(&i);
    assert_eq!(c.income_summary_totals.total_employment_income, Money::ZERO);
    assert_eq!(c.tax_calculation.income_tax.total_income_received_from_all_sources, Money::pounds(25_500));
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, Money::new(dec!(2586.00)));
}
