//! Losses brought forward, loss claims, transition profits and Class 4 losses.

use itsa_engine::inputs::{Employment, SelfEmployment};
use itsa_engine::losses::{CarryBack, TradeExtras};
use itsa_engine::{Inputs, Money, Regime, TaxYear, calculate};
use rust_decimal_macros::dec;

fn m(pounds: i64) -> Money {
    Money::pounds(pounds)
}

fn employee(pay: i64) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
    i.employments.push(Employment { name: "Acme".into(), pay: m(pay), ..Default::default() });
    i
}

fn trade(id: &str, profit: i64) -> SelfEmployment {
    SelfEmployment { business_id: id.into(), adjusted_profit: m(profit), ..Default::default() }
}

#[test]
fn losses_brought_forward_go_against_the_profit_then_the_transition_profit() {
    let mut i = employee(40_000);
    let mut t = trade("XAIS12345678901", 29_500);
    t.losses_brought_forward = m(31_000);
    t.extras = TradeExtras {
        transition_profit: m(6_000),
        transition_profit_acceleration: m(1_000),
        class4_losses_brought_forward: Some(m(8_000)),
        ..TradeExtras::default()
    };
    i.self_employments.push(t);
    let c = calculate(&i).unwrap();
    let b = &c.business_profit_and_loss[0];
    let tp = b.transition.unwrap();
    assert_eq!((tp.total, tp.remaining_losses_brought_forward, tp.after_losses), (m(7_000), m(1_500), m(5_500)));
    assert_eq!(c.income_summary_totals.total_self_employment_profit, m(5_500));
    // Taxable 45,500 - 12,570 = 32,930 at 20%; the transition profit adds 5,500 x 20%.
    let it = &c.tax_calculation.income_tax;
    assert_eq!(it.income_tax_charged, m(6_586));
    assert_eq!(it.income_tax_charged_on_transition_profits, Some(m(1_100)));
    // Class 4 on 29,500 + 7,000 - 8,000 = 28,500: (28,500 - 12,570) x 6% = 955.80.
    let c4 = c.tax_calculation.nics.class4.unwrap();
    assert_eq!(c4.total_amount, Money::new(dec!(955.80)));
    assert_eq!((c4.profits.liable, c4.profits.losses_used), (m(36_500), m(8_000)));
}

#[test]
fn a_loss_set_sideways_is_set_against_other_trades_for_class4() {
    let mut i = employee(50_000);
    let mut loss = trade("XAIS12345678901", -60_000);
    loss.claims_sideways = true;
    i.self_employments.push(loss);
    i.self_employments.push(trade("XAIS12345678902", 22_000));
    let c = calculate(&i).unwrap();
    // Cap: the greater of 50,000 and 25% of 72,000.
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(m(50_000)));
    let b = &c.business_profit_and_loss[0];
    assert_eq!((b.carry_sideways_losses_used, b.losses_carried_forward), (m(50_000), m(10_000)));
    assert_eq!((b.class4.carry_sideways_used, b.class4.carried_forward), (m(22_000), m(38_000)));
    assert_eq!(c.tax_calculation.nics.class4.unwrap().total_amount, Money::ZERO);
    let l = c.losses_and_claims.unwrap();
    assert_eq!(l.result_of_claims_applied[0].remaining_loss_value, m(10_000));
}

#[test]
fn a_carry_back_applied_first_leaves_less_to_set_sideways() {
    let mut i = employee(45_000);
    let mut t = trade("XAIS12345678901", -20_000);
    t.claims_sideways = true;
    t.extras.carry_back = CarryBack { previous_year_general_income: m(12_000), ..CarryBack::default() };
    t.extras.carry_back_first = true;
    i.self_employments.push(t.clone());
    let c = calculate(&i).unwrap();
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(m(8_000)));
    t.extras.carry_back_first = false;
    i.self_employments[0] = t;
    let c = calculate(&i).unwrap();
    // Sideways first takes the whole loss; nothing is left to carry back.
    assert_eq!(c.allowances_and_deductions.losses_applied_to_general_income, Some(m(20_000)));
    assert_eq!(c.business_profit_and_loss[0].carried_back, Money::ZERO);
}

#[test]
fn an_exempt_trade_pays_no_class4() {
    let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
    let mut t = trade("XAIS12345678901", 30_000);
    t.extras.class4_exempt = true;
    i.self_employments.push(t);
    let c = calculate(&i).unwrap();
    assert_eq!(c.tax_calculation.nics.class4.unwrap().total_amount, Money::ZERO);
    assert_eq!(c.tax_calculation.income_tax.income_tax_charged, m(3_486));
}
