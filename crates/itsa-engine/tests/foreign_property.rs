//! A foreign property business's residential finance costs (ITTOIA 2005 s272A, s274A-s274C),
//! foreign tax (TIOPA 2010 s18, s36, s112) and UK tax paid, checked against figures worked
//! by hand from the rates of 2025-26 (personal allowance 12,570, basic rate 20%) and the
//! law cited beside them.

use itsa_engine::inputs::{Employment, ForeignProperty, ForeignPropertyCountry, UkProperty};
use itsa_engine::{Calculation, Inputs, Money, Regime, TaxYear, calculate};
use rust_decimal_macros::dec;

fn m(pounds: i64) -> Money {
    Money::pounds(pounds)
}

fn pence(amount: rust_decimal::Decimal) -> Money {
    Money::new(amount)
}

fn taxpayer(pay: i64) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
    if pay > 0 {
        i.employments.push(Employment { name: "ACME".into(), pay: m(pay), ..Default::default() });
    }
    i
}

fn uk_property(profit: i64, finance_costs: i64) -> UkProperty {
    UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(profit),
        residential_finance_costs: m(finance_costs),
        ..Default::default()
    }
}

fn country(code: &str, profit: i64) -> ForeignPropertyCountry {
    ForeignPropertyCountry { country_code: code.into(), profit: m(profit), ..Default::default() }
}

fn foreign_property(countries: Vec<ForeignPropertyCountry>) -> ForeignProperty {
    ForeignProperty {
        business_id: "XFIS12345678901".into(),
        profit: countries.iter().map(|c| c.profit).sum(),
        countries,
        accounts: None,
    }
}

fn run(i: &Inputs) -> Calculation {
    calculate(i).expect("calculates")
}

#[test]
fn uk_and_foreign_finance_costs_are_each_relieved_within_their_business_profits() {
    // Pay 30,000, UK property 10,000 with costs 4,000, foreign property (France) 6,000 with
    // costs 2,500 and 500 brought forward. Total income 46,000, taxable 33,430 = adjusted
    // total income. UK: L = lower of 4,000 and 10,000 = 4,000; foreign: allowable 3,000,
    // L = lower of 3,000 and 6,000 = 3,000. Together 7,000, within 33,430: relief on
    // 7,000 at 20% = 1,400.00; nothing carried forward.
    let mut i = taxpayer(30_000);
    i.uk_property = Some(uk_property(10_000, 4_000));
    let mut france = country("FRA", 6_000);
    france.residential_finance_costs = m(2_500);
    france.finance_costs_brought_forward = m(500);
    i.foreign_property = Some(foreign_property(vec![france]));
    let c = run(&i);
    let fc = c.reliefs.residential_finance_costs.clone().unwrap();
    assert_eq!(fc.adjusted_total_income, m(33_430));
    assert_eq!((fc.total_allowable_amount, fc.relievable_amount), (m(7_000), m(7_000)));
    assert_eq!(fc.total_residential_finance_costs_relief, m(1_400));
    let uk = fc.uk_property.unwrap();
    assert_eq!((uk.allowable_amount, uk.relieved_amount, uk.carry_forward_amount), (m(4_000), m(4_000), m(0)));
    let foreign = fc.foreign_property.unwrap();
    assert_eq!((foreign.business.amount_claimed, foreign.business.allowable_amount), (m(2_500), m(3_000)));
    assert_eq!(foreign.countries.len(), 1);
    assert_eq!(foreign.countries[0].carry_forward_amount, m(0));
    // 33,430 x 20% = 6,686.00 less 1,400.00.
    let it = &c.tax_calculation.income_tax;
    assert_eq!(it.income_tax_charged, m(6_686));
    assert_eq!(it.income_tax_due_after_reliefs, m(5_286));
}

#[test]
fn adjusted_total_income_below_the_costs_is_shared_between_the_businesses() {
    // No other income. UK property 15,000 with costs 9,000; foreign property 6,000: France
    // 4,000 of profit with costs 3,000, Spain 2,000 with costs 1,000 and 500 brought
    // forward. Total income 21,000, taxable 8,430 = adjusted total income.
    // UK L = lower of 9,000 and 15,000 = 9,000; foreign L = lower of 4,500 and 6,000 =
    // 4,500. Together 13,500 exceed 8,430, so relief is given on 8,430 shared in
    // proportion (s274AA): UK 8,430 x 9,000 / 13,500 = 5,620.00, foreign 2,810.00.
    // Relief 8,430 x 20% = 1,686.00, all the tax charged. Carried forward: UK 3,380.00,
    // foreign 1,690.00, which the countries share by their allowable amounts: France's
    // relieved share 2,810 x 3,000 / 4,500 = 1,873.33, carrying 1,126.67; Spain 936.67,
    // carrying 563.33.
    let mut i = taxpayer(0);
    i.uk_property = Some(uk_property(15_000, 9_000));
    let mut france = country("FRA", 4_000);
    france.residential_finance_costs = m(3_000);
    let mut spain = country("ESP", 2_000);
    spain.residential_finance_costs = m(1_000);
    spain.finance_costs_brought_forward = m(500);
    i.foreign_property = Some(foreign_property(vec![france, spain]));
    let c = run(&i);
    let fc = c.reliefs.residential_finance_costs.clone().unwrap();
    assert_eq!(fc.adjusted_total_income, m(8_430));
    assert_eq!((fc.total_allowable_amount, fc.relievable_amount), (m(13_500), m(8_430)));
    assert_eq!(fc.total_residential_finance_costs_relief, m(1_686));
    let uk = fc.uk_property.unwrap();
    assert_eq!((uk.relieved_amount, uk.carry_forward_amount), (m(5_620), m(3_380)));
    let foreign = fc.foreign_property.clone().unwrap();
    assert_eq!((foreign.business.relieved_amount, foreign.business.carry_forward_amount), (m(2_810), m(1_690)));
    let carried: Vec<(&str, Money, Money)> = foreign
        .countries
        .iter()
        .map(|c| (c.country_code.as_str(), c.allowable_amount, c.carry_forward_amount))
        .collect();
    assert_eq!(carried, vec![("FRA", m(3_000), pence(dec!(1126.67))), ("ESP", m(1_500), pence(dec!(563.33)))]);
    assert_eq!(fc.carry_forward_amount(), m(5_070));
    assert_eq!(c.tax_calculation.income_tax.income_tax_due_after_reliefs, m(0));
}

#[test]
fn foreign_finance_costs_alone_are_limited_by_the_foreign_profits() {
    // Pay 30,000; foreign property (Italy) 1,200 with costs 2,000: L = 1,200, relief
    // 240.00; 800 carried forward. No UK property, so no ukProperty part.
    let mut i = taxpayer(30_000);
    let mut italy = country("ITA", 1_200);
    italy.residential_finance_costs = m(2_000);
    i.foreign_property = Some(foreign_property(vec![italy]));
    let fc = run(&i).reliefs.residential_finance_costs.unwrap();
    assert!(fc.uk_property.is_none());
    assert_eq!((fc.relievable_amount, fc.total_residential_finance_costs_relief), (m(1_200), m(240)));
    assert_eq!(fc.foreign_property.unwrap().countries[0].carry_forward_amount, m(800));
}

#[test]
fn foreign_tax_credit_on_property_income_is_limited_to_the_uk_tax_on_it() {
    // Pay 20,000; foreign property in France 5,000 of profit, 1,500 of French tax, credit
    // claimed. Taxable 25,000 - 12,570 = 12,430: tax 2,486.00. Without the French income,
    // 7,430: 1,486.00. UK tax on the income 1,000.00, less than the French tax: credit
    // 1,000.00 (TIOPA 2010 s36); due 1,486.00.
    let mut i = taxpayer(20_000);
    let mut france = country("FRA", 5_000);
    france.foreign_tax = m(1_500);
    france.claims_credit = true;
    i.foreign_property = Some(foreign_property(vec![france]));
    let c = run(&i);
    let relief = c.foreign.foreign_tax_credit_relief.clone().unwrap();
    assert_eq!(relief.total, m(1_000));
    let d = &relief.details[0];
    assert_eq!(d.kind.hmrc_income_source_type(), "foreign-property");
    assert_eq!((d.country_code.as_str(), d.foreign_income, d.foreign_tax), ("FRA", m(5_000), m(1_500)));
    assert_eq!((d.uk_liability_on_income, d.foreign_tax_credit), (m(1_000), m(1_000)));
    assert_eq!(relief.on(|k| k == itsa_engine::foreign::ForeignSourceKind::Property), Some(m(1_000)));
    assert_eq!(c.tax_calculation.income_tax.income_tax_due_after_reliefs, m(1_486));
    // The profit is charged in full: the credit claimed, the tax is not deducted (s31).
    assert_eq!(c.income_summary_totals.total_foreign_property_profit, m(5_000));
}

#[test]
fn the_uk_tax_on_the_income_is_after_the_finance_costs_relief_it_brings() {
    // As above with 2,000 of residential finance costs on the French property. With the
    // income: 2,486.00 less finance costs relief on the lower of 2,000 and 5,000 at 20% =
    // 400.00, so 2,086.00. Without it the business has no profit and no relief: 1,486.00.
    // UK tax on the income 600.00, the credit (less than 1,500); due 1,486.00.
    let mut i = taxpayer(20_000);
    let mut france = country("FRA", 5_000);
    france.foreign_tax = m(1_500);
    france.claims_credit = true;
    france.residential_finance_costs = m(2_000);
    i.foreign_property = Some(foreign_property(vec![france]));
    let c = run(&i);
    assert_eq!(c.reliefs.residential_finance_costs.as_ref().unwrap().total_residential_finance_costs_relief, m(400));
    assert_eq!(c.foreign.foreign_tax_credit_relief.as_ref().unwrap().total, m(600));
    let it = &c.tax_calculation.income_tax;
    assert_eq!((it.total_reliefs, it.income_tax_due_after_reliefs), (m(1_000), m(1_486)));
}

#[test]
fn foreign_tax_without_a_claim_is_deducted_from_the_income() {
    // As above without the claim: the 1,500 is deducted from the profit (TIOPA 2010
    // s112): 3,500. Taxable 23,500 - 12,570 = 10,930: 2,186.00, no credit.
    let mut i = taxpayer(20_000);
    let mut france = country("FRA", 5_000);
    france.foreign_tax = m(1_500);
    i.foreign_property = Some(foreign_property(vec![france]));
    let c = run(&i);
    assert!(c.foreign.foreign_tax_credit_relief.is_none());
    assert_eq!(c.income_summary_totals.total_foreign_property_profit, m(3_500));
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, m(2_186));
}

#[test]
fn each_countrys_credit_is_limited_by_the_uk_tax_on_its_share() {
    // Pay 40,000; France 6,000 of profit with 2,000 of tax, Spain 3,000 with 300, Italy a
    // loss of 1,000: the business's profit 8,000, France's share 5,333, Spain's 2,666
    // (each in proportion to its profit, rounded down to the pound). Taxable 48,000 -
    // 12,570 = 35,430, all at 20%. France: UK tax on 5,333 = 1,066.60, under 2,000;
    // Spain: UK tax on 2,666 = 533.20, above 300, so 300. Credit 1,366.60.
    let mut i = taxpayer(40_000);
    let mut france = country("FRA", 6_000);
    france.foreign_tax = m(2_000);
    france.claims_credit = true;
    let mut spain = country("ESP", 3_000);
    spain.foreign_tax = m(300);
    spain.claims_credit = true;
    i.foreign_property = Some(foreign_property(vec![france, spain, country("ITA", -1_000)]));
    let c = run(&i);
    let relief = c.foreign.foreign_tax_credit_relief.clone().unwrap();
    let credits: Vec<(&str, Money, Money)> =
        relief.details.iter().map(|d| (d.country_code.as_str(), d.foreign_income, d.foreign_tax_credit)).collect();
    assert_eq!(credits, vec![("FRA", m(5_333), pence(dec!(1066.60))), ("ESP", m(2_666), m(300))]);
    assert_eq!(relief.total, pence(dec!(1366.60)));
}

#[test]
fn uk_tax_paid_on_foreign_property_income_is_tax_deducted_at_source() {
    // Pay 20,000 (no PAYE given), foreign property 5,000 with 250 of UK tax paid: charged
    // 2,486.00, tax deducted 250.00, due 2,236.00; repaid if it were more.
    let mut i = taxpayer(20_000);
    i.foreign_property = Some(foreign_property(vec![country("FRA", 5_000)]));
    i.business_tax_deducted.foreign_property = m(250);
    let c = run(&i);
    assert_eq!(c.tax_deducted_at_source.special_withholding_tax_or_uk_tax_paid, Some(m(250)));
    assert_eq!(c.tax_calculation.total_tax_deducted, m(250));
    assert_eq!(c.tax_calculation.total_income_tax_and_nics_due, m(2_236));
}

/// Foreign property profits are unearned income for student loans, as UK property
/// profits are (Education (Student Loans) (Repayment) Regulations 2009 reg 29(3)).
#[test]
fn foreign_property_profits_are_unearned_income_for_student_loans() {
    let mut i = taxpayer(30_000);
    i.student_loan_plans = vec![itsa_engine::inputs::StudentLoanPlan::Plan2];
    i.foreign_property = Some(foreign_property(vec![country("FRA", 3_000)]));
    // Plan 2's threshold in 2025-26 is 28,470: (30,000 + 3,000 - 28,470) x 9% = 407.70 -> 407.
    assert_eq!(run(&i).tax_calculation.total_student_loans_repayment_amount, m(407));
}
